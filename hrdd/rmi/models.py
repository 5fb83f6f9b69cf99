"""Smelter lists collected from suppliers (issue 13): campaigns, supplier requests with their secret links (stored
hashed, expiring, revocable and re-issuable: hrdd.core.linktokens, issue 17),
uploads (every version kept, the newest is the current one), the smelters each upload names, the RMI facility
list an organisation imports, and the consolidated smelters stored when uploads change (pages read them).

Walls: a campaign is owned by one organisation; its requests, uploads and their smelters are reached through it.
The registry sites the smelters are matched to are installation-wide (hrdd.supplier_sites).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_public_id
from hrdd.core.linktokens import SecretLink, expiry_day, link_holder_label
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.domain.countries import display_name
from hrdd.domain.text_data import text_from_data

TEMPLATE_CHOICES = [("CMRT", "CMRT"), ("EMRT", "EMRT"), ("CRT", "CRT"), ("AMRT", "AMRT")]


class Campaign(OwnedModel):
    """One request for smelter lists sent to several suppliers (e.g. "CMRT and EMRT 2025")."""

    title = models.CharField(_("title"), max_length=200)
    templates = models.JSONField(_("templates asked for"), default=list)  # ["CMRT", "EMRT"]
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    message = models.TextField(_("message to the suppliers"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("rmi:campaign", args=[self.public_id])


class SupplierRequest(SecretLink):
    """One supplier asked within a campaign, reached by its own secret link, or by the link of the contract or
    consultation invitation it was asked through. Its own link is stored hashed (hrdd.core.linktokens) and works
    until the campaign's deadline plus a grace period (a campaign without a deadline: a number of days after the
    link was issued), until the campaign is closed, or until the buyer revokes or re-issues it."""

    owner_path = "campaign__organisation"
    link_kind = "rmi"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requests")
    company = models.ForeignKey(
        "companies.Company", on_delete=models.PROTECT, null=True, blank=True, related_name="rmi_requests"
    )
    supplier_name = models.CharField(_("supplier"), max_length=200)
    email = models.EmailField(_("e-mail address"), blank=True)
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.SET_NULL, null=True, blank=True, related_name="rmi_requests"
    )
    invitation = models.ForeignKey(
        "consultations.Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rmi_requests",
    )
    # Set when the buyer revokes the link (it stops working; the request and its files stay); a re-issued link
    # clears it.
    link_revoked_at = models.DateTimeField(_("link revoked"), null=True, blank=True)
    current_upload = models.ForeignKey(
        "Upload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("link last sent"), null=True, blank=True)
    problems_sent_at = models.DateTimeField(_("problems last sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["supplier_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "company"], name="one_rmi_request_per_company")
        ]

    def __str__(self) -> str:
        return self.supplier_name

    def get_absolute_url(self) -> str:
        return reverse("rmi:request", args=[self.public_id])

    def get_supplier_url(self) -> str:
        """The supplier's link ('' when hrdd cannot write its token: hrdd.core.linktokens)."""
        return self.link_path("rmi:supplier")

    @property
    def link_expires_on(self) -> dt.date:
        """The last day the supplier's link works: the day the campaign closed; else its deadline plus the grace
        period; else, without a deadline, a number of days after the link was issued."""
        campaign = self.campaign
        if campaign.closed_at is not None:
            return timezone.localdate(campaign.closed_at)
        if campaign.deadline is not None:
            return expiry_day(
                until=campaign.deadline,
                issued_at=self.token_issued_at,
                grace_days=settings.HRDD_RMI_LINK_GRACE_DAYS,
            )
        issued = timezone.localdate(self.token_issued_at) if self.token_issued_at else timezone.localdate()
        return issued + dt.timedelta(days=settings.HRDD_RMI_LINK_UNDATED_DAYS)

    def opened_through(self, label: str) -> None:
        """Remember who holds the link the request was just opened by (the audit log's actor for what is done
        through it), in memory only: a contract's or an invitation's link when it was asked through one."""
        self.__dict__["_link_holder"] = label

    @property
    def link_holder(self) -> str:
        """The audit log's actor for what is done through the link the request was opened by (its own by
        default)."""
        return str(
            self.__dict__.get("_link_holder")
            or link_holder_label(self.link_kind, self.public_id, self.supplier_name)
        )


