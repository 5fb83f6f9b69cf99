"""Reading an RMI facility list (smelters and refiners with their RMAP assessment status) as a CSV file or as the
XML spreadsheet (SpreadsheetML 2003) RMI's site exports.

The XML is parsed by defusedxml with document types forbidden: no entity is expanded and nothing is fetched, so
a "billion laughs" or an external entity is refused, never resolved. The size is bounded before parsing and the
rows while reading. Columns are found by their header words, in any order, below any title rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from hrdd.core.errors import InputError
from hrdd.core.spreadsheets import MAX_ROWS, read_csv_rows, read_xlsx_rows
from hrdd.core.uploads import format_size, max_upload_bytes

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
HEADER_SEARCH_ROWS = 20
CID = re.compile(r"CID\d{6}")

# field -> header words (lower case, single spaces) that name it in RMI's exports and in hand-made lists
ALIASES = {
    "cid": ("facility id", "smelter id", "smelter identification number", "cid", "rmi id", "facility identification number"),
    "name": ("standard facility name", "standard smelter name", "facility name", "smelter name", "smelter reference", "name"),
    "metal": ("metal", "mineral", "metal/mineral"),
    "country": ("country", "country location", "location", "smelter facility location country"),
    "status": ("assessment status", "rmap status", "conformance status", "rmap assessment status", "audit status", "status"),
}  # fmt: skip
REQUIRED = ("cid", "status")


@dataclass(frozen=True)
class FacilityRow:
    row: int
    cid: str
    name: str
    metal: str
    country: str
    status: str
    rmap: str  # "conformant", "active" or ""


def rmap_of(status: str) -> str:
    """The RMAP standing a status text gives: "conformant", "active" (in the assessment process) or ""."""
    text = " ".join(status.lower().split())
    if not text or "non-conformant" in text or "non conformant" in text or "not conformant" in text:
        return ""
    if "conformant" in text:
        return "conformant"
    if text.startswith("active") or "in process" in text or "in-process" in text:
        return "active"
    return ""


def _words(value: Any) -> str:
    return " ".join(str(value or "").replace("_", " ").lower().replace("*", "").split())


def _columns(rows: Sequence[Sequence[Any]], name: str) -> tuple[int, dict[str, int]]:
    """The header row's index and the column of each field; InputError naming what is missing."""
    best: tuple[int, dict[str, int]] = (-1, {})
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for position, cell in enumerate(row):
            words = _words(cell)
            for field, aliases in ALIASES.items():
                if field not in found and words in aliases:
                    found[field] = position
        if len(found) > len(best[1]):
            best = (index, found)
        if all(f in found for f in REQUIRED):
            return index, found
    missing = [f for f in REQUIRED if f not in best[1]]
    raise InputError(
        _(
            "%(name)s has no %(columns)s column in its first %(rows)d rows. An RMI facility list needs a "
            "facility id column (e.g. 'Facility ID' or 'Smelter ID') and an assessment status column (e.g. "
            "'Assessment Status')."
        )
        % {"name": name, "columns": _(" and no ").join(repr(m) for m in missing), "rows": HEADER_SEARCH_ROWS},
        field="file",
    )


def facilities_from_rows(rows: Sequence[Sequence[Any]], *, name: str) -> list[FacilityRow]:
    """The facilities of a list's rows; rows without an id are skipped, a malformed id is refused by row."""
    header, columns = _columns(rows, name)

    def cell(row: Sequence[Any], field: str) -> str:
        position = columns.get(field)
        if position is None or position >= len(row) or row[position] is None:
            return ""
        return " ".join(str(row[position]).split())

    found = []
    for index, row in enumerate(rows[header + 1 :], start=header + 2):
        cid = cell(row, "cid").upper()
        if not cid:
            continue
        if not CID.fullmatch(cid):
            raise InputError(
                _(
                    "Row %(row)d: %(value)r is not an RMI facility id (CID followed by six digits, e.g. CID001070)."
                )
                % {"row": index, "value": cid[:40]},
                field="file",
            )
        status = cell(row, "status")
        found.append(
            FacilityRow(
                row=index,
                cid=cid,
                name=cell(row, "name")[:300],
                metal=cell(row, "metal")[:40],
                country=cell(row, "country")[:100],
                status=status[:100],
                rmap=rmap_of(status),
            )
        )
    if not found:
        raise InputError(_("%s lists no facility with an id.") % name, field="file")
    return found


