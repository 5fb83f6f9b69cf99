"""The append-only audit log: who did what, when, to which object, with the state before and after; each event
carries the hash of the one before it (hrdd.audit.chain)."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hrdd.audit.chain import GENESIS, chain_link, lock_chain


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def bulk_create(self, objs: Iterable["AuditEvent"], *args: Any, **kwargs: Any) -> list["AuditEvent"]:
        """Append many events at once, chained in the order given."""
        events = list(objs)
        if any(event.pk is not None for event in events):
            raise AppendOnlyError("audit events are append-only")
        with transaction.atomic(using=self.db):
            chain_link(events, chain_head_locked(self.db))
            return super().bulk_create(events, *args, **kwargs)


def event_time() -> dt.datetime:
    """Now: the time of an event made now (looked up at each call, so a test's frozen clock applies)."""
    return timezone.now()


def chain_head_locked(using: str) -> str:
    """Lock the chain until the transaction ends and return the hash of its last event (GENESIS when empty)."""
    lock_chain(using)
    head = AuditEvent.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
    return head if head is not None else GENESIS


class AuditEvent(models.Model):
    # set when the event is made, not by the database: its hash is taken over it before the row is written
    at = models.DateTimeField(_("when"), default=event_time, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Who acted when no user did: a supplier link, the command line, the demo loader.
    actor_label = models.CharField(_("actor"), max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(max_length=100)
    target_id = models.CharField(max_length=100)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    # the hash chain (hrdd.audit.chain): the previous event's hash, and this one's over its fields and that
    previous_hash = models.CharField(max_length=64, editable=False, default="")
    hash = models.CharField(max_length=64, editable=False, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            chain_link([self], chain_head_locked(using))
            super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")
