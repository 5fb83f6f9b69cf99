"""Demo data that tells a story: a municipality consulting the notebook market before a tender.

Eight suppliers (brands and resellers) answered with varied maturity, so the dashboard shows scores, warnings,
a distribution and a recommendation at once; the buyer has saved a risk assessment of notebooks and built the
tender annex of the recommended scenario, with four bids evaluated. Loading is idempotent.

The dates tell the story in order, counted back from the award (20 months before the day the demo is loaded):
the procurement opens and the risks are assessed 9 months before it, the consultation runs from 8 to 6 months
before it, the tender is built 5 months before and its bids evaluated a month before; the four-year contract
starts two months after the award, and every title names the contract's years.
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
from hrdd.consultations.models import Consultation, Invitation
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
from hrdd.risks.models import ProductRiskAssessment
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.models import BidEvaluation, Tender
from hrdd.tenders.services import bid_evaluation_create, tender_create

DEMO_ORGANISATION = "Municipality of Exampleton"
DEMO_LOGIN = "buyer@exampleton.example"
DEMO_ADMIN = "admin@exampleton.example"  # invites colleagues, changes roles (Members)
DEMO_CONTRACT_MANAGER = "contracts@exampleton.example"
DEMO_PARTNER = "Province of Sampleshire"  # a neighbour that co-owns the notebook consultation (issue 16)
DEMO_PARTNER_LOGIN = "buyer@sampleshire.example"
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
class DemoTimeline:
    """The days of the demo's story, in the order they happened."""

    procurement_opened: dt.date
    consultation_opened: dt.date
    consultation_deadline: dt.date
    tender_built: dt.date
    bids_evaluated: dt.date
    award: dt.date
    start: dt.date
    end: dt.date

    @property
    def years(self) -> str:
        """The contract's years, as its titles name them (e.g. "2025-2029")."""
        return f"{self.start.year}-{self.end.year}"


def demo_timeline(today: dt.date) -> DemoTimeline:
    """The story's days for a demo loaded on `today`: a contract awarded 20 months ago, running four years."""
    award = add_months(today, -20)
    start = add_months(award, 2)
    return DemoTimeline(
        procurement_opened=add_months(award, -9),
        consultation_opened=add_months(award, -8),
        consultation_deadline=add_months(award, -6),
        tender_built=add_months(award, -5),
        bids_evaluated=add_months(award, -1),
        award=award,
        start=start,
        end=add_months(start, 48),
    )


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


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
    when = demo_timeline(timezone.localdate())
    title = f"Notebooks for municipal staff {when.years}"
    buyer_org = organisation_create(name=DEMO_ORGANISATION, kind=Organisation.Kind.PUBLIC_BUYER)
    user_create(
        email=DEMO_ADMIN,
        password=DEMO_PASSWORD,
        organisation=buyer_org,
        role=User.Role.ADMIN,
        first_name="Alex",
        last_name="Admin",
    )
    buyer = user_create(
        email=DEMO_LOGIN,
        password=DEMO_PASSWORD,
        organisation=buyer_org,
        role=User.Role.PROCUREMENT_OFFICER,
        first_name="Sam",
        last_name="Buyer",
    )
    user_create(
        email=DEMO_CONTRACT_MANAGER,
        password=DEMO_PASSWORD,
        organisation=buyer_org,
        role=User.Role.CONTRACT_MANAGER,
    )
    # The purchase every step belongs to.
    procurement = procurement_create(
        actor=buyer,
        title=title,
        product_category="notebook",
        reference=f"EXT-{when.procurement_opened.year}-014",
    )
    # created with a deadline ahead (as a buyer would), then dated back into the story below
    consultation = consultation_create(
        actor=buyer,
        title=title,
        product_category="notebook",
        deadline=timezone.localdate() + dt.timedelta(days=21),
        procurement=procurement,
    )
    for company, email, role, answers in DEMO_RESPONSES:
        invitation = invitation_create(actor=buyer, consultation=consultation, email=email, send=False)
        invitation_submit(invitation=invitation, raw={"company": company, "role": role, "answers": answers})
    invitation_create(
        actor=buyer, consultation=consultation, email="contact@late-supplier.example", send=False
    )
    _co_own(buyer, consultation)
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
        title=f"{title}: human-rights annex",
        scenario=bids["scenario"],
        weights=bids["weights"],
        consultation=consultation,
        risk_assessment=risks,
    )
    evaluation, _evaluated = bid_evaluation_create(actor=buyer, tender=tender, bids=bids["bids"])
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
    contract = contract_create(
        actor=buyer,
        title=title,
        supplier_name="Lumen Computers",
        supplier_email="sustainability@lumen.example",
        award_date=when.award,
        start_date=when.start,
        end_date=when.end,
        tender=tender,
    )
    first_sites = contract.obligations.filter(clause="CC2").earliest("due_date")  # the first anniversary
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
    _date_the_story(when, procurement, consultation, risks, tender, evaluation, contract)
    return DemoResult(created=True, login=DEMO_LOGIN, base_url=base_url)


