"""Enhanced due-diligence assessment frameworks: the shipped OECD five-step framework loads; answers are checked;
scoring gives the points per question with the reason, per section and in total; answers below the threshold are
gaps with the framework's text; malformed YAML is refused naming the key."""

import copy
from importlib import resources

import pytest
import yaml

from hrdd.domain.assessment_framework import (
    DEFAULT_ASSESSMENT_FRAMEWORK,
    InvalidAnswers,
    assessment_framework_ids,
    get_assessment_framework,
    parse_answers,
    parse_assessment_framework,
    score_assessment,
)
from hrdd.domain.questionnaire_framework import FrameworkError

FRAMEWORK = get_assessment_framework(DEFAULT_ASSESSMENT_FRAMEWORK)


def data():
    text = resources.files("hrdd.frameworks").joinpath(f"assessment-{FRAMEWORK.id}.yaml").read_text()
    return yaml.safe_load(text)


def best_answers():
    answers = {}
    for question in FRAMEWORK.questions:
        if question.select == "single":
            answers[question.id] = max(question.options, key=lambda o: o.points).id
        else:
            answers[question.id] = [o.id for o in question.options]
    return answers


def worst_answers():
    return {
        q.id: min(q.options, key=lambda o: o.points).id for q in FRAMEWORK.questions if q.select == "single"
    } | {q.id: [q.options[0].id] for q in FRAMEWORK.questions if q.select == "multiple"}


# -- the shipped framework ----------------------------------------------------------------------------------------


def test_the_oecd_framework_is_shipped_with_one_section_per_step_each_citing_its_step():
    assert DEFAULT_ASSESSMENT_FRAMEWORK in assessment_framework_ids()
    assert [s.id for s in FRAMEWORK.sections] == ["step1", "step2", "step3", "step4", "step5"]
    for number, section in enumerate(FRAMEWORK.sections, start=1):
        assert f"Step {number}" in section.source
        for question in section.questions:
            assert question.source and question.gap


def test_an_unknown_framework_is_refused_with_the_known_ones():
    with pytest.raises(FrameworkError, match="oecd-minerals-five-steps"):
        get_assessment_framework("nope")


# -- scoring ----------------------------------------------------------------------------------------------------


def test_the_best_answers_score_the_maximum_and_find_no_gap():
    score = score_assessment(parse_answers(best_answers(), FRAMEWORK), FRAMEWORK)
    assert score.points == score.max_points == 29
    assert score.percent == 100.0
    assert score.gaps == ()
    assert all(s.percent == 100.0 for s in score.sections)


def test_the_worst_answers_score_nothing_but_what_a_multiple_choice_minimum_gives_and_every_question_is_a_gap():
    score = score_assessment(parse_answers(worst_answers(), FRAMEWORK), FRAMEWORK)
    # the two multiple-choice questions give 1 point each for their first option
    assert score.points == 2
    assert len(score.gaps) == len(FRAMEWORK.questions)


def test_a_single_answer_gives_its_option_points_with_the_option_named_in_the_reason():
    score = score_assessment({"policy": ("annex_ii",)}, FRAMEWORK)
    policy = score.questions[0]
    assert (policy.points, policy.max_points) == (2, 3)
    assert policy.reason == "“Policy consistent with Annex II” 2 of 3"
    assert policy.gap is None  # 2 of 3 is not below half
    assert policy.source.startswith("Step 1.A")


def test_multiple_answers_add_up_and_are_capped_with_the_cap_said():
    score = score_assessment(
        {"traceability": ("suppliers_known", "origin_documented", "smelters_known", "records_kept")},
        FRAMEWORK,
    )
    question = next(q for q in score.questions if q.question == "traceability")
    assert question.points == 3
    assert "= 4, capped at 3 of 3" in question.reason


def test_an_answer_below_half_of_its_points_is_a_gap_with_the_framework_text():
    score = score_assessment({"policy": ("general",)}, FRAMEWORK)
    policy = score.questions[0]
    assert policy.points == 1 and "below 1.5, so a gap" in policy.reason
    gap = score.gaps[0]
    assert (gap.question, gap.section) == ("policy", "step1")
    assert gap.text == FRAMEWORK.question("policy").gap


