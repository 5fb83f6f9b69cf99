"""The product-risk API: products, the assessment, the supplier check and the knowledge base without an
account; saved assessments behind a login and the organisation's walls."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrdd.audit.models import AuditEvent
from hrdd.domain.knowledge import TABLES
from hrdd.risks import selectors
from hrdd.risks.models import ProductRiskAssessment
from tests.factories import ConsultationFactory, OrganisationFactory, RiskAssessmentFactory

API = "/api/v1"
FIXTURES = Path(__file__).parent / "fixtures"
PRODUCTS = [
    "desktop",
    "display",
    "lithium-ion-battery",
    "memory",
    "network-equipment",
    "notebook",
    "server",
    "smartphone",
    "storage",
    "tablet",
]
RISK_KEYS = {"category", "stage", "material", "country_iso3", "score", "reasons", "sources"}
SHARE_KEYS = {"country_iso3", "share_pct", "stage", "year", "source"}


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def post(client, path, payload):
    return client.post(API + path, json.dumps(payload), content_type="application/json")


def check(client, content, name="supplier.txt"):
    return client.post(API + "/risks/check", {"document": SimpleUploadedFile(name, content)})


def counts():
    return ProductRiskAssessment.objects.count(), AuditEvent.objects.count()


# products and the assessment


def test_the_products_are_listed_with_their_titles(client, db):
    # when
    answer = client.get(API + "/risks/products")

    # then
    assert answer.status_code == 200
    products = answer.json()
    assert [p["id"] for p in products] == PRODUCTS
    assert {"id": "notebook", "title": "Notebooks"} in products


def test_the_notebook_assessment_has_the_spec_shape_sorted_by_score(client, db):
    # when
    answer = client.get(API + "/risks/assess/notebook")

    # then
    assert answer.status_code == 200
    data = answer.json()
    assert data["product"] == "notebook"
    assert len(data["components"]) >= 1
    assert all({"name", "raw_materials"} <= set(c) for c in data["components"])
    assert all(isinstance(m, str) for c in data["components"] for m in c["raw_materials"])
    assert len(data["raw_materials"]) >= 2
    for material in data["raw_materials"]:
        assert {"name", "countries"} <= set(material)
        assert all(set(c) >= SHARE_KEYS for c in material["countries"])
    assert len(data["risks"]) >= 3
    assert all(set(r) >= RISK_KEYS for r in data["risks"])
    assert all(r["reasons"] and r["sources"] for r in data["risks"])
    scores = [r["score"] for r in data["risks"]]
    assert scores == sorted(scores, reverse=True)
    cobalt = next(m for m in data["raw_materials"] if m["name"] == "cobalt")
    assert cobalt["countries"][0]["country_iso3"] == "COD"


def test_the_assessment_is_the_same_as_the_downloaded_json(logged_in):
    # when
    api = logged_in.get(API + "/risks/assess/notebook").json()
    page = json.loads(logged_in.get("/risks/assess/", {"product": "notebook", "format": "json"}).content)

    # then
    assert api == page


def test_leaving_out_a_material_removes_it(client, db):
    # when
    answer = client.get(API + "/risks/assess/notebook", {"exclude_material": ["cobalt", "lithium"]})

    # then
    assert answer.status_code == 200
    data = answer.json()
    names = [m["name"] for m in data["raw_materials"]]
    assert "cobalt" not in names
    assert "lithium" not in names
    assert all(r["material"] not in ("cobalt", "lithium") for r in data["risks"])
    assert data["adjustments"]["exclude_materials"] == ["cobalt", "lithium"]


def test_a_manufacturing_country_replaces_the_shipped_ones(client, db):
    # when
    answer = client.get(API + "/risks/assess/notebook", {"manufacturing_country": "vnm"})

    # then
    assert answer.status_code == 200
    assert {c["country_iso3"] for c in answer.json()["manufacturing"]} == {"VNM"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("manufacturing_country", "XXX"), ("exclude_country", "QQ"), ("exclude_country", "ZZZ")],
)
def test_a_bad_country_code_is_refused_naming_the_field(client, db, field, value):
    # The page and `hrdd risk assess` refuse a code that is not ISO 3166-1 alpha-3, naming the field;
    # the API declares a 422 for it.
    # when
    answer = client.get(API + "/risks/assess/notebook", {field: value})

    # then
    assert answer.status_code == 422, f"{field}={value}: {answer.status_code}"
    assert answer.json()["field"] == field
    assert value in answer.json()["detail"]


def test_an_unknown_product_is_404_naming_the_known_ones(client, db):
    # when
    answer = client.get(API + "/risks/assess/laptop")

    # then
    assert answer.status_code == 404
    detail = answer.json()["detail"]
    assert "laptop" in detail
    for product in PRODUCTS:
        assert product in detail


# the supplier check


def test_a_text_that_meets_the_minimum_is_reported_with_its_sentences(client, db):
    # when
    answer = check(client, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())

    # then
    assert answer.status_code == 200
    data = answer.json()
    assert data["meets_minimum"] is True
    assert [r["name"] for r in data["requirements"]] == [
        "key components",
        "raw materials",
        "sourcing countries",
        "human-rights risks",
    ]
    assert all(r["met"] for r in data["requirements"])
    child = next(f for f in data["risks"] if f["id"] == "child_labour")
    assert child["sentences"] == ["Cobalt mining in the DRC carries a high risk of child labour."]
    assert {f["id"] for f in data["raw_materials"]} == {"cobalt", "lithium", "tin"}
    assert "COD" in {f["id"] for f in data["countries"]}


def test_a_text_with_two_risks_does_not_meet_the_minimum(client, db):
    # when
    answer = check(client, (FIXTURES / "supplier_two_risks.txt").read_bytes())

    # then
    assert answer.status_code == 200
    data = answer.json()
    assert data["meets_minimum"] is False
    risks = next(r for r in data["requirements"] if r["name"] == "human-rights risks")
    assert risks == {"name": "human-rights risks", "required": 3, "found": 2, "met": False}


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("tool.exe", b"MZ\x90\x00", "unsupported file type"),
        ("empty.txt", b"", "empty"),
        ("broken.docx", b"not a zip", "not a readable Word (DOCX) document"),
        ("fake.pdf", b"not a pdf", "not a readable PDF"),
    ],
)
def test_an_unreadable_file_is_422_with_a_clear_message(client, db, name, content, said):
    # when
    answer = check(client, content, name)

    # then
    assert answer.status_code == 422
    assert said in answer.json()["detail"]
    assert name in answer.json()["detail"]


def test_a_file_above_the_limit_is_refused(client, db, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 100

    # when
    answer = check(client, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())

    # then
    assert answer.status_code == 413
    assert "100" in answer.json()["detail"]


def test_a_check_without_a_file_is_refused(client, db):
    # when
    answer = client.post(API + "/risks/check", {})

    # then
    assert 400 <= answer.status_code < 500


# the knowledge base


def test_the_knowledge_lists_the_seven_tables_with_rows_years_and_sources(client, db):
    # when
    answer = client.get(API + "/risks/knowledge")

    # then
    assert answer.status_code == 200
    tables = answer.json()
    assert [t["table"] for t in tables] == list(TABLES)
    for table in tables:
        assert table["rows"] > 0
        assert table["years"]
        assert table["sources"]
        assert table["edition"].startswith("shipped")


# saved assessments


def test_saved_assessments_need_a_login(client, db):
    # when
    listed = client.get(API + "/risk-assessments/")
    created = post(client, "/risk-assessments/", {"title": "Notebooks", "product": "notebook"})

    # then
    assert listed.status_code == 401
    assert created.status_code == 401
    assert ProductRiskAssessment.objects.count() == 0


def test_creating_a_saved_assessment_with_a_procurement_is_201(logged_in, buyer, consultation):
    # when
    answer = post(
        logged_in,
        "/risk-assessments/",
        {
            "title": "Notebooks 2027: risks",
            "product": "notebook",
            "consultation": str(consultation.public_id),
            "adjustments": {"exclude_materials": ["cobalt"], "manufacturing_countries": ["VNM"]},
        },
    )

    # then
    assert answer.status_code == 201, answer.content
    body = answer.json()
    saved = ProductRiskAssessment.objects.get()
    assert body["id"] == str(saved.public_id)
    assert body["title"] == "Notebooks 2027: risks"
    assert body["product"] == "notebook"
    assert body["procurement"] == str(consultation.procurement.public_id)
    assert body["method"] == saved.method
    assert "cobalt" not in [m["name"] for m in body["result"]["raw_materials"]]
    assert {c["country_iso3"] for c in body["result"]["manufacturing"]} == {"VNM"}
    assert saved.procurement == consultation.procurement
    assert saved.organisation == buyer.organisation
    assert AuditEvent.objects.filter(action="risk_assessment.save", target_id=str(saved.pk)).count() == 1


def test_the_list_leaves_out_each_result_and_links_to_the_whole_assessment(logged_in, client):
    # given
    created = post(logged_in, "/risk-assessments/", {"title": "Notebooks", "product": "notebook"}).json()

    # when
    listed = logged_in.get(API + "/risk-assessments/").json()
    whole = logged_in.get(listed["items"][0]["url"])

    # then
    assert listed["count"] == 1
    assert "result" not in listed["items"][0]
    assert listed["items"][0]["id"] == created["id"]
    assert whole.status_code == 200
    assert whole.json() == created | {"updated_at": whole.json()["updated_at"]}
    assert whole.json()["result"]["risks"]


def test_another_organisations_saved_assessment_is_404(logged_in, client):
    # given
    saved = RiskAssessmentFactory(organisation=OrganisationFactory(name="Elsewhere"))

    # when
    answer = logged_in.get(f"{API}/risk-assessments/{saved.public_id}")

    # then
    assert answer.status_code == 404


def test_a_bad_product_is_404_and_nothing_is_stored(logged_in):
    # given
    before = counts()

    # when
    answer = post(logged_in, "/risk-assessments/", {"title": "Laptops", "product": "laptop"})

    # then
    assert answer.status_code == 404
    assert "laptop" in answer.json()["detail"]
    assert "notebook" in answer.json()["detail"]
    assert counts() == before


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_a_blank_or_over_long_title_is_422_naming_the_title_and_nothing_is_stored(logged_in, title):
    # given
    before = counts()

    # when
    answer = post(logged_in, "/risk-assessments/", {"title": title, "product": "notebook"})

    # then
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("title:")
    assert answer.json()["field"] == "title"
    assert counts() == before


def test_another_organisations_procurement_is_404_and_nothing_is_stored(logged_in):
    # given
    elsewhere = ConsultationFactory(organisation=OrganisationFactory(name="Elsewhere"))
    before = counts()

    # when
    answer = post(
        logged_in,
        "/risk-assessments/",
        {"title": "Notebooks", "product": "notebook", "consultation": str(elsewhere.public_id)},
    )

    # then
    assert answer.status_code == 404
    assert counts() == before


@pytest.mark.parametrize(
    "adjustments",
    [
        {"manufacturing_countries": ["XXX"]},
        {"exclude_countries": ["QQ"]},
        {"extra_countries": {"cobalt": ["ZZZ"]}},
    ],
)
def test_a_bad_country_code_in_the_adjustments_is_422_and_nothing_is_stored(logged_in, adjustments):
    # given
    before = counts()

    # when
    answer = post(
        logged_in,
        "/risk-assessments/",
        {"title": "Notebooks", "product": "notebook", "adjustments": adjustments},
    )

    # then
    assert answer.status_code == 422, f"{adjustments}: {answer.status_code}"
    field = next(iter(adjustments))
    assert answer.json()["field"].startswith(f"adjustments.{field}")
    assert counts() == before


def test_a_viewer_may_not_save(client, viewer):
    # given
    client.force_login(viewer)
    before = counts()

    # when
    answer = post(client, "/risk-assessments/", {"title": "Notebooks", "product": "notebook"})

    # then
    assert answer.status_code == 403
    assert counts() == before


def test_a_missing_field_is_refused_and_nothing_is_stored(logged_in):
    # given
    before = counts()

    # when
    answer = post(logged_in, "/risk-assessments/", {"title": "Notebooks"})

    # then
    assert 400 <= answer.status_code < 500
    assert counts() == before


def test_the_list_shows_only_the_organisations_own(client, buyer, outsider, viewer):
    # given
    client.force_login(outsider)
    assert post(client, "/risk-assessments/", {"title": "Theirs", "product": "tablet"}).status_code == 201
    client.force_login(buyer)
    assert post(client, "/risk-assessments/", {"title": "Ours", "product": "notebook"}).status_code == 201

    # when
    ours = client.get(API + "/risk-assessments/").json()
    client.force_login(viewer)
    colleague = client.get(API + "/risk-assessments/").json()
    client.force_login(outsider)
    theirs = client.get(API + "/risk-assessments/").json()

    # then
    assert [s["title"] for s in ours["items"]] == ["Ours"]
    assert [s["title"] for s in colleague["items"]] == ["Ours"]
    assert [s["title"] for s in theirs["items"]] == ["Theirs"]
