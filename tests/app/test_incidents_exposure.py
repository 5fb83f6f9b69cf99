"""Exposure of an incident: through the mentions of a site in submitted site lists, through every site below a
group, through a company tied to a group; the viewer's contracts by name and only counts of others; collective
leverage per site; the sharing opt-in; a fixed number of queries however many contracts depend on the site."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hrdd.incidents import selectors, services
from tests.app.incidents_support import buyer_org, contract_for, group, link_company, mention, site


@pytest.fixture
def cast(db):
    owner, owner_manager = buyer_org("Owner City")
    sharer, sharer_manager = buyer_org("Sharing Region")
    loner, loner_manager = buyer_org("Private Town", share=False)
    return owner, owner_manager, sharer, sharer_manager, loner, loner_manager


def record(actor, **values):
    values.setdefault("title", "Forced overtime at the assembly plant")
    values.setdefault("source", "monitoring_report")
    values.setdefault("category", "forced_labour")
    return services.incident_create(actor=actor, **values)


def test_exposure_through_a_site_names_own_contracts_and_counts_only_sharing_others(cast):
    owner, owner_manager, sharer, _sm, loner, _lm = cast
    plant = site()
    own = contract_for(owner, "Notebooks 2027")
    mention(plant, own, products="notebooks; docking stations")
    mention(plant, contract_for(sharer, "Sharer's laptops"))
    mention(plant, contract_for(loner, "Loner's laptops"))  # did not agree to share: not counted
    incident = record(owner_manager, site=plant)

    exposure = selectors.incident_exposure(user=owner_manager, incident=incident)

    assert [c.title for c in exposure.contracts] == ["Notebooks 2027"]
    assert [s.legal_name for s in exposure.suppliers] == [own.supplier.legal_name]
    assert exposure.products == ["docking stations", "notebooks"]
    assert [p.pk for p in exposure.procurements] == [own.procurement_id]
    assert (exposure.other_organisations, exposure.other_contracts) == (1, 1)
    [row] = exposure.exposed_sites
    assert (row.site, row.buyers, row.contracts, row.own_contracts) == (plant, 2, 2, 1)
    assert row.contract_value is None and exposure.as_dict()["contract_value_known"] is False
    assert "Sharer's laptops" not in str(exposure.as_dict())


def test_exposure_through_a_group_reaches_every_site_below_it(cast):
    owner, owner_manager, sharer, sharer_manager, _l, _lm = cast
    top = group("Hon Hai Group")
    entity = group("Hon Hai Precision (Shenzhen)", parent=top, kind="legal_entity")
    deep_site = site("Longhua Campus", "CHN", operator=entity)
    other = site("Unrelated Works", "VNM")
    mention(deep_site, contract_for(sharer, "Servers"))
    mention(other, contract_for(owner, "Displays"))
    incident = record(owner_manager, group=top, confidentiality="shared")

    theirs = selectors.incident_exposure(user=sharer_manager, incident=incident)
    assert [c.title for c in theirs.contracts] == ["Servers"]
    assert theirs.sites == 1
    ours = selectors.incident_exposure(user=owner_manager, incident=incident)
    assert ours.contracts == [] and (ours.other_organisations, ours.other_contracts) == (1, 1)


def test_a_group_incident_reaches_contracts_with_a_company_tied_to_the_group(cast):
    owner, owner_manager, sharer, sharer_manager, _l, _lm = cast
    top = group("Pegatron Group")
    contract = contract_for(sharer, "Tablets")
    link_company(contract.supplier, top)
    incident = record(owner_manager, group=top, confidentiality="shared")

    exposure = selectors.incident_exposure(user=sharer_manager, incident=incident)

    assert [c.title for c in exposure.contracts] == ["Tablets"]
    assert selectors.incident_list(user=sharer_manager, exposure="exposed").get() == incident


def test_a_company_incident_exposes_the_owners_contracts_with_that_supplier(cast):
    owner, owner_manager, *_ = cast
    contract = contract_for(owner, "Smartphones")
    incident = record(owner_manager, company=contract.supplier)
    exposure = selectors.incident_exposure(user=owner_manager, incident=incident)
    assert [c.title for c in exposure.contracts] == ["Smartphones"]


def test_an_incident_without_a_subject_exposes_nothing(cast):
    _o, owner_manager, *_ = cast
    incident = record(owner_manager, subject_text="a factory near Penang")
    exposure = selectors.incident_exposure(user=owner_manager, incident=incident)
    assert (exposure.sites, exposure.contracts, exposure.organisations) == (0, [], 0)


def test_the_register_filters_by_group_country_category_and_exposure(cast):
    owner, owner_manager, *_ = cast
    top = group("Quanta Group")
    plant = site("Quanta Shanghai", "CHN", operator=top)
    mention(plant, contract_for(owner))
    about_site = record(owner_manager, site=plant)
    elsewhere = record(owner_manager, title="Wage theft", category="inadequate_wages", country="Viet Nam")

    assert list(selectors.incident_list(user=owner_manager, group=top.public_id)) == [about_site]
    assert list(selectors.incident_list(user=owner_manager, country="VNM")) == [elsewhere]
    assert list(selectors.incident_list(user=owner_manager, category="inadequate_wages")) == [elsewhere]
    assert list(selectors.incident_list(user=owner_manager, exposure="exposed")) == [about_site]
    assert about_site.country_iso3 == "CHN"


def _queries(user, incident):
    with CaptureQueriesContext(connection) as queries:
        selectors.incident_exposure(user=user, incident=incident)
    return len(queries)


def test_the_exposure_costs_the_same_queries_for_two_and_for_twenty_contracts(cast):
    owner, owner_manager, sharer, _sm, _l, _lm = cast
    top = group("Wistron Group")
    few = site("Wistron Kunshan", "CHN", operator=top)
    many = site("Wistron Chongqing", "CHN", operator=top)
    for _ in range(2):
        mention(few, contract_for(owner))
    for _ in range(10):
        mention(many, contract_for(owner))
        mention(many, contract_for(sharer))
    small = record(owner_manager, site=few)
    large = record(owner_manager, site=many)
    grouped = record(owner_manager, group=top)

    assert _queries(owner_manager, small) == _queries(owner_manager, large)
    assert len(selectors.incident_exposure(user=owner_manager, incident=large).contracts) == 10
    assert _queries(owner_manager, grouped) <= _queries(owner_manager, large) + 3
