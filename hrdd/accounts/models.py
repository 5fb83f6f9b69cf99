"""Organisations and their users. An organisation is a wall: its users see only its data."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PUBLIC_BUYER = "public_buyer", _("Public buyer")
        COMPANY = "company", _("Company")
        SUPPLIER = "supplier", _("Supplier")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        """Create a user; with an organisation and a role, also their membership of it."""
        if not email:
            raise ValueError("an e-mail address is required")
        role = extra.pop("role", None)
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        if user.organisation_id is not None:
            Membership.objects.using(self._db).create(
                user=user, organisation_id=user.organisation_id, role=role or Role.VIEWER
            )
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
    CONTRACT_MANAGER = "contract_manager", _("Contract manager")
    SOURCING_MANAGER = "sourcing_manager", _("Responsible-sourcing manager")
    VIEWER = "viewer", _("Viewer")


# Roles allowed to change data in their organisation (consultations, tenders, contracts, companies).
WRITER_ROLES = frozenset({Role.ADMIN, Role.PROCUREMENT_OFFICER, Role.CONTRACT_MANAGER, Role.SOURCING_MANAGER})


class User(AbstractUser):
    """A person who logs in. They belong to one or more organisations (memberships) and work in one at a time."""

    Role = Role
    WRITER_ROLES = WRITER_ROLES

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    # The organisation the user works in now: one of their memberships, changed by membership_switch.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )

    # The language of the pages and e-mails the user reads; empty: the browser's (issue 16).
    language = models.CharField(
        _("language"), max_length=8, blank=True, default="", choices=settings.LANGUAGES
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def role_in(self, organisation: Organisation | int | None) -> str | None:
        """The user's role in an organisation, or None when they are not a member."""
        organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
        if organisation_id is None or self.pk is None:
            return None
        cache: dict[int, str] = self.__dict__.setdefault("_roles", {})
        if not cache:
            cache.update(self.memberships.filter(is_active=True).values_list("organisation_id", "role"))
        return cache.get(organisation_id)

    def forget_roles(self) -> None:
        """Drop the cached roles after a membership changed."""
        self.__dict__.pop("_roles", None)

    @property
    def role(self) -> str | None:
        """The role in the organisation the user works in now."""
        return self.role_in(self.organisation_id)

    def can_write_in(self, organisation: Organisation | int | None) -> bool:
        """Whether the user may change data of this organisation."""
        return self.is_active and self.role_in(organisation) in WRITER_ROLES

    def get_role_display(self) -> str:
        """The label of the role in the organisation the user works in now."""
        return str(Role(self.role).label) if self.role else ""

    @property
    def can_write(self) -> bool:
        return self.organisation_id is not None and self.can_write_in(self.organisation_id)

    @property
    def is_organisation_admin(self) -> bool:
        """Whether the user administers the organisation they work in now (invites, roles, deactivation)."""
        return self.is_active and self.role == Role.ADMIN


class Membership(models.Model):
    """A user belongs to an organisation with a role; a user may have several memberships.

    An organisation's administrator deactivates a membership rather than deleting it: the user no longer works in
    that organisation (nor logs in, when it was their only one), the audit log keeps pointing at them, and the
    administrator can reactivate it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.VIEWER)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.get_role_display()})"


class MemberInvitation(models.Model):
    """An organisation's administrator asks a colleague to join with a role. The e-mailed link is signed and
    expires (accounts.tokens); `nonce` changes when the invitation is sent again, so only the newest link works."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="member_invitations"
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("invitation to join")
        verbose_name_plural = _("invitations to join")
        indexes = [models.Index(fields=["organisation", "-sent_at"], name="member_invitation_org_sent")]

    def __str__(self) -> str:
        return f"{self.email} to {self.organisation} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


# --- sharing between the organisations of one installation (issue 16) --------------------------------------------


class OrganisationGroup(models.Model):
    """Organisations that share records with each other as one, e.g. all buyers of a central purchasing body.
    Owned by one organisation, whose administrators choose the members."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="owned_groups")
    members = models.ManyToManyField(Organisation, related_name="sharing_groups", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("group of organisations")
        verbose_name_plural = _("groups of organisations")
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="one_group_name_per_owner")]

    def __str__(self) -> str:
        return self.name


class Share(models.Model):
    """One record an organisation shares, read-only, with another organisation or a group, until it is revoked.

    The record is named by its model (`record_type`, e.g. "companies.company") and primary key; the wall
    (hrdd.core.models.shared_condition) reads these rows in the same query as the records. A revoked share is kept,
    so that the audit log and the owner's page show who saw what, when."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_type = models.CharField(max_length=100)
    record_id = models.PositiveBigIntegerField()
    record_public_id = models.UUIDField()
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shares_given")
    grantee_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="shares_received"
    )
    grantee_group = models.ForeignKey(
        OrganisationGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="shares"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    shared_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    shared_at = models.DateTimeField(_("shared"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-shared_at", "-id"]
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(grantee_organisation__isnull=False, grantee_group__isnull=True)
                    | models.Q(grantee_organisation__isnull=True, grantee_group__isnull=False)
                ),
                name="share_to_one_organisation_or_group",
            ),
            models.UniqueConstraint(
                fields=["record_type", "record_id", "owner", "grantee_organisation"],
                condition=models.Q(revoked_at=None, grantee_organisation__isnull=False),
                name="one_active_share_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["record_type", "record_id", "owner", "grantee_group"],
                condition=models.Q(revoked_at=None, grantee_group__isnull=False),
                name="one_active_share_per_group",
            ),
        ]
        indexes = [
            models.Index(fields=["record_type", "record_id", "owner"], name="share_record"),
            models.Index(fields=["grantee_organisation", "revoked_at"], name="share_grantee"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}#{self.record_id} of {self.owner_id} to {self.grantee}"

    @property
    def grantee(self) -> Organisation | OrganisationGroup | None:
        return self.grantee_organisation or self.grantee_group

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
