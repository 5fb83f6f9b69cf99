"""Organisations are walls: an outsider never sees, nor learns of, another organisation's consultation."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from hrdd.consultations import selectors
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import consultation_create
from hrdd.core.errors import NotFound
from tests.factories import ConsultationFactory


@pytest.fixture
def logged_in_outsider(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def secret(consultation):
    """The municipality's consultation, under a title an outsider must never see."""
    consultation.title = "Secret municipal notebook plans"
    consultation.save()
    return consultation


def test_the_list_page_does_not_show_another_organisations_consultation(logged_in_outsider, secret, outsider):
    # given
    own = ConsultationFactory(organisation=outsider.organisation, title="Elsewhere own tablets")

    # when
    page = logged_in_outsider.get(reverse("consultations:list"))

    # then
    assert page.status_code == 200
    content = page.content.decode()
    assert own.title in content
    assert secret.title not in content
    assert str(secret.public_id) not in content


@pytest.mark.parametrize("name", ["consultations:detail", "consultations:export", "consultations:blank"])
def test_another_organisations_consultation_pages_are_not_found(logged_in_outsider, secret, name):
    # when
    page = logged_in_outsider.get(reverse(name, args=[secret.public_id]))

    # then
    assert page.status_code == 404
    assert secret.title.encode() not in page.content


def test_another_organisations_response_page_is_not_found(logged_in_outsider, secret, submitted):
    # when
    page = logged_in_outsider.get(reverse("consultations:response", args=[secret.public_id, submitted.pk]))

    # then
    assert page.status_code == 404
    assert b"Acme Computers" not in page.content


def test_a_response_cannot_be_reached_through_the_outsiders_own_consultation(
    logged_in_outsider, outsider, submitted
):
    # given
    own = ConsultationFactory(organisation=outsider.organisation)

    # when
    page = logged_in_outsider.get(reverse("consultations:response", args=[own.public_id, submitted.pk]))

    # then
    assert page.status_code == 404


def test_an_outsider_cannot_invite_to_another_organisations_consultation(logged_in_outsider, secret):
    # when
    page = logged_in_outsider.post(
        reverse("consultations:detail", args=[secret.public_id]), {"email": "spy@elsewhere.example"}
    )

    # then
    assert page.status_code == 404
    assert not Invitation.objects.filter(email="spy@elsewhere.example").exists()


def test_an_outsider_cannot_reopen_another_organisations_response(logged_in_outsider, secret, submitted):
    # when
    page = logged_in_outsider.post(reverse("consultations:reopen", args=[secret.public_id, submitted.pk]))

    # then
    assert page.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED


def test_an_outsider_cannot_import_into_another_organisations_consultation(
    logged_in_outsider, secret, filled_xlsx
):
    # given
    upload = io.BytesIO(filled_xlsx)
    upload.name = "answers.xlsx"

    # when
    page = logged_in_outsider.post(reverse("consultations:import", args=[secret.public_id]), {"file": upload})

    # then
    assert page.status_code == 404
    assert secret.invitations.count() == 0


def test_the_api_does_not_list_another_organisations_consultation(logged_in_outsider, secret):
    # when
    answer = logged_in_outsider.get("/api/v1/consultations/")

    # then
    assert answer.status_code == 200
    assert str(secret.public_id) not in {c["id"] for c in answer.json()["items"]}


def test_the_api_results_of_another_organisations_consultation_are_not_found(
    logged_in_outsider, secret, submitted
):
    # when
    answer = logged_in_outsider.get(f"/api/v1/consultations/{secret.public_id}/results")

    # then
    assert answer.status_code == 404
    assert b"Acme" not in answer.content


def test_the_api_refuses_invitations_to_another_organisations_consultation(logged_in_outsider, secret):
    # when
    answer = logged_in_outsider.post(
        f"/api/v1/consultations/{secret.public_id}/invitations",
        {"email": "spy@elsewhere.example"},
        content_type="application/json",
    )

    # then
    assert answer.status_code == 404
    assert secret.invitations.count() == 0


def test_the_audit_page_does_not_show_another_organisations_events(logged_in_outsider, buyer):
    # given
    consultation_create(
        actor=buyer, title="Municipal secret", product_category="notebook", deadline=dt.date(2031, 1, 1)
    )

    # when
    page = logged_in_outsider.get(reverse("audit"))

    # then
    assert page.status_code == 200
    assert buyer.email.encode() not in page.content
    assert list(page.context["events"]) == []


# selectors


def test_the_list_selector_holds_only_the_readers_organisation(outsider, secret):
    # given
    own = ConsultationFactory(organisation=outsider.organisation)

    # when
    listed = list(selectors.consultation_list(user=outsider))

    # then
    assert listed == [own]


def test_the_get_selector_does_not_find_another_organisations_consultation(outsider, secret):
    # when / then
    with pytest.raises(NotFound):
        selectors.consultation_get(user=outsider, public_id=secret.public_id)


def test_the_get_selector_finds_the_readers_own_consultation(buyer, secret):
    # when
    found = selectors.consultation_get(user=buyer, public_id=secret.public_id)

    # then
    assert found == secret


def test_the_get_selector_treats_a_malformed_id_as_not_found(buyer):
    # when / then
    with pytest.raises(NotFound):
        selectors.consultation_get(user=buyer, public_id="not-a-uuid")


def test_the_invitation_selector_does_not_find_another_organisations_invitation(outsider, secret, submitted):
    # when / then
    with pytest.raises(NotFound):
        selectors.invitation_get(user=outsider, consultation=secret, pk=submitted.pk)


def test_the_invitation_selector_does_not_find_an_invitation_of_another_consultation(buyer, submitted):
    # given
    other = ConsultationFactory(organisation=buyer.organisation)

    # when / then
    with pytest.raises(NotFound):
        selectors.invitation_get(user=buyer, consultation=other, pk=submitted.pk)
