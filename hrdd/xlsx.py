"""Small helpers shared by every XLSX export."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row, keeping every text as text: a value such as '=HYPERLINK(...)' from a supplier must never
    become a live formula in the buyer's spreadsheet."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def workbook_bytes(workbook: Workbook) -> bytes:
    """Return a workbook as XLSX bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
