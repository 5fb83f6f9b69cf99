"""Step 4 on the command line: `hrdd contract schedule` (obligations and due dates) and `hrdd remind`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from hrdd.cli.common import JsonOpt, localize, print_json, site_language, stderr, stdout
from hrdd.cli.common import gettext as _
from hrdd.core.errors import InputError
from hrdd.domain.texts import gettext_noop

contract_app = typer.Typer(
    help=gettext_noop("Step 4: contract obligations, deadlines and KPIs."), no_args_is_help=True
)

# the domain's field names that are not simply the option without its dashes
FIELD_OPTIONS = {"first_delivery": "--first-delivery"}


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(_("%(value)r is not a date (YYYY-MM-DD)") % {"value": value}, field=option) from exc


@contract_app.command(
    "schedule",
    help=gettext_noop(
        "List a contract's obligations and their due dates, derived from its scenario's clauses, each with the "
        "reason for its date; warnings about the dates (a CC1 after the end, months a scenario does not use) go "
        "to standard error, and in JSON also beside the obligation they concern."
    ),
)
def contract_schedule(
    scenario: Annotated[int, typer.Option("--scenario", help=gettext_noop("1, 2 or 3."))],
    award: Annotated[str, typer.Option("--award", help=gettext_noop("Award date, YYYY-MM-DD."))],
    start: Annotated[str, typer.Option("--start", help=gettext_noop("Contract start date, YYYY-MM-DD."))],
    end: Annotated[str, typer.Option("--end", help=gettext_noop("Contract end date, YYYY-MM-DD."))],
    months: Annotated[
        int | None, typer.Option(help=gettext_noop("Months after award for the risk assessment (CC1)."))
    ] = None,
    first_delivery: Annotated[
        str | None, typer.Option("--first-delivery", help=gettext_noop("First delivery, YYYY-MM-DD."))
    ] = None,
    risk_assessment_in_tender: Annotated[
        bool,
        typer.Option(
            "--risk-assessment-in-tender",
            help=gettext_noop("The risk assessment was given in the tender: no CC1."),
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    from hrdd.domain.contracts import plan_schedule
    from hrdd.domain.tender import TenderInputError, get_tender_framework

    award_date = _date(award, "--award")
    start_date = _date(start, "--start")
    end_date = _date(end, "--end")
    first_delivery_date = _date(first_delivery, "--first-delivery") if first_delivery is not None else None
    try:
        schedule = plan_schedule(
            scenario=scenario,
            award=award_date,
            start=start_date,
            end=end_date,
            framework=get_tender_framework(),
            months=months,
            first_delivery=first_delivery_date,
            risk_assessment_in_tender=risk_assessment_in_tender,
        )
    except TenderInputError as exc:
        if not exc.field:
            raise InputError(str(localize(exc.args[0]) if exc.args else exc)) from exc
        message = str(exc).removeprefix(f"{exc.field}: ")
        raise InputError(message, field=FIELD_OPTIONS.get(exc.field, f"--{exc.field}")) from exc
    errors = stderr()
    for warning in schedule.warnings:  # `warning:` stays English, like `error:`: the mark scripts look for
        errors.print(f"warning: {localize(warning)}", highlight=False, markup=False)
    if as_json:
        print_json([o.as_dict() for o in schedule.obligations])
        return
    table = Table(title=escape(_("Obligations, scenario %(scenario)s") % {"scenario": scenario}))
    for column in (_("due"), _("clause"), _("title"), _("why this date")):
        table.add_column(column)
    for o in schedule.obligations:
        warnings = "".join(f" (warning: {localize(w)})" for w in o.warnings)
        table.add_row(
            o.due.isoformat(), o.clause, escape(localize(o.title)), escape(f"{localize(o.reason)}{warnings}")
        )
    stdout().print(table)


REMIND_HELP = gettext_noop(
    "Send the reminder e-mails due today, before and after each deadline, rate the statuses the day changes and "
    "tell contract managers about incidents at sites their suppliers newly named; safe to run twice (daily)."
)


def remind(
    today: Annotated[
        str | None, typer.Option(help=gettext_noop("Pretend today is this date (YYYY-MM-DD)."))
    ] = None,
) -> None:
    day = _date(today, "--today") if today else None
    # the e-mails and stored statuses are the installation's, whatever the language of the terminal (a cron job's)
    with site_language():
        from hrdd.contracts.services import reminders_send
        from hrdd.contracts.verdicts import obligation_verdicts_refresh_daily
        from hrdd.incidents.services import exposure_notify_new_mentions
        from hrdd.programmes.certifications import certification_reminders_send
        from hrdd.programmes.reminders import programme_reminders_send

        rated = obligation_verdicts_refresh_daily(today=day)  # the statuses a new day changes
        sent = reminders_send(today=day)
        notices = exposure_notify_new_mentions()  # sites named since the last run that have incidents
        expiring = certification_reminders_send(
            today=day
        )  # certifications nearing or past their end, once each
        due = programme_reminders_send(today=day)  # gaps, milestones, case follow-ups, NGO answers, once each
    out = stdout()
    for line in (
        _("%(count)s certification expiry reminder(s) sent") % {"count": len(expiring)},
        _("%(count)s programme reminder(s) sent") % {"count": len(due)},
        _("%(count)s obligation verdict(s) rated for the day") % {"count": rated},
        _("%(count)s incident notice(s) for newly named sites") % {"count": len(notices)},
    ):
        out.print(line, highlight=False, markup=False)
    for obligation, key in sent:
        out.print(
            _("sent %(reminder)s: %(contract)s %(clause)s due %(due)s")
            % {
                "reminder": key,
                "contract": obligation.contract,
                "clause": obligation.clause,
                "due": obligation.due_date,
            },
            highlight=False,
            markup=False,
        )
    out.print(_("%(count)s reminder(s) sent") % {"count": len(sent)}, markup=False)
