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
from typing import Any

from django.utils.formats import number_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hrdd.core.texts import localize
from hrdd.domain.programmes import said_value


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
    title: str  # English, marked for the catalogue (or a framework's KPI name): `computation_title` says it
    unit: str  # "percent" or "count", as the KPI that uses it
    compute: Callable[[int, dt.date, dt.date], Computed]
    records: Callable[[int, dt.date, dt.date], Sequence[CountedRecord]]
    # A count of everything up to the period's last day (e.g. children supported since the programme began)
    # rather than of what happened within the period.
    cumulative: bool = False


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


def computation_title(rule: Computation) -> str:
    """A computation's title in the reader's language (the catalogue's, else the frameworks' translation)."""
    return str(localize(_(rule.title)))


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


# ---------------------------------------------------------------------------------------------------------------
# The two computations of the programme area: incidents reported, smelters identified


def _day_range(period_start: dt.date, period_end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, day after end) in aware datetimes (UTC), for `created_at` filters."""
    start = dt.datetime.combine(period_start, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(period_end + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    return start, end


def _incidents_method() -> str:
    return _(
        "The incidents of the organisation's incident register (allegations, findings and grievances) recorded in "
        "the period, whatever their status; an incident recorded before or after the period is not counted."
    )


def _incidents_compute(organisation_id: int, period_start: dt.date, period_end: dt.date) -> Computed:
    from hrdd.incidents.models import Incident

    start, end = _day_range(period_start, period_end)
    count = Incident.objects.filter(
        organisation_id=organisation_id, created_at__gte=start, created_at__lt=end
    ).count()
    return Computed(value=Decimal(count), numerator=count, denominator=None, method=_incidents_method())


def _incidents_records(
    organisation_id: int, period_start: dt.date, period_end: dt.date
) -> list[CountedRecord]:
    """The incidents recorded up to the period's end, and those recorded later about something that happened in
    the period; never the reporter's name or contact (only title, status, source and dates are read)."""
    from django.db.models import Q

    from hrdd.incidents.models import Incident

    start, end = _day_range(period_start, period_end)
    rows = (
        Incident.objects.filter(organisation_id=organisation_id)
        .filter(Q(created_at__lt=end) | Q(occurred_on__gte=period_start, occurred_on__lte=period_end))
        .only("public_id", "title", "status", "source", "created_at", "occurred_on")
        .order_by("-created_at", "-id")
    )
    found: list[CountedRecord] = []
    for incident in rows:
        recorded = incident.created_at.astimezone(dt.UTC).date().isoformat()
        what = _("%(status)s, source: %(source)s") % {
            "status": incident.get_status_display(),
            "source": incident.get_source_display(),
        }
        if incident.created_at < start:
            counted = False
            detail = _("recorded on %(day)s, before the period (%(what)s)") % {"day": recorded, "what": what}
        elif incident.created_at >= end:
            counted = False
            detail = _("recorded on %(day)s, after the period (%(what)s)") % {"day": recorded, "what": what}
        else:
            counted, detail = True, _("recorded on %(day)s (%(what)s)") % {"day": recorded, "what": what}
        found.append(CountedRecord(incident.title, incident.get_absolute_url(), counted, detail))
    return found


INCIDENTS_REPORTED = Computation(
    key="incidents_reported",
    title=gettext_noop("Incidents recorded in the incident register"),
    unit="count",
    compute=_incidents_compute,
    records=_incidents_records,
)


def _smelters_method() -> str:
    return _(
        "The share of the smelters and refiners in the organisation's consolidated smelter list (from its "
        "suppliers' CMRT/EMRT files) that are identified: a valid RMI facility id, or a site found in the site "
        "registry."
    )


def _smelters_no_history() -> str:
    return _(
        "The smelter consolidation keeps only the current list, not its history: a period that ended before today "
        "cannot be computed. Enter the figure reported then, if you need it."
    )


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def _smelters_compute(organisation_id: int, period_start: dt.date, period_end: dt.date) -> Computed:
    from django.db.models import Count, Q

    from hrdd.rmi.models import ConsolidatedSmelter

    if period_end < _today():
        return Computed(None, 0, None, _smelters_method(), missing=_smelters_no_history())
    totals = ConsolidatedSmelter.objects.filter(organisation_id=organisation_id).aggregate(
        smelters=Count("id"), identified=Count("id", filter=Q(identified=True))
    )
    smelters, identified = int(totals["smelters"] or 0), int(totals["identified"] or 0)
    if not smelters:
        return Computed(
            None,
            0,
            0,
            _smelters_method(),
            missing=_("No smelter list yet: no supplier's CMRT or EMRT has been consolidated."),
        )
    value = (Decimal(100) * identified / smelters).quantize(Decimal("0.01"))
    return Computed(value=value, numerator=identified, denominator=smelters, method=_smelters_method())


