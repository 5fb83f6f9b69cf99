"""Market consultations (CFIT manual 3.2; Directive 2014/24/EU Art. 40) and the suppliers invited to them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_token
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID
from hrdd.procurements.models import product_category_choices

__all__ = ["Consultation", "Invitation", "ResponseVerdict", "new_token", "product_category_choices"]


class Consultation(OwnedModel):
    procurement = models.ForeignKey(
        "procurements.Procurement", on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(_("title"), max_length=200)
    product_category = models.CharField(
        _("product category"), max_length=40, choices=product_category_choices
    )
    framework_id = models.CharField(_("questionnaire"), max_length=60, default=DEFAULT_FRAMEWORK_ID)
    deadline = models.DateField(_("deadline for answers"))
    # Set when the buyer archives the consultation: it leaves the lists (unless asked for) and can be restored.
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    # Its owner may share a consultation's results read-only (issue 16); the invitations and answers never move
    # (Invitation and ResponseVerdict do not opt in): a supplier's own answers stay with the buyer it answered.
    share_root = ""

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        # the list's first page, newest first, read without sorting every consultation of the organisation
        indexes = [models.Index(fields=["organisation", "-created_at"], name="consultation_org_created")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.public_id])


class Invitation(models.Model):
    """One supplier asked to answer a consultation, through a secret link, and its answers."""

    owner_path = "consultation__organisation"

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        DRAFT = "draft", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")

    class Channel(models.TextChoices):
        LINK = "link", _("Supplier link")
        SPREADSHEET = "spreadsheet", _("Imported spreadsheet")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("company"),
    )
    # The supplier's own spelling; `company` is the record it was resolved to when the answers were submitted.
    company_as_given = models.CharField(_("company name as the supplier gave it"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    # The language of the supplier's pages and e-mails, set by the buyer; empty: the supplier's browser decides
    # the pages, the site's default the e-mails (hrdd.core.languages). The page's language switch overrides it.
    language = models.CharField(
        _("supplier's language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.LINK)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Submitted after the consultation's deadline (kept in step when the deadline changes): accepted, but marked.
    late = models.BooleanField(_("answered late"), default=False)
    # The last time the link was e-mailed (None: never, e.g. a response imported from a spreadsheet).
    sent_at = models.DateTimeField(_("link last sent"), null=True, blank=True)
    # Set when the buyer withdraws the invitation: its link stops working and its answers no longer count.
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["created_at", "id"]
        # a consultation's suppliers table, a page at a time in the order invited
        indexes = [models.Index(fields=["consultation", "created_at"], name="invitation_cons_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "email"],
                condition=~models.Q(email=""),
                name="one_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return self.company_name or self.email or f"invitation {self.pk}"

    @property
    def company_name(self) -> str:
        return self.company.legal_name if self.company_id else self.company_as_given

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def get_respond_url(self) -> str:
        return reverse("respond", args=[self.token])

    def as_raw_response(self) -> dict[str, object]:
        """Return the stored answers in the shape the domain scoring reads."""
        return {
            "company": self.company_as_given or self.company_name,
            "role": self.role,
            "answers": self.answers,
        }


class ResponseVerdict(models.Model):
    """The verdict on one submitted response, kept with it (CFIT manual 3.2, Annex 2b): computed by the domain when
    the response is submitted or imported, removed when the buyer reopens it. Pages read it instead of scoring every
    response on each view; `consultation_scores_verify` proves that it agrees with a fresh computation."""

    owner_path = "invitation__consultation__organisation"

    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, primary_key=True, related_name="verdict"
    )
    framework_id = models.CharField(max_length=60)
    framework_version = models.CharField(max_length=40)
    # The domain's ResponseScore as JSON (company, role, scores, levels, overall, warnings, framework, reasons);
    # null when the stored answers could not be scored (`error` says why).
    score = models.JSONField(null=True, blank=True)
    levels = models.JSONField(default=dict, blank=True)  # dimension id -> maturity level
    overall = models.CharField(_("overall maturity"), max_length=40, blank=True)
    # The overall level's place in the framework's ladder (0 for the lowest): lists sort and filter by it.
    overall_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    computed_at = models.DateTimeField()

    objects = OwnedManager()

    class Meta:
        verbose_name = _("response verdict")
        verbose_name_plural = _("response verdicts")

    def __str__(self) -> str:
        return f"{self.invitation_id}: {self.overall or self.error[:40]}"

    @property
    def framework_label(self) -> str:
        return f"{self.framework_id} {self.framework_version}"
