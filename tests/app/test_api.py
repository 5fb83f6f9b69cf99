"""The JSON API: scoring without an account, consultations behind a login, the supplier link, the OpenAPI file."""

import json
from pathlib import Path

import pytest

from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.services import invitation_create, invitation_reopen, invitation_submit
from tests.factories import answers, response

API = "/api/v1"
REPO = Path(__file__).resolve().parents[2]


def post(client, path, payload):
    return client.post(API + path, json.dumps(payload), content_type="application/json")


def put(client, path, payload):
    return client.put(API + path, json.dumps(payload), content_type="application/json")


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


# scoring, no account needed


def test_scoring_returns_scores_levels_and_reasons_for_each_response(client, db):
    # when
    answer = post(
        client,
        "/questionnaire/score",
        {"responses": [response(company="First"), response(company="Second", role="reseller")]},
    )

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert [s["company"] for s in body] == ["First", "Second"]
    first = body[0]
    assert first["scores"]["awareness"] == 5
    assert first["levels"] == {"awareness": "medium", "policies": "medium", "actions": "medium"}
    assert first["overall"] == "medium"
    assert first["warnings"] == []
    assert {r["subject"] for r in first["reasons"]} >= {"transparency", "awareness", "overall"}


def test_scoring_the_role_other_carries_a_warning(client, db):
    # when
    answer = post(client, "/questionnaire/score", {"responses": [response(role="other")]})

    # then
    assert answer.status_code == 200
    assert any("other" in w for w in answer.json()[0]["warnings"])


def test_assessing_the_market_recommends_a_scenario(client, db):
    # given
    high = response(
        transparency=["end_to_end"],
        risk_understanding="good",
        policies=["due_diligence_strategy"],
        actions=["code_compliance", "complaints_procedure", "stakeholder_consultation"],
    )

    # when
    answer = post(client, "/market/assess", {"responses": [high, high, high, response()]})

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["respondents"] == 4
    assert body["distribution"]["overall"] == {"low": 0, "medium": 1, "high": 3}
    assert body["recommended_scenario"] == 3
    assert "Scenario 3" in body["explanation"]
    assert body["checks"][0] == {"scenario": 3, "at_least": "high", "count": 3, "met": True}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (response(role="pirate"), "role"),
        (response(risk_understanding=["fair", "good"]), "answers.risk_understanding"),
        (response(transparency=["telepathy"]), "answers.transparency"),
        (response(policies=[]), "answers.policies"),
        (response(company=""), "company"),
    ],
)
@pytest.mark.parametrize("path", ["/questionnaire/score", "/market/assess"])
def test_an_invalid_response_is_refused_with_the_field_named(client, db, path, raw, field):
    # when
    answer = post(client, path, {"responses": [response(company="Fine"), raw]})

    # then
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert "responses[1]" in detail
    assert f"{field}:" in detail


@pytest.mark.parametrize("path", ["/questionnaire/score", "/market/assess"])
def test_an_unknown_framework_is_refused_naming_it(client, db, path):
    # when
    answer = post(client, path, {"framework": "no-such-framework", "responses": [response()]})

    # then
    assert answer.status_code == 422
    assert "no-such-framework" in answer.json()["detail"]
    assert answer.json()["field"] == "framework"


def test_assessing_an_empty_market_is_refused_naming_the_responses(client, db):
    # when
    answer = post(client, "/market/assess", {"responses": []})

    # then
    assert answer.status_code == 422
    assert "responses" in answer.json()["detail"]


def test_a_request_without_responses_is_refused_naming_the_field(client, db):
    # when
    answer = post(client, "/questionnaire/score", {"framework": "cfit-2025"})

    # then
    assert answer.status_code == 422
    assert "responses" in json.dumps(answer.json()["detail"])


def test_scoring_stores_nothing(client, db):
    # when
    post(client, "/questionnaire/score", {"responses": [response()]})

    # then
    assert not Invitation.objects.exists()


# consultations, behind a login


def test_the_consultations_api_needs_a_login(client, consultation):
    # when
    listed = client.get(API + "/consultations/")
    created = post(
        client, "/consultations/", {"title": "T", "product_category": "notebook", "deadline": "2031-01-01"}
    )

    # then
    assert listed.status_code == 401
    assert created.status_code == 401
    assert Consultation.objects.count() == 1


