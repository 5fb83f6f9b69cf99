"""Market consultations (CFIT manual 3.2; Directive 2014/24/EU Art. 40) and the suppliers invited to them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_token
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID
from hrdd.procurements.models import product_category_choices

__all__ = ["Consultation", "Invitation", "new_token", "product_category_choices"]


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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

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
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.LINK)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["created_at", "id"]
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

    def get_respond_url(self) -> str:
        return reverse("respond", args=[self.token])

    def as_raw_response(self) -> dict[str, object]:
        """Return the stored answers in the shape the domain scoring reads."""
        return {
            "company": self.company_as_given or self.company_name,
            "role": self.role,
            "answers": self.answers,
        }
