"""Supplier links (issue 17): stored hashed, expiring, revocable and re-issuable by a writer, never shown to a
viewer, never in a log, sent no-store; what is done through one is the link holder's in the audit log."""

import datetime as dt
import hashlib
import json
import logging

import pytest
from django.core import mail
from django.db import connection
from django.test import TestCase
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import invitation_create
from hrdd.contracts.models import CalendarFeed, Contract
from hrdd.contracts.services import calendar_feed_renew
from hrdd.core.linktokens import token_digest
from hrdd.core.logmask import MaskTokensFilter, mask_tokens
from tests.factories import ConsultationFactory, ContractFactory, ObligationFactory, SupplierProfileFactory
from tests.html import document

pytestmark = pytest.mark.django_db


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def invited(buyer, **consultation):
    consultation = ConsultationFactory(organisation=buyer.organisation, **consultation)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail leaves when the write commits
        return invitation_create(
            actor=buyer, consultation=consultation, email="sales@acme.example", company="Acme"
        )


def rows_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
        return repr(cursor.fetchall())


# stored hashed


def test_the_database_holds_the_digest_of_each_link_never_the_token(buyer, contract_manager):
    # given a link of each kind
    invitation = invited(buyer)
    contract = ContractFactory(organisation=buyer.organisation)
    feed = calendar_feed_renew(actor=contract_manager)
    profile = SupplierProfileFactory()

    # then no row holds a token, and each holds its SHA-256
    for record, table in [
        (invitation, "consultations_invitation"),
        (contract, "contracts_contract"),
        (feed, "contracts_calendarfeed"),
        (profile, "profiles_supplierprofile"),
    ]:
        assert len(record.token) >= 40
        assert record.token not in rows_text(table)
        assert type(record).objects.get(pk=record.pk).token_hash == sha256(record.token)


def test_the_e_mail_carries_the_link_that_opens_the_questionnaire(client, buyer):
    invitation = invited(buyer)
    link = invitation.get_respond_url()
    assert link in mail.outbox[0].body
    assert client.get(link).status_code == 200
    assert client.get(reverse("respond", args=["not-a-token"])).status_code == 404


def test_a_link_issued_before_the_hashing_still_opens_by_its_digest(client, buyer):
    # given a link as the data migration leaves it: the digest of the old token, no nonce to write it again
    invitation = invited(buyer)
    Invitation.objects.filter(pk=invitation.pk).update(
        token_hash=sha256("an-old-token-of-43-characters"), token_nonce=""
    )

    # then the old link opens the page, and hrdd cannot write it again
    assert client.get("/respond/an-old-token-of-43-characters/").status_code == 200
    assert Invitation.objects.get(pk=invitation.pk).token == ""


# expiry


