"""`hrdd rmi read FILE...`: read RMI reporting templates (CMRT, EMRT, CRT, AMRT) and report what each declares
and what is wrong with it. No database and no Django set-up: the reader is pure (hrdd.domain.rmi)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from hrdd.cli.common import JsonOpt, language, localize, print_json, stderr, stdout
from hrdd.cli.common import gettext as _
from hrdd.domain.texts import gettext_noop

rmi_app = typer.Typer(
    help=gettext_noop("RMI reporting templates (CMRT, EMRT, CRT, AMRT): read and check them."),
    no_args_is_help=True,
)


@rmi_app.command(
    "read",
    help=gettext_noop(
        "Read template files: template and version, company, minerals, answers, smelters, products and "
        "problems.\n\nExit status 2 when a file could not be read as a template (the others are still reported)."
    ),
)
def read(
    files: Annotated[list[Path], typer.Argument(help=gettext_noop("Template workbooks (.xlsx) to read."))],
    as_json: JsonOpt = False,
) -> None:
    from hrdd.rmi.workbook import project_limits, read_template_file

    limits = project_limits()
    readings = [read_template_file(path, name=str(path), limits=limits) for path in files]
    if as_json:
        print_json([r.to_json() for r in readings])
    else:
        _print_tables(readings)
    refused = [r for r in readings if r.refused]
    for reading in refused:
        stderr().print(
            f"[bold red]error:[/] {escape(reading.file)}: {escape(localize(reading.refused or ''))}",
            highlight=False,
        )
    if refused:
        raise typer.Exit(code=2)


def _print_tables(readings: list) -> None:  # type: ignore[type-arg]
    from rich.table import Table

    console = stdout()
    for reading in readings:
        if reading.refused:
            continue
        errors = len(reading.errors)
        status = _("accepted") if reading.accepted else _("needs correction")
        summary = _(
            "%(template)s, %(company)s, scope %(scope)s; minerals %(minerals)s; %(smelters)s smelters, "
            "%(products)s products; %(status)s"
        ) % {
            "template": f"{reading.template_type} {reading.template_version}",
            "company": reading.company.company_name or _("(no company name)"),
            "scope": reading.company.declaration_scope or "-",
            "minerals": ", ".join(reading.minerals_in_scope) or "-",
            "smelters": len(reading.smelters),
            "products": len(reading.products),
            "status": status,
        }
        if errors:
            summary += " " + _("(%(count)s errors)") % {"count": errors}
        console.print(f"[bold]{escape(reading.file)}[/]: {escape(summary)}", highlight=False)
        if reading.smelters:
            table = Table(
                _("row"),
                _("metal"),
                _("smelter"),
                _("country"),
                "CID",
                title=_("Smelters"),
                title_justify="left",
            )
            for s in reading.smelters:
                name = (s.name or "") + (" " + _("(not listed)") if s.not_listed else "")
                table.add_row(str(s.row), s.metal or "", escape(name), s.country or "", s.cid or "")
            console.print(table)
        if reading.problems:
            table = Table(
                _("severity"), _("code"), _("where"), _("message"), title=_("Problems"), title_justify="left"
            )
            for p in reading.problems:
                row = _("row %(row)s") % {"row": p.row} if p.row else ""
                where = " ".join(x for x in (p.sheet or "", p.cell or row) if x)
                table.add_row(p.severity, p.code, escape(where), escape(localize(p.message)))
            console.print(table)


@rmi_app.command(
    "smelters",
    help=gettext_noop(
        "The smelters and refiners in your supply chain (from your suppliers' current templates): through which "
        "suppliers, and their RMAP status from your imported facility list. Reads the database."
    ),
)
def smelters(
    actor: Annotated[str, typer.Option("--as", help=gettext_noop("E-mail address of the user who asks."))],
    metal: Annotated[str, typer.Option("--metal", help=gettext_noop("Only this metal (e.g. cobalt)."))] = "",
    rmap: Annotated[
        str,
        typer.Option(
            "--rmap", help=gettext_noop("conformant, active, conformant_or_active or none (neither).")
        ),
    ] = "",
    cahra: Annotated[
        bool,
        typer.Option("--cahra", help=gettext_noop("Only smelters in conflict-affected or high-risk areas.")),
    ] = False,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", help=gettext_noop("The organisation to read (name or id), when several.")
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from hrdd.cli.common import django_setup

    django_setup()
    from hrdd.cli.sites import _actor
    from hrdd.core.errors import InputError
    from hrdd.rmi.selectors import metal_summaries, smelter_list

    if rmap and rmap not in ("conformant", "active", "conformant_or_active", "none"):
        raise InputError(
            _("--rmap %(value)r: choose conformant, active, conformant_or_active or none") % {"value": rmap},
            field="--rmap",
        )
    user = _actor(actor, organisation)
    found = list(smelter_list(user=user, metal=metal, rmap=rmap, cahra=cahra))
    summary = [s for s in metal_summaries(user=user) if not metal or s.metal.lower() == metal.lower()]
    rows = [
        {
            "metal": s.metal,
            "name": s.name,
            "country_iso3": s.country_iso3,
            "cid": s.cid,
            "identified": s.identified,
            "rmap": s.rmap,
            "rmap_status": s.rmap_status,
            "cahra": s.cahra,
            "cahra_reasons": s.cahra_reasons,
            "suppliers": [x["name"] for x in s.suppliers],
        }
        for s in found
    ]
    if as_json:
        print_json({"summary": [s.as_dict() for s in summary], "smelters": rows})
        return
    from rich.table import Table

    console = stdout()
    for s in summary:
        line = _(
            "%(smelters)s smelters and refiners, %(identified)s %% identified, %(conformant)s %% RMAP conformant, "
            "%(conformant_or_active)s %% conformant or active, %(cahra)s in conflict-affected or high-risk areas"
        ) % {
            "smelters": s.smelters,
            "identified": s.identified_pct,
            "conformant": s.conformant_pct,
            "conformant_or_active": s.conformant_or_active_pct,
            "cahra": s.cahra,
        }
        console.print(f"[bold]{escape(s.metal)}[/]: {escape(line)}", highlight=False)
    table = Table(
        _("metal"),
        _("smelter or refiner"),
        _("country"),
        _("RMI facility id"),
        _("RMAP status"),
        _("conflict-affected or high-risk area"),
        _("named by suppliers"),
    )
    for row in rows:
        table.add_row(
            row["metal"], escape(row["name"]), _country(row["country_iso3"]), row["cid"] or "-",
            row["rmap_status"] or row["rmap"] or "-", _("yes") if row["cahra"] else "", escape(", ".join(row["suppliers"])),
        )  # fmt: skip
    console.print(table)
    if not rows:
        stderr().print(
            _("No smelter found: ask your suppliers for their templates (the Smelters page)."),
            highlight=False,
            markup=False,
        )


def _country(iso3: str) -> str:
    """A country's name in the reader's language, from its code; '-' for none."""
    if not iso3:
        return "-"
    if language() == "en":
        from hrdd.domain.countries import display_name

        return display_name(iso3)
    from hrdd.core.countries import country_name

    return country_name(iso3)
