"""Fill in the blank questionnaire workbook the way a supplier would: x in column D beside each statement.

Column A holds the keys (`company`, `contact`, `role`, question ids), column B the option ids (or
`text:<field>` for free-text rows). Only openpyxl is used, so the helpers work inside and outside Django.
"""

import io

from openpyxl import load_workbook

SHEET = "Questionnaire"


def fill_questionnaire(
    blank: bytes,
    *,
    company: str | None = "Acme Computers",
    role: str | None = "manufacturer",
    contact: str = "",
    answers: dict | None = None,
    marks: dict[tuple[str, str], str] | None = None,
) -> bytes:
    """Return `blank` filled in: `answers` as in a raw response; `marks` writes any value beside an option."""
    answers = answers or {}
    marks = marks or {}
    wb = load_workbook(io.BytesIO(blank))
    ws = wb[SHEET]
    for row in ws.iter_rows(min_row=2):
        key = row[0].value
        option = row[1].value or ""
        answer = row[3]
        if key == "company" and company is not None:
            answer.value = company
        elif key == "contact" and contact:
            answer.value = contact
        elif key == "role" and role is not None:
            answer.value = role
        elif option.startswith("text:"):
            text = answers.get(option.removeprefix("text:"))
            if text:
                answer.value = text
        elif option:
            picked = answers.get(key) or []
            if isinstance(picked, str):
                picked = [picked]
            if option in picked:
                answer.value = "x"
            if (key, option) in marks:
                answer.value = marks[(key, option)]
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def answer_row(workbook: bytes, key: str, option: str = "") -> int:
    """Return the row number of a key (and option) in the questionnaire sheet."""
    ws = load_workbook(io.BytesIO(workbook))[SHEET]
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row[0] == key and (row[1] or "") == option:
            return number
    raise LookupError(f"no row for {key} / {option}")


def open_xlsx(content: bytes):
    """Open XLSX bytes with openpyxl, as a buyer's spreadsheet program would."""
    return load_workbook(io.BytesIO(content))