def test_a_consultation_link_expires_after_the_deadline_and_its_grace_period(client, buyer, settings):
    settings.HRDD_INVITATION_LINK_GRACE_DAYS = 30
    invitation = invited(buyer)
    Invitation.objects.filter(pk=invitation.pk).update(token_issued_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    invitation.consultation.deadline = dt.date.today() - dt.timedelta(days=31)
    invitation.consultation.save()

    page = client.get(invitation.get_respond_url())
    api = client.get(f"/api/v1/responses/{invitation.token}")

    assert page.status_code == 410
    assert "This link has expired" in page.content.decode()
    assert buyer.organisation.name in page.content.decode()  # whom to ask
    assert page["Cache-Control"] == "no-store"
    assert api.status_code == 410
    assert "expired" in api.json()["detail"]


def test_a_consultation_link_still_works_within_the_grace_period(client, buyer, settings):
    settings.HRDD_INVITATION_LINK_GRACE_DAYS = 30
    invitation = invited(buyer)
    Invitation.objects.filter(pk=invitation.pk).update(token_issued_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    invitation.consultation.deadline = dt.date.today() - dt.timedelta(days=30)
    invitation.consultation.save()
    assert client.get(invitation.get_respond_url()).status_code == 200


def test_a_contract_link_expires_after_the_contracts_end_and_its_grace_period(client, settings, municipality):
    settings.HRDD_CONTRACT_LINK_GRACE_DAYS = 90
    contract = ContractFactory(
        organisation=municipality,
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date.today() - dt.timedelta(days=91),
    )
    Contract.objects.filter(pk=contract.pk).update(token_issued_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    page = client.get(contract.get_supplier_url())

    assert page.status_code == 410
    assert "Municipality of Testville" in page.content.decode()


# revoke and re-issue


def test_a_writer_re_issues_a_link_the_old_one_stops_and_the_new_one_is_shown_once(client, buyer):
    # given
    invitation = invited(buyer)
    old = invitation.get_respond_url()
    client.force_login(buyer)
    page_url = reverse("consultations:response", args=[invitation.consultation.public_id, invitation.pk])

    # when
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(
            reverse("consultations:link_reissue", args=[invitation.consultation.public_id, invitation.pk]),
            follow=True,
        )

    # then the new link is in the message and in the supplier's e-mail, once
    new = Invitation.objects.get(pk=invitation.pk).get_respond_url()
    assert new != old
    assert any(new in str(m) for m in answer.context["messages"])
    assert new in mail.outbox[-1].body
    assert new not in client.get(page_url).content.decode()
    assert "works until" in document(client.get(page_url)).by_id("link-state").text
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    event = AuditEvent.objects.get(action="invitation.link_reissue")
    assert event.actor == buyer
    assert new.split("/")[2] not in json.dumps([event.before, event.after])


def test_a_revoked_link_says_so_and_a_new_one_works_again(client, buyer):
    invitation = invited(buyer)
    link = invitation.get_respond_url()
    client.force_login(buyer)
    client.post(reverse("consultations:link_revoke", args=[invitation.consultation.public_id, invitation.pk]))
    client.logout()

    closed = client.get(link)

    assert closed.status_code == 410
    assert "revoked" in closed.content.decode()
    assert AuditEvent.objects.filter(action="invitation.link_revoke", actor=buyer).exists()


def test_the_api_re_issues_and_revokes_a_contract_link(client, buyer):
    contract = ContractFactory(organisation=buyer.organisation)
    old = contract.get_supplier_url()
    client.force_login(buyer)
    base = f"/api/v1/contracts/{contract.public_id}"

    read = client.get(base).json()
    issued = client.post(f"{base}/supplier-link").json()
    revoked = client.delete(f"{base}/supplier-link")

    assert read["supplier_link"] is None
    assert read["link_expires_on"] == (contract.end_date + dt.timedelta(days=90)).isoformat()
    assert issued["supplier_link"].endswith(Contract.objects.get(pk=contract.pk).get_supplier_url())
    assert revoked.status_code == 200 and revoked.json()["link_revoked_at"]
    assert client.get(old).status_code == 404
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="contract.link_").order_by("pk")
    ] == [
        "contract.link_reissue",
        "contract.link_revoke",
    ]


def test_the_api_re_issues_and_revokes_an_invitation_link(client, buyer):
    invitation = invited(buyer)
    client.force_login(buyer)
    path = f"/api/v1/consultations/{invitation.consultation.public_id}/invitations/{invitation.pk}/link"

    issued = client.post(path)
    revoked = client.delete(path)

    assert issued.status_code == 200
    assert issued.json()["link"].endswith(Invitation.objects.get(pk=invitation.pk).get_respond_url())
    assert revoked.json()["link"] is None and revoked.json()["link_revoked_at"]


# viewers


def test_a_viewer_sees_no_supplier_link_and_cannot_issue_one(client, buyer, viewer):
    invitation = invited(buyer)
    contract = ContractFactory(organisation=buyer.organisation)
    client.force_login(viewer)
    consultation = invitation.consultation

    response_page = client.get(
        reverse("consultations:response", args=[consultation.public_id, invitation.pk])
    )
    contract_page = client.get(contract.get_absolute_url())
    contract_api = client.get(f"/api/v1/contracts/{contract.public_id}").json()

    assert invitation.token not in response_page.content.decode()
    assert contract.token not in contract_page.content.decode()
    assert document(contract_page).by_id("link-actions") is None
    assert contract_api["supplier_link"] is None
    assert client.post(reverse("contracts:link_reissue", args=[contract.public_id])).status_code == 403
    assert (
        client.post(
            reverse("consultations:link_reissue", args=[consultation.public_id, invitation.pk])
        ).status_code
        == 403
    )
    assert client.post(f"/api/v1/contracts/{contract.public_id}/supplier-link").status_code == 403


# attribution


def test_what_is_done_through_a_link_is_the_link_holders_in_the_audit_log(client, buyer):
    invitation = invited(buyer)
    client.force_login(buyer)  # a buyer logged in on the same browser does not become the author

    client.put(
        f"/api/v1/responses/{invitation.token}",
        json.dumps({"company": "Acme"}),
        content_type="application/json",
    )

    event = AuditEvent.objects.filter(target_type="consultations.invitation").exclude(actor=buyer).get()
    assert event.actor is None
    assert event.actor_label == f"supplier via link invitation {invitation.pk} (sales@acme.example)"


def test_a_supplier_answer_through_a_contract_link_is_attributed_to_the_link(client, buyer):
    contract = ContractFactory(organisation=buyer.organisation)
    obligation = ObligationFactory(contract=contract, clause="CC3", title="Report")
    from hrdd.contracts.services import information_request_create

    request = information_request_create(
        actor=buyer,
        obligation=obligation,
        question="Which sites?",
        due_on=dt.date.today() + dt.timedelta(days=9),
    )
    client.post(
        contract.get_supplier_url(),
        {"obligation": str(obligation.pk), "request": str(request.pk), "action": "answer", "answer": "Two."},
    )

    events = AuditEvent.objects.filter(action="information_request.answer")
    assert [e.actor_label for e in events] == [
        f"supplier via link contract {contract.public_id} ({contract.supplier_name})"
    ]


# never in the logs, never cached


@pytest.mark.parametrize(
    "path",
    [
        "/respond/{t}/",
        "/respond/{t}/questionnaire.xlsx",
        "/contracts/supplier/{t}/",
        "/contracts/supplier/{t}/tasks/6a1f0d6e-0c55-4d6a-9f0e-5a1b2c3d4e5f/",
        "/contracts/feeds/{t}.ics",
        "/profiles/manage/{t}/",
        "/profiles/keep/contract/{t}/12/",
        "/smelters/supplier/{t}/",
        "/api/v1/responses/{t}/submit",
        "/api/v1/profiles/{t}/export",
        "/api/v1/incidents/public/supplier/{t}/steps",
    ],
)
def test_a_logged_address_has_its_token_masked(path):
    token = "Ab3_-xYz" * 5 + "abc"
    line = f'"GET {path.format(t=token)} HTTP/1.1" 200 512'
    masked = mask_tokens(line)
    assert token not in masked
    assert "***" in masked


def test_the_log_filter_masks_the_development_servers_access_line():
    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s %s', ("GET /respond/Secret123/ HTTP/1.1", 200, 5), None
    )
    MaskTokensFilter().filter(record)
    assert record.getMessage() == '"GET /respond/***/ HTTP/1.1" 200 5'
    handlers = logging.getLogger("django.server").handlers
    assert any(
        isinstance(f, MaskTokensFilter) for h in handlers for f in h.filters
    )  # config/settings.py LOGGING


