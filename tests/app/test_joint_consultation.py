"""A joint supplier dialogue (issue 16; manual, Lesson 6): several buyers co-own one consultation, see the answers
submitted to them, and agree on the tender scenario; a supplier's answers reach only the buyers its page named."""

import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.accounts.models import Organisation, User
from hrdd.audit.models import AuditEvent
from hrdd.consultations import joint, selectors, services
from hrdd.consultations.models import Consultation, CoOwner, Invitation, ResponseVerdict
from hrdd.consultations.tasks import results_export
from hrdd.core.errors import InputError, NotFound
from hrdd.domain.joint_decision import agree_on_scenario
from hrdd.tenders.services import tender_create
from tests.factories import OrganisationFactory, OrganisationGroupFactory, UserFactory, response
from tests.html import document


@pytest.fixture
def partner(db):
    """Buyer B: a procurement officer of another organisation of the installation."""
    return UserFactory(email="buyer@partner.example", organisation=OrganisationFactory(name="Partner City"))


@pytest.fixture
def joined(buyer, consultation, partner):
    """Buyer B invited by buyer A and accepted: it co-owns A's consultation."""
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    return joint.co_owner_accept(actor=partner, row=row)


def _invite(user, consultation, email):
    return services.invitation_create(actor=user, consultation=consultation, email=email, send=False)


def _submit(invitation, **kwargs):
    return services.invitation_submit(invitation=invitation, raw=response(), **kwargs)


def _login(client, user):
    client.force_login(user)
    return client


def _fresh(consultation):
    return Consultation.objects.get(pk=consultation.pk)


# --- co-owners: invite, accept, decline, leave ---------------------------------------------------------------


def test_an_invited_organisation_sees_nothing_until_it_accepts(client, buyer, consultation, partner):
    # given
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    # then: an invitation is no co-ownership
    assert row.status == CoOwner.Status.INVITED
    assert not Consultation.objects.visible_to(partner).exists()
    assert _login(client, partner).get(consultation.get_absolute_url()).status_code == 404
    # and B's consultations page offers to accept or decline
    html = document(client.get(reverse("consultations:list")))
    assert (
        "Municipality of Testville invites your organisation to co-own"
        in html.by_id("co-owner-invitations").text
    )
    # when B accepts
    joint.co_owner_accept(actor=partner, row=row)
    # then B sees the consultation, named as run by A
    page = client.get(consultation.get_absolute_url())
    assert page.status_code == 200
    html = document(page)
    assert (
        "Run by Municipality of Testville together with your organisation"
        in html.by_id("co-owner-notice").text
    )
    assert html.by_id("record-actions") is None  # the settings stay with the owner
    assert html.by_id("import") is None and html.by_id("sharing") is None
    assert "Notebooks 2027" in document(client.get(reverse("consultations:list"))).by_id("co-owned").text


def test_a_co_owner_sees_neither_the_owners_procurement_nor_its_tenders(
    client, buyer, consultation, partner, joined
):
    # given A's own tender built on the consultation
    _submit(_invite(buyer, consultation, "sales@acme.example"))
    tender_create(actor=buyer, title="Tender of A only", scenario=2, consultation=consultation)
    # when B opens the consultation
    page = _login(client, partner).get(consultation.get_absolute_url())
    # then none of A's other steps show, and B is offered to build its own tender
    text = page.content.decode()
    assert "Tender of A only" not in text
    assert consultation.procurement.get_absolute_url() not in text
    assert "Next: build the tender annex" in text
    assert "Tender of A only" in _login(client, buyer).get(consultation.get_absolute_url()).content.decode()


def test_the_invited_organisations_people_who_decide_are_told_by_email(
    buyer, consultation, partner, django_capture_on_commit_callbacks
):
    UserFactory(organisation=partner.organisation, role=User.Role.VIEWER, email="viewer@partner.example")
    with django_capture_on_commit_callbacks(execute=True):
        joint.co_owners_invite(actor=buyer, consultation=consultation, organisations=[partner.organisation])
    (sent,) = mail.outbox  # its procurement officer, not its viewer
    assert sent.to == ["buyer@partner.example"]
    assert "Municipality of Testville invites you to run a market consultation together" in sent.subject


