"""API operations for incidents, exposure, remediation plans, notices, sharing and grievance channels (issue 12):
thin; they call the same services and selectors as the pages and the command line. Errors are answered by the one
handler in hrdd/api.py; too many uses of the public intake answer 429.

`public_router` holds the operations that work without an account: the grievance intake (a channel's slug or
secret token), the receipt lookup, and the supplier's progress through its contract link."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from hrdd.core.errors import InputError, NotFound
from hrdd.core.links import absolute_url
from hrdd.core.schemas import EDIT_ERRORS, INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination
from hrdd.core.versions import api_version
from hrdd.domain.incidents import StepFacts, step_is_overdue
from hrdd.incidents import selectors, services
from hrdd.incidents.models import GrievanceChannel, Incident, Notice, RemediationStep, risk_category_choices
from hrdd.incidents.schemas import (
    ExposureSharingIn,
    ExposureSharingOut,
    GrievanceChannelIn,
    GrievanceChannelOut,
    GrievanceChannelUpdateIn,
    GrievanceIn,
    IncidentExposureOut,
    IncidentIn,
    IncidentNoticeOut,
    IncidentOut,
    IncidentTransitionIn,
    IncidentUpdateIn,
    IntakeFormOut,
    PagedIncidentOut,
    ReceiptIn,
    ReceiptOut,
    ReceiptStatusOut,
    RemediationStepIn,
    RemediationStepOut,
    RemediationStepUpdateIn,
    StepProgressIn,
    StepVerifyIn,
    SupplierRemediationStepOut,
)

router = Router(tags=["incidents"], auth=django_auth)
public_router = Router(tags=["grievances"], auth=None)
PUBLIC_ERRORS: dict[int, Any] = {404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


def incident_out(incident: Incident, user: Any) -> dict[str, Any]:
    owner = selectors.reporter_visible(user, incident)
    return {
        "id": incident.public_id,
        "title": incident.title,
        "description": incident.description,
        "subject_kind": incident.subject_kind,
        "site": incident.site.public_id if incident.site_id else None,
        "site_name": incident.site.name if incident.site_id else "",
        "group": incident.group.public_id if incident.group_id else None,
        "group_name": incident.group.name if incident.group_id else "",
        "company": incident.company.public_id if incident.company_id else None,
        "company_name": incident.company.legal_name if incident.company_id else "",
        **{
            name: getattr(incident, name)
            for name in (
                "subject_text", "country_iso3", "source", "source_url", "document_name", "occurred_on", "category",
                "category_title", "scale", "scope", "irremediability", "severity", "severity_reasons", "status",
                "confidentiality", "language", "created_at",
            )
        },
        "allowed_statuses": list(incident.allowed_statuses),
        "owned": owner,
        "organisation_name": incident.organisation.name,
        "reporter_anonymous": incident.reporter_anonymous if owner else None,
        "reporter_name": incident.reporter_name if owner else None,
        "reporter_contact": incident.reporter_contact if owner else None,
        "version": incident.version,
    }  # fmt: skip


def _progress_out(step: RemediationStep) -> list[dict[str, Any]]:
    return [
        {"reported_at": p.reported_at, "reported_by": p.reported_by, "text": p.text, "filename": p.filename}
        for p in step.progress.all()
    ]


def step_out(step: RemediationStep) -> dict[str, Any]:
    return {
        "id": step.public_id,
        "incident": step.incident.public_id,
        **{
            name: getattr(step, name)
            for name in (
                "position",
                "action",
                "responsible",
                "deadline",
                "evidence",
                "status",
                "first_reported_on",
                "verified_on",
            )
        },
        "contract": step.contract.public_id if step.contract_id else None,
        "verified_by": step.verified_by.email if step.verified_by_id else "",
        "overdue": step.verified_on is None and step.deadline < timezone.localdate(),
        "progress": _progress_out(step),
        "version": step.version,
    }


def notice_out(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.public_id,
        "incident": notice.incident.public_id,
        "message": notice.message,
        "contracts": notice.contracts,
        "created_at": notice.created_at,
        "read": notice.read_at is not None,
    }


def channel_out(channel: GrievanceChannel, *, issued: bool = False) -> dict[str, Any]:
    """A channel; its secret link only when `issued` now (the answer that opened the channel or re-issued the
    link: it is stored hashed and never shown again, hrdd.core.linktokens)."""
    return {
        "id": channel.public_id,
        **{name: getattr(channel, name) for name in ("slug", "title", "introduction", "is_open")},
        "secret_link": absolute_url(channel.get_secret_url()) if issued else None,
        "link_issued_at": channel.token_issued_at,
        "version": channel.version,
    }


def _subject(request: HttpRequest, values: dict[str, Any]) -> dict[str, Any]:
    """Turn the public ids of site, group and company into records (422 naming the field when unknown)."""
    from hrdd.companies.models import Company
    from hrdd.supplier_sites import selectors as site_selectors

    for name in ("site", "group", "company"):
        if name not in values or values[name] is None:
            continue
        try:
            if name == "site":
                values[name] = site_selectors.site_get(user=request.user, public_id=values[name])
            elif name == "group":
                values[name] = site_selectors.group_get(user=request.user, public_id=values[name])
            else:
                values[name] = Company.objects.get_owned(request.user, public_id=values[name])
        except NotFound as exc:
            raise InputError(f"no such {name}", field=name) from exc
    return values


def _contract(request: HttpRequest, public_id: Any) -> Any:
    if public_id is None:
        return None
    from hrdd.contracts.selectors import contract_get

    try:
        return contract_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise InputError("no such contract", field="contract") from exc


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


# fixed paths come before /{uuid:public_id}


@router.get("/notices", response={200: list[IncidentNoticeOut]})
def notice_list(request: HttpRequest, unread: bool = False) -> list[dict[str, Any]]:
    """Your notices in the organisation you work in now: incidents touching its contracts, unread first."""
    return [notice_out(n) for n in selectors.notices_for(request.user, unread_only=unread, limit=200)]


@router.post("/notices/{uuid:public_id}/read", response={200: IncidentNoticeOut, **READ_ERRORS})
def notice_read(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Mark one notice read."""
    notice = Notice.objects.select_related("incident").filter(public_id=public_id, user=request.user).first()
    if notice is None:
        raise NotFound("notice")
    return notice_out(services.notice_mark_read(user=request.user, notice=notice))


