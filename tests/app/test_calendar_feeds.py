"""Each user's secret, revocable calendar address (issue 10): subscribed to without a login, renewed or stopped
from the dashboard (audited, never the secret), answering 404 once revoked or when its user left; information
requests in the feeds; reminders (VALARM) on what is still awaited; every text value escaped. The feeds are read
back with a second, independent parser (ics.py) besides icalendar."""

import datetime as dt

import ics
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from hrdd.accounts.models import Membership
from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import CalendarFeed
from hrdd.contracts.services import (
    calendar_feed_renew,
    calendar_feed_revoke,
    contract_create,
    information_request_answer,
    information_request_create,
    submission_create,
)
from hrdd.domain.contracts import add_months
from tests.html import document

TODAY = dt.date.today()
DASHBOARD = reverse("contracts:dashboard")
RENEW = reverse("contracts:feed_renew")
REVOKE = reverse("contracts:feed_revoke")


def contract(actor, *, title="Notebooks 2024-2027", supplier="Lumen Computers"):
    """A scenario 2 contract two years into its term: a first anniversary passed, a second 30 days ahead."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title=title,
        supplier_name=supplier,
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 24),
        scenario=2,
    )


def feed_url(feed):
    return reverse("contracts:feed", args=[feed.token])


def both_parsers(content):
    """The feed as icalendar reads it and as ics.py reads it."""
    return Calendar.from_ical(content), ics.Calendar(content.decode())


def first(record, clause):
    return record.obligations.filter(clause=clause).order_by("due_date").first()


# the address: created, shown, renewed, stopped


def test_the_dashboard_offers_a_calendar_link_and_shows_it_once_created(client, contract_manager, settings):
    # given
    client.force_login(contract_manager)
    before = document(client.get(DASHBOARD))

    # when
    created = client.post(RENEW, follow=True)

    # then
    assert before.by_id("calendar-feed-url") is None
    assert "Create my calendar link" in before.by_id("calendar-link").text
    feed = CalendarFeed.objects.get(user=contract_manager)
    link = settings.HRDD_BASE_URL.rstrip("/") + feed_url(feed)
    assert [str(m) for m in created.context["messages"]] == [
        f"Here is your calendar link: subscribe to it in your calendar program (shown only now): {link}"
    ]
    # shown once (issue 17): the dashboard says when it was made, not the link
    again = client.get(DASHBOARD).content.decode()
    assert feed_url(feed) not in again
    assert "calendar-feed-state" in again


def test_a_calendar_program_reads_the_feed_without_a_login(client, buyer, contract_manager):
    # given
    record = contract(buyer)
    feed = calendar_feed_renew(actor=contract_manager)

    # when: no session at all
    page = client.get(feed_url(feed))

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/calendar")
    icalendar_view, ics_view = both_parsers(page.content)
    assert str(icalendar_view["X-WR-CALNAME"]) == "Municipality of Testville"
    assert len(ics_view.events) == record.obligations.count()


def test_a_new_link_stops_the_old_one_and_both_are_audited_without_the_secret(client, contract_manager):
    # given
    client.force_login(contract_manager)
    client.post(RENEW)
    old = CalendarFeed.objects.get(user=contract_manager)
    client.logout()

    # when
    client.force_login(contract_manager)
    page = client.post(RENEW, follow=True)
    client.logout()

    # then
    new = CalendarFeed.objects.get(user=contract_manager, revoked_at__isnull=True)
    assert new.token != old.token
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    assert "the old one no longer works" in " ".join(str(m) for m in page.context["messages"])
    events = AuditEvent.objects.filter(action__startswith="calendar_feed.").order_by("pk")
    assert [e.action for e in events] == [
        "calendar_feed.create",
        "calendar_feed.revoke",
        "calendar_feed.create",
    ]
    assert all(old.token not in str(e.after) and new.token not in str(e.after) for e in events)
    assert events[2].after == {"replaces": old.pk}


def test_a_stopped_link_is_not_found(client, contract_manager):
    # given
    client.force_login(contract_manager)
    client.post(RENEW, follow=True)
    feed = CalendarFeed.objects.get(user=contract_manager)

    # when
    page = client.post(REVOKE, follow=True)

    # then
    assert [str(m) for m in page.context["messages"]] == ["Your calendar link no longer works."]
    assert document(page).by_id("calendar-feed-url") is None
    client.logout()
    assert client.get(feed_url(feed)).status_code == 404


def test_a_reader_gets_a_calendar_link_too(client, viewer):
    # given
    client.force_login(viewer)

    # when
    client.post(RENEW)

    # then
    assert CalendarFeed.objects.filter(user=viewer, revoked_at__isnull=True).count() == 1


def test_the_link_buttons_need_a_login_and_a_post(client, contract_manager):
    # when
    anonymous = client.post(RENEW)
    client.force_login(contract_manager)
    by_get = client.get(RENEW)

    # then
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert by_get.status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_link_stops_working_when_its_user_leaves_the_organisation_or_is_deactivated(
    client, contract_manager, viewer
):
    # given
    left = calendar_feed_renew(actor=contract_manager)
    deactivated = calendar_feed_renew(actor=viewer)

    # when
    Membership.objects.filter(user=contract_manager).update(is_active=False)
    viewer.is_active = False
    viewer.save()

    # then
    assert client.get(feed_url(left)).status_code == 404
    assert client.get(feed_url(deactivated)).status_code == 404


def test_an_unknown_token_is_not_found(client, db):
    assert client.get(reverse("contracts:feed", args=["no-such-token"])).status_code == 404


def test_the_feed_shows_only_its_organisations_contracts(client, buyer, outsider, contract_manager):
    # given
    ours = contract(buyer, title="Our notebooks")
    contract(outsider, title="Their notebooks", supplier="Their Supplier")
    feed = calendar_feed_renew(actor=contract_manager)

    # when
    page = client.get(feed_url(feed))

    # then
    text = page.content.decode()
    assert "Our notebooks" in text
    assert "Their notebooks" not in text and "Their Supplier" not in text
    assert len(ics.Calendar(text).events) == ours.obligations.count()


def test_a_subscribed_program_polling_an_unchanged_feed_gets_304_in_two_queries(
    client, buyer, contract_manager
):
    # given
    contract(buyer)
    feed = calendar_feed_renew(actor=contract_manager)
    first_answer = client.get(feed_url(feed))

    # when
    with CaptureQueriesContext(connection) as captured:
        again = client.get(feed_url(feed), HTTP_IF_NONE_MATCH=first_answer["ETag"])

    # then: the token, then the version
    assert again.status_code == 304
    assert again.content == b""
    assert len(captured.captured_queries) == 2


def test_renewing_a_link_needs_a_membership(client, contract_manager):
    # given
    Membership.objects.filter(user=contract_manager).delete()
    contract_manager.forget_roles()

    # when / then
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar_feed_renew(actor=contract_manager)
    with pytest.raises(PermissionDenied):
        calendar_feed_revoke(actor=contract_manager)


# what the feeds say


def test_information_requests_appear_in_the_feeds_on_the_day_their_answer_is_due(
    client, buyer, contract_manager
):
    # given
    record = contract(buyer)
    due_on = TODAY + dt.timedelta(days=10)
    asked = information_request_create(
        actor=buyer,
        obligation=first(record, "CC3"),
        question="Which smelters, and where?",
        due_on=due_on,
    )
    feed = calendar_feed_renew(actor=contract_manager)
    client.force_login(buyer)

    # when
    personal = client.get(feed_url(feed)).content
    of_contract = client.get(reverse("contracts:contract_calendar", args=[record.public_id])).content

    # then
    for content in (personal, of_contract):
        icalendar_view, ics_view = both_parsers(content)
        [request_event] = [e for e in icalendar_view.walk("VEVENT") if str(e["UID"]).startswith("request-")]
        assert str(request_event["UID"]) == f"request-{asked.pk}-{record.public_id}@hrdd"
        assert request_event.decoded("DTSTART") == due_on
        assert (
            str(request_event["SUMMARY"])
            == "Answer due: CC3 Reporting on mitigating actions — Lumen Computers"
        )
        assert "Which smelters, and where?" in str(request_event["DESCRIPTION"])
        [ics_request] = [e for e in ics_view.events if e.name.startswith("Answer due")]
        assert ics_request.begin.date() == due_on
        assert ics_request.all_day
        assert "Which smelters, and where?" in ics_request.description


def test_an_answer_makes_a_new_version_that_says_so_and_drops_the_reminders(client, buyer, contract_manager):
    # given
    record = contract(buyer)
    asked = information_request_create(
        actor=buyer, obligation=first(record, "CC3"), question="Which?", due_on=TODAY + dt.timedelta(days=5)
    )
    feed = calendar_feed_renew(actor=contract_manager)
    before = client.get(feed_url(feed))

    # when
    information_request_answer(request=asked, answer="Smelter A in Malaysia.")
    after = client.get(feed_url(feed), HTTP_IF_NONE_MATCH=before["ETag"])

    # then
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    [event] = [e for e in ics.Calendar(after.content.decode()).events if e.name.startswith("Answer due")]
    assert f"Answered on {TODAY.isoformat()}." in event.description
    assert event.alarms == []


def test_events_still_awaited_carry_reminders_a_week_and_a_day_before(client, buyer, contract_manager):
    # given: the first CC2 received, the rest awaited
    record = contract(buyer)
    received = first(record, "CC2")
    submission_create(
        obligation=received,
        data={},
        upload=SimpleUploadedFile("sites.csv", b"name,address,country\nAssembly One,1 Road,CHN\n"),
    )
    feed = calendar_feed_renew(actor=contract_manager)

    # when
    icalendar_view, ics_view = both_parsers(client.get(feed_url(feed)).content)

    # then
    for event in icalendar_view.walk("VEVENT"):
        alarms = event.walk("VALARM")
        if str(event["UID"]).startswith(f"obligation-{received.pk}-"):
            assert alarms == []
            continue
        assert [a.decoded("TRIGGER") for a in alarms] == [dt.timedelta(days=-7), dt.timedelta(days=-1)]
        assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
        assert str(alarms[0]["DESCRIPTION"]).endswith(": due in 7 days")
    awaited = [e for e in ics_view.events if e.alarms]
    assert len(awaited) == record.obligations.count() - 1
    assert {tuple(sorted(a.trigger for a in e.alarms)) for e in awaited} == {
        (dt.timedelta(days=-7), dt.timedelta(days=-1))
    }


def test_every_text_value_is_escaped_so_both_parsers_read_the_names_back(client, buyer, contract_manager):
    # given: names with the characters iCalendar escapes
    municipality = contract_manager.organisation
    municipality.name = "Gemeente Utrecht, inkoop; ICT \\ diensten"
    municipality.save()
    supplier = "Łódź Electronics; Kraków, Poland"
    title = "Notebooks, lot 2; schools\nand libraries"
    record = contract(buyer, title=title, supplier=supplier)
    information_request_create(
        actor=buyer,
        obligation=first(record, "CC3"),
        question="Name, address; country?",
        due_on=TODAY + dt.timedelta(days=3),
    )
    feed = calendar_feed_renew(actor=contract_manager)

    # when
    content = client.get(feed_url(feed)).content
    icalendar_view, ics_view = both_parsers(content)

    # then: the calendar's name, as icalendar and as ics.py read it
    assert str(icalendar_view["X-WR-CALNAME"]) == "Gemeente Utrecht, inkoop; ICT \\ diensten"
    [name_line] = [line for line in ics_view.extra if line.name == "X-WR-CALNAME"]
    assert name_line.params == {"VALUE": ["TEXT"]}
    assert content.count(b"X-WR-CALNAME;VALUE=TEXT:Gemeente Utrecht\\, inkoop\\; ICT \\\\ diensten\r\n") == 1
    # every event's summary and description, as both read them
    summaries = sorted(e.name for e in ics_view.events)
    assert summaries == sorted(str(e["SUMMARY"]) for e in icalendar_view.walk("VEVENT"))
    assert all(s.endswith(f"— {supplier}") for s in summaries)
    descriptions = [e.description for e in ics_view.events]
    assert all(d.startswith(f"{title}: ") for d in descriptions)
    assert any("Name, address; country?" in d for d in descriptions)
    assert max(len(line) for line in content.split(b"\r\n")) <= 75


def test_the_feeds_tell_calendar_programs_how_often_to_fetch_them(client, buyer, contract_manager):
    # given
    contract(buyer)
    feed = calendar_feed_renew(actor=contract_manager)

    # when
    icalendar_view, _ = both_parsers(client.get(feed_url(feed)).content)

    # then
    assert icalendar_view.decoded("REFRESH-INTERVAL") == dt.timedelta(hours=1)
    assert str(icalendar_view["METHOD"]) == "PUBLISH"
