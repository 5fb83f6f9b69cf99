"""Step 1 on the command line: `hrdd risk` (a product category's risks) and `hrdd kb` (the knowledge base)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import (
    JsonOpt,
    database_has_rows,
    django_ready,
    django_setup,
    localize,
    machine_output,
    number,
    print_json,
    stdout,
    write_output,
)
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

if TYPE_CHECKING:
    from hrdd.domain.document_check import DocumentCheck
    from hrdd.domain.knowledge import KnowledgeBase
    from hrdd.domain.risk import RiskAssessment, RiskMethod
    from hrdd.domain.risk_check import RiskAssessmentCheck

risk_app = typer.Typer(
    help=gettext_noop("Step 1: the human-rights risks of a product category."), no_args_is_help=True
)
kb_app = typer.Typer(
    help=gettext_noop("The knowledge base: sourced tables with their editions."), no_args_is_help=True
)

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


@risk_app.command("products", help=gettext_noop("List the product categories the knowledge base knows."))
def risk_products(as_json: JsonOpt = False) -> None:
    from hrdd.domain.risk import get_risk_method

    method = get_risk_method()
    products = (_shipped_knowledge_unless_imported() or _knowledge()).products()
    if as_json:
        print_json([{"id": p, "title": method.product_title(p)} for p in products])
        return
    out = stdout()
    for product in products:
        out.print(f"{product}\t{localize(method.product_title(product))}", highlight=False, markup=False)


@risk_app.command(
    "assess",
    help=gettext_noop(
        "Rate the human-rights risks of a product category: components, materials, countries, salient risks."
    ),
)
def risk_assess(
    product: Annotated[
        str, typer.Argument(help=gettext_noop("Product category id (see `hrdd risk products`)."))
    ],
    as_json: JsonOpt = False,
    fmt: Annotated[str, typer.Option("--format", help=gettext_noop("json, md, docx or xlsx."))] = "",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=gettext_noop("Write to this file."))
    ] = None,
    exclude_material: Annotated[
        list[str] | None, typer.Option(help=gettext_noop("Leave out a raw material."))
    ] = None,
    add_material: Annotated[list[str] | None, typer.Option(help=gettext_noop("Add a raw material."))] = None,
    add_component: Annotated[
        list[str] | None,
        typer.Option(
            help=gettext_noop("Add a component with its materials, e.g. 'battery pack: cobalt, lithium'.")
        ),
    ] = None,
    exclude_component: Annotated[
        list[str] | None, typer.Option(help=gettext_noop("Leave out a component."))
    ] = None,
    exclude_country: Annotated[
        list[str] | None, typer.Option(help=gettext_noop("Leave out a country (ISO3)."))
    ] = None,
    manufacturing_country: Annotated[
        list[str] | None,
        typer.Option(help=gettext_noop("A main manufacturing/assembly country (ISO3); repeatable.")),
    ] = None,
) -> None:
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
        raise InputError(
            _("%(value)r is not one of %(choices)s") % {"value": fmt, "choices": ", ".join(RISK_FORMATS)},
            field="--format",
        )
    if fmt in ("docx", "xlsx") and output is None:
        raise InputError(_("--format %(format)s needs -o FILE") % {"format": fmt})
    if fmt == "json":
        machine_output()
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
        raise InputError(localize(exc.message), field=ADJUSTMENT_OPTIONS.get(exc.field, exc.field)) from exc
    method = get_risk_method()
    try:
        assessment = assess_product_risk(product, knowledge, method, adjustments)
    except UnknownProduct as exc:
        raise InputError(
            _("unknown product category %(product)r; known product categories: %(known)s")
            % {"product": exc.product, "known": ", ".join(exc.known)}
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
    out.print(f"[bold]{escape(localize(assessment.product_title))}[/] ({escape(assessment.method)})")
    for component in assessment.components:
        materials = ", ".join(localize(m) for m in component.raw_materials)
        out.print(f"  {localize(component.name)}: {materials}", highlight=False, markup=False)
    table = Table(title=_("Salient risks"))
    for column in ("#", _("risk"), _("stage"), _("material/factory"), _("country"), _("score")):
        table.add_column(column)
    for i, r in enumerate(assessment.salient(method.parameters.report_risks), start=1):
        table.add_row(
            str(i),
            escape(localize(r.category_title)),
            escape(localize(method.stage_title(r.stage))),
            escape(r.material or (_("factories") if r.component == "factories" else r.component) or ""),
            r.country_iso3,
            number(r.score),
        )
    out.print(table)


@risk_app.command(
    "check",
    help=gettext_noop(
        "Read a supplier's document against its award criterion; every finding names its sentences (--json)."
    ),
)
def risk_check(
    document: Annotated[
        Path, typer.Argument(help=gettext_noop("The supplier's document: DOCX, PDF or text."))
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help=gettext_noop(
                "What the document is: risk-assessment (award criterion 1), policy-commitment (a policy "
                "commitment or supplier code of conduct, award criterion 2) or due-diligence (a description of "
                "the due-diligence process, award criterion 7)."
            ),
        ),
    ] = "risk-assessment",
    as_json: JsonOpt = False,
) -> None:
    django_setup()  # the kind's refusal is said through Django's translations
    from hrdd.risks.checks import parse_kind

    checked_kind = parse_kind(kind, field="--kind")
    from hrdd.core.text import document_text
    from hrdd.domain.risk_check import RiskAssessmentCheck
    from hrdd.risks.checks import check_answer, check_text

    if not document.is_file():
        raise InputError(_("%(file)s: no such file") % {"file": document})
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
    verdict = (
        _("%(document)s meets the minimum contents")
        if result.meets_minimum
        else _("%(document)s does NOT meet the minimum contents")
    )
    out.print(f"[bold]{escape(verdict % {'document': name})}[/] ({escape(localize(result.source))})")
    out.print(_("read as %(language)s") % {"language": language_name(result.language)}, highlight=False)
    for requirement in result.requirements:
        said = (
            _("%(requirement)s: %(found)s found, %(required)s required: ok")
            if requirement.met
            else _("%(requirement)s: %(found)s found, %(required)s required: MISSING")
        ) % {
            "requirement": localize(requirement.name),
            "found": requirement.found,
            "required": requirement.required,
        }
        out.print(f"  {said}", markup=False)
    for label, findings in (
        (_("components"), result.components),
        (_("raw materials"), result.raw_materials),
        (_("countries"), result.countries),
        (_("risks"), result.risks),
    ):
        found = ", ".join(f.id for f in findings) or _("none")
        out.print(f"[bold]{escape(label)}[/]: {escape(found)}", highlight=False)
    heading = escape(_("mentioned but not counted"))
    out.print(f"[bold]{heading}[/]:" + ("" if result.risks_not_counted else " " + escape(_("none"))))
    for finding in result.risks_not_counted:
        out.print(f"  {finding.id}: {not_counted_why(finding)}", highlight=False, markup=False)
        for sentence in finding.sentences:
            out.print(f"    “{sentence}”", highlight=False, markup=False)


def _print_document_check(name: str, result: DocumentCheck) -> None:
    from hrdd.risks.checks import language_name

    out = stdout()
    heading = _("%(document)s: %(title)s, %(score)s of %(out_of)s points") % {
        "document": name,
        "title": localize(result.title),
        "score": result.score,
        "out_of": result.out_of,
    }
    out.print(f"[bold]{escape(heading)}[/] ({escape(localize(result.source))})")
    out.print(_("read as %(language)s") % {"language": language_name(result.language)}, highlight=False)
    for element in result.elements:
        points = (
            f"{element.points if element.found else 0}/{element.points}"
            if element.points
            else _("not scored")
        )
        said = (
            _("found: %(element)s (%(points)s)")
            if element.found
            else _("NOT FOUND: %(element)s (%(points)s)")
        )
        out.print(
            "  " + said % {"element": localize(element.label), "points": points},
            highlight=False,
            markup=False,
        )
        for sentence in element.sentences:
            out.print(f"    “{sentence}”", highlight=False, markup=False)


@kb_app.command(
    "status", help=gettext_noop("List each knowledge table: edition, row count, years and sources.")
)
def kb_status(as_json: JsonOpt = False) -> None:
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
    table = Table(title=_("Knowledge base"))
    for column in (_("table"), _("edition"), _("rows"), _("years"), _("sources")):
        table.add_column(column)
    for s in statuses:
        table.add_row(
            s.name,
            escape(localize(s.edition)),
            str(s.rows),
            ", ".join(s.years),
            escape("\n".join(x[:100] for x in s.sources[:4])),
        )
    stdout().print(table)


@kb_app.command(
    "import",
    help=gettext_noop(
        "Load a newer edition of a knowledge table; a malformed file is refused and nothing is stored."
    ),
)
def kb_import(
    table: Annotated[str, typer.Argument(help=gettext_noop("Table name (see `hrdd kb status`)."))],
    file: Annotated[
        Path,
        typer.Argument(help=gettext_noop("CSV file with the table's columns, a source and year per row.")),
    ],
    label: Annotated[str, typer.Option(help=gettext_noop("Name of the edition, e.g. 'USGS MCS 2025'."))] = "",
) -> None:
    django_setup()
    from django.core.management import call_command

    from hrdd.core.csvfiles import read_csv, rows_as_csv_text
    from hrdd.core.uploads import read_limited
    from hrdd.domain.knowledge import KnowledgeError
    from hrdd.risks.services import knowledge_import

    if not file.is_file():
        raise InputError(_("%(file)s: no such file") % {"file": file})
    # read as every CSV import is (its encoding and separator found, within bounds); the table parser reads commas
    with file.open("rb") as stream:
        text = rows_as_csv_text(
            read_csv(read_limited(stream, name=str(file), field=""), name=str(file), field="")
        )
    call_command("migrate", interactive=False, verbosity=0)
    try:
        edition = knowledge_import(table=table, csv_text=text, label=label or file.name)
    except KnowledgeError as exc:
        raise InputError(f"{file}: {localize(exc)}") from exc
    stdout().print(
        _("Imported %(rows)s rows into %(table)s as edition %(label)r; it is now active.")
        % {"rows": edition.row_count, "table": table, "label": edition.label},
        markup=False,
    )