@router.get("/sharing", response={200: ExposureSharingOut})
def sharing_get(request: HttpRequest) -> dict[str, Any]:
    """Whether your organisation shares its exposure with the other organisations of the installation."""
    from hrdd.incidents.models import ExposureSharing

    found = ExposureSharing.objects.filter(organisation_id=request.user.organisation_id).first()
    return {"share": found is not None, "since": found.since if found else None}


@router.put("/sharing", response={200: ExposureSharingOut, **WRITE_ERRORS})
def sharing_set(request: HttpRequest, payload: ExposureSharingIn) -> dict[str, Any]:
    """Opt in or out of sharing exposure (administrators)."""
    found = services.exposure_sharing_set(actor=request.user, share=payload.share)
    return {"share": found is not None, "since": found.since if found else None}


@router.get("/channels", response={200: list[GrievanceChannelOut]})
def channel_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Your organisation's grievance channels, with their addresses and when their secret links were issued (a
    secret link is shown only in the answer that issued it)."""
    return [channel_out(c) for c in selectors.grievance_channel_list(user=request.user)]


@router.post("/channels", response={201: GrievanceChannelOut, **WRITE_ERRORS})
def channel_create(request: HttpRequest, payload: GrievanceChannelIn) -> Status[dict[str, Any]]:
    """Open a grievance channel: a public address by its slug and a secret link, shown in this answer only."""
    channel = services.grievance_channel_create(actor=request.user, **payload.model_dump())
    return Status(201, channel_out(channel, issued=True))


@router.patch("/channels/{uuid:public_id}", response={200: GrievanceChannelOut, **EDIT_ERRORS})
def channel_update(
    request: HttpRequest, public_id: uuid.UUID, payload: GrievanceChannelUpdateIn
) -> dict[str, Any]:
    """Close or reopen a channel, change its words, or give it a new secret link (the old one stops working; the
    new one is shown in this answer only)."""
    channel = GrievanceChannel.objects.get_visible(request.user, public_id=public_id)
    values = payload.model_dump(exclude_unset=True, exclude={"version"})
    version = api_version(request, payload.version)
    changed = services.grievance_channel_update(
        actor=request.user, channel=channel, version=version, **values
    )
    return channel_out(changed, issued=bool(values.get("new_link")))


@router.get("/overdue-steps", response={200: list[RemediationStepOut]})
def overdue_step_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Your organisation's corrective-action steps past their deadline and not verified."""
    steps = selectors.overdue_steps(request.user.organisation_id, timezone.localdate()).prefetch_related(
        "progress"
    )
    return [step_out(s) for s in steps.select_related("verified_by")[:500]]


@router.patch("/steps/{uuid:public_id}", response={200: RemediationStepOut, **EDIT_ERRORS})
def step_update(
    request: HttpRequest, public_id: uuid.UUID, payload: RemediationStepUpdateIn
) -> dict[str, Any]:
    """Change a step your organisation set."""
    step = selectors.step_get(user=request.user, public_id=public_id)
    values = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "contract" in values:
        values["contract"] = _contract(request, values["contract"])
    version = api_version(request, payload.version)
    return step_out(services.step_update(actor=request.user, step=step, version=version, **values))


