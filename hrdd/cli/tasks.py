"""Background work on the command line: `hrdd tasks list|show|retry|run|worker`, and the long imports
(`hrdd contract sites`, `hrdd questionnaire import`) run here with a progress bar, through the same task code
the web pages queue; `--queue` leaves them to the worker instead."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, localize, print_json, site_language, stderr, stdout
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError, NotFound
from hrdd.domain.texts import gettext_noop

if TYPE_CHECKING:
    from hrdd.core.models import TaskRun

tasks_app = typer.Typer(
    help=gettext_noop("Background work: imports run by the task queue, their progress and retries.")
)

QueueOpt = Annotated[
    bool,
    typer.Option("--queue", help=gettext_noop("Leave the work to the task worker instead of doing it here.")),
]


# a run's status as the table and `tasks show` say it (TaskRun.Status's values; JSON gives the values themselves)
STATUS_WORDS = {
    "queued": gettext_noop("queued"),
    "running": gettext_noop("running"),
    "done": gettext_noop("done"),
    "failed": gettext_noop("failed"),
}


def _status(value: str) -> str:
    return _(STATUS_WORDS[value]) if value in STATUS_WORDS else value


class _File:
    """A file from the command line, shaped like an upload (name, size, read) for the services."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise InputError(_("%(file)s: no such file") % {"file": path}, field="file")
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
        raise InputError(_("no active user %(email)r") % {"email": email}, field="--as") from exc


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
        line = bar.add_task(_said(run, "label"), total=None)

        def show(current: TaskRun) -> None:
            bar.update(
                line, completed=current.done, total=current.total or None, description=_said(current, "label")
            )

        done = task_run_here(run, listener=show)
    if done.status != done.Status.DONE:
        raise InputError(
            done.error or _("task %(task)s is %(status)s") % {"task": done.public_id, "status": done.status}
        )
    stdout().print(_said(done, "message"), highlight=False, markup=False)
    return done


def _said(run: TaskRun, name: str) -> str:
    """What a run says in `name` (label, message, error) in the reader's language (hrdd.core.tasks.SAID)."""
    from hrdd.domain.text_data import text_from_data

    english = str(getattr(run, name) or "")
    said = (run.params.get("_said") or {}).get(name) if isinstance(run.params, dict) else None
    return str(localize(text_from_data(english, said)))


