"""A supplier's consultation link, kept by the buyer (issue 17): revoke it (it stops working at once) or re-issue
it (a new link replaces the old one, is e-mailed to the supplier and shown once to the buyer). The link itself is
stored hashed (hrdd.core.linktokens); each change is audited without the token."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.audit.services import audit_record
from hrdd.consultations.joint import require_joint_writer
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import ConsultationError, _send_invitation


def invitation_link_state(invitation: Invitation) -> dict[str, Any]:
    """What the audit log keeps of a link: when it was issued, revoked, and its last day (never the token)."""
    return {
        "link_issued_at": invitation.token_issued_at.isoformat() if invitation.token_issued_at else None,
        "link_revoked_at": invitation.link_revoked_at.isoformat() if invitation.link_revoked_at else None,
        "link_expires_on": invitation.link_expires_on.isoformat(),
    }


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("consultation", "consultation__organisation", "company")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_link_reissue(*, actor: User, invitation: Invitation, send: bool = True) -> Invitation:
    """Give the invitation a new link (the old one stops working) and, unless `send` is false or the invitation
    has no address, e-mail it to the supplier. The returned invitation carries the new token for the buyer to
    see once."""
    require_joint_writer(actor, invitation.consultation)
    invitation = _locked(invitation)
    if invitation.is_withdrawn:
        raise ConsultationError(_("This invitation is withdrawn; restore it before issuing a new link."))
    before = invitation_link_state(invitation)
    invitation.issue_token()
    invitation.link_revoked_at = None
    fields = ["token_hash", "token_nonce", "token_issued_at", "link_revoked_at", "updated_at"]
    if send and invitation.email:
        invitation.sent_at = timezone.now()
        fields.append("sent_at")
    invitation.save(update_fields=fields)
    if send and invitation.email:
        _send_invitation(invitation)
    audit_record(
        actor=actor,
        organisation=invitation.consultation.organisation,
        action="invitation.link_reissue",
        target=invitation,
        before=before,
        after=invitation_link_state(invitation) | {"emailed_to": invitation.email if send else ""},
    )
    return invitation


@transaction.atomic
def invitation_link_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """Stop the invitation's link at once (the invitation and its answers stay; a re-issued link works again)."""
    require_joint_writer(actor, invitation.consultation)
    invitation = _locked(invitation)
    if invitation.link_revoked_at is not None:
        raise ConsultationError(_("This link is already revoked; issue a new one if the supplier needs it."))
    before = invitation_link_state(invitation)
    invitation.link_revoked_at = timezone.now()
    invitation.save(update_fields=["link_revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        organisation=invitation.consultation.organisation,
        action="invitation.link_revoke",
        target=invitation,
        before=before,
        after=invitation_link_state(invitation),
    )
    return invitation
