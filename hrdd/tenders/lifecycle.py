"""Undoing mistakes in a tender: rename, archive, restore, delete. Each write is audited (before and after).

A tender is deleted only while nothing depends on it: no contract made from it, no evaluation of its bids, no bid
entered; otherwise it can be archived. Its parameters (months, weights, the buyer's choices) are changed on its
own page through `tender_update`, which checks them by building the annex."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer
from hrdd.audit.services import audit_record
from hrdd.core.versions import claim_version
from hrdd.domain.tender import TenderInputError
from hrdd.tenders.models import Tender


def _state(tender: Tender) -> dict[str, Any]:
    return {
        "title": tender.title,
        "scenario": tender.scenario,
        "consultation": str(tender.consultation.public_id) if tender.consultation_id else None,
        "archived_at": tender.archived_at.isoformat() if tender.archived_at else None,
    }


def _locked(tender: Tender) -> Tender:
    return (
        Tender.objects.select_for_update(of=("self",))
        .select_related("organisation", "consultation")
        .get(pk=tender.pk)
    )


def _audit(actor: User, tender: Tender, action: str, before: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action=action,
        target=tender,
        before=before,
        after=_state(tender),
    )


@transaction.atomic
def tender_rename(*, actor: User, tender: Tender, title: str, version: int | None = None) -> Tender:
    """Change a tender's title (what its annex and documents are headed with); a change made on another `version`
    than the saved one is refused (StaleEdit)."""
    require_writer(actor, tender.organisation)
    tender = _locked(tender)
    claim_version(tender, version, what=_("tender"))
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise TenderInputError(_("a title of 1 to 200 characters is required"), field="title")
    before = _state(tender)
    tender.title = title
    tender.save(update_fields=["title", "updated_at"])
    _audit(actor, tender, "tender.update", before)
    return tender


@transaction.atomic
def tender_archive(*, actor: User, tender: Tender) -> Tender:
    """Archive a tender: it leaves the lists and the contract form's choices (unless asked for), restorable."""
    require_writer(actor, tender.organisation)
    tender = _locked(tender)
    if tender.archived_at is not None:
        raise TenderInputError(_("This tender is already archived."))
    return _set_archived(actor, tender, timezone.now(), "tender.archive")


@transaction.atomic
def tender_restore(*, actor: User, tender: Tender) -> Tender:
    """Bring an archived tender back into the lists."""
    require_writer(actor, tender.organisation)
    tender = _locked(tender)
    if tender.archived_at is None:
        raise TenderInputError(_("This tender is not archived."))
    return _set_archived(actor, tender, None, "tender.restore")


def _set_archived(actor: User, tender: Tender, when: dt.datetime | None, action: str) -> Tender:
    before = _state(tender)
    tender.archived_at = when
    # the list's order ("latest changed first") is not moved by archiving: updated_at stays
    Tender.objects.filter(pk=tender.pk).update(archived_at=when)
    _audit(actor, tender, action, before)
    return tender


def tender_delete_blockers(tender: Tender) -> list[str]:
    """What keeps a tender from being deleted, in sentences (none: it can be deleted)."""
    blockers = []
    contracts = tender.contracts.count()
    if contracts:
        titles = ", ".join(tender.contracts.values_list("title", flat=True)[:4])
        blockers.append(
            ngettext(
                "%(count)d contract was made from it (%(titles)s).",
                "%(count)d contracts were made from it (%(titles)s).",
                contracts,
            )
            % {"count": contracts, "titles": titles + (", …" if contracts > 4 else "")}
        )
    evaluations = tender.evaluations.count()
    if evaluations:
        blockers.append(
            ngettext(
                "Its bids were evaluated %(count)d time.",
                "Its bids were evaluated %(count)d times.",
                evaluations,
            )
            % {"count": evaluations}
        )
    drafts = getattr(tender, "bid_drafts", None)
    entered = drafts.count() if drafts is not None else 0
    if entered:
        blockers.append(
            ngettext("%(count)d bid was entered.", "%(count)d bids were entered.", entered)
            % {"count": entered}
        )
    return blockers


@transaction.atomic
def tender_delete(*, actor: User, tender: Tender) -> None:
    """Delete a tender while no contract, evaluation or entered bid depends on it; otherwise refuse, saying what
    depends on it."""
    require_writer(actor, tender.organisation)
    tender = _locked(tender)
    blockers = tender_delete_blockers(tender)
    if blockers:
        raise TenderInputError(
            _("This tender cannot be deleted: %(why)s Archive it instead.") % {"why": " ".join(blockers)}
        )
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.delete",
        target=tender,
        before=_state(tender)
        | {
            "procurement": str(tender.procurement.public_id),
            "months": tender.months,
            "weights": tender.weights,
            "choices": tender.choices,
        },
    )
    tender.delete()
