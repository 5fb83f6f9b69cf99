"""Closing a smelter-list campaign (page and API) and asking a supplier through a consultation invitation."""

from __future__ import annotations

import pytest

from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError
from hrdd.core.tasks import run_queued_tasks
from hrdd.rmi import services
from hrdd.rmi.models import Upload
from hrdd.rmi.tasks import upload_start
from tests.domain.rmi.workbooks import FACTS, build
from tests.factories import CompanyFactory, ConsultationFactory, InvitationFactory

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(FACTS is None, reason="the RMI reference facts are not beside the checkout"),
]


@pytest.fixture
def campaign(buyer):
    return services.campaign_create(actor=buyer, title="Smelter lists 2025", templates=["CMRT", "EMRT"])


@pytest.fixture
def asked(buyer, campaign):
    return services.request_add(
        actor=buyer, campaign=campaign, supplier_name="Battery Cells Ltd", email="cells@example.com"
    )


@pytest.fixture
def invitation(buyer):
    consultation = ConsultationFactory(organisation=buyer.organisation, title="Notebooks 2026")
    company = CompanyFactory(organisation=buyer.organisation, legal_name="Cells and Packs GmbH")
    return InvitationFactory(consultation=consultation, company=company, email="packs@example.com")


def test_the_close_button_closes_the_campaign_once_and_records_it(client, buyer, campaign):
    # given
    client.force_login(buyer)
    assert 'id="close-campaign"' in client.get(campaign.get_absolute_url()).content.decode()
    # when it is pressed twice
    client.post(f"/smelters/campaigns/{campaign.public_id}/close/")
    answer = client.post(f"/smelters/campaigns/{campaign.public_id}/close/", follow=True)
    # then
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    page = answer.content.decode()
    assert (
        'id="closed-note"' in page and 'id="close-campaign"' not in page and 'id="add-supplier"' not in page
    )
    assert AuditEvent.objects.filter(action="rmi_campaign.close", target_id=str(campaign.pk)).count() == 1


def test_an_outsider_cannot_close_a_campaign(client, outsider, campaign):
    client.force_login(outsider)
    assert client.post(f"/smelters/campaigns/{campaign.public_id}/close/").status_code == 404
    campaign.refresh_from_db()
    assert campaign.closed_at is None


def test_the_api_closes_a_campaign(client, buyer, outsider, campaign):
    # given
    url = f"/api/v1/smelters/campaigns/{campaign.public_id}/close"
    client.force_login(outsider)
    assert client.post(url).status_code == 404
    # when
    client.force_login(buyer)
    answer = client.post(url)
    # then
    assert answer.status_code == 200
    assert answer.json()["closed"] is True and answer.json()["closed_at"]
    assert client.get(f"/api/v1/smelters/campaigns/{campaign.public_id}").json()["closed"] is True


def test_a_closed_campaign_closes_the_suppliers_link_and_says_whom_to_ask(client, buyer, campaign, asked):
    # given
    services.campaign_close(actor=buyer, campaign=campaign)
    # when the supplier opens the link and sends a file anyway
    page = client.get(asked.get_supplier_url())
    answer = client.post(
        asked.get_supplier_url(),
        {"request": str(asked.public_id), f"r{asked.pk}-file": _file(build("CMRT 6.5"))},
    )
    # then the link is closed (410, issue 17): no upload form, whom to ask, and nothing is stored
    assert page.status_code == 410 and answer.status_code == 410
    text = page.content.decode()
    assert "This link has expired" in text and buyer.organisation.name in text
    assert 'type="file"' not in text
    assert Upload.objects.count() == 0


def test_a_closed_campaign_refuses_a_file_through_the_api_and_the_service(client, buyer, campaign, asked):
    # given
    services.campaign_close(actor=buyer, campaign=campaign)
    client.force_login(buyer)
    # when
    answer = client.post(
        f"/api/v1/smelters/requests/{asked.public_id}/uploads", {"file": _file(build("CMRT 6.5"))}
    )
    # then
    assert answer.status_code == 422
    assert "no more files" in answer.content.decode()
    with pytest.raises(InputError) as refused:
        upload_start(request=asked, filename="cmrt.xlsx", content=build("CMRT 6.5"))
    assert refused.value.field == "file"
    assert Upload.objects.count() == 0


def test_a_supplier_is_asked_through_a_consultation_invitation_on_the_page(
    client, buyer, campaign, invitation
):
    # given
    client.force_login(buyer)
    page = client.get(campaign.get_absolute_url()).content.decode()
    assert "Notebooks 2026 — Cells and Packs GmbH" in page
    # when
    answer = client.post(campaign.get_absolute_url(), {"invitation": str(invitation.pk)}, follow=True)
    # then the supplier and its address come from the invitation
    asked = campaign.requests.get()
    assert (asked.supplier_name, asked.email, asked.invitation_id) == (
        "Cells and Packs GmbH",
        "packs@example.com",
        invitation.pk,
    )
    assert "consultation" in answer.content.decode()


def test_another_organisations_invitation_is_refused(client, buyer, campaign):
    # given
    foreign = InvitationFactory()
    client.force_login(buyer)
    # when
    answer = client.post(campaign.get_absolute_url(), {"invitation": str(foreign.pk)})
    # then
    assert answer.status_code == 200
    assert campaign.requests.count() == 0
    assert "invitation" in answer.content.decode().lower()


def test_the_questionnaire_page_offers_the_upload_and_its_link_takes_the_file(
    client, buyer, campaign, invitation
):
    # given a supplier asked through its invitation
    services.request_add(actor=buyer, campaign=campaign, invitation=invitation)
    # when it opens its questionnaire link
    page = client.get(f"/respond/{invitation.token}/").content.decode()
    # then the page offers the smelter-list upload through the same link
    assert 'id="smelter-list-request"' in page
    assert f"/smelters/supplier/{invitation.token}/" in page
    supplier = client.get(f"/smelters/supplier/{invitation.token}/")
    assert supplier.status_code == 200 and "Smelter lists 2025" in supplier.content.decode()
    # and once the campaign is closed the entry goes away
    services.campaign_close(actor=buyer, campaign=campaign)
    assert 'id="smelter-list-request"' not in client.get(f"/respond/{invitation.token}/").content.decode()


def test_the_api_asks_through_an_invitation_and_refuses_a_foreign_one(client, buyer, campaign, invitation):
    client.force_login(buyer)
    url = f"/api/v1/smelters/campaigns/{campaign.public_id}/requests"
    refused = client.post(url, {"invitation": InvitationFactory().pk}, content_type="application/json")
    assert refused.status_code == 422
    made = client.post(url, {"invitation": invitation.pk}, content_type="application/json")
    assert made.status_code == 201
    assert made.json()["invitation"] == invitation.pk
    assert made.json()["supplier_name"] == "Cells and Packs GmbH"


def test_an_upload_through_the_invitation_link_is_read(client, buyer, campaign, invitation):
    # given
    asked = services.request_add(actor=buyer, campaign=campaign, invitation=invitation)
    # when
    client.post(
        f"/smelters/supplier/{invitation.token}/",
        {"request": str(asked.public_id), f"r{asked.pk}-file": _file(build("EMRT 2.1"))},
    )
    run_queued_tasks()
    # then
    asked.refresh_from_db()
    assert asked.current_upload is not None
    assert asked.current_upload.template_type == "EMRT"


def _file(content, name="template.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
