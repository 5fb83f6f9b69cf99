"""Every list is paginated, filtered and sorted on the server, by GET parameters a form validates: its cost is a
fixed number of queries however long it is, its pager keeps the filters, and a bad value is noted, never a 500."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.companies.models import Company
from hrdd.consultations.models import Consultation
from hrdd.domain.companies import normalise_company_name
from hrdd.procurements.models import Procurement
from hrdd.risks.models import ProductRiskAssessment
from hrdd.tenders.models import Bid, BidEvaluation, Tender
from tests.factories import CompanyFactory, ProcurementFactory, TenderFactory
from tests.html import parse


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def once(context, key, make):
    """The record `make` gives, made at the first call only (the lists add their rows in two steps)."""
    if key not in context:
        context[key] = make()
    return context[key]


def _procurement(org, context):
    return once(
        context, "procurement", lambda: ProcurementFactory(organisation=org, title="Shared procurement")
    )


# each list: how to add rows in bulk (the odd ones match the filter), its address, its table and its filter


def add_procurements(org, start, count, context):
    Procurement.objects.bulk_create(
        Procurement(
            organisation=org,
            title=f"Purchase {n:04d}",
            product_category="smartphone" if n % 2 else "notebook",
            status="closed" if n % 2 else "open",
        )
        for n in range(start, start + count)
    )


def add_companies(org, start, count, context):
    Company.objects.bulk_create(
        Company(
            organisation=org,
            legal_name=f"Maker {n:04d} Ltd",
            normalised_name=normalise_company_name(f"Maker {n:04d} Ltd"),
            kind="smelter" if n % 2 else "supplier",
            country_iso3="MYS" if n % 2 else "DEU",
            parent=once(
                context, "parent", lambda: CompanyFactory(organisation=org, legal_name="Group Holding")
            ),
        )
        for n in range(start, start + count)
    )


def add_consultations(org, start, count, context):
    procurement = _procurement(org, context)
    Consultation.objects.bulk_create(
        Consultation(
            organisation=org,
            procurement=procurement,
            title=f"Consultation {n:04d}",
            product_category="smartphone" if n % 2 else "notebook",
            deadline=dt.date(2031, 1, 1),
        )
        for n in range(start, start + count)
    )


def add_tenders(org, start, count, context):
    procurement = _procurement(org, context)
    Tender.objects.bulk_create(
        Tender(
            organisation=org,
            procurement=procurement,
            title=f"Tender {n:04d}",
            scenario=3 if n % 2 else 1,
            weights={"price": 60},
        )
        for n in range(start, start + count)
    )


def add_assessments(org, start, count, context):
    procurement = _procurement(org, context)
    ProductRiskAssessment.objects.bulk_create(
        ProductRiskAssessment(
            organisation=org,
            procurement=procurement,
            title=f"Assessment {n:04d}",
            product="smartphone" if n % 2 else "notebook",
            result={"risks": [{"category": "child_labour"}] * 50},
            method="risk-method-2025",
        )
        for n in range(start, start + count)
    )


def add_events(org, start, count, context):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=org,
            actor_label="bulk loader",
            action="tender.create" if n % 2 else "procurement.create",
            target_type="tenders.tender",
            target_id=str(n),
            after={"n": n},
        )
        for n in range(start, start + count)
    )


def add_evaluations(org, start, count, context):
    tender = once(context, "tender", lambda: TenderFactory(organisation=org, title="Evaluated tender"))
    company = once(context, "company", lambda: CompanyFactory(organisation=org, legal_name="Bidder Ltd"))
    evaluations = BidEvaluation.objects.bulk_create(
        BidEvaluation(tender=tender, request={"bids": []}, result={"bids": [{"bidder": "x"}] * 40})
        for _n in range(start, start + count)
    )
    Bid.objects.bulk_create(
        Bid(evaluation=e, company=company, bidder="Bidder Ltd" if (start + i) % 2 else "Other Bidder")
        for i, e in enumerate(evaluations)
    )


@dataclass(frozen=True)
class ListPage:
    name: str
    add: Any
    table: str  # the id of the element holding the rows
    row: str  # the tag of one row
    filters: dict[str, str]  # a filter the odd rows match
    sort: str  # a sort other than the default
    per_page: int

    def url(self, context):
        if self.name == "evaluations":
            return reverse("tenders:detail", args=[context["tender"].public_id])
        return reverse(
            {
                "procurements": "procurements:list",
                "companies": "companies:list",
                "consultations": "consultations:list",
                "tenders": "tenders:list",
                "risk assessments": "risks:home",
                "audit log": "audit",
            }[self.name]
        )


LISTS = [
    ListPage("procurements", add_procurements, "procurements", "tr", {"status": "closed"}, "title", 25),
    ListPage(
        "companies", add_companies, "companies", "tr", {"kind": "smelter", "country": "MYS"}, "name_desc", 50
    ),
    ListPage(
        "consultations",
        add_consultations,
        "consultations",
        "tr",
        {"product_category": "smartphone"},
        "title",
        25,
    ),
    ListPage("tenders", add_tenders, "tenders", "tr", {"scenario": "3"}, "title", 25),
    ListPage("risk assessments", add_assessments, "saved", "tr", {"product": "smartphone"}, "title", 25),
    ListPage("audit log", add_events, "events", "tr", {"action": "tender."}, "oldest", 50),
    ListPage("evaluations", add_evaluations, "evaluation-list", "li", {"bidder": "Bidder Ltd"}, "oldest", 20),
]


def rows(page, spec):
    table = parse(page.content).by_id(spec.table)
    found = table.find_all(spec.row)
    return [r for r in found if r.parent is table.find("tbody")] if spec.row == "tr" else found


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url, params)
    assert page.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.name)
def test_a_list_reads_as_many_queries_for_1000_rows_as_for_10(logged_in, municipality, spec):
    # given: ten rows
    context: dict[str, Any] = {}
    spec.add(municipality, 0, 10, context)
    url = spec.url(context)
    logged_in.get(url)  # caches warm
    plain = queries(logged_in, url, {})
    narrowed = queries(logged_in, url, spec.filters | {"sort": spec.sort})

    # when: a thousand
    spec.add(municipality, 10, 990, context)

    # then
    assert queries(logged_in, url, {}) == plain
    assert queries(logged_in, url, spec.filters | {"sort": spec.sort, "page": "3"}) == narrowed


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.name)
def test_a_list_shows_one_page_its_count_and_a_pager_that_keeps_the_filters(logged_in, municipality, spec):
    # given: twice a page of rows and a half, half of them matching the filter
    context: dict[str, Any] = {}
    total = spec.per_page * 5
    spec.add(municipality, 0, total, context)
    url = spec.url(context)

    # when
    first = logged_in.get(url)
    filtered = logged_in.get(url, spec.filters | {"sort": spec.sort})

    # then: one page of rows; the filter keeps half; the next page's link keeps the filter and the sort
    assert len(rows(first, spec)) == spec.per_page
    document = parse(filtered.content)
    assert f"of {total // 2}" in document.find("p", cls="list-count").text
    following = parse_qs(urlsplit(document.find("a", rel="next").get("href")).query)
    assert following == {**{k: [v] for k, v in spec.filters.items()}, "sort": [spec.sort], "page": ["2"]}
    pages = -(-(total // 2) // spec.per_page)
    last = logged_in.get(url, spec.filters | {"sort": spec.sort, "page": str(pages)})
    assert len(rows(last, spec)) == total // 2 - (pages - 1) * spec.per_page
    assert parse(last.content).find_all("div", cls="list-notes") == []
    for name, value in spec.filters.items():  # the filter form shows what it filters by
        box = document.by_id(f"list_{name}")
        selected = [o.get("value") for o in box.find_all("option") if o.has("selected")] or [box.get("value")]
        assert selected == [value]


@pytest.mark.parametrize("spec", LISTS, ids=lambda s: s.name)
@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"page": "abc"}, "is not a page number"),
        ({"page": "-2"}, "is not a page number"),
        ({"page": "999"}, "There is no page 999"),
        ({"sort": "'; drop table"}, "Sort by"),
    ],
    ids=["words", "negative", "past-the-end", "unknown-sort"],
)
def test_a_bad_page_or_sort_is_noted_and_the_list_shown(logged_in, municipality, spec, params, note):
    # given
    context: dict[str, Any] = {}
    spec.add(municipality, 0, spec.per_page + 3, context)

    # when
    page = logged_in.get(spec.url(context), params)

    # then
    assert page.status_code == 200
    assert note in parse(page.content).find("div", cls="list-notes").text
    assert rows(page, spec)


def test_an_unknown_filter_value_is_ignored_with_a_note(logged_in, municipality):
    # given
    add_procurements(municipality, 0, 4, {})

    # when
    page = logged_in.get(reverse("procurements:list"), {"status": "won", "product_category": "notebook"})

    # then: the bad status is named and dropped; the good filter still applies
    document = parse(page.content)
    assert page.status_code == 200
    assert "Status" in document.find("div", cls="list-notes").text
    assert document.by_id("list_status").get("aria-invalid") == "true"
    assert len(rows(page, LISTS[0])) == 2


def test_an_unreadable_date_on_the_audit_log_is_noted(logged_in, municipality):
    add_events(municipality, 0, 3, {})
    page = logged_in.get(reverse("audit"), {"since": "yesterday"})
    assert page.status_code == 200
    assert "'yesterday' is not a date" in parse(page.content).find("div", cls="list-notes").text


def test_the_audit_log_keeps_the_events_of_the_days_asked_for(logged_in, municipality):
    # given
    add_events(municipality, 0, 3, {})
    today = dt.datetime.now(dt.UTC).date()

    # when
    inside = logged_in.get(reverse("audit"), {"since": today.isoformat(), "until": today.isoformat()})
    before = logged_in.get(reverse("audit"), {"until": (today - dt.timedelta(days=1)).isoformat()})

    # then
    assert len(rows(inside, LISTS[5])) == 3
    assert "No event matches" in parse(before.content).by_id("events").text


def test_a_list_shows_only_the_users_organisation(logged_in, municipality, outsider):
    add_procurements(outsider.organisation, 0, 5, {})
    page = logged_in.get(reverse("procurements:list"))
    assert "No procurement yet" in parse(page.content).by_id("procurements").text


def test_the_consultations_filter_form_keeps_the_procurement_it_was_opened_for(logged_in, municipality):
    # given
    procurement = ProcurementFactory(organisation=municipality)

    # when
    page = logged_in.get(reverse("consultations:list"), {"procurement": str(procurement.public_id)})

    # then: filtering from there keeps pre-filling the new consultation
    form = parse(page.content).find("form", cls="list-filters")
    kept = form.find("input", name="procurement")
    assert kept.get("type") == "hidden" and kept.get("value") == str(procurement.public_id)


def test_the_tender_form_offers_the_newest_consultations_and_the_one_it_was_opened_for(
    logged_in, municipality
):
    # given: more consultations than a select offers, the oldest first
    add_consultations(municipality, 0, 250, {})
    oldest = Consultation.objects.order_by("created_at", "id").first()

    # when
    page = logged_in.get(reverse("tenders:list"), {"consultation": str(oldest.public_id)})

    # then
    options = parse(page.content).by_id("id_consultation").find_all("option")
    assert len(options) == 1 + 200 + 1  # the blank, the newest 200, and the one asked for
    assert [o.get("value") for o in options if o.has("selected")] == [str(oldest.public_id)]


def test_a_procurements_page_reads_as_many_queries_however_many_records_its_steps_hold(
    logged_in, municipality
):
    # given: a procurement with a record in each step
    procurement = ProcurementFactory(organisation=municipality)
    context = {"procurement": procurement}

    def add(start, count):
        add_assessments(municipality, start, count, context)
        add_consultations(municipality, start, count, context)
        add_tenders(municipality, start, count, context)

    add(0, 2)
    url = reverse("procurements:detail", args=[procurement.public_id])
    logged_in.get(url)
    few = queries(logged_in, url, {})

    # when
    add(2, 300)

    # then: the page lists the newest of each step and says there are more
    assert queries(logged_in, url, {}) == few
    steps = parse(logged_in.get(url).content).by_id("steps")
    assert (
        len(
            steps.find_all(
                "a",
                href=reverse(
                    "risks:saved", args=[ProductRiskAssessment.objects.latest("updated_at", "id").public_id]
                ),
            )
        )
        == 1
    )
    assert "The newest 20" in steps.text


def test_the_new_consultation_form_offers_an_old_procurement_it_was_opened_for(logged_in, municipality):
    # given: more procurements than a select offers; the oldest is the one the buyer comes from
    add_procurements(municipality, 0, 230, {})
    oldest = Procurement.objects.order_by("created_at", "id").first()

    # when
    page = logged_in.get(reverse("consultations:list"), {"procurement": str(oldest.public_id)})

    # then
    options = parse(page.content).by_id("id_procurement").find_all("option")
    assert len(options) == 1 + 200 + 1
    assert [o.get("value") for o in options if o.has("selected")] == [str(oldest.public_id)]
