"""A company's responsible-sourcing programme (issue 14).

Four areas, each with its own modules in this app:

- **Programme and KPIs** (services.py, selectors.py, kpis.py, views.py): a `Programme` made from a template
  (hrdd/frameworks/programme-*.yaml) holds the commitment, `Objective`s with a target year and `Kpi`s with unit,
  direction, baseline and targets per year. A KPI is either computed from records hrdd holds (its `computation`
  names the rule in hrdd.programmes.kpis) or entered per period as a `KpiValue` with evidence and who entered it.
- **Supplier due diligence** (diligence.py, diligence_views.py): each supplier `Company` has a stored
  `SupplierTier` with its reasons, computed from its `SourcingLink`s (what it supplies from where), the site
  registry and the RMI data; `DiligenceAssessment`s against an assessment framework
  (hrdd/frameworks/assessment-*.yaml), scored like the questionnaire; `Gap`s found with the mitigation assigned
  (owner, deadline); `Enrolment`s in the capacity-building programme with `Milestone`s.
- **Certifications and child-labour cases** (certifications.py, cases.py, ...): a supplier's or a registry site's
  status in a scheme (Copper Mark, RMAP, IRMA, TCO Certified, EPEAT, RBA, JAC, an EcoVadis rating; the schemes are
  data in hrdd/frameworks/schemes.yaml) with validity dates and evidence; `ChildLabourCase`s with the remediation
  partner, the support given and the follow-ups. A child's identity stays in `ChildLabourCase.identity_notes`: it
  is shown only on the case page to the owner's administrators and responsible-sourcing managers, and never leaves
  it (no export, API, audit event or aggregate carries it).
- **Answers to NGO assessments** (ngo.py, ngo_views.py, ngo_exports.py): an `NgoResponse` to an NGO's assessment
  framework, an `NgoAnswer` per criterion with `NgoEvidence` (records of hrdd or documents) and a reviewer's
  rating; exported as a letter draft (DOCX) and a table (XLSX).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_public_id
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.domain.countries import country_name

# ---------------------------------------------------------------------------------------------------------------
# Programme and KPIs


class Programme(OwnedModel):
    """A company's responsible-sourcing programme: its commitment, objectives and KPIs."""

    title = models.CharField(_("title"), max_length=200)
    # The template it was made from (hrdd/frameworks/programme-<key>.yaml) and that template's version.
    template_key = models.CharField(max_length=60, blank=True)
    template_version = models.CharField(max_length=20, blank=True)
    commitment = models.TextField(_("commitment"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("target year"))
    # Opt-in public page (/programmes/public/<public_id>/) with the commitment, objectives and KPI progress.
    is_public = models.BooleanField(_("public page"), default=False)
    # Where the "join the programme" form's messages go (besides the notice in hrdd).
    join_contact_email = models.EmailField(_("contact for business partners"), blank=True)
    join_invitation = models.TextField(_("invitation to business partners"), blank=True)
    version = models.PositiveIntegerField(default=1)  # moved by every save: a stale form is refused
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_year", "title", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.public_id])


class Objective(models.Model):
    owner_path = "programme__organisation"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    key = models.CharField(max_length=60)  # the template's key, or one made from the text
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("objective"), max_length=500)
    target_year = models.PositiveSmallIntegerField(_("target year"))

    objects = OwnedManager()

    class Meta:
        ordering = ["programme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="one_objective_key_per_programme")
        ]

    def __str__(self) -> str:
        return self.text


