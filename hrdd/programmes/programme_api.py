"""API operations of the programme area (mounted under /api/v1/programmes by hrdd/programmes/api.py): thin, calling the
same services and selectors as the pages. Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.security import django_auth

from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from hrdd.programmes import selectors, services
from hrdd.programmes.models import KpiValue, Programme
from hrdd.programmes.schemas import (
    KpiOut,
    KpiValueIn,
    KpiValueOut,
    PagedProgrammeOut,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
)

router = Router(tags=["programmes"], auth=django_auth)


def programme_out(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.public_id,
        **{
            name: getattr(programme, name)
            for name in (
                "title",
                "template_key",
                "template_version",
                "commitment",
                "start_year",
                "end_year",
                "is_public",
                "version",
            )
        },
    }


def kpi_out(view: selectors.KpiView) -> dict[str, Any]:
    kpi = view.kpi
    return {
        "id": kpi.public_id,
        "key": kpi.key,
        "name": kpi.name,
        "description": kpi.description,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "computation": kpi.computation,
        "objective": kpi.objective.key if kpi.objective_id and kpi.objective else None,
        "baseline_value": None if kpi.baseline_value is None else str(kpi.baseline_value),
        "baseline_year": kpi.baseline_year,
        "targets": {str(k): str(v) for k, v in (kpi.targets or {}).items()},
        "years": [
            {"year": y.year, "to_date": y.to_date, "figure": y.figure.as_dict(), "status": y.status.as_dict()}
            for y in view.years
        ],
    }


def value_out(value: KpiValue) -> dict[str, Any]:
    return {
        "id": value.public_id,
        "kpi": value.kpi.public_id,
        **{
            name: getattr(value, name)
            for name in (
                "period_start",
                "period_end",
                "numerator",
                "denominator",
                "evidence_url",
                "evidence_page",
                "evidence_note",
                "document_name",
                "entered_at",
            )
        },
        "value": str(value.value),
        "entered_by": value.entered_by.email if value.entered_by_id else "",
    }


@router.get("/kpis/{uuid:public_id}", response={200: KpiOut, **READ_ERRORS})
def kpi_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """A KPI with its figure, status and reasons for each year of the programme so far."""
    kpi = selectors.kpi_get(user=request.user, public_id=public_id)
    return kpi_out(selectors.kpi_page_view(kpi))


@router.post("/kpis/{uuid:public_id}/values", response={201: KpiValueOut, **WRITE_ERRORS})
def kpi_value_enter(
    request: HttpRequest, public_id: uuid.UUID, payload: KpiValueIn
) -> Status[dict[str, Any]]:
    """Enter (or, with `seen`, correct) an entered KPI's value for a year, with its evidence (a link, a page or a
    note; documents are sent through the page)."""
    kpi = selectors.kpi_get(user=request.user, public_id=public_id)
    value = services.kpi_value_enter(actor=request.user, kpi=kpi, **payload.model_dump())
    return Status(201, value_out(value))


@router.get("/", response={200: PagedProgrammeOut, **INPUT_ERRORS})
def programme_list(request: HttpRequest, page: Query[Pagination.Input]) -> dict[str, Any]:
    """Your organisation's programmes, newest first."""
    programmes = selectors.programme_list(user=request.user).order_by("-start_year", "title", "id")
    listed = Pagination().paginate_queryset(programmes, page, request)
    return {"items": [programme_out(p) for p in listed["items"]], "count": listed["count"]}


@router.post("/", response={201: ProgrammeOut, **WRITE_ERRORS})
def programme_create(request: HttpRequest, payload: ProgrammeIn) -> Status[dict[str, Any]]:
    """Make a programme from a shipped template (commitment, objectives and KPIs; no targets)."""
    programme = services.programme_create(actor=request.user, **payload.model_dump())
    return Status(201, programme_out(programme))


@router.get("/{uuid:public_id}", response={200: ProgrammeDetailOut, **READ_ERRORS})
def programme_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """A programme with its objectives and each KPI's figures and statuses per year."""
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    blocks = selectors.programme_dashboard(programme)
    return programme_out(programme) | {
        "objectives": [
            {"key": b.objective.key, "text": b.objective.text, "target_year": b.objective.target_year}
            for b in blocks
            if b.objective
        ],
        "kpis": [kpi_out(view) for b in blocks for view in b.kpis],
    }
