"""The company side of the demo: a mineral trader whose programme tells the IXM story, every figure counted from
its records, loaded through the services (audited) and only once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.demo import DEMO_PASSWORD
from hrdd.demo_sourcing import TRADER, TRADER_LOGIN, TRADER_VIEWER, load_sourcing_demo
from hrdd.programmes.kpis import kpi_figure
from hrdd.programmes.models import ChildLabourCase, Enrolment, NgoResponse, SupplierTier, Tier
from tests.html import document

TODAY = timezone.localdate()  # the demo is dated from the day it is loaded


@pytest.fixture
def demo(db):
    return load_sourcing_demo(password=DEMO_PASSWORD, today=TODAY)


def figure(programme, key):
    return kpi_figure(programme.kpis.get(key=key), TODAY)


def test_the_trader_is_a_company_with_a_sourcing_manager_who_logs_in(demo, client):
    trader = Organisation.objects.get(name=TRADER)
    assert trader.kind == Organisation.Kind.COMPANY
    manager = User.objects.get(email=TRADER_LOGIN)
    assert manager.role == User.Role.SOURCING_MANAGER

    assert client.login(email=TRADER_LOGIN, password=DEMO_PASSWORD)
    page = document(client.get(reverse("overview")))
    first_link = page.by_id("programmes").find_all("a")[0]
    assert first_link.text == demo.programme.title


def test_loading_it_again_adds_nothing(demo):
    events = AuditEvent.objects.count()

    again = load_sourcing_demo(password=DEMO_PASSWORD, today=TODAY)

    assert not again.created
    assert AuditEvent.objects.count() == events


def test_the_tiers_follow_what_each_supplier_sources(demo):
    tiers = dict(SupplierTier.objects.values_list("company__legal_name", "tier"))

    assert tiers == {
        "Coopérative Minière Lualaba Nord": Tier.HIGH,  # artisanal cobalt from the DR Congo
        "Kolwezi Cobalt Processing SARL": Tier.HIGH,  # the DR Congo is on the EU's CAHRA list
        "Solwezi Small Miners Cooperative": Tier.HIGH,  # artisanal copper
        "Copperbelt Concentrates Ltd": Tier.STANDARD,
        "Refinería Andina SA": Tier.STANDARD,
        "Pohjola Cobalt Refining Oy": Tier.STANDARD,
    }


def test_every_kpi_of_the_programme_has_a_figure_counted_from_the_records(demo):
    programme = demo.programme

    # one of the three high-risk suppliers assessed in the past twelve months (the processor's is older)
    assessed = figure(programme, "high_risk_suppliers_assessed")
    assert (assessed.numerator, assessed.denominator) == (1, 3)
    # both artisanal cooperatives in capacity building
    assert figure(programme, "capacity_building_enrolled").value == 2
    # three of the six suppliers hold a Copper Mark or RMAP conformance valid today (not
    # the one in progress)
    copper = figure(programme, "copper_mark_or_equivalent")
    assert (copper.numerator, copper.denominator) == (3, 6)
    # six of the seven children are out of child labour and supported
    assert figure(programme, "children_supported").value == 6
    # last year's incident counts for last year, not this year
    assert figure(programme, "incidents_reported").value == 0
    assert (
        kpi_figure(programme.kpis.get(key="incidents_reported"), dt.date(TODAY.year - 1, 12, 31)).value == 1
    )
    # the training share entered with its evidence, 27 of 60 last year
    trained = kpi_figure(programme.kpis.get(key="employees_trained"), dt.date(TODAY.year - 1, 12, 31))
    assert trained.value == Decimal("45.00")


def test_the_ngo_answer_waits_in_review_with_rated_answers_and_evidence(demo):
    response = NgoResponse.objects.get()

    assert response.status == NgoResponse.Status.IN_REVIEW
    answers = response.answers.exclude(text="")
    assert answers.count() == 3
    assert all(a.rating == "adequate" and a.evidence.exists() for a in answers)


def test_the_overview_shows_what_needs_attention_in_the_story(demo, client):
    client.login(email=TRADER_LOGIN, password=DEMO_PASSWORD)

    page = document(client.get(reverse("overview")))

    def count(key):
        return int(page.by_id(f"attention-{key}").find(cls="count").text)

    assert count("unassessed") == 2  # the processor (assessed 14 months ago) and the Zambian cooperative
    assert count("gaps") == 1
    assert count("certifications") == 1  # the Zambian Copper Mark ends in 60 days
    assert count("ngo") == 1
    assert count("follow_ups") == 1


def test_a_viewer_of_the_trader_sees_case_counts_but_no_case(demo, client):
    client.login(email=TRADER_VIEWER, password=DEMO_PASSWORD)
    case = ChildLabourCase.objects.first()

    assert client.get(reverse("programmes:cases")).status_code == 200
    assert client.get(case.get_absolute_url()).status_code == 404


def test_no_audit_event_carries_a_childs_identity_notes(demo):
    notes = ChildLabourCase.objects.values_list("identity_notes", flat=True).first()

    assert notes
    assert not any(notes in str(e.before) + str(e.after) for e in AuditEvent.objects.all())


def test_the_public_page_is_open_to_anyone(demo, client):
    page = client.get(reverse("programmes:public", args=[demo.programme.public_id]))

    assert page.status_code == 200
    assert demo.programme.title in page.content.decode()


def test_a_cumulative_count_says_it_counts_everything_up_to_the_day(demo):
    supported = figure(demo.programme, "children_supported")
    enrolled = figure(demo.programme, "capacity_building_enrolled")

    assert supported.text == f"6 in all by {TODAY.isoformat()}"
    assert enrolled.text == f"2 from {TODAY.year}-01-01 to {TODAY.isoformat()}"


def test_the_capacity_building_milestones_come_in_the_copper_marks_order(demo):
    for enrolment in Enrolment.objects.all():
        titles = list(enrolment.milestones.order_by("due_on").values_list("title", flat=True))
        assert titles[0].startswith("Letter of commitment") and titles[1].startswith("Self-assessment")
