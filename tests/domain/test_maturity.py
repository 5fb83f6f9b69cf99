"""Scoring one supplier's answers, and assessing the market, as the issue specifies them.

Every expected number below is worked out by hand from the spec's points table, not read from the YAML.
"""

import re
from pathlib import Path

import pytest
import yaml

import hrdd.frameworks
from hrdd.domain.maturity import (
    InvalidResponse,
    NoRespondents,
    SupplierResponse,
    assess_market,
    market_quorum,
    parse_response,
    score_raw_response,
    score_response,
)
from hrdd.domain.questionnaire_framework import get_framework, load_framework_file, parse_framework

FRAMEWORK = get_framework()

# The lowest answers possible: every question scores 0.
ZERO_ANSWERS = {
    "transparency": ["tier1_only"],
    "risk_understanding": "unfamiliar",
    "policies": ["no_commitment"],
    "actions": ["no_action"],
}

# Answers that put one dimension at one level, whatever the role (these options score the same for all roles).
AWARENESS_AT = {
    "low": {"transparency": ["tier1_only"], "risk_understanding": "unfamiliar"},  # 0 + 0 = 0
    "medium": {"transparency": ["tier1_only"], "risk_understanding": "good"},  # 0 + 5 = 5
    "high": {"transparency": ["end_to_end"], "risk_understanding": "good"},  # 5 + 5 = 10
}
POLICIES_AT = {
    "low": {"policies": ["no_commitment"]},  # 0
    "medium": {"policies": ["detailed_commitments"]},  # 4
    "high": {"policies": ["due_diligence_strategy"]},  # 7
}
ACTIONS_AT = {
    "low": {"actions": ["no_action"]},  # 0
    "medium": {"actions": ["code_compliance"]},  # 3
    "high": {"actions": ["code_compliance", "industry_initiatives", "stakeholder_consultation"]},  # 9
}


def response(role="manufacturer", company="Acme Computers", **answers):
    """A complete raw response: the zero answers, with the given questions replaced."""
    return {"company": company, "role": role, "answers": {**ZERO_ANSWERS, **answers}}


def response_at(awareness, policies, actions, role="manufacturer", company="Acme Computers"):
    """A complete raw response whose dimensions reach the given levels."""
    answers = {**AWARENESS_AT[awareness], **POLICIES_AT[policies], **ACTIONS_AT[actions]}
    return {"company": company, "role": role, "answers": answers}


def score(**kwargs):
    return score_raw_response(response(**kwargs), FRAMEWORK)


def named(option_id):
    """How reasons and warnings name an option: by its short label, never by its id."""
    return next(o.label for q in FRAMEWORK.questions for o in q.options if o.id == option_id)


def titled(question_id):
    return next(q.title for q in FRAMEWORK.questions if q.id == question_id)


def supplier(level, name="Supplier"):
    """A scored supplier whose three dimensions, and so its overall maturity, are all at `level`."""
    return score_raw_response(response_at(level, level, level, company=name), FRAMEWORK)


def market(*levels):
    """Assess a market of suppliers at the given overall levels."""
    return assess_market([supplier(lv, f"Supplier {i}") for i, lv in enumerate(levels)], FRAMEWORK)


def errors_of(raw, *, partial=False):
    with pytest.raises(InvalidResponse) as raised:
        parse_response(raw, FRAMEWORK, partial=partial)
    return {e.field for e in raised.value.errors}


# --- points per option, per role ----------------------------------------------------------------------------

# (question, option, manufacturer points, reseller points), typed in from the spec.
POINTS = [
    ("transparency", "tier1_only", 0, 0),
    ("transparency", "assembly_location", 0, 1),
    ("transparency", "component_producers", 1, 2),
    ("transparency", "raw_material_types", 1, 2),
    ("transparency", "raw_material_suppliers", 2, 3),
    ("transparency", "mapping_efforts", 1, 2),
    ("transparency", "end_to_end", 5, 5),
    ("risk_understanding", "unfamiliar", 0, 0),
    ("risk_understanding", "cursory", 1, 1),
    ("risk_understanding", "fair", 3, 3),
    ("risk_understanding", "good", 5, 5),
    ("policies", "no_commitment", 0, 0),
    ("policies", "basic_commitment", 2, 2),
    ("policies", "detailed_commitments", 4, 4),
    ("policies", "due_diligence_strategy", 7, 7),
    ("actions", "no_action", 0, 0),
    ("actions", "code_compliance", 3, 3),
    ("actions", "complaints_procedure", 2, 2),
    ("actions", "digital_tools", 2, 2),
    ("actions", "dedicated_staff", 1, 2),
    ("actions", "industry_initiatives", 3, 3),
    ("actions", "stakeholder_consultation", 3, 3),
]
POINT_IDS = [f"{q}-{o}" for q, o, _, _ in POINTS]


