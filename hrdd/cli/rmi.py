"""`hrdd rmi read FILE...`: read RMI reporting templates (CMRT, EMRT, CRT, AMRT) and report what each declares
and what is wrong with it. No database and no Django set-up: the reader is pure (hrdd.domain.rmi)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from hrdd.cli.common import JsonOpt, print_json, stderr, stdout

rmi_app = typer.Typer(
    help="RMI reporting templates (CMRT, EMRT, CRT, AMRT): read and check them.", no_args_is_help=True
)


@rmi_app.command("read")
def read(
    files: Annotated[list[Path], typer.Argument(help="Template workbooks (.xlsx) to read.")],
    as_json: JsonOpt = False,
) -> None:
    """Read template files: template and version, company, minerals, answers, smelters, products and problems.

    Exit status 2 when a file could not be read as a template (the others are still reported)."""
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
            f"[bold red]error:[/] {escape(reading.file)}: {escape(reading.refused or '')}", highlight=False
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
        status = "accepted" if reading.accepted else "needs correction"
        console.print(
            f"[bold]{escape(reading.file)}[/]: {reading.template_type} {reading.template_version}, "
            f"{escape(reading.company.company_name or '(no company name)')}, scope "
            f"{escape(reading.company.declaration_scope or '-')}; minerals {', '.join(reading.minerals_in_scope) or '-'}; "
            f"{len(reading.smelters)} smelters, {len(reading.products)} products; {status}"
            + (f" ({errors} errors)" if errors else ""),
            highlight=False,
        )
        if reading.smelters:
            table = Table("row", "metal", "smelter", "country", "CID", title="Smelters", title_justify="left")
            for s in reading.smelters:
                name = (s.name or "") + (" (not listed)" if s.not_listed else "")
                table.add_row(str(s.row), s.metal or "", escape(name), s.country or "", s.cid or "")
            console.print(table)
        if reading.problems:
            table = Table("severity", "code", "where", "message", title="Problems", title_justify="left")
            for p in reading.problems:
                where = " ".join(x for x in (p.sheet or "", p.cell or (f"row {p.row}" if p.row else "")) if x)
                table.add_row(p.severity, p.code, escape(where), escape(p.message))
            console.print(table)


@rmi_app.command("smelters")
def smelters(
    actor: Annotated[str, typer.Option("--as", help="E-mail address of the user who asks.")],
    metal: Annotated[str, typer.Option("--metal", help="Only this metal (e.g. cobalt).")] = "",
    rmap: Annotated[
        str, typer.Option("--rmap", help="conformant, active, conformant_or_active or none (neither).")
    ] = "",
    cahra: Annotated[
        bool, typer.Option("--cahra", help="Only smelters in conflict-affected or high-risk areas.")
    ] = False,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", help="The organisation to read (name or id), when several."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The smelters and refiners in your supply chain (from your suppliers' current templates): through which
    suppliers, and their RMAP status from your imported facility list. Reads the database."""
    from hrdd.cli.common import django_setup

    django_setup()
    from hrdd.cli.sites import _actor
    from hrdd.core.errors import InputError
    from hrdd.rmi.selectors import metal_summaries, smelter_list

    if rmap and rmap not in ("conformant", "active", "conformant_or_active", "none"):
        raise InputError(
            f"--rmap {rmap!r}: choose conformant, active, conformant_or_active or none", field="--rmap"
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
        console.print(
            f"[bold]{escape(s.metal)}[/]: {s.smelters} smelters and refiners, {s.identified_pct} % identified, "
            f"{s.conformant_pct} % RMAP conformant, {s.conformant_or_active_pct} % conformant or active, "
            f"{s.cahra} in conflict-affected or high-risk areas",
            highlight=False,
        )
    from hrdd.domain.countries import display_name

    table = Table(
        "metal",
        "smelter or refiner",
        "country",
        "RMI facility id",
        "RMAP status",
        "conflict-affected or high-risk area",
        "named by suppliers",
    )
    for row in rows:
        table.add_row(
            row["metal"], escape(row["name"]), display_name(row["country_iso3"]) if row["country_iso3"] else "-", row["cid"] or "-",
            row["rmap_status"] or row["rmap"] or "-", "yes" if row["cahra"] else "", escape(", ".join(row["suppliers"])),
        )  # fmt: skip
    console.print(table)
    if not rows:
        stderr().print(
            "No smelter found: ask your suppliers for their templates (the Smelters page).", highlight=False
        )
