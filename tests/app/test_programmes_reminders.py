"""Reminders of the programme's dates (`hrdd remind`): gaps, capacity-building milestones, child-labour case
follow-ups and NGO answers, e-mailed once per record, date and threshold (7 days before, the day after); closed,
done and final records get nothing; case follow-ups go only to administrators and responsible-sourcing managers and
never carry the identity notes; another organisation's records never reach these recipients; a failed e-mail is
not recorded, so a later run sends it."""

import datetime as dt

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.programmes import reminders
from hrdd.programmes.models import ChildLabourCase, Enrolment, Gap, NgoResponse
from tests.factories import (
    ChildLabourCaseFactory,
    CompanyFactory,
    DiligenceAssessmentFactory,
    EnrolmentFactory,
    GapFactory,
    MilestoneFactory,
    NgoResponseFactory,
    OrganisationFactory,
    UserFactory,
)

D = dt.date
DATE = D(2026, 7, 15)
WEEK_BEFORE = D(2026, 7, 8)
DAY_AFTER = D(2026, 7, 16)
IDENTITY = "Amani K., 13, lives behind the Kasulo market"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses the connection (as the SMTP backend does, silent only when asked to be)."""

    def send_messages(self, email_messages):
        if self.fail_silently:
            return 0
        raise ConnectionRefusedError("no mail server")


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Minerals Trader SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def people(trader):
    """One member of each role; the viewer is told nothing, the procurement officer only what writers are."""
    return {
        role: UserFactory(email=f"{role}@trader.example", organisation=trader, role=role)
        for role in (
            User.Role.ADMIN,
            User.Role.SOURCING_MANAGER,
            User.Role.PROCUREMENT_OFFICER,
            User.Role.VIEWER,
        )
    }


WRITERS = sorted(
    ["admin@trader.example", "sourcing_manager@trader.example", "procurement_officer@trader.example"]
)
CASE_PEOPLE = sorted(["admin@trader.example", "sourcing_manager@trader.example"])


@pytest.fixture
def supplier(trader):
    return CompanyFactory(organisation=trader, legal_name="Kolwezi Copper SARL", kind="supplier")


def gap(supplier, **values):
    assessment = DiligenceAssessmentFactory(company=supplier, organisation=supplier.organisation)
    values.setdefault("deadline", DATE)
    return GapFactory(assessment=assessment, owner="Site manager", **values)


def milestone(supplier, enrolment_status=Enrolment.Status.ACTIVE, **values):
    enrolment = EnrolmentFactory(
        company=supplier, organisation=supplier.organisation, status=enrolment_status
    )
    values.setdefault("due_on", DATE)
    return MilestoneFactory(enrolment=enrolment, title="Letter of commitment signed", **values)


def case(organisation, **values):
    values.setdefault("next_follow_up", DATE)
    return ChildLabourCaseFactory(
        organisation=organisation, reference="CL-2026-007", identity_notes=IDENTITY, **values
    )


def ngo(organisation, **values):
    values.setdefault("respond_by", DATE)
    return NgoResponseFactory(
        organisation=organisation, title="Answer to Amnesty's cobalt assessment", **values
    )


def by_subject(outbox):
    return {m.subject: m for m in outbox}


def test_each_kind_is_sent_7_days_before_then_the_day_after_and_never_twice(people, supplier, mailoutbox):
    gap(supplier)
    milestone(supplier)
    case(supplier.organisation)
    ngo(supplier.organisation)

    too_early = reminders.programme_reminders_send(today=D(2026, 7, 7))
    week = reminders.programme_reminders_send(today=WEEK_BEFORE)
    week_again = reminders.programme_reminders_send(today=D(2026, 7, 9))
    on_the_day = reminders.programme_reminders_send(today=DATE)
    after = reminders.programme_reminders_send(today=DAY_AFTER)
    after_again = reminders.programme_reminders_send(today=DAY_AFTER)

    assert too_early == [] and week_again == [] and on_the_day == [] and after_again == []
    assert sorted((r.kind, r.key) for r in week) == [
        ("case", "before-7"),
        ("gap", "before-7"),
        ("milestone", "before-7"),
        ("ngo", "before-7"),
    ]
    assert sorted((r.kind, r.key) for r in after) == [
        ("case", "after-1"),
        ("gap", "after-1"),
        ("milestone", "after-1"),
        ("ngo", "after-1"),
    ]
    assert len(mailoutbox) == 8
    assert AuditEvent.objects.filter(action=reminders.REMINDER_ACTION).count() == 8
    subjects = by_subject(mailoutbox)
    assert "Gap at Kolwezi Copper SARL: the mitigation is due on 2026-07-15" in subjects
    assert "Gap at Kolwezi Copper SARL: the mitigation deadline 2026-07-15 has passed" in subjects
    assert (
        "Capacity building of Kolwezi Copper SARL: Letter of commitment signed is due on 2026-07-15"
        in subjects
    )
    assert "Child-labour case CL-2026-007: follow-up due on 2026-07-15" in subjects
    assert "Answer to Amnesty's cobalt assessment: the answer was due on 2026-07-15" in subjects


def test_each_e_mail_names_the_record_the_date_what_to_do_and_the_link(
    people, supplier, mailoutbox, settings
):
    settings.HRDD_BASE_URL = "https://hrdd.example.org"
    made = gap(supplier)
    ms = milestone(supplier)
    response = ngo(supplier.organisation)

    reminders.programme_reminders_send(today=WEEK_BEFORE)

    gap_mail = next(m for m in mailoutbox if m.subject.startswith("Gap"))
    assert "No grievance mechanism" in gap_mail.body and "2026-07-15" in gap_mail.body
    assert "record in hrdd how the gap was closed" in gap_mail.body
    assert f"https://hrdd.example.org/programmes/gaps/{made.public_id}/" in gap_mail.body
    milestone_mail = next(m for m in mailoutbox if m.subject.startswith("Capacity"))
    assert ms.enrolment.get_absolute_url() in milestone_mail.body
    ngo_mail = next(m for m in mailoutbox if m.subject.startswith("Answer"))
    assert response.get_absolute_url() in ngo_mail.body and "mark the answer final" in ngo_mail.body
    assert sorted(gap_mail.to) == WRITERS and sorted(ngo_mail.to) == WRITERS
    assert sorted(milestone_mail.to) == WRITERS


def test_closed_done_and_final_records_get_nothing(people, supplier, mailoutbox):
    gap(supplier, status=Gap.Status.CLOSED, closed_on=D(2026, 7, 1))
    milestone(supplier, done_on=D(2026, 7, 1))
    milestone(supplier, enrolment_status=Enrolment.Status.LEFT)
    case(supplier.organisation, status=ChildLabourCase.Status.CLOSED)
    ChildLabourCaseFactory(
        organisation=supplier.organisation, status=ChildLabourCase.Status.LOST, next_follow_up=DATE
    )
    ngo(supplier.organisation, status=NgoResponse.Status.FINAL)
    gap(supplier, deadline=None)

    sent = [*reminders.programme_reminders_send(today=WEEK_BEFORE)]
    sent += reminders.programme_reminders_send(today=DAY_AFTER)

    assert sent == [] and mailoutbox == []


def test_a_gap_in_progress_is_reminded_and_a_moved_deadline_starts_over(people, supplier, mailoutbox):
    made = gap(supplier, status=Gap.Status.IN_PROGRESS)
    first = reminders.programme_reminders_send(today=WEEK_BEFORE)
    Gap.objects.filter(pk=made.pk).update(deadline=D(2026, 8, 1))

    moved = reminders.programme_reminders_send(today=D(2026, 7, 25))

    assert [r.key for r in first] == ["before-7"] and [(r.key, r.date) for r in moved] == [
        ("before-7", D(2026, 8, 1))
    ]


def test_case_follow_ups_go_only_to_admins_and_sourcing_managers_and_carry_no_identity(
    people, trader, mailoutbox
):
    made = case(trader, remediation_partner="Congo Children Trust")
    made.follow_ups.create(on=D(2026, 7, 1), note="Back at school in Kasulo; his uncle works the pit")

    reminders.programme_reminders_send(today=WEEK_BEFORE)

    (mail,) = mailoutbox
    assert sorted(mail.to) == CASE_PEOPLE
    assert "CL-2026-007" in mail.subject and made.get_absolute_url() in mail.body
    for secret in (IDENTITY, "Amani", "Kasulo", "uncle", "Congo Children Trust"):
        assert secret not in mail.subject and secret not in mail.body
    event = AuditEvent.objects.get(action=reminders.REMINDER_ACTION)
    assert IDENTITY not in str(event.after) and event.after["recipients"] == 2


def test_another_organisations_records_never_reach_these_recipients(people, supplier, mailoutbox):
    other = OrganisationFactory(name="Other Trader", kind=Organisation.Kind.COMPANY)
    stranger = UserFactory(email="admin@other.example", organisation=other, role=User.Role.ADMIN)
    elsewhere = CompanyFactory(organisation=other, legal_name="Other Supplier")
    gap(elsewhere)
    milestone(elsewhere)
    ChildLabourCaseFactory(organisation=other, reference="OT-1", next_follow_up=DATE)
    ngo(other)

    reminders.programme_reminders_send(today=WEEK_BEFORE)

    assert len(mailoutbox) == 4
    for mail in mailoutbox:
        assert mail.to == [stranger.email]


def test_nobody_to_tell_records_nothing_then_a_newcomer_is_told(trader, supplier, mailoutbox):
    gap(supplier)
    UserFactory(email="viewer@trader.example", organisation=trader, role=User.Role.VIEWER)

    first = reminders.programme_reminders_send(today=WEEK_BEFORE)
    UserFactory(email="admin@trader.example", organisation=trader, role=User.Role.ADMIN)
    later = reminders.programme_reminders_send(today=D(2026, 7, 9))

    assert first == [] and [r.kind for r in later] == ["gap"]
    assert [m.to for m in mailoutbox] == [["admin@trader.example"]]


def test_a_failing_mail_backend_records_nothing_and_a_later_run_sends(people, supplier, mailoutbox, settings):
    gap(supplier)
    case(supplier.organisation)
    settings.EMAIL_BACKEND = "tests.app.test_programmes_reminders.FailingBackend"

    failed = reminders.programme_reminders_send(today=WEEK_BEFORE)

    assert failed == []
    assert not AuditEvent.objects.filter(action=reminders.REMINDER_ACTION).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = reminders.programme_reminders_send(today=D(2026, 7, 9))

    assert sorted(r.kind for r in later) == ["case", "gap"] and len(mailoutbox) == 2
    assert AuditEvent.objects.filter(action=reminders.REMINDER_ACTION).count() == 2


def test_hrdd_remind_prints_the_programme_reminders_sent(people, supplier, cli, mailoutbox):
    gap(supplier)
    ngo(supplier.organisation)

    first = cli("remind", "--today", "2026-07-08")
    second = cli("remind", "--today", "2026-07-08")

    assert first.returncode == 0, first.stderr
    assert "2 programme reminder(s) sent" in first.stdout
    assert "0 programme reminder(s) sent" in second.stdout
    assert len(mailoutbox) == 2