@router.delete("/steps/{uuid:public_id}", response={204: None, **WRITE_ERRORS})
def step_delete(request: HttpRequest, public_id: uuid.UUID) -> Status[None]:
    """Remove a step set by mistake (not one with progress reported)."""
    services.step_delete(actor=request.user, step=selectors.step_get(user=request.user, public_id=public_id))
    return Status(204, None)


@router.post("/steps/{uuid:public_id}/progress", response={200: RemediationStepOut, **WRITE_ERRORS})
def step_progress(request: HttpRequest, public_id: uuid.UUID, payload: StepProgressIn) -> dict[str, Any]:
    """Record progress on a step your organisation set."""
    step = selectors.step_get(user=request.user, public_id=public_id)
    services.step_progress_add(actor=request.user, step=step, text=payload.text)
    return step_out(step)


@router.post("/steps/{uuid:public_id}/verify", response={200: RemediationStepOut, **WRITE_ERRORS})
def step_verify(request: HttpRequest, public_id: uuid.UUID, payload: StepVerifyIn) -> dict[str, Any]:
    """Record that a step's evidence was checked (by you, today unless `verified_on` is given)."""
    step = selectors.step_get(user=request.user, public_id=public_id)
    return step_out(services.step_verify(actor=request.user, step=step, **payload.model_dump()))


@router.get("/", response={200: PagedIncidentOut, **INPUT_ERRORS})
def incident_list(
    request: HttpRequest,
    page: Query[Pagination.Input],
    status: str = "",
    category: str = "",
    country: str = "",
    group: uuid.UUID | None = None,
    exposure: str = "",
    q: str = "",
) -> dict[str, Any]:
    """The incidents you may see, newest first; `status`, `category`, `country` (ISO alpha-3), `group` (anywhere
    in its tree), `exposure` ("exposed": touching your contracts, "own": recorded by you) and `q` narrow them."""
    if exposure not in ("", "exposed", "own"):
        raise InputError("exposure must be exposed or own", field="exposure")
    incidents = selectors.incident_list(
        user=request.user,
        status=status,
        category=category,
        country=country,
        group=group,
        exposure=exposure,
        query=q,
    )
    listed = Pagination().paginate_queryset(incidents, page, request)
    return {"items": [incident_out(i, request.user) for i in listed["items"]], "count": listed["count"]}


@router.post("/", response={201: IncidentOut, **WRITE_ERRORS})
def incident_create(request: HttpRequest, payload: IncidentIn) -> Status[dict[str, Any]]:
    """Record an incident about a site, a group or one of your companies (status received)."""
    values = _subject(request, payload.model_dump())
    incident = services.incident_create(actor=request.user, **values)
    return Status(201, incident_out(incident, request.user))


@router.get("/{uuid:public_id}", response={200: IncidentOut, **READ_ERRORS})
def incident_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One incident you may see (the reporter only for the organisation that recorded it)."""
    return incident_out(selectors.incident_get(user=request.user, public_id=public_id), request.user)


@router.patch("/{uuid:public_id}", response={200: IncidentOut, **EDIT_ERRORS})
def incident_update(request: HttpRequest, public_id: uuid.UUID, payload: IncidentUpdateIn) -> dict[str, Any]:
    """Change an incident your organisation recorded (the status has its own operation)."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    values = _subject(request, payload.model_dump(exclude_unset=True, exclude={"version"}))
    version = api_version(request, payload.version)
    return incident_out(
        services.incident_update(actor=request.user, incident=incident, version=version, **values),
        request.user,
    )


@router.post("/{uuid:public_id}/status", response={200: IncidentOut, **WRITE_ERRORS})
def incident_transition(
    request: HttpRequest, public_id: uuid.UUID, payload: IncidentTransitionIn
) -> dict[str, Any]:
    """Move the incident along its workflow; a move the workflow does not allow is refused (422) saying which are."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    moved = services.incident_transition(actor=request.user, incident=incident, **payload.model_dump())
    return incident_out(moved, request.user)


@router.get("/{uuid:public_id}/exposure", response={200: IncidentExposureOut, **READ_ERRORS})
def incident_exposure(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Your contracts, suppliers, products and procurements that depend on the incident's subject; the other
    sharing organisations as counts; per exposed site its collective leverage (contract values are not recorded)."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    return selectors.incident_exposure(user=request.user, incident=incident).as_dict()


@router.get("/{uuid:public_id}/steps", response={200: list[RemediationStepOut], **READ_ERRORS})
def step_list(request: HttpRequest, public_id: uuid.UUID) -> list[dict[str, Any]]:
    """The incident's remediation plan: its corrective-action steps in order."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    return [step_out(s) for s in selectors.plan_steps(incident)]


