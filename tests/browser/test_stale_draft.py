"""Two people answering through the same supplier link in two browsers (issue 17, "nothing lost"): the second
save is refused with both versions, keeps what they typed and shows what the first saved; saving again replaces
it knowingly."""

from __future__ import annotations

import pytest

from hrdd.consultations import services
from hrdd.consultations.models import Invitation

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser


def test_the_second_of_two_suppliers_saving_the_same_link_is_told_and_loses_nothing(
    page, new_page, buyer, consultation
):
    invitation = services.invitation_create(
        actor=buyer, consultation=consultation, email="sales@acme.example", send=False
    )
    colleague = new_page()
    # given: both open the link on the same version
    page.goto(invitation.get_respond_url())
    colleague.goto(invitation.get_respond_url())
    # when: the first saves a draft, then the second saves what they typed
    page.get_by_label("Company name").fill("Acme Computers")
    page.locator('input[name="risk_understanding"][value="fair"]').check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved")
    colleague.get_by_label("Company name").fill("Acme Computers Europe")
    colleague.locator('input[name="risk_understanding"][value="good"]').check()
    colleague.get_by_role("button", name="Save draft").click()
    # then: refused, both versions named, their typing kept, the first one's answers shown
    summary = colleague.get_by_role("alert")
    expect(summary).to_contain_text("changed by someone else since you opened it")
    expect(summary).to_contain_text("you opened version 1, version 2 is saved now")
    expect(colleague.locator("#saved-now")).to_contain_text("Acme Computers")
    expect(colleague.get_by_label("Company name")).to_have_value("Acme Computers Europe")
    expect(colleague.locator('input[name="risk_understanding"][value="good"]')).to_be_checked()
    invitation.refresh_from_db()
    assert (invitation.company_as_given, invitation.answers) == (
        "Acme Computers",
        {"risk_understanding": ["fair"]},
    )
    # when: having read what is saved, they save again
    colleague.get_by_role("button", name="Save draft").click()
    # then
    expect(colleague.locator(".messages")).to_contain_text("Draft saved")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert invitation.company_as_given == "Acme Computers Europe"
    assert invitation.answers == {"risk_understanding": ["good"]}
    assert invitation.version == 3
