"""The programme area's computed KPIs (incidents reported, smelters identified), `kpi_figure`, and the other
areas' computations once their modules exist."""

import datetime as dt
import importlib.util
from decimal import Decimal

import pytest
from django.utils import timezone

from hrdd.programmes import kpis
from hrdd.programmes.kpis import COMPUTATIONS, computation, kpi_figure
from tests.factories import (
    ConsolidatedSmelterFactory,
    IncidentFactory,
    KpiFactory,
    KpiValueFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def _incident(organisation, recorded: dt.date, **extra):
    incident = IncidentFactory(organisation=organisation, **extra)
    type(incident).objects.filter(pk=incident.pk).update(created_at=_at(recorded))
    incident.refresh_from_db()
    return incident


# -- incidents reported ------------------------------------------------------------------------------------------


def test_incidents_reported_counts_the_incidents_recorded_in_the_period():
    # given
    org, other = OrganisationFactory(), OrganisationFactory()
    _incident(org, dt.date(2025, 12, 31), title="Last year")
    _incident(org, dt.date(2026, 1, 1), title="First day")
    _incident(org, dt.date(2026, 12, 31), title="Last day")
    _incident(org, dt.date(2027, 1, 2), title="Next year", occurred_on=dt.date(2026, 6, 1))
    _incident(other, dt.date(2026, 5, 5), title="Someone else's")
    # when
    result = computation("incidents_reported").compute(org.pk, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # then
    assert result.value == Decimal(2)
    assert result.denominator is None


def test_incidents_reported_lists_what_it_counted_and_why_not_the_rest():
    org = OrganisationFactory()
    counted = _incident(org, dt.date(2026, 3, 1), title="Counted one")
    _incident(org, dt.date(2025, 3, 1), title="Too early")
    _incident(org, dt.date(2027, 2, 1), title="Late report", occurred_on=dt.date(2026, 6, 1))
    _incident(org, dt.date(2027, 2, 1), title="Unrelated later")
    rows = {
        r.label: r
        for r in kpis.INCIDENTS_REPORTED.records(org.pk, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    }
    assert set(rows) == {"Counted one", "Too early", "Late report"}
    assert rows["Counted one"].counted and rows["Counted one"].url == counted.get_absolute_url()
    assert not rows["Too early"].counted and "before the period" in rows["Too early"].detail
    assert not rows["Late report"].counted and "after the period" in rows["Late report"].detail


def test_incidents_reported_never_shows_the_reporter():
    org = OrganisationFactory()
    _incident(
        org,
        dt.date(2026, 3, 1),
        reporter_anonymous=False,
        reporter_name="Jean Secret",
        reporter_contact="+243 1",
    )
    rows = kpis.INCIDENTS_REPORTED.records(org.pk, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    text = " ".join(f"{r.label} {r.detail} {r.url}" for r in rows)
    assert "Jean Secret" not in text and "+243" not in text


# -- smelters identified ----------------------------------------------------------------------------------------


def test_smelters_identified_is_the_share_of_identified_smelters_today():
    org = OrganisationFactory()
    for n in range(3):
        ConsolidatedSmelterFactory(organisation=org, identified=True, cid=f"CID00000{n}")
    ConsolidatedSmelterFactory(organisation=org, identified=False, name="Unknown works")
    ConsolidatedSmelterFactory(identified=False)  # another organisation's
    today = timezone.localdate()
    result = computation("smelters_identified").compute(org.pk, dt.date(today.year, 1, 1), today)
    assert (result.value, result.numerator, result.denominator) == (Decimal("75.00"), 3, 4)
    rows = kpis.SMELTERS_IDENTIFIED.records(org.pk, dt.date(today.year, 1, 1), today)
    unknown = next(r for r in rows if r.label == "Cobalt: Unknown works")
    assert not unknown.counted and "not identified" in unknown.detail
    assert "query=Unknown+works" in unknown.url


def test_smelters_identified_has_no_figure_for_a_past_period():
    org = OrganisationFactory()
    ConsolidatedSmelterFactory(organisation=org, identified=True)
    result = computation("smelters_identified").compute(org.pk, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert result.value is None
    assert "history" in result.missing
    assert kpis.SMELTERS_IDENTIFIED.records(org.pk, dt.date(2020, 1, 1), dt.date(2020, 12, 31)) == []


def test_smelters_identified_without_a_list_says_so():
    today = timezone.localdate()
    result = computation("smelters_identified").compute(
        OrganisationFactory().pk, dt.date(today.year, 1, 1), today
    )
    assert result.value is None and "No smelter list" in result.missing


# -- kpi_figure -------------------------------------------------------------------------------------------------


def test_kpi_figure_of_an_entered_kpi_quotes_the_value_and_its_evidence():
    user = UserFactory(first_name="Ada", last_name="Mensah")
    kpi = KpiFactory(unit="percent")
    KpiValueFactory(
        kpi=kpi,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal("64"),
        numerator=16,
        denominator=25,
        evidence_url="https://example.org/report.pdf",
        evidence_page="p. 12",
        entered_by=user,
    )
    figure = kpi_figure(kpi, dt.date(2026, 12, 31))
    assert figure.text == "64% (16 of 25) on 2026-12-31"
    assert figure.value == Decimal(64) and not figure.computed
    assert "Ada Mensah" in figure.source and "p. 12" in figure.source and "report.pdf" in figure.source
    assert figure.as_dict()["value"] == "64.00"


def test_kpi_figure_without_a_value_says_none_was_entered():
    figure = kpi_figure(KpiFactory(), dt.date(2026, 12, 31))
    assert figure.value is None and "No value was entered" in figure.missing


def test_kpi_figure_of_a_computed_count_covers_the_calendar_year():
    programme = ProgrammeFactory()
    kpi = KpiFactory(programme=programme, unit="count", computation="incidents_reported")
    _incident(programme.organisation, dt.date(2026, 4, 1))
    figure = kpi_figure(kpi, dt.date(2026, 12, 31))
    assert figure.computed and figure.value == Decimal(1)
    assert figure.text == "1 from 2026-01-01 to 2026-12-31"
    assert "incident register" in figure.source


def test_kpi_figure_of_a_computation_not_installed_is_not_available_yet(monkeypatch):
    monkeypatch.setitem(COMPUTATIONS, "not_yet", "hrdd.programmes.nowhere.NOT_YET")
    kpi = KpiFactory(computation="not_yet")
    figure = kpi_figure(kpi, dt.date(2026, 12, 31))
    assert figure.value is None and "not available yet" in figure.text


# -- the other areas' computations, tested here once their modules exist ------------------------------------------


OTHER_AREAS = {
    "high_risk_suppliers_assessed": "hrdd.programmes.diligence",
    "capacity_building_enrolled": "hrdd.programmes.diligence",
    "copper_mark_or_equivalent": "hrdd.programmes.certifications",
    "children_supported": "hrdd.programmes.cases",
}


@pytest.mark.parametrize("key", sorted(OTHER_AREAS))
def test_every_registered_computation_is_found_and_answers_for_an_empty_organisation(key):
    if importlib.util.find_spec(OTHER_AREAS[key]) is None:
        pytest.skip(f"{OTHER_AREAS[key]} is not written yet")
    rule = computation(key)
    org = OrganisationFactory()
    result = rule.compute(org.pk, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert rule.unit in ("percent", "count")
    assert result.method
    assert list(rule.records(org.pk, dt.date(2026, 1, 1), dt.date(2026, 12, 31))) == []
