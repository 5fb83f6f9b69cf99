"""Contract obligations, deadlines, KPIs and reminders (issue 5; CFIT manual 3.3 clauses CC1-CC4, 3.4 Lesson 1).

Pure domain: no Django, no database. Every expected date is worked out by hand from the rules:

    add months: a day past the end of the target month falls on its last day (31 Jan + 1 = 28/29 Feb);
    CC1 (scenario 1): X months after award (default 3), or the day before the first delivery when that is
        earlier ("in any case prior to the delivery of the goods"); none when the risk assessment was already
        given in the tender;
    CC2, CC3 (scenarios 2, 3) and CC4 (scenario 3): on each anniversary of the start, on or before the end, and
        on the end date itself when the last contract year ends before its anniversary (issue 10: the schedule
        covers the whole contract); a 29 February start falls on 28 February in common years.
"""

import datetime as dt

import pytest

from hrdd.domain.contracts import (
    InformationRequestState,
    KpiResult,
    ObligationVerdict,
    add_months,
    anniversary,
    contents_check,
    plan_schedule,
    rate_obligation,
    read_risk_assessment,
    reminder_due,
    responsiveness,
    schedule_obligations,
    site_list_completeness,
    status_changes_on,
    timeliness,
    worst_status,
)
from hrdd.domain.tender import TenderInputError, get_tender_framework

FRAMEWORK = get_tender_framework()

TITLES = {
    "CC1": "Human-rights risk assessment after award",
    "CC2": "Reporting on supply-chain transparency",
    "CC3": "Reporting on mitigating actions",
    "CC4": "Reporting on due diligence",
}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def schedule(scenario, award, start, end, **kwargs):
    """The obligations as (due date, clause) pairs, in the order returned."""
    obligations = schedule_obligations(
        scenario=scenario, award=d(award), start=d(start), end=d(end), framework=FRAMEWORK, **kwargs
    )
    return [(o.due.isoformat(), o.clause) for o in obligations]


def refusal(**kwargs) -> TenderInputError:
    arguments = {
        "scenario": 1,
        "award": d("2025-01-15"),
        "start": d("2025-02-01"),
        "end": d("2027-01-31"),
        "framework": FRAMEWORK,
    }
    arguments.update(kwargs)
    with pytest.raises(TenderInputError) as caught:
        schedule_obligations(**arguments)
    return caught.value


# --- add_months and anniversary -----------------------------------------------------------------------------


def test_31_january_plus_one_month_is_28_february_in_a_common_year():
    # when
    day = add_months(d("2025-01-31"), 1)

    # then
    assert day == d("2025-02-28")


def test_31_january_plus_one_month_is_29_february_in_a_leap_year():
    # when
    day = add_months(d("2024-01-31"), 1)

    # then
    assert day == d("2024-02-29")


def test_31_august_plus_six_months_is_28_february_of_a_common_next_year():
    # when
    day = add_months(d("2024-08-31"), 6)

    # then
    assert day == d("2025-02-28")


def test_31_august_plus_six_months_is_29_february_of_a_leap_next_year():
    # when
    day = add_months(d("2023-08-31"), 6)

    # then
    assert day == d("2024-02-29")


def test_adding_months_past_december_rolls_over_into_the_next_year():
    # when
    days = [add_months(d("2025-11-15"), 3), add_months(d("2025-12-31"), 1), add_months(d("2025-10-31"), 14)]

    # then
    assert days == [d("2026-02-15"), d("2026-01-31"), d("2026-12-31")]


def test_a_day_that_exists_in_the_target_month_is_kept():
    # when
    day = add_months(d("2025-01-15"), 3)

    # then
    assert day == d("2025-04-15")


def test_anniversaries_of_29_february_fall_on_28_february_in_common_years_and_29_in_leap_years():
    # given
    start = d("2024-02-29")

    # when
    days = [anniversary(start, years) for years in (1, 2, 3, 4)]

    # then
    assert days == [d("2025-02-28"), d("2026-02-28"), d("2027-02-28"), d("2028-02-29")]


# --- schedule: scenario 1 (CC1) -------------------------------------------------------------------------------


def test_scenario_1_risk_assessment_is_due_3_months_after_award_by_default():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31")

    # then
    assert obligations == [("2025-04-15", "CC1")]


def test_scenario_1_default_months_come_from_the_framework_and_are_3():
    # then
    assert FRAMEWORK.parameters.default_months == 3


def test_scenario_1_risk_assessment_is_due_x_months_after_award():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31", months=6)

    # then
    assert obligations == [("2025-07-15", "CC1")]


def test_scenario_1_months_after_award_end_on_the_last_day_of_a_shorter_month():
    # given: 30 November + 3 months = 30 February, which does not exist in 2025
    award = "2024-11-30"

    # when
    obligations = schedule(1, award, "2024-12-01", "2026-11-30")

    # then
    assert obligations == [("2025-02-28", "CC1")]


def test_scenario_1_an_earlier_first_delivery_brings_the_risk_assessment_to_the_day_before_it():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31", first_delivery=d("2025-03-10"))

    # then: "in any case prior to the delivery of the goods"
    assert obligations == [("2025-03-09", "CC1")]


def test_scenario_1_a_later_first_delivery_does_not_move_the_risk_assessment():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31", first_delivery=d("2025-05-01"))

    # then
    assert obligations == [("2025-04-15", "CC1")]


def test_scenario_1_a_first_delivery_on_the_x_months_date_brings_the_risk_assessment_a_day_forward():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31", first_delivery=d("2025-04-15"))

    # then: the assessment comes before the goods
    assert obligations == [("2025-04-14", "CC1")]


