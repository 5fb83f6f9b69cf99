"""The site registry on the command line: `hrdd sites` (issue 11).

`match` (hrdd.cli.sites_match) compares two CSV files without a database; the registry's commands (import,
review, export) are defined below it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, machine_output, print_json, stderr, stdout, write_output
from hrdd.cli.common import gettext as _
from hrdd.cli.sites_match import SITES_MATCH_HELP, sites_match
from hrdd.core.errors import InputError, NotFound
from hrdd.domain.texts import gettext_noop

sites_app = typer.Typer(
    help=gettext_noop("The registry of production sites: import, match, review."), no_args_is_help=True
)
sites_app.command("match", help=SITES_MATCH_HELP)(sites_match)


# the registry's commands: they act as a user (--as), in one of their organisations (--organisation)

AsOpt = Annotated[str, typer.Option("--as", help=gettext_noop("E-mail address of the user who acts."))]
OrganisationOpt = Annotated[
    str | None,
    typer.Option(
        "--organisation",
        help=gettext_noop("The organisation to act in (name or id), when the user has several."),
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
            raise InputError(
                _("%(email)s is not a member of an organisation %(organisation)r")
                % {"email": email, "organisation": text},
                field="--organisation",
            )
        user.organisation = found
    if user.organisation is None:
        raise InputError(
            _("%(email)s works in no organisation; name one") % {"email": email}, field="--organisation"
        )
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
        raise InputError(
            done.error or _("task %(task)s is %(status)s") % {"task": done.public_id, "status": done.status},
            field="file",
        )
    (stderr() if quiet else stdout()).print(done.message, highlight=False)
    return done


@sites_app.command(
    "import",
    help=gettext_noop(
        "Import a site list into the registry: each row is linked to a known site, queued for review, or a new "
        "site; refused rows are listed with their numbers and reasons."
    ),
)
def sites_import(
    file: Annotated[
        Path,
        typer.Argument(help=gettext_noop("A site list, CSV or XLSX (CC2 or Open Supply Hub columns).")),
    ],
    actor: AsOpt,
    supplier: Annotated[
        str, typer.Option("--supplier", help=gettext_noop("The supplier the list comes from."))
    ] = "",
    contract: Annotated[
        str, typer.Option("--contract", help=gettext_noop("The contract it is for (its id)."))
    ] = "",
    organisation: OrganisationOpt = None,
    queue: Annotated[
        bool, typer.Option("--queue", help=gettext_noop("Leave the work to the task worker."))
    ] = False,
    as_json: JsonOpt = False,
) -> None:
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
            _("row %(row)s, %(field)s: %(reason)s")
            % {"row": rejected["row"], "field": rejected["field"], "reason": rejected["reason"]},
            highlight=False,
            markup=False,
        )
    if len(found.rejected_rows) > 50:
        errors.print(
            _("… and %(count)s more refused rows") % {"count": found.counts.get("rejected", 0) - 50},
            highlight=False,
            markup=False,
        )
    if found.counts.get("review"):
        stdout().print(_("Review them with `hrdd sites review --as ...`."), highlight=False, markup=False)


def _mention(user: Any, reference: str, option: str) -> Any:
    """A mention of the user's organisation by its id or the first characters of it (at least 6)."""
    from hrdd.supplier_sites.selectors import mention_get, review_queue

    text = reference.strip().lower()
    try:
        return mention_get(user=user, public_id=uuid.UUID(text))
    except ValueError:
        pass
    except NotFound as exc:
        raise InputError(
            _("no mention %(mention)r in your organisation") % {"mention": reference}, field=option
        ) from exc
    if len(text) < 6:
        raise InputError(_("give at least the first 6 characters of the mention's id"), field=option)
    found = [m for m in review_queue(user=user) if str(m.public_id).startswith(text)]
    if not found:
        raise InputError(
            _("no mention(s) waiting for review start with %(mention)r") % {"mention": reference},
            field=option,
        )
    if len(found) != 1:
        raise InputError(
            _("%(count)s mention(s) waiting for review start with %(mention)r")
            % {"count": len(found), "mention": reference},
            field=option,
        )
    return found[0]


