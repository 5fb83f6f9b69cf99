"""Demo data that tells a story: a municipality consulting the notebook market before a tender.

Eight suppliers (brands and resellers) answered with varied maturity, so the dashboard shows scores, warnings,
a distribution and a recommendation at once; the buyer has saved a risk assessment of notebooks and built the
tender annex of the recommended scenario, with four bids evaluated. Loading is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from importlib import resources

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import organisation_create, user_create
from hrdd.companies.services import company_create, company_resolve, company_update
from hrdd.consultations.services import consultation_create, invitation_create, invitation_submit
from hrdd.contracts.models import Submission
from hrdd.contracts.services import contract_create, submission_create
from hrdd.core import links
from hrdd.domain.contracts import add_months
from hrdd.domain.risk import Adjustments
from hrdd.procurements.services import procurement_create
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.services import bid_evaluation_create, tender_create

DEMO_ORGANISATION = "Municipality of Exampleton"
DEMO_LOGIN = "buyer@exampleton.example"
DEMO_PASSWORD = "hrdd-demo"  # noqa: S105 - a published demo password, printed by `make run`

# (company, e-mail, role, answers): chosen to span low, medium and high maturity.
DEMO_RESPONSES: list[tuple[str, str, str, dict[str, object]]] = [
    (
        "Lumen Computers",
        "sustainability@lumen.example",
        "manufacturer",
        {
            "transparency": [
                "component_producers",
                "raw_material_types",
                "raw_material_suppliers",
                "mapping_efforts",
            ],
            "risk_understanding": "good",
            "policies": ["detailed_commitments", "due_diligence_strategy"],
            "actions": [
                "code_compliance",
                "complaints_procedure",
                "dedicated_staff",
                "industry_initiatives",
                "stakeholder_consultation",
            ],
            "initiatives": "Responsible Business Alliance; Responsible Minerals Initiative",
            "stakeholders": "Electronics Watch affiliates; local unions at two assembly sites",
        },
    ),
    (
        "Kestrel Devices",
        "compliance@kestrel.example",
        "manufacturer",
        {
            "transparency": ["end_to_end"],
            "risk_understanding": "good",
            "policies": ["due_diligence_strategy"],
            "actions": ["code_compliance", "complaints_procedure", "stakeholder_consultation"],
            "stakeholders": "NGO partners in the DRC cobalt region",
        },
    ),
    (
        "Nordbyte Systems",
        "csr@nordbyte.example",
        "manufacturer",
        {
            "transparency": ["assembly_location", "component_producers", "raw_material_types"],
            "risk_understanding": "fair",
            "policies": ["basic_commitment", "detailed_commitments"],
            "actions": ["code_compliance", "industry_initiatives", "digital_tools"],
            "initiatives": "TCO Certified",
            "digital_tools": "supplier self-assessment platform",
        },
    ),
    (
        "Civic IT Reseller",
        "tenders@civic-it.example",
        "reseller",
        {
            "transparency": ["assembly_location", "raw_material_types"],
            "risk_understanding": "cursory",
            "policies": ["basic_commitment"],
            "actions": ["code_compliance"],
        },
    ),
    (
        "GreenDesk Solutions",
        "info@greendesk.example",
        "reseller",
        {
            "transparency": ["assembly_location", "component_producers"],
            "risk_understanding": "fair",
            "policies": ["detailed_commitments"],
            "actions": ["dedicated_staff", "digital_tools"],
            "digital_tools": "EPEAT registry checks",
        },
    ),
    (
        "Budget Office Supplies",
        "sales@budget-office.example",
        "reseller",
        {
            "transparency": ["tier1_only"],
            "risk_understanding": "unfamiliar",
            "policies": ["no_commitment"],
            "actions": ["no_action"],
        },
    ),
    (
        "Atlas Trading",
        "bids@atlas-trading.example",
        "other",
        {
            "transparency": ["assembly_location"],
            "risk_understanding": "cursory",
            "policies": ["basic_commitment"],
            "actions": ["complaints_procedure"],
            "other_actions": "We are a leasing company and buy from distributors.",
        },
    ),
    (
        "Polder Hardware",
        "office@polder-hardware.example",
        "reseller",
        {
            "transparency": ["tier1_only", "assembly_location"],
            "risk_understanding": "cursory",
            "policies": ["no_commitment", "basic_commitment"],
            "actions": ["code_compliance", "dedicated_staff"],
        },
    ),
]


DEMO_SITES = """name,address,country,site_type,products
Lumen Final Assembly,"14 Jalan Perindustrian, Penang",MYS,final assembly,notebooks
Lumen Assembly Plant 2,"88 Industrial Road, Kunshan",CHN,final assembly,notebooks
Battery cell supplier,,CHN,component,lithium-ion cells
"""


@dataclass(frozen=True)
class DemoResult:
    created: bool
    login: str
    base_url: str


@transaction.atomic
def load_demo() -> DemoResult:
    """Create the demo organisation, its users and the notebook consultation, unless they exist."""
    base_url = links.base_url()
    if Organisation.objects.filter(name=DEMO_ORGANISATION).exists():
        return DemoResult(created=False, login=DEMO_LOGIN, base_url=base_url)
    buyer_org = organisation_create(name=DEMO_ORGANISATION, kind=Organisation.Kind.PUBLIC_BUYER)
    buyer = user_create(
        email=DEMO_LOGIN,
        password=DEMO_PASSWORD,
        organisation=buyer_org,
        role=User.Role.PROCUREMENT_OFFICER,
        first_name="Sam",
        last_name="Buyer",
    )
    user_create(
        email="contracts@exampleton.example",
        password=DEMO_PASSWORD,
        organisation=buyer_org,
        role=User.Role.CONTRACT_MANAGER,
    )
    # The purchase every step belongs to.
    procurement = procurement_create(
        actor=buyer,
        title="Notebooks for municipal staff 2027-2030",
        product_category="notebook",
        reference="EXT-2027-014",
    )
    consultation = consultation_create(
        actor=buyer,
        title="Notebooks for municipal staff 2027-2030",
        product_category="notebook",
        deadline=dt.date.today() + dt.timedelta(days=21),
        procurement=procurement,
    )
    for company, email, role, answers in DEMO_RESPONSES:
        invitation = invitation_create(actor=buyer, consultation=consultation, email=email, send=False)
        invitation_submit(invitation=invitation, raw={"company": company, "role": role, "answers": answers})
    invitation_create(
        actor=buyer, consultation=consultation, email="contact@late-supplier.example", send=False
    )
    # Step 1: the buyer's risk assessment of notebooks, saved with the procurement.
    risks = risk_assessment_save(
        actor=buyer,
        title="Notebooks: human-rights risks in the supply chain",
        product="notebook",
        adjustments=Adjustments(),
        procurement=procurement,
    )
    # Step 3: the consultation recommends scenario 2; the tender follows it and the bids are evaluated.
    bids = json.loads(resources.files("hrdd.demo_data").joinpath("bids-scenario-2.json").read_text("utf-8"))
    tender = tender_create(
        actor=buyer,
        title="Notebooks for municipal staff 2027-2030: human-rights annex",
        scenario=bids["scenario"],
        weights=bids["weights"],
        consultation=consultation,
        risk_assessment=risks,
    )
    bid_evaluation_create(actor=buyer, tender=tender, bids=bids["bids"])
    # The winner's company record, completed by the buyer with its country, identifier and group.
    lumen = company_resolve(organisation=buyer_org, name="Lumen Computers", actor=buyer)
    group = company_create(actor=buyer, legal_name="Lumen Holdings plc", country_iso3="GBR", kind="brand")
    company_update(
        actor=buyer,
        company=lumen,
        legal_name="Lumen Computers B.V.",
        other_names=["Lumen Computers"],
        country_iso3="NLD",
        website="https://lumen.example",
        lei="529900LUMENCOMPUT093",
        parent=group,
    )
    # Step 4: the contract with the winner, a year and a half in: one report on time, one missing.
    today = dt.date.today()
    contract = contract_create(
        actor=buyer,
        title="Notebooks for municipal staff 2027-2030",
        supplier_name="Lumen Computers",
        supplier_email="sustainability@lumen.example",
        award_date=add_months(today, -20),
        start_date=add_months(today, -18),
        end_date=add_months(today, 30),
        tender=tender,
    )
    first_sites = contract.obligations.get(clause="CC2", due_date=add_months(today, -6))
    sites = submission_create(
        obligation=first_sites,
        data={"explanation": "The battery cell plant has not yet agreed to disclose its address."},
        upload=SimpleUploadedFile("sites.csv", DEMO_SITES.encode("utf-8"), content_type="text/csv"),
    )
    # The story has the list arrive a week before its deadline (a demo cannot wait for the calendar).
    Submission.objects.filter(pk=sites.pk).update(
        submitted_at=dt.datetime.combine(
            first_sites.due_date - dt.timedelta(days=7), dt.time(9), tzinfo=dt.UTC
        )
    )
    return DemoResult(created=True, login=DEMO_LOGIN, base_url=base_url)
