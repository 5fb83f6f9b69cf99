"""API endpoints for scoring and consultations: thin, they call the same domain and services as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from hrdd.consultations import selectors, services
from hrdd.domain.maturity import InvalidResponse, NoRespondents, assess_market, score_raw_response
from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID, FrameworkError, get_framework

scoring_router = Router(tags=["scoring"])
router = Router(tags=["consultations"], auth=django_auth)


class ResponseIn(Schema):
    company: Any = None
    role: Any = None
    answers: Any = None


class ScoringRequest(Schema):
    framework: str = DEFAULT_FRAMEWORK_ID
    responses: list[ResponseIn]


class ScoreOut(Schema):
    company: str
    role: str
    scores: dict[str, float]
    levels: dict[str, str]
    overall: str
    warnings: list[str]
    reasons: list[dict[str, str]]


class CheckOut(Schema):
    scenario: int
    at_least: str
    count: int
    met: bool


class MarketOut(Schema):
    respondents: int
    distribution: dict[str, dict[str, int]]
    quorum: int
    recommended_scenario: Literal[1, 2, 3] | int
    explanation: str
    baseline_advice: str
    checks: list[CheckOut]
    sources: list[str]


class ErrorOut(Schema):
    detail: str
    errors: list[dict[str, str]] = []


def _framework(framework_id: str):  # type: ignore[no-untyped-def]
    try:
        return get_framework(framework_id)
    except FrameworkError as exc:
        raise HttpError(400, str(exc)) from exc


def _score_all(payload: ScoringRequest) -> list[Any]:
    framework = _framework(payload.framework)
    results = []
    for index, response in enumerate(payload.responses):
        try:
            results.append(score_raw_response(response.dict(), framework))
        except InvalidResponse as exc:
            raise HttpError(422, f"responses[{index}]: " + "; ".join(str(e) for e in exc.errors)) from exc
    return results


def _score_out(score: Any) -> dict[str, Any]:
    return score.as_dict() | {
        "reasons": [{"subject": r.subject, "text": r.text, "source": r.source} for r in score.reasons]
    }


@scoring_router.post("/questionnaire/score", response={200: list[ScoreOut], 422: ErrorOut, 400: ErrorOut})
def questionnaire_score(request: HttpRequest, payload: ScoringRequest) -> list[dict[str, Any]]:
    """Score questionnaire responses (nothing is stored)."""
    return [_score_out(s) for s in _score_all(payload)]


@scoring_router.post("/market/assess", response={200: MarketOut, 422: ErrorOut, 400: ErrorOut})
def market_assess(request: HttpRequest, payload: ScoringRequest) -> dict[str, Any]:
    """Assess the market's maturity from responses and recommend a tender scenario (nothing is stored)."""
    framework = _framework(payload.framework)
    try:
        return assess_market(_score_all(payload), framework).as_dict()
    except NoRespondents as exc:
        raise HttpError(422, str(exc)) from exc


class ConsultationIn(Schema):
    title: str
    product_category: str
    deadline: dt.date


class ConsultationOut(Schema):
    id: uuid.UUID
    title: str
    product_category: str
    deadline: dt.date
    framework: str


class InvitationIn(Schema):
    email: str
    company: str = ""


class InvitationOut(Schema):
    id: int
    email: str
    company: str
    role: str
    status: str
    link: str


class RowOut(Schema):
    invitation: InvitationOut
    score: ScoreOut | None


class ResultsOut(Schema):
    consultation: ConsultationOut
    rows: list[RowOut]
    market: MarketOut | None


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
        "company": i.company,
        "role": i.role,
        "status": i.status,
        "link": services.supplier_link(i),
    }


@router.get("/", response=list[ConsultationOut])
def consultation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """List your organisation's consultations."""
    return [_consultation_out(c) for c in selectors.consultation_list(user=request.user)]


@router.post("/", response={201: ConsultationOut, 400: ErrorOut, 403: ErrorOut})
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[dict[str, Any]]:
    """Create a consultation."""
    try:
        consultation = services.consultation_create(actor=request.user, **payload.dict())
    except services.ConsultationError as exc:
        raise HttpError(400, f"{exc.field}: {exc}" if exc.field else str(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(201, _consultation_out(consultation))


@router.post("/{uuid:public_id}/invitations", response={201: InvitationOut, 400: ErrorOut, 403: ErrorOut})
def invitation_create(request: HttpRequest, public_id: uuid.UUID, payload: InvitationIn) -> Status[Any]:
    """Invite a supplier by e-mail; the answer carries its secret link."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    try:
        invitation = services.invitation_create(
            actor=request.user, consultation=consultation, **payload.dict()
        )
    except services.ConsultationError as exc:
        raise HttpError(400, f"{exc.field}: {exc}" if exc.field else str(exc)) from exc
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    return Status(201, _invitation_out(invitation))


@router.get("/{uuid:public_id}/results", response=ResultsOut)
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


respond_router = Router(tags=["supplier link"])


class DraftIn(Schema):
    company: str = ""
    role: str = ""
    answers: dict[str, Any] = {}


class SupplierViewOut(Schema):
    consultation: str
    buyer: str
    deadline: dt.date
    framework: str
    company: str
    role: str
    status: str
    answers: dict[str, Any]


def _supplier_view(invitation: Any) -> dict[str, Any]:
    consultation = invitation.consultation
    return {
        "consultation": consultation.title,
        "buyer": consultation.organisation.name,
        "deadline": consultation.deadline,
        "framework": consultation.framework_id,
        "company": invitation.company,
        "role": invitation.role,
        "status": invitation.status,
        "answers": invitation.answers,
    }


def _invalid(exc: InvalidResponse) -> Status[dict[str, Any]]:
    return Status(
        422,
        {
            "detail": "; ".join(str(e) for e in exc.errors),
            "errors": [{"field": e.field, "message": e.message} for e in exc.errors],
        },
    )


@respond_router.get("/{token}", response=SupplierViewOut)
def supplier_response_get(request: HttpRequest, token: str) -> dict[str, Any]:
    """Read the questionnaire state behind a supplier's secret link."""
    return _supplier_view(selectors.invitation_get_by_token(token=token))


@respond_router.put("/{token}", response={200: SupplierViewOut, 409: ErrorOut, 422: ErrorOut})
def supplier_response_save_draft(request: HttpRequest, token: str, payload: DraftIn) -> Any:
    """Save a draft of the answers (incomplete answers are allowed; unknown ones are not)."""
    invitation = selectors.invitation_get_by_token(token=token)
    try:
        invitation = services.invitation_save_draft(invitation=invitation, raw=payload.dict())
    except services.AlreadySubmitted as exc:
        return Status(409, {"detail": str(exc)})
    except InvalidResponse as exc:
        return _invalid(exc)
    return Status(200, _supplier_view(invitation))


@respond_router.post("/{token}/submit", response={200: SupplierViewOut, 409: ErrorOut, 422: ErrorOut})
def supplier_response_submit(request: HttpRequest, token: str, payload: DraftIn) -> Any:
    """Submit the answers once; they must be complete."""
    invitation = selectors.invitation_get_by_token(token=token)
    try:
        invitation = services.invitation_submit(invitation=invitation, raw=payload.dict())
    except services.AlreadySubmitted as exc:
        return Status(409, {"detail": str(exc)})
    except InvalidResponse as exc:
        return _invalid(exc)
    return Status(200, _supplier_view(invitation))
