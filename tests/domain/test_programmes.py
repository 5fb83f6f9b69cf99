"""Programme templates and the KPI rules (hrdd.domain.programmes): no database."""

import datetime as dt
from decimal import Decimal as D

import pytest

from hrdd.domain import programmes as p
from hrdd.domain.programmes import KpiSpec, assess_kpi, expected_value


def spec(unit="percent", direction="increase", baseline=None, year=None, **targets):
    return KpiSpec(unit, direction, baseline, year, tuple((int(k[1:]), D(v)) for k, v in targets.items()))


# -- templates ---------------------------------------------------------------------------------------------------


def test_every_shipped_template_loads():
    assert set(p.programme_template_keys()) >= {"ixm", "oecd-five-steps"}
    for key in p.programme_template_keys():
        assert p.get_programme_template(key).key == key


def test_the_ixm_template_has_its_three_objectives_and_six_kpis_without_invented_targets():
    template = p.get_programme_template("ixm")
    assert [o.target_year for o in template.objectives] == [2028, 2028, 2028]
    assert [k.computation for k in template.kpis] == [
        None,
        "high_risk_suppliers_assessed",
        "capacity_building_enrolled",
        "copper_mark_or_equivalent",
        "incidents_reported",
        "children_supported",
    ]
    assert [k.unit for k in template.kpis] == ["percent", "percent", "count", "percent", "count", "count"]
    assert all(not k.targets and k.baseline is None for k in template.kpis)
    assert "002_c0a78e5a977914cd" in template.source


def test_the_oecd_template_has_one_objective_per_step():
    template = p.get_programme_template("oecd-five-steps")
    assert [o.key for o in template.objectives] == [f"step-{n}" for n in range(1, 6)]
    assert {k.objective for k in template.kpis} == {o.key for o in template.objectives}
    assert "smelters_identified" in {k.computation for k in template.kpis}


MINIMAL = """
kind: programme
key: t
version: "1"
title: T
source: S
commitment: C
objectives: [{key: o, text: O, target_year: 2028}]
kpis: [{key: k, name: K, unit: count, direction: increase, objective: o}]
"""


def test_a_misspelled_key_is_refused_by_name():
    with pytest.raises(p.ProgrammeTemplateError, match="unknown key 'directon'"):
        p.load_programme_template_text(
            MINIMAL.replace("direction: increase", "direction: increase, directon: up")
        )


def test_a_kpi_naming_an_unknown_objective_is_refused():
    with pytest.raises(p.ProgrammeTemplateError, match="unknown objective 'nope'"):
        p.load_programme_template_text(MINIMAL.replace("objective: o", "objective: nope"))


def test_a_percent_target_over_100_is_refused_in_a_template():
    text = MINIMAL.replace("unit: count", "unit: percent, targets: {2028: 120}")
    with pytest.raises(p.ProgrammeTemplateError, match="over 100%"):
        p.load_programme_template_text(text)


def test_an_unknown_template_names_the_known_ones():
    with pytest.raises(p.ProgrammeTemplateError, match="known: .*ixm"):
        p.get_programme_template("nope")


# -- trajectory --------------------------------------------------------------------------------------------------


def test_the_trajectory_is_a_straight_line_from_the_baseline_to_each_target():
    s = spec(baseline=D(20), year=2024, y2026=50, y2028=100)
    assert p.trajectory(s) == ((2024, D(20)), (2025, D(35)), (2026, D(50)), (2027, D(75)), (2028, D(100)))


def test_the_trajectory_holds_the_last_target_after_it_and_has_nothing_before_the_first_point():
    s = spec(baseline=D(20), year=2024, y2028=100)
    assert expected_value(s, 2030) == D(100)
    assert expected_value(s, 2023) is None
    assert expected_value(spec(y2028=100), 2026) is None


# -- status ------------------------------------------------------------------------------------------------------


def test_no_value_is_said_with_the_year():
    status = assess_kpi(spec(y2028=100), 2026, None)
    assert status.status == p.NO_VALUE and "No value for 2026" in status.reasons[0]


def test_no_target_is_said():
    status = assess_kpi(spec(), 2026, D(40))
    assert status.status == p.NO_TARGET and "no target" in status.reasons[0]


