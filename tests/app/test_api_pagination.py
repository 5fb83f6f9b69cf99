"""Every list of the API is a page: ?limit=&offset=, {"items": [...], "count": N} counted in the database, in a fixed
order, at most 200 items a page, with as many queries for a list of 60 as for a list of 3; a list under another
organisation's record is not found."""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hrdd.companies.models import Company
from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.services import invitation_submit
from hrdd.contracts.models import InformationRequest, Obligation, ProductionSite, Submission
from hrdd.domain.risk import Adjustments, assess_product_risk, get_risk_method
from hrdd.procurements.models import Procurement
from hrdd.risks.models import ProductRiskAssessment
from hrdd.risks.selectors import knowledge_current
from tests.factories import (
    CompanyFactory,
    ConsultationFactory,
    ContractFactory,
    InformationRequestFactory,
    InvitationFactory,
    ObligationFactory,
    ProcurementFactory,
    ProductionSiteFactory,
    RiskAssessmentFactory,
    SubmissionFactory,
    response,
)

API = "/api/v1"
FEW, MANY = 3, 60


@dataclass
class Listed:
    """One list of the API: where it is, how to add `n` records to it, its records' keys in the order the list
    promises, and the key of one of its items."""

    url: str
    add: Callable[[int], None]
    expected: Callable[[], list[Any]]
    key: Callable[[dict[str, Any]], Any]
    nested: bool  # under a record of the organisation's (another organisation gets 404), or the top of a list


def _ids(queryset, *order: str, field: str = "pk") -> list[Any]:
    return [
        str(v) if field == "public_id" else v for v in queryset.order_by(*order).values_list(field, flat=True)
    ]


def _consultations(org) -> Listed:
    return Listed(
        url=f"{API}/consultations/",
        add=lambda n: ConsultationFactory.create_batch(n, organisation=org),
        expected=lambda: _ids(
            Consultation.objects.filter(organisation=org), "-created_at", "-id", field="public_id"
        ),
        key=lambda item: item["id"],
        nested=False,
    )


def _responses(org) -> Listed:
    consultation = ConsultationFactory(organisation=org)
    counter = itertools.count()

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            invitation = InvitationFactory(consultation=consultation)
            if i % 3 == 0:  # every third has submitted, with its stored verdict
                invitation_submit(invitation=invitation, raw=response(company=f"Supplier {i}"))

    return Listed(
        url=f"{API}/consultations/{consultation.public_id}/responses",
        add=add,
        expected=lambda: _ids(Invitation.objects.filter(consultation=consultation), "created_at", "id"),
        key=lambda item: item["invitation"]["id"],
        nested=True,
    )


