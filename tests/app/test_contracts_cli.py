"""`hrdd contract schedule` and `hrdd remind`, run in-process as a user would type them: JSON or a table out,
status 2 without a traceback on bad input. `hrdd remind` on a freshly migrated database, in a separate process,
is in test_cli_entry_points.py.

Every expected date is worked out by hand from the rules of issues 5 and 10: CC1 X months after award (default 3)
or the day before an earlier first delivery; CC2 and CC3 (and CC4 in scenario 3) on each anniversary of the start on
or before the end, and on the end itself when the last contract year ends before its anniversary, a 29 February start
falling on 28 February in common years. Each date comes with its reason; warnings go to standard error.
"""

import json
from pathlib import Path

import pytest

from tests.cli_support import assert_refused, ok

REPO = Path(__file__).resolve().parents[2]

CC1 = "Human-rights risk assessment after award"
CC2 = "Reporting on supply-chain transparency"
CC3 = "Reporting on mitigating actions"
CC4 = "Reporting on due diligence"


def schedule_with_reasons(cli, scenario, award, start, end, *extra):
    result = ok(
        cli(
            "contract", "schedule", "--scenario", scenario, "--award", award, "--start", start, "--end", end,
            *extra, "--json",
        )
    )  # fmt: skip
    return json.loads(result.stdout)


def schedule(cli, scenario, award, start, end, *extra):
    """The obligations as clause, title and due date (their reasons are tested apart)."""
    return [
        {k: o[k] for k in ("clause", "title", "due")}
        for o in schedule_with_reasons(cli, scenario, award, start, end, *extra)
    ]


def refused_schedule(
    cli, *, scenario="1", award="2025-01-15", start="2025-02-01", end="2027-01-31", extra=()
):
    return cli(
        "contract",
        "schedule",
        "--scenario",
        scenario,
        "--award",
        award,
        "--start",
        start,
        "--end",
        end,
        *extra,
    )


# contract schedule: scenario 1


def test_scenario_1_schedules_the_risk_assessment_3_months_after_award(cli):
    # when
    obligations = schedule(cli, 1, "2025-01-15", "2025-02-01", "2027-01-31")

    # then
    assert obligations == [{"clause": "CC1", "title": CC1, "due": "2025-04-15"}]


def test_scenario_1_with_months_schedules_the_risk_assessment_x_months_after_award(cli):
    # when
    obligations = schedule(cli, 1, "2025-01-15", "2025-02-01", "2027-01-31", "--months", 6)

    # then
    assert obligations == [{"clause": "CC1", "title": CC1, "due": "2025-07-15"}]


def test_scenario_1_months_after_award_clamp_to_the_end_of_february(cli):
    # given: 30 November 2024 + 3 months = 28 February 2025
    award = "2024-11-30"

    # when
    obligations = schedule(cli, 1, award, "2024-12-01", "2026-11-30")

    # then
    assert obligations == [{"clause": "CC1", "title": CC1, "due": "2025-02-28"}]


def test_scenario_1_an_earlier_first_delivery_brings_the_risk_assessment_to_the_day_before_it(cli):
    # when
    obligations = schedule(cli, 1, "2025-01-15", "2025-02-01", "2027-01-31", "--first-delivery", "2025-03-10")

    # then
    assert obligations == [{"clause": "CC1", "title": CC1, "due": "2025-03-09"}]


def test_scenario_1_a_later_first_delivery_leaves_the_risk_assessment_at_x_months(cli):
    # when
    obligations = schedule(cli, 1, "2025-01-15", "2025-02-01", "2027-01-31", "--first-delivery", "2025-05-01")

    # then
    assert obligations == [{"clause": "CC1", "title": CC1, "due": "2025-04-15"}]


def test_scenario_1_with_the_risk_assessment_in_the_tender_prints_an_empty_array(cli):
    # when
    obligations = schedule(cli, 1, "2025-01-15", "2025-02-01", "2027-01-31", "--risk-assessment-in-tender")

    # then
    assert obligations == []


# contract schedule: scenarios 2 and 3


def test_scenario_2_schedules_both_reports_on_each_anniversary_up_to_an_end_on_one(cli):
    # when
    obligations = schedule(cli, 2, "2025-01-15", "2025-03-01", "2027-03-01")

    # then
    assert obligations == [
        {"clause": "CC2", "title": CC2, "due": "2026-03-01"},
        {"clause": "CC3", "title": CC3, "due": "2026-03-01"},
        {"clause": "CC2", "title": CC2, "due": "2027-03-01"},
        {"clause": "CC3", "title": CC3, "due": "2027-03-01"},
    ]


def test_scenario_2_shorter_than_a_year_schedules_both_reports_on_the_end(cli):
    # when
    obligations = schedule(cli, 2, "2025-01-15", "2025-03-01", "2026-02-28")

    # then
    assert obligations == [
        {"clause": "CC2", "title": CC2, "due": "2026-02-28"},
        {"clause": "CC3", "title": CC3, "due": "2026-02-28"},
    ]


def test_scenario_3_adds_the_due_diligence_report(cli):
    # when
    obligations = schedule(cli, 3, "2025-01-15", "2025-03-01", "2026-03-01")

    # then
    assert obligations == [
        {"clause": "CC2", "title": CC2, "due": "2026-03-01"},
        {"clause": "CC3", "title": CC3, "due": "2026-03-01"},
        {"clause": "CC4", "title": CC4, "due": "2026-03-01"},
    ]


