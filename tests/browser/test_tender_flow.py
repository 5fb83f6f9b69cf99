"""The tender flow in a real browser: from the consultation's recommendation to the tender, its parameters,
the Word annex and the evaluated bids."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from hrdd.consultations import services
from hrdd.consultations.selectors import consultation_results
from hrdd.tenders.models import BidEvaluation, Tender
from tests.factories import response

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

DEMO_BIDS = Path(__file__).resolve().parents[2] / "hrdd" / "demo_data" / "bids-scenario-2.json"


@pytest.fixture
def recommends_2(buyer, consultation):
    """Three medium suppliers answered: the market supports scenario 2 (not the form's default, 1)."""
    for n in range(3):
        invitation = services.invitation_create(
            actor=buyer, consultation=consultation, email=f"s{n}@supplier{n}.example", send=False
        )
        services.invitation_submit(invitation=invitation, raw=response(company=f"Supplier {n}"))
    assert consultation_results(consultation=consultation).market.recommended_scenario == 2
    return consultation


def test_buyer_builds_the_tender_from_the_recommendation_and_evaluates_the_bids(
    page, login, buyer, recommends_2, tmp_path
):
    login(page, buyer)

    # the consultation recommends scenario 2; its dashboard leads to the tender
    page.get_by_role("link", name="Notebooks 2027", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Notebooks 2027")
    page.get_by_role("link", name=re.compile(r"Next: build the tender annex")).click()
    page.wait_for_url(re.compile(rf"/tenders/\?consultation={recommends_2.public_id}$"))
    form = page.locator("#new-tender")
    expect(form).to_contain_text("The market consultation recommends scenario 2; it is pre-selected.")
    expect(form.locator('input[name="scenario"][value="2"]')).to_be_checked()
    expect(form.locator('input[name="scenario"][value="1"]')).not_to_be_checked()
    expect(form.locator('input[name="scenario"][value="3"]')).not_to_be_checked()
    expect(form.get_by_label("Title")).to_have_value("Notebooks 2027")

    # create the tender
    form.get_by_role("button", name="Create tender").click()
    expect(page.locator(".messages")).to_contain_text("Tender created.")
    tender = Tender.objects.get()
    assert page.url.endswith(tender.get_absolute_url())
    assert tender.scenario == 2
    assert tender.consultation == recommends_2
    annex = page.locator("#annex")
    for criterion in ("LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"):
        expect(annex.locator(f"#criterion-{criterion}")).to_be_visible()
    expect(annex.locator("#criterion-AC1")).to_have_count(0)

    # change a weight and save
    parameters = page.locator("#parameters")
    parameters.get_by_label("Weight: AC3").fill("30")
    parameters.get_by_role("button", name="Save parameters").click()
    expect(page.locator(".messages")).to_contain_text("Parameters saved.")
    tender.refresh_from_db()
    assert tender.weights == {"price": 60.0, "AC3": 30.0, "AC4": 20.0}
    expect(page.locator("#parameters").get_by_label("Weight: AC3")).to_have_value("30")
    expect(page.locator("#criterion-AC3 h3")).to_contain_text("up to 30 points")

    # download the Word annex
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename == "notebooks-2027-human-rights-annex.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = Document(path)
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[0].text == "Annex 1: Human-rights requirements"
    assert "Notebooks 2027" in document.sections[0].header.paragraphs[0].text
    level3 = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert [h.split()[0] for h in level3][:6] == ["LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"]
    assert "AC3 Supply-chain transparency: products — up to 30 points" in level3
    assert len(document.tables) >= 6

    # upload the demo bids
    bids = page.locator("#bids")
    bids.get_by_label("Bids (JSON").set_input_files(str(DEMO_BIDS))
    bids.get_by_role("button", name="Evaluate", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Award report: Notebooks 2027")
    stored = BidEvaluation.objects.get()
    assert stored.tender == tender

    # the ranking: Lumen 60 x 389000 / 412000 + 30 + 20 = 106.6505; Civic 60 + 30 x 0.7 + 20 x 0.3 = 87
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Lumen Computers")
    expect(rows.nth(0).locator("td").first).to_have_text("1")
    expect(rows.nth(0)).to_contain_text("106.65")
    expect(rows.nth(1)).to_contain_text("Civic IT Reseller")
    expect(rows.nth(1).locator("td").first).to_have_text("2")
    expect(rows.nth(1)).to_contain_text("87")
    budget = rows.filter(has_text="Budget Office Supplies")
    expect(budget).to_contain_text("possibly abnormally low")
    expect(budget.locator("td").first).to_have_text("not admitted")
    expect(page.locator("#ranking .warning")).to_have_count(1)
    expect(page.locator("main")).to_contain_text("LABEL not met: no label given")
