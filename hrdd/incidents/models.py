"""Incidents, grievances and remedy (issue 12).

An `Incident` is an allegation or finding about a registry site, a corporate group (both installation-wide, from
hrdd.supplier_sites) or one of the owner organisation's companies. It is owned by the organisation that recorded
or received it; who else sees it depends on its confidentiality (need to know):

- owner only: the owner organisation alone;
- shared with exposed buyers: also every organisation that opted into sharing (`ExposureSharing`) and whose
  submitted site lists name the site, or a site of the group (exposure, hrdd.incidents.selectors);
- public: every organisation of the installation.

A reporter's name and contact never leave the owner organisation, whatever the level. Anonymous grievances come
through a `GrievanceChannel` (a per-organisation address or a secret link, stored hashed: hrdd.core.linktokens);
the reporter gets a receipt code of which only a hash is stored. Corrective action is a list of
`RemediationStep`s; a step tied to a contract is reported on by the supplier through the contract's link
(`StepProgress`). `Notice`s are the landing page's entries for people whose contracts an incident touches.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_public_id
from hrdd.core.linktokens import SecretLink
from hrdd.core.models import OwnedModel
from hrdd.core.versions import version_field
from hrdd.domain import incidents as rules
from hrdd.domain.countries import country_name
from hrdd.domain.risk import get_risk_method


@cache
def risk_category_choices() -> list[tuple[str, str]]:
    """The seven risk categories of the CFIT manual (section 2.2), with the risk method's ids and titles."""
    return [(c.id, c.title) for c in get_risk_method().categories]


class Source(models.TextChoices):
    MONITORING_REPORT = "monitoring_report", _("Monitoring report")
    MEDIA = "media", _("Media")
    NGO = "ngo", _("NGO")
    WORKER_GRIEVANCE = "worker_grievance", _("Worker grievance")
    AUDIT = "audit", _("Audit")
    SUPPLIER_SELF_REPORT = "supplier_self_report", _("Supplier self-report")


class Status(models.TextChoices):
    RECEIVED = rules.RECEIVED, _("Received")
    VERIFYING = rules.VERIFYING, _("Verifying")
    SUBSTANTIATED = rules.SUBSTANTIATED, _("Substantiated")
    UNSUBSTANTIATED = rules.UNSUBSTANTIATED, _("Unsubstantiated")
    IN_REMEDIATION = rules.IN_REMEDIATION, _("In remediation")
    REMEDIATED = rules.REMEDIATED, _("Remediated")
    CLOSED = rules.CLOSED, _("Closed")


class Confidentiality(models.TextChoices):
    OWNER_ONLY = "owner_only", _("Owner only")
    SHARED = "shared", _("Shared with exposed buyers")
    PUBLIC = "public", _("Public")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


RATING_CHOICES = [(n, str(n)) for n in range(1, 5)]


