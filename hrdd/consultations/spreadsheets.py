"""XLSX workbooks for consultations: the blank questionnaire, reading a filled one, and the results export.

The blank questionnaire keeps ids beside every statement (columns A and B), so that a filled copy can be read
back whatever language or wording the texts are in. Answers go in column D.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Protocol

from django.utils.translation import gettext as _

from hrdd.core.languages import active_language
from hrdd.core.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # the name pages and tests use
from hrdd.core.spreadsheets import (
    SpreadsheetError,
    append_row,
    new_workbook,
    read_xlsx_rows,
    workbook_bytes,
)
from hrdd.core.texts import localize
from hrdd.domain.labels import word_of
from hrdd.domain.maturity import (
    FieldError,
    InvalidResponse,
    MarketAssessment,
    Reason,
    SupplierResponse,
    parse_response,
)
from hrdd.domain.questionnaire_framework import QuestionnaireFramework

QUESTIONNAIRE_SHEET = "Questionnaire"
HEADER = ("key", "option", "statement", "answer")
TICKED = {"x", "yes", "y", "1", "true", "✓", "✔", "ja", "oui", "si", "sí", "ok"}
UNTICKED = {"", "no", "n", "0", "false", "nee", "nein", "non"}
# An e-mail address inside the contact cell ("Jane Doe <jane@acme.example>", "jane@acme.example, sales").
EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)


@dataclass(frozen=True)
class FilledQuestionnaire:
    """What a filled questionnaire workbook says."""

    framework_id: str
    company: str
    contact: str
    raw_response: dict[str, Any]
    email: str = ""  # the e-mail address found in the contact cell, if any
    rows: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # key -> its first and last row


class UnfilledQuestionnaire(InvalidResponse):
    """A filled questionnaire whose answers cannot be scored, said in the workbook's terms: cells and questions."""

    def __init__(self, errors: Sequence[FieldError], message: str) -> None:
        self.errors = tuple(errors)
        ValueError.__init__(self, message)


def _plain(value: str) -> str:
    """A cell's choice as it is compared: lower case, single spaces (a drop-down value typed by hand)."""
    return " ".join(value.lower().split())


def contact_email(contact: str) -> str:
    """The first e-mail address written in a contact cell, in lower case; '' when there is none."""
    found = EMAIL.search(contact)
    return found.group(0).rstrip(".").lower() if found else ""


def role_id(value: str, framework: QuestionnaireFramework) -> str:
    """The role a cell names by its id or its label, in any case and spacing; the text as given when none does."""
    wanted = _plain(value)
    for role in framework.roles:
        if wanted in (_plain(role.id), _plain(role.label)):
            return role.id
    return value.strip()


