"""iCalendar feeds of obligations (one per contract, one per organisation), cheap to poll.

A calendar program asks for a feed every few minutes. Each request first computes the feed's version in one SQL
query (how many obligations, the newest, what was received, when contracts, suppliers and submissions last
changed); a client that already holds that version (If-None-Match, or If-Modified-Since) gets 304 Not Modified
and nothing else is read. Otherwise the body is written from one query of plain values, without building an
icalendar object per event (about 0.8 ms each), in the iCalendar text format (RFC 5545) that icalendar reads back.

An event carries only what the version covers: the obligation's clause, title, reason and deadline, the day its
first submission was received, the contract's title and link and the supplier's name. DTSTAMP is the feed's last change, not the time of the request, so that the same version is the
same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Min, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag

from hrdd.contracts.models import Contract, Obligation
from hrdd.core.downloads import attachment
from hrdd.core.links import base_url

# Part of every version: changing how events are written changes every feed's ETag.
FEED_FORMAT = "hrdd-obligations-2"
PRODID = "-//hrdd//contract obligations//EN"
# The values an event is written from, read in one query (no model instances), and when its first submission
# arrived (read from the submissions themselves, which the version counts).
EVENT_FIELDS = (
    "pk",
    "clause",
    "title",
    "due_date",
    "reason",
    "contract__public_id",
    "contract__title",
    "contract__supplier__legal_name",
)


@dataclass(frozen=True)
class FeedVersion:
    """What a client compares: the ETag (everything the feed is written from) and when it last changed."""

    etag: str
    last_modified: dt.datetime | None


def organisation_obligations(organisation_id: int) -> QuerySet[Obligation]:
    """The obligations of every contract of the organisation (the organisation's feed)."""
    return Obligation.objects.filter(contract__organisation_id=organisation_id)


def contract_for_feed(*, user: Any, public_id: uuid.UUID | str) -> Contract:
    """The contract the user may see, with what its feed names (one query), or NotFound."""
    contract: Contract = (
        Contract.objects.select_related("supplier")
        .only("pk", "public_id", "title", "organisation_id", "supplier__legal_name")
        .get_visible(user, public_id=public_id)
    )
    return contract


def feed_version(obligations: QuerySet[Obligation], *, name: str, base_url: str) -> FeedVersion:
    """The feed's version, from one aggregate query over its obligations, their submissions, contracts and
    suppliers (read from indexes and the small tables, not from every obligation's row): it changes when an
    obligation or a submission is added or removed, a contract is added, a supplier is renamed or replaced, or
    the calendar's name or links change."""
    row = obligations.order_by().aggregate(
        rows=Count("pk"),  # obligations, times their submissions
        last_obligation=Max("pk"),
        submission_rows=Count("submissions__pk"),
        last_submission=Max("submissions__pk"),
        suppliers=Sum("contract__supplier_id"),  # changes when a contract's supplier does
        contract_added=Max("contract__created_at"),
        supplier_changed=Max("contract__supplier__updated_at"),
        submission_added=Max("submissions__submitted_at"),
    )
    changes = [row["contract_added"], row["supplier_changed"], row["submission_added"]]
    last_modified = max((c for c in changes if c is not None), default=None)
    fingerprint = repr((FEED_FORMAT, name, base_url, sorted(row.items())))
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    return FeedVersion(etag=quote_etag(digest), last_modified=last_modified)


def feed_response(
    request: HttpRequest, obligations: QuerySet[Obligation], *, name: str, filename: str
) -> HttpResponse:
    """The feed as a download, or 304 Not Modified when the client holds its version already (one query)."""
    base = base_url()
    version = feed_version(obligations, name=name, base_url=base)
    modified = int(version.last_modified.timestamp()) if version.last_modified else None
    # private: behind a login; no-cache: a cache may keep it but asks again (cheaply) before each use
    headers = {"ETag": version.etag, "Cache-Control": "private, no-cache"}
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    response = get_conditional_response(request, etag=version.etag, last_modified=modified)
    if response is None:
        body = obligations_calendar(obligations, name=name, base_url=base, stamp=version.last_modified)
        response = attachment(body, filename)
    for header, value in headers.items():
        response[header] = value
    return response


def obligations_calendar(
    obligations: QuerySet[Obligation], *, name: str, base_url: str, stamp: dt.datetime | None = None
) -> bytes:
    """Return an .ics calendar with one all-day event per obligation deadline, in deadline order."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    rows = (
        obligations.order_by("due_date", "clause", "pk")
        .values_list(*EVENT_FIELDS)
        .annotate(received=Min("submissions__submitted_at"))
    )
    return b"".join(_calendar_lines(rows.iterator(chunk_size=2000), name, base_url, stamp))


def _calendar_lines(
    rows: Iterable[tuple[Any, ...]], name: str, base_url: str, stamp: dt.datetime
) -> Iterator[bytes]:
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    yield from _lines(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    )
    links: dict[uuid.UUID, str] = {}
    for pk, clause, title, due, reason, public_id, contract_title, supplier, received in rows:
        link = links.get(public_id)
        if link is None:
            link = links[public_id] = base_url + reverse("contracts:detail", args=[public_id])
        description = f"{contract_title}: {reason}. {link}"
        if received is not None:
            description += f"\nReceived on {received.astimezone(dt.UTC).date().isoformat()}."
        yield from _lines(
            "BEGIN:VEVENT",
            f"UID:obligation-{pk}-{public_id}@hrdd",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(f'{clause} {title} — {supplier}')}",
            f"DESCRIPTION:{escape_text(description)}",
            "END:VEVENT",
        )
    yield b"END:VCALENDAR\r\n"


def escape_text(value: str) -> str:
    """A TEXT value as RFC 5545 (3.3.11) writes it: backslash, semicolon, comma and line breaks escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _lines(*lines: str) -> Iterator[bytes]:
    for line in lines:
        yield fold(line.encode()) + b"\r\n"


def fold(line: bytes, limit: int = 75) -> bytes:
    """Fold a content line (UTF-8) into lines of at most `limit` octets (RFC 5545 3.1), never inside a
    character: a continuation line starts with one space."""
    if len(line) <= limit:
        return line
    parts = []
    start, room = 0, limit
    while len(line) - start > room:
        end = start + room
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the character began before `end`
            end -= 1
        parts.append(line[start:end])
        start, room = end, limit - 1
    parts.append(line[start:])
    return b"\r\n ".join(parts)
