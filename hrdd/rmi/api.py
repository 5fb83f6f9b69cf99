"""API operations for smelter lists: thin, calling the same services and selectors as the pages and the command
line. Errors are answered by the one handler in hrdd/api.py (422 refused input, 404 unknown or walled)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from hrdd.core.errors import InputError, NotFound
from hrdd.core.links import absolute_url
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS
from hrdd.rmi import links, selectors, services
from hrdd.rmi.models import Campaign, SupplierRequest, Upload
from hrdd.rmi.schemas import (
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    FacilityListOut,
    RequestIn,
    RequestOut,
    SmelterListOut,
    UploadOut,
)
from hrdd.rmi.tasks import upload_start

router = Router(tags=["smelters"], auth=django_auth)


def campaign_out(c: Campaign) -> dict[str, Any]:
    return {
        "id": c.public_id,
        "title": c.title,
        "templates": c.templates,
        "deadline": c.deadline,
        "closed": c.closed_at is not None,
        "closed_at": c.closed_at,
    }


def upload_out(u: Upload, current_id: int | None) -> dict[str, Any]:
    return {
        "id": u.public_id,
        **{n: getattr(u, n) for n in ("number", "filename", "status", "template_type", "template_version", "company_name", "minerals", "refused", "errors", "warnings", "problems", "uploaded_at")},
        "current": u.pk == current_id,
    }  # fmt: skip


def request_out(r: SupplierRequest, uploads: int | None = None, *, issued: bool = False) -> dict[str, Any]:
    """A request; its secret link only when `issued` now (the answer that created or re-issued it: the link is
    stored hashed and never shown again, hrdd.core.linktokens)."""
    return {
        "id": r.public_id,
        "campaign": r.campaign.public_id,
        "supplier_name": r.supplier_name,
        "email": r.email,
        "contract": r.contract.public_id if r.contract_id else None,
        "invitation": r.invitation_id,
        "link": absolute_url(r.get_supplier_url()) if issued else None,
        "link_issued_at": r.token_issued_at,
        "link_expires_on": r.link_expires_on,
        "link_revoked_at": r.link_revoked_at,
        "current_upload": upload_out(r.current_upload, r.current_upload_id) if r.current_upload_id else None,
        "uploads": uploads if uploads is not None else getattr(r, "upload_count", 0),
    }


@router.get("/campaigns", response=list[CampaignOut])
def campaigns(request: HttpRequest) -> list[dict[str, Any]]:
    return [campaign_out(c) for c in selectors.campaign_list(user=request.user)]


@router.post("/campaigns", response={201: CampaignOut, **WRITE_ERRORS})
def campaign_create(request: HttpRequest, body: CampaignIn) -> Status:
    campaign = services.campaign_create(actor=request.user, **body.dict())
    return Status(201, campaign_out(campaign))


def _campaign(request: HttpRequest, public_id: Any) -> Campaign:
    return selectors.campaign_get(user=request.user, public_id=public_id)


@router.get("/campaigns/{campaign_id}", response={200: CampaignDetailOut, **READ_ERRORS})
def campaign_detail(request: HttpRequest, campaign_id: str) -> dict[str, Any]:
    campaign = _campaign(request, campaign_id)
    return {
        **campaign_out(campaign),
        "requests": [
            request_out(r) for r in selectors.campaign_requests(campaign).select_related("campaign")
        ],
    }


@router.post("/campaigns/{campaign_id}/requests", response={201: RequestOut, **WRITE_ERRORS})
def request_create(request: HttpRequest, campaign_id: str, body: RequestIn) -> Status:
    campaign = _campaign(request, campaign_id)
    contract = None
    if body.contract is not None:
        from hrdd.contracts.selectors import contract_get

        try:
            contract = contract_get(user=request.user, public_id=body.contract)
        except NotFound as exc:
            raise InputError("no such contract", field="contract") from exc
    invitation = None
    if body.invitation is not None:
        try:
            invitation = selectors.invitation_get(user=request.user, pk=body.invitation)
        except NotFound as exc:
            raise InputError("no such consultation invitation", field="invitation") from exc
    found = services.request_add(
        actor=request.user,
        campaign=campaign,
        supplier_name=body.supplier_name,
        email=body.email,
        contract=contract,
        invitation=invitation,
        send=body.send,
    )
    return Status(201, request_out(found, uploads=0, issued=True))


@router.post("/campaigns/{campaign_id}/close", response={200: CampaignOut, **WRITE_ERRORS})
def campaign_close(request: HttpRequest, campaign_id: str) -> dict[str, Any]:
    """Close a campaign: the suppliers' links take no more files (what was received stays); closing twice is
    harmless."""
    campaign = services.campaign_close(actor=request.user, campaign=_campaign(request, campaign_id))
    return campaign_out(campaign)


@router.get("/requests/{request_id}", response={200: RequestOut, **READ_ERRORS})
def request_detail(request: HttpRequest, request_id: str) -> dict[str, Any]:
    found = selectors.request_get(user=request.user, public_id=request_id)
    return request_out(found, uploads=found.uploads.count())


@router.post("/requests/{request_id}/link", response={200: RequestOut, **WRITE_ERRORS})
def request_link_reissue(request: HttpRequest, request_id: str) -> dict[str, Any]:
    """Issue a new link for the supplier (the old one stops working) and e-mail it to them; the answer carries the
    new link, shown this once."""
    found = selectors.request_get(user=request.user, public_id=request_id)
    fresh = links.request_link_reissue(actor=request.user, request=found)
    return request_out(fresh, uploads=fresh.uploads.count(), issued=True)


@router.delete("/requests/{request_id}/link", response={200: RequestOut, **WRITE_ERRORS})
def request_link_revoke(request: HttpRequest, request_id: str) -> dict[str, Any]:
    """Revoke the supplier's link: it stops working at once (issue a new one when the supplier needs it)."""
    found = selectors.request_get(user=request.user, public_id=request_id)
    revoked = links.request_link_revoke(actor=request.user, request=found)
    return request_out(revoked, uploads=revoked.uploads.count())


