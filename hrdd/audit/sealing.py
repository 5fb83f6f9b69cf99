"""Sealing: committed audit events chained onto the head after their writers' transactions (hrdd.audit.chain).

Writers insert events with no chain position and no hashes (AuditEvent.save, bulk_create) and ask for a seal once
their transaction commits (`seal_after_commit`, a transaction.on_commit hook; at once outside a transaction). A
writer's transaction never takes the chain's lock, so two transactions that write audit events wait for each other
only over the records they both touch, never over the log.

`seal_pending` runs in a short transaction of its own: it takes the chain's lock (PostgreSQL: an advisory lock;
SQLite: the one write lock its IMMEDIATE transaction holds from the start), reads the head, selects the committed
unsealed events in id order (on PostgreSQL FOR UPDATE SKIP LOCKED), gives each the next position, the head's hash as
its previous hash and its own hash over its fields as stored, and commits. While it waits for the chain's lock it
holds no other, so it cannot be part of a deadlock. Every seal takes all committed unsealed events, so the next
writer's hook also seals an event whose own hook failed (the database went away just after the commit, say);
`hrdd audit verify` (unless --no-seal), `hrdd audit head` and `hrdd backup` seal first as well.

An event that stays unsealed after a seal is one the sealer cannot take: its chain fields were set by something
other than the sealer (only a database superuser can, the triggers refuse it to everyone else). `audit_unsealed`
counts the unsealed events and gives the time of the oldest: that event is what an administrator should look at.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, Min, Q, QuerySet

from hrdd.audit.chain import GENESIS, HASHED_FIELDS, event_hash, lock_chain
from hrdd.audit.models import AuditEvent

logger = logging.getLogger(__name__)

BATCH = 1000  # events sealed in one transaction: a long catch-up holds the chain's lock in short turns
IN_CHUNK = 500  # ids looked up in one query
ChainFields = tuple[int, str, str]  # position, previous hash, hash


def _events(using: str) -> QuerySet[AuditEvent]:
    return AuditEvent._base_manager.using(using)


def chain_head(using: str = DEFAULT_DB_ALIAS) -> tuple[int, str]:
    """The position and hash of the last sealed event: (0, GENESIS) while none is sealed."""
    row = (
        _events(using)
        .filter(chain_position__isnull=False)
        .order_by("-chain_position")
        .values_list("chain_position", "hash")
        .first()
    )
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def chain_head_event(using: str = DEFAULT_DB_ALIAS) -> AuditEvent | None:
    """The last sealed event (None while none is)."""
    return _events(using).filter(chain_position__isnull=False).order_by("-chain_position").first()


def _seal_batch(using: str, batch: int, wanted: set[int]) -> tuple[int, dict[int, ChainFields]]:
    connection = connections[using]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    update = (
        f"UPDATE {table} SET chain_position = %s, previous_hash = %s, hash = %s "  # noqa: S608 - the model's table
        "WHERE id = %s AND chain_position IS NULL AND previous_hash IS NULL AND hash IS NULL"
    )
    with transaction.atomic(using=using):
        lock_chain(using)
        position, previous = chain_head(using)
        pending = (
            _events(using)
            .filter(chain_position__isnull=True, previous_hash__isnull=True, hash__isnull=True)
            .order_by("id")
        )
        if connection.vendor == "postgresql":
            pending = pending.select_for_update(skip_locked=True)
        rows = list(pending.values_list("id", *HASHED_FIELDS)[:batch])
        params, sealed = [], {}
        for row in rows:
            values = dict(zip(("id", *HASHED_FIELDS), row, strict=True))
            position += 1
            digest = event_hash(values, previous, stored=True)
            params.append((position, previous, digest, values["id"]))
            if values["id"] in wanted:
                sealed[values["id"]] = (position, previous, digest)
            previous = digest
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(update, params)
                # under the chain's lock no one else seals: anything but one row per event is refused
                if cursor.rowcount != len(params):
                    raise RuntimeError(
                        f"sealing {len(params)} audit events changed {cursor.rowcount} rows; nothing was sealed"
                    )
    return len(rows), sealed


def seal_pending(
    using: str = DEFAULT_DB_ALIAS, *, batch: int = BATCH, wanted: Sequence[int] = ()
) -> tuple[int, dict[int, ChainFields]]:
    """Chain every committed unsealed event onto the head, in id order, `batch` events per short transaction.
    Return how many were sealed, and the chain fields given to those of them whose ids are in `wanted`.

    Call it outside a transaction: inside one it is a savepoint, and the chain's lock is held until that one
    ends."""
    wanted_ids = set(wanted)
    total, found = 0, {}
    while True:
        count, sealed = _seal_batch(using, batch, wanted_ids)
        total += count
        found |= sealed
        if count < batch:
            return total, found


def _chain_fields(using: str, ids: set[int]) -> dict[int, ChainFields]:
    """The chain fields of those of these events that are sealed."""
    found, ordered = {}, sorted(ids)
    for first in range(0, len(ordered), IN_CHUNK):
        rows = (
            _events(using)
            .filter(pk__in=ordered[first : first + IN_CHUNK], chain_position__isnull=False)
            .values_list("id", "chain_position", "previous_hash", "hash")
        )
        found |= {pk: (position, previous, digest) for pk, position, previous, digest in rows}
    return found


class _SealHook:
    """The on_commit hook of one transaction's audit writes: sees that its events are sealed once it commits."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.events: list[AuditEvent] = []
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        ids = {event.pk for event in self.events}
        try:
            found = _chain_fields(self.using, ids)
            if len(found) < len(ids):
                _count, sealed = seal_pending(self.using, wanted=sorted(ids - set(found)))
                found |= sealed
            if len(found) < len(ids):  # sealed by another writer between the look and the seal
                found |= _chain_fields(self.using, ids - set(found))
        except Exception:  # the events are committed; a failed seal must not make the write an error
            logger.exception(
                "audit events %s to %s are committed but not sealed; the next audited write or "
                "`hrdd audit verify` seals them",
                min(ids),
                max(ids),
            )
            return
        for event in self.events:
            if event.pk in found:
                event.chain_position, event.previous_hash, event.hash = found[event.pk]


