"""Step 1 on the command line: `hrdd risk` (a product category's risks) and `hrdd kb` (the knowledge base)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from hrdd.cli.common import (
    JsonOpt,
    database_has_rows,
    django_ready,
    django_setup,
    print_json,
    stdout,
    write_output,
)
from hrdd.core.errors import InputError

if TYPE_CHECKING:
    from hrdd.domain.document_check import DocumentCheck
    from hrdd.domain.knowledge import KnowledgeBase
    from hrdd.domain.risk import RiskAssessment, RiskMethod
    from hrdd.domain.risk_check import RiskAssessmentCheck

risk_app = typer.Typer(help="Step 1: the human-rights risks of a product category.", no_args_is_help=True)
kb_app = typer.Typer(help="The knowledge base: sourced tables with their editions.", no_args_is_help=True)

RISK_FORMATS = ("json", "md", "docx", "xlsx")
# the form fields an adjustment error names, as the options a user typed
ADJUSTMENT_OPTIONS = {
    "add_component": "--add-component",
    "exclude_country": "--exclude-country",
    "manufacturing_countries": "--manufacturing-country",
}


# Whether an imported knowledge-base edition is active: a query on hrdd.risks.models.KnowledgeEdition's table (a
# test holds the table name and the model's equal).
ACTIVE_EDITION_QUERY = "SELECT 1 FROM risks_knowledgeedition WHERE is_active LIMIT 1"


def _shipped_knowledge_unless_imported() -> KnowledgeBase | None:
    """The shipped knowledge base when the database holds no active imported edition, told by one query without
    starting Django (issue 9: `hrdd risk assess --json` under 0.5 s); None when Django must decide."""
    if django_ready():
        return None
    if database_has_rows(ACTIVE_EDITION_QUERY) is False:
        from hrdd.domain.knowledge import shipped_knowledge

        return shipped_knowledge()
    return None


def _knowledge() -> KnowledgeBase:
    django_setup()
    from hrdd.risks.selectors import knowledge_current

    return knowledge_current()


@risk_app.command("products")
def risk_products(as_json: JsonOpt = False) -> None:
    """List the product categories the knowledge base knows."""
    from hrdd.domain.risk import get_risk_method

    method = get_risk_method()
    products = (_shipped_knowledge_unless_imported() or _knowledge()).products()
    if as_json:
        print_json([{"id": p, "title": method.product_title(p)} for p in products])
        return
    out = stdout()
    for product in products:
        out.print(f"{product}\t{method.product_title(product)}", highlight=False)


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
        assessment_json,
        get_risk_method,
    )
    from hrdd.domain.risk_adjustments import parse_adjustments

    fmt = "json" if as_json and not fmt else (fmt or ("" if output is None else output.suffix.lstrip(".")))
    if fmt and fmt not in RISK_FORMATS:
        raise InputError(f"{fmt!r} is not one of {', '.join(RISK_FORMATS)}", field="--format")
    if fmt in ("docx", "xlsx") and output is None:
        raise InputError(f"--format {fmt} needs -o FILE")
    # JSON and the table need neither Django nor translations: when no imported edition replaces the shipped
    # knowledge base, the product is rated without starting Django.
    knowledge = (_shipped_knowledge_unless_imported() if fmt in ("json", "") else None) or _knowledge()
    options = {
        "exclude_material": exclude_material,
        "add_material": add_material,
        "add_component": add_component,
        "exclude_component": exclude_component,
        "exclude_country": exclude_country,
        "manufacturing_countries": manufacturing_country,
    }
    try:
        adjustments: Adjustments = parse_adjustments(lambda field: list(options.get(field) or ()))
    except InvalidAdjustment as exc:
        raise InputError(exc.message, field=ADJUSTMENT_OPTIONS.get(exc.field, exc.field)) from exc
    method = get_risk_method()
    try:
        assessment = assess_product_risk(product, knowledge, method, adjustments)
    except UnknownProduct as exc:
        raise InputError(
            f"unknown product category {exc.product!r}; known product categories: {', '.join(exc.known)}"
        ) from exc
    if fmt == "json":
        content: str | bytes = assessment_json(assessment)
    elif fmt in ("md", "docx", "xlsx"):
        content = _document(fmt, assessment, method)
    else:
        _print_risk_table(assessment, method)
        return
    write_output(content, output)


def _document(fmt: str, assessment: RiskAssessment, method: RiskMethod) -> str | bytes:
    """The assessment as Markdown, DOCX or XLSX (their texts are translated: Django is set up by then)."""
    from hrdd.risks import reports

    writers = {"md": reports.to_markdown, "docx": reports.to_docx, "xlsx": reports.to_xlsx}
    return writers[fmt](assessment, method)


def _print_risk_table(assessment: RiskAssessment, method: RiskMethod) -> None:
    out = stdout()
    out.print(f"[bold]{assessment.product_title}[/] ({assessment.method})")
    for component in assessment.components:
        out.print(f"  {component.name}: {', '.join(component.raw_materials)}", highlight=False)
    table = Table(title="Salient risks")
    for column in ("#", "risk", "stage", "material/factory", "country", "score"):
        table.add_column(column)
    for i, r in enumerate(assessment.salient(method.parameters.report_risks), start=1):
        table.add_row(
            str(i),
            r.category_title,
            method.stage_title(r.stage),
            r.material or r.component or "",
            r.country_iso3,
            f"{r.score:g}",
        )
    out.print(table)


@risk_app.command("check")
def risk_check(
    document: Annotated[Path, typer.Argument(help="The supplier's document: DOCX, PDF or text.")],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="What the document is: risk-assessment (award criterion 1), policy-commitment (a policy "
            "commitment or supplier code of conduct, award criterion 2) or due-diligence (a description of the "
            "due-diligence process, award criterion 7).",
        ),
    ] = "risk-assessment",
    as_json: JsonOpt = False,
) -> None:
    """Read a supplier's document against its award criterion; every finding names its sentences (--json)."""
    from hrdd.risks.checks import parse_kind

    checked_kind = parse_kind(kind, field="--kind")
    django_setup()
    from hrdd.core.text import document_text
    from hrdd.domain.risk_check import RiskAssessmentCheck
    from hrdd.risks.checks import check_answer, check_text

    if not document.is_file():
        raise InputError(f"{document}: no such file")
    text = document_text(document.name, document.read_bytes())  # a refusal is an InputError naming the file
    result = check_text(text, checked_kind)
    if as_json:
        print_json(check_answer(checked_kind, result))
    elif isinstance(result, RiskAssessmentCheck):
        _print_risk_assessment_check(document.name, result)
    else:
        _print_document_check(document.name, result)


