"""Writes for organisations, users and memberships; each records an audit event."""

import smtplib
import uuid
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import (
    MemberInvitation,
    Membership,
    Organisation,
    OrganisationGroup,
    Role,
    Share,
    User,
)
from hrdd.accounts.selectors import share_kind_of, user_by_email
from hrdd.accounts.tokens import invitation_lifetime, invitation_token, new_nonce
from hrdd.audit.services import audit_record
from hrdd.core import links
from hrdd.core.errors import InputError, NotFound
from hrdd.core.languages import language_choice
from hrdd.core.models import active_organisation_id, require_owner_writable, require_writable


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
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
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
        .filter(user=user, organisation__public_id=organisation_public_id, is_active=True)
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


def user_language_set(*, user: User, language: str) -> str:
    """Remember the language a user reads hrdd in (pages and e-mails); returns the code stored."""
    code = language_choice(language, required=True)
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return code


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- members of an organisation: invitations, roles, deactivation, passwords -------------------------------------


def require_organisation_admin(actor: User, organisation: Organisation | int) -> None:
    """Refuse unless the actor administers this organisation (the one check of every member-management write)."""
    if not actor.is_active or actor.role_in(organisation) != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator of the organisation may manage its members."))


def _role(role: str) -> str:
    if role not in Role.values:
        raise InputError(_("Unknown role %r.") % role, field="role")
    return role


def _active_admins(organisation_id: int) -> list[Membership]:
    """The organisation's active administrators, locked until the write ends (two admins demoting each other at
    once cannot leave the organisation without one, on a database that locks rows)."""
    return list(
        Membership.objects.select_for_update().filter(
            organisation_id=organisation_id, role=Role.ADMIN, is_active=True
        )
    )


def _keep_one_admin(membership: Membership, *, field: str) -> None:
    if membership.role != Role.ADMIN or not membership.is_active:
        return
    if [m.pk for m in _active_admins(membership.organisation_id)] == [membership.pk]:
        raise InputError(
            _(
                "%(email)s is the last administrator of %(organisation)s: make another member an administrator "
                "first."
            )
            % {"email": membership.user.email, "organisation": membership.organisation.name},
            field=field,
        )


@transaction.atomic
def member_invite(*, actor: User, email: str, role: str) -> MemberInvitation:
    """Invite a colleague by e-mail to join the actor's organisation with a role; send the signed link."""
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied(_("Only an administrator of the organisation may manage its members."))
    require_organisation_admin(actor, organisation)
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InputError(_("Enter a valid e-mail address."), field="email") from exc
    role = _role(role)
    membership = Membership.objects.filter(organisation=organisation, user__email=email).first()
    if membership is not None and membership.is_active:
        raise InputError(
            _("%(email)s is already a member of %(organisation)s.")
            % {"email": email, "organisation": organisation.name},
            field="email",
        )
    if membership is not None:
        raise InputError(
            _("%s was deactivated: reactivate them from the members list instead.") % email, field="email"
        )
    if MemberInvitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, withdrawn_at=None
    ).exists():
        raise InputError(
            _("%s is already invited: send the invitation again from the list below.") % email, field="email"
        )
    invitation = MemberInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=actor,
        nonce=new_nonce(),
        sent_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        organisation=organisation,
        action="member_invitation.create",
        target=invitation,
        after={"email": email, "role": role},
    )
    _send_member_invitation(invitation)
    return invitation


