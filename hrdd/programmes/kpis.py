"""KPIs computed from the records hrdd holds.

A programme template's KPI names a computation by key (`computation:` in hrdd/frameworks/programme-*.yaml). Each
computation lives beside the records it counts (its area's module) and is registered here by its dotted path, read
when first used. A computation answers two questions for one organisation and one period:

- `compute(organisation_id, period_start, period_end) -> Computed`: the figure, in a fixed number of queries
  whatever the number of records;
- `records(organisation_id, period_start, period_end) -> Sequence[CountedRecord]`: every record it looked at,
  marked counted or not with the reason, for the KPI page's list (paginated there); also a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class CountedRecord:
    """One record a computation looked at: its label and page, whether it counts, and why (or why not)."""

    label: str
    url: str
    counted: bool
    detail: str


@dataclass(frozen=True)
class Computed:
    """A computed figure. `value` is None when there is nothing to compute it from (a share of no records, or a
    period the records keep no history for); `missing` then says why, in words for the reader."""

    value: Decimal | None
    numerator: int
    denominator: int | None  # None for a count
    method: str  # what is counted, and the rule, in one or two sentences
    missing: str = ""


@dataclass(frozen=True)
class Computation:
    key: str
    title: str
    unit: str  # "percent" or "count", as the KPI that uses it
    compute: Callable[[int, dt.date, dt.date], Computed]
    records: Callable[[int, dt.date, dt.date], Sequence[CountedRecord]]


# key -> the dotted path of its Computation object
COMPUTATIONS: dict[str, str] = {
    "high_risk_suppliers_assessed": "hrdd.programmes.diligence.HIGH_RISK_SUPPLIERS_ASSESSED",
    "capacity_building_enrolled": "hrdd.programmes.diligence.CAPACITY_BUILDING_ENROLLED",
    "copper_mark_or_equivalent": "hrdd.programmes.certifications.COPPER_MARK_OR_EQUIVALENT",
    "children_supported": "hrdd.programmes.cases.CHILDREN_SUPPORTED",
    "incidents_reported": "hrdd.programmes.kpis.INCIDENTS_REPORTED",
    "smelters_identified": "hrdd.programmes.kpis.SMELTERS_IDENTIFIED",
}


class UnknownComputation(LookupError):
    pass


@cache
def computation(key: str) -> Computation:
    """The computation registered under `key` (UnknownComputation when none is)."""
    try:
        path = COMPUTATIONS[key]
    except KeyError as exc:
        raise UnknownComputation(key) from exc
    found = import_string(path)
    if not isinstance(found, Computation) or found.key != key:
        raise UnknownComputation(key)
    return found