def test_obligations_are_ordered_by_due_date_then_clause(cli):
    # when
    obligations = schedule(cli, 3, "2025-01-15", "2025-03-01", "2028-03-01")

    # then
    assert [(o["due"], o["clause"]) for o in obligations] == [
        ("2026-03-01", "CC2"),
        ("2026-03-01", "CC3"),
        ("2026-03-01", "CC4"),
        ("2027-03-01", "CC2"),
        ("2027-03-01", "CC3"),
        ("2027-03-01", "CC4"),
        ("2028-03-01", "CC2"),
        ("2028-03-01", "CC3"),
        ("2028-03-01", "CC4"),
    ]


def test_a_29_february_start_falls_on_28_february_in_common_years(cli):
    # when
    obligations = schedule(cli, 2, "2024-01-10", "2024-02-29", "2028-02-29")

    # then
    assert [(o["due"], o["clause"]) for o in obligations] == [
        ("2025-02-28", "CC2"),
        ("2025-02-28", "CC3"),
        ("2026-02-28", "CC2"),
        ("2026-02-28", "CC3"),
        ("2027-02-28", "CC2"),
        ("2027-02-28", "CC3"),
        ("2028-02-29", "CC2"),
        ("2028-02-29", "CC3"),
    ]


def test_a_29_february_start_ending_on_28_february_has_its_final_report_on_the_end(cli):
    # when
    obligations = schedule(cli, 2, "2024-01-10", "2024-02-29", "2028-02-28")

    # then: the leap anniversary (29 February 2028) falls after the end
    assert sorted({o["due"] for o in obligations}) == ["2025-02-28", "2026-02-28", "2027-02-28", "2028-02-28"]


def test_the_table_lists_each_obligation_with_its_date_and_reason(cli):
    # when
    result = ok(
        cli(
            "contract", "schedule", "--scenario", 3, "--award", "2025-01-15", "--start", "2025-03-01",
            "--end", "2026-03-01",
        )
    )  # fmt: skip

    # then
    lines = [line for line in result.stdout.splitlines() if "2026-03-01" in line]
    assert [next(c for c in ("CC2", "CC3", "CC4") if c in line) for line in lines] == ["CC2", "CC3", "CC4"]
    assert CC4 in result.stdout
    assert "anniversary 1" in result.stdout


def test_the_table_of_scenario_1_shows_the_risk_assessment(cli):
    # when
    result = ok(
        cli(
            "contract", "schedule", "--scenario", 1, "--award", "2025-01-15", "--start", "2025-02-01",
            "--end", "2027-01-31",
        )
    )  # fmt: skip

    # then
    assert "CC1" in result.stdout
    assert "2025-04-15" in result.stdout
    assert "3 months after the award" in result.stdout


# contract schedule: bad input


def test_an_end_before_the_start_is_refused_naming_end(cli):
    # when
    result = refused_schedule(cli, start="2025-03-01", end="2025-02-28")

    # then
    assert_refused(result, "--end")


def test_a_start_before_the_award_is_refused_naming_start(cli):
    # when
    result = refused_schedule(cli, award="2025-03-02", start="2025-03-01", end="2027-03-01")

    # then
    assert_refused(result, "--start")


def test_a_first_delivery_before_the_award_is_refused_naming_first_delivery(cli):
    # when
    result = refused_schedule(cli, extra=("--first-delivery", "2025-01-14"))

    # then
    assert_refused(result, "--first-delivery")


def test_an_unknown_scenario_is_refused_naming_scenario(cli):
    # when
    result = refused_schedule(cli, scenario="4")

    # then
    assert_refused(result, "--scenario", "4")


def test_zero_months_are_refused_naming_months(cli):
    # when
    result = refused_schedule(cli, extra=("--months", "0"))

    # then
    assert_refused(result, "--months")


@pytest.mark.parametrize(
    ("option", "kwargs"),
    [
        ("--award", {"award": "2025-02-30"}),
        ("--start", {"start": "1 February 2025"}),
        ("--end", {"end": "notadate"}),
        ("--first-delivery", {"extra": ("--first-delivery", "2025-13-01")}),
    ],
)
def test_a_malformed_date_is_refused_naming_its_option(cli, option, kwargs):
    # when
    result = refused_schedule(cli, **kwargs)

    # then
    assert_refused(result, option, "not a date")


def test_an_empty_first_delivery_is_refused_as_not_a_date(cli):
    # given: e.g. `--first-delivery "$FIRST_DELIVERY"` with the variable unset; `--award ""` is refused, and a
    # silently dropped first delivery would leave the risk assessment due later than the contract requires
    extra = ("--first-delivery", "")

    # when
    result = refused_schedule(cli, extra=extra)

    # then
    assert_refused(result, "--first-delivery", "not a date")


# remind


@pytest.mark.django_db
def test_remind_twice_on_an_empty_database_sends_nothing_twice(cli):
    # given
    ok(cli("migrate"))
    ok(cli("remind", "--today", "2030-01-01"))

    # when
    result = ok(cli("remind", "--today", "2030-01-01"))

    # then
    assert "0 reminder(s) sent" in result.stdout


def test_remind_with_a_malformed_today_is_refused_naming_today(cli):
    # when
    result = cli("remind", "--today", "notadate")

    # then
    assert_refused(result, "--today", "not a date")
