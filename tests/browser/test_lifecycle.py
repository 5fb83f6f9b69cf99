"""Undoing mistakes in a real browser: a buyer edits, archives, restores and deletes a consultation, and going
back to a create form and sending it again creates nothing twice. Screenshots at desktop and phone width go to
/tmp/shots/lifecycle/ (HRDD_SHOTS overrides) for people to look at."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Consultation
from hrdd.consultations.services import invitation_create, invitation_submit
from tests.factories import response

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots/lifecycle"))  # noqa: S108 - pictures for people, not secrets
WIDTHS = {"desktop": 1280, "phone": 390}


def shoot(page, name: str) -> None:
    """Keep the page as a picture at desktop and phone width (a courtesy: never fails the test)."""
    with contextlib.suppress(Exception):  # a picture must not mask what the test checks
        SHOTS.mkdir(parents=True, exist_ok=True)
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=label == "desktop")
            if label == "phone":  # the first screen above, the whole page here
                page.screenshot(path=str(SHOTS / f"{name}-{label}-full.png"), full_page=True)
        page.set_viewport_size({"width": 1280, "height": 900})


def test_buyer_edits_archives_restores_and_deletes_a_consultation(page, login, buyer, consultation):
    login(page, buyer, then=consultation.get_absolute_url())
    shoot(page, "01-consultation")

    # edit: a past deadline is refused beside its field, then a good one is saved
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Notebooks 2027")
    page.get_by_label("Title").fill("Notebooks 2027 (corrected)")
    page.get_by_label("Deadline for answers").fill("2020-01-01")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#id_deadline_error")).to_contain_text("has passed")
    shoot(page, "02-edit-refused")
    later = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    page.get_by_label("Deadline for answers").fill(later)
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".messages")).to_contain_text("Consultation saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notebooks 2027 (corrected)")

    # archive: gone from the list, shown with the filter, restored from its page
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("#archived")).to_contain_text("Archived on")
    shoot(page, "03-archived")
    page.goto(reverse("consultations:list"))
    expect(page.locator("#consultations")).not_to_contain_text("Notebooks 2027 (corrected)")
    filters = page.get_by_role("search", name="Find consultations")
    filters.get_by_label("Archived").select_option("all")
    filters.get_by_role("button", name="Show").click()
    expect(page.locator("#consultations")).to_contain_text("Notebooks 2027 (corrected)")
    shoot(page, "04-list-with-archived")
    page.get_by_role("link", name="Notebooks 2027 (corrected)").click()
    page.get_by_role("button", name="Restore").click()
    expect(page.locator(".messages")).to_contain_text("Restored")
    expect(page.locator("#archived")).to_have_count(0)

    # delete: a confirmation page whose box must be ticked
    page.get_by_role("link", name="Delete…").click()
    shoot(page, "05-delete-confirm")
    page.get_by_role("button", name="Delete the consultation").click()
    expect(page.locator("#confirm")).to_contain_text("Tick the box to confirm.")
    page.get_by_label("Yes, delete this consultation and its invitations.").check()
    page.get_by_role("button", name="Delete the consultation").click()
    expect(page.locator(".messages")).to_contain_text("Deleted the consultation Notebooks 2027 (corrected).")
    assert not Consultation.objects.filter(pk=consultation.pk).exists()
    actions = list(
        AuditEvent.objects.filter(target_type="consultations.consultation")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[-4:] == [
        "consultation.update",
        "consultation.archive",
        "consultation.restore",
        "consultation.delete",
    ]


def test_a_consultation_with_answers_offers_archiving_instead_of_deleting(page, login, buyer, consultation):
    invitation = invitation_create(actor=buyer, consultation=consultation, email="s@acme.example", send=False)
    invitation_submit(invitation=invitation, raw=response())
    login(page, buyer, then=reverse("consultations:delete", args=[consultation.public_id]))
    expect(page.locator("#blockers")).to_contain_text("1 supplier has submitted answers.")
    shoot(page, "06-delete-refused")
    page.get_by_role("button", name="Archive it instead").click()
    expect(page.locator("#archived")).to_contain_text("Archived on")
    assert Consultation.objects.filter(pk=consultation.pk, archived_at__isnull=False).exists()


def test_going_back_and_sending_a_create_form_again_creates_one_record(page, login, buyer):
    login(page, buyer, then=reverse("consultations:list"))
    form = page.locator("#new-consultation")
    form.get_by_label("Title").fill("Docking stations 2028")
    form.get_by_label("Product category").select_option("notebook")
    form.get_by_label("Deadline for answers").fill((timezone.localdate() + dt.timedelta(days=20)).isoformat())
    form.get_by_role("button", name="Create consultation").click()
    expect(page.locator(".messages")).to_contain_text("Consultation created.")
    created = page.url

    # back to the filled-in form, and send it again
    page.go_back()
    page.locator("#new-consultation").get_by_role("button", name="Create consultation").click()

    # the second sending leads to the consultation the first one created
    expect(page.locator(".messages")).to_contain_text("already sent")
    shoot(page, "07-sent-twice")
    assert page.url == created
    assert Consultation.objects.filter(title="Docking stations 2028").count() == 1


def test_reopening_a_response_asks_for_a_yes_and_a_withdrawn_link_says_so(
    page, new_page, login, buyer, consultation
):
    invitation = invitation_create(actor=buyer, consultation=consultation, email="s@acme.example", send=False)
    invitation_submit(invitation=invitation, raw=response())
    login(page, buyer, then=reverse("consultations:response", args=[consultation.public_id, invitation.pk]))
    shoot(page, "08-response")
    page.get_by_role("link", name="Withdraw…").click()
    shoot(page, "09-withdraw-confirm")
    page.get_by_label("Yes, withdraw it").check()
    page.get_by_role("button", name="Withdraw").click()
    expect(page.locator("#withdrawn")).to_contain_text("Withdrawn on")

    supplier = new_page()
    reply = supplier.goto(invitation.get_respond_url())
    assert reply is not None and reply.status == 404
    expect(supplier.get_by_role("heading", level=1)).to_have_text("This invitation was withdrawn")
    shoot(supplier, "10-withdrawn-link")


def test_a_tender_warns_of_a_changed_recommendation_and_is_archived(page, login, buyer, consultation):
    from hrdd.consultations.lifecycle import invitation_withdraw
    from hrdd.consultations.selectors import consultation_market
    from hrdd.tenders.services import tender_create

    invitation = invitation_create(actor=buyer, consultation=consultation, email="s@acme.example", send=False)
    invitation_submit(invitation=invitation, raw=response())
    scenario = consultation_market(consultation=consultation).recommended_scenario
    tender = tender_create(
        actor=buyer, title="Notebooks tender", scenario=scenario, consultation=consultation
    )
    invitation_withdraw(actor=buyer, invitation=invitation)

    login(page, buyer, then=tender.get_absolute_url())
    expect(page.locator("#recommendation-changed")).to_contain_text("recommendation has changed")
    shoot(page, "11-tender-warning")
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("#archived")).to_contain_text("Archived on")
    page.goto(reverse("tenders:list"))
    expect(page.locator("main table").first).not_to_contain_text("Notebooks tender")


def test_a_contract_is_archived_off_the_dashboard_and_shown_again(page, login, buyer):
    from hrdd.contracts.services import contract_create

    today = timezone.localdate()
    contract = contract_create(
        actor=buyer,
        title="Notebook contract",
        supplier_name="Acme",
        supplier_email="contracts@acme.example",
        award_date=today,
        start_date=today,
        end_date=today + dt.timedelta(days=800),
        scenario=2,
    )
    login(page, buyer, then=contract.get_absolute_url())
    shoot(page, "12-contract")
    page.get_by_role("button", name="Archive").click()
    expect(page.locator("#archived")).to_contain_text("Archived on")
    page.goto(reverse("contracts:dashboard"))
    expect(page.locator("#archived-contracts")).to_contain_text("1 archived contract is hidden")
    expect(page.locator("#obligations")).to_contain_text("every contract is archived")
    page.get_by_role("link", name="Show archived contracts").click()
    expect(page.locator("table.contracts")).to_contain_text("Notebook contract")
    shoot(page, "13-dashboard-archived")
