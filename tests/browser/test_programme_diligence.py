"""Supplier due diligence in a real browser: a responsible-sourcing manager records that a supplier sources cobalt
from the DRC through artisanal miners and sees its tier turn high with every reason and its source; starts an
enhanced-due-diligence assessment, saves a draft, completes it, reads the points and the gaps, and assigns a
mitigation to a gap. Screenshots at desktop and phone width in /tmp/shots/ (HRDD_SHOTS overrides)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from hrdd.accounts.models import Organisation, User
from hrdd.programmes.models import Gap, SupplierTier
from tests.factories import CompanyFactory, OrganisationFactory, UserFactory

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

DEADLINE = dt.date.today() + dt.timedelta(days=90)
SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"diligence-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{name} scrolls sideways at {width}"
    )


def both_widths(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        shoot(page, name)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_drc_cobalt_asm_link_makes_a_supplier_high_and_its_assessment_finds_gaps_to_mitigate(page, login):
    trader = OrganisationFactory(name="Copperbelt Minerals Trading SA", kind=Organisation.Kind.COMPANY)
    manager = UserFactory(
        email="sourcing@copperbelt.example", organisation=trader, role=User.Role.SOURCING_MANAGER
    )
    supplier = CompanyFactory(
        organisation=trader, legal_name="Kolwezi Cobalt Traders SARL", country_iso3="COD"
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, manager, then=f"/programmes/suppliers/{supplier.public_id}/")

    # a sourcing link: cobalt from Lualaba, DRC, with artisanal miners
    expect(page.get_by_role("heading", level=1)).to_have_text("Kolwezi Cobalt Traders SARL")
    expect(page.locator("#tier-heading")).to_contain_text("Not known yet")
    form = page.locator("#link-form")
    form.get_by_label("Material").select_option("cobalt")
    form.get_by_label("Country of origin").fill("Democratic Republic of the Congo")
    form.get_by_label("Region or mine area").fill("Lualaba")
    form.get_by_label("Artisanal and small-scale mining (ASM) is part of it").check()
    form.get_by_label("How we know").fill("Supplier's declaration of origin, March 2026")
    form.get_by_role("button", name="Add the link").click()

    expect(page.locator("#tier-heading")).to_contain_text("High risk")
    reasons = page.locator("#tier .reasons li")
    expect(reasons).to_have_count(3)
    expect(reasons.nth(0)).to_contain_text("EU indicative CAHRA list")
    expect(reasons.nth(1)).to_contain_text("artisanal and small-scale mining")
    expect(reasons.nth(2)).to_contain_text("child labour")
    expect(reasons.nth(2).locator(".src")).to_contain_text("US Department of Labor")
    expect(page.locator("#sourcing-links")).to_contain_text("Lualaba, Democratic Republic of the Congo")
    assert SupplierTier.objects.get(company=supplier).tier == "high"
    both_widths(page, "supplier-high")

    # an assessment before the relationship: a draft of step 1, then every step, then completed
    page.locator("#assessments summary").click()
    page.locator("#assess-form").get_by_label("Stage").select_option("before")
    page.get_by_role("button", name="Start the assessment").click()
    expect(
        page.get_by_role("heading", level=2, name="Step 1: Strong company management systems")
    ).to_be_visible()
    page.get_by_label(
        "A general code of conduct that does not address minerals from high-risk areas."
    ).check()
    page.get_by_label("A senior manager with the authority and budget to oversee it.").check()
    page.get_by_label("It knows its direct suppliers.").check()
    page.get_by_label("It documents the mine or country of origin of each lot.").check()
    page.get_by_label("A mechanism open to workers and communities, its own or an industry-wide one.").check()
    page.get_by_label("Note on “Supply chain policy”").fill("Code of conduct of 2019; nothing on minerals.")
    page.get_by_role("button", name="Save the draft and go on").click()
    expect(page.locator(".messages")).to_contain_text("The draft is saved.")
    expect(
        page.get_by_role("heading", level=2, name="Step 2: Identify and assess risks in the supply chain")
    ).to_be_visible()
    both_widths(page, "assessment-draft")

    page.get_by_label("Systematically, for every source, with records.").check()
    page.get_by_label("An on-the-ground assessment, by the supplier or an industry initiative.").check()
    page.get_by_label(
        "Serious human-rights abuses, including forced labour and the worst forms of child labour."
    ).check()
    page.get_by_role("button", name="Save the draft and go on").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Step 3"))).to_be_visible()
    page.locator('input[name="q_reporting_up"][value="yes"]').check()
    page.get_by_label("A plan with measurable improvement steps and dates, monitored.").check()
    page.locator('input[name="q_stakeholders"][value="no"]').check()
    page.get_by_role("button", name="Save the draft and go on").click()
    page.get_by_label("Some of them.").check()
    page.get_by_role("button", name="Save the draft and go on").click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Step 5"))).to_be_visible()
    page.get_by_label("Partly, within a wider report.").check()
    page.get_by_role("button", name="Complete the assessment").click()

    expect(page.locator(".messages")).to_contain_text(
        "The assessment is completed: 19 of 29 points, 4 gap(s) found."
    )
    expect(page.locator("#total")).to_have_text("19 / 29")
    expect(page.locator("#q-policy")).to_contain_text(
        "“General code of conduct only” 1 of 3; below 1.5, so a gap"
    )
    expect(page.locator("#q-policy")).to_contain_text("Code of conduct of 2019")
    expect(page.locator("#gaps li")).to_have_count(4)
    both_widths(page, "assessment-result")

    # a mitigation for the policy gap
    page.locator("#gaps li", has_text="supply chain policy").get_by_role(
        "link", name="assign a mitigation"
    ).click()
    gap_form = page.locator("#gap-form")
    gap_form.get_by_label("Mitigation strategy").fill(
        "Share our Annex II policy template; review their draft."
    )
    gap_form.get_by_label("Owner").fill("Supplier engagement team")
    gap_form.get_by_label("Deadline").fill(DEADLINE.isoformat())
    gap_form.get_by_label("Status").select_option("in_progress")
    both_widths(page, "gap")
    gap_form.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("The gap's mitigation is saved.")
    row = page.locator("#gap-list tr", has_text="supply chain policy")
    expect(row).to_contain_text("Supplier engagement team")
    expect(row).to_contain_text("In progress")
    gap = Gap.objects.get(assessment__company=supplier, question_key="policy")
    assert (gap.owner, str(gap.deadline), gap.status) == (
        "Supplier engagement team",
        DEADLINE.isoformat(),
        "in_progress",
    )
    both_widths(page, "supplier-after")

    # the suppliers page and the company page's panel
    page.goto("/programmes/suppliers/?tier=high")
    expect(page.locator("#suppliers tbody tr")).to_have_count(1)
    expect(page.locator("#suppliers")).to_contain_text("19 / 29")
    both_widths(page, "suppliers")
    page.goto(supplier.get_absolute_url())
    expect(page.locator("#supplier-diligence")).to_contain_text("High risk")
    both_widths(page, "company-panel")

    # capacity building: enrolled with a milestone that is late, then done
    page.goto(f"/programmes/suppliers/{supplier.public_id}/")
    page.locator("#enrolments summary").click()
    page.locator("#enrol-form").get_by_label("Goal").fill("Copper Mark by 2027")
    page.get_by_role("button", name="Enrol", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Copper Mark by 2027")
    milestone_form = page.locator("#milestone-form")
    milestone_form.get_by_label("Milestone").fill("Gap analysis against the Copper Mark criteria")
    milestone_form.get_by_label("Due on").fill((dt.date.today() - dt.timedelta(days=10)).isoformat())
    milestone_form.get_by_role("button", name="Add").click()
    late = page.locator(".milestones li.overdue")
    expect(late).to_contain_text("overdue")
    both_widths(page, "enrolment")
    late.get_by_role("link", name="Edit or mark done").click()
    page.get_by_label("Done on").fill(dt.date.today().isoformat())
    page.get_by_label("Evidence").fill("Gap analysis report v1 (shared drive)")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".milestones li.done")).to_contain_text("Gap analysis report v1")
    expect(page.locator(".milestones li.overdue")).to_have_count(0)
