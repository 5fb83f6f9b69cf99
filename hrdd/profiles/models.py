"""A supplier's answers kept as a company profile, reused for another buyer's request with the supplier's consent
(issue 16, "Portable supplier answers").

Suppliers have no accounts: possession of the e-mail address is the proof. A profile is tied to one address and
managed through a secret link e-mailed to it; it is offered only on a request sent to the same address. Each
version is the whole profile at the time it was saved, in the open export format (hrdd.profiles.format). A share
records the supplier's consent to one buyer seeing one version on one request; revoking it takes the answers
back at once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_public_id
from hrdd.core.linktokens import SecretLink


class SupplierProfile(SecretLink):
    """A supplier's company profile, tied to the e-mail address that manages it (its management link is stored
    hashed: hrdd.core.linktokens)."""

    link_kind = "profile"

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    company_as_given = models.CharField(_("company name as the supplier gave it"), max_length=200)
    email = models.EmailField(_("e-mail address"), db_index=True)
    # The language of the management page and e-mails (the request's, when the profile was kept from one).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the address proved itself: the profile was kept through a link sent to it, or its management link
    # (e-mailed to it) was opened. An imported profile is offered on no request before.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("supplier profile")
        verbose_name_plural = _("supplier profiles")

    def __str__(self) -> str:
        return f"{self.company_as_given} <{self.email}>"

    def get_manage_url(self) -> str:
        return self.link_path("profiles:manage")


class ProfileVersion(models.Model):
    """The whole profile at the time it was saved; never changed afterwards."""

    class Source(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", _("a submitted questionnaire")
        SITE_LIST = "site_list", _("a site list")
        RISK_ASSESSMENT = "risk_assessment", _("a risk assessment")
        RMI_REPORT = "rmi_report", _("an RMI report")
        IMPORT = "import", _("an imported file")

    profile = models.ForeignKey(SupplierProfile, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    saved_at = models.DateTimeField(_("saved"))
    # {"questionnaire": ..., "site_list": ..., "risk_assessment": ...}: a version of the export format without its
    # number, date and source (hrdd.profiles.format.VersionContent).
    content = models.JSONField()
    source = models.CharField(max_length=20, choices=Source.choices)
    # Where it was saved from (never exported: it is the buyer's request).
    invitation = models.ForeignKey(
        "consultations.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submission = models.ForeignKey(
        "contracts.Submission", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rmi_upload = models.ForeignKey(
        "rmi.Upload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["profile", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "number"], name="one_profile_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.profile} v{self.number}"


class ProfileShare(models.Model):
    """The supplier's consent to one buyer seeing one version of the profile on one request."""

    owner_path = "organisation"

    class Ended(models.TextChoices):
        SUPPLIER = "supplier", _("withdrawn by the supplier")
        REPLACED = "replaced", _("replaced by a newer version")
        DELETED = "deleted", _("the profile was deleted")

    public_id = models.UUIDField(default=new_public_id, unique=True, editable=False)
    # Kept when the profile is deleted: the buyer's page still says when the answers were withdrawn.
    profile = models.ForeignKey(
        SupplierProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    version = models.ForeignKey(
        ProfileVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    version_number = models.PositiveIntegerField(_("version"))
    version_saved_at = models.DateTimeField(_("version saved"))
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("buyer")
    )
    invitation = models.ForeignKey(
        "consultations.Invitation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="profile_shares",
    )
    obligation = models.ForeignKey(
        "contracts.Obligation", on_delete=models.CASCADE, null=True, blank=True, related_name="profile_shares"
    )
    # The contract submission made from the shared version (a site list or a risk assessment): withdrawn with the
    # share (hrdd.contracts.services.submission_withdraw), then None.
    submission = models.ForeignKey(
        "contracts.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profile_shares",
    )
    # An RMI report of the version shared on a buyer's smelter-list request (issue 16): the request, and the upload
    # made from the report (removed with the share, then None).
    rmi_request = models.ForeignKey(
        "rmi.SupplierRequest", on_delete=models.CASCADE, null=True, blank=True, related_name="profile_shares"
    )
    rmi_upload = models.ForeignKey(
        "rmi.Upload", on_delete=models.SET_NULL, null=True, blank=True, related_name="profile_shares"
    )
    # The part of the version shared on a contract ("site_list" or "risk_assessment"; "rmi:CMRT"... for an RMI
    # report; "" for a questionnaire).
    part = models.CharField(max_length=20, blank=True, default="")
    consent_text = models.TextField(_("consent given"))
    consented_at = models.DateTimeField(_("consented"))
    # How many answers the supplier changed after filling in from the profile and before sharing.
    answers_changed = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    ended_because = models.CharField(max_length=20, choices=Ended.choices, blank=True)

    class Meta:
        ordering = ["-consented_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation"],
                condition=models.Q(revoked_at__isnull=True, invitation__isnull=False),
                name="one_live_profile_share_per_invitation",
            )
        ]

    def __str__(self) -> str:
        return f"version {self.version_number} shared with {self.organisation_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
