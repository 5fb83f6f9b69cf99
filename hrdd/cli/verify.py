"""`hrdd verify`: rate every stored verdict afresh and say which differ (exit 1), or how many agree (exit 0)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from hrdd.cli.common import JsonOpt, django_setup, localize, print_json, stdout
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

VERIFY_HELP = gettext_noop(
    "Check that the stored verdicts (obligations' KPIs, sites' risk links, responses' scores, suppliers' risk "
    "tiers) agree with the rules."
)


def verify(
    today: Annotated[
        str | None, typer.Option(help=gettext_noop("Rate as of this date (YYYY-MM-DD); default today."))
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh", help=gettext_noop("Store the fresh verdict of each one that differs (then exit 0).")
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    try:
        day = dt.date.fromisoformat(today) if today else None
    except ValueError as exc:
        raise InputError(
            _("%(value)r is not a date (YYYY-MM-DD)") % {"value": today}, field="--today"
        ) from exc
    django_setup()
    from hrdd.consultations.selectors import consultation_scores_verify
    from hrdd.consultations.services import response_verdicts_refresh
    from hrdd.contracts.selectors import dashboard_summaries_stale
    from hrdd.contracts.verdicts import obligation_verdicts_refresh, site_links_stale, verdicts_stale
    from hrdd.contracts.versions import dashboard_summaries_forget
    from hrdd.programmes.diligence import tier_refresh, tiers_stale

    stale, checked = verdicts_stale(today=day)
    stale_links, lists = site_links_stale()
    stale_scores = consultation_scores_verify()
    stale_counts = dashboard_summaries_stale()
    stale_tiers = tiers_stale()
    if refresh:
        for company, _stored, _fresh in stale_tiers:
            tier_refresh(company)
    if refresh and stale_counts:
        dashboard_summaries_forget(stale_counts)
    if refresh and stale:
        obligation_verdicts_refresh(obligations=[s.obligation for s in stale], today=day)
    if refresh and stale_scores:
        response_verdicts_refresh(invitation_ids=[s.invitation_id for s in stale_scores])
    if as_json:
        print_json(
            {
                "obligations": checked,
                "site_lists": lists,
                "differ": [
                    {
                        "obligation": s.obligation.pk,
                        "contract": s.obligation.contract.title,
                        "clause": s.obligation.clause,
                        "due_date": s.obligation.due_date.isoformat(),
                        "fields": s.fields,
                        "stored_status": s.stored["status"],
                        "fresh_status": s.fresh["status"],
                        "why": s.why,
                    }
                    for s in stale
                ],
                "site_links_differ": [s.describe() for s in stale_links],
                "response_scores_differ": [s.describe() for s in stale_scores],
                "dashboard_counts_differ": stale_counts,
                "supplier_tiers_differ": [
                    {"company": company.legal_name, "stored_tier": stored, "fresh_tier": fresh}
                    for company, stored, fresh in stale_tiers
                ],
                "refreshed": refresh and bool(stale),
            }
        )
    else:
        lines = [
            _("differs: %(what)s") % {"what": localize(x.describe())}
            for x in (*stale, *stale_links, *stale_scores)
        ]
        for organisation in stale_counts:
            lines.append(
                (
                    _(
                        "differs: the stored dashboard counts of organisation %(organisation)s; they will be counted again"
                    )
                    if refresh
                    else _("differs: the stored dashboard counts of organisation %(organisation)s")
                )
                % {"organisation": organisation}
            )
        for company, stored_tier, fresh_tier in stale_tiers:
            lines.append(
                (
                    _(
                        "differs: the risk tier of %(company)s: stored %(stored)s, fresh %(fresh)s; stored afresh"
                    )
                    if refresh
                    else _("differs: the risk tier of %(company)s: stored %(stored)s, fresh %(fresh)s")
                )
                % {"company": company.legal_name, "stored": stored_tier, "fresh": fresh_tier}
            )
        if stale_scores:
            lines.append(
                (
                    _("%(count)s response score(s) differ from a fresh scoring; they were stored afresh")
                    if refresh
                    else _("%(count)s response score(s) differ from a fresh scoring")
                )
                % {"count": len(stale_scores)}
            )
        if stale or stale_links:
            said = {"stale": len(stale), "checked": checked, "stale_lists": len(stale_links), "lists": lists}
            lines.append(
                (
                    _(
                        "%(stale)s of %(checked)s obligation verdict(s) and %(stale_lists)s of %(lists)s site "
                        "list(s) differ from a fresh rating; the obligation verdicts were stored afresh"
                    )
                    if refresh
                    else _(
                        "%(stale)s of %(checked)s obligation verdict(s) and %(stale_lists)s of %(lists)s site "
                        "list(s) differ from a fresh rating"
                    )
                )
                % said
            )
        elif not (stale_scores or stale_counts or stale_tiers):
            lines.append(
                _(
                    "all %(checked)s obligation verdict(s), the risk links of %(lists)s site list(s), every stored "
                    "response score, the stored dashboard counts and the suppliers' risk tiers agree"
                )
                % {"checked": checked, "lists": lists}
            )
        out = stdout()
        for line in lines:
            out.print(line, highlight=False, markup=False)
    if stale_links or ((stale or stale_scores or stale_counts or stale_tiers) and not refresh):
        raise typer.Exit(code=1)
