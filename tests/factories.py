"""Factories for every model, and the fixed cast of test users."""

import datetime as dt

import factory

from hrdd.accounts.models import MemberInvitation, Membership, Organisation, OrganisationGroup, Share, User
from hrdd.companies.models import Company
from hrdd.consultations.models import Consultation, CoOwner, Invitation, ResponseVerdict, ScenarioChoice
from hrdd.contracts.models import (
    CalendarBody,
    CalendarFeed,
    Contract,
    ContractsVersion,
    InformationRequest,
    Obligation,
    ProductionSite,
    ReminderSent,
    Submission,
)
from hrdd.core.models import FormSubmission, TaskRun
from hrdd.domain.companies import normalise_company_name
from hrdd.incidents.models import (
    ExposureSharing,
    ExposureSweep,
    GrievanceChannel,
    Incident,
    IntakeAttempt,
    Notice,
    RemediationStep,
    StatusChange,
    StepProgress,
)
from hrdd.procurements.models import Procurement
from hrdd.profiles.models import ProfileShare, ProfileVersion, SupplierProfile
from hrdd.programmes.models import (
    CaseFollowUp,
    Certification,
    ChildLabourCase,
    DiligenceAssessment,
    Enrolment,
    Gap,
    JoinRequest,
    Kpi,
    KpiValue,
    Milestone,
    NgoAnswer,
    NgoEvidence,
    NgoResponse,
    Objective,
    Programme,
    SourcingLink,
    SupplierTier,
)
from hrdd.risks.models import KnowledgeEdition, ProductRiskAssessment
from hrdd.rmi.models import (
    Campaign,
    ConsolidatedSmelter,
    Facility,
    FacilityList,
    SupplierRequest,
    Upload,
    UploadSmelter,
)
from hrdd.supplier_sites.models import (
    CompanyGroupLink,
    MatchDecision,
    MatchParameters,
    Site,
    SiteGroup,
    SiteImport,
    SiteMention,
    SiteMerge,
)
from hrdd.tenders.models import Bid, BidDraft, BidEvaluation, BidFile, Tender

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.PUBLIC_BUYER