def _smelters_records(
    organisation_id: int, period_start: dt.date, period_end: dt.date
) -> list[CountedRecord]:
    from urllib.parse import urlencode

    from django.urls import reverse

    from hrdd.rmi.models import ConsolidatedSmelter

    if period_end < _today():
        return []
    base = reverse("rmi:smelters")
    found: list[CountedRecord] = []
    rows = ConsolidatedSmelter.objects.filter(organisation_id=organisation_id).order_by("metal", "name", "id")
    for smelter in rows.only("metal", "name", "cid", "site_id", "identified"):
        url = f"{base}?{urlencode({'metal': smelter.metal, 'query': smelter.cid or smelter.name})}"
        if smelter.identified and smelter.cid:
            detail = _("identified by its RMI facility id %(cid)s") % {"cid": smelter.cid}
        elif smelter.identified:
            detail = _("identified: found in the site registry")
        else:
            detail = _("not identified: no valid RMI facility id and no site found in the registry")
        found.append(CountedRecord(f"{smelter.metal}: {smelter.name}", url, smelter.identified, detail))
    return found


SMELTERS_IDENTIFIED = Computation(
    key="smelters_identified",
    title=gettext_noop("Smelters and refiners identified"),
    unit="percent",
    compute=_smelters_compute,
    records=_smelters_records,
)


# ---------------------------------------------------------------------------------------------------------------
# A KPI's figure for one period, computed or entered: what pages, the CLI and NGO answers quote


