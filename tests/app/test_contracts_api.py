"""The contracts API: the organisation's contracts (paginated), one contract with its obligations, creating one
(directly or from a tender), obligations with their KPI statuses and reasons, the supplier's submissions and their
files, and requests for more information; behind a login and the organisation's wall, writes refused to viewers,
bad input refused naming the field, and nothing stored on a refusal."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import Contract, InformationRequest, Obligation
from hrdd.contracts.services import contract_create, information_request_create, submission_create
from hrdd.tenders.services import tender_create

API = "/api/v1/contracts"
AWARD = dt.date(2030, 1, 15)
START = dt.date(2030, 2, 1)
END = dt.date(2033, 1, 31)
SITES_CSV = (
    b"name,address,country,site_type,products\n"
    b'Assembly One,"1 Factory Road, Kunshan",CN,final assembly,notebooks\n'
    b'Cells Two,"2 Battery Street, Penang",Malaysia,component,lithium-ion cells\n'
)
BODY = {
    "title": "Notebooks 2030-2033",
    "supplier_name": "Acme Computers",
    "supplier_email": "reports@acme.example",
    "award_date": "2030-01-15",
    "start_date": "2030-02-01",
    "end_date": "2033-01-31",
    "scenario": 2,
}


def post(client, path, payload):
    return client.post(API + path, json.dumps(payload), content_type="application/json")


def create(actor, **overrides):
    values = {
        "actor": actor,
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": "reports@acme.example",
        "award_date": AWARD,
        "start_date": START,
        "end_date": END,
        "scenario": 2,
    } | overrides
    return contract_create(**values)


def stored():
    """How many contracts, obligations, requests and audit events are stored."""
    return (
        Contract.objects.count(),
        Obligation.objects.count(),
        InformationRequest.objects.count(),
        AuditEvent.objects.count(),
    )


def first(contract, clause):
    return contract.obligations.filter(clause=clause).order_by("due_date").first()


@pytest.fixture
def contract(buyer):
    """A direct scenario-2 contract: CC2 and CC3 on the first two anniversaries."""
    return create(buyer)


@pytest.fixture
def theirs(outsider):
    """Another organisation's contract."""
    return create(outsider, title="Their servers")


@pytest.fixture
def site_list(contract):
    """The supplier's site list for the first CC2, version 1."""
    return submission_create(
        obligation=first(contract, "CC2"),
        data={"explanation": ""},
        upload=SimpleUploadedFile("sites.csv", SITES_CSV),
    )


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


# a login and the wall


@pytest.mark.parametrize("path", ["/", "/{id}", "/{id}/obligations", "/{id}/obligations/{ob}/requests"])
def test_reading_contracts_needs_a_login(client, contract, path):
    # when
    answer = client.get(API + path.format(id=contract.public_id, ob=first(contract, "CC2").pk))

    # then
    assert answer.status_code == 401


def test_creating_a_contract_needs_a_login(client, db):
    # given
    before = stored()

    # when
    answer = post(client, "/", BODY)

    # then
    assert answer.status_code == 401
    assert stored() == before


@pytest.mark.parametrize(
    "path",
    [
        "/{id}",
        "/{id}/obligations",
        "/{id}/obligations/{ob}/submissions",
        "/{id}/obligations/{ob}/requests",
        "/{id}/submissions/{sub}/file",
    ],
)
def test_another_organisations_contract_is_not_found(client, outsider, contract, site_list, path):
    # given
    client.force_login(outsider)

    # when
    answer = client.get(
        API + path.format(id=contract.public_id, ob=site_list.obligation.pk, sub=site_list.pk)
    )

    # then
    assert answer.status_code == 404
    assert answer.json()["detail"]


def test_an_unknown_contract_is_not_found(logged_in):
    # when
    answer = logged_in.get(f"{API}/00000000-0000-0000-0000-000000000000")

    # then
    assert answer.status_code == 404
    assert "contract" in answer.json()["detail"]


# the list


