"""Background work for contracts: reading a supplier's production-site list into a new submission."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django_tasks import task

from hrdd.contracts import services
from hrdd.contracts.models import Obligation
from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import Outcome, Progress, task_run_execute, task_run_inputs
from hrdd.domain.texts import Text, gettext_noop


@task()
def site_list_import(task_run_id: int) -> dict[str, Any]:
    """Read the site list a run keeps and store its rows as the obligation's next submission."""
    return task_run_execute(task_run_id, read_and_store_site_list)


def read_and_store_site_list(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `site_list_import`: rows are read (with progress) first, then stored in one transaction."""
    obligation = Obligation.objects.select_related("contract").get(
        pk=run.params["obligation"], contract__organisation=run.organisation
    )
    inputs = task_run_inputs(run)
    if not inputs:
        raise InputError(_("The uploaded file is no longer kept; upload it again."), field="file")
    name, content = inputs[0]
    progress.say(Text(gettext_noop("Reading the rows of %(file)s…"), file=name))
    try:
        submission = services.submission_create(
            obligation=obligation,
            data={"explanation": run.params.get("explanation", "")},
            upload=ContentFile(content, name=name),
            progress=lambda done, total: progress.update(done, total=total),
        )
    except services.SubmissionError as exc:  # shown to the supplier: the file names itself, not the field
        raise InputError(str(exc).removeprefix(f"{exc.field}: "), field=exc.field) from exc
    sites = submission.sites.count()
    return Outcome(
        message=Text(
            gettext_noop("Received: %(clause)s, version %(version)s (%(file)s). %(count)s site(s) stored."),
            clause=obligation.clause,
            version=submission.version,
            file=submission.filename,
            count=sites,
        ),
        result_url=f"{obligation.contract.get_absolute_url()}#obligation-{obligation.pk}",
        result_label=Text(gettext_noop("Show the submission")),
        value={"submission": submission.pk, "version": submission.version, "sites": sites},
    )
