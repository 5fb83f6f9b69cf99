"""API endpoints for tenders: thin; they call the same domain functions as the pages and the CLI.
Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from hrdd.core.schemas import INPUT_ERRORS
from hrdd.domain.tender import TenderAnnex, build_tender, evaluate_bids, get_tender_framework
from hrdd.tenders import documents
from hrdd.tenders.bids import OPENAPI_EXAMPLES
from hrdd.tenders.schemas import AnnexIn, AnnexOut, EvaluationIn, EvaluationOut, OcdsReleaseOut

router = Router(tags=["tenders"])


def _annex(payload: AnnexIn) -> TenderAnnex:
    return build_tender(
        scenario=payload.scenario,
        framework=get_tender_framework(),
        months=payload.months,
        weights=payload.weights,
        require_label=payload.require_label,
    )


@router.post("/annex", response={200: AnnexOut, **INPUT_ERRORS})
def tender_annex(request: HttpRequest, payload: AnnexIn) -> dict[str, Any]:
    """Build the human-rights annex of a tender for a scenario (nothing is stored)."""
    return _annex(payload).as_dict()


# OCDS leaves out what a release does not have (selection criteria in scenario 1, parties without a buyer).
@router.post("/annex/ocds", response={200: OcdsReleaseOut, **INPUT_ERRORS}, exclude_none=True)
def tender_annex_ocds(request: HttpRequest, payload: AnnexIn) -> dict[str, Any]:
    """The annex as an OCDS 1.1 release (sustainability, selection and award criteria, clauses)."""
    return documents.annex_ocds(_annex(payload), title=payload.title)


@router.post(
    "/evaluate",
    response={200: EvaluationOut, **INPUT_ERRORS},
    # every accepted shape by example, one request per scenario (the bids page shows the same)
    openapi_extra={"requestBody": {"content": {"application/json": {"examples": OPENAPI_EXAMPLES}}}},
)
def tender_evaluate(request: HttpRequest, payload: EvaluationIn) -> dict[str, Any]:
    """Score bids: {scenario, weights, require_label, bids} -> admission, fractions, points, totals, ranks."""
    return evaluate_bids(payload.model_dump(exclude_none=True), get_tender_framework()).as_dict()
