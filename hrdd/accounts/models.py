"""Organisations and their users. An organisation is a wall: its users see only its data."""

import uuid

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
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in; belongs to one organisation with one role."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        PROCUREMENT_OFFICER = "procurement_officer", _("Procurement officer")
        CONTRACT_MANAGER = "contract_manager", _("Contract manager")
        SOURCING_MANAGER = "sourcing_manager", _("Responsible-sourcing manager")
        VIEWER = "viewer", _("Viewer")

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.VIEWER)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    # Roles allowed to change data in their organisation (consultations, tenders, contracts).
    WRITER_ROLES = (Role.ADMIN, Role.PROCUREMENT_OFFICER, Role.CONTRACT_MANAGER, Role.SOURCING_MANAGER)

    @property
    def can_write(self) -> bool:
        return self.is_active and self.organisation_id is not None and self.role in self.WRITER_ROLES
