"""The procurements and companies API: the same services as the pages, behind the same wall."""

import json

import pytest

from tests.factories import CompanyFactory, ProcurementFactory


def _post(client, path, body, method="post"):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def api(client, buyer):
    client.force_login(buyer)
    return client


def test_open_a_procurement_and_read_its_steps(api):
    created = _post(api, "/api/v1/procurements/", {"title": "Notebooks", "product_category": "notebook"})
    assert created.status_code == 201
    body = created.json()
    assert [s["done"] for s in body["steps"]] == [False, False, False, False]
    read = api.get(f"/api/v1/procurements/{body['id']}")
    assert read.json()["title"] == "Notebooks"
    listed = api.get("/api/v1/procurements/").json()
    assert (listed["count"], listed["items"][0]["id"]) == (1, body["id"])


def test_close_a_procurement(api, municipality):
    procurement = ProcurementFactory(organisation=municipality)
    changed = _post(
        api, f"/api/v1/procurements/{procurement.public_id}", {"status": "closed"}, method="patch"
    )
    assert (changed.status_code, changed.json()["status"]) == (200, "closed")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "product_category": "notebook"}, "title"),
        ({"title": "Phones", "product_category": "toaster"}, "product_category"),
        ({"title": "Phones", "refrence": "T-1"}, "refrence"),
    ],
)
def test_bad_procurement_input_is_422_naming_the_field(api, body, field):
    refused = _post(api, "/api/v1/procurements/", body)
    assert refused.status_code == 422
    assert refused.json()["field"] == field


def test_another_organisations_procurement_and_company_are_404(api, outsider):
    theirs = ProcurementFactory(organisation=outsider.organisation)
    company = CompanyFactory(organisation=outsider.organisation)
    assert api.get(f"/api/v1/procurements/{theirs.public_id}").status_code == 404
    assert api.get(f"/api/v1/companies/{company.public_id}").status_code == 404


def test_a_viewer_cannot_write_through_the_api(client, viewer):
    client.force_login(viewer)
    assert _post(client, "/api/v1/companies/", {"legal_name": "Acme"}).status_code == 403
    assert (
        _post(client, "/api/v1/procurements/", {"title": "x", "product_category": "notebook"}).status_code
        == 403
    )


def test_record_a_company_with_a_parent_and_find_it(api):
    group = _post(
        api, "/api/v1/companies/", {"legal_name": "Lumen Holdings plc", "country_iso3": "GB"}
    ).json()
    created = _post(
        api,
        "/api/v1/companies/",
        {
            "legal_name": "Lumen Computers B.V.",
            "country_iso3": "NLD",
            "lei": "529900LUMENCOMPUT093",
            "parent": group["id"],
        },
    )
    assert created.status_code == 201
    assert (created.json()["parent"], created.json()["country_iso3"]) == (group["id"], "NLD")
    found = api.get("/api/v1/companies/", {"q": "lumen comp"}).json()
    assert [c["legal_name"] for c in found["items"]] == ["Lumen Computers B.V."]


def test_a_group_loop_and_a_bad_identifier_are_422_naming_the_field(api):
    group = _post(api, "/api/v1/companies/", {"legal_name": "Group"}).json()
    child = _post(api, "/api/v1/companies/", {"legal_name": "Child", "parent": group["id"]}).json()
    loop = _post(api, f"/api/v1/companies/{group['id']}", {"parent": child["id"]}, method="patch")
    assert (loop.status_code, loop.json()["field"]) == (422, "parent")
    bad = _post(api, "/api/v1/companies/", {"legal_name": "X", "duns": "1234"})
    assert (bad.status_code, bad.json()["field"]) == (422, "duns")
