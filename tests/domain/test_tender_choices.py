"""The buyer's choices where the manual leaves room, and the framework they give (pure, no database)."""

from __future__ import annotations

import pytest

from hrdd.domain.tender import TenderInputError, build_tender, evaluate_bids, get_tender_framework
from hrdd.domain.tender_choices import TenderChoices, choose, label_requirement

FRAMEWORK = get_tender_framework()


def bid(name, **fields):
    return {"bidder": name, "price": 100.0, **fields}


def test_no_stored_choices_are_hrdds_readings_with_the_label_as_the_checkbox_says():
    assert TenderChoices.from_dict({}) == TenderChoices()
    assert TenderChoices.from_dict({}, require_label=False).label_role == "recommendation"
    assert TenderChoices.from_dict({"label_role": "award"}, require_label=True).label_role == "award"


def test_a_misspelled_choice_is_refused_with_the_one_meant():
    with pytest.raises(TenderInputError) as refused:
        TenderChoices.from_dict({"label_rol": "award"})
    assert refused.value.field == "choices.label_rol"
    assert "did you mean 'label_role'?" in str(refused.value)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label_role": "optional"}, "choices.label_role"),
        ({"epeat": "gold"}, "choices.epeat"),
        ({"due_diligence": "half"}, "choices.due_diligence"),
        ({"tco_generation": 8}, "choices.tco_generation"),
        ({"tco_generation": "10"}, "choices.tco_generation"),
        ({"tco_generation": True}, "choices.tco_generation"),
        ({"currency": "EURO"}, "choices.currency"),
    ],
)
def test_a_value_outside_the_allowed_ones_is_refused_by_its_field(data, field):
    with pytest.raises(TenderInputError) as refused:
        TenderChoices.from_dict(data)
    assert refused.value.field == field


def test_the_label_requirement_names_the_generation_and_the_epeat_set_chosen():
    assert label_requirement(TenderChoices()) == (
        "The products offered hold TCO Certified (generation 9 or later), or are registered under EPEAT with its "
        "2025 Responsible Supply Chains criteria (in force from November 2025), or hold an equivalent label whose "
        "criteria cover human-rights due diligence in the supply chain."
    )
    assert label_requirement(TenderChoices(tco_generation=10, epeat="none")) == (
        "The products offered hold TCO Certified (generation 10 or later), or hold an equivalent label whose "
        "criteria cover human-rights due diligence in the supply chain."
    )


def test_a_label_chosen_as_award_criterion_is_weighted_and_scored_all_or_nothing():
    # given
    framework = choose(FRAMEWORK, TenderChoices(label_role="award"))
    annex = build_tender(scenario=1, framework=framework)
    request = {
        "scenario": 1,
        "weights": {"price": 60, "LABEL": 10, "AC1": 15, "AC2": 15},
        "require_label": False,
        "bids": [bid("With", label="TCO Certified"), bid("Without")],
    }

    # when
    evaluation = evaluate_bids(request, framework)

    # then
    assert [i.criterion.id for i in annex.of_kind("award")] == ["LABEL", "AC1", "AC2"]
    assert annex.of_kind("label") == ()
    with_label, without = evaluation.bids
    assert (with_label.points["LABEL"], without.points["LABEL"]) == (10.0, 0.0)
    assert without.admitted is True
    assert without.fraction_reasons["LABEL"] == "no label given"


def test_ac7_all_elements_gives_nothing_for_four_and_everything_for_five():
    # given
    framework = choose(FRAMEWORK, TenderChoices(due_diligence="all_elements"))
    four = dict.fromkeys(["policies", "risk_identification", "monitoring", "mitigation"], "described")
    request = {
        "scenario": 3,
        "weights": {"price": 60, "AC6": 20, "AC7": 20},
        "require_label": False,
        "bids": [
            bid("Four", due_diligence=four),
            bid("Five", due_diligence=four | {"reporting": "annual report"}),
        ],
    }

    # when
    evaluation = evaluate_bids(request, framework)

    # then
    assert [b.fractions["AC7"] for b in evaluation.bids] == [0.0, 1.0]
    assert evaluate_bids(request, FRAMEWORK).bids[0].fractions["AC7"] == 0.8  # hrdd's reading: 20% each
    assert (
        framework.criterion("AC7").scoring
        == "All the points when all five elements are described; none otherwise."
    )


def test_choosing_leaves_the_shipped_framework_as_it_was():
    choose(FRAMEWORK, TenderChoices(label_role="award", due_diligence="all_elements"))
    assert FRAMEWORK.criterion("LABEL").kind == "label"
    assert "all_required" not in (FRAMEWORK.criterion("AC7").rule.model_extra or {})