@pytest.mark.parametrize(("question", "option", "manufacturer", "reseller"), POINTS, ids=POINT_IDS)
def test_an_option_scores_the_spec_points_for_a_manufacturer(question, option, manufacturer, reseller):
    # when
    result = score(role="manufacturer", **{question: [option]})

    # then
    assert result.scores[question] == manufacturer


@pytest.mark.parametrize(("question", "option", "manufacturer", "reseller"), POINTS, ids=POINT_IDS)
def test_an_option_scores_the_spec_points_for_a_reseller(question, option, manufacturer, reseller):
    # when
    result = score(role="reseller", **{question: [option]})

    # then
    assert result.scores[question] == reseller


@pytest.mark.parametrize(("question", "option", "manufacturer", "reseller"), POINTS, ids=POINT_IDS)
def test_an_option_scores_the_reseller_points_for_the_role_other(question, option, manufacturer, reseller):
    # when
    result = score(role="other", **{question: [option]})

    # then
    assert result.scores[question] == reseller


def test_the_spec_table_covers_every_option_of_the_shipped_framework():
    # a guard: if an option is added to the YAML, the table above must grow with it
    shipped = {(q.id, o.id) for q in FRAMEWORK.questions for o in q.options}

    assert shipped == {(q, o) for q, o, _, _ in POINTS}


def test_the_points_of_several_options_add_up():
    # given: a reseller's component_producers 2 + raw_material_types 2 = 4 (below the cap of 5)
    # when
    result = score(role="reseller", transparency=["component_producers", "raw_material_types"])

    # then
    assert result.scores["transparency"] == 4


def test_free_text_answers_do_not_change_the_scores():
    # given
    plain = score(actions=["industry_initiatives", "stakeholder_consultation", "digital_tools"])

    # when
    with_texts = score(
        actions=["industry_initiatives", "stakeholder_consultation", "digital_tools"],
        initiatives="Responsible Business Alliance",
        stakeholders="Local trade unions",
        digital_tools="A supplier-mapping platform",
        other_actions="Annual supplier training",
    )

    # then
    assert with_texts.scores == plain.scores
    assert with_texts.scores["actions"] == 3 + 3 + 2


# --- caps ------------------------------------------------------------------------------------------------


def test_transparency_of_seven_raw_points_is_capped_at_five():
    # given: a reseller's raw_material_suppliers 3 + component_producers 2 + raw_material_types 2 = 7
    # when
    result = score(
        role="reseller", transparency=["raw_material_suppliers", "component_producers", "raw_material_types"]
    )

    # then
    assert result.scores["transparency"] == 5


def test_transparency_of_every_option_is_capped_at_five():
    # given: a reseller ticking everything would have 0+1+2+2+3+2+5 = 15
    every = [o for q, o, _, _ in POINTS if q == "transparency"]

    # when
    result = score(role="reseller", transparency=every)

    # then
    assert result.scores["transparency"] == 5


def test_transparency_of_exactly_five_is_not_changed_by_the_cap():
    # given: a manufacturer's raw_material_suppliers 2 + component_producers 1 + raw_material_types 1
    # + mapping_efforts 1 = 5
    result = score(
        role="manufacturer",
        transparency=[
            "raw_material_suppliers",
            "component_producers",
            "raw_material_types",
            "mapping_efforts",
        ],
    )

    assert result.scores["transparency"] == 5


def test_policies_of_thirteen_raw_points_are_capped_at_ten():
    # given: basic_commitment 2 + detailed_commitments 4 + due_diligence_strategy 7 = 13
    # when
    result = score(policies=["basic_commitment", "detailed_commitments", "due_diligence_strategy"])

    # then
    assert result.scores["policies"] == 10


def test_policies_below_the_cap_are_not_changed():
    # given: detailed_commitments 4 + basic_commitment 2 = 6
    result = score(policies=["detailed_commitments", "basic_commitment"])

    assert result.scores["policies"] == 6


def test_actions_have_no_cap():
    # given: a reseller ticking every action: 0 + 3 + 2 + 2 + 2 + 3 + 3 = 15
    every = [o for q, o, _, _ in POINTS if q == "actions"]

    # when
    result = score(role="reseller", actions=every)

    # then
    assert result.scores["actions"] == 15


def test_a_manufacturers_actions_add_up_beyond_ten_uncapped():
    # given: 3 + 2 + 2 + 1 + 3 + 3 = 14
    result = score(
        role="manufacturer",
        actions=[
            "code_compliance",
            "complaints_procedure",
            "digital_tools",
            "dedicated_staff",
            "industry_initiatives",
            "stakeholder_consultation",
        ],
    )

    assert result.scores["actions"] == 14


def test_awareness_is_the_capped_transparency_plus_risk_understanding():
    # given: transparency 7 raw, capped to 5; risk good 5
    # when
    result = score(
        role="reseller",
        transparency=["raw_material_suppliers", "component_producers", "raw_material_types"],
        risk_understanding="good",
    )

    # then
    assert result.scores["awareness"] == 10


