"""The supply-chain foundation's migration keeps every record and link of a database made before it."""

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.migration_support import migrate_to

BEFORE = [
    ("accounts", "0001_initial"),
    ("consultations", "0002_product_categories_from_risk_method"),
    ("risks", "0001_initial"),
    ("tenders", "0001_initial"),
    ("contracts", "0001_initial"),
]


@pytest.mark.django_db(transaction=True)
def test_forward_migration_keeps_every_record_and_link():
    # given a database as it was before procurements, companies and memberships (the demo's shape)
    old = migrate_to(BEFORE)
    Organisation = old.get_model("accounts", "Organisation")
    User = old.get_model("accounts", "User")
    Consultation = old.get_model("consultations", "Consultation")
    Invitation = old.get_model("consultations", "Invitation")
    Assessment = old.get_model("risks", "ProductRiskAssessment")
    Tender = old.get_model("tenders", "Tender")
    Evaluation = old.get_model("tenders", "BidEvaluation")
    Contract = old.get_model("contracts", "Contract")
    Obligation = old.get_model("contracts", "Obligation")

    town = Organisation.objects.create(name="Exampleton", kind="public_buyer")
    other = Organisation.objects.create(name="Elsewhere", kind="public_buyer")
    buyer = User.objects.create(
        email="buyer@exampleton.example", organisation=town, role="procurement_officer"
    )
    User.objects.create(email="viewer@exampleton.example", organisation=town, role="viewer")
    User.objects.create(email="admin@example.org", organisation=None, role="admin")
    consultation = Consultation.objects.create(
        organisation=town, title="Notebooks 2027", product_category="notebook", deadline=dt.date(2027, 1, 1)
    )
    Invitation.objects.create(
        consultation=consultation, email="a@lumen.example", token="t1", company="Lumen Computers"
    )
    Invitation.objects.create(
        consultation=consultation, email="b@lumen.example", token="t2", company="LUMEN computers B.V."
    )
    Invitation.objects.create(consultation=consultation, email="c@late.example", token="t3", company="")
    linked = Assessment.objects.create(
        organisation=town, title="Notebook risks", product="notebook", consultation=consultation, method="m"
    )
    orphan = Assessment.objects.create(
        organisation=other, title="Phone risks", product="smartphone", method="m"
    )
    tender = Tender.objects.create(
        organisation=town, title="Annex", consultation=consultation, risk_assessment=linked, scenario=2
    )
    lone_tender = Tender.objects.create(
        organisation=other, title="Lone annex", risk_assessment=orphan, scenario=1
    )
    Evaluation.objects.create(
        tender=tender, request={"bids": [{"bidder": "Lumen Computers"}, {"bidder": "Nordbyte"}]}, result={}
    )
    contract = Contract.objects.create(
        organisation=town,
        tender=tender,
        title="Notebooks",
        supplier_name="Lumen Computers",
        supplier_email="a@lumen.example",
        scenario=2,
        award_date=dt.date(2026, 1, 1),
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2029, 1, 31),
        token="c1",
    )
    direct = Contract.objects.create(
        organisation=other,
        title="Direct contract",
        supplier_name="Kestrel Devices",
        supplier_email="k@kestrel.example",
        scenario=1,
        award_date=dt.date(2026, 1, 1),
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2027, 1, 31),
        token="c2",
    )
    Obligation.objects.create(
        contract=contract, clause="CC2", title="Sites", due_date=dt.date(2027, 2, 1), reason="r"
    )

    # when the schema is migrated forward
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(leaves)
    new = MigrationExecutor(connection).loader.project_state(leaves).apps

    # then every record is still there, and each step points to its procurement
    Procurement = new.get_model("procurements", "Procurement")
    Company = new.get_model("companies", "Company")
    Membership = new.get_model("accounts", "Membership")
    consultation = new.get_model("consultations", "Consultation").objects.get(pk=consultation.pk)
    linked = new.get_model("risks", "ProductRiskAssessment").objects.get(pk=linked.pk)
    orphan = new.get_model("risks", "ProductRiskAssessment").objects.get(pk=orphan.pk)
    tender = new.get_model("tenders", "Tender").objects.get(pk=tender.pk)
    lone_tender = new.get_model("tenders", "Tender").objects.get(pk=lone_tender.pk)
    contract = new.get_model("contracts", "Contract").objects.get(pk=contract.pk)
    direct = new.get_model("contracts", "Contract").objects.get(pk=direct.pk)

    assert (
        Procurement.objects.count() == 3
    )  # the consultation's, the orphan assessment's, the direct contract's
    assert (
        linked.procurement_id
        == tender.procurement_id
        == contract.procurement_id
        == consultation.procurement_id
    )
    assert tender.consultation_id == consultation.pk and tender.risk_assessment_id == linked.pk
    assert contract.tender_id == tender.pk
    assert lone_tender.procurement_id == orphan.procurement_id
    assert Procurement.objects.get(pk=orphan.procurement_id).organisation_id == other.pk
    assert Procurement.objects.get(pk=direct.procurement_id).title == "Direct contract"
    assert new.get_model("contracts", "Obligation").objects.get().contract_id == contract.pk

    # and supplier names became companies: one per normalised name and organisation
    lumen = Company.objects.get(organisation_id=town.pk, normalised_name="lumen computers")
    assert contract.supplier_id == lumen.pk
    # (links are found by the SHA-256 of their token since issue 17: the old links still open their invitation)
    invitations = {i.token_hash: i for i in new.get_model("consultations", "Invitation").objects.all()}
    t1, t2, t3 = (hashlib.sha256(token.encode()).hexdigest() for token in ("t1", "t2", "t3"))
    assert invitations[t1].company_id == invitations[t2].company_id == lumen.pk
    assert invitations[t2].company_as_given == "LUMEN computers B.V."
    assert invitations[t3].company_id is None
    assert {b.bidder: b.company_id for b in new.get_model("tenders", "Bid").objects.all()} == {
        "Lumen Computers": lumen.pk,
        "Nordbyte": Company.objects.get(normalised_name="nordbyte").pk,
    }
    assert Company.objects.get(pk=direct.supplier_id).organisation_id == other.pk

    # and each user's organisation and role became a membership
    assert sorted(Membership.objects.values_list("user__email", "role")) == [
        ("buyer@exampleton.example", "procurement_officer"),
        ("viewer@exampleton.example", "viewer"),
    ]
    assert new.get_model("accounts", "User").objects.get(pk=buyer.pk).organisation_id == town.pk
