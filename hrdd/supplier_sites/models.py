"""The one registry of real production sites, shared by every organisation of the installation (issue 11).

What is shared and what is walled:

- `Site`, `SiteGroup`, `MatchDecision` and `SiteMerge` are installation-wide: one factory is one `Site` whichever
  buyer's supplier named it, so that an allegation about it reaches every exposed contract (issue 12). A site
  record tells only what the factory is (names, address, type, group, identifiers), never who named it.
- `SiteMention` is owned by one organisation (an OwnedModel): who named the site, under which contract, in which
  submission or registry import, on which day, for which products, exactly as typed. Another organisation never
  sees it, unless the organisation shares the site with it (issue 16): then the other sees the rows it entered or
  imported itself, never those of a supplier's site list; pages reach mentions only through
  `SiteMention.objects.owned_by(user)` and, for what is shared, `visible_to(user)`.
- `SiteImport` (a registry list uploaded by an organisation) is owned like a mention.

Groups: `hrdd.companies.Company` is a record of one organisation (its suppliers, as it knows them), so it cannot
carry an installation-wide group hierarchy. `SiteGroup` is the installation-wide entity instead: a corporate group,
a sub-group or a legal entity, with a parent of any depth (group -> legal entity -> site) and a role in the
electronics chain (OEM, ODM/EMS, JDM, contract manufacturer). A site's `operator` is the nearest entity known: its
legal entity, or the group itself when only the group is known. An organisation ties one of its own companies to
a registry entity with `CompanyGroupLink` (owned by that organisation), so its supplier pages can show the group
and an incident on a group reaches that organisation's contracts with the company.

Matching verdicts are stored with each mention when it is matched (status, score, reason, candidates with their
per-field reasons) and never recomputed per request. A reviewer's confirm or reject is a `MatchDecision` on the pair
(record fingerprint, site): applied to every later upload of the same record by anyone, so nobody is asked twice.
A `SiteMerge` keeps what it moved, so that it can be undone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_public_id
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.domain.countries import country_name
from hrdd.domain.text_data import text_from_data


class GroupRole(models.TextChoices):
    """The role of a company in the electronics chain (what it does for the brands it makes products for)."""

    OEM = "oem", _("OEM (brand owner)")
    ODM_EMS = "odm_ems", _("ODM / EMS")
    JDM = "jdm", _("JDM (joint design manufacturer)")
    CONTRACT_MANUFACTURER = "contract_manufacturer", _("Contract manufacturer")


class SiteGroup(models.Model):
    """A corporate group, a sub-group or a legal entity in the installation-wide group tree (any depth)."""

    class Kind(models.TextChoices):
        GROUP = "group", _("Group")
        LEGAL_ENTITY = "legal_entity", _("Legal entity")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    # The comparable form of the name (hrdd.domain.companies.normalise_company_name).
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GROUP)
    role = models.CharField(_("role"), max_length=30, choices=GroupRole.choices, blank=True)
    country_iso3 = models.CharField(_("country"), max_length=3, blank=True)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("site group")
        verbose_name_plural = _("site groups")
        constraints = [
            models.UniqueConstraint(
                fields=["normalised_name", "country_iso3"], name="one_site_group_per_name_and_country"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('supplier_sites:groups')}#group-{self.public_id}"


class SiteType(models.TextChoices):
    """What a site does; each type is one supply-chain stage of the risk method (hrdd/frameworks/risk-method)."""

    FINAL_ASSEMBLY = "final_assembly", _("Final assembly")
    COMPONENT_MANUFACTURING = "component_manufacturing", _("Component manufacturing")
    RAW_MATERIAL_PROCESSING = "raw_material_processing", _("Raw-material processing (smelter, refiner)")
    MINE = "mine", _("Mine")
    RECYCLING = "recycling", _("Recycling")


# The risk method's stage of each site type (hrdd.domain.sites.site_stage reads typed words into these stages).
STAGE_OF_TYPE = {
    SiteType.FINAL_ASSEMBLY: "assembly",
    SiteType.COMPONENT_MANUFACTURING: "component_manufacturing",
    SiteType.RAW_MATERIAL_PROCESSING: "refining_smelting",
    SiteType.MINE: "mining",
    SiteType.RECYCLING: "end_of_life",
}
TYPE_OF_STAGE = {stage: site_type for site_type, stage in STAGE_OF_TYPE.items()}


class Site(models.Model):
    """A real production site, once for the whole installation, whatever spelling its mentions use."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        MOVED = "moved", _("Moved")
        # merged into another site (`merged_into`); kept so that the merge can be undone, never listed
        MERGED = "merged", _("Merged")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=300)
    normalised_name = models.CharField(max_length=300, editable=False, db_index=True)
    # Other spellings, local-script names and the names of sites merged into this one.
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country_iso3 = models.CharField(_("country"), max_length=3)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    site_type = models.CharField(_("site type"), max_length=30, choices=SiteType.choices, blank=True)
    # An artisanal or small-scale mine (ASM): a mine worked by individuals, families or cooperatives with little
    # mechanisation; what a supplier's risk tier and the ASM formalisation work look for.
    is_artisanal = models.BooleanField(_("artisanal or small-scale mine"), default=False)
    operator = models.ForeignKey(
        SiteGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sites",
        verbose_name=_("operated by"),
    )
    os_id = models.CharField(_("Open Supply Hub id"), max_length=15, blank=True, db_index=True)
    rmi_cid = models.CharField(_("RMI facility id"), max_length=9, blank=True, db_index=True)
    lei = models.CharField(_("LEI"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    moved_to = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moved_from",
        verbose_name=_("moved to"),
    )
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_sites", editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        indexes = [models.Index(fields=["country_iso3", "status"], name="site_country_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("supplier_sites:site", args=[self.public_id])

    @property
    def country_name(self) -> str:
        return country_name(self.country_iso3) if self.country_iso3 else ""

    @property
    def stage(self) -> str | None:
        """The risk method's supply-chain stage of the site's type (None when the type is not known)."""
        return STAGE_OF_TYPE.get(self.site_type) if self.site_type else None  # type: ignore[call-overload]

    @property
    def is_listed(self) -> bool:
        """Whether the registry lists the site (a merged site is reached only through its merge)."""
        return self.status != self.Status.MERGED

    def share_refusal(self, organisation_id: int) -> str:
        """Why an organisation may not share what it knows of this site ('' when it may): it must name the site."""
        if not self.is_listed:
            return str(_("This site was merged into another: share that one."))
        if not SiteMention.objects.filter(site=self, organisation_id=organisation_id).exists():
            return str(_("Your organisation does not name this site: there is nothing of yours to share."))
        return ""


class CompanyGroupLink(OwnedModel):
    """An organisation's company (hrdd.companies) tied to an installation-wide group entity."""

    company = models.OneToOneField(
        "companies.Company", on_delete=models.CASCADE, related_name="site_group_link"
    )
    group = models.ForeignKey(SiteGroup, on_delete=models.CASCADE, related_name="company_links")

    def __str__(self) -> str:
        return f"{self.company} = {self.group}"


class SiteImport(OwnedModel):
    """A registry list (CSV or XLSX; the CC2 columns or Open Supply Hub's) uploaded by an organisation: its
    counts and the rows refused with their reasons. Its rows become mentions owned by the same organisation."""

    filename = models.CharField(max_length=255)
    supplier = models.ForeignKey(
        "companies.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="site_imports"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, null=True, blank=True, related_name="site_imports"
    )
    task_run = models.OneToOneField(
        "core.TaskRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="site_import"
    )
    rows = models.PositiveIntegerField(default=0)
    # {"linked": n, "review": n, "new": n, "rejected": n}
    counts = models.JSONField(default=dict, blank=True)
    # [{"row": 7, "field": "country", "reason": "..."}], at most REJECTED_KEPT of them
    rejected_rows = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class MentionStatus(models.TextChoices):
    """The match verdict of one mention: how it came to its site."""

    AUTO = "auto", _("Linked automatically")
    REVIEW = "review", _("Waiting for review")
    NEW = "new", _("New site")
    CONFIRMED = "confirmed", _("Confirmed by a reviewer")
    REJECTED = "rejected", _("Candidates rejected: a new site")


class SiteMention(OwnedModel):
    """One row of a supplier's site list or of a registry import that names a site, exactly as typed, with the
    match verdict stored when it was matched. Owned by the organisation of the contract or the import."""

    class Source(models.TextChoices):
        SUBMISSION = "submission", _("Supplier's site list")
        IMPORT = "import", _("Registry import")
        MANUAL = "manual", _("Entered by hand")

    Status = MentionStatus

    # Sharing a site (hrdd.accounts.Share, issue 16) shares the owner's rows that name it, except the rows of a
    # supplier's site list: a supplier's own submission never moves without the supplier's consent.
    share_root = "site"
    share_limit = ~models.Q(source=Source.SUBMISSION)

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="mentions"
    )  # None while waiting for review
    source = models.CharField(max_length=12, choices=Source.choices)
    production_site = models.OneToOneField(
        "contracts.ProductionSite",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mention",
    )
    submission = models.ForeignKey(
        "contracts.Submission", on_delete=models.CASCADE, null=True, blank=True, related_name="site_mentions"
    )
    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, null=True, blank=True, related_name="site_mentions"
    )
    supplier = models.ForeignKey(
        "companies.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="site_mentions"
    )
    site_import = models.ForeignKey(
        SiteImport, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    mentioned_on = models.DateField(_("named on"))
    row = models.PositiveIntegerField(
        null=True, blank=True
    )  # the row number in the file, as a spreadsheet shows it
    raw = models.JSONField(default=dict, blank=True)  # the row exactly as typed: column header -> cell
    # the record as read from the row (what was matched)
    name = models.CharField(_("name"), max_length=300)
    address = models.CharField(_("address"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country_iso3 = models.CharField(_("country"), max_length=3)
    site_type = models.CharField(_("site type as typed"), max_length=100, blank=True)
    products = models.CharField(_("products or components"), max_length=500, blank=True)
    group_name = models.CharField(_("group as typed"), max_length=200, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)  # hrdd.domain.sitematch.record_fingerprint
    # the stored verdict
    status = models.CharField(max_length=10, choices=MentionStatus.choices)
    score = models.FloatField(default=0.0)
    reason = models.CharField(max_length=500, blank=True)
    # The reason's template and parameters (hrdd.domain.text_data), to say it in the reader's language (issue 16).
    reason_said = models.JSONField(null=True, blank=True, default=None)
    # [{"site": public id, "name": ..., "score": p, "agreements": [{"field", "level", "weight", "detail",
    #   "detail_said"}]}]
    candidates = models.JSONField(default=list, blank=True)
    matched_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = OwnedManager()

    class Meta:
        ordering = ["-mentioned_on", "row", "id"]
        indexes = [
            models.Index(fields=["organisation", "status"], name="mention_org_status"),
            models.Index(fields=["site", "organisation"], name="mention_site_org"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def best_candidate(self) -> dict[str, object] | None:
        return self.candidates[0] if self.candidates else None

    @property
    def reason_text(self) -> str:
        """The stored reason as a Text again (said per language by `|say`); an older row's English as it is."""
        return text_from_data(self.reason, self.reason_said)


class MatchDecision(models.Model):
    """A reviewer's remembered decision about a pair (record fingerprint, site): the same site or not. Applied to
    every later upload of the same record by anyone in the installation; the labelled pairs also calibrate the
    matching model."""

    fingerprint = models.CharField(max_length=64)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="decisions")
    same = models.BooleanField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # the record as the reviewer saw it (name, address, city, postal code, country): the labelled example
    record = models.JSONField(default=dict, blank=True)
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint", "site"], name="one_decision_per_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.fingerprint[:8]} {'=' if self.same else '≠'} {self.site}"


class SiteMerge(models.Model):
    """Two sites found to be one: `merged` folded into `kept`. `moved` keeps everything the merge changed, so that
    `site_merge_undo` puts it back."""

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    kept = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="merges_merged")
    # {"mentions": [ids], "decisions": [ids], "moved_from": [site ids], "kept_before": {...},
    #  "merged_status": "active"}
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged} into {self.kept}"


class MatchParameters(models.Model):
    """The matching model's weights calibrated on reviewers' confirmed pairs (`hrdd sites calibrate --apply`),
    installation-wide. At most one row is active: the services pass its parameters to the engine for every new
    match; with none active the engine uses the parameters shipped with hrdd. Replaced and reset rows are kept,
    so the history of the weights stays readable."""

    # hrdd.domain.sitematch.ModelParameters.to_json(), as JSON
    parameters = models.JSONField()
    pairs = models.PositiveIntegerField(help_text="confirmed pairs the weights were calibrated on")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "match parameters"
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_match_parameters"
            ),
        ]

    def __str__(self) -> str:
        return f"calibrated on {self.pairs} pairs ({'active' if self.active else 'inactive'})"