def test_scenario_1_a_first_delivery_the_day_after_x_months_leaves_the_x_months_date():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31", first_delivery=d("2025-04-16"))

    # then
    assert obligations == [("2025-04-15", "CC1")]


def test_scenario_1_first_delivery_is_compared_with_x_months_not_with_the_default():
    # given: 6 months after award is 2025-07-15; a first delivery on 2025-05-01 is earlier than that
    first_delivery = d("2025-05-01")

    # when
    obligations = schedule(
        1, "2025-01-15", "2025-02-01", "2027-01-31", months=6, first_delivery=first_delivery
    )

    # then
    assert obligations == [("2025-04-30", "CC1")]


def test_scenario_1_has_no_obligation_when_the_risk_assessment_was_given_in_the_tender():
    # when
    obligations = schedule(1, "2025-01-15", "2025-02-01", "2027-01-31", risk_assessment_in_tender=True)

    # then
    assert obligations == []


def test_scenario_1_obligation_carries_the_clause_title():
    # when
    (obligation,) = schedule_obligations(
        scenario=1, award=d("2025-01-15"), start=d("2025-02-01"), end=d("2027-01-31"), framework=FRAMEWORK
    )

    # then
    assert obligation.title == TITLES["CC1"]
    assert obligation.as_dict() == {
        "clause": "CC1",
        "title": TITLES["CC1"],
        "due": "2025-04-15",
        "reason": "3 months after the award on 2025-01-15",
        "warnings": [],
    }


# --- schedule: scenarios 2 and 3 (CC2, CC3, CC4) --------------------------------------------------------------


def test_scenario_2_reports_fall_on_each_anniversary_including_an_end_date_equal_to_one():
    # when
    obligations = schedule(2, "2025-01-15", "2025-03-01", "2028-03-01")

    # then
    assert obligations == [
        ("2026-03-01", "CC2"),
        ("2026-03-01", "CC3"),
        ("2027-03-01", "CC2"),
        ("2027-03-01", "CC3"),
        ("2028-03-01", "CC2"),
        ("2028-03-01", "CC3"),
    ]


def test_scenario_2_a_last_year_ending_before_its_anniversary_gets_a_final_report_on_the_end_date():
    # given: a three-year contract ending the day before its third anniversary
    end = "2028-02-29"

    # when
    obligations = schedule(2, "2025-01-15", "2025-03-01", end)

    # then: one report for each of the three contract years
    assert obligations == [
        ("2026-03-01", "CC2"),
        ("2026-03-01", "CC3"),
        ("2027-03-01", "CC2"),
        ("2027-03-01", "CC3"),
        ("2028-02-29", "CC2"),
        ("2028-02-29", "CC3"),
    ]


def test_scenario_2_a_contract_shorter_than_a_year_gets_one_report_at_its_end():
    # when
    obligations = schedule(2, "2025-01-15", "2025-03-01", "2026-02-28")

    # then
    assert obligations == [("2026-02-28", "CC2"), ("2026-02-28", "CC3")]


def test_scenario_2_has_no_risk_assessment_obligation_even_with_a_first_delivery():
    # when
    obligations = schedule(2, "2025-01-15", "2025-03-01", "2026-03-01", first_delivery=d("2025-02-01"))

    # then
    assert obligations == [("2026-03-01", "CC2"), ("2026-03-01", "CC3")]


def test_scenario_2_anniversaries_count_from_the_start_not_from_the_award():
    # given: awarded in January 2025, started in September 2025
    award, start = "2025-01-15", "2025-09-10"

    # when
    obligations = schedule(2, award, start, "2027-09-10")

    # then
    assert [due for due, _ in obligations] == ["2026-09-10", "2026-09-10", "2027-09-10", "2027-09-10"]


def test_scenario_3_adds_due_diligence_reports_to_each_anniversary():
    # when
    obligations = schedule(3, "2025-01-15", "2025-03-01", "2027-03-01")

    # then
    assert obligations == [
        ("2026-03-01", "CC2"),
        ("2026-03-01", "CC3"),
        ("2026-03-01", "CC4"),
        ("2027-03-01", "CC2"),
        ("2027-03-01", "CC3"),
        ("2027-03-01", "CC4"),
    ]


def test_obligations_are_sorted_by_due_date_then_clause():
    # when
    obligations = schedule(3, "2025-01-15", "2025-03-01", "2029-03-01")

    # then
    assert obligations == sorted(obligations)
    assert len(obligations) == 12


def test_a_29_february_start_ending_on_28_february_gets_its_last_report_on_the_end_not_the_anniversary():
    # when
    obligations = schedule(2, "2024-01-10", "2024-02-29", "2028-02-28")

    # then: the fourth anniversary (29 February 2028) falls after the end, so the final report is on the end
    assert [due for due, clause in obligations if clause == "CC2"] == [
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-28",
    ]


def test_a_29_february_start_includes_the_leap_anniversary_when_the_contract_ends_on_it():
    # when
    obligations = schedule(2, "2024-01-10", "2024-02-29", "2028-02-29")

    # then
    assert obligations == [
        ("2025-02-28", "CC2"),
        ("2025-02-28", "CC3"),
        ("2026-02-28", "CC2"),
        ("2026-02-28", "CC3"),
        ("2027-02-28", "CC2"),
        ("2027-02-28", "CC3"),
        ("2028-02-29", "CC2"),
        ("2028-02-29", "CC3"),
    ]


