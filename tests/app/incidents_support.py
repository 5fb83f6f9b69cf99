"""Shared set-up of the incidents tests: registry sites and groups, and organisations naming them in their site
lists under contracts (rows written directly: the matching engine is tested with the registry)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.incidents.models import ExposureSharing
from hrdd.supplier_sites.models import CompanyGroupLink, Site, SiteGroup, SiteMention
from tests.factories import ContractFactory, OrganisationFactory, UserFactory

DAY = dt.date(2027, 2, 1)


def site(
    name: str = "Penang Assembly Sdn Bhd", country: str = "MYS", operator: SiteGroup | None = None
) -> Site:
    return Site.objects.create(
        name=name,
        normalised_name=name.lower(),
        country_iso3=country,
        operator=operator,
        site_type="final_assembly",
    )


def group(name: str, parent: SiteGroup | None = None, kind: str = "group") -> SiteGroup:
    return SiteGroup.objects.create(name=name, normalised_name=name.lower(), parent=parent, kind=kind)


def mention(the_site: Site, contract, products: str = "notebooks") -> SiteMention:
    """The contract's organisation names the site in a supplier's site list."""
    return SiteMention.objects.create(
        organisation=contract.organisation,
        site=the_site,
        source=SiteMention.Source.SUBMISSION,
        contract=contract,
        supplier=contract.supplier,
        mentioned_on=DAY,
        name=the_site.name,
        country_iso3=the_site.country_iso3,
        products=products,
        fingerprint=f"fp-{the_site.pk}-{contract.pk}",
        status=SiteMention.Status.AUTO,
        matched_at=timezone.now(),
    )


def buyer_org(name: str, *, share: bool = True, role: str = User.Role.CONTRACT_MANAGER):
    """An organisation with a contract manager (the one notified), sharing its exposure unless told not to."""
    organisation = OrganisationFactory(name=name)
    manager = UserFactory(
        email=f"manager@{name.lower().replace(' ', '-')}.example", organisation=organisation, role=role
    )
    if share:
        ExposureSharing.objects.create(organisation=organisation)
    return organisation, manager


def contract_for(organisation, title: str = ""):
    return ContractFactory(organisation=organisation, **({"title": title} if title else {}))


def link_company(company, the_group: SiteGroup) -> CompanyGroupLink:
    return CompanyGroupLink.objects.create(
        organisation=company.organisation, company=company, group=the_group
    )