def test_the_list_holds_only_the_organisations_contracts(logged_in, contract, theirs):
    # when
    answer = logged_in.get(API + "/")

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["id"] == str(contract.public_id)
    assert item["title"] == "Notebooks 2030-2033"
    assert item["supplier_name"] == "Acme Computers"
    assert item["supplier"] == str(contract.supplier.public_id)
    assert item["procurement"] == str(contract.procurement.public_id)
    assert item["tender"] is None
    assert item["scenario"] == 2


def test_the_list_is_paginated_newest_first(logged_in, buyer):
    # given
    titles = [f"Contract {n}" for n in range(5)]
    for title in titles:
        create(buyer, title=title)

    # when
    answer = logged_in.get(API + "/", {"limit": 2, "offset": 1})

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 5
    assert [c["title"] for c in body["items"]] == ["Contract 3", "Contract 2"]


def test_a_page_larger_than_the_limit_is_refused_naming_it(logged_in, contract):
    # when
    answer = logged_in.get(API + "/", {"limit": 10_000})

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "limit"


def test_a_viewer_reads_the_organisations_contracts(client, viewer, contract):
    # given
    client.force_login(viewer)

    # when
    listed = client.get(API + "/")
    one = client.get(f"{API}/{contract.public_id}")

    # then
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["items"]] == [str(contract.public_id)]
    assert one.status_code == 200


# one contract


def test_one_contract_comes_with_its_obligations_and_the_supplier_link(logged_in, contract, settings):
    # when
    answer = logged_in.get(f"{API}/{contract.public_id}")

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["id"] == str(contract.public_id)
    assert body["award_date"] == "2030-01-15"
    # the link itself is shown only when issued (issue 17); its dates are
    assert body["supplier_link"] is None
    assert body["link_expires_on"] == "2033-05-01"
    assert [(o["clause"], o["due_date"]) for o in body["obligations"]] == [
        ("CC2", "2031-02-01"),
        ("CC3", "2031-02-01"),
        ("CC2", "2032-02-01"),
        ("CC3", "2032-02-01"),
        ("CC2", "2033-01-31"),  # the last year ends the day before its anniversary: a final report on the end
        ("CC3", "2033-01-31"),
    ]
    assert all(o["title"] and o["reason"] for o in body["obligations"])


# creating


def test_a_buyer_creates_a_contract_directly(logged_in, buyer, municipality):
    # when
    answer = post(logged_in, "/", BODY)

    # then
    assert answer.status_code == 201, answer.content
    body = answer.json()
    contract = Contract.objects.get(public_id=body["id"])
    assert contract.organisation == municipality
    assert contract.created_by == buyer
    assert contract.supplier_name == "Acme Computers"
    assert [o["clause"] for o in body["obligations"]] == ["CC2", "CC3"] * 3
    assert AuditEvent.objects.filter(action="contract.create", target_id=str(contract.pk)).count() == 1


def test_a_contract_manager_creates_a_contract_from_a_tender(client, contract_manager, buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks 2030", scenario=1, months=6)
    client.force_login(contract_manager)
    payload = {k: v for k, v in BODY.items() if k != "scenario"} | {"tender": str(tender.public_id)}

    # when
    answer = post(client, "/", payload)

    # then
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["tender"] == str(tender.public_id)
    assert body["procurement"] == str(tender.procurement.public_id)
    assert body["scenario"] == 1
    assert body["months"] == 6
    assert [(o["clause"], o["due_date"]) for o in body["obligations"]] == [("CC1", "2030-07-15")]


def test_another_organisations_tender_is_not_found_and_nothing_is_stored(logged_in, outsider):
    # given
    tender = tender_create(actor=outsider, title="Their notebooks", scenario=1)
    before = stored()

    # when
    answer = post(logged_in, "/", BODY | {"tender": str(tender.public_id)})

    # then
    assert answer.status_code == 404
    assert stored() == before


def test_a_viewer_may_not_create_a_contract(client, viewer):
    # given
    client.force_login(viewer)
    before = stored()

    # when
    answer = post(client, "/", BODY)

    # then
    assert answer.status_code == 403
    assert answer.json()["detail"]
    assert stored() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"supplier_email": "not an address"}, "supplier_email"),
        ({"title": "   "}, "title"),
        ({"supplier_name": ""}, "supplier_name"),
        ({"scenario": None}, "scenario"),
        ({"end_date": "2030-01-31"}, "end_date"),
        ({"start_date": "2030-01-01"}, "start_date"),
        ({"scenario": 1, "months": 0}, "months"),
    ],
)
def test_a_refused_value_is_422_naming_the_field_and_nothing_is_stored(logged_in, change, field):
    # given
    before = stored()

    # when
    answer = post(logged_in, "/", BODY | change)

    # then
    assert answer.status_code == 422, answer.content
    assert answer.json()["field"] == field
    assert answer.json()["detail"].startswith(f"{field}:")
    assert stored() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"award_date": "soon"}, "award_date"),
        ({"scenario": "two"}, "scenario"),
        ({"risk_assessment_in_tender": "yes"}, "risk_assessment_in_tender"),
        ({"tender": "not-a-uuid"}, "tender"),
    ],
)
def test_a_mistyped_value_is_422_naming_the_field_and_nothing_is_stored(logged_in, change, field):
    # given
    before = stored()

    # when
    answer = post(logged_in, "/", BODY | change)

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == field
    assert stored() == before