@router.post("/{uuid:public_id}/steps", response={201: RemediationStepOut, **WRITE_ERRORS})
def step_add(
    request: HttpRequest, public_id: uuid.UUID, payload: RemediationStepIn
) -> Status[dict[str, Any]]:
    """Add a corrective-action step; `contract` (yours) lets its supplier report progress through its link."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    values = payload.model_dump() | {"contract": _contract(request, payload.contract)}
    return Status(201, step_out(services.step_add(actor=request.user, incident=incident, **values)))


# -- without an account ------------------------------------------------------------------------------------------


@public_router.get("/grievances/{key}", response={200: IntakeFormOut, **READ_ERRORS})
def intake_form(request: HttpRequest, key: str) -> dict[str, Any]:
    """What a grievance form needs: the channel's words, the risk categories and the form's signed time stamp
    (send it back: a grievance sent within seconds of it is refused as automated)."""
    channel = selectors.grievance_channel_by_key(key)
    return {
        "title": channel.title,
        "introduction": channel.introduction,
        "organisation": channel.organisation.name,
        "stamp": services.intake_form_stamp(),
        "categories": [list(c) for c in risk_category_choices()],
    }


@public_router.post("/grievances/{key}", response={201: ReceiptOut, **PUBLIC_ERRORS})
def intake_submit(request: HttpRequest, key: str, payload: GrievanceIn) -> Status[dict[str, Any]]:
    """Send a grievance without an account. The answer holds the receipt code, shown this once: keep it to follow
    the status without saying who you are."""
    channel = selectors.grievance_channel_by_key(key)
    values = payload.model_dump()
    try:
        services.check_honeypot(values.pop("website"))
        services.check_fill_time(values.pop("stamp"))
        receipt = services.grievance_submit(channel=channel, client_address=_client(request), **values)
    except services.RateLimited as exc:
        raise HttpError(429, str(exc)) from exc
    return Status(
        201,
        {
            "receipt_code": receipt.code,
            "message": "Keep this code: it is shown once and is the only way to follow your report.",
        },
    )


@public_router.post("/receipts", response={200: ReceiptStatusOut, **PUBLIC_ERRORS})
def receipt_status(request: HttpRequest, payload: ReceiptIn) -> dict[str, Any]:
    """The status of a grievance by its receipt code (sent in the body, so it stays out of addresses and logs)."""
    try:
        found = services.receipt_check(code=payload.code, client_address=_client(request))
    except services.RateLimited as exc:
        raise HttpError(429, str(exc)) from exc
    return {
        "status": found.status,
        "status_label": found.status_label,
        "received_on": found.received_on,
        "language": found.language,
        "history": [{"on": day, "status": label, "note": note} for day, label, note in found.history],
    }


def _supplier_contract(token: str) -> Any:
    from hrdd.contracts.selectors import contract_get_by_token

    return contract_get_by_token(token=token)


def supplier_step_out(step: RemediationStep) -> dict[str, Any]:
    return {
        "id": step.public_id,
        "incident_title": step.incident.title,
        "category_title": step.incident.category_title,
        "action": step.action,
        "deadline": step.deadline,
        "evidence": step.evidence,
        "status": step.status,
        "overdue": step_is_overdue(
            StepFacts(step.deadline, step.first_reported_on, step.verified_on), timezone.localdate()
        ),
        "progress": _progress_out(step),
    }


@public_router.get("/supplier/{token}/steps", response={200: list[SupplierRemediationStepOut], **READ_ERRORS})
def supplier_steps(request: HttpRequest, token: str) -> list[dict[str, Any]]:
    """The corrective-action steps a supplier reports on through its contract link."""
    contract = _supplier_contract(token)
    return [supplier_step_out(s) for s in selectors.steps_for_supplier(contract=contract)]


@public_router.post(
    "/supplier/{token}/steps/{uuid:public_id}/progress",
    response={200: SupplierRemediationStepOut, **PUBLIC_ERRORS},
)
def supplier_progress(
    request: HttpRequest, token: str, public_id: uuid.UUID, payload: StepProgressIn
) -> dict[str, Any]:
    """The supplier reports progress on a step tied to its contract."""
    contract = _supplier_contract(token)
    step = (
        RemediationStep.objects.select_related("incident")
        .filter(public_id=public_id, contract=contract)
        .first()
    )
    if step is None:
        raise NotFound("step")
    services.step_progress_report(contract=contract, step=step, text=payload.text)
    step.refresh_from_db()
    return supplier_step_out(step)
