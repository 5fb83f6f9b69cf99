"""Incidents on the command line: `hrdd incidents import FILE` and `hrdd incidents exposure INCIDENT` (issue 12).

Both act as a user (--as) in one of their organisations (--organisation); refused input exits with status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, print_json, stderr, stdout
from hrdd.cli.common import gettext as _
from hrdd.cli.sites import AsOpt, OrganisationOpt, _actor
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

incidents_app = typer.Typer(
    help=gettext_noop("Incidents: import findings, show what they expose."), no_args_is_help=True
)


@incidents_app.command(
    "import",
    help=gettext_noop(
        "Import a CSV file of incidents (e.g. a monitoring organisation's findings): every row or none."
    ),
)
def incidents_import(
    file: Annotated[
        Path, typer.Argument(help=gettext_noop("CSV of incidents (see the columns in the README)."))
    ],
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.incidents.imports import incidents_import as import_file

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InputError(
            _("%(file)s: cannot read the file (%(error)s)") % {"file": file, "error": exc.strerror or exc},
            field="FILE",
        ) from exc
    actor = _actor(as_user, organisation)
    made = import_file(actor=actor, content=content, name=file.name)
    if json_out:
        print_json([{"id": str(i.public_id), "title": i.title, "status": i.status} for i in made])
        return
    stdout().print(
        _("Imported %(count)s incident(s) into %(organisation)s.")
        % {"count": len(made), "organisation": actor.organisation.name},
        markup=False,
    )


@incidents_app.command(
    "exposure",
    help=gettext_noop(
        "Show what depends on an incident's subject: your contracts, suppliers, products and procurements, the "
        "other sharing organisations as counts, and each exposed site's collective leverage."
    ),
)
def incidents_exposure(
    incident: Annotated[str, typer.Argument(help=gettext_noop("The incident's public id."))],
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.core.errors import NotFound
    from hrdd.incidents import selectors

    actor = _actor(as_user, organisation)
    try:
        found = selectors.incident_get(user=actor, public_id=incident)
    except NotFound as exc:
        raise InputError(
            _("no incident %(incident)r that you may see") % {"incident": incident}, field="INCIDENT"
        ) from exc
    exposure = selectors.incident_exposure(user=actor, incident=found)
    data = exposure.as_dict()
    if json_out:
        print_json({"incident": str(found.public_id), "title": found.title, **data})
        return
    out = stdout()
    concerned = _("%(count)s site(s) concerned") % {"count": exposure.sites}
    out.print(f"[bold]{escape(found.title)}[/] — {escape(concerned)}", highlight=False)
    table = Table(_("Contract"), _("Supplier"), title=_("Your exposed contracts"))
    for contract in data["contracts"]:
        table.add_row(escape(contract["title"]), escape(contract["supplier"]))
    out.print(table)
    leverage = Table(
        _("Site"),
        _("Country"),
        _("Buyers"),
        _("Contracts"),
        _("Yours"),
        title=_("Collective leverage per site"),
    )
    for site in data["exposed_sites"]:
        leverage.add_row(
            escape(site["name"]),
            site["country_iso3"],
            str(site["buyers"]),
            str(site["contracts"]),
            str(site["own_contracts"]),
        )
    out.print(leverage)
    out.print(
        _(
            "Other organisations sharing their exposure: %(organisations)s, with %(contracts)s contract(s). "
            "Contract values are not recorded."
        )
        % {"organisations": exposure.other_organisations, "contracts": exposure.other_contracts},
        markup=False,
    )
    if data["products"]:
        stderr().print(_("Products: %(products)s") % {"products": "; ".join(data["products"])}, markup=False)
