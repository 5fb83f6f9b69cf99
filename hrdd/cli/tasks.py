"""Background work on the command line: `hrdd tasks list|show|retry|run|worker`, and the long imports
(`hrdd contract sites`, `hrdd questionnaire import`) run here with a progress bar, through the same task code
the web pages queue; `--queue` leaves them to the worker instead."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, print_json, stderr, stdout
from hrdd.core.errors import InputError, NotFound

if TYPE_CHECKING:
    from hrdd.core.models import TaskRun

tasks_app = typer.Typer(help="Background work: imports run by the task queue, their progress and retries.")

QueueOpt = Annotated[
    bool, typer.Option("--queue", help="Leave the work to the task worker instead of doing it here.")
]


class _File:
    """A file from the command line, shaped like an upload (name, size, read) for the services."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise InputError(f"{path}: no such file", field="file")
        self.name = path.name
        self._content = path.read_bytes()
        self.size = len(self._content)

    def read(self, *args: Any) -> bytes:
        return self._content


def _run(public_id: str) -> TaskRun:
    from hrdd.core.models import TaskRun

    try:
        return TaskRun.objects.select_related("organisation", "created_by").get(
            public_id=uuid.UUID(public_id)
        )
    except (ValueError, TaskRun.DoesNotExist) as exc:
        raise NotFound("task") from exc


def _user(email: str) -> Any:
    from hrdd.accounts.models import User

    try:
        return User.objects.get(email__iexact=email.strip(), is_active=True)
    except User.DoesNotExist as exc:
        raise InputError(f"no active user {email!r}", field="--as") from exc


def follow(run: TaskRun) -> TaskRun:
    """Do a queued run here with a progress bar on standard error; refuse (exit 2) when it fails."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hrdd.core.tasks import task_run_here

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    ) as bar:
        line = bar.add_task(run.label, total=None)

        def show(current: TaskRun) -> None:
            bar.update(line, completed=current.done, total=current.total or None, description=current.label)

        done = task_run_here(run, listener=show)
    if done.status != done.Status.DONE:
        raise InputError(done.error or f"task {done.public_id} is {done.status}")
    stdout().print(done.message, highlight=False)
    return done


def _queued(run: TaskRun) -> None:
    stdout().print(
        f"Queued as task {run.public_id}; the worker (`hrdd tasks worker`, or `hrdd serve`) will do it. "
        f"Follow it with `hrdd tasks show {run.public_id}`.",
        highlight=False,
    )


def _as_dict(run: TaskRun) -> dict[str, Any]:
    return {
        "id": str(run.public_id),
        "organisation": str(run.organisation),
        "label": run.label,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "message": run.message,
        "error": run.error,
        "result_url": run.result_url,
        "attempts": run.attempts,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


@tasks_app.command("list")
def tasks_list(
    limit: Annotated[int, typer.Option(help="How many of the latest runs.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List the latest background runs of every organisation, newest first."""
    django_setup()
    from hrdd.core.models import TaskRun

    runs = list(TaskRun.objects.select_related("organisation")[: max(1, limit)])
    if as_json:
        print_json([_as_dict(r) for r in runs])
        return
    table = Table(title="Background work")
    for column in ("id", "started", "organisation", "work", "status", "progress"):
        table.add_column(column)
    for r in runs:
        progress = f"{r.done}/{r.total}" if r.total else ""
        table.add_row(
            str(r.public_id),
            f"{r.created_at:%Y-%m-%d %H:%M}",
            str(r.organisation),
            r.label,
            r.status,
            progress,
        )
    stdout().print(table)


@tasks_app.command("show")
def tasks_show(
    task_id: Annotated[str, typer.Argument(help="The run's id (see `hrdd tasks list`).")],
    as_json: JsonOpt = False,
) -> None:
    """Show one run: its progress, and its result or error."""
    django_setup()
    run = _run(task_id)
    if as_json:
        print_json(_as_dict(run))
        return
    out = stdout()
    out.print(f"{run.label}: {run.status}", highlight=False)
    if run.total:
        out.print(f"{run.done} of {run.total} done", highlight=False)
    for text in (run.message, run.error, run.result_url):
        if text:
            out.print(text, highlight=False)


