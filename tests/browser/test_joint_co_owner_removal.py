"""The owner of a joint consultation removes a co-owner in a real browser (issue 16): the link on the joint panel,
the confirm page with its box, the panel afterwards, and the removed buyer no longer reaches the consultation.
Desktop and phone width (screenshots in /tmp/shots/joint-remove-*.png, HRDD_SHOTS overrides)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hrdd.consultations import joint
from tests.factories import ConsultationFactory, OrganisationFactory, UserFactory

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_the_owner_removes_a_co_owner_after_ticking_the_box(new_page, login, live_server, width):
    # given A's consultation co-owned by B
    buyer_a = UserFactory(
        email="buyer@testville.example", organisation=OrganisationFactory(name="Municipality of Testville")
    )
    buyer_b = UserFactory(
        email="buyer@elsewhere.example", organisation=OrganisationFactory(name="Province of Elsewhere")
    )
    consultation = ConsultationFactory(organisation=buyer_a.organisation, title="Joint notebooks 2027")
    (row,) = joint.co_owners_invite(
        actor=buyer_a, consultation=consultation, organisations=[buyer_b.organisation]
    )
    joint.co_owner_accept(actor=buyer_b, row=row)

    # when A follows the panel's link and confirms
    owner = new_page()
    owner.set_viewport_size({"width": width, "height": 900})
    login(owner, buyer_a, then=consultation.get_absolute_url())
    owner.locator("#joint").get_by_role("link", name="Remove Province of Elsewhere").click()
    expect(owner.locator("h1")).to_have_text("Remove Province of Elsewhere from the co-owners?")
    SHOTS.mkdir(parents=True, exist_ok=True)
    owner.screenshot(path=str(SHOTS / f"joint-remove-confirm-{width}.png"), full_page=True)
    owner.get_by_role("button", name="Remove the co-owner").click()
    expect(owner.locator(".errors, .errorlist").first).to_be_visible()  # the box was not ticked
    owner.get_by_label("Yes, remove Province of Elsewhere from the co-owners.").check()
    owner.get_by_role("button", name="Remove the co-owner").click()

    # then the panel says it, and offers no remove link any more
    expect(owner.locator(".messages")).to_contain_text(
        "Province of Elsewhere no longer co-owns this consultation"
    )
    expect(owner.locator("#co-owners")).to_contain_text("No longer a co-owner since")
    expect(owner.locator("#joint a.co-owner-remove")).to_have_count(0)
    owner.screenshot(path=str(SHOTS / f"joint-remove-done-{width}.png"), full_page=True)
    assert owner.evaluate("document.documentElement.scrollWidth") <= width

    # and B no longer reaches the consultation
    partner = new_page()
    login(partner, buyer_b)
    response = partner.goto(live_server.url + consultation.get_absolute_url())
    assert response is not None and response.status == 404
