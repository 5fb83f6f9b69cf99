"""Reads for companies: the organisation's companies, one company, and a name's matches."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from hrdd.accounts.models import Organisation, User
from hrdd.companies.models import Company
from hrdd.domain.companies import normalise_company_name


def company_list(*, user: User, query: str = "", kind: str = "", country_iso3: str = "") -> QuerySet[Company]:
    """The companies the user may see, alphabetically; `query` keeps those whose name contains it, `kind` and
    `country_iso3` those with that value."""
    return _filtered(Company.objects.visible_to(user), query=query, kind=kind, country_iso3=country_iso3)


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
    """The countries (ISO 3166 alpha-3) of the companies the user may see, each once (a filter's choices)."""
    return list(
        Company.objects.visible_to(user)
        .exclude(country_iso3="")
        .order_by("country_iso3")
        .values_list("country_iso3", flat=True)
        .distinct()
    )


def company_parent_choices(*, user: User, limit: int = 1000) -> list[Company]:
    """The companies a form offers as a parent: the first `limit` by name, their names and ids only."""
    return list(
        Company.objects.visible_to(user).only("public_id", "legal_name").order_by("legal_name", "id")[:limit]
    )


def company_get(*, user: User, public_id: uuid.UUID | str) -> Company:
    """One company the user may see, or NotFound."""
    return Company.objects.select_related("parent").get_visible(user, public_id=public_id)


def company_names(*, user: User, limit: int = 500) -> list[str]:
    """The legal names offered when a supplier name is typed (a form's list of suggestions)."""
    return list(Company.objects.visible_to(user).values_list("legal_name", flat=True)[:limit])


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
