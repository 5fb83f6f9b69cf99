"""Reading an RMI reporting template from its cells: which template and version it is, and what it declares.

Pure: the openpyxl adapter (hrdd.rmi.workbook) hands over the cells of the sheets the layout names as a
`WorkbookCells`; this module identifies the template from the file itself (the version the Declaration states
in J3, the title in D2, the sheets), never from the file's name, and reads every value at the cells of *that*
version's layout. Dropdown answers come back in the template's own spelling whatever case, spacing or
punctuation the supplier left; nothing is evaluated except the Checker's own rules (hrdd.domain.rmi.checker).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from hrdd.domain.rmi.countries import smelter_country_iso3
from hrdd.domain.rmi.layouts import (
    DECLARATION,
    PRODUCT_LIST,
    SMELTER_LIST,
    SMELTER_LOOKUP,
    TEMPLATE_TYPES,
    AnswerCell,
    TemplateLayout,
    known_versions,
    template_layouts,
)
from hrdd.domain.rmi.results import (
    ERROR,
    WARNING,
    CompanyInfo,
    Problem,
    ProductRow,
    SmelterRow,
    TemplateReading,
    TemplateRefused,
)

CellValue = str | int | float | bool | datetime | date | None
VERSION_TEXT = re.compile(r"revision\s*:?\s*(\d+(?:\.\d+)*)", re.IGNORECASE)
TYPE_IN_TITLE = re.compile(r"\((CMRT|EMRT|CRT|AMRT)\)")
OTHER_MINERAL = "Other [specify below]"


@dataclass(frozen=True)
class SheetCells:
    """The non-empty cells of one sheet (A1 reference -> value) and its formulas saved without a result."""

    name: str
    cells: Mapping[str, CellValue] = field(default_factory=dict)
    uncached: frozenset[str] = frozenset()
    last_row: int = 0

    def get(self, ref: str) -> CellValue:
        return self.cells.get(ref)


@dataclass(frozen=True)
class WorkbookCells:
    """What the adapter read: every sheet name in the file, the sheets found by the template's names (keyed by
    the template's name, e.g. "Smelter List", whatever case the file uses) and whether it holds macros."""

    sheet_names: tuple[str, ...]
    sheets: Mapping[str, SheetCells]
    contains_macros: bool = False


def sheet_key(name: str) -> str:
    """A sheet name as compared: case, spaces, hyphens and underscores set aside."""
    return re.sub(r"[\s\-_]+", "", name).casefold()


def find_sheet(sheet_names: Iterable[str], wanted: str) -> str | None:
    """The file's name for the template's sheet `wanted`, or None when the file has no such sheet."""
    key = sheet_key(wanted)
    return next((name for name in sheet_names if sheet_key(name) == key), None)


