"""Demo data for the company side: a mineral trader running a responsible-sourcing programme (issue 14).

The story follows the IXM commitment (seeds/002): a trader of copper and cobalt commits to risk-based due diligence
guided by the OECD Minerals Guidance, sets objectives to the programme's last year and six KPIs, assesses its
high-risk suppliers in enhanced due diligence, enrols suppliers lacking the Copper Mark in capacity building,
supports the formalisation of artisanal mining in the DR Congo and runs a child-labour remediation programme with
named partners; it answers an NGO's cobalt assessment with evidence from these records (seeds/000) and invites
business partners to join its programme on a public page. Every company, site, person and figure here is invented
for the demo. Loaded through the services, like a user would, so that every record is audited; idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import organisation_create, user_create
from hrdd.companies.models import Company
from hrdd.companies.services import company_create
from hrdd.incidents.models import Incident
from hrdd.incidents.services import incident_create
from hrdd.programmes import cases, certifications, diligence, ngo
from hrdd.programmes.models import ChildLabourCase, Kpi, Programme
from hrdd.programmes.services import kpi_update, kpi_value_enter, programme_create, programme_update
from hrdd.supplier_sites.models import SiteType
from hrdd.supplier_sites.services import company_group_link, site_create, site_group_create

TRADER = "Kanda Minerals Trading SA"
TRADER_LOGIN = "sourcing@kanda.example"  # a responsible-sourcing manager
TRADER_REVIEWER = "compliance@kanda.example"  # an administrator who reviews the NGO answer
TRADER_VIEWER = "board@kanda.example"  # a viewer: sees the programme, and case counts only

PARTNERS = ("Congo Children Trust", "Centre d'éveil de la Femme", "Child Rights Action Hub DRC")


@dataclass(frozen=True)
class SourcingDemo:
    created: bool
    login: str
    programme: Programme | None


def _supplier(actor: User, name: str, country: str, kind: str = Company.Kind.SUPPLIER) -> Company:
    return company_create(actor=actor, legal_name=name, country_iso3=country, kind=kind)


@transaction.atomic
def load_sourcing_demo(*, password: str, today: dt.date | None = None) -> SourcingDemo:
    """Create the mineral trader, its people and its programme, unless the trader exists."""
    if Organisation.objects.filter(name=TRADER).exists():
        return SourcingDemo(created=False, login=TRADER_LOGIN, programme=None)
    today = today or timezone.localdate()
    first_year = today.year - 2
    last_year = max(2028, today.year + 2)
    trader = organisation_create(name=TRADER, kind=Organisation.Kind.COMPANY)
    manager = user_create(
        email=TRADER_LOGIN,
        password=password,
        organisation=trader,
        role=User.Role.SOURCING_MANAGER,
        first_name="Robin",
        last_name="Mbuyi",
    )
    reviewer = user_create(
        email=TRADER_REVIEWER,
        password=password,
        organisation=trader,
        role=User.Role.ADMIN,
        first_name="Claire",
        last_name="Dubois",
    )
    user_create(email=TRADER_VIEWER, password=password, organisation=trader, role=User.Role.VIEWER)

    # The commitment, objectives and KPIs, from the IXM template, with the targets the trader set.
    programme = programme_create(
        actor=manager,
        template_key="ixm",
        title=f"Responsible mineral supply chains {first_year}-{last_year}",
        start_year=first_year,
        end_year=last_year,
    )
    programme = programme_update(
        actor=manager,
        programme=programme,
        title=programme.title,
        commitment=programme.commitment,
        start_year=first_year,
        end_year=last_year,
        is_public=True,
        join_contact_email="partners@kanda.example",
        join_invitation=(
            "Our child-labour prevention and remediation work in the copper-cobalt mining communities of the "
            "DR Congo is long-term and community-led. One buyer alone changes little: if you buy from the same "
            "region, join us."
        ),
    )
    targets = {
        "employees_trained": (20, {first_year + 2: 60, last_year: 100}),
        "high_risk_suppliers_assessed": (None, {first_year + 2: 80, last_year: 100}),
        "capacity_building_enrolled": (None, {first_year + 2: 3, last_year: 8}),
        "copper_mark_or_equivalent": (None, {first_year + 2: 40, last_year: 75}),
        "incidents_reported": (None, {last_year: 0}),
        "children_supported": (None, {first_year + 2: 10, last_year: 40}),
    }
    kpis = {kpi.key: kpi for kpi in programme.kpis.all()}
    for key, (baseline, by_year) in targets.items():
        kpi = kpis[key]
        kpi_update(
            actor=manager,
            kpi=kpi,
            name=kpi.name,
            description=kpi.description,
            direction=kpi.direction,
            baseline_value=baseline,
            baseline_year=first_year if baseline is not None else None,
            targets={str(year): str(value) for year, value in by_year.items()},
            objective=kpi.objective,
        )
    trained = Kpi.objects.get(pk=kpis["employees_trained"].pk)
    for year, (numerator, note) in {
        first_year: (12, "Training register, first cohort (trading desk and logistics)."),
        first_year + 1: (27, "Training register; e-learning completions exported from the HR system."),
    }.items():
        kpi_value_enter(
            actor=manager,
            kpi=trained,
            year=year,
            numerator=numerator,
            denominator=60,
            evidence_url="https://kanda.example/responsible-sourcing/training-register.pdf",
            evidence_page="Table 2",
            evidence_note=note,
            today=today,
        )

    # Suppliers: what each supplies from where; their tiers follow.
    cooperative = _supplier(manager, "Coopérative Minière Lualaba Nord", "COD")
    processor = _supplier(manager, "Kolwezi Cobalt Processing SARL", "COD")
    zambian = _supplier(manager, "Copperbelt Concentrates Ltd", "ZMB")
    zambian_asm = _supplier(manager, "Solwezi Small Miners Cooperative", "ZMB")
    andean = _supplier(manager, "Refinería Andina SA", "PER", kind=Company.Kind.SMELTER)
    nordic = _supplier(manager, "Pohjola Cobalt Refining Oy", "FIN", kind=Company.Kind.SMELTER)
    group = site_group_create(actor=manager, name="Coopérative Minière Lualaba Nord", country_iso3="COD")
    mine = site_create(
        actor=manager,
        name="Kanina artisanal mining site",
        city="Kolwezi",
        country_iso3="COD",
        site_type=SiteType.MINE,
        is_artisanal=True,
        operator=group,
    )
    company_group_link(actor=manager, company=cooperative, group=group)
    links = [
        (cooperative, "cobalt", "COD", "Lualaba", True, mine),
        (cooperative, "copper", "COD", "Lualaba", True, None),
        (processor, "cobalt", "COD", "Lualaba", False, None),
        (zambian, "copper", "ZMB", "Copperbelt", False, None),
        (zambian_asm, "copper", "ZMB", "North-Western", True, None),
        (andean, "copper", "PER", "", False, None),
        (nordic, "cobalt", "FIN", "", False, None),
    ]
    for company, material, country, region, asm, site in links:
        diligence.sourcing_link_add(
            actor=manager,
            company=company,
            material=material,
            country_iso3=country,
            region=region,
            is_asm=asm,
            site=site,
            source="Supplier's know-your-counterparty file",
        )

    # Enhanced due diligence of the high-risk suppliers: the cooperative assessed this year, with gaps to close.
    assessment = diligence.assessment_start(
        actor=manager, company=cooperative, stage="during", assessed_on=today - dt.timedelta(days=75)
    )
    assessment = diligence.assessment_save(
        actor=manager,
        assessment=assessment,
        answers={
            "policy": "general",
            "management": "part_time",
            "traceability": ["suppliers_known", "origin_documented"],
            "grievance": "none",
            "red_flags": "ad_hoc",
            "on_the_ground": "field",
            "annex_ii_risks": ["serious_abuses", "security_forces"],
            "reporting_up": "yes",
            "risk_plan": "informal",
            "stakeholders": "yes",
            "audit": "none",
            "public_report": "no",
        },
        notes={"grievance": "Workers said they take concerns to the site's chef de chantier only."},
        complete=True,
    )
    for index, gap in enumerate(assessment.gaps.order_by("id")):
        diligence.gap_update(
            actor=manager,
            gap=gap,
            strategy="Agreed in the supplier's corrective action plan, followed up at each visit.",
            owner="Robin Mbuyi (Kanda) with the cooperative's president",
            # the first one is late: it shows on the overview
            deadline=today - dt.timedelta(days=10)
            if index == 0
            else today + dt.timedelta(days=60 + 30 * index),
            status="in_progress",
        )
    # The processor was assessed more than a year ago: due again.
    older = diligence.assessment_start(
        actor=manager, company=processor, stage="before", assessed_on=today - dt.timedelta(days=420)
    )
    diligence.assessment_save(
        actor=manager,
        assessment=older,
        answers={
            "policy": "annex_ii",
            "management": "senior",
            "traceability": ["suppliers_known", "origin_documented", "smelters_known"],
            "grievance": "internal",
            "red_flags": "systematic",
            "on_the_ground": "desk",
            "annex_ii_risks": ["serious_abuses", "armed_groups", "security_forces", "bribery"],
            "reporting_up": "yes",
            "risk_plan": "measurable",
            "stakeholders": "no",
            "audit": "some",
            "public_report": "partial",
        },
        complete=True,
    )
    # Capacity building towards the Copper Mark for the two artisanal cooperatives.
    for company, enrolled in ((cooperative, 300), (zambian_asm, 120)):
        enrolment = diligence.enrolment_create(
            actor=manager,
            company=company,
            goal=f"Copper Mark by {last_year - 1}",
            enrolled_on=today - dt.timedelta(days=enrolled),
            programme=programme,
        )
        # the Copper Mark's order: a letter of commitment, then the self-assessment, then the site assessment
        letter = diligence.milestone_add(
            actor=manager,
            enrolment=enrolment,
            title="Letter of commitment to the Copper Mark signed",
            due_on=today - dt.timedelta(days=enrolled - 60),
        )
        if company is cooperative:  # the cooperative signed; the Zambian one is late
            diligence.milestone_update(
                actor=manager,
                milestone=letter,
                title=letter.title,
                due_on=letter.due_on,
                done_on=letter.due_on - dt.timedelta(days=5),
                evidence="Signed letter, filed with the enrolment",
            )
        diligence.milestone_add(
            actor=manager,
            enrolment=enrolment,
            title="Self-assessment against the Copper Mark criteria",
            due_on=today + dt.timedelta(days=45 if company is cooperative else 120),
        )

    # Certifications and ratings.
    for values in (
        {"company": zambian, "scheme": "copper_mark", "status": "awarded", "days": (-900, 60)},
        {"company": andean, "scheme": "copper_mark", "status": "awarded", "days": (-400, 700)},
        {"company": nordic, "scheme": "rmi_rmap", "status": "conformant", "days": (-200, 530)},
        {"company": processor, "scheme": "copper_mark", "status": "in_progress", "days": (-100, None)},
        {
            "company": processor,
            "scheme": "ecovadis",
            "status": "rated",
            "level": "gold",
            "score": 62,
            "days": (-150, 215),
        },
    ):
        start, end = values.pop("days")
        certifications.certification_create(
            actor=manager,
            valid_from=today + dt.timedelta(days=start),
            valid_until=today + dt.timedelta(days=end) if end is not None else None,
            evidence_url="https://kanda.example/suppliers/certificates",
            **values,
        )

    # The child-labour remediation programme: cases with the three partners, known by reference only.
    supports = (
        ["schooling", "family_livelihood"],
        ["schooling", "health_care"],
        ["vocational_training", "family_livelihood"],
        ["schooling", "psychosocial"],
        ["schooling", "birth_registration", "nutrition"],
        ["vocational_training"],
        ["schooling"],
    )
    for number, support in enumerate(supports, start=1):
        identified = today - dt.timedelta(days=500 - 60 * number)
        supported = number <= 6
        cases.case_create(
            actor=manager,
            reference=f"KOL-{identified.year}-{number:03d}",
            site=mine,
            age_band="under_15" if number % 3 else "15_17",
            identified_on=identified,
            remediation_partner=PARTNERS[number % 3],
            support=support,
            status="supported" if supported else "referred",
            supported_on=identified + dt.timedelta(days=30) if supported else None,
            next_follow_up=today + dt.timedelta(days=20 + number),
            identity_notes="Known to the partner's case worker; file kept at the partner's office.",
        )
    # one follow-up is late (the service takes future dates only, as a user would set them)
    ChildLabourCase.objects.filter(organisation=trader, reference__endswith="-001").update(
        next_follow_up=today - dt.timedelta(days=5)
    )

    # An incident reported in the supply chain last year.
    incident = incident_create(
        actor=manager,
        title="Children seen carrying ore bags at an artisanal site",
        source="ngo",
        company=cooperative,
        category="child_labour",
        description="A local NGO's monitors reported children carrying bags of ore on the site in the dry season.",
        occurred_on=dt.date(today.year - 1, 8, 14),
        notify=False,
    )
    Incident.objects.filter(pk=incident.pk).update(
        created_at=dt.datetime(today.year - 1, 8, 20, 9, tzinfo=dt.UTC)
    )

    # The answer to an NGO's cobalt assessment, with evidence from these records, waiting for final review.
    response = ngo.ngo_response_create(
        actor=manager,
        framework_key="amnesty-2017-cobalt",
        title="Our answer to the cobalt due-diligence assessment",
        addressee="Business and Human Rights team\nAmnesty International\nLondon, United Kingdom",
        reference=f"BHR/{today.year}/017",
        received_on=today - dt.timedelta(days=20),
        respond_by=today + dt.timedelta(days=14),
        introduction=(
            "Thank you for your assessment of our cobalt due diligence. Below we answer each criterion and cite "
            "the records behind each statement."
        ),
        signatory="Claire Dubois, Head of Compliance",
    )
    programme_kpis = {kpi.key: kpi for kpi in programme.kpis.all()}
    answers = {
        "supply-links": (
            "Yes. We know every supplier of cobalt we buy from in the DR Congo and what it supplies from which "
            "province; each is tiered by risk, and the high-risk ones are assessed against the five OECD steps.",
            [("kpi", programme_kpis["high_risk_suppliers_assessed"])],
        ),
        "mapping-risks": (
            "Yes. Our suppliers' sourcing is recorded down to the mining site where known, including the artisanal "
            "sites, and the risks found are followed in each supplier's corrective action plan.",
            [("kpi", programme_kpis["capacity_building_enrolled"])],
        ),
        "remediation": (
            "Children found working at sites in our supply chain are referred to our remediation partners, who "
            "support them and their families with schooling, training and livelihood support.",
            [("kpi", programme_kpis["children_supported"])],
        ),
    }
    for key, (text, evidence) in answers.items():
        answer = ngo.ngo_answer_save(
            actor=manager, response=response, criterion_key=key, text=text, version=None
        )
        for kind, kpi in evidence:
            ngo.ngo_evidence_add(actor=manager, answer=answer, kind=kind, kpi=kpi, period_end=today)
        answer.refresh_from_db()
        ngo.ngo_answer_rate(
            actor=reviewer,
            answer=answer,
            rating="adequate",
            note="Backed by the records cited.",
        )
    ngo.ngo_response_transition(actor=manager, response=response, status="in_review")
    return SourcingDemo(created=True, login=TRADER_LOGIN, programme=programme)
