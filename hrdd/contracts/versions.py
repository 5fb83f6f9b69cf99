"""Each organisation's contracts version (ContractsVersion): moved by the writers, read by the dashboard and
the calendar feeds.

Every service that changes what the dashboard counts or what a feed writes calls `contracts_changed` in its own
transaction, so the number moves with the change or not at all; a supplier's record saved anywhere moves its
organisation's number through a signal (hrdd.contracts.apps). `hrdd verify` counts every stored dashboard summary
again and reports one that differs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hrdd.contracts.models import ContractsVersion


def contracts_changed(organisation_ids: int | Iterable[int]) -> None:
    """Move the contracts version of these organisations (and forget their stored dashboard counts)."""
    ids = sorted({organisation_ids} if isinstance(organisation_ids, int) else set(organisation_ids))
    now = timezone.now()
    for organisation_id in ids:  # in id order: two writers lock the rows in the same order
        moved = ContractsVersion.objects.filter(pk=organisation_id).update(
            number=F("number") + 1, changed_at=now, summary=None
        )
        if not moved:
            try:
                with transaction.atomic():
                    ContractsVersion.objects.create(organisation_id=organisation_id, number=1, changed_at=now)
            except IntegrityError:  # made meanwhile by another writer: move it
                ContractsVersion.objects.filter(pk=organisation_id).update(
                    number=F("number") + 1, changed_at=now, summary=None
                )


def contracts_version(organisation_id: int | None) -> ContractsVersion:
    """The organisation's contracts version (number 0 when nothing was ever changed)."""
    found = ContractsVersion.objects.filter(pk=organisation_id).first() if organisation_id else None
    if found is None:
        return ContractsVersion(organisation_id=organisation_id, number=0, changed_at=None)
    return found


def summary_key(version: ContractsVersion, today: dt.date, days: int) -> dict[str, Any]:
    return {"number": version.number, "day": today.isoformat(), "days": days}


def stored_summary(
    version: ContractsVersion, today: dt.date, days: int, count: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The dashboard's counts for this version and day: stored ones, or counted by `count` and stored (unless
    the number moved meanwhile: a newer count is then someone else's to store)."""
    key = summary_key(version, today, days)
    if version.summary is not None and version.summary.get("key") == key:
        return dict(version.summary["counts"])
    counts = count()
    if version.organisation_id is not None and version.pk is not None and version.number:
        ContractsVersion.objects.filter(pk=version.pk, number=version.number).update(
            summary={"key": key, "counts": counts}
        )
    return counts


def dashboard_summaries_forget(organisation_ids: Iterable[int]) -> None:
    """Drop these organisations' stored dashboard counts (`hrdd verify --refresh`): the next view counts again."""
    ContractsVersion.objects.filter(pk__in=list(organisation_ids)).update(summary=None)
