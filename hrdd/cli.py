"""The `hrdd` command (also `python -m hrdd`): thin; it parses, calls the domain or a service, and prints."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
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
risk_app = typer.Typer(help="Step 1: the human-rights risks of a product category.", no_args_is_help=True)
kb_app = typer.Typer(help="The knowledge base: sourced tables with their editions.", no_args_is_help=True)
app.add_typer(risk_app, name="risk")
app.add_typer(kb_app, name="kb")
tender_app = typer.Typer(
    help="Step 3: human-rights criteria and clauses, and bid evaluation.", no_args_is_help=True
)
app.add_typer(tender_app, name="tender")
contract_app = typer.Typer(help="Step 4: contract obligations, deadlines and KPIs.", no_args_is_help=True)
app.add_typer(contract_app, name="contract")

# soft_wrap: long messages and file names are never broken by inserted newlines.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

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
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True)
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


def _write(content: str | bytes, output: Path | None) -> None:
    if output is None:
        text = content if isinstance(content, str) else ""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        fail(f"{output}: cannot write the file ({exc.strerror or exc})")
    err.print(f"Wrote {output}")


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

    _write(blank_questionnaire(fw), output)


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


def _knowledge():  # type: ignore[no-untyped-def]
    django_setup()
    from hrdd.risks.selectors import knowledge_current

    return knowledge_current()


@risk_app.command("products")
def risk_products(as_json: JsonOpt = False) -> None:
    """List the product categories the knowledge base knows."""
    from hrdd.domain.risk import get_risk_method

    method = get_risk_method()
    products = _knowledge().products()
    if as_json:
        _print_json([{"id": p, "title": method.product_title(p)} for p in products])
        return
    for product in products:
        out.print(f"{product}\t{method.product_title(product)}", highlight=False)


RISK_FORMATS = ("json", "md", "docx", "xlsx")


@risk_app.command("assess")
def risk_assess(
    product: Annotated[str, typer.Argument(help="Product category id (see `hrdd risk products`).")],
    as_json: JsonOpt = False,
    fmt: Annotated[str, typer.Option("--format", help="json, md, docx or xlsx.")] = "",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    exclude_material: Annotated[list[str] | None, typer.Option(help="Leave out a raw material.")] = None,
    add_material: Annotated[list[str] | None, typer.Option(help="Add a raw material.")] = None,
    add_component: Annotated[
        list[str] | None,
        typer.Option(help="Add a component with its materials, e.g. 'battery pack: cobalt, lithium'."),
    ] = None,
    exclude_component: Annotated[list[str] | None, typer.Option(help="Leave out a component.")] = None,
    exclude_country: Annotated[list[str] | None, typer.Option(help="Leave out a country (ISO3).")] = None,
    manufacturing_country: Annotated[
        list[str] | None, typer.Option(help="A main manufacturing/assembly country (ISO3); repeatable.")
    ] = None,
) -> None:
    """Rate the human-rights risks of a product category: components, materials, countries, salient risks."""
    from hrdd.domain.risk import (
        Adjustments,
        InvalidAdjustment,
        UnknownProduct,
        assess_product_risk,
        get_risk_method,
    )

    fmt = "json" if as_json and not fmt else (fmt or ("" if output is None else output.suffix.lstrip(".")))
    if fmt and fmt not in RISK_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(RISK_FORMATS)}")
    if fmt in ("docx", "xlsx") and output is None:
        fail(f"--format {fmt} needs -o FILE")
    knowledge = _knowledge()
    from django.http import QueryDict

    from hrdd.risks import reports
    from hrdd.risks.forms import adjustments_from_query

    query = QueryDict(mutable=True)
    query.setlist("exclude_material", exclude_material or [])
    query.setlist("add_material", add_material or [])
    query.setlist("add_component", add_component or [])
    query.setlist("exclude_component", exclude_component or [])
    query.setlist("exclude_country", exclude_country or [])
    query.setlist("manufacturing_countries", manufacturing_country or [])
    try:
        adjustments: Adjustments = adjustments_from_query(query)
    except InvalidAdjustment as exc:
        option = {
            "add_component": "--add-component",
            "exclude_country": "--exclude-country",
            "manufacturing_countries": "--manufacturing-country",
        }
        fail(f"{option.get(exc.field, exc.field)}: {exc.message}")
    method = get_risk_method()
    try:
        assessment = assess_product_risk(product, knowledge, method, adjustments)
    except UnknownProduct as exc:
        fail(f"unknown product category {exc.product!r}; known product categories: {', '.join(exc.known)}")
    if fmt == "json":
        content: str | bytes = reports.to_json(assessment)
    elif fmt == "md":
        content = reports.to_markdown(assessment, method)
    elif fmt == "docx":
        content = reports.to_docx(assessment, method)
    elif fmt == "xlsx":
        content = reports.to_xlsx(assessment, method)
    else:
        _print_risk_table(assessment, method)
        return
    _write(content, output)


def _print_risk_table(assessment, method) -> None:  # type: ignore[no-untyped-def]
    out.print(f"[bold]{assessment.product_title}[/] ({assessment.method})")
    for component in assessment.components:
        out.print(f"  {component.name}: {', '.join(component.raw_materials)}", highlight=False)
    table = Table(title="Salient risks")
    for column in ("#", "risk", "stage", "material/factory", "country", "score"):
        table.add_column(column)
    for i, r in enumerate(assessment.salient(method.parameters.report_risks), start=1):
        table.add_row(
            str(i), r.category_title, r.stage, r.material or r.component or "", r.country_iso3, f"{r.score:g}"
        )
    out.print(table)


@risk_app.command("check")
def risk_check(
    document: Annotated[Path, typer.Argument(help="The supplier's risk assessment: DOCX, PDF or text.")],
    as_json: JsonOpt = False,
) -> None:
    """Check a supplier's risk assessment against the minimum contents of award criterion 1."""
    django_setup()
    from hrdd.domain.risk_check import check_risk_assessment
    from hrdd.risks.documents import DocumentError, extract_text

    if not document.is_file():
        fail(f"{document}: no such file")
    try:
        text = extract_text(document.name, document.read_bytes())
    except DocumentError as exc:
        fail(str(exc))
    result = check_risk_assessment(text)
    if as_json:
        _print_json(result.as_dict())
        return
    verdict = "meets" if result.meets_minimum else "does NOT meet"
    out.print(f"[bold]{document.name} {verdict} the minimum contents[/] ({result.source})")
    for requirement in result.requirements:
        mark = "ok" if requirement.met else "MISSING"
        out.print(f"  {requirement.name}: {requirement.found} found, {requirement.required} required: {mark}")
    for label, findings in (
        ("components", result.components),
        ("raw materials", result.raw_materials),
        ("countries", result.countries),
        ("risks", result.risks),
    ):
        out.print(f"[bold]{label}[/]: " + (", ".join(f.id for f in findings) or "none"), highlight=False)


