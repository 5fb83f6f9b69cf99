"""Incidents' pure rules: severity by the UN Guiding Principles, the status workflow, remediation responsiveness,
receipt codes and collective leverage."""

import datetime as dt

import pytest

from hrdd.domain import incidents as rules

TODAY = dt.date(2027, 6, 1)


def test_an_irremediable_harm_is_critical_whatever_its_scale_and_scope():
    verdict = rules.assess_severity(scale=1, scope=1, irremediability=4)
    assert verdict.level == "critical"
    assert any("irremediable harm is critical" in r for r in verdict.reasons)


def test_a_grave_harm_to_a_large_part_of_the_workforce_is_critical():
    assert rules.assess_severity(scale=4, scope=3, irremediability=2).level == "critical"


def test_one_dimension_at_its_top_makes_the_impact_at_least_high():
    verdict = rules.assess_severity(scale=1, scope=4, irremediability=1)
    assert verdict.level == "high"
    assert any(r.startswith("scope at its highest") for r in verdict.reasons)


@pytest.mark.parametrize(
    ("ratings", "level"),
    [
        ((3, 3, 3), "high"),
        ((2, 2, 2), "medium"),
        ((3, 2, 1), "medium"),
        ((1, 2, 2), "low"),
        ((1, 1, 1), "low"),
    ],
)
def test_the_sum_of_the_ratings_decides_when_no_dimension_is_at_its_top(ratings, level):
    scale, scope, irremediability = ratings
    assert rules.assess_severity(scale=scale, scope=scope, irremediability=irremediability).level == level


def test_a_severity_verdict_names_each_dimension_and_the_ungp():
    verdict = rules.assess_severity(scale=2, scope=3, irremediability=1)
    assert verdict.reasons[0].startswith("scale 2")
    assert verdict.reasons[1].startswith("scope 3")
    assert verdict.reasons[2].startswith("irremediability 1")
    assert "Principle 14" in verdict.reasons[-1]
    assert verdict.as_dict()["score"] == 6


@pytest.mark.parametrize("bad", [0, 5, "3", None, True, 2.5])
def test_a_rating_outside_one_to_four_is_refused_by_name(bad):
    with pytest.raises(rules.SeverityInputError) as caught:
        rules.assess_severity(scale=2, scope=bad, irremediability=2)
    assert caught.value.field == "scope"


def test_every_status_of_the_workflow_has_a_way_on():
    for status in rules.STATUSES:
        assert rules.allowed_transitions(status), status


def test_a_received_incident_is_verified_before_it_is_substantiated():
    with pytest.raises(rules.TransitionRefused, match="can move to verifying"):
        rules.check_transition(rules.RECEIVED, rules.SUBSTANTIATED)
    rules.check_transition(rules.RECEIVED, rules.VERIFYING)
    rules.check_transition(rules.VERIFYING, rules.SUBSTANTIATED)


def test_remediation_needs_a_step_and_remediated_needs_every_step_verified():
    with pytest.raises(rules.TransitionRefused, match="at least one corrective-action step"):
        rules.check_transition(rules.SUBSTANTIATED, rules.IN_REMEDIATION, rules.PlanState(steps=0))
    rules.check_transition(rules.SUBSTANTIATED, rules.IN_REMEDIATION, rules.PlanState(steps=2))
    with pytest.raises(rules.TransitionRefused, match="1 of 2 corrective-action steps"):
        rules.check_transition(rules.IN_REMEDIATION, rules.REMEDIATED, rules.PlanState(steps=2, verified=1))
    rules.check_transition(rules.IN_REMEDIATION, rules.REMEDIATED, rules.PlanState(steps=2, verified=2))


def test_unknown_and_unchanged_statuses_are_refused():
    with pytest.raises(rules.TransitionRefused, match="unknown status"):
        rules.check_transition(rules.RECEIVED, "solved")
    with pytest.raises(rules.TransitionRefused, match="already received"):
        rules.check_transition(rules.RECEIVED, rules.RECEIVED)


def test_a_closed_incident_reopens_for_verification():
    rules.check_transition(rules.CLOSED, rules.VERIFYING)


def test_remediation_without_steps_is_not_due():
    assert rules.rate_remediation([], TODAY).status == "not_due"


def test_a_step_past_its_deadline_and_not_verified_is_overdue():
    rating = rules.rate_remediation(
        [rules.StepFacts(dt.date(2027, 5, 1)), rules.StepFacts(dt.date(2027, 7, 1))], TODAY
    )
    assert (rating.status, rating.overdue) == ("overdue", 1)
    assert "31 days ago" in rating.reasons[1]


def test_a_step_reported_late_but_verified_makes_remediation_late_not_overdue():
    rating = rules.rate_remediation(
        [rules.StepFacts(dt.date(2027, 5, 1), dt.date(2027, 5, 10), dt.date(2027, 5, 12))], TODAY
    )
    assert (rating.status, rating.late_reports, rating.verified) == ("late", 1, 1)


def test_steps_reported_on_time_are_on_track():
    rating = rules.rate_remediation([rules.StepFacts(dt.date(2027, 7, 1), dt.date(2027, 5, 10))], TODAY)
    assert rating.status == "on_track"


def test_a_receipt_code_has_five_groups_and_reads_back_despite_confusable_letters():
    code = rules.new_receipt_code()
    assert len(code.split("-")) == 5
    plain = rules.normalise_receipt_code(code)
    assert plain is not None and len(plain) == 20
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert rules.normalise_receipt_code(typed) == plain


def test_receipt_codes_differ():
    assert len({rules.new_receipt_code() for _ in range(200)}) == 200


@pytest.mark.parametrize("text", ["", "ABC", "U" * 20, "0" * 21])
def test_text_that_cannot_be_a_receipt_code_is_none(text):
    assert rules.normalise_receipt_code(text) is None


def test_collective_leverage_counts_buyers_and_contracts_per_site_most_buyers_first():
    facts = [
        rules.MentionFacts(site=1, organisation=10, contract=100),
        rules.MentionFacts(site=1, organisation=10, contract=100),
        rules.MentionFacts(site=1, organisation=11, contract=101),
        rules.MentionFacts(site=2, organisation=10, contract=None),
    ]
    rows = rules.collective_leverage(facts, viewer=10)
    assert [(r.site, r.buyers, r.contracts, r.own_contracts) for r in rows] == [(1, 2, 2, 1), (2, 1, 0, 0)]
