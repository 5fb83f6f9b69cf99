"""The public programme page: opt-in, no login, figures and charts only (never records), and the "join the
programme" form with its honeypot, per-client limit, thank-you page, e-mail and the owner's list."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import Organisation, User
from hrdd.programmes import services
from hrdd.programmes.models import JoinRequest
from tests.factories import IncidentFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
FORM = {
    "organisation_name": "Kolwezi Traders SARL",
    "contact_name": "Mireille K.",
    "email": "mireille@kolwezi.example",
    "message": "We would like to join the child-labour programme.",
    "website": "",
}


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager(db):
    trader = OrganisationFactory(name="Mineral Trader SA", kind=Organisation.Kind.COMPANY)
    return UserFactory(email="rs@trader.example", organisation=trader, role=User.Role.SOURCING_MANAGER)


@pytest.fixture
def programme(manager):
    made = services.programme_create(
        actor=manager, template_key="ixm", title="Minerals 2028", start_year=YEAR - 1, end_year=YEAR + 2
    )
    return services.programme_update(
        actor=manager,
        programme=made,
        title=made.title,
        commitment=made.commitment,
        start_year=made.start_year,
        end_year=made.end_year,
        is_public=True,
        join_contact_email="partners@trader.example",
    )


def public_url(programme):
    return reverse("programmes:public", args=[programme.public_id])


def test_a_non_public_programme_is_404_without_login(client, manager):
    hidden = services.programme_create(actor=manager, template_key="ixm", start_year=YEAR, end_year=YEAR + 1)
    assert client.get(public_url(hidden)).status_code == 404
    assert client.post(public_url(hidden), FORM).status_code == 404
    assert client.get("/programmes/public/not-a-uuid/").status_code == 404


def test_the_public_page_shows_commitment_objectives_and_figures_but_never_records(client, programme):
    IncidentFactory(organisation=programme.organisation, title="Forced overtime at Plant 7")
    html = client.get(public_url(programme)).content.decode()
    assert "Minerals 2028" in html and "risk-based due diligence" in html
    assert "Reduce the number of children working" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert f"1 from {YEAR}-01-01 to {YEAR}-" in html  # the incidents KPI's figure, to date
    assert "Forced overtime at Plant 7" not in html
    assert "/incidents/" not in html and "/programmes/kpis/" not in html
    assert 'id="join-form"' in html


def test_a_join_request_is_stored_mailed_and_thanked(client, programme, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(public_url(programme), FORM)
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:public_thanks", args=[programme.public_id])
    request = JoinRequest.objects.get()
    assert (request.organisation_name, request.email) == ("Kolwezi Traders SARL", "mireille@kolwezi.example")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["partners@trader.example"]
    assert "Kolwezi Traders SARL" in mail.outbox[0].body
    assert "reached Mineral Trader SA" in client.get(response["Location"]).content.decode()


def test_the_owner_sees_the_request_on_the_programme_page(client, manager, programme):
    client.post(public_url(programme), FORM)
    client.force_login(manager)
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "Kolwezi Traders SARL" in html and "mireille@kolwezi.example" in html and "Mark handled" in html


def test_a_filled_honeypot_is_refused_and_nothing_stored(client, programme):
    response = client.post(public_url(programme), FORM | {"website": "http://spam.example"})
    assert response.status_code == 400
    assert not JoinRequest.objects.exists() and not mail.outbox


def test_a_missing_email_is_refused_beside_the_field_with_the_typing_kept(client, programme):
    response = client.post(public_url(programme), FORM | {"email": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="join_email_error"' in html and 'value="Kolwezi Traders SARL"' in html


def test_one_client_is_limited_to_a_few_messages_an_hour(client, programme, settings):
    settings.HRDD_JOIN_LIMIT = (2, 3600)
    assert client.post(public_url(programme), FORM).status_code == 302
    assert client.post(public_url(programme), FORM).status_code == 302
    refused = client.post(public_url(programme), FORM)
    assert refused.status_code == 429 and "Too many messages" in refused.content.decode()
    assert JoinRequest.objects.count() == 2
    # another address is not held back
    assert client.post(public_url(programme), FORM, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_no_email_is_sent_without_a_contact_address(client, programme, django_capture_on_commit_callbacks):
    programme.join_contact_email = ""
    programme.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(public_url(programme), FORM).status_code == 302
    assert not mail.outbox and JoinRequest.objects.count() == 1


def test_child_labour_cases_appear_only_as_the_kpi_figure(client, programme):
    html = client.get(public_url(programme)).content.decode()
    assert "# children and youth taken out of the worst forms of child labour and supported" in html
    assert "/programmes/cases/" not in html