@kb_app.command("status")
def kb_status(as_json: JsonOpt = False) -> None:
    """List each knowledge table: edition, row count, years and sources."""
    statuses = _knowledge().status()
    if as_json:
        _print_json(
            [
                {
                    "table": s.name,
                    "title": s.title,
                    "edition": s.edition,
                    "rows": s.rows,
                    "years": list(s.years),
                    "sources": list(s.sources),
                }
                for s in statuses
            ]
        )
        return
    table = Table(title="Knowledge base")
    for column in ("table", "edition", "rows", "years", "sources"):
        table.add_column(column)
    for s in statuses:
        table.add_row(
            s.name, s.edition, str(s.rows), ", ".join(s.years), "\n".join(x[:100] for x in s.sources[:4])
        )
    out.print(table)


@kb_app.command("import")
def kb_import(
    table: Annotated[str, typer.Argument(help="Table name (see `hrdd kb status`).")],
    file: Annotated[
        Path, typer.Argument(help="CSV file with the table's columns, a source and year per row.")
    ],
    label: Annotated[str, typer.Option(help="Name of the edition, e.g. 'USGS MCS 2025'.")] = "",
) -> None:
    """Load a newer edition of a knowledge table; a malformed file is refused and nothing is stored."""
    django_setup()
    from django.core.management import call_command

    from hrdd.domain.knowledge import KnowledgeError
    from hrdd.risks.services import knowledge_import

    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text")
    call_command("migrate", interactive=False, verbosity=0)
    try:
        edition = knowledge_import(table=table, csv_text=text, label=label or file.name)
    except KnowledgeError as exc:
        fail(f"{file}: {exc}")
    out.print(
        f"Imported {edition.row_count} rows into {table} as edition {edition.label!r}; it is now active."
    )


