"""The owned-model base and the wall: every read goes through `visible_to(user)`, every write through
`require_writable(user, organisation)`. Sharing between organisations will be added here, in one place."""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from hrdd.core.errors import NotFound


def active_organisation_id(user: Any) -> int | None:
    """The organisation the user works in now (None for anonymous users and users without one)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "organisation_id", None)


def require_writable(user: Any, organisation: Any) -> None:
    """Refuse unless the user's role in this organisation allows changes."""
    if active_organisation_id(user) is None or not user.can_write_in(organisation):
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))


class OwnedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Rows reached through the owning organisation (`Model.owner_path`, e.g. "contract__organisation")."""

    def visible_to(self, user: Any) -> Self:
        """The rows the user may see: those of the organisation they work in now."""
        organisation_id = active_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(**{f"{self.model.owner_path}_id": organisation_id})

    def get_visible(self, user: Any, **lookup: Any) -> Any:
        """One row the user may see, or NotFound (also for malformed ids: no hint that a row exists)."""
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValidationError, ValueError) as exc:
            raise NotFound(str(self.model._meta.verbose_name)) from exc


OwnedManager = models.Manager.from_queryset(OwnedQuerySet)


class OwnedModel(models.Model):
    """A record that belongs to one organisation, with an unguessable public id and who made it when."""

    owner_path = "organisation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        abstract = True
