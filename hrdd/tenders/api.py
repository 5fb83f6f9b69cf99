"""API endpoints for tenders: thin; they call the same domain functions as the pages and the CLI.
Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Router
from ninja.security import django_auth

from hrdd.core.schemas import EDIT_ERRORS, INPUT_ERRORS, READ_ERRORS
from hrdd.core.versions import api_version
from hrdd.domain.tender import TenderAnnex, build_tender, evaluate_bids, get_tender_framework
from hrdd.tenders import ocds, selectors, services
from hrdd.tenders.bids import OPENAPI_EXAMPLES
from hrdd.tenders.models import Tender
from hrdd.tenders.schemas import (
    AnnexIn,
    AnnexOut,
    EvaluationIn,
    EvaluationOut,
    OcdsAnnexIn,
    OcdsReleasePackageOut,
    TenderOut,
    TenderUpdateIn,
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


def _tender_out(tender: Tender) -> dict[str, Any]:
    return {
        "id": str(tender.public_id),
        "title": tender.title,
        "procurement": str(tender.procurement.public_id),
        "scenario": tender.scenario,
        "months": tender.months,
        "require_label": tender.require_label,
        "weights": tender.weights,
        "language": tender.language,
        "archived": tender.archived_at is not None,
        "version": tender.version,
    }


@router.get(
    "/{public_id}/ocds",
    response={200: OcdsReleasePackageOut, **READ_ERRORS, **INPUT_ERRORS},
    exclude_none=True,
    auth=django_auth,
)
def tender_ocds(request: HttpRequest, public_id: str, language: str = "") -> dict[str, Any]:
    """A stored tender as an OCDS 1.1 release package: its ocid, your organisation as the buyer, the clause
    milestones due on the dates of its contract's schedule; its texts in the tender's language, or in `language`
    (en, nl, fr, de)."""
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    with translation.override(services.tender_language(language) if language else tender.language):
        return ocds.tender_release_package(tender)


@router.post(
    "/evaluate",
    response={200: EvaluationOut, **INPUT_ERRORS},
    # every accepted shape by example, one request per scenario (the bids page shows the same)
    openapi_extra={"requestBody": {"content": {"application/json": {"examples": OPENAPI_EXAMPLES}}}},
)
def tender_evaluate(request: HttpRequest, payload: EvaluationIn) -> dict[str, Any]:
    """Score bids: {scenario, weights, require_label, bids} -> admission, fractions, points, totals, ranks."""
    return evaluate_bids(payload.model_dump(exclude_none=True), get_tender_framework()).as_dict()


# after /evaluate and /annex: a path of one segment would take theirs
@router.get("/{public_id}", response={200: TenderOut, **READ_ERRORS}, auth=django_auth)
def tender_get(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """One of your organisation's tenders: its scenario, parameters and the language of its documents."""
    return _tender_out(selectors.tender_get(user=request.user, public_id=public_id))


@router.patch("/{public_id}", response={200: TenderOut, **EDIT_ERRORS}, auth=django_auth)
def tender_update(request: HttpRequest, public_id: str, payload: TenderUpdateIn) -> dict[str, Any]:
    """Change the language a tender's documents (annex, award report) are written in: en, nl, fr or de."""
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    return _tender_out(
        services.tender_language_set(
            actor=request.user,
            tender=tender,
            language=payload.language,
            version=api_version(request, payload.version),
        )
    )
