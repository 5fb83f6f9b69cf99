"""Writes for companies: create, update, and resolve a typed supplier name to one company. Each is audited."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record, save_audited
from hrdd.companies.models import Company
from hrdd.core.errors import InputError
from hrdd.core.forms import unknown_country_message
from hrdd.core.texts import localize
from hrdd.core.versions import claim_version
from hrdd.domain.companies import (
    IDENTIFIERS,
    CompanyInputError,
    GroupLink,
    clean_identifiers,
    normalise_company_name,
    parent_creates_cycle,
)
from hrdd.domain.countries import UnknownCountry, display_name, resolve_country

FIELDS = ("legal_name", "other_names", "kind", "country_iso3", "website", *IDENTIFIERS, "parent")


def _state(company: Company) -> dict[str, Any]:
    state = {name: getattr(company, name) for name in FIELDS if name != "parent"}
    state["parent"] = str(company.parent.public_id) if company.parent_id else None
    return state


def _clean(organisation: Organisation, values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise InputError(_("Unknown company field %r.") % unknown[0], field=unknown[0])
    cleaned: dict[str, Any] = {}
    name = " ".join(str(values.get("legal_name") or "").split())
    if not name or not normalise_company_name(name):
        raise InputError(_("A legal name is required."), field="legal_name")
    if len(name) > 200:
        raise InputError(_("The legal name is longer than 200 characters."), field="legal_name")
    cleaned["legal_name"] = name
    cleaned["normalised_name"] = normalise_company_name(name)[:200]
    other = values.get("other_names") or []
    if isinstance(other, str):
        other = other.splitlines()
    if not isinstance(other, list) or not all(isinstance(o, str) for o in other):
        raise InputError(_("Other names must be a list of names."), field="other_names")
    cleaned["other_names"] = sorted({" ".join(o.split())[:200] for o in other if o.strip()} - {name})
    kind = values.get("kind") or Company.Kind.SUPPLIER
    if kind not in Company.Kind.values:
        raise InputError(_("Unknown kind %r.") % kind, field="kind")
    cleaned["kind"] = kind
    try:
        cleaned["country_iso3"] = resolve_country(str(values.get("country_iso3") or ""))
    except UnknownCountry as exc:
        raise InputError(unknown_country_message(exc), field="country_iso3") from exc
    website = str(values.get("website") or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError as exc:
            raise InputError(_("Enter a web address starting with https://."), field="website") from exc
    cleaned["website"] = website
    try:
        cleaned.update(clean_identifiers({k: str(values.get(k) or "") for k in IDENTIFIERS}))
    except CompanyInputError as exc:  # the domain's Text, said in the reader's language
        raise InputError(localize(exc.args[0]), field=exc.field) from exc
    parent = values.get("parent")
    if parent is not None and (not isinstance(parent, Company) or parent.organisation_id != organisation.pk):
        raise InputError(_("Unknown parent company."), field="parent")
    cleaned["parent"] = parent
    return cleaned


def _refuse_duplicate(organisation: Organisation, cleaned: dict[str, Any], company: Company | None) -> None:
    same = Company.objects.filter(
        organisation=organisation,
        normalised_name=cleaned["normalised_name"],
        country_iso3=cleaned["country_iso3"],
    )
    if company is not None:
        same = same.exclude(pk=company.pk)
    existing = same.first()
    if existing is not None:
        raise InputError(
            _("%(name)s is already recorded as %(existing)s: use that company.")
            % {"name": cleaned["legal_name"], "existing": existing.legal_name},
            field="legal_name",
        )


@transaction.atomic
def company_create(*, actor: User, **values: Any) -> Company:
    """Record a company in the organisation the actor works in; the same name and country is refused."""
    organisation = writer_organisation(actor)
    cleaned = _clean(organisation, values)
    _refuse_duplicate(organisation, cleaned, None)
    company = Company.objects.create(organisation=organisation, created_by=actor, **cleaned)
    audit_record(
        actor=actor, organisation=organisation, action="company.create", target=company, after=_state(company)
    )
    return company


@transaction.atomic
def company_update(*, actor: User, company: Company, version: int | None = None, **values: Any) -> Company:
    """Change a company's names, country, identifiers or parent; a parent may not be one of its own parts. A
    change made on another `version` than the saved one is refused (StaleEdit)."""
    require_writer(actor, company.organisation)
    claim_version(company, version, what=_("company"), refresh=True)
    cleaned = _clean(company.organisation, {**{f: getattr(company, f) for f in FIELDS}, **values})
    _refuse_duplicate(company.organisation, cleaned, company)
    parent = cleaned["parent"]
    if parent is not None:
        links = [
            GroupLink(pk, parent_id)
            for pk, parent_id in Company.objects.filter(organisation=company.organisation).values_list(
                "pk", "parent_id"
            )
        ]
        if parent_creates_cycle(company.pk, parent.pk, links):
            raise InputError(
                _("%(parent)s belongs to the group of %(company)s: it cannot be its parent.")
                % {"parent": parent.legal_name, "company": company.legal_name},
                field="parent",
            )
    save_audited(actor=actor, record=company, values=cleaned, action="company.update", state=_state)
    return company


def company_resolve(
    *,
    organisation: Organisation,
    name: str,
    country: str = "",
    actor: User | None = None,
    field: str = "company",
    country_field: str = "country",
) -> Company | None:
    """The one company a typed supplier name stands for, recorded on first sight; None for a blank name.

    The same normalised name and country is the same company, never a silent duplicate. Without a country, the
    only company of that name is taken; when several companies share the name, the country must be given.
    """
    name = " ".join((name or "").split())[:200]
    normalised = normalise_company_name(name)
    if not normalised:
        return None
    try:
        iso3 = resolve_country(country)
    except UnknownCountry as exc:
        raise InputError(unknown_country_message(exc), field=country_field) from exc
    same_name = list(Company.objects.filter(organisation=organisation, normalised_name=normalised))
    if iso3:
        match = [c for c in same_name if c.country_iso3 == iso3] or [
            c for c in same_name if not c.country_iso3
        ]
    else:
        match = same_name
    if len(match) == 1:
        return match[0]
    if len(match) > 1:
        raise InputError(
            _("Several companies are called %(name)s (in %(countries)s): say which country.")
            % {
                "name": name,
                "countries": ", ".join(sorted(display_name(c.country_iso3) or "?" for c in match)),
            },
            field=field,
        )
    company = Company.objects.create(
        organisation=organisation,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        legal_name=name,
        normalised_name=normalised[:200],
        country_iso3=iso3,
    )
    audit_record(
        actor=actor,
        actor_label=None if getattr(actor, "is_authenticated", False) else "supplier name resolved",
        organisation=organisation,
        action="company.create",
        target=company,
        after=_state(company),
    )
    return company
