"""Market consultations (CFIT manual 3.2; Directive 2014/24/EU Art. 40) and the suppliers invited to them."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID
from hrdd.domain.risk import get_risk_method


def product_category_choices() -> list[tuple[str, str]]:
    """The product categories of the risk method (one list for steps 1 and 2)."""
    return [(p.id, p.title) for p in get_risk_method().products]


class Consultation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="consultations"
    )
    title = models.CharField(_("title"), max_length=200)
    product_category = models.CharField(
        _("product category"), max_length=40, choices=product_category_choices
    )
    framework_id = models.CharField(_("questionnaire"), max_length=60, default=DEFAULT_FRAMEWORK_ID)
    deadline = models.DateField(_("deadline for answers"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.public_id])


def new_token() -> str:
    """Return an unguessable token for a supplier link (256 random bits)."""
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """One supplier asked to answer a consultation, through a secret link, and its answers."""

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
    company = models.CharField(_("company"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=40, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.INVITED)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.LINK)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        return self.company or self.email or f"invitation {self.pk}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def get_respond_url(self) -> str:
        return reverse("respond", args=[self.token])

    def as_raw_response(self) -> dict[str, object]:
        """Return the stored answers in the shape the domain scoring reads."""
        return {"company": self.company, "role": self.role, "answers": self.answers}
