"""Step 2 on the command line: `hrdd questionnaire`, `hrdd market` and `hrdd framework`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from hrdd.cli.common import JsonOpt, django_setup, localize, number, print_json, stdout, write_output
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

# The domain's questionnaire modules (pydantic, YAML) are imported by the commands that score or read
# questionnaires, not by `hrdd --help` (issue 9: start-up time).
if TYPE_CHECKING:
    from hrdd.domain.maturity import ResponseScore
    from hrdd.domain.questionnaire_framework import QuestionnaireFramework

# hrdd.domain.questionnaire_framework.DEFAULT_FRAMEWORK_ID, written here so that the option's default costs no
# import (tests/app/test_cli_startup.py checks that both say the same).
DEFAULT_FRAMEWORK_ID = "cfit-2025"

questionnaire_app = typer.Typer(
    help=gettext_noop("The supplier questionnaire and its scoring."), no_args_is_help=True
)
market_app = typer.Typer(
    help=gettext_noop("The market's maturity and the tender scenario it supports."), no_args_is_help=True
)
framework_app = typer.Typer(
    help=gettext_noop("Framework files (questionnaires as data)."), no_args_is_help=True
)

FilesArg = Annotated[
    list[Path],
    typer.Argument(help=gettext_noop("JSON files (one response or a list) or filled XLSX files.")),
]
FrameworkOpt = Annotated[
    str,
    typer.Option(
        "--framework", help=gettext_noop("Questionnaire framework id, or a path to a framework YAML file.")
    ),
]


def _word(value: str) -> str:
    """A level or a role (an English word id, or a framework's own) in the reader's language."""
    from hrdd.domain.labels import word_of

    return str(localize(word_of(value)))


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
            raise InputError(_("%(file)s: no such file") % {"file": path})
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
            raise InputError(_("%(file)s: not UTF-8 text") % {"file": path}) from exc
        except RecursionError as exc:  # arrays or objects nested thousands deep
            raise InputError(
                _("%(file)s: the JSON nests lists or objects too deeply") % {"file": path}
            ) from exc
        except json.JSONDecodeError as exc:
            raise InputError(
                _("%(file)s: malformed JSON at line %(line)s, column %(column)s: %(problem)s")
                % {"file": path, "line": exc.lineno, "column": exc.colno, "problem": exc.msg}
            ) from exc
        if isinstance(data, list):
            if not data:
                raise InputError(_("%(file)s: the list holds no response") % {"file": path})
            responses.extend(
                (_("%(file)s: response %(number)s") % {"file": path, "number": i + 1}, item)
                for i, item in enumerate(data)
            )
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
            raise InputError(f"{label}{who}: " + "; ".join(str(localize(e)) for e in exc.errors)) from exc
    return scores


@questionnaire_app.command(
    "score",
    help=gettext_noop(
        "Score supplier questionnaire responses (Annex 2b): scores, levels, overall maturity, warnings."
    ),
)
def questionnaire_score(
    files: FilesArg, as_json: JsonOpt = False, framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID
) -> None:
    from rich.table import Table

    fw = _framework(framework)
    scores = _score(files, fw)
    if as_json:
        print_json([s.as_dict() for s in scores])
        return
    # one column per dimension of the framework in use: its own ids, whatever they are
    dimensions = [d.id for d in fw.dimensions]
    table = Table(
        title=escape(_("Supplier maturity (%(framework)s)") % {"framework": f"{fw.id} {fw.version}"})
    )
    for column in (_("company"), _("role"), *dimensions, _("overall"), _("warnings")):
        table.add_column(column)
    for s in scores:
        table.add_row(
            escape(s.company),
            escape(_word(s.role)),
            *(escape(f"{number(s.scores[d])} {_word(s.levels[d])}") for d in dimensions),
            escape(_word(s.overall)),
            escape("\n".join(str(localize(w)) for w in s.warnings)),
        )
    stdout().print(table)


@market_app.command(
    "assess",
    help=gettext_noop("Assess the market's maturity from responses and recommend tender scenario 1, 2 or 3."),
)
def market_assess(
    files: FilesArg, as_json: JsonOpt = False, framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID
) -> None:
    from rich.table import Table

    from hrdd.domain.maturity import MarketAssessment, NoRespondents, assess_market

    fw = _framework(framework)
    try:
        assessment: MarketAssessment = assess_market(_score(files, fw), fw)
    except NoRespondents as exc:
        raise InputError(str(localize(exc.args[0]) if exc.args else exc)) from exc
    if as_json:
        print_json(assessment.as_dict())
        return
    table = Table(
        title=escape(
            _("Market maturity: %(respondents)s respondents") % {"respondents": assessment.respondents}
        )
    )
    table.add_column("")
    for level in fw.levels:
        table.add_column(escape(_word(level)), justify="right")
    for name, counts in assessment.distribution.items():
        table.add_row(
            escape(_("overall") if name == "overall" else name), *(str(counts[level]) for level in fw.levels)
        )
    out = stdout()
    out.print(table)
    recommended = _("Recommended: %(scenario)s") % {"scenario": localize(assessment.recommended_title)}
    out.print(f"[bold]{escape(recommended)}[/]")
    out.print(localize(assessment.explanation), highlight=False, markup=False)


@questionnaire_app.command(
    "blank", help=gettext_noop("Write the blank questionnaire as an XLSX workbook for suppliers to fill in.")
)
def questionnaire_blank(
    output: Annotated[
        Path, typer.Option("-o", "--output", help=gettext_noop("Where to write the XLSX file."))
    ],
    framework: FrameworkOpt = DEFAULT_FRAMEWORK_ID,
) -> None:
    fw = _framework(framework)
    django_setup()
    from hrdd.consultations.spreadsheets import blank_questionnaire

    write_output(blank_questionnaire(fw), output)


@framework_app.command("check", help=gettext_noop("Validate a framework YAML file; print what it holds."))
def framework_check(
    path: Annotated[Path, typer.Argument(help=gettext_noop("A framework YAML file."))],
) -> None:
    from hrdd.domain.questionnaire_framework import FrameworkError, load_framework_file

    try:
        fw = load_framework_file(path)
    except FrameworkError as exc:
        raise InputError(str(exc)) from exc
    stdout().print(
        _("%(framework)s: %(questions)s questions, %(dimensions)s dimensions, %(roles)s roles. Valid.")
        % {
            "framework": f"{fw.id} {fw.version}",
            "questions": len(fw.questions),
            "dimensions": len(fw.dimensions),
            "roles": len(fw.roles),
        },
        markup=False,
    )


@framework_app.command(
    "translations",
    help=gettext_noop(
        "Say which texts of the shipped frameworks have no translation "
        "(hrdd/frameworks/translations/<language>.yaml); exits 1 when some are missing."
    ),
)
def framework_translations(
    language: Annotated[
        str | None,
        typer.Option("--language", help=gettext_noop("nl, fr or de (all three when left out).")),
    ] = None,
) -> None:
    from hrdd.domain.framework_texts import LANGUAGES, completeness, missing_translations

    if language is not None and language not in LANGUAGES:
        raise InputError(
            _("%(value)r is not one of %(choices)s") % {"value": language, "choices": ", ".join(LANGUAGES)},
            field="--language",
        )
    out = stdout()
    incomplete = False
    for code in [language] if language else list(LANGUAGES):
        done, total = completeness(code)
        out.print(
            _("%(language)s: %(done)s of %(total)s framework texts translated")
            % {"language": code, "done": done, "total": total},
            markup=False,
        )
        for name, texts in missing_translations(code).items():
            incomplete = True
            for text in texts:
                out.print(f"  {name}: {text[:100]}", markup=False)
    if incomplete:
        raise typer.Exit(1)
