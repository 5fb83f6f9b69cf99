"""A company's responsible-sourcing programme (issue 14): the rules an auditor asks about, free of Django.

- **Programme templates** (hrdd/frameworks/programme-*.yaml): a commitment, objectives with a target year and KPIs
  with unit, direction, an optional computation and optional baseline and targets. `parse_programme_template`
  validates one and refuses an unknown or misspelled key, naming it.
- **KPI status** for a year: `assess_kpi` compares the year's value with the target set for that year, or with
  the linear trajectory from the baseline to the targets (`expected_value`), and says which target, baseline and
  trajectory point it used: on track, behind, met, no target, or no value.

The trajectory is hrdd's method choice, shown with every status: a straight line from the baseline (its year and
value) to each target year in turn, then flat after the last target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

FRAMEWORK_PACKAGE = "hrdd.frameworks"
TEMPLATE_PREFIX = "programme-"

PERCENT = "percent"
COUNT = "count"
UNITS = (PERCENT, COUNT)
INCREASE = "increase"
DECREASE = "decrease"
DIRECTIONS = (INCREASE, DECREASE)

ON_TRACK = "on_track"
BEHIND = "behind"
MET = "met"
NO_TARGET = "no_target"
NO_VALUE = "no_value"
STATUS_LABELS = {
    ON_TRACK: Text(gettext_noop("On track")),
    BEHIND: Text(gettext_noop("Behind")),
    MET: Text(gettext_noop("Target met")),
    NO_TARGET: Text(gettext_noop("No target")),
    NO_VALUE: Text(gettext_noop("No value")),
}
TRAJECTORY_NOTE = Text(
    gettext_noop(
        "The trajectory is a straight line from the baseline to each target in turn (hrdd's method); after the "
        "last target year the last target holds."
    )
)
MIN_YEAR, MAX_YEAR = 1990, 2100


class ProgrammeTemplateError(ValueError):
    """A programme template is missing, unreadable or breaks a rule of the format."""


class KpiInputError(ValueError):
    """A KPI's baseline, target or value was refused; `field` names it and `text` says why (a Text, to be said in
    the reader's language)."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        self.text = message
        super().__init__(message)


# -- programme templates -----------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TemplateObjective(_Frozen):
    key: str
    text: str
    target_year: int | None = None  # None: the programme's target year
    source: str = ""


class TemplateKpi(_Frozen):
    key: str
    name: str
    objective: str | None = None  # the key of the objective it measures
    description: str = ""
    unit: Literal["percent", "count"]
    direction: Literal["increase", "decrease"]
    computation: str | None = None  # a key of hrdd.programmes.kpis.COMPUTATIONS; None: entered per period
    baseline: Decimal | None = None
    baseline_year: int | None = None
    targets: dict[int, Decimal] = {}
    source: str = ""

    @field_validator("key")
    @classmethod
    def _key_is_a_slug(cls, value: str) -> str:
        if not value or not all(c.isalnum() or c in "_-" for c in value):
            raise ValueError(f"a KPI key is letters, digits, _ and -, got {value!r}")
        return value


class ProgrammeTemplate(_Frozen):
    kind: Literal["programme"]
    key: str
    version: str
    title: str
    summary: str = ""
    source: str
    notes: str = ""
    commitment: str
    objectives: tuple[TemplateObjective, ...]
    kpis: tuple[TemplateKpi, ...]

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeTemplate:
        objective_keys = [o.key for o in self.objectives]
        if len(set(objective_keys)) != len(objective_keys):
            raise ValueError("objectives: two objectives have the same key")
        kpi_keys = [k.key for k in self.kpis]
        if len(set(kpi_keys)) != len(kpi_keys):
            raise ValueError("kpis: two KPIs have the same key")
        for kpi in self.kpis:
            if kpi.objective is not None and kpi.objective not in objective_keys:
                raise ValueError(f"kpi {kpi.key}: unknown objective {kpi.objective!r}")
            spec = KpiSpec(
                kpi.unit, kpi.direction, kpi.baseline, kpi.baseline_year, tuple(kpi.targets.items())
            )
            try:
                check_spec(spec)
            except KpiInputError as exc:
                raise ValueError(f"kpi {kpi.key}: {exc}") from exc
        return self


