"""The audit log's hash chain: each event carries the hash of the one before it (tamper evidence, issue 17).

An event's hash is SHA-256 over a canonical serialisation of its fields and the previous event's hash; the first
event's previous hash is GENESIS. The chain runs in `chain_position` order (1, 2, 3, ...).

Sealed after commit: a writer inserts its event without position or hashes and takes no lock for the chain, so
a transaction that writes audit events waits for nobody's audit write and cannot deadlock on the chain. Once it
commits, a sealer (hrdd.audit.sealing) chains the committed unsealed events onto the head in id order, in a short
transaction of its own under the chain's one lock (PostgreSQL: a transaction-level advisory lock; SQLite: its single
write lock). An event's position is therefore the order it was sealed in, not its id order: an event whose
transaction committed late comes after events with higher ids.

What the chain proves, and what not: a sealed event changed, removed or inserted in the middle breaks a link that
`chain_verify` names. Someone able to rewrite the table can also recompute every hash after the point they changed;
only a head hash kept elsewhere (`hrdd audit head`) shows that, since it then no longer appears in the chain. An
event is covered only once it is sealed: between its commit and its seal (normally milliseconds) only the
append-only triggers protect it, and one that stays unsealed is named by `hrdd audit verify`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections

GENESIS = "0" * 64
VERSION = 1  # of the canonical serialisation below
# the key of PostgreSQL's advisory lock on the chain: any 64-bit number no other code uses ("hrddaudt")
CHAIN_LOCK_KEY = 0x6872646461756474
HASHED_FIELDS = (
    "at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "target_type",
    "target_id",
    "before",
    "after",
)
_EXACT_INTEGER = 2**53


def _canonical_json(value: Any) -> Any:
    # PostgreSQL's jsonb keeps numbers as decimals: 1e16 comes back as 10000000000000000 and 10**300 as a float on
    # some paths. One form for each value whatever the database: integers that a float holds exactly as ints,
    # every other number as a float. (type() rather than isinstance: True is not the number 1 here.)
    kind = type(value)
    if kind is dict:
        return {key if type(key) is str else str(key): _canonical_json(item) for key, item in value.items()}
    if kind is list:
        return [_canonical_json(item) for item in value]
    if kind is float:
        return int(value) if value.is_integer() and abs(value) <= _EXACT_INTEGER else value
    if kind is int and abs(value) > _EXACT_INTEGER:
        return float(value)
    return value


def canonical(values: dict[str, Any], previous_hash: str, *, stored: bool = False) -> bytes:
    """The bytes an event's hash is taken over: its hashed fields (time in UTC to the microsecond, JSON as it reads
    back from either database) and the previous event's hash, as compact JSON with sorted keys. `stored`: the
    values were read from the database (their JSON is already what a round trip through it gives)."""
    at = values["at"]
    document = {name: values[name] for name in HASHED_FIELDS}
    document["at"] = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    for name in ("before", "after"):
        value = values[name]
        if (
            not stored
        ):  # through JSON and back: tuples become lists, keys strings, as the JSON field stores them
            value = json.loads(json.dumps(value))
        document[name] = _canonical_json(value)
    document["previous"] = previous_hash
    document["v"] = VERSION
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(values: dict[str, Any], previous_hash: str, *, stored: bool = False) -> str:
    """The SHA-256 (hex) of one event chained onto `previous_hash`."""
    return hashlib.sha256(canonical(values, previous_hash, stored=stored)).hexdigest()


def values_of(event: Any) -> dict[str, Any]:
    """The hashed fields of an event instance."""
    return {name: getattr(event, name) for name in HASHED_FIELDS}


def lock_chain(using: str) -> None:
    """Take the chain's lock until the current transaction ends (PostgreSQL); only the sealer takes it. SQLite needs
    none of its own: the sealer's transaction starts IMMEDIATE, holding the one write lock from its first read."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def chain_link(events: Iterable[Any], previous_hash: str) -> None:
    """Give each event in order its previous hash and its own hash, starting from `previous_hash`."""
    for event in events:
        event.previous_hash = previous_hash
        event.hash = event_hash(values_of(event), previous_hash)
        previous_hash = event.hash


@dataclass(frozen=True)
class BrokenLink:
    """The first event whose link does not hold, and why."""

    event_id: int
    reason: (
        str  # "previous" (it names another previous hash) or "content" (its fields no longer give its hash)
    )
    expected: str
    found: str
    previous_event_id: int | None


@dataclass(frozen=True)
class ChainReport:
    """What walking the chain found: how many events were checked, the head, the first broken link if any, and
    whether a head hash recorded elsewhere was met; beside the chain, how many events were sealed before the walk,
    how many are still unsealed (with the time of the oldest), and how many of those the sealer cannot take (their
    chain fields were set by something else: only a database superuser can, so the log is not intact)."""

    events: int
    head_id: int | None
    head_hash: str
    broken: BrokenLink | None
    recorded_head_found: bool | None  # None when no head was given
    sealed_now: int = 0
    unsealed: int = 0
    oldest_unsealed_at: dt.datetime | None = None
    stuck: int = 0
    first_stuck_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None and self.recorded_head_found is not False and self.stuck == 0


VERIFY_FIELDS = ("id", *HASHED_FIELDS, "previous_hash", "hash")


def walk(rows: Iterable[tuple[Any, ...]], *, recorded_head: str | None = None) -> ChainReport:
    """Check rows (VERIFY_FIELDS, sealed events in chain order) link by link; stop at the first broken one."""
    previous_hash, previous_id, count = GENESIS, None, 0
    head_found = None if recorded_head is None else False
    for row in rows:
        values = dict(zip(VERIFY_FIELDS, row, strict=True))
        count += 1
        event_id, stored_previous, stored_hash = values["id"], values["previous_hash"], values["hash"]
        if stored_previous != previous_hash:
            broken = BrokenLink(event_id, "previous", previous_hash, stored_previous or "", previous_id)
            return ChainReport(count, previous_id, previous_hash, broken, head_found)
        computed = event_hash(values, previous_hash, stored=True)
        if computed != stored_hash:
            broken = BrokenLink(event_id, "content", computed, stored_hash or "", previous_id)
            return ChainReport(count, previous_id, previous_hash, broken, head_found)
        if recorded_head is not None and stored_hash == recorded_head:
            head_found = True
        previous_hash, previous_id = stored_hash, event_id
    return ChainReport(count, previous_id, previous_hash, None, head_found)


def rows_in_chain_order(queryset: Any, *, chunk_size: int = 2000) -> Iterator[tuple[Any, ...]]:
    """The rows `walk` reads: the sealed events in chain position order, streamed from the database `chunk_size`
    at a time (bounded memory). Unsealed events are not in the chain yet (hrdd.audit.sealing counts them)."""
    return (
        queryset.filter(chain_position__isnull=False)
        .order_by("chain_position")
        .values_list(*VERIFY_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
