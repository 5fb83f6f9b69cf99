"""Incidents from a CSV file (e.g. a monitoring organisation's list of findings): one service, all or nothing.

Columns (header names, any order; an unknown column is refused so that a misspelt one is never ignored):
  required  title, source, date, category
  subject   at most one of: site_id (registry public id), os_id (Open Supply Hub id), rmi_cid, group (registry
            group name or public id), company (one of the organisation's companies, by legal name)
  optional  description, source_url, country, scale, scope, irremediability (1-4 each), confidentiality
            (owner_only, shared, public), reference
`source` and `category` take an id (monitoring_report, child_labour) or its title ("Monitoring report",
"Child labour"). Every refused cell is reported with its row (as a spreadsheet numbers it) and column, and
nothing is stored while any row is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from hrdd.accounts.models import User
from hrdd.core.csvfiles import read_csv
from hrdd.core.models import active_organisation_id, require_writable
from hrdd.incidents.models import Incident, Source, risk_category_choices
from hrdd.incidents.services import IncidentError, incident_create

REQUIRED = ("title", "source", "date", "category")
SUBJECT = ("site_id", "os_id", "rmi_cid", "group", "company")
OPTIONAL = (
    "description", "source_url", "country", "scale", "scope", "irremediability", "confidentiality", "reference",
)  # fmt: skip
COLUMNS = REQUIRED + SUBJECT + OPTIONAL
# the service's field behind each column (where the names differ)
FIELD_OF = {"date": "occurred_on", "source_url": "source_url", "reference": "external_reference"}
COLUMN_OF = {"occurred_on": "date", "external_reference": "reference", "country_iso3": "country"}
ERRORS_SHOWN = 20


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRefused(IncidentError):
    """The file was refused; `errors` lists every refused cell with its row and column."""

    def __init__(self, errors: list[RowError], *, name: str) -> None:
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:ERRORS_SHOWN])
        more = f" (and {len(errors) - ERRORS_SHOWN} more)" if len(errors) > ERRORS_SHOWN else ""
        super().__init__(f"{name}: nothing was imported: {shown}{more}", field="FILE")


def _by_id_or_title(value: str, choices: list[tuple[str, str]]) -> str:
    text = value.strip()
    for key, title in choices:
        if text.lower() in (key.lower(), str(title).lower()):
            return key
    return text  # the service refuses it, naming the known ids


def _subject(user: User, column: str, value: str) -> Any:
    from hrdd.companies.models import Company
    from hrdd.supplier_sites.models import Site, SiteGroup

    text = value.strip()
    found: Any = None
    if column == "site_id":
        try:
            found = Site.objects.filter(public_id=uuid.UUID(text)).first()
        except ValueError:
            found = None
    elif column == "os_id":
        found = Site.objects.filter(os_id__iexact=text).exclude(status=Site.Status.MERGED).first()
    elif column == "rmi_cid":
        found = Site.objects.filter(rmi_cid__iexact=text).exclude(status=Site.Status.MERGED).first()
    elif column == "group":
        try:
            found = SiteGroup.objects.filter(public_id=uuid.UUID(text)).first()
        except ValueError:
            matches = list(SiteGroup.objects.filter(name__iexact=text)[:2])
            if len(matches) > 1:
                raise IncidentError("two groups have this name: give the group's id", field=column) from None
            found = matches[0] if matches else None
    elif column == "company":
        matches = list(Company.objects.owned_by(user).filter(legal_name__iexact=text)[:2])
        if len(matches) > 1:
            raise IncidentError("two of your companies have this name", field=column)
        found = matches[0] if matches else None
    if found is None:
        raise IncidentError(f"no {column.replace('_', ' ')} {text!r} is known", field=column)
    return found


@transaction.atomic
def incidents_import(*, actor: User, content: bytes, name: str = "incidents.csv") -> list[Incident]:
    """Record every row of a CSV file of incidents in the actor's organisation, or none of them (ImportRefused
    names each refused row and column)."""
    organisation_id = active_organisation_id(actor)
    require_writable(actor, organisation_id)
    rows = read_csv(content, name=name, field="FILE")
    if not rows or not any(rows[0]):
        raise IncidentError(f"{name} has no header row", field="FILE")
    header = [h.strip().lower() for h in rows[0]]
    errors: list[RowError] = []
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    for column in unknown:
        errors.append(RowError(1, column, f"unknown column; known: {', '.join(COLUMNS)}"))
    for column in missing:
        errors.append(RowError(1, column, "required column missing"))
    if len(set(header)) != len(header):
        errors.append(RowError(1, "", "a column is named twice"))
    if errors:
        raise ImportRefused(errors, name=name)
    made: list[Incident] = []
    categories = risk_category_choices()
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            errors.append(RowError(number, "", f"{len(cells)} cells for {len(header)} columns"))
            continue
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        subjects = [c for c in SUBJECT if row.get(c)]
        if len(subjects) > 1:
            errors.append(RowError(number, subjects[1], "give one subject per row (site, group or company)"))
            continue
        values: dict[str, Any] = {
            FIELD_OF.get(c, c): row[c]
            for c in (*REQUIRED, *OPTIONAL)
            if c in row and (row[c] or c in REQUIRED)
        }
        values["source"] = _by_id_or_title(values.get("source", ""), list(Source.choices))
        values["category"] = _by_id_or_title(values.get("category", ""), categories)
        if not values["category"]:
            errors.append(RowError(number, "category", "category is required"))
            continue
        try:
            if subjects:
                column = subjects[0]
                key = "site" if column in ("site_id", "os_id", "rmi_cid") else column
                values[key] = _subject(actor, column, row[column])
            with transaction.atomic():
                made.append(incident_create(actor=actor, **values))
        except IncidentError as exc:
            column = COLUMN_OF.get(exc.field, exc.field)
            errors.append(RowError(number, column, str(exc)))
    if errors:
        raise ImportRefused(errors, name=name)
    return made