def parse_programme_template(data: Any, *, origin: str = "<data>") -> ProgrammeTemplate:
    """Validate a parsed YAML document as a programme template; an unknown key is refused by name."""
    try:
        return ProgrammeTemplate.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top)"
            if err["type"] == "extra_forbidden":
                problems.append(f"{where}: unknown key {str(err['loc'][-1])!r}")
            else:
                problems.append(f"{where}: {err['msg']}")
        raise ProgrammeTemplateError(f"{origin}: {'; '.join(problems)}") from exc


def load_programme_template_text(text: str, *, origin: str = "<text>") -> ProgrammeTemplate:
    """Parse and validate a programme template from YAML text."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise ProgrammeTemplateError(f"{origin}: {exc}") from exc
    return parse_programme_template(data, origin=origin)


def programme_template_keys() -> tuple[str, ...]:
    """The keys of the shipped programme templates (hrdd/frameworks/programme-<key>.yaml), sorted."""
    keys = []
    for entry in resources.files(FRAMEWORK_PACKAGE).iterdir():
        name = entry.name
        if name.startswith(TEMPLATE_PREFIX) and name.endswith(".yaml"):
            keys.append(name[len(TEMPLATE_PREFIX) : -len(".yaml")])
    return tuple(sorted(keys))


@cache
def get_programme_template(key: str) -> ProgrammeTemplate:
    """A shipped programme template by key (ProgrammeTemplateError naming the known keys when there is none)."""
    if key not in programme_template_keys():
        known = ", ".join(programme_template_keys())
        raise ProgrammeTemplateError(f"unknown programme template {key!r}; known: {known}")
    resource = resources.files(FRAMEWORK_PACKAGE).joinpath(f"{TEMPLATE_PREFIX}{key}.yaml")
    template = load_programme_template_text(resource.read_text(encoding="utf-8"), origin=resource.name)
    if template.key != key:
        raise ProgrammeTemplateError(
            f"{resource.name}: the file holds template {template.key!r}, not {key!r}"
        )
    return template


# -- KPI values, targets and trajectory --------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiSpec:
    """What a KPI is measured against: its unit and direction, its baseline, and its targets per year."""

    unit: str
    direction: str
    baseline_value: Decimal | None = None
    baseline_year: int | None = None
    targets: tuple[tuple[int, Decimal], ...] = ()

    def sorted_targets(self) -> tuple[tuple[int, Decimal], ...]:
        return tuple(sorted(self.targets))


@dataclass(frozen=True)
class KpiStatus:
    """A KPI's status for one year with its reasons; `target` is the (year, value) it was measured against and
    `expected` the trajectory's value for the year, when there is one."""

    status: str
    year: int
    value: Decimal | None
    reasons: tuple[str, ...]
    target: tuple[int, Decimal] | None = None
    expected: Decimal | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {
            "status": self.status,
            "label": str(self.label),
            "year": self.year,
            "value": None if self.value is None else str(self.value),
            "target": None if self.target is None else {"year": self.target[0], "value": str(self.target[1])},
            "expected": None if self.expected is None else str(self.expected),
            "reasons": [str(r) for r in self.reasons],
        }


def parse_decimal(value: Any, *, field: str) -> Decimal | None:
    """A number typed by a person ("64", "64.5", "64,5", " 64 % ") as a Decimal; None for blank."""
    not_a_number = Text(gettext_noop("%(value)s is not a number"), value=repr(value))
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise KpiInputError(not_a_number, field=field)
    if isinstance(value, Decimal):
        number = value
    else:
        text = str(value).strip().rstrip("%").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise KpiInputError(not_a_number, field=field) from exc
    if not number.is_finite():
        raise KpiInputError(not_a_number, field=field)
    return number


