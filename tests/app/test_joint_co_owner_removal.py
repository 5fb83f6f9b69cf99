"""A joint consultation's owner withdraws an invitation not answered yet and removes a co-owner (issue 16): the
service with its audit, the confirm pages, the API, the command line; and the supplier's consent names every
organisation that will see the answers."""

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.consultations import joint
from hrdd.consultations.models import Consultation, CoOwner, ScenarioChoice
from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.core.errors import InputError
from hrdd.profiles import services as profiles
from hrdd.profiles.selectors import fill_key
from tests.cli_support import assert_refused, ok
from tests.factories import ConsultationFactory, OrganisationFactory, UserFactory, response
from tests.html import document

EMAIL = "sales@acme.example"


@pytest.fixture
def partner(db):
    return UserFactory(email="buyer@partner.example", organisation=OrganisationFactory(name="Partner City"))


@pytest.fixture
def invited(buyer, consultation, partner):
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    return row


@pytest.fixture
def joined(invited, partner):
    return joint.co_owner_accept(actor=partner, row=invited)


def _login(client, user):
    client.force_login(user)
    return client


def _withdraw_url(consultation, row):
    return reverse("consultations:co_owner_withdraw", args=[consultation.public_id, row.public_id])


def _remove_url(consultation, row):
    return reverse("consultations:co_owner_remove", args=[consultation.public_id, row.public_id])


# --- the services --------------------------------------------------------------------------------------------------


def test_withdrawing_an_invitation_takes_it_off_the_invited_organisations_page(
    client, buyer, consultation, invited
):
    # when
    joint.co_owner_withdraw(actor=buyer, row=invited)
    # then: no row left, the partner has nothing to accept, and both logs keep the withdrawal
    assert not CoOwner.objects.filter(pk=invited.pk).exists()
    for organisation in (buyer.organisation, invited.organisation):
        event = AuditEvent.objects.get(organisation=organisation, action="consultation.co_owner_withdraw")
        assert event.before["status"] == "invited" and event.after["status"] == "withdrawn"
    # and the organisation can be invited again
    (again,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[invited.organisation]
    )
    assert again.status == CoOwner.Status.INVITED


def test_an_answered_invitation_cannot_be_withdrawn(buyer, joined):
    with pytest.raises(InputError, match="Partner City is co-owner"):
        joint.co_owner_withdraw(actor=buyer, row=joined)
    assert CoOwner.objects.get(pk=joined.pk).status == CoOwner.Status.ACCEPTED


def test_removing_a_co_owner_hides_the_consultation_and_drops_its_choice(
    client, buyer, consultation, partner, joined, django_capture_on_commit_callbacks
):
    # given: both chose scenario 2, which is agreed
    joint.scenario_choose(actor=buyer, consultation=consultation, scenario=2)
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=2)
    assert Consultation.objects.get(pk=consultation.pk).agreed_scenario == 2
    mail.outbox.clear()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        row = joint.co_owner_remove(actor=buyer, row=joined)
    # then: it no longer sees the consultation; its choice is gone and the owner alone has nothing to agree on
    assert row.status == CoOwner.Status.LEFT and row.left_at is not None
    assert not Consultation.objects.visible_to(partner).filter(pk=consultation.pk).exists()
    assert _login(client, partner).get(consultation.get_absolute_url()).status_code == 404
    assert not ScenarioChoice.objects.filter(organisation=partner.organisation).exists()
    assert Consultation.objects.get(pk=consultation.pk).agreed_scenario is None
    # and the removal is audited in both logs, and the partner's procurement officer is told
    for organisation in (buyer.organisation, partner.organisation):
        event = AuditEvent.objects.get(organisation=organisation, action="consultation.co_owner_remove")
        assert event.actor == buyer and event.before["scenario"] == 2 and event.after["removed_by_owner"]
    (sent,) = mail.outbox
    assert sent.to == [partner.email] and "Notebooks 2027" in sent.subject


def test_only_a_current_co_owner_can_be_removed(buyer, invited):
    with pytest.raises(InputError, match="Partner City does not co-own this consultation"):
        joint.co_owner_remove(actor=buyer, row=invited)


