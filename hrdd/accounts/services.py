"""Writes for organisations and users; each records an audit event."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.audit.services import audit_record


def require_writer(user: User, organisation: Organisation) -> None:
    """Refuse unless the user may change data of this organisation."""
    if not (user.is_authenticated and user.can_write and user.organisation_id == organisation.pk):
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))


@transaction.atomic
def organisation_create(*, name: str, kind: str, actor: User | None = None) -> Organisation:
    """Create an organisation."""
    organisation = Organisation.objects.create(name=name, kind=kind)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="organisation.create",
        target=organisation,
        after={"name": name, "kind": kind},
    )
    return organisation


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str,
    organisation: Organisation,
    role: str,
    actor: User | None = None,
    **extra: str,
) -> User:
    """Create a user in an organisation with a role."""
    user = User.objects.create_user(email, password, organisation=organisation, role=role, **extra)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="user.create",
        target=user,
        after={"email": user.email, "role": role},
    )
    return user
