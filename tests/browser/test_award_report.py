"""In a real browser: the buyer makes its choices where the manual leaves room, downloads the annex with its own
number and date (Word and HTML), and reads the evaluation as an award report that downloads as Word."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from docx import Document

from hrdd.procurements.services import procurement_create
from hrdd.tenders.models import Tender
from hrdd.tenders.services import bid_evaluation_create, tender_create

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/award_report"))  # noqa: S108 - screenshots to look at
WIDTHS = {"desktop": 1280, "phone": 390}
DEMO_BIDS = Path(__file__).resolve().parents[2] / "hrdd" / "demo_data" / "bids-scenario-2.json"


def shoot(page, name):
    """Screenshots of the whole page at desktop and phone width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


@pytest.fixture
def tender(buyer):
    procurement = procurement_create(
        actor=buyer, title="Notebooks 2027", product_category="notebook", reference="P-2027-014"
    )
    return tender_create(actor=buyer, title="Notebooks 2027", scenario=2, procurement=procurement)


def test_buyer_chooses_downloads_the_annex_and_reads_the_award_report(page, login, buyer, tender, tmp_path):
    login(page, buyer, then=tender.get_absolute_url())

    # the choices where the manual leaves room, beside what hrdd suggests
    choices = page.locator("#buyer-choices")
    expect(choices).to_contain_text("Your choices where the manual leaves room")
    choices.get_by_label("Award criterion: points for it, with a weight you set").check()
    choices.get_by_label("Oldest TCO Certified generation accepted").fill("10")
    page.locator("#parameters").get_by_role("button", name="Save parameters").click()
    expect(page.locator(".messages")).to_contain_text("Parameters saved.")
    tender.refresh_from_db()
    assert tender.choices["label_role"] == "award"
    assert tender.choices["tco_generation"] == 10
    # the label now has a weight of its own, and the preview says how it scores
    expect(page.locator("#parameters_weight_LABEL")).to_be_visible()
    expect(page.locator("#criterion-LABEL")).to_contain_text("generation 10 or later")
    page.locator("#readings summary").click()
    expect(page.locator("#readings")).to_contain_text("(changed)")
    shoot(page, "tender-page")

    # the annex with its number and date, as Word
    download = page.locator("#annex-download")
    download.get_by_label("Annex number").fill("Annex 3")
    download.get_by_label("Date of the annex").fill("2027-02-01")
    with page.expect_download() as word:
        download.get_by_role("button", name="Word (DOCX)").click()
    path = tmp_path / "annex.docx"
    word.value.save_as(path)
    document = Document(path)
    assert document.core_properties.author == "Municipality of Testville"
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header == [
        "Municipality of Testville · Notebooks 2027 · Reference P-2027-014",
        "Annex 3 · 1 February 2027",
    ]

    # and as HTML, opened as a bidder would open it
    with page.expect_download() as html:
        download.get_by_role("button", name="HTML").click()
    annex = tmp_path / "annex.html"
    html.value.save_as(annex)
    page.goto(annex.as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text("Annex 3: Human-rights requirements")
    expect(page.locator("#scoring")).to_contain_text("Price points = price weight × lowest admitted price")
    expect(page.locator("#response-form")).to_contain_text("Response form (completed by the tenderer)")
    shoot(page, "annex-html")

    # the evaluation reads as an award report
    stored, _evaluation = bid_evaluation_create(
        actor=buyer, tender=Tender.objects.get(), bids=json.loads(DEMO_BIDS.read_text(encoding="utf-8"))
    )
    page.goto(f"/tenders/{tender.public_id}/evaluations/{stored.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Award report: Notebooks 2027")
    expect(page.locator("#proposal")).to_contain_text("Proposed award: Lumen Computers, ranked first with")
    expect(page.locator("#ranking")).to_contain_text("412,000.00")
    expect(page.locator("#signoff")).to_contain_text("Approved by")
    shoot(page, "award-report")
    export = page.locator("#report-export")
    export.get_by_label("Date of the report").fill("2027-04-09")
    with page.expect_download() as report:
        export.get_by_role("button", name="Award report (Word)").click()
    path = tmp_path / "report.docx"
    report.value.save_as(path)
    document = Document(path)
    assert document.paragraphs[0].text == "Award report: Notebooks 2027"
    assert document.sections[0].header.paragraphs[1].text == "9 April 2027"
    assert re.search(r"Ranked 1 of 3 admitted bids", "\n".join(p.text for p in document.paragraphs))
