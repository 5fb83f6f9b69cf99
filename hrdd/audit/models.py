"""The append-only audit log: who did what, when, to which object, with the state before and after. Once its
writer's transaction commits, each event is sealed into the hash chain: it gets the next position and the hash of
the event before it (hrdd.audit.chain, hrdd.audit.sealing). Writers take no lock for the chain."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def bulk_create(self, objs: Iterable["AuditEvent"], *args: Any, **kwargs: Any) -> list["AuditEvent"]:
        """Append many events at once, sealed after commit in the order given."""
        from hrdd.audit.sealing import seal_after_commit

        events = list(objs)
        if any(event.pk is not None for event in events):
            raise AppendOnlyError("audit events are append-only")
        for event in events:
            event.unseal()
        created = super().bulk_create(events, *args, **kwargs)
        seal_after_commit(created, self.db)
        return created


def event_time() -> dt.datetime:
    """Now: the time of an event made now (looked up at each call, so a test's frozen clock applies)."""
    return timezone.now()


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
    # the hash chain (hrdd.audit.chain), filled in once by the sealer after the writer's transaction commits
    # (null until then): the event's place in the chain, the previous event's hash, and this one's over its fields
    # and that (null, not "": "not sealed yet" is no hash at all, and the triggers test for it)
    chain_position = models.PositiveBigIntegerField(null=True, unique=True, editable=False, default=None)
    previous_hash = models.CharField(max_length=64, null=True, editable=False, default=None)  # noqa: DJ001
    hash = models.CharField(max_length=64, null=True, editable=False, default=None)  # noqa: DJ001

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
        from hrdd.audit.sealing import seal_after_commit

        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        self.unseal()
        super().save(*args, **kwargs)
        seal_after_commit([self], using)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    @property
    def sealed(self) -> bool:
        return self.chain_position is not None

    def unseal(self) -> None:
        """Clear the chain fields of an event about to be written: only the sealer sets them."""
        self.chain_position = self.previous_hash = self.hash = None
