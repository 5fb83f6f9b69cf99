"""A user may belong to several organisations, with a role in each, and works in one at a time."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hrdd.accounts.models import User
from hrdd.accounts.services import membership_add, membership_switch
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError
from hrdd.procurements.services import procurement_create
from tests.factories import OrganisationFactory, ProcurementFactory
from tests.html import parse


@pytest.fixture
def network(db):
    return OrganisationFactory(name="Buyers' Network")


def test_a_user_has_a_role_in_each_of_their_organisations(buyer, municipality, network):
    membership_add(user=buyer, organisation=network, role=User.Role.VIEWER)
    assert buyer.role_in(municipality) == User.Role.PROCUREMENT_OFFICER
    assert buyer.role_in(network) == User.Role.VIEWER
    assert buyer.can_write_in(municipality) and not buyer.can_write_in(network)


def test_switching_changes_what_the_user_sees_and_may_write(buyer, municipality, network):
    # given the buyer also views the network's records
    membership_add(user=buyer, organisation=network, role=User.Role.VIEWER)
    ours = ProcurementFactory(organisation=municipality)
    theirs = ProcurementFactory(organisation=network)
    # when they switch to the network
    membership_switch(user=buyer, organisation_public_id=str(network.public_id))
    # then they see the network's procurement, not the municipality's, and may not write there
    from hrdd.procurements.models import Procurement

    assert list(Procurement.objects.visible_to(buyer)) == [theirs]
    assert ours not in Procurement.objects.visible_to(buyer)
    with pytest.raises(PermissionDenied):
        procurement_create(actor=buyer, title="Phones", product_category="smartphone")
    assert AuditEvent.objects.filter(action="membership.switch").count() == 1


def test_a_user_cannot_switch_to_an_organisation_they_do_not_belong_to(buyer, municipality, outsider):
    with pytest.raises(InputError) as refused:
        membership_switch(user=buyer, organisation_public_id=str(outsider.organisation.public_id))
    assert refused.value.field == "organisation"
    buyer.refresh_from_db()
    assert buyer.organisation == municipality


def test_an_unknown_role_is_refused(buyer, network):
    with pytest.raises(InputError) as refused:
        membership_add(user=buyer, organisation=network, role="king")
    assert refused.value.field == "role"


def test_the_header_offers_the_switch_and_the_page_follows_it(client, buyer, network):
    membership_add(user=buyer, organisation=network, role=User.Role.VIEWER)
    ProcurementFactory(organisation=network, title="Network frame agreement")
    client.force_login(buyer)
    header = parse(client.get(reverse("procurements:list")).content).find("header")
    options = header.by_id("organisation-switch").find_all("option")
    assert [o.text for o in options] == [
        "Buyers' Network (Viewer)",
        "Municipality of Testville (Procurement officer)",
    ]
    response = client.post(reverse("organisation_switch"), {"organisation": str(network.public_id)})
    assert response.status_code == 302
    table = parse(client.get(reverse("procurements:list")).content).find("table")
    assert "Network frame agreement" in table.text


def test_a_tampered_switch_changes_nothing(client, buyer, municipality, outsider):
    client.force_login(buyer)
    client.post(reverse("organisation_switch"), {"organisation": str(outsider.organisation.public_id)})
    client.post(reverse("organisation_switch"), {"organisation": "not-a-uuid"})
    buyer.refresh_from_db()
    assert buyer.organisation == municipality
