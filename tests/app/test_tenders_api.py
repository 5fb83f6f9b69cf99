"""The tender API: the annex of a scenario (JSON and OCDS) and the evaluation of bids, without an account and
without storing anything; bad input gets 422 naming the field."""

import copy
import json
from pathlib import Path

import pytest

from hrdd.audit.models import AuditEvent
from hrdd.tenders.models import BidEvaluation, Tender

API = "/api/v1/tenders"
REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"
SCENARIOS = {
    1: ["LABEL", "AC1", "AC2", "CC1"],
    2: ["LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"],
    3: ["LABEL", "SC1", "SC2", "AC6", "AC7", "CC2", "CC3", "CC4"],
}


def post(client, path, payload):
    return client.post(API + path, json.dumps(payload), content_type="application/json")


def demo_bids():
    return json.loads(DEMO_BIDS.read_text(encoding="utf-8"))


def stored():
    return Tender.objects.count(), BidEvaluation.objects.count(), AuditEvent.objects.count()


# the annex


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_annex_lists_the_items_of_the_scenario(client, db, scenario):
    # when
    answer = post(client, "/annex", {"scenario": scenario})

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["scenario"] == scenario
    assert [i["id"] for i in body["items"]] == SCENARIOS[scenario]
    assert body["months"] == 3
    assert body["require_label"] is True
    assert stored() == (0, 0, 0)


def test_the_annex_takes_months_weights_and_the_label_rule(client, db):
    # when
    answer = post(
        client, "/annex", {"scenario": 1, "months": 6, "weights": {"AC1": 30}, "require_label": False}
    )

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert [i["id"] for i in body["items"]] == ["AC1", "AC2", "CC1"]
    assert body["weights"] == {"price": 60.0, "AC1": 30.0, "AC2": 20.0}
    cc1 = next(i for i in body["items"] if i["id"] == "CC1")
    assert "no later than 6 months after the award" in cc1["requirement"]


@pytest.mark.parametrize("path", ["/annex", "/annex/ocds"])
def test_an_unknown_scenario_gets_422_naming_the_known_ones(client, db, path):
    # when
    answer = post(client, path, {"scenario": 4})

    # then
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail.startswith("scenario:")
    assert "unknown scenario 4" in detail
    assert "1, 2, 3" in detail


@pytest.mark.parametrize("path", ["/annex", "/annex/ocds"])
def test_a_weight_for_a_criterion_the_scenario_lacks_gets_422(client, db, path):
    # when
    answer = post(client, path, {"scenario": 2, "weights": {"AC1": 20}})

    # then
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail.startswith("weights:")
    assert "'AC1' is not an award criterion of this scenario" in detail
    assert "AC3, AC4" in detail


def test_a_negative_weight_gets_422_naming_it(client, db):
    # when
    answer = post(client, "/annex", {"scenario": 2, "weights": {"AC3": -1}})

    # then
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("weights.AC3:")


def test_zero_months_gets_422(client, db):
    # when
    answer = post(client, "/annex", {"scenario": 1, "months": 0})

    # then
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("months:")


def test_a_scenario_that_is_not_a_number_gets_a_4xx(client, db):
    # when
    answer = post(client, "/annex", {"scenario": "high"})

    # then
    assert 400 <= answer.status_code < 500


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_ocds_annex_is_a_release_with_sustainability(client, db, scenario):
    # when
    answer = post(
        client, "/annex/ocds", {"scenario": scenario, "title": "Notebooks 2027", "buyer": "Town of Ede"}
    )

    # then
    assert answer.status_code == 200
    [release] = answer.json()["releases"]
    assert release["tag"] == ["tender"]
    assert release["buyer"]["name"] == "Town of Ede"
    assert release["ocid"].startswith("ocds-hrdd00-")
    tender = release["tender"]
    assert tender["title"] == "Notebooks 2027"
    assert tender["hasSustainability"] is True
    assert tender["sustainability"][-1]["goal"] == "social.humanRightsInSupplyChains"
    assert "awardCriteria" in tender["sustainability"][-1]["strategies"]
    assert ("selectionCriteria" in tender) is (scenario != 1)
    names = [c["name"].split()[0] for c in tender["lots"][0]["awardCriteria"]["criteria"]]
    assert names == ["Price"] + [c for c in SCENARIOS[scenario] if c.startswith("AC")]
    assert stored() == (0, 0, 0)


# the evaluation


def test_evaluating_the_demo_bids_ranks_them(client, db):
    # when
    answer = post(client, "/evaluate", demo_bids())

    # then
    assert answer.status_code == 200
    bids = {b["bidder"]: b for b in answer.json()["bids"]}
    assert {name: b["rank"] for name, b in bids.items()} == {
        "Lumen Computers": 1,
        "Civic IT Reseller": 2,
        "Budget Office Supplies": None,
        "Nordbyte Systems": None,
    }
    # Lumen: 60 x 389000 / 412000 = 56.6505 for price, AC3 20 x 1.0, AC4 20 x 1.0
    assert bids["Lumen Computers"]["total"] == pytest.approx(96.6505)
    # Civic: 60 (lowest admitted price), AC3 20 x 0.7 (a plan), AC4 20 x 0.3 (one justified action)
    assert bids["Civic IT Reseller"]["total"] == pytest.approx(80.0)
    assert bids["Budget Office Supplies"]["admitted"] is False
    assert bids["Budget Office Supplies"]["abnormally_low"] is True
    assert bids["Nordbyte Systems"]["admitted"] is False
    for bid in bids.values():
        assert {"bidder", "admitted", "reasons", "fractions", "points", "total", "rank"} <= set(bid)
    assert stored() == (0, 0, 0)


@pytest.mark.parametrize("price", [0, -5])
def test_a_price_that_is_not_positive_gets_422_naming_the_bid(client, db, price):
    # given
    request = copy.deepcopy(demo_bids())
    request["bids"][0]["price"] = price

    # when
    answer = post(client, "/evaluate", request)

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "bids[0].price"
    assert "greater than 0" in answer.json()["detail"]


@pytest.mark.parametrize("price", ["cheap", "12", True, None])
def test_a_price_that_is_not_a_number_gets_422_naming_the_bid(client, db, price):
    # given
    request = copy.deepcopy(demo_bids())
    request["bids"][0]["price"] = price

    # when
    answer = post(client, "/evaluate", request)

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "bids[0].price"
    assert "number" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"scenario": 9}, "scenario"),
        ({"weights": {"price": 60, "AC1": 40}}, "weights"),
        ({"weights": {"AC3": 50, "AC4": 50}}, "price"),
        ({"require_label": "yes"}, "require_label"),
        ({"bids": []}, "bids"),
    ],
)
def test_bad_evaluation_input_gets_422_naming_the_field(client, db, change, said):
    # given
    request = demo_bids() | change

    # when
    answer = post(client, "/evaluate", request)

    # then
    assert answer.status_code == 422
    assert said in answer.json()["detail"]


def test_a_body_that_is_not_json_gets_a_4xx(client, db):
    # when
    answer = client.post(API + "/evaluate", "{not json", content_type="application/json")

    # then
    assert 400 <= answer.status_code < 500
