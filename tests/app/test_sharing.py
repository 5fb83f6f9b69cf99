"""Sharing between the organisations of one installation (issue 16): chosen records, read-only, revocable, audited,
through the one wall (hrdd.core.models.visible_to); a supplier's own submissions never move."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.accounts.models import Share, User
from hrdd.accounts.services import (
    group_create,
    group_member_add,
    group_member_remove,
    share_create,
    share_revoke,
)
from hrdd.audit.models import AuditEvent
from hrdd.companies.models import Company
from hrdd.companies.services import company_update
from hrdd.consultations.models import Invitation, ResponseVerdict
from hrdd.core.errors import InputError, NotFound
from hrdd.incidents.models import Incident
from hrdd.incidents.selectors import incident_list
from hrdd.supplier_sites.models import SiteMention
from tests.factories import (
    CompanyFactory,
    IncidentFactory,
    OrganisationFactory,
    OrganisationGroupFactory,
    SiteFactory,
    SiteMentionFactory,
    UserFactory,
)
from tests.html import document


@pytest.fixture
def supplier(municipality):
    """A supplier of the municipality (buyer A)."""
    return CompanyFactory(organisation=municipality, legal_name="Joint Supplier B.V.")


@pytest.fixture
def other_buyer(outsider):
    """Buyer B: a procurement officer of another organisation of the installation."""
    return outsider


def _login(client, user):
    client.force_login(user)
    return client


# --- the wall -------------------------------------------------------------------------------------------------


def test_without_a_share_another_organisation_sees_nothing(client, supplier, other_buyer):
    assert not Company.objects.visible_to(other_buyer).filter(pk=supplier.pk).exists()
    page = _login(client, other_buyer).get(supplier.get_absolute_url())
    assert page.status_code == 404


def test_a_company_shared_with_an_organisation_is_read_only_there(client, buyer, supplier, other_buyer):
    # given
    share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation, note="joint supplier")
    # when
    page = _login(client, other_buyer).get(supplier.get_absolute_url())
    # then
    assert page.status_code == 200
    html = document(page)
    notice = html.find(cls="shared-notice").text
    assert "Shared by Municipality of Testville on" in notice and "read-only" in notice
    assert html.by_id("edit-company") is None
    assert html.by_id("sharing") is None  # only the owner shares
    assert "Where it is named" not in page.content.decode()


def test_the_owner_still_sees_its_edit_form_and_share_panel(client, buyer, supplier):
    html = document(_login(client, buyer).get(supplier.get_absolute_url()))
    assert html.by_id("edit-company") is not None
    assert html.by_id("share-form") is not None
    assert not html.find_all(cls="shared-notice")


def test_the_organisations_own_lists_stay_its_own(client, buyer, supplier, other_buyer):
    share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    own_list = _login(client, other_buyer).get(reverse("companies:list"))
    assert supplier.legal_name not in own_list.content.decode()
    shared = client.get(reverse("accounts:shared"))
    assert supplier.legal_name in shared.content.decode()


def test_a_share_to_a_group_reaches_its_members_and_no_one_else(buyer, supplier, other_buyer):
    # given a central purchasing body's group of buyers, A and B among them
    central = OrganisationFactory(name="Central Purchasing Body")
    group = OrganisationGroupFactory(owner=central, name="Buyers of the CPB")
    group.members.add(buyer.organisation, other_buyer.organisation)
    stranger = UserFactory(organisation=OrganisationFactory(name="Not in the group"))
    # when
    share_create(actor=buyer, record=supplier, group=group)
    # then
    assert Company.objects.visible_to(other_buyer).filter(pk=supplier.pk).exists()
    assert not Company.objects.visible_to(stranger).filter(pk=supplier.pk).exists()
    central_user = UserFactory(organisation=central)
    assert not Company.objects.visible_to(central_user).filter(pk=supplier.pk).exists()  # owner is no member


def test_sharing_with_a_group_one_belongs_to_is_not_shared_with_oneself(client, buyer, supplier, other_buyer):
    group = OrganisationGroupFactory(name="Buyers")
    group.members.add(buyer.organisation, other_buyer.organisation)
    share_create(actor=buyer, record=supplier, group=group)
    html = document(_login(client, buyer).get(supplier.get_absolute_url()))
    assert not html.find_all(cls="shared-notice")
    assert supplier.legal_name not in client.get(reverse("accounts:shared")).content.decode()


def test_a_group_one_does_not_belong_to_is_refused_by_name(buyer, supplier):
    group = OrganisationGroupFactory(name="Someone else's group")
    with pytest.raises(InputError) as refused:
        share_create(actor=buyer, record=supplier, group=group)
    assert refused.value.field == "group"
    assert "Someone else's group" in str(refused.value)


def test_leaving_the_group_stops_the_share_at_once(buyer, supplier, other_buyer):
    admin = UserFactory(organisation=OrganisationFactory(name="CPB"), role=User.Role.ADMIN)
    group = group_create(actor=admin, name="Buyers")
    group_member_add(actor=admin, group=group, organisation=buyer.organisation)
    group_member_add(actor=admin, group=group, organisation=other_buyer.organisation)
    share_create(actor=buyer, record=supplier, group=group)
    assert Company.objects.visible_to(other_buyer).filter(pk=supplier.pk).exists()
    group_member_remove(actor=admin, group=group, organisation=other_buyer.organisation)
    assert not Company.objects.visible_to(other_buyer).filter(pk=supplier.pk).exists()


def test_revoking_stops_the_share_at_the_next_request(client, buyer, supplier, other_buyer):
    share = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    assert _login(client, other_buyer).get(supplier.get_absolute_url()).status_code == 200
    share_revoke(actor=buyer, share=share)
    assert client.get(supplier.get_absolute_url()).status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is not None and share.revoked_by == buyer


def test_revoking_twice_is_refused(buyer, supplier, other_buyer):
    share = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    share_revoke(actor=buyer, share=share)
    with pytest.raises(InputError, match="already revoked"):
        share_revoke(actor=buyer, share=share)


def test_the_revoke_button_on_the_panel_revokes(client, buyer, supplier, other_buyer):
    share = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    answer = _login(client, buyer).post(reverse("accounts:share_revoke", args=[share.public_id]))
    assert answer.status_code == 302 and answer["Location"].endswith("#sharing")
    share.refresh_from_db()
    assert share.revoked_at is not None


# --- refusals ---------------------------------------------------------------------------------------------------


def test_sharing_with_ones_own_organisation_is_refused_by_name(buyer, supplier):
    with pytest.raises(InputError) as refused:
        share_create(actor=buyer, record=supplier, organisation=buyer.organisation)
    assert refused.value.field == "organisation"
    assert "Municipality of Testville is your own organisation" in str(refused.value)


def test_a_second_share_in_force_is_refused_by_name_and_allowed_after_revoking(buyer, supplier, other_buyer):
    first = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    with pytest.raises(InputError) as refused:
        share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    assert "Joint Supplier B.V. is already shared with Elsewhere" in str(refused.value)
    share_revoke(actor=buyer, share=first)
    again = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    assert again.pk != first.pk


def test_a_viewer_of_the_owner_cannot_share(client, viewer, supplier, other_buyer):
    with pytest.raises(PermissionDenied):
        share_create(actor=viewer, record=supplier, organisation=other_buyer.organisation)
    html = document(_login(client, viewer).get(supplier.get_absolute_url()))
    assert html.by_id("share-form") is None
    assert "Only members whose role allows changes share records." in html.text


def test_another_organisation_cannot_share_or_revoke_the_owners_record(buyer, supplier, other_buyer):
    with pytest.raises(NotFound):
        share_create(actor=other_buyer, record=supplier, organisation=buyer.organisation)
    share = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    with pytest.raises(NotFound):
        share_revoke(actor=other_buyer, share=share)


def test_a_batch_of_shares_is_stored_whole_or_not_at_all(client, buyer, supplier, other_buyer):
    # given one organisation that would be refused (the owner's own) among the chosen ones
    answer = _login(client, buyer).post(
        reverse("accounts:share_create"),
        {
            "kind": "company",
            "record": str(supplier.public_id),
            "organisations": [str(other_buyer.organisation.public_id)],
            "group": "",
            "note": "",
        },
    )
    assert answer.status_code == 302
    assert Share.objects.filter(grantee_organisation=other_buyer.organisation).count() == 1
    again = client.post(
        reverse("accounts:share_create"),
        {
            "kind": "company",
            "record": str(supplier.public_id),
            "organisations": [
                str(OrganisationFactory(name="Aardvark Council").public_id),
                str(other_buyer.organisation.public_id),
            ],
        },
    )
    assert again.status_code == 302
    assert Share.objects.count() == 1  # the first share of the batch was not kept either


# --- grantees cannot write ------------------------------------------------------------------------------------


def test_a_grantee_cannot_change_the_shared_company(client, buyer, supplier, other_buyer):
    share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    with pytest.raises(PermissionDenied):
        company_update(actor=other_buyer, company=supplier, legal_name="Renamed")
    _login(client, other_buyer)
    page = client.post(supplier.get_absolute_url(), {"legal_name": "Renamed", "kind": "supplier"})
    assert page.status_code == 404
    api = client.patch(
        f"/api/v1/companies/{supplier.public_id}",
        data=json.dumps({"legal_name": "Renamed"}),
        content_type="application/json",
    )
    assert api.status_code == 404
    assert client.get(f"/api/v1/companies/{supplier.public_id}").status_code == 200
    supplier.refresh_from_db()
    assert supplier.legal_name == "Joint Supplier B.V."


# --- incidents: confidentiality -------------------------------------------------------------------------------


def test_a_confidential_incident_cannot_be_shared(client, buyer, other_buyer):
    incident = IncidentFactory(organisation=buyer.organisation, confidentiality="owner_only")
    with pytest.raises(InputError) as refused:
        share_create(actor=buyer, record=incident, organisation=other_buyer.organisation)
    assert refused.value.field == "record"
    assert "confidential" in str(refused.value)
    assert not Share.objects.exists()
    html = document(_login(client, buyer).get(incident.get_absolute_url()))
    assert "cannot be shared" in html.by_id("share-refusal").text
    assert html.by_id("share-form") is None


def test_a_shared_incident_never_shows_its_reporter(client, buyer, other_buyer):
    incident = IncidentFactory(
        organisation=buyer.organisation,
        confidentiality="shared",
        reporter_anonymous=False,
        reporter_name="Ana Worker",
        reporter_contact="ana@example.org",
    )
    share_create(actor=buyer, record=incident, organisation=other_buyer.organisation)
    page = _login(client, other_buyer).get(incident.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Shared by Municipality of Testville" in text
    assert "Ana Worker" not in text and "ana@example.org" not in text
    moved = client.post(reverse("incidents:transition", args=[incident.public_id]), {"status": "verifying"})
    assert moved.status_code == 403


def test_an_incident_made_confidential_again_stops_reaching_the_grantee(buyer, other_buyer):
    incident = IncidentFactory(organisation=buyer.organisation, confidentiality="shared")
    share_create(actor=buyer, record=incident, organisation=other_buyer.organisation)
    assert incident_list(user=other_buyer).filter(pk=incident.pk).exists()
    Incident.objects.filter(pk=incident.pk).update(confidentiality="owner_only")
    assert not incident_list(user=other_buyer).filter(pk=incident.pk).exists()


def test_a_public_incident_needs_no_share(buyer, other_buyer):
    incident = IncidentFactory(organisation=buyer.organisation, confidentiality="public")
    with pytest.raises(InputError, match="already sees it"):
        share_create(actor=buyer, record=incident, organisation=other_buyer.organisation)


# --- sites: the owner's rows, never a supplier's site list ----------------------------------------------------


def test_sharing_a_site_shares_the_rows_entered_by_hand_not_the_suppliers_lists(client, buyer, other_buyer):
    # given a site the buyer names twice: by hand, and through a supplier's site list
    site = SiteFactory(name="Penang Assembly")
    typed = SiteMentionFactory(
        organisation=buyer.organisation, site=site, source="manual", name="Penang plant"
    )
    listed = SiteMentionFactory(
        organisation=buyer.organisation, site=site, source="submission", name="Supplier's own row"
    )
    # when
    share_create(actor=buyer, record=site, organisation=other_buyer.organisation)
    # then
    seen = set(SiteMention.objects.visible_to(other_buyer).values_list("pk", flat=True))
    assert typed.pk in seen and listed.pk not in seen
    page = _login(client, other_buyer).get(site.get_absolute_url())
    text = page.content.decode()
    assert "Penang plant" in text and "Supplier's own row" not in text
    assert client.get(reverse("supplier_sites:mention", args=[typed.public_id])).status_code == 200
    assert client.get(reverse("supplier_sites:mention", args=[listed.public_id])).status_code == 404


def test_a_shared_row_is_read_only_for_the_grantee(client, buyer, other_buyer):
    site = SiteFactory()
    typed = SiteMentionFactory(organisation=buyer.organisation, site=site, source="manual")
    share_create(actor=buyer, record=site, organisation=other_buyer.organisation)
    _login(client, other_buyer)
    html = document(client.get(reverse("supplier_sites:mention", args=[typed.public_id])))
    assert html.find_all(cls="shared-notice")
    assert not [f for f in html.find_all("form") if f.get("action", "").endswith("/delete/")]
    deleted = client.post(reverse("supplier_sites:mention_delete", args=[typed.public_id]))
    assert deleted.status_code == 404
    assert SiteMention.objects.filter(pk=typed.pk).exists()


def test_a_site_the_organisation_does_not_name_cannot_be_shared(buyer, other_buyer):
    with pytest.raises(InputError, match="does not name this site"):
        share_create(actor=buyer, record=SiteFactory(), organisation=other_buyer.organisation)


# --- consultations: the results move, a supplier's answers never ----------------------------------------------


def test_a_shared_consultation_shows_its_results_not_who_answered_what(
    client, buyer, consultation, submitted, other_buyer
):
    # given a consultation with one supplier's submitted answers
    share_create(actor=buyer, record=consultation, organisation=other_buyer.organisation)
    # when buyer B opens it
    page = _login(client, other_buyer).get(consultation.get_absolute_url())
    # then B reads the recommendation and the counts, not the supplier nor its answers
    assert page.status_code == 200
    html = document(page)
    assert "Shared by Municipality of Testville" in html.find(cls="shared-notice").text
    assert "based on 1 submitted response" in html.by_id("recommendation").text
    assert "1 supplier invited, 1 answered" in html.by_id("response-counts").text
    text = page.content.decode()
    assert "supplier@acme.example" not in text and "Acme" not in text
    assert html.by_id("sharing") is None
    response_page = reverse("consultations:response", args=[consultation.public_id, submitted.pk])
    assert client.get(response_page).status_code == 404
    assert client.get(reverse("consultations:export", args=[consultation.public_id])).status_code == 404
    assert client.post(consultation.get_absolute_url(), {"email": "x@example.org"}).status_code == 404
    assert not Invitation.objects.visible_to(other_buyer).exists()
    assert not ResponseVerdict.objects.visible_to(other_buyer).exists()


def test_the_owner_shares_a_consultation_from_its_page(client, buyer, consultation, other_buyer):
    html = document(_login(client, buyer).get(consultation.get_absolute_url()))
    assert "Never which supplier answered what" in html.by_id("sharing").text
    answer = client.post(
        reverse("accounts:share_create"),
        {
            "kind": "consultation",
            "record": str(consultation.public_id),
            "organisations": [str(other_buyer.organisation.public_id)],
        },
    )
    assert answer["Location"] == f"{consultation.get_absolute_url()}#sharing"
    assert Share.objects.get().record_type == "consultations.consultation"


# --- groups -----------------------------------------------------------------------------------------------------


def test_only_an_administrator_of_the_groups_owner_manages_it(buyer, other_buyer):
    admin = UserFactory(organisation=buyer.organisation, role=User.Role.ADMIN)
    with pytest.raises(PermissionDenied):
        group_create(actor=buyer, name="Not allowed")  # a procurement officer
    group = group_create(actor=admin, name="Buyers of the CPB")
    with pytest.raises(PermissionDenied):
        group_member_add(actor=buyer, group=group, organisation=other_buyer.organisation)
    member_admin = UserFactory(organisation=other_buyer.organisation, role=User.Role.ADMIN)
    with pytest.raises(NotFound):
        group_member_add(actor=member_admin, group=group, organisation=other_buyer.organisation)
    group_member_add(actor=admin, group=group, organisation=other_buyer.organisation)
    assert list(group.members.all()) == [other_buyer.organisation]
    with pytest.raises(InputError, match="already a member"):
        group_member_add(actor=admin, group=group, organisation=other_buyer.organisation)


def test_the_group_pages_let_the_owners_administrator_add_members(client, other_buyer, municipality):
    admin = UserFactory(organisation=municipality, role=User.Role.ADMIN)
    _login(client, admin)
    created = client.post(reverse("accounts:groups"), {"name": "Buyers of the CPB"})
    assert created.status_code == 302
    added = client.post(created["Location"], {"organisation": str(other_buyer.organisation.public_id)})
    assert added.status_code == 302
    page = client.get(created["Location"])
    assert "Elsewhere" in page.content.decode()
    # a member sees the group, read-only
    html = document(_login(client, other_buyer).get(created["Location"]))
    assert html.by_id("add-member") is None
    refused = client.post(created["Location"], {"organisation": str(municipality.public_id)})
    assert refused.status_code == 403


# --- audit ------------------------------------------------------------------------------------------------------


def test_each_sharing_write_is_audited_in_the_owners_log(buyer, supplier, other_buyer):
    admin = UserFactory(organisation=buyer.organisation, role=User.Role.ADMIN)
    group = group_create(actor=admin, name="Buyers")
    group_member_add(actor=admin, group=group, organisation=other_buyer.organisation)
    share = share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation, note="why")
    share_revoke(actor=buyer, share=share)
    group_member_remove(actor=admin, group=group, organisation=other_buyer.organisation)
    events = {e.action: e for e in AuditEvent.objects.filter(organisation=buyer.organisation)}
    assert {"group.create", "group.member_add", "share.create", "share.revoke", "group.member_remove"} <= set(
        events
    )
    created = events["share.create"]
    assert created.actor == buyer
    assert created.after["grantee_organisation"] == "Elsewhere"
    assert created.after["record"] == str(supplier.public_id)
    assert events["share.revoke"].before["revoked"] is None
    assert events["share.revoke"].after["revoked"] is not None
    assert events["group.member_remove"].after["members"] == []


# --- the "shared with us" list --------------------------------------------------------------------------------


def _share_kinds(owner_user, grantee, n):
    for _ in range(n):
        share_create(
            actor=owner_user,
            record=CompanyFactory(organisation=owner_user.organisation),
            organisation=grantee.organisation,
        )
        incident = IncidentFactory(organisation=owner_user.organisation, confidentiality="shared")
        share_create(actor=owner_user, record=incident, organisation=grantee.organisation)
        site = SiteFactory()
        SiteMentionFactory(organisation=owner_user.organisation, site=site)
        share_create(actor=owner_user, record=site, organisation=grantee.organisation)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(captured)


def test_the_shared_with_us_list_costs_the_same_queries_for_3_or_18_rows(client, buyer, other_buyer):
    _share_kinds(buyer, other_buyer, 1)
    _login(client, other_buyer)
    few = _queries(client, reverse("accounts:shared"))
    _share_kinds(buyer, other_buyer, 5)
    many = _queries(client, reverse("accounts:shared"))
    assert many == few
    assert (
        len(document(client.get(reverse("accounts:shared"))).by_id("shares").find("tbody").find_all("tr"))
        == 18
    )


def test_the_shared_with_us_list_filters_by_kind(client, buyer, other_buyer):
    _share_kinds(buyer, other_buyer, 1)
    html = document(_login(client, other_buyer).get(reverse("accounts:shared") + "?kind=incident"))
    rows = html.by_id("shares").find("tbody").find_all("tr")
    assert len(rows) == 1 and "Allegation" in rows[0].text


# --- API ----------------------------------------------------------------------------------------------------------


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_the_api_creates_lists_and_revokes_a_share(client, buyer, supplier, other_buyer):
    _login(client, buyer)
    created = _post(
        client,
        "/api/v1/shares/",
        {
            "kind": "company",
            "record": str(supplier.public_id),
            "organisation": str(other_buyer.organisation.public_id),
        },
    )
    assert created.status_code == 201, created.content
    share = created.json()
    assert (share["kind"], share["grantee_organisation"], share["revoked_at"]) == (
        "company",
        "Elsewhere",
        None,
    )
    given = client.get("/api/v1/shares/").json()
    assert given["count"] == 1
    received = _login(client, other_buyer).get("/api/v1/shares/?direction=received").json()
    assert [s["record"] for s in received["items"]] == [str(supplier.public_id)]
    assert client.post(f"/api/v1/shares/{share['id']}/revoke").status_code == 404  # not the owner
    revoked = _login(client, buyer).post(f"/api/v1/shares/{share['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert _login(client, other_buyer).get(f"/api/v1/companies/{supplier.public_id}").status_code == 404


def test_the_api_refuses_by_name(client, buyer, viewer, supplier):
    _login(client, buyer)
    own = _post(
        client,
        "/api/v1/shares/",
        {
            "kind": "company",
            "record": str(supplier.public_id),
            "organisation": str(buyer.organisation.public_id),
        },
    )
    assert own.status_code == 422 and own.json()["field"] == "organisation"
    unknown = _post(client, "/api/v1/shares/", {"kind": "contract", "record": str(supplier.public_id)})
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind"
    other = OrganisationFactory()
    as_viewer = _post(
        _login(client, viewer),
        "/api/v1/shares/",
        {"kind": "company", "record": str(supplier.public_id), "organisation": str(other.public_id)},
    )
    assert as_viewer.status_code == 403


def test_a_member_of_both_organisations_cannot_change_the_shared_record_from_the_grantee(
    buyer, supplier, other_buyer
):
    # given: the buyer also belongs to buyer B's organisation, works there now, and A's supplier is shared with B
    from hrdd.accounts.services import membership_add, membership_switch

    share_create(actor=buyer, record=supplier, organisation=other_buyer.organisation)
    membership_add(user=buyer, organisation=other_buyer.organisation, role=User.Role.PROCUREMENT_OFFICER)
    membership_switch(user=buyer, organisation_public_id=str(other_buyer.organisation.public_id))
    buyer.refresh_from_db()
    assert Company.objects.visible_to(buyer).filter(pk=supplier.pk).exists()

    # when / then: their writer's role in A does not reach A's record from B
    with pytest.raises((PermissionDenied, NotFound)):
        company_update(actor=buyer, company=supplier, legal_name="Renamed from B")
    supplier.refresh_from_db()
    assert supplier.legal_name == "Joint Supplier B.V."
