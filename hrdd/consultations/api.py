"""API endpoints for scoring and consultations: thin, they call the same domain and services as the pages.
Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.security import django_auth

from hrdd.consultations import selectors, services
from hrdd.consultations.schemas import (
    ConsultationIn,
    ConsultationOut,
    DraftIn,
    InvitationIn,
    InvitationOut,
    MarketOut,
    ResultsOut,
    ScoreOut,
    ScoringIn,
    SupplierViewOut,
)
from hrdd.core.errors import InputError
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut
from hrdd.domain.maturity import FieldError, InvalidResponse, assess_market, score_raw_response
from hrdd.domain.questionnaire_framework import FrameworkError, QuestionnaireFramework, get_framework

scoring_router = Router(tags=["scoring"])
router = Router(tags=["consultations"], auth=django_auth)
respond_router = Router(tags=["supplier link"])


def _framework(framework_id: str) -> QuestionnaireFramework:
    try:
        return get_framework(framework_id)
    except FrameworkError as exc:  # the framework id is the caller's input: name its property
        raise InputError(str(exc), field="framework") from exc


def _score_all(payload: ScoringIn) -> list[Any]:
    framework = _framework(payload.framework)
    results = []
    for index, response in enumerate(payload.responses):
        try:
            results.append(score_raw_response(response.model_dump(), framework))
        except InvalidResponse as exc:  # say which of the responses is at fault
            raise InvalidResponse(
                [FieldError(f"responses[{index}].{e.field}", e.message) for e in exc.errors]
            ) from exc
    return results


def _score_out(score: Any) -> dict[str, Any]:
    return score.as_dict() | {
        "reasons": [{"subject": r.subject, "text": r.text, "source": r.source} for r in score.reasons]
    }


@scoring_router.post("/questionnaire/score", response={200: list[ScoreOut], **INPUT_ERRORS})
def questionnaire_score(request: HttpRequest, payload: ScoringIn) -> list[dict[str, Any]]:
    """Score questionnaire responses (nothing is stored)."""
    return [_score_out(s) for s in _score_all(payload)]


@scoring_router.post("/market/assess", response={200: MarketOut, **INPUT_ERRORS})
def market_assess(request: HttpRequest, payload: ScoringIn) -> dict[str, Any]:
    """Assess the market's maturity from responses and recommend a tender scenario (nothing is stored)."""
    framework = _framework(payload.framework)
    return assess_market(_score_all(payload), framework).as_dict()


def _consultation_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.public_id,
        "title": c.title,
        "product_category": c.product_category,
        "deadline": c.deadline,
        "framework": c.framework_id,
    }


def _invitation_out(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "email": i.email,
        "company": i.company_name,
        "role": i.role,
        "status": i.status,
        "link": services.supplier_link(i),
    }


@router.get("/", response=list[ConsultationOut])
def consultation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """List your organisation's consultations."""
    return [_consultation_out(c) for c in selectors.consultation_list(user=request.user)]


@router.post("/", response={201: ConsultationOut, **WRITE_ERRORS})
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[dict[str, Any]]:
    """Create a consultation."""
    consultation = services.consultation_create(actor=request.user, **payload.model_dump())
    return Status(201, _consultation_out(consultation))


@router.post("/{uuid:public_id}/invitations", response={201: InvitationOut, **WRITE_ERRORS})
def invitation_create(request: HttpRequest, public_id: uuid.UUID, payload: InvitationIn) -> Status[Any]:
    """Invite a supplier by e-mail; the answer carries its secret link."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    invitation = services.invitation_create(
        actor=request.user, consultation=consultation, **payload.model_dump()
    )
    return Status(201, _invitation_out(invitation))


@router.get("/{uuid:public_id}/results", response={200: ResultsOut, **READ_ERRORS})
def consultation_results(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Each supplier's scores and levels, and the market's recommendation, with reasons."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    results = selectors.consultation_results(consultation=consultation)
    return {
        "consultation": _consultation_out(consultation),
        "rows": [
            {"invitation": _invitation_out(r.invitation), "score": _score_out(r.score) if r.score else None}
            for r in results.rows
        ],
        "market": results.market.as_dict() if results.market else None,
    }


def _supplier_view(invitation: Any) -> dict[str, Any]:
    consultation = invitation.consultation
    return {
        "consultation": consultation.title,
        "buyer": consultation.organisation.name,
        "deadline": consultation.deadline,
        "framework": consultation.framework_id,
        "company": invitation.company_name,
        "role": invitation.role,
        "status": invitation.status,
        "answers": invitation.answers,
    }


SUPPLIER_ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@respond_router.get("/{token}", response={200: SupplierViewOut, **READ_ERRORS})
def supplier_response_get(request: HttpRequest, token: str) -> dict[str, Any]:
    """Read the questionnaire state behind a supplier's secret link."""
    return _supplier_view(selectors.invitation_get_by_token(token=token))


@respond_router.put("/{token}", response={200: SupplierViewOut, **SUPPLIER_ERRORS})
def supplier_response_save_draft(request: HttpRequest, token: str, payload: DraftIn) -> dict[str, Any]:
    """Save a draft of the answers (incomplete answers are allowed; unknown ones are not)."""
    invitation = selectors.invitation_get_by_token(token=token)
    invitation = services.invitation_save_draft(invitation=invitation, raw=payload.model_dump())
    return _supplier_view(invitation)


@respond_router.post("/{token}/submit", response={200: SupplierViewOut, **SUPPLIER_ERRORS})
def supplier_response_submit(request: HttpRequest, token: str, payload: DraftIn) -> dict[str, Any]:
    """Submit the answers once; they must be complete."""
    invitation = selectors.invitation_get_by_token(token=token)
    invitation = services.invitation_submit(invitation=invitation, raw=payload.model_dump())
    return _supplier_view(invitation)
