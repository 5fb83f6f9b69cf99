"""The link in an invitation to join an organisation: signed with the installation's secret key, dated, and
checked against the invitation's nonce, so that it expires, cannot be forged, and stops working when the
invitation is sent again, accepted or withdrawn."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from hrdd.accounts.models import MemberInvitation
from hrdd.core.errors import NotFound

SALT = "hrdd.accounts.member-invitation"


class InvitationUnusable(Exception):
    """The link was genuine but can no longer be used (expired, replaced, accepted or withdrawn): the message
    says which, and what to do."""


def new_nonce() -> str:
    return secrets.token_hex(8)


def invitation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.HRDD_INVITATION_DAYS)


def invitation_token(invitation: MemberInvitation) -> str:
    """The signed, dated token of an invitation's link."""
    return signing.dumps({"i": str(invitation.public_id), "n": invitation.nonce}, salt=SALT)


def invitation_from_token(token: str) -> MemberInvitation:
    """The pending invitation a link names; NotFound for a link that was never issued (forged or mangled),
    InvitationUnusable for one that was but no longer works."""
    try:
        data = signing.loads(token, salt=SALT, max_age=invitation_lifetime())
    except signing.SignatureExpired as exc:
        raise InvitationUnusable(
            _("This invitation has expired. Ask the colleague who invited you to send it again.")
        ) from exc
    except signing.BadSignature as exc:
        raise NotFound("invitation") from exc
    invitation = (
        MemberInvitation.objects.select_related("organisation", "invited_by")
        .filter(public_id=data.get("i") if isinstance(data, dict) else None)
        .first()
    )
    if invitation is None:
        raise NotFound("invitation")
    if invitation.accepted_at is not None:
        raise InvitationUnusable(_("This invitation was already accepted. Log in to continue."))
    if invitation.withdrawn_at is not None:
        raise InvitationUnusable(_("This invitation was withdrawn."))
    if data.get("n") != invitation.nonce:
        raise InvitationUnusable(
            _("This invitation was sent again with a new link: use the link in the latest e-mail.")
        )
    return invitation
