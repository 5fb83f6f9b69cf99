"""Bid entry in a real browser (issue 10): three bids for a scenario-2 tender typed in the bid form (one with its
risk assessment attached as a Word document), kept as drafts and evaluated; and the same through the tender's
bid template, downloaded, filled in and imported. Screenshots of each page at desktop and phone width go to
/tmp/shots/bid_entry/ (HRDD_SHOTS overrides)."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from hrdd.tenders.models import BidDraft, BidEvaluation
from hrdd.tenders.services import tender_create

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/bid_entry"))  # noqa: S108 - screenshots to look at
WIDTHS = {"desktop": 1280, "phone": 390}

RISK_ASSESSMENT = [
    "Human-rights risk assessment: Lumen notebooks",
    "Our notebooks contain a battery and a printed circuit board.",
    "The battery uses cobalt mined in the Democratic Republic of the Congo and lithium from Chile.",
    "The solder on the circuit board contains tin from Indonesia.",
    "Cobalt mining in the DRC carries a high risk of child labour.",
    "Tin mining in Indonesia exposes workers to unsafe working conditions and mine collapse.",
    "Assembly workers in China have paid recruitment fees, a sign of forced labour.",
]


def shoot(page, name):
    """Screenshots of the whole page at desktop and phone width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


@pytest.fixture
def tender(buyer):
    return tender_create(
        actor=buyer, title="Notebooks 2027", scenario=2, weights={"price": 60, "AC3": 20, "AC4": 20}
    )


@pytest.fixture
def risk_assessment_docx(tmp_path):
    document = Document()
    for line in RISK_ASSESSMENT:
        document.add_paragraph(line)
    path = tmp_path / "lumen-risk-assessment.docx"
    document.save(path)
    return path


def fill_bid(form, *, bidder, price, label, actions=(), sites="", plan=None, lists=None, document=None):
    form.get_by_label("Bidder").fill(bidder)
    form.get_by_label("Price", exact=True).fill(price)
    form.get_by_label("Label", exact=True).select_option(label=label)
    risks = form.locator("#part-risk_assessment")
    if document is not None:
        risks.get_by_label("Risk-assessment document").set_input_files(str(document))
    for name, value in (lists or {}).items():
        risks.get_by_label(name).fill(value)
    sites_group = form.locator("#part-product_sites")
    if sites:
        sites_group.get_by_label("Given as").select_option(label="A list of sites")
        sites_group.get_by_label("Sites", exact=True).fill(sites)
    if plan:
        sites_group.get_by_label("Given as").select_option(label="A plan to compile the list")
        for part, text in plan.items():
            sites_group.get_by_label(f"Plan: {part}").fill(text)
    for n, (action, justification) in enumerate(actions, start=1):
        form.get_by_label(f"Action {n}", exact=True).fill(action)
        form.get_by_label(f"Justification {n}", exact=True).fill(justification)