def test_the_score_keys_are_the_questions_and_awareness():
    result = score()

    assert set(result.scores) == {"transparency", "risk_understanding", "awareness", "policies", "actions"}


# --- levels -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "transparency", "risk", "awareness", "level"),
    [
        ("manufacturer", ["tier1_only"], "unfamiliar", 0, "low"),
        ("reseller", ["component_producers"], "cursory", 3, "low"),  # 2 + 1
        ("reseller", ["raw_material_suppliers"], "cursory", 4, "medium"),  # 3 + 1
        ("manufacturer", ["tier1_only"], "good", 5, "medium"),  # 0 + 5
        ("reseller", ["raw_material_suppliers"], "fair", 6, "medium"),  # 3 + 3
        ("reseller", ["component_producers"], "good", 7, "high"),  # 2 + 5
        ("manufacturer", ["end_to_end"], "good", 10, "high"),  # 5 + 5
    ],
)
def test_awareness_is_low_below_four_medium_from_four_to_six_and_high_above_six(
    role, transparency, risk, awareness, level
):
    # when
    result = score(role=role, transparency=transparency, risk_understanding=risk)

    # then
    assert result.scores["awareness"] == awareness
    assert result.levels["awareness"] == level


@pytest.mark.parametrize(
    ("policies", "points", "level"),
    [
        (["no_commitment"], 0, "low"),
        (["basic_commitment"], 2, "low"),
        (["detailed_commitments"], 4, "medium"),
        (["basic_commitment", "detailed_commitments"], 6, "medium"),
        (["due_diligence_strategy"], 7, "high"),
        (["basic_commitment", "detailed_commitments", "due_diligence_strategy"], 10, "high"),
    ],
)
def test_policies_are_low_below_four_medium_from_four_to_six_and_high_above_six(policies, points, level):
    # when
    result = score(policies=policies)

    # then
    assert result.scores["policies"] == points
    assert result.levels["policies"] == level


def test_policies_of_three_are_low_in_the_cfit_bands():
    # given: the shipped options cannot add up to 3 (they are worth 0, 2, 4 and 7), so the shipped bands are
    # tried with the shipped framework plus one 1-point option: basic_commitment 2 + extra 1 = 3
    data = yaml.safe_load(
        (Path(hrdd.frameworks.__file__).parent / "cfit-2025.yaml").read_text(encoding="utf-8")
    )
    policies = next(q for q in data["questions"] if q["id"] == "policies")
    policies["options"].append({"id": "extra", "text": "One more point.", "points": 1})
    variant = parse_framework(data)

    # when
    result = score_raw_response(response(policies=["basic_commitment", "extra"]), variant)

    # then
    assert result.scores["policies"] == 3
    assert result.levels["policies"] == "low"


@pytest.mark.parametrize(
    ("role", "actions", "points", "level"),
    [
        ("manufacturer", ["no_action"], 0, "low"),
        ("manufacturer", ["dedicated_staff"], 1, "low"),
        ("manufacturer", ["complaints_procedure"], 2, "low"),
        ("manufacturer", ["code_compliance"], 3, "medium"),
        ("manufacturer", ["dedicated_staff", "complaints_procedure"], 3, "medium"),  # 1 + 2
        ("reseller", ["dedicated_staff", "digital_tools"], 4, "medium"),  # 2 + 2
        ("manufacturer", ["code_compliance", "industry_initiatives"], 6, "medium"),  # 3 + 3
        ("manufacturer", ["code_compliance", "industry_initiatives", "dedicated_staff"], 7, "high"),  # 3+3+1
        ("reseller", ["code_compliance", "industry_initiatives", "dedicated_staff"], 8, "high"),  # 3+3+2
    ],
)
def test_actions_are_low_below_three_medium_from_three_to_six_and_high_above_six(
    role, actions, points, level
):
    # when
    result = score(role=role, actions=actions)

    # then
    assert result.scores["actions"] == points
    assert result.levels["actions"] == level


def test_the_level_keys_are_the_three_dimensions():
    assert set(score().levels) == {"awareness", "policies", "actions"}


def test_the_same_answers_can_reach_a_different_level_for_a_manufacturer_and_a_reseller():
    # given: assembly_location is worth 0 to a manufacturer and 1 to a reseller; fair is worth 3 to both
    answers = {"transparency": ["assembly_location"], "risk_understanding": "fair"}

    # when
    manufacturer = score(role="manufacturer", **answers)
    reseller = score(role="reseller", **answers)

    # then: 0 + 3 = 3 is low, 1 + 3 = 4 is medium
    assert manufacturer.levels["awareness"] == "low"
    assert reseller.levels["awareness"] == "medium"


