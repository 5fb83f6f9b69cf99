"""The language a page is read in (issue 16): the browser's language as the first guess, a switch in every page's
header, the choice remembered in a cookie and, for a user who is logged in, on their account."""

import pytest
from django.conf import settings
from django.urls import reverse

from hrdd.accounts.models import User
from tests.factories import PASSWORD
from tests.html import document

pytestmark = pytest.mark.django_db


def page_language(response) -> str:
    return document(response).find("html").get("lang")


def test_the_first_page_follows_the_browsers_language(client):
    # when
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    # then
    assert page_language(response) == "de"
    assert response["Content-Language"] == "de"


def test_a_language_hrdd_does_not_ship_falls_back_to_english(client):
    # when
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")

    # then
    assert page_language(response) == "en"


def test_every_page_offers_the_four_languages_each_named_in_itself(client):
    # when
    page = document(client.get(reverse("login")))

    # then
    switch = page.by_id("language-switch")
    assert [(o.get("value"), o.text, o.get("lang")) for o in switch.find_all("option")] == [
        ("en", "English", "en"),
        ("nl", "Nederlands", "nl"),
        ("fr", "Français", "fr"),
        ("de", "Deutsch", "de"),
    ]
    form = switch.parent
    while form.tag != "form":
        form = form.parent
    assert form.get("action") == reverse("language_switch")
    assert not form.find_all("input", name="next")  # the page's address is not written into it (a 404 page)


def test_the_switch_goes_back_to_the_page_it_was_used_on(client):
    # when: the browser names the page in its Referer
    response = client.post(
        reverse("language_switch"),
        {"language": "de"},
        HTTP_REFERER="http://testserver/login/?next=/overview/",
    )

    # then
    assert response.status_code == 302 and response["Location"] == "http://testserver/login/?next=/overview/"


def test_a_referer_of_another_site_is_not_followed(client):
    # when
    response = client.post(
        reverse("language_switch"), {"language": "de"}, HTTP_REFERER="https://evil.example/x"
    )

    # then
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_visitor_chooses_a_language_and_keeps_it_over_the_browsers(client):
    # when
    response = client.post(reverse("language_switch"), {"language": "fr", "next": reverse("login")})

    # then
    assert response.status_code == 302 and response["Location"] == reverse("login")
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert page_language(client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")) == "fr"


def test_a_users_choice_is_kept_on_their_account_and_follows_them_to_another_browser(client, buyer):
    # given
    client.force_login(buyer)

    # when
    client.post(reverse("language_switch"), {"language": "nl", "next": reverse("overview")})

    # then
    buyer.refresh_from_db()
    assert buyer.language == "nl"
    other_browser = type(client)()
    other_browser.force_login(buyer)
    assert page_language(other_browser.get(reverse("overview"), HTTP_ACCEPT_LANGUAGE="de")) == "nl"


def test_logging_in_brings_the_saved_language(client, buyer):
    # given
    User.objects.filter(pk=buyer.pk).update(language="de")

    # when
    response = client.post(reverse("login"), {"username": buyer.email, "password": PASSWORD}, follow=True)

    # then
    assert page_language(response) == "de"


def test_an_unknown_language_is_refused_by_name_and_nothing_is_kept(client, buyer):
    # given
    client.force_login(buyer)

    # when
    response = client.post(reverse("language_switch"), {"language": "pt", "next": "/"})

    # then
    assert response.status_code == 400
    assert "Unknown language 'pt'" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    buyer.refresh_from_db()
    assert buyer.language == ""


def test_the_switch_never_sends_the_user_to_another_site(client):
    # when
    response = client.post(reverse("language_switch"), {"language": "nl", "next": "https://evil.example/"})

    # then
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_the_switch_takes_only_a_post(client):
    assert client.get(reverse("language_switch"), {"language": "nl"}).status_code == 405