class Upload(models.Model):
    """One file a supplier sent for a request, and what reading it found (kept: a new upload replaces it as the
    current one, the older versions stay)."""

    owner_path = "request__campaign__organisation"

    class Status(models.TextChoices):
        READING = "reading", _("Being read")
        ACCEPTED = "accepted", _("Accepted")
        NEEDS_CORRECTION = "needs_correction", _("Needs correction")
        REFUSED = "refused", _("Not a template: needs a new file")
        FAILED = "failed", _("Could not be read")
        # issue 16: a report kept in the supplier's company profile, shared on the supplier's consent; there is no
        # workbook (content is empty) and the template's declaration was not checked again
        FROM_PROFILE = "from_profile", _("Shared from the supplier's profile (not re-checked)")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    request = models.ForeignKey(SupplierRequest, on_delete=models.CASCADE, related_name="uploads")
    number = models.PositiveIntegerField(default=1)  # the request's first, second... upload
    filename = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField(editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.READING)
    task_run = models.OneToOneField(
        "core.TaskRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="rmi_upload"
    )
    template_type = models.CharField(max_length=4, blank=True)
    template_version = models.CharField(max_length=20, blank=True)
    company_name = models.CharField(max_length=300, blank=True)
    declaration_scope = models.CharField(max_length=200, blank=True)
    minerals = models.JSONField(default=list, blank=True)
    refused = models.CharField(max_length=500, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    # [{"code", "severity", "sheet", "cell", "row", "metal", "cid", "message"}] as hrdd.domain.rmi gives them
    problems = models.JSONField(default=list, blank=True)
    reading = models.JSONField(
        default=dict, blank=True
    )  # the whole reading (`hrdd rmi read --json`'s object)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "number"], name="one_rmi_upload_number_per_request")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_current(self) -> bool:
        return self.request.current_upload_id == self.pk

    @property
    def refused_text(self) -> str:
        """Why the file was refused, as a Text again (said per language by `|say`) when the reading kept its
        template and parameters (issue 16); an older upload's English as it is."""
        return text_from_data(self.refused, (self.reading or {}).get("refused_said"))


class UploadSmelter(models.Model):
    """One Smelter List row of an upload, with the registry site it was matched to (through its site mention:
    a reviewer's later decision in the registry reaches it)."""

    owner_path = "upload__request__campaign__organisation"

    upload = models.ForeignKey(Upload, on_delete=models.CASCADE, related_name="smelters")
    row = models.PositiveIntegerField()
    metal = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=100, blank=True)  # as typed
    country_iso3 = models.CharField(max_length=3, blank=True)
    cid = models.CharField(max_length=20, blank=True)
    not_listed = models.BooleanField(default=False)
    mine_country = models.CharField(max_length=100, blank=True)
    recycled = models.CharField(max_length=40, blank=True)
    mention = models.ForeignKey(
        "supplier_sites.SiteMention", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        "supplier_sites.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OwnedManager()

    class Meta:
        ordering = ["upload", "row"]

    def __str__(self) -> str:
        return f"{self.metal} {self.name}"


class FacilityList(OwnedModel):
    """An RMI facility list (smelters and refiners with their RMAP status) imported by an organisation; the
    newest one is used."""

    filename = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10)  # "csv" or "xml"
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class Facility(models.Model):
    """One facility of an imported list."""

    owner_path = "facility_list__organisation"

    facility_list = models.ForeignKey(FacilityList, on_delete=models.CASCADE, related_name="facilities")
    cid = models.CharField(max_length=9, db_index=True)
    name = models.CharField(max_length=300, blank=True)
    metal = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=100, blank=True)  # as the list gives it ("Conformant", "Active"...)
    rmap = models.CharField(max_length=12, blank=True)  # "conformant", "active" or "" (neither)

    objects = OwnedManager()

    class Meta:
        ordering = ["facility_list", "cid"]

    def __str__(self) -> str:
        return f"{self.cid} {self.name}"


class ConsolidatedSmelter(models.Model):
    """One smelter or refiner of an organisation's supply chain for one metal, from the current uploads of all
    its suppliers: stored when an upload or the facility list changes, read by the pages, API and CLI."""

    owner_path = "organisation"

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="rmi_smelters"
    )
    metal = models.CharField(max_length=40, db_index=True)
    name = models.CharField(max_length=300)
    country_iso3 = models.CharField(max_length=3, blank=True)
    country = models.CharField(max_length=100, blank=True)  # as typed, when it named no country
    cid = models.CharField(max_length=20, blank=True)
    site = models.ForeignKey(
        "supplier_sites.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    identified = models.BooleanField(
        default=False
    )  # a valid RMI facility id, or a site found in the registry
    rmap = models.CharField(max_length=12, blank=True)  # "conformant", "active" or ""
    rmap_status = models.CharField(max_length=100, blank=True)  # as the facility list says it
    on_facility_list = models.BooleanField(default=False)
    cahra = models.BooleanField(default=False)
    cahra_reasons = models.JSONField(default=list, blank=True)  # ["DRC: EU indicative CAHRA list (2020)"]
    # [{"name": supplier, "request": public id, "campaign": title}]
    suppliers = models.JSONField(default=list, blank=True)
    supplier_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["metal", "name", "id"]
        indexes = [models.Index(fields=["organisation", "metal"], name="rmi_smelter_org_metal")]

    def __str__(self) -> str:
        return f"{self.metal}: {self.name}"

    @property
    def country_name(self) -> str:
        return display_name(self.country_iso3) if self.country_iso3 else self.country