def test_a_29_february_start_goes_back_to_28_february_after_the_leap_year():
    # when
    obligations = schedule(3, "2024-01-10", "2024-02-29", "2029-03-01")

    # then: and a final report on the end, 1 March 2029, a day after the fifth anniversary
    assert [due for due, clause in obligations if clause == "CC4"] == [
        "2025-02-28",
        "2026-02-28",
        "2027-02-28",
        "2028-02-29",
        "2029-02-28",
        "2029-03-01",
    ]


# --- schedule: refusals ---------------------------------------------------------------------------------------


def test_an_end_before_the_start_is_refused_naming_the_end():
    # when
    error = refusal(start=d("2025-03-01"), end=d("2025-02-28"))

    # then
    assert error.field == "end"
    assert "2025-02-28" in str(error)


def test_a_start_before_the_award_is_refused_naming_the_start():
    # when
    error = refusal(award=d("2025-03-02"), start=d("2025-03-01"), end=d("2027-03-01"))

    # then
    assert error.field == "start"


def test_a_start_on_the_award_date_is_accepted():
    # when
    obligations = schedule(1, "2025-03-01", "2025-03-01", "2027-03-01")

    # then
    assert obligations == [("2025-06-01", "CC1")]


def test_a_first_delivery_before_the_award_is_refused_naming_the_first_delivery():
    # when
    error = refusal(first_delivery=d("2025-01-14"))

    # then
    assert error.field == "first_delivery"


def test_zero_months_is_refused_naming_the_months():
    # when
    error = refusal(months=0)

    # then
    assert error.field == "months"


def test_negative_months_are_refused_naming_the_months():
    # when
    error = refusal(months=-3)

    # then
    assert error.field == "months"


def test_an_unknown_scenario_is_refused_naming_the_scenario():
    # when
    error = refusal(scenario=4)

    # then
    assert error.field == "scenario"
    assert "4" in str(error)


# --- schedule: reasons ----------------------------------------------------------------------------------------


def test_a_risk_assessment_due_after_award_says_how_many_months_after_which_award():
    # when
    (obligation,) = schedule_obligations(
        scenario=1,
        award=d("2025-01-15"),
        start=d("2025-02-01"),
        end=d("2027-01-31"),
        framework=FRAMEWORK,
        months=6,
    )

    # then
    assert "6 months after the award" in obligation.reason
    assert "2025-01-15" in obligation.reason


def test_a_risk_assessment_due_on_the_first_delivery_says_so():
    # when
    (obligation,) = schedule_obligations(
        scenario=1,
        award=d("2025-01-15"),
        start=d("2025-02-01"),
        end=d("2027-01-31"),
        framework=FRAMEWORK,
        first_delivery=d("2025-03-10"),
    )

    # then
    assert "the day before the first delivery on 2025-03-10" in obligation.reason
    assert obligation.due == d("2025-03-09")


def test_every_annual_report_names_its_anniversary_of_the_start():
    # when
    obligations = schedule_obligations(
        scenario=3, award=d("2025-01-15"), start=d("2025-03-01"), end=d("2027-03-01"), framework=FRAMEWORK
    )

    # then
    assert all("anniversary" in o.reason and "2025-03-01" in o.reason for o in obligations)
    assert [o.reason.split()[1] for o in obligations] == ["1", "1", "1", "2", "2", "2"]


# --- KPI: timeliness ------------------------------------------------------------------------------------------


def test_a_submission_before_the_due_date_is_on_time():
    # when
    result = timeliness(due=d("2025-04-15"), submitted=d("2025-04-10"), today=d("2025-05-01"))

    # then
    assert (result.kpi, result.status, result.label) == ("timeliness", "ok", "on time")


def test_a_submission_on_the_due_date_is_on_time():
    # when
    result = timeliness(due=d("2025-04-15"), submitted=d("2025-04-15"), today=d("2025-05-01"))

    # then
    assert (result.status, result.label) == ("ok", "on time")


def test_a_submission_after_the_due_date_is_late_by_exactly_the_days_past_it():
    # given: 27 April is 12 days after 15 April
    submitted = d("2025-04-27")

    # when
    result = timeliness(due=d("2025-04-15"), submitted=submitted, today=d("2025-05-01"))

    # then
    assert (result.status, result.label, result.value) == ("warning", "late by 12 days", 12)


def test_a_submission_across_a_month_end_counts_calendar_days_late():
    # given: 30 April to 2 June is 33 days
    submitted = d("2025-06-02")

    # when
    result = timeliness(due=d("2025-04-30"), submitted=submitted, today=d("2025-06-10"))

    # then
    assert result.value == 33
    assert result.label == "late by 33 days"


def test_nothing_submitted_before_the_due_date_is_not_yet_due():
    # when
    result = timeliness(due=d("2025-04-15"), submitted=None, today=d("2025-04-01"))

    # then
    assert (result.status, result.label) == ("pending", "not yet due")


def test_nothing_submitted_on_the_due_date_is_still_not_yet_overdue():
    # when
    result = timeliness(due=d("2025-04-15"), submitted=None, today=d("2025-04-15"))

    # then
    assert result.status == "pending"


def test_nothing_submitted_after_the_due_date_is_missing_and_overdue_by_the_days_past_it():
    # given: 25 April is 10 days after 15 April
    today = d("2025-04-25")

    # when
    result = timeliness(due=d("2025-04-15"), submitted=None, today=today)

    # then
    assert (result.status, result.label, result.value) == ("problem", "missing, 10 days overdue", 10)


# --- KPI: site list completeness ------------------------------------------------------------------------------


def site(n, **overrides):
    row = {"name": f"Plant {n}", "address": f"{n} Factory Road", "country": "China"}
    row.update(overrides)
    return row


