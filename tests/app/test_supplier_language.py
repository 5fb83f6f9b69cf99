"""Suppliers read their pages and e-mails in their own language (issue 16): the one they chose on the page (the
language cookie), else the one the buyer set on the invitation or contract, else their browser's. E-mails are
written in the language the buyer set.

The catalogues are being filled while this is written, so the e-mail tests do not depend on a translation: they
mark every message with the language active when it was said, and check that mark."""

import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook

import hrdd.consultations.services as consultation_services
import hrdd.contracts.services as contract_services
import hrdd.core.texts as texts
from hrdd.audit.models import AuditEvent
from hrdd.consultations.lifecycle import invitation_resend, invitation_update
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import invitation_create
from hrdd.contracts.models import Contract
from hrdd.contracts.services import (
    contract_create,
    information_request_create,
    reminder_send_now,
    reminders_send,
)
from hrdd.core.languages import mail_language, page_language
from hrdd.domain.questionnaire_framework import get_framework
from tests.html import document
from tests.migration_support import migrate_to

COOKIE = settings.LANGUAGE_COOKIE_NAME


def said_in_active_language(message):
    """gettext, with the language active when the message was said written before it: "[nl] ..."."""
    return f"[{translation.get_language()}] {gettext(message)}"


@pytest.fixture
def marked_mails(monkeypatch):
    """The e-mail texts of consultations and contracts carry the language they were written in."""
    monkeypatch.setattr(consultation_services, "_", said_in_active_language)
    monkeypatch.setattr(contract_services, "_", said_in_active_language)


@pytest.fixture
def marked_framework_texts(monkeypatch):
    """Every framework text said through localize/|say carries the language it was said in."""
    monkeypatch.setattr(texts, "translate", lambda text, language: f"[{language}] {text}")


def html_lang(response):
    return document(response).find("html").get("lang")


def respond(client, invitation, **headers):
    return client.get(reverse("respond", args=[invitation.token]), **headers)


def invite(buyer, consultation, *, language, email="supplier@acme.example", send=False):
    return invitation_create(
        actor=buyer, consultation=consultation, email=email, company="Acme", language=language, send=send
    )


# the precedence, in the one kernel function


@pytest.mark.parametrize(
    ("cookie", "preferred", "browser", "expected"),
    [
        ("fr", "nl", "de", "fr"),  # the supplier's own choice on the page wins
        ("", "nl", "de", "nl"),  # else the language the buyer set
        ("", "", "de", "de"),  # else the browser's
        ("xx", "nl", "de", "nl"),  # a cookie hrdd does not ship is no choice
        ("", "xx", "de", "de"),  # nor is an unknown preferred language
    ],
)
def test_a_supplier_page_is_in_the_cookie_else_the_buyers_choice_else_the_browsers_language(
    cookie, preferred, browser, expected
):
    # given a request whose middleware made the browser's language active
    request = RequestFactory().get("/respond/x/", HTTP_ACCEPT_LANGUAGE=browser)
    if cookie:
        request.COOKIES[COOKIE] = cookie

    # when
    with translation.override(browser):
        chosen = page_language(request, preferred)

    # then
    assert chosen == expected


def test_an_email_is_in_the_language_set_else_the_sites_default():
    assert (mail_language("de"), mail_language(""), mail_language("xx")) == ("de", "en", "en")


# consultations: the supplier's pages


def test_a_dutch_invitations_link_opens_in_dutch_whatever_the_browser_asks(client, buyer, consultation):
    # given
    invitation = invite(buyer, consultation, language="nl")

    # when
    page = respond(client, invitation, HTTP_ACCEPT_LANGUAGE="de")

    # then
    assert page.status_code == 200
    assert html_lang(page) == "nl"
    assert page["Content-Language"] == "nl"
    assert "Cookie" in page["Vary"]


def test_the_language_chosen_on_the_page_wins_over_the_invitations(client, buyer, consultation):
    # given
    invitation = invite(buyer, consultation, language="nl")
    client.cookies[COOKIE] = "fr"

    # when
    page = respond(client, invitation)

    # then
    assert (html_lang(page), page["Content-Language"]) == ("fr", "fr")


