"""Reads of the audit log: one organisation's events, filtered; the page shows them a page at a time."""

import datetime as dt

from django.db.models import QuerySet

from hrdd.audit.models import AuditEvent


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
