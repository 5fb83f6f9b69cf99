"""API endpoints for companies: thin; they call the same services and selectors as the pages. Errors are
answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.security import django_auth

from hrdd.companies import selectors, services
from hrdd.companies.models import Company
from hrdd.companies.schemas import CompanyIn, CompanyOut, CompanyUpdateIn, PagedCompanyOut
from hrdd.core.errors import InputError, NotFound
from hrdd.core.schemas import EDIT_ERRORS, INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from hrdd.core.versions import api_version

router = Router(tags=["companies"], auth=django_auth)


def _out(company: Company) -> dict[str, Any]:
    return {name: getattr(company, name) for name in services.FIELDS if name != "parent"} | {
        "id": company.public_id,
        "parent": company.parent.public_id if company.parent_id else None,
        "version": company.version,
    }


def _parent(request: HttpRequest, public_id: Any) -> Company | None:
    if public_id is None:
        return None
    try:
        return selectors.company_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise InputError("no such company", field="parent") from exc


@router.get("/", response={200: PagedCompanyOut, **INPUT_ERRORS})
def company_list(request: HttpRequest, page: Query[Pagination.Input], q: str = "") -> dict[str, Any]:
    """List your organisation's companies alphabetically; `q` keeps those whose name contains it."""
    companies = selectors.company_list(user=request.user, query=q).order_by("legal_name", "id")
    listed = Pagination().paginate_queryset(companies, page, request)  # sliced and counted in the database
    return {"items": [_out(c) for c in listed["items"]], "count": listed["count"]}


@router.post("/", response={201: CompanyOut, **WRITE_ERRORS})
def company_create(request: HttpRequest, payload: CompanyIn) -> Status[dict[str, Any]]:
    """Record a company; the same normalised name and country as a recorded one is refused (422)."""
    values = payload.model_dump(exclude={"parent"}) | {"parent": _parent(request, payload.parent)}
    return Status(201, _out(services.company_create(actor=request.user, **values)))


@router.get("/{public_id}", response={200: CompanyOut, **READ_ERRORS})
def company_get(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """One company of your organisation, or one another organisation shares with it (read-only)."""
    return _out(selectors.company_get(user=request.user, public_id=public_id, include_shared=True))


@router.patch("/{public_id}", response={200: CompanyOut, **EDIT_ERRORS})
def company_update(request: HttpRequest, public_id: str, payload: CompanyUpdateIn) -> dict[str, Any]:
    """Change a company; a parent that is part of the company's own group is refused (422)."""
    company = selectors.company_get(user=request.user, public_id=public_id)
    values = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "parent" in values:
        values["parent"] = _parent(request, values["parent"])
    version = api_version(request, payload.version)
    return _out(services.company_update(actor=request.user, company=company, version=version, **values))