def test_only_the_owners_administrator_or_procurement_officer_withdraws_or_removes(
    buyer, viewer, partner, invited
):
    with pytest.raises(PermissionDenied):
        joint.co_owner_withdraw(actor=viewer, row=invited)
    accepted = joint.co_owner_accept(actor=partner, row=invited)
    with pytest.raises(Exception) as refused:  # the co-owner is not the owner: not found, as any other's
        joint.co_owner_remove(actor=partner, row=accepted)
    assert type(refused.value).__name__ in {"NotFound", "PermissionDenied"}
    assert CoOwner.objects.get(pk=accepted.pk).status == CoOwner.Status.ACCEPTED


# --- the pages -----------------------------------------------------------------------------------------------------


def test_the_owner_sees_a_withdraw_link_and_confirms_on_its_page(client, buyer, consultation, invited):
    # given
    _login(client, buyer)
    panel = document(client.get(consultation.get_absolute_url())).by_id("joint")
    assert panel.find("a", cls="co-owner-withdraw").get("href") == _withdraw_url(consultation, invited)
    # when: the box is not ticked
    refused = client.post(_withdraw_url(consultation, invited), {})
    # then
    assert refused.status_code == 400 and CoOwner.objects.filter(pk=invited.pk).exists()
    # when ticked
    done = client.post(_withdraw_url(consultation, invited), {"confirm": "on"})
    assert done.status_code == 302 and done["Location"].endswith("#joint")
    assert not CoOwner.objects.filter(pk=invited.pk).exists()


def test_the_owner_removes_a_co_owner_after_a_yes(client, buyer, consultation, joined):
    # given
    _login(client, buyer)
    panel = document(client.get(consultation.get_absolute_url())).by_id("joint")
    assert panel.find("a", cls="co-owner-remove").get("href") == _remove_url(consultation, joined)
    page = client.get(_remove_url(consultation, joined))
    assert page.status_code == 200 and "Remove Partner City from the co-owners?" in page.content.decode()
    # when
    done = client.post(_remove_url(consultation, joined), {"confirm": "on"})
    # then
    assert done.status_code == 302
    assert CoOwner.objects.get(pk=joined.pk).status == CoOwner.Status.LEFT
    panel = document(client.get(consultation.get_absolute_url())).by_id("joint")
    assert "No longer a co-owner since" in panel.text and not panel.find_all("a", cls="co-owner-remove")


def test_a_co_owner_and_a_viewer_get_no_remove_buttons_nor_the_pages(
    client, viewer, partner, consultation, joined
):
    panel = document(_login(client, partner).get(consultation.get_absolute_url())).by_id("joint")
    assert not panel.find_all("a", cls="co-owner-remove")
    assert client.post(_remove_url(consultation, joined), {"confirm": "on"}).status_code == 404
    panel = document(_login(client, viewer).get(consultation.get_absolute_url())).by_id("joint")
    assert not panel.find_all("a", cls="co-owner-remove")
    assert client.post(_remove_url(consultation, joined), {"confirm": "on"}).status_code == 403
    assert CoOwner.objects.get(pk=joined.pk).status == CoOwner.Status.ACCEPTED


def test_a_removal_page_for_an_invitation_says_why_it_cannot(client, buyer, consultation, invited):
    page = _login(client, buyer).post(_remove_url(consultation, invited), {"confirm": "on"})
    assert page.status_code == 409 and "does not co-own this consultation now" in page.content.decode()
    assert CoOwner.objects.get(pk=invited.pk).status == CoOwner.Status.INVITED


# --- the API ---------------------------------------------------------------------------------------------------------


def test_the_api_withdraws_and_removes(client, buyer, consultation, partner, invited):
    base = f"/api/v1/consultations/{consultation.public_id}/co-owners"
    _login(client, buyer)
    # an invitation not answered: withdrawn
    assert client.delete(f"{base}/{invited.public_id}").status_code == 204
    assert not CoOwner.objects.filter(pk=invited.pk).exists()
    # a co-owner: removed
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    joint.co_owner_accept(actor=partner, row=row)
    refused = client.delete(f"{base}/{row.public_id}")
    assert refused.status_code == 422 and "co_owner" in refused.content.decode()
    removed = client.post(f"{base}/{row.public_id}/remove")
    assert removed.status_code == 200 and removed.json()["status"] == "left"
    again = client.post(f"{base}/{row.public_id}/remove")
    assert again.status_code == 422


