"""API operations of the certification area (mounted under /api/v1/programmes by hrdd/programmes/api.py): thin, calling the
same services and selectors as the pages. Errors are answered by the one handler in hrdd/api.py.

Child-labour cases: `GET /cases` answers the owner's administrators and responsible-sourcing managers only (403
for other roles), and never carries identity notes or follow-up notes; `GET /cases/aggregates` gives every member
of the organisation the counts, with small cells hidden (`count` null)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.security import django_auth

from hrdd.core.errors import NotFound
from hrdd.core.models import active_organisation_id
from hrdd.core.schemas import READ_ERRORS, ErrorOut, Pagination
from hrdd.programmes import cases as case_services
from hrdd.programmes import certifications as services
from hrdd.programmes.models import Certification, ChildLabourCase

router = Router(tags=["programmes"], auth=django_auth)


class WarningOut(Schema):
    code: str
    text: str


class CertificationOut(Schema):
    id: uuid.UUID
    company: uuid.UUID | None
    company_name: str
    site: uuid.UUID | None
    site_name: str
    scheme: str
    scheme_title: str
    status: str
    status_label: str
    level: str
    level_label: str
    score: Decimal | None
    reference: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    validity: str
    validity_reason: str
    warnings: list[WarningOut]
    evidence_url: str
    document_name: str
    note: str


class PagedCertificationOut(Schema):
    items: list[CertificationOut]
    count: int


class CellOut(Schema):
    label: str
    count: int | None  # null: fewer than `smallest`


class BreakdownOut(Schema):
    title: str
    cells: list[CellOut]


class CaseAggregatesOut(Schema):
    total: int
    supported: int
    smallest: int
    until: dt.date
    breakdowns: list[BreakdownOut]


class CaseOut(Schema):
    """A case without identity: no identity notes, no follow-up notes."""

    id: uuid.UUID
    reference: str
    status: str
    age_band: str
    country_iso3: str
    site: uuid.UUID | None
    site_name: str
    company: uuid.UUID | None
    company_name: str
    identified_on: dt.date
    remediation_partner: str
    support: list[str]
    supported_on: dt.date | None
    next_follow_up: dt.date | None
    follow_up_overdue: bool


class PagedCaseOut(Schema):
    items: list[CaseOut]
    count: int


def certification_out(certification: Certification, today: dt.date) -> dict[str, Any]:
    row = services.certification_row(certification, today)
    return {
        "id": certification.public_id,
        "company": certification.company.public_id if certification.company_id else None,
        "company_name": certification.company.legal_name if certification.company_id else "",
        "site": certification.site.public_id if certification.site_id else None,
        "site_name": certification.site.name if certification.site_id else "",
        "scheme": certification.scheme,
        "scheme_title": row.scheme.title if row.scheme else certification.scheme,
        "status": certification.status,
        "status_label": row.status_label,
        "level": certification.level,
        "level_label": row.level_label,
        "score": certification.score,
        "reference": certification.reference,
        "valid_from": certification.valid_from,
        "valid_until": certification.valid_until,
        "validity": row.validity.state,
        "validity_reason": row.validity.reason,
        "warnings": [{"code": w.code, "text": w.text} for w in row.warnings],
        "evidence_url": certification.evidence_url,
        "document_name": certification.document_name,
        "note": certification.note,
    }


@router.get("/certifications", response={200: PagedCertificationOut, 422: ErrorOut})
def certification_list(
    request: HttpRequest, page: Query[Pagination.Input], scheme: str = "", validity: str = ""
) -> dict[str, Any]:
    """Your organisation's certifications, memberships and ratings; `scheme` (a key of schemes.yaml) and
    `validity` (valid, expiring, expired: today) narrow them. Each carries its validity and warnings today."""
    today = timezone.localdate()
    found = services.certification_list(user=request.user, scheme=scheme, validity=validity, today=today)
    listed = Pagination().paginate_queryset(found.order_by("valid_until", "id"), page, request)
    return {"items": [certification_out(c, today) for c in listed["items"]], "count": listed["count"]}


@router.get("/certifications/{uuid:public_id}", response={200: CertificationOut, **READ_ERRORS})
def certification_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One record of your organisation."""
    found = services.certification_get(user=request.user, public_id=public_id)
    return certification_out(found, timezone.localdate())


@router.get("/cases/aggregates", response={200: CaseAggregatesOut, **READ_ERRORS})
def case_aggregates(request: HttpRequest) -> dict[str, Any]:
    """Counts of your organisation's child-labour cases (every role): a breakdown cell below `smallest` has
    `count` null (fewer than `smallest`)."""
    organisation_id = active_organisation_id(request.user)
    if organisation_id is None:
        raise NotFound("organisation")
    found = case_services.case_aggregates(organisation_id)
    return {
        "total": found.total,
        "supported": found.supported,
        "smallest": found.smallest,
        "until": found.until,
        "breakdowns": [
            {"title": b.title, "cells": [{"label": label, "count": cell.count} for label, cell in b.cells]}
            for b in found.breakdowns
        ],
    }


def case_out(case: ChildLabourCase, today: dt.date) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "reference": case.reference,
        "status": case.status,
        "age_band": case.age_band,
        "country_iso3": case.country_iso3,
        "site": case.site.public_id if case.site_id else None,
        "site_name": case.site.name if case.site_id else "",
        "company": case.company.public_id if case.company_id else None,
        "company_name": case.company.legal_name if case.company_id else "",
        "identified_on": case.identified_on,
        "remediation_partner": case.remediation_partner,
        "support": list(case.support),
        "supported_on": case.supported_on,
        "next_follow_up": case.next_follow_up,
        "follow_up_overdue": case_services.is_overdue(case, today),
    }


@router.get("/cases", response={200: PagedCaseOut, 403: ErrorOut})
def case_list(request: HttpRequest, page: Query[Pagination.Input], status: str = "") -> dict[str, Any]:
    """Your organisation's child-labour cases, for its administrators and responsible-sourcing managers only
    (403 for other roles); never the identity notes or follow-up notes."""
    found = case_services.case_list(user=request.user, status=status).order_by("reference", "id")
    listed = Pagination().paginate_queryset(found, page, request)
    today = timezone.localdate()
    return {"items": [case_out(c, today) for c in listed["items"]], "count": listed["count"]}
