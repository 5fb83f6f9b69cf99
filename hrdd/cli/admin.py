"""Running an installation: `hrdd migrate`, `hrdd demo`, `hrdd serve` and `hrdd manage`.

Their work (the demo's data, the task worker beside the server, a management command) is done in the installation's
default language whatever the terminal's; only the lines they print are said in the reader's language."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from hrdd.cli.common import count, django_setup, site_language, stderr, stdout
from hrdd.cli.common import gettext as _
from hrdd.domain.texts import gettext_noop

MIGRATE_HELP = gettext_noop("Create or update the database tables.")


def migrate() -> None:
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


DEMO_HELP = gettext_noop(
    "Load the demo: a municipality buying notebooks (its four steps) and a mineral trader running a "
    "responsible-sourcing programme (idempotent)."
)


def demo(
    scale: Annotated[
        int,
        typer.Option(
            help=gettext_noop(
                "Also add this many contracts (obligations, submissions, site lists) to the demo organisation "
                "and N/10 further buyer organisations with 10 contracts each, for load tests; again adds more."
            ),
            min=0,
        ),
    ] = 0,
    seed: Annotated[
        int, typer.Option(help=gettext_noop("Seed of the --scale data (the same seed adds the same data)."))
    ] = 2025,
) -> None:
    with site_language():
        from django.core.management import call_command

        from hrdd.demo import DEMO_PASSWORD, load_demo
        from hrdd.demo_sourcing import TRADER, load_sourcing_demo

        call_command("migrate", interactive=False, verbosity=0)
        result = load_demo()
        trader = load_sourcing_demo(password=DEMO_PASSWORD)
    out = stdout()
    out.print(
        _("Demo data loaded.") if result.created or trader.created else _("Demo data already present."),
        markup=False,
    )
    if scale:
        _demo_scale(scale, seed)
    out.print(
        escape(_("Log in at %(address)s as %(login)s with password %(password)s"))
        % {
            "address": escape(f"{result.base_url}/login/"),
            "login": f"[bold]{escape(result.login)}[/]",
            "password": f"[bold]{escape(DEMO_PASSWORD)}[/]",
        }
    )
    out.print(
        escape(_("The company side (a mineral trader, %(trader)s): log in as %(login)s, same password."))
        % {"trader": escape(TRADER), "login": f"[bold]{escape(trader.login)}[/]"},
        highlight=False,
    )


def _demo_scale(n: int, seed: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hrdd.demo import load_scale

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    ) as bar:
        line = bar.add_task(escape(_("Adding contracts")), total=None)
        with site_language():
            added = load_scale(
                n, seed=seed, progress=lambda done, total: bar.update(line, completed=done, total=total)
            )
    stdout().print(
        _(
            "Added %(contracts)s contracts (%(organisations)s further buyer organisations), %(submissions)s "
            "submissions with %(sites)s sites, %(requests)s information requests."
        )
        % {
            "contracts": count(added.contracts),
            "organisations": count(added.organisations),
            "submissions": count(added.submissions),
            "sites": count(added.sites),
            "requests": count(added.requests),
        },
        highlight=False,
        markup=False,
    )


SERVE_HELP = gettext_noop(
    "Serve the web application with a task worker beside it (development server; in production use gunicorn "
    "config.wsgi and run `hrdd tasks worker` as its own service)."
)


def serve(
    host: Annotated[str, typer.Option(help=gettext_noop("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=gettext_noop("Port to listen on."))] = 8000,
) -> None:
    django_setup()
    from django.core.management import call_command

    from hrdd.core.tasks import worker_beside

    with worker_beside() as worker:  # stopped when the server stops
        if worker is not None:
            stdout().print(
                _("Task worker started beside the server (process %(pid)s).") % {"pid": worker.pid},
                highlight=False,
                markup=False,
            )
        call_command("runserver", f"{host}:{port}", use_reloader=False)  # each page speaks its reader's


MANAGE_HELP = gettext_noop("Run a Django management command, e.g. `hrdd manage createsuperuser`.")


def manage(ctx: typer.Context) -> None:
    # also the task worker `hrdd serve` starts beside the server: its tasks run in the default language
    with site_language():
        from django.core.management import execute_from_command_line

        execute_from_command_line(["hrdd manage", *ctx.args])
