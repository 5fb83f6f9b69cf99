"""Reads of the programme area: the organisation's programmes, one programme's dashboard (each KPI's figures per
year with its status and reasons), a KPI's records counted and not counted, the public page and the join
requests. A KPI's figure comes from its computation (a fixed number of queries whatever the number of records) or
from the values entered (read in one query for the whole programme): a page's queries do not grow with its rows."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.core.errors import NotFound
from hrdd.core.texts import localize
from hrdd.domain import programmes as rules
from hrdd.programmes import kpis as computations
from hrdd.programmes.kpis import CountedRecord, KpiFigure
from hrdd.programmes.models import JoinRequest, Kpi, KpiValue, Objective, Programme


def programme_list(*, user: User) -> QuerySet[Programme]:
    """The programmes of the user's organisation, with their numbers of KPIs and unhandled join requests."""
    return Programme.objects.visible_to(user).annotate(
        kpi_count=Count("kpis", distinct=True),
        open_requests=Count("join_requests", filter=Q(join_requests__handled_at__isnull=True), distinct=True),
    )


def programme_get(*, user: User, public_id: Any) -> Programme:
    return Programme.objects.select_related("organisation").get_visible(user, public_id=public_id)  # type: ignore[no-any-return]


def public_programme_get(*, public_id: Any) -> Programme:
    """A programme whose owner made its page public (NotFound otherwise: no hint that it exists)."""
    try:
        return Programme.objects.select_related("organisation").get(public_id=public_id, is_public=True)
    except (Programme.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound("programme") from exc


def kpi_get(*, user: User, public_id: Any) -> Kpi:
    return Kpi.objects.select_related("programme", "programme__organisation", "objective").get_visible(  # type: ignore[no-any-return]
        user, public_id=public_id
    )


def programme_find(*, user: User, reference: str) -> Programme:
    """A programme of the user's organisation by its public id or its exact title (the command line's)."""
    found = Programme.objects.visible_to(user)
    reference = (reference or "").strip()
    try:
        return found.get(public_id=uuid.UUID(reference))  # type: ignore[no-any-return]
    except (ValueError, Programme.DoesNotExist):
        matches = list(found.filter(title__iexact=reference)[:2])
    if len(matches) != 1:
        raise NotFound("programme")
    return matches[0]


def join_requests(programme: Programme) -> QuerySet[JoinRequest]:
    """The programme's join requests, unhandled first, newest first."""
    return programme.join_requests.order_by(F("handled_at").asc(nulls_first=True), "-received_at", "-id")


def join_request_get(*, user: User, public_id: Any) -> JoinRequest:
    return JoinRequest.objects.select_related("programme", "programme__organisation").get_visible(  # type: ignore[no-any-return]
        user, public_id=public_id
    )


# -- figures, statuses and the dashboard ------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigure:
    """One year of a KPI: its figure, the status against the target with reasons, the target set for the year."""

    year: int
    figure: KpiFigure
    status: rules.KpiStatus
    target: Any  # Decimal | None: the target set for that very year
    to_date: bool
    value_record: KpiValue | None = None


@dataclass
class KpiView:
    kpi: Kpi
    spec: rules.KpiSpec
    years: list[YearFigure] = field(default_factory=list)
    spec_problem: str = ""

    @property
    def latest(self) -> YearFigure | None:
        """The newest year with a figure, else the newest year."""
        with_value = [y for y in self.years if y.figure.value is not None]
        if with_value:
            return with_value[-1]
        return self.years[-1] if self.years else None

    @property
    def trajectory(self) -> tuple[tuple[int, Any], ...]:
        return rules.trajectory(self.spec)

    def target_text(self) -> str:
        """The targets per year, "2026: 50%, 2028: 80%" (in the reader's format)."""
        targets = self.spec.sorted_targets()
        if not targets:
            return ""
        return ", ".join(f"{y}: {computations.said_figure(v, self.spec.unit)}" for y, v in targets)


def kpi_spec(kpi: Kpi) -> tuple[rules.KpiSpec, str]:
    """The KPI's unit, direction, baseline and targets as the rules read them (a stored value the rules refuse is
    left out, and the problem said)."""
    try:
        return (
            rules.spec_from_values(
                unit=kpi.unit,
                direction=kpi.direction,
                baseline_value=kpi.baseline_value,
                baseline_year=kpi.baseline_year,
                targets=kpi.targets or {},
            ),
            "",
        )
    except rules.KpiInputError as exc:
        return rules.KpiSpec(kpi.unit, kpi.direction), str(localize(exc.text))


def programme_years_so_far(programme: Programme, today: dt.date) -> list[int]:
    """The programme's years that have begun, oldest first."""
    return [y for y in rules.programme_years(programme.start_year, programme.end_year) if y <= today.year]


def kpi_view(kpi: Kpi, values: Sequence[KpiValue], years: Sequence[int], today: dt.date) -> KpiView:
    """A KPI's figure and status for each year (values: the KPI's entered values, already read)."""
    spec, problem = kpi_spec(kpi)
    view = KpiView(kpi=kpi, spec=spec, spec_problem=problem)
    by_end = {v.period_end: v for v in values}
    targets = dict(spec.targets)
    for year in years:
        start, end, to_date = rules.period_of_year(year, today)
        record = None
        if kpi.computation:
            figure = computations.computed_figure(kpi, start, end)
        else:
            record = by_end.get(dt.date(year, 12, 31))
            figure = computations.entered_figure(kpi, record, dt.date(year, 1, 1), dt.date(year, 12, 31))
            to_date = False
        status = rules.assess_kpi(spec, year, figure.value, to_date=to_date and kpi.unit == rules.COUNT)
        view.years.append(YearFigure(year, figure, status, targets.get(year), to_date, record))
    return view


def _kpis_with_values(queryset: QuerySet[Kpi]) -> QuerySet[Kpi]:
    return queryset.select_related("objective", "programme").prefetch_related(
        Prefetch("values", queryset=KpiValue.objects.select_related("entered_by").order_by("period_end"))
    )


@dataclass
class ObjectiveView:
    objective: Objective | None
    kpis: list[KpiView]


def programme_dashboard(programme: Programme, *, today: dt.date | None = None) -> list[ObjectiveView]:
    """The programme's objectives, each with its KPIs' figures and statuses per year (KPIs without an objective
    last)."""
    today = today or timezone.localdate()
    years = programme_years_so_far(programme, today)
    objectives = list(programme.objectives.order_by("position", "id"))
    grouped: dict[int | None, list[KpiView]] = defaultdict(list)
    for kpi in _kpis_with_values(programme.kpis.order_by("position", "id")):
        kpi.programme = programme
        grouped[kpi.objective_id].append(kpi_view(kpi, list(kpi.values.all()), years, today))
    found = [ObjectiveView(o, grouped.get(o.pk, [])) for o in objectives]
    if grouped.get(None):
        found.append(ObjectiveView(None, grouped[None]))
    return found


def kpi_page_view(kpi: Kpi, *, today: dt.date | None = None) -> KpiView:
    today = today or timezone.localdate()
    values = list(kpi.values.select_related("entered_by").order_by("period_end"))
    return kpi_view(kpi, values, programme_years_so_far(kpi.programme, today), today)


# Computations whose records some roles may not see (the figure stays visible to every reader of the programme):
# key -> the dotted path of a function user -> bool.
RECORD_GUARDS = {"children_supported": "hrdd.programmes.cases.may_see_cases"}


def _confidential_records() -> str:
    return _(
        "These records are confidential: only the organisation's administrators and responsible-sourcing managers "
        "see which records are counted. The figure above is the count."
    )


def may_see_records(user: Any, kpi: Kpi) -> bool:
    """Whether the user may see the records a computed KPI counts (not only its figure)."""
    from django.utils.module_loading import import_string

    path = RECORD_GUARDS.get(kpi.computation)
    if path is None:
        return True
    try:
        guard = import_string(path)
    except ImportError:
        return False
    return bool(guard(user)) and getattr(user, "organisation_id", None) == kpi.programme.organisation_id


def kpi_records(
    kpi: Kpi, year: int, *, user: Any, today: dt.date | None = None
) -> tuple[list[CountedRecord], str]:
    """The records a computed KPI looked at for a year, counted first, with the reason each was or was not counted;
    and, when there are none to show, why ('' otherwise). Confidential records are shown only to the roles their
    area allows."""
    today = today or timezone.localdate()
    start, end, _to_date = rules.period_of_year(year, today)
    if not may_see_records(user, kpi):
        return [], _confidential_records()
    try:
        rule = computations.computation(kpi.computation)
    except (computations.UnknownComputation, ImportError, AttributeError):
        return [], computations.not_available(kpi.computation)
    rows = list(rule.records(kpi.programme.organisation_id, start, end))
    rows.sort(key=lambda r: not r.counted)
    return rows, ""
