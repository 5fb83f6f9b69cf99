"""The site registry on the command line: `hrdd sites` (issue 11).

`match` (hrdd.cli.sites_match) compares two CSV files without a database; the registry's commands (import,
review, export) are defined below it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, print_json, stderr, stdout, write_output
from hrdd.cli.sites_match import sites_match
from hrdd.core.errors import InputError, NotFound

sites_app = typer.Typer(help="The registry of production sites: import, match, review.", no_args_is_help=True)
sites_app.command("match")(sites_match)


# the registry's commands: they act as a user (--as), in one of their organisations (--organisation)

AsOpt = Annotated[str, typer.Option("--as", help="E-mail address of the user who acts.")]
OrganisationOpt = Annotated[
    str | None,
    typer.Option(
        "--organisation", help="The organisation to act in (name or id), when the user has several."
    ),
]


def _actor(email: str, organisation: str | None) -> Any:
    """The acting user, working in `organisation` (one of their memberships) or the one they work in now."""
    from hrdd.accounts.models import Organisation
    from hrdd.cli.tasks import _user

    user = _user(email)
    if organisation:
        text = organisation.strip()
        try:
            found = Organisation.objects.filter(public_id=uuid.UUID(text)).first()
        except ValueError:
            found = Organisation.objects.filter(name__iexact=text).first()
        if found is None or user.role_in(found) is None:
            raise InputError(f"{email} is not a member of an organisation {text!r}", field="--organisation")
        user.organisation = found
    if user.organisation is None:
        raise InputError(f"{email} works in no organisation; name one", field="--organisation")
    return user


def _follow(run: Any, *, quiet: bool) -> Any:
    """Do a queued run here with a progress bar on standard error; its closing sentence goes to standard output
    (standard error with --json, so that standard output is JSON only); refuse (exit 2) when it fails."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from hrdd.core.tasks import task_run_here

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    ) as bar:
        line = bar.add_task(run.label, total=None)

        def show(current: Any) -> None:
            bar.update(
                line,
                completed=current.done,
                total=current.total or None,
                description=current.message or current.label,
            )

        done = task_run_here(run, listener=show)
    if done.status != done.Status.DONE:
        raise InputError(done.error or f"task {done.public_id} is {done.status}", field="file")
    (stderr() if quiet else stdout()).print(done.message, highlight=False)
    return done


