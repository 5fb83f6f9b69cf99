"""A grievance channel's secret link (issue 17): stored hashed, shown to the organisation once (when the channel is
opened or the link re-issued), stopped by a re-issue or by closing the channel, never in a log, sent no-store; the
channel's public address (its slug) keeps working beside it."""

import datetime as dt
import hashlib
import logging
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.audit.models import AuditEvent
from hrdd.core.errors import NotFound
from hrdd.core.logmask import MaskTokensFilter, mask_tokens
from hrdd.incidents import selectors, services
from hrdd.incidents.models import GrievanceChannel, Incident
from tests.app.incidents_support import buyer_org
from tests.factories import GrievanceChannelFactory, UserFactory

pytestmark = pytest.mark.django_db


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def rows_text(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a fixed table name)
        return repr(cursor.fetchall())


@pytest.fixture
def manager(db):
    _organisation, manager = buyer_org("Grievance City")
    return manager


@pytest.fixture
def channel(manager):
    return services.grievance_channel_create(actor=manager, slug="grievance-city", title="Tell us")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def form_status(path):
    return Client().get(path).status_code


def shown_links(answer):
    """The secret links the messages of a page show (the absolute /report/<token>/ addresses)."""
    return [m for m in (str(m) for m in get_messages(answer.wsgi_request)) if "/report/" in m]


# stored hashed


def test_the_database_holds_the_digest_of_the_secret_link_never_the_token(channel):
    token = channel.token

    assert len(token) >= 40
    assert token not in rows_text("incidents_grievancechannel")
    assert GrievanceChannel.objects.get(pk=channel.pk).token_hash == sha256(token)
    assert "token" not in {f.name for f in GrievanceChannel._meta.get_fields()}  # the clear column is gone


def test_a_factory_channel_gets_a_hashed_link_too():
    channel = GrievanceChannelFactory()
    assert channel.token and channel.token not in rows_text("incidents_grievancechannel")


# the two ways in


def test_the_secret_link_and_the_slug_address_both_open_the_form(channel):
    assert form_status(channel.get_secret_url()) == 200
    assert form_status(channel.get_absolute_url()) == 200
    assert channel.get_secret_url() == f"/report/{channel.token}/"
    assert form_status(reverse("incidents:grievance", args=["not-a-token"])) == 404
    assert form_status(reverse("incidents:grievance", args=["x" * 65])) == 404  # longer than any token


def test_a_grievance_sent_through_the_secret_link_reaches_the_channels_organisation(channel):
    client = Client()
    client.get(channel.get_secret_url())
    stamp = services.intake_form_stamp(timezone.now() - dt.timedelta(minutes=2))

    sent = client.post(
        channel.get_secret_url(), {"description": "Our passports are kept", "stamp": stamp, "website": ""}
    )

    assert sent.status_code == 302 and sent["Location"] == f"/report/{channel.token}/sent/"
    assert Incident.objects.get().channel == channel
    assert client.get(sent["Location"]).status_code == 200


def test_the_public_api_takes_the_secret_link_and_the_slug(client, channel):
    for key in (channel.token, channel.slug):
        assert client.get(f"/api/v1/incidents/public/grievances/{key}").status_code == 200
    assert client.get("/api/v1/incidents/public/grievances/not-a-token").status_code == 404


# re-issued, closed


def test_re_issuing_the_link_stops_the_old_one_and_keeps_the_slug(channel, manager):
    old = channel.token
    old_issued = channel.token_issued_at

    fresh = services.grievance_channel_update(actor=manager, channel=channel, new_link=True)

    assert fresh.token != old and fresh.token_issued_at > old_issued
    assert form_status(f"/report/{old}/") == 404
    assert form_status(f"/report/{fresh.token}/") == 200
    assert form_status(channel.get_absolute_url()) == 200
    with pytest.raises(NotFound):
        selectors.grievance_channel_by_key(old)
    event = AuditEvent.objects.filter(action="grievance_channel.update").latest("id")
    assert event.after["new_link"] is True and event.after["link_issued_at"]
    assert old not in repr(event.before) + repr(event.after) and fresh.token not in repr(event.after)