def _date_the_story(
    when: DemoTimeline,
    procurement: Procurement,
    consultation: Consultation,
    risks: ProductRiskAssessment,
    tender: Tender,
    evaluation: BidEvaluation,
    contract: Contract,
) -> None:
    """Give the records the days of the story (a demo cannot wait for the calendar): each step after the one
    before, the answers in before the consultation's deadline. The audit log keeps the day the demo was loaded."""
    opened = _at(when.procurement_opened)
    Procurement.objects.filter(pk=procurement.pk).update(created_at=opened, updated_at=opened)
    ProductRiskAssessment.objects.filter(pk=risks.pk).update(
        created_at=_at(when.procurement_opened, 14), updated_at=_at(when.procurement_opened, 14)
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        created_at=_at(when.consultation_opened), deadline=when.consultation_deadline
    )
    invitations = consultation.invitations.order_by("pk")
    invitations.update(
        created_at=_at(when.consultation_opened, 11), updated_at=_at(when.consultation_opened, 11)
    )
    for days, invitation in enumerate(invitations.filter(status=Invitation.Status.SUBMITTED), start=10):
        answered = _at(when.consultation_opened + dt.timedelta(days=days), 15)
        Invitation.objects.filter(pk=invitation.pk).update(submitted_at=answered, updated_at=answered)
    Tender.objects.filter(pk=tender.pk).update(
        created_at=_at(when.tender_built), updated_at=_at(when.tender_built)
    )
    BidEvaluation.objects.filter(pk=evaluation.pk).update(created_at=_at(when.bids_evaluated))
    Contract.objects.filter(pk=contract.pk).update(created_at=_at(when.award))


# --- Scale: many contracts, for the load benchmark (`hrdd demo --scale N`, benchmarks/load/) ---------------------

SCALE_TITLE = (
    "[scale {number:05d}] "  # every scale contract of the demo organisation starts so: numbers go on
)
SCALE_BUYER = "Scale buyer "  # the further buyer organisations: "Scale buyer 0001", ...
SCALE_CONTRACTS_PER_BUYER = 10
LARGE_SITE_LIST = 5000  # rows of a large demo site list (hrdd.contracts.sitelists.MAX_ROWS allows 20,000)
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
# A supplier's annual due-diligence report (CC2-CC4): the five elements of award criterion 7; the partial one
# leaves out the monitoring of high-risk suppliers, so some contracts show a report that falls short.
_REPORT_PARTS = (
    "Annual report on our human-rights due diligence for the products supplied under the contract.",
    "Policy. Our human rights policy and our supplier code of conduct apply to every tier of the supply chain of "
    "the notebooks we deliver; both were updated in March.",
    "Identifying and prioritising risks. Each year we carry out a risk assessment of the supply chain of the "
    "products supplied: we map our component suppliers and the smelters behind them, and we prioritise the risks "
    "of forced labour in component factories and of child labour in cobalt mining by severity and likelihood.",
    "Monitoring high-risk suppliers. We monitor the two high-risk suppliers through unannounced audits and worker "
    "interviews, and we track their corrective action plans every quarter.",
    "Mitigating actions. Where audits found excessive overtime at a battery plant, we agreed a corrective action "
    "plan with the supplier and paid for the training of its line managers; recruitment fees paid by migrant "
    "workers were reimbursed.",
    "Reporting. We publish our due diligence report on our website each year and report progress to the "
    "contracting authority.",
)
_REPORT_TEXTS = ("\n\n".join(_REPORT_PARTS), "\n\n".join(p for i, p in enumerate(_REPORT_PARTS) if i != 3))
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


def _co_own(owner: User, consultation: Consultation) -> None:
    """A neighbouring province runs the notebook consultation with the municipality (CFIT manual, Lesson 6):
    invited, accepted, and both want scenario 2. It sees the answers submitted after it joined (none yet)."""
    from hrdd.consultations.joint import co_owner_accept, co_owners_invite, scenario_choose

    partner_org = organisation_create(name=DEMO_PARTNER, kind=Organisation.Kind.PUBLIC_BUYER)
    partner = user_create(
        email=DEMO_PARTNER_LOGIN,
        password=DEMO_PASSWORD,
        organisation=partner_org,
        role=User.Role.PROCUREMENT_OFFICER,
        first_name="Robin",
        last_name="Partner",
    )
    (row,) = co_owners_invite(actor=owner, consultation=consultation, organisations=[partner_org])
    co_owner_accept(actor=partner, row=row)
    scenario_choose(actor=owner, consultation=consultation, scenario=2, note="The market's recommendation.")
    scenario_choose(actor=partner, consultation=consultation, scenario=2)


