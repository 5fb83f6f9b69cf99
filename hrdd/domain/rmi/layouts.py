"""The shipped layouts of the RMI reporting templates: where each version keeps what (layouts.json beside this).

One `TemplateLayout` per template version, keyed "CMRT 6.5"; cells are A1 references. The data is curated from
the reference facts by hrdd.domain.rmi.curate; the product reads only the shipped file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

LAYOUTS_FILE = Path(__file__).with_name("layouts.json")
TEMPLATE_TYPES = ("CMRT", "EMRT", "CRT", "AMRT")
DECLARATION = "Declaration"
SMELTER_LIST = "Smelter List"
PRODUCT_LIST = "Product List"
SMELTER_LOOKUP = "Smelter Look-up"


@dataclass(frozen=True)
class AnswerCell:
    """One answer cell: its address, the metal it is about (None: a slot for a mineral chosen in scope) and
    the answers its dropdown allows (empty: free text)."""

    cell: str
    metal: str | None
    allowed: tuple[str, ...]


@dataclass(frozen=True)
class CompanyField:
    name: str
    cell: str
    required: bool
    allowed: tuple[str, ...]
    is_date: bool


@dataclass(frozen=True)
class MetalQuestion:
    id: str
    required: bool
    rows: tuple[AnswerCell, ...]


@dataclass(frozen=True)
class CompanyQuestion:
    """A company-level question: one answer cell, or one per metal (EMRT's question C)."""

    id: str
    cell: AnswerCell | None
    rows: tuple[AnswerCell, ...]


@dataclass(frozen=True)
class MineralSelector:
    cell: str
    allowed: tuple[str, ...]  # empty: free text (AMRT 1.2)


@dataclass(frozen=True)
class CheckerRule:
    """One row of the template's Checker sheet: the cell it checks and its formulas, as the template has them."""

    row: int
    target: str | None
    value: str | None
    necessary: str | int | float | None
    incomplete: str | int | float | None
    message: str


@dataclass(frozen=True)
class TableLayout:
    header_row: int
    first_row: int
    last_row: int
    columns: Mapping[str, str]  # field -> column letter


@dataclass(frozen=True)
class TemplateLayout:
    """Where one version of one template keeps what."""

    template_type: str
    version: str
    sheets: tuple[str, ...]
    hidden_sheets: tuple[str, ...]
    version_cells: tuple[tuple[str, str, str], ...]  # (sheet, cell, text the template puts there)
    title_cell: str
    titles: tuple[str, ...]
    language_cell: str
    company: tuple[CompanyField, ...]
    fixed_metals: tuple[str, ...]  # CMRT, CRT, EMRT 1.x; empty where minerals are chosen
    mineral_selectors: tuple[MineralSelector, ...]
    other_minerals_cell: str | None
    metal_questions: tuple[MetalQuestion, ...]
    company_questions: tuple[CompanyQuestion, ...]
    smelter_list: TableLayout
    smelter_required: tuple[str, ...]
    smelter_metals: tuple[str, ...]
    lookup_special: tuple[str, ...]
    smelter_header_translations: Mapping[str, tuple[str, ...]]
    product_list: TableLayout
    product_headers: Mapping[str, str]
    smelter_lookup: TableLayout | None
    checker: tuple[CheckerRule, ...]
    constants: Mapping[str, str]

    @property
    def key(self) -> str:
        return f"{self.template_type} {self.version}"

    @property
    def chooses_minerals(self) -> bool:
        """Whether the supplier chooses the minerals in scope (EMRT 2.x, AMRT)."""
        return bool(self.mineral_selectors)

    def declaration_cells(self) -> list[str]:
        """Every Declaration cell the reader looks at."""
        cells = [self.title_cell, self.language_cell]
        cells += [c for s, c, _ in self.version_cells if s == DECLARATION]
        cells += [f.cell for f in self.company]
        cells += [s.cell for s in self.mineral_selectors]
        if self.other_minerals_cell:
            cells.append(self.other_minerals_cell)
        for question in self.metal_questions:
            cells += [r.cell for r in question.rows]
        for company_question in self.company_questions:
            cells += [r.cell for r in company_question.rows]
            if company_question.cell:
                cells.append(company_question.cell.cell)
        return cells


def _answer(row: Mapping[str, Any]) -> AnswerCell:
    return AnswerCell(cell=row["cell"], metal=row.get("metal"), allowed=tuple(row.get("allowed") or ()))


def _layout(data: Mapping[str, Any]) -> TemplateLayout:
    smelters = data["smelter_list"]
    products = data["product_list"]
    lookup = data.get("smelter_lookup")
    minerals = data["minerals"]
    return TemplateLayout(
        template_type=data["template"],
        version=data["version"],
        sheets=tuple(data["sheets"]),
        hidden_sheets=tuple(data["hidden_sheets"]),
        version_cells=tuple((v["sheet"], v["cell"], v["text"]) for v in data["version_cells"]),
        title_cell=data["title_cell"],
        titles=tuple(data["titles"]),
        language_cell=data["language_cell"],
        company=tuple(
            CompanyField(
                name=name,
                cell=info["cell"],
                required=info["required"],
                allowed=tuple(info.get("allowed") or ()),
                is_date=info.get("date", False),
            )
            for name, info in data["company"].items()
        ),
        fixed_metals=tuple(minerals.get("fixed") or ()),
        mineral_selectors=tuple(
            MineralSelector(cell=s["cell"], allowed=tuple(s.get("allowed") or ()))
            for s in minerals.get("selectors") or ()
        ),
        other_minerals_cell=minerals.get("other_cell"),
        metal_questions=tuple(
            MetalQuestion(id=q["id"], required=q["required"], rows=tuple(_answer(r) for r in q["rows"]))
            for q in data["metal_questions"]
        ),
        company_questions=tuple(
            CompanyQuestion(
                id=q["id"],
                cell=AnswerCell(cell=q["cell"], metal=None, allowed=tuple(q.get("allowed") or ()))
                if q.get("cell")
                else None,
                rows=tuple(_answer(r) for r in q.get("rows") or ()),
            )
            for q in data["company_questions"]
        ),
        smelter_list=TableLayout(
            header_row=smelters["header_row"],
            first_row=smelters["first_row"],
            last_row=smelters["last_row"],
            columns=dict(smelters["columns"]),
        ),
        smelter_required=tuple(smelters["required"]),
        smelter_metals=tuple(smelters.get("metals") or ()),
        lookup_special=tuple(smelters.get("lookup_special") or ()),
        smelter_header_translations={k: tuple(v) for k, v in smelters["header_translations"].items()},
        product_list=TableLayout(
            header_row=products["header_row"],
            first_row=products["header_row"] + 1,
            last_row=0,  # the list runs until the rows end
            columns=dict(products["columns"]),
        ),
        product_headers=dict(products["headers"]),
        smelter_lookup=None
        if not lookup
        else TableLayout(
            header_row=lookup["header_row"],
            first_row=lookup["header_row"] + 1,
            last_row=0,
            columns=lookup["columns"],
        ),
        checker=tuple(
            CheckerRule(
                row=r["row"],
                target=r["target"],
                value=r["value"],
                necessary=r["necessary"],
                incomplete=r["incomplete"],
                message=r["message"],
            )
            for r in data["checker"]
        ),
        constants=dict(data["constants"]),
    )


@cache
def _shipped() -> tuple[dict[str, TemplateLayout], tuple[tuple[str, str], ...]]:
    data = json.loads(LAYOUTS_FILE.read_text(encoding="utf-8"))
    layouts = {key: _layout(value) for key, value in data["versions"].items()}
    return layouts, tuple((str(code), str(name)) for code, name in data["countries"])


def template_layouts() -> dict[str, TemplateLayout]:
    """Every shipped layout by its key ("CMRT 6.5")."""
    return dict(_shipped()[0])


def known_versions() -> list[str]:
    """The template versions hrdd reads, e.g. ["AMRT 1.2", ..., "EMRT 2.1"], ordered by type and version."""

    def order(key: str) -> tuple[int, Decimal]:
        kind, version = key.split(" ")
        return TEMPLATE_TYPES.index(kind), Decimal(version)  # RMI numbers are decimals: 6.22 comes before 6.4

    return sorted(_shipped()[0], key=order)


def template_countries() -> tuple[str, ...]:
    """The templates' country list (the Smelter List's country dropdown), in capitals as the templates write it."""
    return tuple(name for _code, name in _shipped()[1])


def template_country_codes() -> tuple[tuple[str, str], ...]:
    """The templates' country list as (ISO 3166-1 alpha-2 code, name as the dropdown writes it) pairs."""
    return _shipped()[1]