TENDER_FORMATS = ("md", "docx", "html", "json", "ocds")


@tender_app.command("build")
def tender_build(
    scenario: Annotated[
        int, typer.Option("--scenario", help="1 (low), 2 (medium) or 3 (high market maturity).")
    ],
    months: Annotated[
        int | None, typer.Option(help="Months after award for the risk assessment (CC1).")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, docx, html, json or ocds.")] = "md",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file.")] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option(help="A weight as CRITERION=NUMBER, e.g. price=60 or AC3=20; repeatable."),
    ] = None,
    no_label: Annotated[
        bool, typer.Option("--no-label", help="Leave out the baseline label requirement.")
    ] = False,
    title: Annotated[str, typer.Option(help="Title of the annex.")] = "",
) -> None:
    """Write the tender's human-rights annex for a scenario: baseline, criteria, clauses, KPIs, legal basis."""
    django_setup()
    from hrdd.domain.tender import TenderInputError, build_tender, get_tender_framework
    from hrdd.tenders import documents

    if fmt not in TENDER_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(TENDER_FORMATS)}")
    if fmt == "docx" and output is None:
        fail("--format docx needs -o FILE")
    weights: dict[str, float] = {}
    for item in weight or []:
        key, sep, value = item.partition("=")
        try:
            weights[key.strip()] = float(value)
        except ValueError:
            fail(f"--weight {item!r}: write CRITERION=NUMBER, e.g. AC3=20")
        if not sep:
            fail(f"--weight {item!r}: write CRITERION=NUMBER, e.g. AC3=20")
    try:
        annex = build_tender(
            scenario=scenario,
            framework=get_tender_framework(),
            months=months,
            weights=weights or None,
            require_label=not no_label,
        )
    except TenderInputError as exc:
        fail(str(exc))
    if fmt == "docx":
        content: str | bytes = documents.annex_docx(annex, title=title)
    elif fmt == "html":
        content = documents.annex_html(annex, title=title)
    elif fmt == "json":
        content = documents.annex_json(annex)
    elif fmt == "ocds":
        content = json.dumps(documents.annex_ocds(annex, title=title), indent=2, ensure_ascii=False)
    else:
        content = documents.annex_markdown(annex, title=title)
    _write(content, output)