def test_a_site_list_with_every_row_complete_is_100_percent():
    # when
    result = site_list_completeness([site(1), site(2), site(3)])

    # then
    assert (result.kpi, result.status, result.value) == ("completeness", "ok", 100.0)
    assert result.label == "100% complete"


def test_an_incomplete_site_list_without_explanation_is_a_problem_naming_the_row():
    # given: row 3 has no address
    sites = [site(1), site(2), site(3, address="")]

    # when
    result = site_list_completeness(sites)

    # then
    assert result.status == "problem"
    assert result.value == pytest.approx(66.7)
    assert "incomplete rows: 3" in result.reasons
    assert any("explanation" in r for r in result.reasons)


def test_an_incomplete_site_list_with_an_explanation_is_a_warning():
    # given
    sites = [site(1), site(2), site(3, address="")]

    # when
    result = site_list_completeness(sites, explanation="Tier 2 suppliers have not yet answered our request.")

    # then
    assert result.status == "warning"
    assert result.value == pytest.approx(66.7)
    assert "incomplete rows: 3" in result.reasons


def test_a_row_without_a_country_is_incomplete():
    # given
    sites = [site(1, country=None), site(2)]

    # when
    result = site_list_completeness(sites)

    # then
    assert result.value == 50.0
    assert "incomplete rows: 1" in result.reasons


def test_a_row_without_a_name_key_at_all_is_incomplete():
    # given
    sites = [site(1), {"address": "2 Factory Road", "country": "China"}]

    # when
    result = site_list_completeness(sites)

    # then
    assert result.status == "problem"
    assert "incomplete rows: 2" in result.reasons


def test_an_empty_site_list_without_explanation_is_a_problem():
    # when
    result = site_list_completeness([])

    # then
    assert (result.status, result.value) == ("problem", 0.0)


def test_an_empty_site_list_with_an_explanation_is_a_warning():
    # when
    result = site_list_completeness(
        [], explanation="Our suppliers refuse to disclose their sites; next steps: ..."
    )

    # then
    assert (result.status, result.value) == ("warning", 0.0)


def test_whitespace_only_fields_count_as_missing():
    # given
    sites = [site(1), site(2, name="   "), site(3, country="\t\n")]

    # when
    result = site_list_completeness(sites)

    # then
    assert result.status == "problem"
    assert result.value == pytest.approx(33.3)
    assert "incomplete rows: 2, 3" in result.reasons


def test_a_whitespace_only_explanation_is_no_explanation():
    # when
    result = site_list_completeness([site(1), site(2, address=" ")], explanation="   ")

    # then
    assert result.status == "problem"


# --- KPI: contents --------------------------------------------------------------------------------------------


def checklist(clause):
    return FRAMEWORK.criterion(clause).contents


def minimums(clause):
    # CC1 takes award criterion 1's minimums from the framework: 1 component, 2 materials, 1 country, 3 risks
    return FRAMEWORK.criterion(clause).minimums(FRAMEWORK)


def met(items):
    return {i.item: i.met for i in items}


RISK_ASSESSMENT = {
    "components": ["battery"],
    "raw_materials": ["cobalt", "tin"],
    "sourcing_countries": ["DR Congo"],
    "risks": ["child labour", "forced labour", "water pollution"],
}


def test_the_framework_gives_each_clause_the_checklist_of_the_manuals_kpi_table():
    # then
    assert checklist("CC1") == ("components", "raw_materials", "sourcing_countries", "risks")
    assert checklist("CC2") == ("site_list", "explanation_if_incomplete")
    assert checklist("CC3") == ("actions", "stakeholder_engagement")
    assert checklist("CC4") == ("due_diligence_processes", "stakeholder_engagement")


def test_a_risk_assessment_with_the_minimum_of_everything_meets_the_cc1_checklist():
    # when
    result, items = contents_check("CC1", checklist("CC1"), RISK_ASSESSMENT, minimums("CC1"))

    # then
    assert (result.kpi, result.status, result.label, result.value) == (
        "contents",
        "ok",
        "4 of 4 items met",
        4,
    )
    assert all(i.met for i in items)


def test_a_risk_assessment_with_one_raw_material_misses_the_materials_item():
    # given
    summary = {**RISK_ASSESSMENT, "raw_materials": ["cobalt"]}

    # when
    result, items = contents_check("CC1", checklist("CC1"), summary, minimums("CC1"))

    # then
    assert met(items) == {
        "components": True,
        "raw_materials": False,
        "sourcing_countries": True,
        "risks": True,
    }
    assert (result.status, result.label) == ("warning", "3 of 4 items met")


def test_a_risk_assessment_with_two_risks_misses_the_risks_item():
    # given
    summary = {**RISK_ASSESSMENT, "risks": ["child labour", "forced labour"]}

    # when
    result, items = contents_check("CC1", checklist("CC1"), summary, minimums("CC1"))

    # then
    assert met(items)["risks"] is False
    assert "Human-rights risks: 2 risk(s), at least 3 required" in result.reasons


def test_a_risk_assessment_without_component_or_sourcing_country_misses_both_items():
    # given
    summary = {**RISK_ASSESSMENT, "components": [], "sourcing_countries": []}

    # when
    result, items = contents_check("CC1", checklist("CC1"), summary, minimums("CC1"))

    # then
    assert met(items) == {
        "components": False,
        "raw_materials": True,
        "sourcing_countries": False,
        "risks": True,
    }
    assert result.value == 2


def test_blank_entries_in_a_risk_assessment_are_not_counted():
    # given: three risks, one of them blank
    summary = {**RISK_ASSESSMENT, "risks": ["child labour", "  ", "forced labour"]}

    # when
    _, items = contents_check("CC1", checklist("CC1"), summary, minimums("CC1"))

    # then
    assert met(items)["risks"] is False


