"""Reading an RMI template workbook with openpyxl: the adapter between a file and hrdd.domain.rmi.

Nothing in the file runs: openpyxl reads the package's XML (macros are noticed, never loaded), in read-only
mode, with `data_only=True` for the values Excel saved with each formula. A second, formula-aware look at the
Declaration (and at the Smelter List when rows look half-empty) finds formulas saved without their results.
Every file is bounded before parsing with the project's upload limits (hrdd.core.uploads: size, parts,
inflated size, compression ratio) and while parsing by a number of rows and a time budget, so a ZIP bomb or a
million-row sheet is refused quickly. Django is not needed: `hrdd rmi read` runs without a database.
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hrdd.domain.rmi import (
    TemplateLayout,
    TemplateReading,
    TemplateRefused,
    WorkbookCells,
    find_sheet,
    identify_template,
    read_template,
    refused_reading,
)
from hrdd.domain.rmi.layouts import DECLARATION, PRODUCT_LIST, SMELTER_LIST, SMELTER_LOOKUP
from hrdd.domain.rmi.reader import SheetCells, text_of
from hrdd.domain.texts import Text, gettext_noop

DECLARATION_ROWS = 200  # the longest Declaration (EMRT 2.x) ends near row 190
DECLARATION_COLUMNS = 10  # A..J


@dataclass(frozen=True)
class ReadLimits:
    """How much of a file is read before it is refused."""

    max_bytes: int
    max_members: int
    max_inflated_bytes: int
    max_ratio: int
    ratio_grace_bytes: int
    max_rows: int
    max_seconds: float = 20.0


def project_limits() -> ReadLimits:
    """The project's upload limits (hrdd.core.uploads, HRDD_MAX_UPLOAD_BYTES) and its row limit for a sheet."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    from hrdd.core import uploads
    from hrdd.core.spreadsheets import MAX_ROWS

    return ReadLimits(
        max_bytes=int(settings.HRDD_MAX_UPLOAD_BYTES),
        max_members=uploads.ARCHIVE_MAX_MEMBERS,
        max_inflated_bytes=uploads.ARCHIVE_MAX_INFLATED_BYTES,
        max_ratio=uploads.ARCHIVE_MAX_RATIO,
        ratio_grace_bytes=uploads.ARCHIVE_RATIO_GRACE_BYTES,
        max_rows=MAX_ROWS,
    )


class _Refused(Exception):
    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _mb(size: int) -> int:
    """A size in whole megabytes."""
    return round(size / (1024 * 1024))


def _too_large(limits: ReadLimits) -> Text:
    return Text(
        gettext_noop("the file is larger than %(most)s MB, the most hrdd accepts"), most=_mb(limits.max_bytes)
    )


def _check_package(content: bytes, limits: ReadLimits) -> bool:
    """Refuse what is not a workbook or is over the limits; say whether the package holds macros."""
    if not content:
        raise _Refused(Text(gettext_noop("the file is empty")))
    if len(content) > limits.max_bytes:
        raise _Refused(_too_large(limits))
    if not content.startswith(b"PK\x03\x04"):
        if content.startswith(b"\xd0\xcf\x11\xe0"):
            raise _Refused(
                Text(
                    gettext_noop(
                        "an old-format Excel file (.xls); open it in Excel or LibreOffice, save it as an Excel "
                        "workbook (.xlsx) and read it again"
                    )
                ),
                "not_a_template",
            )
        raise _Refused(
            Text(gettext_noop("not an Excel workbook (.xlsx): it is not a ZIP package")), "not_a_template"
        )
    from hrdd.core.uploads import ZIP_ERRORS

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            types = (
                archive.read("[Content_Types].xml") if "[Content_Types].xml" in archive.namelist() else b""
            )
    except ZIP_ERRORS as exc:
        raise _Refused(
            Text(gettext_noop("a damaged workbook: its ZIP package cannot be opened")), "not_a_template"
        ) from exc
    if len(members) > limits.max_members:
        raise _Refused(
            Text(
                gettext_noop("the package holds %(parts)s parts, more than the %(most)s accepted"),
                parts=len(members),
                most=limits.max_members,
            )
        )
    inflated = sum(m.file_size for m in members)
    if inflated > limits.max_inflated_bytes:
        raise _Refused(
            Text(
                gettext_noop("the package would unpack to %(size)s MB, more than the %(most)s MB accepted"),
                size=_mb(inflated),
                most=_mb(limits.max_inflated_bytes),
            )
        )
    for member in members:
        if member.file_size > limits.ratio_grace_bytes:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                raise _Refused(
                    Text(
                        gettext_noop(
                            "its part %(part)s is compressed %(ratio)s to 1, more than the %(most)s to 1 accepted "
                            "(a file made to overload a server)"
                        ),
                        part=member.filename,
                        ratio=round(ratio),
                        most=limits.max_ratio,
                    )
                )
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise _Refused(
            Text(gettext_noop("not an Excel workbook (.xlsx): the package has no workbook part")),
            "not_a_template",
        )
    _check_parts(content)
    return "xl/vbaProject.bin" in names or b"macroEnabled" in types