def _obligations(org) -> Listed:
    contract = ContractFactory(organisation=org)
    counter = itertools.count()
    today = timezone.localdate()

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            obligation = ObligationFactory(
                contract=contract,
                clause=("CC2", "CC3")[i % 2],
                due_date=today + dt.timedelta(days=30 + i // 2),  # two clauses share a day
                verdict_on=today,  # rated today: nothing to rate again on a read
            )
            if i % 4 == 0:
                SubmissionFactory(obligation=obligation, version=1)

    return Listed(
        url=f"{API}/contracts/{contract.public_id}/obligations",
        add=add,
        expected=lambda: _ids(Obligation.objects.filter(contract=contract), "due_date", "clause", "pk"),
        key=lambda item: item["id"],
        nested=True,
    )


def _submissions(org) -> Listed:
    obligation = ObligationFactory(contract=ContractFactory(organisation=org))
    versions = itertools.count(1)

    def add(n: int) -> None:
        for _ in range(n):
            submission = SubmissionFactory(obligation=obligation, version=next(versions))
            ProductionSiteFactory.create_batch(2, submission=submission)

    return Listed(
        url=f"{API}/contracts/{obligation.contract.public_id}/obligations/{obligation.pk}/submissions",
        add=add,
        expected=lambda: _ids(Submission.objects.filter(obligation=obligation), "-version"),
        key=lambda item: item["id"],
        nested=True,
    )


def _sites(org) -> Listed:
    submission = SubmissionFactory(obligation=ObligationFactory(contract=ContractFactory(organisation=org)))
    rows = itertools.count(2)

    def add(n: int) -> None:
        for _ in range(n):
            ProductionSiteFactory(submission=submission, row=next(rows))

    return Listed(
        url=f"{API}/contracts/{submission.obligation.contract.public_id}/submissions/{submission.pk}/sites",
        add=add,
        expected=lambda: _ids(ProductionSite.objects.filter(submission=submission), "row", field="row"),
        key=lambda item: item["row"],
        nested=True,
    )


def _requests(org) -> Listed:
    obligation = ObligationFactory(contract=ContractFactory(organisation=org))
    counter = itertools.count()

    def add(n: int) -> None:
        for _ in range(n):
            InformationRequestFactory(
                obligation=obligation, asked_on=dt.date(2027, 3, 1) + dt.timedelta(days=next(counter) // 2)
            )

    return Listed(
        url=f"{API}/contracts/{obligation.contract.public_id}/obligations/{obligation.pk}/requests",
        add=add,
        expected=lambda: _ids(InformationRequest.objects.filter(obligation=obligation), "asked_on", "id"),
        key=lambda item: item["id"],
        nested=True,
    )


def _risk_assessments(org) -> Listed:
    result = assess_product_risk("notebook", knowledge_current(), get_risk_method(), Adjustments()).as_dict()
    return Listed(
        url=f"{API}/risk-assessments/",
        add=lambda n: RiskAssessmentFactory.create_batch(n, organisation=org, result=result),
        expected=lambda: _ids(
            ProductRiskAssessment.objects.filter(organisation=org), "-updated_at", "-id", field="public_id"
        ),
        key=lambda item: item["id"],
        nested=False,
    )


def _companies(org) -> Listed:
    return Listed(
        url=f"{API}/companies/",
        add=lambda n: CompanyFactory.create_batch(n, organisation=org),
        expected=lambda: _ids(
            Company.objects.filter(organisation=org), "legal_name", "id", field="public_id"
        ),
        key=lambda item: item["id"],
        nested=False,
    )


def _procurements(org) -> Listed:
    return Listed(
        url=f"{API}/procurements/",
        add=lambda n: ProcurementFactory.create_batch(n, organisation=org),
        expected=lambda: _ids(
            Procurement.objects.filter(organisation=org), "-created_at", "-id", field="public_id"
        ),
        key=lambda item: item["id"],
        nested=False,
    )


LISTS = {
    "consultations": _consultations,
    "consultation responses": _responses,
    "contract obligations": _obligations,
    "obligation submissions": _submissions,
    "submission sites": _sites,
    "information requests": _requests,
    "saved risk assessments": _risk_assessments,
    "companies": _companies,
    "procurements": _procurements,
}
NESTED = [
    name
    for name in LISTS
    if name not in {"consultations", "saved risk assessments", "companies", "procurements"}
]


@pytest.fixture(params=list(LISTS))
def listed(request, municipality) -> Listed:
    return LISTS[request.param](municipality)


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def _queries(client, url: str) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content
    return len(captured.captured_queries), answer.json()


def test_a_list_gives_the_count_and_the_page_asked_for(logged_in, listed):
    # given
    listed.add(MANY)

    # when
    answer = logged_in.get(listed.url, {"limit": 7, "offset": 14})

    # then
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == MANY
    assert [listed.key(item) for item in body["items"]] == listed.expected()[14:21]


def test_a_list_gives_fifty_items_unless_asked_for_more(logged_in, listed):
    # given
    listed.add(MANY)

    # when
    first = logged_in.get(listed.url).json()
    last = logged_in.get(listed.url, {"offset": 50}).json()

    # then
    assert len(first["items"]) == 50
    assert [listed.key(item) for item in first["items"] + last["items"]] == listed.expected()


def test_a_page_past_the_end_is_empty_with_the_count(logged_in, listed):
    # given
    listed.add(FEW)

    # when
    answer = logged_in.get(listed.url, {"offset": 10})

    # then
    assert answer.status_code == 200
    assert answer.json() == {"items": [], "count": FEW}


@pytest.mark.parametrize("query", [{"limit": 201}, {"limit": 0}, {"offset": -1}])
def test_a_page_size_above_two_hundred_or_a_negative_offset_is_refused(logged_in, listed, query):
    # when
    answer = logged_in.get(listed.url, query)

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == next(iter(query))


def test_a_list_of_sixty_makes_as_many_queries_as_a_list_of_three(logged_in, listed):
    # given
    listed.add(FEW)
    logged_in.get(listed.url)  # what a first request caches (the session, the questionnaire) is not counted
    few, small = _queries(logged_in, listed.url)
    listed.add(MANY - FEW)

    # when
    many, large = _queries(logged_in, listed.url)

    # then
    assert (small["count"], large["count"]) == (FEW, MANY)
    assert len(large["items"]) == 50
    assert many == few


@pytest.mark.parametrize("name", NESTED)
def test_a_list_under_another_organisations_record_is_not_found(client, outsider, municipality, name):
    # given
    listed = LISTS[name](municipality)
    listed.add(FEW)
    client.force_login(outsider)

    # when
    answer = client.get(listed.url)

    # then
    assert answer.status_code == 404
    assert "items" not in answer.json()


@pytest.mark.parametrize("name", [name for name in LISTS if name not in NESTED])
def test_a_list_holds_only_the_organisations_own_records(client, outsider, municipality, name):
    # given
    LISTS[name](municipality).add(FEW)
    client.force_login(outsider)

    # when
    answer = client.get(LISTS[name](outsider.organisation).url)

    # then
    assert answer.status_code == 200
    assert answer.json() == {"items": [], "count": 0}


# what a page holds


def test_a_submission_gives_its_site_count_and_where_its_sites_are_not_the_sites(logged_in, municipality):
    # given
    obligation = ObligationFactory(contract=ContractFactory(organisation=municipality))
    site_list = SubmissionFactory(obligation=obligation, version=1)
    ProductionSiteFactory.create_batch(3, submission=site_list)
    SubmissionFactory(obligation=obligation, version=2)  # a document: no sites
    contract = obligation.contract

    # when
    answer = logged_in.get(f"{API}/contracts/{contract.public_id}/obligations/{obligation.pk}/submissions")

    # then
    items = answer.json()["items"]
    assert [(s["version"], s["site_count"]) for s in items] == [(2, 0), (1, 3)]
    assert items[1]["sites"] == f"{API}/contracts/{contract.public_id}/submissions/{site_list.pk}/sites"
    assert logged_in.get(items[1]["sites"]).json()["count"] == 3


def test_the_sites_of_a_submission_of_another_contract_are_not_found_through_this_one(
    logged_in, municipality
):
    # given
    site_list = SubmissionFactory(
        obligation=ObligationFactory(contract=ContractFactory(organisation=municipality))
    )
    ProductionSiteFactory(submission=site_list)
    other = ContractFactory(organisation=municipality)

    # when
    answer = logged_in.get(f"{API}/contracts/{other.public_id}/submissions/{site_list.pk}/sites")

    # then
    assert answer.status_code == 404


def test_the_sites_come_in_the_order_of_their_rows(logged_in, municipality):
    # given
    site_list = SubmissionFactory(
        obligation=ObligationFactory(contract=ContractFactory(organisation=municipality))
    )
    for row in (7, 3, 5):
        ProductionSiteFactory(submission=site_list, row=row, name=f"Row {row}")
    contract = site_list.obligation.contract

    # when
    answer = logged_in.get(f"{API}/contracts/{contract.public_id}/submissions/{site_list.pk}/sites")

    # then
    assert [s["name"] for s in answer.json()["items"]] == ["Row 3", "Row 5", "Row 7"]


def test_the_obligations_are_filtered_by_status_and_clause(logged_in, municipality):
    # given
    contract = ContractFactory(organisation=municipality)
    today = timezone.localdate()
    for clause, status in [("CC2", "ok"), ("CC3", "ok"), ("CC2", "problem")]:
        ObligationFactory(
            contract=contract,
            clause=clause,
            status=status,
            verdict_on=today,
            due_date=today + dt.timedelta(90),
        )
    url = f"{API}/contracts/{contract.public_id}/obligations"

    # when
    ok = logged_in.get(url, {"status": "ok"}).json()
    cc2 = logged_in.get(url, {"clause": "CC2"}).json()
    unknown = logged_in.get(url, {"status": "fine"})

    # then
    assert ok["count"] == 2
    assert {o["status"] for o in ok["items"]} == {"ok"}
    assert cc2["count"] == 2
    assert unknown.status_code == 422
    assert unknown.json()["field"] == "status"


def test_an_obligation_counts_its_submissions_and_names_the_latest_version(logged_in, municipality):
    # given
    obligation = ObligationFactory(
        contract=ContractFactory(organisation=municipality), verdict_on=timezone.localdate()
    )
    for version in (1, 2, 3):
        SubmissionFactory(obligation=obligation, version=version)

    # when
    answer = logged_in.get(f"{API}/contracts/{obligation.contract.public_id}/obligations")

    # then
    item = answer.json()["items"][0]
    assert (item["submissions"], item["latest_version"]) == (3, 3)


def test_the_results_count_the_responses_in_each_state_and_point_to_them(logged_in, municipality, buyer):
    # given
    consultation = ConsultationFactory(organisation=municipality)
    invited, answered = InvitationFactory.create_batch(2, consultation=consultation)
    invitation_submit(invitation=answered, raw=response())

    # when
    results = logged_in.get(f"{API}/consultations/{consultation.public_id}/results").json()
    responses = logged_in.get(results["responses"]).json()

    # then
    assert results["counts"] == {"all": 2, "invited": 1, "draft": 0, "submitted": 1}
    assert "rows" not in results
    assert results["market"]["respondents"] == 1
    assert [(r["invitation"]["id"], r["score"] is None) for r in responses["items"]] == [
        (invited.pk, True),
        (answered.pk, False),
    ]
    assert responses["items"][1]["score"]["reasons"]


def test_the_responses_are_filtered_by_status(logged_in, municipality):
    # given
    consultation = ConsultationFactory(organisation=municipality)
    _, answered = InvitationFactory.create_batch(2, consultation=consultation)
    invitation_submit(invitation=answered, raw=response())
    url = f"{API}/consultations/{consultation.public_id}/responses"

    # when
    submitted = logged_in.get(url, {"status": "submitted"}).json()

    # then
    assert submitted["count"] == 1
    assert submitted["items"][0]["invitation"]["id"] == answered.pk


def test_the_consultations_are_filtered_by_title_and_state(logged_in, municipality):
    # given
    today = timezone.localdate()
    ConsultationFactory(organisation=municipality, title="Laptops", deadline=today + dt.timedelta(days=5))
    ConsultationFactory(organisation=municipality, title="Old laptops", deadline=today - dt.timedelta(days=5))
    ConsultationFactory(organisation=municipality, title="Displays", deadline=today + dt.timedelta(days=5))

    # when
    laptops = logged_in.get(f"{API}/consultations/", {"q": "laptop"}).json()
    closed = logged_in.get(f"{API}/consultations/", {"state": "closed"}).json()

    # then
    assert sorted(c["title"] for c in laptops["items"]) == ["Laptops", "Old laptops"]
    assert [c["title"] for c in closed["items"]] == ["Old laptops"]
