"""A smelter-list request's link, kept by the buyer (issue 17): revoke it (it stops working at once) or re-issue it
(a new link replaces the old one, is e-mailed to the supplier and shown once to the buyer). The link itself is
stored hashed (hrdd.core.linktokens); each change is audited without the token."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.audit.services import audit_record
from hrdd.core.errors import InputError
from hrdd.rmi import services
from hrdd.rmi.models import SupplierRequest


def request_link_state(request: SupplierRequest) -> dict[str, Any]:
    """What the audit log keeps of a link: when it was issued, revoked, and its last day (never the token)."""
    return {
        "link_issued_at": request.token_issued_at.isoformat() if request.token_issued_at else None,
        "link_revoked_at": request.link_revoked_at.isoformat() if request.link_revoked_at else None,
        "link_expires_on": request.link_expires_on.isoformat(),
    }


def _locked(request: SupplierRequest) -> SupplierRequest:
    return (
        SupplierRequest.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__organisation")
        .get(pk=request.pk)
    )


@transaction.atomic
def request_link_reissue(*, actor: User, request: SupplierRequest, send: bool = True) -> SupplierRequest:
    """Give the request a new link (the old one stops working) and, unless `send` is false or the request has no
    address, e-mail it to the supplier. The returned request carries the new token for the buyer to see once."""
    organisation = services.require_own(actor, request)
    request = _locked(request)
    if request.campaign.closed_at is not None:
        raise InputError(_("This campaign is closed: its links take no more files."), field="request")
    before = request_link_state(request)
    request.issue_token()
    request.link_revoked_at = None
    fields = ["token_hash", "token_nonce", "token_issued_at", "link_revoked_at"]
    emailed = bool(send and request.email)
    if emailed:
        request.sent_at = timezone.now()
        fields.append("sent_at")
    request.save(update_fields=fields)
    if emailed:
        services.mail_link(request, organisation, new=True)
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_request.link_reissue",
        target=request,
        before=before,
        after=request_link_state(request) | {"emailed_to": request.email if emailed else ""},
    )
    return request


@transaction.atomic
def request_link_revoke(*, actor: User, request: SupplierRequest) -> SupplierRequest:
    """Stop the request's link at once (the request and its files stay; a re-issued link works again)."""
    organisation = services.require_own(actor, request)
    request = _locked(request)
    if request.link_revoked_at is not None:
        raise InputError(
            _("This link is already revoked; issue a new one if the supplier needs it."), field="request"
        )
    before = request_link_state(request)
    request.link_revoked_at = timezone.now()
    request.save(update_fields=["link_revoked_at"])
    audit_record(
        actor=actor,
        organisation=organisation,
        action="rmi_request.link_revoke",
        target=request,
        before=before,
        after=request_link_state(request),
    )
    return request
