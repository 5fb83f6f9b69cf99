"""API endpoints for contract management (manual section 3.4): thin; they call the same services and selectors as
the pages. Every operation is behind a login and the organisation's wall: another organisation's contract is
404, a write the user's role does not allow is 403. Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from ninja import Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from hrdd.contracts import selectors, services
from hrdd.contracts.models import Contract, InformationRequest, Obligation, Submission
from hrdd.contracts.schemas import (
    ContractDetailOut,
    ContractIn,
    ContractOut,
    InformationRequestIn,
    InformationRequestOut,
    ObligationStatusOut,
    SubmissionOut,
)
from hrdd.core.downloads import attachment
from hrdd.core.errors import NotFound
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from hrdd.domain.tender import TenderInputError
from hrdd.procurements.selectors import procurement_get
from hrdd.tenders.selectors import tender_get

router = Router(tags=["contracts"], auth=django_auth)

SCHEDULE_FIELDS = {"award": "award_date", "start": "start_date", "end": "end_date"}


def _obligation(contract: Contract, obligation_id: int) -> Obligation:
    try:
        return contract.obligations.get(pk=obligation_id)
    except Obligation.DoesNotExist as exc:
        raise NotFound("obligation") from exc


def _submission(contract: Contract, submission_id: int) -> Submission:
    try:
        return Submission.objects.select_related("obligation").get(
            pk=submission_id, obligation__contract=contract
        )
    except Submission.DoesNotExist as exc:
        raise NotFound("submission") from exc


@router.get("/", response={200: list[ContractOut], **INPUT_ERRORS})
@paginate(Pagination)
def contract_list(request: HttpRequest) -> QuerySet[Contract]:
    """List your organisation's contracts, newest first."""
    return selectors.contract_list(user=request.user)


@router.post("/", response={201: ContractDetailOut, **WRITE_ERRORS})
def contract_create(request: HttpRequest, payload: ContractIn) -> Status[Contract]:
    """Create a contract, from a tender or directly; its obligations follow from the scenario's clauses."""
    tender = tender_get(user=request.user, public_id=payload.tender) if payload.tender else None
    procurement = (
        procurement_get(user=request.user, public_id=payload.procurement) if payload.procurement else None
    )
    try:
        contract = services.contract_create(
            actor=request.user,
            tender=tender,
            procurement=procurement,
            **payload.model_dump(exclude={"tender", "procurement"}),
        )
    except TenderInputError as exc:  # the schedule rules say "start" and "end"; name the body's properties
        if exc.field not in SCHEDULE_FIELDS:
            raise
        message = str(exc).removeprefix(f"{exc.field}: ")
        raise TenderInputError(message, field=SCHEDULE_FIELDS[exc.field]) from exc
    return Status(201, contract)


@router.get("/{uuid:public_id}", response={200: ContractDetailOut, **READ_ERRORS})
def contract_get(request: HttpRequest, public_id: uuid.UUID) -> Contract:
    """One contract with its obligations and the supplier's link."""
    return selectors.contract_get(user=request.user, public_id=public_id)


@router.get("/{uuid:public_id}/obligations", response={200: list[ObligationStatusOut], **READ_ERRORS})
def obligation_list(request: HttpRequest, public_id: uuid.UUID) -> list[dict[str, Any]]:
    """Each obligation with its KPI statuses (timeliness, completeness, contents, responsiveness) and reasons."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    return [
        {
            "id": s.obligation.pk,
            "clause": s.obligation.clause,
            "title": s.obligation.title,
            "due_date": s.obligation.due_date,
            "reason": s.obligation.reason,
            "status": s.status,
            "kpis": [k.as_dict() for k in s.kpis],
            "checklist": [{"item": c.item, "met": c.met, "detail": c.detail} for c in s.checklist],
            "submissions": len(s.submissions),
            "latest_version": s.latest.version if s.latest else None,
        }
        for s in selectors.contract_statuses(contract)
    ]


@router.get(
    "/{uuid:public_id}/obligations/{int:obligation_id}/submissions",
    response={200: list[SubmissionOut], **READ_ERRORS},
)
def submission_list(request: HttpRequest, public_id: uuid.UUID, obligation_id: int) -> list[dict[str, Any]]:
    """The versions the supplier submitted for an obligation, newest first (the files are downloaded apart)."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    return [
        {
            "id": s.pk,
            "version": s.version,
            "submitted_at": s.submitted_at,
            "filename": s.filename,
            "content_type": s.content_type,
            "size": s.size,
            "sites": list(s.sites.all()),
            "download": reverse(
                "api:contract_submission_file",
                kwargs={"public_id": contract.public_id, "submission_id": s.pk},
            ),
        }
        for s in obligation.submissions.order_by("-version").prefetch_related("sites")
    ]


@router.get(
    "/{uuid:public_id}/submissions/{int:submission_id}/file",
    response=READ_ERRORS,
    url_name="contract_submission_file",
    openapi_extra={
        "responses": {
            200: {
                "description": "The file as the supplier uploaded it, as an attachment.",
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def submission_file(request: HttpRequest, public_id: uuid.UUID, submission_id: int) -> FileResponse:
    """Download the file of one submission."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    submission = _submission(contract, submission_id)
    if not submission.file:
        raise NotFound("file")
    return attachment(submission.file.open("rb"), submission.filename, content_type=submission.content_type)


@router.get(
    "/{uuid:public_id}/obligations/{int:obligation_id}/requests",
    response={200: list[InformationRequestOut], **READ_ERRORS},
)
def information_request_list(
    request: HttpRequest, public_id: uuid.UUID, obligation_id: int
) -> QuerySet[InformationRequest]:
    """The buyer's requests for more information on an obligation, with the supplier's answers."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    return _obligation(contract, obligation_id).requests.order_by("asked_on", "id")


@router.post(
    "/{uuid:public_id}/obligations/{int:obligation_id}/requests",
    response={201: InformationRequestOut, **WRITE_ERRORS},
)
def information_request_create(
    request: HttpRequest, public_id: uuid.UUID, obligation_id: int, payload: InformationRequestIn
) -> Status[InformationRequest]:
    """Ask the supplier for more information on an obligation; they are e-mailed their link."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    asked = services.information_request_create(
        actor=request.user, obligation=obligation, question=payload.question, due_on=payload.due_on
    )
    return Status(201, asked)