def test_the_api_refuses_a_co_owner_or_a_viewer(client, viewer, partner, consultation, joined):
    base = f"/api/v1/consultations/{consultation.public_id}/co-owners/{joined.public_id}"
    assert _login(client, partner).post(f"{base}/remove").status_code == 404
    assert _login(client, viewer).post(f"{base}/remove").status_code == 403
    assert CoOwner.objects.get(pk=joined.pk).status == CoOwner.Status.ACCEPTED


# --- the command line ----------------------------------------------------------------------------------------------


def test_the_cli_invites_lists_withdraws_and_removes(cli, buyer, consultation, partner):
    consultation_id = str(consultation.public_id)
    as_owner = ("--as", buyer.email)
    ok(cli("consultations", "co-owners", "invite", consultation_id, "Partner City", *as_owner))
    listed = json.loads(
        ok(cli("consultations", "co-owners", "list", consultation_id, *as_owner, "--json")).stdout
    )
    assert [(r["organisation"], r["status"]) for r in listed] == [("Partner City", "invited")]
    table = ok(cli("consultations", "co-owners", "list", consultation_id, *as_owner)).stdout
    assert "Partner City" in table and "invited, not answered yet" in table
    ok(cli("consultations", "co-owners", "withdraw", consultation_id, "partner city", *as_owner))
    assert not CoOwner.objects.exists()
    ok(
        cli(
            "consultations",
            "co-owners",
            "invite",
            consultation_id,
            str(partner.organisation.public_id),
            *as_owner,
        )
    )
    joint.co_owner_accept(actor=partner, row=CoOwner.objects.get())
    removed = json.loads(
        ok(
            cli("consultations", "co-owners", "remove", consultation_id, "Partner City", *as_owner, "--json")
        ).stdout
    )
    assert removed["status"] == "left"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("invite", "{c}", "Nowhere Ltd"), "ORGANISATIONS"),
        (("invite", "{c}"), "organisations"),
        (("remove", "{c}", "Partner City"), "ORGANISATION"),
        (("withdraw", "not-an-id", "Partner City"), "CONSULTATION"),
        (("list", "00000000-0000-0000-0000-000000000000"), "CONSULTATION"),
    ],
)
def test_the_cli_refuses_bad_input_by_name(cli, buyer, consultation, partner, args, named):
    filled = [a.replace("{c}", str(consultation.public_id)) for a in args]
    assert_refused(cli("consultations", "co-owners", *filled, "--as", buyer.email), named)
    assert not CoOwner.objects.exists()


# --- the supplier's consent ------------------------------------------------------------------------------------------


def test_the_profile_consent_names_every_organisation_that_will_see_the_answers(
    client, buyer, consultation, partner, joined, django_capture_on_commit_callbacks
):
    # given: Acme kept its answers to another buyer as its company profile
    elsewhere = UserFactory(
        email="buyer@elsewhere.example", organisation=OrganisationFactory(name="Elsewhere")
    )
    other = ConsultationFactory(organisation=elsewhere.organisation, title="Laptops")
    first = invitation_create(actor=elsewhere, consultation=other, email=EMAIL, send=False)
    invitation_submit(invitation=first, raw=response(company="Acme Computers"))
    with django_capture_on_commit_callbacks(execute=True):
        version = profiles.profile_keep_answers(invitation=first)
    # when Acme opens the joint consultation's request and fills it in from its profile
    request = invitation_create(actor=buyer, consultation=consultation, email=EMAIL, send=False)
    page = document(client.get(reverse("respond", args=[request.token]), {"from_profile": fill_key(version)}))
    # then the box names the owner and its co-owner
    label = page.find("label", **{"for": "id_share_consent"}).text
    assert "Municipality of Testville, Partner City" in label and "run this consultation together" in label
