"""Certifications, schemes and ratings: validation per scheme, the holder (own company or registry site), stale
saves, walls, the list with its filters and expiry warnings (a query count independent of its rows), the expiry
e-mails sent once per record and threshold, the company page, and the computed KPI "% suppliers with Copper Mark
or equivalent" on the period's end date."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import NotFound
from hrdd.programmes import certifications as services
from hrdd.programmes.kpis import computation
from hrdd.programmes.models import Certification
from tests.factories import (
    CertificationFactory,
    CompanyFactory,
    ContractFactory,
    MembershipFactory,
    OrganisationFactory,
    SiteFactory,
    UserFactory,
)

D = dt.date
TODAY = D(2026, 6, 1)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def trader(db):
    return OrganisationFactory(name="Minerals Trader SA", kind=Organisation.Kind.COMPANY)


@pytest.fixture
def manager(trader):
    return UserFactory(email="sourcing@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def trader_viewer(trader):
    return UserFactory(email="viewer@trader.example", organisation=trader, role=User.Role.VIEWER)


@pytest.fixture
def supplier(trader):
    return CompanyFactory(organisation=trader, legal_name="Kolwezi Copper SARL", kind="supplier")


def record(manager, supplier, **values):
    values = {
        "company": supplier,
        "scheme": "copper_mark",
        "status": "awarded",
        "valid_from": D(2025, 1, 1),
        "valid_until": D(2028, 1, 1),
        **values,
    }
    return services.certification_create(actor=manager, **values)


# -- recording ---------------------------------------------------------------------------------------------------


def test_a_copper_mark_is_recorded_for_a_supplier_and_audited(manager, supplier):
    made = record(manager, supplier, reference="CM-0042", evidence_url="https://coppermark.org/participants/")

    assert made.organisation_id == manager.organisation_id and made.company == supplier
    event = AuditEvent.objects.get(action="certification.create", target_id=str(made.pk))
    assert event.after["scheme"] == "copper_mark" and event.after["reference"] == "CM-0042"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"scheme": "copper_mark", "status": "conformant"}, "status"),
        ({"scheme": "epeat", "status": "registered"}, "level"),
        ({"scheme": "ecovadis", "status": "rated", "score": "120", "valid_from": D(2026, 1, 1)}, "score"),
        ({"scheme": "ecovadis", "status": "rated", "score": "55", "valid_from": None}, "valid_from"),
        ({"scheme": "irma", "status": "assessed", "level": "gold"}, "level"),
        ({"evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ],
)
def test_a_record_that_does_not_fit_its_scheme_is_refused_naming_the_field(manager, supplier, values, field):
    with pytest.raises(services.CertificationError) as refused:
        record(manager, supplier, valid_until=None, **values)

    assert refused.value.field == field
    assert not Certification.objects.exists()


def test_another_organisations_company_is_refused(manager):
    theirs = CompanyFactory(legal_name="Not Ours Ltd")

    with pytest.raises(services.CertificationError) as refused:
        record(manager, theirs)

    assert refused.value.field == "company"


def test_a_registry_site_holds_a_copper_mark_but_not_a_product_label(manager):
    mine = SiteFactory(name="Kamoto mine", site_type="mine", country_iso3="COD")

    made = record(manager, None, company=None, site=mine)
    with pytest.raises(services.CertificationError) as refused:
        record(manager, None, company=None, site=mine, scheme="tco_certified", status="certified")

    assert made.site == mine
    assert refused.value.field == "site"


def test_a_viewer_may_not_record(trader_viewer, supplier):
    with pytest.raises(PermissionDenied):
        record(trader_viewer, supplier)


def test_a_stale_update_is_refused_and_nothing_is_saved(manager, supplier):
    made = record(manager, supplier)
    opened = made.version
    services.certification_update(actor=manager, certification=made, version=opened, reference="A")

    with pytest.raises(services.StaleCertification):
        services.certification_update(actor=manager, certification=made, version=opened, reference="B")

    made.refresh_from_db()
    assert made.reference == "A" and made.version == opened + 1


def test_an_update_is_audited_with_before_and_after(manager, supplier):
    made = record(manager, supplier)

    services.certification_update(
        actor=manager, certification=made, version=1, status="suspended", valid_until=None
    )

    event = AuditEvent.objects.get(action="certification.update")
    assert event.before["status"] == "awarded" and event.after["status"] == "suspended"


def test_a_delete_keeps_the_record_in_the_audit_log(manager, supplier):
    made = record(manager, supplier)
    pk = made.pk

    services.certification_delete(actor=manager, certification=made, version=1)

    assert not Certification.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.get(action="certification.delete").before["scheme"] == "copper_mark"


# -- pages -------------------------------------------------------------------------------------------------------


def form_data(supplier, **values):
    return {
        "company": str(supplier.public_id),
        "scheme": "copper_mark",
        "status": "awarded",
        "level": "",
        "score": "",
        "valid_from": "2025-01-01",
        "valid_until": "2028-01-01",
        "reference": "",
        "evidence_url": "",
        "note": "",
        **values,
    }


def test_the_form_records_a_rating_with_its_document(manager, supplier):
    scorecard = SimpleUploadedFile("scorecard.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    sent = client_for(manager).post(
        reverse("programmes:certification_create"),
        form_data(
            supplier,
            scheme="ecovadis",
            status="rated",
            level="gold",
            score="67",
            valid_until="2027-01-31",
            document=scorecard,
        ),  # fmt: skip
    )

    made = Certification.objects.get()
    assert sent.status_code == 302 and sent["Location"] == made.get_absolute_url()
    assert made.score == Decimal("67") and made.level == "gold" and made.document_name == "scorecard.pdf"
    page = client_for(manager).get(made.get_absolute_url()).content.decode()
    assert "Lesson 7" in page and "Gold medal" in page


def test_a_refused_form_keeps_the_typing_and_shows_the_error_beside_the_field(manager, supplier):
    sent = client_for(manager).post(
        reverse("programmes:certification_create"),
        form_data(supplier, scheme="epeat", status="registered", reference="EPEAT-77", valid_until=""),
    )

    page = sent.content.decode()
    assert sent.status_code == 400
    assert 'value="EPEAT-77"' in page
    assert "needs its level" in page
    assert not Certification.objects.exists()


def test_a_stale_save_on_the_page_is_refused_and_keeps_the_typing(manager, supplier):
    made = record(manager, supplier)
    services.certification_update(actor=manager, certification=made, version=1, reference="Colleague's")

    sent = client_for(manager).post(
        reverse("programmes:certification_edit", args=[made.public_id]),
        form_data(supplier, reference="Mine", version="1"),
    )

    assert sent.status_code == 400
    assert "Someone else saved this record" in sent.content.decode()
    assert 'value="Mine"' in sent.content.decode()
    made.refresh_from_db()
    assert made.reference == "Colleague's"


def test_another_organisation_sees_none_of_it(manager, supplier, outsider):
    made = record(manager, supplier)
    client = client_for(outsider)

    for name in ("certification", "certification_edit", "certification_document"):
        assert client.get(reverse(f"programmes:{name}", args=[made.public_id])).status_code == 404
    assert client.post(reverse("programmes:certification_delete", args=[made.public_id])).status_code == 404
    listed = client.get(reverse("programmes:certifications")).content.decode()
    assert "Kolwezi Copper" not in listed
    with pytest.raises(NotFound):
        services.certification_get(user=outsider, public_id=made.public_id)


def test_a_viewer_reads_but_may_not_edit(manager, supplier, trader_viewer):
    made = record(manager, supplier)
    client = client_for(trader_viewer)

    assert client.get(made.get_absolute_url()).status_code == 200
    assert client.get(reverse("programmes:certification_edit", args=[made.public_id])).status_code == 403
    assert client.get(reverse("programmes:certification_create")).status_code == 403


def test_the_list_filters_by_scheme_and_validity_and_warns_of_expiry_on_top(manager, supplier, settings):
    soon = dt.date.today() + dt.timedelta(days=20)
    lapsed = dt.date.today() - dt.timedelta(days=3)
    record(manager, supplier, valid_until=soon)
    record(manager, supplier, scheme="rmi_rmap", status="conformant", valid_until=lapsed)
    record(manager, supplier, scheme="rba", status="member", valid_from=None, valid_until=None)
    client = client_for(manager)
    url = reverse("programmes:certifications")

    page = client.get(url).content.decode()
    expiring = client.get(url, {"validity": "expiring"}).content.decode()
    expired = client.get(url, {"validity": "expired"}).content.decode()
    valid = client.get(url, {"validity": "valid"}).content.decode()
    rba_only = client.get(url, {"scheme": "rba"}).content.decode()

    warnings = page[
        page.index('id="expiry-warnings"') : page.index("</section>", page.index('id="expiry-warnings"'))
    ]
    assert "The Copper Mark" in warnings and "RMI Responsible Minerals" in warnings
    assert "Responsible Business Alliance" not in warnings
    body = lambda html: html[html.index('id="certifications"') :]  # noqa: E731
    assert "The Copper Mark" in body(expiring) and "RMAP" not in body(expiring)
    assert "RMAP" in body(expired) and "The Copper Mark" not in body(expired)
    assert "Responsible Business Alliance" in body(valid) and "RMAP" not in body(valid)
    assert "Responsible Business Alliance" in body(rba_only) and "The Copper Mark" not in body(rba_only)


def test_the_lists_query_count_does_not_grow_with_its_rows(manager, django_assert_max_num_queries):
    client = client_for(manager)
    url = reverse("programmes:certifications")

    def fill(n):
        for _ in range(n):
            company = CompanyFactory(organisation=manager.organisation, kind="supplier")
            CertificationFactory(
                company=company, organisation=manager.organisation, valid_until=dt.date.today()
            )

    fill(2)
    client.get(url)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    fill(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


def test_the_company_page_shows_its_certifications(manager, supplier):
    record(manager, supplier, reference="CM-0042")

    page = client_for(manager).get(supplier.get_absolute_url()).content.decode()

    assert 'id="company-certifications"' in page
    assert "The Copper Mark" in page and "Awarded (Copper Mark holder)" in page


# -- expiry warnings and e-mails ---------------------------------------------------------------------------------


def test_expiry_warnings_list_what_ends_soon_or_has_ended_but_not_what_was_withdrawn(manager, supplier):
    record(manager, supplier, valid_until=TODAY + dt.timedelta(days=10))
    record(
        manager, supplier, scheme="rmi_rmap", status="conformant", valid_until=TODAY - dt.timedelta(days=1)
    )
    record(manager, supplier, status="withdrawn", valid_until=None)
    record(manager, supplier, valid_until=TODAY + dt.timedelta(days=200))

    found = services.expiry_warnings(manager.organisation_id, TODAY)

    assert [(w.scheme_title, w.state) for w in found] == [
        ("RMI Responsible Minerals Assurance Process (RMAP)", "expired"),
        ("The Copper Mark", "expiring"),
    ]
    assert "in 10 days" in found[1].reason
    assert services.expiry_warning_count(manager.organisation_id, TODAY) == 2


def test_writers_are_e_mailed_once_per_record_and_threshold(
    manager, supplier, trader_viewer, mailoutbox, django_capture_on_commit_callbacks
):
    ends = D(2026, 9, 1)
    record(manager, supplier, valid_until=ends)
    admin = UserFactory(email="admin@trader.example", organisation=manager.organisation, role=User.Role.ADMIN)

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return services.certification_reminders_send(today=day)

    first = run(D(2026, 6, 10))  # 83 days left
    again = run(D(2026, 6, 11))
    later = run(D(2026, 8, 5))  # 27 days left
    after = run(D(2026, 9, 2))
    after_again = run(D(2026, 9, 3))

    assert [k for _c, k in first] == ["before-90"] and again == []
    assert [k for _c, k in later] == ["before-30"] and [k for _c, k in after] == ["expired"]
    assert after_again == []
    assert len(mailoutbox) == 3
    assert sorted(mailoutbox[0].to) == sorted(
        [manager.email, admin.email]
    )  # the viewer may not change records
    assert "The Copper Mark of Kolwezi Copper SARL expires on 2026-09-01" in mailoutbox[0].subject
    assert AuditEvent.objects.filter(action=services.REMINDER_ACTION).count() == 3


def test_a_renewed_end_date_is_reminded_of_again(
    manager, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    made = record(manager, supplier, valid_until=D(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.certification_reminders_send(today=D(2026, 6, 15))
    services.certification_update(actor=manager, certification=made, version=1, valid_until=D(2026, 7, 10))

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.certification_reminders_send(today=D(2026, 6, 16))

    assert [k for _c, k in sent] == ["before-30"] and len(mailoutbox) == 2


def test_a_member_deactivated_is_not_e_mailed(
    manager, supplier, mailoutbox, django_capture_on_commit_callbacks
):
    record(manager, supplier, valid_until=D(2026, 7, 1))
    gone = UserFactory(email="gone@trader.example", organisation=manager.organisation, role=User.Role.ADMIN)
    gone.memberships.update(is_active=False)
    MembershipFactory(
        user=UserFactory(email="other@x.example"), organisation=OrganisationFactory(), role="admin"
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.certification_reminders_send(today=D(2026, 6, 15))

    assert mailoutbox[0].to == [manager.email]


# -- the computed KPI --------------------------------------------------------------------------------------------


def kpi():
    return computation("copper_mark_or_equivalent")


def test_the_kpi_counts_suppliers_holding_a_record_of_the_group_valid_on_the_periods_end(manager, trader):
    start, end = D(2026, 1, 1), D(2026, 12, 31)
    holder = CompanyFactory(organisation=trader, legal_name="A Copper Mark holder", kind="supplier")
    smelter = CompanyFactory(organisation=trader, legal_name="B RMAP smelter", kind="smelter")
    lapsed = CompanyFactory(organisation=trader, legal_name="C Lapsed in November", kind="supplier")
    later = CompanyFactory(organisation=trader, legal_name="D Awarded after the end", kind="supplier")
    rated = CompanyFactory(organisation=trader, legal_name="E Rated only", kind="supplier")
    CompanyFactory(organisation=trader, legal_name="Z A brand, not a supplier", kind="brand")
    record(manager, holder)
    record(manager, smelter, scheme="rmi_rmap", status="conformant", valid_from=None, valid_until=None)
    record(manager, lapsed, valid_until=D(2026, 11, 30))
    record(manager, later, valid_from=D(2027, 1, 15), valid_until=D(2030, 1, 15))
    record(manager, rated, scheme="ecovadis", status="rated", level="platinum", score="88", valid_until=None)

    computed = kpi().compute(trader.pk, start, end)
    records = kpi().records(trader.pk, start, end)

    assert (computed.numerator, computed.denominator, computed.value) == (2, 5, Decimal("40.00"))
    assert "hrdd's choice" in computed.method
    assert [(r.label, r.counted) for r in records] == [
        ("A Copper Mark holder", True),
        ("B RMAP smelter", True),
        ("C Lapsed in November", False),
        ("D Awarded after the end", False),
        ("E Rated only", False),
    ]
    assert "expired on 2026-11-30" in records[2].detail
    assert "valid from 2027-01-15" in records[3].detail
    assert "not counted as Copper Mark or equivalent" in records[4].detail
    assert records[0].url == holder.get_absolute_url()


def test_the_kpi_on_an_earlier_end_date_counts_the_one_that_lapsed_later(manager, trader):
    lapsed = CompanyFactory(organisation=trader, kind="supplier")
    record(manager, lapsed, valid_until=D(2026, 11, 30))

    assert kpi().compute(trader.pk, D(2025, 1, 1), D(2025, 12, 31)).value == Decimal("100.00")


def test_the_kpi_without_suppliers_says_why(trader):
    computed = kpi().compute(trader.pk, D(2026, 1, 1), D(2026, 12, 31))

    assert computed.value is None and "No supplier company" in computed.missing


def test_the_kpi_sees_only_its_own_organisations_records(manager, trader):
    CompanyFactory(organisation=trader, kind="supplier")
    other = CertificationFactory()  # another organisation's awarded Copper Mark

    assert kpi().compute(trader.pk, D(2026, 1, 1), D(2026, 12, 31)).numerator == 0
    assert other.organisation_id != trader.pk


def test_the_kpi_takes_a_fixed_number_of_queries(manager, trader, django_assert_num_queries):
    def fill(n):
        for _ in range(n):
            company = CompanyFactory(organisation=trader, kind="supplier")
            CertificationFactory(company=company, organisation=trader)

    fill(2)
    with django_assert_num_queries(2):
        kpi().compute(trader.pk, D(2026, 1, 1), D(2026, 12, 31))
    fill(15)
    with django_assert_num_queries(2):
        kpi().records(trader.pk, D(2026, 1, 1), D(2026, 12, 31))


def test_hrdd_remind_sends_the_certification_reminders_once(manager, supplier, cli, mailoutbox):
    record(manager, supplier, valid_until=D(2026, 9, 1))

    first = cli("remind", "--today", "2026-08-20")
    second = cli("remind", "--today", "2026-08-20")

    assert first.returncode == 0, first.stderr
    assert "1 certification expiry reminder(s) sent" in first.stdout
    assert "0 certification expiry reminder(s) sent" in second.stdout


def test_a_contract_page_shows_its_suppliers_certifications_as_evidence(client, db):
    contract = ContractFactory()
    CertificationFactory(
        company=contract.supplier,
        organisation=contract.organisation,
        scheme="tco_certified",
        status="certified",
    )
    client.force_login(UserFactory(organisation=contract.organisation, role=User.Role.CONTRACT_MANAGER))

    page = client.get(contract.get_absolute_url()).content.decode()

    assert 'id="company-certifications"' in page
    assert "TCO Certified" in page


def test_a_reminder_the_mail_server_refuses_is_not_recorded_and_a_later_run_sends_it(
    manager, supplier, mailoutbox, settings
):
    record(manager, supplier, valid_until=D(2026, 9, 1))
    settings.EMAIL_BACKEND = "tests.app.test_programmes_reminders.FailingBackend"

    failed = services.certification_reminders_send(today=D(2026, 6, 10))

    assert failed == []
    assert not AuditEvent.objects.filter(action=services.REMINDER_ACTION).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = services.certification_reminders_send(today=D(2026, 6, 11))

    assert [k for _c, k in later] == ["before-90"] and len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action=services.REMINDER_ACTION).count() == 1
