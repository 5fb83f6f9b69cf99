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


def audit_chain_verify(*, recorded_head: str | None = None, chunk_size: int = 2000) -> ChainReport:
    """Walk the whole hash chain in id order, `chunk_size` events at a time, and report the first broken link;
    with `recorded_head` (a hash kept elsewhere), also whether that event is still in the chain."""
    from hrdd.audit.chain import rows_in_chain_order, walk

    return walk(
        rows_in_chain_order(AuditEvent.objects.all(), chunk_size=chunk_size), recorded_head=recorded_head
    )


def audit_chain_head() -> AuditEvent | None:
    """The last event of the chain (None while the log is empty)."""
    return AuditEvent.objects.order_by("-id").first()
