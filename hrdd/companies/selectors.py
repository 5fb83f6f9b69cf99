"""Reads for companies: the organisation's companies, one company, and a name's matches."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from hrdd.accounts.models import Organisation, User
from hrdd.companies.models import Company
from hrdd.domain.companies import normalise_company_name


def company_list(*, user: User, query: str = "", kind: str = "", country_iso3: str = "") -> QuerySet[Company]:
    """The companies of the user's organisation, alphabetically; `query` keeps those whose name contains it,
    `kind` and `country_iso3` those with that value. (Those other organisations share with it are listed under
    "Shared with us", hrdd.accounts.)"""
    return _filtered(Company.objects.owned_by(user), query=query, kind=kind, country_iso3=country_iso3)


def company_list_of(
    *, organisation: Organisation, query: str = "", kind: str = "", country_iso3: str = ""
) -> QuerySet[Company]:
    """The companies of one organisation, filtered as `company_list` does (for a background export, whose run
    belongs to an organisation whichever one its starter works in now)."""
    return _filtered(
        Company.objects.filter(organisation=organisation), query=query, kind=kind, country_iso3=country_iso3
    )


def _filtered(companies: QuerySet[Company], *, query: str, kind: str, country_iso3: str) -> QuerySet[Company]:
    companies = companies.select_related("parent")
    query = (query or "").strip()
    if query:
        companies = companies.filter(normalised_name__contains=normalise_company_name(query))
    if kind:
        companies = companies.filter(kind=kind)
    if country_iso3:
        companies = companies.filter(country_iso3=country_iso3)
    return companies


def company_countries(*, user: User) -> list[str]:
    """The countries (ISO 3166 alpha-3) of the organisation's companies, each once (a filter's choices)."""
    return list(
        Company.objects.owned_by(user)
        .exclude(country_iso3="")
        .order_by("country_iso3")
        .values_list("country_iso3", flat=True)
        .distinct()
    )


def company_parent_choices(*, user: User, limit: int = 1000) -> list[Company]:
    """The companies a form offers as a parent: the first `limit` by name, their names and ids only."""
    return list(
        Company.objects.owned_by(user).only("public_id", "legal_name").order_by("legal_name", "id")[:limit]
    )


def company_get(*, user: User, public_id: uuid.UUID | str, include_shared: bool = False) -> Company:
    """One company of the user's organisation (to change or link to), or NotFound; with `include_shared`, also
    one another organisation shares with it (read-only)."""
    companies = Company.objects.select_related("parent", "organisation")
    if include_shared:
        return companies.get_visible(user, public_id=public_id)  # type: ignore[no-any-return]
    return companies.get_owned(user, public_id=public_id)  # type: ignore[no-any-return]


def company_names(*, user: User, limit: int = 500) -> list[str]:
    """The legal names offered when a supplier name is typed (a form's list of suggestions)."""
    return list(Company.objects.owned_by(user).values_list("legal_name", flat=True)[:limit])


def company_tier(company: Company) -> Any:
    """The supplier's stored risk tier with its reasons (hrdd.programmes), or None when none was computed."""
    try:
        return company.risk_tier  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return None


def company_group(company: Company) -> list[Company]:
    """The company's parents up to the top of its group, nearest first."""
    chain: list[Company] = []
    seen = {company.pk}
    current = company.parent
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


MENTIONS = 20


def company_mentions(company: Company) -> dict[str, list[object]]:
    """Where the company is named: its subsidiaries, contracts, consultation answers and bids (the latest few)."""
    return {
        "subsidiaries": list(company.subsidiaries.all()[:MENTIONS]),
        "contracts": list(company.contracts.all()[:MENTIONS]),
        "invitations": list(company.invitations.select_related("consultation")[:MENTIONS]),
        "bids": list(company.bids.select_related("evaluation__tender")[:MENTIONS]),
    }
