"""Reads for tenders, scoped to the reader's organisation."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from hrdd.accounts.models import User
from hrdd.core.errors import NotFound
from hrdd.tenders.models import BidEvaluation, Tender


def tender_list(*, user: User) -> QuerySet[Tender]:
    """Return the tenders the user may see."""
    return Tender.objects.visible_to(user).select_related("consultation", "procurement")


def tender_get(*, user: User, public_id: uuid.UUID | str) -> Tender:
    """Return one tender the user may see, or NotFound."""
    return Tender.objects.select_related(
        "organisation", "consultation", "risk_assessment", "procurement"
    ).get_visible(user, public_id=public_id)


def bid_evaluation_get(*, tender: Tender, pk: int) -> BidEvaluation:
    """Return one evaluation of a tender, or NotFound."""
    try:
        return tender.evaluations.get(pk=pk)
    except BidEvaluation.DoesNotExist as exc:
        raise NotFound("evaluation") from exc


def tender_winner(tender: Tender) -> str:
    """The bidder ranked first in the tender's latest evaluation ('' when no bid was evaluated or admitted)."""
    evaluation = tender.evaluations.order_by("-created_at", "-id").first()
    if evaluation is None:
        return ""
    first = [b for b in evaluation.result.get("bids", []) if b.get("rank") == 1]
    return str(first[0]["bidder"]) if len(first) == 1 else ""
