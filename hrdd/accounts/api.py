"""API endpoints for sharing records between organisations (issue 16): thin; they call the same services and
selectors as the share panel. Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.security import django_auth

from hrdd.accounts import selectors, services
from hrdd.accounts.models import Share
from hrdd.accounts.schemas import PagedShareOut, ShareIn, ShareOut
from hrdd.core.errors import InputError
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination

router = Router(tags=["sharing"], auth=django_auth)


def _out(share: Share) -> dict[str, Any]:
    return {
        "id": share.public_id,
        "kind": kind.key if (kind := selectors.KIND_BY_TYPE.get(share.record_type)) else share.record_type,
        "record": share.record_public_id,
        "owner": share.owner.name,
        "grantee_organisation": share.grantee_organisation.name if share.grantee_organisation else None,
        "grantee_group": share.grantee_group.name if share.grantee_group else None,
        "note": share.note,
        "shared_at": share.shared_at,
        "shared_by": share.shared_by.email if share.shared_by else None,
        "revoked_at": share.revoked_at,
    }


@router.get("/", response={200: PagedShareOut, **INPUT_ERRORS})
def share_list(
    request: HttpRequest,
    page: Query[Pagination.Input],
    direction: Literal["given", "received"] = "given",
    kind: str = "",
) -> dict[str, Any]:
    """List the shares in force your organisation gave (`direction=given`, the default) or that reach it, directly
    or through a group (`received`), newest first; `kind` keeps one kind (consultation, company, site, incident)."""
    if direction == "received":
        shares = selectors.shares_received(user=request.user, kind=kind)
    else:
        shares = selectors.shares_given(user=request.user, kind=kind)
    shares = shares.select_related("shared_by").order_by("-shared_at", "-id")
    listed = Pagination().paginate_queryset(shares, page, request)
    return {"items": [_out(s) for s in listed["items"]], "count": listed["count"]}


@router.post("/", response={201: ShareOut, **WRITE_ERRORS})
def share_create(request: HttpRequest, payload: ShareIn) -> Status[dict[str, Any]]:
    """Share one record of your organisation, read-only, with one organisation or one group (by id); a share to
    your own organisation, a second share in force to the same one, and a record that may not be shared (a
    confidential incident) are refused (422) with the reason."""
    record = selectors.shareable_record(user=request.user, kind=payload.kind, public_id=payload.record)
    organisation = group = None
    if payload.organisation is not None:
        organisation = selectors.organisation_any(public_id=payload.organisation)
        if organisation is None:
            raise InputError("no such organisation", field="organisation")
    if payload.group is not None:
        group = selectors.group_choices(user=request.user).filter(public_id=payload.group).first()
        if group is None:
            raise InputError("no such group", field="group")
    share = services.share_create(
        actor=request.user, record=record, organisation=organisation, group=group, note=payload.note
    )
    return Status(201, _out(share))


@router.post("/{public_id}/revoke", response={200: ShareOut, **READ_ERRORS, **WRITE_ERRORS})
def share_revoke(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """Revoke a share your organisation gave: from the next request on, the grantee no longer sees the record."""
    share = selectors.share_get(user=request.user, public_id=public_id)
    return _out(services.share_revoke(actor=request.user, share=share))