def test_a_co_owner_can_decline_and_is_invited_again_later(buyer, consultation, partner):
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    joint.co_owner_decline(actor=partner, row=row)
    assert CoOwner.objects.get().status == CoOwner.Status.DECLINED
    with pytest.raises(InputError, match="already answered"):
        joint.co_owner_accept(actor=partner, row=row)
    (again,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    assert again.pk == row.pk and again.status == CoOwner.Status.INVITED


def test_inviting_twice_or_oneself_or_a_supplier_is_refused_by_name(buyer, consultation, partner, joined):
    with pytest.raises(InputError, match="Partner City is already co-owner"):
        joint.co_owners_invite(actor=buyer, consultation=consultation, organisations=[partner.organisation])
    with pytest.raises(InputError, match="owns this consultation already"):
        joint.co_owners_invite(actor=buyer, consultation=consultation, organisations=[buyer.organisation])
    supplier = OrganisationFactory(name="Acme Supplier", kind=Organisation.Kind.SUPPLIER)
    with pytest.raises(InputError, match="is a supplier"):
        joint.co_owners_invite(actor=buyer, consultation=consultation, organisations=[supplier])


def test_a_group_invites_each_of_its_members_but_the_owner_and_suppliers(buyer, consultation, partner):
    # given a group of the owner with the partner, a third buyer, a supplier and the owner itself
    third = OrganisationFactory(name="Third Town")
    supplier = OrganisationFactory(name="Acme Supplier", kind=Organisation.Kind.SUPPLIER)
    group = OrganisationGroupFactory(owner=buyer.organisation, name="Central purchasing body")
    group.members.add(partner.organisation, third, supplier, buyer.organisation)
    # when
    rows = joint.co_owners_invite(actor=buyer, consultation=consultation, group=group)
    # then
    assert sorted(r.organisation.name for r in rows) == ["Partner City", "Third Town"]
    assert {r.via_group for r in rows} == {"Central purchasing body"}


def test_leaving_hides_the_consultation_and_drops_the_choice(client, buyer, consultation, partner, joined):
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=2)
    joint.scenario_choose(actor=buyer, consultation=consultation, scenario=2)
    assert _fresh(consultation).agreed_scenario == 2
    # when B leaves
    joint.co_owner_leave(actor=partner, row=joined)
    # then B sees nothing, and with nobody left to agree with there is no agreement
    assert _login(client, partner).get(consultation.get_absolute_url()).status_code == 404
    assert _fresh(consultation).agreed_scenario is None
    assert not consultation.scenario_choices.filter(organisation=partner.organisation).exists()


# --- a supplier's consent: answers reach only the organisations named when it submitted --------------------


def test_the_respond_page_and_the_email_name_every_co_owner(
    client, buyer, consultation, partner, joined, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=buyer, consultation=consultation, email="sales@acme.example", send=True
        )
    page = client.get(invitation.get_respond_url())
    seen_by = document(page).by_id("seen-by").text
    assert "Your answers will be seen by: Municipality of Testville, Partner City." in seen_by
    (sent,) = mail.outbox
    assert "Your answers will be seen by: Municipality of Testville, Partner City." in sent.body


def test_a_co_owner_sees_only_the_answers_submitted_while_it_was_named(client, buyer, consultation, partner):
    # given one supplier who answered before B joined, and one after
    before = _submit(_invite(buyer, consultation, "before@acme.example"))
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    joint.co_owner_accept(actor=partner, row=row)
    after = _submit(_invite(buyer, consultation, "after@acme.example"))
    # then the wall gives B the verdict of the later answers only, in one query
    assert set(ResponseVerdict.objects.visible_to(partner).values_list("invitation_id", flat=True)) == {
        after.pk
    }
    assert set(Invitation.objects.visible_to(partner).values_list("pk", flat=True)) == {before.pk, after.pk}
    assert set(before.submitted_to.values_list("name", flat=True)) == {"Municipality of Testville"}
    assert set(after.submitted_to.values_list("name", flat=True)) == {
        "Municipality of Testville",
        "Partner City",
    }
    # and B's page shows the later answers' levels, the earlier ones withheld with the reason
    html = document(_login(client, partner).get(consultation.get_absolute_url()))
    rows = {
        r.find_all("small")[0].text.split(" ")[0]: r
        for r in html.by_id("suppliers").find("tbody").find_all("tr")
    }
    assert "answered before you joined: not shared with you" in rows["before@acme.example"].text
    assert rows["after@acme.example"].find_all("td", data_dimension="overall")
    # the owner sees both
    html = document(_login(client, buyer).get(consultation.get_absolute_url()))
    assert len(html.by_id("suppliers").find_all("td", data_dimension="overall")) == 2


