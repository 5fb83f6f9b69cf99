"""The registry written out: CSV, XLSX or JSON, with Open Supply Hub's columns (so that the file can be uploaded
there) beside hrdd's own. Products come from the mentions of the reader's organisation only."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from hrdd.accounts.models import User
from hrdd.core.errors import InputError
from hrdd.core.spreadsheets import append_row, new_workbook, workbook_bytes
from hrdd.supplier_sites.models import Site, SiteMention
from hrdd.supplier_sites.services import group_roots

FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# Open Supply Hub's list columns first, then hrdd's.
COLUMNS = (
    "name",
    "address",
    "country",
    "sector",
    "product_type",
    "facility_type",
    "number_of_workers",
    "parent_company",
    "lat",
    "lng",
    "os_id",
    "site_id",
    "other_names",
    "city",
    "postal_code",
    "country_iso3",
    "site_type",
    "operator",
    "rmi_cid",
    "lei",
    "status",
    "moved_to",
)
SECTOR = "Electronics"
CHUNK = 2000
Progress = Callable[[int], None]


def _iso2(iso3: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    return found.alpha_2 if found else ""


def _products(user: User, site_ids: list[int]) -> dict[int, list[str]]:
    products: dict[int, set[str]] = defaultdict(set)
    for site_id, typed in (
        SiteMention.objects.owned_by(user)
        .filter(site_id__in=site_ids)
        .exclude(products="")
        .values_list("site_id", "products")
    ):
        products[site_id].update(p.strip() for p in typed.split(";") if p.strip())
    return {k: sorted(v) for k, v in products.items()}


def registry_rows(user: User, sites: QuerySet[Site]) -> Iterator[dict[str, Any]]:
    """One dict per site (COLUMNS), read CHUNK sites at a time: a few queries per chunk, whatever the size."""
    roots = group_roots()
    batch: list[Site] = []
    rows = sites.select_related("operator", "moved_to").order_by("country_iso3", "name", "id")
    for site in rows.iterator(chunk_size=CHUNK):
        batch.append(site)
        if len(batch) == CHUNK:
            yield from _rows(user, batch, roots)
            batch = []
    if batch:
        yield from _rows(user, batch, roots)


def _rows(user: User, sites: list[Site], roots: dict[int, str]) -> Iterable[dict[str, Any]]:
    products = _products(user, [s.pk for s in sites])
    for s in sites:
        yield {
            "name": s.name,
            "address": ", ".join(p for p in (s.address, s.postal_code, s.city) if p),
            "country": _iso2(s.country_iso3),
            "sector": SECTOR,
            "product_type": "; ".join(products.get(s.pk, [])),
            "facility_type": s.get_site_type_display() if s.site_type else "",
            "number_of_workers": "",
            "parent_company": roots.get(s.operator_id, "") if s.operator_id else "",
            "lat": s.latitude,
            "lng": s.longitude,
            "os_id": s.os_id,
            "site_id": str(s.public_id),
            "other_names": "; ".join(s.other_names),
            "city": s.city,
            "postal_code": s.postal_code,
            "country_iso3": s.country_iso3,
            "site_type": s.site_type,
            "operator": s.operator.name if s.operator_id else "",
            "rmi_cid": s.rmi_cid,
            "lei": s.lei,
            "status": s.status,
            "moved_to": str(s.moved_to.public_id) if s.moved_to_id else "",
        }


def _counted(rows: Iterable[dict[str, Any]], progress: Progress | None) -> Iterator[dict[str, Any]]:
    for done, row in enumerate(rows, 1):
        yield row
        if progress is not None and done % CHUNK == 0:
            progress(done)


def registry_export(
    user: User, sites: QuerySet[Site], *, format: str = "csv", progress: Progress | None = None
) -> bytes:
    """The sites written as CSV (UTF-8 with a byte-order mark, for Excel), XLSX or JSON; `progress` is told how
    many sites are written, every CHUNK sites."""
    if format not in FORMATS:
        raise InputError(f"unknown format {format!r}; known: {', '.join(FORMATS)}", field="format")
    rows = _counted(registry_rows(user, sites), progress)
    if format == "json":
        return json.dumps(list(rows), ensure_ascii=False, indent=1).encode()
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return ("\ufeff" + buffer.getvalue()).encode()
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("Sites")
    append_row(sheet, COLUMNS, bold=True)
    for row in rows:
        append_row(sheet, [row[c] for c in COLUMNS])
    return workbook_bytes(workbook)


def export_filename(format: str) -> str:
    return f"site-registry.{format}"
