"""Step 2 on the command line: `hrdd questionnaire`, `hrdd market` and `hrdd framework`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hrdd.cli.common import JsonOpt, django_setup, print_json, stdout, write_output
from hrdd.core.errors import InputError

# The domain's questionnaire modules (pydantic, YAML) are imported by the commands that score or read
# questionnaires, not by `hrdd --help` (issue 9: start-up time).
if TYPE_CHECKING:
    from hrdd.domain.maturity import ResponseScore
    from hrdd.domain.questionnaire_framework import QuestionnaireFramework

# hrdd.domain.questionnaire_framework.DEFAULT_FRAMEWORK_ID, written here so that the option's default costs no
# import (tests/app/test_cli_startup.py checks that both say the same).
DEFAULT_FRAMEWORK_ID = "cfit-2025"

questionnaire_app = typer.Typer(help="The supplier questionnaire and its scoring.", no_args_is_help=True)
market_app = typer.Typer(
    help="The market's maturity and the tender scenario it supports.", no_args_is_help=True
)
framework_app = typer.Typer(help="Framework files (questionnaires as data).", no_args_is_help=True)

FilesArg = Annotated[
    list[Path], typer.Argument(help="JSON files (one response or a list) or filled XLSX files.")
]
FrameworkOpt = Annotated[
    str, typer.Option("--framework", help="Questionnaire framework id, or a path to a framework YAML file.")
]


def _framework(spec: str) -> QuestionnaireFramework:
    from hrdd.domain.questionnaire_framework import FrameworkError, get_framework, load_framework_file

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
    from hrdd.domain.maturity import InvalidResponse, score_raw_response

    scores = []
    for label, raw in _read_responses(paths, framework):
        try:
            scores.append(score_raw_response(raw, framework))
        except InvalidResponse as exc:
            company = raw.get("company") if isinstance(raw, dict) else None
            who = f" ({company})" if isinstance(company, str) and company.strip() else ""
            raise InputError(f"{label}{who}: " + "; ".join(str(e) for e in exc.errors)) from exc
    return scores


@questionnaire_app.command("score")
def questionnaire_score(
    files: FilesArg, as_json: JsonOpt = False, framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID
) -> None:
    """Score supplier questionnaire responses (Annex 2b): scores, levels, overall maturity, warnings."""
    from rich.table import Table

    fw = _framework(framework)
    scores = _score(files, fw)
    if as_json:
        print_json([s.as_dict() for s in scores])
        return
    # one column per dimension of the framework in use: its own ids, whatever they are
    dimensions = [d.id for d in fw.dimensions]
    table = Table(title=f"Supplier maturity ({fw.id} {fw.version})")
    for column in ("company", "role", *dimensions, "overall", "warnings"):
        table.add_column(column)
    for s in scores:
        table.add_row(
            s.company,
            s.role,
            *(f"{s.scores[d]:g} {s.levels[d]}" for d in dimensions),
            s.overall,
            "\n".join(s.warnings),
        )
    stdout().print(table)


@market_app.command("assess")
def market_assess(
    files: FilesArg, as_json: JsonOpt = False, framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID
) -> None:
    """Assess the market's maturity from responses and recommend tender scenario 1, 2 or 3."""
    from rich.table import Table

    from hrdd.domain.maturity import MarketAssessment, NoRespondents, assess_market

    fw = _framework(framework)
    try:
        assessment: MarketAssessment = assess_market(_score(files, fw), fw)
    except NoRespondents as exc:
        raise InputError(str(exc)) from exc
    if as_json:
        print_json(assessment.as_dict())
        return
    table = Table(title=f"Market maturity: {assessment.respondents} respondents")
    table.add_column("")
    for level in fw.levels:
        table.add_column(level, justify="right")
    for name, counts in assessment.distribution.items():
        table.add_row(name, *(str(counts[level]) for level in fw.levels))
    out = stdout()
    out.print(table)
    out.print(f"[bold]Recommended: {assessment.recommended_title}[/]")
    out.print(assessment.explanation, highlight=False)


@questionnaire_app.command("blank")
def questionnaire_blank(
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the XLSX file.")],
    framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID,
) -> None:
    """Write the blank questionnaire as an XLSX workbook for suppliers to fill in."""
    fw = _framework(framework)
    django_setup()
    from hrdd.consultations.spreadsheets import blank_questionnaire

    write_output(blank_questionnaire(fw), output)


@framework_app.command("check")
def framework_check(path: Annotated[Path, typer.Argument(help="A framework YAML file.")]) -> None:
    """Validate a framework YAML file; print what it holds."""
    from hrdd.domain.questionnaire_framework import FrameworkError, load_framework_file

    try:
        fw = load_framework_file(path)
    except FrameworkError as exc:
        raise InputError(str(exc)) from exc
    stdout().print(
        f"{fw.id} {fw.version}: {len(fw.questions)} questions, {len(fw.dimensions)} dimensions, "
        f"{len(fw.roles)} roles. Valid."
    )


@framework_app.command("translations")
def framework_translations(
    language: Annotated[
        str | None, typer.Option("--language", help="nl, fr or de (all three when left out).")
    ] = None,
) -> None:
    """Say which texts of the shipped frameworks have no translation (hrdd/frameworks/translations/<language>.yaml);
    exits 1 when some are missing."""
    from hrdd.domain.framework_texts import LANGUAGES, completeness, missing_translations

    if language is not None and language not in LANGUAGES:
        raise InputError(f"--language: {language!r} is not one of {', '.join(LANGUAGES)}")
    out = stdout()
    incomplete = False
    for code in [language] if language else list(LANGUAGES):
        done, total = completeness(code)
        out.print(f"{code}: {done} of {total} framework texts translated")
        for name, texts in missing_translations(code).items():
            incomplete = True
            for text in texts:
                out.print(f"  {name}: {text[:100]}")
    if incomplete:
        raise typer.Exit(1)