def test_the_response_page_of_earlier_answers_tells_the_co_owner_they_are_not_shared(
    client, buyer, consultation, partner
):
    earlier = _submit(_invite(buyer, consultation, "before@acme.example"))
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    joint.co_owner_accept(actor=partner, row=row)
    page = _login(client, partner).get(
        reverse("consultations:response", args=[consultation.public_id, earlier.pk])
    )
    assert page.status_code == 200
    html = document(page)
    assert "Answered before you joined: not shared with you." in html.by_id("not-shared").text
    assert html.by_id("levels") is None and html.by_id("invitation-actions") is None
    text = page.content.decode()
    assert "Acme Computers" not in text and "Answers</h2>" not in text


def test_the_co_owners_export_holds_only_the_answers_submitted_to_it(buyer, consultation, partner):
    _submit(_invite(buyer, consultation, "before@acme.example"))
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    joint.co_owner_accept(actor=partner, row=row)
    _submit(_invite(buyer, consultation, "after@acme.example"))
    results = selectors.consultation_results(consultation=consultation, reader=partner.organisation_id)
    assert [(r.invitation.email, r.withheld, r.score is not None) for r in results.rows] == [
        ("before@acme.example", True, False),
        ("after@acme.example", False, True),
    ]
    assert results_export(consultation, reader=partner.organisation_id)[:2] == b"PK"  # a workbook


def test_a_co_owner_who_joined_after_the_page_opened_is_not_sent_the_answers_unseen(
    client, buyer, consultation, partner
):
    # given the supplier's page was opened while only the owner ran the consultation
    invitation = _invite(buyer, consultation, "sales@acme.example")
    shown = str(buyer.organisation.public_id)
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    joint.co_owner_accept(actor=partner, row=row)
    # when the supplier submits the form it saw
    raw = response()
    data = {"company": raw["company"], "role": raw["role"], "action": "submit", "seen_by": shown}
    for question, picked in raw["answers"].items():
        data[question] = picked
    page = client.post(invitation.get_respond_url(), data)
    # then nothing is submitted, and the page names who joined
    assert page.status_code == 409
    assert "Partner City joined this consultation" in page.content.decode()
    invitation.refresh_from_db()
    assert invitation.status != Invitation.Status.SUBMITTED
    # the service, told what the page named, sends the answers to those only
    _submit(invitation, seen_by=[shown])
    assert list(invitation.submitted_to.values_list("name", flat=True)) == ["Municipality of Testville"]


def test_reopened_answers_go_to_those_named_when_submitted_again(buyer, consultation, partner, joined):
    invitation = _submit(_invite(buyer, consultation, "sales@acme.example"))
    services.invitation_reopen(actor=buyer, invitation=invitation)
    assert not invitation.submitted_to.exists()
    assert not Invitation.objects.filter(
        Invitation.answers_seen(partner.organisation_id), pk=invitation.pk
    ).exists()


def test_a_co_owner_invites_a_supplier_without_touching_the_owners_suppliers(
    buyer, consultation, partner, joined
):
    invitation = services.invitation_create(
        actor=partner,
        consultation=consultation,
        email="new@supplier.example",
        company="New Supplier",
        send=False,
    )
    assert invitation.invited_by == partner.organisation
    assert invitation.company is None and invitation.company_as_given == "New Supplier"
    event = AuditEvent.objects.get(action="invitation.create", target_id=str(invitation.pk))
    assert event.after["invited_by"] == "Partner City"


