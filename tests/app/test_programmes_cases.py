"""Child-labour cases, the strictest confidentiality in hrdd: who sees case records (per role of the owner, and
another organisation), identity notes never in an export, the API, the audit log, the aggregates or the KPI's
records; small cells hidden; the validation, stale saves, follow-ups; and the KPI "children supported"."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import NotFound
from hrdd.programmes import cases as services
from hrdd.programmes.kpis import computation
from hrdd.programmes.models import ChildLabourCase
from tests.factories import ChildLabourCaseFactory, OrganisationFactory, SiteFactory, UserFactory

D = dt.date
SECRET = "Mwamba K., born 2013, daughter of the pit foreman at shaft 3"
CASE_ROLES = ["admin", "sourcing_manager"]
COUNT_ROLES = ["procurement_officer", "contract_manager", "viewer"]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner(db):
    return OrganisationFactory(name="Minerals Trader SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def people(owner):
    return {
        role: UserFactory(email=f"{role}@trader.example", organisation=owner, role=role) for role in User.Role
    }


@pytest.fixture
def manager(people):
    return people["sourcing_manager"]


@pytest.fixture
def mine(db):
    return SiteFactory(name="Kasulo artisanal site", site_type="mine", is_artisanal=True, country_iso3="COD")


@pytest.fixture
def case(manager, mine):
    return services.case_create(
        actor=manager,
        reference="KOL-2026-001",
        site=mine,
        age_band="under_15",
        identified_on=D(2026, 2, 3),
        remediation_partner="Congo Children Trust",
        support=["schooling", "health_care"],
        status="supported",
        supported_on=D(2026, 3, 1),
        next_follow_up=D(2026, 4, 1),
        identity_notes=SECRET,
    )


# -- who sees what -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CASE_ROLES)
def test_administrators_and_sourcing_managers_see_the_case_and_its_identity(people, case, role):
    client = client_for(people[role])

    listed = client.get(reverse("programmes:cases")).content.decode()
    page = client.get(case.get_absolute_url())

    assert "KOL-2026-001" in listed and SECRET not in listed
    assert page.status_code == 200 and SECRET in page.content.decode()
    assert page["Cache-Control"] == "no-store"
    assert services.may_see_cases(people[role])


@pytest.mark.parametrize("role", COUNT_ROLES)
def test_other_roles_of_the_owner_see_counts_only(people, case, role):
    client = client_for(people[role])

    listed = client.get(reverse("programmes:cases"))
    text = listed.content.decode()

    assert listed.status_code == 200 and 'id="counts-only"' in text and 'id="cases-total"' in text
    assert "KOL-2026-001" not in text and SECRET not in text and "Kasulo" not in text
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("programmes:case_edit", args=[case.public_id])).status_code == 404
    assert client.get(reverse("programmes:case_export", args=["xlsx"])).status_code == 403
    assert client.get(reverse("programmes:case_create")).status_code == 403
    assert not services.may_see_cases(people[role])
    with pytest.raises(PermissionDenied):
        services.case_list(user=people[role])


@pytest.mark.parametrize("role", ["admin", "sourcing_manager", "viewer"])
def test_another_organisation_sees_nothing_of_them(case, role):
    stranger = UserFactory(email=f"{role}@elsewhere.example", organisation=OrganisationFactory(), role=role)
    client = client_for(stranger)

    listed = client.get(reverse("programmes:cases")).content.decode()

    assert "KOL-2026-001" not in listed and SECRET not in listed
    assert '<dd id="cases-total">0</dd>' in listed
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.post(reverse("programmes:case_follow_up", args=[case.public_id]), {}).status_code == 404
    with pytest.raises(NotFound):
        services.case_get(user=stranger, public_id=case.public_id)


def test_a_procurement_officer_may_not_record_a_case_though_a_writer(people):
    with pytest.raises(PermissionDenied):
        services.case_create(
            actor=people["procurement_officer"],
            reference="X-1",
            country="COD",
            age_band="under_15",
            identified_on=D(2026, 1, 1),
            remediation_partner="Congo Children Trust",
        )


# -- identity never leaves the case page -------------------------------------------------------------------------


def test_the_exports_carry_no_identity_and_no_follow_up_notes(manager, case):
    services.case_follow_up_add(
        actor=manager, case=case, on=D(2026, 3, 20), note="Visited at home near shaft 3"
    )
    client = client_for(manager)

    xlsx = client.get(reverse("programmes:case_export", args=["xlsx"]))
    text = client.get(reverse("programmes:case_export", args=["csv"])).content.decode()

    workbook = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [
        str(v) for ws in workbook for row in ws.iter_rows(values_only=True) for v in row if v is not None
    ]
    assert "KOL-2026-001" in cells and "Congo Children Trust" in cells
    assert not any("Mwamba" in c or "shaft 3" in c for c in cells)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "KOL-2026-001" and rows[1][-2] == "1"  # one follow-up, counted, not quoted
    assert "Mwamba" not in text and "shaft 3" not in text
    assert "identity" not in ",".join(rows[0]).lower()


def test_the_audit_log_records_that_identity_changed_never_what_it_says(manager, case):
    services.case_update(actor=manager, case=case, version=1, identity_notes=SECRET + " (moved to Likasi)")
    services.case_follow_up_add(actor=manager, case=case, on=D(2026, 3, 20), note="Mwamba attends school")

    events = list(AuditEvent.objects.filter(target_type="programmes.childlabourcase"))

    assert {e.action for e in events} == {
        "child_labour_case.create",
        "child_labour_case.update",
        "child_labour_case.follow_up",
    }
    everything = repr([(e.before, e.after) for e in events])
    assert "Mwamba" not in everything and "Likasi" not in everything
    update = next(e for e in events if e.action == "child_labour_case.update")
    assert update.after["identity_notes"] == "changed"
    assert (
        next(e for e in events if e.action == "child_labour_case.create").after["identity_notes"]
        == "recorded"
    )
    page = client_for(manager).get(reverse("audit")).content.decode()
    assert "Mwamba" not in page


def test_the_api_carries_no_identity_and_answers_only_the_case_roles(people, case):
    answer = client_for(people["sourcing_manager"]).get("/api/v1/programmes/cases")
    refused = client_for(people["viewer"]).get("/api/v1/programmes/cases")
    counts = client_for(people["viewer"]).get("/api/v1/programmes/cases/aggregates")

    assert answer.status_code == 200 and answer.json()["items"][0]["reference"] == "KOL-2026-001"
    assert "Mwamba" not in answer.content.decode() and "identity" not in answer.content.decode()
    assert refused.status_code == 403
    assert counts.status_code == 200 and counts.json()["total"] == 1
    assert "KOL-2026-001" not in counts.content.decode() and "Mwamba" not in counts.content.decode()


def test_the_kpis_records_are_references_only_and_hidden_from_other_roles(people, case):
    records = computation("children_supported").records(case.organisation_id, D(2026, 1, 1), D(2026, 12, 31))

    assert [(r.label, r.url, r.counted) for r in records] == [("KOL-2026-001", case.get_absolute_url(), True)]
    assert "Mwamba" not in repr(records)
    for role in COUNT_ROLES:
        assert (
            services.children_supported_records_for(
                people[role], case.organisation_id, D(2026, 1, 1), D(2026, 12, 31)
            )
            == []
        )
    manager = people["sourcing_manager"]
    assert (
        len(
            services.children_supported_records_for(
                manager, case.organisation_id, D(2026, 1, 1), D(2026, 12, 31)
            )
        )
        == 1
    )


# -- aggregates --------------------------------------------------------------------------------------------------


def test_small_cells_are_shown_as_fewer_than_five(owner, people):
    for _ in range(7):
        ChildLabourCaseFactory(
            organisation=owner,
            country_iso3="COD",
            remediation_partner="Congo Children Trust",
            status="supported",
            supported_on=D(2026, 1, 10),
            identity_notes=SECRET,
        )
    for _ in range(2):
        ChildLabourCaseFactory(
            organisation=owner,
            country_iso3="ZMB",
            remediation_partner="Child Rights Action Hub",
            identity_notes=SECRET,
        )

    found = services.case_aggregates(owner.pk, until=D(2026, 12, 31))
    page = client_for(people["viewer"]).get(reverse("programmes:cases")).content.decode()

    assert found.total == 9 and found.supported == 7
    assert found.total_shown == 9 and found.supported_shown == 7
    by_country = next(b for b in found.breakdowns if b.title == "By country").cells
    assert [cell.hidden for _label, cell in by_country] == [
        True,
        True,
    ]  # 2 hidden, so 7 = 9 - 2 is hidden too
    cells = [cell.count for b in found.breakdowns for _label, cell in b.cells]
    assert 2 not in cells and 7 not in cells
    assert "fewer than 5" in page and SECRET not in page


def test_a_total_below_five_is_hidden_too_since_one_country_would_give_it_away(owner, people):
    ChildLabourCaseFactory(
        organisation=owner, country_iso3="COD", status="supported", supported_on=D(2026, 1, 1)
    )

    found = services.case_aggregates(owner.pk, until=D(2026, 12, 31))
    page = client_for(people["viewer"]).get(reverse("programmes:cases")).content.decode()

    assert found.total_shown is None and found.supported_shown is None
    assert '<dd id="cases-total">fewer than 5</dd>' in page


def test_a_lone_small_cell_hides_a_second_so_it_cannot_be_worked_out(owner):
    for _ in range(9):
        ChildLabourCaseFactory(organisation=owner, status="supported", supported_on=D(2026, 1, 10))
    for _ in range(6):
        ChildLabourCaseFactory(organisation=owner, status="referred")
    ChildLabourCaseFactory(organisation=owner, status="lost")

    by_status = dict(services.case_aggregates(owner.pk, until=D(2026, 12, 31)).breakdowns[0].cells)

    assert by_status["Lost to follow-up"].count is None
    assert by_status["Referred to the remediation partner"].count is None  # else 1 = 16 - 9 - 6
    assert by_status["Out of child labour and supported"].count == 9


# -- validation, stale saves, follow-ups -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"status": "supported"}, "supported_on"),
        ({"supported_on": D(2025, 1, 1)}, "supported_on"),  # before it was identified
        ({"identified_on": D(2099, 1, 1)}, "identified_on"),
        ({"support": ["cash_for_silence"]}, "support"),
        ({"age_band": "adult"}, "age_band"),
        ({"country": "Atlantis"}, "country"),
        ({"reference": ""}, "reference"),
    ],
)
def test_a_case_that_does_not_hold_together_is_refused_naming_the_field(manager, values, field):
    values = {
        "reference": "KOL-9",
        "country": "COD",
        "age_band": "15_17",
        "identified_on": D(2026, 2, 1),
        "remediation_partner": "Centre d'éveil de la Femme",
        **values,
    }
    with pytest.raises(services.CaseError) as refused:
        services.case_create(actor=manager, **values)

    assert refused.value.field == field
    assert not ChildLabourCase.objects.exists()


def test_a_case_is_at_a_mine_not_a_factory(manager):
    factory = SiteFactory(name="Assembly plant", site_type="final_assembly")

    with pytest.raises(services.CaseError) as refused:
        services.case_create(
            actor=manager, reference="K-1", site=factory, age_band="under_15", identified_on=D(2026, 1, 1),
            remediation_partner="Congo Children Trust",
        )  # fmt: skip

    assert refused.value.field == "site"


def test_a_reference_is_used_once(manager, case):
    with pytest.raises(services.CaseError) as refused:
        services.case_create(
            actor=manager, reference="KOL-2026-001", country="COD", age_band="under_15",
            identified_on=D(2026, 1, 1), remediation_partner="Congo Children Trust",
        )  # fmt: skip

    assert refused.value.field == "reference"


def test_a_stale_save_is_refused_and_keeps_the_typing(manager, case):
    services.case_update(
        actor=manager, case=case, version=1, remediation_partner="Child Rights Action Hub DRC"
    )

    sent = client_for(manager).post(
        reverse("programmes:case_edit", args=[case.public_id]),
        {
            "reference": "KOL-2026-001",
            "status": "supported",
            "age_band": "under_15",
            "country": "COD",
            "identified_on": "2026-02-03",
            "remediation_partner": "My partner",
            "supported_on": "2026-03-01",
            "version": "1",
        },  # fmt: skip
    )

    assert sent.status_code == 400
    assert (
        "Someone else saved this case" in sent.content.decode()
        and 'value="My partner"' in sent.content.decode()
    )
    case.refresh_from_db()
    assert case.remediation_partner == "Child Rights Action Hub DRC"


def test_a_follow_up_is_added_and_an_overdue_one_is_highlighted(manager, case):
    client = client_for(manager)

    before = client.get(case.get_absolute_url()).content.decode()
    sent = client.post(
        reverse("programmes:case_follow_up", args=[case.public_id]),
        {
            "on": "2026-04-02",
            "note": "Back at school; the family joined a savings group.",
            "next_follow_up": "2099-07-01",
        },
    )
    after = client.get(case.get_absolute_url()).content.decode()

    assert 'id="overdue"' in before  # the follow-up of 2026-04-01 is past
    assert sent.status_code == 302
    assert "savings group" in after and 'id="overdue"' not in after
    case.refresh_from_db()
    assert case.next_follow_up == D(2099, 7, 1)


def test_the_form_records_a_case(manager, mine):
    sent = client_for(manager).post(
        reverse("programmes:case_create"),
        {
            "reference": "KOL-2026-050",
            "status": "referred",
            "age_band": "15_17",
            "site": mine.get_absolute_url(),
            "identified_on": "2026-03-01",
            "remediation_partner": "Congo Children Trust",
            "support": ["schooling", "psychosocial"],
            "identity_notes": SECRET,
        },  # fmt: skip
    )

    made = ChildLabourCase.objects.get()
    assert sent.status_code == 302 and sent["Location"] == made.get_absolute_url()
    assert made.country_iso3 == "COD" and made.support == ["schooling", "psychosocial"]
    assert made.identity_notes == SECRET


def test_the_lists_query_count_does_not_grow_with_its_rows(manager, django_assert_max_num_queries):
    client = client_for(manager)
    url = reverse("programmes:cases")

    def fill(n):
        for _ in range(n):
            ChildLabourCaseFactory(organisation=manager.organisation, site=SiteFactory(site_type="mine"))

    fill(2)
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    fill(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


# -- the KPI -----------------------------------------------------------------------------------------------------


def test_the_kpi_counts_supported_and_completed_cases_supported_by_the_periods_end(owner):
    ChildLabourCaseFactory(organisation=owner, reference="A", status="supported", supported_on=D(2026, 3, 1))
    ChildLabourCaseFactory(organisation=owner, reference="B", status="closed", supported_on=D(2025, 6, 1))
    ChildLabourCaseFactory(organisation=owner, reference="C", status="supported", supported_on=D(2027, 1, 2))
    ChildLabourCaseFactory(organisation=owner, reference="D", status="referred")
    ChildLabourCaseFactory(organisation=owner, reference="E", status="lost", supported_on=D(2026, 1, 1))
    ChildLabourCaseFactory(
        reference="F", status="supported", supported_on=D(2026, 1, 1)
    )  # another organisation
    kpi = computation("children_supported")

    computed = kpi.compute(owner.pk, D(2026, 1, 1), D(2026, 12, 31))
    records = kpi.records(owner.pk, D(2026, 1, 1), D(2026, 12, 31))

    assert computed.value == Decimal(2) and computed.denominator is None
    assert [(r.label, r.counted) for r in records] == [
        ("A", True), ("B", True), ("C", False), ("D", False), ("E", False),
    ]  # fmt: skip
    assert "after the period" in records[2].detail
    assert kpi.compute(owner.pk, D(2025, 1, 1), D(2025, 12, 31)).value == Decimal(1)