def test_gunicorns_access_log_masks_the_token():
    import runpy

    from gunicorn.config import Config

    conf = runpy.run_path("config/gunicorn.conf.py")
    logger = conf["logger_class"](Config())
    values = {
        "r": "GET /respond/Secret123/ HTTP/1.1",
        "U": "/respond/Secret123/",
        "f": "https://x/respond/Secret123/",
    }
    masked = {name: logger.mask(value) for name, value in values.items()}
    assert all("Secret123" not in value for value in masked.values())


def test_link_pages_are_sent_no_store_and_without_referrer(client, buyer):
    invitation = invited(buyer)
    contract = ContractFactory(organisation=buyer.organisation)
    for path in (invitation.get_respond_url(), contract.get_supplier_url(), "/respond/unknown/"):
        answer = client.get(path)
        assert answer["Cache-Control"] == "no-store", path
        assert answer["Referrer-Policy"] == "same-origin", path


# rate limits


@pytest.fixture
def throttled(settings):
    from django.core.cache import cache

    cache.clear()
    settings.HRDD_THROTTLE_ENABLED = True
    settings.HRDD_THROTTLE_LINK_LIMIT = 3
    settings.HRDD_THROTTLE_ANONYMOUS_LIMIT = 2
    yield settings
    cache.clear()


