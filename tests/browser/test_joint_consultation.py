"""A joint supplier dialogue in a real browser (issue 16; manual, Lesson 6): buyer A invites buyer B to co-own a
consultation, B accepts, a supplier reads who will see its answers and submits, both buyers see the answers, both
choose scenario 2 and the consultation says "Agreed". Every page at desktop and phone width (screenshots in
/tmp/shots/joint-*.png, HRDD_SHOTS overrides)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from hrdd.consultations.services import invitation_create
from tests.factories import ConsultationFactory, OrganisationFactory, UserFactory, answers

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
WIDTHS = pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])


def shoot(page, name, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"joint-{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"


def fill_answers(page) -> None:
    page.get_by_label("Company name").fill("Acme Computers")
    page.get_by_label("Brand / manufacturer").check()
    for question_id, picked in answers().items():
        for option_id in [picked] if isinstance(picked, str) else picked:
            page.locator(f'input[name="{question_id}"][value="{option_id}"]').check()


@WIDTHS
def test_two_buyers_run_one_consultation_and_agree_on_scenario_2(new_page, login, width):
    # given two buyers of one installation and A's consultation
    buyer_a = UserFactory(
        email="buyer@testville.example", organisation=OrganisationFactory(name="Municipality of Testville")
    )
    buyer_b = UserFactory(
        email="buyer@elsewhere.example", organisation=OrganisationFactory(name="Province of Elsewhere")
    )
    OrganisationFactory(name="City of Thirdtown")  # another organisation of the installation, not chosen
    consultation = ConsultationFactory(organisation=buyer_a.organisation, title="Joint notebooks 2027")
    size = {"width": width, "height": 900}

    # when A invites B as a co-owner from the consultation's page
    owner = new_page()
    owner.set_viewport_size(size)
    login(owner, buyer_a, then=consultation.get_absolute_url())
    form = owner.locator("#co-owner-form")
    form.get_by_label("Province of Elsewhere").check()
    form.get_by_role("button", name="Invite as co-owners").click()
    expect(owner.locator(".messages")).to_contain_text(
        "Invited to co-own this consultation: Province of Elsewhere"
    )
    expect(owner.locator("#co-owners")).to_contain_text("not answered yet")

    # and B accepts on its consultations page
    partner = new_page()
    partner.set_viewport_size(size)
    login(partner, buyer_b)
    expect(partner.locator("#co-owner-invitations")).to_contain_text("Joint notebooks 2027")
    shoot(partner, "invitation", width)
    partner.locator("#co-owner-invitations").get_by_role("button", name="Accept").click()
    expect(partner.locator(".messages")).to_contain_text("You now run Joint notebooks 2027")
    expect(partner.locator("#co-owner-notice")).to_contain_text("Run by Municipality of Testville")

    # then a supplier's page names both buyers, and the supplier submits
    invitation = invitation_create(
        actor=buyer_a, consultation=consultation, email="sales@acme.example", send=False
    )
    supplier = new_page()
    supplier.set_viewport_size(size)
    supplier.goto(invitation.get_respond_url())
    expect(supplier.locator("#seen-by")).to_contain_text(
        "Your answers will be seen by: Municipality of Testville, Province of Elsewhere."
    )
    shoot(supplier, "respond", width)
    fill_answers(supplier)
    supplier.get_by_role("button", name="Submit answers").click()
    expect(supplier.locator(".messages")).to_contain_text("Your answers were submitted to")

    # both buyers see the answers
    for page in (owner, partner):
        page.goto(consultation.get_absolute_url())
        expect(page.locator("#suppliers")).to_contain_text("Acme Computers")
        expect(page.locator('#suppliers td[data-dimension="overall"]')).to_have_count(1)

    # both choose scenario 2
    for page in (partner, owner):
        page.goto(consultation.get_absolute_url())
        choice = page.locator("#scenario-choice")
        choice.locator('input[name="scenario"][value="2"]').check()
        choice.get_by_role("button", name="Record our choice").click()
    expect(owner.locator(".messages")).to_contain_text("Agreed: every organisation chose scenario 2.")
    expect(owner.locator("#agreement")).to_contain_text(
        re.compile(r"Agreed: scenario 2 on \d{4}-\d{2}-\d{2}")
    )
    shoot(owner, "owner-agreed", width)
    partner.reload()
    expect(partner.locator("#agreement")).to_contain_text("Agreed: scenario 2")
    expect(partner.locator("#co-owners")).to_contain_text("Scenario 2")
    shoot(partner, "partner-agreed", width)

    # and the tender B builds from it starts at scenario 2
    partner.get_by_role("link", name=re.compile("Next: build the tender annex")).click()
    expect(partner.locator('input[name="scenario"][value="2"]')).to_be_checked()
    expect(partner.locator("main")).to_contain_text("agreed on scenario 2")