def _site(user: Any, reference: str | None) -> Any:
    if not reference:
        return None
    from hrdd.supplier_sites.selectors import site_get

    try:
        return site_get(user=user, public_id=reference.strip())
    except NotFound as exc:
        raise InputError(_("no site %(site)r") % {"site": reference}, field="--site") from exc


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


@sites_app.command(
    "review",
    help=gettext_noop(
        "List the mentions waiting for review with their best candidates, or decide one: `--confirm ID` links it "
        "to its best candidate (or `--site`), `--reject ID` rejects that candidate; decisions are remembered for "
        "every later upload of the same record."
    ),
)
def sites_review(
    actor: AsOpt,
    confirm: Annotated[
        str | None,
        typer.Option("--confirm", help=gettext_noop("Confirm this mention (id or its first characters).")),
    ] = None,
    reject: Annotated[
        str | None,
        typer.Option(
            "--reject", help=gettext_noop("Reject this mention's candidate (id or first characters).")
        ),
    ] = None,
    site: Annotated[
        str | None,
        typer.Option(
            "--site", help=gettext_noop("The site confirmed or rejected (default: the best candidate).")
        ),
    ] = None,
    organisation: OrganisationOpt = None,
    limit: Annotated[int, typer.Option(help=gettext_noop("How many waiting mentions to list."))] = 20,
    as_json: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.supplier_sites import selectors, services

    user = _actor(actor, organisation)
    if confirm and reject:
        raise InputError(_("give --confirm or --reject, not both"), field="--reject")
    if site and not (confirm or reject):
        raise InputError(_("--site goes with --confirm or --reject"), field="--site")
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
            stdout().print(
                f"{mention.name}: {mention.get_status_display()}{linked}", highlight=False, markup=False
            )
        return
    queue = selectors.review_queue(user=user)
    total = queue.count()
    items = [_review_row(i) for i in selectors.review_items(queue[: max(1, limit)])]
    if as_json:
        print_json({"waiting": total, "mentions": items})
        return
    table = Table(title=escape(_("%(count)s mention(s) waiting for review") % {"count": total}))
    for column in (_("mention"), _("as listed"), _("country"), _("best candidate"), _("score")):
        table.add_column(column)
    for item in items:
        best = item["candidates"][0] if item["candidates"] else None
        table.add_row(
            item["mention"][:8],
            escape(f"{item['name']}\n{item['address']}"),
            item["country"],
            escape(f"{best['name']}\n{best['address']}\n{best['site']}") if best else "",
            f"{best['score']:.2f}" if best else "",
        )
    stdout().print(table)
    if total:
        stdout().print(
            _(
                "Decide with `hrdd sites review --as ... --confirm MENTION` or `--reject MENTION` "
                "(first 8 characters)."
            ),
            highlight=False,
            markup=False,
        )


@sites_app.command(
    "export",
    help=gettext_noop(
        "Write the registry (or one supplier's or contract's sites) as CSV, XLSX or JSON, with Open Supply "
        "Hub's columns among them (products from your organisation's lists)."
    ),
)
def sites_export(
    actor: AsOpt,
    format: Annotated[str, typer.Option("--format", help=gettext_noop("csv, xlsx or json."))] = "csv",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help=gettext_noop("The file to write."))
    ] = None,
    supplier: Annotated[
        str, typer.Option("--supplier", help=gettext_noop("Only the sites this supplier of yours lists."))
    ] = "",
    contract: Annotated[
        str, typer.Option("--contract", help=gettext_noop("Only the sites named under this contract."))
    ] = "",
    country: Annotated[
        str, typer.Option("--country", help=gettext_noop("Only the sites of this country."))
    ] = "",
    organisation: OrganisationOpt = None,
) -> None:
    django_setup()
    from hrdd.companies.selectors import company_list
    from hrdd.domain.countries import to_iso3
    from hrdd.supplier_sites import exports, selectors

    user = _actor(actor, organisation)
    if format not in exports.FORMATS:
        raise InputError(
            _("unknown format %(format)r; known: %(known)s")
            % {"format": format, "known": ", ".join(exports.FORMATS)},
            field="--format",
        )
    if format == "xlsx" and output is None:
        raise InputError(_("a workbook is written to a file: give -o FILE"), field="--output")
    supplier_id = None
    if supplier:
        matches = list(company_list(user=user, query=supplier)[:2])
        if not matches:
            raise InputError(
                _("no supplier(s) of yours match %(supplier)r") % {"supplier": supplier}, field="--supplier"
            )
        if len(matches) != 1:
            raise InputError(
                _("%(count)s supplier(s) of yours match %(supplier)r")
                % {"count": len(matches), "supplier": supplier},
                field="--supplier",
            )
        supplier_id = matches[0].public_id
    iso3 = ""
    if country:
        iso3 = to_iso3(country) or ""
        if not iso3:
            raise InputError(_("%(value)r is not a known country") % {"value": country}, field="--country")
    if contract:
        try:
            uuid.UUID(contract)
        except ValueError as exc:
            raise InputError(
                _("%(value)r is not a contract id") % {"value": contract}, field="--contract"
            ) from exc
    machine_output()  # the registry's data: the same file in every language
    sites = selectors.site_list(user=user, country_iso3=iso3, supplier=supplier_id, contract=contract or None)
    content = exports.registry_export(user, sites, format=format)
    write_output(content if format == "xlsx" else content.decode("utf-8-sig"), output)


