"""Read a supplier's production-site list (CSV or XLSX): name, address, country, site type, products."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pycountry
from django.utils.translation import gettext as _
from openpyxl import load_workbook

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


class SiteListError(ValueError):
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


def _rows_from_table(header: list[str], rows: list[list[str]], first_row: int) -> list[SiteRow]:
    columns = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise SiteListError(
            _("row 1: missing column(s) %s (expected name, address, country, site_type, products)")
            % ", ".join(missing)
        )
    sites = []
    for offset, values in enumerate(rows):
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
    return sites


def read_site_list(filename: str, content: bytes) -> list[SiteRow]:
    """Read a CSV (UTF-8) or XLSX site list; SiteListError names the row and column at fault."""
    name = filename.lower()
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SiteListError(_("the CSV file is not UTF-8 text")) from exc
        try:
            table = list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            raise SiteListError(_("the CSV file is malformed: %s") % exc) from exc
        if not table:
            raise SiteListError(_("the file is empty"))
        return _rows_from_table(table[0], table[1:], 2)
    if name.endswith(".xlsx"):
        if not content.startswith(b"PK"):
            raise SiteListError(_("the file is not an XLSX workbook"))
        try:
            wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = [
                ["" if v is None else str(v) for v in row]
                for row in wb.worksheets[0].iter_rows(values_only=True)
            ]
            wb.close()
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise SiteListError(_("the file is not a readable XLSX workbook")) from exc
        if not rows:
            raise SiteListError(_("the workbook's first sheet is empty"))
        return _rows_from_table(rows[0], rows[1:], 2)
    raise SiteListError(_("a site list must be a .csv or .xlsx file"))
