"""A company's responsible-sourcing manager sees the programme, suppliers, certifications, smelters, incidents and
NGO answers, not a buyer's four procurement steps; the overview counts what needs attention in their due diligence
(a fixed number of queries however many records there are)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.programmes.models import ChildLabourCase, Gap, NgoResponse, Tier
from tests.factories import (
    CertificationFactory,
    ChildLabourCaseFactory,
    CompanyFactory,
    DiligenceAssessmentFactory,
    EnrolmentFactory,
    GapFactory,
    JoinRequestFactory,
    MilestoneFactory,
    NgoResponseFactory,
    OrganisationFactory,
    ProgrammeFactory,
    SupplierTierFactory,
    UserFactory,
)
from tests.html import document

TODAY = timezone.localdate()


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Example Minerals Trading", kind=Organisation.Kind.COMPANY)


def header_nav(page):
    return page.find("header").find("nav")


def nav_links(page) -> list[str]:
    return [a.text.strip() for a in header_nav(page).find_all("a")]


def count_of(page, key) -> int:
    return int(page.by_id(f"attention-{key}").find(cls="count").text)


def needs_attention(organisation, n):
    """n of each thing the overview counts, in `organisation`."""
    for _ in range(n):
        SupplierTierFactory(company=CompanyFactory(organisation=organisation), tier=Tier.HIGH)
        fresh = SupplierTierFactory(company=CompanyFactory(organisation=organisation), tier=Tier.HIGH)
        DiligenceAssessmentFactory(
            company=fresh.company, status="completed", assessed_on=TODAY - dt.timedelta(days=30)
        )
        GapFactory(assessment__company__organisation=organisation, deadline=TODAY - dt.timedelta(days=1))
        GapFactory(
            assessment__company__organisation=organisation,
            deadline=TODAY - dt.timedelta(days=1),
            status=Gap.Status.CLOSED,
        )
        MilestoneFactory(
            enrolment=EnrolmentFactory(company=CompanyFactory(organisation=organisation)),
            due_on=TODAY - dt.timedelta(days=2),
        )
        CertificationFactory(
            company=CompanyFactory(organisation=organisation), valid_until=TODAY + dt.timedelta(days=10)
        )
        NgoResponseFactory(organisation=organisation, respond_by=TODAY + dt.timedelta(days=5))
        NgoResponseFactory(
            organisation=organisation,
            respond_by=TODAY + dt.timedelta(days=5),
            status=NgoResponse.Status.FINAL,
        )
        JoinRequestFactory(programme=ProgrammeFactory(organisation=organisation))
        ChildLabourCaseFactory(organisation=organisation, next_follow_up=TODAY - dt.timedelta(days=3))
        ChildLabourCaseFactory(
            organisation=organisation,
            next_follow_up=TODAY - dt.timedelta(days=3),
            status=ChildLabourCase.Status.CLOSED,
        )


def test_a_company_member_sees_the_sourcing_navigation_not_the_four_steps(client, trader):
    client.force_login(UserFactory(organisation=trader, role=User.Role.VIEWER))

    page = document(client.get(reverse("overview")))

    links = nav_links(page)
    assert "Programme" in links and "Supplier due diligence" in links and "NGO assessments" in links
    assert "1 Product risks" not in links and "4 Contracts" not in links


def test_a_buyer_keeps_the_four_steps_and_reaches_certifications(client, db):
    municipality = OrganisationFactory(kind=Organisation.Kind.PUBLIC_BUYER)
    client.force_login(UserFactory(organisation=municipality, role=User.Role.PROCUREMENT_OFFICER))

    page = document(client.get(reverse("overview")))

    links = nav_links(page)
    assert "1 Product risks" in links and "Certifications" in links
    assert "Programme" not in links


@pytest.mark.parametrize(
    ("url_name", "args", "section"),
    [
        ("programmes:list", [], "Programme"),
        ("programmes:suppliers", [], "Supplier due diligence"),
        ("programmes:certifications", [], "Certifications"),
        ("programmes:cases", [], "Child-labour cases"),
        ("programmes:ngo_list", [], "NGO assessments"),
    ],
)
def test_each_programme_page_marks_its_part_of_the_navigation(client, trader, url_name, args, section):
    client.force_login(UserFactory(organisation=trader, role=User.Role.SOURCING_MANAGER))

    page = document(client.get(reverse(url_name, args=args)))

    (current,) = [a for a in header_nav(page).find_all("a") if a.get("aria-current") == "page"]
    assert current.text.strip() == section


def test_the_sourcing_overview_counts_what_needs_attention(client, trader):
    needs_attention(trader, 2)
    needs_attention(
        OrganisationFactory(kind=Organisation.Kind.COMPANY), 1
    )  # another organisation's: not counted
    client.force_login(UserFactory(organisation=trader, role=User.Role.SOURCING_MANAGER))

    page = document(client.get(reverse("overview")))

    counts = {
        key: count_of(page, key)
        for key in ("unassessed", "gaps", "milestones", "certifications", "ngo", "joins", "follow_ups")
    }
    assert counts == {
        "unassessed": 2,
        "gaps": 2,
        "milestones": 2,
        "certifications": 2,
        "ngo": 2,
        "joins": 2,
        "follow_ups": 2,
    }
    for key in counts:
        assert client.get(page.by_id(f"attention-{key}").find("a").get("href")).status_code == 200


def test_only_the_case_roles_see_the_count_of_overdue_case_follow_ups(client, trader):
    needs_attention(trader, 1)
    client.force_login(UserFactory(organisation=trader, role=User.Role.VIEWER))

    page = document(client.get(reverse("overview")))

    assert page.by_id("attention-follow_ups") is None
    assert count_of(page, "gaps") == 1


def test_the_sourcing_overview_costs_the_same_queries_at_any_size(
    client, trader, django_assert_max_num_queries
):
    client.force_login(UserFactory(organisation=trader, role=User.Role.SOURCING_MANAGER))
    needs_attention(trader, 1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("overview"))
    needs_attention(trader, 6)
    with django_assert_max_num_queries(len(small)):
        client.get(reverse("overview"))