def test_a_client_asking_a_link_too_often_gets_429_with_retry_after(client, buyer, throttled):
    invitation = invited(buyer)
    answers = [client.get(invitation.get_respond_url()) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert "Too many requests" in answers[-1].content.decode()


def test_the_anonymous_risk_check_is_throttled_but_not_a_logged_in_user(client, buyer, throttled):
    answers = [client.post("/api/v1/risks/check", "{}", content_type="application/json") for _ in range(3)]
    assert answers[-1].status_code == 429
    assert "wait" in answers[-1].json()["detail"]
    client.force_login(buyer)
    assert client.post("/api/v1/risks/check", "{}", content_type="application/json").status_code != 429


def test_repeated_wrong_logins_lock_the_address_out(client, buyer, settings):
    settings.AXES_ENABLED = True
    buyer.set_password("right-password-1")
    buyer.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": buyer.email, "password": "wrong"})

    locked = client.post("/login/", {"username": buyer.email, "password": "right-password-1"})

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_passwords_are_hashed_with_19_mib_and_old_hashes_still_verify_and_are_renewed():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from hrdd.core.passwords import BoundedArgon2PasswordHasher

    bounded = BoundedArgon2PasswordHasher()
    encoded = bounded.encode("a password", bounded.salt())
    old = Argon2PasswordHasher().encode("a password", bounded.salt())

    assert "m=19456,t=2,p=1" in encoded
    assert bounded.verify("a password", encoded) and not bounded.verify("a guess", encoded)
    assert bounded.verify("a password", old)
    assert bounded.must_update(old) and not bounded.must_update(encoded)


def test_a_calendar_feed_is_revoked_and_re_issued(client, contract_manager):
    old = calendar_feed_renew(actor=contract_manager)
    new = calendar_feed_renew(actor=contract_manager)
    assert client.get(old.get_absolute_url()).status_code == 404
    assert client.get(new.get_absolute_url()).status_code == 200
    assert CalendarFeed.objects.filter(
        user=contract_manager, revoked_at__isnull=True
    ).get().token_hash == token_digest(new.token)


# the data migration

BEFORE_HASHING = [
    ("consultations", "0011_edit_version"),
    ("contracts", "0014_edit_version"),
    ("profiles", "0002_profile_parts"),
]


@pytest.mark.django_db(transaction=True)
def test_links_sent_before_the_hashing_keep_working_after_the_migration(client):
    from django.db.migrations.executor import MigrationExecutor

    from tests.migration_support import migrate_to

    # given a consultation invitation and a contract as stored before, with their clear tokens
    old = migrate_to(BEFORE_HASHING)
    town = old.get_model("accounts", "Organisation").objects.create(name="Exampleton", kind="public_buyer")
    purchase = old.get_model("procurements", "Procurement").objects.create(
        organisation=town, title="Notebooks", product_category="notebook"
    )
    consultation = old.get_model("consultations", "Consultation").objects.create(
        organisation=town,
        procurement=purchase,
        title="Notebooks",
        product_category="notebook",
        deadline=dt.date.today() + dt.timedelta(days=10),
    )
    old.get_model("consultations", "Invitation").objects.create(
        consultation=consultation, email="a@lumen.example", token="legacy-invitation-token"
    )
    lumen = old.get_model("companies", "Company").objects.create(
        organisation=town, legal_name="Lumen", normalised_name="lumen"
    )
    old.get_model("contracts", "Contract").objects.create(
        organisation=town,
        procurement=purchase,
        supplier=lumen,
        title="Notebooks 2026-2029",
        supplier_email="r@lumen.example",
        scenario=2,
        award_date=dt.date(2026, 1, 1),
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date.today() + dt.timedelta(days=400),
        token="legacy-contract-token",
    )

    # when
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then the same links open their pages, and no row holds them any more
    assert client.get("/respond/legacy-invitation-token/").status_code == 200
    assert client.get("/contracts/supplier/legacy-contract-token/").status_code == 200
    assert "legacy-invitation-token" not in rows_text("consultations_invitation")
    assert "legacy-contract-token" not in rows_text("contracts_contract")
    assert Invitation.objects.get().token_hash == sha256("legacy-invitation-token")
