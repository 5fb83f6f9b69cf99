"""iCalendar feeds of obligations and information requests (one per contract, one per organisation, and each
user's secret address of the organisation's, which calendar programs subscribe to without a login), cheap to poll.

A calendar program asks for a feed every few minutes. Each request first reads the feed's version: the
organisation's contracts version, one row that every change to what the feeds are written from moves
(hrdd.contracts.versions); a client that already holds that version (If-None-Match, or If-Modified-Since) gets
304 Not Modified and nothing else is read. Otherwise the body kept for that version is sent (CalendarBody,
gzip-compressed, sent as it is to a client that accepts gzip); for a new version it is written from one query of
plain values, without building an icalendar object per event (about 0.8 ms each), in the iCalendar text format
(RFC 5545) that icalendar reads back, and kept.

An event carries only what the version covers: the obligation's clause, title, reason and deadline, the day its
first submission was received, the contract's title and link and the supplier's name; a request for more
information is an event on the day its answer is due, with its question and, once answered, the day; an open
corrective action of an incident's remediation plan (hrdd.incidents: the organisation's, or those tied to the
contract) is an event on its deadline, with who acts, the evidence to deliver, when progress was first reported
and the incident's link (not its title, which the version does not cover). An event still awaited carries
reminders (VALARM) some days before. A feed is written in its reader's language (issue 16): the page's for a
download, the account's for a secret address (else the calendar program's); the language is part of the version.
Every TEXT value is escaped by icalendar's vText; the
calendar's name is marked VALUE=TEXT so that readers which do not know X-WR-CALNAME unescape it too. DTSTAMP is
the feed's last change, not the time of the request, so that the same version is the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from icalendar import vText

from hrdd.contracts.models import CalendarBody, CalendarFeed, Contract, InformationRequest, Obligation
from hrdd.contracts.versions import contracts_version
from hrdd.core.downloads import attachment
from hrdd.core.errors import NotFound
from hrdd.core.languages import active_language, shipped
from hrdd.core.links import base_url
from hrdd.core.linktokens import lookup_digest
from hrdd.core.texts import localize
from hrdd.domain.contracts import obligation_reason

# Part of every version: changing how events are written changes every feed's ETag.
FEED_FORMAT = "hrdd-obligations-4"
PRODID = "-//hrdd//contract obligations//EN"
# Reminders on each event still awaited: this many days before its date (at midnight, as the event is all-day).
ALARM_DAYS_BEFORE = (7, 1)
# A client that takes a gzip-compressed body (as Django's GZipMiddleware reads Accept-Encoding).
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# How often a subscribed calendar program should fetch the feed again (RFC 7986 REFRESH-INTERVAL).
REFRESH_INTERVAL = "PT1H"
REQUEST_FIELDS = (
    "pk",
    "question",
    "asked_on",
    "due_on",
    "answered_on",
    "obligation__clause",
    "obligation__title",
    "obligation__contract__public_id",
    "obligation__contract__title",
    "obligation__contract__supplier__legal_name",
)
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

# The values a corrective action's event is written from (hrdd.incidents.models.RemediationStep).
STEP_FIELDS = (
    "public_id",
    "action",
    "responsible",
    "deadline",
    "evidence",
    "first_reported_on",
    "incident__public_id",
    "contract__title",
    "contract__supplier__legal_name",
    # the incident's title, named only where the step's organisation may read it (its own incident, or one shared
    # beyond its owner); a rename moves the contracts version (hrdd.incidents.services.incident_update)
    "incident__title",
    "incident__organisation_id",
    "incident__confidentiality",
    "organisation_id",
)


@dataclass(frozen=True)
class FeedVersion:
    """What a client compares: the ETag (everything the feed is written from) and when it last changed."""

    etag: str
    last_modified: dt.datetime | None


def organisation_obligations(organisation_id: int) -> QuerySet[Obligation]:
    """The obligations of every contract of the organisation (the organisation's feed)."""
    return Obligation.objects.filter(contract__organisation_id=organisation_id)


def feed_by_token(token: str) -> CalendarFeed:
    """The live calendar address behind a token, of a user still active in its organisation, or NotFound."""
    digest = lookup_digest(token)
    if digest is None:
        raise NotFound("calendar")
    feed = (
        CalendarFeed.objects.select_related("organisation", "user")
        .filter(
            token_hash=digest,
            revoked_at__isnull=True,
            user__is_active=True,
            user__memberships__organisation_id=models.F("organisation_id"),
            user__memberships__is_active=True,
        )
        .first()
    )
    if feed is None:
        raise NotFound("calendar")
    feed.opened_with(token.strip())
    return feed


def contract_for_feed(*, user: Any, public_id: uuid.UUID | str) -> Contract:
    """The contract the user may see, with what its feed names (one query), or NotFound."""
    contract: Contract = (
        Contract.objects.select_related("supplier")
        .only("pk", "public_id", "title", "organisation_id", "supplier__legal_name")
        .get_visible(user, public_id=public_id)
    )
    return contract


def feed_language(preferred: str = "") -> str:
    """The language a feed is written in: `preferred` (a secret address's account language) when hrdd ships it,
    else the one active (the page's, or the calendar program's Accept-Language), else the site's default."""
    return shipped(preferred) or active_language() or settings.LANGUAGE_CODE


def feed_version(organisation_id: int, *, name: str, base_url: str, language: str = "en") -> FeedVersion:
    """The feed's version: the organisation's contracts version (one row, whatever the number of contracts:
    hrdd.contracts.versions), the calendar's name and links, the format of its events and their language."""
    version = contracts_version(organisation_id)
    fingerprint = repr((FEED_FORMAT, name, base_url, organisation_id, version.number, language))
    digest = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]
    return FeedVersion(etag=quote_etag(digest), last_modified=version.changed_at)