@transaction.atomic
def organisation_invite_first_admin(
    *, organisation: Organisation, email: str
) -> tuple[MemberInvitation, str]:
    """Invite the first administrator of an organisation that has none (run by whoever installs hrdd, on the
    command line); return the invitation and its link, which is also e-mailed. From then on the administrator
    invites everyone else."""
    if Membership.objects.filter(organisation=organisation, role=Role.ADMIN, is_active=True).exists():
        raise InputError(
            _("%s already has an administrator: they invite colleagues under Members.") % organisation.name,
            field="--admin",
        )
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise InputError(_("Enter a valid e-mail address."), field="--admin") from exc
    MemberInvitation.objects.filter(
        organisation=organisation, email=email, accepted_at=None, withdrawn_at=None
    ).update(withdrawn_at=timezone.now())
    invitation = MemberInvitation.objects.create(
        organisation=organisation, email=email, role=Role.ADMIN, nonce=new_nonce(), sent_at=timezone.now()
    )
    audit_record(
        actor=None,
        actor_label="command line",
        organisation=organisation,
        action="member_invitation.create",
        target=invitation,
        after={"email": email, "role": Role.ADMIN},
    )
    _send_member_invitation(invitation)
    return invitation, _join_link(invitation)


def _require_pending(invitation: MemberInvitation) -> None:
    if invitation.accepted_at is not None:
        raise InputError(_("This invitation was already accepted."), field="invitation")
    if invitation.withdrawn_at is not None:
        raise InputError(_("This invitation was withdrawn."), field="invitation")


@transaction.atomic
def member_invitation_resend(*, actor: User, invitation: MemberInvitation) -> MemberInvitation:
    """Send an invitation again with a new link that works for the full period; the earlier link stops working."""
    require_organisation_admin(actor, invitation.organisation_id)
    invitation = (
        MemberInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    _require_pending(invitation)
    before = {"sent_at": invitation.sent_at.isoformat()}
    invitation.nonce = new_nonce()
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["nonce", "sent_at"])
    audit_record(
        actor=actor,
        organisation=invitation.organisation,
        action="member_invitation.resend",
        target=invitation,
        before=before,
        after={"email": invitation.email, "sent_at": invitation.sent_at.isoformat()},
    )
    _send_member_invitation(invitation)
    return invitation


