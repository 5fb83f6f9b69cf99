"""Companies: a supplier, brand, reseller, manufacturer or smelter as one record, whatever names it."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.models import OwnedModel
from hrdd.core.versions import version_field
from hrdd.domain.countries import country_name


class Company(OwnedModel):
    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("Supplier")
        BRAND = "brand", _("Brand")
        RESELLER = "reseller", _("Reseller")
        MANUFACTURER = "manufacturer", _("Manufacturer")
        SMELTER = "smelter", _("Smelter or refiner")

    legal_name = models.CharField(_("legal name"), max_length=200)
    # The comparable form of the legal name (hrdd.domain.companies.normalise_company_name).
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SUPPLIER)
    country_iso3 = models.CharField(_("country"), max_length=3, blank=True)
    website = models.URLField(_("website"), blank=True)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    registration_number = models.CharField(_("VAT or chamber-of-commerce number"), max_length=22, blank=True)
    duns = models.CharField(_("D-U-N-S number"), max_length=9, blank=True)
    rmi_cid = models.CharField(_("RMI facility id"), max_length=9, blank=True)
    os_id = models.CharField(_("Open Supply Hub id"), max_length=15, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subsidiaries",
        verbose_name=_("parent company"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Its owner may share a supplier's record (name, identifiers, risk tier) read-only (issue 16); the contracts,
    # answers and bids that name it stay with the owner.
    share_root = ""

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

    class Meta:
        ordering = ["legal_name", "id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "normalised_name", "country_iso3"],
                name="one_company_per_name_and_country",
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def country_name(self) -> str:
        return country_name(self.country_iso3) if self.country_iso3 else ""

    def get_absolute_url(self) -> str:
        return reverse("companies:detail", args=[self.public_id])
