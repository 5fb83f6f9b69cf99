"""Reminders of the programme's dates (issue 14), e-mailed by `hrdd remind`: a gap's mitigation deadline, a
capacity-building milestone, a child-labour case's next follow-up and the date an NGO expects an answer.

For other areas:
- `programme_reminders_send(today=...)`: e-mail each reminder due today once per record, date and threshold, ever
  (called by `hrdd remind`); what was sent is kept in the audit log (action "programme.reminder"), read before
  sending, so a second run sends nothing twice and a moved date starts over. An e-mail that fails is not recorded:
  the next run sends it. A record whose organisation has nobody to tell is not recorded either (told once someone
  is there);
- `member_emails(organisation_ids, roles)` and `reminders_sent(action, target_type, ids, date_key=...)`: the
  recipients by role and the reminders already sent, shared with the certification expiry reminders.

Gaps, milestones and NGO answers go to the writers of the organisation (as certification reminders do). A case's
follow-up goes only to the organisation's administrators and responsible-sourcing managers (`cases.CASE_ROLES`, who
alone see cases) and carries the case reference, the date and the link, nothing else: never the identity notes,
the follow-up notes, the site or the partner.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.mail import send_mail
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import WRITER_ROLES, Membership
from hrdd.audit.models import AuditEvent
from hrdd.audit.services import audit_record
from hrdd.core.links import absolute_url
from hrdd.core.texts import localize
from hrdd.domain.contracts import reminder_due
from hrdd.programmes.cases import CASE_ROLES
from hrdd.programmes.models import ChildLabourCase, Enrolment, Gap, Milestone, NgoResponse

logger = logging.getLogger(__name__)

REMINDER_ACTION = "programme.reminder"
# The thresholds, in days: one e-mail a week before the date (time enough to act or to agree a new date) and one
# the day after it has passed without the record being closed, done or final. Keys "before-7" and "after-1"
# (hrdd.domain.contracts.reminder_due: a record first seen late gets only the latest threshold reached).
DAYS_BEFORE = (7,)
DAYS_AFTER = (1,)
# A date more than a year past was reminded of then (or never usefully will be): not read again.
LOOK_BACK_DAYS = 366


# -- shared with the certification expiry reminders ------------------------------------------------------------


def member_emails(organisation_ids: Collection[int], roles: Collection[Any]) -> dict[int, list[str]]:
    """The e-mail addresses of the active members with one of `roles`, by organisation (one query). A member
    deactivated in an organisation is told nothing of it."""
    found: dict[int, list[str]] = {}
    if not organisation_ids:
        return found
    for organisation_id, email in (
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids),
            role__in=list(roles),
            is_active=True,
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("organisation_id", "user__email")
    ):
        found.setdefault(organisation_id, []).append(email)
    return found


def reminders_sent(
    action: str, target_type: str, ids: Sequence[int], *, date_key: str
) -> set[tuple[str, str, str]]:
    """(record id, reminder key, date) of the reminders already sent about these records, from the audit log
    (one query); `date_key` names the date in the event's `after`."""
    events = AuditEvent.objects.filter(
        action=action, target_type=target_type, target_id__in=[str(i) for i in ids]
    ).values_list("target_id", "after")
    return {
        (target_id, str((after or {}).get("reminder")), str((after or {}).get(date_key)))
        for target_id, after in events
    }


# -- what is due -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of dated record: how to find the open ones, its date, who is told and what the e-mail says."""

    key: str
    model: type[models.Model]
    open_records: Callable[[dt.date, dt.date], models.QuerySet[Any]]  # (earliest, latest date) -> records
    date_of: Callable[[Any], dt.date]  # never None: the queries filter on it
    still_open: Callable[[Any], bool]
    organisation_of: Callable[[Any], Any]
    roles: Collection[Any]
    mail: Callable[[Any, bool], tuple[str, list[str], str]]  # (record, overdue) -> subject, paragraphs, path


@dataclass(frozen=True)
class SentReminder:
    kind: str  # gap, milestone, case, ngo
    record: models.Model
    key: str  # before-7 or after-1
    date: dt.date


def _gaps(earliest: dt.date, latest: dt.date) -> models.QuerySet[Gap]:
    return (
        Gap.objects.filter(deadline__gte=earliest, deadline__lte=latest)
        .exclude(status=Gap.Status.CLOSED)
        .select_related("assessment__organisation", "assessment__company")
        .order_by("deadline", "pk")
    )


