"""Reads for tenders, scoped to the reader's organisation."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from hrdd.accounts.models import User
from hrdd.tenders.models import BidEvaluation, Tender


def tender_list(*, user: User) -> QuerySet[Tender]:
    """Return the tenders of the user's organisation."""
    return Tender.objects.filter(organisation_id=user.organisation_id).select_related("consultation")


def tender_get(*, user: User, public_id: uuid.UUID | str) -> Tender:
    """Return one tender of the user's organisation, or 404."""
    try:
        return Tender.objects.select_related("organisation", "consultation", "risk_assessment").get(
            public_id=public_id, organisation_id=user.organisation_id
        )
    except (Tender.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("tender not found") from exc


def bid_evaluation_get(*, tender: Tender, pk: int) -> BidEvaluation:
    """Return one evaluation of a tender, or 404."""
    try:
        return tender.evaluations.get(pk=pk)
    except BidEvaluation.DoesNotExist as exc:
        raise Http404("evaluation not found") from exc