@tender_app.command("evaluate")
def tender_evaluate(
    file: Annotated[Path, typer.Argument(help="JSON: {scenario, weights, require_label, bids: [...]}")],
    as_json: JsonOpt = False,
    fmt: Annotated[str, typer.Option("--format", help="json, docx or xlsx (docx and xlsx need -o).")] = "",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the report to this file.")
    ] = None,
) -> None:
    """Score bids on the scenario's criteria: admission, fractions with reasons, points, totals, ranks."""
    django_setup()
    from hrdd.domain.tender import TenderInputError, evaluate_bids, get_tender_framework, number_text
    from hrdd.tenders import documents

    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        request = json.loads(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        fail(f"{file}: not UTF-8 text")
    except json.JSONDecodeError as exc:
        fail(f"{file}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")
    try:
        evaluation = evaluate_bids(request, get_tender_framework())
    except TenderInputError as exc:
        fail(f"{file}: {exc}")
    fmt = fmt or ("json" if as_json else (output.suffix.lstrip(".") if output else ""))
    if fmt in ("docx", "xlsx"):
        if output is None:
            fail(f"--format {fmt} needs -o FILE")
        body = (
            documents.evaluation_docx(evaluation) if fmt == "docx" else documents.evaluation_xlsx(evaluation)
        )
        _write(body, output)
        return
    if fmt == "json":
        _write(json.dumps(evaluation.as_dict(), indent=2, ensure_ascii=False), output)
        return
    if fmt:
        fail(f"--format: {fmt!r} is not one of json, docx, xlsx")
    table = Table(title=f"Scenario {evaluation.scenario}: evaluation")
    for column in ("rank", "bidder", "price", "admitted", "total", "notes"):
        table.add_column(column)
    for b in sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder)):
        notes = "; ".join(r for r in b.reasons if not r.startswith("admitted"))
        table.add_row(
            str(b.rank or "-"),
            b.bidder,
            number_text(b.price),
            "yes" if b.admitted else "no",
            number_text(b.total) if b.total is not None else "-",
            notes,
        )
    out.print(table)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)")


@contract_app.command("schedule")
def contract_schedule(
    scenario: Annotated[int, typer.Option("--scenario", help="1, 2 or 3.")],
    award: Annotated[str, typer.Option("--award", help="Award date, YYYY-MM-DD.")],
    start: Annotated[str, typer.Option("--start", help="Contract start date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Contract end date, YYYY-MM-DD.")],
    months: Annotated[
        int | None, typer.Option(help="Months after award for the risk assessment (CC1).")
    ] = None,
    first_delivery: Annotated[
        str | None, typer.Option("--first-delivery", help="First delivery, YYYY-MM-DD.")
    ] = None,
    risk_assessment_in_tender: Annotated[
        bool,
        typer.Option(
            "--risk-assessment-in-tender", help="The risk assessment was given in the tender: no CC1."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List a contract's obligations and their due dates, derived from its scenario's clauses."""
    from hrdd.domain.contracts import schedule_obligations
    from hrdd.domain.tender import TenderInputError, get_tender_framework

    try:
        obligations = schedule_obligations(
            scenario=scenario,
            award=_date(award, "--award"),
            start=_date(start, "--start"),
            end=_date(end, "--end"),
            framework=get_tender_framework(),
            months=months,
            first_delivery=_date(first_delivery, "--first-delivery") if first_delivery is not None else None,
            risk_assessment_in_tender=risk_assessment_in_tender,
        )
    except TenderInputError as exc:
        option = {"first_delivery": "--first-delivery"}.get(exc.field, f"--{exc.field}") if exc.field else ""
        fail(str(exc).replace(f"{exc.field}:", f"{option}:", 1) if option else str(exc))
    if as_json:
        _print_json([o.as_dict() for o in obligations])
        return
    table = Table(title=f"Obligations, scenario {scenario}")
    for column in ("due", "clause", "title", "why this date"):
        table.add_column(column)
    for o in obligations:
        table.add_row(o.due.isoformat(), o.clause, o.title, o.reason)
    out.print(table)


@app.command("remind")
def remind(
    today: Annotated[str | None, typer.Option(help="Pretend today is this date (YYYY-MM-DD).")] = None,
) -> None:
    """Send the reminder e-mails due today, before and after each deadline; safe to run twice (schedule it daily)."""
    day = _date(today, "--today") if today else None
    django_setup()
    from hrdd.contracts.services import reminders_send

    sent = reminders_send(today=day)
    for obligation, key in sent:
        out.print(
            f"sent {key}: {obligation.contract} {obligation.clause} due {obligation.due_date}",
            highlight=False,
        )
    out.print(f"{len(sent)} reminder(s) sent")


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
