"""Supplier due diligence in the app: sourcing links and the stored tier (refreshed by its own writes and by the
registry's and the RMI uploads' signals), a tier set by hand, assessments from draft to completed with their gaps,
gap mitigation, enrolments and milestones, the walls, the stale saves, the two computed KPIs (and exactly which
records they count) and the pages' query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import NotFound
from hrdd.programmes import diligence as d
from hrdd.programmes.kpis import computation
from hrdd.programmes.models import DiligenceAssessment, Enrolment, Gap, SupplierTier, Tier
from hrdd.rmi.models import Upload
from hrdd.supplier_sites.models import Site
from tests.factories import (
    CompanyFactory,
    CompanyGroupLinkFactory,
    DiligenceAssessmentFactory,
    EnrolmentFactory,
    GapFactory,
    OrganisationFactory,
    SiteFactory,
    SiteGroupFactory,
    SourcingLinkFactory,
    SupplierRequestFactory,
    SupplierTierFactory,
    UploadFactory,
    UploadSmelterFactory,
    UserFactory,
)

TODAY = timezone.localdate()


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Mineral Trader SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def manager(trader):
    return UserFactory(email="sourcing@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def viewer(trader):
    return UserFactory(email="viewer@trader.example", organisation=trader, role=User.Role.VIEWER)


@pytest.fixture
def outsider(db):
    return UserFactory(email="someone@elsewhere.example", organisation=OrganisationFactory(name="Elsewhere"))


@pytest.fixture
def supplier(trader):
    return CompanyFactory(organisation=trader, legal_name="Kolwezi Cobalt Traders SARL", country_iso3="COD")


def answers(value="best"):
    framework = d.get_assessment_framework(d.DEFAULT_ASSESSMENT_FRAMEWORK)
    found = {}
    for question in framework.questions:
        ranked = sorted(question.options, key=lambda o: o.points)
        option = ranked[-1] if value == "best" else ranked[0]
        everything = [o.id for o in question.options] if value == "best" else [option.id]
        found[question.id] = option.id if question.select == "single" else everything
    return found


# -- sourcing links and the tier -----------------------------------------------------------------------------------


def test_a_cobalt_link_from_the_drc_by_artisanal_miners_stores_a_high_tier_with_its_reasons(
    manager, supplier
):
    # when
    d.sourcing_link_add(
        actor=manager, company=supplier, material="cobalt", country_iso3="COD", region="Lualaba", is_asm=True
    )
    # then
    tier = SupplierTier.objects.get(company=supplier)
    assert (tier.tier, tier.computed_tier) == (Tier.HIGH, Tier.HIGH)
    assert [r["code"] for r in tier.reasons] == ["cahra_sourcing", "asm_sourcing", "labour_goods"]
    assert all(r["source"] for r in tier.reasons)
    actions = list(
        AuditEvent.objects.filter(organisation=supplier.organisation).values_list("action", flat=True)
    )
    assert sorted(actions) == ["sourcing_link.add", "supplier_tier.compute"]


def test_a_link_the_country_name_of_which_is_typed_is_stored_as_its_code(manager, supplier):
    link = d.sourcing_link_add(actor=manager, company=supplier, material="copper", country_iso3="Zambia")
    assert link.country_iso3 == "ZMB"
    assert SupplierTier.objects.get(company=supplier).tier == Tier.STANDARD


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"material": "unobtainium", "country_iso3": "COD"}, "material"),
        ({"material": "cobalt", "country_iso3": ""}, "country_iso3"),
        ({"material": "cobalt", "country_iso3": "Atlantis"}, "country_iso3"),
        ({"material": "cobalt", "country_iso3": "COD", "region": "x" * 201}, "region"),
    ],
)
def test_a_bad_link_is_refused_naming_the_field_and_nothing_is_stored(manager, supplier, values, field):
    with pytest.raises(d.DiligenceError) as refused:
        d.sourcing_link_add(actor=manager, company=supplier, **values)
    assert refused.value.field == field
    assert not supplier.sourcing_links.exists()


def test_removing_the_only_link_makes_the_tier_unknown_again(manager, supplier):
    link = d.sourcing_link_add(actor=manager, company=supplier, material="cobalt", country_iso3="COD")
    d.sourcing_link_delete(actor=manager, link=link)
    tier = SupplierTier.objects.get(company=supplier)
    assert tier.tier == Tier.UNKNOWN and tier.reasons[0]["code"] == "nothing_known"


def test_editing_a_link_recomputes_the_tier(manager, supplier):
    link = d.sourcing_link_add(actor=manager, company=supplier, material="copper", country_iso3="ZMB")
    d.sourcing_link_update(actor=manager, link=link, material="copper", country_iso3="COD")
    assert SupplierTier.objects.get(company=supplier).tier == Tier.HIGH


def test_a_viewer_may_not_add_a_link_and_another_organisation_does_not_find_the_supplier(
    viewer, outsider, supplier
):
    with pytest.raises(PermissionDenied):
        d.sourcing_link_add(actor=viewer, company=supplier, material="cobalt", country_iso3="COD")
    with pytest.raises(NotFound):
        d.sourcing_link_add(actor=outsider, company=supplier, material="cobalt", country_iso3="COD")
    with pytest.raises(NotFound):
        d.supplier_get(user=outsider, public_id=supplier.public_id)


def test_a_refresh_that_changes_nothing_records_no_event(manager, supplier):
    d.sourcing_link_add(actor=manager, company=supplier, material="cobalt", country_iso3="COD")
    before = AuditEvent.objects.count()
    d.tier_refresh(supplier)
    assert AuditEvent.objects.count() == before


def test_a_tier_set_by_hand_stays_while_the_computed_one_moves_and_going_back_restores_it(manager, supplier):
    link = d.sourcing_link_add(actor=manager, company=supplier, material="copper", country_iso3="ZMB")
    with pytest.raises(d.DiligenceError) as refused:
        d.tier_override(actor=manager, company=supplier, tier="high", reason=" ")
    assert refused.value.field == "reason"
    d.tier_override(
        actor=manager, company=supplier, tier="high", reason="Our auditor found cobalt in the lots"
    )
    d.sourcing_link_update(actor=manager, link=link, material="copper", country_iso3="CHL")
    tier = SupplierTier.objects.get(company=supplier)
    assert (tier.tier, tier.computed_tier, tier.override_by) == (Tier.HIGH, Tier.STANDARD, manager)
    d.tier_override_clear(actor=manager, company=supplier)
    tier.refresh_from_db()
    assert (tier.tier, tier.override_reason) == (Tier.STANDARD, "")
    assert AuditEvent.objects.filter(action="supplier_tier.override").count() == 1


# -- tiers follow other apps' records (signals) --------------------------------------------------------------------


def test_linking_the_supplier_to_a_group_with_an_artisanal_mine_makes_it_high(
    manager, supplier, django_capture_on_commit_callbacks
):
    group = SiteGroupFactory(name="Kasulo Group")
    SiteFactory(name="Kasulo pit", country_iso3="COD", site_type="mine", is_artisanal=True, operator=group)
    with django_capture_on_commit_callbacks(execute=True):
        CompanyGroupLinkFactory(company=supplier, group=group)
    tier = SupplierTier.objects.get(company=supplier)
    assert tier.tier == Tier.HIGH
    assert {r["code"] for r in tier.reasons} == {"asm_site", "cahra_site"}
    assert "operated by Kasulo Group" in tier.reasons[0]["text"]


def test_a_refiner_added_under_a_subsidiary_of_the_group_reaches_the_supplier(
    supplier, django_capture_on_commit_callbacks
):
    group = SiteGroupFactory(name="Parent Group")
    entity = SiteGroupFactory(name="Refining entity", parent=group)
    with django_capture_on_commit_callbacks(execute=True):
        CompanyGroupLinkFactory(company=supplier, group=group)
    assert SupplierTier.objects.get(company=supplier).tier == Tier.UNKNOWN
    with django_capture_on_commit_callbacks(execute=True):
        site = SiteFactory(
            name="Likasi refinery", country_iso3="COD", site_type="raw_material_processing", operator=entity
        )
    assert SupplierTier.objects.get(company=supplier).tier == Tier.HIGH
    with django_capture_on_commit_callbacks(execute=True):
        Site.objects.get(pk=site.pk).delete()
    assert SupplierTier.objects.get(company=supplier).tier == Tier.UNKNOWN


def test_a_factory_of_the_group_is_not_read(supplier, django_capture_on_commit_callbacks):
    group = SiteGroupFactory(name="Assembly Group")
    CompanyGroupLinkFactory(company=supplier, group=group)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        SiteFactory(name="Plant", country_iso3="COD", site_type="final_assembly", operator=group)
    assert callbacks == []


def test_a_smelter_in_a_cahra_in_the_supplier_s_current_cmrt_makes_it_high(
    supplier, django_capture_on_commit_callbacks
):
    request = SupplierRequestFactory(campaign__organisation=supplier.organisation, company=supplier)
    old = UploadFactory(request=request, number=1, status=Upload.Status.ACCEPTED)
    UploadSmelterFactory(upload=old, metal="Gold", name="Old Refinery", country_iso3="COL")
    with django_capture_on_commit_callbacks(execute=True):
        current = UploadFactory(request=request, number=2, status=Upload.Status.ACCEPTED)
        UploadSmelterFactory(upload=current, metal="Gold", name="Swiss Refinery", country_iso3="CHE")
        request.current_upload = current
        request.save()
    # the older file names a Colombian refiner, but only the current file counts
    assert SupplierTier.objects.get(company=supplier).tier == Tier.STANDARD
    UploadSmelterFactory(upload=current, metal="Tin", name="Rwanda Tin", country_iso3="RWA", row=6)
    tier = d.tier_refresh(supplier)
    assert tier.tier == Tier.HIGH
    assert tier.reasons[0]["code"] == "cahra_smelter" and "Dodd-Frank" in tier.reasons[0]["text"]


def test_tiers_stale_lists_what_a_fresh_computation_would_change(manager, supplier):
    d.sourcing_link_add(actor=manager, company=supplier, material="copper", country_iso3="ZMB")
    assert d.tiers_stale() == []
    SourcingLinkFactory(company=supplier, material="cobalt", country_iso3="COD")  # written behind the service
    assert d.tiers_stale(organisation_id=supplier.organisation_id) == [(supplier, "standard", "high")]
    assert d.tiers_refresh_for(actor=manager) == 1
    assert d.tiers_stale() == []


# -- assessments -----------------------------------------------------------------------------------------------------


def test_an_assessment_from_draft_to_completed_stores_every_point_and_its_gaps(manager, supplier):
    assessment = d.assessment_start(actor=manager, company=supplier, stage="before")
    assert (assessment.status, assessment.framework_version) == ("draft", "2016")
    # a draft of the first section only
    assessment = d.assessment_save(
        actor=manager,
        assessment=assessment,
        answers={"policy": "general", "management": "senior"},
        notes={"policy": "Code of conduct of 2019"},
        version=1,
        section="step1",
    )
    assert assessment.answers == {"policy": ["general"], "management": ["senior"]}
    # completing needs every question
    with pytest.raises(d.DiligenceError) as refused:
        d.assessment_save(actor=manager, assessment=assessment, answers={}, section="step2", complete=True)
    assert refused.value.field == "answers.traceability"
    everything = answers("best") | {"policy": "general", "audit": "none"}
    done = d.assessment_save(
        actor=manager, assessment=assessment, answers=everything, version=2, complete=True
    )
    assert done.status == DiligenceAssessment.Status.COMPLETED
    assert (done.score, done.max_score) == (Decimal("24"), Decimal("29"))
    policy = done.result["questions"][0]
    assert policy["reason"] == "“General code of conduct only” 1 of 3; below 1.5, so a gap"
    assert done.notes == {"policy": "Code of conduct of 2019"}
    assert sorted(Gap.objects.filter(assessment=done).values_list("question_key", flat=True)) == [
        "audit",
        "policy",
    ]
    assert AuditEvent.objects.filter(action="diligence_assessment.complete", target_id=str(done.pk)).exists()
    with pytest.raises(d.DiligenceError, match="completed"):
        d.assessment_save(actor=manager, assessment=done, answers={})


def test_a_stale_assessment_save_is_refused_and_nothing_changes(manager, supplier):
    assessment = d.assessment_start(actor=manager, company=supplier, stage="during")
    d.assessment_save(
        actor=manager, assessment=assessment, answers={"policy": "none"}, version=1, section="step1"
    )
    with pytest.raises(d.StaleEdit):
        d.assessment_save(
            actor=manager, assessment=assessment, answers={"policy": "annex_ii"}, version=1, section="step1"
        )
    assessment.refresh_from_db()
    assert assessment.answers == {"policy": ["none"]}


def test_saving_one_section_keeps_the_others(manager, supplier):
    assessment = d.assessment_start(actor=manager, company=supplier, stage="before")
    d.assessment_save(actor=manager, assessment=assessment, answers={"policy": "none"}, section="step1")
    d.assessment_save(actor=manager, assessment=assessment, answers={"audit": "all"}, section="step4")
    assessment.refresh_from_db()
    assert assessment.answers == {"policy": ["none"], "audit": ["all"]}


def test_an_assessment_of_the_future_or_an_unknown_framework_is_refused(manager, supplier):
    with pytest.raises(d.DiligenceError) as refused:
        d.assessment_start(
            actor=manager, company=supplier, stage="before", assessed_on=TODAY + dt.timedelta(1)
        )
    assert refused.value.field == "assessed_on"
    with pytest.raises(d.DiligenceError) as refused:
        d.assessment_start(actor=manager, company=supplier, stage="before", framework_key="nope")
    assert refused.value.field == "framework_key"


# -- gaps, enrolments, milestones ------------------------------------------------------------------------------------


def test_a_gap_gets_a_mitigation_and_closes_only_with_a_note(manager, supplier):
    gap = GapFactory(assessment=DiligenceAssessmentFactory(company=supplier))
    gap = d.gap_update(
        actor=manager,
        gap=gap,
        strategy="Adopt an Annex II policy with our template",
        owner="Supplier engagement team",
        deadline="2026-06-30",
        status="in_progress",
        version=1,
    )
    assert (gap.status, gap.deadline, gap.version) == ("in_progress", dt.date(2026, 6, 30), 2)
    with pytest.raises(d.DiligenceError) as refused:
        d.gap_update(actor=manager, gap=gap, strategy=gap.strategy, status="closed", version=2)
    assert refused.value.field == "closing_note"
    with pytest.raises(d.StaleEdit):
        d.gap_update(actor=manager, gap=gap, status="open", version=1)
    gap = d.gap_update(
        actor=manager,
        gap=gap,
        strategy=gap.strategy,
        status="closed",
        closing_note="Policy published",
        version=2,
    )
    assert gap.closed_on == TODAY


def test_an_open_gap_past_its_deadline_is_overdue_a_closed_one_is_not():
    assert d.gap_is_overdue(Gap(status="open", deadline=dt.date(2026, 1, 1)), dt.date(2026, 1, 2))
    assert not d.gap_is_overdue(Gap(status="closed", deadline=dt.date(2026, 1, 1)), dt.date(2026, 1, 2))
    assert not d.gap_is_overdue(Gap(status="open", deadline=None), dt.date(2026, 1, 2))


def test_an_enrolment_ends_when_completed_and_a_running_one_has_no_end(manager, supplier):
    enrolment = d.enrolment_create(
        actor=manager, company=supplier, goal="Copper Mark by 2027", enrolled_on="2025-03-01"
    )
    with pytest.raises(d.DiligenceError) as refused:
        d.enrolment_update(
            actor=manager,
            enrolment=enrolment,
            goal="x",
            enrolled_on="2025-03-01",
            status="active",
            ended_on="2026-01-01",
        )
    assert refused.value.field == "ended_on"
    enrolment = d.enrolment_update(
        actor=manager,
        enrolment=enrolment,
        goal="Copper Mark by 2027",
        enrolled_on="2025-03-01",
        status="completed",
        version=1,
    )
    assert enrolment.ended_on == TODAY and enrolment.version == 2
    with pytest.raises(d.StaleEdit):
        d.enrolment_update(
            actor=manager, enrolment=enrolment, goal="y", enrolled_on="2025-03-01", status="left", version=1
        )


def test_milestones_are_added_marked_done_and_overdue_when_late(manager, supplier):
    enrolment = d.enrolment_create(actor=manager, company=supplier, goal="Copper Mark by 2027")
    late = d.milestone_add(
        actor=manager, enrolment=enrolment, title="Self-assessment", due_on=TODAY - dt.timedelta(1)
    )
    assert d.milestone_is_overdue(late)
    done = d.milestone_update(
        actor=manager,
        milestone=late,
        title="Self-assessment",
        due_on=late.due_on,
        done_on=TODAY,
        evidence="report.pdf",
    )
    assert not d.milestone_is_overdue(done)
    with pytest.raises(d.DiligenceError) as refused:
        d.milestone_add(actor=manager, enrolment=enrolment, title="", due_on=TODAY)
    assert refused.value.field == "title"


# -- the computed KPIs -----------------------------------------------------------------------------------------------

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def completed(company, on, score="20"):
    return DiligenceAssessmentFactory(
        company=company, status="completed", assessed_on=on, score=Decimal(score), max_score=Decimal("29")
    )


def high_risk_world(trader):
    """Five high-tier suppliers of the trader and two that are not counted at all."""
    names = [
        "A assessed in the window",
        "B assessed too early",
        "C draft only",
        "D assessed after",
        "E by hand",
    ]
    a, b, c, e_, f = (CompanyFactory(organisation=trader, legal_name=n) for n in names)
    for company in (a, b, c, e_):
        SupplierTierFactory(company=company, tier="high", computed_tier="high")
    SupplierTierFactory(company=f, tier="high", computed_tier="standard", override_reason="Auditor's finding")
    completed(a, dt.date(2026, 3, 1))
    completed(a, dt.date(2024, 3, 1))
    completed(b, dt.date(2025, 12, 31))  # exactly 12 months before the end: outside
    DiligenceAssessmentFactory(company=c, assessed_on=dt.date(2026, 5, 1))  # a draft
    completed(e_, dt.date(2027, 1, 5))  # after the period
    completed(f, dt.date(2026, 1, 1))
    standard = CompanyFactory(organisation=trader, legal_name="Z standard")
    SupplierTierFactory(company=standard, tier="standard", computed_tier="standard")
    completed(standard, dt.date(2026, 3, 1))
    other = CompanyFactory(legal_name="Other organisation's supplier")
    SupplierTierFactory(company=other, tier="high", computed_tier="high")
    completed(other, dt.date(2026, 3, 1))


def test_high_risk_suppliers_assessed_counts_high_tiers_with_a_completed_assessment_in_the_12_months(trader):
    high_risk_world(trader)
    kpi = computation("high_risk_suppliers_assessed")
    figure = kpi.compute(trader.pk, *PERIOD)
    assert (figure.value, figure.numerator, figure.denominator) == (Decimal("40.00"), 2, 5)
    assert "not per period" in figure.method and "2025-12-31" in figure.method
    records = {r.label: (r.counted, r.detail) for r in kpi.records(trader.pk, *PERIOD)}
    assert set(records) == {
        "A assessed in the window",
        "B assessed too early",
        "C draft only",
        "D assessed after",
        "E by hand",
    }
    assert records["A assessed in the window"] == (True, "high risk; assessed on 2026-03-01 (score 20 of 29)")
    assert (
        records["B assessed too early"][0] is False
        and "more than 12 months" in records["B assessed too early"][1]
    )
    assert records["C draft only"] == (False, "high risk; no completed assessment up to 2026-12-31")
    assert records["D assessed after"][0] is False
    assert records["E by hand"] == (
        True,
        "high risk (tier set by hand); assessed on 2026-01-01 (score 20 of 29)",
    )


def test_with_no_high_risk_supplier_the_share_is_missing_with_the_reason(trader):
    figure = computation("high_risk_suppliers_assessed").compute(trader.pk, *PERIOD)
    assert figure.value is None and figure.missing == "No supplier is in the high-risk tier."


def test_capacity_building_counts_each_supplier_enrolled_at_any_time_in_the_period_once(trader):
    during = CompanyFactory(organisation=trader, legal_name="During")
    EnrolmentFactory(company=during, enrolled_on=dt.date(2025, 6, 1))
    EnrolmentFactory(company=during, enrolled_on=dt.date(2026, 2, 1), goal="RMAP audit")
    ended_in = CompanyFactory(organisation=trader, legal_name="Ended in the period")
    EnrolmentFactory(
        company=ended_in, enrolled_on=dt.date(2024, 1, 1), ended_on=dt.date(2026, 1, 1), status="left"
    )
    before = CompanyFactory(organisation=trader, legal_name="Ended before")
    EnrolmentFactory(
        company=before, enrolled_on=dt.date(2024, 1, 1), ended_on=dt.date(2025, 12, 31), status="completed"
    )
    after = CompanyFactory(organisation=trader, legal_name="Started after")
    EnrolmentFactory(company=after, enrolled_on=dt.date(2027, 1, 1))
    EnrolmentFactory(enrolled_on=dt.date(2026, 1, 1))  # another organisation's
    kpi = computation("capacity_building_enrolled")
    figure = kpi.compute(trader.pk, *PERIOD)
    assert (figure.value, figure.numerator, figure.denominator) == (Decimal(2), 2, None)
    records = {r.label: r for r in kpi.records(trader.pk, *PERIOD)}
    assert {k: r.counted for k, r in records.items()} == {
        "During": True,
        "Ended in the period": True,
        "Ended before": False,
        "Started after": False,
    }
    assert "“RMAP audit”, 2026-02-01 to now" in records["During"].detail
    assert records["During"].url.startswith("/programmes/enrolments/")


@pytest.mark.parametrize("size", [2, 12])
def test_the_kpis_take_a_fixed_number_of_queries(trader, size, django_assert_max_num_queries):
    for _n in range(size):
        company = CompanyFactory(organisation=trader)
        SupplierTierFactory(company=company, tier="high", computed_tier="high")
        completed(company, dt.date(2026, 3, 1))
        EnrolmentFactory(company=company)
    for key in ("high_risk_suppliers_assessed", "capacity_building_enrolled"):
        kpi = computation(key)
        with django_assert_max_num_queries(1):
            kpi.compute(trader.pk, *PERIOD)
        with django_assert_max_num_queries(1):
            assert len(kpi.records(trader.pk, *PERIOD)) == size


# -- pages ----------------------------------------------------------------------------------------------------------


def _suppliers(trader, n):
    for i in range(n):
        company = CompanyFactory(organisation=trader, legal_name=f"Supplier {i:02d}")
        SupplierTierFactory(company=company, tier="high" if i % 2 else "standard")
        done = completed(company, dt.date(2026, 3, 1))
        GapFactory(assessment=done, deadline=dt.date(2020, 1, 1))
        EnrolmentFactory(company=company)


@pytest.mark.parametrize("size", [3, 30])
def test_the_suppliers_page_costs_the_same_queries_at_any_size(
    client, manager, trader, size, django_assert_max_num_queries
):
    _suppliers(trader, size)
    client.force_login(manager)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("programmes:suppliers"))
    assert response.status_code == 200
    assert response.content.decode().count('class="overdue-tag"') == min(size, 25)


def test_the_suppliers_page_filters_by_tier(client, manager, trader):
    _suppliers(trader, 4)
    CompanyFactory(organisation=trader, legal_name="Never computed")
    client.force_login(manager)
    page = client.get(reverse("programmes:suppliers"), {"tier": "high"}).content.decode()
    assert "Supplier 01" in page and "Supplier 03" in page and "Supplier 00" not in page
    unknown = client.get(reverse("programmes:suppliers"), {"tier": "unknown"}).content.decode()
    assert "Never computed" in unknown and "Supplier 01" not in unknown


def test_another_organisation_gets_404_on_every_page(client, outsider, supplier):
    assessment = DiligenceAssessmentFactory(company=supplier)
    gap = GapFactory(assessment=assessment)
    enrolment = EnrolmentFactory(company=supplier)
    client.force_login(outsider)
    for url in (
        reverse("programmes:supplier", args=[supplier.public_id]),
        reverse("programmes:assessment", args=[assessment.public_id]),
        reverse("programmes:gap", args=[gap.public_id]),
        reverse("programmes:enrolment", args=[enrolment.public_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert supplier.legal_name not in client.get(reverse("programmes:suppliers")).content.decode()


def test_a_viewer_reads_the_supplier_page_without_forms_and_cannot_post(client, viewer, manager, supplier):
    d.sourcing_link_add(actor=manager, company=supplier, material="cobalt", country_iso3="COD", is_asm=True)
    client.force_login(viewer)
    page = client.get(reverse("programmes:supplier", args=[supplier.public_id])).content.decode()
    assert "High risk" in page and "artisanal and small-scale mining" in page
    assert 'id="link-form"' not in page
    response = client.post(reverse("programmes:supplier", args=[supplier.public_id]), {"form": "clear"})
    assert response.status_code == 403


def test_a_writer_adds_a_link_through_the_page_and_a_bad_country_stays_beside_its_field(
    client, manager, supplier
):
    client.force_login(manager)
    url = reverse("programmes:supplier", args=[supplier.public_id])
    bad = client.post(url, {"form": "link", "link-material": "cobalt", "link-country_iso3": "Atlantis"})
    assert bad.status_code == 400
    assert 'value="Atlantis"' in bad.content.decode()
    good = client.post(
        url, {"form": "link", "link-material": "cobalt", "link-country_iso3": "DR Congo", "link-is_asm": "on"}
    )
    assert good.status_code == 302
    assert SupplierTier.objects.get(company=supplier).tier == Tier.HIGH


def test_the_assessment_page_saves_a_draft_refuses_a_stale_one_and_completes(client, manager, supplier):
    assessment = d.assessment_start(actor=manager, company=supplier, stage="before")
    client.force_login(manager)
    url = reverse("programmes:assessment", args=[assessment.public_id])
    response = client.post(f"{url}?section=step1", {"q_policy": "annex_ii", "version": "1", "save": ""})
    assert response.status_code == 302 and response["Location"].endswith("?section=step2")
    stale = client.post(f"{url}?section=step1", {"q_policy": "none", "version": "1", "save": ""})
    assert stale.status_code == 400 and "Someone changed this assessment" in stale.content.decode()
    # completing on step 1 with the rest unanswered leads to the first unanswered section
    incomplete = client.post(f"{url}?section=step1", {"q_policy": "annex_ii", "version": "2", "complete": ""})
    assert incomplete["Location"].endswith("?section=step1#q-management")
    assessment.refresh_from_db()
    d.assessment_save(actor=manager, assessment=assessment, answers=answers("best"), section="")
    assessment.refresh_from_db()
    done = client.post(
        f"{url}?section=step5", {"q_public_report": "no", "version": str(assessment.version), "complete": ""}
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert "27 / 29" in page and "“No report” 0 of 2; below 1, so a gap" in page
    assert Gap.objects.filter(assessment=assessment, question_key="public_report").exists()


def test_the_company_page_shows_the_tier_panel(client, manager, supplier):
    d.sourcing_link_add(actor=manager, company=supplier, material="cobalt", country_iso3="COD")
    client.force_login(manager)
    page = client.get(supplier.get_absolute_url()).content.decode()
    assert 'id="supplier-diligence"' in page and "EU indicative CAHRA list" in page
    assert reverse("programmes:supplier", args=[supplier.public_id]) in page


def test_the_enrolment_and_gap_pages_show_what_is_overdue(client, manager, supplier):
    enrolment = EnrolmentFactory(company=supplier, status=Enrolment.Status.ACTIVE)
    d.milestone_add(actor=manager, enrolment=enrolment, title="Gap analysis", due_on=TODAY - dt.timedelta(3))
    gap = GapFactory(
        assessment=DiligenceAssessmentFactory(company=supplier), deadline=TODAY - dt.timedelta(1)
    )
    client.force_login(manager)
    assert "overdue" in client.get(enrolment.get_absolute_url()).content.decode()
    assert "overdue-tag" in client.get(reverse("programmes:gap", args=[gap.public_id])).content.decode()


# -- API ------------------------------------------------------------------------------------------------------------


def test_the_api_adds_a_link_answers_the_tier_and_lists_the_suppliers(
    client, manager, viewer, outsider, supplier
):
    client.force_login(manager)
    url = f"/api/v1/programmes/suppliers/{supplier.public_id}/sourcing-links"
    bad = client.post(
        url, {"material": "cobalt", "country_iso3": "Atlantis"}, content_type="application/json"
    )
    assert bad.status_code == 422
    made = client.post(
        url, {"material": "cobalt", "country_iso3": "COD", "is_asm": True}, content_type="application/json"
    )
    assert made.status_code == 201
    assert made.json()["tier"]["tier"] == "high"
    assert [r["code"] for r in made.json()["tier"]["reasons"]] == [
        "cahra_sourcing",
        "asm_sourcing",
        "labour_goods",
    ]
    listed = client.get("/api/v1/programmes/suppliers", {"tier": "high"}).json()
    assert listed["count"] == 1 and listed["items"][0]["legal_name"] == supplier.legal_name
    client.force_login(viewer)
    assert client.get(f"/api/v1/programmes/suppliers/{supplier.public_id}/tier").json()["tier"] == "high"
    refresh = f"/api/v1/programmes/suppliers/{supplier.public_id}/tier/refresh"
    assert client.post(refresh).status_code == 403
    client.force_login(outsider)
    assert client.get(f"/api/v1/programmes/suppliers/{supplier.public_id}/tier").status_code == 404
