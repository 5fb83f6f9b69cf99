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
