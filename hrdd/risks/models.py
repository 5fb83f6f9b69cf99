"""Knowledge-base editions imported after the shipped ones, and risk assessments saved with a procurement."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.models import OwnedModel
from hrdd.core.versions import version_field


class KnowledgeEdition(models.Model):
    """A newer edition of one knowledge table (e.g. USGS MCS 2025), replacing the shipped file while active."""

    table = models.CharField(_("table"), max_length=60, db_index=True)
    label = models.CharField(_("edition"), max_length=200)
    csv_text = models.TextField()
    row_count = models.PositiveIntegerField()
    is_active = models.BooleanField(default=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["table", "-imported_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["table"], condition=models.Q(is_active=True), name="one_active_edition_per_table"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.label}"


class ProductRiskAssessment(OwnedModel):
    """A buyer's risk assessment of a product category, with their adjustments, saved with a procurement."""

    procurement = models.ForeignKey(
        "procurements.Procurement",
        on_delete=models.PROTECT,
        related_name="risk_assessments",
        verbose_name=_("procurement"),
    )
    title = models.CharField(_("title"), max_length=200)
    product = models.CharField(_("product category"), max_length=40)
    adjustments = models.JSONField(default=dict, blank=True)
    # The result as it was when saved, so that a later knowledge edition does not rewrite history.
    result = models.JSONField(default=dict)
    method = models.CharField(max_length=60)
    updated_at = models.DateTimeField(auto_now=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("risks:saved", args=[self.public_id])
