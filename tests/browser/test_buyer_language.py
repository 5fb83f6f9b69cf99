"""A buyer switches hrdd to Dutch in the page header: the page comes back in Dutch, the account keeps the choice,
and the next login opens in Dutch although the browser asks for English. Screenshots at 1280 and 390 px in
/tmp/shots/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at


def said(language: str, english: str) -> str:
    with translation.override(language):
        return gettext(english)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_buyer_switches_to_dutch_and_the_next_login_is_dutch(page, login, buyer, consultation, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then=consultation.get_absolute_url())
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # when the buyer chooses Nederlands in the header and switches
    page.locator("#language-switch").select_option("nl")
    page.locator("form.language button").click()

    # then the same page comes back in Dutch
    page.wait_for_url(f"**{consultation.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    dutch_results = said("nl", "Suppliers")
    assert dutch_results != "Suppliers"
    expect(page.locator("main")).to_contain_text(dutch_results)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"buyer-dutch-{width}.png", full_page=True)
    buyer.refresh_from_db()
    assert buyer.language == "nl"

    # when they log out and in again, the browser still asking for English
    page.context.clear_cookies()
    login(page, buyer, then=consultation.get_absolute_url())

    # then hrdd speaks Dutch: the account remembers
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("#language-switch")).to_have_value("nl")
