"""Spreadsheets, written once: rows read from XLSX and CSV within bounds, and XLSX written with the formula guard.

The guard: a supplier's text such as '=HYPERLINK(...)' or '@SUM(...)' must never become a live formula in the
buyer's spreadsheet (OWASP "CSV injection"), so a text cell starting with = + - @, a tab or a carriage return is
written as text, marked so that Excel keeps it text even when the cell is edited.

Writing costs time in proportion to the rows written (`append_row` never looks back at the rows before), and a
big export writes a streaming workbook (`new_workbook(write_only=True)`), whose rows go to the file as they come.
openpyxl is imported by the functions that read or write, not with this module: commands that only import a
module using it (e.g. `hrdd risk assess --json`) start without it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from django.utils.translation import gettext as _

from hrdd.core.csvfiles import read_csv
from hrdd.core.uploads import (
    CSV,
    XLSX,
    XLSX_CONTENT_TYPE,
    AcceptedFile,
    FileRefused,
    FileTooLarge,
    check_content,
    read_limited,
    unreadable,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "XLSX_CONTENT_TYPE",
    "SpreadsheetError",
    "append_row",
    "new_workbook",
    "read_csv_rows",
    "read_rows",
    "read_xlsx_rows",
    "workbook_bytes",
]

MAX_ROWS = 50_000
MAX_COLUMNS = 200
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[Any, ...]


class SpreadsheetError(FileRefused):
    """A workbook or CSV file cannot be read; the message names the file, sheet, row or cell."""


def _subject(name: str) -> str:
    return name or _("the file")


def _bounded(
    rows: Iterable[Iterable[Any]], *, name: str, field: str, max_rows: int, max_columns: int
) -> list[Row]:
    """Keep rows in place (row n of the file is item n-1), trimming empty cells and rows at the end."""
    kept: list[Row] = []
    pending_empty = 0
    for number, row in enumerate(rows, start=1):
        values = list(row)
        while values and values[-1] in (None, ""):
            values.pop()
        if not values:
            pending_empty += 1
            continue
        if len(values) > max_columns:
            raise SpreadsheetError(
                _("%(name)s, row %(row)d: more than %(limit)d columns.")
                % {"name": _subject(name), "row": number, "limit": max_columns},
                field=field,
            )
        if number > max_rows:
            raise SpreadsheetError(
                _("%(name)s holds more than %(limit)d rows; split it.")
                % {"name": _subject(name), "limit": max_rows},
                field=field,
            )
        kept.extend([()] * pending_empty)
        pending_empty = 0
        kept.append(tuple(values))
    return kept


def load_workbook(*args: Any, **kwargs: Any) -> Workbook:
    """openpyxl's `load_workbook`, imported when a workbook is first read."""
    from openpyxl import load_workbook as load

    return load(*args, **kwargs)


def read_xlsx_rows(
    source: bytes | BinaryIO,
    *,
    name: str = "",
    sheet: str | None = None,
    field: str = "file",
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
) -> list[Row]:
    """Return the values of a sheet (the first unless named) as rows; SpreadsheetError names what is wrong."""
    try:
        content = source if isinstance(source, bytes) else read_limited(source, name=name, field=field)
        check_content(content, name=name, kind=XLSX, field=field, error=SpreadsheetError)
    except FileTooLarge as exc:  # whoever reads a workbook hears of every refusal as a SpreadsheetError
        raise SpreadsheetError(str(exc), field=field) from exc
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged package
        raise unreadable(name, XLSX, field=field, error=SpreadsheetError) from exc
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise SpreadsheetError(
                _(
                    "The workbook has no sheet named %s. Fill in the workbook downloaded from hrdd, keeping its "
                    "sheets and their names, and upload it again."
                )
                % sheet,
                field=field,
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        worksheet.reset_dimensions()  # the stated size may be wrong or huge; read what is there
        rows: Iterator[Row] = worksheet.iter_rows(max_col=max_columns + 1, values_only=True)
        return _bounded(rows, name=name, field=field, max_rows=max_rows, max_columns=max_columns)
    except SpreadsheetError:
        raise
    except Exception as exc:  # a damaged sheet shows only once it is read
        raise unreadable(name, XLSX, field=field, error=SpreadsheetError) from exc
    finally:
        workbook.close()


def read_csv_rows(
    content: bytes,
    *,
    name: str = "",
    field: str = "file",
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
) -> list[Row]:
    """Return the rows of a CSV file as tuples of text, read by hrdd.core.csvfiles (any usual encoding and
    separator)."""
    return read_csv(
        content, name=name, field=field, error=SpreadsheetError, max_rows=max_rows, max_columns=max_columns
    )


def read_rows(
    file: AcceptedFile, *, field: str = "file", max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> list[Row]:
    """Return the rows of an accepted CSV or XLSX file (the first sheet of a workbook)."""
    if file.kind == XLSX:
        return read_xlsx_rows(
            file.content, name=file.name, field=field, max_rows=max_rows, max_columns=max_columns
        )
    if file.kind == CSV:
        return read_csv_rows(
            file.content, name=file.name, field=field, max_rows=max_rows, max_columns=max_columns
        )
    raise ValueError(f"{file.kind} is not a spreadsheet")


def guarded(value: Any) -> bool:
    """Whether a value is text that a spreadsheet program would read as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def new_workbook(*, write_only: bool = False) -> Workbook:
    """Return an empty workbook; a write-only one streams its rows (for exports of any size: its sheets are
    made with `create_sheet`, written row by row with `append_row`, and read back never)."""
    from openpyxl import Workbook

    return Workbook(write_only=write_only)


def _cell(sheet: Worksheet | WriteOnlyWorksheet, value: Any, *, bold: bool) -> Cell:
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font

    cell = Cell(sheet, row=1, column=1, value=value)  # `append` puts it in its place
    if guarded(value):
        cell.data_type = "s"  # openpyxl took a text starting with = for a formula
        cell.quotePrefix = True
    if bold:
        cell.font = Font(bold=True)
    return cell


def writable(value: Any) -> Any:
    """The value with each control character a workbook cannot hold (openpyxl refuses to write, e.g., \x01 from
    a pasted text) replaced by U+FFFD, so one odd character never fails a whole export."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if ILLEGAL_CHARACTERS_RE.search(value):
            return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def append_row(sheet: Worksheet | WriteOnlyWorksheet, values: Iterable[Any], *, bold: bool = False) -> None:
    """Append a row (in bold, e.g. a header), writing every text that looks like a formula as text and every
    control character a workbook cannot hold as U+FFFD.

    Plain values go to openpyxl as they are; only a guarded or styled value becomes a cell of its own, so a row
    costs what `sheet.append` costs, whatever the sheet holds already."""
    cleaned = [writable(value) for value in values]
    sheet.append([_cell(sheet, value, bold=bold) if bold or guarded(value) else value for value in cleaned])


def workbook_bytes(workbook: Workbook) -> bytes:
    """Return a workbook as XLSX bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
