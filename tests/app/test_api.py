"""The JSON API: scoring without an account, consultations behind a login, the supplier link, the OpenAPI file."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError

from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.services import (
    AlreadySubmitted,
    ConsultationError,
    invitation_create,
    invitation_reopen,
    invitation_submit,
)
from hrdd.core.errors import InputError, NotFound
from hrdd.domain.knowledge import KnowledgeError
from hrdd.domain.maturity import FieldError, InvalidResponse, NoRespondents
from hrdd.domain.questionnaire_framework import FrameworkError
from hrdd.domain.risk import InvalidAdjustment, UnknownProduct
from hrdd.domain.tender import TenderInputError
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
    assert [c["id"] for c in answer.json()["items"]] == [str(consultation.public_id)]
    assert answer.json()["items"][0]["framework"] == "cfit-2025"


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
    responses = logged_in.get(answer.json()["responses"])

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["consultation"]["id"] == str(consultation.public_id)
    rows = {r["invitation"]["email"]: r for r in responses.json()["items"]}
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


# the one error handler


def _answer(exc):
    from django.test import RequestFactory

    from hrdd.api import error_answer

    answer = error_answer(RequestFactory().get("/api/v1/anything"), exc)
    return answer.status_code, json.loads(answer.content)


def test_refused_input_is_422_with_the_field_named_in_the_detail_and_apart():
    # when
    status, body = _answer(InputError("1 to 200 characters are required", field="title"))

    # then
    assert status == 422
    assert body == {
        "detail": "title: 1 to 200 characters are required",
        "field": "title",
        "errors": [{"field": "title", "message": "1 to 200 characters are required"}],
    }


def test_an_error_whose_message_already_names_its_field_does_not_name_it_twice():
    # when
    status, body = _answer(TenderInputError("must be 1, 2 or 3, got 4", field="scenario"))

    # then
    assert status == 422
    assert body["detail"] == "scenario: must be 1, 2 or 3, got 4"
    assert body["errors"] == [{"field": "scenario", "message": "must be 1, 2 or 3, got 4"}]


def test_an_invalid_response_lists_every_field_at_fault():
    # when
    status, body = _answer(
        InvalidResponse([FieldError("role", "unknown role"), FieldError("answers.policies", "required")])
    )

    # then
    assert status == 422
    assert body["field"] == "role"
    assert [e["field"] for e in body["errors"]] == ["role", "answers.policies"]
    assert body["detail"] == "role: unknown role; answers.policies: required"


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (FrameworkError("unknown framework 'x'"), 422),
        (NoRespondents("no responses to assess"), 422),
        (KnowledgeError("row 3: year missing"), 422),
        (InvalidAdjustment("'XXX' is not a country", field="exclude_countries"), 422),
        (ConsultationError("enter a valid e-mail address", field="email"), 422),
        (AlreadySubmitted("already submitted; ask the buyer to reopen it"), 409),
        (UnknownProduct("laptop", ["notebook"]), 404),
        (NotFound("contract"), 404),
        (Http404("link not found"), 404),
        (PermissionDenied("Your role does not allow changes in this organisation."), 403),
        (HttpError(413, "the file is larger than 100 bytes"), 413),
    ],
)
def test_each_error_class_has_its_status_and_the_one_shape(exc, status):
    # when
    answered, body = _answer(exc)

    # then
    assert answered == status
    assert set(body) == {"detail", "field", "errors"}
    assert str(exc).split(": ")[-1] in body["detail"]


def test_a_schema_break_names_the_field_as_the_domain_writes_it():
    # given
    error = SchemaError(
        [
            {"type": "missing", "loc": ("body", "payload", "bids", 0, "price"), "msg": "Field required"},
            {
                "type": "extra_forbidden",
                "loc": ("body", "payload", "colour"),
                "msg": "Extra inputs are not permitted",
            },
            {"type": "int_parsing", "loc": ("query", "limit"), "msg": "Input should be a valid integer"},
        ]
    )

    # when
    status, body = _answer(error)

    # then
    assert status == 422
    assert [e["field"] for e in body["errors"]] == ["bids[0].price", "colour", "limit"]
    assert body["field"] == "bids[0].price"
    assert body["detail"].startswith("bids[0].price: Field required; colour: Extra inputs are not permitted")


def test_a_programming_error_is_not_answered_as_refused_input():
    # A bare ValueError or KeyError is a fault in hrdd, not in the request: it stays a server error.
    from hrdd.api import api, error_answer

    # then
    assert api._lookup_exception_handler(ValueError("oops")) is not error_answer
    assert api._lookup_exception_handler(KeyError("oops")) is not error_answer


def test_an_unknown_property_in_a_body_is_refused_naming_it(client, db):
    # when
    answer = post(client, "/questionnaire/score", {"responses": [response()], "weights": {}})

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "weights"


def test_an_unknown_property_in_a_response_is_refused_naming_its_path(client, db):
    # when
    answer = post(client, "/questionnaire/score", {"responses": [response() | {"country": "NLD"}]})

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "responses[0].country"


def test_a_body_that_is_not_json_is_400_in_the_same_shape(client, db):
    # when
    answer = client.post(API + "/questionnaire/score", "{not json", content_type="application/json")

    # then
    assert answer.status_code == 400
    assert set(answer.json()) == {"detail", "field", "errors"}
