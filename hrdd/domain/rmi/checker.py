"""The checks of a read template, like the template's own Checker sheet and a buyer's first look.

The Checker's rules run as the template writes them (hrdd.domain.rmi.formula): a required answer is missing
when the rule says it is necessary, given the earlier answers, and the cell is empty. The smelter checks are
ours: every row needs a metal, a name and a country; a CID is "CID" and six digits and names the smelter the
file's own Smelter Look-up gives for it; a smelter is listed once per metal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from hrdd.domain.rmi.formula import FormulaError, Value, evaluate, truthy
from hrdd.domain.rmi.layouts import DECLARATION, PRODUCT_LIST, SMELTER_LIST, CheckerRule, TemplateLayout
from hrdd.domain.rmi.reader import (
    CellValue,
    LookupTable,
    SheetCells,
    answer_key,
    canonical_answer,
    slot_metals,
    text_of,
)
from hrdd.domain.rmi.results import ERROR, WARNING, Problem, TemplateReading

CID_FORMAT = re.compile(r"CID\d{6}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PRODUCT_SCOPE = "B. Product (or List of Products)"


def _split(target: str) -> tuple[str, str]:
    sheet, _, cell = target.rpartition("!")
    return sheet.strip("'") or DECLARATION, cell.replace("$", "")


class _Checker:
    """The Checker sheet, evaluated: column B holds the checked value, F whether it is necessary."""

    def __init__(
        self,
        layout: TemplateLayout,
        declaration: SheetCells,
        products: SheetCells | None,
        owner: Mapping[str, str],
    ) -> None:
        self.layout = layout
        self.declaration = declaration
        self.products = products
        self.owner = owner
        self.rules = {rule.row: rule for rule in layout.checker}
        self.allowed: dict[str, tuple[str, ...]] = {}
        for field in layout.company:
            self.allowed[field.cell] = field.allowed
        for question in layout.metal_questions:
            for row in question.rows:
                self.allowed[row.cell] = row.allowed
        for company_question in layout.company_questions:
            for row in company_question.rows:
                self.allowed[row.cell] = row.allowed
            if company_question.cell:
                self.allowed[company_question.cell.cell] = company_question.cell.allowed
        self.values: dict[tuple[str, int], Value] = {}
        self.busy: set[tuple[str, int]] = set()

    def declaration_value(self, cell: str) -> Value:
        constant = self.layout.constants.get(f"{DECLARATION}!{cell}")
        if constant is not None:
            return constant
        raw: CellValue = self.declaration.get(cell)
        if cell in self.allowed and self.allowed[cell]:
            answer, _known = canonical_answer(raw, self.allowed[cell])
            return answer
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, int | float):
            return float(raw)
        return text_of(raw)

    def resolve(self, sheet: str | None, column: str, row: int) -> Value:
        if sheet is None:
            return self.checker_cell(column, row)
        if sheet == DECLARATION:
            return self.declaration_value(f"{column}{row}")
        if sheet == PRODUCT_LIST:
            return None if self.products is None else text_of(self.products.get(f"{column}{row}"))
        raise FormulaError(f"sheet {sheet} is not read")

    def checker_cell(self, column: str, row: int) -> Value:
        rule = self.rules.get(row)
        if rule is None:
            return None
        if column == "A":  # the metal a per-metal row is about ("" for a free slot)
            if rule.target is None:
                return ""
            return self.owner.get(_split(rule.target)[1], "")
        formula = {"B": rule.value, "F": rule.necessary}.get(column)
        if formula is None:
            return None
        key = (column, row)
        if key in self.values:
            return self.values[key]
        if key in self.busy:
            raise FormulaError("circular reference")
        self.busy.add(key)
        try:
            value = evaluate(formula, self.resolve)
        finally:
            self.busy.discard(key)
        self.values[key] = value
        return value

    def missing(self, rule: CheckerRule) -> bool | None:
        """Whether the rule finds its cell required and incomplete; None when it cannot be evaluated."""
        if rule.necessary is None or rule.incomplete is None or rule.target is None:
            return None
        try:
            necessary = truthy(self.checker_cell("F", rule.row))
            incomplete = truthy(evaluate(rule.incomplete, self.resolve))
        except FormulaError:
            return None
        return necessary and incomplete


def _plain(message: str) -> str:
    """The Checker's message when it is in English (one version carries a Chinese one)."""
    return message if message and message.isascii() else ""


