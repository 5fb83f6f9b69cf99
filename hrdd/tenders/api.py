"""API endpoints for tenders: thin; they call the same domain functions as the pages and the CLI.
Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS
from hrdd.domain.tender import TenderAnnex, build_tender, evaluate_bids, get_tender_framework
from hrdd.tenders import ocds, selectors
from hrdd.tenders.bids import OPENAPI_EXAMPLES
from hrdd.tenders.schemas import (
    AnnexIn,
    AnnexOut,
    EvaluationIn,
    EvaluationOut,
    OcdsAnnexIn,
    OcdsReleasePackageOut,
)

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


# OCDS leaves out what a release does not have (selection criteria in scenario 1, due dates without a contract).
@router.post("/annex/ocds", response={200: OcdsReleasePackageOut, **INPUT_ERRORS}, exclude_none=True)
def tender_annex_ocds(request: HttpRequest, payload: OcdsAnnexIn) -> dict[str, Any]:
    """The annex as an OCDS 1.1 release package (sustainability, selection and award criteria, clauses), without
    storing it: the buyer is `buyer` or, logged in, your organisation; the same buyer and title keep one ocid."""
    organisation = getattr(request.user, "organisation", None)
    return ocds.adhoc_release_package(
        _annex(payload),
        title=payload.title,
        buyer=payload.buyer or (organisation.name if organisation is not None else ""),
        tender_id=payload.tender_id,
        ocid_prefix=payload.ocid_prefix,
        date=payload.date,
    )


@router.get(
    "/{public_id}/ocds",
    response={200: OcdsReleasePackageOut, **READ_ERRORS},
    exclude_none=True,
    auth=django_auth,
)
def tender_ocds(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """A stored tender as an OCDS 1.1 release package: its ocid, your organisation as the buyer, the clause
    milestones due on the dates of its contract's schedule."""
    return ocds.tender_release_package(selectors.tender_get(user=request.user, public_id=public_id))


@router.post(
    "/evaluate",
    response={200: EvaluationOut, **INPUT_ERRORS},
    # every accepted shape by example, one request per scenario (the bids page shows the same)
    openapi_extra={"requestBody": {"content": {"application/json": {"examples": OPENAPI_EXAMPLES}}}},
)
def tender_evaluate(request: HttpRequest, payload: EvaluationIn) -> dict[str, Any]:
    """Score bids: {scenario, weights, require_label, bids} -> admission, fractions, points, totals, ranks."""
    return evaluate_bids(payload.model_dump(exclude_none=True), get_tender_framework()).as_dict()
