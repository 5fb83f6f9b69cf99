"""The company registry as an XLSX workbook: one line per company, written as the companies come from the database.

The workbook streams (write-only, hrdd.core.spreadsheets): its cost grows with the companies written and its
memory does not. Every text goes through the kernel's formula guard: a name such as '=HYPERLINK(...)' typed into a
bid stays text in the buyer's spreadsheet program.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol
from uuid import UUID

from django.utils.translation import gettext as _

from hrdd.companies.models import Company
from hrdd.core.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # the name pages and tests use
from hrdd.core.spreadsheets import append_row, new_workbook, workbook_bytes
from hrdd.domain.countries import country_name

PROGRESS_EVERY = 500  # companies written between two progress reports


class ParentLine(Protocol):
    @property
    def legal_name(self) -> str: ...


class CompanyLine(Protocol):
    """What the export writes of a company: the Company model's fields, its parent read with it."""

    @property
    def public_id(self) -> UUID: ...
    @property
    def legal_name(self) -> str: ...
    @property
    def other_names(self) -> list[str]: ...
    @property
    def kind(self) -> str: ...
    @property
    def country_iso3(self) -> str: ...
    @property
    def parent(self) -> ParentLine | None: ...
    @property
    def lei(self) -> str: ...
    @property
    def registration_number(self) -> str: ...
    @property
    def duns(self) -> str: ...
    @property
    def rmi_cid(self) -> str: ...
    @property
    def os_id(self) -> str: ...
    @property
    def website(self) -> str: ...


def header() -> list[str]:
    return [
        _("Legal name"),
        _("Other names"),
        _("Kind"),
        _("Country (ISO 3166)"),
        _("Country"),
        _("Parent company"),
        _("LEI"),
        _("VAT or chamber-of-commerce number"),
        _("D-U-N-S number"),
        _("RMI facility id"),
        _("Open Supply Hub id"),
        _("Website"),
        _("hrdd id"),
    ]


def company_workbook(
    *,
    organisation: str,
    filters: Sequence[tuple[str, str]],
    companies: Iterable[CompanyLine],
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return the companies as an XLSX workbook: sheet "Companies", one line each in the order given (other names
    one per line in their cell), and sheet "Export", saying whose registry it is, which search chose the companies
    and when it was written.

    `companies` is read once, as it comes (a queryset's iterator); `progress(done, total)` hears every
    PROGRESS_EVERY companies written and after the last, when `total` (how many will come) is given."""
    kinds = {value: str(label) for value, label in Company.Kind.choices}
    countries: dict[str, str] = {}
    wb = new_workbook(write_only=True)
    sheet = wb.create_sheet(_("Companies"))
    append_row(sheet, header(), bold=True)
    done = 0
    for done, company in enumerate(companies, start=1):  # noqa: B007 - `done` counts the lines after the loop
        iso3 = company.country_iso3
        if iso3 and iso3 not in countries:
            countries[iso3] = country_name(iso3)
        append_row(
            sheet,
            [
                company.legal_name,
                "\n".join(company.other_names or ()),
                kinds.get(company.kind, company.kind),
                iso3,
                countries.get(iso3, ""),
                company.parent.legal_name if company.parent is not None else "",
                company.lei,
                company.registration_number,
                company.duns,
                company.rmi_cid,
                company.os_id,
                company.website,
                str(company.public_id),
            ],
        )
        if progress is not None and total and done % PROGRESS_EVERY == 0:
            progress(done, max(total, done))
    if progress is not None and total is not None:
        progress(done, max(total, done))
    about = wb.create_sheet(_("Export"))
    append_row(about, [_("Companies of"), organisation], bold=True)
    for label, value in filters:
        append_row(about, [label, value])
    append_row(about, [_("Companies"), done])
    append_row(about, [_("Written (UTC)"), dt.datetime.now(dt.UTC).isoformat()])
    return workbook_bytes(wb)