def test_the_results_api_needs_a_login(client, consultation):
    # when
    answer = client.get(f"{API}/consultations/{consultation.public_id}/results")

    # then
    assert answer.status_code == 401


def test_a_buyer_lists_the_organisations_consultations(logged_in, consultation):
    # when
    answer = logged_in.get(API + "/consultations/")

    # then
    assert answer.status_code == 200
    assert [c["id"] for c in answer.json()] == [str(consultation.public_id)]
    assert answer.json()[0]["framework"] == "cfit-2025"


def test_a_buyer_creates_a_consultation(logged_in, buyer):
    # when
    answer = post(
        logged_in,
        "/consultations/",
        {"title": "Displays 2030", "product_category": "display", "deadline": "2031-02-01"},
    )

    # then
    assert answer.status_code == 201
    body = answer.json()
    consultation = Consultation.objects.get(public_id=body["id"])
    assert consultation.organisation == buyer.organisation
    assert body == {
        "id": str(consultation.public_id),
        "title": "Displays 2030",
        "product_category": "display",
        "deadline": "2031-02-01",
        "framework": "cfit-2025",
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": " ", "product_category": "notebook", "deadline": "2031-02-01"}, "title"),
        ({"title": "Fridges", "product_category": "fridge", "deadline": "2031-02-01"}, "product_category"),
    ],
)
def test_creating_an_invalid_consultation_is_refused_with_the_field_named(logged_in, payload, field):
    # when
    answer = post(logged_in, "/consultations/", payload)

    # then
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith(f"{field}:")
    assert answer.json()["field"] == field
    assert not Consultation.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"product_category": "notebook", "deadline": "2031-02-01"},
        {"title": "Notebooks", "product_category": "notebook", "deadline": "next spring"},
    ],
)
def test_a_malformed_consultation_is_refused_by_validation(logged_in, payload):
    # when
    answer = post(logged_in, "/consultations/", payload)

    # then
    assert answer.status_code == 422
    assert not Consultation.objects.exists()


def test_a_viewer_may_not_create_a_consultation_through_the_api(client, viewer):
    # given
    client.force_login(viewer)

    # when
    answer = post(
        client, "/consultations/", {"title": "T", "product_category": "notebook", "deadline": "2031-01-01"}
    )

    # then
    assert answer.status_code == 403
    assert not Consultation.objects.exists()


def test_inviting_through_the_api_answers_with_the_supplier_link(logged_in, consultation, settings):
    # when
    answer = post(
        logged_in,
        f"/consultations/{consultation.public_id}/invitations",
        {"email": "Sales@Acme.example", "company": "Acme"},
    )

    # then
    assert answer.status_code == 201
    body = answer.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert body["email"] == "sales@acme.example"
    assert body["status"] == "invited"
    assert body["link"] == settings.HRDD_BASE_URL.rstrip("/") + f"/respond/{invitation.token}/"


def test_inviting_an_invalid_address_through_the_api_is_refused_naming_the_email(logged_in, consultation):
    # when
    answer = post(logged_in, f"/consultations/{consultation.public_id}/invitations", {"email": "nobody"})

    # then
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("email:")
    assert answer.json()["field"] == "email"
    assert not consultation.invitations.exists()


def test_inviting_to_an_unknown_consultation_is_not_found(logged_in, db):
    # when
    answer = post(
        logged_in, "/consultations/00000000-0000-0000-0000-000000000000/invitations", {"email": "a@b.example"}
    )

    # then
    assert answer.status_code == 404


def test_the_results_api_gives_each_supplier_and_the_market(logged_in, buyer, consultation, submitted):
    # given
    invitation_create(actor=buyer, consultation=consultation, email="late@b.example", send=False)

    # when
    answer = logged_in.get(f"{API}/consultations/{consultation.public_id}/results")

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["consultation"]["id"] == str(consultation.public_id)
    rows = {r["invitation"]["email"]: r for r in body["rows"]}
    assert rows["supplier@acme.example"]["score"]["overall"] == "medium"
    assert rows["late@b.example"]["score"] is None
    assert body["market"]["respondents"] == 1
    assert body["market"]["recommended_scenario"] == 2


