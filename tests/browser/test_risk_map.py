"""The product-risk page's world map in a real browser: visible, shaded, fitting a phone, and printed to PDF
(screenshots and the PDF in /tmp/shots/risk-map/, HRDD_SHOTS overrides)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from hrdd.risks import selectors

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/risk-map"))  # noqa: S108 - screenshots to look at


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_risk_page_shows_the_producing_countries_on_a_map(page, login, buyer, width):
    # given a buyer on the smartphone assessment
    page.set_viewport_size({"width": width, "height": 900})
    login(page, buyer, then="/risks/assess/?product=smartphone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Human-rights risks: Smartphones")

    # then the map is there, drawn, shaded, and the words beside it name the darkest countries
    section = page.locator("#map")
    expect(section.get_by_role("heading", name="Where the risks lie")).to_be_visible()
    svg = section.locator("svg.map")
    expect(svg).to_be_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # within the screen, on a phone too
    congo = svg.locator(
        "path", has=page.locator("title", has_text="Democratic Republic of the Congo: highest")
    )
    expect(congo).to_have_attribute("fill", "#b30000")
    expect(section.locator("#map-legend")).to_contain_text("Democratic Republic of the Congo")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / f"risk-map-{width}.png"))
    page.screenshot(path=str(SHOTS / f"risk-page-{width}.png"), full_page=True)

    # and printed, the map is on paper with the rest (Chromium's PDF of the page)
    if width == 1280:
        page.emulate_media(media="print")
        expect(svg).to_be_visible()
        section.screenshot(path=str(SHOTS / "risk-map-print.png"))
        pdf = SHOTS / "risk-page.pdf"
        page.pdf(path=str(pdf), format="A4", print_background=True)
        text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
        assert "Where the risks lie" in text
