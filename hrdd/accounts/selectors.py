"""Reads for an organisation's members and its invitations to join: only those of the organisation the user
works in now (another organisation's member is "not found")."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from hrdd.accounts.models import MemberInvitation, Membership, User
from hrdd.core.errors import NotFound
from hrdd.core.models import active_organisation_id


def user_by_email(email: str) -> User | None:
    """The account of an e-mail address, written in any case, or None."""
    return User.objects.filter(email__iexact=email).first()


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's active memberships with their organisations, by organisation name (the header's switch and the
    account page)."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def member_list(*, user: User, query: str = "", role: str = "", state: str = "") -> QuerySet[Membership]:
    """The members of the user's organisation with their user; `query` keeps e-mail addresses or names that
    contain it, `role` one role, `state` "active" or "deactivated"."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return Membership.objects.none()
    members = Membership.objects.filter(organisation_id=organisation_id).select_related("user")
    text = query.strip()
    if text:
        members = members.filter(
            Q(user__email__icontains=text)
            | Q(user__first_name__icontains=text)
            | Q(user__last_name__icontains=text)
        )
    if role:
        members = members.filter(role=role)
    if state in ("active", "deactivated"):
        members = members.filter(is_active=state == "active")
    return members


def member_get(*, user: User, public_id: uuid.UUID | str) -> Membership:
    """One member of the user's organisation, or NotFound."""
    return _walled(member_list(user=user), public_id, "member")


def member_invitation_list(*, user: User) -> QuerySet[MemberInvitation]:
    """The invitations of the user's organisation still waiting for an answer, newest first."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return MemberInvitation.objects.none()
    return MemberInvitation.objects.filter(
        organisation_id=organisation_id, accepted_at=None, withdrawn_at=None
    ).select_related("invited_by")


def member_invitation_get(*, user: User, public_id: uuid.UUID | str) -> MemberInvitation:
    """One pending invitation of the user's organisation, or NotFound."""
    return _walled(member_invitation_list(user=user), public_id, "invitation")


def _walled(rows: QuerySet[Any], public_id: uuid.UUID | str, what: str) -> Any:
    try:
        return rows.get(public_id=public_id)
    except (rows.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound(what) from exc  # a malformed id too: no hint that anything exists