def test_the_results_api_has_no_market_before_any_response(logged_in, consultation, invitation):
    # when
    answer = logged_in.get(f"{API}/consultations/{consultation.public_id}/results")

    # then
    assert answer.status_code == 200
    assert answer.json()["market"] is None


# the supplier link


def test_the_supplier_link_api_reads_the_questionnaire_state(client, invitation, consultation, municipality):
    # when
    answer = client.get(f"{API}/responses/{invitation.token}")

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["consultation"] == consultation.title
    assert body["buyer"] == municipality.name
    assert body["status"] == "invited"
    assert body["answers"] == {}


def test_the_supplier_link_api_saves_a_partial_draft(client, invitation):
    # when
    answer = put(
        client,
        f"/responses/{invitation.token}",
        {"company": "Acme", "role": "reseller", "answers": {"transparency": ["assembly_location"]}},
    )

    # then
    assert answer.status_code == 200
    assert answer.json()["status"] == "draft"
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert invitation.answers == {"transparency": ["assembly_location"]}


def test_the_supplier_link_api_submits_complete_answers(client, invitation):
    # when
    answer = post(client, f"/responses/{invitation.token}/submit", response())

    # then
    assert answer.status_code == 200
    assert answer.json()["status"] == "submitted"
    invitation.refresh_from_db()
    assert invitation.is_submitted
    assert invitation.answers == answers()


def test_the_supplier_link_api_refuses_a_second_submission_with_409(client, submitted):
    # when
    answer = post(client, f"/responses/{submitted.token}/submit", response(company="Changed"))

    # then
    assert answer.status_code == 409
    assert "reopen" in answer.json()["detail"]
    submitted.refresh_from_db()
    assert submitted.company_name == "Acme Computers"


def test_the_supplier_link_api_refuses_a_draft_after_submission_with_409(client, submitted):
    # when
    answer = put(client, f"/responses/{submitted.token}", {"company": "Changed"})

    # then
    assert answer.status_code == 409
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED
    assert submitted.company_name == "Acme Computers"


def test_the_supplier_link_api_refuses_incomplete_answers_with_422_naming_the_field(client, invitation):
    # given
    raw = response()
    del raw["answers"]["actions"]

    # when
    answer = post(client, f"/responses/{invitation.token}/submit", raw)

    # then
    assert answer.status_code == 422
    body = answer.json()
    assert [e["field"] for e in body["errors"]] == ["answers.actions"]
    assert "answers.actions" in body["detail"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


def test_the_supplier_link_api_refuses_an_unknown_option_in_a_draft_with_422(client, invitation):
    # when
    answer = put(client, f"/responses/{invitation.token}", {"answers": {"policies": ["vague_intentions"]}})

    # then
    assert answer.status_code == 422
    assert [e["field"] for e in answer.json()["errors"]] == ["answers.policies"]
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


@pytest.mark.parametrize("method", ["get", "put", "submit"])
def test_an_unknown_supplier_link_is_not_found(client, invitation, method):
    # when
    if method == "get":
        answer = client.get(f"{API}/responses/no-such-token")
    elif method == "put":
        answer = put(client, "/responses/no-such-token", {})
    else:
        answer = post(client, "/responses/no-such-token/submit", response())

    # then
    assert answer.status_code == 404


def test_a_reopened_response_can_be_submitted_again_through_the_api(client, buyer, submitted):
    # given
    invitation_reopen(actor=buyer, invitation=submitted)

    # when
    answer = post(client, f"/responses/{submitted.token}/submit", response(company="Acme Again"))

    # then
    assert answer.status_code == 200
    submitted.refresh_from_db()
    assert submitted.company_name == "Acme Again"


def test_the_supplier_link_api_shows_submitted_answers(client, invitation):
    # given
    invitation_submit(invitation=invitation, raw=response())

    # when
    answer = client.get(f"{API}/responses/{invitation.token}")

    # then
    assert answer.json()["status"] == "submitted"
    assert answer.json()["answers"] == answers()


# the published OpenAPI document


def test_the_committed_openapi_document_matches_the_api(client, db):
    # given
    committed = json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8"))

    # when
    served = client.get(API + "/openapi.json")

    # then
    assert served.status_code == 200
    assert served.json() == committed, "docs/openapi.json is out of date with the API: run `make openapi`"