class UserFactory(factory.django.DjangoModelFactory):
    """A user working in `organisation`, with `role` there (their one membership)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        role = User.Role.PROCUREMENT_OFFICER

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)
    membership = factory.RelatedFactory(
        "tests.factories.MembershipFactory",
        factory_related_name="user",
        organisation=factory.SelfAttribute("..organisation"),
        role=factory.SelfAttribute("..role"),
    )

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, membership=None)
    organisation = factory.SubFactory(OrganisationFactory)
    role = User.Role.VIEWER


class OrganisationGroupFactory(factory.django.DjangoModelFactory):
    """A group of organisations (e.g. the buyers of a central purchasing body); add members with .members.add."""

    class Meta:
        model = OrganisationGroup

    name = factory.Sequence(lambda n: f"Buyers' group {n}")
    owner = factory.SubFactory(OrganisationFactory)


class ShareFactory(factory.django.DjangoModelFactory):
    """A company of one organisation shared, read-only, with another (give `record` to share another one)."""

    class Meta:
        model = Share

    class Params:
        record = factory.SubFactory("tests.factories.CompanyFactory")

    record_type = factory.LazyAttribute(lambda o: o.record._meta.label_lower)
    record_id = factory.SelfAttribute("record.pk")
    record_public_id = factory.SelfAttribute("record.public_id")
    owner = factory.SelfAttribute("record.organisation")
    grantee_organisation = factory.SubFactory(OrganisationFactory)


class ProcurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procurement

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Notebooks purchase {n}")
    product_category = "notebook"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    organisation = factory.SubFactory(OrganisationFactory)
    legal_name = factory.Sequence(lambda n: f"Supplier {n} B.V.")
    normalised_name = factory.LazyAttribute(lambda c: normalise_company_name(c.legal_name))


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    organisation = factory.SubFactory(OrganisationFactory)
    procurement = factory.SubFactory(
        ProcurementFactory,
        organisation=factory.SelfAttribute("..organisation"),
        title=factory.SelfAttribute("..title"),
        product_category=factory.SelfAttribute("..product_category"),
    )
    title = factory.Sequence(lambda n: f"Notebooks tender {n}")
    product_category = "notebook"
    deadline = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    consultation = factory.SubFactory(ConsultationFactory)
    email = factory.Sequence(lambda n: f"supplier{n}@example.com")


class CoOwnerFactory(factory.django.DjangoModelFactory):
    """Another organisation invited to co-own a consultation (status=CoOwner.Status.ACCEPTED for one that runs it;
    the service consultations.joint.co_owner_accept also keeps the agreement in step)."""

    class Meta:
        model = CoOwner

    consultation = factory.SubFactory(ConsultationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    invited_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class ScenarioChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScenarioChoice

    consultation = factory.SubFactory(ConsultationFactory)
    organisation = factory.SelfAttribute("consultation.organisation")
    scenario = 2
    chosen_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class ResponseVerdictFactory(factory.django.DjangoModelFactory):
    """A stored verdict as written by hand; a real one is stored by submitting (invitation_verdict_store)."""

    class Meta:
        model = ResponseVerdict

    invitation = factory.SubFactory(InvitationFactory, status=Invitation.Status.SUBMITTED)
    framework_id = "cfit-2025"
    framework_version = "2025.1"
    levels = factory.LazyFunction(lambda: {"awareness": "low", "policies": "low", "actions": "low"})
    overall = "low"
    overall_rank = 0
    computed_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class RiskAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductRiskAssessment

    organisation = factory.SubFactory(OrganisationFactory)
    procurement = factory.SubFactory(ProcurementFactory, organisation=factory.SelfAttribute("..organisation"))
    title = factory.Sequence(lambda n: f"Notebook risks {n}")
    product = "notebook"
    result = factory.LazyFunction(lambda: {"risks": []})
    method = "risk-method-2025"


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    organisation = factory.SubFactory(OrganisationFactory)
    procurement = factory.SubFactory(ProcurementFactory, organisation=factory.SelfAttribute("..organisation"))
    title = factory.Sequence(lambda n: f"Notebook tender {n}")
    scenario = 2
    weights = factory.LazyFunction(lambda: {"price": 60})


class BidEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BidEvaluation

    tender = factory.SubFactory(TenderFactory)
    request = factory.LazyFunction(lambda: {"bids": []})
    result = factory.LazyFunction(lambda: {"bids": []})


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    evaluation = factory.SubFactory(BidEvaluationFactory)
    company = factory.SubFactory(
        CompanyFactory, organisation=factory.SelfAttribute("..evaluation.tender.organisation")
    )
    bidder = factory.SelfAttribute("company.legal_name")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organisation = factory.SubFactory(OrganisationFactory)
    procurement = factory.SubFactory(ProcurementFactory, organisation=factory.SelfAttribute("..organisation"))
    supplier = factory.SubFactory(CompanyFactory, organisation=factory.SelfAttribute("..organisation"))
    title = factory.Sequence(lambda n: f"Notebook contract {n}")
    supplier_email = factory.Sequence(lambda n: f"contracts{n}@supplier.example")
    scenario = 2
    award_date = dt.date(2026, 1, 15)
    start_date = dt.date(2026, 2, 1)
    end_date = dt.date(2029, 1, 31)


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    contract = factory.SubFactory(ContractFactory)
    clause = "CC2"
    title = "Production-site list"
    due_date = dt.date(2027, 2, 1)
    reason = "first anniversary of the start"


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    obligation = factory.SubFactory(ObligationFactory)
    version = factory.Sequence(lambda n: n + 1)
    summary = factory.LazyFunction(dict)


class InformationRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InformationRequest

    obligation = factory.SubFactory(ObligationFactory)
    question = "Which smelters does the battery supplier use?"
    asked_on = dt.date(2027, 3, 1)
    due_on = dt.date(2027, 3, 31)


class ProductionSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductionSite

    submission = factory.SubFactory(SubmissionFactory)
    row = factory.Sequence(lambda n: n + 2)
    name = factory.Sequence(lambda n: f"Assembly plant {n}")
    address = "1 Industrial Road"
    country_iso3 = "MYS"
    site_type = "final assembly"


class ReminderSentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderSent

    obligation = factory.SubFactory(ObligationFactory)
    key = "before-30"


class BidDraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BidDraft

    tender = factory.SubFactory(TenderFactory)
    bidder = factory.Sequence(lambda n: f"Bidder {n}")
    price = 412000.0


class BidFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BidFile

    draft = factory.SubFactory(BidDraftFactory)
    part = "AC1"
    file = factory.django.FileField(filename="assessment.txt", data=b"Our risk assessment.")
    filename = "assessment.txt"
    content_type = "text/plain"
    size = 20


class MemberInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberInvitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"colleague{n}@example.org")
    role = "viewer"
    nonce = factory.Sequence(lambda n: f"{n:032d}")
    sent_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class FormSubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormSubmission

    key = factory.Sequence(lambda n: f"{n:064d}")
    user = factory.SubFactory(UserFactory)
    label = "Notebooks 2027"
    url = "/procurements/"


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
    organisation = factory.SelfAttribute("user.organisation")


class KnowledgeEditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KnowledgeEdition

    table = "mineral_production"
    label = factory.Sequence(lambda n: f"Edition {n}")
    csv_text = ""
    row_count = 0


class TaskRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskRun

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "contracts.site_list"
    label = factory.Sequence(lambda n: f"Site list {n}")


class ContractsVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractsVersion

    organisation = factory.SubFactory(OrganisationFactory)
    number = 1
    changed_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class CalendarBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarBody

    organisation = factory.SubFactory(OrganisationFactory)
    etag = '"0"'
    body = b""
    size = 0


# the site registry (issue 11)


class SiteGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteGroup

    name = factory.Sequence(lambda n: f"Group {n}")
    normalised_name = factory.LazyAttribute(lambda o: normalise_company_name(o.name))


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Assembly plant {n}")
    normalised_name = factory.LazyAttribute(lambda o: normalise_company_name(o.name))
    country_iso3 = "MYS"


class SiteImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteImport

    organisation = factory.SubFactory(OrganisationFactory)
    filename = "sites.csv"


class SiteMentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteMention

    organisation = factory.SubFactory(OrganisationFactory)
    site = factory.SubFactory(SiteFactory)
    source = "manual"
    mentioned_on = factory.LazyFunction(dt.date.today)
    name = factory.Sequence(lambda n: f"Assembly plant {n}")
    country_iso3 = "MYS"
    fingerprint = factory.Sequence(lambda n: f"{n:032x}")
    status = "auto"
    matched_at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class MatchDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchDecision

    fingerprint = factory.Sequence(lambda n: f"{n:032x}")
    site = factory.SubFactory(SiteFactory)
    same = True


class MatchParametersFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchParameters

    parameters = factory.LazyFunction(dict)
    pairs = 0
    active = False  # an inactive row: the engine keeps the shipped parameters


class SiteMergeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteMerge

    kept = factory.SubFactory(SiteFactory)
    merged = factory.SubFactory(SiteFactory)


class CompanyGroupLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyGroupLink

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    group = factory.SubFactory(SiteGroupFactory)


# incidents and remedy (issue 12)


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Allegation {n}")
    source = "media"


class StatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusChange

    incident = factory.SubFactory(IncidentFactory)
    after = "verifying"


class RemediationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RemediationStep

    incident = factory.SubFactory(IncidentFactory)
    organisation = factory.SelfAttribute("incident.organisation")
    action = "Pay back the recruitment fees"
    responsible = "The supplier"
    deadline = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=60))


class StepProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StepProgress

    step = factory.SubFactory(RemediationStepFactory)
    reported_by = "supplier link"
    text = "Half of the fees are repaid."


class GrievanceChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GrievanceChannel

    organisation = factory.SubFactory(OrganisationFactory)
    slug = factory.Sequence(lambda n: f"channel-{n}")
    title = "Report a problem in our supply chain"


class IntakeAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntakeAttempt

    kind = "grievance"
    client = factory.Sequence(lambda n: f"client-{n}")
    at = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC))


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    incident = factory.SubFactory(IncidentFactory)
    organisation = factory.SelfAttribute("incident.organisation")
    user = factory.SubFactory(UserFactory, organisation=factory.SelfAttribute("..organisation"))
    message = "An incident touches your contracts."


class ExposureSharingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExposureSharing

    organisation = factory.SubFactory(OrganisationFactory)


class ExposureSweepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExposureSweep


# smelter lists from the RMI templates (issue 13)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Smelter lists {n}")


class SupplierRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierRequest

    campaign = factory.SubFactory(CampaignFactory)
    supplier_name = factory.Sequence(lambda n: f"Supplier {n}")


class UploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Upload

    request = factory.SubFactory(SupplierRequestFactory)
    filename = "cmrt.xlsx"
    content = b"PK"


class UploadSmelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UploadSmelter

    upload = factory.SubFactory(UploadFactory)
    row = 5


class ConsolidatedSmelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsolidatedSmelter

    organisation = factory.SubFactory(OrganisationFactory)
    metal = "Cobalt"
    name = factory.Sequence(lambda n: f"Refinery {n}")


class FacilityListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilityList

    organisation = factory.SubFactory(OrganisationFactory)
    filename = "facilities.csv"
    file_format = "csv"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    facility_list = factory.SubFactory(FacilityListFactory)
    cid = factory.Sequence(lambda n: f"CID{n:06d}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.COMPANY)
    title = factory.Sequence(lambda n: f"Responsible minerals programme {n}")
    commitment = "We conduct risk-based due diligence in our mineral supply chains."
    start_year = 2024
    end_year = 2028


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"objective-{n}")
    text = "Reduce the number of children working in artisanal copper-cobalt mining"
    target_year = 2028


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    programme = factory.SubFactory(ProgrammeFactory)
    key = factory.Sequence(lambda n: f"kpi-{n}")
    name = "% employees trained in responsible mineral supply chains"
    unit = Kpi.Unit.PERCENT
    direction = Kpi.Direction.INCREASE
    targets = factory.LazyFunction(lambda: {"2026": "50", "2028": "100"})


class KpiValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiValue

    kpi = factory.SubFactory(KpiFactory)
    period_start = dt.date(2025, 1, 1)
    period_end = factory.Sequence(lambda n: dt.date(2025, 12, 31) + dt.timedelta(days=n))
    value = 40


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    programme = factory.SubFactory(ProgrammeFactory)
    organisation_name = "Kolwezi Traders SARL"
    contact_name = "A. Contact"
    email = "contact@example.org"


class SourcingLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourcingLink

    company = factory.SubFactory(CompanyFactory)
    material = "cobalt"
    country_iso3 = "COD"


class SupplierTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierTier

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    computed_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


class DiligenceAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DiligenceAssessment

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    framework_key = "oecd-minerals-five-steps"
    framework_version = "2016"
    stage = DiligenceAssessment.Stage.BEFORE
    assessed_on = dt.date(2026, 3, 1)


class GapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gap

    assessment = factory.SubFactory(DiligenceAssessmentFactory)
    description = "No grievance mechanism for workers at the supplier's sites"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    goal = "Copper Mark by 2027"
    enrolled_on = dt.date(2025, 6, 1)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    enrolment = factory.SubFactory(EnrolmentFactory)
    title = "Self-assessment against the Copper Mark criteria"
    due_on = dt.date(2025, 12, 31)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    company = factory.SubFactory(CompanyFactory)
    organisation = factory.SelfAttribute("company.organisation")
    scheme = "copper_mark"
    status = "awarded"
    valid_from = dt.date(2025, 1, 1)
    valid_until = dt.date(2028, 1, 1)


class ChildLabourCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChildLabourCase

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.COMPANY)
    reference = factory.Sequence(lambda n: f"CL-{n:04d}")
    country_iso3 = "COD"
    age_band = ChildLabourCase.AgeBand.UNDER_15
    identified_on = dt.date(2025, 9, 1)
    remediation_partner = "Congo Children Trust"


class CaseFollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseFollowUp

    case = factory.SubFactory(ChildLabourCaseFactory)
    on = dt.date(2025, 10, 1)
    note = "Attending school; family receives support."


class NgoResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NgoResponse

    organisation = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.COMPANY)
    framework_key = "amnesty-2017-cobalt"
    framework_version = "2017"
    title = "Answer to the cobalt assessment"


class NgoAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NgoAnswer

    response = factory.SubFactory(NgoResponseFactory)
    criterion_key = factory.Sequence(lambda n: f"criterion-{n}")


class NgoEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NgoEvidence

    answer = factory.SubFactory(NgoAnswerFactory)
    kind = NgoEvidence.Kind.LINK
    title = "Annual responsible-sourcing report"
    url = "https://example.org/report.pdf"


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    """A supplier's company profile, kept through a link sent to its address (so it is offered)."""

    class Meta:
        model = SupplierProfile

    company_as_given = "Acme Computers"
    email = factory.Sequence(lambda n: f"profile{n}@acme.example")
    confirmed_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC))


class ProfileVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProfileVersion

    profile = factory.SubFactory(SupplierProfileFactory)
    number = factory.Sequence(lambda n: n + 1)
    saved_at = factory.LazyFunction(lambda: dt.datetime(2026, 1, 15, 9, 0, tzinfo=dt.UTC))
    content = factory.LazyFunction(
        lambda: {"questionnaire": None, "site_list": None, "risk_assessment": None}
    )
    source = ProfileVersion.Source.QUESTIONNAIRE


class ProfileShareFactory(factory.django.DjangoModelFactory):
    """A version shared into one buyer's invitation with the supplier's consent."""

    class Meta:
        model = ProfileShare

    version = factory.SubFactory(ProfileVersionFactory)
    profile = factory.SelfAttribute("version.profile")
    version_number = factory.SelfAttribute("version.number")
    version_saved_at = factory.SelfAttribute("version.saved_at")
    invitation = factory.SubFactory(InvitationFactory)
    organisation = factory.SelfAttribute("invitation.consultation.organisation")
    consent_text = "I agree that the buyer sees version 1 of my profile."
    consented_at = factory.LazyFunction(lambda: dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC))


def answers(**overrides):
    """A complete, valid set of answers (a medium-maturity manufacturer), with overrides."""
    base = {
        "transparency": ["assembly_location", "component_producers", "raw_material_types"],
        "risk_understanding": "fair",
        "policies": ["detailed_commitments"],
        "actions": ["code_compliance", "complaints_procedure"],
    }
    base.update(overrides)
    return base


def response(company="Acme Computers", role="manufacturer", **overrides):
    """A complete raw response as the CLI and API read it."""
    return {"company": company, "role": role, "answers": answers(**overrides)}