# --- overall: the median ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("awareness", "policies", "actions", "overall"),
    [
        ("low", "low", "low", "low"),
        ("high", "high", "high", "high"),
        ("medium", "medium", "medium", "medium"),
        ("low", "medium", "high", "medium"),
        ("high", "low", "medium", "medium"),
        ("medium", "high", "low", "medium"),
        ("low", "low", "high", "low"),
        ("high", "low", "low", "low"),
        ("high", "high", "low", "high"),
        ("low", "high", "high", "high"),
        ("medium", "medium", "high", "medium"),
        ("high", "medium", "high", "high"),
        ("low", "medium", "low", "low"),
        ("medium", "low", "medium", "medium"),
    ],
)
def test_overall_maturity_is_the_median_of_the_three_levels(awareness, policies, actions, overall):
    # when
    result = score_raw_response(response_at(awareness, policies, actions), FRAMEWORK)

    # then
    assert result.levels == {"awareness": awareness, "policies": policies, "actions": actions}
    assert result.overall == overall


# --- warnings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["manufacturer", "reseller"])
def test_a_consistent_response_from_a_covered_role_has_no_warnings(role):
    result = score_raw_response(response_at("medium", "high", "low", role=role), FRAMEWORK)

    assert result.warnings == ()


def test_the_role_other_carries_a_warning_saying_it_was_scored_with_reseller_points():
    # when
    result = score_raw_response(response_at("medium", "high", "low", role="other"), FRAMEWORK)

    # then
    assert len(result.warnings) == 1
    assert "other" in result.warnings[0]
    assert "reseller" in result.warnings[0]


def test_the_role_other_is_scored_exactly_as_a_reseller():
    # given
    answers = {
        "transparency": ["assembly_location", "component_producers", "mapping_efforts"],
        "risk_understanding": "cursory",
        "policies": ["basic_commitment"],
        "actions": ["dedicated_staff", "complaints_procedure"],
    }

    # when
    other = score(role="other", **answers)
    reseller = score(role="reseller", **answers)

    # then
    assert other.scores == reseller.scores
    assert other.levels == reseller.levels
    assert other.overall == reseller.overall
    assert other.role == "other"


@pytest.mark.parametrize(
    ("question", "exclusive", "other", "points"),
    [
        ("transparency", "tier1_only", "end_to_end", 5),
        ("transparency", "tier1_only", "mapping_efforts", 1),  # manufacturer
        ("policies", "no_commitment", "due_diligence_strategy", 7),
        ("policies", "no_commitment", "basic_commitment", 2),
        ("actions", "no_action", "code_compliance", 3),
        ("actions", "no_action", "dedicated_staff", 1),  # manufacturer
    ],
)
def test_a_contradictory_answer_is_scored_as_given_and_reported_as_a_warning(
    question, exclusive, other, points
):
    # when
    result = score(role="manufacturer", **{question: [exclusive, other]})

    # then
    assert result.scores[question] == points
    assert len(result.warnings) == 1
    assert titled(question) in result.warnings[0]
    assert named(exclusive) in result.warnings[0]
    assert named(other) in result.warnings[0]
    assert exclusive not in result.warnings[0]


@pytest.mark.parametrize(
    ("question", "exclusive", "other"),
    [
        ("transparency", "tier1_only", "end_to_end"),
        ("policies", "no_commitment", "due_diligence_strategy"),
        ("actions", "no_action", "code_compliance"),
    ],
)
def test_a_contradictory_answer_is_detected_whatever_the_order_of_the_options(question, exclusive, other):
    result = score(**{question: [other, exclusive]})

    assert len(result.warnings) == 1
    assert named(exclusive) in result.warnings[0]


@pytest.mark.parametrize(
    ("question", "exclusive"),
    [("transparency", "tier1_only"), ("policies", "no_commitment"), ("actions", "no_action")],
)
def test_an_exclusive_option_ticked_alone_is_no_contradiction(question, exclusive):
    result = score(**{question: [exclusive]})

    assert result.warnings == ()


def test_each_contradiction_and_the_role_other_give_one_warning_each():
    # when
    result = score(
        role="other",
        transparency=["tier1_only", "assembly_location"],
        policies=["no_commitment", "basic_commitment"],
        actions=["no_action", "code_compliance"],
    )

    # then
    assert len(result.warnings) == 4
    for exclusive in ("tier1_only", "no_commitment", "no_action"):
        assert sum(named(exclusive) in w for w in result.warnings) == 1


def test_options_ticked_together_that_are_not_exclusive_are_no_contradiction():
    result = score(
        transparency=["assembly_location", "end_to_end"],
        policies=["basic_commitment", "due_diligence_strategy"],
        actions=["code_compliance", "digital_tools"],
    )

    assert result.warnings == ()


# --- reasons ----------------------------------------------------------------------------------------------


