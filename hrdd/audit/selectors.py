"""Reads of the audit log: one organisation's events, filtered; the page shows them a page at a time."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from hrdd.audit.models import AuditEvent

if TYPE_CHECKING:
    from hrdd.audit.chain import ChainReport


def audit_event_list(
    *,
    organisation: object,
    action: str = "",
    who: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Return the audit events of one organisation, newest first; `action` keeps those whose action starts with
    it, `who` those whose actor contains it, `since` and `until` those of those days (UTC, both included)."""
    events = AuditEvent.objects.filter(organisation=organisation).select_related("actor")
    if action.strip():
        events = events.filter(action__startswith=action.strip())
    if who.strip():
        events = events.filter(actor_label__icontains=who.strip())
    if since is not None:
        events = events.filter(at__date__gte=since)
    if until is not None:
        events = events.filter(at__date__lte=until)
    return events


def audit_chain_verify(
    *, recorded_head: str | None = None, chunk_size: int = 2000, seal: bool = True
) -> ChainReport:
    """Seal the committed unsealed events first (unless `seal` is false), then walk the whole hash chain in
    position order, `chunk_size` events at a time, and report the first broken link; with `recorded_head` (a hash
    kept elsewhere), also whether that event is still in the chain. The report also counts the events still
    unsealed after that, with the time of the oldest, and those the sealer cannot take."""
    from dataclasses import replace

    from hrdd.audit.chain import rows_in_chain_order, walk
    from hrdd.audit.sealing import audit_unsealed, seal_pending

    sealed_now = seal_pending()[0] if seal else 0
    report = walk(
        rows_in_chain_order(AuditEvent.objects.all(), chunk_size=chunk_size), recorded_head=recorded_head
    )
    unsealed = audit_unsealed()
    return replace(
        report,
        sealed_now=sealed_now,
        unsealed=unsealed.count,
        oldest_unsealed_at=unsealed.oldest_at,
        stuck=unsealed.stuck,
        first_stuck_id=unsealed.first_stuck_id,
    )


def audit_chain_head(*, seal: bool = True) -> AuditEvent | None:
    """The last sealed event of the chain (None while there is none), after sealing the committed unsealed events
    (unless `seal` is false)."""
    from hrdd.audit.sealing import chain_head_event, seal_pending

    if seal:
        seal_pending()
    return chain_head_event()
