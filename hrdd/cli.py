"""The `hrdd` command (also `python -m hrdd`): thin; it parses, calls the domain or a service, and prints."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from hrdd.domain.maturity import (
    InvalidResponse,
    MarketAssessment,
    NoRespondents,
    ResponseScore,
    assess_market,
    score_raw_response,
)
from hrdd.domain.questionnaire_framework import (
    DEFAULT_FRAMEWORK_ID,
    FrameworkError,
    QuestionnaireFramework,
    get_framework,
    load_framework_file,
)

app = typer.Typer(help="hrdd: human-rights due diligence for ICT procurement.", no_args_is_help=True)
questionnaire_app = typer.Typer(help="The supplier questionnaire and its scoring.", no_args_is_help=True)
market_app = typer.Typer(
    help="The market's maturity and the tender scenario it supports.", no_args_is_help=True
)
framework_app = typer.Typer(help="Framework files (questionnaires as data).", no_args_is_help=True)
app.add_typer(questionnaire_app, name="questionnaire")
app.add_typer(market_app, name="market")
app.add_typer(framework_app, name="framework")

out = Console()
err = Console(stderr=True)

FilesArg = Annotated[
    list[Path], typer.Argument(help="JSON files (one response or a list) or filled XLSX files.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
FrameworkOpt = Annotated[
    str, typer.Option("--framework", help="Questionnaire framework id, or a path to a framework YAML file.")
]


class InputError(Exception):
    """Bad input on the command line: printed without a traceback, exit status 2."""


def fail(message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False, markup=True)
    raise typer.Exit(code=2)


def django_setup() -> None:
    """Configure Django for commands that use the database, templates or translations."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _framework(spec: str) -> QuestionnaireFramework:
    try:
        if spec.endswith((".yaml", ".yml")) or os.sep in spec:
            return load_framework_file(Path(spec))
        return get_framework(spec)
    except FrameworkError as exc:
        raise InputError(str(exc)) from exc


def _read_responses(paths: list[Path], framework: QuestionnaireFramework) -> list[tuple[str, Any]]:
    """Return (label, raw response) for every response in the files, in input order."""
    responses: list[tuple[str, Any]] = []
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.suffix.lower() == ".xlsx":
            django_setup()
            from hrdd.consultations.spreadsheets import SpreadsheetError, read_filled_questionnaire

            try:
                with path.open("rb") as stream:
                    filled = read_filled_questionnaire(stream, framework)
            except SpreadsheetError as exc:
                raise InputError(f"{path}: {exc}") from exc
            responses.append((str(path), filled.raw_response))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text") from exc
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
        if isinstance(data, list):
            if not data:
                raise InputError(f"{path}: the list holds no response")
            responses.extend((f"{path}: response {i + 1}", item) for i, item in enumerate(data))
        else:
            responses.append((str(path), data))
    return responses


def _score(paths: list[Path], framework: QuestionnaireFramework) -> list[ResponseScore]:
    scores = []
    for label, raw in _read_responses(paths, framework):
        try:
            scores.append(score_raw_response(raw, framework))
        except InvalidResponse as exc:
            company = raw.get("company") if isinstance(raw, dict) else None
            who = f" ({company})" if isinstance(company, str) and company.strip() else ""
            raise InputError(f"{label}{who}: " + "; ".join(str(e) for e in exc.errors)) from exc
    return scores


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@questionnaire_app.command("score")
def questionnaire_score(
    files: FilesArg, as_json: JsonOpt = False, framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID
) -> None:
    """Score supplier questionnaire responses (Annex 2b): scores, levels, overall maturity, warnings."""
    try:
        fw = _framework(framework)
        scores = _score(files, fw)
    except InputError as exc:
        fail(str(exc))
    if as_json:
        _print_json([s.as_dict() for s in scores])
        return
    table = Table(title=f"Supplier maturity ({fw.id} {fw.version})")
    for column in ("company", "role", "awareness", "policies", "actions", "overall", "warnings"):
        table.add_column(column)
    for s in scores:
        table.add_row(
            s.company,
            s.role,
            f"{s.scores['awareness']:g} {s.levels['awareness']}",
            f"{s.scores['policies']:g} {s.levels['policies']}",
            f"{s.scores['actions']:g} {s.levels['actions']}",
            s.overall,
            "\n".join(s.warnings),
        )
    out.print(table)


@market_app.command("assess")
def market_assess(
    files: FilesArg, as_json: JsonOpt = False, framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID
) -> None:
    """Assess the market's maturity from responses and recommend tender scenario 1, 2 or 3."""
    try:
        fw = _framework(framework)
        assessment: MarketAssessment = assess_market(_score(files, fw), fw)
    except InputError as exc:
        fail(str(exc))
    except NoRespondents as exc:
        fail(str(exc))
    if as_json:
        _print_json(assessment.as_dict())
        return
    table = Table(title=f"Market maturity: {assessment.respondents} respondents")
    table.add_column("")
    for level in fw.levels:
        table.add_column(level, justify="right")
    for name, counts in assessment.distribution.items():
        table.add_row(name, *(str(counts[level]) for level in fw.levels))
    out.print(table)
    out.print(f"[bold]Recommended: {assessment.recommended_title}[/]")
    out.print(assessment.explanation, highlight=False)


@questionnaire_app.command("blank")
def questionnaire_blank(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the XLSX file.")],
    framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID,
) -> None:
    """Write the blank questionnaire as an XLSX workbook for suppliers to fill in."""
    try:
        fw = _framework(framework)
    except InputError as exc:
        fail(str(exc))
    django_setup()
    from hrdd.consultations.spreadsheets import blank_questionnaire

    try:
        output.write_bytes(blank_questionnaire(fw))
    except OSError as exc:
        fail(f"{output}: cannot write the file ({exc.strerror or exc})")
    out.print(f"Wrote {output}")


@framework_app.command("check")
def framework_check(path: Annotated[Path, typer.Argument(help="A framework YAML file.")]) -> None:
    """Validate a framework YAML file; print what it holds."""
    try:
        fw = load_framework_file(path)
    except FrameworkError as exc:
        fail(str(exc))
    out.print(
        f"{fw.id} {fw.version}: {len(fw.questions)} questions, {len(fw.dimensions)} dimensions, "
        f"{len(fw.roles)} roles. Valid."
    )


@app.command("migrate")
def migrate() -> None:
    """Create or update the database tables."""
    django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command("demo")
def demo() -> None:
    """Load the demo organisation, users and a notebook consultation with eight responses (idempotent)."""
    django_setup()
    from django.core.management import call_command

    from hrdd.demo import DEMO_PASSWORD, load_demo

    call_command("migrate", interactive=False, verbosity=0)
    result = load_demo()
    out.print(f"Demo data {'loaded' if result.created else 'already present'}.")
    out.print(
        f"Log in at {result.base_url}/login/ as [bold]{result.login}[/] with password [bold]{DEMO_PASSWORD}[/]"
    )


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve the web application (development server; use gunicorn config.wsgi in production)."""
    django_setup()
    from django.core.management import call_command

    call_command("runserver", f"{host}:{port}", use_reloader=False)


@app.command(
    "manage",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def manage(ctx: typer.Context) -> None:
    """Run a Django management command, e.g. `hrdd manage createsuperuser`."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hrdd manage", *ctx.args])


def main() -> None:
    """Entry point of the `hrdd` console script."""
    app()


if __name__ == "__main__":
    main()
