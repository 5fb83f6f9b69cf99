"""Record audit events. Every service that writes calls `audit_record` inside its transaction; the event is
sealed into the hash chain once that transaction commits (hrdd.audit.sealing), so recording takes no lock."""

from collections.abc import Callable
from typing import Any

from django.db import models

from hrdd.audit.models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model,
    organisation: Any = None,
    actor_label: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event: who (`actor` user or `actor_label`), what (`action`), on which object, before/after."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor_label or (user.email if user else "system")
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label,
        organisation=organisation,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
    )


def save_audited(
    *,
    actor: Any,
    record: models.Model,
    values: dict[str, Any],
    action: str,
    state: Callable[[Any], dict[str, Any]],
) -> models.Model:
    """Set `values` on a record, save it, and append the event with its state before and after (one place for
    every plain update)."""
    before = state(record)
    for name, value in values.items():
        setattr(record, name, value)
    record.save()
    audit_record(
        actor=actor,
        organisation=getattr(record, "organisation", None),
        action=action,
        target=record,
        before=before,
        after=state(record),
    )
    return record
