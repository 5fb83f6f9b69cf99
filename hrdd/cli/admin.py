"""Running an installation: `hrdd migrate`, `hrdd demo`, `hrdd serve` and `hrdd manage`."""

from __future__ import annotations

from typing import Annotated

import typer

from hrdd.cli.common import django_setup, stdout


def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def demo() -> None:
    """Load the demo organisation, users and a notebook consultation with eight responses (idempotent)."""
    django_setup()
    from django.core.management import call_command

    from hrdd.demo import DEMO_PASSWORD, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    result = load_demo()
    out = stdout()
    out.print(f"Demo data {'loaded' if result.created else 'already present'}.")
    out.print(
        f"Log in at {result.base_url}/login/ as [bold]{result.login}[/] with password [bold]{DEMO_PASSWORD}[/]"
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
