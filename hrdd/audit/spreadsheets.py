"""The audit log as an XLSX workbook: one line per event, written as the events come from the database.

The workbook streams (write-only, hrdd.core.spreadsheets): its cost grows with the events written and its memory
does not, for 50 events or 50,000. Every text goes through the kernel's formula guard: an actor label or a
before/after value such as '=HYPERLINK(...)' stays text in the buyer's spreadsheet program.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from django.utils.translation import gettext as _

from hrdd.core.spreadsheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # the name pages and tests use
from hrdd.core.spreadsheets import append_row, new_workbook, workbook_bytes

PROGRESS_EVERY = 500  # events written between two progress reports
# A cell holds at most 32,767 characters (Excel's limit); a longer before/after state is cut, and says so.
CELL_MAX = 32_767


class EventLine(Protocol):
    """What the export writes of an event: the AuditEvent model's fields."""

    @property
    def at(self) -> dt.datetime: ...
    @property
    def actor_label(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def target_type(self) -> str: ...
    @property
    def target_id(self) -> str: ...
    @property
    def before(self) -> Any: ...
    @property
    def after(self) -> Any: ...


def utc_iso(at: dt.datetime) -> str:
    """An event's time as ISO 8601 in UTC ('2027-03-01T09:30:00.123456+00:00')."""
    return at.astimezone(dt.UTC).isoformat()


def json_text(value: Any) -> str:
    """A before/after state as JSON text ('' when there is none), cut to what one cell holds."""
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if len(text) <= CELL_MAX:
        return text
    note: str = _(" … (cut: %(count)d characters in all)") % {"count": len(text)}
    return text[: CELL_MAX - len(note)] + note


def header() -> list[str]:
    return [
        _("When (UTC)"),
        _("Who"),
        _("Action"),
        _("Object type"),
        _("Object id"),
        _("Before"),
        _("After"),
    ]


def audit_workbook(
    *,
    organisation: str,
    filters: Sequence[tuple[str, str]],
    events: Iterable[EventLine],
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Return the events as an XLSX workbook: sheet "Events", one line each in the order given, and sheet
    "Export", saying whose log it is, which filters chose the events and when it was written.

    `events` is read once, as it comes (a queryset's iterator); `progress(done, total)` hears every
    PROGRESS_EVERY events written and after the last, when `total` (how many will come) is given."""
    wb = new_workbook(write_only=True)
    sheet = wb.create_sheet(_("Events"))
    append_row(sheet, header(), bold=True)
    done = 0
    for done, event in enumerate(events, start=1):  # noqa: B007 - `done` counts the lines after the loop
        append_row(
            sheet,
            [
                utc_iso(event.at),
                event.actor_label,
                event.action,
                event.target_type,
                event.target_id,
                json_text(event.before),
                json_text(event.after),
            ],
        )
        if progress is not None and total and done % PROGRESS_EVERY == 0:
            progress(done, max(total, done))
    if progress is not None and total is not None:
        progress(done, max(total, done))
    about = wb.create_sheet(_("Export"))
    append_row(about, [_("Audit log of"), organisation], bold=True)
    for label, value in filters:
        append_row(about, [label, value])
    append_row(about, [_("Events"), done])
    append_row(about, [_("Written (UTC)"), utc_iso(dt.datetime.now(dt.UTC))])
    return workbook_bytes(wb)