def test_a_missing_property_is_422_naming_it(logged_in):
    # when
    answer = post(logged_in, "/", {k: v for k, v in BODY.items() if k != "supplier_email"})

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "supplier_email"
    assert answer.json()["detail"] == "supplier_email: Field required"


def test_an_unknown_property_is_refused_naming_it_and_nothing_is_stored(logged_in):
    # given
    before = stored()

    # when
    answer = post(logged_in, "/", BODY | {"supplier_phone": "+31 20 000 0000"})

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "supplier_phone"
    assert stored() == before


# obligations and their KPIs


def test_obligations_come_with_their_kpi_statuses_and_reasons(logged_in, contract, site_list):
    # when
    answer = logged_in.get(f"{API}/{contract.public_id}/obligations")

    # then
    assert answer.status_code == 200
    obligations = answer.json()["items"]
    assert [o["clause"] for o in obligations] == ["CC2", "CC3"] * 3
    cc2 = obligations[0]
    assert cc2["submissions"] == 1
    assert cc2["latest_version"] == 1
    kpis = {k["kpi"]: k for k in cc2["kpis"]}
    assert kpis["timeliness"]["status"] == "ok"  # submitted well before 2031
    assert kpis["completeness"]["status"] == "ok"  # both sites have a name and an address
    assert all(k["reasons"] for k in cc2["kpis"])
    assert cc2["status"] == "ok"
    unanswered = obligations[1]
    assert unanswered["submissions"] == 0
    assert unanswered["latest_version"] is None
    assert unanswered["status"] == "pending"  # not yet due


# submissions


def test_submissions_are_listed_newest_first_without_their_files(logged_in, contract, site_list):
    # given
    second = submission_create(
        obligation=site_list.obligation, data={}, upload=SimpleUploadedFile("sites-v2.csv", SITES_CSV)
    )

    # when
    answer = logged_in.get(f"{API}/{contract.public_id}/obligations/{site_list.obligation.pk}/submissions")

    # then
    assert answer.status_code == 200
    versions = answer.json()["items"]
    assert [(v["version"], v["filename"]) for v in versions] == [(2, "sites-v2.csv"), (1, "sites.csv")]
    assert versions[1]["id"] == site_list.pk
    assert versions[1]["size"] == len(SITES_CSV)
    assert versions[1]["site_count"] == 2
    sites = logged_in.get(versions[1]["sites"]).json()["items"]
    assert [s["name"] for s in sites] == ["Assembly One", "Cells Two"]
    assert sites[1]["country_iso3"] == "MYS"
    assert set(versions[0]) == {
        "id",
        "version",
        "submitted_at",
        "filename",
        "content_type",
        "size",
        "site_count",
        "sites",
        "download",
    }
    assert versions[0]["download"] == f"{API}/{contract.public_id}/submissions/{second.pk}/file"


