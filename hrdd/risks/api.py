"""API endpoints for product risks: thin; they call the same domain functions and services as the pages.
Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from hrdd.consultations.selectors import consultation_get
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination
from hrdd.core.text import DOCUMENT_EXTENSIONS, extract_text
from hrdd.core.uploads import accept_upload
from hrdd.domain.risk import Adjustments, InvalidAdjustment, get_risk_method
from hrdd.procurements.selectors import procurement_get
from hrdd.risks import selectors, services
from hrdd.risks.checks import DEFAULT_KIND, CheckKind, check_answer, check_text
from hrdd.risks.schemas import (
    AssessmentOut,
    AssessmentQuery,
    CheckOut,
    PagedSavedOut,
    ProductOut,
    SavedIn,
    SavedOut,
    TableOut,
)

router = Router(tags=["product risks"])
saved_router = Router(tags=["product risks"], auth=django_auth)

# The adjustments' names as the query parameters of GET /risks/assess/{product} spell them.
QUERY_PARAMETERS = {
    "exclude_countries": "exclude_country",
    "manufacturing_countries": "manufacturing_country",
}


@router.get("/products", response=list[ProductOut])
def risk_products(request: HttpRequest) -> list[dict[str, str]]:
    """List the product categories the knowledge base knows."""
    method = get_risk_method()
    return [{"id": p, "title": method.product_title(p)} for p in selectors.knowledge_current().products()]


@router.get("/assess/{product}", response={200: AssessmentOut, **READ_ERRORS, **INPUT_ERRORS})
def risk_assess(request: HttpRequest, product: str, filters: Query[AssessmentQuery]) -> dict[str, Any]:
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
        raise InvalidAdjustment(exc.message, field=QUERY_PARAMETERS.get(exc.field, exc.field)) from exc
    return selectors.product_risk(product, adjustments).as_dict()


@router.post("/check", response={200: CheckOut, 413: ErrorOut, **INPUT_ERRORS})
def risk_check(
    request: HttpRequest, document: File[UploadedFile], kind: Form[CheckKind] = DEFAULT_KIND
) -> dict[str, Any]:
    """Read a supplier's document (DOCX, PDF or text) as the kind says: a `risk-assessment` against award
    criterion 1's minimum contents (the default), a `policy-commitment` or supplier code of conduct against award
    criterion 2, a `due-diligence` description against award criterion 7's five elements. The answer's `kind`
    says which shape it has; every finding quotes the sentences it was found in."""
    text = extract_text(accept_upload(document, allowed=DOCUMENT_EXTENSIONS, field="document"))
    return check_answer(kind, check_text(text, kind))


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


def _saved_summary(saved: Any) -> dict[str, Any]:
    return {
        "id": saved.public_id,
        "title": saved.title,
        "product": saved.product,
        "procurement": saved.procurement.public_id,
        "method": saved.method,
        "updated_at": saved.updated_at,
        "url": reverse("api:risk_assessment_get", kwargs={"public_id": saved.public_id}),
    }


def _saved_out(saved: Any) -> dict[str, Any]:
    return _saved_summary(saved) | {"result": saved.result}


@saved_router.get("/", response={200: PagedSavedOut, **INPUT_ERRORS})
def saved_list(request: HttpRequest, page: Query[Pagination.Input]) -> dict[str, Any]:
    """List your organisation's saved risk assessments, the latest changed first, a page at a time; each item
    links to the whole assessment (its result is large, so the list leaves it out)."""
    saved = selectors.risk_assessment_list(user=request.user, with_result=False).order_by(
        "-updated_at", "-id"
    )
    listed = Pagination().paginate_queryset(saved, page, request)
    return {"items": [_saved_summary(s) for s in listed["items"]], "count": listed["count"]}


@saved_router.get(
    "/{uuid:public_id}", response={200: SavedOut, **READ_ERRORS}, url_name="risk_assessment_get"
)
def saved_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One saved risk assessment with its result as saved."""
    return _saved_out(selectors.risk_assessment_get(user=request.user, public_id=public_id))


@saved_router.post("/", response={201: SavedOut, **WRITE_ERRORS})
def saved_create(request: HttpRequest, payload: SavedIn) -> Status[dict[str, Any]]:
    """Save a risk assessment, with adjustments, for a procurement."""
    consultation = (
        consultation_get(user=request.user, public_id=payload.consultation) if payload.consultation else None
    )
    procurement = (
        procurement_get(user=request.user, public_id=payload.procurement) if payload.procurement else None
    )
    try:
        saved = services.risk_assessment_save(
            actor=request.user,
            title=payload.title,
            product=payload.product,
            adjustments=Adjustments.from_dict(payload.adjustments.model_dump()),
            consultation=consultation,
            procurement=procurement,
        )
    except InvalidAdjustment as exc:  # the adjustments sit under "adjustments" in the body
        raise InvalidAdjustment(exc.message, field=f"adjustments.{exc.field}") from exc
    return Status(201, _saved_out(saved))