def test_a_value_on_the_trajectory_is_on_track_and_cites_target_baseline_and_trajectory():
    status = assess_kpi(spec(baseline=D(20), year=2024, y2028=100), 2026, D(60))
    assert status.status == p.ON_TRACK
    text = " ".join(status.reasons)
    assert "target for 2028: at least 100%" in text
    assert "baseline: 20% in 2024" in text
    assert "expects at least 60% in 2026" in text
    assert status.expected == D(60)


def test_a_value_below_the_trajectory_is_behind():
    status = assess_kpi(spec(baseline=D(20), year=2024, y2028=100), 2026, D(59))
    assert status.status == p.BEHIND and "lags" in status.reasons[0]


def test_a_value_reaching_the_years_target_is_met():
    assert assess_kpi(spec(y2026=50), 2026, D(50)).status == p.MET


def test_a_value_short_of_the_years_own_target_is_behind():
    status = assess_kpi(spec(baseline=D(0), year=2024, y2026=50), 2026, D(49))
    assert status.status == p.BEHIND and "falls short of the target for 2026" in status.reasons[0]


def test_after_the_last_target_year_a_shortfall_is_behind():
    assert assess_kpi(spec(y2026=50), 2027, D(40)).status == p.BEHIND


def test_lower_is_better_for_a_decreasing_kpi():
    s = spec(unit="count", direction="decrease", baseline=D(10), year=2024, y2028=2)
    assert assess_kpi(s, 2026, D(6)).status == p.ON_TRACK
    assert assess_kpi(s, 2026, D(7)).status == p.BEHIND
    assert assess_kpi(s, 2026, D(2)).status == p.MET
    assert "at most 2" in assess_kpi(s, 2026, D(7)).reasons[0]


def test_without_a_baseline_a_target_not_yet_due_is_on_track_and_says_there_is_no_trajectory():
    status = assess_kpi(spec(y2028=100), 2026, D(10))
    assert status.status == p.ON_TRACK
    assert "no trajectory" in status.reasons[1]


def test_a_year_to_date_figure_says_the_year_is_not_over():
    status = assess_kpi(spec(unit="count", y2028=10), 2026, D(1), to_date=True)
    assert any("not over" in r for r in status.reasons)


# -- input -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [("percent", "101", "over 100%"), ("count", "-1", "below zero"), ("count", "2.5", "whole number")],
)
def test_values_a_unit_cannot_take_are_refused(unit, value, message):
    with pytest.raises(p.KpiInputError, match=message):
        p.check_value(unit, p.parse_decimal(value, field="value"))


def test_typed_numbers_are_read_with_a_comma_or_a_percent_sign():
    assert p.parse_decimal(" 64,5 % ", field="value") == D("64.5")
    assert p.parse_decimal("", field="value") is None
    with pytest.raises(p.KpiInputError) as refused:
        p.parse_decimal("sixty", field="value")
    assert refused.value.field == "value"


def test_targets_are_read_per_year_and_a_blank_drops_the_year():
    assert p.parse_targets({"2028": "100", "2026": "50", "2027": ""}, "percent") == (
        (2026, D(50)),
        (2028, D(100)),
    )
    with pytest.raises(p.KpiInputError) as refused:
        p.parse_targets({"20x6": "1"}, "count")
    assert refused.value.field == "target_20x6"


def test_half_a_baseline_is_refused():
    with pytest.raises(p.KpiInputError) as refused:
        p.spec_from_values(unit="percent", direction="increase", baseline_value="20")
    assert refused.value.field == "baseline_year"


def test_a_target_not_after_the_baseline_is_refused():
    with pytest.raises(p.KpiInputError, match="not after the baseline"):
        p.spec_from_values(
            unit="percent",
            direction="increase",
            baseline_value="20",
            baseline_year=2026,
            targets={"2025": "30"},
        )


def test_the_current_year_is_measured_to_date():
    today = dt.date(2026, 6, 15)
    assert p.period_of_year(2026, today) == (dt.date(2026, 1, 1), today, True)
    assert p.period_of_year(2025, today) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31), False)
