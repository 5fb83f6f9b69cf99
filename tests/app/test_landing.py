"""The landing page: after logging in a user sees what needs attention in their organisation (overdue supplier
reports, consultations awaiting answers, tenders with bids to evaluate), each a count linking to its list, counted
in the database with a fixed number of queries; a contract manager lands on the contracts instead."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.consultations.models import Invitation
from hrdd.procurements.models import Procurement
from hrdd.tenders.models import BidDraft
from tests.factories import (
    PASSWORD,
    BidEvaluationFactory,
    ConsultationFactory,
    InvitationFactory,
    ObligationFactory,
    ProcurementFactory,
    SubmissionFactory,
    TenderFactory,
    UserFactory,
)
from tests.html import document

TODAY = timezone.localdate()


def count_of(page, key) -> int:
    item = page.by_id(f"attention-{key}")
    return int(item.find(cls="count").text)


def link_of(page, key) -> str:
    return page.by_id(f"attention-{key}").find("a").get("href")


def overdue(organisation, n=1):
    for _ in range(n):
        ObligationFactory(contract__organisation=organisation, due_date=TODAY - dt.timedelta(days=3))


def awaiting(organisation, n=1):
    for _ in range(n):
        consultation = ConsultationFactory(organisation=organisation, deadline=TODAY + dt.timedelta(days=10))
        InvitationFactory(consultation=consultation)
        InvitationFactory(consultation=consultation, status=Invitation.Status.SUBMITTED)


def with_bids_to_evaluate(organisation, n=1):
    for i in range(n):
        tender = TenderFactory(organisation=organisation)
        BidDraft.objects.create(tender=tender, bidder=f"Bidder {i}", price=1000)


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


# where users land


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (User.Role.PROCUREMENT_OFFICER, "overview"),
        (User.Role.ADMIN, "overview"),
        (User.Role.VIEWER, "overview"),
        (User.Role.SOURCING_MANAGER, "overview"),
        (User.Role.CONTRACT_MANAGER, "contracts:dashboard"),
    ],
)
def test_after_logging_in_each_role_lands_on_its_page(client, municipality, role, landing):
    user = UserFactory(organisation=municipality, role=role)

    # when
    page = client.post(reverse("login"), {"username": user.email, "password": PASSWORD}, follow=True)

    # then
    assert page.redirect_chain[-1][0] == reverse(landing)
    assert page.status_code == 200


# what the overview counts


def test_the_overview_counts_what_needs_attention_and_links_to_it(logged_in, municipality):
    # given two overdue reports (one more delivered on time), one consultation still waiting for an answer (one
    # fully answered and one past its deadline do not count), and one tender with a bid entered
    overdue(municipality, 2)
    SubmissionFactory(obligation=ObligationFactory(contract__organisation=municipality, due_date=TODAY))
    ObligationFactory(
        contract__organisation=municipality, due_date=TODAY - dt.timedelta(days=1), submitted_on=TODAY
    )
    awaiting(municipality)
    answered = ConsultationFactory(organisation=municipality, deadline=TODAY + dt.timedelta(days=5))
    InvitationFactory(consultation=answered, status=Invitation.Status.SUBMITTED)
    closed = ConsultationFactory(organisation=municipality, deadline=TODAY - dt.timedelta(days=1))
    InvitationFactory(consultation=closed)
    with_bids_to_evaluate(municipality)

    # when
    page = document(logged_in.get(reverse("overview")))

    # then
    assert (count_of(page, "overdue"), count_of(page, "awaiting"), count_of(page, "evaluate")) == (2, 1, 1)
    assert link_of(page, "overdue") == reverse("contracts:dashboard") + "?when=overdue"
    for key in ("overdue", "awaiting", "evaluate"):
        assert logged_in.get(link_of(page, key)).status_code == 200


def test_a_tender_evaluated_after_its_last_bid_was_entered_no_longer_counts(logged_in, municipality):
    # given
    tender = TenderFactory(organisation=municipality)
    draft = BidDraft.objects.create(tender=tender, bidder="Acme", price=1000)
    BidEvaluationFactory(tender=tender)
    assert count_of(document(logged_in.get(reverse("overview"))), "evaluate") == 0

    # when a bid changes after the evaluation
    BidDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now() + dt.timedelta(minutes=1))

    # then it counts again
    assert count_of(document(logged_in.get(reverse("overview"))), "evaluate") == 1


def test_another_organisations_records_are_not_counted(logged_in, outsider):
    # given
    elsewhere = outsider.organisation
    overdue(elsewhere)
    awaiting(elsewhere)
    with_bids_to_evaluate(elsewhere)
    ProcurementFactory(organisation=elsewhere, title="Their purchase")

    # when
    page = document(logged_in.get(reverse("overview")))

    # then
    assert [count_of(page, k) for k in ("overdue", "awaiting", "evaluate")] == [0, 0, 0]
    assert "Their purchase" not in page.text


def test_the_overview_lists_the_newest_open_procurements(logged_in, municipality):
    # given
    for n in range(7):
        ProcurementFactory(organisation=municipality, title=f"Purchase {n}")
    ProcurementFactory(organisation=municipality, title="Closed purchase", status=Procurement.Status.CLOSED)

    # when
    page = document(logged_in.get(reverse("overview")))

    # then
    titles = [a.text for a in page.by_id("recent-procurements").find_all("a")]
    assert titles == [f"Purchase {n}" for n in (6, 5, 4, 3, 2)]
    assert "All 7 open procurements" in page.text


def test_an_administrator_also_sees_the_invitations_waiting(client, municipality):
    client.force_login(UserFactory(organisation=municipality, role=User.Role.ADMIN))
    assert "invitations waiting for an answer" in document(client.get(reverse("overview"))).text


def test_a_viewer_is_not_offered_to_open_a_procurement(client, viewer):
    client.force_login(viewer)
    page = document(client.get(reverse("overview")))
    assert "Open the first one" not in page.text


def test_the_overview_is_marked_as_the_current_page_in_the_navigation(logged_in):
    page = document(logged_in.get(reverse("overview")))
    (current,) = [a for a in page.find("nav").find_all("a") if a.get("aria-current") == "page"]
    assert current.get("href") == reverse("overview")


def test_the_overview_costs_the_same_queries_however_many_records(logged_in, municipality):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert logged_in.get(reverse("overview")).status_code == 200
        return len(captured)

    # given a few of each
    overdue(municipality)
    awaiting(municipality)
    with_bids_to_evaluate(municipality)
    ProcurementFactory(organisation=municipality)
    few = queries()

    # when there are many more
    overdue(municipality, 12)
    awaiting(municipality, 8)
    with_bids_to_evaluate(municipality, 8)
    for _ in range(10):
        ProcurementFactory(organisation=municipality)

    # then
    assert queries() == few