def test_three_bids_typed_in_the_browser_are_evaluated(page, login, buyer, tender, risk_assessment_docx):
    login(page, buyer, then=tender.get_absolute_url())

    # from the tender to its bids
    page.get_by_role("link", name="Enter the bids").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bids")
    expect(page.locator("#drafts")).to_contain_text("No bid entered yet.")
    shoot(page, "1-bids-empty")
    page.get_by_text("Bids as JSON (for the API and the command line)").click()
    expect(page.locator("#json-example")).to_contain_text('"risk_assessment"')
    page.locator("#bids-json").scroll_into_view_if_needed()
    shoot(page, "1-bids-json")
    page.get_by_role("link", name="Enter a bid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New bid")
    form = page.locator("#bid-form")
    for legend in (
        "The bid",
        "Label evidence",
        "Human-rights risk assessment",
        "Production sites of the products",
        "Action plan",
    ):
        expect(form.locator("legend", has_text=legend)).to_be_visible()

    # a mistake first: the price is refused beside its box, the rest kept
    fill_bid(
        form, bidder="Lumen Computers", price="412,000", label="TCO Certified", document=risk_assessment_docx
    )
    form.get_by_role("button", name="Save and enter another bid").click()
    expect(page.locator("#bid_price_error")).to_contain_text("could be read two ways")
    expect(page.get_by_label("Bidder")).to_have_value("Lumen Computers")
    shoot(page, "2-bid-form-error")

    # Lumen: its risk assessment as a Word document, two sites, three justified actions
    form = page.locator("#bid-form")
    fill_bid(
        form,
        bidder="Lumen Computers",
        price="412000",
        label="TCO Certified",
        document=risk_assessment_docx,
        sites="Lumen Assembly Plant 2; 88 Industrial Road, Kunshan; CHN\nLumen Final Assembly; 14 Jalan Perindustrian, Penang; MYS",
        actions=[
            ("Cobalt refiners audited under RMAP", "Child labour risk in DRC mining."),
            ("Zero recruitment-fee policy", "Forced labour risk for migrant workers."),
            ("Worker hotline at final assembly", "Grievances reach us directly."),
        ],
    )
    form.get_by_role("button", name="Save and enter another bid").click()
    expect(page.locator(".messages")).to_contain_text("The bid of Lumen Computers is saved as a draft.")
    expect(page.get_by_role("heading", level=1)).to_have_text("New bid")

    # Civic: the lists typed, a plan instead of sites, one justified action
    form = page.locator("#bid-form")
    fill_bid(
        form,
        bidder="Civic IT Reseller",
        price="389000",
        label="EPEAT",
        lists={
            "Key components": "battery",
            "Raw materials": "cobalt; lithium",
            "Sourcing countries": "COD; AUS",
            "Human-rights risks": "Cobalt from artisanal mines.\nWater use of lithium extraction.\nPassports retained at factories.",
        },
        plan={
            "timeline": "Site list within 9 months of award",
            "deliverables": "Final assembly and battery sites",
            "main challenges": "The brand shares sites only under NDA",
            "how suppliers will be engaged": "Quarterly meetings with the brand",
        },
        actions=[("Supplier code of conduct in every order", "Makes the brand accountable.")],
    )
    form.get_by_role("button", name="Save and enter another bid").click()
    expect(page.locator(".messages")).to_contain_text("The bid of Civic IT Reseller is saved as a draft.")

    # Budget: a thin risk assessment
    form = page.locator("#bid-form")
    fill_bid(
        form,
        bidder="Budget Office Supplies",
        price="255000",
        label="TCO Certified",
        lists={"Key components": "battery", "Raw materials": "cobalt", "Human-rights risks": "Cobalt"},
    )
    form.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".messages")).to_contain_text(
        "The bid of Budget Office Supplies is saved as a draft."
    )
    assert BidDraft.objects.filter(tender=tender).count() == 3

    # the drafts, with what the rules read in each bid alone
    rows = page.locator("#drafts tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="Budget Office Supplies").locator("td").nth(2)).to_have_text("no")
    expect(rows.filter(has_text="Lumen Computers").locator("td").nth(2)).to_have_text("yes")
    shoot(page, "3-bids-drafts")

    # the document was read with step 1's check
    page.get_by_role("link", name="Lumen Computers").click()
    expect(page.locator("#check-risk_assessment")).to_contain_text("it meets the minimum contents.")
    expect(page.locator("#preview")).to_contain_text("hrdd's check of lumen-risk-assessment.docx")
    expect(page.get_by_role("link", name="lumen-risk-assessment.docx")).to_be_visible()
    shoot(page, "4-bid-with-document")
    page.get_by_role("link", name=re.compile("Bids: Notebooks 2027")).click()

    # evaluate: the existing evaluation page ranks them
    page.get_by_role("button", name="Evaluate the bids").click()
    page.wait_for_url(re.compile(r"/evaluations/\d+/$"))
    ranking = page.locator("#ranking tbody tr")
    expect(ranking).to_have_count(3)
    expect(ranking.nth(0)).to_contain_text("Lumen Computers")
    expect(ranking.nth(0).locator("td").first).to_have_text("1")
    expect(ranking.nth(1)).to_contain_text("Civic IT Reseller")
    expect(ranking.nth(1).locator("td").first).to_have_text("2")
    stored = BidEvaluation.objects.get(tender=tender)
    ranks = {b["bidder"]: b["rank"] for b in stored.result["bids"]}
    assert ranks == {"Lumen Computers": 1, "Civic IT Reseller": 2, "Budget Office Supplies": None}
    shoot(page, "5-evaluation")


def test_bids_from_the_spreadsheet_template_are_imported_and_evaluated(page, login, buyer, tender, tmp_path):
    login(page, buyer, then=f"{tender.get_absolute_url()}bids/")

    # download the tender's bid template
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the bid template (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename == "notebooks-2027-bid-template.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    # fill it in as a buyer would: one row per bidder, choices from the drop-down lists
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    column = {str(c.value).removesuffix(" *"): c.column for c in sheet[1]}
    rows = [
        {
            "Bidder": "Lumen Computers",
            "Price": 412000,
            "Label": "TCO Certified",
            "Risk assessment: key components": "battery; printed circuit board",
            "Risk assessment: raw materials": "cobalt; tin",
            "Risk assessment: sourcing countries": "COD; IDN",
            "Risk assessment: human-rights risks": "Child labour in cobalt mining.\nForced labour at assembly.\nUnsafe tin mines.",
            "Production sites of the products: given as": "A list of sites",
            "Production sites of the products: sites": "Lumen Plant; 88 Industrial Road, Kunshan; CHN",
            "Action 1": "RMAP audits",
            "Justification 1": "Child labour.",
            "Action 2": "No recruitment fees",
            "Justification 2": "Forced labour.",
            "Action 3": "Worker hotline",
            "Justification 3": "Grievances.",
        },
        {
            "Bidder": "Civic IT Reseller",
            "Price": 389000,
            "Label": "EPEAT",
            "Risk assessment: key components": "battery",
            "Risk assessment: raw materials": "cobalt; lithium",
            "Risk assessment: sourcing countries": "COD",
            "Risk assessment: human-rights risks": "Cobalt.\nWater.\nPassports retained.",
            "Production sites of the products: given as": "A plan to compile the list",
            "Production sites of the products: plan: timeline": "9 months",
            "Production sites of the products: plan: deliverables": "Site list",
            "Production sites of the products: plan: main challenges": "NDA",
            "Production sites of the products: plan: how suppliers will be engaged": "Meetings",
        },
        {"Bidder": "Budget Office Supplies", "Price": 255000, "Label": "No label"},
    ]
    for number, row in enumerate(rows, start=2):
        for name, value in row.items():
            sheet.cell(row=number, column=column[name], value=value)
    workbook.save(path)

    # import it
    form = page.locator("#import-bids")
    form.get_by_label("Filled bid template (XLSX)").set_input_files(str(path))
    form.get_by_role("button", name="Import the bids").click()
    expect(page.locator(".messages")).to_contain_text("3 bid(s) imported as drafts")
    expect(page.locator("#drafts tbody tr")).to_have_count(3)
    shoot(page, "6-bids-imported")

    # evaluate
    page.get_by_role("button", name="Evaluate the bids").click()
    ranking = page.locator("#ranking tbody tr")
    expect(ranking.nth(0)).to_contain_text("Lumen Computers")
    expect(ranking.nth(1)).to_contain_text("Civic IT Reseller")
    expect(page.locator("main")).to_contain_text("LABEL not met: no label given")


def test_a_template_with_a_bad_row_is_refused_naming_row_and_column(page, login, buyer, tender, tmp_path):
    login(page, buyer, then=f"{tender.get_absolute_url()}bids/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the bid template (XLSX)").click()
    content = Path(download_info.value.path()).read_bytes()
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet["A2"], sheet["B2"] = "Lumen Computers", "412,000"
    path = tmp_path / "bids.xlsx"
    workbook.save(path)

    form = page.locator("#import-bids")
    form.get_by_label("Filled bid template (XLSX)").set_input_files(str(path))
    form.get_by_role("button", name="Import the bids").click()

    expect(page.locator("#import_file_error")).to_contain_text(
        "row 2, column B (Price): '412,000' could be read two ways"
    )
    assert not BidDraft.objects.exists()
    shoot(page, "7-import-refused")
