"""Tenders (the human-rights annex chosen for a procurement) and the evaluations of their bids."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.core.versions import version_field


class Tender(OwnedModel):
    procurement = models.ForeignKey(
        "procurements.Procurement", on_delete=models.PROTECT, related_name="tenders"
    )
    title = models.CharField(_("title"), max_length=200)
    consultation = models.ForeignKey(
        "consultations.Consultation", on_delete=models.SET_NULL, null=True, blank=True, related_name="tenders"
    )
    risk_assessment = models.ForeignKey(
        "risks.ProductRiskAssessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tenders",
    )
    framework_id = models.CharField(max_length=60, default="cfit-2025-tender")
    scenario = models.PositiveSmallIntegerField(_("scenario"))
    months = models.PositiveSmallIntegerField(
        _("months for the risk assessment after award (CC1)"), default=3
    )
    require_label = models.BooleanField(_("require TCO Certified or EPEAT (or equivalent)"), default=True)
    weights = models.JSONField(default=dict)
    # the buyer's choices where the manual leaves room (label role, TCO/EPEAT generation, AC7 scoring)
    choices = models.JSONField(_("the buyer's choices"), default=dict, blank=True)
    # The scenario the consultation recommended when the tender was built (None: no recommendation then); the
    # tender's page warns when the consultation recommends another one now.
    recommended_scenario = models.PositiveSmallIntegerField(
        _("scenario recommended when built"), null=True, blank=True
    )
    # The language of the tender documents (the annex, the award report), whatever language the buyer reads
    # hrdd in; a download may ask for another one (issue 16).
    language = models.CharField(
        _("language of the tender documents"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Set when the buyer archives the tender: it leaves the lists (unless asked for) and can be restored.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("tenders:detail", args=[self.public_id])


class BidEvaluation(models.Model):
    """One evaluation of the bids received for a tender: what was read and what it gave."""

    owner_path = "tender__organisation"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="evaluations")
    request = models.JSONField()
    result = models.JSONField()
    # the template and parameters of the result's reasons and notes (Evaluation.texts), so that a page says a
    # stored evaluation in its reader's language; empty for evaluations stored before
    texts = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.tender} evaluation {self.created_at:%Y-%m-%d %H:%M}"


class Bid(models.Model):
    """One bidder of an evaluation, as the company it is: the name in the bid points to one company record."""

    owner_path = "evaluation__tender__organisation"

    evaluation = models.ForeignKey(BidEvaluation, on_delete=models.CASCADE, related_name="bids")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="bids")
    bidder = models.CharField(_("bidder as named in the bid"), max_length=200)

    objects = OwnedManager()

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "bidder"], name="one_bid_per_bidder")]

    def __str__(self) -> str:
        return self.bidder


class BidDraft(models.Model):
    """A bid as the buyer enters it, one per bidder, kept as a draft (editable, deletable) until the buyer
    evaluates the drafts: `entries` are the form's values as typed, `bid` the bid as the tender rules read it."""

    owner_path = "tender__organisation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bid_drafts")
    bidder = models.CharField(_("bidder"), max_length=200)
    price = models.FloatField(_("price"))
    entries = models.JSONField(default=dict)
    bid = models.JSONField(default=dict)
    # raised by every save: a form posted with an older version was opened before someone else's save
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["tender", "bidder", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "bidder"], name="one_draft_per_bidder"),
        ]

    def __str__(self) -> str:
        return self.bidder

    def get_absolute_url(self) -> str:
        return reverse("tenders:bid", args=[self.tender.public_id, self.public_id])


class BidFile(models.Model):
    """Evidence attached to a bid draft, one file per part of the bid (label, risk assessment, site list, ...);
    a risk assessment keeps hrdd's check of its text."""

    owner_path = "draft__tender__organisation"

    draft = models.ForeignKey(BidDraft, on_delete=models.CASCADE, related_name="files")
    part = models.CharField(max_length=40)
    file = models.FileField(upload_to="bids/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    check_result = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["draft", "part"]
        constraints = [models.UniqueConstraint(fields=["draft", "part"], name="one_file_per_bid_part")]

    def __str__(self) -> str:
        return self.filename
