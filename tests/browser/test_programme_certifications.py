"""Certifications and child-labour cases in a real browser: a responsible-sourcing manager records a supplier's
Copper Mark from its company page and sees the expiry warning as it nears its end; records a child-labour case;
a viewer of the same organisation sees only the counts. Each page at desktop and phone width (screenshots in
/tmp/shots/cert-*.png, HRDD_SHOTS overrides the folder)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone

from hrdd.accounts.models import Organisation, User

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
TODAY = timezone.localdate()
SECRET = "Name known to the partner only: M. K., second child of the family near shaft 3"


def shoot(page, name):
    """Screenshots at desktop and phone width; the page must not scroll sideways on a phone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"cert-{name}-{width}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 900})


def log_in(page, user, then):
    from tests.factories import PASSWORD

    page.goto("/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(then)


@pytest.fixture
def world(transactional_db):
    from tests.factories import CompanyFactory, OrganisationFactory, SiteFactory, UserFactory

    trader = OrganisationFactory(name="Katanga Minerals Trading SA", kind=Organisation.Kind.COMPANY)
    manager = UserFactory(
        email="sourcing@katanga.example", organisation=trader, role=User.Role.SOURCING_MANAGER
    )
    viewer = UserFactory(email="viewer@katanga.example", organisation=trader, role=User.Role.VIEWER)
    supplier = CompanyFactory(
        organisation=trader, legal_name="Kolwezi Copper Refining SARL", kind="supplier", country_iso3="COD"
    )
    mine = SiteFactory(
        name="Kasulo artisanal mining site", site_type="mine", is_artisanal=True, country_iso3="COD"
    )
    return {"manager": manager, "viewer": viewer, "supplier": supplier, "mine": mine}


def test_a_copper_mark_nears_its_end_and_a_case_is_seen_only_as_counts_by_a_viewer(new_page, world):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, world["manager"], world["supplier"].get_absolute_url())

    # from the supplier's page, record its Copper Mark, ending in 20 days
    section = page.locator("#company-certifications")
    expect(section).to_contain_text("None recorded.")
    section.get_by_role("link", name="Record a certification, membership or rating").click()
    expect(page.get_by_label("Company")).to_have_value(str(world["supplier"].public_id))
    page.get_by_label("Scheme").select_option(label="The Copper Mark")
    page.get_by_label("Status").select_option(label="Awarded (Copper Mark holder)")
    page.get_by_label("Valid from").fill((TODAY - dt.timedelta(days=3 * 365)).isoformat())
    ends = TODAY + dt.timedelta(days=20)
    page.get_by_label("Valid until").fill(ends.isoformat())
    page.get_by_label("Certificate or member number").fill("CM-0042")
    page.get_by_label("Link to the evidence").fill("https://coppermark.org/participants/")
    shoot(page, "form")
    page.get_by_role("button", name="Record it").click()

    # its page says it expires soon and counts toward the KPI today
    expect(page.locator("#validity")).to_have_text("expiring soon")
    expect(page.locator("#warnings")).to_contain_text(f"ends on {ends.isoformat()}, in 20 days")
    expect(page.locator("#counts-toward")).to_contain_text("counted today")
    shoot(page, "record")

    # the list warns of it at the top
    page.goto("/programmes/certifications/")
    warnings = page.locator("#expiry-warnings")
    expect(warnings).to_contain_text("The Copper Mark — Kolwezi Copper Refining SARL")
    expect(warnings).to_contain_text("expiring soon")
    shoot(page, "list")

    # the supplier's page shows it too
    page.goto(world["supplier"].get_absolute_url())
    expect(page.locator("#company-certifications")).to_contain_text("expiring soon")
    shoot(page, "company")

    # a child-labour case at the artisanal mine
    page.goto("/programmes/cases/new/")
    page.get_by_label("Case reference").fill("KAS-2026-001")
    page.get_by_label("Status").select_option(label="Out of child labour and supported")
    page.get_by_label("Age", exact=True).select_option(label="Under 15")
    page.get_by_label("Identified on").fill((TODAY - dt.timedelta(days=60)).isoformat())
    page.get_by_label("ASM site").fill(world["mine"].get_absolute_url())
    page.get_by_label("Remediation partner").fill("Congo Children Trust")
    page.get_by_label("Schooling (school fees, uniforms, catch-up classes)").check()
    page.get_by_label("Family livelihood support (income, savings groups)").check()
    page.get_by_label("Supported since").fill((TODAY - dt.timedelta(days=30)).isoformat())
    page.get_by_label("Next follow-up").fill((TODAY - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Identity (confidential)").fill(SECRET)
    shoot(page, "case-form")
    page.get_by_role("button", name="Record the case").click()
    expect(page.locator("#identity-notes")).to_have_text(SECRET)
    expect(page.locator("#overdue")).to_be_visible()
    shoot(page, "case")
    case_path = re.sub(r"^https?://[^/]+", "", page.url)
    page.goto("/programmes/cases/")
    expect(page.locator("#cases")).to_contain_text("KAS-2026-001")
    expect(page.locator("#cases")).not_to_contain_text("M. K.")
    shoot(page, "cases")

    # a viewer of the same organisation sees the counts only
    other = new_page()
    other.set_viewport_size({"width": 1280, "height": 900})
    log_in(other, world["viewer"], "/programmes/cases/")
    expect(other.locator("#counts-only")).to_be_visible()
    expect(other.locator("#cases-total")).to_have_text("fewer than 5")  # one case: its total is hidden too
    expect(other.locator("#case-counts")).to_contain_text("fewer than 5")
    body = other.locator("main").inner_text()
    assert "KAS-2026-001" not in body and "M. K." not in body and "Kasulo" not in body
    shoot(other, "viewer-counts")
    assert other.goto(case_path).status == 404