def reason(result, subject):
    """The text of every reason about `subject` (a question and a dimension may share an id, e.g. policies)."""
    texts = [r.text for r in result.reasons if r.subject == subject]
    assert texts, f"no reason about {subject}"
    return " | ".join(texts)


def test_every_score_level_and_the_overall_maturity_have_a_reason_with_a_source():
    # when
    result = score()

    # then
    subjects = {r.subject for r in result.reasons}
    assert subjects == {"transparency", "risk_understanding", "policies", "actions", "awareness", "overall"}
    assert all(r.text.strip() and r.source.strip() for r in result.reasons)


def test_the_transparency_reason_names_the_options_and_the_cap_when_it_applies():
    # when
    result = score(
        role="reseller", transparency=["raw_material_suppliers", "component_producers", "raw_material_types"]
    )

    # then
    text = reason(result, "transparency")
    for option in ("raw_material_suppliers", "component_producers", "raw_material_types"):
        assert named(option) in text
        assert option not in text
    assert "7" in text  # the raw sum
    assert re.search(r"\bcap", text)
    assert re.search(r"\b5\b", text)


def test_the_policies_reason_names_the_options_and_the_cap_when_it_applies():
    # when
    result = score(policies=["basic_commitment", "detailed_commitments", "due_diligence_strategy"])

    # then
    text = reason(result, "policies")
    for option in ("basic_commitment", "detailed_commitments", "due_diligence_strategy"):
        assert named(option) in text
    assert re.search(r"\b13\b", text)
    assert re.search(r"\bcap", text)
    assert re.search(r"\b10\b", text)


def test_a_reason_does_not_claim_a_cap_that_did_not_apply():
    result = score(policies=["detailed_commitments"])

    assert "cap" not in reason(result, "policies")


def test_the_actions_reason_names_the_options_and_their_uncapped_sum():
    # given: reseller, every action but no_action: 3 + 2 + 2 + 2 + 3 + 3 = 15
    actions = [o for q, o, _, _ in POINTS if q == "actions" and o != "no_action"]

    # when
    text = reason(score(role="reseller", actions=actions), "actions")

    # then
    for option in actions:
        assert named(option) in text
    assert re.search(r"\b15\b", text)
    assert "cap" not in text


def test_the_reasons_say_which_point_column_was_used():
    result = score(role="other", transparency=["assembly_location"])

    assert "reseller" in reason(result, "transparency")


def test_a_dimension_reason_names_its_score_and_level():
    # given: reseller component_producers 2 + good 5 = 7, high
    result = score(role="reseller", transparency=["component_producers"], risk_understanding="good")

    # then
    text = reason(result, "awareness")
    assert re.search(r"\b7\b", text)
    assert "high" in text


def test_the_overall_reason_says_it_is_the_median_of_the_levels():
    result = score_raw_response(response_at("low", "medium", "high"), FRAMEWORK)

    text = reason(result, "overall")
    assert "median" in text
    assert "low" in text and "medium" in text and "high" in text


# --- the scored result ------------------------------------------------------------------------------------


def test_the_result_carries_the_company_trimmed_and_the_role():
    result = score(company="  Acme Computers  ", role="reseller")

    assert result.company == "Acme Computers"
    assert result.role == "reseller"


def test_the_result_names_the_framework_and_its_version():
    result = score()

    assert "cfit-2025" in result.framework
    assert FRAMEWORK.version in result.framework


def test_as_dict_has_exactly_the_documented_keys():
    # when
    shape = score().as_dict()

    # then
    assert set(shape) == {"company", "role", "scores", "levels", "overall", "warnings"}
    assert set(shape["scores"]) == {"transparency", "risk_understanding", "awareness", "policies", "actions"}
    assert set(shape["levels"]) == {"awareness", "policies", "actions"}


def test_as_dict_holds_the_same_values_as_the_result_in_plain_types():
    # given
    result = score(role="other", transparency=["tier1_only", "end_to_end"])

    # when
    shape = result.as_dict()

    # then
    assert shape["company"] == "Acme Computers"
    assert shape["role"] == "other"
    assert shape["scores"] == dict(result.scores)
    assert shape["levels"] == dict(result.levels)
    assert shape["overall"] == result.overall
    assert shape["warnings"] == list(result.warnings)
    assert type(shape["scores"]) is dict and type(shape["warnings"]) is list


def test_scores_are_whole_numbers_when_the_points_are():
    result = score(role="reseller", transparency=["component_producers"], risk_understanding="fair")

    assert all(type(v) is int for v in result.scores.values())


def test_scoring_a_parsed_response_gives_the_same_result_as_scoring_the_raw_one():
    # given
    raw = response_at("high", "medium", "low", role="reseller")

    # when
    parsed = parse_response(raw, FRAMEWORK)

    # then
    assert isinstance(parsed, SupplierResponse)
    assert score_response(parsed, FRAMEWORK) == score_raw_response(raw, FRAMEWORK)


