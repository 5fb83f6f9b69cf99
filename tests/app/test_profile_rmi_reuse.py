"""An RMI report kept in a supplier's company profile answers another buyer's smelter-list request (issue 16): only
with a consent naming that buyer; the buyer sees the version and date it came from and that its declaration was not
checked again (there is no workbook); withdrawing the consent removes it at once, and the buyer's consolidated
smelters no longer count it; another organisation never sees it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.profiles.models import ProfileShare, ProfileVersion, SupplierProfile
from hrdd.rmi import services as rmi_services
from hrdd.rmi.models import ConsolidatedSmelter, Upload
from tests.html import document

EMAIL = "sales@acme.example"
SAVED = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)
CMRT = {
    "template": "CMRT",
    "template_version": "6.5",
    "company_name": "Acme Computers",
    "declaration_scope": "A. Company",
    "minerals": ["Tin", "Gold"],
    "smelters": [
        {"metal": "Tin", "name": "Tin Refinery 2", "country": "CHINA", "cid": "CID000002"},
        {"metal": "Gold", "name": "Gold Works", "country": "PERU", "cid": ""},
    ],
}


@pytest.fixture
def profile(db):
    """Acme's confirmed profile: version 2 holds a CMRT (kept for another buyer earlier)."""
    kept = SupplierProfile.objects.create(
        company_as_given="Acme Computers", email=EMAIL, confirmed_at=timezone.now()
    )
    ProfileVersion.objects.create(
        profile=kept, number=1, saved_at=SAVED - dt.timedelta(days=30), content={}, source="import"
    )
    ProfileVersion.objects.create(
        profile=kept, number=2, saved_at=SAVED, content={"rmi_reports": [CMRT]}, source="rmi_report"
    )
    return kept


@pytest.fixture
def asked(buyer):
    """The municipality asks Acme (same address) for its CMRT."""
    campaign = rmi_services.campaign_create(actor=buyer, title="Smelter lists 2026", templates=["CMRT"])
    return rmi_services.request_add(
        actor=buyer, campaign=campaign, supplier_name="Acme Computers", email=EMAIL
    )


def share(client, asked, *, consent=True, version=2, template="CMRT"):
    data = {"request": str(asked.public_id), "version": str(version), "template": template}
    if consent:
        data["consent"] = "1"
    return client.post(reverse("profiles:share_rmi", args=[asked.token]), data, follow=True)


def test_the_link_page_offers_the_profiles_report_with_a_consent_naming_the_buyer(client, profile, asked):
    page = document(client.get(asked.get_supplier_url()))
    offer = page.by_id(f"profile-rmi-{asked.public_id}")
    assert offer is not None
    assert (
        "I agree that Municipality of Testville sees the CMRT of version 2 of my company profile, saved on "
        in (offer.text)
    )
    assert "2026-03-04" in offer.text and "Smelter lists 2026" in offer.text
    assert "2 smelters" in offer.text


def test_no_offer_for_a_template_not_asked_or_another_address(client, profile, buyer):
    campaign = rmi_services.campaign_create(actor=buyer, title="Cobalt 2026", templates=["EMRT"])
    emrt = rmi_services.request_add(actor=buyer, campaign=campaign, supplier_name="Acme", email=EMAIL)
    other = rmi_services.request_add(
        actor=buyer,
        campaign=rmi_services.campaign_create(actor=buyer, title="Tin 2026", templates=["CMRT"]),
        supplier_name="Other Ltd",
        email="sales@other.example",
    )
    assert document(client.get(emrt.get_supplier_url())).by_id(f"profile-rmi-{emrt.public_id}") is None
    assert document(client.get(other.get_supplier_url())).by_id(f"profile-rmi-{other.public_id}") is None
    # and posting anyway stores nothing
    share(client, other)
    assert not Upload.objects.exists() and not ProfileShare.objects.exists()


def test_without_the_consent_nothing_is_stored(client, profile, asked):
    answer = share(client, asked, consent=False)
    assert "Tick the box to agree that Municipality of Testville sees it; nothing was shared." in (
        document(answer).text
    )
    assert not Upload.objects.exists()
    assert not ProfileShare.objects.exists()
    assert not ConsolidatedSmelter.objects.exists()
    asked.refresh_from_db()
    assert asked.current_upload is None


def test_an_older_version_than_offered_is_refused(client, profile, asked):
    answer = share(client, asked, version=1)
    assert "it is now at version 2" in document(answer).text
    assert not Upload.objects.exists() and not ProfileShare.objects.exists()


