"""Read a supplier's production-site list (CSV or XLSX): name, address, country, site type, products."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pycountry
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError
from hrdd.core.spreadsheets import read_rows
from hrdd.core.uploads import AcceptedFile
from hrdd.domain.risk import get_risk_method
from hrdd.domain.sites import site_stage

REQUIRED = ("name", "address", "country")
OPTIONAL = ("site_type", "products")
ALIASES = {
    "type": "site_type",
    "site type": "site_type",
    "products or components": "products",
    "country_iso3": "country",
}
MAX_ROWS = 5000
Progress = Callable[[int, int], None]


class SiteListError(InputError):
    """A site list cannot be read; the message names the row and column."""


@dataclass(frozen=True)
class SiteRow:
    row: int
    name: str
    address: str
    country_iso3: str
    site_type: str
    products: str

    @property
    def stage(self) -> str | None:
        """The supply-chain stage the site's type names, from the risk method's site types."""
        return site_stage(self.site_type, get_risk_method().site_types)

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "address": self.address, "country": self.country_iso3}


def country_code(value: str) -> str | None:
    """ISO 3166-1 alpha-3 code for a code (alpha-2/3) or an English name; None when unknown."""
    text = value.strip()
    if not text:
        return ""
    for lookup in (
        lambda t: pycountry.countries.get(alpha_3=t.upper()),
        lambda t: pycountry.countries.get(alpha_2=t.upper()),
    ):
        if len(text) in (2, 3):
            found = lookup(text)
            if found:
                return str(found.alpha_3)
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return None


def _rows_from_table(
    header: list[str], rows: list[list[str]], first_row: int, progress: Progress | None = None
) -> list[SiteRow]:
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise SiteListError(
            _("row 1: missing column(s) %s (expected name, address, country, site_type, products)")
            % ", ".join(missing)
        )
    sites = []
    for offset, values in enumerate(rows):
        if progress is not None:
            progress(offset, len(rows))
        number = first_row + offset
        record = {c: (values[i] if i < len(values) else "") for i, c in enumerate(columns)}
        if not any(str(v).strip() for v in record.values()):
            continue
        raw_country = str(record.get("country") or "")
        code = country_code(raw_country)
        if code is None:
            raise SiteListError(
                _("row %(row)d, column country: %(value)r is not a known country")
                % {"row": number, "value": raw_country}
            )
        sites.append(
            SiteRow(
                row=number,
                name=str(record.get("name") or "").strip()[:300],
                address=str(record.get("address") or "").strip()[:500],
                country_iso3=code,
                site_type=str(record.get("site_type") or "").strip()[:100],
                products=str(record.get("products") or "").strip()[:500],
            )
        )
        if len(sites) > MAX_ROWS:
            raise SiteListError(_("more than %d sites; split the list") % MAX_ROWS)
    if not sites:
        raise SiteListError(_("the list holds no site"))
    if progress is not None:
        progress(len(rows), len(rows))
    return sites


def read_site_list(file: AcceptedFile, *, progress: Progress | None = None) -> list[SiteRow]:
    """Read an accepted CSV (UTF-8) or XLSX site list; SiteListError names the row and column at fault, the
    kernel's SpreadsheetError what is wrong with the file itself.

    `progress(done, total)` hears how many of the table's rows are read."""
    table = [["" if v is None else str(v) for v in row] for row in read_rows(file)]
    if not table:
        raise SiteListError(_("the file is empty"))
    return _rows_from_table(table[0], table[1:], 2, progress)
