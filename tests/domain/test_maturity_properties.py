"""Properties of scoring and of the market recommendation, for any answers and any market.

The expected values are computed here, independently of `hrdd.domain.maturity`, from the spec's points table,
caps, thresholds, median rule and quorum formula.
"""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from hrdd.domain.maturity import assess_market, market_quorum, score_raw_response
from hrdd.domain.questionnaire_framework import get_framework

FRAMEWORK = get_framework()

ROLES = ["manufacturer", "reseller", "other"]
COLUMN = {"manufacturer": 0, "reseller": 1, "other": 1}  # 'other' is scored with the reseller points

# option -> (manufacturer points, reseller points), from the spec
TRANSPARENCY = {
    "tier1_only": (0, 0),
    "assembly_location": (0, 1),
    "component_producers": (1, 2),
    "raw_material_types": (1, 2),
    "raw_material_suppliers": (2, 3),
    "mapping_efforts": (1, 2),
    "end_to_end": (5, 5),
}
RISK = {"unfamiliar": 0, "cursory": 1, "fair": 3, "good": 5}
POLICIES = {"no_commitment": 0, "basic_commitment": 2, "detailed_commitments": 4, "due_diligence_strategy": 7}
ACTIONS = {
    "no_action": (0, 0),
    "code_compliance": (3, 3),
    "complaints_procedure": (2, 2),
    "digital_tools": (2, 2),
    "dedicated_staff": (1, 2),
    "industry_initiatives": (3, 3),
    "stakeholder_consultation": (3, 3),
}
EXCLUSIVE = {"transparency": "tier1_only", "policies": "no_commitment", "actions": "no_action"}
LEVELS = ["low", "medium", "high"]


def expected_level(dimension, value):
    """low / medium / high by the spec's thresholds."""
    medium_from = 3 if dimension == "actions" else 4
    if value > 6:
        return "high"
    if value >= medium_from:
        return "medium"
    return "low"


def median(levels):
    ranked = sorted(levels, key=LEVELS.index)
    return ranked[1]


def quorum(n):
    """max(min(3, n), ceil(n / 2)), as the spec words it."""
    return max(min(3, n), math.ceil(n / 2))


def expected_scenario(overall_levels):
    n = len(overall_levels)
    high = sum(1 for lv in overall_levels if lv == "high")
    medium_or_high = sum(1 for lv in overall_levels if lv in ("medium", "high"))
    if high >= quorum(n):
        return 3
    if medium_or_high >= quorum(n):
        return 2
    return 1


def subsets(options):
    """A non-empty list of distinct options, in any order."""
    return st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=len(options), unique=True)


text = st.text(max_size=20)

responses = st.fixed_dictionaries(
    {
        "company": st.text(min_size=1, max_size=30).filter(str.strip),
        "role": st.sampled_from(ROLES),
        "answers": st.fixed_dictionaries(
            {
                "transparency": subsets(TRANSPARENCY),
                "risk_understanding": st.one_of(
                    st.sampled_from(sorted(RISK)), st.sampled_from(sorted(RISK)).map(lambda o: [o])
                ),
                "policies": subsets(POLICIES),
                "actions": subsets(ACTIONS),
            },
            optional={
                "initiatives": text,
                "stakeholders": text,
                "digital_tools": text,
                "other_actions": text,
            },
        ),
    }
)


def risk_option(answers):
    given_ = answers["risk_understanding"]
    return given_ if isinstance(given_, str) else given_[0]


def expected_scores(raw):
    column = COLUMN[raw["role"]]
    answers = raw["answers"]
    transparency = min(5, sum(TRANSPARENCY[o][column] for o in answers["transparency"]))
    risk = RISK[risk_option(answers)]
    policies = min(10, sum(POLICIES[o] for o in answers["policies"]))
    actions = sum(ACTIONS[o][column] for o in answers["actions"])
    return {
        "transparency": transparency,
        "risk_understanding": risk,
        "awareness": transparency + risk,
        "policies": policies,
        "actions": actions,
    }


