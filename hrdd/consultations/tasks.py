"""Background work for consultations: importing the filled questionnaire workbooks a buyer collected."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from hrdd.consultations import services
from hrdd.consultations.models import Consultation
from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import Outcome, Progress, task_run_execute, task_run_inputs


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
    progress.update(0, total=len(workbooks), message=_("Reading the workbooks…"))
    try:
        invitations = services.responses_import(
            actor=run.created_by,
            consultation=consultation,
            workbooks=workbooks,
            progress=lambda done, total: progress.update(done, total=total),
        )
    except services.ConsultationError as exc:
        raise InputError(str(exc), field=exc.field) from exc
    companies = ", ".join(i.company_name for i in invitations)
    return Outcome(
        message=ngettext(
            "Imported the answers of %(companies)s.",
            "Imported the answers of %(companies)s.",
            len(invitations),
        )
        % {"companies": companies},
        result_url=consultation.get_absolute_url(),
        result_label=_("Open the consultation"),
        value={"invitations": [i.pk for i in invitations]},
    )