@router.get("/requests/{request_id}/uploads", response={200: list[UploadOut], **READ_ERRORS})
def request_uploads(request: HttpRequest, request_id: str) -> list[dict[str, Any]]:
    found = selectors.request_get(user=request.user, public_id=request_id)
    return [upload_out(u, found.current_upload_id) for u in selectors.request_uploads(found)]


@router.post("/requests/{request_id}/uploads", response={202: UploadOut, **WRITE_ERRORS})
def request_upload(request: HttpRequest, request_id: str, file: File[UploadedFile]) -> Status:
    """Upload a supplier's template on their behalf; it is read in the background (poll the request)."""
    found = selectors.request_get(user=request.user, public_id=request_id)
    upload = upload_start(
        request=found,
        filename=file.name or "",
        content=file.read(services.max_upload_bytes() + 1),
        actor=request.user,
    )
    return Status(202, upload_out(upload, found.current_upload_id))


@router.post("/requests/{request_id}/send-problems", response={200: RequestOut, **WRITE_ERRORS})
def request_send_problems(request: HttpRequest, request_id: str) -> dict[str, Any]:
    found = selectors.request_get(user=request.user, public_id=request_id)
    services.problems_send(actor=request.user, request=found)
    return request_out(found, uploads=found.uploads.count())


@router.get("/", response={200: SmelterListOut, **INPUT_ERRORS})
def smelters(
    request: HttpRequest, metal: str = "", rmap: str = "", cahra: bool = False, q: str = ""
) -> dict[str, Any]:
    """The consolidated smelters and refiners (filter by metal, RMAP standing, CAHRA), with the summary per metal."""
    if rmap not in ("", "conformant", "active", "conformant_or_active", "none"):
        raise InputError("rmap must be conformant, active, conformant_or_active or none", field="rmap")
    found = selectors.smelter_list(user=request.user, metal=metal, rmap=rmap, cahra=cahra, query=q)
    summary = [
        s.as_dict()
        for s in selectors.metal_summaries(user=request.user)
        if not metal or s.metal.lower() == metal.lower()
    ]
    return {
        "summary": summary,
        "smelters": [
            {
                **{n: getattr(s, n) for n in ("metal", "name", "country_iso3", "cid", "identified", "rmap", "rmap_status", "cahra", "cahra_reasons", "suppliers")},
                "site": s.site.public_id if s.site_id and s.site else None,
            }
            for s in found
        ],
    }  # fmt: skip


@router.post("/facility-list", response={201: FacilityListOut, **WRITE_ERRORS})
def facility_list(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Import an RMI facility list (CSV or XML spreadsheet); it replaces the earlier one."""
    imported = services.facility_list_import(
        actor=request.user, filename=file.name or "", content=file.read(services.max_upload_bytes() + 1)
    )
    return Status(
        201,
        {
            "id": imported.public_id,
            "filename": imported.filename,
            "format": imported.file_format,
            "rows": imported.rows,
        },
    )
