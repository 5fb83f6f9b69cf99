"""Contracts, their obligations (from the tender's clauses), the supplier's submissions and the buyer's requests."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_token  # noqa: F401 (named by the first migrations)
from hrdd.core.linktokens import SecretLink, expiry_day
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.core.versions import version_field


class Contract(SecretLink, OwnedModel):
    """A contract and its supplier link (stored hashed, hrdd.core.linktokens; it works until the contract's end
    plus a grace period)."""

    link_kind = "contract"

    procurement = models.ForeignKey(
        "procurements.Procurement", on_delete=models.PROTECT, related_name="contracts"
    )
    tender = models.ForeignKey(
        "tenders.Tender", on_delete=models.SET_NULL, null=True, blank=True, related_name="contracts"
    )
    title = models.CharField(_("title"), max_length=200)
    supplier = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("supplier")
    )
    supplier_email = models.EmailField(_("supplier e-mail address"))
    # The language of the supplier's page and of the e-mails sent to the supplier, set by the buyer; empty: the
    # supplier's browser decides the page, the site's default the e-mails (hrdd.core.languages).
    supplier_language = models.CharField(
        _("supplier's language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    scenario = models.PositiveSmallIntegerField(_("scenario"))
    award_date = models.DateField(_("award date"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    first_delivery = models.DateField(_("first delivery"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(
        _("months after award for the risk assessment (CC1)"), default=3
    )
    risk_assessment_in_tender = models.BooleanField(
        _("the risk assessment was given in the tender"), default=False
    )
    # Set when the buyer revokes the supplier link (it stops working); a re-issued link clears it.
    link_revoked_at = models.DateTimeField(_("link revoked"), null=True, blank=True)
    # Set when the buyer archives the contract: it and its obligations leave the dashboard (unless asked for).
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.supplier_name})"

    @property
    def supplier_name(self) -> str:
        return self.supplier.legal_name

    def get_absolute_url(self) -> str:
        return reverse("contracts:detail", args=[self.public_id])

    def get_supplier_url(self) -> str:
        """The supplier's link ('' when hrdd cannot write its token: hrdd.core.linktokens)."""
        return self.link_path("contracts:supplier")

    @property
    def link_expires_on(self) -> dt.date:
        """The last day the supplier's link works: the contract's end plus the grace period."""
        return expiry_day(
            until=self.end_date,
            issued_at=self.token_issued_at,
            grace_days=settings.HRDD_CONTRACT_LINK_GRACE_DAYS,
        )


class Obligation(models.Model):
    owner_path = "contract__organisation"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="obligations")
    clause = models.CharField(max_length=10)
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    reason = models.CharField(max_length=200)
    # The stored verdict: the KPIs rated by hrdd.domain.contracts.rate_obligation when an input changed (a
    # submission, a request or its answer, a deadline passing), so that pages read it instead of recomputing it.
    # Only hrdd.contracts.verdicts writes these fields; `hrdd verify` recomputes them and reports any difference.
    status = models.CharField(max_length=10, default="pending")  # the worst KPI status
    timeliness = models.CharField(
        max_length=10, default="pending"
    )  # the first KPI's status (the on-time trend)
    submitted_on = models.DateField(null=True, blank=True)  # the first submission's day; None: none yet
    kpis = models.JSONField(default=list, blank=True)  # KpiResult.as_dict() of each KPI, with its reasons
    checklist = models.JSONField(default=list, blank=True)  # the contents checklist: item, met, detail
    verdict_on = models.DateField(null=True, blank=True)  # the day the verdict was rated for; None: never
    verdict_inputs = models.CharField(max_length=64, blank=True)  # a fingerprint of the inputs rated
    # the day the status may change with time alone (a deadline passing; domain.contracts.status_changes_on):
    # pages re-rate the verdicts whose day has come, found through this index, not by scanning every obligation
    rerate_on = models.DateField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["due_date", "clause"]
        indexes = [
            models.Index(fields=["due_date", "clause"], name="obligation_due"),
            models.Index(fields=["status", "due_date"], name="obligation_status_due"),
            models.Index(fields=["rerate_on"], name="obligation_rerate_on"),
            models.Index(fields=["verdict_on"], name="obligation_verdict_on"),
        ]

    def __str__(self) -> str:
        return f"{self.clause} due {self.due_date}"


