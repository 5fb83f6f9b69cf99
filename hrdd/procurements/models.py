"""A procurement: one purchase, the thread through the manual's four steps (a star: each step points here)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.models import OwnedModel
from hrdd.core.versions import version_field
from hrdd.domain.risk import get_risk_method


def product_category_choices() -> list[tuple[str, str]]:
    """The product categories of the risk method (one list for every step)."""
    return [(p.id, p.title) for p in get_risk_method().products]


class Procurement(OwnedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    product_category = models.CharField(
        _("product category"), max_length=40, choices=product_category_choices, blank=True
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    updated_at = models.DateTimeField(auto_now=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("procurement")
        verbose_name_plural = _("procurements")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="procurement_org_created")]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})" if self.reference else self.title

    def get_absolute_url(self) -> str:
        return reverse("procurements:detail", args=[self.public_id])
