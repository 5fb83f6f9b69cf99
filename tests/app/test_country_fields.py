"""Every form that asks for a country takes its name in any language or its ISO code, and says which field and
which names it probably meant when no country answers to what was written."""

import pytest
from django.urls import reverse

from hrdd.companies.models import Company
from hrdd.contracts.models import Contract
from hrdd.contracts.sitelists import SiteListError, read_site_list
from hrdd.core.uploads import accept_content
from tests.factories import CompanyFactory
from tests.html import parse

COMPANIES = reverse("companies:list")
CONTRACTS = reverse("contracts:dashboard")
ASSESS = reverse("risks:assess")


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def company_form(**overrides):
    return {"legal_name": "Lumen Computers GmbH", "kind": Company.Kind.choices[0][0], **overrides}


def error_of(page, field_id):
    """The text of the error list a field's aria-describedby names."""
    document = parse(page.content)
    box = document.by_id(field_id)
    described = (box.get("aria-describedby") or "").split()
    return " ".join(document.by_id(i).text for i in described if i.endswith("_error"))


def test_a_company_recorded_with_its_country_in_german_is_stored_with_the_iso_code(logged_in):
    # when
    page = logged_in.post(COMPANIES, company_form(country_iso3="Deutschland"))

    # then
    company = Company.objects.get()
    assert page.status_code == 302
    assert company.country_iso3 == "DEU"
    assert "Germany" in parse(logged_in.get(company.get_absolute_url()).content).find("dl").text


def test_a_misspelt_country_is_refused_beside_the_field_with_the_name_meant(logged_in):
    # when
    page = logged_in.post(COMPANIES, company_form(country_iso3="Germny"))

    # then
    assert page.status_code == 400
    said = error_of(page, "id_country_iso3")
    assert said == "“Germny” is not a country hrdd knows. Did you mean Germany?"
    summary = next(e for e in parse(page.content).iter() if e.get("role") == "alert")
    assert "Country: “Germny” is not a country hrdd knows." in summary.text  # the summary names the field
    assert not Company.objects.exists()


def test_a_name_two_countries_share_is_refused_naming_both(logged_in):
    # when
    page = logged_in.post(COMPANIES, company_form(country_iso3="Korea"))

    # then
    assert page.status_code == 400
    said = error_of(page, "id_country_iso3")
    assert "names more than one country" in said
    assert "North Korea" in said and "South Korea" in said


def test_the_country_box_offers_the_english_names_while_typing(logged_in):
    # when
    document = parse(logged_in.get(COMPANIES).content)

    # then
    box = document.by_id("id_country_iso3")
    offered = [o.get("value") for o in document.by_id(box.get("list")).iter() if o.tag == "option"]
    assert len(offered) == 249
    assert {"Germany", "Vietnam", "South Korea", "Democratic Republic of the Congo"} <= set(offered)


def test_a_stored_country_is_shown_in_the_edit_form_by_its_name(logged_in, buyer):
    # given
    company = CompanyFactory(organisation=buyer.organisation, legal_name="Acme", country_iso3="VNM")

    # when
    document = parse(logged_in.get(company.get_absolute_url()).content)

    # then
    assert document.by_id("id_country_iso3").get("value") == "Vietnam"


def contract_form(**overrides):
    return {
        "tender": "",
        "scenario": "2",
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": "reports@acme.example",
        "award_date": "2030-01-15",
        "start_date": "2030-02-01",
        "end_date": "2033-01-31",
        **overrides,
    }


def test_a_contracts_supplier_country_in_french_picks_the_company_of_that_country(logged_in, buyer):
    # given two recorded companies of the same name
    CompanyFactory(organisation=buyer.organisation, legal_name="Acme Computers", country_iso3="DEU")
    chinese = CompanyFactory(organisation=buyer.organisation, legal_name="Acme Computers", country_iso3="CHN")

    # when
    page = logged_in.post(CONTRACTS, contract_form(supplier_country="Chine"))

    # then
    assert page.status_code == 302
    assert Contract.objects.get().supplier == chinese


def test_an_unknown_supplier_country_is_refused_naming_the_field(logged_in):
    # when
    page = logged_in.post(CONTRACTS, contract_form(supplier_country="Atlantis"))

    # then
    assert page.status_code == 400
    said = error_of(page, "contract_supplier_country")
    assert said.startswith("“Atlantis” is not a country hrdd knows.")
    assert not Contract.objects.exists()


def test_risk_adjustments_take_country_names_in_any_language(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", "manufacturing_countries": "Vietnam; Mexique"})

    # then
    assert page.status_code == 200
    assert {c.country_iso3 for c in page.context["assessment"].manufacturing} == {"VNM", "MEX"}


def test_a_misspelt_country_among_the_adjustments_is_refused_with_the_name_meant(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", "exclude_country": "Chian"})

    # then
    assert page.status_code == 400
    [said] = page.context["adjust_form"].errors["exclude_country"]
    assert said.startswith("“Chian” is not a country hrdd knows. Did you mean China")


def site_list(csv_text):
    return read_site_list(accept_content("sites.csv", csv_text.encode(), allowed=(".csv", ".xlsx")))


def test_a_site_list_takes_country_names_in_any_language(db):
    # when
    sites = site_list(
        "name,address,country,site_type,products\n"
        "Assembly One,1 Factory Road,Chine,final assembly,notebooks\n"
        "Cells Two,2 Battery Street,中国,component,cells\n"
        "Boards Three,3 Board Street,Viet Nam,component,boards\n"
        "Boards Four,4 Board Street,MY,component,boards\n"
    )

    # then
    assert [s.country_iso3 for s in sites] == ["CHN", "CHN", "VNM", "MYS"]


def test_a_site_lists_misspelt_country_is_refused_naming_the_row_and_the_name_meant(db):
    # when
    with pytest.raises(SiteListError) as caught:
        site_list("name,address,country\nAssembly One,1 Factory Road,Malaysa\n")

    # then
    assert str(caught.value).startswith("row 2, column country: 'Malaysa' is not a known country.")
    assert str(caught.value).endswith("Did you mean Malaysia?")