@transaction.atomic
def member_invitation_withdraw(*, actor: User, invitation: MemberInvitation) -> MemberInvitation:
    """Withdraw an invitation that was not accepted: its link stops working."""
    require_organisation_admin(actor, invitation.organisation_id)
    invitation = (
        MemberInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    _require_pending(invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    audit_record(
        actor=actor,
        organisation=invitation.organisation,
        action="member_invitation.withdraw",
        target=invitation,
        before={"email": invitation.email, "role": invitation.role},
    )
    return invitation


@transaction.atomic
def member_invitation_accept(
    *, invitation: MemberInvitation, password: str = "", user: User | None = None
) -> User:
    """Accept an invitation: a new colleague sets their password and gets an account; someone who already has one
    (logged in as that address) joins with the invited role. Either way they then work in that organisation."""
    invitation = (
        MemberInvitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    _require_pending(invitation)
    organisation = invitation.organisation
    existing = user_by_email(invitation.email)
    if existing is None:
        if not password:
            raise InputError(_("Choose a password."), field="password1")
        member = User.objects.create_user(
            invitation.email, password, organisation=organisation, role=invitation.role
        )
        audit_record(
            actor=member,
            organisation=organisation,
            action="user.create",
            target=member,
            after={"email": member.email, "role": invitation.role},
        )
    else:
        if user is None or user.pk != existing.pk:
            raise PermissionDenied(_("Log in as %s to accept this invitation.") % invitation.email)
        if not existing.is_active:
            raise PermissionDenied(_("This account is deactivated."))
        membership_add(user=existing, organisation=organisation, role=invitation.role, actor=existing)
        existing.organisation = organisation
        existing.save(update_fields=["organisation"])
        member = existing
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = member
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        actor=member,
        organisation=organisation,
        action="member_invitation.accept",
        target=invitation,
        after={"email": member.email, "role": invitation.role},
    )
    return member


def _join_link(invitation: MemberInvitation) -> str:
    return links.absolute_url(reverse("accounts:join", args=[invitation_token(invitation)]))


def _send_member_invitation(invitation: MemberInvitation) -> None:
    link = _join_link(invitation)
    inviter = invitation.invited_by.email if invitation.invited_by else _("An administrator")
    values = {
        "inviter": inviter,
        "organisation": invitation.organisation.name,
        "role": Role(invitation.role).label,
        "link": link,
        "until": (invitation.sent_at + invitation_lifetime()).date().isoformat(),
    }
    subject = _("%(inviter)s invites you to work in %(organisation)s on hrdd") % values
    message = (
        _(
            "%(inviter)s invites you to join %(organisation)s on hrdd, the workbench for human-rights due "
            "diligence in ICT procurement, as %(role)s.\n\n"
            "Open this link to choose your password (or, if you already use hrdd with this address, to log in "
            "and join):\n\n%(link)s\n\n"
            "The link works until %(until)s. If you did not expect this e-mail, you can ignore it.\n"
        )
        % values
    )
    # Sent inside the write, last: when the mail server refuses, nothing is stored and the administrator is told
    # beside the address, instead of an invitation that nobody received.
    try:
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[invitation.email])
    except (OSError, smtplib.SMTPException) as exc:
        raise InputError(
            _("The e-mail to %(email)s could not be sent (%(error)s); nothing was saved. Try again later.")
            % {"email": invitation.email, "error": exc.__class__.__name__},
            field="email",
        ) from exc


@transaction.atomic
def member_role_change(*, actor: User, membership: Membership, role: str) -> Membership:
    """Give a member another role in the organisation; the last administrator keeps theirs."""
    require_organisation_admin(actor, membership.organisation_id)
    role = _role(role)
    membership = (
        Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    )
    if membership.role == role:
        return membership
    if role != Role.ADMIN:
        _keep_one_admin(membership, field="role")
    before = {"email": membership.user.email, "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    membership.user.forget_roles()
    actor.forget_roles()
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="membership.change",
        target=membership.user,
        before=before,
        after={"email": membership.user.email, "role": role},
    )
    return membership


@transaction.atomic
def member_deactivate(*, actor: User, membership: Membership) -> Membership:
    """Stop a member working in the organisation (never oneself, never the last administrator). They work in
    another of their organisations from then on; with none left, they can no longer log in."""
    require_organisation_admin(actor, membership.organisation_id)
    membership = (
        Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    )
    if membership.user_id == actor.pk:
        raise InputError(_("You cannot deactivate yourself."), field="membership")
    if not membership.is_active:
        raise InputError(_("%s is already deactivated.") % membership.user.email, field="membership")
    _keep_one_admin(membership, field="membership")
    user = membership.user
    before = {"email": user.email, "role": membership.role, "active": True}
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    others = (
        Membership.objects.filter(user=user, is_active=True)
        .exclude(pk=membership.pk)
        .order_by("created_at", "pk")
        .values_list("organisation_id", flat=True)
    )
    if user.organisation_id == membership.organisation_id:
        user.organisation_id = next(iter(others), None)
    if user.organisation_id is None:
        user.is_active = False  # no organisation left: the account cannot log in any more
    user.save(update_fields=["organisation", "is_active"])
    user.forget_roles()
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="membership.deactivate",
        target=user,
        before=before,
        after={"email": user.email, "role": membership.role, "active": False, "can_log_in": user.is_active},
    )
    return membership


@transaction.atomic
def member_reactivate(*, actor: User, membership: Membership) -> Membership:
    """Let a deactivated member work in the organisation again (and log in, if they could not)."""
    require_organisation_admin(actor, membership.organisation_id)
    membership = (
        Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    )
    if membership.is_active:
        raise InputError(_("%s is already active.") % membership.user.email, field="membership")
    user = membership.user
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    if user.organisation_id is None:
        user.organisation = membership.organisation
    user.is_active = True
    user.save(update_fields=["organisation", "is_active"])
    user.forget_roles()
    audit_record(
        actor=actor,
        organisation=membership.organisation,
        action="membership.reactivate",
        target=user,
        before={"email": user.email, "role": membership.role, "active": False},
        after={"email": user.email, "role": membership.role, "active": True},
    )
    return membership


