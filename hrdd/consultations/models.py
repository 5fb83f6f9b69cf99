"""Market consultations (CFIT manual 3.2; Directive 2014/24/EU Art. 40) and the suppliers invited to them."""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hrdd.core.ids import new_token
from hrdd.core.linktokens import SecretLink, expiry_day
from hrdd.core.models import OwnedManager, OwnedModel
from hrdd.core.versions import version_field
from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID
from hrdd.procurements.models import product_category_choices

__all__ = [
    "CoOwner",
    "Consultation",
    "Invitation",
    "ResponseVerdict",
    "ScenarioChoice",
    "new_token",
    "product_category_choices",
]


def _co_owning(organisation_id: int, consultation: str) -> Exists:
    """Whether the organisation co-owns the consultation at `consultation` (an outer reference), accepted and not
    left: the one condition every joint row is seen through (issue 16)."""
    return Exists(
        CoOwner.objects.filter(
            consultation_id=OuterRef(consultation),
            organisation_id=organisation_id,
            status=CoOwner.Status.ACCEPTED,
        )
    )


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

    # Agreed by every co-owning organisation (issue 16, manual Lesson 6): kept by consultations.joint when the
    # choices agree, cleared when one changes or an organisation joins or leaves. A tender built from it starts there.
    agreed_scenario = models.PositiveSmallIntegerField(_("agreed scenario"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

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

    @classmethod
    def joint_condition(cls, organisation_id: int) -> Q:
        """The consultations the organisation co-owns with their owner (hrdd.core.models.joint_condition)."""
        return Q(_co_owning(organisation_id, "pk"))


class Invitation(SecretLink):
    """One supplier asked to answer a consultation, through a secret link, and its answers. The link is stored
    hashed (hrdd.core.linktokens) and works until the consultation's deadline plus a grace period."""

    owner_path = "consultation__organisation"
    link_kind = "invitation"

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        DRAFT = "draft", _("Draft saved")
        SUBMITTED = "submitted", _("Submitted")

    class Channel(models.TextChoices):
        LINK = "link", _("Supplier link")
        SPREADSHEET = "spreadsheet", _("Imported spreadsheet")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"), blank=True)
    # Set when the buyer revokes the link (it stops working; the invitation and its answers stay); a re-issued
    # link clears it.
    link_revoked_at = models.DateTimeField(_("link revoked"), null=True, blank=True)
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
    # The co-owning organisation that invited the supplier (None: the consultation's owner).
    invited_by = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The organisations the respond page named ("Your answers will be seen by") when the supplier submitted: a
    # co-owner sees the answers only if named here, so a co-owner who joined later does not (issue 16).
    submitted_to = models.ManyToManyField("accounts.Organisation", blank=True, related_name="+")

    objects = OwnedManager()

    # moved on by every save through the services; a save from a form opened on an older one is refused
    version = version_field()

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
        """The supplier's link ('' when hrdd cannot write its token: hrdd.core.linktokens)."""
        return self.link_path("respond")

    @property
    def link_expires_on(self) -> dt.date:
        """The last day the supplier's link works: the consultation's deadline plus the grace period."""
        return expiry_day(
            until=self.consultation.deadline,
            issued_at=self.token_issued_at,
            grace_days=settings.HRDD_INVITATION_LINK_GRACE_DAYS,
        )

    def as_raw_response(self) -> dict[str, object]:
        """Return the stored answers in the shape the domain scoring reads."""
        return {
            "company": self.company_as_given or self.company_name,
            "role": self.role,
            "answers": self.answers,
        }

    @classmethod
    def joint_condition(cls, organisation_id: int) -> Q:
        """The invitations of the consultations the organisation co-owns (their answers: `answers_seen`)."""
        return Q(_co_owning(organisation_id, "consultation_id"))

    @classmethod
    def answers_seen(cls, organisation_id: int) -> Q:
        """The invitations whose answers the organisation may read: those of its own consultations, and those
        submitted to it as a co-owner (one query, with the invitations)."""
        named = Invitation.submitted_to.through.objects.filter(
            invitation_id=OuterRef("pk"), organisation_id=organisation_id
        )
        return Q(consultation__organisation_id=organisation_id) | (
            Q(_co_owning(organisation_id, "consultation_id")) & Q(Exists(named))
        )


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

    @classmethod
    def joint_condition(cls, organisation_id: int) -> Q:
        """A co-owner reads the verdicts of the answers submitted to it, never of those that came before it."""
        named = Invitation.submitted_to.through.objects.filter(
            invitation_id=OuterRef("invitation_id"), organisation_id=organisation_id
        )
        return Q(_co_owning(organisation_id, "invitation__consultation_id")) & Q(Exists(named))


class CoOwner(models.Model):
    """Another organisation of the installation invited by a consultation's owner to run it together (issue 16;
    manual Lesson 6: buyers who share suppliers consult them as one). Once its administrator or procurement officer
    accepts, it sees the consultation, its invitations and the answers submitted to it, invites suppliers and takes
    part in the scenario decision; the consultation's settings stay with the owner."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Co-owner")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="co_owners")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="co_owned_consultations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    via_group = models.CharField(_("invited through the group"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["invited_at", "id"]
        verbose_name = _("co-owner")
        verbose_name_plural = _("co-owners")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "organisation"], name="one_co_owner_row")
        ]
        # the wall's EXISTS: the co-owners of a consultation in one state, and an organisation's pending invitations
        indexes = [models.Index(fields=["organisation", "status"], name="co_owner_org_status")]

    def __str__(self) -> str:
        return f"{self.organisation_id} on {self.consultation_id} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACCEPTED


class ScenarioChoice(models.Model):
    """The tender scenario (1, 2 or 3) one co-owning organisation, or the owner, chooses for a joint consultation,
    with an optional note; the consultation is agreed when every one of them chose the same (consultations.joint)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="scenario_choices")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    scenario = models.PositiveSmallIntegerField(_("scenario"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    chosen_at = models.DateTimeField()

    class Meta:
        ordering = ["chosen_at", "id"]
        verbose_name = _("scenario choice")
        verbose_name_plural = _("scenario choices")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"], name="one_choice_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: scenario {self.scenario}"