def test_a_submission_is_downloaded_as_it_was_uploaded(logged_in, contract, site_list):
    # when
    answer = logged_in.get(f"{API}/{contract.public_id}/submissions/{site_list.pk}/file")

    # then
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == SITES_CSV
    assert answer["Content-Disposition"].startswith("attachment")
    assert 'filename="sites.csv"' in answer["Content-Disposition"]


def test_a_submission_of_another_contract_is_not_found_through_this_one(logged_in, buyer, site_list):
    # given
    other = create(buyer, title="Displays 2030")

    # when
    answer = logged_in.get(f"{API}/{other.public_id}/submissions/{site_list.pk}/file")

    # then
    assert answer.status_code == 404


def test_an_obligation_of_another_contract_is_not_found_through_this_one(logged_in, contract, theirs):
    # when
    answer = logged_in.get(f"{API}/{contract.public_id}/obligations/{first(theirs, 'CC2').pk}/submissions")

    # then
    assert answer.status_code == 404
    assert "obligation" in answer.json()["detail"]


# information requests


def test_a_contract_manager_asks_for_more_information(client, contract_manager, contract):
    # given
    client.force_login(contract_manager)
    cc3 = first(contract, "CC3")
    due = timezone.localdate() + dt.timedelta(days=14)

    # when
    answer = post(
        client,
        f"/{contract.public_id}/obligations/{cc3.pk}/requests",
        {"question": "Which actions concern the cobalt refiners?", "due_on": due.isoformat()},
    )

    # then
    assert answer.status_code == 201, answer.content
    body = answer.json()
    asked = InformationRequest.objects.get(pk=body["id"])
    assert asked.obligation == cc3
    assert asked.asked_by == contract_manager
    assert body["question"] == "Which actions concern the cobalt refiners?"
    assert body["due_on"] == due.isoformat()
    assert body["asked_on"] == timezone.localdate().isoformat()
    assert body["answer"] == ""
    assert body["answered_on"] is None
    assert AuditEvent.objects.filter(action="information_request.create").count() == 1


def test_the_requests_of_an_obligation_are_listed_with_their_answers(logged_in, buyer, contract):
    # given
    cc3 = first(contract, "CC3")
    due = timezone.localdate() + dt.timedelta(days=7)
    information_request_create(actor=buyer, obligation=cc3, question="First?", due_on=due)
    information_request_create(actor=buyer, obligation=cc3, question="Second?", due_on=due)
    information_request_create(actor=buyer, obligation=first(contract, "CC2"), question="Other?", due_on=due)

    # when
    answer = logged_in.get(f"{API}/{contract.public_id}/obligations/{cc3.pk}/requests")

    # then
    assert answer.status_code == 200
    assert [r["question"] for r in answer.json()["items"]] == ["First?", "Second?"]


def test_a_viewer_may_not_ask_for_more_information(client, viewer, contract):
    # given
    client.force_login(viewer)
    before = stored()

    # when
    answer = post(
        client,
        f"/{contract.public_id}/obligations/{first(contract, 'CC3').pk}/requests",
        {"question": "Why?", "due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat()},
    )

    # then
    assert answer.status_code == 403
    assert stored() == before


def test_another_organisation_may_not_ask_about_a_contract(client, outsider, contract):
    # given
    client.force_login(outsider)
    before = stored()

    # when
    answer = post(
        client,
        f"/{contract.public_id}/obligations/{first(contract, 'CC3').pk}/requests",
        {"question": "Why?", "due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat()},
    )

    # then
    assert answer.status_code == 404
    assert stored() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"question": "  ", "due_on": "2099-01-01"}, "question"),
        ({"question": "Why?", "due_on": "2000-01-01"}, "due_on"),
        ({"question": "Why?", "due_on": "tomorrow"}, "due_on"),
        ({"question": "Why?"}, "due_on"),
        ({"question": "Why?", "due_on": "2099-01-01", "urgent": True}, "urgent"),
    ],
)
def test_a_bad_request_for_information_is_422_naming_the_field(logged_in, contract, payload, field):
    # given
    before = stored()

    # when
    answer = post(
        logged_in, f"/{contract.public_id}/obligations/{first(contract, 'CC3').pk}/requests", payload
    )

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == field
    assert stored() == before