@dataclass(frozen=True)
class KpiFigure:
    """A KPI's figure for the calendar-year period that ends on `period_end`. `value` None: no figure, and
    `missing` says why. `text` is the figure as a sentence part, e.g. "64% (16 of 25) on 2026-12-31"."""

    value: Decimal | None
    unit: str
    period_start: dt.date
    period_end: dt.date
    text: str
    computed: bool
    source: str  # where the figure comes from: the rule and records, or who entered it with which evidence
    numerator: int | None = None
    denominator: int | None = None
    missing: str = ""
    entered_by: str = ""
    entered_at: dt.datetime | None = None
    cumulative: bool = False  # a count of everything up to the period's end, not only within the period

    @property
    def headline(self) -> str:
        """The value alone, as a dashboard shows it big: "64%", "12"; "—" for none (in the reader's format)."""
        return said_figure(self.value, self.unit)

    @property
    def detail(self) -> str:
        """What the value is: "16 of 25 on 2026-12-31", "from 2026-01-01 to 2026-11-30"."""
        if self.value is None:
            return self.missing
        end = self.period_end.isoformat()
        if self.unit == "percent":
            if self.numerator is not None and self.denominator:
                return _("%(numerator)s of %(denominator)s on %(end)s") % {
                    "numerator": number_format(self.numerator),
                    "denominator": number_format(self.denominator),
                    "end": end,
                }
            return _("on %(end)s") % {"end": end}
        if self.cumulative:
            return _("in all by %(end)s") % {"end": end}
        return _("from %(start)s to %(end)s") % {"start": self.period_start.isoformat(), "end": end}

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready form (e.g. an NGO answer's evidence snapshot)."""
        return {
            "value": None if self.value is None else str(self.value),
            "unit": self.unit,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "text": self.text,
            "computed": self.computed,
            "source": self.source,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "missing": self.missing,
            "entered_by": self.entered_by,
            "entered_at": self.entered_at.isoformat() if self.entered_at else None,
        }


def format_value(value: Decimal | None, unit: str) -> str:
    """A value as people read it: "64%" or "64.5%", "12"; "—" for none."""
    if value is None:
        return "—"
    number = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    text = f"{number:f}"
    return f"{text}%" if unit == "percent" else text


def said_figure(value: Decimal | None, unit: str) -> str:
    """A value as the reader's language writes it: "64.5%" in English, "64,5%" in Dutch, "64,5 %" in French (as
    its catalogue says); "—" for none."""
    if value is None:
        return "—"
    shown = said_value(value, unit)
    if isinstance(shown, str):
        return str(localize(shown))
    return number_format(shown)


def figure_text(
    value: Decimal | None,
    unit: str,
    period_start: dt.date,
    period_end: dt.date,
    numerator: int | None = None,
    denominator: int | None = None,
    cumulative: bool = False,
) -> str:
    """The figure in words: a share on the period's last day, a count over the period (or, cumulative, everything
    counted up to its last day)."""
    start, end = period_start.isoformat(), period_end.isoformat()
    if value is None:
        return _("no figure for %(start)s to %(end)s") % {"start": start, "end": end}
    shown = said_figure(value, unit)
    if unit == "percent":
        if numerator is not None and denominator:
            return _("%(value)s (%(numerator)s of %(denominator)s) on %(end)s") % {
                "value": shown,
                "numerator": number_format(numerator),
                "denominator": number_format(denominator),
                "end": end,
            }
        return _("%(value)s on %(end)s") % {"value": shown, "end": end}
    if cumulative:
        return _("%(value)s in all by %(end)s") % {"value": shown, "end": end}
    return _("%(value)s from %(start)s to %(end)s") % {"value": shown, "start": start, "end": end}


def not_available(key: str) -> str:
    """Why a computed KPI has no figure when its computation is not installed."""
    return _("The computation %(key)s is not available yet in this installation.") % {"key": repr(key)}


def year_period(year: int, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The period of a calendar year: 1 January to 31 December, or to today for the current year (to date)."""
    today = today or _today()
    end = dt.date(year, 12, 31)
    if year == today.year:
        end = today
    return dt.date(year, 1, 1), end


def computed_figure(kpi: object, period_start: dt.date, period_end: dt.date) -> KpiFigure:
    """The figure of a computed KPI (a `Kpi` with `computation` and `programme`) for one period."""
    key = str(getattr(kpi, "computation", ""))
    unit = str(getattr(kpi, "unit", "count"))
    organisation_id = int(kpi.programme.organisation_id)  # type: ignore[attr-defined]
    try:
        rule = computation(key)
    except (UnknownComputation, ImportError, AttributeError):
        why = not_available(key)
        return KpiFigure(
            None,
            unit,
            period_start,
            period_end,
            _("not available yet (%(key)s)") % {"key": key},
            True,
            why,
            missing=why,
        )
    result = rule.compute(organisation_id, period_start, period_end)
    text = (
        figure_text(
            result.value,
            unit,
            period_start,
            period_end,
            result.numerator,
            result.denominator,
            cumulative=rule.cumulative,
        )
        if result.value is not None
        else _("no figure: %(why)s") % {"why": result.missing}
    )
    return KpiFigure(
        value=result.value,
        unit=unit,
        period_start=period_start,
        period_end=period_end,
        text=text,
        computed=True,
        source=_("Computed by hrdd: %(title)s. %(method)s")
        % {"title": computation_title(rule), "method": result.method},
        numerator=result.numerator,
        denominator=result.denominator,
        missing=result.missing,
        cumulative=rule.cumulative,
    )


def entered_figure(
    kpi: object, value: object | None, period_start: dt.date, period_end: dt.date
) -> KpiFigure:
    """The figure of an entered KPI from its stored `KpiValue` (or the absence of one)."""
    unit = str(getattr(kpi, "unit", "count"))
    if value is None:
        why = _("No value was entered for %(start)s to %(end)s.") % {
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
        }
        return KpiFigure(None, unit, period_start, period_end, _("no value entered"), False, why, missing=why)
    v: Any = value
    evidence = [
        part
        for part in (
            v.document_name and _("document %(name)s") % {"name": v.document_name},
            v.evidence_url and _("link %(url)s") % {"url": v.evidence_url},
            v.evidence_page and _("page %(page)s") % {"page": v.evidence_page},
            v.evidence_note and _("note: %(note)s") % {"note": v.evidence_note},
        )
        if part
    ]
    who = (v.entered_by.get_full_name() or v.entered_by.email) if v.entered_by_id else _("unknown")
    values = {"who": who, "day": f"{v.entered_at:%Y-%m-%d}", "evidence": "; ".join(evidence)}
    if evidence:
        source = _("Entered by %(who)s on %(day)s; evidence: %(evidence)s") % values
    else:
        source = _("Entered by %(who)s on %(day)s; no evidence given") % values
    return KpiFigure(
        value=Decimal(v.value),
        unit=unit,
        period_start=v.period_start,
        period_end=v.period_end,
        text=figure_text(Decimal(v.value), unit, v.period_start, v.period_end, v.numerator, v.denominator),
        computed=False,
        source=source,
        numerator=v.numerator,
        denominator=v.denominator,
        entered_by=who,
        entered_at=v.entered_at,
    )


def kpi_figure(kpi: object, period_end: dt.date) -> KpiFigure:
    """The KPI's figure for the calendar-year period that ends on `period_end` (1 January of that year to that
    day): computed from records for a computed KPI, else the value entered for that period."""
    period_start = dt.date(period_end.year, 1, 1)
    if getattr(kpi, "computation", ""):
        return computed_figure(kpi, period_start, period_end)
    stored = (
        kpi.values.select_related("entered_by")  # type: ignore[attr-defined]
        .filter(period_end=period_end)
        .first()
    )
    if stored is None:
        # a value entered for the whole year answers for any day of it
        stored = (
            kpi.values.select_related("entered_by")  # type: ignore[attr-defined]
            .filter(period_start__lte=period_end, period_end__gte=period_end)
            .order_by("-period_end")
            .first()
        )
    return entered_figure(kpi, stored, period_start, period_end)
