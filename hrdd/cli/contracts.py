"""Step 4 on the command line: `hrdd contract schedule` (obligations and due dates) and `hrdd remind`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table

from hrdd.cli.common import JsonOpt, django_setup, print_json, stderr, stdout
from hrdd.core.errors import InputError

contract_app = typer.Typer(help="Step 4: contract obligations, deadlines and KPIs.", no_args_is_help=True)

# the domain's field names that are not simply the option without its dashes
FIELD_OPTIONS = {"first_delivery": "--first-delivery"}


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{value!r} is not a date (YYYY-MM-DD)", field=option) from exc


@contract_app.command("schedule")
def contract_schedule(
    scenario: Annotated[int, typer.Option("--scenario", help="1, 2 or 3.")],
    award: Annotated[str, typer.Option("--award", help="Award date, YYYY-MM-DD.")],
    start: Annotated[str, typer.Option("--start", help="Contract start date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--end", help="Contract end date, YYYY-MM-DD.")],
    months: Annotated[
        int | None, typer.Option(help="Months after award for the risk assessment (CC1).")
    ] = None,
    first_delivery: Annotated[
        str | None, typer.Option("--first-delivery", help="First delivery, YYYY-MM-DD.")
    ] = None,
    risk_assessment_in_tender: Annotated[
        bool,
        typer.Option(
            "--risk-assessment-in-tender", help="The risk assessment was given in the tender: no CC1."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """List a contract's obligations and their due dates, derived from its scenario's clauses, each with the
    reason for its date; warnings about the dates (a CC1 after the end, months a scenario does not use) go to
    standard error, and in JSON also beside the obligation they concern."""
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
            raise InputError(str(exc)) from exc
        message = str(exc).removeprefix(f"{exc.field}: ")
        raise InputError(message, field=FIELD_OPTIONS.get(exc.field, f"--{exc.field}")) from exc
    errors = stderr()
    for warning in schedule.warnings:
        errors.print(f"warning: {warning}", highlight=False, markup=False)
    if as_json:
        print_json([o.as_dict() for o in schedule.obligations])
        return
    table = Table(title=f"Obligations, scenario {scenario}")
    for column in ("due", "clause", "title", "why this date"):
        table.add_column(column)
    for o in schedule.obligations:
        table.add_row(
            o.due.isoformat(), o.clause, o.title, o.reason + "".join(f" (warning: {w})" for w in o.warnings)
        )
    stdout().print(table)


def remind(
    today: Annotated[str | None, typer.Option(help="Pretend today is this date (YYYY-MM-DD).")] = None,
) -> None:
    """Send the reminder e-mails due today, before and after each deadline, rate the statuses the day changes and
    tell contract managers about incidents at sites their suppliers newly named; safe to run twice (daily)."""
    day = _date(today, "--today") if today else None
    django_setup()
    from hrdd.contracts.services import reminders_send
    from hrdd.contracts.verdicts import obligation_verdicts_refresh_daily
    from hrdd.incidents.services import exposure_notify_new_mentions

    rated = obligation_verdicts_refresh_daily(today=day)  # the statuses a new day changes
    sent = reminders_send(today=day)
    notices = exposure_notify_new_mentions()  # sites named since the last run that have incidents
    from hrdd.programmes.certifications import certification_reminders_send

    expiring = certification_reminders_send(today=day)  # certifications nearing or past their end, once each
    stdout().print(f"{len(expiring)} certification expiry reminder(s) sent", highlight=False)
    from hrdd.programmes.reminders import programme_reminders_send

    due = programme_reminders_send(today=day)  # gaps, milestones, case follow-ups, NGO answers, once each
    stdout().print(f"{len(due)} programme reminder(s) sent", highlight=False)
    out = stdout()
    out.print(f"{rated} obligation verdict(s) rated for the day", highlight=False)
    out.print(f"{len(notices)} incident notice(s) for newly named sites", highlight=False)
    for obligation, key in sent:
        out.print(
            f"sent {key}: {obligation.contract} {obligation.clause} due {obligation.due_date}",
            highlight=False,
        )
    out.print(f"{len(sent)} reminder(s) sent")