def check_value(unit: str, value: Decimal, *, field: str = "value") -> Decimal:
    """Refuse a value its unit cannot take: a percentage outside 0-100, a negative or fractional count."""
    if unit not in UNITS:
        raise KpiInputError(_unknown_unit(unit), field="unit")
    if value < 0:
        raise KpiInputError(
            Text(gettext_noop("%(value)s is below zero"), value=said_value(value, unit)), field=field
        )
    if unit == PERCENT and value > 100:
        raise KpiInputError(
            Text(gettext_noop("%(value)s is over 100%%"), value=said_value(value, unit)), field=field
        )
    if unit == COUNT and value != value.to_integral_value():
        raise KpiInputError(
            Text(gettext_noop("a count is a whole number, got %(value)s"), value=_number(value)), field=field
        )
    if abs(value) >= Decimal("1e10"):
        raise KpiInputError(Text(gettext_noop("%(value)s is too large"), value=_number(value)), field=field)
    return value


def _unknown_unit(unit: str) -> Text:
    return Text(
        gettext_noop("unknown unit %(unit)s; one of %(known)s"), unit=repr(unit), known=", ".join(UNITS)
    )


def check_year(year: Any, *, field: str) -> int:
    """A calendar year between 1990 and 2100."""
    try:
        number = int(str(year).strip())
    except (TypeError, ValueError) as exc:
        raise KpiInputError(
            Text(gettext_noop("%(year)s is not a year"), year=repr(year)), field=field
        ) from exc
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise KpiInputError(
            Text(
                gettext_noop("%(year)s is not a year between %(first)s and %(last)s"),
                year=number,
                first=MIN_YEAR,
                last=MAX_YEAR,
            ),
            field=field,
        )
    return number


def parse_targets(raw: Mapping[Any, Any], unit: str) -> tuple[tuple[int, Decimal], ...]:
    """Targets per year ({"2026": "50"}) as sorted (year, value) pairs; a blank value drops the year."""
    found: dict[int, Decimal] = {}
    for key, value in raw.items():
        year = check_year(key, field=f"target_{key}")
        number = parse_decimal(value, field=f"target_{year}")
        if number is not None:
            found[year] = check_value(unit, number, field=f"target_{year}")
    return tuple(sorted(found.items()))


def check_spec(spec: KpiSpec) -> KpiSpec:
    """Refuse an inconsistent KPI: unknown unit or direction, half a baseline, values its unit cannot take."""
    if spec.unit not in UNITS:
        raise KpiInputError(_unknown_unit(spec.unit), field="unit")
    if spec.direction not in DIRECTIONS:
        raise KpiInputError(
            Text(
                gettext_noop("unknown direction %(direction)s; one of %(known)s"),
                direction=repr(spec.direction),
                known=", ".join(DIRECTIONS),
            ),
            field="direction",
        )
    if (spec.baseline_value is None) != (spec.baseline_year is None):
        field = "baseline_year" if spec.baseline_year is None else "baseline_value"
        raise KpiInputError(Text(gettext_noop("a baseline needs both its value and its year")), field=field)
    if spec.baseline_value is not None:
        check_value(spec.unit, spec.baseline_value, field="baseline_value")
        check_year(spec.baseline_year, field="baseline_year")
    for year, value in spec.targets:
        check_year(year, field=f"target_{year}")
        check_value(spec.unit, value, field=f"target_{year}")
        if spec.baseline_year is not None and year <= spec.baseline_year:
            raise KpiInputError(
                Text(
                    gettext_noop("the target for %(year)s is not after the baseline year %(baseline_year)s"),
                    year=year,
                    baseline_year=spec.baseline_year,
                ),
                field=f"target_{year}",
            )
    return spec


