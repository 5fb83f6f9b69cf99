"""The administrator gives a user a membership of one more organisation on the user's admin page; it is audited."""

from django.urls import reverse

from hrdd.accounts.models import Membership, User
from hrdd.audit.models import AuditEvent
from tests.factories import OrganisationFactory


def test_an_administrator_adds_a_membership_on_the_users_page(client, buyer, municipality):
    # given an administrator and a second organisation
    admin = User.objects.create_superuser("admin@example.org", "not-a-demo-password")
    network = OrganisationFactory(name="Buyers' Network")
    client.force_login(admin)
    existing = buyer.memberships.get()
    # when they add the buyer to the network as a viewer
    response = client.post(
        reverse("admin:accounts_user_change", args=[buyer.pk]),
        {
            "email": buyer.email,
            "organisation": municipality.pk,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": existing.pk,
            "memberships-0-user": buyer.pk,
            "memberships-0-organisation": municipality.pk,
            "memberships-0-role": existing.role,
            "memberships-1-user": buyer.pk,
            "memberships-1-organisation": network.pk,
            "memberships-1-role": User.Role.VIEWER,
        },
    )
    # then the membership exists and the change is in the audit log
    assert response.status_code == 302, response.content[:2000]
    assert Membership.objects.get(user=buyer, organisation=network).role == User.Role.VIEWER
    event = AuditEvent.objects.get(action="admin.membership.add")
    assert event.after == {"organisation": "Buyers' Network", "role": "viewer"}
    assert event.actor == admin