def test_an_empty_risk_assessment_meets_nothing_and_is_a_problem():
    # when
    result, items = contents_check("CC1", checklist("CC1"), {}, minimums("CC1"))

    # then
    assert (result.status, result.label) == ("problem", "0 of 4 items met")
    assert not any(i.met for i in items)


def test_a_complete_site_list_meets_the_cc2_checklist_without_an_explanation():
    # when
    result, items = contents_check("CC2", checklist("CC2"), {"sites": [site(1), site(2)]})

    # then
    assert result.status == "ok"
    assert met(items) == {"site_list": True, "explanation_if_incomplete": True}


def test_an_incomplete_site_list_without_explanation_misses_the_explanation_item():
    # when
    result, items = contents_check("CC2", checklist("CC2"), {"sites": [site(1), site(2, address="")]})

    # then
    assert met(items) == {"site_list": True, "explanation_if_incomplete": False}
    assert result.status == "warning"


def test_an_incomplete_site_list_with_an_explanation_meets_the_cc2_checklist():
    # given
    summary = {"sites": [site(1), site(2, address="")], "explanation": "Supplier B is being engaged."}

    # when
    result, _ = contents_check("CC2", checklist("CC2"), summary)

    # then
    assert result.status == "ok"


def test_no_site_list_misses_the_site_list_item():
    # when
    result, items = contents_check("CC2", checklist("CC2"), {"sites": []})

    # then
    assert met(items) == {"site_list": False, "explanation_if_incomplete": False}
    assert result.status == "problem"


def test_a_mitigation_report_with_one_action_and_stakeholder_evidence_meets_the_cc3_checklist():
    # given
    summary = {"actions_count": 1, "stakeholder_evidence": "Workshop with the local trade union, 12 March."}

    # when
    result, items = contents_check("CC3", checklist("CC3"), summary)

    # then
    assert result.status == "ok"
    assert "Mitigating actions: 1 mitigating action(s) reported" in result.reasons


def test_a_mitigation_report_with_no_action_misses_the_actions_item():
    # given
    summary = {"actions_count": 0, "stakeholder_evidence": "Workshop with the local trade union."}

    # when
    result, items = contents_check("CC3", checklist("CC3"), summary)

    # then
    assert met(items) == {"actions": False, "stakeholder_engagement": True}
    assert result.status == "warning"


def test_a_mitigation_report_without_stakeholder_evidence_misses_that_item():
    # given
    summary = {"actions_count": 4, "stakeholder_evidence": "  "}

    # when
    result, items = contents_check("CC3", checklist("CC3"), summary)

    # then
    assert met(items) == {"actions": True, "stakeholder_engagement": False}
    assert "Stakeholder engagement: no evidence of stakeholder engagement" in result.reasons


def test_a_due_diligence_report_with_processes_and_stakeholder_evidence_meets_the_cc4_checklist():
    # given
    summary = {
        "processes": "Yearly risk mapping; audits at high-risk suppliers.",
        "stakeholder_evidence": "NGO panel.",
    }

    # when
    result, _ = contents_check("CC4", checklist("CC4"), summary)

    # then
    assert (result.status, result.label) == ("ok", "2 of 2 items met")


def test_a_due_diligence_report_without_processes_misses_that_item():
    # given
    summary = {"processes": "", "stakeholder_evidence": "NGO panel."}

    # when
    result, items = contents_check("CC4", checklist("CC4"), summary)

    # then
    assert met(items) == {"due_diligence_processes": False, "stakeholder_engagement": True}
    assert "Due-diligence processes: processes not described" in result.reasons


def test_an_empty_due_diligence_report_is_a_problem():
    # when
    result, _ = contents_check("CC4", checklist("CC4"), {})

    # then
    assert (result.status, result.label) == ("problem", "0 of 2 items met")


# --- KPI: responsiveness --------------------------------------------------------------------------------------


def request(asked, due, answered=None):
    return InformationRequestState(asked=d(asked), due=d(due), answered=d(answered) if answered else None)


def test_no_request_for_more_information_is_pending():
    # when
    result = responsiveness([], today=d("2025-06-01"))

    # then
    assert (result.kpi, result.status, result.value) == ("responsiveness", "pending", None)


def test_requests_all_answered_on_time_are_ok_with_the_average_days_to_answer():
    # given: answered after 4 and 10 days: 7 on average
    requests = [
        request("2025-05-01", "2025-05-15", "2025-05-05"),
        request("2025-06-01", "2025-06-15", "2025-06-11"),
    ]

    # when
    result = responsiveness(requests, today=d("2025-07-01"))

    # then
    assert (result.status, result.label, result.value) == ("ok", "2/2 answered", 7.0)
    assert "7 days to answer on average" in result.reasons


def test_an_answer_on_the_requested_date_is_on_time():
    # when
    result = responsiveness([request("2025-05-01", "2025-05-15", "2025-05-15")], today=d("2025-07-01"))

    # then
    assert (result.status, result.value) == ("ok", 14.0)


def test_an_unanswered_request_past_its_date_is_a_problem():
    # given
    requests = [
        request("2025-05-01", "2025-05-15", "2025-05-05"),
        request("2025-06-01", "2025-06-15"),
    ]

    # when
    result = responsiveness(requests, today=d("2025-06-20"))

    # then
    assert (result.status, result.label) == ("problem", "1/2 answered, 1 overdue")
    assert "1 overdue (asked 2025-06-01)" in result.reasons