@given(responses)
def test_any_valid_response_scores_by_the_spec_points_and_caps(raw):
    assert dict(score_raw_response(raw, FRAMEWORK).scores) == expected_scores(raw)


@given(responses)
def test_transparency_never_exceeds_five(raw):
    assert 0 <= score_raw_response(raw, FRAMEWORK).scores["transparency"] <= 5


@given(responses)
def test_policies_never_exceed_ten(raw):
    assert 0 <= score_raw_response(raw, FRAMEWORK).scores["policies"] <= 10


@given(responses)
def test_awareness_is_between_zero_and_ten_and_is_transparency_plus_risk(raw):
    scores = score_raw_response(raw, FRAMEWORK).scores

    assert 0 <= scores["awareness"] <= 10
    assert scores["awareness"] == scores["transparency"] + scores["risk_understanding"]


@given(responses)
def test_actions_are_never_negative_and_never_capped(raw):
    # given
    column = COLUMN[raw["role"]]
    raw_sum = sum(ACTIONS[o][column] for o in raw["answers"]["actions"])

    # then
    assert score_raw_response(raw, FRAMEWORK).scores["actions"] == raw_sum >= 0


@given(responses)
def test_each_level_follows_the_thresholds(raw):
    # when
    result = score_raw_response(raw, FRAMEWORK)

    # then
    for dimension in ("awareness", "policies", "actions"):
        assert result.levels[dimension] == expected_level(dimension, result.scores[dimension])


@given(responses)
def test_each_level_follows_the_thresholds_applied_to_the_spec_scores(raw):
    # the same, but from scores computed here rather than those reported
    expected = expected_scores(raw)

    levels = score_raw_response(raw, FRAMEWORK).levels

    assert dict(levels) == {d: expected_level(d, expected[d]) for d in ("awareness", "policies", "actions")}


@given(responses)
def test_overall_maturity_is_the_median_of_the_three_levels(raw):
    result = score_raw_response(raw, FRAMEWORK)

    assert result.overall == median(result.levels.values())


@given(responses)
def test_scoring_is_deterministic(raw):
    assert score_raw_response(raw, FRAMEWORK) == score_raw_response(raw, FRAMEWORK)


@given(responses, st.randoms(use_true_random=False))
def test_the_order_of_the_ticked_options_does_not_change_the_scores_or_levels(raw, random):
    # given
    shuffled = {**raw, "answers": dict(raw["answers"])}
    for question in ("transparency", "policies", "actions"):
        options = list(raw["answers"][question])
        random.shuffle(options)
        shuffled["answers"][question] = options

    # when
    original = score_raw_response(raw, FRAMEWORK)
    reordered = score_raw_response(shuffled, FRAMEWORK)

    # then
    assert reordered.scores == original.scores
    assert reordered.levels == original.levels
    assert reordered.overall == original.overall
    assert len(reordered.warnings) == len(original.warnings)


@given(responses)
def test_a_warning_is_given_exactly_for_the_role_other_and_each_contradiction(raw):
    # given
    answers = raw["answers"]
    contradictions = [q for q, o in EXCLUSIVE.items() if o in answers[q] and len(answers[q]) > 1]
    expected = len(contradictions) + (raw["role"] == "other")

    # when
    warnings = score_raw_response(raw, FRAMEWORK).warnings

    # then
    assert len(warnings) == expected
    labels = {o.id: o.label for q in FRAMEWORK.questions for o in q.options}
    for question in contradictions:
        assert any(labels[EXCLUSIVE[question]] in w for w in warnings)


@given(responses)
def test_the_role_other_scores_the_same_as_a_reseller(raw):
    other = score_raw_response({**raw, "role": "other"}, FRAMEWORK)
    reseller = score_raw_response({**raw, "role": "reseller"}, FRAMEWORK)

    assert (other.scores, other.levels, other.overall) == (reseller.scores, reseller.levels, reseller.overall)


# --- the market ---------------------------------------------------------------------------------------------

