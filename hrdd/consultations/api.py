"""API endpoints for scoring and consultations: thin, they call the same domain and services as the pages.
Errors are answered by the one handler in hrdd/api.py.

Every list is a page (?limit=&offset=, {"items", "count"}) counted and sliced in the database, in a fixed order,
with a number of queries that does not grow with its size: a consultation's results give the market's assessment
and the number of responses in each state; the responses themselves are read a page at a time."""

# No `from __future__ import annotations`: django-ninja reads a paginated operation's parameter types in the
# globals of its pagination wrapper, where this module's names (uuid, the query schemas) are not defined.

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from hrdd.consultations import selectors, services
from hrdd.consultations.models import Consultation
from hrdd.consultations.schemas import (
    ConsultationIn,
    ConsultationOut,
    ConsultationQuery,
    DraftIn,
    InvitationIn,
    InvitationOut,
    MarketOut,
    PagedRowOut,
    ResponseQuery,
    ResultsOut,
    ScoreOut,
    ScoringIn,
    SupplierViewOut,
)
from hrdd.core.errors import InputError
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination
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


def _invitation_out(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "email": i.email,
        "company": i.company_name,
        "language": i.language,
        "role": i.role,
        "status": i.status,
        "link": services.supplier_link(i),
    }


@router.get("/", response={200: list[ConsultationOut], **INPUT_ERRORS})
@paginate(Pagination)
def consultation_list(request: HttpRequest, filters: Query[ConsultationQuery]) -> QuerySet[Consultation]:
    """List your organisation's consultations, newest first; `q` keeps those whose title contains it, `state`
    those still taking answers (open) or past their deadline (closed)."""
    return selectors.consultation_list(
        user=request.user,
        query=filters.q,
        product_category=filters.product_category,
        state=filters.state or "",
    ).order_by("-created_at", "-id")


@router.post("/", response={201: ConsultationOut, **WRITE_ERRORS})
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[Consultation]:
    """Create a consultation."""
    return Status(201, services.consultation_create(actor=request.user, **payload.model_dump()))


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
    """The market's maturity and recommended scenario, with reasons, and how many suppliers were invited, saved a
    draft or submitted; each supplier's scores are under `responses`."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    market = selectors.consultation_market(consultation=consultation)
    return {
        "consultation": consultation,
        "counts": selectors.consultation_response_counts(consultation=consultation),
        "responses": reverse("api:consultation_responses", kwargs={"public_id": consultation.public_id}),
        "market": market.as_dict() if market else None,
    }


@router.get(
    "/{uuid:public_id}/responses",
    response={200: PagedRowOut, **READ_ERRORS, **INPUT_ERRORS},
    url_name="consultation_responses",
)
def response_list(
    request: HttpRequest,
    public_id: uuid.UUID,
    page: Query[Pagination.Input],
    filters: Query[ResponseQuery],
) -> dict[str, Any]:
    """Each invited supplier in the order invited, with the scores and levels stored when they submitted, and
    reasons; `q` keeps those whose company or e-mail contains it, `status` one state, `overall` one level."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    framework = get_framework(consultation.framework_id)
    invitations = selectors.consultation_responses(
        consultation=consultation, query=filters.q, status=filters.status or "", overall=filters.overall
    ).order_by("created_at", "id")
    # sliced and counted in the database, then each row of the page read with its stored verdict
    listed = Pagination().paginate_queryset(invitations, page, request)
    return {
        "items": [
            {
                "invitation": _invitation_out(row.invitation),
                "score": _score_out(row.score) if row.score else None,
            }
            for row in (selectors.scored_row(invitation, framework) for invitation in listed["items"])
        ],
        "count": listed["count"],
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
