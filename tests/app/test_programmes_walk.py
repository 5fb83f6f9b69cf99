"""What a new user stumbled on in the company side, fixed: a computed KPI leads to the page where its records are
kept, the supplier's due-diligence page shows its certifications, a case names its country, the NGO evidence page
says when the smelter list is empty, a buyer's company page does not show an empty tier, the programme names its
template by title."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.programmes import ngo, services
from hrdd.programmes.kpis import KpiFigure
from hrdd.programmes.models import Tier
from tests.factories import (
    CertificationFactory,
    ChildLabourCaseFactory,
    CompanyFactory,
    ConsolidatedSmelterFactory,
    EnrolmentFactory,
    JoinRequestFactory,
    MilestoneFactory,
    OrganisationFactory,
    SupplierTierFactory,
    UserFactory,
)
from tests.html import document

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Mineral Trader SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def manager(trader):
    return UserFactory(email="rs@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def programme(manager):
    return services.programme_create(
        actor=manager, template_key="ixm", title="", start_year=YEAR - 1, end_year=YEAR + 2
    )


def test_a_computed_kpi_card_and_page_lead_to_the_records_it_counts(client, manager, programme):
    client.force_login(manager)

    page = document(client.get(programme.get_absolute_url()))

    copper = page.by_id("kpi-copper_mark_or_equivalent")
    hrefs = [a.attrs["href"] for a in copper.find_all("a")]
    assert reverse("programmes:certifications") in hrefs
    assert any(h.endswith("#records") for h in hrefs)
    trained = page.by_id("kpi-employees_trained")
    assert reverse("programmes:certifications") not in [a.attrs["href"] for a in trained.find_all("a")]
    assert "Responsible mineral supply chains (IXM example)" in page.text

    kpi = programme.kpis.get(computation="high_risk_suppliers_assessed")
    kpi_page = document(client.get(kpi.get_absolute_url()))
    assert (
        kpi_page.by_id("records-register").find("a").attrs["href"]
        == reverse("programmes:suppliers") + "?tier=high"
    )


def test_the_supplier_due_diligence_page_shows_its_certifications(client, manager, trader):
    company = CompanyFactory(organisation=trader, legal_name="Copperbelt Concentrates Ltd")
    CertificationFactory(company=company)
    client.force_login(manager)

    page = document(client.get(reverse("programmes:supplier", args=[company.public_id])))

    panel = page.by_id("company-certifications")
    assert "The Copper Mark" in panel.text


def test_a_case_names_its_country_not_its_code(client, manager, trader):
    case = ChildLabourCaseFactory(organisation=trader, country_iso3="COD")
    client.force_login(manager)

    detail = document(client.get(reverse("programmes:case", args=[case.public_id])))
    listing = document(client.get(reverse("programmes:cases")))

    for page in (detail, listing):
        assert "Congo" in page.find("main").text
        assert " COD" not in page.find("main").text


def test_the_evidence_page_says_the_smelter_list_is_empty_instead_of_offering_it(client, manager, trader):
    response = ngo.ngo_response_create(
        actor=manager, framework_key="amnesty-2017-cobalt", title="Amnesty cobalt 2017"
    )
    item = response.answers.get(criterion_key="disclosure")
    url = reverse("programmes:ngo_evidence", args=[item.public_id])
    client.force_login(manager)

    empty = document(client.get(url))
    assert empty.by_id("smelters-empty") is not None
    assert empty.by_id("evidence-smelters").find_all("form") == []

    ConsolidatedSmelterFactory(organisation=trader)
    filled = document(client.get(url))
    assert filled.by_id("smelters-empty") is None
    assert filled.by_id("evidence-smelters").find("form") is not None


def test_a_buyer_sees_a_plain_sentence_for_a_supplier_without_due_diligence(client, db):
    municipality = OrganisationFactory(kind=Organisation.Kind.PUBLIC_BUYER)
    company = CompanyFactory(organisation=municipality)
    client.force_login(UserFactory(organisation=municipality, role=User.Role.PROCUREMENT_OFFICER))

    page = document(client.get(company.get_absolute_url()))

    panel = page.by_id("supplier-diligence")
    assert "None recorded" in panel.text
    assert "Not known yet" not in panel.text


def test_a_sourcing_manager_still_sees_the_tier_panel_of_a_supplier_without_due_diligence(
    client, manager, trader
):
    company = CompanyFactory(organisation=trader)
    client.force_login(manager)

    page = document(client.get(company.get_absolute_url()))

    assert "Not known yet" in page.by_id("supplier-diligence").text


def test_the_overview_leads_to_the_overdue_follow_ups_and_the_suppliers_with_most_gaps(
    client, manager, trader
):
    today = timezone.localdate()
    late = ChildLabourCaseFactory(organisation=trader, next_follow_up=today - dt.timedelta(days=3))
    on_time = ChildLabourCaseFactory(organisation=trader, next_follow_up=today + dt.timedelta(days=30))
    client.force_login(manager)

    page = document(client.get(reverse("overview")))

    cases_url = page.by_id("attention-follow_ups").find("a").attrs["href"]
    cases = client.get(cases_url).content.decode()
    assert late.reference in cases and on_time.reference not in cases
    gaps_url = page.by_id("attention-gaps").find("a").attrs["href"]
    assert gaps_url == reverse("programmes:suppliers") + "?sort=gaps"


def test_a_cumulative_count_says_in_all_by_its_date_not_from_the_start_of_the_year():
    start, end = dt.date(2026, 1, 1), dt.date(2026, 11, 30)
    cumulative = KpiFigure(Decimal(6), "count", start, end, "6", True, "rule", cumulative=True)
    in_period = KpiFigure(Decimal(6), "count", start, end, "6", True, "rule")

    assert cumulative.detail == "in all by 2026-11-30"
    assert in_period.detail == "from 2026-01-01 to 2026-11-30"


def test_a_certification_page_says_in_words_how_far_the_scheme_was_checked(client, manager, trader):
    record = CertificationFactory(
        company=CompanyFactory(organisation=trader)
    )  # the Copper Mark: verification P
    client.force_login(manager)

    page = document(client.get(reverse("programmes:certification", args=[record.public_id])))

    said = page.by_id("scheme-verification").text
    assert "not every detail" in said and "verification P" not in page.text


def test_a_refused_join_request_lands_the_phone_reader_on_the_form_not_the_top_of_the_page(client, manager):
    made = services.programme_create(
        actor=manager, template_key="ixm", title="", start_year=YEAR - 1, end_year=YEAR + 2
    )
    services.programme_update(
        actor=manager,
        programme=made,
        title=made.title,
        commitment=made.commitment,
        start_year=made.start_year,
        end_year=made.end_year,
        is_public=True,
        join_contact_email="partners@trader.example",
    )
    client.logout()

    page = document(client.post(reverse("programmes:public", args=[made.public_id]), {}))

    assert page.by_id("join-form").attrs["action"] == "#join"
    assert page.by_id("join") is not None


def test_forms_far_down_a_long_page_post_to_their_own_section(client, manager, trader, programme):
    """A refused form is drawn again with its errors; the browser must open the page at that form."""
    company = CompanyFactory(organisation=trader)
    case = ChildLabourCaseFactory(organisation=trader)
    response = ngo.ngo_response_create(actor=manager, framework_key="amnesty-2017-cobalt", title="Amnesty")
    entered = programme.kpis.get(key="employees_trained")
    client.force_login(manager)

    supplier = document(client.get(reverse("programmes:supplier", args=[company.public_id])))
    assert supplier.by_id("link-form").attrs["action"] == "#sourcing"
    assert supplier.by_id("link-form").closest(lambda e: e.attrs.get("id") == "sourcing") is not None
    case_page = document(client.get(reverse("programmes:case", args=[case.public_id])))
    assert case_page.by_id("follow-up-form").attrs["action"].endswith("#follow-ups")
    kpi_page = document(client.get(entered.get_absolute_url()))
    assert kpi_page.by_id("value-form").attrs["action"].endswith("#values")
    answer_page = document(client.get(response.get_absolute_url()))
    answer_form = answer_page.by_id("criterion-supply-links").find("form", cls="answer-form")
    assert answer_form.attrs["action"].endswith("#criterion-supply-links")


def test_the_overview_opens_the_join_requests_on_their_programme_and_links_its_public_page(
    client, manager, programme
):
    programme.is_public = True
    programme.save(update_fields=["is_public"])
    JoinRequestFactory(programme=programme)
    client.force_login(manager)

    page = document(client.get(reverse("overview")))

    joins = page.by_id("attention-joins").find("a").attrs["href"]
    assert joins == programme.get_absolute_url() + "#join-requests"
    hrefs = [a.attrs.get("href") for a in page.find("main").find_all("a")]
    assert reverse("programmes:public", args=[programme.public_id]) in hrefs


def test_a_supplier_page_counts_overdue_milestones_once(client, manager, trader):
    company = CompanyFactory(organisation=trader)
    enrolment = EnrolmentFactory(company=company)
    past = timezone.localdate() - dt.timedelta(days=10)
    MilestoneFactory(enrolment=enrolment, due_on=past)
    MilestoneFactory(enrolment=enrolment, title="Letter of commitment", due_on=past)
    client.force_login(manager)

    page = document(client.get(reverse("programmes:supplier", args=[company.public_id])))

    text = page.by_id("enrolments").text
    assert "(2 overdue)" in text and "one overdue" not in text


def test_a_buyers_certifications_page_speaks_of_bids_not_of_child_labour_cases(client, manager, db):
    municipality = OrganisationFactory(kind=Organisation.Kind.PUBLIC_BUYER)
    client.force_login(UserFactory(organisation=municipality, role=User.Role.PROCUREMENT_OFFICER))

    buyer = document(client.get(reverse("programmes:certifications"))).find("main")

    assert reverse("programmes:cases") not in [a.attrs.get("href") for a in buyer.find_all("a")]
    assert "evidence when you assess bids" in buyer.text

    client.force_login(manager)
    company = document(client.get(reverse("programmes:certifications"))).find("main")
    assert reverse("programmes:cases") in [a.attrs.get("href") for a in company.find_all("a")]


def test_a_computed_kpis_rule_is_written_out_once_and_folded_for_the_earlier_years(
    client, manager, programme
):
    kpi = programme.kpis.get(computation="copper_mark_or_equivalent")
    client.force_login(manager)

    page = document(client.get(kpi.get_absolute_url()))

    rows = page.by_id("years").find("tbody").find_all("tr")
    assert len(rows) >= 2
    assert rows[0].find_all("details") == []
    assert "Copper Mark" in rows[1].find("details", cls="same-rule").text


def test_a_tier_source_given_for_one_reason_is_referred_to_not_repeated(client, manager, trader):
    cahra = "EU indicative CAHRA list (RAND Europe), first edition"
    company = CompanyFactory(organisation=trader)
    SupplierTierFactory(
        company=company,
        tier=Tier.HIGH,
        reasons=[
            {"code": "cahra_sourcing", "text": "Sources cobalt from Lualaba", "source": cahra},
            {"code": "asm_sourcing", "text": "Artisanal mining", "source": "OECD Annex II"},
            {"code": "cahra_sourcing", "text": "Sources copper from Lualaba", "source": cahra},
        ],
    )
    client.force_login(manager)

    page = document(client.get(reverse("programmes:supplier", args=[company.public_id])))

    sources = [
        li.find("span", cls="src").text for li in page.by_id("tier").find("ol", cls="reasons").find_all("li")
    ]
    assert cahra in sources[0] and "OECD Annex II" in sources[1]
    assert sources[2] == "Source: as for reason 1 above."
