"""Need to know: an incident reaches only its audience, for every role. Owner only: the owner organisation;
shared: also the sharing organisations it exposes; public: everyone. The reporter's name and contact never leave
the owner organisation; notices follow the same walls."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from hrdd.accounts.models import User
from hrdd.core.errors import NotFound
from hrdd.incidents import selectors, services
from hrdd.incidents.models import Notice
from tests.app.incidents_support import buyer_org, contract_for, mention, site
from tests.factories import MembershipFactory, UserFactory

ROLES = [r.value for r in User.Role]
LEVELS = ["owner_only", "shared", "public"]
# who sees an incident of each level: the owner, an exposed organisation that shares, one that does not share,
# and an organisation with no link to the site
SEES = {
    "owner": {"owner_only", "shared", "public"},
    "exposed_sharing": {"shared", "public"},
    "exposed_private": {"public"},
    "unrelated": {"public"},
}


@pytest.fixture
def world(db):
    owner, owner_manager = buyer_org("Owner City")
    exposed_sharing, _ = buyer_org("Sharing Region")
    exposed_private, _ = buyer_org("Private Town", share=False)
    unrelated, _ = buyer_org("Faraway Village")
    plant = site()
    for organisation in (owner, exposed_sharing, exposed_private):
        mention(plant, contract_for(organisation))
    incidents = {
        level: services.incident_create(
            actor=owner_manager,
            title=f"Child labour ({level})",
            source="worker_grievance",
            category="child_labour",
            site=plant,
            confidentiality=level,
            reporter_name="A. Worker",
            reporter_contact="+60 12 345 6789",
        )
        for level in LEVELS
    }
    organisations = {
        "owner": owner,
        "exposed_sharing": exposed_sharing,
        "exposed_private": exposed_private,
        "unrelated": unrelated,
    }
    return organisations, incidents


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", list(SEES))
def test_an_incident_reaches_exactly_its_audience_for_every_role(world, where, role):
    organisations, incidents = world
    user = UserFactory(organisation=organisations[where], role=role)

    listed = {i.confidentiality for i in selectors.incident_list(user=user)}

    assert listed == SEES[where]
    for level, incident in incidents.items():
        if level in SEES[where]:
            assert selectors.incident_get(user=user, public_id=incident.public_id) == incident
            assert selectors.reporter_visible(user, incident) is (where == "owner")
        else:
            with pytest.raises(NotFound):
                selectors.incident_get(user=user, public_id=incident.public_id)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", list(SEES))
def test_the_api_shows_the_reporter_only_to_the_owner_and_hides_the_rest(world, client, where, role):
    organisations, incidents = world
    user = UserFactory(organisation=organisations[where], role=role)
    client.force_login(user)

    for level, incident in incidents.items():
        answer = client.get(f"/api/v1/incidents/{incident.public_id}")
        if level not in SEES[where]:
            assert answer.status_code == 404
            continue
        assert answer.status_code == 200
        body = answer.json()
        if where == "owner":
            assert body["reporter_contact"] == "+60 12 345 6789"
        else:
            assert body["reporter_contact"] is None and body["reporter_name"] is None
            assert "+60 12" not in answer.content.decode()


def test_only_writers_of_the_owner_organisation_change_an_incident(world):
    organisations, incidents = world
    viewer = UserFactory(organisation=organisations["owner"], role=User.Role.VIEWER)
    other_writer = UserFactory(organisation=organisations["exposed_sharing"], role=User.Role.ADMIN)
    outsider = UserFactory(organisation=organisations["unrelated"], role=User.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        services.incident_update(actor=viewer, incident=incidents["public"], title="changed")
    with pytest.raises(PermissionDenied):
        services.incident_transition(actor=other_writer, incident=incidents["shared"], status="verifying")
    with pytest.raises(NotFound):
        services.incident_update(actor=outsider, incident=incidents["owner_only"], title="changed")


def test_notices_and_mails_reach_only_the_audience_with_exposed_contracts(
    world, django_capture_on_commit_callbacks
):
    organisations, incidents = world
    notified = set(Notice.objects.values_list("organisation__name", "incident__confidentiality"))
    assert notified == {
        ("Owner City", "owner_only"),
        ("Owner City", "shared"),
        ("Owner City", "public"),
        ("Sharing Region", "shared"),
        ("Sharing Region", "public"),
    }
    assert not Notice.objects.filter(organisation=organisations["exposed_private"]).exists()


def test_a_notice_leaves_the_landing_page_when_its_incident_is_made_owner_only(world):
    organisations, incidents = world
    manager = User.objects.get(email="manager@sharing-region.example")
    assert {n.incident for n in selectors.notices_for(manager)} == {incidents["shared"], incidents["public"]}
    owner_manager = User.objects.get(email="manager@owner-city.example")

    services.incident_update(actor=owner_manager, incident=incidents["shared"], confidentiality="owner_only")

    assert {n.incident for n in selectors.notices_for(manager)} == {incidents["public"]}
    assert selectors.notice_unread_count(manager) == 1


def test_a_user_with_two_memberships_sees_what_the_organisation_they_work_in_now_may_see(world):
    organisations, incidents = world
    user = UserFactory(organisation=organisations["unrelated"], role=User.Role.ADMIN)
    MembershipFactory(user=user, organisation=organisations["exposed_sharing"], role=User.Role.VIEWER)
    assert {i.confidentiality for i in selectors.incident_list(user=user)} == {"public"}
    user.organisation = organisations["exposed_sharing"]
    assert {i.confidentiality for i in selectors.incident_list(user=user)} == {"shared", "public"}


def test_contract_managers_are_emailed_once_on_commit(db, django_capture_on_commit_callbacks):
    owner, owner_manager = buyer_org("Mail City")
    plant = site()
    mention(plant, contract_for(owner))
    with django_capture_on_commit_callbacks(execute=True):
        incident = services.incident_create(
            actor=owner_manager,
            title="Unsafe dormitory",
            source="ngo",
            category="occupational_health_safety",
            site=plant,
        )
    assert [m.to for m in mail.outbox] == [[owner_manager.email]]
    assert "touches 1 of your contracts" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_transition(actor=owner_manager, incident=incident, status="verifying")
        services.incident_transition(actor=owner_manager, incident=incident, status="substantiated")
    assert len(mail.outbox) == 1  # told once per incident
