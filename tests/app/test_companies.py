"""Companies: one record per supplier, resolved from typed names, identifiers checked, groups without loops."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.companies.models import Company
from hrdd.companies.services import company_create, company_resolve, company_update
from hrdd.consultations.services import invitation_create
from hrdd.contracts.models import Contract
from hrdd.contracts.services import contract_create
from hrdd.core.errors import InputError
from hrdd.domain.tender import TenderInputError
from tests.factories import CompanyFactory
from tests.html import parse


def test_the_same_name_in_another_spelling_resolves_to_the_same_company(municipality):
    first = company_resolve(organisation=municipality, name="Acme Computers B.V.")
    again = company_resolve(organisation=municipality, name="ACME computers bv")
    assert again == first
    assert Company.objects.filter(organisation=municipality).count() == 1


def test_a_name_with_a_country_takes_the_company_of_that_country(municipality):
    dutch = company_resolve(organisation=municipality, name="Acme", country="NL")
    german = company_resolve(organisation=municipality, name="Acme", country="Germany")
    assert dutch != german
    assert (dutch.country_iso3, german.country_iso3) == ("NLD", "DEU")
    assert company_resolve(organisation=municipality, name="acme", country="DEU") == german


def test_a_name_shared_by_companies_of_two_countries_needs_the_country(municipality):
    company_resolve(organisation=municipality, name="Acme", country="NL")
    company_resolve(organisation=municipality, name="Acme", country="DE")
    with pytest.raises(InputError) as refused:
        company_resolve(organisation=municipality, name="Acme", field="supplier_name")
    assert refused.value.field == "supplier_name"
    assert "Germany, Netherlands" in str(refused.value)


def test_an_unknown_country_is_refused(municipality):
    with pytest.raises(InputError) as refused:
        company_resolve(organisation=municipality, name="Acme", country="Atlantis")
    assert "Atlantis" in str(refused.value)
    assert not Company.objects.exists()


def test_companies_of_two_organisations_are_separate(municipality, outsider):
    ours = company_resolve(organisation=municipality, name="Acme")
    theirs = company_resolve(organisation=outsider.organisation, name="Acme")
    assert ours != theirs


def test_inviting_a_supplier_by_name_and_contracting_it_point_to_one_company(buyer, consultation):
    # given an invitation naming the supplier
    invitation = invitation_create(
        actor=buyer, consultation=consultation, email="a@acme.example", company="Acme Ltd", send=False
    )
    # when a contract names it in another spelling
    contract = contract_create(
        actor=buyer,
        title="Notebooks",
        supplier_name="ACME",
        supplier_email="a@acme.example",
        award_date=dt.date(2026, 1, 1),
        start_date=dt.date(2026, 2, 1),
        end_date=dt.date(2028, 1, 31),
        scenario=2,
    )
    # then both point to the same company record
    assert contract.supplier == invitation.company
    assert contract.supplier_name == "Acme Ltd"


def test_a_contract_with_a_blank_supplier_is_refused_naming_the_field(buyer):
    with pytest.raises(TenderInputError) as refused:
        contract_create(
            actor=buyer,
            title="Notebooks",
            supplier_name="  ",
            supplier_email="a@acme.example",
            award_date=dt.date(2026, 1, 1),
            start_date=dt.date(2026, 2, 1),
            end_date=dt.date(2028, 1, 31),
            scenario=2,
        )
    assert refused.value.field == "supplier_name"


def test_creating_a_company_checks_identifiers_and_records_an_audit_event(buyer):
    company = company_create(
        actor=buyer, legal_name="Lumen Computers B.V.", country_iso3="nl", lei="529900LUMENCOMPUT093"
    )
    assert (company.country_iso3, company.lei, company.normalised_name) == (
        "NLD",
        "529900LUMENCOMPUT093",
        "lumen computers",
    )
    event = AuditEvent.objects.get(action="company.create")
    assert event.after["lei"] == "529900LUMENCOMPUT093"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"legal_name": ""}, "legal_name"),
        ({"legal_name": "X", "lei": "529900LUMENCOMPUT094"}, "lei"),
        ({"legal_name": "X", "duns": "12345"}, "duns"),
        ({"legal_name": "X", "rmi_cid": "CID12"}, "rmi_cid"),
        ({"legal_name": "X", "website": "javascript:alert(1)"}, "website"),
        ({"legal_name": "X", "country_iso3": "Narnia"}, "country_iso3"),
        ({"legal_name": "X", "kind": "pirate"}, "kind"),
        ({"legal_name": "X", "leii": "1"}, "leii"),
    ],
)
def test_bad_company_input_is_refused_naming_the_field_and_nothing_is_stored(buyer, values, field):
    with pytest.raises(InputError) as refused:
        company_create(actor=buyer, **values)
    assert refused.value.field == field
    assert not Company.objects.exists()


def test_a_second_company_with_the_same_name_and_country_is_refused(buyer):
    company_create(actor=buyer, legal_name="Acme B.V.", country_iso3="NLD")
    with pytest.raises(InputError) as refused:
        company_create(actor=buyer, legal_name="ACME bv", country_iso3="NL")
    assert refused.value.field == "legal_name"
    assert Company.objects.count() == 1


def test_a_group_of_several_levels_and_no_loops(buyer):
    group = company_create(actor=buyer, legal_name="Lumen Holdings plc")
    entity = company_create(actor=buyer, legal_name="Lumen Computers B.V.", parent=group)
    plant = company_create(actor=buyer, legal_name="Lumen Assembly Sdn Bhd", parent=entity)
    with pytest.raises(InputError) as refused:
        company_update(actor=buyer, company=group, parent=plant)
    assert refused.value.field == "parent"
    group.refresh_from_db()
    assert group.parent is None


def test_a_viewer_cannot_record_a_company(viewer):
    with pytest.raises(PermissionDenied):
        company_create(actor=viewer, legal_name="Acme")


def test_the_company_page_shows_identifiers_group_and_where_it_is_named(client, buyer, consultation):
    # given
    invitation = invitation_create(
        actor=buyer, consultation=consultation, email="a@acme.example", company="Acme Ltd", send=False
    )
    group = company_create(actor=buyer, legal_name="Acme Group plc")
    company_update(actor=buyer, company=invitation.company, parent=group, duns="150483782")
    client.force_login(buyer)
    # when
    response = client.get(reverse("companies:detail", args=[invitation.company.public_id]))
    # then
    page = parse(response.content)
    assert response.status_code == 200
    assert "150483782" in page.text
    assert "Acme Group plc" in page.text
    assert consultation.title in page.text


def test_another_organisations_company_is_not_found(client, outsider, municipality):
    company = CompanyFactory(organisation=municipality)
    client.force_login(outsider)
    assert client.get(reverse("companies:detail", args=[company.public_id])).status_code == 404


def test_a_refused_company_form_keeps_the_input_and_marks_the_field(client, buyer):
    client.force_login(buyer)
    response = client.post(
        reverse("companies:list"), {"legal_name": "Acme", "kind": "supplier", "duns": "12-34"}
    )
    assert response.status_code == 400
    page = parse(response.content)
    duns = page.by_id("id_duns")
    assert duns.attrs.get("aria-invalid") == "true"
    assert duns.attrs.get("value") == "12-34"
    assert "nine digits" in page.by_id("id_duns_error").text
    assert not Company.objects.exists()


def test_the_company_list_searches_by_name_and_pages(client, buyer, municipality):
    for n in range(60):
        CompanyFactory(organisation=municipality, legal_name=f"Supplier {n:02d} Ltd")
    CompanyFactory(organisation=municipality, legal_name="Lumen Computers")
    client.force_login(buyer)
    found = parse(client.get(reverse("companies:list"), {"q": "lumen"}).content).find("table")
    assert "Lumen Computers" in found.text and "Supplier 01" not in found.text
    first = parse(client.get(reverse("companies:list")).content)
    assert "Page 1 of 2" in first.text


def test_the_contract_form_offers_recorded_companies_and_refuses_an_unknown_country_beside_its_field(
    client, buyer, municipality
):
    # given a recorded company
    CompanyFactory(organisation=municipality, legal_name="Lumen Computers B.V.")
    client.force_login(buyer)
    # when the contract form is opened, then the supplier box suggests it
    page = parse(client.get(reverse("contracts:dashboard"), {"new": "1"}).content)
    box = page.by_id("contract_supplier_name")
    suggestions = page.by_id(box.get("list"))
    assert [o.get("value") for o in suggestions.find_all("option")] == ["Lumen Computers B.V."]
    # when a contract names an unknown country, then the country box carries the error and nothing is stored
    refused = client.post(
        reverse("contracts:dashboard"),
        {
            "scenario": "2",
            "title": "Notebooks",
            "supplier_name": "Lumen Computers",
            "supplier_country": "Atlantis",
            "supplier_email": "a@lumen.example",
            "award_date": "2026-01-01",
            "start_date": "2026-02-01",
            "end_date": "2028-01-31",
        },
    )
    assert refused.status_code == 400
    country = parse(refused.content).by_id("contract_supplier_country")
    assert country.get("aria-invalid") == "true" and country.get("value") == "Atlantis"
    assert not Contract.objects.exists()