# --- agreeing on the scenario ----------------------------------------------------------------------------------


def test_the_scenario_is_agreed_when_all_choose_the_same_and_reopened_by_a_change(
    client, buyer, consultation, partner, joined
):
    # given each organisation's choice
    joint.scenario_choose(actor=buyer, consultation=consultation, scenario=2, note="the market can do it")
    assert _fresh(consultation).agreed_scenario is None
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=2)
    # then it is agreed, and both pages say so
    agreed = _fresh(consultation)
    assert agreed.agreed_scenario == 2 and agreed.agreed_at is not None
    for user in (buyer, partner):
        html = document(_login(client, user).get(consultation.get_absolute_url()))
        assert f"Agreed: scenario 2 on {agreed.agreed_at.date().isoformat()}" in html.by_id("agreement").text
        assert "“the market can do it”" in html.by_id("co-owners").text
    # when B changes its mind, the agreement reopens
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=3)
    assert _fresh(consultation).agreed_scenario is None
    html = document(client.get(consultation.get_absolute_url()))
    assert "Not agreed yet." in html.by_id("agreement").text
    assert "Municipality of Testville: 2, Partner City: 3" in html.by_id("agreement").text


def test_a_new_co_owner_reopens_the_agreement_until_it_chooses(buyer, consultation, partner, joined):
    joint.scenario_choose(actor=buyer, consultation=consultation, scenario=1)
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=1)
    third = UserFactory(organisation=OrganisationFactory(name="Third Town"))
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[third.organisation]
    )
    joint.co_owner_accept(actor=third, row=row)
    state = selectors.joint_state(consultation=_fresh(consultation))
    assert _fresh(consultation).agreed_scenario is None
    assert state.agreement.waiting == ("Third Town",)


def test_the_scenario_form_starts_at_the_recommendation_and_records_the_choice(
    client, buyer, consultation, partner, joined
):
    _submit(_invite(buyer, consultation, "sales@acme.example"))
    recommended = selectors.consultation_market(consultation=consultation).recommended_scenario
    html = document(_login(client, partner).get(consultation.get_absolute_url()))
    checked = html.by_id("scenario-choice").find("input", checked="")
    assert checked.get("value") == str(recommended)
    answer = client.post(
        reverse("consultations:scenario_choose", args=[consultation.public_id]), {"scenario": "3"}
    )
    assert answer.status_code == 302
    assert consultation.scenario_choices.get(organisation=partner.organisation).scenario == 3


def test_an_unknown_scenario_or_a_long_note_is_refused_by_name(buyer, consultation, joined):
    with pytest.raises(InputError) as refused:
        joint.scenario_choose(actor=buyer, consultation=consultation, scenario=7)
    assert refused.value.field == "scenario"
    with pytest.raises(InputError) as refused:
        joint.scenario_choose(actor=buyer, consultation=consultation, scenario=2, note="x" * 501)
    assert refused.value.field == "note"


def test_a_tender_a_co_owner_builds_preselects_the_agreed_scenario(
    client, buyer, consultation, partner, joined
):
    # given a market that recommends another scenario than the one agreed
    _submit(_invite(buyer, consultation, "sales@acme.example"))
    recommended = selectors.consultation_market(consultation=consultation).recommended_scenario
    agreed = 3 if recommended != 3 else 2
    joint.scenario_choose(actor=buyer, consultation=consultation, scenario=agreed)
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=agreed)
    # when B opens the tender form from the consultation
    page = _login(client, partner).get(reverse("tenders:list") + f"?consultation={consultation.public_id}")
    # then the agreed scenario is pre-selected, and the form says why
    assert page.status_code == 200
    html = document(page)
    assert html.find("input", name="scenario", checked="").get("value") == str(agreed)
    assert f"agreed on scenario {agreed}" in page.content.decode()
    # and B's tender is B's, in a procurement of its own, not A's
    tender = tender_create(actor=partner, title="Notebooks B", scenario=agreed, consultation=consultation)
    assert tender.organisation == partner.organisation
    assert tender.procurement.organisation == partner.organisation
    assert tender.procurement != consultation.procurement