def blank_questionnaire(framework: QuestionnaireFramework, *, consultation_title: str = "") -> bytes:
    """Return the questionnaire as an XLSX workbook for a supplier to fill in, its statements in the active
    language (the ids in columns A and B are what a filled copy is read back by)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = new_workbook()
    ws = wb.active
    ws.title = QUESTIONNAIRE_SHEET
    bold = Font(bold=True)
    heading = Font(bold=True, size=13)
    answer_fill = PatternFill("solid", fgColor="FFF2CC")
    wrap = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 24
    ws.column_dimensions["C"].width = 90
    ws.column_dimensions["D"].width = 30
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = bold
    ws.append(["framework", framework.version, localize(framework.title), framework.id])
    if consultation_title:
        append_row(ws, ["consultation", "", consultation_title, ""])
    ws.append(
        [
            "instructions",
            "",
            _(
                "Fill in the yellow cells in column D. Tick a statement by writing x beside it. "
                "Do not change columns A and B: they tell hrdd which answer is which."
            ),
            "",
        ]
    )
    answer_cells = []
    ws.append(["company", "", _("Company name"), ""])
    answer_cells.append(ws.max_row)
    ws.append(["contact", "", _("Contact person and e-mail address"), ""])
    answer_cells.append(ws.max_row)
    ws.append(["role", "", _("We are a (write one of: %s)") % ", ".join(r.id for r in framework.roles), ""])
    answer_cells.append(ws.max_row)
    roles = DataValidation(type="list", formula1='"' + ",".join(r.id for r in framework.roles) + '"')
    ws.add_data_validation(roles)
    roles.add(f"D{ws.max_row}")
    for question in framework.questions:
        ws.append([])
        how = _("Tick one.") if question.select == "single" else _("Tick at least one; several are allowed.")
        ws.append([question.id, "", f"{localize(question.title)}: {localize(question.prompt)} {how}", ""])
        ws.cell(ws.max_row, 3).font = heading
        for option in question.options:
            ws.append([question.id, option.id, localize(option.text), ""])
            answer_cells.append(ws.max_row)
        for text_field in question.text_fields:
            ws.append([question.id, f"text:{text_field.id}", localize(text_field.label), ""])
            answer_cells.append(ws.max_row)
    for row in ws.iter_rows(min_row=2):
        row[2].alignment = wrap
    for row_number in answer_cells:
        ws.cell(row_number, 4).fill = answer_fill
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)


def read_filled_questionnaire(stream: BinaryIO, framework: QuestionnaireFramework) -> FilledQuestionnaire:
    """Read a filled questionnaire workbook into a raw response; raise SpreadsheetError naming the cell."""
    rows = read_xlsx_rows(stream, sheet=QUESTIONNAIRE_SHEET)  # the kernel's limits and messages
    if not rows or tuple(_plain(str(v or "")) for v in rows[0][:4]) != HEADER:
        raise SpreadsheetError(
            _(
                "Sheet %(sheet)s, row 1: expected the columns %(columns)s. Fill in the blank questionnaire "
                "downloaded from hrdd, without changing its first row or columns A and B."
            )
            % {"sheet": QUESTIONNAIRE_SHEET, "columns": ", ".join(HEADER)}
        )
    values: dict[str, str] = {}
    answers: dict[str, Any] = {}
    framework_id = ""
    questions = {q.id: q for q in framework.questions}
    places: dict[str, tuple[int, int]] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = [*(row or ()), None, None, None, None][:4]
        key, option, _statement, answer = (str(c).strip() if c is not None else "" for c in cells)
        if not key:
            continue
        places[key] = (places.get(key, (number, number))[0], number)
        if key == "framework":
            framework_id = answer
        elif key in ("company", "contact", "role"):
            values[key] = answer
        elif key in questions:
            if not option:
                continue
            if option.startswith("text:"):
                if answer:
                    answers[option.removeprefix("text:")] = answer
                continue
            mark = _plain(answer)
            if mark in UNTICKED:
                continue
            if mark not in TICKED:
                raise SpreadsheetError(
                    _(
                        "Cell D%(row)d (%(question)s / %(option)s) holds '%(value)s': write x to tick the "
                        "statement, or leave the cell empty."
                    )
                    % {"row": number, "question": key, "option": option, "value": answer}
                )
            answers.setdefault(key, []).append(option)
    if framework_id and framework_id != framework.id:
        raise SpreadsheetError(
            _(
                "This workbook holds questionnaire %(found)s, but this consultation asks questionnaire "
                "%(expected)s. Download the blank questionnaire of this consultation and fill in that one."
            )
            % {"found": framework_id, "expected": framework.id}
        )
    raw = {
        "company": values.get("company", ""),
        "role": role_id(values.get("role", ""), framework),
        "answers": answers,
    }
    contact = values.get("contact", "")
    return FilledQuestionnaire(
        framework_id=framework_id or framework.id,
        company=values.get("company", ""),
        contact=contact,
        raw_response=raw,
        email=contact_email(contact),
        rows=places,
    )


def check_filled_questionnaire(
    filled: FilledQuestionnaire, framework: QuestionnaireFramework
) -> SupplierResponse:
    """Validate a read workbook's answers; UnfilledQuestionnaire says what is missing by cell and question."""
    try:
        return parse_response(filled.raw_response, framework)
    except InvalidResponse as exc:
        said = " ".join(_workbook_problem(error, filled, framework) for error in exc.errors)
        raise UnfilledQuestionnaire(exc.errors, said) from exc


def _workbook_problem(
    error: FieldError, filled: FilledQuestionnaire, framework: QuestionnaireFramework
) -> str:
    """One problem of a response, as the person who filled in the workbook sees it."""
    key = error.field.removeprefix("answers.")
    first, last = filled.rows.get(key, (0, 0))
    question = next((q for q in framework.questions if q.id == key), None)
    params: dict[str, Any] = {"row": first, "first": first, "last": last}
    if error.field == "company":
        text = _("Cell D%(row)d (company name) is empty: write the company's name.")
    elif error.field == "role":
        params["value"] = str(filled.raw_response.get("role") or "")
        params["roles"] = ", ".join(r.id for r in framework.roles)
        if params["value"]:
            text = _("Cell D%(row)d (role) holds '%(value)s': pick one of %(roles)s.")
        else:
            text = _("Cell D%(row)d (role) is empty: pick one of %(roles)s.")
    elif question is None:
        return f"{error.field}: {error.message}"
    elif error.message == "an answer is required" and not first:
        params["title"] = question.title
        text = _("Question %(title)s is missing from the workbook: fill in the blank questionnaire.")
    elif error.message == "an answer is required":
        params["title"] = question.title
        params["how"] = _("one statement") if question.select == "single" else _("at least one statement")
        text = _(
            "Question %(title)s (rows %(first)d to %(last)d): nothing is ticked; write x beside %(how)s."
        )
    elif error.message.startswith("exactly one answer is allowed"):
        params["title"] = question.title
        params["count"] = len(filled.raw_response.get("answers", {}).get(key) or [])
        text = _(
            "Question %(title)s (rows %(first)d to %(last)d): %(count)d statements are ticked, but only one may "
            "be; leave x beside one."
        )
    else:
        params["title"] = question.title
        params["problem"] = error.message
        text = _("Question %(title)s (rows %(first)d to %(last)d): %(problem)s.")
    return str(text % params)