def feed_response(
    request: HttpRequest,
    obligations: QuerySet[Obligation],
    *,
    organisation_id: int,
    contract_id: int | None = None,
    name: str,
    filename: str,
    language: str = "",
) -> HttpResponse:
    """The feed as a download, or 304 Not Modified when the client holds its version already (one query).
    `obligations` are the organisation's, or those of the contract `contract_id`. The body written for a version is
    kept (CalendarBody) and sent again, compressed when the client accepts gzip, until the version moves. It is
    written in `language`, else the active one (`feed_language`)."""
    base = base_url()
    language = feed_language(language)
    version = feed_version(organisation_id, name=name, base_url=base, language=language)
    modified = int(version.last_modified.timestamp()) if version.last_modified else None
    # private: behind a login; no-cache: a cache may keep it but asks again (cheaply) before each use
    headers = {
        "ETag": version.etag,
        "Cache-Control": "private, no-cache",
        "Vary": "Accept-Encoding, Accept-Language, Cookie",
        "Content-Language": language,
    }
    if modified is not None:
        headers["Last-Modified"] = http_date(modified)
    response = get_conditional_response(request, etag=version.etag, last_modified=modified)
    if response is None:
        compressed = _stored_body(organisation_id, contract_id, version.etag)
        if compressed is None:
            with translation.override(language):
                body = obligations_calendar(
                    obligations,
                    name=name,
                    base_url=base,
                    stamp=version.last_modified,
                    steps=open_steps(organisation_id, contract_id),
                )
            compressed = _store_body(organisation_id, contract_id, version.etag, body)
        if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
            response = attachment(compressed, filename)
            response["Content-Encoding"] = "gzip"
        else:
            response = attachment(gzip.decompress(compressed), filename)
    for header, value in headers.items():
        response[header] = value
    return response


def _stored_body(organisation_id: int, contract_id: int | None, etag: str) -> bytes | None:
    found = (
        CalendarBody.objects.filter(organisation_id=organisation_id, contract_id=contract_id, etag=etag)
        .values_list("body", flat=True)
        .first()
    )
    return bytes(found) if found is not None else None


def _store_body(organisation_id: int, contract_id: int | None, etag: str, body: bytes) -> bytes:
    """Keep the feed written for this version, compressed; return the compressed bytes. Two requests writing the
    same version at once both answer; one of their rows is kept."""
    compressed = gzip.compress(body, compresslevel=6, mtime=0)
    values = {"etag": etag, "body": compressed, "size": len(body)}
    try:
        with transaction.atomic():
            CalendarBody.objects.update_or_create(
                organisation_id=organisation_id, contract_id=contract_id, defaults=values
            )
    except IntegrityError:  # written meanwhile by a request for the same feed: theirs is as good
        pass
    return compressed


def open_steps(organisation_id: int, contract_id: int | None) -> QuerySet[Any]:
    """The open corrective actions a feed shows: the organisation's, or those tied to the contract."""
    from hrdd.incidents import selectors as incidents  # the incidents app reads contracts: imported here

    if contract_id is not None:
        return incidents.plan_steps_for_contracts([contract_id]).filter(verified_on=None)
    return incidents.steps_due_between(organisation_id, dt.date.min, dt.date.max)


def obligations_calendar(
    obligations: QuerySet[Obligation],
    *,
    name: str,
    base_url: str,
    stamp: dt.datetime | None = None,
    steps: QuerySet[Any] | None = None,
) -> bytes:
    """Return an .ics calendar with one all-day event per obligation deadline, in deadline order, one per
    request for more information on the day its answer is due, and one per open corrective action (`steps`) on
    its deadline; its texts in the active language."""
    stamp = stamp or dt.datetime.now(dt.UTC)
    rows = (
        obligations.order_by("due_date", "clause", "pk")
        .values_list(*EVENT_FIELDS)
        .annotate(received=Min("submissions__submitted_at"))
    )
    requests = (
        InformationRequest.objects.filter(obligation__in=obligations.order_by().values("pk"))
        .order_by("due_on", "pk")
        .values_list(*REQUEST_FIELDS)
    )
    step_rows = (
        steps.order_by("deadline", "pk").values_list(*STEP_FIELDS).iterator(chunk_size=2000)
        if steps is not None
        else iter(())
    )
    return b"".join(
        _calendar_lines(
            rows.iterator(chunk_size=2000),
            requests.iterator(chunk_size=2000),
            name,
            base_url,
            stamp,
            step_rows,
        )
    )