# --- roles and walls ---------------------------------------------------------------------------------------------


def test_a_viewer_cannot_invite_co_owners_or_choose(client, viewer, consultation, partner, joined):
    with pytest.raises(PermissionDenied):
        joint.co_owners_invite(actor=viewer, consultation=consultation, organisations=[OrganisationFactory()])
    with pytest.raises(PermissionDenied):
        joint.scenario_choose(actor=viewer, consultation=consultation, scenario=2)
    partner_viewer = UserFactory(organisation=partner.organisation, role=User.Role.VIEWER)
    with pytest.raises(PermissionDenied):
        joint.scenario_choose(actor=partner_viewer, consultation=consultation, scenario=2)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=partner_viewer, consultation=consultation, email="x@example.org", send=False
        )
    html = document(_login(client, partner_viewer).get(consultation.get_absolute_url()))
    assert html.by_id("scenario-choice") is None and html.by_id("invite") is None
    refused = client.post(
        reverse("consultations:scenario_choose", args=[consultation.public_id]), {"scenario": "2"}
    )
    assert refused.status_code == 403


def test_a_contract_manager_cannot_accept_for_its_organisation(buyer, consultation, partner):
    (row,) = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation]
    )
    manager = UserFactory(organisation=partner.organisation, role=User.Role.CONTRACT_MANAGER)
    with pytest.raises(PermissionDenied):
        joint.co_owner_accept(actor=manager, row=row)


def test_another_organisation_sees_nothing_and_cannot_act(
    client, buyer, consultation, partner, joined, outsider
):
    submitted = _submit(_invite(buyer, consultation, "sales@acme.example"))
    assert not Consultation.objects.visible_to(outsider).exists()
    assert not Invitation.objects.visible_to(outsider).exists()
    assert not ResponseVerdict.objects.visible_to(outsider).exists()
    _login(client, outsider)
    for url in (
        consultation.get_absolute_url(),
        reverse("consultations:response", args=[consultation.public_id, submitted.pk]),
        reverse("consultations:export", args=[consultation.public_id]),
    ):
        assert client.get(url).status_code == 404
    with pytest.raises(NotFound):
        joint.scenario_choose(actor=outsider, consultation=consultation, scenario=2)
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            actor=outsider, consultation=consultation, email="x@example.org", send=False
        )
    with pytest.raises(NotFound):
        joint.co_owner_leave(actor=outsider, row=joined)
    # a co-owner cannot invite others, nor change the settings
    with pytest.raises(NotFound):
        joint.co_owners_invite(
            actor=partner, consultation=consultation, organisations=[outsider.organisation]
        )
    _login(client, partner)
    assert client.get(reverse("consultations:edit", args=[consultation.public_id])).status_code == 404


# --- audit -------------------------------------------------------------------------------------------------------


def test_invite_accept_decline_leave_and_choose_are_audited_in_both_logs(buyer, consultation, partner):
    third = UserFactory(organisation=OrganisationFactory(name="Third Town"))
    rows = joint.co_owners_invite(
        actor=buyer, consultation=consultation, organisations=[partner.organisation, third.organisation]
    )
    accepted = joint.co_owner_accept(actor=partner, row=rows[0])
    joint.co_owner_decline(actor=third, row=rows[1])
    joint.scenario_choose(actor=partner, consultation=consultation, scenario=2, note="why")
    joint.co_owner_leave(actor=partner, row=accepted)
    owner_log = [e.action for e in AuditEvent.objects.filter(organisation=buyer.organisation).order_by("id")]
    assert [a for a in owner_log if a.startswith("consultation.")] == [
        "consultation.co_owner_invite",
        "consultation.co_owner_invite",
        "consultation.co_owner_accept",
        "consultation.co_owner_decline",
        "consultation.scenario_choose",
        "consultation.co_owner_leave",
    ]
    partner_log = AuditEvent.objects.filter(organisation=partner.organisation)
    assert set(partner_log.values_list("action", flat=True)) >= {
        "consultation.co_owner_invite",
        "consultation.co_owner_accept",
        "consultation.scenario_choose",
        "consultation.co_owner_leave",
    }
    choose = partner_log.get(action="consultation.scenario_choose")
    assert choose.actor == partner and choose.after["scenario"] == 2 and choose.after["note"] == "why"
    assert partner_log.get(action="consultation.co_owner_leave").before["scenario"] == 2