def text_of(value: CellValue) -> str | None:
    """A cell's value as text: None for empty, integral numbers without ".0", dates in ISO 8601."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def answer_key(text: str) -> str:
    """An answer as compared with the allowed ones: letters and digits only, without regard to case."""
    return re.sub(r"[\W_]+", "", text.casefold())


def canonical_answer(value: CellValue, allowed: Iterable[str]) -> tuple[str | None, bool]:
    """The allowed answer a cell's value stands for, and whether it was one; (None, True) for an empty cell.

    "100%" is stored as the number 1 in some versions; "  yes " is "Yes"; an unknown answer comes back as its
    text with False."""
    options = list(allowed)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value == 1 and "100%" in options:
            return "100%", True
        if 0 < value < 1:
            value = f"{value * 100:g}%"
    text = text_of(value)
    if text is None:
        return None, True
    key = answer_key(text)
    for option in options:
        if answer_key(option) == key:
            return option, True
    return text, False


def _version_stated(text: str | None) -> str | None:
    if text is None:
        return None
    match = VERSION_TEXT.search(text)
    if match:
        return match.group(1)
    return text if re.fullmatch(r"\d+(?:\.\d+)+", text) else None


def identify_template(sheet_names: Iterable[str], declaration: SheetCells | None) -> TemplateLayout:
    """The layout of the template version this file is, from its Declaration; TemplateRefused otherwise."""
    names = list(sheet_names)
    has_smelter_list = find_sheet(names, SMELTER_LIST) is not None
    if declaration is None:
        raise TemplateRefused(
            "not_a_template",
            "not an RMI reporting template: it has no Declaration sheet. Send the CMRT, EMRT, CRT or AMRT "
            "workbook as the RMI publishes it (an .xlsx file), filled in.",
        )
    version = _version_stated(text_of(declaration.get("J3")))
    title = text_of(declaration.get("D2")) or ""
    type_match = TYPE_IN_TITLE.search(title)
    stated_type = type_match.group(1) if type_match else None
    layouts = template_layouts()
    if version is None:
        if stated_type or has_smelter_list:
            raise TemplateRefused(
                "unknown_template_version",
                "the Declaration sheet does not state the template's version in cell J3 (e.g. 'Revision 6.5'), "
                f"so hrdd cannot tell where the answers are. hrdd reads {', '.join(known_versions())}.",
            )
        raise TemplateRefused(
            "not_a_template",
            "not an RMI reporting template: its Declaration sheet states no template version in J3. Send the "
            "CMRT, EMRT, CRT or AMRT workbook as the RMI publishes it, filled in.",
        )
    candidates = [layout for layout in layouts.values() if layout.version == version]
    if stated_type and any(c.template_type == stated_type for c in candidates):
        candidates = [c for c in candidates if c.template_type == stated_type]
    if len(candidates) > 1:
        has_minerals_scope = find_sheet(names, "Minerals Scope") is not None
        by_sheets = [c for c in candidates if ("Minerals Scope" in c.sheets) == has_minerals_scope]
        candidates = by_sheets or candidates
    if not candidates:
        kind = stated_type or "RMI template"
        raise TemplateRefused(
            "unknown_template_version",
            f"{kind} version {version} is not one hrdd knows; it reads {', '.join(known_versions())}. Ask the "
            "supplier to fill in one of these versions.",
        )
    return candidates[0]


def _company(layout: TemplateLayout, declaration: SheetCells, problems: list[Problem]) -> CompanyInfo:
    values: dict[str, str | None] = {}
    for info in layout.company:
        raw = declaration.get(info.cell)
        if info.allowed:
            answer, known = canonical_answer(raw, info.allowed)
            if not known:
                problems.append(_invalid(DECLARATION, info.cell, answer, info.allowed, None))
            values[info.name] = answer
        elif info.is_date:
            values[info.name] = _date_text(raw)
            if raw is not None and values[info.name] is not None and not _is_iso_date(values[info.name]):
                problems.append(
                    Problem(
                        "invalid_answer",
                        ERROR,
                        f"Declaration cell {info.cell}: {values[info.name]!r} is not a date; enter the effective "
                        "date as a date (e.g. 2025-03-31).",
                        sheet=DECLARATION,
                        cell=info.cell,
                    )
                )
        else:
            values[info.name] = text_of(raw)
    known_fields = set(CompanyInfo.__dataclass_fields__)
    return CompanyInfo(**{k: v for k, v in values.items() if k in known_fields})


def _is_iso_date(text: str | None) -> bool:
    return bool(text) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text or "") is not None


def _date_text(value: CellValue) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = text_of(value)
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%d-%b-%Y", "%d %B %Y", "%B %d, %Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text


def _invalid(sheet: str, cell: str, answer: str | None, allowed: Iterable[str], metal: str | None) -> Problem:
    options = "; ".join(f'"{a}"' for a in allowed)
    where = f" ({metal})" if metal else ""
    return Problem(
        "invalid_answer",
        ERROR,
        f"{sheet} cell {cell}{where}: {answer!r} is not one of the template's answers; choose one of {options}.",
        sheet=sheet,
        cell=cell,
        metal=metal,
    )


def _minerals(layout: TemplateLayout, declaration: SheetCells, problems: list[Problem]) -> tuple[str, ...]:
    if not layout.chooses_minerals:
        return layout.fixed_metals
    chosen: list[str] = []
    for selector in layout.mineral_selectors:
        raw = declaration.get(selector.cell)
        if not selector.allowed:
            text = text_of(raw)
            if text:
                chosen.append(text)
            continue
        answer, known = canonical_answer(raw, selector.allowed)
        if answer is None:
            continue
        if not known:
            problems.append(_invalid(DECLARATION, selector.cell, answer, selector.allowed, None))
            continue
        if answer.startswith("(Delete"):
            continue
        if answer == OTHER_MINERAL:
            other = text_of(declaration.get(layout.other_minerals_cell or ""))
            chosen.extend(p.strip() for p in re.split(r"[,;/\n]+", other or "") if p.strip())
            continue
        chosen.append(answer)
    unique: dict[str, str] = {}
    for mineral in chosen:
        unique.setdefault(mineral.casefold(), mineral)
    # The answer rows are slots: the n-th row belongs to the n-th chosen mineral in alphabetical order.
    return tuple(sorted(unique.values(), key=str.casefold))


def slot_metals(layout: TemplateLayout, minerals: tuple[str, ...]) -> dict[str, str]:
    """Answer cell -> the metal it is about: its fixed metal, or the mineral its slot holds ("" for a free slot)."""
    owner: dict[str, str] = {}
    groups = [q.rows for q in layout.metal_questions] + [q.rows for q in layout.company_questions if q.rows]
    for rows in groups:
        for index, row in enumerate(rows):
            if row.metal:
                owner[row.cell] = row.metal
            else:
                owner[row.cell] = minerals[index] if index < len(minerals) else ""
    return owner


def _answers(
    rows: Iterable[AnswerCell], owner: Mapping[str, str], declaration: SheetCells, problems: list[Problem]
) -> dict[str, str | None]:
    answers: dict[str, str | None] = {}
    for row in rows:
        metal = owner.get(row.cell) or ""
        if not metal:
            continue
        answer, known = canonical_answer(declaration.get(row.cell), row.allowed)
        if not known:
            problems.append(_invalid(DECLARATION, row.cell, answer, row.allowed, metal))
        answers[metal] = answer
    return answers


def _column_cells(table_columns: Mapping[str, str], row: int) -> dict[str, str]:
    return {name: f"{column}{row}" for name, column in table_columns.items()}


def _smelters(
    layout: TemplateLayout, sheet: SheetCells | None, allowed_metals: tuple[str, ...], problems: list[Problem]
) -> tuple[SmelterRow, ...]:
    if sheet is None:
        return ()
    table = layout.smelter_list
    rows: list[SmelterRow] = []
    empty_uncached = 0
    special = {answer_key(s): s for s in layout.lookup_special}
    # only up to the last row holding a value or an unsaved formula: a template has 2,500 empty rows
    last = max([sheet.last_row] + [int(re.sub(r"[A-Z]+", "", ref)) for ref in sheet.uncached])
    for number in range(table.first_row, last + 1):
        refs = _column_cells(table.columns, number)
        raw = {name: sheet.get(ref) for name, ref in refs.items()}
        values = {name: text_of(value) for name, value in raw.items()}
        uncached = [ref for ref in refs.values() if ref in sheet.uncached]
        if not any(v for k, v in values.items() if k != "smelter_id_input") and not values.get(
            "smelter_id_input"
        ):
            empty_uncached += bool(uncached)
            continue
        if uncached:
            problems.append(
                Problem(
                    "formula_without_cached_value",
                    ERROR,
                    f"Smelter List row {number}: the formulas in {', '.join(uncached)} were saved without their "
                    "results, so hrdd cannot see what they show. Open the file in Excel, let it calculate, save "
                    "it and send it again.",
                    sheet=SMELTER_LIST,
                    cell=uncached[0],
                    row=number,
                )
            )
        metal, _known = canonical_answer(raw.get("metal"), allowed_metals)
        lookup = values.get("smelter_lookup")
        not_listed = False
        if lookup and answer_key(lookup) in special:
            lookup = special[answer_key(lookup)]
            not_listed = lookup == "Smelter not listed"
        typed = values.get("smelter_name")
        name = typed or (lookup if lookup and answer_key(lookup) not in special else None)
        country = values.get("country")
        mine_country = values.get("mine_country")
        cid = values.get("smelter_id") or values.get("smelter_id_input")
        rows.append(
            SmelterRow(
                row=number,
                metal=metal,
                name=name,
                country=country.upper() if country else None,
                cid=re.sub(r"\s+", "", cid).upper() if cid else None,
                not_listed=not_listed,
                lookup_choice=lookup,
                typed_name=typed,
                source_of_id=values.get("source_of_id"),
                street=values.get("street"),
                city=values.get("city"),
                state=values.get("state"),
                contact_name=values.get("contact_name"),
                contact_email=values.get("contact_email"),
                mine_name=values.get("mine_name"),
                mine_country=mine_country,
                recycled=values.get("recycled"),
                comments=values.get("comments"),
                country_iso3=smelter_country_iso3(country) or None,
                mine_country_iso3=smelter_country_iso3(mine_country) or None,
            )
        )
    if empty_uncached:
        problems.append(
            Problem(
                "formula_without_cached_value",
                WARNING,
                f"{empty_uncached} rows of the Smelter List hold formulas saved without their results; if they "
                "were meant to show smelters, open the file in Excel, let it calculate, save it and send it again.",
                sheet=SMELTER_LIST,
            )
        )
    return tuple(rows)


def _products(layout: TemplateLayout, sheet: SheetCells | None) -> tuple[ProductRow, ...]:
    if sheet is None:
        return ()
    table = layout.product_list
    products = []
    for number in range(table.first_row, sheet.last_row + 1):
        values = {name: text_of(sheet.get(ref)) for name, ref in _column_cells(table.columns, number).items()}
        if not any(values.values()):
            continue
        products.append(
            ProductRow(
                row=number,
                number=values.get("number"),
                name=values.get("name"),
                requester_number=values.get("requester_number"),
                requester_name=values.get("requester_name"),
            )
        )
    return tuple(products)


@dataclass(frozen=True)
class LookupTable:
    """The file's own Smelter Look-up: CID -> the names it goes by, and metal -> every name offered for it
    (names compared as `answer_key`s)."""

    by_cid: Mapping[str, frozenset[str]] = field(default_factory=dict)
    names_by_metal: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.by_cid)


def read_lookup(layout: TemplateLayout, sheet: SheetCells | None) -> LookupTable:
    """Read the file's own Smelter Look-up sheet."""
    if sheet is None or layout.smelter_lookup is None:
        return LookupTable()
    table = layout.smelter_lookup
    by_cid: dict[str, set[str]] = {}
    by_metal: dict[str, set[str]] = {}
    for number in range(table.first_row, sheet.last_row + 1):
        values = {name: text_of(sheet.get(ref)) for name, ref in _column_cells(table.columns, number).items()}
        names = {answer_key(values[k] or "") for k in ("name", "standard_name") if values.get(k)}
        by_metal.setdefault((values.get("metal") or "").casefold(), set()).update(names)
        cid = re.sub(r"\s+", "", values.get("cid") or "").upper()
        if cid.startswith("CID"):
            by_cid.setdefault(cid, set()).update(names)
    return LookupTable(
        by_cid={k: frozenset(v) for k, v in by_cid.items()},
        names_by_metal={k: frozenset(v) for k, v in by_metal.items()},
    )