@transaction.atomic
def user_password_set(*, user: User, password: str, reason: str) -> User:
    """Set a user's password: `reason` is "change" (they knew the old one) or "reset" (through the e-mailed
    link). The audit event says which, never the password."""
    if reason not in ("change", "reset"):
        raise ValueError(reason)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, organisation=user.organisation, action=f"user.password_{reason}", target=user)
    return user


def user_password_reset_requested(*, user: User) -> None:
    """Record that a password reset link was sent to a user (whoever asked for it on the page)."""
    audit_record(
        actor=None,
        actor_label="password reset page",
        organisation=user.organisation,
        action="user.password_reset_request",
        target=user,
    )


# --- sharing records with other organisations and groups (issue 16) ---------------------------------------------
#
# Only writers of the owner organisation share; what a grantee then sees is decided by the wall in one place
# (hrdd.core.models.shared_condition). Each write records an audit event in the owner's log.


def _share_state(share: Share) -> dict[str, object]:
    return {
        "record_type": share.record_type,
        "record": str(share.record_public_id),
        "grantee_organisation": share.grantee_organisation.name if share.grantee_organisation else None,
        "grantee_group": share.grantee_group.name if share.grantee_group else None,
        "note": share.note,
        "revoked": share.revoked_at.isoformat() if share.revoked_at else None,
    }


def _group_usable(group: OrganisationGroup, organisation_id: int) -> bool:
    return group.owner_id == organisation_id or group.members.filter(pk=organisation_id).exists()


@transaction.atomic
def share_create(
    *,
    actor: User,
    record: models.Model,
    organisation: Organisation | None = None,
    group: OrganisationGroup | None = None,
    note: str = "",
) -> Share:
    """Share one record of the actor's organisation, read-only, with another organisation or a group."""
    owner = actor.organisation
    if owner is None or not actor.can_write_in(owner):
        raise PermissionDenied(_("Your role does not allow sharing this organisation's records."))
    kind = share_kind_of(record)
    owner_id = getattr(record, "organisation_id", owner.pk)
    if owner_id != owner.pk:
        raise NotFound(str(kind.label))
    refusal = kind.refusal(record, owner.pk)
    if refusal:
        raise InputError(refusal, field="record")
    if (organisation is None) == (group is None):
        raise InputError(_("Choose one organisation or one group to share with."), field="organisation")
    note = " ".join((note or "").split())
    if len(note) > 500:
        raise InputError(_("The note is longer than 500 characters."), field="note")
    active = Share.objects.select_for_update().filter(
        record_type=kind.record_type, record_id=record.pk, owner=owner, revoked_at=None
    )
    if organisation is not None:
        if organisation.pk == owner.pk:
            raise InputError(
                _("%s is your own organisation: its members already see its records.") % owner.name,
                field="organisation",
            )
        earlier = active.filter(grantee_organisation=organisation).first()
        grantee_name, field = organisation.name, "organisation"
    else:
        assert group is not None
        if not _group_usable(group, owner.pk):
            raise InputError(_("Unknown group %r.") % group.name, field="group")
        earlier = active.filter(grantee_group=group).first()
        grantee_name, field = group.name, "group"
    if earlier is not None:
        raise InputError(
            _("%(record)s is already shared with %(grantee)s (since %(day)s).")
            % {"record": record, "grantee": grantee_name, "day": earlier.shared_at.date().isoformat()},
            field=field,
        )
    share = Share.objects.create(
        record_type=kind.record_type,
        record_id=record.pk,
        record_public_id=record.public_id,  # type: ignore[attr-defined]
        owner=owner,
        grantee_organisation=organisation,
        grantee_group=group,
        note=note,
        shared_by=actor,
    )
    audit_record(
        actor=actor, organisation=owner, action="share.create", target=share, after=_share_state(share)
    )
    return share


