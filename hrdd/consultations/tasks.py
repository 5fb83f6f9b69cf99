"""Background work for consultations: importing the filled questionnaire workbooks a buyer collected, and
writing the results export of a consultation with many responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import task

from hrdd.accounts.models import User
from hrdd.consultations import selectors, services
from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.spreadsheets import XLSX_CONTENT_TYPE, ResultRow, results_workbook
from hrdd.core.downloads import filename_from_title
from hrdd.core.errors import InputError, NotFound
from hrdd.core.models import TaskResultFile, TaskRun
from hrdd.core.tasks import (
    Outcome,
    Progress,
    task_run_create,
    task_run_execute,
    task_run_file_get,
    task_run_file_store,
    task_run_inputs,
    task_runs_of,
)
from hrdd.domain.texts import Text, gettext_noop


@task()
def responses_import_task(task_run_id: int) -> dict[str, Any]:
    """Import the workbooks a run keeps as submitted responses of its consultation, all or none."""
    return task_run_execute(task_run_id, import_workbooks)


def import_workbooks(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `responses_import_task`: every workbook is read (with progress), then all are stored."""
    consultation = Consultation.objects.get(pk=run.params["consultation"], organisation=run.organisation)
    workbooks = task_run_inputs(run)
    if not workbooks:
        raise InputError(_("The uploaded files are no longer kept; upload them again."), field="file")
    if run.created_by is None:
        raise InputError(_("The person who started this import no longer has an account."), field="file")
    progress.update(0, total=len(workbooks), message=Text(gettext_noop("Reading the workbooks…")))
    try:
        invitations = services.responses_import(
            actor=run.created_by,
            consultation=consultation,
            workbooks=workbooks,
            progress=lambda done, total: progress.update(done, total=total),
            replace=bool(run.params.get("replace")),
        )
    except services.DuplicateResponses as exc:  # the page offers to replace the earlier answers
        TaskRun.objects.filter(pk=run.pk).update(params=run.params | {"duplicates": exc.duplicates})
        raise InputError(str(exc), field=exc.field) from exc
    except services.ConsultationError as exc:
        raise InputError(str(exc), field=exc.field) from exc
    companies = ", ".join(i.company_name for i in invitations)
    return Outcome(
        message=Text(gettext_noop("Imported the answers of %(companies)s."), companies=companies),
        result_url=consultation.get_absolute_url(),
        result_label=Text(gettext_noop("Open the consultation")),
        value={"invitations": [i.pk for i in invitations]},
    )


# the results export


@task()
def consultation_export_task(task_run_id: int) -> dict[str, Any]:
    """Write the results workbook of the run's consultation and keep it for the run's result link."""
    return task_run_execute(task_run_id, write_results_export)


def export_subject(consultation: Consultation) -> str:
    """The subject of the background runs that export this consultation's results."""
    return f"consultations.export:{consultation.pk}"


def export_filename(consultation: Consultation) -> str:
    return filename_from_title(consultation.title, "-results.xlsx", default="consultation")


def export_responses(consultation: Consultation) -> int:
    """How many responses (invitations, answered or not) the export writes: one line each."""
    return consultation.invitations.count()


def export_in_request(consultation: Consultation) -> bool:
    """Whether the export is small enough to answer at once (HRDD_EXPORT_IN_REQUEST_MAX responses or fewer)."""
    return not consultation.invitations.all()[settings.HRDD_EXPORT_IN_REQUEST_MAX :].exists()


def results_export(
    consultation: Consultation,
    *,
    progress: Callable[[int, int], None] | None = None,
    reader: int | None = None,
) -> bytes:
    """The consultation's results workbook: every response with its stored verdict and reasons, the market; as the
    organisation `reader` may read it (None: the owner; a co-owner gets no scores of answers not submitted to it)."""
    results = selectors.consultation_results(consultation=consultation, reader=reader)
    return results_workbook(
        title=consultation.title,
        framework=results.framework,
        rows=[
            ResultRow(
                email=r.invitation.email,
                status=_("submitted, not shared with you") if r.withheld else export_status(r.invitation),
                score=r.score,
            )
            for r in results.rows
        ],
        market=results.market,
        progress=progress,
    )


def export_status(invitation: Invitation) -> str:
    """A response's status as the export writes it: "withdrawn" (not counted) before anything else, and a late
    answer marked as such with the day it came."""
    if invitation.withdrawn_at is not None:
        return "withdrawn"
    if invitation.late and invitation.submitted_at is not None:
        return f"{invitation.status}, late ({timezone.localdate(invitation.submitted_at).isoformat()})"
    return str(invitation.status)


def consultation_export_start(*, actor: User, consultation: Consultation, enqueue: bool = True) -> TaskRun:
    """Queue the results export of a consultation the actor's organisation owns or co-owns (reading needs no
    writer's role); the run is the actor's organisation's, and writes what it may read."""
    if not Consultation.objects.joint_with(actor).filter(pk=consultation.pk).exists():
        raise NotFound("consultation")
    return task_run_create(
        organisation=actor.organisation,
        task=consultation_export_task,
        label=Text(gettext_noop("Results export: %(title)s"), title=consultation.title),
        created_by=actor,
        subject=export_subject(consultation),
        params={"consultation": consultation.pk},
        enqueue=enqueue,
    )


def export_runs(consultation: Consultation, *, limit: int = 5, reader: int | None = None) -> list[TaskRun]:
    """The latest export runs of the consultation by the organisation `reader` (None: the owner), newest first."""
    return task_runs_of(
        organisation=reader or consultation.organisation_id, subject=export_subject(consultation), limit=limit
    )


def export_file(*, user: User, consultation: Consultation, run_public_id: str) -> TaskResultFile:
    """The workbook a finished export run of this consultation kept, if the user may see it (else NotFound)."""
    return task_run_file_get(
        user=user,
        run_public_id=run_public_id,
        kind=consultation_export_task.module_path,
        subject=export_subject(consultation),
    )


def write_results_export(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `consultation_export_task`: read the stored verdicts, write the rows (with progress), keep the
    file. Only the newest export of a consultation keeps its file."""
    joint = Consultation.joint_condition(run.organisation_id)  # a co-owner's run (issue 16)
    try:
        consultation = Consultation.objects.filter(Q(organisation=run.organisation) | joint).get(
            pk=run.params["consultation"]
        )
    except Consultation.DoesNotExist as exc:
        raise InputError(_("The consultation no longer exists."), field="consultation") from exc
    progress.say(Text(gettext_noop("Reading the responses…")))
    content = results_export(
        consultation,
        progress=lambda done, total: progress.update(done, total=total),
        reader=run.organisation_id,
    )
    progress.say(Text(gettext_noop("Storing the workbook…")))
    task_run_file_store(
        run, name=export_filename(consultation), content=content, content_type=XLSX_CONTENT_TYPE
    )
    responses = export_responses(consultation)
    link = reverse("consultations:export", args=[consultation.public_id])
    return Outcome(
        message=Text(
            gettext_noop("Exported %(count)s response (%(size)s KiB).")
            if responses == 1
            else gettext_noop("Exported %(count)s responses (%(size)s KiB)."),
            count=responses,
            size=max(1, len(content) // 1024),
        ),
        result_url=f"{link}?{urlencode({'run': str(run.public_id)})}",
        result_label=Text(gettext_noop("Download the workbook")),
        value={"responses": responses, "bytes": len(content)},
    )
