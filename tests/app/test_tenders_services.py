"""The tender services: a tender created and changed with checked parameters, its risk context, and the
bids evaluated and kept; every write validated, permission-checked and audited."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from hrdd.audit.models import AuditEvent
from hrdd.domain.risk import Adjustments
from hrdd.domain.tender import TenderInputError
from hrdd.risks import selectors as risk_selectors
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.models import BidEvaluation, Tender
from hrdd.tenders.services import (
    RISK_NOTES,
    bid_evaluation_create,
    risk_notes,
    tender_annex,
    tender_create,
    tender_update,
)
from tests.factories import ConsultationFactory, OrganisationFactory

REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids; SQLite reuses ids after a test's rollback, so start clean."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


def demo_bids():
    return json.loads(DEMO_BIDS.read_text(encoding="utf-8"))


def counts():
    return Tender.objects.count(), BidEvaluation.objects.count(), AuditEvent.objects.count()


# tender_create


def test_creating_a_tender_stores_its_parameters(db, buyer, municipality, consultation):
    # when
    tender = tender_create(
        actor=buyer,
        title="  Notebooks 2027  ",
        scenario=2,
        months=6,
        weights={"price": 50, "AC3": 30},
        require_label=False,
        consultation=consultation,
    )

    # then
    tender.refresh_from_db()
    assert tender.organisation == municipality
    assert tender.created_by == buyer
    assert tender.title == "Notebooks 2027"
    assert tender.scenario == 2
    assert tender.months == 6
    assert tender.require_label is False
    assert tender.consultation == consultation
    assert tender.framework_id == "cfit-2025-tender"
    # price and the scenario's award criteria (AC3 given, AC4 the default share 40 / 2)
    assert tender.weights == {"price": 50.0, "AC3": 30.0, "AC4": 20.0}


@pytest.mark.parametrize(
    ("scenario", "weights"),
    [
        (1, {"price": 60.0, "AC1": 20.0, "AC2": 20.0}),
        (2, {"price": 60.0, "AC3": 20.0, "AC4": 20.0}),
        (3, {"price": 60.0, "AC6": 20.0, "AC7": 20.0}),
    ],
)
def test_a_new_tender_gets_the_default_weights_of_its_scenario(db, buyer, scenario, weights):
    # when
    tender = tender_create(actor=buyer, title="Notebooks", scenario=scenario)

    # then
    assert tender.weights == weights
    assert tender.months == 3
    assert tender.require_label is True


def test_creating_a_tender_is_audited(db, buyer, municipality):
    # when
    tender = tender_create(actor=buyer, title="Notebooks 2027", scenario=1, months=4)

    # then
    event = AuditEvent.objects.get(action="tender.create")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_type == "tenders.tender"
    assert event.target_id == str(tender.pk)
    assert event.before is None
    assert event.after == {
        "title": "Notebooks 2027",
        "scenario": 1,
        "months": 4,
        "require_label": True,
        "weights": {"price": 60.0, "AC1": 20.0, "AC2": 20.0},
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"scenario": 4}, "scenario"),
        ({"scenario": 0}, "scenario"),
        ({"scenario": 1, "months": 0}, "months"),
        ({"scenario": 1, "months": -3}, "months"),
        ({"scenario": 1, "weights": {"AC3": 20}}, "weights"),  # AC3 belongs to scenario 2
        ({"scenario": 2, "weights": {"SC1": 20}}, "weights"),  # a selection criterion has no weight
        ({"scenario": 2, "weights": {"AC3": -1}}, "weights.AC3"),
        ({"scenario": 2, "weights": {"price": "sixty"}}, "weights.price"),
        ({"scenario": 1, "title": "   "}, "title"),
        ({"scenario": 1, "title": "x" * 201}, "title"),
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_stored(db, buyer, kwargs, field):
    # given
    kwargs = {"title": "Notebooks", **kwargs}

    # when
    with pytest.raises(TenderInputError) as refused:
        tender_create(actor=buyer, **kwargs)

    # then
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}:")
    assert counts() == (0, 0, 0)


def test_an_unknown_scenario_is_refused_naming_the_known_ones(db, buyer):
    # when
    with pytest.raises(TenderInputError) as refused:
        tender_create(actor=buyer, title="Notebooks", scenario=7)

    # then
    assert "7" in str(refused.value)
    assert "1, 2, 3" in str(refused.value)


def test_a_viewer_may_not_create_a_tender(db, viewer):
    # when
    with pytest.raises(PermissionDenied):
        tender_create(actor=viewer, title="Notebooks", scenario=1)

    # then
    assert counts() == (0, 0, 0)


def test_a_contract_manager_may_create_a_tender(db, contract_manager):
    # when
    tender = tender_create(actor=contract_manager, title="Notebooks", scenario=3)

    # then
    assert tender.organisation == contract_manager.organisation


def test_another_organisations_consultation_is_refused(db, buyer):
    # given
    theirs = ConsultationFactory(organisation=OrganisationFactory(name="Elsewhere"))

    # when
    with pytest.raises(TenderInputError) as refused:
        tender_create(actor=buyer, title="Notebooks", scenario=1, consultation=theirs)

    # then
    assert refused.value.field == "consultation"
    assert counts() == (0, 0, 0)


def test_another_organisations_risk_assessment_is_refused(db, buyer, outsider):
    # given
    theirs = risk_assessment_save(
        actor=outsider, title="Their notebooks", product="notebook", adjustments=Adjustments()
    )
    before = counts()

    # when
    with pytest.raises(TenderInputError) as refused:
        tender_create(actor=buyer, title="Notebooks", scenario=1, risk_assessment=theirs)

    # then
    assert refused.value.field == "risk_assessment"
    assert counts() == before


# tender_update


def test_updating_changes_months_weights_and_label_and_audits_before_and_after(db, buyer, municipality):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)

    # when
    tender_update(
        actor=buyer, tender=tender, months=9, weights={"price": 50, "AC3": 35, "AC4": 15}, require_label=False
    )

    # then
    tender.refresh_from_db()
    assert tender.months == 9
    assert tender.weights == {"price": 50.0, "AC3": 35.0, "AC4": 15.0}
    assert tender.require_label is False
    event = AuditEvent.objects.get(action="tender.update")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_id == str(tender.pk)
    assert event.before == {
        "title": "Notebooks",
        "scenario": 2,
        "months": 3,
        "require_label": True,
        "weights": {"price": 60.0, "AC3": 20.0, "AC4": 20.0},
    }
    assert event.after == {
        "title": "Notebooks",
        "scenario": 2,
        "months": 9,
        "require_label": False,
        "weights": {"price": 50.0, "AC3": 35.0, "AC4": 15.0},
    }
    # the annex follows the stored parameters
    annex = tender_annex(tender)
    assert annex.months == 9
    assert annex.price_weight == 50.0
    # a label no longer required stays in the annex as a recommendation (the buyer's choices)
    assert [i.criterion.id for i in annex.items] == ["LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"]
    assert annex.require_label is False


@pytest.mark.parametrize(
    ("weights", "months", "field"),
    [
        ({"AC1": 10}, 3, "weights"),  # scenario 1's criterion on a scenario-2 tender
        ({"AC3": -5}, 3, "weights.AC3"),
        ({"AC3": float("nan")}, 3, "weights.AC3"),
        ({}, 0, "months"),
    ],
)
def test_updating_with_bad_parameters_is_refused_and_changes_nothing(db, buyer, weights, months, field):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)
    before = counts()

    # when
    with pytest.raises(TenderInputError) as refused:
        tender_update(actor=buyer, tender=tender, months=months, weights=weights, require_label=False)

    # then
    assert refused.value.field == field
    tender.refresh_from_db()
    assert tender.months == 3
    assert tender.weights == {"price": 60.0, "AC3": 20.0, "AC4": 20.0}
    assert tender.require_label is True
    assert counts() == before


def test_a_viewer_may_not_update_a_tender(db, buyer, viewer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)

    # when
    with pytest.raises(PermissionDenied):
        tender_update(actor=viewer, tender=tender, months=6, weights={}, require_label=True)

    # then
    tender.refresh_from_db()
    assert tender.months == 3
    assert not AuditEvent.objects.filter(action="tender.update").exists()


def test_an_outsider_may_not_update_a_tender(db, buyer, outsider):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)

    # when
    with pytest.raises(PermissionDenied):
        tender_update(actor=outsider, tender=tender, months=6, weights={}, require_label=True)

    # then
    tender.refresh_from_db()
    assert tender.months == 3


# risk_notes


def test_risk_notes_are_none_without_an_assessment():
    assert risk_notes(None) == ()


def test_risk_notes_give_at_most_five_lines_from_a_saved_assessment(db, buyer):
    # given
    saved = risk_assessment_save(
        actor=buyer, title="Notebooks: risks", product="notebook", adjustments=Adjustments()
    )
    assert len(saved.result["risks"]) > RISK_NOTES  # enough risks for the cap to matter

    # when
    notes = risk_notes(saved)

    # then
    assert RISK_NOTES == 5
    assert 1 <= len(notes) <= 5
    assert len(set(notes)) == len(notes)
    # in plain words: the risk's name and the country's, never a score or a code
    assert notes[0].startswith("Child labour in cobalt mining in the Democratic Republic of the Congo")
    assert all("\n" not in note and "score" not in note and note.endswith(".") for note in notes)
    assert not any(saved.result["risks"][0]["country_iso3"] in note for note in notes)


def test_a_tender_with_a_risk_assessment_carries_its_notes_into_the_annex(db, buyer, consultation):
    # given
    saved = risk_assessment_save(
        actor=buyer,
        title="Notebooks: risks",
        product="notebook",
        adjustments=Adjustments(),
        consultation=consultation,
    )
    tender = tender_create(
        actor=buyer, title="Notebooks", scenario=1, consultation=consultation, risk_assessment=saved
    )

    # when
    annex = tender_annex(tender)

    # then
    assert annex.risk_notes == risk_notes(saved)
    assert 1 <= len(annex.risk_notes) <= 5
    assert annex.product == "notebook"


# bid_evaluation_create


def test_evaluating_bids_stores_the_request_and_the_result(db, buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)

    # when
    stored, evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids())

    # then
    stored.refresh_from_db()
    assert stored.tender == tender
    assert stored.created_by == buyer
    assert stored.request["scenario"] == 2
    assert stored.request["weights"] == {"price": 60.0, "AC3": 20.0, "AC4": 20.0}
    assert stored.request["require_label"] is True
    assert [b["bidder"] for b in stored.request["bids"]] == [
        "Lumen Computers",
        "Civic IT Reseller",
        "Budget Office Supplies",
        "Nordbyte Systems",
    ]
    assert stored.result == json.loads(json.dumps(evaluation.as_dict()))
    ranks = {b["bidder"]: b["rank"] for b in stored.result["bids"]}
    assert ranks == {
        "Lumen Computers": 1,
        "Civic IT Reseller": 2,
        "Budget Office Supplies": None,
        "Nordbyte Systems": None,
    }


def test_a_bare_list_of_bids_is_read_too(db, buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)

    # when
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids()["bids"])

    # then
    assert len(stored.result["bids"]) == 4


def test_evaluating_bids_uses_the_tenders_label_rule_and_weights(db, buyer):
    # given: the label is not required, so Nordbyte Systems (no label) is admitted
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2, require_label=False)

    # when
    _stored, evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids())

    # then
    admitted = {b.bidder for b in evaluation.bids if b.admitted}
    assert admitted == {"Lumen Computers", "Civic IT Reseller", "Nordbyte Systems"}


def test_evaluating_bids_is_audited(db, buyer, municipality):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)

    # when
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids())

    # then
    event = AuditEvent.objects.get(action="tender.evaluate_bids")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_type == "tenders.bidevaluation"
    assert event.target_id == str(stored.pk)
    assert event.after == {"bids": 4, "ranking": ["Lumen Computers", "Civic IT Reseller"]}


def _zero_price(bids):
    bids["bids"][0]["price"] = 0
    return bids


def _negative_price(bids):
    bids["bids"][1]["price"] = -10
    return bids


def _no_bidder(bids):
    bids["bids"][2]["bidder"] = "  "
    return bids


def _twice(bids):
    bids["bids"][3]["bidder"] = "Lumen Computers"
    return bids


def _not_an_object(bids):
    bids["bids"][0] = "Lumen Computers"
    return bids


def _actions_not_a_list(bids):
    bids["bids"][0]["actions"] = "three actions"
    return bids


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (_zero_price, "bids[0].price"),
        (_negative_price, "bids[1].price"),
        (_no_bidder, "bids[2].bidder"),
        (_twice, "bids[3].bidder"),
        (_not_an_object, "bids[0]"),
        (_actions_not_a_list, "bids[0].actions"),
        (lambda bids: {"bids": []}, "bids"),
        (lambda bids: {"no bids": True}, "no bids"),  # an unknown field (did you mean bids?)
        (lambda bids: "not bids at all", "bids"),
    ],
)
def test_malformed_bids_are_refused_and_nothing_is_stored(db, buyer, spoil, field):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)
    before = counts()

    # when
    with pytest.raises(TenderInputError) as refused:
        bid_evaluation_create(actor=buyer, tender=tender, bids=spoil(copy.deepcopy(demo_bids())))

    # then
    assert refused.value.field == field
    assert counts() == before


def test_a_viewer_may_not_evaluate_bids(db, buyer, viewer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks", scenario=2)
    before = counts()

    # when
    with pytest.raises(PermissionDenied):
        bid_evaluation_create(actor=viewer, tender=tender, bids=demo_bids())

    # then
    assert counts() == before