def load_scale(
    n: int,
    *,
    seed: int = 2025,
    large_sites: int = LARGE_SITE_LIST,
    large_every: int = LARGE_EVERY,
    buyers: int | None = None,
    contracts_per_buyer: int = SCALE_CONTRACTS_PER_BUYER,
    invitations: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> ScaleResult:
    """Add `n` contracts to the demo organisation and `buyers` further buyer organisations (n/10 unless given)
    with `contracts_per_buyer` contracts each (10 unless given).

    Everything goes through the services (procurements, companies through contract_create, contracts,
    submissions, site lists through the background task's path, information requests), so the records are those
    a real installation would hold. The same seed on the same database adds the same records; running it again
    adds more (titles and organisation names are numbered on from what exists). Scale contracts number 1,
    1 + `large_every`, 1 + 2 x `large_every`, ... of the demo organisation (1, 1,001, 2,001, ... by default: one
    in the first thousand, two in 2,000) get a site list of `large_sites` rows, the others small ones. With
    `invitations`, each further buyer also runs a consultation open for another month or so with that many
    suppliers invited (at most 32; links not e-mailed, no answers yet), for the load benchmark's invitees.
    `progress(done, total)` is told about every contract. The demo itself is loaded first when missing.
    """
    if n < 0:
        raise InputError(_("The scale is a number of contracts, 0 or more."), field="--scale")
    if large_every < 1 or contracts_per_buyer < 0 or invitations < 0 or (buyers is not None and buyers < 0):
        raise ValueError("load_scale: large_every is 1 or more; buyers, contracts and invitations 0 or more")
    load_demo()
    demo_org = Organisation.objects.get(name=DEMO_ORGANISATION)
    demo_buyer = User.objects.get(email=DEMO_LOGIN)
    first_number = Contract.objects.filter(organisation=demo_org, title__startswith="[scale ").count() + 1
    first_buyer = Organisation.objects.filter(name__startswith=SCALE_BUYER).count() + 1
    rng = random.Random(f"hrdd-scale:{seed}:{first_number}:{first_buyer}")
    buyers = n // 10 if buyers is None else buyers
    total = n + buyers * contracts_per_buyer
    added = _Added()
    done = 0
    # The suppliers are fictitious (.example addresses): a seeding run sends no e-mail, whatever the settings.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        suppliers = rng.sample(_SUPPLIER_NAMES, 12)
        procurement, award = None, None
        for i in range(n):
            if i % 4 == 0:  # four lots per procurement, awarded together
                procurement, award = _scale_procurement(demo_buyer, rng, f"[scale {first_number + i:05d}+] ")
            _scale_contract(
                demo_buyer,
                rng,
                title=SCALE_TITLE.format(number=first_number + i),
                supplier=rng.choice(suppliers),
                procurement=procurement,
                award=award,
                large_sites=large_sites if (first_number + i - 1) % large_every == 0 else 0,
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
            if invitations:
                _scale_consultation(buyer, rng, number=k, invitations=invitations)
            for j in range(contracts_per_buyer):
                if j % 5 == 0:
                    procurement, award = _scale_procurement(buyer, rng, f"[scale {k:04d}/{j + 1:02d}+] ")
                _scale_contract(
                    buyer,
                    rng,
                    title=f"[scale {k:04d}/{j + 1:02d}] ",
                    supplier=rng.choice(suppliers),
                    procurement=procurement,
                    award=award,
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


def _scale_consultation(actor: User, rng: random.Random, *, number: int, invitations: int) -> Consultation:
    """A consultation open for another month with `invitations` suppliers invited (not e-mailed) and no answers."""
    product, product_title = rng.choice(product_category_choices())
    consultation = consultation_create(
        actor=actor,
        title=f"[scale {number:04d}] {product_title}",
        product_category=product,
        deadline=timezone.localdate() + dt.timedelta(days=rng.randint(21, 45)),
    )
    for name in rng.sample(_SUPPLIER_NAMES, min(invitations, len(_SUPPLIER_NAMES))):
        invitation_create(
            actor=actor,
            consultation=consultation,
            email=f"answers@{name.lower().replace(' ', '-')}.example",
            company=name,
            send=False,
        )
    return consultation


def _scale_procurement(actor: User, rng: random.Random, prefix: str) -> tuple[Procurement, dt.date]:
    """A procurement and the day its lots are awarded: its title names the year of that award."""
    award = timezone.localdate() - dt.timedelta(days=rng.randint(60, 1300))
    product, product_title = rng.choice(product_category_choices())
    procurement = procurement_create(
        actor=actor,
        title=f"{prefix}{product_title} {award.year}",
        product_category=product,
        reference=f"SC-{award.year}-{rng.randint(1000, 9999)}",
    )
    return procurement, award


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
    award: dt.date | None,
    large_sites: int,
    added: _Added,
) -> Contract:
    today = timezone.localdate()
    assert award is not None
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
            upload=SimpleUploadedFile("report.txt", rng.choice(_REPORT_TEXTS).encode(), "text/plain"),
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