# Answers that put each dimension at a chosen level, for any role (these options score the same for all roles).
AT = {
    "awareness": {
        "low": {"transparency": ["tier1_only"], "risk_understanding": "unfamiliar"},  # 0
        "medium": {"transparency": ["tier1_only"], "risk_understanding": "good"},  # 5
        "high": {"transparency": ["end_to_end"], "risk_understanding": "good"},  # 10
    },
    "policies": {
        "low": {"policies": ["no_commitment"]},  # 0
        "medium": {"policies": ["detailed_commitments"]},  # 4
        "high": {"policies": ["due_diligence_strategy"]},  # 7
    },
    "actions": {
        "low": {"actions": ["no_action"]},  # 0
        "medium": {"actions": ["code_compliance"]},  # 3
        "high": {"actions": ["code_compliance", "industry_initiatives", "stakeholder_consultation"]},  # 9
    },
}

# Every combination of three dimension levels, scored once.
SCORED = {
    (a, p, x): score_raw_response(
        {
            "company": f"Supplier {a}-{p}-{x}",
            "role": "manufacturer",
            "answers": {**AT["awareness"][a], **AT["policies"][p], **AT["actions"][x]},
        },
        FRAMEWORK,
    )
    for a in LEVELS
    for p in LEVELS
    for x in LEVELS
}

suppliers = st.sampled_from(sorted(SCORED))  # a triple of dimension levels
markets = st.lists(suppliers, min_size=1, max_size=40)


def scored(triples):
    return [SCORED[t] for t in triples]


@given(markets)
def test_the_recommended_scenario_follows_the_quorum_rule(triples):
    # given: each supplier's overall level worked out here, as the median of its three levels
    overall = [median(t) for t in triples]

    # when
    result = assess_market(scored(triples), FRAMEWORK)

    # then
    assert result.recommended_scenario == expected_scenario(overall)


@given(st.integers(min_value=1, max_value=10_000))
def test_the_quorum_matches_the_spec_formula(n):
    assert market_quorum(n, FRAMEWORK) == quorum(n)


@given(st.integers(min_value=1, max_value=10_000))
def test_the_quorum_is_at_least_one_and_never_more_than_the_respondents(n):
    assert 1 <= market_quorum(n, FRAMEWORK) <= n


@given(markets, suppliers)
def test_adding_a_high_respondent_never_lowers_the_scenario(triples, extra):
    # given
    high = ("high", "high", extra[2])  # two high dimensions make the median high

    # when
    before = assess_market(scored(triples), FRAMEWORK).recommended_scenario
    after = assess_market(scored([*triples, high]), FRAMEWORK).recommended_scenario

    # then
    assert after >= before


@given(markets, st.integers(min_value=0, max_value=39), st.sampled_from(LEVELS))
def test_raising_one_respondent_to_high_never_lowers_the_scenario(triples, index, level):
    # given
    index %= len(triples)
    raised = list(triples)
    raised[index] = ("high", level, "high")

    # when / then
    before = assess_market(scored(triples), FRAMEWORK).recommended_scenario
    after = assess_market(scored(raised), FRAMEWORK).recommended_scenario
    assert after >= before


@given(markets)
def test_the_distribution_counts_every_respondent_once_per_dimension(triples):
    # when
    result = assess_market(scored(triples), FRAMEWORK)

    # then
    for position, dimension in enumerate(("awareness", "policies", "actions")):
        expected = {lv: sum(1 for t in triples if t[position] == lv) for lv in LEVELS}
        assert dict(result.distribution[dimension]) == expected
    assert dict(result.distribution["overall"]) == {
        lv: sum(1 for t in triples if median(t) == lv) for lv in LEVELS
    }


@given(markets)
@settings(max_examples=50)
def test_the_baseline_advice_is_always_part_of_the_recommendation(triples):
    result = assess_market(scored(triples), FRAMEWORK)

    assert "TCO Certified" in result.baseline_advice
    assert "EPEAT" in result.baseline_advice
    assert result.baseline_advice in result.explanation
    assert str(len(triples)) in result.explanation