class Submission(models.Model):
    """One version of what the supplier delivered for an obligation; nothing is overwritten."""

    owner_path = "obligation__contract__organisation"

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="submissions")
    version = models.PositiveIntegerField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    file = models.FileField(upload_to="submissions/%Y/%m/", null=True, blank=True)
    filename = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)

    objects = OwnedManager()

    class Meta:
        ordering = ["obligation", "-version"]
        constraints = [models.UniqueConstraint(fields=["obligation", "version"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.obligation} v{self.version}"


class ProductionSite(models.Model):
    owner_path = "submission__obligation__contract__organisation"
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="sites")
    row = models.PositiveIntegerField()
    name = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=500, blank=True)
    country_iso3 = models.CharField(max_length=3, blank=True)
    site_type = models.CharField(max_length=100, blank=True)
    products = models.CharField(max_length=500, blank=True)
    # The risks of its country and stage in the tender's product risk assessment, linked when the list was stored
    # (hrdd.domain.sites.link_sites_to_risks: stage, risks, candidates, reasons, source); None: no assessment.
    risk_link = models.JSONField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["submission", "row"]

    def __str__(self) -> str:
        return self.name or f"row {self.row}"


class InformationRequest(models.Model):
    """The buyer asks for more information on an obligation (KPI responsiveness)."""

    owner_path = "obligation__contract__organisation"

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="requests")
    question = models.TextField()
    asked_on = models.DateField()
    due_on = models.DateField()
    answer = models.TextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OwnedManager()

    class Meta:
        ordering = ["asked_on", "id"]

    def __str__(self) -> str:
        return f"request on {self.obligation} asked {self.asked_on}"


class ReminderSent(models.Model):
    """One reminder e-mail per obligation and threshold: running `hrdd remind` twice sends nothing twice."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="reminders")
    key = models.CharField(max_length=30)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["obligation", "key"], name="one_reminder_per_key")]

    def __str__(self) -> str:
        return f"{self.key} for {self.obligation}"


class CalendarFeed(SecretLink):
    """A user's secret address of their organisation's deadlines as a calendar, which calendar programs subscribe
    to without a login. A new address revokes the old one; a revoked address, or one whose user left the
    organisation or was deactivated, is not found."""

    owner_path = "organisation"
    link_kind = "calendar"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_calendar_feed",
            )
        ]

    def __str__(self) -> str:
        return f"calendar feed of {self.user} in {self.organisation}"

    def get_absolute_url(self) -> str:
        return self.link_path("contracts:feed")


class ContractsVersion(models.Model):
    """A number per organisation that moves whenever anything its contract dashboard and calendar feeds are
    written from changes: a contract added, edited, archived or deleted, an obligation's stored status,
    timeliness or first submission, a submission, a request or its answer, a supplier's name (issue 9).

    The feeds' ETag is this number, so a calendar program polling a feed costs one row's read; the dashboard's
    counts are stored in `summary` with the number and the day they were counted for, and counted again only
    when either moved (hrdd.contracts.versions)."""

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField()
    summary = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return f"contracts of organisation {self.organisation_id}: version {self.number}"


class CalendarBody(models.Model):
    """A calendar feed as last written, compressed (gzip), with the ETag it was written for: the next full
    request of the same version is answered from it instead of writing every event again (issue 9). One row per
    feed: the organisation's (no contract) and each contract's that was asked for."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    etag = models.CharField(max_length=80)
    body = models.BinaryField()
    size = models.PositiveIntegerField()  # of the feed itself, before compression
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(contract__isnull=True),
                name="one_organisation_feed_body",
            ),
            models.UniqueConstraint(fields=["contract"], name="one_contract_feed_body"),
        ]

    def __str__(self) -> str:
        return f"calendar of organisation {self.organisation_id}, contract {self.contract_id}"
