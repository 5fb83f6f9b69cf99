"""Issue 10's walkthrough as a test: the demo's procurement officer, new to hrdd, goes from the landing page through
the four steps (a risk assessment saved, the consultation's recommendation read, a tender built from it, its Word
annex downloaded, three bids typed in with one risk assessment attached as a file, evaluated, and the contract made
out to the winner) by following the links the pages offer, never typing a URL after logging in."""

from __future__ import annotations

import re

import pytest
from docx import Document

from hrdd.demo import DEMO_LOGIN, DEMO_PASSWORD, load_demo
from hrdd.procurements.models import Procurement
from hrdd.tenders.models import BidDraft

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

RISK_ASSESSMENT = [
    "Human-rights risk assessment: Lumen notebooks",
    "Our notebooks contain a battery and a printed circuit board.",
    "The battery uses cobalt mined in the Democratic Republic of the Congo and lithium from Chile.",
    "The solder on the circuit board contains tin from Indonesia.",
    "Cobalt mining in the DRC carries a high risk of child labour.",
    "Tin mining in Indonesia exposes workers to unsafe working conditions and mine collapse.",
    "Assembly workers in China have paid recruitment fees, a sign of forced labour.",
]


@pytest.fixture
def demo(transactional_db):
    load_demo()
    return Procurement.objects.get()


@pytest.fixture
def risk_assessment_docx(tmp_path):
    document = Document()
    for line in RISK_ASSESSMENT:
        document.add_paragraph(line)
    path = tmp_path / "lumen-risk-assessment.docx"
    document.save(path)
    return path


def fill_bid(form, *, bidder, price, label, document=None, lists=None, sites="", plan=None, actions=()):
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


