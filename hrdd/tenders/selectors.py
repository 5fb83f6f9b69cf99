"""Reads for tenders, scoped to the reader's organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from hrdd.accounts.models import User
from hrdd.consultations.selectors import consultation_market
from hrdd.core.archive import filter_archived
from hrdd.core.errors import NotFound
from hrdd.tenders.models import BidEvaluation, Tender

CHOICES = 200  # the newest tenders a form's select offers


def tender_list(
    *, user: User, query: str = "", scenario: int | None = None, archived: str = ""
) -> QuerySet[Tender]:
    """Return the tenders the user may see; `query` keeps those whose title contains it, `scenario` those of
    that scenario; archived ones only when `archived` asks for them (hrdd.core.archive)."""
    tenders = filter_archived(
        Tender.objects.visible_to(user).select_related("consultation", "procurement"), archived
    )
    if query.strip():
        tenders = tenders.filter(title__icontains=query.strip())
    if scenario is not None:
        tenders = tenders.filter(scenario=scenario)
    return tenders


def tender_newest(*, user: User, limit: int = CHOICES) -> QuerySet[Tender]:
    """The user's newest tenders (title and scenario only): what a form's select offers."""
    return (
        Tender.objects.visible_to(user)
        .filter(archived_at__isnull=True)
        .only("public_id", "title", "scenario")
        .order_by("-updated_at", "-id")[:limit]
    )


def tender_get(*, user: User, public_id: uuid.UUID | str) -> Tender:
    """Return one tender the user may see, or NotFound."""
    return Tender.objects.select_related(
        "organisation", "consultation", "risk_assessment", "procurement"
    ).get_visible(user, public_id=public_id)


def bid_evaluation_list(*, tender: Tender, bidder: str = "") -> QuerySet[BidEvaluation]:
    """The tender's evaluations with their number of bids, counted in the database (the stored request and result
    are left unread); `bidder` keeps those with a bid whose bidder's name contains it."""
    evaluations = tender.evaluations.defer("request", "result").annotate(n_bids=Count("bids"))
    if bidder.strip():
        matching = tender.evaluations.filter(bids__bidder__icontains=bidder.strip()).values("pk")
        evaluations = evaluations.filter(pk__in=matching)
    return evaluations


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


@dataclass(frozen=True)
class RecommendationChange:
    """The consultation's recommendation differs from the one the tender was built with (or, for a tender built
    before one was kept, from the tender's scenario)."""

    built_with: (
        int | None
    )  # the scenario recommended when the tender was built (None: none then, or not kept)
    now: int | None  # the scenario recommended now (None: no counted response now)
    scenario: int  # the tender's own scenario
    respondents: int  # the responses counted now


def tender_recommendation_change(tender: Tender) -> RecommendationChange | None:
    """Compare the consultation's current recommendation (over its stored verdicts) with the one the tender was
    built with; None when they agree or the tender has no consultation. Reads only."""
    if tender.consultation is None:
        return None
    market = consultation_market(consultation=tender.consultation)
    now = market.recommended_scenario if market else None
    baseline = tender.recommended_scenario if tender.recommended_scenario is not None else tender.scenario
    if now is None and tender.recommended_scenario is None:
        return None  # nothing was recommended then and nothing is now
    if now == baseline:
        return None
    return RecommendationChange(
        built_with=tender.recommended_scenario,
        now=now,
        scenario=tender.scenario,
        respondents=market.respondents if market else 0,
    )
