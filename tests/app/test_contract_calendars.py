"""The calendar feeds a calendar program polls: valid iCalendar written without icalendar objects, a version
(ETag, Last-Modified) computed in one query, 304 Not Modified while nothing changed, and a new body once an
obligation, a submission or a supplier's name changes what the feed says."""

import datetime as dt
import gzip

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from hrdd.companies.services import company_update
from hrdd.contracts.calendars import escape_text, fold
from hrdd.contracts.services import contract_create, submission_create
from hrdd.domain.contracts import add_months

ORG_CALENDAR = reverse("contracts:calendar")
TODAY = dt.date.today()
SITES_CSV = (
    b"name,address,country,site_type,products\nAssembly One,1 Factory Road,CHN,final assembly,notebooks\n"
)


@pytest.fixture
def logged_in(client, contract_manager):
    client.force_login(contract_manager)
    return client


def contract(actor, *, title="Notebooks 2024-2027", supplier="Lumen Computers"):
    """A contract two years into its term: a first anniversary passed (CC2 due), a second ahead."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title=title,
        supplier_name=supplier,
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 30),
        scenario=2,
    )


def contract_url(record):
    return reverse("contracts:contract_calendar", args=[record.public_id])


def events_of(page):
    return list(Calendar.from_ical(page.content).walk("VEVENT"))


def submit_sites(record):
    obligation = record.obligations.filter(clause="CC2").order_by("due_date").first()
    return submission_create(
        obligation=obligation,
        data={},
        upload=SimpleUploadedFile("sites.csv", SITES_CSV, content_type="text/csv"),
    )


# the format


def test_the_feed_is_valid_icalendar_whatever_the_names_hold(logged_in, buyer):
    # given: names with the characters iCalendar escapes, and a long non-ASCII title that must be folded
    supplier = "Łódź Electronics; Kraków, Poland \\ EU"
    title = "Ordinateurs portables « écoresponsables » pour les écoles, lot 2; " + "é" * 60
    record = contract(buyer, title=title, supplier=supplier)

    # when
    page = logged_in.get(contract_url(record))

    # then
    assert page.status_code == 200
    lines = page.content.split(b"\r\n")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-2] == b"END:VCALENDAR" and lines[-1] == b""
    assert max(len(line) for line in lines) <= 75
    calendar = Calendar.from_ical(page.content)
    # X-WR-CALNAME is TEXT (RFC 5545 3.8.8.2), escaped as such and marked VALUE=TEXT, so that icalendar, which
    # reads other X- properties back as written, unescapes it (issue 10: the name broke at a comma)
    assert str(calendar["X-WR-CALNAME"]) == f"{title} ({supplier})"
    assert f"X-WR-CALNAME;VALUE=TEXT:{escape_text(title)[:30]}".encode() in page.content
    events = list(calendar.walk("VEVENT"))
    assert len(events) == record.obligations.count()
    for event in events:
        assert str(event["SUMMARY"]).endswith(f" — {supplier}")
        assert str(event["DESCRIPTION"]).startswith(f"{title}: ")


def test_each_event_is_an_all_day_deadline_with_a_stable_uid_and_stamp(logged_in, buyer):
    # given
    record = contract(buyer)

    # when
    first, second = logged_in.get(contract_url(record)), logged_in.get(contract_url(record))

    # then: the same version is the same bytes (DTSTAMP is the feed's last change, not the request's time)
    assert first.content == second.content
    events = events_of(first)
    by_uid = {str(e["UID"]): e for e in events}
    for obligation in record.obligations.all():
        event = by_uid[f"obligation-{obligation.pk}-{record.public_id}@hrdd"]
        assert event.decoded("DTSTART") == obligation.due_date
        assert event.decoded("DTEND") == obligation.due_date + dt.timedelta(days=1)
        assert str(event["SUMMARY"]).startswith(f"{obligation.clause} {obligation.title}")
    assert {e.decoded("DTSTAMP") for e in events} == {record.created_at.replace(microsecond=0)}


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a, b; c", "a\\, b\\; c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines", "two\\nlines"),
        ("windows\r\nline", "windows\\nline"),
    ],
)
def test_text_values_are_escaped_as_rfc_5545_says(text, escaped):
    assert escape_text(text) == escaped


def test_a_long_line_is_folded_between_characters_never_inside_one():
    # given
    line = "SUMMARY:" + "ü" * 100

    # when
    folded = fold(line.encode())

    # then
    parts = folded.split(b"\r\n ")
    assert all(len(part) <= 75 for part in parts)
    assert "".join(p.decode() for p in parts) == line  # every part is whole UTF-8


# conditional GET


def test_the_feed_names_its_version(logged_in, buyer):
    # given
    contract(buyer)

    # when
    page = logged_in.get(ORG_CALENDAR)

    # then
    assert page.status_code == 200
    assert page["ETag"].startswith('"') and page["ETag"].endswith('"')
    assert page["Last-Modified"].endswith(" GMT")
    assert page["Cache-Control"] == "private, no-cache"


def test_a_client_holding_the_version_gets_304_and_no_body(logged_in, buyer):
    # given
    contract(buyer)
    held = logged_in.get(ORG_CALENDAR)

    # when
    by_etag = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": held["ETag"]})
    by_date = logged_in.get(ORG_CALENDAR, headers={"If-Modified-Since": held["Last-Modified"]})

    # then
    for page in (by_etag, by_date):
        assert page.status_code == 304
        assert page.content == b""
        assert page["ETag"] == held["ETag"]


def test_a_304_reads_one_query_after_the_login_whatever_the_feed_holds(logged_in, buyer):
    # given
    def queries_of_a_304():
        held = logged_in.get(ORG_CALENDAR)
        with CaptureQueriesContext(connection) as queries:
            page = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": held["ETag"]})
        assert page.status_code == 304
        return [q["sql"] for q in queries.captured_queries]

    contract(buyer)
    small = queries_of_a_304()
    for n in range(6):
        contract(buyer, title=f"Lot {n}", supplier=f"Supplier {n}")

    # when
    large = queries_of_a_304()

    # then
    assert len(large) == len(small)
    assert not any("contracts_obligation" in sql for sql in large)  # no obligation is read, not even counted
    assert sum("contracts_contractsversion" in sql for sql in large) == 1  # the organisation's version


def test_writing_the_feed_takes_the_same_queries_for_one_contract_or_many(logged_in, buyer):
    # given
    def queries_of_the_feed():
        with CaptureQueriesContext(connection) as queries:
            page = logged_in.get(ORG_CALENDAR)
        assert page.status_code == 200
        return len(queries.captured_queries)

    contract(buyer)
    queries_of_the_feed()  # the feed's stored body is made once; each new version replaces it
    contract(buyer, title="Lot 0", supplier="Supplier 0")
    one = queries_of_the_feed()
    for n in range(1, 7):
        contract(buyer, title=f"Lot {n}", supplier=f"Supplier {n}")

    # when / then
    assert queries_of_the_feed() == one


def test_a_feed_asked_again_in_full_is_sent_as_written_without_reading_an_obligation(logged_in, buyer):
    # given
    contract(buyer)
    written = logged_in.get(ORG_CALENDAR)

    # when
    with CaptureQueriesContext(connection) as queries:
        again = logged_in.get(ORG_CALENDAR)
    zipped = logged_in.get(ORG_CALENDAR, headers={"Accept-Encoding": "br, gzip, deflate"})

    # then
    assert again.content == written.content
    assert not any("contracts_obligation" in q["sql"] for q in queries.captured_queries)
    assert zipped["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == written.content
    assert "Content-Encoding" not in written


def test_a_new_version_writes_the_feed_again_and_each_contract_feed_is_its_own(logged_in, buyer):
    # given
    first = contract(buyer)
    organisation_feed = logged_in.get(ORG_CALENDAR)
    contract_feed = logged_in.get(contract_url(first))

    # when
    contract(buyer, title="Servers", supplier="Future Servers")
    organisation_again = logged_in.get(ORG_CALENDAR)
    contract_again = logged_in.get(contract_url(first))

    # then
    assert "Future Servers" in organisation_again.content.decode()
    assert "Future Servers" not in contract_again.content.decode()
    assert (
        len(events_of(contract_again))
        == len(events_of(contract_feed))
        < len(events_of(organisation_feed)) + 1
    )
    assert len(events_of(organisation_again)) > len(events_of(organisation_feed))


# the version follows the data


def test_a_new_contracts_obligations_make_a_new_version(logged_in, buyer):
    # given
    contract(buyer)
    held = logged_in.get(ORG_CALENDAR)

    # when
    added = contract(buyer, title="Servers", supplier="Future Servers")
    page = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": held["ETag"]})

    # then
    assert page.status_code == 200
    assert page["ETag"] != held["ETag"]
    assert len(events_of(page)) == len(events_of(held)) + added.obligations.count()
    assert "Future Servers" in page.content.decode()


def test_a_received_submission_makes_a_new_version_that_says_so(logged_in, buyer):
    # given
    record = contract(buyer)
    held = logged_in.get(contract_url(record))

    # when
    submit_sites(record)
    page = logged_in.get(contract_url(record), headers={"If-None-Match": held["ETag"]})

    # then
    assert page.status_code == 200
    assert page["ETag"] != held["ETag"]
    received = [e for e in events_of(page) if "Received on" in str(e["DESCRIPTION"])]
    assert [str(e["SUMMARY"])[:3] for e in received] == ["CC2"]
    assert f"Received on {TODAY.isoformat()}." in str(received[0]["DESCRIPTION"])


def test_a_renamed_supplier_makes_a_new_version(logged_in, buyer):
    # given
    record = contract(buyer)
    held = logged_in.get(ORG_CALENDAR)

    # when
    company_update(actor=buyer, company=record.supplier, legal_name="Lumen Computers B.V.")
    page = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": held["ETag"]})

    # then
    assert page.status_code == 200
    assert all(str(e["SUMMARY"]).endswith("— Lumen Computers B.V.") for e in events_of(page))


def test_another_organisations_new_contract_leaves_the_feed_as_it_was(logged_in, buyer, outsider):
    # given
    contract(buyer)
    held = logged_in.get(ORG_CALENDAR)

    # when
    contract(outsider, title="Their notebooks", supplier="Their Supplier")
    page = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": held["ETag"]})

    # then
    assert page.status_code == 304


def test_another_organisations_contract_feed_is_not_found_even_with_its_version(client, buyer, outsider):
    # given
    record = contract(buyer)
    client.force_login(buyer)
    held = client.get(contract_url(record))
    client.force_login(outsider)

    # when
    page = client.get(contract_url(record), headers={"If-None-Match": held["ETag"]})

    # then
    assert page.status_code == 404


def test_a_contract_renamed_or_archived_makes_a_new_version(logged_in, buyer):
    # given
    from hrdd.contracts.lifecycle import contract_archive, contract_update

    record = contract(buyer)
    held = logged_in.get(ORG_CALENDAR)

    # when
    contract_update(
        actor=buyer, contract=record, title="Notebooks, lot 2", supplier_email=record.supplier_email
    )
    renamed = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": held["ETag"]})
    contract_archive(actor=buyer, contract=record)
    archived = logged_in.get(ORG_CALENDAR, headers={"If-None-Match": renamed["ETag"]})

    # then
    assert renamed.status_code == 200
    assert all(str(e["DESCRIPTION"]).startswith("Notebooks, lot 2: ") for e in events_of(renamed))
    assert archived.status_code == 200
    assert archived["ETag"] != renamed["ETag"]
