"""Error pages of our own (404, 403, 500) that reveal nothing internal: no traceback, no settings, no list of
addresses, no hint whether a record exists in another organisation. Tested as in production: DEBUG is off."""

import re
import uuid

import defusedxml.ElementTree as ET
import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.urls import path, reverse

from config.urls import urlpatterns as site_urlpatterns
from tests.factories import ConsultationFactory
from tests.html import document

SECRET = "internal-detail-7f3a"  # what a failing view knows and no page may show


def boom(request):
    raise RuntimeError(f"database password is {SECRET}")


def forbidden(request):
    raise PermissionDenied(f"rule {SECRET}")


# this module is also the URL configuration of its tests: the site's addresses plus two that fail
urlpatterns = [path("test-boom/", boom), path("test-forbidden/", forbidden), *site_urlpatterns]

INTERNALS = (
    SECRET,
    "Traceback",
    "urlpatterns",
    "DEBUG",
    "settings",
    "SECRET_KEY",
    "/work/",
    "site-packages",
    ".py",
    "Request Method",
)


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def without_csrf_tokens(page) -> str:
    """The page with its forms' CSRF tokens (masked differently in every response) left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.content.decode())


def reveals_nothing(page) -> None:
    text = page.content.decode()
    for internal in INTERNALS:
        assert internal not in text


def test_an_unknown_address_shows_our_404_page(client, db):
    page = client.get("/no/such/page/")

    assert page.status_code == 404
    assert document(page).find("h1").text == "Page not found"
    reveals_nothing(page)


def test_another_organisations_record_is_the_same_404_as_one_that_never_existed(client, buyer, outsider):
    # given
    theirs = ConsultationFactory(organisation=outsider.organisation)
    client.force_login(buyer)

    # when
    walled = client.get(reverse("consultations:detail", args=[theirs.public_id]))
    missing = client.get(reverse("consultations:detail", args=[uuid.uuid4()]))

    # then
    assert walled.status_code == missing.status_code == 404
    assert without_csrf_tokens(walled) == without_csrf_tokens(missing)
    reveals_nothing(walled)


@pytest.mark.urls(__name__)
def test_an_error_in_a_page_shows_our_500_page_and_nothing_of_the_error(client, db):
    client.raise_request_exception = False

    page = client.get("/test-boom/")

    assert page.status_code == 500
    assert "Something went wrong" in document(page).find("h1").text
    reveals_nothing(page)


@pytest.mark.urls(__name__)
def test_a_refused_action_shows_our_403_page_without_its_reason(client, buyer):
    client.force_login(buyer)

    page = client.get("/test-forbidden/")

    assert page.status_code == 403
    assert document(page).find("h1").text == "Not allowed"
    reveals_nothing(page)


def test_the_500_page_is_drawn_without_any_request_or_context():
    html = render_to_string("500.html")

    assert "Something went wrong" in html
    assert 'href="/static/hrdd/favicon.svg"' in html


def test_every_page_links_the_favicon_and_it_is_a_static_svg(client, db):
    login = document(client.get(reverse("login")))
    (icon,) = [link for link in login.find_all("link") if link.get("rel") == "icon"]
    assert icon.get("href") == "/static/hrdd/favicon.svg"
    found = finders.find("hrdd/favicon.svg")
    assert found is not None
    assert ET.parse(found).getroot().tag == "{http://www.w3.org/2000/svg}svg"