def test_scoring_is_deterministic():
    raw = response_at("medium", "high", "low", role="other")

    assert score_raw_response(raw, FRAMEWORK) == score_raw_response(raw, FRAMEWORK)


# --- validation -------------------------------------------------------------------------------------------


def test_a_single_answer_may_be_given_as_a_string():
    assert score(risk_understanding="fair").scores["risk_understanding"] == 3


def test_a_single_answer_may_be_given_as_a_one_element_list():
    assert score(risk_understanding=["fair"]).scores["risk_understanding"] == 3


def test_a_multiple_answer_may_be_given_as_a_single_string():
    assert score(policies="due_diligence_strategy").scores["policies"] == 7


def test_the_parsed_response_keeps_the_options_in_the_order_given():
    parsed = parse_response(response(actions=["digital_tools", "code_compliance"]), FRAMEWORK)

    assert parsed.choices["actions"] == ("digital_tools", "code_compliance")


def test_free_text_fields_are_kept_trimmed_with_the_response():
    # given
    raw = response(
        actions=["industry_initiatives"],
        initiatives="  Responsible Business Alliance ",
        stakeholders="Trade unions",
        digital_tools="Mapping platform",
        other_actions="Training",
    )

    # when
    parsed = parse_response(raw, FRAMEWORK)

    # then
    assert dict(parsed.texts) == {
        "initiatives": "Responsible Business Alliance",
        "stakeholders": "Trade unions",
        "digital_tools": "Mapping platform",
        "other_actions": "Training",
    }


def _without(key):
    raw = response()
    del raw[key]
    return raw


def _without_answer(question):
    raw = response()
    del raw["answers"][question]
    return raw


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        pytest.param(response(role="distributor"), "role", id="unknown role"),
        pytest.param(response(role=""), "role", id="empty role"),
        pytest.param(response(role=None), "role", id="null role"),
        pytest.param(_without("role"), "role", id="missing role"),
        pytest.param(response(role=["reseller"]), "role", id="role given as a list"),
        pytest.param(response(company=""), "company", id="empty company"),
        pytest.param(response(company="   "), "company", id="blank company"),
        pytest.param(response(company=42), "company", id="company not text"),
        pytest.param(_without("company"), "company", id="missing company"),
        pytest.param(_without("answers"), "answers", id="missing answers"),
        pytest.param({**response(), "answers": ["fair"]}, "answers", id="answers not an object"),
        pytest.param(response(transparency=["x_ray_vision"]), "answers.transparency", id="unknown option"),
        pytest.param(
            response(risk_understanding="excellent"), "answers.risk_understanding", id="unknown single"
        ),
        pytest.param(response(risk_understanding=[]), "answers.risk_understanding", id="zero risk answers"),
        pytest.param(
            response(risk_understanding=["fair", "good"]), "answers.risk_understanding", id="two risk answers"
        ),
        pytest.param(_without_answer("risk_understanding"), "answers.risk_understanding", id="risk missing"),
        pytest.param(response(risk_understanding=""), "answers.risk_understanding", id="risk empty string"),
        pytest.param(response(transparency=[]), "answers.transparency", id="empty transparency"),
        pytest.param(response(policies=""), "answers.policies", id="empty policies"),
        pytest.param(response(actions=None), "answers.actions", id="null actions"),
        pytest.param(response(actions=()), "answers.actions", id="empty tuple of actions"),
        pytest.param(_without_answer("actions"), "answers.actions", id="actions missing"),
        pytest.param(response(colour=["blue"]), "answers.colour", id="unknown question"),
        pytest.param(response(policies=[2]), "answers.policies", id="option not text"),
        pytest.param(
            response(policies={"basic_commitment": True}), "answers.policies", id="options as object"
        ),
        pytest.param(
            response(actions=["code_compliance", "code_compliance"]), "answers.actions", id="duplicate option"
        ),
        pytest.param(response(initiatives=5), "answers.initiatives", id="text field not text"),
    ],
)
def test_bad_input_raises_invalid_response_naming_the_field(raw, field):
    assert field in errors_of(raw)


@pytest.mark.parametrize("raw", [None, "a response", ["company", "role"], 42], ids=repr)
def test_a_response_that_is_not_an_object_is_refused(raw):
    assert errors_of(raw) == {"response"}


def test_scoring_a_raw_response_validates_it_first():
    with pytest.raises(InvalidResponse):
        score_raw_response(response(risk_understanding=["fair", "good"]), FRAMEWORK)


def test_every_fault_of_a_response_is_reported_at_once():
    # given
    raw = {
        "company": " ",
        "role": "wholesaler",
        "answers": {"transparency": [], "risk_understanding": "good", "policies": ["nope"], "hobby": "golf"},
    }

    # when
    fields = errors_of(raw)

    # then
    assert fields == {
        "company",
        "role",
        "answers.transparency",
        "answers.policies",
        "answers.actions",
        "answers.hobby",
    }