# What a part holds too many of (hrdd.core.uploads.package_problem's codes), as a reader says it.
PACKAGE_COUNTS = {
    "elements": gettext_noop("elements"),
    "shared_strings": gettext_noop("shared strings"),
    "cell_formats": gettext_noop("cell formats"),
}


def _check_parts(content: bytes) -> None:
    """Refuse a package whose XML declares a document type or entities, or holds more elements, shared strings
    or cell formats than the project's limits (hrdd.core.uploads.package_problem); macros are only noticed."""
    from hrdd.core.uploads import ZIP_ERRORS, package_problem

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            problem = package_problem(archive)
    except ZIP_ERRORS as exc:
        raise _Refused(
            Text(gettext_noop("a damaged workbook: its ZIP package cannot be opened")), "not_a_template"
        ) from exc
    if problem is None or problem.code == "macros":
        return
    if problem.code == "declaration":
        raise _Refused(
            Text(
                gettext_noop(
                    "its part %(part)s declares a document type or entities, which Excel never writes (a file "
                    "made to overload a server)"
                ),
                part=problem.part,
            )
        )
    raise _Refused(
        Text(
            gettext_noop("its part %(part)s holds more than a template has (%(count)s %(what)s)"),
            part=problem.part,
            count=problem.count,
            what=Text(PACKAGE_COUNTS[problem.code]) if problem.code in PACKAGE_COUNTS else problem.code,
        )
    )


class _Clock:
    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _Refused(
                Text(
                    gettext_noop("reading it took longer than %(seconds)s seconds"),
                    seconds=round(self.limits.max_seconds),
                )
            )


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letter: str) -> int:
    number = 0
    for char in letter:
        number = number * 26 + ord(char) - 64
    return number


def _values(worksheet: Any, max_row: int, max_col: int, clock: _Clock, limits: ReadLimits) -> SheetCells:
    """The non-empty values of a sheet up to max_row (refusing more than the row limit) and max_col."""
    worksheet.reset_dimensions()  # the size a file states may be wrong or huge: read what is there
    cells: dict[str, Any] = {}
    last = 0
    letters = [_column_letter(i) for i in range(1, max_col + 1)]
    bound = min(max_row, limits.max_rows)
    for number, row in enumerate(
        worksheet.iter_rows(max_row=bound + 1, max_col=max_col, values_only=True), 1
    ):
        if number > bound:
            if number > limits.max_rows:
                raise _Refused(
                    Text(
                        gettext_noop("its sheet “%(sheet)s” has more than %(most)s rows"),
                        sheet=worksheet.title,
                        most=limits.max_rows,
                    )
                )
            break
        if number % 500 == 0:
            clock.tick()
        for letter, value in zip(letters, row, strict=False):
            if value is None or value == "":
                continue
            cells[f"{letter}{number}"] = value
            last = number
    return SheetCells(name=worksheet.title, cells=cells, last_row=last)


def _uncached(worksheet: Any, sheet: SheetCells, max_row: int, max_col: int, clock: _Clock) -> SheetCells:
    """The same sheet with the formulas that have no saved result marked (their values read None)."""
    worksheet.reset_dimensions()
    missing = set()
    for number, row in enumerate(worksheet.iter_rows(max_row=max_row, max_col=max_col), 1):
        if number % 500 == 0:
            clock.tick()
        for index, cell in enumerate(row, 1):
            if getattr(cell, "data_type", None) == "f":
                ref = f"{_column_letter(index)}{number}"
                if ref not in sheet.cells:
                    missing.add(ref)
    return SheetCells(
        name=sheet.name, cells=sheet.cells, uncached=frozenset(missing), last_row=sheet.last_row
    )


