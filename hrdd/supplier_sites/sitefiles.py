"""Reading registry lists: CSV or XLSX, in the CC2 columns of a supplier's site list (name, address, country,
site_type, products) or in Open Supply Hub's (name, address, country, sector, product_type, facility_type,
processing_type, number_of_workers, parent_company, lat, lng, os_id), and writing the registry out again.

Unlike a supplier's submission (hrdd.contracts.sitelists, which refuses a list at its first bad row), a registry
import keeps every good row and reports each refused row with its number and reason. The file itself is read by
the kernel's bounded readers (hrdd.core.spreadsheets); more than MAX_ROWS sites refuse the whole file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hrdd.core.errors import InputError
from hrdd.core.spreadsheets import read_rows
from hrdd.core.uploads import AcceptedFile
from hrdd.domain.companies import CompanyInputError, validate_lei, validate_os_id, validate_rmi_cid
from hrdd.domain.countries import suggest_countries, to_iso3
from hrdd.domain.risk import get_risk_method
from hrdd.domain.sitematch import SiteRecord
from hrdd.domain.sites import site_stage

MAX_ROWS = 20_000
REJECTED_KEPT = 1000  # refused rows reported one by one; past this many, only counted

# A header as people write it (lower case, single spaces, '_' and '-' read as spaces) -> the field it names.
ALIASES = {
    "name": "name",
    "site name": "name",
    "facility name": "name",
    "address": "address",
    "city": "city",
    "town": "city",
    "postal code": "postal_code",
    "postcode": "postal_code",
    "zip": "postal_code",
    "zip code": "postal_code",
    "country": "country",
    "country code": "country",
    "country name": "country",
    "country iso2": "country",
    "country iso3": "country",
    "type": "site_type",
    "site type": "site_type",
    "facility type": "site_type",
    "processing type": "processing_type",
    "products": "products",
    "products or components": "products",
    "product type": "products",
    "parent company": "group_name",
    "parent group": "group_name",
    "group": "group_name",
    "os id": "os_id",
    "rmi cid": "rmi_cid",
    "cid": "rmi_cid",
    "smelter id": "rmi_cid",
    "rmi facility id": "rmi_cid",
    "lei": "lei",
    "lat": "latitude",
    "latitude": "latitude",
    "lng": "longitude",
    "lon": "longitude",
    "longitude": "longitude",
}
REQUIRED = ("name", "country")
Progress = Callable[[int, int], None]


class SiteFileError(InputError):
    """The whole file is refused (no header, a required column missing, too many rows)."""


@dataclass(frozen=True)
class ListedRecord:
    """One site as a list names it: the fields read from the row, and the row exactly as typed (`raw`)."""

    name: str
    country_iso3: str
    address: str = ""
    city: str = ""
    postal_code: str = ""
    site_type: str = ""
    products: str = ""
    group_name: str = ""
    os_id: str = ""
    rmi_cid: str = ""
    lei: str = ""
    latitude: float | None = None
    longitude: float | None = None
    row: int | None = None
    raw: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    def as_site_record(self, key: str) -> SiteRecord:
        return SiteRecord(
            key=key,
            name=self.name,
            address=self.address,
            city=self.city,
            postal_code=self.postal_code,
            country=self.country_iso3,
            group=self.group_name,
        )


@dataclass(frozen=True)
class RejectedRow:
    row: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "reason": self.reason}


@dataclass(frozen=True)
class ReadList:
    records: list[ListedRecord]
    rejected: list[RejectedRow]
    rows: int  # the rows with text below the header


def column_of(header: str) -> str:
    """The field a column header names, in any case and spacing ('Site Type', 'site_type', 'os_id')."""
    words = " ".join(str(header).replace("_", " ").replace("-", " ").lower().split())
    return ALIASES.get(words, "")


def site_type_of(typed: str) -> str:
    """The registry's site type (hrdd.supplier_sites.models.SiteType value) a typed type names, '' when none.

    The risk method's site types (hrdd/frameworks/risk-method) name a stage; Open Supply Hub's facility and
    processing types are read by their key words."""
    from hrdd.supplier_sites.models import TYPE_OF_STAGE, SiteType

    text = " ".join(typed.replace("_", " ").replace("-", " ").lower().split())
    if not text:
        return ""
    for choice in SiteType:
        if text in (choice.value.replace("_", " "), str(choice.label).lower()):
            return str(choice.value)
    stage = site_stage(text, get_risk_method().site_types)
    if stage in TYPE_OF_STAGE:
        return str(TYPE_OF_STAGE[stage])
    words = (
        ("recycl", SiteType.RECYCLING),
        ("e waste", SiteType.RECYCLING),
        ("smelt", SiteType.RAW_MATERIAL_PROCESSING),
        ("refin", SiteType.RAW_MATERIAL_PROCESSING),
        ("raw material", SiteType.RAW_MATERIAL_PROCESSING),
        ("mine", SiteType.MINE),
        ("mining", SiteType.MINE),
        ("assembl", SiteType.FINAL_ASSEMBLY),
        ("component", SiteType.COMPONENT_MANUFACTURING),
    )
    return next((str(choice.value) for word, choice in words if word in text), "")


def _coordinate(value: str, *, name: str, limit: float) -> float | None:
    text = value.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError as exc:
        raise CompanyInputError(_("'%(value)s' is not a number.") % {"value": value}, field=name) from exc
    if not math.isfinite(number) or abs(number) > limit:
        raise CompanyInputError(
            _("%(value)s is outside -%(limit)d..%(limit)d.") % {"value": value, "limit": limit}, field=name
        )
    return number


def record_from_values(
    values: dict[str, str], *, row: int | None = None, raw: dict[str, str] | None = None
) -> ListedRecord:
    """Read one row's fields into a record; CompanyInputError names the field at fault."""
    name = " ".join(values.get("name", "").split())[:300]
    if not name:
        raise CompanyInputError(_("The site's name is empty."), field="name")
    typed_country = values.get("country", "").strip()
    country = to_iso3(typed_country) if typed_country else None
    if country is None:
        if not typed_country:
            raise CompanyInputError(_("The country is empty."), field="country")
        suggestions = suggest_countries(typed_country)
        hint = _(" Did you mean %(names)s?") % {"names": _(" or ").join(suggestions)} if suggestions else ""
        raise CompanyInputError(
            _("'%(value)s' is not a known country.") % {"value": typed_country} + hint, field="country"
        )
    identifiers = {}
    for key, validate in (("os_id", validate_os_id), ("rmi_cid", validate_rmi_cid), ("lei", validate_lei)):
        typed = values.get(key, "").strip()
        identifiers[key] = validate(typed) if typed else ""
    latitude = _coordinate(values.get("latitude", ""), name="latitude", limit=90)
    longitude = _coordinate(values.get("longitude", ""), name="longitude", limit=180)
    if (latitude is None) != (longitude is None):
        raise CompanyInputError(_("Give both coordinates (lat and lng) or neither."), field="latitude")
    site_type = " ".join((values.get("site_type", "") or values.get("processing_type", "")).split())
    return ListedRecord(
        name=name,
        country_iso3=country,
        address=" ".join(values.get("address", "").split())[:500],
        city=" ".join(values.get("city", "").split())[:200],
        postal_code=" ".join(values.get("postal_code", "").split())[:20],
        site_type=site_type[:100],
        products=" ".join(values.get("products", "").split())[:500],
        group_name=" ".join(values.get("group_name", "").split())[:200],
        latitude=latitude,
        longitude=longitude,
        row=row,
        raw=dict(raw if raw is not None else values),
        **identifiers,
    )