def _alarms(title: str) -> list[str]:
    lines = []
    for days in ALARM_DAYS_BEFORE:
        said = (
            _("%(title)s: due tomorrow") % {"title": title}
            if days == 1
            else _("%(title)s: due in %(days)s days") % {"title": title, "days": days}
        )
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"TRIGGER:-P{days}D",
            f"DESCRIPTION:{escape_text(said)}",
            "END:VALARM",
        ]
    return lines


def _calendar_lines(
    rows: Iterable[tuple[Any, ...]],
    requests: Iterable[tuple[Any, ...]],
    name: str,
    base_url: str,
    stamp: dt.datetime,
    steps: Iterable[tuple[Any, ...]] = (),
) -> Iterator[bytes]:
    dtstamp = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    yield from _lines(
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME;VALUE=TEXT:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH_INTERVAL}",
        f"X-PUBLISHED-TTL:{REFRESH_INTERVAL}",
    )
    links: dict[uuid.UUID, str] = {}

    def link_of(public_id: uuid.UUID) -> str:
        link = links.get(public_id)
        if link is None:
            link = links[public_id] = base_url + reverse("contracts:detail", args=[public_id])
        return link

    titles: dict[str, str] = {}  # a clause's title in the feed's language, looked up once

    def title_of(title: str) -> str:
        said = titles.get(title)
        if said is None:
            said = titles[title] = str(localize(title))
        return said

    for pk, clause, title, due, reason, public_id, contract_title, supplier, received in rows:
        link = link_of(public_id)
        description = f"{contract_title}: {localize(obligation_reason(reason))}. {link}"
        if received is not None:
            description += "\n" + _("Received on %(day)s.") % {
                "day": received.astimezone(dt.UTC).date().isoformat()
            }
        summary = f"{clause} {title_of(title)} — {supplier}"
        yield from _lines(
            "BEGIN:VEVENT",
            f"UID:obligation-{pk}-{public_id}@hrdd",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{link}",
            "TRANSP:TRANSPARENT",
            *(_alarms(summary) if received is None else ()),
            "END:VEVENT",
        )
    for (
        pk,
        question,
        asked,
        due,
        answered,
        clause,
        title,
        public_id,
        contract_title,
        supplier,
    ) in requests:
        link = link_of(public_id)
        summary = _("Answer due: %(clause)s %(title)s — %(supplier)s") % {
            "clause": clause,
            "title": title_of(title),
            "supplier": supplier,
        }
        description = (
            _("%(contract)s: asked on %(day)s: %(question)s")
            % {"contract": contract_title, "day": asked.isoformat(), "question": question}
            + f"\n{link}"
        )
        if answered is not None:
            description += "\n" + _("Answered on %(day)s.") % {"day": answered.isoformat()}
        yield from _lines(
            "BEGIN:VEVENT",
            f"UID:request-{pk}-{public_id}@hrdd",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{link}",
            "TRANSP:TRANSPARENT",
            *(_alarms(summary) if answered is None else ()),
            "END:VEVENT",
        )
    incident_pages: dict[uuid.UUID, str] = {}
    for (
        public_id,
        action,
        responsible,
        due,
        evidence,
        reported,
        incident_id,
        contract_title,
        supplier,
        incident_title,
        incident_owner,
        confidentiality,
        step_organisation,
    ) in steps:
        page = incident_pages.get(incident_id)
        if page is None:
            page = incident_pages[incident_id] = base_url + reverse("incidents:detail", args=[incident_id])
        link = f"{page}#step-{public_id}"
        summary = _("Corrective action due: %(action)s — %(responsible)s") % {
            "action": action,
            "responsible": responsible,
        }
        if incident_owner == step_organisation or confidentiality != "owner_only":
            summary += f" ({incident_title})"
        description = (
            _("Evidence to deliver: %(evidence)s.") % {"evidence": evidence}
            if evidence
            else _("No evidence named.")
        )
        if contract_title:
            description += "\n" + _("Under contract %(contract)s (%(supplier)s).") % {
                "contract": contract_title,
                "supplier": supplier,
            }
        if reported is not None:
            description += "\n" + _("Progress first reported on %(day)s; not yet verified.") % {
                "day": reported.isoformat()
            }
        description += f"\n{link}"
        yield from _lines(
            "BEGIN:VEVENT",
            f"UID:step-{public_id}@hrdd",
            f"DTSTAMP:{dtstamp}",
            f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
            f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape_text(summary)}",
            f"DESCRIPTION:{escape_text(description)}",
            f"URL:{link}",
            "TRANSP:TRANSPARENT",
            *_alarms(summary),
            "END:VEVENT",
        )
    yield b"END:VCALENDAR\r\n"


def escape_text(value: str) -> str:
    """A TEXT value as RFC 5545 (3.3.11) writes it, by icalendar's vText: backslash, semicolon, comma and line
    breaks escaped (a carriage return with or without a line feed is one line break)."""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return vText(text).to_ical().decode()


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