def test_a_closed_channel_answers_neither_its_link_nor_its_slug_and_reopened_both(channel, manager):
    token = channel.token

    services.grievance_channel_update(actor=manager, channel=channel, is_open=False)

    assert form_status(f"/report/{token}/") == 404
    assert form_status(f"/report/{channel.slug}/") == 404
    assert Client().get(f"/api/v1/incidents/public/grievances/{token}").status_code == 404

    services.grievance_channel_update(actor=manager, channel=channel, is_open=True)

    assert form_status(f"/report/{token}/") == 200  # closing is not a re-issue: the same link works again
    assert form_status(f"/report/{channel.slug}/") == 200


def test_a_link_issued_before_the_hashing_still_opens_by_its_digest(channel):
    GrievanceChannel.objects.filter(pk=channel.pk).update(
        token_hash=sha256("an-old-grievance-token-of-43-characters"), token_nonce=""
    )

    assert form_status("/report/an-old-grievance-token-of-43-characters/") == 200
    assert GrievanceChannel.objects.get(pk=channel.pk).token == ""
    assert GrievanceChannel.objects.get(pk=channel.pk).get_secret_url() == ""


# shown once to the organisation


def test_the_page_shows_the_secret_link_once_after_opening_the_channel_then_when_it_was_issued(manager):
    client = logged_in(manager)

    opened = client.post(
        reverse("incidents:settings"),
        {"slug": "tell-us", "title": "Tell us", "introduction": ""},
        follow=True,
    )

    channel = GrievanceChannel.objects.get(slug="tell-us")
    body = opened.content.decode()
    assert f"/report/{channel.token}/" in body
    assert opened["Cache-Control"] == "no-store"

    again = client.get(reverse("incidents:settings")).content.decode()
    assert channel.token not in again
    assert f"/report/{channel.slug}/" in again
    state = re.search(r'id="link-state-[^"]+">([^<]+)<', again).group(1)
    assert f"issued on {timezone.localdate(channel.token_issued_at).isoformat()}" in state
    assert "Issue a new secret link" in again


def test_re_issuing_from_the_page_shows_the_new_link_once(channel, manager):
    client = logged_in(manager)
    old = channel.token

    answer = client.post(
        reverse("incidents:channel_update", args=[channel.public_id]), {"action": "new_link"}
    )

    fresh = GrievanceChannel.objects.get(pk=channel.pk)
    assert answer.status_code == 302
    assert [link for link in shown_links(answer) if f"/report/{fresh.token}/" in link]
    assert old != fresh.token
    shown = client.get(answer["Location"]).content.decode()
    assert f"/report/{fresh.token}/" in shown and "shown only now" in shown
    page = client.get(answer["Location"]).content.decode()
    assert fresh.token not in page and old not in page


def test_a_viewer_sees_no_secret_link_and_cannot_re_issue_it(channel, manager):
    viewer = UserFactory(
        email="viewer@grievance-city.example", organisation=channel.organisation, role=User.Role.VIEWER
    )
    client = logged_in(viewer)
    token = channel.token

    page = client.get(reverse("incidents:settings")).content.decode()
    refused = client.post(
        reverse("incidents:channel_update", args=[channel.public_id]), {"action": "new_link"}
    )

    assert token not in page and "Issue a new secret link" not in page
    assert refused.status_code == 403
    assert GrievanceChannel.objects.get(pk=channel.pk).token == token


def test_the_api_shows_the_secret_link_only_in_the_answer_that_issued_it(manager):
    client = logged_in(manager)

    created = client.post(
        "/api/v1/incidents/channels", {"slug": "tell-us", "title": "Tell us"}, content_type="application/json"
    ).json()
    channel = GrievanceChannel.objects.get(slug="tell-us")
    listed = client.get("/api/v1/incidents/channels").json()
    renewed = client.patch(
        f"/api/v1/incidents/channels/{channel.public_id}", {"new_link": True}, content_type="application/json"
    ).json()
    renamed = client.patch(
        f"/api/v1/incidents/channels/{channel.public_id}",
        {"title": "Tell us more"},
        content_type="application/json",
    ).json()

    assert created["secret_link"].endswith(
        f"/report/{channel.token}/"
    )  # channel: as read before the re-issue
    assert created["link_issued_at"] and "token" not in created
    assert [c["secret_link"] for c in listed] == [None] and listed[0]["link_issued_at"]
    fresh = GrievanceChannel.objects.get(pk=channel.pk)
    assert renewed["secret_link"].endswith(f"/report/{fresh.token}/")
    assert renamed["secret_link"] is None
    assert "token" not in renamed
    assert fresh.token not in repr(listed) + repr(renamed)