def _looks_half_empty(layout: TemplateLayout, sheet: SheetCells) -> bool:
    """Whether the Smelter List's rows lack what formulas would fill in (a reason to look for unsaved results)."""
    table = layout.smelter_list
    columns = [table.columns[c] for c in ("metal", "country") if c in table.columns]
    for number in range(table.first_row, sheet.last_row + 1):
        has_row = any(f"{col}{number}" in sheet.cells for col in table.columns.values())
        if has_row and any(f"{col}{number}" not in sheet.cells for col in columns):
            return True
    return sheet.last_row < table.first_row


def _open(content: bytes, *, data_only: bool) -> Any:
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(content), read_only=True, data_only=data_only, keep_links=False)


def read_workbook_cells(content: bytes, limits: ReadLimits) -> tuple[WorkbookCells, TemplateLayout]:
    """The cells of the sheets a template's layout names; _Refused or TemplateRefused for a file not read."""
    clock = _Clock(limits)
    macros = _check_package(content, limits)
    try:
        values_book = _open(content, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise _Refused(
            Text(gettext_noop("a damaged workbook: openpyxl cannot open it")), "not_a_template"
        ) from exc
    formula_book = None
    try:
        names = tuple(values_book.sheetnames)
        declaration_name = find_sheet(names, DECLARATION)
        declaration = None
        if declaration_name is not None:
            declaration = _values(
                values_book[declaration_name], DECLARATION_ROWS, DECLARATION_COLUMNS, clock, limits
            )
        layout = identify_template(names, declaration)
        assert declaration_name is not None and declaration is not None
        formula_book = _open(content, data_only=False)
        sheets: dict[str, SheetCells] = {
            DECLARATION: _uncached(
                formula_book[declaration_name], declaration, DECLARATION_ROWS, DECLARATION_COLUMNS, clock
            )
        }
        tables = [(SMELTER_LIST, layout.smelter_list), (PRODUCT_LIST, layout.product_list)]
        if layout.smelter_lookup is not None:
            tables.append((SMELTER_LOOKUP, layout.smelter_lookup))
        for wanted, table in tables:
            actual = find_sheet(names, wanted)
            if actual is None:
                continue
            max_col = max(_column_index(c) for c in table.columns.values())
            sheet = _values(values_book[actual], limits.max_rows, max_col, clock, limits)
            if wanted == SMELTER_LIST and _looks_half_empty(layout, sheet):
                sheet = _uncached(
                    formula_book[actual], sheet, max(table.last_row, sheet.last_row), max_col, clock
                )
            sheets[wanted] = sheet
        return WorkbookCells(sheet_names=names, sheets=sheets, contains_macros=macros), layout
    except (TemplateRefused, _Refused):
        raise
    except Exception as exc:  # a damaged cell or part shows only once it is read (text in a number cell, ...)
        raise _Refused("a damaged workbook: a sheet cannot be read", "not_a_template") from exc
    finally:
        values_book.close()
        if formula_book is not None:
            formula_book.close()


def read_template_file(
    source: Path | str | bytes, *, name: str | None = None, limits: ReadLimits | None = None
) -> TemplateReading:
    """Read one template file (a path or its bytes); a file not read comes back with `refused` set."""
    limits = limits or project_limits()
    label = name if name is not None else (str(source) if not isinstance(source, bytes) else "")
    try:
        if isinstance(source, bytes):
            content = source
        else:
            path = Path(source)
            size = path.stat().st_size
            if size > limits.max_bytes:
                raise _Refused(_too_large(limits))
            content = path.read_bytes()
        cells, _layout = read_workbook_cells(content, limits)
    except TemplateRefused as refusal:
        return refused_reading(label, refusal)
    except _Refused as refusal:
        if refusal.code:
            return refused_reading(
                label,
                TemplateRefused(refusal.code, Text(gettext_noop("%(reason)s."), reason=refusal.message)),
            )
        return TemplateReading(
            file=label, refused=Text(gettext_noop("not read: %(reason)s."), reason=refusal.message)
        )
    except OSError as exc:
        return TemplateReading(
            file=label,
            refused=Text(gettext_noop("cannot read the file (%(why)s)."), why=str(exc.strerror or exc)),
        )
    return read_template(cells, file=label)


__all__ = ["ReadLimits", "project_limits", "read_template_file", "read_workbook_cells", "text_of"]