def _print_risk_assessment_check(name: str, result: RiskAssessmentCheck) -> None:
    from hrdd.risks.checks import language_name, not_counted_why

    out = stdout()
    verdict = "meets" if result.meets_minimum else "does NOT meet"
    out.print(f"[bold]{name} {verdict} the minimum contents[/] ({result.source})")
    out.print(f"read as {language_name(result.language)}", highlight=False)
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
    out.print("[bold]mentioned but not counted[/]:" + ("" if result.risks_not_counted else " none"))
    for finding in result.risks_not_counted:
        out.print(f"  {finding.id}: {not_counted_why(finding)}", highlight=False, markup=False)
        for sentence in finding.sentences:
            out.print(f"    “{sentence}”", highlight=False, markup=False)


def _print_document_check(name: str, result: DocumentCheck) -> None:
    from hrdd.risks.checks import language_name

    out = stdout()
    out.print(f"[bold]{name}: {result.title}, {result.score} of {result.out_of} points[/] ({result.source})")
    out.print(f"read as {language_name(result.language)}", highlight=False)
    for element in result.elements:
        points = (
            f"{element.points if element.found else 0}/{element.points}" if element.points else "not scored"
        )
        mark = "found" if element.found else "NOT FOUND"
        out.print(f"  {mark}: {element.label} ({points})", highlight=False, markup=False)
        for sentence in element.sentences:
            out.print(f"    “{sentence}”", highlight=False, markup=False)


@kb_app.command("status")
def kb_status(as_json: JsonOpt = False) -> None:
    """List each knowledge table: edition, row count, years and sources."""
    statuses = _knowledge().status()
    if as_json:
        print_json(
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
    stdout().print(table)


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

    from hrdd.core.csvfiles import read_csv, rows_as_csv_text
    from hrdd.core.uploads import read_limited
    from hrdd.domain.knowledge import KnowledgeError
    from hrdd.risks.services import knowledge_import

    if not file.is_file():
        raise InputError(f"{file}: no such file")
    # read as every CSV import is (its encoding and separator found, within bounds); the table parser reads commas
    with file.open("rb") as stream:
        text = rows_as_csv_text(
            read_csv(read_limited(stream, name=str(file), field=""), name=str(file), field="")
        )
    call_command("migrate", interactive=False, verbosity=0)
    try:
        edition = knowledge_import(table=table, csv_text=text, label=label or file.name)
    except KnowledgeError as exc:
        raise InputError(f"{file}: {exc}") from exc
    stdout().print(
        f"Imported {edition.row_count} rows into {table} as edition {edition.label!r}; it is now active."
    )
