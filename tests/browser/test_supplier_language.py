"""A supplier reads their link in their language, in a real browser (issue 16): a Dutch invitation opens in Dutch,
the switch in the header turns it French, and it stays French after a draft is saved. Screenshots at desktop and
phone width go to /tmp/shots/supplier-lang-*.png (HRDD_SHOTS overrides the folder)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from hrdd.consultations import services
from hrdd.contracts.services import contract_create

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at


def shoot(page, name: str) -> None:
    """Screenshots of the whole page at desktop and phone width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, label in ((1280, "1280"), (390, "390")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"supplier-lang-{name}-{label}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"supplier-lang-{name}-390-top.png"))  # the first screen of a phone
    page.set_viewport_size({"width": 1280, "height": 900})


def said(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def test_a_supplier_opens_a_dutch_link_switches_to_french_and_stays_french_after_saving(
    new_page, buyer, consultation
):
    # given a Dutch invitation, and a browser that asks for English
    invitation = services.invitation_create(
        actor=buyer, consultation=consultation, email="verkoop@acme.example", language="nl", send=False
    )
    page = new_page()
    page.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})

    # when the supplier opens the link
    page.goto(invitation.get_respond_url())

    # then it is in Dutch
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        said("nl", "Supplier questionnaire on human rights")
    )
    expect(page.locator("#language-switch")).to_have_value("nl")
    shoot(page, "dutch")

    # when they choose French in the header and switch
    page.locator("#language-switch").select_option("fr")
    page.locator("form.language button").click()

    # then the same link comes back in French
    page.wait_for_url(f"**{invitation.get_respond_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        said("fr", "Supplier questionnaire on human rights")
    )

    # when they save a draft
    page.locator('input[name="company"]').fill("Acme Computers")
    page.locator('button[name="action"][value="save"]').click()

    # then the page and its message stay French
    expect(page.locator(".messages")).to_contain_text(
        said("fr", "Draft saved. You can come back to this link and submit later.")
    )
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator('input[name="company"]')).to_have_value("Acme Computers")
    shoot(page, "french-draft")


def test_a_contracts_supplier_page_opens_in_the_language_the_buyer_set(page, buyer):
    # given
    contract = contract_create(
        actor=buyer,
        title="Notebooks 2030-2033",
        supplier_name="Acme Computers",
        supplier_email="berichte@acme.example",
        supplier_language="de",
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2033, 1, 31),
        scenario=2,
    )

    # when
    page.goto(contract.get_supplier_url())

    # then
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text(said("de", "Reporting under the contract"))
    shoot(page, "contract-german")
