"""Demo data that tells a story: a municipality consulting the notebook market before a tender.

Eight suppliers (brands and resellers) answered with varied maturity, so the dashboard shows scores, warnings,
a distribution and a recommendation at once; the buyer has saved a risk assessment of notebooks and built the
tender annex of the recommended scenario, with four bids evaluated. Loading is idempotent.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import organisation_create, user_create
from hrdd.companies.services import company_create, company_resolve, company_update
from hrdd.consultations.services import consultation_create, invitation_create, invitation_submit
from hrdd.contracts.models import Contract, Obligation, Submission
from hrdd.contracts.services import (
    contract_create,
    information_request_answer,
    information_request_create,
    site_list_accept,
    submission_create,
    takes_site_list,
)
from hrdd.contracts.verdicts import obligation_verdict_refresh
from hrdd.core import links
from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import task_run_here
from hrdd.domain.contracts import add_months
from hrdd.domain.risk import Adjustments
from hrdd.procurements.models import Procurement, product_category_choices
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
    obligation_verdict_refresh(obligation=first_sites)  # its timeliness counts from the date set above
    return DemoResult(created=True, login=DEMO_LOGIN, base_url=base_url)


# --- Scale: many contracts, for the load benchmark (`hrdd demo --scale N`, benchmarks/load/) ---------------------

SCALE_TITLE = (
    "[scale {number:05d}] "  # every scale contract of the demo organisation starts so: numbers go on
)
SCALE_BUYER = "Scale buyer "  # the further buyer organisations: "Scale buyer 0001", ...
SCALE_CONTRACTS_PER_BUYER = 10
LARGE_SITE_LIST = 5000  # the most rows a site list may have (hrdd.contracts.sitelists.MAX_ROWS)
LARGE_EVERY = 1000  # one large site list per thousand contracts of the demo organisation

_SUPPLIER_NAMES = [
    f"{first} {second}"
    for first in ("Aurora", "Boreal", "Cobalt Bay", "Delta", "Equinox", "Fjord", "Granite", "Harbour")
    for second in ("Computers", "Devices", "IT Services", "Electronics")
]
_SUPPLIER_COUNTRIES = ("NLD", "DEU", "BEL", "FRA", "SWE", "DNK", "IRL", "ESP", "ITA", "POL", "GBR", "USA")
_SITE_COUNTRIES = ("CHN", "MYS", "VNM", "TWN", "KOR", "THA", "MEX", "CZE", "HUN", "IDN", "PHL", "IND", "COD")
_SITE_TYPES = ("final assembly", "component", "component manufacturing", "smelter", "mine", "refining")
_SITE_PRODUCTS = (
    "notebooks",
    "displays",
    "lithium-ion cells",
    "printed circuit boards",
    "tin",
    "cobalt",
    "casings",
)
_RISK_ASSESSMENT_TEXT = """Risk assessment of the products supplied under the contract.
Components: battery, display, printed circuit board, casing.
Raw materials: cobalt, lithium, tin, tantalum, gold, aluminium.
Sourcing countries: Democratic Republic of the Congo, China, Indonesia, Malaysia.
Key risks: child labour in artisanal cobalt mining, forced labour, unsafe working conditions.
"""
_QUESTIONS = (
    "Which of the listed sites were audited this year, and by whom?",
    "Please explain why the addresses of some sites are missing.",
    "How were workers' representatives involved in the corrective actions?",
    "Which smelters supply the tin in the main boards?",
)


@dataclass(frozen=True)
class ScaleResult:
    """What one scale run added."""

    contracts: int
    organisations: int
    submissions: int
    sites: int
    requests: int


@dataclass
class _Added:
    contracts: int = 0
    submissions: int = 0
    sites: int = 0
    requests: int = 0


def load_scale(
    n: int,
    *,
    seed: int = 2025,
    large_sites: int = LARGE_SITE_LIST,
    progress: Callable[[int, int], None] | None = None,
) -> ScaleResult:
    """Add `n` contracts to the demo organisation and n/10 further buyer organisations with 10 contracts each.

    Everything goes through the services (procurements, companies through contract_create, contracts,
    submissions, site lists through the background task's path, information requests), so the records are those
    a real installation would hold. The same seed on the same database adds the same records; running it again
    adds more (titles and organisation names are numbered on from what exists). Scale contracts number 1, 1,001,
    2,001, ... of the demo organisation get a site list of `large_sites` rows (one in the first thousand, two in
    2,000), the others small ones. `progress(done, total)` is told about every contract. The demo itself is
    loaded first when missing.
    """
    if n < 0:
        raise InputError(_("The scale is a number of contracts, 0 or more."), field="--scale")
    load_demo()
    demo_org = Organisation.objects.get(name=DEMO_ORGANISATION)
    demo_buyer = User.objects.get(email=DEMO_LOGIN)
    first_number = Contract.objects.filter(organisation=demo_org, title__startswith="[scale ").count() + 1
    first_buyer = Organisation.objects.filter(name__startswith=SCALE_BUYER).count() + 1
    rng = random.Random(f"hrdd-scale:{seed}:{first_number}:{first_buyer}")
    buyers = n // 10
    total = n + buyers * SCALE_CONTRACTS_PER_BUYER
    added = _Added()
    done = 0
    # The suppliers are fictitious (.example addresses): a seeding run sends no e-mail, whatever the settings.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        suppliers = rng.sample(_SUPPLIER_NAMES, 12)
        procurement = None
        for i in range(n):
            if i % 4 == 0:  # four lots per procurement
                procurement = _scale_procurement(demo_buyer, rng, f"[scale {first_number + i:05d}+] ")
            _scale_contract(
                demo_buyer,
                rng,
                title=SCALE_TITLE.format(number=first_number + i),
                supplier=rng.choice(suppliers),
                procurement=procurement,
                large_sites=large_sites if (first_number + i) % LARGE_EVERY == 1 else 0,
                added=added,
            )
            done += 1
            if progress is not None:
                progress(done, total)
        for k in range(first_buyer, first_buyer + buyers):
            organisation = organisation_create(
                name=f"{SCALE_BUYER}{k:04d}", kind=Organisation.Kind.PUBLIC_BUYER
            )
            buyer = user_create(
                email=f"buyer@scale-{k:04d}.example",
                password=DEMO_PASSWORD,
                organisation=organisation,
                role=User.Role.PROCUREMENT_OFFICER,
            )
            suppliers = rng.sample(_SUPPLIER_NAMES, 4)
            for j in range(SCALE_CONTRACTS_PER_BUYER):
                if j % 5 == 0:
                    procurement = _scale_procurement(buyer, rng, f"[scale {k:04d}/{j + 1:02d}+] ")
                _scale_contract(
                    buyer,
                    rng,
                    title=f"[scale {k:04d}/{j + 1:02d}] ",
                    supplier=rng.choice(suppliers),
                    procurement=procurement,
                    large_sites=0,
                    added=added,
                )
                done += 1
                if progress is not None:
                    progress(done, total)
    return ScaleResult(
        contracts=added.contracts,
        organisations=buyers,
        submissions=added.submissions,
        sites=added.sites,
        requests=added.requests,
    )


def _scale_procurement(actor: User, rng: random.Random, prefix: str) -> Procurement:
    product, product_title = rng.choice(product_category_choices())
    return procurement_create(
        actor=actor,
        title=f"{prefix}{product_title} {rng.randint(2024, 2028)}",
        product_category=product,
        reference=f"SC-{rng.randint(1000, 9999)}",
    )


def _supplier_country(name: str) -> str:
    """One country per supplier name, the same in every run (the same name and country is the same company)."""
    return _SUPPLIER_COUNTRIES[_SUPPLIER_NAMES.index(name) % len(_SUPPLIER_COUNTRIES)]


@transaction.atomic  # one contract with all it holds, or nothing of it
def _scale_contract(
    actor: User,
    rng: random.Random,
    *,
    title: str,
    supplier: str,
    procurement: Procurement | None,
    large_sites: int,
    added: _Added,
) -> Contract:
    today = timezone.localdate()
    award = today - dt.timedelta(days=rng.randint(60, 1300))
    start = award + dt.timedelta(days=rng.randint(14, 75))
    # a large list needs clause CC2 (the site list), which scenarios 2 and 3 have
    scenario = 2 if large_sites else rng.choices((1, 2, 3), weights=(2, 5, 3))[0]
    assert procurement is not None
    contract = contract_create(
        actor=actor,
        title=f"{title}{procurement.get_product_category_display() or 'ICT hardware'} from {supplier}",
        supplier_name=supplier,
        supplier_country=_supplier_country(supplier),
        supplier_email=f"reports@{supplier.lower().replace(' ', '-')}.example",
        award_date=award,
        start_date=start,
        end_date=add_months(start, rng.choice((24, 36, 48))),
        scenario=scenario,
        procurement=procurement,
    )
    added.contracts += 1
    obligations = list(contract.obligations.all())
    past_due = [o for o in obligations if o.due_date <= today]
    # A submission or two: the earliest obligations past their deadline, else the first one early.
    chosen = past_due[: rng.choice((1, 2))] or obligations[:1]
    if large_sites:
        chosen = [o for o in obligations if o.clause == "CC2"][:1]
    for obligation in chosen:
        submission = _scale_submission(obligation, rng, rows=large_sites or rng.randint(3, 40), today=today)
        added.submissions += 1
        added.sites += submission.sites.count()
    if chosen and rng.random() < 0.25:
        request = information_request_create(
            actor=actor,
            obligation=chosen[0],
            question=rng.choice(_QUESTIONS),
            due_on=today + dt.timedelta(days=rng.randint(7, 30)),
        )
        added.requests += 1
        if rng.random() < 0.5:
            information_request_answer(request=request, answer="See the updated list attached to our report.")
    return contract


def _scale_submission(obligation: Obligation, rng: random.Random, *, rows: int, today: dt.date) -> Submission:
    clause = obligation.clause
    if takes_site_list(obligation):
        # the path of a supplier's upload on its page: accepted at once, its rows read by the background task
        run = site_list_accept(
            obligation=obligation,
            data={"explanation": "Two component plants have not yet agreed to disclose their addresses."},
            upload=SimpleUploadedFile("sites.csv", _site_list_csv(rng, rows), content_type="text/csv"),
            enqueue=False,
        )
        run = task_run_here(run)
        if run.status != TaskRun.Status.DONE:
            raise RuntimeError(f"the scale's site list was refused: {run.error}")
        submission = obligation.submissions.order_by("-version").first()
        assert submission is not None
    elif clause == "CC1":
        submission = submission_create(
            obligation=obligation,
            data={},
            upload=SimpleUploadedFile("risk-assessment.txt", _RISK_ASSESSMENT_TEXT.encode(), "text/plain"),
        )
    else:
        submission = submission_create(
            obligation=obligation,
            data={
                "actions_count": str(rng.randint(0, 12)),
                "processes": "Supplier audits twice a year; a grievance mechanism open to workers.",
                "stakeholder_evidence": rng.choice(("", "Minutes of meetings with two unions.")),
            },
            upload=SimpleUploadedFile("report.txt", f"Annual report on {clause}.".encode(), "text/plain"),
        )
    # Reports arrive around their deadline, some late (a seeding run cannot wait for the calendar).
    sent = min(obligation.due_date + dt.timedelta(days=rng.randint(-30, 20)), today)
    Submission.objects.filter(pk=submission.pk).update(
        submitted_at=dt.datetime.combine(sent, dt.time(rng.randint(7, 18)), tzinfo=dt.UTC)
    )
    obligation_verdict_refresh(obligation=obligation)  # its timeliness counts from the date set above
    return submission


def _site_list_csv(rng: random.Random, rows: int) -> bytes:
    lines = ["name,address,country,site_type,products"]
    for row in range(1, rows + 1):
        country = rng.choice(_SITE_COUNTRIES)
        # about one site in ten without its address, as real lists have
        address = "" if rng.random() < 0.1 else f"{rng.randint(1, 400)} Industrial Road {row}, {country}"
        lines.append(
            f"Site {row:05d} {country},{address},{country},{rng.choice(_SITE_TYPES)},{rng.choice(_SITE_PRODUCTS)}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")
