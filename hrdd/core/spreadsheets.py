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
import time
from collections.abc import Iterable
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
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_VALUES = 1_000_000  # non-empty cells kept from one sheet
MAX_CHARS = 25_000_000  # characters of text kept from one sheet
MAX_SECONDS = 20.0  # CPU seconds reading one sheet (49,000 rows of 20 cells take some 8)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[Any, ...]


class SpreadsheetError(FileRefused):
    """A workbook or CSV file cannot be read; the message names the file, sheet, row or cell."""


def _subject(name: str) -> str:
    return name or _("the file")


def load_workbook(*args: Any, **kwargs: Any) -> Workbook:
    """openpyxl's `load_workbook`, imported when a workbook is first read."""
    from openpyxl import load_workbook as load

    return load(*args, **kwargs)


def _column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_rows(
    worksheet: Any,
    *,
    name: str,
    field: str,
    max_rows: int,
    max_columns: int,
    max_seconds: float,
) -> list[Row]:
    """Stream a read-only sheet's rows, keeping them in place (row n of the file is item n-1) without trailing
    empty cells and rows, and refusing as soon as a bound is passed: rows, columns, values kept, characters of
    one cell and of all, time. A formula where a value is expected is refused naming its cell: its cached result
    may be stale or forged, and nothing in hrdd computes it."""
    # the budget is this thread's CPU time: what the file costs, whatever else the machine runs meanwhile (a
    # busy server must not refuse a big list that an idle one reads)
    deadline = time.thread_time() + max_seconds
    subject = _subject(name)
    kept: list[Row] = []
    pending_empty = 0
    values_kept = 0
    chars = 0
    number = 0
    known_empty: object = None
    try:
        # max_row: openpyxl fills a gap between two rows with empty rows; a row numbered 1,048,576 costs nothing
        for number, row in enumerate(
            worksheet.iter_rows(max_row=max_rows + 1, max_col=max_columns + 1), start=1
        ):
            if number % 200 == 0 and time.thread_time() > deadline:
                raise SpreadsheetError(
                    _("Reading %(name)s took longer than %(limit)d seconds; send a smaller file.")
                    % {"name": subject, "limit": max_seconds},
                    field=field,
                )
            if row is known_empty:  # openpyxl yields one tuple for every row of a gap: it was read already
                pending_empty += 1
                continue
            values: list[Any] = []
            for column, cell in enumerate(row, start=1):
                if cell.data_type == "f":
                    raise SpreadsheetError(
                        _(
                            "%(name)s, cell %(cell)s holds a formula; hrdd reads values only. Type the value "
                            "itself in the cell (or copy the cells and paste them as values) and upload the file "
                            "again."
                        )
                        % {"name": subject, "cell": f"{_column_letter(column)}{number}"},
                        field=field,
                    )
                value = cell.value
                if isinstance(value, str):
                    if len(value) > MAX_CELL_CHARS:
                        raise SpreadsheetError(
                            _("%(name)s, cell %(cell)s holds more than %(limit)d characters; shorten it.")
                            % {
                                "name": subject,
                                "cell": f"{_column_letter(column)}{number}",
                                "limit": MAX_CELL_CHARS,
                            },
                            field=field,
                        )
                    chars += len(value)
                values.append(value)
            while values and values[-1] in (None, ""):
                values.pop()
            if not values:
                pending_empty += 1
                known_empty = row
                continue
            if len(values) > max_columns:
                raise SpreadsheetError(
                    _("%(name)s, row %(row)d: more than %(limit)d columns.")
                    % {"name": subject, "row": number, "limit": max_columns},
                    field=field,
                )
            if number > max_rows:
                raise SpreadsheetError(
                    _("%(name)s holds more than %(limit)d rows; split it.")
                    % {"name": subject, "limit": max_rows},
                    field=field,
                )
            values_kept += len(values)
            if values_kept > MAX_VALUES or chars > MAX_CHARS:
                raise SpreadsheetError(
                    _("%(name)s holds more data than hrdd reads from one sheet (row %(row)d); split it.")
                    % {"name": subject, "row": number},
                    field=field,
                )
            kept.extend([()] * pending_empty)
            pending_empty = 0
            kept.append(tuple(values))
    except SpreadsheetError:
        raise
    except Exception as exc:  # a damaged cell (text in a number, a broken tag) shows only once it is read
        raise SpreadsheetError(
            _(
                "%(name)s is not a readable XLSX workbook: row %(row)d of sheet %(sheet)s is damaged (for example "
                "text saved as a number). Open it in Excel or LibreOffice, save it as an Excel workbook (.xlsx) "
                "and upload it again."
            )
            % {"name": subject, "row": number + 1, "sheet": worksheet.title},
            field=field,
        ) from exc
    if number > max_rows:  # a row past the bound, empty where read: what follows it was not read
        raise SpreadsheetError(
            _("%(name)s holds more than %(limit)d rows; split it.") % {"name": subject, "limit": max_rows},
            field=field,
        )
    return kept


def read_xlsx_rows(
    source: bytes | BinaryIO,
    *,
    name: str = "",
    sheet: str | None = None,
    field: str = "file",
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    max_seconds: float = MAX_SECONDS,
) -> list[Row]:
    """Return the values of a sheet (the first unless named) as rows; SpreadsheetError names what is wrong.

    The package is checked before openpyxl opens it (hrdd.core.uploads: size, parts, inflated size, ratio, macros,
    declarations, shared strings, cell formats); the sheet is streamed within bounds (`_sheet_rows`)."""
    try:
        content = source if isinstance(source, bytes) else read_limited(source, name=name, field=field)
        check_content(content, name=name, kind=XLSX, field=field, error=SpreadsheetError)
    except FileTooLarge as exc:  # whoever reads a workbook hears of every refusal as a SpreadsheetError
        raise SpreadsheetError(str(exc), field=field) from exc
    try:
        # data_only=False: a formula comes as a formula, not as the result a file says it had
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
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
        return _sheet_rows(
            worksheet,
            name=name,
            field=field,
            max_rows=max_rows,
            max_columns=max_columns,
            max_seconds=max_seconds,
        )
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