# --- cost of the suppliers list ----------------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(captured)


def test_the_co_owners_suppliers_list_costs_the_same_queries_for_2_or_12_rows(
    client, buyer, consultation, partner, joined
):
    def add(n, start):
        for i in range(start, start + n):
            _submit(_invite(buyer, consultation, f"s{i}@acme.example"))

    add(2, 0)
    _login(client, partner)
    url = consultation.get_absolute_url()
    api = reverse("api:consultation_responses", kwargs={"public_id": consultation.public_id})
    few, few_api = _queries(client, url), _queries(client, api)
    add(10, 2)
    assert _queries(client, url) == few
    assert _queries(client, api) == few_api


# --- the API -----------------------------------------------------------------------------------------------------


def test_the_api_invites_accepts_lists_and_agrees(client, buyer, consultation, partner):
    base = f"/api/v1/consultations/{consultation.public_id}"
    _login(client, buyer)
    invited = client.post(
        f"{base}/co-owners",
        json.dumps({"organisations": [str(partner.organisation.public_id)]}),
        content_type="application/json",
    )
    assert invited.status_code == 201, invited.content
    (row,) = invited.json()
    assert row["organisation"] == "Partner City" and row["status"] == "invited"
    _login(client, partner)
    (waiting,) = client.get("/api/v1/consultations/co-owner-invitations").json()
    assert waiting["id"] == row["id"] and waiting["owner"] == "Municipality of Testville"
    accepted = client.post(f"/api/v1/consultations/co-owners/{row['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert [r["status"] for r in client.get(f"{base}/co-owners").json()] == ["accepted"]
    chosen = client.put(f"{base}/scenario", json.dumps({"scenario": 2}), content_type="application/json")
    assert chosen.status_code == 200 and chosen.json()["agreed"] is False
    assert chosen.json()["waiting"] == ["Municipality of Testville"]
    _login(client, buyer)
    agreed = client.put(
        f"{base}/scenario", json.dumps({"scenario": 2, "note": "fine"}), content_type="application/json"
    ).json()
    assert agreed["agreed"] is True and agreed["scenario"] == 2
    assert [(c["organisation"], c["scenario"]) for c in agreed["choices"]] == [
        ("Municipality of Testville", 2),
        ("Partner City", 2),
    ]


def test_the_api_refuses_by_name_and_by_role(client, buyer, viewer, consultation, partner):
    base = f"/api/v1/consultations/{consultation.public_id}"
    _login(client, buyer)
    bad = client.put(f"{base}/scenario", json.dumps({"scenario": 9}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "scenario"
    unknown = client.post(
        f"{base}/co-owners",
        json.dumps({"organisations": [str(consultation.public_id)]}),
        content_type="application/json",
    )
    assert unknown.status_code == 422 and unknown.json()["field"] == "organisations"
    _login(client, viewer)
    refused = client.post(
        f"{base}/co-owners",
        json.dumps({"organisations": [str(partner.organisation.public_id)]}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    _login(client, partner)
    assert client.get(f"{base}/scenario").status_code == 404


# --- the rule, without a database --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choices", "agreed", "scenario"),
    [
        ({"A": 2, "B": 2}, True, 2),
        ({"A": 2, "B": 3}, False, None),
        ({"A": 2}, False, None),
        ({"A": 2, "B": 2, "Gone": 3}, True, 2),  # the choice of one that left does not count
    ],
)
def test_agreement_needs_every_participant_to_choose_the_same(choices, agreed, scenario):
    verdict = agree_on_scenario(participants=["A", "B"], choices=choices)
    assert (verdict.agreed, verdict.scenario) == (agreed, scenario)
    assert verdict.reason  # every verdict says why


def test_one_organisation_alone_has_nothing_to_agree_on():
    verdict = agree_on_scenario(participants=["A"], choices={"A": 2})
    assert not verdict.agreed and "nothing to agree on" in verdict.reason
