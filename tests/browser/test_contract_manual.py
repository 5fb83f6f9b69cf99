"""Contract management that matches the manual, in a real browser (issue 10): the contract manager sends a reminder
now from the contract page, and creates, subscribes to (read without a login) and renews their calendar link from
the dashboard. Screenshots at desktop and phone width go to /tmp/shots/contracts/ (HRDD_SHOTS to change)."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import ics
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import CalendarFeed
from hrdd.contracts.services import contract_create, submission_create
from hrdd.domain.contracts import add_months

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS") or Path(tempfile.gettempdir()) / "shots" / "contracts")
WIDTHS = {"desktop": 1280, "phone": 390}
NOT_AN_ASSESSMENT = b"Hello, this is not a risk assessment."


def shoot(page, name, focus=None):
    """Full-page screenshots of the page at desktop and phone width, and of the `focus` element alone."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        if focus is not None:
            page.locator(focus).screenshot(path=str(SHOTS / f"{name}-{label}-part.png"))
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def running_contract(actor):
    """A scenario 2 contract whose first anniversary passed (CC2, CC3 overdue), ending 30 months after its start."""
    today = dt.date.today()
    start = add_months(today + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title="Notebooks for staff, lot 1",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 30),
        scenario=2,
    )


def test_the_contract_manager_sends_a_reminder_now_beside_an_overdue_obligation(
    page, login, buyer, contract_manager, supplier_base_url
):
    contract = running_contract(buyer)
    overdue = contract.obligations.order_by("due_date", "clause").first()
    mail.outbox.clear()

    login(page, contract_manager, then=contract.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Notebooks for staff, lot 1")
    # every date says why: the last reports fall on the contract's end
    last = contract.obligations.order_by("-due_date").first()
    expect(page.locator(f"#obligation-{last.pk} .hint").first).to_contain_text("the end of the contract on")
    section = page.locator(f"#obligation-{overdue.pk}")
    expect(section).not_to_contain_text("Last reminder sent on")
    shoot(page, "contract-before-reminder")

    section.get_by_role("button", name="Send a reminder now").click()

    expect(page.locator(".messages")).to_contain_text(
        f"Reminder of {overdue.clause} (due {overdue.due_date:%Y-%m-%d}) sent to reports@lumen.example."
    )
    assert page.url.endswith(f"{contract.get_absolute_url()}#obligation-{overdue.pk}")
    section = page.locator(f"#obligation-{overdue.pk}")
    expect(section).to_contain_text(f"Last reminder sent on {dt.date.today():%Y-%m-%d}.")
    [sent] = mail.outbox
    assert sent.to == ["reports@lumen.example"]
    assert supplier_base_url + contract.get_supplier_url() in sent.body
    assert AuditEvent.objects.filter(action="obligation.remind").count() == 1
    shoot(page, "contract-after-reminder", focus=f"#obligation-{overdue.pk}")

    # a second click the same day sends nothing and says why
    section.get_by_role("button", name="Send a reminder now").click()
    expect(page.locator(".messages")).to_contain_text("was already sent today")
    assert len(mail.outbox) == 1


def test_a_risk_assessment_that_says_nothing_shows_the_disagreement_with_its_summary(
    page, login, buyer, contract_manager
):
    award = dt.date.today() - dt.timedelta(days=20)
    contract = contract_create(
        actor=buyer,
        title="Tablets for schools",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=award,
        start_date=award,
        end_date=add_months(award, 24),
        scenario=1,
    )
    cc1 = contract.obligations.get(clause="CC1")
    submission_create(
        obligation=cc1,
        data={"raw_materials": "cobalt\ntin", "risks": "child labour\nforced labour\nunsafe work"},
        upload=SimpleUploadedFile("assessment.txt", NOT_AN_ASSESSMENT, content_type="text/plain"),
    )

    login(page, contract_manager, then=contract.get_absolute_url())
    section = page.locator(f"#obligation-{cc1.pk}")
    expect(section.locator(".kpi").filter(has_text="contents")).to_contain_text("0 of 4 items met")
    expect(section.locator(f"#disagreement-{cc1.pk}")).to_contain_text("Raw materials: cobalt, tin")
    expect(section.get_by_role("button", name="Send a reminder now")).to_have_count(0)  # received
    shoot(page, "contract-risk-assessment-disagreement", focus=f"#obligation-{cc1.pk}")


def shown_link(page) -> str:
    """The calendar address the message shows once."""
    found = re.search(r"https?://\S+?\.ics", page.locator(".messages").inner_text())
    assert found, page.locator(".messages").inner_text()
    return found.group(0)


def test_the_contract_manager_creates_subscribes_to_and_renews_a_calendar_link(
    page, new_page, login, buyer, contract_manager, supplier_base_url
):
    contract = running_contract(buyer)

    login(page, contract_manager, then="/contracts/")
    card = page.locator("#calendar-link")
    expect(card.get_by_role("heading", level=2)).to_have_text("Deadlines in your calendar")
    shoot(page, "dashboard-without-calendar-link")
    card.get_by_role("button", name="Create my calendar link").click()

    expect(page.locator(".messages")).to_contain_text("Here is your calendar link")
    first_url = shown_link(page)  # shown once, in the message; the card says when it was made
    expect(page.locator("#calendar-feed-state")).to_contain_text("is not shown again")
    assert first_url.endswith(".ics") and "/contracts/feeds/" in first_url
    shoot(page, "dashboard-with-calendar-link", focus="#calendar-link")

    # a calendar program: another browser context, no login
    program = new_page()
    answer = program.request.get(first_url)
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    calendar = ics.Calendar(answer.text())
    assert len(calendar.events) == contract.obligations.count()
    assert all(event.alarms for event in calendar.events)

    # a new link stops the old one
    page.get_by_role("button", name="New link").click()
    expect(page.locator(".messages")).to_contain_text("the old one no longer works")
    second_url = shown_link(page)
    assert second_url != first_url
    assert program.request.get(first_url).status == 404
    assert program.request.get(second_url).status == 200
    assert CalendarFeed.objects.filter(user=contract_manager, revoked_at__isnull=True).count() == 1