def _required(layout: TemplateLayout, reading: TemplateReading, checker: _Checker) -> list[Problem]:
    problems: list[Problem] = []
    answer_cells = set(layout.declaration_cells())
    for rule in layout.checker:
        if rule.target is None:
            continue
        cell_of_rule = _split(rule.target)[1]
        # rows of the Checker for cells the version no longer asks about (hidden rows) carry no message
        if cell_of_rule not in answer_cells and not (cell_of_rule.startswith("G") and _plain(rule.message)):
            continue
        if not checker.missing(rule):
            continue
        assert rule.target is not None
        sheet, cell = _split(rule.target)
        metal = checker.owner.get(cell) or None
        value = checker.declaration_value(cell)
        said = _plain(rule.message)
        if 'SEARCH("@"' in str(rule.incomplete) and value not in (None, ""):
            problems.append(
                Problem(
                    "invalid_email",
                    ERROR,
                    f"{sheet} cell {cell}: {value!r} is not an e-mail address.",
                    sheet=sheet,
                    cell=cell,
                )
            )
            continue
        about = f" for {metal}" if metal else ""
        problems.append(
            Problem(
                "required_missing",
                ERROR,
                f"{sheet} cell {cell}{about} is empty but the template requires an answer here"
                + (f" (the Checker says: {said})." if said else "."),
                sheet=sheet,
                cell=cell,
                metal=metal,
            )
        )
    return problems


def _emails(layout: TemplateLayout, reading: TemplateReading) -> list[Problem]:
    problems = []
    for field in layout.company:
        if field.name not in ("contact_email", "authorizer_email"):
            continue
        value = getattr(reading.company, field.name)
        if value and not EMAIL.fullmatch(value):
            problems.append(
                Problem(
                    "invalid_email",
                    ERROR,
                    f"Declaration cell {field.cell}: {value!r} is not an e-mail address.",
                    sheet=DECLARATION,
                    cell=field.cell,
                )
            )
    return problems


def _product_list(layout: TemplateLayout, reading: TemplateReading) -> list[Problem]:
    if reading.company.declaration_scope != PRODUCT_SCOPE or reading.products:
        return []
    scope_cell = next(f.cell for f in layout.company if f.name == "declaration_scope")
    return [
        Problem(
            "product_list_missing",
            ERROR,
            f"The declaration's scope is {PRODUCT_SCOPE!r} (Declaration cell {scope_cell}) but the Product List "
            "is empty; list the products this declaration covers.",
            sheet=PRODUCT_LIST,
        )
    ]


def _metals_used(reading: TemplateReading) -> list[str]:
    """The metals the supplier says are intentionally added or used (question 1 answered Yes)."""
    return [metal for metal, answer in reading.declaration.get("Q1", {}).items() if answer == "Yes"]


