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
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from hrdd.accounts.selectors import group_choices
from hrdd.consultations import joint, links, selectors, services
from hrdd.consultations.models import Consultation, CoOwner
from hrdd.consultations.schemas import (
    ConsultationIn,
    ConsultationOut,
    ConsultationQuery,
    CoOwnerOut,
    CoOwnersIn,
    DraftIn,
    InvitationIn,
    InvitationOut,
    MarketOut,
    PagedRowOut,
    ResponseQuery,
    ResultsOut,
    ScenarioIn,
    ScenarioOut,
    ScoreOut,
    ScoringIn,
    SupplierViewOut,
)
from hrdd.core.errors import InputError
from hrdd.core.models import active_organisation_id
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination
from hrdd.core.versions import api_version
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


def _invitation_out(i: Any, *, issued: bool = False) -> dict[str, Any]:
    """An invitation; its secret link only when `issued` now (the answer that created or re-issued it)."""
    return {
        "id": i.pk,
        "email": i.email,
        "company": i.company_name,
        "language": i.language,
        "role": i.role,
        "status": i.status,
        "link": services.supplier_link(i) if issued else None,
        "link_issued_at": i.token_issued_at,
        "link_expires_on": i.link_expires_on,
        "link_revoked_at": i.link_revoked_at,
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
    """Invite a supplier by e-mail (the consultation's owner, or an organisation that co-owns it); the answer
    carries its secret link."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    invitation = services.invitation_create(
        actor=request.user, consultation=consultation, **payload.model_dump()
    )
    return Status(201, _invitation_out(invitation, issued=True))


@router.post("/{uuid:public_id}/invitations/{int:pk}/link", response={200: InvitationOut, **WRITE_ERRORS})
def invitation_link_reissue(request: HttpRequest, public_id: uuid.UUID, pk: int) -> dict[str, Any]:
    """Issue a new secret link for a supplier (the old one stops working) and e-mail it to them; the answer
    carries the new link, shown this once."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    invitation = selectors.invitation_get(user=request.user, consultation=consultation, pk=pk)
    return _invitation_out(
        links.invitation_link_reissue(actor=request.user, invitation=invitation), issued=True
    )


@router.delete("/{uuid:public_id}/invitations/{int:pk}/link", response={200: InvitationOut, **WRITE_ERRORS})
def invitation_link_revoke(request: HttpRequest, public_id: uuid.UUID, pk: int) -> dict[str, Any]:
    """Revoke a supplier's secret link: it stops working at once (the invitation and its answers stay)."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    invitation = selectors.invitation_get(user=request.user, consultation=consultation, pk=pk)
    return _invitation_out(links.invitation_link_revoke(actor=request.user, invitation=invitation))


@router.get("/{uuid:public_id}/results", response={200: ResultsOut, **READ_ERRORS})
def consultation_results(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The market's maturity and recommended scenario, with reasons, and how many suppliers were invited, saved a
    draft or submitted; each supplier's scores are under `responses`. An organisation that co-owns the consultation
    reads it too."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
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
    reasons; `q` keeps those whose company or e-mail contains it, `status` one state, `overall` one level. A
    co-owner gets no score of answers submitted before it joined (`withheld`)."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    framework = get_framework(consultation.framework_id)
    invitations = selectors.consultation_responses(
        consultation=consultation,
        query=filters.q,
        status=filters.status or "",
        overall=filters.overall,
        reader=active_organisation_id(request.user),
    ).order_by("created_at", "id")
    # sliced and counted in the database, then each row of the page read with its stored verdict
    listed = Pagination().paginate_queryset(invitations, page, request)
    return {
        "items": [
            {
                "invitation": _invitation_out(row.invitation),
                "score": _score_out(row.score) if row.score else None,
                "withheld": row.withheld,
            }
            for row in (selectors.scored_row(invitation, framework) for invitation in listed["items"])
        ],
        "count": listed["count"],
    }


# a consultation several buyers run together (issue 16)


def _co_owner_out(row: CoOwner) -> dict[str, Any]:
    consultation = row.consultation
    return {
        "id": row.public_id,
        "consultation": consultation.public_id,
        "consultation_title": consultation.title,
        "owner": consultation.organisation.name,
        "organisation": row.organisation.name,
        "organisation_id": row.organisation.public_id,
        "status": row.status,
        "via_group": row.via_group,
        "invited_at": row.invited_at,
        "answered_at": row.answered_at,
        "joined_at": row.joined_at,
        "left_at": row.left_at,
    }


@router.get("/{uuid:public_id}/co-owners", response={200: list[CoOwnerOut], **READ_ERRORS})
def co_owner_list(request: HttpRequest, public_id: uuid.UUID) -> list[dict[str, Any]]:
    """The organisations invited to co-own the consultation, in any state (invited, accepted, declined, left), in
    the order invited; read by its owner and its co-owners."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    return [_co_owner_out(row) for row in selectors.co_owner_rows(consultation=consultation)]


@router.post("/{uuid:public_id}/co-owners", response={201: list[CoOwnerOut], **WRITE_ERRORS})
def co_owners_invite(request: HttpRequest, public_id: uuid.UUID, payload: CoOwnersIn) -> Status[Any]:
    """Invite organisations of the installation (by id), or every organisation of a group, to co-own your
    consultation: all of them or none. Their administrator or a procurement officer accepts or declines."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    candidates = selectors.co_owner_candidates(consultation=consultation)
    wanted = {str(o) for o in payload.organisations}
    organisations = list(candidates.filter(public_id__in=wanted))
    if len(organisations) != len(wanted):
        raise InputError(_("Unknown organisation, or one invited already."), field="organisations")
    group = None
    if payload.group is not None:
        group = group_choices(user=request.user).filter(public_id=payload.group).first()
        if group is None:
            raise InputError(_("Unknown group."), field="group")
    rows = joint.co_owners_invite(
        actor=request.user, consultation=consultation, organisations=organisations, group=group
    )
    return Status(201, [_co_owner_out(row) for row in rows])


@router.get("/co-owner-invitations", response={200: list[CoOwnerOut]})
def co_owner_invitation_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The invitations to co-own another organisation's consultation that wait for your organisation's answer."""
    return [_co_owner_out(row) for row in selectors.co_owner_invitations(user=request.user)[:200]]


def _co_owner_answer(request: HttpRequest, public_id: uuid.UUID, write: Any) -> dict[str, Any]:
    row = selectors.co_owner_get(user=request.user, public_id=public_id)
    return _co_owner_out(write(actor=request.user, row=row))


@router.post("/co-owners/{uuid:public_id}/accept", response={200: CoOwnerOut, **WRITE_ERRORS})
def co_owner_accept(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Accept your organisation's invitation to co-own a consultation (an administrator or procurement officer):
    from now on it sees the consultation and the answers submitted to it."""
    return _co_owner_answer(request, public_id, joint.co_owner_accept)


@router.post("/co-owners/{uuid:public_id}/decline", response={200: CoOwnerOut, **WRITE_ERRORS})
def co_owner_decline(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Decline your organisation's invitation to co-own a consultation."""
    return _co_owner_answer(request, public_id, joint.co_owner_decline)


@router.post("/co-owners/{uuid:public_id}/leave", response={200: CoOwnerOut, **WRITE_ERRORS})
def co_owner_leave(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Stop co-owning a consultation: your organisation no longer sees it, and its scenario choice is dropped."""
    return _co_owner_answer(request, public_id, joint.co_owner_leave)


def _owners_co_owner(request: HttpRequest, public_id: uuid.UUID, row_id: uuid.UUID) -> CoOwner:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)  # the owner's only
    return joint.co_owner_of(consultation=consultation, public_id=row_id)


@router.delete("/{uuid:public_id}/co-owners/{uuid:row_id}", response={204: None, **WRITE_ERRORS})
def co_owner_withdraw(request: HttpRequest, public_id: uuid.UUID, row_id: uuid.UUID) -> Status[None]:
    """Withdraw your consultation's invitation to co-own it that the organisation has not answered yet (an
    administrator or procurement officer of the owner); one answered already is refused (422)."""
    joint.co_owner_withdraw(actor=request.user, row=_owners_co_owner(request, public_id, row_id))
    return Status(204, None)


@router.post("/{uuid:public_id}/co-owners/{uuid:row_id}/remove", response={200: CoOwnerOut, **WRITE_ERRORS})
def co_owner_remove(request: HttpRequest, public_id: uuid.UUID, row_id: uuid.UUID) -> dict[str, Any]:
    """Remove a co-owner of your consultation (an administrator or procurement officer of the owner): it no longer
    sees the consultation or its answers, and its scenario choice is dropped."""
    row = _owners_co_owner(request, public_id, row_id)
    return _co_owner_out(joint.co_owner_remove(actor=request.user, row=row))


def _scenario_out(consultation: Consultation) -> dict[str, Any]:
    state = selectors.joint_state(consultation=consultation)
    return {
        "agreed": consultation.agreed_scenario is not None,
        "scenario": consultation.agreed_scenario,
        "agreed_at": consultation.agreed_at,
        "reason": str(state.agreement.reason),
        "waiting": list(state.agreement.waiting),
        "choices": [
            {
                "organisation": p.organisation.name,
                "owner": p.is_owner,
                "scenario": p.choice.scenario if p.choice else None,
                "note": p.choice.note if p.choice else "",
                "chosen_at": p.choice.chosen_at if p.choice else None,
            }
            for p in state.participants
        ],
    }


@router.get("/{uuid:public_id}/scenario", response={200: ScenarioOut, **READ_ERRORS})
def scenario_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """The scenario each organisation running the consultation chose, and whether they all agree (and since
    when)."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    return _scenario_out(consultation)


@router.put("/{uuid:public_id}/scenario", response={200: ScenarioOut, **WRITE_ERRORS})
def scenario_choose(request: HttpRequest, public_id: uuid.UUID, payload: ScenarioIn) -> dict[str, Any]:
    """Record the scenario (1, 2 or 3) your organisation wants, with an optional note (its owner's or a
    co-owner's administrator or procurement officer). When all choose the same, it is agreed; a later change
    reopens the decision."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    joint.scenario_choose(
        actor=request.user, consultation=consultation, scenario=payload.scenario, note=payload.note
    )
    consultation.refresh_from_db(fields=["agreed_scenario", "agreed_at"])
    return _scenario_out(consultation)


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
        "version": invitation.version,
    }


SUPPLIER_ERRORS: dict[int, Any] = {404: ErrorOut, 409: ErrorOut, 410: ErrorOut, 422: ErrorOut}
LINK_READ_ERRORS: dict[int, Any] = {404: ErrorOut, 410: ErrorOut}


@respond_router.get("/{token}", response={200: SupplierViewOut, **LINK_READ_ERRORS})
def supplier_response_get(request: HttpRequest, token: str) -> dict[str, Any]:
    """Read the questionnaire state behind a supplier's secret link."""
    return _supplier_view(selectors.invitation_get_by_token(token=token))


@respond_router.put("/{token}", response={200: SupplierViewOut, **SUPPLIER_ERRORS})
def supplier_response_save_draft(request: HttpRequest, token: str, payload: DraftIn) -> dict[str, Any]:
    """Save a draft of the answers (incomplete answers are allowed; unknown ones are not). Send the `version`
    read (or If-Match): if someone saved since, nothing is saved and the answer is 409 with both versions."""
    invitation = selectors.invitation_get_by_token(token=token)
    invitation = services.invitation_save_draft(
        invitation=invitation,
        raw=payload.model_dump(exclude={"version"}),
        version=api_version(request, payload.version),
    )
    return _supplier_view(invitation)


@respond_router.post("/{token}/submit", response={200: SupplierViewOut, **SUPPLIER_ERRORS})
def supplier_response_submit(request: HttpRequest, token: str, payload: DraftIn) -> dict[str, Any]:
    """Submit the answers once; they must be complete. A `version` (or If-Match) older than the saved one is
    answered 409 with both versions, nothing submitted."""
    invitation = selectors.invitation_get_by_token(token=token)
    invitation = services.invitation_submit(
        invitation=invitation,
        raw=payload.model_dump(exclude={"version"}),
        version=api_version(request, payload.version),
    )
    return _supplier_view(invitation)