def _plain(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _fmt(value: Decimal, unit: str) -> str:
    number = _plain(value)
    return f"{number:f}%" if unit == PERCENT else f"{number:f}"


def _number(value: Decimal) -> int | float | str:
    """A Decimal as a Text parameter, as the English sentence writes it ("64", "64.5"): a number, said in the
    reader's format, unless a float would write it otherwise (then its digits as written)."""
    written = f"{value:f}"
    if written.lstrip("-").isdigit():
        return int(value)
    as_float = float(value)
    return as_float if f"{as_float:g}" == written else written


def said_value(value: Decimal, unit: str) -> Text | int | float | str:
    """A value as a Text parameter: "64%" (a Text, so that a language may write "64 %") or the count "12"."""
    number = _number(_plain(value))
    return Text(gettext_noop("%(number)s%%"), number=number) if unit == PERCENT else number


def format_kpi_value(value: Decimal | None, unit: str) -> str:
    """A value as people read it: "64%", "64.5%", "12"; "—" for none."""
    return "—" if value is None else _fmt(value, unit)


def _points(spec: KpiSpec) -> list[tuple[int, Decimal]]:
    points = []
    if spec.baseline_value is not None and spec.baseline_year is not None:
        points.append((spec.baseline_year, spec.baseline_value))
    points.extend(spec.sorted_targets())
    return points


def expected_value(spec: KpiSpec, year: int) -> Decimal | None:
    """The trajectory's value for a year: on the straight line between the surrounding baseline or targets, the
    last target after the last target year; None before the first point or with fewer than two points before."""
    points = _points(spec)
    if not points:
        return None
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if y0 <= year <= y1:
            if y1 == y0:
                return v1
            share = Decimal(year - y0) / Decimal(y1 - y0)
            return (v0 + (v1 - v0) * share).quantize(Decimal("0.01"))
    last_year, last_value = points[-1]
    if year >= last_year:
        return last_value
    return None


def trajectory(spec: KpiSpec) -> tuple[tuple[int, Decimal], ...]:
    """The trajectory year by year, from the baseline (or the first target) to the last target year."""
    points = _points(spec)
    if not points:
        return ()
    first, last = points[0][0], points[-1][0]
    found = []
    for year in range(first, last + 1):
        value = expected_value(spec, year)
        if value is not None:
            found.append((year, value))
    return tuple(found)


def _reaches(direction: str, value: Decimal, goal: Decimal) -> bool:
    return value >= goal if direction == INCREASE else value <= goal


def _target_for(spec: KpiSpec, year: int) -> tuple[int, Decimal] | None:
    """The target that applies to a year: the year's own, else the next one, else the last one (past it)."""
    targets = spec.sorted_targets()
    for target in targets:
        if target[0] >= year:
            return target
    return targets[-1] if targets else None


def _goal(direction: str, target_year: int, target: Text | int | float | str) -> Text:
    if direction == INCREASE:
        return Text(gettext_noop("target for %(year)s: at least %(value)s"), year=target_year, value=target)
    return Text(gettext_noop("target for %(year)s: at most %(value)s"), year=target_year, value=target)


def _path(direction: str, year: int, expected: Text | int | float | str) -> Text:
    if direction == INCREASE:
        return Text(
            gettext_noop("the trajectory expects at least %(value)s in %(year)s"), value=expected, year=year
        )
    return Text(
        gettext_noop("the trajectory expects at most %(value)s in %(year)s"), value=expected, year=year
    )


def assess_kpi(spec: KpiSpec, year: int, value: Decimal | None, *, to_date: bool = False) -> KpiStatus:
    """The KPI's status for a year, with the target, baseline and trajectory it was measured against."""
    unit, direction = spec.unit, spec.direction
    baseline = (
        Text(
            gettext_noop("baseline: %(value)s in %(year)s"),
            value=said_value(spec.baseline_value, unit),
            year=spec.baseline_year,
        )
        if spec.baseline_value is not None
        else Text(gettext_noop("no baseline set"))
    )
    target = _target_for(spec, year)
    expected = expected_value(spec, year)
    if value is None:
        return KpiStatus(
            NO_VALUE,
            year,
            None,
            (Text(gettext_noop("No value for %(year)s."), year=year), baseline),
            target,
            expected,
        )
    shown = said_value(value, unit)
    partial = (
        (
            Text(
                gettext_noop(
                    "%(year)s is not over: the figure is to date, and a count over the year may still change."
                ),
                year=year,
            ),
        )
        if to_date
        else ()
    )
    if target is None:
        return KpiStatus(
            NO_TARGET,
            year,
            value,
            (
                Text(
                    gettext_noop("%(value)s in %(year)s; no target is set for this KPI."),
                    value=shown,
                    year=year,
                ),
                baseline,
                *partial,
            ),
            None,
            None,
        )
    target_year, target_value = target
    goal = _goal(direction, target_year, said_value(target_value, unit))
    if _reaches(direction, value, target_value):
        if target_year >= year:
            met = Text(
                gettext_noop("%(value)s in %(year)s reaches the %(goal)s."), value=shown, year=year, goal=goal
            )
        else:
            met = Text(
                gettext_noop("%(value)s in %(year)s still meets the %(goal)s."),
                value=shown,
                year=year,
                goal=goal,
            )
        return KpiStatus(MET, year, value, (met, baseline, *partial), target, expected)
    if target_year <= year:
        return KpiStatus(
            BEHIND,
            year,
            value,
            (
                Text(
                    gettext_noop("%(value)s in %(year)s falls short of the %(goal)s."),
                    value=shown,
                    year=year,
                    goal=goal,
                ),
                baseline,
                *partial,
            ),
            target,
            expected,
        )
    if expected is None:
        return KpiStatus(
            ON_TRACK,
            year,
            value,
            (
                Text(
                    gettext_noop("%(value)s in %(year)s; the %(goal)s is not due yet."),
                    value=shown,
                    year=year,
                    goal=goal,
                ),
                Text(
                    gettext_noop(
                        "%(baseline)s: without a baseline before %(target_year)s there is no trajectory to measure "
                        "%(year)s against; set one to see whether the KPI keeps pace."
                    ),
                    baseline=baseline,
                    target_year=target_year,
                    year=year,
                ),
                *partial,
            ),
            target,
            None,
        )
    path = _path(direction, year, said_value(expected, unit))
    if _reaches(direction, value, expected):
        status = ON_TRACK
        verdict = Text(
            gettext_noop("%(value)s in %(year)s keeps pace: %(path)s (%(goal)s)."),
            value=shown,
            year=year,
            path=path,
            goal=goal,
        )
    else:
        status = BEHIND
        verdict = Text(
            gettext_noop("%(value)s in %(year)s lags: %(path)s (%(goal)s)."),
            value=shown,
            year=year,
            path=path,
            goal=goal,
        )
    return KpiStatus(status, year, value, (verdict, baseline, TRAJECTORY_NOTE, *partial), target, expected)


def spec_from_values(
    *,
    unit: str,
    direction: str,
    baseline_value: Any = None,
    baseline_year: Any = None,
    targets: Mapping[Any, Any] | None = None,
) -> KpiSpec:
    """A checked KpiSpec from stored or typed values (targets as {"2026": "50"})."""
    base = parse_decimal(baseline_value, field="baseline_value")
    year = None if baseline_year in (None, "") else check_year(baseline_year, field="baseline_year")
    return check_spec(KpiSpec(unit, direction, base, year, parse_targets(targets or {}, unit)))


def programme_years(start_year: int, end_year: int) -> tuple[int, ...]:
    """The calendar years of a programme, first to target year."""
    return tuple(range(start_year, end_year + 1))


def period_of_year(year: int, today: dt.date) -> tuple[dt.date, dt.date, bool]:
    """A year's period: 1 January to 31 December, or to today for the current year (to date: True)."""
    if year == today.year:
        return dt.date(year, 1, 1), today, True
    return dt.date(year, 1, 1), dt.date(year, 12, 31), False


def latest_years(years: Sequence[int], today: dt.date) -> tuple[int, ...]:
    """The programme years that have begun by today, newest first."""
    return tuple(sorted((y for y in years if y <= today.year), reverse=True))