def read_template(workbook: WorkbookCells, *, file: str = "") -> TemplateReading:
    """Read a template's cells into a `TemplateReading` with every problem the checks find.

    TemplateRefused when the file is not a template or a version hrdd does not know."""
    from hrdd.domain.rmi.checker import check_template

    declaration = workbook.sheets.get(DECLARATION)
    layout = identify_template(workbook.sheet_names, declaration)
    assert declaration is not None  # identify_template refuses a file without one
    problems: list[Problem] = []
    if workbook.contains_macros:
        problems.append(
            Problem(
                "contains_macros",
                WARNING,
                "The workbook holds macros (VBA). hrdd read its cells without running them; ask the supplier to "
                "send the template as a plain .xlsx workbook.",
            )
        )
    for wanted, severity in ((SMELTER_LIST, ERROR), (PRODUCT_LIST, ERROR), (SMELTER_LOOKUP, WARNING)):
        if wanted == SMELTER_LOOKUP and layout.smelter_lookup is None:
            continue
        if workbook.sheets.get(wanted) is None:
            problems.append(
                Problem(
                    "sheet_missing",
                    severity,
                    f"The workbook has no sheet named {wanted!r} (a {layout.key} has one); it may have been "
                    "renamed or deleted. Restore the template's sheet and send the file again.",
                    sheet=wanted,
                )
            )
    company = _company(layout, declaration, problems)
    minerals = _minerals(layout, declaration, problems)
    owner = slot_metals(layout, minerals)
    answers = {q.id: _answers(q.rows, owner, declaration, problems) for q in layout.metal_questions}
    company_answers: dict[str, str | None | Mapping[str, str | None]] = {}
    for question in layout.company_questions:
        if question.cell is not None:
            answer, known = canonical_answer(declaration.get(question.cell.cell), question.cell.allowed)
            if not known:
                problems.append(
                    _invalid(DECLARATION, question.cell.cell, answer, question.cell.allowed, None)
                )
            company_answers[question.id] = answer
        else:
            company_answers[question.id] = _answers(question.rows, owner, declaration, problems)
    for ref in layout.declaration_cells():
        if ref in declaration.uncached and ref not in (layout.title_cell, layout.language_cell):
            problems.append(
                Problem(
                    "formula_without_cached_value",
                    ERROR,
                    f"Declaration cell {ref} holds a formula saved without its result, so hrdd cannot see the "
                    "answer. Open the file in Excel, let it calculate, save it and send it again.",
                    sheet=DECLARATION,
                    cell=ref,
                )
            )
    allowed_metals = layout.smelter_metals or minerals
    smelters = _smelters(layout, workbook.sheets.get(SMELTER_LIST), allowed_metals, problems)
    products = _products(layout, workbook.sheets.get(PRODUCT_LIST))
    lookup = read_lookup(layout, workbook.sheets.get(SMELTER_LOOKUP))
    language = text_of(declaration.get(layout.language_cell))
    stated = _version_stated(text_of(declaration.get("J3"))) or layout.version
    reading = TemplateReading(
        file=file,
        template_type=layout.template_type,
        template_version=stated,
        layout=layout.key,
        contains_macros=workbook.contains_macros,
        language=language,
        company=company,
        minerals_in_scope=minerals,
        declaration=answers,
        company_questions=company_answers,
        smelters=smelters,
        products=products,
    )
    problems += check_template(layout, reading, declaration, workbook.sheets.get(PRODUCT_LIST), lookup)
    return _with_problems(reading, problems)


def _with_problems(reading: TemplateReading, problems: list[Problem]) -> TemplateReading:
    from dataclasses import replace

    seen: set[tuple[str, str | None, str | None, int | None, str | None]] = set()
    unique = []
    for problem in problems:
        key = (problem.code, problem.sheet, problem.cell, problem.row, problem.metal)
        if key in seen:
            continue
        seen.add(key)
        unique.append(problem)
    return replace(reading, problems=tuple(unique))


def refused_reading(file: str, refusal: TemplateRefused) -> TemplateReading:
    """The reading of a file refused as a whole: nothing read, the refusal as its one problem."""
    return TemplateReading(
        file=file,
        refused=refusal.message,
        problems=(Problem(refusal.code, ERROR, refusal.message),)
        if refusal.code in ("not_a_template", "unknown_template_version")
        else (),
    )


__all__ = [
    "TEMPLATE_TYPES",
    "CellValue",
    "SheetCells",
    "WorkbookCells",
    "canonical_answer",
    "find_sheet",
    "identify_template",
    "read_template",
    "refused_reading",
    "text_of",
]
