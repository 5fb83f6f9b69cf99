"""Programmes on the command line (issue 14): `hrdd programmes list`, `hrdd programmes kpis PROGRAMME [--year Y]`
(each KPI's figure with its status and reasons) and `hrdd programmes templates` (the shipped templates).

The first two act as a user (--as) in one of their organisations (--organisation); refused input exits with
status 2 and a message naming the argument or option."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, localize, print_json, stdout
from hrdd.cli.common import gettext as _
from hrdd.cli.sites import AsOpt, OrganisationOpt, _actor
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

programmes_app = typer.Typer(
    help=gettext_noop(
        "Responsible-sourcing programmes: their KPIs' figures and statuses, and the templates."
    ),
    no_args_is_help=True,
)


def _said(value: object) -> str:
    """A Text or a framework's text in the reader's language, escaped for a table's cell."""
    return escape(str(localize(value)))


@programmes_app.command(
    "templates", help=gettext_noop("List the shipped programme templates with their objectives and KPIs.")
)
def programmes_templates(json_out: JsonOpt = False) -> None:
    from hrdd.domain.programmes import get_programme_template, programme_template_keys

    templates = [get_programme_template(k) for k in programme_template_keys()]
    if json_out:
        print_json(
            [
                {
                    "key": t.key,
                    "version": t.version,
                    "title": t.title,
                    "source": t.source,
                    "objectives": [o.text for o in t.objectives],
                    "kpis": [
                        {"key": k.key, "name": k.name, "unit": k.unit, "computation": k.computation}
                        for k in t.kpis
                    ],
                }
                for t in templates
            ]
        )
        return
    table = Table(
        _("Key"),
        _("Title"),
        _("Objectives"),
        _("KPIs (computed)"),
        _("Source"),
        title=_("Programme templates"),
    )
    for t in templates:
        computed = sum(1 for k in t.kpis if k.computation)
        table.add_row(
            t.key, _said(t.title), str(len(t.objectives)), f"{len(t.kpis)} ({computed})", _said(t.source)
        )
    stdout().print(table)


@programmes_app.command("list", help=gettext_noop("List the programmes of the organisation."))
def programmes_list(as_user: AsOpt, organisation: OrganisationOpt = None, json_out: JsonOpt = False) -> None:
    django_setup()
    from hrdd.programmes import selectors

    actor = _actor(as_user, organisation)
    rows = list(selectors.programme_list(user=actor).order_by("-start_year", "title", "id"))
    if json_out:
        print_json(
            [
                {
                    "id": str(p.public_id),
                    "title": p.title,
                    "template": p.template_key,
                    "start_year": p.start_year,
                    "end_year": p.end_year,
                    "public": p.is_public,
                    "kpis": p.kpi_count,
                    "open_join_requests": p.open_requests,
                }
                for p in rows
            ]
        )
        return
    table = Table(
        _("Id"),
        _("Title"),
        _("Years"),
        _("KPIs"),
        _("Public"),
        title=escape(_("Programmes of %(organisation)s") % {"organisation": actor.organisation.name}),
    )
    for p in rows:
        table.add_row(
            str(p.public_id),
            escape(p.title),
            f"{p.start_year}-{p.end_year}",
            str(p.kpi_count),
            _("yes") if p.is_public else _("no"),
        )
    stdout().print(table)


def _year_row(view: Any, year: int | None) -> Any:
    if year is None:
        return view.latest
    return next((y for y in view.years if y.year == year), None)


@programmes_app.command(
    "kpis",
    help=gettext_noop(
        "Show each KPI's figure for a year with its status and the reasons (target, baseline, trajectory)."
    ),
)
def programmes_kpis(
    programme: Annotated[str, typer.Argument(help=gettext_noop("The programme's id or exact title."))],
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help=gettext_noop("The year to show (default: each KPI's latest).")),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.core.errors import NotFound
    from hrdd.programmes import selectors

    actor = _actor(as_user, organisation)
    try:
        found = selectors.programme_find(user=actor, reference=programme)
    except NotFound as exc:
        raise InputError(
            _("no programme %(programme)r that you may see") % {"programme": programme}, field="PROGRAMME"
        ) from exc
    if year is not None and not found.start_year <= year <= found.end_year:
        raise InputError(
            _("%(year)s is outside the programme's years %(years)s")
            % {"year": year, "years": f"{found.start_year}-{found.end_year}"},
            field="--year",
        )
    rows = []
    for block in selectors.programme_dashboard(found):
        for view in block.kpis:
            row = _year_row(view, year)
            rows.append((block, view, row))
    if json_out:
        print_json(
            {
                "programme": {"id": str(found.public_id), "title": found.title},
                "kpis": [
                    {
                        "key": view.kpi.key,
                        "name": view.kpi.name,
                        "objective": block.objective.text if block.objective else None,
                        "computed": bool(view.kpi.computation),
                        "year": row.year if row else year,
                        "figure": row.figure.as_dict() if row else None,
                        "status": row.status.as_dict() if row else None,
                    }
                    for block, view, row in rows
                ],
            }
        )
        return
    out = stdout()
    out.print(f"[bold]{escape(found.title)}[/] ({found.start_year}-{found.end_year})", highlight=False)
    table = Table(_("KPI"), _("Year"), _("Figure"), _("Status"), _("Reasons"), title=_("KPIs"))
    for _block, view, row in rows:
        if row is None:
            table.add_row(_said(view.kpi.name), str(year or "-"), "-", _("not begun"), "")
            continue
        table.add_row(
            _said(view.kpi.name),
            str(row.year),
            _said(row.figure.text),
            _said(row.status.label),
            escape(_sentences([str(localize(r)) for r in row.status.reasons])),
        )
    out.print(table)


def _sentences(reasons: list[str] | tuple[str, ...]) -> str:
    """The reasons as sentences, each begun with a capital and ended with a full stop."""
    return " ".join(
        (r[:1].upper() + r[1:]) + ("" if r.endswith((".", "!", "?")) else ".")
        for r in (x.strip() for x in reasons)
        if r
    )