def _smelter_checks(
    layout: TemplateLayout, reading: TemplateReading, lookup: LookupTable, allowed_metals: Iterable[str]
) -> list[Problem]:
    problems: list[Problem] = []
    allowed = list(allowed_metals)
    seen: dict[tuple[str, str], int] = {}
    for smelter in reading.smelters:
        row = smelter.row
        metal_cell = f"{layout.smelter_list.columns['metal']}{row}"
        if smelter.metal is None:
            problems.append(
                Problem(
                    "smelter_metal_missing",
                    ERROR,
                    f"Smelter List row {row}: choose the metal this smelter supplies.",
                    sheet=SMELTER_LIST,
                    cell=metal_cell,
                    row=row,
                    cid=smelter.cid,
                )
            )
        elif allowed and smelter.metal not in allowed:
            problems.append(
                Problem(
                    "invalid_metal",
                    ERROR,
                    f"Smelter List row {row}: {smelter.metal!r} is not a metal of this declaration; choose one of "
                    f"{', '.join(allowed)}.",
                    sheet=SMELTER_LIST,
                    cell=metal_cell,
                    row=row,
                    metal=smelter.metal,
                    cid=smelter.cid,
                )
            )
        if not smelter.name:
            problems.append(
                Problem(
                    "smelter_missing_name",
                    ERROR,
                    f"Smelter List row {row}: choose the smelter in the look-up column, or choose 'Smelter not "
                    "listed' and type its name.",
                    sheet=SMELTER_LIST,
                    row=row,
                    metal=smelter.metal,
                    cid=smelter.cid,
                )
            )
        if not smelter.country:
            problems.append(
                Problem(
                    "smelter_missing_country",
                    ERROR,
                    f"Smelter List row {row}: give the country the smelter is in.",
                    sheet=SMELTER_LIST,
                    cell=f"{layout.smelter_list.columns['country']}{row}",
                    row=row,
                    metal=smelter.metal,
                    cid=smelter.cid,
                )
            )
        cid_cell = f"{layout.smelter_list.columns['smelter_id']}{row}"
        if smelter.cid and not CID_FORMAT.fullmatch(smelter.cid):
            problems.append(
                Problem(
                    "cid_invalid_format",
                    ERROR,
                    f"Smelter List row {row}: {smelter.cid!r} is not a smelter identification number of the form "
                    "CID followed by six digits (e.g. CID000123).",
                    sheet=SMELTER_LIST,
                    cell=cid_cell,
                    row=row,
                    metal=smelter.metal,
                    cid=smelter.cid,
                )
            )
        elif smelter.cid and lookup:
            names = lookup.by_cid.get(smelter.cid)
            if names is None:
                problems.append(
                    Problem(
                        "cid_unknown",
                        WARNING,
                        f"Smelter List row {row}: {smelter.cid} is not in this template's Smelter Look-up; check "
                        "the number with the RMI's facility list.",
                        sheet=SMELTER_LIST,
                        cell=cid_cell,
                        row=row,
                        metal=smelter.metal,
                        cid=smelter.cid,
                    )
                )
            elif smelter.name and answer_key(smelter.name) not in names:
                problems.append(
                    Problem(
                        "cid_name_mismatch",
                        WARNING,
                        f"Smelter List row {row}: the Smelter Look-up gives {smelter.cid} to another smelter than "
                        f"{smelter.name!r}; check the name and the number.",
                        sheet=SMELTER_LIST,
                        cell=cid_cell,
                        row=row,
                        metal=smelter.metal,
                        cid=smelter.cid,
                    )
                )
        if smelter.lookup_choice and not smelter.not_listed and lookup and smelter.metal:
            special = {answer_key(s) for s in layout.lookup_special}
            key = answer_key(smelter.lookup_choice)
            offered = lookup.names_by_metal.get(smelter.metal.casefold(), frozenset())
            if key not in special and key not in offered:
                problems.append(
                    Problem(
                        "smelter_name_not_in_lookup",
                        WARNING,
                        f"Smelter List row {row}: {smelter.lookup_choice!r} is not a {smelter.metal} smelter of "
                        "the template's look-up list; choose it from the list, or choose 'Smelter not listed' and "
                        "type the name.",
                        sheet=SMELTER_LIST,
                        cell=f"{layout.smelter_list.columns.get('smelter_lookup', 'C')}{row}",
                        row=row,
                        metal=smelter.metal,
                        cid=smelter.cid,
                    )
                )
        identity = smelter.cid if smelter.cid and CID_FORMAT.fullmatch(smelter.cid) else None
        if identity is None and smelter.name:
            identity = f"{answer_key(smelter.name)}|{(smelter.country or '').casefold()}"
        if identity and smelter.metal:
            key_pair = (smelter.metal, identity)
            if key_pair in seen:
                problems.append(
                    Problem(
                        "duplicate_smelter",
                        WARNING,
                        f"Smelter List row {row} lists the same {smelter.metal} smelter as row {seen[key_pair]}; "
                        "list each smelter once per metal.",
                        sheet=SMELTER_LIST,
                        row=row,
                        metal=smelter.metal,
                        cid=smelter.cid,
                    )
                )
            else:
                seen[key_pair] = row
    listed = {s.metal for s in reading.smelters if s.metal}
    for metal in _metals_used(reading):
        if metal not in listed:
            problems.append(
                Problem(
                    "no_smelters_for_metal",
                    WARNING,
                    f"{metal} is declared as used (question 1: Yes) but the Smelter List names no {metal} "
                    "smelter.",
                    sheet=SMELTER_LIST,
                    metal=metal,
                )
            )
    return problems


def check_template(
    layout: TemplateLayout,
    reading: TemplateReading,
    declaration: SheetCells,
    products: SheetCells | None,
    lookup: LookupTable,
) -> list[Problem]:
    """Every problem the Checker's rules and the smelter checks find in a read template."""
    owner = slot_metals(layout, reading.minerals_in_scope)
    checker = _Checker(layout, declaration, products, owner)
    problems = _required(layout, reading, checker)
    problems += _emails(layout, reading)
    problems += _product_list(layout, reading)
    problems += _smelter_checks(layout, reading, lookup, layout.smelter_metals or reading.minerals_in_scope)
    return problems