def _queued(run: TaskRun) -> None:
    stdout().print(
        _(
            "Queued as task %(task)s; the worker (`hrdd tasks worker`, or `hrdd serve`) will do it. "
            "Follow it with `hrdd tasks show %(task)s`."
        )
        % {"task": run.public_id},
        highlight=False,
        markup=False,
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


@tasks_app.command(
    "list", help=gettext_noop("List the latest background runs of every organisation, newest first.")
)
def tasks_list(
    limit: Annotated[int, typer.Option(help=gettext_noop("How many of the latest runs."))] = 20,
    as_json: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.core.models import TaskRun

    runs = list(TaskRun.objects.select_related("organisation")[: max(1, limit)])
    if as_json:
        print_json([_as_dict(r) for r in runs])
        return
    table = Table(title=_("Background work"))
    for column in (_("id"), _("started"), _("organisation"), _("work"), _("status"), _("progress")):
        table.add_column(column)
    for r in runs:
        progress = f"{r.done}/{r.total}" if r.total else ""
        table.add_row(
            str(r.public_id),
            f"{r.created_at:%Y-%m-%d %H:%M}",
            escape(str(r.organisation)),
            escape(_said(r, "label")),
            _status(r.status),
            progress,
        )
    stdout().print(table)


@tasks_app.command("show", help=gettext_noop("Show one run: its progress, and its result or error."))
def tasks_show(
    task_id: Annotated[str, typer.Argument(help=gettext_noop("The run's id (see `hrdd tasks list`)."))],
    as_json: JsonOpt = False,
) -> None:
    django_setup()
    run = _run(task_id)
    if as_json:
        print_json(_as_dict(run))
        return
    out = stdout()
    out.print(f"{_said(run, 'label')}: {_status(run.status)}", highlight=False, markup=False)
    if run.total:
        out.print(_("%(done)s of %(total)s done") % {"done": run.done, "total": run.total}, highlight=False)
    for text in (_said(run, "message"), _said(run, "error"), run.result_url):
        if text:
            out.print(text, highlight=False, markup=False)


@tasks_app.command(
    "retry",
    help=gettext_noop(
        "Do a failed run again from its kept inputs (here with a progress bar, or --queue for the worker)."
    ),
)
def tasks_retry(
    task_id: Annotated[str, typer.Argument(help=gettext_noop("The id of a failed run."))],
    queue: QueueOpt = False,
) -> None:
    django_setup()
    from hrdd.core.tasks import task_run_retry

    run = task_run_retry(run=_run(task_id), enqueue=queue)
    if queue:
        _queued(run)
    else:
        follow(run)


@tasks_app.command(
    "run",
    help=gettext_noop(
        "Do every task waiting in the database queue now, then stop (for a cron job instead of a worker)."
    ),
)
def tasks_run() -> None:
    django_setup()
    from hrdd.core.tasks import run_queued_tasks, uses_database_queue

    if not uses_database_queue():
        raise InputError(_("the task backend is not the database queue; its own workers run the tasks"))
    with site_language():  # others' tasks, as the worker runs them: not in the language of this terminal
        ran = run_queued_tasks()
    stdout().print(_("%(count)s task(s) run") % {"count": ran}, markup=False)


@tasks_app.command(
    "worker",
    help=gettext_noop(
        "Run the task worker until stopped (Ctrl+C finishes the task at hand first); `hrdd serve` starts one."
    ),
)
def tasks_worker(
    interval: Annotated[
        float, typer.Option(help=gettext_noop("Seconds to wait when the queue is empty."))
    ] = 1.0,
) -> None:
    with (
        site_language()
    ):  # others' tasks: in the installation's language, not in the language of this terminal
        from django.core.management import call_command

        call_command("db_worker", interval=interval, reload=False, startup_delay=False)


CONTRACT_SITES_HELP = gettext_noop(
    "Store a supplier's production-site list as the next version of its site-list obligation."
)


def contract_sites(
    contract_id: Annotated[
        str, typer.Argument(help=gettext_noop("The contract's id (from its page address)."))
    ],
    file: Annotated[
        Path, typer.Argument(help=gettext_noop("The supplier's production-site list, CSV or XLSX."))
    ],
    explanation: Annotated[
        str,
        typer.Option(help=gettext_noop("Why the list is incomplete and what the supplier does about it.")),
    ] = "",
    queue: QueueOpt = False,
) -> None:
    django_setup()
    from hrdd.contracts.models import Contract
    from hrdd.contracts.services import site_list_accept, takes_site_list

    try:
        contract = Contract.objects.get(public_id=uuid.UUID(contract_id))
    except (ValueError, Contract.DoesNotExist) as exc:
        raise NotFound("contract") from exc
    obligations = [o for o in contract.obligations.order_by("due_date") if takes_site_list(o)]
    if not obligations:
        raise InputError(_("this contract asks for no production-site list"), field="contract_id")
    # the earliest list not yet delivered, else the latest
    obligation = next((o for o in obligations if not o.submissions.exists()), obligations[-1])
    run = site_list_accept(
        obligation=obligation, data={"explanation": explanation}, upload=_File(file), enqueue=queue
    )
    if queue:
        _queued(run)
    else:
        follow(run)


QUESTIONNAIRE_IMPORT_HELP = gettext_noop(
    "Import filled questionnaire workbooks into a consultation as submitted responses, all or none."
)


def questionnaire_import(
    consultation_id: Annotated[
        str, typer.Argument(help=gettext_noop("The consultation's id (from its page address)."))
    ],
    files: Annotated[list[Path], typer.Argument(help=gettext_noop("Filled questionnaire workbooks (XLSX)."))],
    actor: Annotated[
        str, typer.Option("--as", help=gettext_noop("E-mail address of the buyer who imports them."))
    ],
    queue: QueueOpt = False,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help=gettext_noop(
                "Replace the earlier answer of a supplier who already answered (else the import is refused)."
            ),
        ),
    ] = False,
) -> None:
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