@tasks_app.command("retry")
def tasks_retry(
    task_id: Annotated[str, typer.Argument(help="The id of a failed run.")],
    queue: QueueOpt = False,
) -> None:
    """Do a failed run again from its kept inputs (here with a progress bar, or --queue for the worker)."""
    django_setup()
    from hrdd.core.tasks import task_run_retry

    run = task_run_retry(run=_run(task_id), enqueue=queue)
    if queue:
        _queued(run)
    else:
        follow(run)


@tasks_app.command("run")
def tasks_run() -> None:
    """Do every task waiting in the database queue now, then stop (for a cron job instead of a worker)."""
    django_setup()
    from hrdd.core.tasks import run_queued_tasks, uses_database_queue

    if not uses_database_queue():
        raise InputError("the task backend is not the database queue; its own workers run the tasks")
    ran = run_queued_tasks()
    stdout().print(f"{ran} task(s) run")


@tasks_app.command("worker")
def tasks_worker(
    interval: Annotated[float, typer.Option(help="Seconds to wait when the queue is empty.")] = 1.0,
) -> None:
    """Run the task worker until stopped (Ctrl+C finishes the task at hand first); `hrdd serve` starts one."""
    django_setup()
    from django.core.management import call_command

    call_command("db_worker", interval=interval, reload=False, startup_delay=False)


def contract_sites(
    contract_id: Annotated[str, typer.Argument(help="The contract's id (from its page address).")],
    file: Annotated[Path, typer.Argument(help="The supplier's production-site list, CSV or XLSX.")],
    explanation: Annotated[
        str, typer.Option(help="Why the list is incomplete and what the supplier does about it.")
    ] = "",
    queue: QueueOpt = False,
) -> None:
    """Store a supplier's production-site list as the next version of its site-list obligation."""
    django_setup()
    from hrdd.contracts.models import Contract
    from hrdd.contracts.services import site_list_accept, takes_site_list

    try:
        contract = Contract.objects.get(public_id=uuid.UUID(contract_id))
    except (ValueError, Contract.DoesNotExist) as exc:
        raise NotFound("contract") from exc
    obligations = [o for o in contract.obligations.order_by("due_date") if takes_site_list(o)]
    if not obligations:
        raise InputError("this contract asks for no production-site list", field="contract_id")
    # the earliest list not yet delivered, else the latest
    obligation = next((o for o in obligations if not o.submissions.exists()), obligations[-1])
    run = site_list_accept(
        obligation=obligation, data={"explanation": explanation}, upload=_File(file), enqueue=queue
    )
    if queue:
        _queued(run)
    else:
        follow(run)


def questionnaire_import(
    consultation_id: Annotated[str, typer.Argument(help="The consultation's id (from its page address).")],
    files: Annotated[list[Path], typer.Argument(help="Filled questionnaire workbooks (XLSX).")],
    actor: Annotated[str, typer.Option("--as", help="E-mail address of the buyer who imports them.")],
    queue: QueueOpt = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace the earlier answer of a supplier who already answered (else the import is refused).",
        ),
    ] = False,
) -> None:
    """Import filled questionnaire workbooks into a consultation as submitted responses, all or none."""
    django_setup()
    from hrdd.consultations.selectors import consultation_get
    from hrdd.consultations.services import ConsultationError, responses_import_accept

    user = _user(actor)
    consultation = consultation_get(user=user, public_id=consultation_id)
    uploads = [_File(path) for path in files]
    try:
        run = responses_import_accept(
            actor=user, consultation=consultation, uploads=uploads, enqueue=queue, replace=replace
        )
    except ConsultationError as exc:
        raise InputError(str(exc), field="files") from exc
    if queue:
        _queued(run)
    else:
        follow(run)
