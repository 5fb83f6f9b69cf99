"""Sharing in a real browser (issue 16): buyer A shares a site with buyer B, B reads it read-only, A revokes and B
gets "not found"; a central purchasing body's administrator builds a group and a shared supplier reads read-only;
a consultation's results are read without its answers; a confidential incident's panel says why it is not shared.
Every page at desktop and phone width (screenshots in /tmp/shots/sharing-*.png, HRDD_SHOTS overrides)."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest

from hrdd.accounts.models import User
from hrdd.accounts.services import share_create
from hrdd.companies.models import Company
from hrdd.consultations.services import invitation_create, invitation_submit
from tests.factories import (
    CompanyFactory,
    ConsultationFactory,
    IncidentFactory,
    OrganisationFactory,
    SiteFactory,
    SiteMentionFactory,
    UserFactory,
    response,
)

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sharing-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"


def _buyers():
    a = UserFactory(
        email="buyer@testville.example", organisation=OrganisationFactory(name="Municipality of Testville")
    )
    b = UserFactory(
        email="buyer@elsewhere.example", organisation=OrganisationFactory(name="Province of Elsewhere")
    )
    OrganisationFactory(name="City of Thirdtown")  # another organisation of the installation, not chosen
    return a, b


@WIDTHS
def test_a_buyer_shares_a_site_the_other_reads_it_and_loses_it_when_revoked(new_page, login, width):
    # given buyer A names a site by hand, with the products it makes there
    buyer_a, buyer_b = _buyers()
    site = SiteFactory(name="Penang Assembly Plant 3", city="Penang", country_iso3="MYS")
    row = SiteMentionFactory(
        organisation=buyer_a.organisation,
        site=site,
        source="manual",
        name="Penang assy plant 3",
        city="Penang",
        products="notebooks; docking stations",
        mentioned_on=dt.date(2027, 2, 1),
    )
    size = {"width": width, "height": 900}

    # when A shares it with B from the site's page
    owner = new_page()
    owner.set_viewport_size(size)
    login(owner, buyer_a, then=site.get_absolute_url())
    panel = owner.locator("#sharing")
    expect(panel).to_contain_text("Not shared with any other organisation.")
    panel.get_by_label("Province of Elsewhere").check()
    panel.get_by_label("Note for them (optional)").fill(
        "A joint supplier's plant: let us follow up together."
    )
    panel.get_by_role("button", name="Share read-only").click()
    expect(owner.locator(".messages")).to_contain_text("Shared read-only with Province of Elsewhere.")
    expect(owner.locator("#active-shares")).to_contain_text("Province of Elsewhere")
    shoot(owner, "owner-site", width)

    # then B finds it under "Shared with us" and reads it, without any way to change A's row
    grantee = new_page()
    grantee.set_viewport_size(size)
    login(grantee, buyer_b, then="/account/shared/")
    expect(grantee.locator("#shares")).to_contain_text("Municipality of Testville")
    shoot(grantee, "shared-with-us", width)
    grantee.get_by_role("link", name="Penang Assembly Plant 3").click()
    expect(grantee.locator("#shared-rows .shared-notice")).to_contain_text(
        re.compile(r"Shared by Municipality of Testville on \d{4}-\d{2}-\d{2}, read-only")
    )
    expect(grantee.locator("#shared-rows")).to_contain_text("notebooks; docking stations")
    expect(grantee.locator("#sharing")).to_have_count(
        0
    )  # B names no row of the site: nothing of B's to share
    shoot(grantee, "grantee-site", width)
    grantee.locator("#shared-rows").get_by_role("link", name="Penang assy plant 3").click()
    expect(grantee.locator(".shared-notice")).to_contain_text("read-only")
    expect(grantee.get_by_role("button", name="Remove this row")).to_have_count(0)
    expect(grantee.get_by_role("button", name="Save and match again")).to_have_count(0)
    shoot(grantee, "grantee-row", width)

    # when A revokes
    owner.reload()
    owner.locator("#active-shares").get_by_role("button", name="Revoke").click()
    expect(owner.locator(".messages")).to_contain_text("Province of Elsewhere no longer sees it.")
    expect(owner.locator("#not-shared")).to_be_visible()

    # then B's next request for A's row is "not found", and the site page no longer shows it
    answer = grantee.goto(f"/sites/mentions/{row.public_id}/")
    assert answer.status == 404
    grantee.goto(site.get_absolute_url())
    expect(grantee.locator("#shared-rows")).not_to_contain_text("Penang assy plant 3")


@WIDTHS
def test_a_group_of_buyers_and_a_shared_supplier_read_only(new_page, login, width):
    # given a central purchasing body's administrator and two of its buyers
    central = OrganisationFactory(name="Central Purchasing Body")
    admin = UserFactory(email="admin@cpb.example", organisation=central, role=User.Role.ADMIN)
    buyer_a, buyer_b = _buyers()
    size = {"width": width, "height": 900}

    # when the administrator builds the group of its buyers
    page = new_page()
    page.set_viewport_size(size)
    login(page, admin, then="/account/groups/")
    page.get_by_label("Name of the group").fill("Buyers of the central purchasing body")
    page.get_by_role("button", name="Create the group").click()
    for name in ("Municipality of Testville", "Province of Elsewhere"):
        page.get_by_label("Organisation to add").select_option(label=name)
        page.get_by_role("button", name="Add to the group").click()
        expect(page.locator("#group-members")).to_contain_text(name)
    shoot(page, "group", width)

    # and buyer A shares a supplier with the group
    supplier = CompanyFactory(
        organisation=buyer_a.organisation, legal_name="Lumen Computers B.V.", country_iso3="NLD"
    )
    owner = new_page()
    owner.set_viewport_size(size)
    login(owner, buyer_a, then=supplier.get_absolute_url())
    owner.locator("#sharing").get_by_label("Or a group of organisations").select_option(
        label="Buyers of the central purchasing body (Central Purchasing Body)"
    )
    owner.locator("#sharing").get_by_role("button", name="Share read-only").click()
    expect(owner.locator("#active-shares")).to_contain_text("Buyers of the central purchasing body")
    shoot(owner, "owner-company", width)

    # then buyer B, a member, reads the supplier without an edit form
    grantee = new_page()
    grantee.set_viewport_size(size)
    login(grantee, buyer_b, then=supplier.get_absolute_url())
    expect(grantee.locator(".shared-notice")).to_contain_text("Shared by Municipality of Testville")
    expect(grantee.locator("#edit-company")).to_have_count(0)
    expect(grantee.locator("#shared-status")).to_contain_text("Risk tier")
    shoot(grantee, "grantee-company", width)
    assert Company.objects.get(pk=supplier.pk).legal_name == "Lumen Computers B.V."


@WIDTHS
def test_shared_consultation_results_and_a_confidential_incident(new_page, login, width):
    # given buyer A's consultation with one supplier's submitted answers, shared with buyer B
    buyer_a, buyer_b = _buyers()
    consultation = ConsultationFactory(organisation=buyer_a.organisation, title="Notebooks 2027")
    invitation = invitation_create(
        actor=buyer_a, consultation=consultation, email="sales@acme.example", company="Acme", send=False
    )
    invitation_submit(invitation=invitation, raw=response())
    share_create(actor=buyer_a, record=consultation, organisation=buyer_b.organisation)
    size = {"width": width, "height": 900}

    # then B reads the recommendation and the counts, never the supplier or its answers
    grantee = new_page()
    grantee.set_viewport_size(size)
    login(grantee, buyer_b, then=consultation.get_absolute_url())
    expect(grantee.locator("#recommendation")).to_contain_text("based on 1 submitted response")
    expect(grantee.locator("#response-counts")).to_contain_text("1 supplier invited, 1 answered")
    expect(grantee.locator("main")).not_to_contain_text("Acme")
    shoot(grantee, "grantee-consultation", width)

    # and A's confidential incident says why it cannot be shared
    incident = IncidentFactory(organisation=buyer_a.organisation, title="Overtime at the Penang plant")
    owner = new_page()
    owner.set_viewport_size(size)
    login(owner, buyer_a, then=incident.get_absolute_url())
    expect(owner.locator("#share-refusal")).to_contain_text("confidential (owner only) and cannot be shared")
    expect(owner.locator("#share-form")).to_have_count(0)
    owner.locator("#sharing").scroll_into_view_if_needed()
    shoot(owner, "owner-incident", width)
