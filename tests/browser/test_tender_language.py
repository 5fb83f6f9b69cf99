"""A tender in Dutch in a real browser: the buyer reads hrdd in English, creates a tender whose documents are in
Dutch, downloads its Dutch annex, then a French copy; screenshots at 1280 and 390 px in /tmp/shots/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext
from docx import Document

from hrdd.domain.framework_texts import translate
from hrdd.tenders.models import Tender

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at


def _said(language: str, english: str) -> str:
    with translation.override(language):
        return gettext(english)


def _download(page, tmp_path: Path, button: str) -> tuple[str, object]:
    with page.expect_download() as info:
        page.locator("#annex-download").get_by_role("button", name=button).click()
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, Document(path)


def test_a_buyer_reading_english_downloads_the_dutch_annex_of_a_dutch_tender(page, login, buyer, tmp_path):
    login(page, buyer, then="/tenders/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tenders")

    # create a tender whose documents are in Dutch
    form = page.locator("#new-tender")
    form.get_by_label("Title").fill("Notebooks 2027")
    form.locator('input[name="scenario"][value="2"]').check()
    form.get_by_label("Language of the tender documents").select_option("nl")
    form.get_by_role("button", name="Create tender").click()
    expect(page.locator(".messages")).to_contain_text("Tender created.")
    tender = Tender.objects.get()
    assert tender.language == "nl"

    # the page stays in English, and says the annex is written in Dutch
    expect(page.locator("#annex")).to_contain_text("Award criteria")
    expect(page.locator("#annex-language")).to_contain_text("Written in Nederlands")
    expect(page.locator("#annex-download").get_by_label("Language of the annex")).to_have_value("nl")
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#annex-download").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"tender-language-{width}.png"))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{overflow} px of sideways scroll at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})

    # the Word annex is Dutch: headings and a criterion's title
    name, document = _download(page, tmp_path, "Word (DOCX)")
    assert name == "notebooks-2027-human-rights-annex.docx"
    assert document.paragraphs[0].text == "Bijlage 1: " + _said("nl", "Human-rights requirements")
    level2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert _said("nl", "Award criteria") in level2
    level3 = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert any(h.startswith("AC4 " + translate("Action plan", "nl")) for h in level3)

    # a French copy to read, named as one
    page.locator("#annex-download").get_by_label("Language of the annex").select_option("fr")
    name, document = _download(page, tmp_path, "Word (DOCX)")
    assert name == "notebooks-2027-human-rights-annex-fr.docx"
    assert document.paragraphs[0].text.startswith("Annexe 1")
    assert document.core_properties.language == "fr"


def test_the_html_annex_opens_as_a_dutch_page(page, login, buyer):
    # given
    from hrdd.tenders.services import tender_create

    tender = tender_create(actor=buyer, title="Notebooks 2027", scenario=3, language="nl")
    login(page, buyer, then=None)

    # when: the HTML annex's text, fetched as the browser would
    answer = page.request.get(f"{tender.get_absolute_url()}?format=html")

    # then
    assert answer.status == 200
    assert answer.headers["content-language"] == "nl"
    html = answer.text()
    assert re.search(r'<html lang="nl">', html)
    assert translate("Due-diligence processes", "nl") in html