@sites_app.command("import")
def sites_import(
    file: Annotated[Path, typer.Argument(help="A site list, CSV or XLSX (CC2 or Open Supply Hub columns).")],
    actor: AsOpt,
    supplier: Annotated[str, typer.Option("--supplier", help="The supplier the list comes from.")] = "",
    contract: Annotated[str, typer.Option("--contract", help="The contract it is for (its id).")] = "",
    organisation: OrganisationOpt = None,
    queue: Annotated[bool, typer.Option("--queue", help="Leave the work to the task worker.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a site list into the registry: each row is linked to a known site, queued for review, or a new
    site; refused rows are listed with their numbers and reasons."""
    django_setup()
    from hrdd.cli.tasks import _File, _queued
    from hrdd.supplier_sites.tasks import site_import_start

    user = _actor(actor, organisation)
    run = site_import_start(
        actor=user, upload=_File(file), supplier=supplier, contract=contract or None, enqueue=queue
    )
    if queue:
        _queued(run)
        return
    run = _follow(run, quiet=as_json)
    found = run.site_import
    if as_json:
        print_json(
            {
                "import": str(found.public_id),
                "rows": found.rows,
                **found.counts,
                "rejected_rows": found.rejected_rows,
            }
        )
        return
    errors = stderr()
    for rejected in found.rejected_rows[:50]:
        errors.print(
            f"row {rejected['row']}, {rejected['field']}: {rejected['reason']}", highlight=False, markup=False
        )
    if len(found.rejected_rows) > 50:
        errors.print(f"… and {found.counts.get('rejected', 0) - 50} more refused rows", highlight=False)
    if found.counts.get("review"):
        stdout().print("Review them with `hrdd sites review --as ...`.", highlight=False)


def _mention(user: Any, reference: str, option: str) -> Any:
    """A mention of the user's organisation by its id or the first characters of it (at least 6)."""
    from hrdd.supplier_sites.selectors import mention_get, review_queue

    text = reference.strip().lower()
    try:
        return mention_get(user=user, public_id=uuid.UUID(text))
    except ValueError:
        pass
    except NotFound as exc:
        raise InputError(f"no mention {reference!r} in your organisation", field=option) from exc
    if len(text) < 6:
        raise InputError("give at least the first 6 characters of the mention's id", field=option)
    found = [m for m in review_queue(user=user) if str(m.public_id).startswith(text)]
    if len(found) != 1:
        raise InputError(
            f"{len(found) or 'no'} mention(s) waiting for review start with {reference!r}", field=option
        )
    return found[0]


def _site(user: Any, reference: str | None) -> Any:
    if not reference:
        return None
    from hrdd.supplier_sites.selectors import site_get

    try:
        return site_get(user=user, public_id=reference.strip())
    except NotFound as exc:
        raise InputError(f"no site {reference!r}", field="--site") from exc


def _review_row(item: Any) -> dict[str, Any]:
    m = item.mention
    best = item.candidates[0] if item.candidates else None
    return {
        "mention": str(m.public_id),
        "row": m.row,
        "name": m.name,
        "address": ", ".join(p for p in (m.address, m.city) if p),
        "country": m.country_iso3,
        "supplier": m.supplier.legal_name if m.supplier_id else "",
        "candidates": [
            {
                "site": str(c.site.public_id),
                "name": c.site.name,
                "address": ", ".join(p for p in (c.site.address, c.site.city) if p),
                "score": c.score,
                "agreements": c.agreements,
            }
            for c in item.candidates
        ],
        "best": str(best.site.public_id) if best else None,
    }


@sites_app.command("review")
def sites_review(
    actor: AsOpt,
    confirm: Annotated[
        str | None, typer.Option("--confirm", help="Confirm this mention (id or its first characters).")
    ] = None,
    reject: Annotated[
        str | None, typer.Option("--reject", help="Reject this mention's candidate (id or first characters).")
    ] = None,
    site: Annotated[
        str | None,
        typer.Option("--site", help="The site confirmed or rejected (default: the best candidate)."),
    ] = None,
    organisation: OrganisationOpt = None,
    limit: Annotated[int, typer.Option(help="How many waiting mentions to list.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List the mentions waiting for review with their best candidates, or decide one: `--confirm ID` links it to
    its best candidate (or `--site`), `--reject ID` rejects that candidate; decisions are remembered for every later
    upload of the same record."""
    django_setup()
    from hrdd.supplier_sites import selectors, services

    user = _actor(actor, organisation)
    if confirm and reject:
        raise InputError("give --confirm or --reject, not both", field="--reject")
    if site and not (confirm or reject):
        raise InputError("--site goes with --confirm or --reject", field="--site")
    if confirm or reject:
        mention = _mention(user, confirm or reject or "", "--confirm" if confirm else "--reject")
        chosen = _site(user, site)
        decide = services.mention_confirm if confirm else services.mention_reject
        mention = decide(actor=user, mention=mention, site=chosen)
        linked = f" -> {mention.site.name} ({mention.site.public_id})" if mention.site_id else ""
        if as_json:
            print_json(
                {
                    "mention": str(mention.public_id),
                    "status": mention.status,
                    "site": str(mention.site.public_id) if mention.site_id else None,
                }
            )
        else:
            stdout().print(f"{mention.name}: {mention.get_status_display()}{linked}", highlight=False)
        return
    queue = selectors.review_queue(user=user)
    total = queue.count()
    items = [_review_row(i) for i in selectors.review_items(queue[: max(1, limit)])]
    if as_json:
        print_json({"waiting": total, "mentions": items})
        return
    table = Table(title=f"{total} mention(s) waiting for review")
    for column in ("mention", "as listed", "country", "best candidate", "score"):
        table.add_column(column)
    for item in items:
        best = item["candidates"][0] if item["candidates"] else None
        table.add_row(
            item["mention"][:8],
            f"{item['name']}\n{item['address']}",
            item["country"],
            f"{best['name']}\n{best['address']}\n{best['site']}" if best else "",
            f"{best['score']:.2f}" if best else "",
        )
    stdout().print(table)
    if total:
        stdout().print(
            "Decide with `hrdd sites review --as ... --confirm MENTION` or `--reject MENTION` (first 8 characters).",
            highlight=False,
        )


@sites_app.command("export")
def sites_export(
    actor: AsOpt,
    format: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="The file to write.")] = None,
    supplier: Annotated[
        str, typer.Option("--supplier", help="Only the sites this supplier of yours lists.")
    ] = "",
    contract: Annotated[
        str, typer.Option("--contract", help="Only the sites named under this contract.")
    ] = "",
    country: Annotated[str, typer.Option("--country", help="Only the sites of this country.")] = "",
    organisation: OrganisationOpt = None,
) -> None:
    """Write the registry (or one supplier's or contract's sites) as CSV, XLSX or JSON, with Open Supply Hub's
    columns among them (products from your organisation's lists)."""
    django_setup()
    from hrdd.companies.selectors import company_list
    from hrdd.domain.countries import to_iso3
    from hrdd.supplier_sites import exports, selectors

    user = _actor(actor, organisation)
    if format not in exports.FORMATS:
        raise InputError(f"unknown format {format!r}; known: {', '.join(exports.FORMATS)}", field="--format")
    if format == "xlsx" and output is None:
        raise InputError("a workbook is written to a file: give -o FILE", field="--output")
    supplier_id = None
    if supplier:
        matches = list(company_list(user=user, query=supplier)[:2])
        if len(matches) != 1:
            raise InputError(
                f"{len(matches) or 'no'} supplier(s) of yours match {supplier!r}", field="--supplier"
            )
        supplier_id = matches[0].public_id
    iso3 = ""
    if country:
        iso3 = to_iso3(country) or ""
        if not iso3:
            raise InputError(f"{country!r} is not a known country", field="--country")
    if contract:
        try:
            uuid.UUID(contract)
        except ValueError as exc:
            raise InputError(f"{contract!r} is not a contract id", field="--contract") from exc
    sites = selectors.site_list(user=user, country_iso3=iso3, supplier=supplier_id, contract=contract or None)
    content = exports.registry_export(user, sites, format=format)
    write_output(content if format == "xlsx" else content.decode("utf-8-sig"), output)


@sites_app.command("calibrate")
def sites_calibrate(
    apply: Annotated[
        bool, typer.Option("--apply", help="Put the calibrated weights in force for every new match.")
    ] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Go back to the weights shipped with hrdd.")] = False,
    min_pairs: Annotated[
        int, typer.Option("--min-pairs", help="Refuse with fewer confirmed pairs than this.")
    ] = 200,
    actor: Annotated[
        str | None, typer.Option("--as", help="E-mail address of the user recorded as applying it.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Calibrate the matching model on the pairs reviewers confirmed: each level's weight shipped and calibrated,
    and how many pairs it rests on. Nothing changes without --apply; stored verdicts are never recomputed."""
    django_setup()
    from hrdd.cli.tasks import _user
    from hrdd.supplier_sites import calibration, services

    if apply and reset:
        raise InputError("give --apply or --reset, not both", field="--reset")
    user = _user(actor) if actor else None
    if reset:
        previous = services.match_parameters_reset(actor=user)
        message = (
            "Back to the shipped weights: new matches use them; verdicts already stored are not recomputed."
            if previous
            else "The shipped weights are in force already: nothing changed."
        )
        if as_json:
            print_json({"reset": previous is not None, "parameters": "shipped"})
        else:
            stdout().print(message, highlight=False)
        return
    found = calibration.calibration_estimate(min_pairs=min_pairs)
    row = services.match_parameters_apply(actor=user, calibration=found) if apply else None
    closing = (
        "Applied: new matches use the calibrated weights; verdicts already stored are not recomputed "
        "(`hrdd sites calibrate --reset` goes back)."
        if row
        else "Nothing applied: run again with --apply to use the calibrated weights for new matches."
    )
    if as_json:
        print_json(found.as_dict() | {"applied": row is not None})
        return
    table = Table(title=f"Weights (bits) calibrated on {found.pairs} confirmed pairs")
    for column in ("comparison", "level", "shipped", "calibrated", "pairs"):
        table.add_column(column, justify="right" if column != "comparison" and column != "level" else "left")
    for level in found.levels:
        table.add_row(
            level.comparison,
            level.level,
            calibration.weight_text(level.shipped),
            calibration.weight_text(level.calibrated),
            "?" if level.pairs is None else str(level.pairs),
        )
    out = stdout()
    out.print(table)
    out.print(
        f"{found.rejected_left_out} rejected pairs left out: they are the hardest cases, not a random sample "
        "(they still act as decisions).",
        highlight=False,
    )
    out.print(closing, highlight=False)
