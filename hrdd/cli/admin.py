"""Running an installation: `hrdd migrate`, `hrdd demo`, `hrdd serve` and `hrdd manage`."""

from __future__ import annotations

from typing import Annotated

import typer

from hrdd.cli.common import django_setup, stderr, stdout


def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def demo(
    scale: Annotated[
        int,
        typer.Option(
            help="Also add this many contracts (obligations, submissions, site lists) to the demo organisation "
            "and N/10 further buyer organisations with 10 contracts each, for load tests; again adds more.",
            min=0,
        ),
    ] = 0,
    seed: Annotated[
        int, typer.Option(help="Seed of the --scale data (the same seed adds the same data).")
    ] = 2025,
) -> None:
    """Load the demo: a municipality buying notebooks (its four steps) and a mineral trader running a
    responsible-sourcing programme (idempotent)."""
    django_setup()
    from django.core.management import call_command

    from hrdd.demo import DEMO_PASSWORD, load_demo
    from hrdd.demo_sourcing import TRADER, load_sourcing_demo

    call_command("migrate", interactive=False, verbosity=0)
    result = load_demo()
    trader = load_sourcing_demo(password=DEMO_PASSWORD)
    out = stdout()
    out.print(f"Demo data {'loaded' if result.created or trader.created else 'already present'}.")
    if scale:
        _demo_scale(scale, seed)
    out.print(
        f"Log in at {result.base_url}/login/ as [bold]{result.login}[/] with password [bold]{DEMO_PASSWORD}[/]"
    )
    out.print(
        f"The company side (a mineral trader, {TRADER}): log in as [bold]{trader.login}[/], same password.",
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
        line = bar.add_task("Adding contracts", total=None)
        added = load_scale(
            n, seed=seed, progress=lambda done, total: bar.update(line, completed=done, total=total)
        )
    stdout().print(
        f"Added {added.contracts:,} contracts ({added.organisations:,} further buyer organisations), "
        f"{added.submissions:,} submissions with {added.sites:,} sites, {added.requests:,} information requests.",
        highlight=False,
    )


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web application with a task worker beside it (development server; in production use gunicorn
    config.wsgi and run `hrdd tasks worker` as its own service)."""
    django_setup()
    from django.core.management import call_command

    from hrdd.core.tasks import worker_beside

    with worker_beside() as worker:  # stopped when the server stops
        if worker is not None:
            stdout().print(f"Task worker started beside the server (process {worker.pid}).", highlight=False)
        call_command("runserver", f"{host}:{port}", use_reloader=False)


def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `hrdd manage createsuperuser`."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hrdd manage", *ctx.args])
