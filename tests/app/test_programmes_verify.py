"""`hrdd verify` computes every supplier's risk tier afresh: a stored tier that differs is reported (exit 1) and,
with --refresh, stored afresh."""

import json

from hrdd.accounts.models import Organisation
from hrdd.programmes.diligence import tier_refresh
from hrdd.programmes.models import SupplierTier, Tier
from tests.factories import CompanyFactory, OrganisationFactory, SourcingLinkFactory


def test_a_tampered_tier_is_reported_then_stored_afresh(db, cli):
    # given a supplier sourcing artisanal cobalt from the DR Congo, its tier stored, then turned standard by hand
    company = CompanyFactory(
        organisation=OrganisationFactory(kind=Organisation.Kind.COMPANY),
        legal_name="Kolwezi Cobalt Traders SARL",
    )
    SourcingLinkFactory(company=company, material="cobalt", country_iso3="COD", is_asm=True)
    assert tier_refresh(company).tier == Tier.HIGH
    SupplierTier.objects.filter(company=company).update(tier=Tier.STANDARD, computed_tier=Tier.STANDARD)

    # when
    said = cli("verify")
    as_json = cli("verify", "--json")
    refreshed = cli("verify", "--refresh")

    # then
    assert said.returncode == 1
    assert "differs: the risk tier of Kolwezi Cobalt Traders SARL: stored standard, fresh high" in said.stdout
    assert json.loads(as_json.stdout)["supplier_tiers_differ"] == [
        {"company": "Kolwezi Cobalt Traders SARL", "stored_tier": "standard", "fresh_tier": "high"}
    ]
    assert refreshed.returncode == 0
    assert SupplierTier.objects.get(company=company).tier == Tier.HIGH
    assert cli("verify").returncode == 0