class Incident(OwnedModel):
    """An allegation or finding about a site, a group or a company, with its source, category, severity (UNGP),
    status and need-to-know level. The subject may be left empty while a grievance is verified."""

    Source = Source
    Status = Status
    Confidentiality = Confidentiality

    # An owner may share an incident with named organisations (hrdd.accounts.Share, issue 16), never one that is
    # "owner only": made confidential again, it stops reaching them at once. The reporter stays with the owner.
    share_root = ""
    share_limit = ~models.Q(confidentiality=Confidentiality.OWNER_ONLY)

    class Subject(models.TextChoices):
        SITE = "site", _("Site")
        GROUP = "group", _("Group")
        COMPANY = "company", _("Company")
        NONE = "", _("Not linked yet")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what happened"), max_length=10_000, blank=True)
    site = models.ForeignKey(
        "supplier_sites.Site", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    group = models.ForeignKey(
        "supplier_sites.SiteGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    # the country of the subject (or as the reporter gave it), for the register's filter
    country_iso3 = models.CharField(_("country"), max_length=3, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=30, choices=Source.choices)
    source_url = models.URLField(_("link to the source"), max_length=1000, blank=True)
    document = models.FileField(upload_to="incidents/%Y/%m/", null=True, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveIntegerField(default=0)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    category = models.CharField(_("risk category"), max_length=40, choices=risk_category_choices, blank=True)
    scale = models.PositiveSmallIntegerField(_("scale"), choices=RATING_CHOICES, null=True, blank=True)
    scope = models.PositiveSmallIntegerField(_("scope"), choices=RATING_CHOICES, null=True, blank=True)
    irremediability = models.PositiveSmallIntegerField(
        _("irremediability"), choices=RATING_CHOICES, null=True, blank=True
    )
    # stored verdict of hrdd.domain.incidents.assess_severity ('' while not rated)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    severity_reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    confidentiality = models.CharField(
        _("who may see it"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.OWNER_ONLY,
    )
    # the reporter: never shown outside the owner organisation
    reporter_anonymous = models.BooleanField(_("anonymous"), default=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=20, blank=True)
    channel = models.ForeignKey(
        "incidents.GrievanceChannel",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
    )
    # sha256 of the normalised receipt code of a grievance (the code itself is shown once, never stored)
    receipt_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # the reporter's own words about the site when no registry record was chosen
    subject_text = models.CharField(_("site or company as reported"), max_length=500, blank=True)
    external_reference = models.CharField(_("reference"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["organisation", "status"], name="incident_org_status"),
            models.Index(fields=["confidentiality", "status"], name="incident_conf_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.public_id])

    @property
    def subject_kind(self) -> str:
        if self.site_id:
            return self.Subject.SITE
        if self.group_id:
            return self.Subject.GROUP
        if self.company_id:
            return self.Subject.COMPANY
        return self.Subject.NONE

    @property
    def subject(self) -> object | None:
        return self.site or self.group or self.company

    @property
    def category_title(self) -> str:
        return dict(risk_category_choices()).get(self.category, self.category)

    @property
    def country_name(self) -> str:
        return country_name(self.country_iso3) if self.country_iso3 else ""

    @property
    def allowed_statuses(self) -> tuple[str, ...]:
        return rules.allowed_transitions(self.status)

    def share_refusal(self, organisation_id: int) -> str:
        """Why the incident may not be shared by its owner ('' when it may)."""
        if self.confidentiality == Confidentiality.OWNER_ONLY:
            return str(
                _(
                    "This incident is confidential (owner only) and cannot be shared. To share it, first change "
                    "who may see it to “shared with exposed buyers”. The reporter's name and contact are never "
                    "shared."
                )
            )
        if self.confidentiality == Confidentiality.PUBLIC:
            return str(_("This incident is public: every organisation of the installation already sees it."))
        return ""


class StatusChange(models.Model):
    """One move of an incident's status, with the note for the file and the note the reporter may read."""

    owner_path = "incident__organisation"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="status_changes")
    before = models.CharField(max_length=20, choices=Status.choices, blank=True)
    after = models.CharField(max_length=20, choices=Status.choices)
    note = models.TextField(blank=True, max_length=5000)
    # shown to an anonymous reporter on the receipt page (never the internal note)
    public_note = models.TextField(blank=True, max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.before or '-'} -> {self.after}"


class ExposureSharing(models.Model):
    """An organisation's opt-in: its submitted site lists count in the exposure of other organisations' incidents,
    and it receives the incidents shared with exposed buyers. Withdrawn by deleting the row (audited)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="exposure_sharing"
    )
    since = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.organisation} shares exposure since {self.since:%Y-%m-%d}"


class GrievanceChannel(SecretLink, OwnedModel):
    """A public way in for grievances to one organisation: its address by `slug` and a secret link, stored hashed
    (hrdd.core.linktokens; the organisation sees it once, when the channel is opened or the link re-issued). The
    link does not expire by date; it stops when it is re-issued, and both stop while the channel is closed."""

    link_kind = "grievance"

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    introduction = models.TextField(_("introduction"), blank=True, max_length=5000)
    is_open = models.BooleanField(_("open"), default=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:grievance", args=[self.slug])

    def get_secret_url(self) -> str:
        """The secret link's path ('' when hrdd cannot write its token: hrdd.core.linktokens)."""
        return self.link_path("incidents:grievance")


class IntakeAttempt(models.Model):
    """One use of the public intake (a grievance sent or a receipt looked up), kept one day for the rate limits.

    The client address is stored only as a keyed hash: enough to count, never to find the reporter."""

    class Kind(models.TextChoices):
        GRIEVANCE = "grievance"
        RECEIPT = "receipt"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    client = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "client", "at"], name="intake_client_at")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class RemediationStep(models.Model):
    """One corrective action of an incident's remediation plan: what, who, by when, which evidence, and its
    verification. A step tied to a contract is reported on by that contract's supplier through its link."""

    class StepStatus(models.TextChoices):
        OPEN = "open", _("Open")
        REPORTED = "reported", _("Progress reported")
        VERIFIED = "verified", _("Verified")

    owner_path = "organisation"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    # the organisation that set the step (the incident's owner, or an exposed buyer for its own contract)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="remediation_steps",
    )
    position = models.PositiveSmallIntegerField(default=1)
    action = models.CharField(_("corrective action"), max_length=500)
    responsible = models.CharField(_("who acts"), max_length=200)
    deadline = models.DateField(_("deadline"))
    evidence = models.CharField(_("evidence to deliver"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=StepStatus.choices, default=StepStatus.OPEN)
    first_reported_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_on = models.DateField(null=True, blank=True)
    verification_note = models.TextField(blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["incident", "position", "id"]
        indexes = [
            models.Index(fields=["organisation", "verified_on", "deadline"], name="step_org_open_deadline"),
            models.Index(fields=["contract", "deadline"], name="step_contract_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.action} (by {self.deadline})"

    def get_absolute_url(self) -> str:
        return f"{self.incident.get_absolute_url()}#step-{self.public_id}"


class StepProgress(models.Model):
    """What the supplier (through its contract link) or a buyer reported on a step: words and an evidence file."""

    owner_path = "step__organisation"

    step = models.ForeignKey(RemediationStep, on_delete=models.CASCADE, related_name="progress")
    reported_at = models.DateTimeField(auto_now_add=True)
    reported_by = models.CharField(max_length=200)  # "supplier link (Acme)" or the user's e-mail
    text = models.TextField(max_length=10_000)
    file = models.FileField(upload_to="remediation/%Y/%m/", null=True, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["reported_at", "id"]

    def __str__(self) -> str:
        return f"progress on {self.step} at {self.reported_at:%Y-%m-%d}"


class Notice(models.Model):
    """An entry on a person's landing page: an incident touches their organisation's contracts."""

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="incident_notices"
    )
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=20, default="exposed")
    message = models.CharField(max_length=500)
    contracts = models.PositiveIntegerField(default=0)  # how many of the organisation's contracts are exposed
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "incident", "kind"], name="one_notice_per_kind"
            )
        ]
        indexes = [models.Index(fields=["user", "organisation", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.message

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ExposureSweep(models.Model):
    """Where the daily look for new exposure stopped (one row): the last site mention it read and when it ran.

    A buyer's supplier may name a site after an incident about it was recorded; `hrdd remind` then tells that
    buyer's contract managers (hrdd.incidents.services.exposure_notify_new_mentions)."""

    last_mention_id = models.BigIntegerField(default=0)
    ran_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"exposure swept to mention {self.last_mention_id}"
