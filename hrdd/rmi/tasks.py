"""Background reading of a supplier's template: the upload is recorded at once, read and matched by a worker
with visible progress (hrdd.core.tasks), and stored in one transaction (hrdd.rmi.services.upload_read)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import Outcome, Progress, task_run_create, task_run_execute
from hrdd.domain.rmi import TemplateReading
from hrdd.domain.texts import Text, gettext_noop
from hrdd.rmi import services
from hrdd.rmi.models import SupplierRequest, Upload


def read_bytes(content: bytes, name: str) -> TemplateReading:
    from hrdd.rmi.workbook import read_template_file

    return read_template_file(content, name=name)


@task()
def upload_read_task(task_run_id: int) -> dict[str, Any]:
    """Read the template an upload keeps and store what it declares and what is wrong with it."""
    return task_run_execute(task_run_id, run_upload_read)


def upload_start(
    *, request: SupplierRequest, filename: str, content: bytes, actor: Any = None, enqueue: bool = True
) -> Upload:
    """Record a supplier's file and queue its reading (both stored, or neither). Without a logged-in `actor` the
    file came through a link: its reading is recorded as the link holder's (`SupplierRequest.link_holder`)."""
    by_user = getattr(actor, "is_authenticated", False)
    with transaction.atomic():
        upload = services.upload_create(request=request, filename=filename, content=content, actor=actor)
        run = task_run_create(
            organisation=request.campaign.organisation,
            task=upload_read_task,
            label=Text(gettext_noop("Reading %(file)s"), file=upload.filename),
            created_by=actor if by_user else None,
            subject=f"rmi.request:{request.pk}",
            params={"upload": upload.pk} | ({} if by_user else {"actor_label": request.link_holder}),
            enqueue=enqueue,
        )
        upload.task_run = run
        upload.save(update_fields=["task_run"])
    return upload


def run_upload_read(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `upload_read_task`: read, match the smelters with the registry (progress), store."""
    upload = (
        Upload.objects.select_related(
            "request__campaign__organisation", "request__company", "request__contract"
        )
        .filter(pk=run.params.get("upload"))
        .first()
    )
    if upload is None:
        raise InputError(_("The uploaded file is no longer kept; upload it again."), field="file")
    progress.update(0, total=3, message=Text(gettext_noop("Reading %(file)s…"), file=upload.filename))
    try:
        stored = services.upload_read(
            upload,
            actor=run.created_by,
            actor_label=run.params.get("actor_label"),
            read=lambda content, name: _reading_then_say(content, name, progress),
            progress=lambda done, total: progress.update(
                done, total=total, message=Text(gettext_noop("Matching the smelters with the site registry…"))
            ),
        )
    except Exception:
        services.upload_failed(upload)
        raise
    label = stored.get_status_display()
    return Outcome(
        message=Text(
            gettext_noop("%(file)s: %(status)s (%(errors)s to correct, %(warnings)s worth a look)."),
            file=stored.filename,
            status=label,
            errors=stored.errors,
            warnings=stored.warnings,
        ),
        value={"upload": str(stored.public_id), "status": stored.status},
    )


def _reading_then_say(content: bytes, name: str, progress: Progress) -> TemplateReading:
    reading = read_bytes(content, name)
    progress.update(
        1,
        total=3,
        message=Text(
            gettext_noop("Read: %(count)s smelters. Matching them with the site registry…"),
            count=len(reading.smelters),
        ),
    )
    return reading