def test_a_request_answered_after_its_date_is_a_warning():
    # given: asked 1 May, due 15 May, answered 20 May: 19 days to answer
    requests = [request("2025-05-01", "2025-05-15", "2025-05-20")]

    # when
    result = responsiveness(requests, today=d("2025-07-01"))

    # then
    assert (result.status, result.value) == ("warning", 19.0)
    assert "1 answered after the requested date" in result.reasons


# --- reminders ------------------------------------------------------------------------------------------------

DUE = d("2025-06-30")


def reminder(today, submitted=False):
    return reminder_due(
        due=DUE,
        today=d(today),
        submitted=submitted,
        days_before=FRAMEWORK.reminders.days_before,
        days_after=FRAMEWORK.reminders.days_after,
    )


def test_the_framework_reminds_30_and_7_days_before_and_1_and_14_days_after():
    # then
    assert FRAMEWORK.reminders.days_before == (30, 7)
    assert FRAMEWORK.reminders.days_after == (1, 14)


def test_no_reminder_31_days_before_the_deadline():
    # when: 30 June - 31 days = 30 May
    key = reminder("2025-05-30")

    # then
    assert key is None


def test_the_30_day_reminder_is_due_30_days_before_the_deadline():
    # when: 30 June - 30 days = 31 May
    key = reminder("2025-05-31")

    # then
    assert key == "before-30"


def test_the_30_day_reminder_is_still_the_nearest_8_days_before_the_deadline():
    # when: 30 June - 8 days = 22 June
    key = reminder("2025-06-22")

    # then
    assert key == "before-30"


def test_the_7_day_reminder_is_due_7_days_before_the_deadline():
    # when: 30 June - 7 days = 23 June
    key = reminder("2025-06-23")

    # then
    assert key == "before-7"


def test_the_7_day_reminder_is_the_nearest_on_the_due_day():
    # when
    key = reminder("2025-06-30")

    # then
    assert key == "before-7"


def test_the_1_day_reminder_is_due_the_day_after_the_deadline():
    # when
    key = reminder("2025-07-01")

    # then
    assert key == "after-1"


def test_the_1_day_reminder_is_still_the_nearest_13_days_after_the_deadline():
    # when
    key = reminder("2025-07-13")

    # then
    assert key == "after-1"


def test_the_14_day_reminder_is_due_14_days_after_the_deadline():
    # when
    key = reminder("2025-07-14")

    # then
    assert key == "after-14"


def test_the_14_day_reminder_stays_the_nearest_long_after_the_deadline():
    # when
    key = reminder("2025-10-01")

    # then
    assert key == "after-14"


@pytest.mark.parametrize("today", ["2025-05-31", "2025-06-23", "2025-06-30", "2025-07-01", "2025-07-14"])
def test_no_reminder_once_the_obligation_is_submitted(today):
    # when
    key = reminder(today, submitted=True)

    # then
    assert key is None


def test_cc1_takes_the_minimum_contents_of_award_criterion_1():
    # then: the manual's CC1 says "for requirements of assessment, see award criterion (1)"
    assert minimums("CC1") == {"components": 1, "raw_materials": 2, "countries": 1, "risks": 3}


# one obligation's verdict: every KPI its clause lists, the worst status of them


def rate(
    clause, *, due="2026-03-01", first_submitted=None, latest=None, sites=(), requests=(), today="2026-04-01"
):
    return rate_obligation(
        clause=clause,
        due=d(due),
        first_submitted=d(first_submitted) if first_submitted else None,
        latest=latest,
        sites=sites,
        requests=requests,
        today=d(today),
        framework=FRAMEWORK,
    )


def test_the_worst_status_wins_problem_over_warning_over_pending_over_ok():
    kpis = [KpiResult("a", s, "", ()) for s in ("ok", "pending", "warning")]
    assert worst_status(kpis) == "warning"
    assert worst_status([*kpis, KpiResult("b", "problem", "", ())]) == "problem"
    assert worst_status([KpiResult("a", "ok", "", ())]) == "ok"
    assert worst_status([]) == "pending"


def test_a_site_list_never_submitted_is_rated_on_timeliness_alone_and_missing_once_due():
    # when
    verdict = rate("CC2", due="2026-03-01", today="2026-03-11")

    # then
    assert [(k.kpi, k.status, k.label) for k in verdict.kpis] == [
        ("timeliness", "problem", "missing, 10 days overdue")
    ]
    assert (verdict.status, verdict.checklist) == ("problem", ())


def test_a_site_list_is_rated_on_its_sites_not_on_a_copy_in_the_summary():
    # given: the summary keeps only the count and the explanation; the rows are given apart
    sites = [site(1), site(2, address="")]

    # when
    verdict = rate(
        "CC2",
        first_submitted="2026-02-20",
        latest={"site_count": 2, "explanation": "The second site has not disclosed its address."},
        sites=sites,
    )

    # then
    kpis = {k.kpi: k for k in verdict.kpis}
    assert kpis["timeliness"].label == "on time"
    assert kpis["completeness"].label == "50% complete, explained"
    assert kpis["contents"].label == "2 of 2 items met"
    assert [c.item for c in verdict.checklist] == ["site_list", "explanation_if_incomplete"]
    assert verdict.status == "warning"


def test_a_report_with_an_open_request_past_its_date_is_a_problem():
    # when
    verdict = rate(
        "CC3",
        first_submitted="2026-02-27",
        latest={"actions_count": 2, "stakeholder_evidence": "Two unions."},
        requests=[InformationRequestState(d("2026-03-05"), d("2026-03-20"), None)],
        today="2026-03-25",
    )

    # then
    assert [(k.kpi, k.status) for k in verdict.kpis] == [
        ("timeliness", "ok"),
        ("contents", "ok"),
        ("responsiveness", "problem"),
    ]
    assert verdict.status == "problem"