def test_an_answer_at_exactly_half_is_not_a_gap():
    score = score_assessment({"management": ("part_time",)}, FRAMEWORK)  # 1 of 2
    assert "management" not in [g.question for g in score.gaps]


def test_an_unanswered_question_scores_nothing_and_is_a_gap():
    score = score_assessment({}, FRAMEWORK)
    assert score.questions[0].reason.startswith("not answered: 0 of 3")
    assert not score.questions[0].answered
    assert len(score.gaps) == len(FRAMEWORK.questions)


def test_a_question_s_own_threshold_overrides_the_share():
    raw = data()
    raw["sections"][0]["questions"][0]["gap_below"] = 3
    framework = parse_assessment_framework(raw)
    score = score_assessment({"policy": ("annex_ii",)}, framework)
    assert score.questions[0].gap is not None


def test_sections_and_total_sum_their_questions_and_give_a_percentage():
    score = score_assessment({"policy": ("annex_ii_public",), "audit": ("some",)}, FRAMEWORK)
    step1, step4 = score.sections[0], score.sections[3]
    assert (step1.points, step1.max_points, step1.percent) == (3, 10, 30.0)
    assert (step4.points, step4.max_points, step4.percent) == (1, 3, 33.3)
    assert (score.points, score.max_points, score.percent) == (4, 29, 13.8)


def test_the_stored_shape_is_plain_json():
    stored = score_assessment(parse_answers(best_answers(), FRAMEWORK), FRAMEWORK).as_dict()
    assert yaml.safe_load(yaml.safe_dump(stored)) == stored
    assert stored["questions"][0]["reason"] and stored["sections"][0]["source"]


# -- answers ------------------------------------------------------------------------------------------------------


def test_a_complete_assessment_needs_every_question_answered_a_draft_does_not():
    with pytest.raises(InvalidAnswers) as refused:
        parse_answers({"policy": "none"}, FRAMEWORK)
    assert refused.value.field == "answers.management"
    assert parse_answers({"policy": "none"}, FRAMEWORK, partial=True) == {"policy": ("none",)}


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({"polcy": "none"}, "answers.polcy", "unknown question"),
        ({"policy": "nope"}, "answers.policy", "unknown option 'nope'"),
        ({"policy": ["none", "general"]}, "answers.policy", "choose one"),
        ({"traceability": ["records_kept", "records_kept"]}, "answers.traceability", "twice"),
        ({"policy": 3}, "answers.policy", "option ids"),
    ],
)
def test_bad_answers_are_refused_naming_the_question(answers, field, message):
    with pytest.raises(InvalidAnswers, match=message) as refused:
        parse_answers(answers, FRAMEWORK, partial=True)
    assert refused.value.field == field


# -- malformed frameworks ------------------------------------------------------------------------------------------


def test_an_unknown_key_is_refused_naming_it():
    raw = data()
    raw["sections"][1]["questions"][0]["titel"] = raw["sections"][1]["questions"][0].pop("title")
    with pytest.raises(FrameworkError, match=r"sections\.1\.questions\.0\.titel: Extra inputs"):
        parse_assessment_framework(raw)


def test_an_unknown_top_level_key_is_refused_naming_it():
    raw = data()
    raw["gap_below"] = 0.5
    with pytest.raises(FrameworkError, match=r"gap_below:"):
        parse_assessment_framework(raw)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d["sections"][0]["questions"].append(copy.deepcopy(d["sections"][0]["questions"][0])), "duplicate question id policy"),
        (lambda d: d["sections"][0]["questions"][0]["options"].append({"id": "none", "label": "x", "text": "x", "points": 1}), "duplicate option ids"),
        (lambda d: d["sections"][0]["questions"][0]["options"][0].update(points=-1), "points"),
        (lambda d: d.update(gap_below_share=0), "gap_below_share"),
        (lambda d: d.update(kind="questionnaire"), "kind"),
        (lambda d: d["sections"][0].pop("source"), r"sections\.0\.source"),
        (lambda d: d["sections"][0]["questions"][0].update(select="some"), "select"),
    ],
)  # fmt: skip
def test_a_malformed_framework_is_refused(change, match):
    raw = data()
    change(raw)
    with pytest.raises(FrameworkError, match=match):
        parse_assessment_framework(raw)