def _open_hook(using: str) -> _SealHook | None:
    """The hook already waiting for the current transaction's commit, if any. Adding events to it is safe
    wherever it was registered: a savepoint whose rollback would drop it is still open, so it encloses the new
    events too. (`run_on_commit` is Django's list of the hooks waiting, as captureOnCommitCallbacks reads it.)"""
    for _savepoints, hook, _robust in reversed(connections[using].run_on_commit):
        if isinstance(hook, _SealHook) and not hook.ran:
            return hook
    return None


def seal_after_commit(events: Sequence[AuditEvent], using: str) -> None:
    """Once the current transaction commits (at once outside one), see that these events are sealed: already by
    another writer's seal, or by a seal run then; their instances get their chain fields. One hook per
    transaction, however many events it writes. A seal that fails is logged, not raised: the events are
    committed, and the next seal takes them."""
    written = [event for event in events if event.pk is not None]
    if not written:
        return
    hook = _open_hook(using) if connections[using].in_atomic_block else None
    if hook is None:
        hook = _SealHook(using)
        hook.events.extend(written)
        transaction.on_commit(hook, using=using)
    else:
        hook.events.extend(written)


@dataclass(frozen=True)
class Unsealed:
    """The committed events not in the chain: how many, the time of the oldest; and how many of them the sealer
    cannot take (a hash set by something other than the sealer), with the id of the first."""

    count: int
    oldest_at: dt.datetime | None
    stuck: int
    first_stuck_id: int | None


def audit_unsealed(using: str = DEFAULT_DB_ALIAS) -> Unsealed:
    """The committed events not sealed into the chain (see Unsealed)."""
    stuck = Q(previous_hash__isnull=False) | Q(hash__isnull=False)
    found = (
        _events(using)
        .filter(chain_position__isnull=True)
        .aggregate(
            count=Count("id"),
            oldest=Min("at"),
            stuck=Count("id", filter=stuck),
            first_stuck=Min("id", filter=stuck),
        )
    )
    return Unsealed(int(found["count"]), found["oldest"], int(found["stuck"]), found["first_stuck"])