def test_a_new_procurement_officer_goes_from_the_landing_page_to_the_contract(
    page, live_server, demo, risk_assessment_docx, tmp_path
):
    # log in with the demo's login, as `make run` prints it
    page.goto("/")
    page.get_by_label("E-mail address").fill(DEMO_LOGIN)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")

    # the landing page leads to the procurement and its four steps
    page.get_by_role("link", name=demo.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.title)
    steps = page.locator("#steps > li")

    # step 1: the notebook's risks, saved with the procurement
    steps.nth(0).get_by_role("link", name="Add another").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Human-rights risks: Notebooks")
    save = page.locator("#save")
    expect(save.get_by_label("Procurement")).to_have_value(str(demo.public_id))
    save.get_by_label("Title").fill("Notebooks 2027: supply-chain risks")
    save.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Risk assessment saved.")

    # step 2: the consultation recommends scenario 2, with the baseline advice said once
    page.get_by_role("link", name="its four steps").click()
    steps.nth(1).get_by_role("link").first.click()
    recommendation = page.locator("#recommendation")
    expect(recommendation).to_contain_text("Scenario 2: medium market maturity")
    expect(page.locator("#recommendation-why")).not_to_contain_text("Whatever the scenario")

    # step 3: a tender built from the recommendation and the new risk assessment
    page.get_by_role("link", name=re.compile(re.escape(demo.title))).first.click()
    steps.nth(2).get_by_role("link", name="Add another").click()
    form = page.locator("#new-tender")
    expect(form.locator('input[name="scenario"][value="2"]')).to_be_checked()
    expect(form.locator('select[name="risk_assessment"]')).to_have_value(
        str(demo.risk_assessments.get(title="Notebooks 2027: supply-chain risks").public_id)
    )
    form.get_by_label("Title").fill("Notebooks 2027")
    form.get_by_role("button", name="Create tender").click()
    expect(page.locator(".messages")).to_contain_text("Tender created.")
    expect(page.get_by_role("heading", level=1).first).to_have_text("Notebooks 2027")
    expect(page.locator("#parameters").get_by_label("Weight: price")).to_have_value("60")
    expect(page.locator("#parameters").get_by_label(re.compile("Months after award"))).to_have_count(0)

    # its Word annex, with the buyer in its header and properties
    with page.expect_download() as download_info:
        page.locator("#annex-download").get_by_role("button", name="Word (DOCX)").click()
    annex = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(annex)
    document = Document(annex)
    assert document.core_properties.author == "Municipality of Exampleton"
    assert "Notebooks 2027" in document.sections[0].header.paragraphs[0].text
    assert document.paragraphs[0].text == "Annex 1: Human-rights requirements"

    # three bids typed in, reached from the top of the tender page
    page.locator("#tender-next").get_by_role("link", name="the bids page").click()
    page.get_by_role("link", name="Enter a bid").click()
    form = page.locator("#bid-form")
    fill_bid(
        form,
        bidder="Lumen Computers",
        price="412000",
        label="TCO Certified",
        document=risk_assessment_docx,
        sites="Lumen Assembly Plant 2; 88 Industrial Road, Kunshan; China",
        actions=[
            ("Cobalt refiners audited under RMAP", "Child labour risk in DRC mining."),
            ("Zero recruitment-fee policy", "Forced labour risk for migrant workers."),
            ("Worker hotline at final assembly", "Grievances reach us directly."),
        ],
    )
    form.get_by_role("button", name="Save and enter another bid").click()
    expect(page.locator(".messages")).to_contain_text("The bid of Lumen Computers is saved as a draft.")
    fill_bid(
        page.locator("#bid-form"),
        bidder="Civic IT Reseller",
        price="389000",
        label="EPEAT",
        lists={
            "Key components": "battery",
            "Raw materials": "cobalt; lithium",
            "Sourcing countries": "Congo; Australia",
            "Human-rights risks": "Cobalt from artisanal mines.\nWater use of lithium extraction.\n"
            "Passports retained at factories.",
        },
        plan={
            "timeline": "Site list within 9 months of award",
            "deliverables": "Final assembly and battery sites",
            "main challenges": "The brand shares sites only under NDA",
            "how suppliers will be engaged": "Quarterly meetings with the brand",
        },
        actions=[("Supplier code of conduct in every order", "Makes the brand accountable.")],
    )
    page.locator("#bid-form").get_by_role("button", name="Save and enter another bid").click()
    expect(page.locator(".messages")).to_contain_text("The bid of Civic IT Reseller is saved as a draft.")
    fill_bid(
        page.locator("#bid-form"),
        bidder="Budget Office Supplies",
        price="255000",
        label="TCO Certified",
        lists={"Key components": "battery", "Raw materials": "cobalt", "Human-rights risks": "Cobalt"},
    )
    page.locator("#bid-form").get_by_role("button", name="Save the draft").click()
    rows = page.locator("#drafts tbody tr")
    expect(rows).to_have_count(3)
    civic = rows.filter(has_text="Civic IT Reseller")
    expect(civic.locator("td").nth(1)).to_have_text("EUR 389,000.00")
    expect(civic.locator("td").nth(5)).to_have_text("70%")
    assert BidDraft.objects.filter(tender__title="Notebooks 2027").count() == 3

    # evaluated: the award report ranks Lumen first
    page.get_by_role("button", name="Evaluate the bids").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Award report: Notebooks 2027")
    ranking = page.locator("#ranking tbody tr")
    expect(ranking.nth(0)).to_contain_text("Lumen Computers")
    expect(ranking.nth(0)).to_contain_text("96.65")

    # step 4: the contract made out to the winner
    page.get_by_role("link", name="Award the contract to Lumen Computers").click()
    expect(page.locator("#obligation-filters").get_by_label("Supplier")).to_have_value("")
    form = page.locator("#new-contract")
    expect(form.get_by_label("Supplier", exact=True)).to_have_value("Lumen Computers")
    form.get_by_label("Title").fill("Notebooks 2027 (Lumen Computers)")
    form.get_by_label("Supplier e-mail address").fill("contracts@lumen.example")
    form.get_by_label("Award date").fill("2026-12-15")
    form.get_by_label("Start date").fill("2027-01-01")
    form.get_by_label("End date").fill("2029-12-31")
    form.get_by_role("button", name="Create contract").click()
    expect(page.locator(".messages")).to_contain_text("Contract created with 6 obligations.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notebooks 2027 (Lumen Computers)")