def test_a_verdict_reads_back_from_its_stored_form_unchanged():
    # given
    verdict = rate("CC2", first_submitted="2026-03-05", latest={"explanation": ""}, sites=[site(1)])

    # when
    again = ObligationVerdict.from_dict(verdict.as_dict())

    # then
    assert again == verdict


def test_a_long_site_list_names_its_first_twenty_incomplete_rows():
    # given: 20,000 rows, every tenth without an address
    sites = [site(n, address="" if n % 10 == 0 else f"{n} Road") for n in range(1, 20_001)]

    # when
    result = site_list_completeness(sites, explanation="Tier 2 sites are still being asked.")

    # then
    assert result.label == "90% complete, explained"
    assert result.reasons[0] == "18000 of 20000 sites have a name, an address and a country"
    assert result.reasons[1] == "incomplete rows: " + ", ".join(str(n) for n in range(10, 201, 10))


# --- the day a stored verdict's status may change ---------------------------------------------------------------


def test_an_unsubmitted_report_changes_status_the_day_after_its_deadline():
    # when / then
    assert status_changes_on(due=d("2026-04-30"), first_submitted=None, rated_on=d("2026-03-01")) == d(
        "2026-05-01"
    )
    assert status_changes_on(due=d("2026-04-30"), first_submitted=None, rated_on=d("2026-04-30")) == d(
        "2026-05-01"
    )


def test_a_report_already_overdue_or_submitted_keeps_its_status_with_time():
    # when / then: overdue stays a problem (only its day count moves); a submission's timeliness is fixed
    assert status_changes_on(due=d("2026-04-30"), first_submitted=None, rated_on=d("2026-05-01")) is None
    assert (
        status_changes_on(due=d("2026-04-30"), first_submitted=d("2026-04-02"), rated_on=d("2026-03-01"))
        is None
    )


def test_the_earliest_open_request_date_counts_and_answered_or_passed_requests_do_not():
    # given
    requests = [
        request("2026-03-01", "2026-03-20"),
        request("2026-03-02", "2026-03-10"),
        request("2026-02-01", "2026-02-15"),  # passed before the rating: already counted as overdue
        request("2026-03-01", "2026-03-05", answered="2026-03-04"),
    ]

    # when
    day = status_changes_on(
        due=d("2026-01-31"), first_submitted=d("2026-01-30"), requests=requests, rated_on=d("2026-03-03")
    )

    # then
    assert day == d("2026-03-11")


def test_the_day_found_is_the_day_a_fresh_rating_changes_status():
    # given an unsubmitted report and an open request, rated day by day
    framework = get_tender_framework()
    requests = [request("2026-03-01", "2026-03-10")]

    def statuses(day: str) -> tuple[str, ...]:
        verdict = rate_obligation(
            clause="CC3",
            due=d("2026-03-15"),
            first_submitted=None,
            latest=None,
            requests=requests,
            today=d(day),
            framework=framework,
        )
        return tuple(k.status for k in verdict.kpis)

    # when
    first = status_changes_on(
        due=d("2026-03-15"), first_submitted=None, requests=requests, rated_on=d("2026-03-02")
    )

    # then the status is the same every day before it, and differs on it
    assert first == d("2026-03-11")
    assert {statuses(f"2026-03-{n:02}") for n in range(2, 11)} == {statuses("2026-03-02")}
    assert statuses("2026-03-11") != statuses("2026-03-10")
    second = status_changes_on(
        due=d("2026-03-15"), first_submitted=None, requests=requests, rated_on=d("2026-03-11")
    )
    assert second == d("2026-03-16")
    assert {statuses(f"2026-03-{n:02}") for n in range(11, 16)} == {statuses("2026-03-11")}
    assert statuses("2026-03-16") != statuses("2026-03-15")


# --- issue 10: the whole contract, warnings, and CC1 read from its document -------------------------------------


def plan(scenario, award, start, end, **kwargs):
    return plan_schedule(
        scenario=scenario, award=d(award), start=d(start), end=d(end), framework=FRAMEWORK, **kwargs
    )


def test_a_contract_ending_on_its_start_has_one_report_that_day():
    # when
    obligations = schedule(3, "2025-01-15", "2025-03-01", "2025-03-01")

    # then
    assert obligations == [("2025-03-01", "CC2"), ("2025-03-01", "CC3"), ("2025-03-01", "CC4")]


def test_the_final_report_of_a_contract_shorter_than_a_year_says_it_covers_its_only_year():
    # when
    schedule_ = plan(2, "2025-01-15", "2025-03-01", "2025-12-31")

    # then
    assert schedule_.obligations[0].reason == (
        "the end of the contract on 2025-12-31: one report for the contract's only year, from the start on "
        "2025-03-01 (the contract ends before its first anniversary)"
    )
    assert schedule_.warnings == ()


def test_a_cc1_due_after_the_end_carries_a_warning():
    # when
    schedule_ = plan(1, "2025-01-15", "2025-01-15", "2025-03-31", months=6)

    # then
    (obligation,) = schedule_.obligations
    assert obligation.due == d("2025-07-15")
    assert obligation.warnings == (
        "CC1: due on 2025-07-15, after the contract ends on 2025-03-31; choose fewer months after the award or "
        "check the dates",
    )
    assert schedule_.warnings == obligation.warnings


def test_a_cc1_brought_before_a_delivery_within_the_contract_carries_no_warning():
    # when
    schedule_ = plan(1, "2025-01-15", "2025-01-15", "2025-03-31", months=6, first_delivery=d("2025-02-01"))

    # then
    assert [(o.due, o.warnings) for o in schedule_.obligations] == [(d("2025-01-31"), ())]


