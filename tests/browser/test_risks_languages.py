"""The product-risk page read in French in a real browser (issue 16): titles, stages and countries in French, the map's
tooltips too, nothing wider than a phone (screenshots in /tmp/shots/risks-fr-*.png, HRDD_SHOTS overrides)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hrdd.risks import selectors
from tests.factories import PASSWORD

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_risk_page_reads_in_french(browser, live_server, buyer, width):
    # given a buyer whose browser asks for French
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/login/")
        page.locator("input[name=username]").fill(buyer.email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_url(re.compile(r"/overview/$"))

        # when
        page.goto("/risks/assess/?product=smartphone")

        # then
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Risques pour les droits humains : Smartphones"
        )
        first = page.locator("#salient tbody tr").first
        expect(first).to_contain_text("Travail des enfants")
        expect(first).to_contain_text("Extraction minière")
        expect(first).to_contain_text("République démocratique du Congo")
        congo = page.locator("#map svg.map title", has_text="République démocratique du Congo : ")
        expect(congo).to_have_count(1)
        expect(page.locator("#map-legend")).to_contain_text("République démocratique du Congo")
        expect(page.locator("#method")).to_contain_text("Santé et sécurité au travail")
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing scrolls sideways

        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"risks-fr-{width}.png"), full_page=False)
        for section in ("map", "countries", "method"):  # each as a person scrolled to it sees it
            page.locator(f"#{section}").scroll_into_view_if_needed()
            page.evaluate(f"document.getElementById('{section}').scrollIntoView()")
            page.screenshot(path=str(SHOTS / f"risks-fr-{width}-{section}.png"))
    finally:
        context.close()
