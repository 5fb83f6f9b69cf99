"""The knowledge base: sourced tables from product to materials, countries, labour flags and indicators.

Every row keeps its source and year. Tables are plain CSV files shipped in `hrdd/knowledge/`; a newer edition
of any table can be imported (`hrdd kb import`) and is parsed by the same functions, so that a bad file is
refused with the row and column at fault.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from hrdd.domain.texts import Text, gettext_noop

KNOWLEDGE_PACKAGE = "hrdd.knowledge"
NO_DATE = "n.d."


class KnowledgeError(ValueError):
    """A knowledge table is malformed; the message names the table, row and column."""


@dataclass(frozen=True)
class BomLink:
    product: str
    component: str
    material: str
    basis: str
    note: str
    source: str
    year: str


@dataclass(frozen=True)
class Production:
    material: str
    series: str
    stage: str
    country_iso3: str
    country: str
    year: int
    quantity: float | None
    unit: str
    share_pct: float | None
    estimated: bool
    source: str


@dataclass(frozen=True)
class ProductionGap:
    """A material without world-production figures by country, and why, with its source."""

    material: str
    reason: str
    year: int
    source: str


@dataclass(frozen=True)
class LabourListing:
    good: str
    material: str
    stage: str
    country_iso3: str
    country: str
    child_labour: bool
    forced_labour: bool
    forced_child_labour: bool
    derived_labour_exploitation: bool
    year: int
    source: str

    def flags(self) -> tuple[str, ...]:
        """Return the names of the flags set on this listing."""
        names = ("child_labour", "forced_labour", "forced_child_labour", "derived_labour_exploitation")
        return tuple(n for n in names if getattr(self, n))


@dataclass(frozen=True)
class CahraListing:
    country_iso3: str
    country: str
    list_name: str
    scope: str
    year: int
    source: str


@dataclass(frozen=True)
class Indicator:
    country_iso3: str
    country: str
    indicator: str
    year: int
    value: float | str  # most are numbers; a few (ITUC list membership) are words such as "true"
    unit: str
    source: str


@dataclass(frozen=True)
class ManufacturingCountry:
    product: str
    component: str
    stage: str
    country_iso3: str
    country: str
    share_pct: float | None
    year: int
    source: str
    note: str


def _text(row: Mapping[str, str], column: str) -> str:
    return (row.get(column) or "").strip()


def _required(row: Mapping[str, str], column: str) -> str:
    value = _text(row, column)
    if not value:
        raise ValueError(f"column {column!r} is empty")
    return value


def _int(row: Mapping[str, str], column: str) -> int:
    value = _required(row, column)
    if not (value.isdigit() and len(value) == 4):
        raise ValueError(f"column {column!r}: {value!r} is not a four-digit year")
    return int(value)


def _float_or_none(row: Mapping[str, str], column: str) -> float | None:
    value = _text(row, column)
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"column {column!r}: {value!r} is not a number") from None


def _bool(row: Mapping[str, str], column: str) -> bool:
    value = _text(row, column).lower()
    if value in ("true", "yes", "1"):
        return True
    if value in ("false", "no", "0", ""):
        return False
    raise ValueError(f"column {column!r}: {value!r} is not true or false")


def _year_or_nd(row: Mapping[str, str], column: str) -> str:
    value = _required(row, column)
    if value != NO_DATE and not (value.isdigit() and len(value) == 4):
        raise ValueError(f"column {column!r}: {value!r} is neither a year nor {NO_DATE!r}")
    return value


def _iso3(row: Mapping[str, str], column: str = "country_iso3") -> str:
    value = _required(row, column).upper()
    if len(value) != 3 or not value.isalpha():
        raise ValueError(f"column {column!r}: {value!r} is not an ISO 3166-1 alpha-3 code")
    return value


def _bom(row: Mapping[str, str]) -> BomLink:
    return BomLink(
        product=_required(row, "product"),
        component=_required(row, "component"),
        material=_required(row, "material"),
        basis=_text(row, "basis") or "direct",
        note=_text(row, "note"),
        source=_required(row, "source"),
        year=_year_or_nd(row, "year"),
    )


def _production(row: Mapping[str, str]) -> Production:
    return Production(
        material=_required(row, "material"),
        series=_text(row, "series") or _required(row, "material"),
        stage=_required(row, "stage"),
        country_iso3=_iso3(row),
        country=_text(row, "country"),
        year=_int(row, "year"),
        quantity=_float_or_none(row, "quantity"),
        unit=_text(row, "unit"),
        share_pct=_float_or_none(row, "share_pct"),
        estimated=_bool(row, "estimated"),
        source=_required(row, "source"),
    )


def _production_gap(row: Mapping[str, str]) -> ProductionGap:
    return ProductionGap(
        material=_required(row, "material"),
        reason=_required(row, "reason"),
        year=_int(row, "year"),
        source=_required(row, "source"),
    )


# Older tables call the refining stage "refining"; the method's stage id is "refining_smelting".
_STAGE_ALIASES = {"refining": "refining_smelting", "smelting": "refining_smelting"}


def _labour(row: Mapping[str, str]) -> LabourListing:
    stage = _required(row, "stage")
    return LabourListing(
        good=_required(row, "good"),
        material=_text(row, "material"),
        stage=_STAGE_ALIASES.get(stage, stage),
        country_iso3=_iso3(row),
        country=_text(row, "country"),
        child_labour=_bool(row, "child_labour"),
        forced_labour=_bool(row, "forced_labour"),
        forced_child_labour=_bool(row, "forced_child_labour"),
        derived_labour_exploitation=_bool(row, "derived_labour_exploitation"),
        year=_int(row, "year"),
        source=_required(row, "source"),
    )


def _cahra(row: Mapping[str, str]) -> CahraListing:
    return CahraListing(
        country_iso3=_iso3(row),
        country=_text(row, "country"),
        list_name=_required(row, "list_name"),
        scope=_text(row, "scope"),
        year=_int(row, "year"),
        source=_required(row, "source"),
    )


def _indicator(row: Mapping[str, str]) -> Indicator:
    text = _required(row, "value")
    try:
        value: float | str = float(text)
    except ValueError:
        value = text
    return Indicator(
        country_iso3=_iso3(row),
        country=_text(row, "country"),
        indicator=_required(row, "indicator"),
        year=_int(row, "year"),
        value=value,
        unit=_text(row, "unit"),
        source=_required(row, "source"),
    )


def _manufacturing(row: Mapping[str, str]) -> ManufacturingCountry:
    return ManufacturingCountry(
        product=_required(row, "product"),
        component=_text(row, "component"),
        stage=_required(row, "stage"),
        country_iso3=_iso3(row),
        country=_text(row, "country"),
        share_pct=_float_or_none(row, "share_pct"),
        year=_int(row, "year"),
        source=_required(row, "source"),
        note=_text(row, "note"),
    )


# The editions the package ships (tools/build_knowledge.py, hrdd/knowledge/README.md); an imported edition
# (`hrdd kb import`) shows its own label instead.
SHIPPED_EDITIONS: dict[str, str] = {
    "bill_of_materials": Text(gettext_noop("shipped: 16 web and literature sources (see source_type)")),
    "mineral_production": Text(
        gettext_noop(
            "shipped: USGS MCS 2025 (data 2023-2024); MCS 2026 for cobalt, gallium, lithium, rare earths (2024 "
            "revised, 2025)"
        )
    ),
    "production_gaps": Text(gettext_noop("shipped: USGS MCS 2025 (series not published)")),
    "labour_goods": Text(gettext_noop("shipped: US DOL/ILAB List of Goods 2022 with the 2024 ICT changes")),
    "cahra": Text(gettext_noop("shipped: EU indicative CAHRA list June 2026; US Dodd-Frank 1502")),
    "country_indicators": Text(
        gettext_noop(
            "shipped: World Bank WGI 2024 update (data 2023); ITUC Global Rights Index 2025; ILAB findings 2022"
        )
    ),
    "manufacturing_countries": Text(gettext_noop("shipped: CFIT manual 2025; ILAB List of Goods")),
}


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str  # a Text: said in the reader's language on the knowledge page
    columns: tuple[str, ...]
    parse: Callable[[Mapping[str, str]], Any]


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "bill_of_materials",
            Text(gettext_noop("Product -> component -> raw material")),
            ("product", "component", "material", "source", "year"),
            _bom,
        ),
        TableSpec(
            "mineral_production",
            Text(gettext_noop("Production by country and stage (USGS)")),
            ("material", "stage", "country_iso3", "year", "share_pct", "source"),
            _production,
        ),
        TableSpec(
            "production_gaps",
            Text(gettext_noop("Materials without production figures by country, and why")),
            ("material", "reason", "year", "source"),
            _production_gap,
        ),
        TableSpec(
            "labour_goods",
            Text(gettext_noop("Goods produced with child or forced labour (US DOL/ILAB)")),
            ("good", "material", "stage", "country_iso3", "child_labour", "forced_labour", "year", "source"),
            _labour,
        ),
        TableSpec(
            "cahra",
            Text(gettext_noop("Conflict-affected and high-risk areas")),
            ("country_iso3", "list_name", "year", "source"),
            _cahra,
        ),
        TableSpec(
            "country_indicators",
            Text(gettext_noop("Country indicators (World Bank WGI, ILAB, ITUC)")),
            ("country_iso3", "indicator", "year", "value", "source"),
            _indicator,
        ),
        TableSpec(
            "manufacturing_countries",
            Text(gettext_noop("Main component-manufacturing and assembly countries")),
            ("product", "stage", "country_iso3", "year", "source"),
            _manufacturing,
        ),
    )
}


def parse_table(name: str, text: str) -> tuple[Any, ...]:
    """Parse one table's CSV text; raise KnowledgeError naming the row and column at fault."""
    spec = TABLES.get(name)
    if spec is None:
        raise KnowledgeError(f"unknown table {name!r}; known: {', '.join(TABLES)}")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in spec.columns if c not in header]
    if missing:
        raise KnowledgeError(f"{name}: missing column(s) {', '.join(missing)}")
    rows = []
    for number, row in enumerate(reader, start=2):
        try:
            rows.append(spec.parse(row))
        except ValueError as exc:
            raise KnowledgeError(f"{name}, row {number}: {exc}") from None
    if not rows:
        raise KnowledgeError(f"{name}: the table has no rows")
    return tuple(rows)


