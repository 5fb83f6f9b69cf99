"""`hrdd programmes`: the templates, the organisation's programmes, each KPI's figure with status and reasons;
bad input exits 2 with a message naming the argument."""

import json

import pytest
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.programmes import services
from tests.cli_support import assert_refused, ok
from tests.factories import OrganisationFactory, UserFactory

YEAR = timezone.localdate().year


@pytest.fixture
def manager(db):
    trader = OrganisationFactory(name="Mineral Trader SA", kind=Organisation.Kind.COMPANY)
    return UserFactory(email="rs@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def programme(manager):
    made = services.programme_create(
        actor=manager, template_key="ixm", title="Minerals 2028", start_year=YEAR - 1, end_year=YEAR + 2
    )
    trained = made.kpis.get(key="employees_trained")
    services.kpi_update(
        actor=manager,
        kpi=trained,
        name=trained.name,
        direction="increase",
        baseline_value="20",
        baseline_year=YEAR - 2,
        targets={str(YEAR + 2): "100"},
    )
    services.kpi_value_enter(
        actor=manager, kpi=trained, year=YEAR - 1, value="30", evidence_page="HR report p. 2"
    )
    return made


def test_templates_lists_the_shipped_templates(cli):
    data = json.loads(ok(cli("programmes", "templates", "--json")).stdout)
    assert {t["key"] for t in data} >= {"ixm", "oecd-five-steps"}
    ixm = next(t for t in data if t["key"] == "ixm")
    assert len(ixm["kpis"]) == 6 and "002_c0a78e5a977914cd" in ixm["source"]


def test_list_shows_the_organisations_programmes_only(cli, manager, programme):
    other = UserFactory(organisation=OrganisationFactory(kind=Organisation.Kind.COMPANY))
    services.programme_create(
        actor=other, template_key="ixm", title="Not yours", start_year=YEAR, end_year=YEAR
    )
    data = json.loads(ok(cli("programmes", "list", "--as", manager.email, "--json")).stdout)
    assert [p["title"] for p in data] == ["Minerals 2028"]
    assert data[0]["kpis"] == 6


def test_kpis_gives_each_figure_with_its_status_and_reasons(cli, manager, programme):
    result = ok(
        cli("programmes", "kpis", "Minerals 2028", "--as", manager.email, "--year", YEAR - 1, "--json")
    )
    data = json.loads(result.stdout)
    trained = next(k for k in data["kpis"] if k["key"] == "employees_trained")
    assert trained["figure"]["text"] == f"30% on {YEAR - 1}-12-31"
    assert (
        trained["status"]["status"] == "behind"
    )  # the trajectory from 20% expects 40% after one of four years
    assert any("baseline: 20%" in r for r in trained["status"]["reasons"])
    assert "HR report p. 2" in trained["figure"]["source"]


def test_kpis_prints_a_table(cli, manager, programme):
    out = ok(cli("programmes", "kpis", str(programme.public_id), "--as", manager.email)).stdout
    assert "% employees trained" in out and "Behind" in out


def test_an_unknown_programme_exits_2_naming_it(cli, manager):
    assert_refused(cli("programmes", "kpis", "Nothing", "--as", manager.email), "PROGRAMME", "Nothing")


def test_a_year_outside_the_programme_exits_2(cli, manager, programme):
    assert_refused(
        cli("programmes", "kpis", "Minerals 2028", "--as", manager.email, "--year", 1999), "--year"
    )
