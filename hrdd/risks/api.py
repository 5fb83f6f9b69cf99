"""API endpoints for product risks: thin; they call the same domain functions and services as the pages."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import File, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.security import django_auth

from hrdd.consultations.selectors import consultation_get
from hrdd.domain.risk import (
    Adjustments,
    InvalidAdjustment,
    UnknownProduct,
    assess_product_risk,
    get_risk_method,
)
from hrdd.domain.risk_check import check_risk_assessment
from hrdd.risks import selectors, services
from hrdd.risks.documents import DocumentError, extract_text

router = Router(tags=["product risks"])
saved_router = Router(tags=["product risks"], auth=django_auth)


class ProductOut(Schema):
    id: str
    title: str


class AdjustmentsIn(Schema):
    exclude_components: list[str] = []
    extra_components: dict[str, list[str]] = {}
    exclude_materials: list[str] = []
    extra_materials: list[str] = []
    exclude_countries: list[str] = []
    extra_countries: dict[str, list[str]] = {}
    manufacturing_countries: list[str] | None = None


class AssessmentQuery(Schema):
    exclude_material: list[str] = []
    add_material: list[str] = []
    exclude_component: list[str] = []
    exclude_country: list[str] = []
    manufacturing_country: list[str] = []


class TableOut(Schema):
    table: str
    title: str
    edition: str
    rows: int
    years: list[str]
    sources: list[str]


class SavedIn(Schema):
    title: str
    product: str
    consultation: uuid.UUID | None = None
    adjustments: AdjustmentsIn = AdjustmentsIn()


class SavedOut(Schema):
    id: uuid.UUID
    title: str
    product: str
    consultation: uuid.UUID | None
    method: str
    result: dict[str, Any]


class ErrorOut(Schema):
    detail: str


def _assess(product: str, adjustments: Adjustments) -> dict[str, Any]:
    try:
        return assess_product_risk(
            product, selectors.knowledge_current(), get_risk_method(), adjustments
        ).as_dict()
    except UnknownProduct as exc:
        raise HttpError(404, str(exc)) from exc


@router.get("/products", response=list[ProductOut])
def risk_products(request: HttpRequest) -> list[dict[str, str]]:
    """List the product categories the knowledge base knows."""
    method = get_risk_method()
    return [{"id": p, "title": method.product_title(p)} for p in selectors.knowledge_current().products()]


@router.get("/assess/{product}", response={200: dict[str, Any], 404: ErrorOut, 422: ErrorOut})
def risk_assess(request: HttpRequest, product: str, filters: Query[AssessmentQuery]) -> Any:
    """Rate a product category's human-rights risks (the same JSON as `hrdd risk assess --json`)."""
    adjustments = Adjustments(
        exclude_components=frozenset(filters.exclude_component),
        exclude_materials=frozenset(filters.exclude_material),
        extra_materials=tuple(filters.add_material),
        exclude_countries=frozenset(c.upper() for c in filters.exclude_country),
        manufacturing_countries=tuple(c.upper() for c in filters.manufacturing_country) or None,
    )
    try:
        adjustments.validate()
    except InvalidAdjustment as exc:  # name the query parameter the caller used
        parameter = {
            "exclude_countries": "exclude_country",
            "manufacturing_countries": "manufacturing_country",
        }
        return Status(422, {"detail": f"{parameter.get(exc.field, exc.field)}: {exc.message}"})
    return _assess(product, adjustments)


@router.post("/check", response={200: dict[str, Any], 400: ErrorOut, 413: ErrorOut})
def risk_check(request: HttpRequest, document: File[UploadedFile]) -> Any:
    """Check a supplier's risk assessment (DOCX, PDF or text) against award criterion 1's minimum contents."""
    if document.size and document.size > settings.HRDD_MAX_UPLOAD_BYTES:
        return Status(413, {"detail": f"the file is larger than {settings.HRDD_MAX_UPLOAD_BYTES} bytes"})
    try:
        text = extract_text(document.name or "upload", document.read())
    except DocumentError as exc:
        return Status(400, {"detail": str(exc)})
    return check_risk_assessment(text).as_dict()


@router.get("/knowledge", response=list[TableOut])
def knowledge_status(request: HttpRequest) -> list[dict[str, Any]]:
    """Each knowledge table: edition, rows, years and sources."""
    return [
        {
            "table": s.name,
            "title": s.title,
            "edition": s.edition,
            "rows": s.rows,
            "years": list(s.years),
            "sources": list(s.sources),
        }
        for s in selectors.knowledge_current().status()
    ]


def _saved_out(saved: Any) -> dict[str, Any]:
    return {
        "id": saved.public_id,
        "title": saved.title,
        "product": saved.product,
        "consultation": saved.consultation.public_id if saved.consultation else None,
        "method": saved.method,
        "result": saved.result,
    }


@saved_router.get("/", response=list[SavedOut])
def saved_list(request: HttpRequest) -> list[dict[str, Any]]:
    """List your organisation's saved risk assessments."""
    return [_saved_out(s) for s in selectors.risk_assessment_list(user=request.user)]


@saved_router.post("/", response={201: SavedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def saved_create(request: HttpRequest, payload: SavedIn) -> Any:
    """Save a risk assessment, with adjustments, for a procurement."""
    consultation = (
        consultation_get(user=request.user, public_id=payload.consultation) if payload.consultation else None
    )
    try:
        saved = services.risk_assessment_save(
            actor=request.user,
            title=payload.title,
            product=payload.product,
            adjustments=Adjustments.from_dict(payload.adjustments.dict()),
            consultation=consultation,
        )
    except UnknownProduct as exc:
        return Status(404, {"detail": str(exc)})
    except services.RiskAssessmentError as exc:
        return Status(400, {"detail": f"{exc.field}: {exc}" if exc.field else str(exc)})
    except InvalidAdjustment as exc:
        return Status(400, {"detail": str(exc)})
    except PermissionDenied as exc:
        return Status(403, {"detail": str(exc)})
    return Status(201, _saved_out(saved))