def _gap_mail(gap: Gap, overdue: bool) -> tuple[str, list[str], str]:
    values = {"company": gap.assessment.company, "date": gap.deadline.isoformat() if gap.deadline else ""}
    if overdue:
        subject = _("Gap at %(company)s: the mitigation deadline %(date)s has passed") % values
    else:
        subject = _("Gap at %(company)s: the mitigation is due on %(date)s") % values
    paragraphs = [
        _("Gap: %(gap)s") % {"gap": localize(gap.description)},
        _("Owner: %(owner)s") % {"owner": gap.owner or _("nobody named")},
        _(
            "Check with the owner that the mitigation is done; record in hrdd how the gap was closed, or set a new "
            "deadline with the reason."
        ),
    ]
    return subject, paragraphs, reverse("programmes:gap", args=[gap.public_id])


def _milestones(earliest: dt.date, latest: dt.date) -> models.QuerySet[Milestone]:
    return (
        Milestone.objects.filter(
            due_on__gte=earliest,
            due_on__lte=latest,
            done_on__isnull=True,
            enrolment__status=Enrolment.Status.ACTIVE,
        )
        .select_related("enrolment__organisation", "enrolment__company")
        .order_by("due_on", "pk")
    )


def _milestone_mail(milestone: Milestone, overdue: bool) -> tuple[str, list[str], str]:
    enrolment = milestone.enrolment
    values = {"company": enrolment.company, "title": milestone.title, "date": milestone.due_on.isoformat()}
    if overdue:
        subject = _("Capacity building of %(company)s: %(title)s was due on %(date)s") % values
    else:
        subject = _("Capacity building of %(company)s: %(title)s is due on %(date)s") % values
    paragraphs = [
        _("Goal of the enrolment: %(goal)s") % {"goal": enrolment.goal},
        _(
            "Ask the supplier where it stands; record in hrdd the date the milestone was done and its evidence, or "
            "agree a new date."
        ),
    ]
    return subject, paragraphs, enrolment.get_absolute_url()


def _cases(earliest: dt.date, latest: dt.date) -> models.QuerySet[ChildLabourCase]:
    return (
        ChildLabourCase.objects.filter(next_follow_up__gte=earliest, next_follow_up__lte=latest)
        .exclude(status__in=[ChildLabourCase.Status.CLOSED, ChildLabourCase.Status.LOST])
        # never the identity notes: not even read
        .only("pk", "public_id", "reference", "status", "next_follow_up", "organisation")
        .select_related("organisation")
        .order_by("next_follow_up", "pk")
    )


def _case_mail(case: ChildLabourCase, overdue: bool) -> tuple[str, list[str], str]:
    # The reference, the date and the link only: whatever else is known of the child stays on the case page.
    values = {
        "reference": case.reference,
        "date": case.next_follow_up.isoformat() if case.next_follow_up else "",
    }
    if overdue:
        subject = _("Child-labour case %(reference)s: the follow-up of %(date)s is late") % values
    else:
        subject = _("Child-labour case %(reference)s: follow-up due on %(date)s") % values
    paragraphs = [
        _(
            "Follow the case up with the remediation partner and record the follow-up and the next date on the "
            "case page."
        )
    ]
    return subject, paragraphs, case.get_absolute_url()


def _ngo_responses(earliest: dt.date, latest: dt.date) -> models.QuerySet[NgoResponse]:
    return (
        NgoResponse.objects.filter(respond_by__gte=earliest, respond_by__lte=latest)
        .exclude(status=NgoResponse.Status.FINAL)
        .select_related("organisation")
        .order_by("respond_by", "pk")
    )


def _ngo_mail(response: NgoResponse, overdue: bool) -> tuple[str, list[str], str]:
    values = {"title": response.title, "date": response.respond_by.isoformat() if response.respond_by else ""}
    if overdue:
        subject = _("%(title)s: the answer was due on %(date)s") % values
    else:
        subject = _("%(title)s: the answer is due on %(date)s") % values
    paragraphs = [
        _("Status: %(status)s") % {"status": response.get_status_display()},
        _(
            "Complete the answers and their evidence, have them reviewed, mark the answer final and send the "
            "letter; if it will be late, tell the NGO when to expect it."
        ),
    ]
    return subject, paragraphs, response.get_absolute_url()


