"""Bid documents in a real browser (issue 15): the buyer attaches a bidder's human-rights policy (AC2, as a Word
document) and a due-diligence description (AC7, in Dutch), and sees what hrdd's check found in each, element by
element with its sentences, and where the bid's answers came from. Screenshots at desktop and phone width go to
/tmp/shots/bid-docs-*.png (HRDD_SHOTS overrides the folder)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from docx import Document

from hrdd.tenders.models import BidDraft
from hrdd.tenders.services import tender_create

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
WIDTHS = {"desktop": 1280, "phone": 390}

POLICY = [
    "Human-rights policy of Lumen Computers",
    "We commit to respect human rights throughout our supply chain, as the UN Guiding Principles ask.",
    "Our supplier code of conduct is part of every contract and is signed by suppliers each year.",
    "It refers to the ILO core conventions.",
]
DUTCH_DUE_DILIGENCE = [
    "Gepaste zorgvuldigheid bij Civic IT.",
    "Ons mensenrechtenbeleid en onze gedragscode gelden voor alle leveranciers.",
    "Elk jaar maken wij een risicoanalyse per land en per grondstof.",
    "Wij voeren sociale audits uit bij leveranciers met een hoog risico.",
    "Bij bevindingen spreken wij corrigerende maatregelen af met de leverancier.",
]


def shoot(page, name, part):
    """Screenshots of the whole page and of the part's group at desktop and phone width; at phone width nothing
    scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"bid-docs-{name}-{label}.png"), full_page=True)
        page.locator(f"#part-{part}").screenshot(path=str(SHOTS / f"bid-docs-{name}-part-{label}.png"))
        page.locator("#preview").screenshot(path=str(SHOTS / f"bid-docs-{name}-preview-{label}.png"))
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def word(path, paragraphs):
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(path)
    return path


def fill_bid(form, *, bidder, price):
    form.get_by_label("Bidder").fill(bidder)
    form.get_by_label("Price", exact=True).fill(price)
    form.get_by_label("Label", exact=True).select_option(label="TCO Certified")


def test_a_policy_in_word_is_read_and_its_findings_shown(page, login, buyer, tmp_path):
    tender = tender_create(actor=buyer, title="Notebooks 2027", scenario=1)
    login(page, buyer, then=f"{tender.get_absolute_url()}bids/new/")
    form = page.locator("#bid-form")
    policy_part = form.locator("#part-policy_commitment")
    expect(policy_part).to_contain_text("hrdd looks for a written commitment")
    expect(policy_part.get_by_label("Read the policy commitment from")).to_have_count(0)  # no document yet

    # the buyer attaches the policy and types no answer
    fill_bid(form, bidder="Lumen Computers", price="412000")
    policy_part.get_by_label("The policy, or proof it reached suppliers").set_input_files(
        str(word(tmp_path / "lumen-policy.docx", POLICY))
    )
    form.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".messages")).to_contain_text("The bid of Lumen Computers is saved as a draft.")

    # the bid shows what the check found, element by element, and the rules read it
    page.get_by_role("link", name="Lumen Computers").click()
    check = page.locator("#check-policy_commitment")
    expect(check).to_contain_text("4 of 5 elements found, 100 of 100 points.")
    expect(check.locator("li.element-found").first).to_contain_text(
        "A written commitment to respect human rights (50 points)"
    )
    expect(check).to_contain_text("“Our supplier code of conduct is part of every contract")
    expect(check.locator("li.element-missing")).to_contain_text("Due-diligence requirements for suppliers")
    expect(check).to_contain_text("Source: CFIT manual 3.3.2, award criterion 2")
    expect(page.locator("#preview")).to_contain_text("hrdd's check of lumen-policy.docx")
    expect(page.get_by_label("Read the policy commitment from")).to_be_visible()
    shoot(page, "policy", "policy_commitment")
    assert BidDraft.objects.get().bid["policy_commitment"]["communicated_to_suppliers"]

    # the buyer answers "no" for the suppliers: that answer counts, the disagreement is named, and the written
    # commitment, left unanswered, still comes from the document
    page.get_by_label("Communicated to its suppliers").select_option(label="No")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("link", name="Lumen Computers").click()
    ac2 = page.locator("#preview-criteria tbody tr", has_text="AC2")
    expect(ac2.locator("td").nth(1)).to_have_text("50%")
    expect(ac2).to_contain_text("the communication to suppliers typed by the buyer")
    expect(ac2).to_contain_text("hrdd's check of lumen-policy.docx disagrees")
    shoot(page, "policy-typed", "policy_commitment")


def test_a_dutch_due_diligence_description_fills_the_elements_left_empty(page, login, buyer, tmp_path):
    tender = tender_create(actor=buyer, title="Servers 2027", scenario=3)
    login(page, buyer, then=f"{tender.get_absolute_url()}bids/new/")
    form = page.locator("#bid-form")
    fill_bid(form, bidder="Civic IT Reseller", price="389000")
    part = form.locator("#part-due_diligence")
    part.get_by_label("Where it reports on its due diligence").fill("Annual report 2025, page 12")
    part.get_by_label("The due-diligence description, as a file").set_input_files(
        str(word(tmp_path / "civic-zorgvuldigheid.docx", DUTCH_DUE_DILIGENCE))
    )
    form.get_by_role("button", name="Save the draft").click()

    page.get_by_role("link", name="Civic IT Reseller").click()
    check = page.locator("#check-due_diligence")
    expect(check).to_contain_text("4 of 5 elements found, 80 of 100 points.")
    expect(check).to_contain_text("Read as Dutch.")
    expect(check).to_contain_text("“Wij voeren sociale audits uit bij leveranciers met een hoog risico.”")
    expect(page.locator("#preview")).to_contain_text("5 of 5 elements described")
    expect(page.locator("#preview")).to_contain_text("reporting typed by the buyer")
    shoot(page, "due-diligence", "due_diligence")
