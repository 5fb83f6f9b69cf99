"""API operations of the diligence area (mounted under /api/v1/programmes by hrdd/programmes/api.py): thin, calling the
same services and selectors as the pages. Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from hrdd.companies.models import Company
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, Pagination
from hrdd.programmes import diligence as d
from hrdd.programmes.models import SupplierTier, Tier

router = Router(tags=["programmes"], auth=django_auth)


class TierReasonOut(Schema):
    code: str
    text: str
    source: str


class SupplierTierOut(Schema):
    tier: str = Field(description="The tier in force: high, standard or unknown.")
    computed_tier: str = Field(description="The tier the rules give; differs from `tier` when set by hand.")
    reasons: list[TierReasonOut]
    override_reason: str
    computed_at: dt.datetime | None


class LatestAssessmentOut(Schema):
    id: uuid.UUID
    assessed_on: dt.date
    score: str
    max_score: str


class SupplierOut(Schema):
    id: uuid.UUID
    legal_name: str
    country_iso3: str
    tier: str
    reasons: list[TierReasonOut]
    latest_assessment: LatestAssessmentOut | None
    open_gaps: int
    overdue_gaps: int
    enrolled: bool


class PagedSupplierOut(Schema):
    items: list[SupplierOut]
    count: int


class SourcingLinkIn(Schema):
    material: str = Field(description="A knowledge-base material id, e.g. cobalt.")
    country_iso3: str = Field(description="The country of origin: its ISO code or its name.")
    region: str = ""
    is_asm: bool = False
    source: str = Field("", description="How we know.")


class SourcingLinkOut(Schema):
    id: uuid.UUID
    material: str
    country_iso3: str
    region: str
    is_asm: bool
    source: str
    tier: SupplierTierOut


class TierQuery(Schema):
    tier: Tier | None = None


def tier_out(tier: SupplierTier | None) -> dict[str, Any]:
    if tier is None:
        return {
            "tier": Tier.UNKNOWN,
            "computed_tier": Tier.UNKNOWN,
            "reasons": [],
            "override_reason": "",
            "computed_at": None,
        }
    return {
        "tier": tier.tier,
        "computed_tier": tier.computed_tier,
        "reasons": tier.reasons,
        "override_reason": tier.override_reason,
        "computed_at": tier.computed_at,
    }


def supplier_out(company: Company) -> dict[str, Any]:
    tier = d.stored_tier(company)
    latest = None
    if company.latest_id:
        latest = {
            "id": company.latest_id,
            "assessed_on": company.latest_on,
            "score": f"{Decimal(company.latest_score).normalize():f}",
            "max_score": f"{Decimal(company.latest_max).normalize():f}",
        }
    return {
        "id": company.public_id,
        "legal_name": company.legal_name,
        "country_iso3": company.country_iso3,
        "tier": company.tier_value,
        "reasons": tier.reasons if tier else [],
        "latest_assessment": latest,
        "open_gaps": company.open_gaps,
        "overdue_gaps": company.overdue_gaps,
        "enrolled": company.enrolled,
    }


@router.get("/suppliers", response={200: PagedSupplierOut, **INPUT_ERRORS})
def supplier_list(
    request: HttpRequest, page: Query[Pagination.Input], query: Query[TierQuery]
) -> dict[str, Any]:
    """Your organisation's suppliers with their stored risk tier and its reasons, latest completed assessment, open
    and overdue gaps and whether one is enrolled in capacity building; `tier` keeps one tier."""
    suppliers = d.supplier_list(user=request.user, tier=query.tier or "").order_by("legal_name", "id")
    listed = Pagination().paginate_queryset(suppliers, page, request)
    return {"items": [supplier_out(c) for c in listed["items"]], "count": listed["count"]}


@router.get("/suppliers/{uuid:public_id}/tier", response={200: SupplierTierOut, **READ_ERRORS})
def supplier_tier(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """A supplier's stored risk tier with every reason and its source."""
    company = d.supplier_get(user=request.user, public_id=public_id)
    return tier_out(d.stored_tier(company))


@router.post("/suppliers/{uuid:public_id}/tier/refresh", response={200: SupplierTierOut, **WRITE_ERRORS})
def supplier_tier_refresh(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Compute a supplier's tier again from its sourcing links, the site registry and its smelter lists."""
    company = d.supplier_get(user=request.user, public_id=public_id)
    return tier_out(d.tier_recompute(actor=request.user, company=company))


@router.post("/suppliers/{uuid:public_id}/sourcing-links", response={201: SourcingLinkOut, **WRITE_ERRORS})
def sourcing_link_add(
    request: HttpRequest, public_id: uuid.UUID, payload: SourcingLinkIn
) -> Status[dict[str, Any]]:
    """Record what a supplier supplies from where; the answer carries the tier computed again."""
    company = d.supplier_get(user=request.user, public_id=public_id)
    link = d.sourcing_link_add(actor=request.user, company=company, **payload.model_dump())
    return Status(
        201,
        {
            "id": link.public_id,
            **{n: getattr(link, n) for n in ("material", "country_iso3", "region", "is_asm", "source")},
            "tier": tier_out(SupplierTier.objects.get(company=company)),
        },
    )