def test_invalid_response_is_a_value_error_whose_message_names_the_fields():
    with pytest.raises(ValueError, match=r"answers\.risk_understanding"):
        parse_response(response(risk_understanding=[]), FRAMEWORK)


def test_a_valid_response_raises_nothing():
    assert parse_response(response(), FRAMEWORK).company == "Acme Computers"


# --- drafts (partial=True) ----------------------------------------------------------------------------------


def test_a_draft_may_leave_out_answers():
    # when
    parsed = parse_response(
        {"company": "Acme", "role": "reseller", "answers": {"transparency": ["end_to_end"]}},
        FRAMEWORK,
        partial=True,
    )

    # then
    assert dict(parsed.choices) == {"transparency": ("end_to_end",)}


def test_a_draft_may_leave_out_company_and_role():
    # when
    parsed = parse_response({"answers": {"policies": ["basic_commitment"]}}, FRAMEWORK, partial=True)

    # then
    assert parsed.company == ""
    assert parsed.role == ""
    assert dict(parsed.choices) == {"policies": ("basic_commitment",)}


def test_a_draft_may_leave_out_the_answers_object_altogether():
    # the spec: "with partial=True (a draft) missing answers/company/role are allowed"
    parsed = parse_response({"company": "Acme", "role": "reseller"}, FRAMEWORK, partial=True)

    assert dict(parsed.choices) == {}


def test_an_empty_draft_is_accepted():
    parsed = parse_response({}, FRAMEWORK, partial=True)

    assert dict(parsed.choices) == {}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"transparency": ["x_ray_vision"]}, "answers.transparency"),
        ({"risk_understanding": "excellent"}, "answers.risk_understanding"),
        ({"risk_understanding": ["fair", "good"]}, "answers.risk_understanding"),
        ({"actions": ["no_action", "no_action"]}, "answers.actions"),
        ({"colour": "blue"}, "answers.colour"),
    ],
)
def test_a_draft_still_refuses_unknown_options_and_malformed_answers(answers, field):
    assert field in errors_of({"company": "Acme", "role": "reseller", "answers": answers}, partial=True)


def test_a_draft_still_refuses_an_unknown_role():
    assert "role" in errors_of({"company": "Acme", "role": "distributor", "answers": {}}, partial=True)


def test_a_complete_response_may_not_leave_out_answers_company_or_role():
    assert errors_of({}) >= {"company", "role", "answers"}


# --- the market ---------------------------------------------------------------------------------------------


def test_a_market_without_respondents_raises_no_respondents():
    with pytest.raises(NoRespondents):
        assess_market([], FRAMEWORK)


# n -> max(min(3, n), ceil(n / 2)), worked out by hand
QUORUMS = [(1, 1), (2, 2), (3, 3), (4, 3), (5, 3), (6, 3), (7, 4), (8, 4), (10, 5), (11, 6)]


@pytest.mark.parametrize(("n", "quorum"), QUORUMS)
def test_the_market_quorum_is_three_or_half_the_respondents_whichever_is_more_but_at_most_all(n, quorum):
    assert market_quorum(n, FRAMEWORK) == quorum


@pytest.mark.parametrize(("n", "quorum"), QUORUMS)
def test_scenario_three_is_recommended_when_a_quorum_of_suppliers_is_high(n, quorum):
    # when
    result = market(*["high"] * quorum, *["low"] * (n - quorum))

    # then
    assert result.quorum == quorum
    assert result.recommended_scenario == 3


@pytest.mark.parametrize(("n", "quorum"), QUORUMS)
def test_one_high_supplier_short_of_the_quorum_gives_scenario_two_if_another_is_medium(n, quorum):
    # when
    result = market(*["high"] * (quorum - 1), "medium", *["low"] * (n - quorum))

    # then
    assert result.recommended_scenario == 2


@pytest.mark.parametrize(("n", "quorum"), QUORUMS)
def test_scenario_two_is_recommended_when_a_quorum_of_suppliers_is_medium(n, quorum):
    result = market(*["medium"] * quorum, *["low"] * (n - quorum))

    assert result.recommended_scenario == 2


@pytest.mark.parametrize(("n", "quorum"), QUORUMS)
def test_one_medium_or_high_supplier_short_of_the_quorum_gives_scenario_one(n, quorum):
    # given: quorum - 1 suppliers at medium or above, split between high and medium
    better = ["high", "medium"] * quorum

    # when
    result = market(*better[: quorum - 1], *["low"] * (n - quorum + 1))

    # then
    assert result.recommended_scenario == 1


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8])
def test_an_all_low_market_gets_scenario_one(n):
    assert market(*["low"] * n).recommended_scenario == 1


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8])
def test_an_all_high_market_gets_scenario_three(n):
    assert market(*["high"] * n).recommended_scenario == 3