def read_table(table: Sequence[Sequence[object]], *, progress: Progress | None = None) -> ReadList:
    """Read a table (its header is the first row with text) into records and refused rows."""
    cells = [["" if v is None else str(v) for v in row] for row in table]
    start = next((i for i, row in enumerate(cells) if any(v.strip() for v in row)), None)
    if start is None:
        raise SiteFileError(_("The file is empty: write a header row and one row per site."), field="file")
    header = [h.strip() for h in cells[start]]
    fields = [column_of(h) for h in header]
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise SiteFileError(
            _(
                "row %(row)d: missing column(s) %(missing)s. Name the columns as in a site list (name, address, "
                "country, site_type, products) or as Open Supply Hub does (name, address, country, ..., os_id)."
            )
            % {"row": start + 1, "missing": ", ".join(missing)},
            field="file",
        )
    body = cells[start + 1 :]
    records: list[ListedRecord] = []
    rejected: list[RejectedRow] = []
    rows = 0
    for offset, values in enumerate(body):
        if progress is not None and offset % 500 == 0:
            progress(offset, len(body))
        if not any(v.strip() for v in values):
            continue
        rows += 1
        if rows > MAX_ROWS:
            raise SiteFileError(
                _("The list holds more than %(limit)s sites, the most one list may hold.")
                % {"limit": f"{MAX_ROWS:,}"},
                field="file",
            )
        number = start + 2 + offset
        raw = {h or f"column {i + 1}": (values[i] if i < len(values) else "") for i, h in enumerate(header)}
        typed: dict[str, str] = {}
        for i, name in enumerate(fields):
            if name and i < len(values) and not typed.get(name):
                typed[name] = values[i]
        try:
            records.append(record_from_values(typed, row=number, raw=raw))
        except CompanyInputError as exc:
            rejected.append(RejectedRow(number, exc.field, str(exc)))
    if progress is not None:
        progress(len(body), len(body))
    return ReadList(records=records, rejected=rejected, rows=rows)


def read_site_file(file: AcceptedFile, *, progress: Progress | None = None) -> ReadList:
    """Read an accepted CSV or XLSX registry list; SiteFileError (or the kernel's refusal) for the whole file."""
    return read_table(read_rows(file, max_rows=MAX_ROWS + 100), progress=progress)
