"""Writes for organisations, users and memberships; each records an audit event."""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.accounts.models import Membership, Organisation, User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError
from hrdd.core.models import require_writable


def require_writer(user: User, organisation: Organisation) -> None:
    """Refuse unless the user may change data of this organisation (the one permission check of every write)."""
    require_writable(user, organisation)


def writer_organisation(actor: User) -> Organisation:
    """The organisation a new record of the actor's belongs to: the one they work in, if their role allows it."""
    require_writable(actor, actor.organisation)
    assert actor.organisation is not None  # require_writable refuses a user without one
    return actor.organisation


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
    """Create a user who belongs to an organisation with a role (and works in it)."""
    user = User.objects.create_user(email, password, organisation=organisation, role=role, **extra)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="user.create",
        target=user,
        after={"email": user.email, "role": role},
    )
    return user


@transaction.atomic
def membership_add(
    *, user: User, organisation: Organisation, role: str, actor: User | None = None
) -> Membership:
    """Make a user a member of one more organisation, or change their role in it."""
    if role not in User.Role.values:
        raise InputError(_("Unknown role %r.") % role, field="role")
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    before = {"role": membership.role} if membership else None
    if membership is None:
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    else:
        membership.role = role
        membership.save(update_fields=["role"])
    if user.organisation_id is None:
        user.organisation = organisation
        user.save(update_fields=["organisation"])
    user.forget_roles()
    audit_record(
        actor=actor,
        organisation=organisation,
        action="membership.add" if before is None else "membership.change",
        target=user,
        before=before,
        after={"email": user.email, "role": role},
    )
    return membership


@transaction.atomic
def membership_switch(*, user: User, organisation_public_id: str) -> Organisation:
    """Let a user work in another of their organisations; refuse one they do not belong to."""
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__public_id=organisation_public_id)
        .first()
        if _is_uuid(organisation_public_id)
        else None
    )
    if membership is None:
        raise InputError(_("You are not a member of that organisation."), field="organisation")
    before = {"organisation": str(user.organisation) if user.organisation_id else None}
    user.organisation = membership.organisation
    user.save(update_fields=["organisation"])
    audit_record(
        actor=user,
        organisation=membership.organisation,
        action="membership.switch",
        target=user,
        before=before,
        after={"organisation": membership.organisation.name},
    )
    return membership.organisation


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