def spreadsheet_xml_rows(content: bytes, *, name: str, max_rows: int = MAX_ROWS) -> list[list[str]]:
    """The rows of the first worksheet of an XML spreadsheet (SpreadsheetML 2003), read without resolving any
    entity or document type; InputError for a hostile or malformed file."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    from hrdd.core.uploads import ARCHIVE_MAX_ELEMENTS

    if content.count(b"<") > ARCHIVE_MAX_ELEMENTS:  # the tree is built whole: bound its elements first
        raise InputError(
            _("%(name)s holds more than %(limit)d pieces of markup, more than a list of facilities has.")
            % {"name": name, "limit": ARCHIVE_MAX_ELEMENTS},
            field="file",
        )
    try:
        root = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(
            _(
                "%s declares a document type or entities, which hrdd never reads (they can make a file "
                "expand without end or fetch other files). Export the list again from RMI's site."
            )
            % name,
            field="file",
        ) from exc
    except (ParseError, ValueError, LookupError) as exc:  # LookupError: an encoding Python does not know
        raise InputError(
            _("%(name)s is not well-formed XML (%(error)s).") % {"name": name, "error": exc}, field="file"
        ) from exc
    if root.tag != f"{SS}Workbook":
        raise InputError(
            _("%s is not an XML spreadsheet (Excel 2003 XML): its root is not a Workbook.") % name,
            field="file",
        )
    table = root.find(f"{SS}Worksheet/{SS}Table")
    if table is None:
        raise InputError(_("%s holds no worksheet with a table.") % name, field="file")
    rows: list[list[str]] = []
    for row in table.iter(f"{SS}Row"):
        if len(rows) >= max_rows:
            raise InputError(
                _("%(name)s has more than %(rows)d rows.") % {"name": name, "rows": max_rows}, field="file"
            )
        values: list[str] = []
        for cell in row.iter(f"{SS}Cell"):
            index = cell.get(f"{SS}Index")
            if index and index.isdigit():
                target = int(index) - 1
                if target > 1000:
                    raise InputError(_("%s has a cell beyond column 1000.") % name, field="file")
                values.extend([""] * max(0, target - len(values)))
            data = cell.find(f"{SS}Data")
            values.append("".join(data.itertext()) if data is not None else "")
        rows.append(values)
    return rows


def read_facility_file(filename: str, content: bytes) -> tuple[str, list[FacilityRow]]:
    """The format ("csv", "xlsx" or "xml") and the facilities of an uploaded list; InputError says why not."""
    name = filename.rsplit("/", 1)[-1] or "the file"
    if not content:
        raise InputError(_("%s is empty.") % name, field="file")
    limit = max_upload_bytes()
    if len(content) > limit:
        raise InputError(
            _("%(name)s is larger than %(limit)s, the most hrdd accepts.")
            % {"name": name, "limit": format_size(limit)},
            field="file",
        )
    lower = name.lower()
    head = content[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    if lower.endswith(".xml") or head.startswith(b"<"):
        return "xml", facilities_from_rows(spreadsheet_xml_rows(content, name=name), name=name)
    if lower.endswith(".xlsx"):
        return "xlsx", facilities_from_rows(read_xlsx_rows(content, name=name, field="file"), name=name)
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return "csv", facilities_from_rows(read_csv_rows(content, name=name, field="file"), name=name)
    raise InputError(
        _(
            "%s is not a facility list hrdd reads: give a CSV file, an XML spreadsheet (.xml) or an .xlsx workbook."
        )
        % name,
        field="file",
    )
