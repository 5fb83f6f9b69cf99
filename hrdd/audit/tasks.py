"""Background work for the audit log: writing the export of an organisation's events (those the audit page's filters
choose) when there are too many to write inside a request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import task

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.audit.selectors import audit_event_list
from hrdd.audit.spreadsheets import XLSX_CONTENT_TYPE, audit_workbook
from hrdd.core.downloads import filename_from_title
from hrdd.core.errors import InputError, NotFound
from hrdd.core.models import TaskResultFile, TaskRun, active_organisation_id
from hrdd.core.tasks import (
    Outcome,
    Progress,
    task_run_create,
    task_run_execute,
    task_run_file_get,
    task_run_file_store,
    task_runs_of,
)
from hrdd.domain.texts import Text, gettext_noop

CHUNK = 2000  # events read from the database at a time


@dataclass(frozen=True)
class AuditExportQuery:
    """Which events an export writes, in which order: the audit page's filters, kept in the run's params."""

    action: str = ""
    who: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    oldest_first: bool = False

    def to_params(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "who": self.who,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "oldest_first": self.oldest_first,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> AuditExportQuery:
        def day(value: Any) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            action=str(params.get("action") or ""),
            who=str(params.get("who") or ""),
            since=day(params.get("since")),
            until=day(params.get("until")),
            oldest_first=bool(params.get("oldest_first")),
        )

    def described(self) -> list[tuple[str, str]]:
        """The filters given, as (label, value) lines for the workbook."""
        lines = [
            (_("Action starts with"), self.action.strip()),
            (_("Who"), self.who.strip()),
            (_("From (UTC)"), self.since.isoformat() if self.since else ""),
            (_("To (UTC)"), self.until.isoformat() if self.until else ""),
        ]
        order = _("Oldest first") if self.oldest_first else _("Newest first")
        return [(label, value) for label, value in lines if value] + [(_("Order"), order)]


@task()
def audit_export_task(task_run_id: int) -> dict[str, Any]:
    """Write the workbook of the events the run's filters choose and keep it for the run's result link."""
    return task_run_execute(task_run_id, write_audit_export)


EXPORT_SUBJECT = (
    "audit.export"  # one kept export per organisation: a newer one replaces the file of the one before
)


def export_organisation(user: User) -> Organisation:
    """The organisation whose log the user may export: the one they work in now, if they are a member of it (the
    audit page's rule: any member, whatever their role); NotFound otherwise."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None or user.role_in(organisation_id) is None:
        raise NotFound("audit log")
    organisation: Organisation = user.organisation
    return organisation


def export_filename(organisation: Organisation) -> str:
    return filename_from_title(organisation.name, "-audit-log.xlsx", default="audit-log")


def export_events(organisation: Organisation, query: AuditExportQuery) -> QuerySet[AuditEvent]:
    """The events the export writes, in its order, without their actor's user row (the label says who)."""
    events = audit_event_list(
        organisation=organisation,
        action=query.action,
        who=query.who,
        since=query.since,
        until=query.until,
    )
    order = ("at", "id") if query.oldest_first else ("-at", "-id")
    return events.select_related(None).order_by(*order)


def export_count(organisation: Organisation, query: AuditExportQuery) -> int:
    """How many events the export writes: one line each."""
    return int(export_events(organisation, query).count())


def export_in_request(organisation: Organisation, query: AuditExportQuery) -> bool:
    """Whether the export is small enough to answer at once (HRDD_EXPORT_IN_REQUEST_MAX events or fewer)."""
    return not export_events(organisation, query)[settings.HRDD_EXPORT_IN_REQUEST_MAX :].exists()


def audit_export(
    organisation: Organisation,
    query: AuditExportQuery,
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook of the events the query chooses, streamed from the database CHUNK events at a time (one
    query, whatever their number)."""
    return audit_workbook(
        organisation=organisation.name,
        filters=query.described(),
        events=export_events(organisation, query).iterator(chunk_size=CHUNK),
        total=total,
        progress=progress,
    )


def audit_export_start(*, actor: User, query: AuditExportQuery, enqueue: bool = True) -> TaskRun:
    """Queue the export of the events of the actor's organisation that the query chooses (any member may)."""
    organisation = export_organisation(actor)
    return task_run_create(
        organisation=organisation,
        task=audit_export_task,
        label=Text(gettext_noop("Audit log export")),
        created_by=actor,
        subject=EXPORT_SUBJECT,
        params=query.to_params(),
        enqueue=enqueue,
    )


def export_runs(organisation: Organisation, *, limit: int = 5) -> list[TaskRun]:
    """The latest audit exports of the organisation, newest first."""
    return task_runs_of(organisation=organisation, subject=EXPORT_SUBJECT, limit=limit)


def export_file(*, user: User, run_public_id: str) -> TaskResultFile:
    """The workbook a finished audit export kept, if the user may see it (else NotFound)."""
    export_organisation(user)
    return task_run_file_get(
        user=user,
        run_public_id=run_public_id,
        kind=audit_export_task.module_path,
        subject=EXPORT_SUBJECT,
    )


def write_audit_export(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `audit_export_task`: count the events, write them (with progress), keep the file. Only the
    newest audit export of an organisation keeps its file."""
    organisation = run.organisation
    try:
        query = AuditExportQuery.from_params(run.params)
    except ValueError as exc:  # a date written by hand in the params
        raise InputError(_("The export's filters are not readable."), field="since") from exc
    progress.say(Text(gettext_noop("Counting the events…")))
    total = export_count(organisation, query)
    progress.update(0, total=total, message=Text(gettext_noop("Writing the events…")))
    content = audit_export(
        organisation,
        query,
        total=total,
        progress=lambda done, total: progress.update(done, total=total),
    )
    written = run.done  # the last progress report: the events recorded since the count are written too
    progress.say(Text(gettext_noop("Storing the workbook…")))
    task_run_file_store(
        run, name=export_filename(organisation), content=content, content_type=XLSX_CONTENT_TYPE
    )
    link = reverse("audit_export")
    return Outcome(
        message=Text(
            gettext_noop("Exported %(count)s event (%(size)s KiB).")
            if written == 1
            else gettext_noop("Exported %(count)s events (%(size)s KiB)."),
            count=written,
            size=max(1, len(content) // 1024),
        ),
        result_url=f"{link}?{urlencode({'run': str(run.public_id)})}",
        result_label=Text(gettext_noop("Download the workbook")),
        value={"events": written, "bytes": len(content)},
    )
