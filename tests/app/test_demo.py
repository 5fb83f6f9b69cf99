"""The demo data: a municipality, its notebook consultation and eight answers that tell a story."""

import pytest
from django.contrib.auth import authenticate

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.selectors import consultation_results
from hrdd.demo import (
    DEMO_LOGIN,
    DEMO_ORGANISATION,
    DEMO_PARTNER,
    DEMO_PARTNER_LOGIN,
    DEMO_PASSWORD,
    load_demo,
)


def stored():
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Consultation.objects.count(),
        Invitation.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_creates_one_public_buyer_with_its_users(db):
    # when
    result = load_demo()

    # then
    assert result.created
    organisation = Organisation.objects.get(name=DEMO_ORGANISATION)
    assert organisation.kind == Organisation.Kind.PUBLIC_BUYER
    assert User.objects.get(email=DEMO_LOGIN).organisation == organisation
    assert all(u.can_write for u in User.objects.filter(organisation=organisation))
    assert User.objects.filter(organisation=organisation).count() == 3


def test_the_demo_consultation_is_run_together_with_a_neighbouring_buyer(db):
    # when
    load_demo()

    # then: the province co-owns it, and both chose scenario 2, which is agreed
    consultation = Consultation.objects.get(organisation__name=DEMO_ORGANISATION)
    (row,) = consultation.co_owners.all()
    assert (row.organisation.name, row.status) == (DEMO_PARTNER, "accepted")
    assert row.organisation.kind == Organisation.Kind.PUBLIC_BUYER
    assert consultation.agreed_scenario == 2
    assert User.objects.get(email=DEMO_PARTNER_LOGIN).organisation == row.organisation


def test_the_demo_consultation_has_eight_submitted_responses_and_one_invitation(db):
    # when
    load_demo()

    # then
    consultation = Consultation.objects.get()
    statuses = list(consultation.invitations.values_list("status", flat=True))
    assert statuses.count(Invitation.Status.SUBMITTED) == 8
    assert statuses.count(Invitation.Status.INVITED) == 1
    assert len(statuses) == 9


def test_loading_the_demo_again_changes_nothing(db):
    # given
    load_demo()
    before = stored()

    # when
    result = load_demo()

    # then
    assert not result.created
    assert result.login == DEMO_LOGIN
    assert stored() == before


def test_the_demo_recommends_scenario_2(db):
    # given
    load_demo()

    # when
    results = consultation_results(consultation=Consultation.objects.get())

    # then
    assert results.submitted == 8
    assert results.market.respondents == 8
    assert results.market.recommended_scenario == 2


def test_the_demo_spans_high_medium_and_low_suppliers(db):
    # given
    load_demo()

    # when
    results = consultation_results(consultation=Consultation.objects.get())

    # then
    overall = {row.score.overall for row in results.rows if row.score}
    assert overall == {"high", "medium", "low"}
    assert all(row.error == "" for row in results.rows)


def test_the_demo_shows_warnings(db):
    # given
    load_demo()

    # when
    results = consultation_results(consultation=Consultation.objects.get())

    # then
    assert any(row.score.warnings for row in results.rows if row.score)


def test_the_demo_login_authenticates(db):
    # given
    load_demo()

    # when
    user = authenticate(username=DEMO_LOGIN, password=DEMO_PASSWORD)

    # then
    assert user is not None
    assert user.email == DEMO_LOGIN


@pytest.mark.parametrize("password", ["", "hrdd-demo ", "wrong"])
def test_the_demo_login_refuses_another_password(db, password):
    # given
    load_demo()

    # when / then
    assert authenticate(username=DEMO_LOGIN, password=password) is None


def test_the_demo_buyer_sees_the_dashboard(client, db):
    # given
    load_demo()
    assert client.login(username=DEMO_LOGIN, password=DEMO_PASSWORD)
    consultation = Consultation.objects.get()

    # when
    page = client.get(consultation.get_absolute_url())

    # then
    assert page.status_code == 200
    assert b"Scenario 2: medium market maturity" in page.content
    assert b"Lumen Computers" in page.content


def test_the_demo_follows_the_path_from_risks_to_tender_and_evaluated_bids(db):
    # when
    load_demo()

    # then: the risk assessment is saved with the procurement, the tender takes the recommended scenario and
    # the assessment, and the bids were evaluated
    from hrdd.risks.models import ProductRiskAssessment
    from hrdd.tenders.models import BidEvaluation, Tender

    consultation = Consultation.objects.get()
    risks = ProductRiskAssessment.objects.get()
    tender = Tender.objects.get()
    market = consultation_results(consultation=consultation).market
    assert risks.procurement == consultation.procurement and risks.product == consultation.product_category
    assert tender.consultation == consultation and tender.risk_assessment == risks
    assert tender.procurement == consultation.procurement
    assert tender.scenario == market.recommended_scenario
    evaluation = BidEvaluation.objects.get(tender=tender)
    ranked = [b for b in evaluation.result["bids"] if b["rank"]]
    assert len(evaluation.result["bids"]) == 4 and ranked
    assert {b.bidder for b in evaluation.bids.select_related("company")} == {
        b["bidder"] for b in evaluation.result["bids"]
    }