# never in the logs, never cached


@pytest.mark.parametrize(
    "path",
    ["/report/{t}/", "/report/{t}/sent/", "/report/{t}/?lang=vi", "/api/v1/incidents/public/grievances/{t}"],
)
def test_a_logged_grievance_address_has_its_token_masked(path):
    token = "Ab3_-xYz" * 5 + "abc"
    for line in (
        f'"GET {path.format(t=token)} HTTP/1.1" 200 512',
        f"https://hrdd.example{path.format(t=token)}",
    ):
        masked = mask_tokens(line)
        assert token not in masked and "/***" in masked


def test_the_request_log_of_a_closed_link_does_not_carry_its_token(channel, manager, caplog):
    token = channel.token
    services.grievance_channel_update(actor=manager, channel=channel, is_open=False)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert form_status(f"/report/{token}/") == 404

    logged = [r for r in caplog.records if r.name == "django.request"]
    assert logged, "the 404 is logged"
    masking = [f for h in logging.getLogger().handlers for f in h.filters if isinstance(f, MaskTokensFilter)]
    assert masking  # config/settings.py LOGGING: the console handler masks
    for record in logged:
        masking[0].filter(record)
        assert token not in record.getMessage() and "/report/***/" in record.getMessage()


def test_gunicorns_access_log_masks_the_grievance_token():
    import runpy

    from gunicorn.config import Config

    conf = runpy.run_path("config/gunicorn.conf.py")
    logger = conf["logger_class"](Config())
    for value in (
        "GET /report/Secret123/ HTTP/1.1",
        "/report/Secret123/sent/",
        "https://x/report/Secret123/",
    ):
        assert "Secret123" not in logger.mask(value)


def test_the_link_pages_are_sent_no_store(channel):
    client = Client()
    for path in (channel.get_secret_url(), channel.get_absolute_url(), "/report/not-a-token/"):
        answer = client.get(path)
        assert answer["Cache-Control"] == "no-store", path
        assert answer["Referrer-Policy"] == "same-origin", path
    api = client.get(f"/api/v1/incidents/public/grievances/{channel.token}")
    assert api["Cache-Control"] == "no-store"


# the data migration

BEFORE_HASHING = [("incidents", "0003_edit_version")]


@pytest.mark.django_db(transaction=True)
def test_a_secret_link_given_out_before_the_hashing_keeps_working_after_the_migration():
    from django.db.migrations.executor import MigrationExecutor

    from tests.migration_support import migrate_to

    # given two channels as stored before, with their clear tokens
    old = migrate_to(BEFORE_HASHING)
    town = old.get_model("accounts", "Organisation").objects.create(name="Exampleton", kind="public_buyer")
    Channel = old.get_model("incidents", "GrievanceChannel")
    Channel.objects.create(
        organisation=town, slug="exampleton", title="Tell us", token="legacy-grievance-token"
    )
    Channel.objects.create(
        organisation=town, slug="closed-one", title="Old", token="legacy-closed", is_open=False
    )

    # when
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then the same link opens the form, the closed one stays closed, and no row holds a token any more
    assert form_status("/report/legacy-grievance-token/") == 200
    assert form_status("/report/exampleton/") == 200
    assert form_status("/report/legacy-closed/") == 404
    stored = rows_text("incidents_grievancechannel")
    assert "legacy-grievance-token" not in stored and "legacy-closed" not in stored
    channel = GrievanceChannel.objects.get(slug="exampleton")
    assert channel.token_hash == sha256("legacy-grievance-token")
    assert channel.token_issued_at == channel.created_at
    assert channel.token == ""  # hrdd cannot write it again: the organisation re-issues it to give it out

    # and a re-issue gives a link hrdd can show once
    manager = UserFactory(organisation=GrievanceChannel.objects.get(slug="exampleton").organisation)
    fresh = services.grievance_channel_update(actor=manager, channel=channel, new_link=True)
    assert fresh.token and form_status(fresh.get_secret_url()) == 200
    assert form_status("/report/legacy-grievance-token/") == 404
