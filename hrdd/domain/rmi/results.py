"""What reading one RMI template gives: frozen dataclasses, one `TemplateReading` per file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

ERROR = "error"  # the supplier must correct the file
WARNING = "warning"  # worth a look; the file can still be accepted

PROBLEM_CODES = (
    "required_missing",
    "invalid_answer",
    "invalid_email",
    "product_list_missing",
    "no_smelters_for_metal",
    "smelter_metal_missing",
    "invalid_metal",
    "smelter_missing_name",
    "smelter_missing_country",
    "cid_invalid_format",
    "cid_name_mismatch",
    "cid_unknown",
    "smelter_name_not_in_lookup",
    "duplicate_smelter",
    "formula_without_cached_value",
    "unknown_template_version",
    "sheet_missing",
    "not_a_template",
    "contains_macros",
)


@dataclass(frozen=True)
class Problem:
    """One finding about a file, with where it is (sheet, cell or row) and a sentence saying what to do."""

    code: str
    severity: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    metal: str | None = None
    cid: str | None = None

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_CODES:
            raise ValueError(f"unknown problem code {self.code}")
        if self.severity not in (ERROR, WARNING):
            raise ValueError(f"unknown severity {self.severity}")

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "row": self.row,
            "metal": self.metal,
            "cid": self.cid,
            "message": self.message,
        }


@dataclass(frozen=True)
class CompanyInfo:
    """The Declaration's company information; effective_date is ISO 8601 when it could be read as a date."""

    company_name: str | None = None
    declaration_scope: str | None = None
    scope_description: str | None = None
    company_unique_id: str | None = None
    company_unique_id_authority: str | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    authorizer: str | None = None
    authorizer_title: str | None = None
    authorizer_email: str | None = None
    authorizer_phone: str | None = None
    effective_date: str | None = None


@dataclass(frozen=True)
class SmelterRow:
    """One row of the Smelter List. `name` is the typed name, else the look-up choice; `not_listed` says the
    supplier chose "Smelter not listed" in the look-up."""

    row: int
    metal: str | None
    name: str | None
    country: str | None
    cid: str | None
    not_listed: bool = False
    lookup_choice: str | None = None
    typed_name: str | None = None
    source_of_id: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    mine_name: str | None = None
    mine_country: str | None = None
    recycled: str | None = None
    comments: str | None = None
    # ISO 3166-1 alpha-3 of `country` and `mine_country` (hrdd.domain.rmi.countries); None when unknown
    country_iso3: str | None = None
    mine_country_iso3: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ProductRow:
    row: int
    number: str | None
    name: str | None
    requester_number: str | None = None
    requester_name: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TemplateReading:
    """Everything read from one file, and what is wrong with it.

    `declaration` maps a question ("Q1") to {metal: answer}; `company_questions` maps "A" to its answer, or to
    {metal: answer} for a per-metal question (EMRT's C). Answers are canonical (the template's own spelling).
    `refused` holds the reason when the file could not be read at all (then the other fields are empty)."""

    file: str
    template_type: str | None = None
    template_version: str | None = None
    layout: str | None = None
    contains_macros: bool = False
    language: str | None = None
    company: CompanyInfo = field(default_factory=CompanyInfo)
    minerals_in_scope: tuple[str, ...] = ()
    declaration: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    company_questions: Mapping[str, str | None | Mapping[str, str | None]] = field(default_factory=dict)
    smelters: tuple[SmelterRow, ...] = ()
    products: tuple[ProductRow, ...] = ()
    problems: tuple[Problem, ...] = ()
    refused: str | None = None

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def accepted(self) -> bool:
        """Whether the file can be accepted as it is: read, and without errors."""
        return self.refused is None and not self.errors

    def to_json(self) -> dict[str, Any]:
        """The file as `hrdd rmi read --json` prints it."""
        return {
            "file": self.file,
            "template_type": self.template_type,
            "template_version": self.template_version,
            "contains_macros": self.contains_macros,
            "company": asdict(self.company),
            "minerals_in_scope": list(self.minerals_in_scope),
            "declaration": {q: dict(a) for q, a in self.declaration.items()},
            "company_questions": {
                q: dict(a) if isinstance(a, Mapping) else a for q, a in self.company_questions.items()
            },
            "smelters": [s.to_json() for s in self.smelters],
            "products": [p.to_json() for p in self.products],
            "problems": [p.to_json() for p in self.problems],
            "refused": self.refused,
        }


class TemplateRefused(ValueError):
    """A file hrdd does not read as a template: not a template, or a version it does not know."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
