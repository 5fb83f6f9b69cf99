"""API endpoints for procurements: thin; they call the same services and selectors as the pages. Errors are
answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.security import django_auth

from hrdd.core.schemas import EDIT_ERRORS, INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from hrdd.core.versions import api_version
from hrdd.procurements import selectors, services
from hrdd.procurements.models import Procurement
from hrdd.procurements.schemas import (
    PagedProcurementOut,
    ProcurementDetailOut,
    ProcurementIn,
    ProcurementUpdateIn,
)

router = Router(tags=["procurements"], auth=django_auth)


def _out(procurement: Procurement) -> dict[str, Any]:
    return {
        "id": procurement.public_id,
        "title": procurement.title,
        "product_category": procurement.product_category,
        "reference": procurement.reference,
        "status": procurement.status,
        "created_at": procurement.created_at,
        "version": procurement.version,
    }


def _detail(procurement: Procurement) -> dict[str, Any]:
    thread = selectors.procurement_thread(procurement)
    return _out(procurement) | {
        "steps": [
            {
                "number": step.number,
                "title": step.title,
                "done": step.done,
                "next_action": "" if step.done else step.next_action,
                "records": [{"id": r.public_id, "title": str(r.title)} for r in step.records],
            }
            for step in thread.steps
        ]
    }


@router.get("/", response={200: PagedProcurementOut, **INPUT_ERRORS})
def procurement_list(request: HttpRequest, page: Query[Pagination.Input]) -> dict[str, Any]:
    """List your organisation's procurements, newest first."""
    procurements: QuerySet[Procurement] = selectors.procurement_list(user=request.user)
    listed = Pagination().paginate_queryset(procurements, page, request)  # sliced and counted in the database
    return {"items": [_out(p) for p in listed["items"]], "count": listed["count"]}


@router.post("/", response={201: ProcurementDetailOut, **WRITE_ERRORS})
def procurement_create(request: HttpRequest, payload: ProcurementIn) -> Status[dict[str, Any]]:
    """Open a procurement (one purchase); its risk assessment, consultation, tender and contracts join it."""
    procurement = services.procurement_create(actor=request.user, **payload.model_dump())
    return Status(201, _detail(procurement))


@router.get("/{public_id}", response={200: ProcurementDetailOut, **READ_ERRORS})
def procurement_get(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """One procurement with its four steps: what each holds, what is done, what comes next."""
    return _detail(selectors.procurement_get(user=request.user, public_id=public_id))


@router.patch("/{public_id}", response={200: ProcurementDetailOut, **EDIT_ERRORS})
def procurement_update(request: HttpRequest, public_id: str, payload: ProcurementUpdateIn) -> dict[str, Any]:
    """Change a procurement's title, product category, reference or status (open, closed, cancelled). With the
    `version` read (or If-Match), a procurement saved by someone since is answered 409, nothing saved."""
    procurement = selectors.procurement_get(user=request.user, public_id=public_id)
    values = {
        "title": procurement.title,
        "product_category": procurement.product_category,
        "reference": procurement.reference,
        "status": procurement.status,
    } | payload.model_dump(exclude_none=True, exclude={"version"})
    version = api_version(request, payload.version)
    return _detail(
        services.procurement_update(actor=request.user, procurement=procurement, version=version, **values)
    )