@sites_app.command(
    "calibrate",
    help=gettext_noop(
        "Calibrate the matching model on the pairs reviewers confirmed: each level's weight shipped and "
        "calibrated, and how many pairs it rests on. Nothing changes without --apply; stored verdicts are never "
        "recomputed."
    ),
)
def sites_calibrate(
    apply: Annotated[
        bool,
        typer.Option(
            "--apply", help=gettext_noop("Put the calibrated weights in force for every new match.")
        ),
    ] = False,
    reset: Annotated[
        bool, typer.Option("--reset", help=gettext_noop("Go back to the weights shipped with hrdd."))
    ] = False,
    min_pairs: Annotated[
        int, typer.Option("--min-pairs", help=gettext_noop("Refuse with fewer confirmed pairs than this."))
    ] = 200,
    actor: Annotated[
        str | None,
        typer.Option("--as", help=gettext_noop("E-mail address of the user recorded as applying it.")),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    django_setup()
    from hrdd.cli.tasks import _user
    from hrdd.supplier_sites import calibration, services

    if apply and reset:
        raise InputError(_("give --apply or --reset, not both"), field="--reset")
    user = _user(actor) if actor else None
    if reset:
        previous = services.match_parameters_reset(actor=user)
        message = (
            _(
                "Back to the shipped weights: new matches use them; verdicts already stored are not recomputed."
            )
            if previous
            else _("The shipped weights are in force already: nothing changed.")
        )
        if as_json:
            print_json({"reset": previous is not None, "parameters": "shipped"})
        else:
            stdout().print(message, highlight=False, markup=False)
        return
    found = calibration.calibration_estimate(min_pairs=min_pairs)
    row = services.match_parameters_apply(actor=user, calibration=found) if apply else None
    closing = (
        _(
            "Applied: new matches use the calibrated weights; verdicts already stored are not recomputed "
            "(`hrdd sites calibrate --reset` goes back)."
        )
        if row
        else _("Nothing applied: run again with --apply to use the calibrated weights for new matches.")
    )
    if as_json:
        print_json(found.as_dict() | {"applied": row is not None})
        return
    table = Table(
        title=escape(_("Weights (bits) calibrated on %(pairs)s confirmed pairs") % {"pairs": found.pairs})
    )
    for i, column in enumerate((_("comparison"), _("level"), _("shipped"), _("calibrated"), _("pairs"))):
        table.add_column(column, justify="left" if i < 2 else "right")
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
        _(
            "%(count)s rejected pairs left out: they are the hardest cases, not a random sample "
            "(they still act as decisions)."
        )
        % {"count": found.rejected_left_out},
        highlight=False,
        markup=False,
    )
    out.print(closing, highlight=False, markup=False)
