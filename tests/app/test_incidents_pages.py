"""The incidents' pages: the register (filters, a query count independent of its rows), an incident's page with
its exposure and plan, the walls (a need-to-know incident is a 404 outside its audience, for every role), writers
only, CSRF, forms that keep what was typed, a stale save refused; the public grievance form (honeypot, fill time,
rate limit with 429) and the receipt page; the supplier's progress through its contract link; overdue steps on
the contracts dashboard and corrective actions in the calendar feeds; notices on the landing pages."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.incidents import services
from hrdd.incidents.models import Incident, Notice, RemediationStep
from tests.app.incidents_support import buyer_org, contract_for, mention, site
from tests.factories import UserFactory

TODAY = timezone.localdate()
ROLES = [r.value for r in User.Role]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def case(db):
    """An owner and a sharing buyer both naming one plant under a contract; a shared incident about it."""
    owner, manager = buyer_org("Owner City")
    sharer, sharer_manager = buyer_org("Sharing Region")
    plant = site()
    contract = contract_for(owner, "Notebooks 2027")
    mention(plant, contract)
    mention(plant, contract_for(sharer, "Servers"))
    incident = services.incident_create(
        actor=manager,
        title="Passports withheld",
        source="ngo",
        category="forced_labour",
        site=plant,
        confidentiality="shared",
        scale=4,
        scope=3,
        irremediability=3,
        reporter_name="A. Worker",
        reporter_contact="+60 12 345 6789",
    )
    return {
        "owner": owner,
        "manager": manager,
        "sharer": sharer,
        "sharer_manager": sharer_manager,
        "plant": plant,
        "contract": contract,
        "incident": incident,
    }


def add_step(case, days=30, **values):
    values.setdefault("action", "Return every passport")
    values.setdefault("responsible", "Site manager")
    values.setdefault("evidence", "Signed statements of the workers' committee")
    return services.step_add(
        actor=case["manager"],
        incident=case["incident"],
        contract=case["contract"],
        deadline=TODAY + dt.timedelta(days=days),
        **values,
    )


# -- the register ------------------------------------------------------------------------------------------------


def test_the_register_lists_the_incident_with_its_severity_and_status(case):
    page = client_for(case["manager"]).get(reverse("incidents:register"))

    assert page.status_code == 200
    body = page.content.decode()
    assert "Passports withheld" in body
    assert "Critical" in body and "Received" in body


def test_the_register_filters_by_status_category_country_and_exposure(case):
    client = client_for(case["manager"])
    url = reverse("incidents:register")

    assert "Passports withheld" in client.get(url, {"status": "received", "country": "MYS"}).content.decode()
    assert "Passports withheld" not in client.get(url, {"status": "closed"}).content.decode()
    assert "Passports withheld" not in client.get(url, {"category": "child_labour"}).content.decode()
    assert "Passports withheld" in client.get(url, {"exposure": "exposed"}).content.decode()
    # the sharing buyer sees it among those touching its contracts, not among those it recorded
    other = client_for(case["sharer_manager"])
    assert "Passports withheld" in other.get(url, {"exposure": "exposed"}).content.decode()
    assert "Passports withheld" not in other.get(url, {"exposure": "own"}).content.decode()


def test_an_unknown_filter_value_is_left_out_with_a_note(case):
    page = client_for(case["manager"]).get(reverse("incidents:register"), {"status": "lost"})

    assert page.status_code == 200
    assert "The list is shown without it" in page.content.decode()


def _bulk_incidents(organisation, n):
    Incident.objects.bulk_create(
        [
            Incident(organisation=organisation, title=f"Finding {i}", source="audit", country_iso3="MYS")
            for i in range(n)
        ]
    )


def _register_queries(user) -> int:
    client = client_for(user)
    client.get(reverse("incidents:register"))  # sessions and caches warmed
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("incidents:register"), {"country": "MYS", "page": "2"})
    assert page.status_code == 200
    return len(queries)


def test_the_registers_query_count_does_not_grow_with_its_rows(db):
    small_org, small = buyer_org("Small Town")
    large_org, large = buyer_org("Large City")
    _bulk_incidents(small_org, 30)
    _bulk_incidents(large_org, 1000)

    assert _register_queries(small) == _register_queries(large)


# -- the incident page and the walls -----------------------------------------------------------------------------


def test_the_incident_page_shows_severity_reasons_exposure_and_the_reporter_to_the_owner(case):
    page = client_for(case["manager"]).get(case["incident"].get_absolute_url())

    body = page.content.decode()
    assert page.status_code == 200
    assert "a grave harm to a large part of the workforce or community is critical" in body
    assert "Notebooks 2027" in body  # its own exposed contract, by name
    assert "1 other organisation of this installation depends on it" in body
    assert "Servers" not in body  # the other's contract: counted, never named
    assert "A. Worker" in body and "+60 12 345 6789" in body
    assert 'id="transition-form"' in body


def test_an_exposed_buyer_sees_its_own_contract_and_never_the_reporter(case):
    page = client_for(case["sharer_manager"]).get(case["incident"].get_absolute_url())

    body = page.content.decode()
    assert page.status_code == 200
    assert "Servers" in body and "Notebooks 2027" not in body
    assert "A. Worker" not in body and "+60 12" not in body
    assert "Who reported it is seen only by the organisation that recorded it." in body
    assert 'id="transition-form"' not in body


@pytest.mark.parametrize("role", ROLES)
def test_a_need_to_know_incident_is_not_found_outside_its_audience_for_every_role(case, role):
    incident = case["incident"]
    services.incident_update(actor=case["manager"], incident=incident, confidentiality="owner_only")
    outsider_org, _ = buyer_org("Faraway Village")
    for organisation in (case["sharer"], outsider_org):
        user = UserFactory(organisation=organisation, role=role)
        client = client_for(user)
        for url in (
            incident.get_absolute_url(),
            reverse("incidents:edit", args=[incident.public_id]),
            reverse("incidents:document", args=[incident.public_id]),
        ):
            assert client.get(url).status_code == 404, (role, organisation, url)
        assert client.post(reverse("incidents:transition", args=[incident.public_id])).status_code == 404
        assert "Passports withheld" not in client.get(reverse("incidents:register")).content.decode()


def test_a_viewer_reads_but_cannot_write(case):
    viewer = UserFactory(organisation=case["owner"], role=User.Role.VIEWER)
    client = client_for(viewer)
    incident = case["incident"]

    assert client.get(incident.get_absolute_url()).status_code == 200
    assert client.get(reverse("incidents:create")).status_code == 403
    assert client.get(reverse("incidents:edit", args=[incident.public_id])).status_code == 403
    moved = client.post(reverse("incidents:transition", args=[incident.public_id]), {"status": "verifying"})
    assert moved.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "received"


def test_a_post_without_the_csrf_token_is_refused(case):
    client = Client(enforce_csrf_checks=True)
    client.force_login(case["manager"])
    incident = case["incident"]

    answer = client.post(reverse("incidents:transition", args=[incident.public_id]), {"status": "verifying"})

    assert answer.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "received"


def test_a_transition_moves_the_status_and_a_refused_one_says_why_beside_the_field(case):
    client = client_for(case["manager"])
    url = reverse("incidents:transition", args=[case["incident"].public_id])

    refused = client.post(url, {"status": "closed_forever", "note": "my typing"})
    assert refused.status_code == 400
    assert "my typing" in refused.content.decode()
    moved = client.post(
        url, {"status": "verifying", "note": "Called the NGO", "public_note": "We are checking."}
    )
    assert moved.status_code == 302
    case["incident"].refresh_from_db()
    assert case["incident"].status == "verifying"


def test_the_create_form_keeps_what_was_typed_with_the_error_beside_the_field(case):
    client = client_for(case["manager"])

    page = client.post(
        reverse("incidents:create"),
        {
            "title": "Unpaid wages",
            "source": "media",
            "source_url": "not a link",
            "confidentiality": "owner_only",
        },
    )

    body = page.content.decode()
    assert page.status_code == 400
    assert 'value="Unpaid wages"' in body
    assert "enter a web address starting with http:// or https://" in body
    assert not Incident.objects.filter(title="Unpaid wages").exists()


def test_a_writer_records_an_incident_about_a_site_pasted_from_the_registry(case):
    client = client_for(case["manager"])

    page = client.post(
        reverse("incidents:create"),
        {
            "title": "Blocked fire exits",
            "source": "audit",
            "site": "http://testserver" + case["plant"].get_absolute_url(),
            "confidentiality": "owner_only",
            "category": "occupational_health_safety",
            "occurred_on": "2026-11-02",
        },
    )

    assert page.status_code == 302
    incident = Incident.objects.get(title="Blocked fire exits")
    assert incident.site == case["plant"] and incident.country_iso3 == "MYS"


def test_a_stale_save_is_refused_and_keeps_the_typing(case):
    client = client_for(case["manager"])
    incident = case["incident"]
    opened = incident.updated_at.isoformat()
    services.incident_update(actor=case["manager"], incident=incident, title="Passports withheld (confirmed)")

    page = client.post(
        reverse("incidents:edit", args=[incident.public_id]),
        {"title": "My new title", "source": "ngo", "confidentiality": "shared", "seen": opened},
    )

    assert page.status_code == 400
    assert "Someone else changed this incident after you opened it" in page.content.decode()
    assert 'value="My new title"' in page.content.decode()
    incident.refresh_from_db()
    assert incident.title == "Passports withheld (confirmed)"


# -- the remediation plan ----------------------------------------------------------------------------------------


def test_a_writer_adds_a_step_and_a_refused_one_keeps_the_typing(case):
    client = client_for(case["manager"])
    url = reverse("incidents:step_add", args=[case["incident"].public_id])

    refused = client.post(url, {"action": "Return every passport", "responsible": "", "deadline": "soon"})
    assert refused.status_code == 400
    assert 'value="Return every passport"' in refused.content.decode()
    added = client.post(
        url,
        {
            "action": "Return every passport",
            "responsible": "Site manager",
            "deadline": (TODAY + dt.timedelta(days=20)).isoformat(),
            "contract": str(case["contract"].public_id),
        },
    )
    assert added.status_code == 302
    assert RemediationStep.objects.get().contract == case["contract"]


def test_a_step_is_verified_from_the_page(case):
    step = add_step(case)
    client = client_for(case["manager"])

    client.post(reverse("incidents:step_verify", args=[step.public_id]), {"note": "Statements checked"})

    step.refresh_from_db()
    assert step.verified_on == TODAY
    assert "Statements checked" in client.get(case["incident"].get_absolute_url()).content.decode()


# -- the supplier's progress through its contract link -----------------------------------------------------------


def test_the_supplier_reports_progress_on_a_step_through_its_contract_link(case):
    step = add_step(case)
    contract = case["contract"]
    supplier = Client()

    page = supplier.get(reverse("contracts:supplier", args=[contract.token]))
    assert "Return every passport" in page.content.decode()
    sent = supplier.post(
        reverse("incidents:supplier_progress", args=[contract.token, step.public_id]),
        {"text": "All 41 passports returned", "upload": SimpleUploadedFile("statements.txt", b"signed")},
    )

    assert sent.status_code == 302
    step.refresh_from_db()
    assert step.first_reported_on == TODAY
    assert step.progress.get().filename == "statements.txt"


def test_the_supplier_link_refuses_empty_progress_and_steps_of_other_contracts(case):
    step = add_step(case)
    contract = case["contract"]
    supplier = Client()
    url = reverse("incidents:supplier_progress", args=[contract.token, step.public_id])

    assert supplier.post(url, {"text": ""}).status_code == 400
    other = contract_for(case["owner"], "Printers")
    assert (
        supplier.post(
            reverse("incidents:supplier_progress", args=[other.token, step.public_id]), {"text": "done"}
        ).status_code
        == 404
    )


# -- dashboard, calendar feeds and notices -----------------------------------------------------------------------


def test_the_dashboard_shows_an_overdue_step_linking_to_the_incident(case):
    step = add_step(case, days=5)
    RemediationStep.objects.filter(pk=step.pk).update(deadline=TODAY - dt.timedelta(days=3))

    page = client_for(case["manager"]).get(reverse("contracts:dashboard"))

    body = page.content.decode()
    assert "1 corrective action overdue" in body
    assert step.get_absolute_url() in body


def _dashboard_queries(user) -> int:
    client = client_for(user)
    client.get(reverse("contracts:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("contracts:dashboard")).status_code == 200
    return len(queries)


def _overdue(case, n):
    for i in range(n):
        add_step(case, days=5, action=f"Action {i}")
    RemediationStep.objects.update(deadline=TODAY - dt.timedelta(days=3))


def test_the_dashboards_query_count_does_not_grow_with_overdue_steps(case):
    _overdue(case, 10)  # a full list of the first few: the count is asked from here on
    few = _dashboard_queries(case["manager"])
    _overdue(case, 100)

    assert _dashboard_queries(case["manager"]) == few


def test_a_step_is_an_event_of_the_feeds_and_its_change_gives_a_new_etag(case):
    step = add_step(case, action="Return every passport; pay the fees")
    client = client_for(case["manager"])
    url = reverse("contracts:contract_calendar", args=[case["contract"].public_id])

    first = client.get(url)
    body = b"".join(first.streaming_content if first.streaming else [first.content]).decode()
    assert f"UID:step-{step.public_id}@hrdd" in body
    assert "Return every passport\\; pay the fees" in body
    assert "BEGIN:VALARM" in body.split(f"UID:step-{step.public_id}@hrdd")[1]
    organisation_feed = client.get(reverse("contracts:calendar"))
    assert (
        f"step-{step.public_id}"
        in b"".join(
            organisation_feed.streaming_content
            if organisation_feed.streaming
            else [organisation_feed.content]
        ).decode()
    )

    services.step_update(actor=case["manager"], step=step, deadline=TODAY + dt.timedelta(days=45))

    second = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]


def test_notices_show_on_the_landing_pages_and_are_marked_read(case):
    notice = Notice.objects.filter(user=case["sharer_manager"]).get()
    client = client_for(case["sharer_manager"])

    dashboard = client.get(reverse("contracts:dashboard")).content.decode()
    assert "Incidents touching your contracts" in dashboard and "Passports withheld" in dashboard
    client.post(reverse("incidents:notice_read", args=[notice.public_id]), {"next": "/contracts/"})

    notice.refresh_from_db()
    assert notice.read_at is not None
    admin = UserFactory(organisation=case["sharer"], role=User.Role.ADMIN)  # told too: on the overview
    services.incident_notify(case["incident"])
    assert "Passports withheld" in client_for(admin).get(reverse("overview")).content.decode()


# -- channels and sharing ----------------------------------------------------------------------------------------


def test_only_an_administrator_changes_the_sharing(case):
    client = client_for(case["manager"])  # a contract manager
    assert client.post(reverse("incidents:sharing"), {"share": "no"}).status_code == 403
    admin = UserFactory(organisation=case["sharer"], role=User.Role.ADMIN)
    assert client_for(admin).post(reverse("incidents:sharing"), {"share": "no"}).status_code == 302
    assert (
        not case["sharer"]
        .__class__.objects.filter(pk=case["sharer"].pk, exposure_sharing__isnull=False)
        .exists()
    )


# -- the public grievance form and receipt page ------------------------------------------------------------------


@pytest.fixture
def channel(case):
    return services.grievance_channel_create(
        actor=case["manager"], slug="owner-city", title="Tell Owner City"
    )


def _form(client, channel, key=None):
    page = client.get(reverse("incidents:grievance", args=[key or channel.slug]))
    assert page.status_code == 200
    return re.search(r'name="stamp" value="([^"]+)"', page.content.decode()).group(1)


def _old_stamp():
    return services.intake_form_stamp(timezone.now() - dt.timedelta(minutes=2))


def test_a_grievance_is_sent_without_an_account_and_its_code_is_shown_once(channel):
    client = Client()
    _form(client, channel)

    sent = client.post(
        reverse("incidents:grievance", args=[channel.token]),
        {"description": "Our passports are kept", "language": "ms", "stamp": _old_stamp(), "website": ""},
    )

    assert sent.status_code == 302
    shown = client.get(sent["Location"]).content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', shown).group(1)
    assert "shown only this once" in shown
    assert "receipt-code" not in client.get(sent["Location"]).content.decode()
    incident = Incident.objects.get(channel=channel)
    assert incident.language == "ms" and incident.status == "received"
    status = client.post(reverse("incidents:receipt"), {"code": code.lower()})
    assert status.status_code == 200
    body = status.content.decode()
    assert "Received" in body
    assert "Our passports" not in body and "Owner City" not in body


def test_an_unknown_receipt_code_is_not_found(channel):
    page = Client().post(reverse("incidents:receipt"), {"code": "0000-0000-0000-0000-0000"})

    assert page.status_code == 404
    assert "No report has this code" in page.content.decode()


def test_the_honeypot_and_a_form_sent_too_fast_are_refused_keeping_the_typing(channel):
    client = Client()
    stamp = _form(client, channel)
    url = reverse("incidents:grievance", args=[channel.slug])

    trapped = client.post(url, {"description": "spam text", "stamp": _old_stamp(), "website": "http://x"})
    fast = client.post(url, {"description": "quick text", "stamp": stamp, "website": ""})

    assert trapped.status_code == 400 and fast.status_code == 400
    assert "quick text" in fast.content.decode()
    assert "sent too quickly" in fast.content.decode()
    assert not Incident.objects.filter(channel=channel).exists()


def test_the_rate_limit_answers_429_and_keeps_the_typing(channel, settings):
    settings.HRDD_GRIEVANCE_LIMITS = {"grievance_per_client": (1, 3600)}
    client = Client()
    url = reverse("incidents:grievance", args=[channel.slug])
    first = client.post(url, {"description": "first report", "stamp": _old_stamp()})
    assert first.status_code == 302

    second = client.post(url, {"description": "second report", "stamp": _old_stamp()})

    assert second.status_code == 429
    assert "second report" in second.content.decode()
    assert "Too many attempts" in second.content.decode()


def test_a_closed_channel_and_an_unknown_address_are_not_found(channel, case):
    services.grievance_channel_update(actor=case["manager"], channel=channel, is_open=False)

    assert Client().get(reverse("incidents:grievance", args=[channel.slug])).status_code == 404
    assert Client().get(reverse("incidents:grievance", args=["no-such-form"])).status_code == 404


def test_a_too_large_file_is_refused_beside_the_field(channel, settings):
    client = Client()
    big = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n" + b"0" * (services.GRIEVANCE_MAX_BYTES + 1))

    page = client.post(
        reverse("incidents:grievance", args=[channel.slug]),
        {"description": "with a file", "stamp": _old_stamp(), "document": big},
    )

    assert page.status_code == 400
    assert "with a file" in page.content.decode()
    assert not Incident.objects.filter(channel=channel).exists()


def test_the_channels_page_gives_the_public_address_and_when_the_secret_link_was_issued(channel, case):
    body = client_for(case["manager"]).get(reverse("incidents:settings")).content.decode()

    # the secret link itself is shown once, when issued (tests/app/test_grievance_links.py)
    assert f"/report/{channel.slug}/" in body and channel.token not in body
    assert f"issued on {timezone.localdate(channel.token_issued_at).isoformat()}" in body