class Kpi(models.Model):
    """A key performance indicator. `computation` names the rule that counts it from records
    (hrdd.programmes.kpis); empty means its values are entered per period."""

    owner_path = "programme__organisation"

    class Unit(models.TextChoices):
        PERCENT = "percent", _("percent")
        COUNT = "count", _("count")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="kpis")
    objective = models.ForeignKey(
        Objective, on_delete=models.SET_NULL, null=True, blank=True, related_name="kpis"
    )
    key = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("how it is measured"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    computation = models.CharField(_("computed from"), max_length=60, blank=True)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    # Targets per year: {"2026": "50", "2028": "100"} (decimal strings).
    targets = models.JSONField(_("targets per year"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    objects = OwnedManager()

    class Meta:
        ordering = ["programme", "position", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [models.UniqueConstraint(fields=["programme", "key"], name="one_kpi_key_per_programme")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:kpi", args=[self.public_id])

    @property
    def is_computed(self) -> bool:
        return bool(self.computation)


class KpiValue(models.Model):
    """A KPI's value for one period, entered by a person with its evidence (a document, a link or a page)."""

    owner_path = "kpi__programme__organisation"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    # For a percentage: what it is a share of, when known (e.g. 45 of 60 employees).
    numerator = models.PositiveIntegerField(_("counted"), null=True, blank=True)
    denominator = models.PositiveIntegerField(_("out of"), null=True, blank=True)
    evidence_url = models.URLField(_("link to the evidence"), max_length=1000, blank=True)
    evidence_page = models.CharField(_("page or section"), max_length=100, blank=True)
    evidence_note = models.TextField(_("note on the evidence"), blank=True)
    document = models.FileField(upload_to="programmes/kpi/%Y/%m/", null=True, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["kpi", "period_end", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_end"], name="one_kpi_value_per_period_end"),
            models.CheckConstraint(
                condition=models.Q(period_start__lte=models.F("period_end")), name="kpi_value_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi}: {self.value} ({self.period_end})"


class JoinRequest(models.Model):
    """A business partner's message sent through a public programme page's "join the programme" form."""

    owner_path = "programme__organisation"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="join_requests")
    organisation_name = models.CharField(_("organisation"), max_length=200)
    contact_name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    message = models.TextField(_("message"), max_length=4000, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.email})"


# ---------------------------------------------------------------------------------------------------------------
# Supplier due diligence


class Tier(models.TextChoices):
    HIGH = "high", _("High risk")
    STANDARD = "standard", _("Standard risk")
    UNKNOWN = "unknown", _("Not known yet")


class SourcingLink(models.Model):
    """What a supplier supplies to the organisation and from where: a material from a country (and region), and
    whether artisanal and small-scale mining (ASM) is part of it. The supplier's tier is computed from these."""

    owner_path = "company__organisation"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="sourcing_links")
    material = models.CharField(_("material"), max_length=60)  # a knowledge-base material id, e.g. "cobalt"
    country_iso3 = models.CharField(_("country of origin"), max_length=3)
    region = models.CharField(_("region"), max_length=200, blank=True)
    is_asm = models.BooleanField(_("artisanal and small-scale mining"), default=False)
    site = models.ForeignKey(
        "supplier_sites.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(_("how we know"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["company", "material", "country_iso3", "id"]

    def __str__(self) -> str:
        return f"{self.material} from {self.country_iso3}"

    @property
    def country_name(self) -> str:
        return country_name(self.country_iso3) if self.country_iso3 else ""


class SupplierTier(models.Model):
    """A supplier's risk tier, stored when its inputs change (hrdd.programmes.diligence.tier_refresh), with the
    reasons that made it: [{"code", "text", "source"}]. A person may override it with a written reason."""

    owner_path = "organisation"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="risk_tier")
    tier = models.CharField(_("risk tier"), max_length=10, choices=Tier.choices, default=Tier.UNKNOWN)
    computed_tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.UNKNOWN)
    reasons = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(_("why the tier was set by hand"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField()

    objects = OwnedManager()

    class Meta:
        indexes = [models.Index(fields=["organisation", "tier"], name="supplier_tier_org_tier")]

    def __str__(self) -> str:
        return f"{self.company}: {self.tier}"


class DiligenceAssessment(OwnedModel):
    """An enhanced-due-diligence assessment of a supplier against an assessment framework, before or during the
    relationship. Answers are kept as the framework's keys; the score is stored with its reasons when saved."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before the relationship (onboarding)")
        DURING = "during", _("During the relationship (periodic)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        COMPLETED = "completed", _("Completed")

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="assessments")
    framework_key = models.CharField(max_length=60)
    framework_version = models.CharField(max_length=20)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    assessed_on = models.DateField(_("assessed on"))
    answers = models.JSONField(default=dict, blank=True)
    notes = models.JSONField(default=dict, blank=True)  # {question key: the assessor's note}
    score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)  # the scoring's verdict with its reasons, as stored
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        verbose_name = _("due-diligence assessment")
        verbose_name_plural = _("due-diligence assessments")
        indexes = [
            models.Index(fields=["organisation", "status", "assessed_on"], name="assessment_org_status"),
            # a supplier's latest completed assessment (the suppliers page, the high-risk KPI)
            models.Index(fields=["company", "status", "assessed_on"], name="assessment_company_status"),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.assessed_on})"

    def get_absolute_url(self) -> str:
        return reverse("programmes:assessment", args=[self.public_id])


class Gap(models.Model):
    """A gap an assessment found, and the mitigation strategy assigned: who acts, by when, and how it ended."""

    owner_path = "assessment__organisation"

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        CLOSED = "closed", _("Closed")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    assessment = models.ForeignKey(DiligenceAssessment, on_delete=models.CASCADE, related_name="gaps")
    question_key = models.CharField(max_length=60, blank=True)
    description = models.CharField(_("gap"), max_length=1000)
    strategy = models.TextField(_("mitigation strategy"), blank=True)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_note = models.TextField(_("how it was closed"), blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description


class Enrolment(OwnedModel):
    """A supplier enrolled in the organisation's capacity-building programme, e.g. towards the Copper Mark."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Enrolled")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left the programme")

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="enrolments")
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="enrolments"
    )
    goal = models.CharField(_("goal"), max_length=300)  # e.g. "Copper Mark by 2027"
    enrolled_on = models.DateField(_("enrolled on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-enrolled_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("enrolled_on")),
                name="enrolment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company}: {self.goal}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:enrolment", args=[self.public_id])


class Milestone(models.Model):
    owner_path = "enrolment__organisation"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    evidence = models.CharField(_("evidence"), max_length=1000, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


# ---------------------------------------------------------------------------------------------------------------
# Certifications, schemes and ratings


class Certification(OwnedModel):
    """A supplier's (a company of the organisation) or a registry site's status in a scheme, as the organisation
    recorded it with its evidence. The schemes, their statuses and levels are data (hrdd/frameworks/schemes.yaml)."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="certifications"
    )
    site = models.ForeignKey(
        "supplier_sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheme = models.CharField(_("scheme"), max_length=40)  # a key of schemes.yaml, e.g. "copper_mark"
    status = models.CharField(_("status"), max_length=40)  # one of the scheme's statuses
    level = models.CharField(_("level or medal"), max_length=40, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    reference = models.CharField(_("certificate or member number"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    evidence_url = models.URLField(_("link to the evidence"), max_length=1000, blank=True)
    document = models.FileField(upload_to="programmes/certifications/%Y/%m/", null=True, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheme", "-valid_until", "-id"]
        verbose_name = _("certification or rating")
        verbose_name_plural = _("certifications and ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(company__isnull=False) | models.Q(site__isnull=False),
                name="certification_has_a_holder",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="certification_valid_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "scheme", "valid_until"], name="certification_org_scheme")
        ]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:certification", args=[self.public_id])


# ---------------------------------------------------------------------------------------------------------------
# Child-labour cases (ASM remediation)


class ChildLabourCase(OwnedModel):
    """One child or young person found in the worst forms of child labour, and the remediation that follows.

    The case is known by its `reference` (no name). `identity_notes` is the only field that may identify the child;
    it never leaves the case page (no export, API, audit event or aggregate carries it), and only the owner's
    administrators and responsible-sourcing managers see the case at all; everyone else sees counts."""

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        REFERRED = "referred", _("Referred to the remediation partner")
        SUPPORTED = "supported", _("Out of child labour and supported")
        CLOSED = "closed", _("Support completed")
        LOST = "lost", _("Lost to follow-up")

    class AgeBand(models.TextChoices):
        UNDER_15 = "under_15", _("Under 15")
        FROM_15_TO_17 = "15_17", _("15 to 17")
        YOUTH = "18_24", _("Youth, 18 to 24")

    reference = models.CharField(_("case reference"), max_length=40)
    site = models.ForeignKey(
        "supplier_sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    country_iso3 = models.CharField(_("country"), max_length=3)
    age_band = models.CharField(_("age"), max_length=10, choices=AgeBand.choices)
    identified_on = models.DateField(_("identified on"))
    remediation_partner = models.CharField(_("remediation partner"), max_length=200)
    support = models.JSONField(_("support provided"), default=list, blank=True)  # keys, e.g. ["schooling"]
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    # the date the child was out of child labour and receiving support (counted by the KPI from this day)
    supported_on = models.DateField(_("supported since"), null=True, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    identity_notes = models.TextField(_("identity (confidential)"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-identified_on", "-id"]
        verbose_name = _("child-labour case")
        verbose_name_plural = _("child-labour cases")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="one_case_reference_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("programmes:case", args=[self.public_id])


class CaseFollowUp(models.Model):
    owner_path = "case__organisation"

    case = models.ForeignKey(ChildLabourCase, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField(_("date"))
    note = models.TextField(_("what was found"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.on}"


# ---------------------------------------------------------------------------------------------------------------
# Answers to NGO assessments


class NgoResponse(OwnedModel):
    """The organisation's answer to an NGO's assessment (hrdd/frameworks/ngo-*.yaml): one answer per criterion."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        FINAL = "final", _("Final")

    framework_key = models.CharField(max_length=60)
    framework_version = models.CharField(max_length=20)
    title = models.CharField(_("title"), max_length=200)
    addressee = models.TextField(_("addressee"), blank=True)  # name and address for the letter
    reference = models.CharField(_("their reference"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    respond_by = models.DateField(_("answer by"), null=True, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    signatory = models.CharField(_("signed by"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("answer to an NGO assessment")
        verbose_name_plural = _("answers to NGO assessments")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:ngo", args=[self.public_id])


class NgoAnswer(models.Model):
    owner_path = "response__organisation"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    response = models.ForeignKey(NgoResponse, on_delete=models.CASCADE, related_name="answers")
    criterion_key = models.CharField(max_length=60)
    text = models.TextField(_("answer"), blank=True)
    # the reviewer's rating, one of the framework's rating keys, with its note
    rating = models.CharField(_("rating"), max_length=30, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["response", "id"]
        constraints = [
            models.UniqueConstraint(fields=["response", "criterion_key"], name="one_answer_per_criterion")
        ]

    def __str__(self) -> str:
        return self.criterion_key


class NgoEvidence(models.Model):
    """Evidence for an answer: a record hrdd holds (a KPI, the smelter list, an incident, a programme, a
    certification, a policy document) or a document or link from outside."""

    owner_path = "answer__response__organisation"

    class Kind(models.TextChoices):
        KPI = "kpi", _("A programme KPI")
        PROGRAMME = "programme", _("A programme")
        SMELTERS = "smelters", _("The smelter list")
        INCIDENT = "incident", _("An incident")
        CERTIFICATION = "certification", _("A certification")
        DOCUMENT = "document", _("A document")
        LINK = "link", _("A link")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    answer = models.ForeignKey(NgoAnswer, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    url = models.URLField(_("link"), max_length=1000, blank=True)
    page = models.CharField(_("page or section"), max_length=100, blank=True)
    document = models.FileField(upload_to="programmes/ngo/%Y/%m/", null=True, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    # what the evidence showed when it was linked (e.g. the KPI's figure, the smelter identification rate), so
    # that the letter quotes the figure the reviewer saw
    snapshot = models.JSONField(default=dict, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["answer", "id"]

    def __str__(self) -> str:
        return self.title
