"""The anonymous grievance intake: a received incident in the reporter's language, a receipt code shown once
(only its hash stored) that follows the status without revealing who reported, rate limits per address and per
organisation, the honeypot and the minimum fill time, bounded texts and files."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError, NotFound
from hrdd.incidents import selectors, services
from hrdd.incidents.models import Incident, IntakeAttempt
from tests.app.incidents_support import buyer_org

ADDRESS = "203.0.113.7"


@pytest.fixture
def channel(db):
    _organisation, manager = buyer_org("Grievance City")
    return services.grievance_channel_create(actor=manager, slug="grievance-city", title="Tell us")


@pytest.fixture
def manager(channel):
    return channel.organisation.memberships.get().user


def send(channel, address=ADDRESS, **values):
    values.setdefault("description", "Our passports are kept by the dormitory manager.")
    return services.grievance_submit(channel=channel, client_address=address, **values)


def test_a_grievance_becomes_a_received_owner_only_incident_in_the_reporters_language(channel):
    receipt = send(
        channel, language="ms", site_text="Kilang Penang", country="Malaysia", category="forced_labour"
    )
    incident = receipt.incident
    assert (incident.status, incident.confidentiality, incident.source) == (
        "received",
        "owner_only",
        "worker_grievance",
    )
    assert (incident.language, incident.country_iso3, incident.subject_text) == ("ms", "MYS", "Kilang Penang")
    assert incident.reporter_anonymous and incident.reporter_contact == ""
    assert incident.organisation == channel.organisation
    assert AuditEvent.objects.filter(action="incident.grievance", actor=None).count() == 1


def test_only_the_hash_of_the_receipt_code_is_stored(channel):
    receipt = send(channel)
    stored = Incident.objects.filter(pk=receipt.incident.pk).values()[0]
    plain = receipt.code.replace("-", "")
    assert all(plain not in str(value) and receipt.code not in str(value) for value in stored.values())
    assert stored["receipt_hash"] and len(stored["receipt_hash"]) == 64


def test_the_receipt_code_follows_the_status_and_shows_only_public_notes(channel, manager):
    receipt = send(channel)
    services.incident_transition(
        actor=manager,
        incident=receipt.incident,
        status="verifying",
        note="call the auditor",
        public_note="We are checking.",
    )
    view = services.receipt_check(code=receipt.code.lower(), client_address=ADDRESS)
    assert view.status == "verifying"
    assert [(label, note) for _day, label, note in view.history] == [
        ("Received", ""),
        ("Verifying", "We are checking."),
    ]
    assert "call the auditor" not in str(view)


def test_a_wrong_receipt_code_is_not_found(channel):
    send(channel)
    with pytest.raises(NotFound):
        services.receipt_check(code="0000-0000-0000-0000-0000", client_address=ADDRESS)
    with pytest.raises(NotFound):
        selectors.receipt_status("not a code")


def test_a_named_reporter_is_kept_with_the_owner(channel):
    incident = send(channel, reporter_name="Siti", reporter_contact="siti@example.org").incident
    assert not incident.reporter_anonymous and incident.reporter_contact == "siti@example.org"


def test_too_many_grievances_from_one_address_are_refused(channel, settings):
    settings.HRDD_GRIEVANCE_LIMITS = {"grievance_per_client": (2, 3600)}
    send(channel)
    send(channel)
    with pytest.raises(services.RateLimited):
        send(channel)
    send(channel, address="198.51.100.1")  # another address is counted apart
    assert not IntakeAttempt.objects.filter(client__contains="203.0").exists()  # never the address itself


def test_too_many_grievances_for_one_organisation_are_refused_whatever_the_address(channel, settings):
    settings.HRDD_GRIEVANCE_LIMITS = {"grievance_per_organisation": (3, 3600)}
    for n in range(3):
        send(channel, address=f"192.0.2.{n}")
    with pytest.raises(services.RateLimited):
        send(channel, address="192.0.2.99")
    assert Incident.objects.count() == 3


def test_attempts_older_than_the_window_no_longer_count(channel, settings):
    settings.HRDD_GRIEVANCE_LIMITS = {"grievance_per_client": (1, 3600)}
    earlier = timezone.now() - dt.timedelta(hours=2)
    send(channel, now=earlier)
    send(channel)


def test_refused_input_still_counts_against_the_limit(channel, settings):
    settings.HRDD_GRIEVANCE_LIMITS = {"grievance_per_client": (1, 3600)}
    with pytest.raises(services.IncidentError):
        send(channel, description="")
    with pytest.raises(services.RateLimited):
        send(channel)


def test_the_honeypot_and_the_fill_time_catch_machines():
    services.check_honeypot("")
    with pytest.raises(services.SpamSuspected):
        services.check_honeypot("http://spam.example")
    now = timezone.now()
    stamp = services.intake_form_stamp(now - dt.timedelta(seconds=30))
    services.check_fill_time(stamp, now=now)
    with pytest.raises(services.SpamSuspected, match="too quickly"):
        services.check_fill_time(services.intake_form_stamp(now), now=now)
    with pytest.raises(services.SpamSuspected, match="expired"):
        services.check_fill_time(stamp + "x", now=now)
    with pytest.raises(services.SpamSuspected, match="expired"):
        services.check_fill_time(services.intake_form_stamp(now - dt.timedelta(days=2)), now=now)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"description": "x" * 10_001}, "description"),
        ({"description": "  "}, "description"),
        ({"language": "not a language"}, "language"),
        ({"country": "Atlantis"}, "country"),
        ({"category": "bad_weather"}, "category"),
        ({"occurred_on": "2999-01-01"}, "occurred_on"),
        ({"reporter_contact": "c" * 301}, "reporter_contact"),
    ],
)
def test_bad_input_is_refused_by_field_and_stores_nothing(channel, values, field):
    with pytest.raises(services.IncidentError) as caught:
        send(channel, **values)
    assert caught.value.field == field
    assert not Incident.objects.exists()


def test_a_document_is_accepted_within_the_limits_and_a_disguised_one_refused(channel):
    ok = SimpleUploadedFile("evidence.txt", b"Shift records for March.", content_type="text/plain")
    incident = send(channel, document=ok).incident
    assert (incident.document_name, incident.document_size) == ("evidence.txt", 24)
    fake = SimpleUploadedFile("evidence.pdf", b"not a pdf at all", content_type="application/pdf")
    with pytest.raises(InputError) as caught:
        send(channel, document=fake, address="192.0.2.50")
    assert caught.value.field == "document"


def test_a_closed_channel_takes_nothing_and_a_new_link_retires_the_old(channel, manager):
    old_token = channel.token
    assert selectors.grievance_channel_by_key(old_token) == channel
    services.grievance_channel_update(actor=manager, channel=channel, new_link=True)
    with pytest.raises(NotFound):
        selectors.grievance_channel_by_key(old_token)
    services.grievance_channel_update(actor=manager, channel=channel, is_open=False)
    with pytest.raises(NotFound):
        selectors.grievance_channel_by_key("grievance-city")


def test_a_channel_address_is_checked(channel, manager):
    with pytest.raises(services.IncidentError, match="taken"):
        services.grievance_channel_create(actor=manager, slug="grievance-city", title="Again")
    with pytest.raises(services.IncidentError, match="lower-case"):
        services.grievance_channel_create(actor=manager, slug="Bad Slug!", title="Again")


def test_the_public_api_takes_a_grievance_and_answers_its_receipt(client, channel):
    form = client.get("/api/v1/incidents/public/grievances/grievance-city").json()
    assert form["organisation"] == "Grievance City" and len(form["categories"]) == 7
    stamp = services.intake_form_stamp(timezone.now() - dt.timedelta(seconds=20))
    sent = client.post(
        f"/api/v1/incidents/public/grievances/{channel.token}",
        {"description": "No pay for overtime.", "language": "vi", "stamp": stamp},
        content_type="application/json",
    )
    assert sent.status_code == 201
    code = sent.json()["receipt_code"]
    status = client.post("/api/v1/incidents/public/receipts", {"code": code}, content_type="application/json")
    assert status.status_code == 200 and status.json()["status"] == "received"
    assert status.json()["language"] == "vi"


def test_the_public_api_refuses_robots_unknown_fields_and_floods(client, channel, settings):
    stamp = services.intake_form_stamp(timezone.now() - dt.timedelta(seconds=20))
    url = "/api/v1/incidents/public/grievances/grievance-city"
    body = {"description": "Unsafe machines.", "stamp": stamp}
    honeypot = client.post(url, body | {"website": "x"}, content_type="application/json")
    assert honeypot.status_code == 422 and honeypot.json()["field"] == "website"
    unknown = client.post(url, body | {"reporter_ip": "1.2.3.4"}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["field"] == "reporter_ip"
    assert (
        client.post(
            "/api/v1/incidents/public/grievances/nope", body, content_type="application/json"
        ).status_code
        == 404
    )
    settings.HRDD_GRIEVANCE_LIMITS = {"grievance_per_client": (1, 3600)}
    assert client.post(url, body, content_type="application/json").status_code == 201
    flooded = client.post(url, body, content_type="application/json")
    assert flooded.status_code == 429 and "Too many" in flooded.json()["detail"]
