"""Long work outside the request: a TaskRun records it for people (progress, result, error), a django-tasks task
does it, and any entry point (page, API, CLI) starts it through `task_run_create`.

An app writes its work as `work(run, progress) -> Outcome` and wraps it in a task:

    @task()
    def site_list_import(task_run_id: int) -> dict[str, Any]:
        return task_run_execute(task_run_id, read_and_store_site_list)

The work reads its inputs and reports progress outside any transaction, then does all its writes in one
`transaction.atomic()` block: a failure leaves nothing half-stored, while the progress record, written outside
that block, shows how far it got and why it stopped. A failed run keeps its inputs and can be retried.

What a run says (its label, message, result label, error) is stored in the words of the moment, for the API, the
command line and the audit; when it is a domain Text (hrdd.domain.texts: a template marked with gettext_noop and
its parameters), its template and parameters are kept beside it in `params[SAID]`, and `task_run_said` says it
again in the reader's language (issue 16). A run stored before, or a plain sentence, reads as it was written.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess  # noqa: S404 - the worker beside the development server is our own command
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend

from hrdd.core.errors import InputError
from hrdd.core.models import TaskInput, TaskResultFile, TaskRun, require_writable
from hrdd.core.texts import localize
from hrdd.domain.text_data import text_data, text_from_data
from hrdd.domain.texts import Text, gettext_noop

logger = logging.getLogger(__name__)

# The key of a run's params that keeps the template and parameters of what the run says (label, message, ...).
SAID = "_said"
SAID_FIELDS = ("label", "message", "result_label", "error")
WAITING = gettext_noop("Waiting for a worker…")

Listener = Callable[[TaskRun], None]
_listener: ContextVar[Listener | None] = ContextVar("hrdd_task_listener", default=None)


@dataclass(frozen=True)
class Outcome:
    """What finished work reports: a sentence, and where its result is (a link and its words)."""

    message: str
    result_url: str = ""
    result_label: str = ""
    value: dict[str, Any] = field(default_factory=dict)  # a JSON summary kept by the queue backend


class Progress:
    """Reports how far the work got: written to the TaskRun at most every HRDD_TASK_PROGRESS_INTERVAL seconds
    (and always when the total is set or the work is complete); a listener (the CLI's bar) sees every step.

    Call it outside `transaction.atomic()`: inside, the update would stay invisible until the commit."""

    def __init__(
        self, run: TaskRun, *, listener: Listener | None = None, interval: float | None = None
    ) -> None:
        self.run = run
        self.listener = listener
        self.interval = settings.HRDD_TASK_PROGRESS_INTERVAL if interval is None else interval
        self._written_at = float("-inf")

    def update(self, done: int, *, total: int | None = None, message: str | None = None) -> None:
        """Record that `done` of `total` steps are complete, with an optional sentence about the current step (a
        Text is said again in each reader's language)."""
        run = self.run
        changed_total = total is not None and total != run.total
        run.done = max(0, done)
        if total is not None:
            run.total = max(0, total)
        if message is not None:
            run.message = _clipped(message, 300)
        if self.listener is not None:
            self.listener(run)
        now = time.monotonic()
        complete = run.total > 0 and run.done >= run.total
        if changed_total or message is not None or complete or now - self._written_at >= self.interval:
            self._written_at = now
            said = {} if message is None else {"params": _said_again(run, message=run.message)}
            TaskRun.objects.filter(pk=run.pk).update(
                done=run.done, total=run.total, message=run.message, updated_at=timezone.now(), **said
            )

    def say(self, message: str) -> None:
        """Record a sentence about the current step (written at once)."""
        self.update(self.run.done, message=message)


Work = Callable[[TaskRun, Progress], Outcome]


# what a run says, in the reader's language


def _clipped(value: str, length: int) -> str:
    """The value cut to the column's length; a Text that fits stays a Text (its template is kept)."""
    return value if len(value) <= length else value[:length]


def _remember_said(run: TaskRun, **said: str) -> None:
    """Keep, in the run's params, the template and parameters of each Text given (and forget a field's earlier
    Text when a plain sentence replaces it)."""
    kept = dict(run.params.get(SAID) or {}) if isinstance(run.params, dict) else {}
    for name, value in said.items():
        data = text_data(value)
        if data is None:
            kept.pop(name, None)
        else:
            kept[name] = data
    params = dict(run.params or {})
    if kept:
        params[SAID] = kept
    else:
        params.pop(SAID, None)
    run.params = params


def task_run_said(run: TaskRun, name: str) -> str:
    """What the run says in `name` (label, message, result_label, error) in the active language: its stored
    Text said again, or the stored sentence as it is (a plain one, or one stored before issue 16)."""
    if name not in SAID_FIELDS:
        raise ValueError(f"a task run says nothing in {name!r}")
    english = str(getattr(run, name) or "")
    data = (run.params.get(SAID) or {}).get(name) if isinstance(run.params, dict) else None
    return str(localize(text_from_data(english, data)))


# starting and retrying


def task_run_create(
    *,
    organisation: Any,
    task: Task,  # type: ignore[type-arg]
    label: str,
    created_by: Any = None,
    subject: str = "",
    params: dict[str, Any] | None = None,
    inputs: Sequence[tuple[str, bytes]] = (),
    enqueue: bool = True,
) -> TaskRun:
    """Record a run of `task` with the files it will read, and queue it (unless `enqueue` is false). A `label`
    that is a Text (hrdd.domain.texts) is said in each reader's language on the task pages."""
    with transaction.atomic():
        run = TaskRun(
            organisation=organisation,
            created_by=created_by,
            kind=task.module_path,
            subject=subject[:100],
            label=_clipped(label, 200),
            params=dict(params or {}),
            message=Text(WAITING),
        )
        _remember_said(run, label=run.label, message=run.message)
        run.save()
        TaskInput.objects.bulk_create(
            TaskInput(task_run=run, position=position, name=name[:255], content=content)
            for position, (name, content) in enumerate(inputs)
        )
        if enqueue:
            _enqueue(run)
    return run


def task_run_retry(*, run: TaskRun, actor: Any = None, enqueue: bool = True) -> TaskRun:
    """Queue a failed run again from its kept inputs; `actor` (when a user, not a secret link) must be a writer.

    With `enqueue` false the run waits for `task_run_here` (the command line) instead of a worker."""
    if actor is not None:
        require_writable(actor, run.organisation)
    if run.status != TaskRun.Status.FAILED:
        raise InputError(_("Only a failed task can be retried."), field="task")
    with transaction.atomic():
        requeued = TaskRun.objects.filter(pk=run.pk, status=TaskRun.Status.FAILED).update(
            status=TaskRun.Status.QUEUED,
            done=0,
            error="",
            message=Text(WAITING),
            params=_said_again(run, message=Text(WAITING), result_label="", error=""),
            result_url="",
            result_label="",
            finished_at=None,
            updated_at=timezone.now(),
        )
        if not requeued:  # someone pressed Retry a moment earlier
            raise InputError(_("Only a failed task can be retried."), field="task")
        run.refresh_from_db()
        if enqueue:
            _enqueue(run)
    return run


def _said_again(run: TaskRun, **said: str) -> dict[str, Any]:
    """The run's stored params with what it says now (`_remember_said`), for an update() of the row: read again
    first, since the work may have written its own keys to the row (e.g. a consultation import's duplicates)."""
    stored = TaskRun.objects.filter(pk=run.pk).values_list("params", flat=True).first()
    run.params = dict(stored) if isinstance(stored, dict) else dict(run.params or {})
    _remember_said(run, **said)
    return dict(run.params)


def _task_of(run: TaskRun) -> Task:  # type: ignore[type-arg]
    found = import_string(run.kind)
    if not isinstance(found, Task):
        raise TypeError(f"{run.kind} is not a task")
    return found


def _enqueue(run: TaskRun) -> None:
    task = _task_of(run)
    if isinstance(task.get_backend(), DatabaseBackend):
        # The queue row is written in the same transaction as the run: both are stored, or neither.
        _send(task, run.pk)
    else:
        # Another backend must not start the work before the run it reads is committed.
        transaction.on_commit(lambda: _send(task, run.pk))


def _send(task: Task, run_id: int) -> None:  # type: ignore[type-arg]
    result = task.enqueue(run_id)
    TaskRun.objects.filter(pk=run_id).update(queue_id=str(result.id)[:64])


# doing the work


def task_run_execute(task_run_id: int, work: Work) -> dict[str, Any]:
    """Run `work` for the run: mark it running, then done with its result, or failed with the reason.

    Refused input (InputError, PermissionDenied) fails the run with its message; any other error fails it with a
    general message and is raised again, so that the queue keeps the traceback."""
    claimed = TaskRun.objects.filter(pk=task_run_id, status=TaskRun.Status.QUEUED).update(
        status=TaskRun.Status.RUNNING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        done=0,
        message=Text(gettext_noop("Started.")),
        updated_at=timezone.now(),
    )
    run = TaskRun.objects.select_related("organisation", "created_by").get(pk=task_run_id)
    if not claimed:  # already done, running elsewhere, or not retried: a second delivery does nothing twice
        return {"status": run.status, "skipped": True}
    run.message = Text(gettext_noop("Started."))
    TaskRun.objects.filter(pk=run.pk).update(params=_said_again(run, message=run.message))
    listener = _listener.get()
    progress = Progress(run, listener=listener)
    try:
        outcome = work(run, progress)
    except (InputError, PermissionDenied) as exc:
        said = exc.args[0] if exc.args and isinstance(exc.args[0], Text) else str(exc)
        _finish_failed(run, said, listener)
        return {"status": run.status, "error": run.error}
    except Exception:
        logger.exception("task run %s (%s) failed", run.public_id, run.kind)
        _finish_failed(
            run,
            Text(
                gettext_noop(
                    "The work stopped on an unexpected error; nothing of it was stored. Retry, or tell the "
                    "administrator (task %(task)s)."
                ),
                task=str(run.public_id),
            ),
            listener,
        )
        raise
    run.status = TaskRun.Status.DONE
    run.done = max(run.done, run.total)
    run.message = _clipped(outcome.message, 300)
    run.result_url = outcome.result_url[:500]
    run.result_label = _clipped(outcome.result_label, 200)
    run.finished_at = timezone.now()
    TaskRun.objects.filter(pk=run.pk).update(
        status=run.status,
        done=run.done,
        message=run.message,
        params=_said_again(run, message=run.message, result_label=run.result_label),
        result_url=run.result_url,
        result_label=run.result_label,
        finished_at=run.finished_at,
        updated_at=run.finished_at,
    )
    TaskInput.objects.filter(
        task_run=run
    ).delete()  # the result keeps what it needs; a done run is not retried
    if listener is not None:
        listener(run)
    return {"status": run.status, "message": run.message, **outcome.value}


def _finish_failed(run: TaskRun, error: str, listener: Listener | None) -> None:
    run.status = TaskRun.Status.FAILED
    run.error = error
    run.finished_at = timezone.now()
    TaskRun.objects.filter(pk=run.pk).update(
        status=run.status,
        error=error,
        params=_said_again(run, error=error),
        finished_at=run.finished_at,
        updated_at=run.finished_at,
    )
    if listener is not None:
        listener(run)


def task_run_inputs(run: TaskRun) -> list[tuple[str, bytes]]:
    """The files the run reads, in the order they were given."""
    return [(i.name, bytes(i.content)) for i in run.inputs.order_by("position")]


def task_run_here(run: TaskRun, *, listener: Listener | None = None) -> TaskRun:
    """Do a queued run's work in this process (the command line), telling `listener` about every step."""
    token = _listener.set(listener)
    try:
        _task_of(run).call(run.pk)
    finally:
        _listener.reset(token)
    run.refresh_from_db()
    return run


def run_queued_tasks(*, backend_name: str = "default", limit: int | None = None) -> int:
    """Run the tasks waiting in the database queue, here and now, then return how many ran.

    Each task is claimed and run by django-tasks-db's own worker code (`Worker.run_task`), like `db_worker`
    does, without its sleeping loop and signal handling: for tests and for `hrdd tasks run`."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend_name,
        startup_delay=False,
        max_tasks=limit,
        worker_id=f"hrdd-inline-{timezone.now():%Y%m%dT%H%M%S%f}",
        excluded_queue_names=[],
    )
    ran = 0
    while limit is None or ran < limit:
        ready = DBTaskResult.objects.ready().filter(backend_name=backend_name)
        with exclusive_transaction(ready.db):
            claimed = ready.get_locked()
            if claimed is not None:
                claimed.claim(worker.worker_id)
        if claimed is None:
            break
        worker.run_task(claimed)
        ran += 1
    return ran


# reading


def task_run_get(*, user: Any, public_id: Any) -> TaskRun:
    """One run the user may see (NotFound otherwise, also for another organisation's)."""
    return TaskRun.objects.select_related("organisation").get_visible(user, public_id=public_id)  # type: ignore[no-any-return]


def task_run_list(*, user: Any, limit: int = 50) -> list[TaskRun]:
    """The latest runs of the user's organisation."""
    return list(TaskRun.objects.visible_to(user).select_related("created_by")[:limit])


def task_runs_of(*, organisation: Any, subject: str, limit: int = 1) -> list[TaskRun]:
    """The latest runs about one record (e.g. "contracts.obligation:12"), newest first."""
    return list(TaskRun.objects.filter(organisation=organisation, subject=subject)[:limit])


# files made by runs (exports)


def task_run_file_store(
    run: TaskRun, *, name: str, content: bytes, content_type: str, keep_older: bool = False
) -> TaskResultFile:
    """Keep the file a run made, for its result link; unless `keep_older`, the files of the organisation's
    earlier runs of the same kind about the same subject are deleted, and their result links with them (one
    export kept per subject, not one per click). Call it last in the work; only a done run's file is served."""
    with transaction.atomic():
        if not keep_older:
            older = list(
                TaskResultFile.objects.filter(
                    task_run__organisation_id=run.organisation_id,
                    task_run__kind=run.kind,
                    task_run__subject=run.subject,
                )
                .exclude(task_run=run)
                .values_list("task_run_id", flat=True)
            )
            TaskResultFile.objects.filter(task_run_id__in=older).delete()
            TaskRun.objects.filter(pk__in=older).update(
                result_url="", result_label="", updated_at=timezone.now()
            )
        stored, _created = TaskResultFile.objects.update_or_create(
            task_run=run,
            defaults={
                "name": name[:255],
                "content_type": content_type[:100],
                "size": len(content),
                "content": content,
            },
        )
    return stored


def task_run_file_get(*, user: Any, run_public_id: Any, kind: str, subject: str) -> TaskResultFile:
    """The file of a finished run the user may see, of this kind and about this subject (NotFound otherwise, also
    for another organisation's run and for a file replaced by a newer run's)."""
    stored: TaskResultFile = (
        TaskResultFile.objects.select_related("task_run")
        .filter(task_run__kind=kind, task_run__subject=subject, task_run__status=TaskRun.Status.DONE)
        .get_visible(user, task_run__public_id=run_public_id)
    )
    return stored


# the worker beside the development server


def uses_database_queue(backend_name: str = "default") -> bool:
    """Whether tasks wait in the database, for `db_worker` (the embedded default)."""
    return isinstance(task_backends[backend_name], DatabaseBackend)


def _exit_on_signal(number: int, frame: Any) -> None:
    raise SystemExit(128 + number)


@contextlib.contextmanager
def worker_beside(*, interval: float = 0.5) -> Iterator[subprocess.Popen[bytes] | None]:
    """Run `manage.py db_worker` as a child process while the block runs, and stop it after."""
    if not uses_database_queue():
        yield None  # another backend brings its own workers
        return
    command = [
        sys.executable, "-m", "hrdd", "manage", "db_worker",
        "--interval", str(interval), "--no-reload", "--no-startup-delay", "--verbosity", "0",
    ]  # fmt: skip
    child = subprocess.Popen(command)  # noqa: S603 - our own interpreter and command, no user input
    # A server stopped by SIGTERM or SIGHUP (not only Ctrl+C) leaves through `finally`, taking the worker along.
    previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP)}
    for number in previous:
        signal.signal(number, _exit_on_signal)
    try:
        yield child
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if child.poll() is None:
            child.terminate()  # the worker finishes the task it is running, then exits
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