@transaction.atomic
def shares_create(
    *,
    actor: User,
    record: models.Model,
    organisations: Sequence[Organisation] = (),
    group: OrganisationGroup | None = None,
    note: str = "",
) -> list[Share]:
    """Share one record with several organisations and/or a group at once: all of them, or none."""
    if not organisations and group is None:
        raise InputError(
            _("Choose at least one organisation or a group to share with."), field="organisations"
        )
    shares = [
        share_create(actor=actor, record=record, organisation=organisation, note=note)
        for organisation in organisations
    ]
    if group is not None:
        shares.append(share_create(actor=actor, record=record, group=group, note=note))
    return shares


@transaction.atomic
def share_revoke(*, actor: User, share: Share) -> Share:
    """Stop sharing: from the next request on, the grantee no longer sees the record."""
    require_owner_writable(actor, share.owner_id, "share")
    share = (
        Share.objects.select_for_update(of=("self",))  # PostgreSQL locks no nullable side of an outer join
        .select_related("grantee_organisation", "grantee_group", "owner")
        .get(pk=share.pk)
    )
    if share.revoked_at is not None:
        raise InputError(
            _("This share was already revoked on %s.") % share.revoked_at.date().isoformat(), field="share"
        )
    before = _share_state(share)
    share.revoked_at = timezone.now()
    share.revoked_by = actor
    share.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        actor=actor,
        organisation=share.owner,
        action="share.revoke",
        target=share,
        before=before,
        after=_share_state(share),
    )
    return share


def _require_group_admin(actor: User, group: OrganisationGroup) -> None:
    if active_organisation_id(actor) != group.owner_id:
        raise NotFound("group")
    if not actor.is_active or actor.role_in(group.owner_id) != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator of %s may manage this group.") % group.owner.name)


def _group_state(group: OrganisationGroup) -> dict[str, object]:
    return {"name": group.name, "members": sorted(group.members.values_list("name", flat=True))}


@transaction.atomic
def group_create(*, actor: User, name: str) -> OrganisationGroup:
    """Create a group of organisations owned by the actor's organisation (its administrators manage it)."""
    owner = actor.organisation
    if owner is None or not actor.is_active or actor.role_in(owner) != Role.ADMIN:
        raise PermissionDenied(_("Only an administrator of the organisation may create a group."))
    name = " ".join((name or "").split())
    if not name:
        raise InputError(_("A name is required."), field="name")
    if len(name) > 200:
        raise InputError(_("The name is longer than 200 characters."), field="name")
    if OrganisationGroup.objects.filter(owner=owner, name__iexact=name).exists():
        raise InputError(_("%s already has a group called %r.") % (owner.name, name), field="name")
    group = OrganisationGroup.objects.create(name=name, owner=owner, created_by=actor)
    audit_record(
        actor=actor, organisation=owner, action="group.create", target=group, after=_group_state(group)
    )
    return group


@transaction.atomic
def group_member_add(
    *, actor: User, group: OrganisationGroup, organisation: Organisation
) -> OrganisationGroup:
    """Add an organisation to a group: it sees what is shared with the group from now on."""
    _require_group_admin(actor, group)
    if group.members.filter(pk=organisation.pk).exists():
        raise InputError(
            _("%(organisation)s is already a member of %(group)s.")
            % {"organisation": organisation.name, "group": group.name},
            field="organisation",
        )
    before = _group_state(group)
    group.members.add(organisation)
    audit_record(
        actor=actor,
        organisation=group.owner,
        action="group.member_add",
        target=group,
        before=before,
        after=_group_state(group),
    )
    return group


@transaction.atomic
def group_member_remove(
    *, actor: User, group: OrganisationGroup, organisation: Organisation
) -> OrganisationGroup:
    """Take an organisation out of a group: it no longer sees what is shared with the group, from now on."""
    _require_group_admin(actor, group)
    if not group.members.filter(pk=organisation.pk).exists():
        raise InputError(
            _("%(organisation)s is not a member of %(group)s.")
            % {"organisation": organisation.name, "group": group.name},
            field="organisation",
        )
    before = _group_state(group)
    group.members.remove(organisation)
    audit_record(
        actor=actor,
        organisation=group.owner,
        action="group.member_remove",
        target=group,
        before=before,
        after=_group_state(group),
    )
    return group