PROGRESS_EVERY = 100  # responses written between two progress reports of the results export


class ScoreLine(Protocol):
    """What the export writes of a verdict: the domain's ResponseScore, or the stored one read back."""

    @property
    def company(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def scores(self) -> Mapping[str, int | float]: ...
    @property
    def levels(self) -> Mapping[str, str]: ...
    @property
    def overall(self) -> str: ...
    @property
    def warnings(self) -> Sequence[str]: ...
    @property
    def reasons(self) -> Sequence[Reason]: ...


@dataclass(frozen=True)
class ResultRow:
    """One supplier's line in the results export."""

    email: str
    status: str
    score: ScoreLine | None


def results_workbook(
    *,
    title: str,
    framework: QuestionnaireFramework,
    rows: Sequence[ResultRow],
    market: MarketAssessment | None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return the consultation's results (suppliers, reasons, market, method) as an XLSX workbook. Its column
    names and ids stay as they are in every language; levels, reasons, warnings and the recommendation are said in
    the active language (hrdd.core.texts.localize; English when written by a background run).

    The workbook streams (write-only): its size costs time in proportion to the rows, and a few megabytes of
    memory, for 20 responses or 20,000. `progress(done, total)` hears every PROGRESS_EVERY responses written
    (each response is written twice: its line, then its reasons)."""
    total = 2 * len(rows)

    def tell(done: int) -> None:
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)

    wb = new_workbook(write_only=True)
    ws = wb.create_sheet("Suppliers")
    dimension_ids = [d.id for d in framework.dimensions]
    question_ids = [q.id for q in framework.questions]
    score_keys = question_ids + [d for d in dimension_ids if d not in question_ids]
    append_row(
        ws,
        ["company", "role", "email", "status"]
        + [f"score {k}" for k in score_keys]
        + [f"level {d}" for d in dimension_ids]
        + ["overall", "warnings"],
        bold=True,
    )
    said = {level: str(localize(word_of(level))) for level in framework.levels}
    # Each response's reasons and warnings said in the active language; in English a Text is its own sentence,
    # so a big export in English writes it as stored instead of saying it again.
    say: Callable[[str], str] = str if active_language() == "en" else (lambda text: str(localize(text)))
    for done, row in enumerate(rows, start=1):
        tell(done)
        s = row.score
        if s is None:
            append_row(ws, ["", "", row.email, row.status])
            continue
        append_row(
            ws,
            [s.company, s.role, row.email, row.status]
            + [s.scores[k] for k in score_keys]
            + [said.get(s.levels[d], s.levels[d]) for d in dimension_ids]
            + [said.get(s.overall, s.overall), "\n".join(say(w) for w in s.warnings)],
        )
    reasons = wb.create_sheet("Reasons")
    append_row(reasons, ["company", "subject", "reason", "source"], bold=True)
    for done, row in enumerate(rows, start=len(rows) + 1):
        tell(done)
        if row.score:
            for reason in row.score.reasons:
                append_row(reasons, [row.score.company, reason.subject, say(reason.text), reason.source])
    sheet = wb.create_sheet("Market")
    append_row(sheet, ["consultation", title], bold=True)
    if market is None:
        append_row(sheet, ["recommendation", _("No submitted responses yet.")])
    else:
        append_row(sheet, ["respondents", market.respondents])
        append_row(sheet, ["quorum", market.quorum])
        append_row(sheet, ["recommended scenario", market.recommended_scenario])
        append_row(sheet, ["", localize(market.recommended_title)])
        append_row(sheet, ["explanation", localize(market.explanation)])
        append_row(sheet, ["baseline advice", localize(market.baseline_advice)])
        append_row(sheet, [])
        append_row(sheet, ["distribution", *(said[level] for level in framework.levels)])
        for name, counts in market.distribution.items():
            append_row(sheet, [name, *(counts[level] for level in framework.levels)])
        append_row(sheet, [])
        append_row(sheet, ["sources", "; ".join(market.sources)])
    method = wb.create_sheet("Method")
    append_row(method, ["framework", f"{framework.id} {framework.version}"], bold=True)
    append_row(method, ["source", framework.source])
    for dimension in framework.dimensions:
        append_row(method, [dimension.id, dimension.source, localize(dimension.note or "")])
    return workbook_bytes(wb)
