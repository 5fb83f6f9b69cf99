"""A smelter-list request's link (issue 17): stored hashed, expiring with its campaign, revocable and re-issuable by
a writer of the owner, shown to the buyer once, sent no-store and never in a log; what is done through it is the
link holder's in the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError
from hrdd.core.linktokens import LinkClosed
from hrdd.core.logmask import mask_tokens
from hrdd.core.tasks import run_queued_tasks
from hrdd.rmi import links, selectors, services
from hrdd.rmi.models import Campaign, SupplierRequest, Upload
from tests.domain.rmi.workbooks import FACTS, build
from tests.factories import CompanyFactory, ContractFactory, UploadFactory
from tests.html import document

pytestmark = pytest.mark.django_db
needs_workbooks = pytest.mark.skipif(
    FACTS is None, reason="the RMI reference facts are not beside the checkout"
)


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def rows_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
        return repr(cursor.fetchall())


@pytest.fixture
def campaign(buyer):
    return services.campaign_create(
        actor=buyer,
        title="Smelter lists 2025",
        templates=["CMRT"],
        deadline=dt.date.today() + dt.timedelta(days=20),
    )


@pytest.fixture
def asked(buyer, campaign):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the e-mail leaves when the write commits
        return services.request_add(
            actor=buyer,
            campaign=campaign,
            supplier_name="Battery Cells Ltd",
            email="cells@example.com",
            send=True,
        )


def issued_long_ago(request):
    SupplierRequest.objects.filter(pk=request.pk).update(
        token_issued_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )


def request_page(client, request):
    return client.get(reverse("rmi:request", args=[request.public_id]))


# stored hashed


def test_the_database_holds_the_digest_of_the_link_never_the_token(asked):
    token = asked.token
    assert len(token) >= 40
    assert token not in rows_text("rmi_supplierrequest")
    assert SupplierRequest.objects.get(pk=asked.pk).token_hash == sha256(token)
    columns = [
        c.name
        for c in connection.introspection.get_table_description(connection.cursor(), "rmi_supplierrequest")
    ]
    assert "token" not in columns and "token_hash" in columns


def test_the_e_mail_carries_the_link_that_opens_the_page_and_it_is_found_by_its_digest(client, asked):
    # the token is written again from the nonce, not read from the database
    fresh = SupplierRequest.objects.get(pk=asked.pk)
    link = fresh.get_supplier_url()
    assert link == asked.get_supplier_url()
    assert link in mail.outbox[-1].body
    assert "works until" in mail.outbox[-1].body
    assert client.get(link).status_code == 200
    assert selectors.requests_by_link(token=fresh.token) == [fresh]
    assert client.get(reverse("rmi:supplier", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("rmi:supplier", args=["x" * 65])).status_code == 404


def test_the_problems_e_mail_carries_the_same_working_link(client, buyer, asked):
    upload = UploadFactory(
        request=asked,
        status=Upload.Status.NEEDS_CORRECTION,
        problems=[
            {"code": "x", "severity": "error", "sheet": "Declaration", "cell": "D8", "message": "Fill it."}
        ],
    )
    SupplierRequest.objects.filter(pk=asked.pk).update(current_upload=upload)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.problems_send(actor=buyer, request=SupplierRequest.objects.get(pk=asked.pk))
    body = mail.outbox[-1].body
    assert "D8" in body and asked.get_supplier_url() in body
    assert client.get(asked.get_supplier_url()).status_code == 200


def test_a_link_issued_before_the_hashing_still_opens_but_cannot_be_sent_again(client, buyer, asked):
    # given a link as the data migration leaves it: the digest of the old token, no nonce to write it again
    SupplierRequest.objects.filter(pk=asked.pk).update(token_hash=sha256("an-old-rmi-token"), token_nonce="")
    old = SupplierRequest.objects.get(pk=asked.pk)
    # then the old link opens the page, and hrdd cannot write it again
    assert client.get("/smelters/supplier/an-old-rmi-token/").status_code == 200
    assert old.token == "" and old.get_supplier_url() == ""
    with pytest.raises(InputError, match="issue a new link instead"):
        services.request_send_link(actor=buyer, request=old)
    # re-issuing gives one hrdd can send
    fresh = links.request_link_reissue(actor=buyer, request=old, send=False)
    assert fresh.token and client.get(fresh.get_supplier_url()).status_code == 200
    assert client.get("/smelters/supplier/an-old-rmi-token/").status_code == 404


# expiry


def test_the_link_expires_after_the_deadline_and_its_grace_period(client, buyer, asked, settings):
    settings.HRDD_RMI_LINK_GRACE_DAYS = 30
    issued_long_ago(asked)
    Campaign.objects.filter(pk=asked.campaign_id).update(deadline=dt.date.today() - dt.timedelta(days=31))

    page = client.get(asked.get_supplier_url())

    assert page.status_code == 410
    text = page.content.decode()
    assert "This link has expired" in text
    assert buyer.organisation.name in text  # whom to ask
    assert (dt.date.today() - dt.timedelta(days=1)).isoformat() in text  # the last day it worked
    assert page["Cache-Control"] == "no-store"


def test_the_link_still_works_on_the_last_day_of_its_grace_period(client, asked, settings):
    settings.HRDD_RMI_LINK_GRACE_DAYS = 30
    issued_long_ago(asked)
    Campaign.objects.filter(pk=asked.campaign_id).update(deadline=dt.date.today() - dt.timedelta(days=30))
    assert client.get(asked.get_supplier_url()).status_code == 200


def test_without_a_deadline_the_link_works_a_set_number_of_days_after_it_was_issued(client, buyer, settings):
    settings.HRDD_RMI_LINK_UNDATED_DAYS = 365
    campaign = services.campaign_create(actor=buyer, title="Undated", templates=["CMRT"])
    asked = services.request_add(actor=buyer, campaign=campaign, supplier_name="Tin Trading Ltd")
    link = asked.get_supplier_url()
    assert SupplierRequest.objects.get(pk=asked.pk).link_expires_on == timezone.localdate() + dt.timedelta(
        days=365
    )

    SupplierRequest.objects.filter(pk=asked.pk).update(
        token_issued_at=timezone.now() - dt.timedelta(days=365)
    )
    assert client.get(link).status_code == 200
    SupplierRequest.objects.filter(pk=asked.pk).update(
        token_issued_at=timezone.now() - dt.timedelta(days=366)
    )
    assert client.get(link).status_code == 410


def test_a_link_re_issued_after_the_deadline_gets_the_grace_period_again(client, buyer, asked, settings):
    settings.HRDD_RMI_LINK_GRACE_DAYS = 30
    issued_long_ago(asked)
    Campaign.objects.filter(pk=asked.campaign_id).update(deadline=dt.date.today() - dt.timedelta(days=60))
    assert client.get(asked.get_supplier_url()).status_code == 410

    fresh = links.request_link_reissue(
        actor=buyer, request=SupplierRequest.objects.get(pk=asked.pk), send=False
    )

    assert fresh.link_expires_on == timezone.localdate() + dt.timedelta(days=30)
    assert client.get(fresh.get_supplier_url()).status_code == 200


def test_closing_the_campaign_closes_the_link_at_once_and_it_cannot_be_re_issued(client, buyer, asked):
    services.campaign_close(actor=buyer, campaign=asked.campaign)
    link = asked.get_supplier_url()

    assert client.get(link).status_code == 410
    closed = SupplierRequest.objects.select_related("campaign").get(pk=asked.pk)
    with pytest.raises(LinkClosed):
        selectors.request_link_check(closed)
    with pytest.raises(InputError, match="closed"):
        links.request_link_reissue(actor=buyer, request=closed)
    with pytest.raises(InputError, match="closed"):
        services.request_send_link(actor=buyer, request=closed)
    client.force_login(buyer)
    page = document(request_page(client, closed))
    assert page.by_id("link-actions") is None
    assert "closed" in page.by_id("link-state").text


# revoke and re-issue


def test_a_writer_revokes_the_link_it_answers_410_and_a_new_one_works_again(client, buyer, asked):
    link = asked.get_supplier_url()
    client.force_login(buyer)

    client.post(reverse("rmi:request_link_revoke", args=[asked.public_id]))
    again = client.post(reverse("rmi:request_link_revoke", args=[asked.public_id]), follow=True)
    client.logout()
    closed = client.get(link)

    assert closed.status_code == 410
    assert "revoked" in closed.content.decode()
    assert closed["Cache-Control"] == "no-store"
    assert any("already revoked" in str(m) for m in again.context["messages"])
    assert AuditEvent.objects.filter(action="rmi_request.link_revoke", actor=buyer).count() == 1
    with pytest.raises(InputError):
        services.request_send_link(actor=buyer, request=SupplierRequest.objects.get(pk=asked.pk))

    fresh = links.request_link_reissue(
        actor=buyer, request=SupplierRequest.objects.get(pk=asked.pk), send=False
    )
    assert client.get(fresh.get_supplier_url()).status_code == 200
    assert SupplierRequest.objects.get(pk=asked.pk).link_revoked_at is None


def test_a_writer_re_issues_the_link_the_old_one_stops_and_the_new_one_is_shown_once(client, buyer, asked):
    # given
    old = asked.get_supplier_url()
    client.force_login(buyer)
    assert asked.token not in request_page(client, asked).content.decode()  # never on the page afterwards

    # when
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(reverse("rmi:request_link_reissue", args=[asked.public_id]), follow=True)

    # then the new link is in the message and in the supplier's e-mail, once
    new = SupplierRequest.objects.get(pk=asked.pk).get_supplier_url()
    assert new != old
    assert any(new in str(m) for m in answer.context["messages"])
    assert new in mail.outbox[-1].body and "new link" in mail.outbox[-1].body
    later = request_page(client, asked)
    assert new not in later.content.decode()
    assert "works until" in document(later).by_id("link-state").text
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    event = AuditEvent.objects.get(action="rmi_request.link_reissue")
    assert event.actor == buyer
    assert event.after["emailed_to"] == "cells@example.com"
    assert new.split("/")[3] not in json.dumps([event.before, event.after])
    assert old.split("/")[3] not in json.dumps([event.before, event.after])


def test_a_new_request_shows_its_link_once_on_the_campaign_page(client, buyer, campaign):
    client.force_login(buyer)
    answer = client.post(campaign.get_absolute_url(), {"supplier_name": "Tin Trading Ltd"}, follow=True)
    asked = campaign.requests.get()
    assert any(asked.get_supplier_url() in str(m) for m in answer.context["messages"])
    assert asked.token not in request_page(client, asked).content.decode()
    assert asked.token not in client.get(campaign.get_absolute_url()).content.decode()


# who may


def test_a_viewer_sees_no_link_and_cannot_revoke_or_re_issue_it(client, viewer, asked):
    before = SupplierRequest.objects.get(pk=asked.pk).token_hash
    client.force_login(viewer)

    page = request_page(client, asked)
    api = client.get(f"/api/v1/smelters/requests/{asked.public_id}").json()

    assert page.status_code == 200
    assert asked.token not in page.content.decode()
    assert document(page).by_id("link-actions") is None
    assert api["link"] is None
    assert client.post(reverse("rmi:request_link_reissue", args=[asked.public_id])).status_code == 403
    assert client.post(reverse("rmi:request_link_revoke", args=[asked.public_id])).status_code == 403
    assert client.post(f"/api/v1/smelters/requests/{asked.public_id}/link").status_code == 403
    assert client.delete(f"/api/v1/smelters/requests/{asked.public_id}/link").status_code == 403
    after = SupplierRequest.objects.get(pk=asked.pk)
    assert after.token_hash == before and after.link_revoked_at is None
    assert not AuditEvent.objects.filter(action__startswith="rmi_request.link_").exists()


def test_another_organisation_cannot_reach_the_link(client, outsider, asked):
    client.force_login(outsider)
    assert client.post(reverse("rmi:request_link_reissue", args=[asked.public_id])).status_code == 404
    assert client.post(reverse("rmi:request_link_revoke", args=[asked.public_id])).status_code == 404
    assert client.post(f"/api/v1/smelters/requests/{asked.public_id}/link").status_code == 404
    with pytest.raises(InputError):
        links.request_link_revoke(actor=outsider, request=asked)
    assert SupplierRequest.objects.get(pk=asked.pk).link_revoked_at is None


# the API


def test_the_api_shows_the_link_once_re_issues_and_revokes_it(client, buyer, campaign, settings):
    settings.HRDD_RMI_LINK_GRACE_DAYS = 30
    client.force_login(buyer)
    created = client.post(
        f"/api/v1/smelters/campaigns/{campaign.public_id}/requests",
        json.dumps({"supplier_name": "Tin Trading Ltd"}),
        content_type="application/json",
    ).json()
    base = f"/api/v1/smelters/requests/{created['id']}"
    first = created["link"]

    read = client.get(base).json()
    listed = client.get(f"/api/v1/smelters/campaigns/{campaign.public_id}").json()["requests"]
    issued = client.post(f"{base}/link").json()
    revoked = client.delete(f"{base}/link")

    assert "/smelters/supplier/" in first
    assert read["link"] is None and [r["link"] for r in listed] == [None]
    assert read["link_expires_on"] == (campaign.deadline + dt.timedelta(days=30)).isoformat()
    assert read["link_issued_at"] and read["link_revoked_at"] is None
    assert issued["link"] and issued["link"] != first
    assert issued["link"].endswith(SupplierRequest.objects.get().get_supplier_url())
    assert revoked.status_code == 200 and revoked.json()["link_revoked_at"] and revoked.json()["link"] is None
    client.logout()
    assert client.get(first).status_code == 404  # re-issued: unknown
    assert client.get(issued["link"]).status_code == 410  # revoked
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="rmi_request.link_").order_by("pk")
    ] == [
        "rmi_request.link_reissue",
        "rmi_request.link_revoke",
    ]


# the link holder in the audit log


@needs_workbooks
def test_an_upload_through_the_link_and_its_reading_are_the_link_holders(client, buyer, asked):
    client.force_login(buyer)  # a buyer logged in on the same browser does not become the author
    client.post(
        asked.get_supplier_url(),
        {
            "request": str(asked.public_id),
            f"r{asked.pk}-file": SimpleUploadedFile("cmrt.xlsx", build("CMRT 6.5")),
        },
    )
    run_queued_tasks()

    label = f"supplier via link rmi {asked.public_id} (Battery Cells Ltd)"
    events = AuditEvent.objects.filter(action__in=["rmi_upload.create", "rmi_upload.read"]).order_by("pk")
    assert [(e.action, e.actor, e.actor_label) for e in events] == [
        ("rmi_upload.create", None, label),
        ("rmi_upload.read", None, label),
    ]


@needs_workbooks
def test_an_upload_through_a_contract_link_is_the_contract_link_holders(client, buyer, campaign):
    contract = ContractFactory(
        organisation=buyer.organisation,
        supplier=CompanyFactory(organisation=buyer.organisation, legal_name="Lumen"),
    )
    asked = services.request_add(actor=buyer, campaign=campaign, contract=contract)
    client.post(
        f"/smelters/supplier/{contract.token}/",
        {
            "request": str(asked.public_id),
            f"r{asked.pk}-file": SimpleUploadedFile("cmrt.xlsx", build("CMRT 6.5")),
        },
    )
    run_queued_tasks()

    label = f"supplier via link contract {contract.public_id} (Lumen)"
    assert set(
        AuditEvent.objects.filter(action__startswith="rmi_upload.").values_list("actor_label", flat=True)
    ) == {label}


@needs_workbooks
def test_a_buyer_uploading_on_the_suppliers_behalf_stays_the_author_of_the_reading(client, buyer, asked):
    client.force_login(buyer)
    client.post(
        f"/api/v1/smelters/requests/{asked.public_id}/uploads",
        {"file": SimpleUploadedFile("cmrt.xlsx", build("CMRT 6.5"))},
    )
    run_queued_tasks()
    events = AuditEvent.objects.filter(action__startswith="rmi_upload.")
    assert {(e.action, e.actor) for e in events} == {("rmi_upload.create", buyer), ("rmi_upload.read", buyer)}


def test_a_revoked_contract_link_closes_its_smelter_list_page_too(client, buyer, campaign):
    from hrdd.contracts.links import contract_link_revoke

    contract = ContractFactory(
        organisation=buyer.organisation, supplier=CompanyFactory(organisation=buyer.organisation)
    )
    services.request_add(actor=buyer, campaign=campaign, contract=contract)
    link = f"/smelters/supplier/{contract.token}/"
    assert client.get(link).status_code == 200

    contract_link_revoke(actor=buyer, contract=contract)

    assert client.get(link).status_code == 410


# never in the logs, never cached


def test_the_supplier_pages_are_sent_no_store_and_their_token_is_masked_in_logs(client, asked):
    token = asked.token
    for path in (
        asked.get_supplier_url(),
        reverse("rmi:supplier_task", args=[token, "6a1f0d6e-0c55-4d6a-9f0e-5a1b2c3d4e5f"]),
        "/smelters/supplier/unknown/",
    ):
        answer = client.get(path)
        assert answer["Cache-Control"] == "no-store", path
        assert answer["Referrer-Policy"] == "same-origin", path
        line = f'"GET {path} HTTP/1.1" {answer.status_code} 512'
        assert token not in mask_tokens(line) and "/smelters/supplier/***/" in mask_tokens(line)
    referrer = f"https://hrdd.example{asked.get_supplier_url()}?x=1"
    assert token not in mask_tokens(referrer)


# the data migration


@pytest.mark.django_db(transaction=True)
def test_links_sent_before_the_hashing_keep_working_after_the_migration(client):
    from django.db.migrations.executor import MigrationExecutor

    from tests.migration_support import migrate_to

    # given a request as stored before, with its clear token
    old = migrate_to([("rmi", "0002_rmi_profile_reuse")])
    town = old.get_model("accounts", "Organisation").objects.create(name="Exampleton", kind="public_buyer")
    campaign = old.get_model("rmi", "Campaign").objects.create(
        organisation=town, title="Lists", templates=["CMRT"]
    )
    old.get_model("rmi", "SupplierRequest").objects.create(
        campaign=campaign, supplier_name="Lumen", token="legacy-rmi-request-token"
    )

    # when
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then the same link opens its page, and no row holds it any more
    assert client.get("/smelters/supplier/legacy-rmi-request-token/").status_code == 200
    assert "legacy-rmi-request-token" not in rows_text("rmi_supplierrequest")
    migrated = SupplierRequest.objects.get()
    assert migrated.token_hash == sha256("legacy-rmi-request-token")
    assert migrated.token_issued_at == migrated.created_at
    assert migrated.token == ""  # hrdd cannot write it again: the buyer re-issues it to send it


@pytest.mark.django_db(transaction=True)
def test_going_back_before_the_hashing_gives_each_request_a_new_clear_link():
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import SupplierRequestFactory
    from tests.migration_support import migrate_to

    asked = SupplierRequestFactory()
    token = asked.token

    old = migrate_to([("rmi", "0002_rmi_profile_reuse")])
    restored = old.get_model("rmi", "SupplierRequest").objects.get()
    assert restored.token and restored.token != token and not restored.token.startswith("-")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert SupplierRequest.objects.get().token_hash == sha256(restored.token)