def test_an_invitation_without_a_language_opens_in_the_browsers(client, buyer, consultation):
    # given
    invitation = invite(buyer, consultation, language="")

    # when
    page = respond(client, invitation, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")

    # then
    assert (html_lang(page), page["Content-Language"]) == ("de", "de")


def test_the_switch_on_the_page_brings_the_supplier_back_to_the_link_in_the_language_chosen(
    client, buyer, consultation
):
    # given
    invitation = invite(buyer, consultation, language="nl")
    link = reverse("respond", args=[invitation.token])

    # when
    switched = client.post(reverse("language_switch"), {"language": "fr", "next": link})
    page = client.get(switched["Location"])

    # then
    assert switched["Location"] == link
    assert html_lang(page) == "fr"


def test_a_saved_draft_comes_back_in_the_language_of_the_page(client, buyer, consultation):
    # given a Dutch invitation the supplier reads in French
    invitation = invite(buyer, consultation, language="nl")
    client.cookies[COOKIE] = "fr"

    # when
    saved = client.post(
        reverse("respond", args=[invitation.token]), {"action": "save", "company": "Acme"}, follow=True
    )

    # then
    assert saved.redirect_chain[0][1] == 302
    assert html_lang(saved) == "fr"
    with translation.override("fr"):
        expected = gettext("Draft saved. You can come back to this link and submit later.")
    assert expected in saved.content.decode()


def test_the_questionnaires_texts_are_said_in_the_pages_language(
    client, buyer, consultation, marked_framework_texts
):
    # given
    invitation = invite(buyer, consultation, language="nl")
    question = get_framework(consultation.framework_id).questions[0]

    # when
    page = document(respond(client, invitation))

    # then the question's title, prompt and options pass through localize in Dutch
    block = page.by_id(f"q-{question.id}")
    assert f"[nl] {question.title}" in block.text
    assert f"[nl] {question.prompt}" in block.text
    assert all(f"[nl] {option.text}" in block.text for option in question.options)


def test_the_blank_questionnaire_behind_the_link_is_in_the_pages_language(
    client, buyer, consultation, marked_framework_texts
):
    # given
    invitation = invite(buyer, consultation, language="de")
    question = get_framework(consultation.framework_id).questions[0]

    # when
    answer = client.get(reverse("respond_blank", args=[invitation.token]))

    # then
    sheet = load_workbook(io.BytesIO(answer.content)).active
    statements = [row[2] for row in sheet.iter_rows(values_only=True)]
    assert answer["Content-Language"] == "de"
    assert any(str(s).startswith(f"[de] {question.title}: [de] {question.prompt}") for s in statements)
    assert f"[de] {question.options[0].text}" in statements


def test_a_withdrawn_link_says_so_in_the_invitations_language(client, buyer, consultation):
    # given
    invitation = invite(buyer, consultation, language="de")
    Invitation.objects.filter(pk=invitation.pk).update(withdrawn_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))

    # when
    page = respond(client, invitation, HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert page.status_code == 404
    assert (html_lang(page), page["Content-Language"]) == ("de", "de")


# consultations: the buyer sets the language


def test_the_invite_form_offers_the_buyers_own_language_first(client, buyer, consultation):
    # given a buyer who reads hrdd in French
    buyer.language = "fr"
    buyer.save()
    client.force_login(buyer)

    # when
    page = document(client.get(consultation.get_absolute_url()))

    # then
    chosen = page.find("select", id="invite_language").find("option", selected="")
    assert chosen.get("value") == "fr"


def test_the_buyer_invites_in_dutch_and_sees_it_in_the_suppliers_list(client, buyer, consultation):
    # given
    client.force_login(buyer)

    # when
    client.post(
        consultation.get_absolute_url(), {"email": "sales@acme.example", "company": "Acme", "language": "nl"}
    )
    page = document(client.get(consultation.get_absolute_url()))

    # then
    invitation = Invitation.objects.get(email="sales@acme.example")
    assert invitation.language == "nl"
    assert page.by_id("suppliers").find("span", cls="language").get("lang") == "nl"
    event = AuditEvent.objects.get(action="invitation.create")
    assert event.after["language"] == "nl"


def test_the_invitation_email_is_written_in_the_invitations_language(
    buyer, consultation, marked_mails, mailoutbox, django_capture_on_commit_callbacks
):
    # when a buyer reading English invites in Dutch
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        invite(buyer, consultation, language="nl", send=True)

    # then
    [mail] = mailoutbox
    assert mail.subject.startswith("[nl] ")
    assert mail.body.startswith("[nl] ")


def test_the_invitation_email_is_written_when_invited_not_when_sent(
    buyer, consultation, marked_mails, mailoutbox, django_capture_on_commit_callbacks
):
    # given the e-mail is queued until the write commits
    with django_capture_on_commit_callbacks(execute=False) as queued:
        invite(buyer, consultation, language="fr", send=True)

    # when it is sent while another language is active
    with translation.override("de"):
        for callback in queued:
            callback()

    # then
    assert mailoutbox[0].subject.startswith("[fr] ")


def test_an_invitation_without_a_language_is_e_mailed_in_the_sites_default(
    buyer, consultation, marked_mails, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        invite(buyer, consultation, language="", send=True)

    assert mailoutbox[0].subject.startswith(f"[{settings.LANGUAGE_CODE}] ")


def test_a_resent_link_follows_the_language_corrected_by_the_buyer(
    buyer, consultation, marked_mails, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    invitation = invite(buyer, consultation, language="nl")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_update(
            actor=buyer, invitation=invitation, email=invitation.email, company="Acme", language="de"
        )
        invitation_resend(actor=buyer, invitation=invitation)

    # then
    assert mailoutbox[0].subject.startswith("[de] ")
    event = AuditEvent.objects.get(action="invitation.update")
    assert (event.before["language"], event.after["language"]) == ("nl", "de")


def test_inviting_without_a_language_takes_the_buyers_active_one(buyer, consultation):
    with translation.override("fr"):
        invitation = invitation_create(
            actor=buyer, consultation=consultation, email="a@acme.example", send=False
        )

    assert invitation.language == "fr"


# consultations: the API


def api_post(client, path, payload):
    return client.post("/api/v1" + path, json.dumps(payload), content_type="application/json")


def test_the_api_invites_in_the_language_given_and_answers_with_it(client, buyer, consultation):
    # given
    client.force_login(buyer)

    # when
    answer = api_post(
        client,
        f"/consultations/{consultation.public_id}/invitations",
        {"email": "sales@acme.example", "language": "nl"},
    )

    # then
    assert answer.status_code == 201
    assert answer.json()["language"] == "nl"
    assert Invitation.objects.get(pk=answer.json()["id"]).language == "nl"


def test_the_api_refuses_an_unknown_language_naming_the_field_and_stores_nothing(client, buyer, consultation):
    # given
    client.force_login(buyer)

    # when
    answer = api_post(
        client,
        f"/consultations/{consultation.public_id}/invitations",
        {"email": "sales@acme.example", "language": "klingon"},
    )

    # then
    assert answer.status_code == 422
    assert answer.json()["field"] == "language"
    assert "en, nl, fr, de" in answer.json()["detail"]
    assert not consultation.invitations.exists()


def test_the_api_invites_in_the_buyers_language_when_none_is_given(client, buyer, consultation):
    # given a buyer who saved German as their language
    buyer.language = "de"
    buyer.save()
    client.force_login(buyer)

    # when
    answer = api_post(
        client, f"/consultations/{consultation.public_id}/invitations", {"email": "sales@acme.example"}
    )

    # then
    assert answer.json()["language"] == "de"


# contracts


AWARD, START, END = dt.date(2030, 1, 15), dt.date(2030, 2, 1), dt.date(2033, 1, 31)
SUPPLIER = "reports@acme.example"


def make_contract(actor, **overrides):
    values = {
        "actor": actor,
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": SUPPLIER,
        "award_date": AWARD,
        "start_date": START,
        "end_date": END,
        "scenario": 1,
        "months": 3,
    } | overrides
    return contract_create(**values)


def supplier_page(client, contract, **headers):
    return client.get(reverse("contracts:supplier", args=[contract.token]), **headers)


def test_the_contracts_supplier_page_is_in_the_suppliers_language_unless_they_chose_another(client, buyer):
    # given
    contract = make_contract(buyer, supplier_language="fr")

    # when
    first = supplier_page(client, contract, HTTP_ACCEPT_LANGUAGE="de")
    client.cookies[COOKIE] = "nl"
    chosen = supplier_page(client, contract, HTTP_ACCEPT_LANGUAGE="de")

    # then
    assert (html_lang(first), first["Content-Language"]) == ("fr", "fr")
    assert (html_lang(chosen), chosen["Content-Language"]) == ("nl", "nl")


def test_the_obligations_titles_on_the_supplier_page_are_said_in_its_language(
    client, buyer, marked_framework_texts
):
    # given
    contract = make_contract(buyer, supplier_language="de")
    cc1 = contract.obligations.get(clause="CC1")

    # when
    page = document(supplier_page(client, contract))

    # then
    assert f"[de] {cc1.title}" in page.by_id(f"obligation-{cc1.pk}").find("h2").text


def test_a_reminder_goes_to_the_supplier_in_its_language_and_to_the_managers_in_theirs(
    buyer, contract_manager, marked_mails, marked_framework_texts, mailoutbox
):
    # given a Dutch supplier and a contract manager without a language of their own
    contract = make_contract(buyer, supplier_language="nl")
    cc1 = contract.obligations.get(clause="CC1")

    # when
    reminders_send(today=cc1.due_date - dt.timedelta(days=7))

    # then one e-mail per language, each said in it (the clause's title too)
    by_reader = {tuple(mail.to): mail for mail in mailoutbox}
    assert set(by_reader) == {(SUPPLIER,), (contract_manager.email,)}
    assert by_reader[(SUPPLIER,)].subject.startswith("[nl] ")
    assert f"[nl] {cc1.title}" in by_reader[(SUPPLIER,)].subject
    assert by_reader[(contract_manager.email,)].subject.startswith("[en] ")


def test_a_reminder_sent_now_and_a_request_are_written_in_the_suppliers_language(
    buyer, marked_mails, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    contract = make_contract(buyer, supplier_language="fr")
    cc1 = contract.obligations.get(clause="CC1")

    # when, with the buyer reading English
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        reminder_send_now(actor=buyer, obligation=cc1, today=AWARD)
        information_request_create(
            actor=buyer,
            obligation=cc1,
            question="Which smelters?",
            due_on=dt.date.today() + dt.timedelta(days=9),
        )

    # then
    assert [mail.subject[:5] for mail in mailoutbox] == ["[fr] ", "[fr] "]
    assert "Which smelters?" in mailoutbox[1].body


def test_the_contract_form_sets_the_suppliers_language(client, buyer):
    # given
    client.force_login(buyer)

    # when
    client.post(
        reverse("contracts:dashboard"),
        {
            "title": "Notebooks 2030-2033",
            "supplier_name": "Acme Computers",
            "supplier_email": SUPPLIER,
            "supplier_language": "de",
            "scenario": "2",
            "award_date": "2030-01-15",
            "start_date": "2030-02-01",
            "end_date": "2033-01-31",
        },
    )

    # then
    contract = Contract.objects.get()
    assert contract.supplier_language == "de"
    page = document(client.get(contract.get_absolute_url()))
    assert page.by_id("supplier-language").get("lang") == "de"


def test_the_contracts_api_sets_the_suppliers_language_and_refuses_an_unknown_one(client, buyer):
    # given
    client.force_login(buyer)
    body = {
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": SUPPLIER,
        "award_date": "2030-01-15",
        "start_date": "2030-02-01",
        "end_date": "2033-01-31",
        "scenario": 2,
    }

    # when
    made = api_post(client, "/contracts/", body | {"supplier_language": "nl"})
    refused = api_post(client, "/contracts/", body | {"supplier_language": "Dutch"})

    # then
    assert made.status_code == 201
    assert made.json()["supplier_language"] == "nl"
    assert refused.status_code == 422
    assert refused.json()["field"] == "supplier_language"
    assert Contract.objects.count() == 1


def test_the_buyer_corrects_the_suppliers_language_on_the_contracts_edit_page(client, buyer):
    # given
    contract = make_contract(buyer, supplier_language="nl")
    client.force_login(buyer)

    # when
    client.post(
        reverse("contracts:edit", args=[contract.public_id]),
        {"title": contract.title, "supplier_email": SUPPLIER, "supplier_language": "fr"},
    )

    # then
    contract.refresh_from_db()
    assert contract.supplier_language == "fr"
    event = AuditEvent.objects.get(action="contract.update")
    assert (event.before["supplier_language"], event.after["supplier_language"]) == ("nl", "fr")


# the migrations


def test_the_migrations_leave_the_language_of_earlier_invitations_and_contracts_unset(empty_database):
    # given an invitation and a contract stored before the language was
    old = migrate_to(
        [("consultations", "0008_lifecycle"), ("contracts", "0012_due_diligence_reports_read_from_documents")]
    )
    Organisation = old.get_model("accounts", "Organisation")
    Procurement = old.get_model("procurements", "Procurement")
    Company = old.get_model("companies", "Company")
    Consultation = old.get_model("consultations", "Consultation")
    OldInvitation = old.get_model("consultations", "Invitation")
    OldContract = old.get_model("contracts", "Contract")
    town = Organisation.objects.create(name="Exampleton", kind="public_buyer")
    purchase = Procurement.objects.create(organisation=town, title="Notebooks", product_category="notebook")
    lumen = Company.objects.create(organisation=town, legal_name="Lumen", normalised_name="lumen")
    consultation = Consultation.objects.create(
        organisation=town,
        procurement=purchase,
        title="Notebooks",
        product_category="notebook",
        deadline=dt.date(2030, 1, 1),
    )
    invitation = OldInvitation.objects.create(consultation=consultation, email="a@lumen.example", token="i-1")
    contract = OldContract.objects.create(
        organisation=town,
        procurement=purchase,
        supplier=lumen,
        title="Notebooks 2030",
        supplier_email="r@lumen.example",
        scenario=2,
        award_date=AWARD,
        start_date=START,
        end_date=END,
        token="c-1",
    )

    # when
    new = migrate_to([("consultations", "0009_invitation_language"), ("contracts", "0013_supplier_language")])

    # then
    assert new.get_model("consultations", "Invitation").objects.get(pk=invitation.pk).language == ""
    assert new.get_model("contracts", "Contract").objects.get(pk=contract.pk).supplier_language == ""