def test_a_first_delivery_on_the_award_day_makes_cc1_due_that_day_with_a_warning():
    # when
    schedule_ = plan(1, "2025-01-15", "2025-01-15", "2027-01-14", first_delivery=d("2025-01-15"))

    # then
    (obligation,) = schedule_.obligations
    assert obligation.due == d("2025-01-15")
    assert "is on the award day" in obligation.warnings[0]


@pytest.mark.parametrize("scenario", [2, 3])
def test_months_given_for_a_scenario_without_cc1_are_warned_about(scenario):
    # when
    schedule_ = plan(scenario, "2025-01-15", "2025-03-01", "2027-03-01", months=4)

    # then
    assert schedule_.warnings == (
        f"months after the award (4) apply only to the risk assessment (CC1), which scenario {scenario} does "
        "not include: they are ignored",
    )


def test_months_given_with_the_risk_assessment_in_the_tender_are_warned_about():
    # when
    schedule_ = plan(1, "2025-01-15", "2025-03-01", "2027-03-01", months=4, risk_assessment_in_tender=True)

    # then
    assert schedule_.obligations == ()
    assert "the risk assessment was given in the tender" in schedule_.warnings[0]


def test_a_default_months_such_as_a_tenders_is_used_but_never_warned_about():
    # when
    cc1 = plan(1, "2025-01-15", "2025-03-01", "2027-03-01", default_months=5)
    cc2 = plan(2, "2025-01-15", "2025-03-01", "2027-03-01", default_months=5)

    # then
    assert [o.due for o in cc1.obligations] == [d("2025-06-15")]
    assert cc2.warnings == ()


def test_the_schedules_json_form_lists_each_date_with_its_reason_and_the_warnings():
    # when
    form = plan(1, "2025-01-15", "2025-01-15", "2025-03-31").as_dict()

    # then
    assert form["obligations"] == [
        {
            "clause": "CC1",
            "title": TITLES["CC1"],
            "due": "2025-04-15",
            "reason": "3 months after the award on 2025-01-15",
            "warnings": [form["warnings"][0]],
        }
    ]


ASSESSMENT_TEXT = (
    "Our notebooks contain a battery and a printed circuit board. The battery uses cobalt mined in the "
    "Democratic Republic of the Congo and lithium from Chile. Cobalt mining carries a high risk of child labour. "
    "Miners face unsafe working conditions. Assembly workers in China paid recruitment fees."
)


def cc1_contents(summary):
    return contents_check("CC1", checklist("CC1"), summary, minimums("CC1"))


def test_a_risk_assessment_is_counted_on_its_document_not_on_its_typed_summary():
    # given: a document with nothing in it, and a summary that claims everything
    summary = read_risk_assessment(
        "Hello, this is not a risk assessment.", {k: v for k, v in RISK_ASSESSMENT.items()}
    )

    # when
    result, items = cc1_contents(summary)

    # then
    assert (result.status, result.value) == ("problem", 0)
    assert not any(i.met for i in items)
    assert summary["not_in_document"]["raw_materials"] == ["cobalt", "tin"]


def test_typed_entries_written_differently_from_the_document_are_not_a_disagreement():
    # given: an ISO code, a lower-case country, a shorter form of a phrase, a plural
    typed = {
        "components": ["Batteries"],
        "raw_materials": ["Cobalt"],
        "sourcing_countries": ["COD", "china", "Chile"],
        "risks": ["unsafe work", "forced labour", "child labor"],
    }

    # when
    summary = read_risk_assessment(ASSESSMENT_TEXT, typed)

    # then
    assert summary["not_in_document"] == {}
    assert summary["components"] == ["Batteries"]  # the supplier's words are kept as typed
    result, _ = cc1_contents(summary)
    assert (result.status, result.label) == ("ok", "4 of 4 items met")


def test_an_empty_summary_field_shows_what_the_document_gives_and_never_disagrees():
    # when
    summary = read_risk_assessment(ASSESSMENT_TEXT, {"components": ["  "]})

    # then
    assert summary["components"] == ["battery", "printed circuit board"]
    assert summary["typed"]["components"] == []
    assert summary["not_in_document"] == {}


def test_a_disagreement_lowers_an_ok_contents_verdict_to_a_warning_and_names_the_entries():
    # given
    summary = read_risk_assessment(ASSESSMENT_TEXT, {"raw_materials": ["cobalt", "gold"]})

    # when
    result, items = cc1_contents(summary)

    # then
    assert (result.status, result.value) == ("warning", 4)
    materials = next(i for i in items if i.item == "raw_materials")
    assert materials.met is True
    assert materials.detail == (
        "2 raw material(s) in the document (cobalt, lithium), at least 2 required; the supplier's summary also "
        "names gold, not found in the document"
    )
    assert result.reasons[-1] == (
        "the supplier's summary disagrees with the document: 1 of its entries is not found in the document, "
        "which is what counts"
    )


def test_a_risk_assessment_read_from_its_document_rates_the_same_from_its_stored_form():
    # given
    summary = read_risk_assessment(ASSESSMENT_TEXT, {"risks": ["discrimination"]})

    # when: rated from the summary as stored (JSON), as the stored verdicts are
    verdict = rate("CC1", due="2026-03-01", first_submitted="2026-02-01", latest=json_round_trip(summary))

    # then
    contents = next(k for k in verdict.kpis if k.kpi == "contents")
    assert contents.status == "warning"
    assert "discrimination" in " ".join(contents.reasons)


def json_round_trip(value):
    import json

    return json.loads(json.dumps(value))
