"""POST /api/v1/risks/check reads the three documents by their `kind` (a risk assessment when none is sent); the
answer says its kind, and the OpenAPI document gives each kind's shape."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrdd.domain.risk_check import check_risk_assessment

API = "/api/v1"
FIXTURES = Path(__file__).parent / "fixtures"
CODE_OF_CONDUCT = (
    "Notre code de conduite des fournisseurs exprime notre engagement à respecter les droits humains. "
    "Il est communiqué à nos fournisseurs et fait partie de chaque contrat."
)
DUE_DILIGENCE = (
    "Our human rights policy applies to all purchasing. "
    "Every year we map the risks in our supply chain and prioritise high-risk suppliers. "
    "High-risk suppliers receive on-site audits. "
    "We publish a due diligence report on our website every year."
)
pytestmark = pytest.mark.django_db


def check(client, text, **data):
    content = text if isinstance(text, bytes) else text.encode()
    return client.post(
        API + "/risks/check", {"document": SimpleUploadedFile("supplier.txt", content), **data}
    )


def test_without_a_kind_the_document_is_read_as_a_risk_assessment(client):
    # when
    answer = check(client, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())

    # then
    assert answer.status_code == 200
    data = answer.json()
    assert data["kind"] == "risk-assessment"
    assert data["meets_minimum"] is True
    assert data["language"] == "en"
    assert data["risks_not_counted"] == []


def test_a_risk_assessment_answers_the_risks_it_did_not_count_with_the_reason(client):
    # given
    text = (
        FIXTURES / "supplier_two_risks.txt"
    ).read_text() + " Our code of conduct prohibits discrimination."

    # when
    answer = check(client, text, kind="risk-assessment")

    # then
    assert answer.status_code == 200
    assert answer.json()["risks_not_counted"] == [
        {
            "id": "discrimination",
            "matched": ["discrimination"],
            "sentences": ["Our code of conduct prohibits discrimination."],
            "reason": "policy",
        }
    ]
    assert answer.json()["risks_not_counted"][0]["id"] not in {f["id"] for f in answer.json()["risks"]}


def test_a_french_code_of_conduct_is_scored_on_award_criterion_2(client):
    # when
    answer = check(client, CODE_OF_CONDUCT, kind="policy-commitment")

    # then
    assert answer.status_code == 200
    data = answer.json()
    assert (data["kind"], data["language"], data["score"], data["out_of"]) == (
        "policy-commitment",
        "fr",
        100,
        100,
    )
    assert "award criterion 2" in data["source"]
    elements = {e["id"]: e for e in data["elements"]}
    assert elements["communicated"]["found"] is True
    assert elements["communicated"]["sentences"] == [
        "Il est communiqué à nos fournisseurs et fait partie de chaque contrat."
    ]
    assert elements["ilo_core_conventions"] == {
        "id": "ilo_core_conventions",
        "label": "references to the ILO core labour conventions",
        "points": 0,
        "found": False,
        "matched": [],
        "sentences": [],
    }
    assert "check" not in data  # the kind names the check


def test_a_due_diligence_description_names_the_five_elements(client):
    # when
    answer = check(client, DUE_DILIGENCE, kind="due-diligence")

    # then
    assert answer.status_code == 200
    data = answer.json()
    assert [e["id"] for e in data["elements"]] == [
        "policies",
        "risk_identification",
        "monitoring",
        "mitigation",
        "reporting",
    ]
    found = [e["id"] for e in data["elements"] if e["found"]]
    assert "mitigation" not in found
    assert data["score"] == 20 * len(found)


def test_an_unknown_kind_is_422_naming_the_field_and_the_kinds(client):
    # when
    answer = check(client, DUE_DILIGENCE, kind="press-release")

    # then
    assert answer.status_code == 422
    body = answer.json()
    assert body["field"] == "kind"
    for kind in ("risk-assessment", "policy-commitment", "due-diligence"):
        assert kind in body["detail"]


def test_an_unreadable_file_is_refused_whatever_the_kind(client):
    # when
    answer = client.post(
        API + "/risks/check",
        {"document": SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "kind": "due-diligence"},
    )

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "document"
    assert "tool.exe: unsupported file type" in answer.json()["detail"]


def test_the_api_document_gives_the_kinds_and_a_shape_for_each(client):
    # when
    schema = client.get(API + "/openapi.json").json()

    # then
    operation = schema["paths"]["/api/v1/risks/check"]["post"]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert form["kind"]["enum"] == ["risk-assessment", "policy-commitment", "due-diligence"]
    assert form["kind"]["default"] == "risk-assessment"
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["discriminator"]["mapping"] == {
        "risk-assessment": "#/components/schemas/RiskCheckOut",
        "policy-commitment": "#/components/schemas/DocumentCheckOut",
        "due-diligence": "#/components/schemas/DocumentCheckOut",
    }
    shapes = schema["components"]["schemas"]
    assert {"risks_not_counted", "language", "kind"} <= set(shapes["RiskCheckOut"]["required"])
    assert {"score", "out_of", "elements", "language", "kind"} <= set(shapes["DocumentCheckOut"]["required"])


def test_the_answer_carries_every_field_the_check_gives(client):
    # given (a field the domain adds and the API's shape leaves out would be dropped without a word)
    text = (FIXTURES / "supplier_risk_assessment.txt").read_text()

    # when
    answer = check(client, text)

    # then
    assert set(answer.json()) == {"kind", *check_risk_assessment(text).as_dict()}