KINDS = (
    Kind(
        key="gap",
        model=Gap,
        open_records=_gaps,
        date_of=lambda g: g.deadline,
        still_open=lambda g: g.status != Gap.Status.CLOSED,
        organisation_of=lambda g: g.assessment.organisation,
        roles=WRITER_ROLES,
        mail=_gap_mail,
    ),
    Kind(
        key="milestone",
        model=Milestone,
        open_records=_milestones,
        date_of=lambda m: m.due_on,
        still_open=lambda m: m.done_on is None,
        organisation_of=lambda m: m.enrolment.organisation,
        roles=WRITER_ROLES,
        mail=_milestone_mail,
    ),
    Kind(
        key="case",
        model=ChildLabourCase,
        open_records=_cases,
        date_of=lambda c: c.next_follow_up,
        still_open=lambda c: c.status not in (ChildLabourCase.Status.CLOSED, ChildLabourCase.Status.LOST),
        organisation_of=lambda c: c.organisation,
        roles=CASE_ROLES,
        mail=_case_mail,
    ),
    Kind(
        key="ngo",
        model=NgoResponse,
        open_records=_ngo_responses,
        date_of=lambda r: r.respond_by,
        still_open=lambda r: r.status != NgoResponse.Status.FINAL,
        organisation_of=lambda r: r.organisation,
        roles=WRITER_ROLES,
        mail=_ngo_mail,
    ),
)


def _key_due(date: dt.date, today: dt.date) -> str | None:
    return reminder_due(
        due=date, today=today, submitted=False, days_before=DAYS_BEFORE, days_after=DAYS_AFTER
    )


# -- sending -----------------------------------------------------------------------------------------------------


def programme_reminders_send(*, today: dt.date | None = None) -> list[SentReminder]:
    """E-mail the reminders due today about gaps not closed, milestones not done (active enrolments), case
    follow-ups (cases neither closed nor lost) and NGO answers not final: once per record, date and threshold.
    A fixed number of queries per kind to find what is due, then per e-mail a lock, a check, an audit event and
    the e-mail in one transaction (a failed e-mail undoes its event)."""
    today = today or timezone.localdate()
    earliest = today - dt.timedelta(days=LOOK_BACK_DAYS)
    latest = today + dt.timedelta(days=max(DAYS_BEFORE))
    sent: list[SentReminder] = []
    for kind in KINDS:
        due = []
        for record in kind.open_records(earliest, latest):
            key = _key_due(kind.date_of(record), today)
            if key is not None:
                due.append((record, key))
        if not due:
            continue
        target_type = kind.model._meta.label_lower
        already = reminders_sent(REMINDER_ACTION, target_type, [r.pk for r, _k in due], date_key="date")
        due = [(r, k) for r, k in due if (str(r.pk), k, kind.date_of(r).isoformat()) not in already]
        recipients = member_emails({kind.organisation_of(r).pk for r, _k in due}, kind.roles)
        for record, key in due:
            to = recipients.get(kind.organisation_of(record).pk, [])
            if to and _send_one(kind, record, key, to, target_type):
                sent.append(SentReminder(kind=kind.key, record=record, key=key, date=kind.date_of(record)))
    return sent


def _send_one(kind: Kind, record: Any, key: str, recipients: list[str], target_type: str) -> bool:
    """Record and e-mail one reminder; False when the record changed meanwhile, another run sent it, or the
    e-mail failed (then nothing is recorded and the next run tries again)."""
    date = kind.date_of(record)
    try:
        with transaction.atomic():
            locked = kind.model.objects.select_for_update().filter(pk=record.pk).first()
            if locked is None or kind.date_of(locked) != date or not kind.still_open(locked):
                return False  # deleted, done or moved meanwhile: the next run decides again
            if (str(record.pk), key, date.isoformat()) in reminders_sent(
                REMINDER_ACTION, target_type, [record.pk], date_key="date"
            ):
                return False  # sent meanwhile by another run: never twice
            organisation = kind.organisation_of(record)
            audit_record(
                actor=None,
                actor_label="hrdd remind",
                organisation=organisation,
                action=REMINDER_ACTION,
                target=record,
                after={"reminder": key, "date": date.isoformat(), "recipients": len(recipients)},
            )
            overdue = key.startswith("after")
            _mail(kind, record, overdue=overdue, recipients=recipients, organisation=organisation)
    except OSError:
        # smtplib's errors, a refused connection: the event above was undone with the transaction
        logger.warning("programme reminder %s %s %s not sent", kind.key, record.pk, key, exc_info=True)
        return False
    return True


def _mail(kind: Kind, record: Any, *, overdue: bool, recipients: list[str], organisation: Any) -> None:
    subject, paragraphs, path = kind.mail(record, overdue)
    if kind.roles is CASE_ROLES:
        why = _("You receive this as an administrator or responsible-sourcing manager of %(organisation)s.")
    else:
        why = _("You receive this as a member of %(organisation)s who may change its records.")
    body = "\n\n".join(
        [subject + ".", *paragraphs, absolute_url(path), why % {"organisation": organisation.name}]
    )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients, fail_silently=False)
