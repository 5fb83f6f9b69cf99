"""Undoing mistakes in a contract: correct its title and the supplier's e-mail address, archive, restore, delete.
Each write is audited (before and after).

A contract is deleted only while nothing depends on it: no submission from the supplier, no request for
information; otherwise it can be archived. Its dates and scenario drive its obligations and their stored verdicts,
so they are not edited here: a contract made with wrong dates is deleted (while nothing was submitted) and made
again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer
from hrdd.audit.services import audit_record
from hrdd.contracts.models import Contract, InformationRequest, Submission
from hrdd.contracts.services import supplier_language_choice
from hrdd.contracts.versions import contracts_changed
from hrdd.core.versions import claim_version
from hrdd.domain.tender import TenderInputError


def _state(contract: Contract) -> dict[str, Any]:
    return {
        "title": contract.title,
        "supplier": contract.supplier.legal_name,
        "supplier_email": contract.supplier_email,
        "supplier_language": contract.supplier_language,
        "archived_at": contract.archived_at.isoformat() if contract.archived_at else None,
    }


def _locked(contract: Contract) -> Contract:
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("organisation", "supplier", "procurement")
        .get(pk=contract.pk)
    )


def _audit(actor: User, contract: Contract, action: str, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        organisation=contract.organisation,
        action=action,
        target=contract,
        before=before,
        after=_state(contract),
    )


@transaction.atomic
def contract_update(
    *,
    actor: User,
    contract: Contract,
    title: str,
    supplier_email: str,
    supplier_language: str | None = None,
    version: int | None = None,
) -> Contract:
    """Correct a contract's title, the address its reminders go to and (when given) the supplier's language; the
    supplier's link stays the same. A change made on another `version` than the saved one is refused (StaleEdit)."""
    require_writer(actor, contract.organisation)
    contract = _locked(contract)
    claim_version(contract, version, what=_("contract"))
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise TenderInputError(_("1 to 200 characters are required"), field="title")
    supplier_email = (supplier_email or "").strip()
    try:
        validate_email(supplier_email)
    except ValidationError as exc:
        raise TenderInputError(_("enter a valid e-mail address"), field="supplier_email") from exc
    if supplier_language is not None:
        supplier_language = supplier_language_choice(supplier_language)
    before = _state(contract)
    contract.title = title
    contract.supplier_email = supplier_email
    if supplier_language is not None:
        contract.supplier_language = supplier_language
    contract.save(update_fields=["title", "supplier_email", "supplier_language"])
    contracts_changed(contract.organisation_id)  # the feeds name the contract
    _audit(actor, contract, "contract.update", before)
    return contract


@transaction.atomic
def contract_archive(*, actor: User, contract: Contract) -> Contract:
    """Archive a contract: it and its obligations leave the dashboard (unless asked for), restorable."""
    require_writer(actor, contract.organisation)
    contract = _locked(contract)
    if contract.archived_at is not None:
        raise TenderInputError(_("This contract is already archived."))
    return _set_archived(actor, contract, timezone.now(), "contract.archive")


@transaction.atomic
def contract_restore(*, actor: User, contract: Contract) -> Contract:
    """Bring an archived contract back onto the dashboard."""
    require_writer(actor, contract.organisation)
    contract = _locked(contract)
    if contract.archived_at is None:
        raise TenderInputError(_("This contract is not archived."))
    return _set_archived(actor, contract, None, "contract.restore")


def _set_archived(actor: User, contract: Contract, when: dt.datetime | None, action: str) -> Contract:
    before = _state(contract)
    contract.archived_at = when
    contract.save(update_fields=["archived_at"])
    contracts_changed(contract.organisation_id)  # the dashboard counts the contracts in use
    _audit(actor, contract, action, before)
    return contract


def contract_delete_blockers(contract: Contract) -> list[str]:
    """What keeps a contract from being deleted, in sentences (none: it can be deleted)."""
    blockers = []
    submissions = Submission.objects.filter(obligation__contract=contract).count()
    if submissions:
        blockers.append(
            ngettext(
                "The supplier has submitted %(count)d report.",
                "The supplier has submitted %(count)d reports.",
                submissions,
            )
            % {"count": submissions}
        )
    requests = InformationRequest.objects.filter(obligation__contract=contract).count()
    if requests:
        blockers.append(
            ngettext(
                "%(count)d request for information was sent.",
                "%(count)d requests for information were sent.",
                requests,
            )
            % {"count": requests}
        )
    return blockers


@transaction.atomic
def contract_delete(*, actor: User, contract: Contract) -> None:
    """Delete a contract and its obligations while the supplier has submitted nothing and no request was sent;
    otherwise refuse, saying what depends on it."""
    require_writer(actor, contract.organisation)
    contract = _locked(contract)
    blockers = contract_delete_blockers(contract)
    if blockers:
        raise TenderInputError(
            _("This contract cannot be deleted: %(why)s Archive it instead.") % {"why": " ".join(blockers)}
        )
    audit_record(
        actor=actor,
        organisation=contract.organisation,
        action="contract.delete",
        target=contract,
        before=_state(contract)
        | {
            "procurement": str(contract.procurement.public_id),
            "tender": str(contract.tender.public_id) if contract.tender_id else None,
            "scenario": contract.scenario,
            "award_date": contract.award_date.isoformat(),
            "start_date": contract.start_date.isoformat(),
            "end_date": contract.end_date.isoformat(),
            "obligations": [
                f"{clause} {due.isoformat()}"
                for clause, due in contract.obligations.order_by("due_date").values_list("clause", "due_date")
            ],
        },
    )
    contract.delete()
    contracts_changed(contract.organisation_id)
