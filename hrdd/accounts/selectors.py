"""Reads for an organisation's members and its invitations to join: only those of the organisation the user
works in now (another organisation's member is "not found"); and for sharing: the kinds of record that may be
shared, the shares an organisation gave and received, and its groups."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.accounts.models import MemberInvitation, Membership, Organisation, OrganisationGroup, Share, User
from hrdd.core.errors import InputError, NotFound
from hrdd.core.ids import public_uuid
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


# --- sharing (issue 16) -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShareKind:
    """A kind of record an organisation may share: its key in forms and the API, its model, and its label."""

    key: str
    record_type: str  # the model's label, lower case, as Share.record_type stores it
    label: Any  # lazily translated
    plural: Any

    def model(self) -> type[models.Model]:
        return apps.get_model(self.record_type)

    def refusal(self, record: models.Model, organisation_id: int) -> str:
        """Why this record may not be shared by the organisation ('' when it may): the model's own rule."""
        check = getattr(record, "share_refusal", None)
        return str(check(organisation_id) or "") if check is not None else ""


SHARE_KINDS = (
    ShareKind(
        "consultation",
        "consultations.consultation",
        gettext_lazy("Consultation results"),
        gettext_lazy("Consultation results"),
    ),
    ShareKind("company", "companies.company", gettext_lazy("Supplier status"), gettext_lazy("Suppliers")),
    ShareKind("site", "supplier_sites.site", gettext_lazy("Site"), gettext_lazy("Sites")),
    ShareKind("incident", "incidents.incident", gettext_lazy("Incident"), gettext_lazy("Incidents")),
)
KIND_BY_TYPE = {kind.record_type: kind for kind in SHARE_KINDS}


def share_kind(key: str) -> ShareKind:
    """The kind of record named by its key ("company"), or InputError naming the field."""
    found = next((kind for kind in SHARE_KINDS if kind.key == key), None)
    if found is None:
        raise InputError(
            _("Unknown kind %(kind)r; choose one of %(known)s.")
            % {"kind": str(key)[:40], "known": ", ".join(k.key for k in SHARE_KINDS)},
            field="kind",
        )
    return found


def share_kind_of(record: models.Model) -> ShareKind:
    """The kind of a record, or InputError when records of its model are never shared."""
    found = KIND_BY_TYPE.get(record._meta.label_lower)
    if found is None:
        raise InputError(_("Records of this kind cannot be shared."), field="kind")
    return found


def shareable_record(*, user: User, kind: str, public_id: Any) -> models.Model:
    """A record the user's organisation may share (one of its own, or a registry site), or NotFound."""
    chosen = share_kind(kind)
    model = chosen.model()
    manager: Any = model._default_manager
    if active_organisation_id(user) is None:
        raise NotFound(str(chosen.label))
    if hasattr(manager, "get_owned"):
        return manager.get_owned(user, public_id=public_uuid(public_id))  # type: ignore[no-any-return]
    record_id = public_uuid(public_id)
    found = manager.filter(public_id=record_id).first() if record_id else None
    if found is None:
        raise NotFound(str(chosen.label))
    return found  # type: ignore[no-any-return]


def _received(organisation_id: int) -> Q:
    return Q(grantee_organisation_id=organisation_id) | Q(grantee_group__members=organisation_id)


def shares_given(*, user: User, kind: str = "", active: bool | None = True) -> QuerySet[Share]:
    """The shares the user's organisation gave, newest first; `kind` keeps one kind ("company"), `active` the
    shares in force (True), the revoked ones (False) or both (None)."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return Share.objects.none()
    shares = Share.objects.filter(owner_id=organisation_id).select_related(
        "owner", "grantee_organisation", "grantee_group", "shared_by", "revoked_by"
    )
    if kind:
        shares = shares.filter(record_type=share_kind(kind).record_type)
    if active is not None:
        shares = shares.filter(revoked_at__isnull=active)
    return shares


def shares_received(*, user: User, kind: str = "") -> QuerySet[Share]:
    """The shares in force that reach the user's organisation from another one, directly or through a group,
    newest first (not its own shares with a group it belongs to)."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return Share.objects.none()
    received = (
        Share.objects.filter(
            pk__in=Share.objects.filter(_received(organisation_id), revoked_at=None).values("pk")
        )
        .exclude(owner_id=organisation_id)
        .select_related("owner", "grantee_organisation", "grantee_group")
    )
    if kind:
        received = received.filter(record_type=share_kind(kind).record_type)
    return received


def shares_of(*, user: User, record: models.Model) -> list[Share]:
    """The shares in force the user's organisation gave of one record (its share panel)."""
    return list(
        shares_given(user=user)
        .filter(record_type=record._meta.label_lower, record_id=record.pk)
        .order_by("shared_at", "id")
    )


def share_notices(*, user: User, record: models.Model) -> list[Share]:
    """The shares in force through which another organisation lets the user's organisation see a record
    ("Shared by <organisation> on <date>, read-only"), one per sharing organisation."""
    shares = shares_received(user=user).filter(record_type=record._meta.label_lower, record_id=record.pk)
    owner_id = getattr(record, "organisation_id", None)
    if owner_id is not None:
        shares = shares.filter(owner_id=owner_id)
    first: dict[int, Share] = {}
    for share in shares.order_by("shared_at", "id"):
        first.setdefault(share.owner_id, share)
    return list(first.values())


def share_get(*, user: User, public_id: Any) -> Share:
    """One share the user's organisation gave, or NotFound."""
    return _walled(shares_given(user=user, active=None), public_id, "share")


def shared_records(*, user: User, shares: Iterable[Share]) -> dict[tuple[str, int], models.Model]:
    """The records a page of shares points at, seen through the wall: one query per kind, whatever the number of
    shares. A record the user may no longer see (e.g. an incident made confidential again) is left out."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for share in shares:
        wanted[share.record_type].add(share.record_id)
    found: dict[tuple[str, int], models.Model] = {}
    for record_type, ids in wanted.items():
        kind = KIND_BY_TYPE.get(record_type)
        if kind is None:
            continue
        manager: Any = kind.model()._default_manager
        rows = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
        for record in rows.filter(pk__in=ids):
            found[(record_type, record.pk)] = record
    return found


def organisation_choices(*, user: User) -> QuerySet[Organisation]:
    """The organisations of the installation one may share with: every one but the user's own, by name."""
    return Organisation.objects.exclude(pk=active_organisation_id(user)).order_by("name")


def organisation_any(*, public_id: Any) -> Organisation | None:
    """An organisation of the installation by its public id (one to share with), or None."""
    organisation_id = public_uuid(public_id)
    return Organisation.objects.filter(public_id=organisation_id).first() if organisation_id else None


def group_choices(*, user: User) -> QuerySet[OrganisationGroup]:
    """The groups the user's organisation may share with: those it owns or belongs to, by name."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return OrganisationGroup.objects.none()
    return (
        OrganisationGroup.objects.filter(Q(owner_id=organisation_id) | Q(members=organisation_id))
        .select_related("owner")
        .distinct()
        .order_by("name", "id")
    )


def group_list(*, user: User) -> QuerySet[OrganisationGroup]:
    """The groups the user's organisation owns or belongs to, with their owner and members."""
    return group_choices(user=user).prefetch_related("members")


def group_get(*, user: User, public_id: Any) -> OrganisationGroup:
    """One group the user's organisation owns or belongs to, or NotFound."""
    return _walled(group_list(user=user), public_id, "group")
