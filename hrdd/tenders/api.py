"""API endpoints for tenders: thin; they call the same domain functions as the pages and the CLI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema, Status

from hrdd.domain.tender import (
    TenderAnnex,
    TenderInputError,
    build_tender,
    evaluate_bids,
    get_tender_framework,
)
from hrdd.tenders import documents

router = Router(tags=["tenders"])


class AnnexIn(Schema):
    scenario: int
    months: int | None = None
    weights: dict[str, float] | None = None
    require_label: bool = True
    title: str = ""


class ErrorOut(Schema):
    detail: str


def _annex(payload: AnnexIn) -> TenderAnnex:
    return build_tender(
        scenario=payload.scenario,
        framework=get_tender_framework(),
        months=payload.months,
        weights=payload.weights,
        require_label=payload.require_label,
    )


@router.post("/annex", response={200: dict[str, Any], 422: ErrorOut})
def tender_annex(request: HttpRequest, payload: AnnexIn) -> Any:
    """Build the human-rights annex of a tender for a scenario (nothing is stored)."""
    try:
        return _annex(payload).as_dict()
    except TenderInputError as exc:
        return Status(422, {"detail": str(exc)})


@router.post("/annex/ocds", response={200: dict[str, Any], 422: ErrorOut})
def tender_annex_ocds(request: HttpRequest, payload: AnnexIn) -> Any:
    """The annex as an OCDS 1.1 release (sustainability, selection and award criteria, clauses)."""
    try:
        return documents.annex_ocds(_annex(payload), title=payload.title)
    except TenderInputError as exc:
        return Status(422, {"detail": str(exc)})


@router.post("/evaluate", response={200: dict[str, Any], 422: ErrorOut})
def tender_evaluate(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    """Score bids: {scenario, weights, require_label, bids} -> admission, fractions, points, totals, ranks."""
    try:
        return evaluate_bids(payload, get_tender_framework()).as_dict()
    except TenderInputError as exc:
        return Status(422, {"detail": str(exc)})