@dataclass(frozen=True)
class TableStatus:
    name: str
    title: str
    rows: int
    years: tuple[str, ...]
    sources: tuple[str, ...]
    edition: str


@dataclass(frozen=True)
class KnowledgeBase:
    """All knowledge tables, with look-ups built once."""

    bill_of_materials: tuple[BomLink, ...]
    mineral_production: tuple[Production, ...]
    production_gaps: tuple[ProductionGap, ...]
    labour_goods: tuple[LabourListing, ...]
    cahra: tuple[CahraListing, ...]
    country_indicators: tuple[Indicator, ...]
    manufacturing_countries: tuple[ManufacturingCountry, ...]
    editions: Mapping[str, str] = field(default_factory=dict)  # table -> edition label
    _latest_indicators: dict[str, dict[str, Indicator]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        latest: dict[str, dict[str, Indicator]] = {}
        for indicator in self.country_indicators:
            per_country = latest.setdefault(indicator.country_iso3, {})
            current = per_country.get(indicator.indicator)
            if current is None or indicator.year > current.year:
                per_country[indicator.indicator] = indicator
        object.__setattr__(self, "_latest_indicators", latest)

    def products(self) -> tuple[str, ...]:
        """Return the product categories that have a bill of materials."""
        return tuple(sorted({link.product for link in self.bill_of_materials}))

    def indicators_for(self, country_iso3: str) -> Mapping[str, Indicator]:
        """Return the latest value of each indicator for a country."""
        return self._latest_indicators.get(country_iso3, {})

    def status(self) -> tuple[TableStatus, ...]:
        """Describe each table: rows, years and sources."""
        result = []
        for name, spec in TABLES.items():
            rows: Sequence[Any] = getattr(self, name)
            years = sorted({str(r.year) for r in rows})
            sources = sorted({r.source for r in rows})
            result.append(
                TableStatus(
                    name=name,
                    title=spec.title,
                    rows=len(rows),
                    years=tuple(years),
                    sources=tuple(sources),
                    edition=self.editions.get(name, SHIPPED_EDITIONS[name]),
                )
            )
        return tuple(result)


def read_shipped_table(name: str) -> str:
    """Return the CSV text of a table shipped in the package."""
    return resources.files(KNOWLEDGE_PACKAGE).joinpath(f"{name}.csv").read_text(encoding="utf-8")


def build_knowledge(
    texts: Mapping[str, str] | None = None, *, editions: Mapping[str, str] | None = None
) -> KnowledgeBase:
    """Build a knowledge base from CSV texts per table; tables not given come from the package."""
    texts = texts or {}
    tables = {
        name: parse_table(name, texts[name] if name in texts else read_shipped_table(name)) for name in TABLES
    }
    return KnowledgeBase(**tables, editions=dict(editions or {}))


@cache
def shipped_knowledge() -> KnowledgeBase:
    """Return the knowledge base shipped in the package."""
    return build_knowledge()
