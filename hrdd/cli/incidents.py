"""Incidents on the command line: `hrdd incidents import FILE` and `hrdd incidents exposure INCIDENT` (issue 12).

Both act as a user (--as) in one of their organisations (--organisation); refused input exits with status 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, print_json, stderr, stdout
from hrdd.cli.sites import AsOpt, OrganisationOpt, _actor
from hrdd.core.errors import InputError

incidents_app = typer.Typer(help="Incidents: import findings, show what they expose.", no_args_is_help=True)


@incidents_app.command("import")
def incidents_import(
    file: Annotated[Path, typer.Argument(help="CSV of incidents (see the columns in the README).")],
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Import a CSV file of incidents (e.g. a monitoring organisation's findings): every row or none."""
    django_setup()
    from hrdd.incidents.imports import incidents_import as import_file

    try:
        content = file.read_bytes()
    except OSError as exc:
        raise InputError(f"{file}: cannot read the file ({exc.strerror or exc})", field="FILE") from exc
    actor = _actor(as_user, organisation)
    made = import_file(actor=actor, content=content, name=file.name)
    if json_out:
        print_json([{"id": str(i.public_id), "title": i.title, "status": i.status} for i in made])
        return
    stdout().print(f"Imported {len(made)} incident(s) into {actor.organisation.name}.")


@incidents_app.command("exposure")
def incidents_exposure(
    incident: Annotated[str, typer.Argument(help="The incident's public id.")],
    as_user: AsOpt,
    organisation: OrganisationOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Show what depends on an incident's subject: your contracts, suppliers, products and procurements, the
    other sharing organisations as counts, and each exposed site's collective leverage."""
    django_setup()
    from hrdd.core.errors import NotFound
    from hrdd.incidents import selectors

    actor = _actor(as_user, organisation)
    try:
        found = selectors.incident_get(user=actor, public_id=incident)
    except NotFound as exc:
        raise InputError(f"no incident {incident!r} that you may see", field="INCIDENT") from exc
    exposure = selectors.incident_exposure(user=actor, incident=found)
    data = exposure.as_dict()
    if json_out:
        print_json({"incident": str(found.public_id), "title": found.title, **data})
        return
    out = stdout()
    out.print(f"[bold]{found.title}[/] — {exposure.sites} site(s) concerned", highlight=False)
    table = Table("Contract", "Supplier", title="Your exposed contracts")
    for contract in data["contracts"]:
        table.add_row(contract["title"], contract["supplier"])
    out.print(table)
    leverage = Table("Site", "Country", "Buyers", "Contracts", "Yours", title="Collective leverage per site")
    for site in data["exposed_sites"]:
        leverage.add_row(
            site["name"],
            site["country_iso3"],
            str(site["buyers"]),
            str(site["contracts"]),
            str(site["own_contracts"]),
        )
    out.print(leverage)
    out.print(
        f"Other organisations sharing their exposure: {exposure.other_organisations}, "
        f"with {exposure.other_contracts} contract(s). Contract values are not recorded."
    )
    if data["products"]:
        stderr().print("Products: " + "; ".join(data["products"]))