def test_shared_with_consent_the_buyer_sees_version_date_and_that_it_was_not_rechecked(
    client, profile, asked, buyer, outsider
):
    # when Acme ticks the box
    answer = share(client, asked)
    assert "Shared the CMRT of version 2 of your company profile with Municipality of Testville." in (
        document(answer).text
    )

    # then an upload without a workbook is the request's current file, with the profile's smelters
    asked.refresh_from_db()
    upload = asked.current_upload
    assert (upload.status, bytes(upload.content), upload.template_type, upload.template_version) == (
        "from_profile",
        b"",
        "CMRT",
        "6.5",
    )
    assert [(s.metal, s.name, s.cid, s.country_iso3) for s in upload.smelters.order_by("row")] == [
        ("Tin", "Tin Refinery 2", "CID000002", "CHN"),
        ("Gold", "Gold Works", "", "PER"),
    ]
    # the consolidation counts them at once
    assert sorted(
        ConsolidatedSmelter.objects.filter(organisation=asked.campaign.organisation).values_list(
            "metal", "name"
        )
    ) == [("Gold", "Gold Works"), ("Tin", "Tin Refinery 2")]
    # the share records the consent, audited
    recorded = ProfileShare.objects.get()
    assert (recorded.rmi_request, recorded.rmi_upload, recorded.version_number, recorded.part) == (
        asked,
        upload,
        2,
        "rmi:CMRT",
    )
    assert "Municipality of Testville" in recorded.consent_text
    assert AuditEvent.objects.filter(action="profile.share").exists()
    assert AuditEvent.objects.filter(action="rmi_upload.from_profile").exists()
    # the link page no longer offers the same report, and says it was shared
    supplier_page = document(client.get(asked.get_supplier_url())).by_id(f"profile-rmi-{asked.public_id}")
    assert (
        "Your current report was shared from your company profile: version 2 of 2026-03-04"
        in supplier_page.text
    )
    assert supplier_page.find_all("form") == []

    # the buyer's page says which version, of which date, and that the declaration was not checked again
    client.force_login(buyer)
    note = document(client.get(asked.get_absolute_url())).by_id("profile-rmi-note")
    assert "version 2 of 2026-03-04" in note.text
    assert "there is no workbook, and the template's declaration was not checked again" in note.text
    # the file link answers clearly that there is no workbook
    download = client.get(reverse("rmi:upload_file", args=[upload.public_id]))
    assert download.status_code == 404
    assert (
        "Shared from the supplier's profile: there is no workbook to download." in download.content.decode()
    )

    # another organisation sees neither the request nor the upload
    client.force_login(outsider)
    assert client.get(asked.get_absolute_url()).status_code == 404
    assert client.get(reverse("rmi:upload_file", args=[upload.public_id])).status_code == 404
    assert not ConsolidatedSmelter.objects.filter(organisation=outsider.organisation).exists()


def test_withdrawing_removes_the_upload_and_its_smelters_at_once(client, profile, asked, buyer):
    share(client, asked)
    recorded = ProfileShare.objects.get()
    upload_pk = recorded.rmi_upload_id

    # when Acme withdraws it from its profile's page
    url = reverse("profiles:share_revoke", args=[profile.token, recorded.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert "its smelters will no longer count in its supply chain" in document(page).text
    client.post(url, {"confirm": "on"})

    # then the upload, its smelters and their consolidation are gone
    recorded.refresh_from_db()
    assert recorded.revoked_at is not None and recorded.ended_because == "supplier"
    assert recorded.rmi_upload is None
    assert not Upload.objects.filter(pk=upload_pk).exists()
    asked.refresh_from_db()
    assert asked.current_upload is None
    assert not ConsolidatedSmelter.objects.filter(organisation=asked.campaign.organisation).exists()
    assert AuditEvent.objects.filter(action="rmi_upload.withdraw").exists()
    assert AuditEvent.objects.filter(action="profile.share_revoke").exists()

    # the buyer's page says it was withdrawn; the link page offers it again
    client.force_login(buyer)
    buyer_page = document(client.get(asked.get_absolute_url()))
    assert buyer_page.by_id("profile-rmi-note") is None
    assert "Withdrawn by the supplier on" in buyer_page.text
    client.logout()
    offer = document(client.get(asked.get_supplier_url())).by_id(f"profile-rmi-{asked.public_id}")
    assert offer.find_all("form")


def test_a_second_click_shares_nothing_more(client, profile, asked):
    share(client, asked)
    answer = share(client, asked)
    assert "You already sent this CMRT from version 2 of your company profile." in document(answer).text
    assert Upload.objects.count() == 1 and ProfileShare.objects.count() == 1


def test_a_revoked_link_shares_and_keeps_nothing_and_answers_410(client, profile, asked, buyer):
    from hrdd.rmi.links import request_link_revoke

    token = asked.token
    request_link_revoke(actor=buyer, request=asked)
    data = {"request": str(asked.public_id), "version": "2", "template": "CMRT", "consent": "1"}
    assert client.post(reverse("profiles:share_rmi", args=[token]), data).status_code == 410
    keep = reverse("profiles:keep_rmi", args=[token, "00000000-0000-0000-0000-000000000000"])
    assert client.post(keep).status_code == 410
    assert Upload.objects.count() == 0 and ProfileShare.objects.count() == 0
