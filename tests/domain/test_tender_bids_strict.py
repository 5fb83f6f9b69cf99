"""Bids are read strictly: a field the tender rules do not read is refused by its path, with the field it most
probably means, before anything is scored (issue 10: `risk_assesment` used to be ignored and change the ranking)."""

import copy
import json
from pathlib import Path

import pytest

from hrdd.domain.tender import (
    TenderInputError,
    UnknownField,
    bid_fields,
    check_fields,
    closest_name,
    evaluate_bids,
    evaluation_fields,
    field_path,
    get_tender_framework,
)

FRAMEWORK = get_tender_framework()
DEMO = Path(__file__).resolve().parents[2] / "hrdd" / "demo_data" / "bids-scenario-2.json"


def demo():
    return json.loads(DEMO.read_text(encoding="utf-8"))


def refusal(request):
    with pytest.raises(UnknownField) as caught:
        evaluate_bids(request, FRAMEWORK)
    return caught.value


def test_a_misspelled_risk_assessment_is_refused_with_its_path_and_the_field_meant():
    # given the demo bids, the first one's risk assessment misspelled
    request = demo()
    request["bids"][0]["risk_assesment"] = request["bids"][0].pop("risk_assessment")

    # when / then
    error = refusal(request)
    assert str(error) == "bids[0].risk_assesment: unknown field; did you mean risk_assessment?"
    assert error.field == "bids[0].risk_assesment"
    assert error.parts == ("bids", 0, "risk_assesment")
    assert error.suggestion == "risk_assessment"
    assert isinstance(error, TenderInputError)  # every edge already answers it as refused input


def test_before_the_fix_the_misspelling_changed_the_ranking():
    # given the correct demo and the same with Lumen's risk assessment misspelled, read leniently
    request = demo()
    lenient = copy.deepcopy(request)
    lenient["bids"][0]["risk_assesment"] = lenient["bids"][0].pop("risk_assessment")
    del lenient["bids"][0]["risk_assesment"]  # what ignoring the unknown field amounted to

    # when
    right = evaluate_bids(request, FRAMEWORK)
    wrong = evaluate_bids(lenient, FRAMEWORK)

    # then Lumen wins with its risk assessment and is not even admitted without it
    assert {b.bidder: b.rank for b in right.bids}["Lumen Computers"] == 1
    assert {b.bidder: b.rank for b in wrong.bids}["Lumen Computers"] is None


@pytest.mark.parametrize(
    ("mutate", "field", "suggestion"),
    [
        (lambda r: r.__setitem__("weight", r.pop("weights")), "weight", "weights"),
        (lambda r: r.__setitem__("requireLabel", r.pop("require_label")), "requireLabel", "require_label"),
        (lambda r: r["bids"][1].__setitem__("prise", r["bids"][1].pop("price")), "bids[1].prise", "price"),
        (lambda r: r["bids"][0].__setitem__("Label", r["bids"][0].pop("label")), "bids[0].Label", "label"),
        (
            lambda r: r["bids"][0]["risk_assessment"].__setitem__(
                "sourcing_country", r["bids"][0]["risk_assessment"].pop("sourcing_countries")
            ),
            "bids[0].risk_assessment.sourcing_country",
            "sourcing_countries",
        ),
        (
            lambda r: r["bids"][0]["risk_assessment"]["risks"][2].__setitem__("desc", "x"),
            "bids[0].risk_assessment.risks[2].desc",
            "description",
        ),
        (
            lambda r: r["bids"][0]["product_sites"]["sites"][1].__setitem__("adress", "x"),
            "bids[0].product_sites.sites[1].adress",
            "address",
        ),
        (
            lambda r: r["bids"][1]["product_sites"]["plan"].__setitem__("time_line", "x"),
            "bids[1].product_sites.plan.time_line",
            "timeline",
        ),
        (
            lambda r: r["bids"][0]["actions"][0].__setitem__("justifcation", "x"),
            "bids[0].actions[0].justifcation",
            "justification",
        ),
        (lambda r: r["bids"][2].__setitem__("product_site", {}), "bids[2].product_site", "product_sites"),
    ],
)
def test_an_unknown_field_at_any_depth_is_named_with_a_suggestion(mutate, field, suggestion):
    request = demo()
    mutate(request)

    error = refusal(request)

    assert error.field == field
    assert error.message == f"unknown field; did you mean {suggestion}?"


