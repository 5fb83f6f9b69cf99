"""The demo's dates tell one story in order: the procurement opens, the market is consulted and answers before the
deadline, the tender is built and its bids evaluated, then the contract is awarded and starts; every title names
the contract's years, and a scale procurement's title the year its lots were awarded."""

import re

from hrdd.accounts.models import User
from hrdd.consultations.models import Consultation, Invitation
from hrdd.contracts.models import Contract
from hrdd.demo import DEMO_ADMIN, DEMO_ORGANISATION, load_demo, load_scale
from hrdd.procurements.models import Procurement
from hrdd.risks.models import ProductRiskAssessment
from hrdd.tenders.models import BidEvaluation, Tender


def test_each_step_of_the_demo_happens_after_the_one_before(db):
    # when
    load_demo()

    # then
    procurement = Procurement.objects.get()
    consultation = Consultation.objects.get()
    tender = Tender.objects.get()
    evaluation = BidEvaluation.objects.get()
    contract = Contract.objects.get()
    assert procurement.created_at.date() <= ProductRiskAssessment.objects.get().created_at.date()
    assert procurement.created_at < consultation.created_at
    assert consultation.created_at.date() < consultation.deadline < tender.created_at.date()
    assert tender.created_at < evaluation.created_at
    assert evaluation.created_at.date() < contract.award_date < contract.start_date < contract.end_date


def test_every_demo_answer_came_in_before_the_consultation_deadline(db):
    load_demo()

    consultation = Consultation.objects.get()
    submitted = consultation.invitations.filter(status=Invitation.Status.SUBMITTED)
    assert submitted.count() == 8
    assert all(consultation.created_at < i.submitted_at for i in submitted)
    assert all(i.submitted_at.date() <= consultation.deadline for i in submitted)


def test_the_demo_titles_name_the_contracts_years(db):
    load_demo()

    contract = Contract.objects.get()
    years = f"{contract.start_date.year}-{contract.end_date.year}"
    assert contract.title == f"Notebooks for municipal staff {years}"
    assert Procurement.objects.get().title == contract.title
    assert Consultation.objects.get().title == contract.title
    assert Tender.objects.get().title.startswith(f"{contract.title}:")
    assert Procurement.objects.get().reference == f"EXT-{Procurement.objects.get().created_at.year}-014"


def test_the_demo_has_an_administrator_who_manages_the_members(db):
    load_demo()

    admin = User.objects.get(email=DEMO_ADMIN)
    assert admin.organisation.name == DEMO_ORGANISATION
    assert admin.is_organisation_admin


def test_a_scale_procurement_is_named_for_the_year_its_lots_were_awarded(db):
    # when
    load_scale(8, large_sites=10)

    # then
    for procurement in Procurement.objects.filter(title__startswith="[scale "):
        year = int(re.search(r"(\d{4})$", procurement.title).group(1))
        awards = {c.award_date.year for c in procurement.contracts.all()}
        assert awards == {year}
