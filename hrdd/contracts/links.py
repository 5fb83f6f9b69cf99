"""A contract's supplier link, kept by the buyer (issue 17): revoke it (it stops working at once) or re-issue it
(a new link replaces the old one, is e-mailed to the supplier and shown once to the buyer). The link itself is
stored hashed (hrdd.core.linktokens); each change is audited without the token."""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer
from hrdd.audit.services import audit_record
from hrdd.contracts.models import Contract
from hrdd.core.errors import InputError
from hrdd.core.languages import mail_language
from hrdd.core.links import absolute_url


class ContractLinkError(InputError):
    """A change to a supplier link that cannot be made (e.g. revoking a revoked link)."""


def contract_link_state(contract: Contract) -> dict[str, Any]:
    """What the audit log keeps of a link: when it was issued, revoked, and its last day (never the token)."""
    return {
        "link_issued_at": contract.token_issued_at.isoformat() if contract.token_issued_at else None,
        "link_revoked_at": contract.link_revoked_at.isoformat() if contract.link_revoked_at else None,
        "link_expires_on": contract.link_expires_on.isoformat(),
    }


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("organisation", "supplier")
        .get(pk=contract.pk)
    )


def _mail_new_link(contract: Contract) -> None:
    """E-mail the supplier its new link once the write commits, in the supplier's language."""
    with translation.override(mail_language(contract.supplier_language)):
        subject = _("%(buyer)s sends you a new link for %(contract)s") % {
            "buyer": contract.organisation.name,
            "contract": contract.title,
        }
        body = _(
            "%(buyer)s has issued a new link for reporting on the contract %(contract)s; the earlier link no "
            "longer works. Open this link (no account is needed):\n\n%(link)s\n\nIt works until %(day)s.\n"
        ) % {
            "buyer": contract.organisation.name,
            "contract": contract.title,
            "link": absolute_url(contract.get_supplier_url()),
            "day": contract.link_expires_on.isoformat(),
        }
    recipient = contract.supplier_email
    transaction.on_commit(
        lambda: send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[recipient], fail_silently=True
        )
    )


@transaction.atomic
def contract_link_reissue(*, actor: User, contract: Contract, send: bool = True) -> Contract:
    """Give the contract a new supplier link (the old one stops working) and, unless `send` is false, e-mail it
    to the supplier. The returned contract carries the new token for the buyer to see once."""
    require_writer(actor, contract.organisation)
    contract = _locked(contract)
    before = contract_link_state(contract)
    contract.issue_token()
    contract.link_revoked_at = None
    contract.save(update_fields=["token_hash", "token_nonce", "token_issued_at", "link_revoked_at"])
    if send and contract.supplier_email:
        _mail_new_link(contract)
    audit_record(
        actor=actor,
        organisation=contract.organisation,
        action="contract.link_reissue",
        target=contract,
        before=before,
        after=contract_link_state(contract) | {"emailed_to": contract.supplier_email if send else ""},
    )
    return contract


@transaction.atomic
def contract_link_revoke(*, actor: User, contract: Contract) -> Contract:
    """Stop the contract's supplier link at once (a re-issued link works again)."""
    require_writer(actor, contract.organisation)
    contract = _locked(contract)
    if contract.link_revoked_at is not None:
        raise ContractLinkError(_("This link is already revoked; issue a new one if the supplier needs it."))
    before = contract_link_state(contract)
    contract.link_revoked_at = timezone.now()
    contract.save(update_fields=["link_revoked_at"])
    audit_record(
        actor=actor,
        organisation=contract.organisation,
        action="contract.link_revoke",
        target=contract,
        before=before,
        after=contract_link_state(contract),
    )
    return contract