def test_a_field_like_nothing_known_lists_the_fields_expected():
    request = demo()
    request["bids"][0]["xyzzy"] = 1

    error = refusal(request)

    assert error.suggestion is None
    assert error.field == "bids[0].xyzzy"
    assert error.message.startswith("unknown field; expected one of bidder, price, label, risk_assessment")


def test_nothing_is_scored_when_one_late_bid_has_an_unknown_field():
    request = demo()
    request["bids"][-1]["remarks"] = "late"

    error = refusal(request)

    assert error.field == f"bids[{len(request['bids']) - 1}].remarks"


def test_the_fields_of_another_scenario_are_known_but_noted_as_not_read():
    # given a scenario 2 bid that also describes its due diligence (read in scenario 3 only)
    request = demo()
    request["bids"][0]["due_diligence"] = {"policies": "Our human-rights policy."}
    request["bids"][1]["due_diligence"] = {"reporting": "Annual report."}

    # when
    evaluation = evaluate_bids(request, FRAMEWORK)

    # then it is scored as before, with a note saying the field earns nothing here
    assert {b.bidder: b.rank for b in evaluation.bids}["Lumen Computers"] == 1
    assert "due_diligence is given in 2 bid(s) but no criterion of scenario 2 reads it" in evaluation.notes


def test_the_source_of_the_risk_assessment_lists_is_quoted_in_the_reason():
    request = demo()
    request["bids"][0]["risk_assessment"]["source"] = "hrdd's check of lumen-risks.pdf"

    evaluation = evaluate_bids(request, FRAMEWORK)

    lumen = next(b for b in evaluation.bids if b.bidder == "Lumen Computers")
    assert "(hrdd's check of lumen-risks.pdf)" in lumen.fraction_reasons["SC1"]


def test_a_source_that_is_not_text_is_refused():
    request = demo()
    request["bids"][0]["risk_assessment"]["source"] = 3

    with pytest.raises(TenderInputError, match=r"bids\[0\]\.risk_assessment\.source: must be text"):
        evaluate_bids(request, FRAMEWORK)


def test_the_fields_follow_the_framework_rules():
    # the site-list fields and the due-diligence elements are the framework's, not hard-coded
    fields = bid_fields(FRAMEWORK)
    assert list(fields) == [
        "bidder",
        "price",
        "label",
        "risk_assessment",
        "product_sites",
        "policy_commitment",
        "actions",
        "component_sites",
        "due_diligence",
    ]
    assert list(fields["due_diligence"]) == [
        "policies",
        "risk_identification",
        "monitoring",
        "mitigation",
        "reporting",
        "source",  # where the elements come from (a document's check, the buyer), as for the risk assessment
    ]
    scenario_2 = bid_fields(FRAMEWORK, FRAMEWORK.scenario(2))
    assert list(scenario_2) == ["bidder", "price", "label", "risk_assessment", "product_sites", "actions"]


def test_values_are_left_to_the_readers():
    # a list where an object belongs is not an unknown field: the reader refuses it with its own message
    check_fields({"bids": [{"risk_assessment": ["a"]}]}, evaluation_fields(FRAMEWORK))
    request = demo()
    request["bids"][0]["risk_assessment"] = ["battery"]
    with pytest.raises(TenderInputError, match=r"bids\[0\]\.risk_assessment: must be an object"):
        evaluate_bids(request, FRAMEWORK)


@pytest.mark.parametrize(
    ("name", "meant"),
    [("risk_assesment", "risk_assessment"), ("PRICE", "price"), ("bider", "bidder"), ("zzz", None)],
)
def test_closest_name(name, meant):
    assert closest_name(name, list(bid_fields(FRAMEWORK))) == meant


def test_field_path():
    assert field_path(("bids", 0, "risk_assessment", "risks", 2)) == "bids[0].risk_assessment.risks[2]"