def test_two_respondents_both_high_get_scenario_three_but_one_of_two_does_not():
    assert market("high", "high").recommended_scenario == 3
    assert market("high", "low").recommended_scenario == 1
    assert market("high", "medium").recommended_scenario == 2


def test_the_distribution_counts_suppliers_per_level_overall_and_per_dimension():
    # given
    scores = [
        score_raw_response(response_at("high", "low", "medium", company="A"), FRAMEWORK),  # overall medium
        score_raw_response(response_at("high", "high", "low", company="B"), FRAMEWORK),  # overall high
        score_raw_response(response_at("low", "medium", "medium", company="C"), FRAMEWORK),  # overall medium
    ]

    # when
    result = assess_market(scores, FRAMEWORK)

    # then
    assert result.respondents == 3
    assert {k: dict(v) for k, v in result.distribution.items()} == {
        "overall": {"low": 0, "medium": 2, "high": 1},
        "awareness": {"low": 1, "medium": 0, "high": 2},
        "policies": {"low": 1, "medium": 1, "high": 1},
        "actions": {"low": 1, "medium": 2, "high": 0},
    }


def test_the_distribution_counts_add_up_to_the_respondents():
    result = market("low", "high", "medium", "medium", "low", "high", "high")

    assert all(sum(counts.values()) == 7 for counts in result.distribution.values())


def test_the_explanation_mentions_the_respondents_the_quorum_and_the_counts():
    # given: 8 respondents, quorum 4; 2 high, 3 medium, 3 low, so 2 reach high and 5 reach medium
    result = market("high", "high", "medium", "medium", "medium", "low", "low", "low")

    # then
    assert result.recommended_scenario == 2
    numbers = set(re.findall(r"\b\d+\b", result.explanation))
    assert {"8", "4", "2", "5"} <= numbers


@pytest.mark.parametrize(
    ("levels", "scenario"),
    [(("low", "low", "medium"), 1), (("medium", "medium", "high"), 2), (("high", "high", "high"), 3)],
)
def test_the_explanation_names_the_recommended_scenario(levels, scenario):
    # when
    result = market(*levels)

    # then
    assert result.recommended_scenario == scenario
    assert f"Scenario {scenario}" in result.explanation
    assert result.recommended_title.startswith(f"Scenario {scenario}")


@pytest.mark.parametrize(
    ("levels", "scenario"),
    [(("low", "low"), 1), (("medium", "medium"), 2), (("high", "high"), 3)],
)
def test_the_baseline_advice_is_given_in_every_scenario(levels, scenario):
    # when
    result = market(*levels)

    # then
    assert result.recommended_scenario == scenario
    assert "TCO Certified" in result.baseline_advice
    assert "EPEAT" in result.baseline_advice
    assert result.baseline_advice in result.explanation


def test_the_market_cites_its_sources():
    result = market("medium", "medium", "low")

    assert result.sources
    assert all(s.strip() for s in result.sources)


def test_market_as_dict_holds_the_documented_keys():
    # when
    shape = market("high", "high", "medium", "low").as_dict()

    # then: n = 4, quorum 3; two are high and three medium or above
    assert {"respondents", "distribution", "recommended_scenario", "explanation"} <= set(shape)
    assert shape["respondents"] == 4
    assert shape["recommended_scenario"] == 2
    assert shape["distribution"]["overall"] == {"low": 1, "medium": 1, "high": 2}
    assert type(shape["distribution"]["overall"]) is dict


def test_the_market_rules_come_from_the_framework():
    # given: the second framework's quorum is max(min(2, n), ceil(n / 4)) and scenario 30 needs 'advanced'
    second = load_framework_file(Path(__file__).parent / "fixtures" / "greenbuy-2026.yaml")
    advanced = {
        "company": "X",
        "role": "oem",
        "answers": {"traceability": ["mines"], "grievance": "independent", "audits": ["third_party"]},
    }
    basic = {
        "company": "Y",
        "role": "oem",
        "answers": {"traceability": ["none"], "grievance": "absent", "audits": ["self_assessment"]},
    }
    scores = [score_raw_response(r, second) for r in (advanced, advanced, basic, basic, basic)]

    # when
    result = assess_market(scores, second)

    # then: n = 5, quorum max(2, 2) = 2, and two are advanced
    assert market_quorum(5, second) == 2
    assert result.recommended_scenario == 30
    assert "GreenBuy" in result.baseline_advice
    assert assess_market(scores[2:], second).recommended_scenario == 10


def test_assessing_a_market_does_not_depend_on_the_order_of_the_respondents():
    # given
    scores = [supplier(lv, str(i)) for i, lv in enumerate(["low", "high", "medium", "high", "high"])]

    # when / then
    assert assess_market(scores, FRAMEWORK) == assess_market(list(reversed(scores)), FRAMEWORK)
