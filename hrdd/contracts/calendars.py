"""iCalendar feeds of obligations (one per contract, one per organisation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from hrdd.contracts.models import Obligation


def obligations_calendar(obligations: Iterable[Obligation], *, name: str, base_url: str) -> bytes:
    """Return an .ics calendar with one all-day event per obligation deadline."""
    calendar = Calendar()
    calendar.add("prodid", "-//hrdd//contract obligations//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    stamp = dt.datetime.now(dt.UTC)
    for obligation in obligations:
        contract = obligation.contract
        event = Event()
        event.add("uid", f"obligation-{obligation.pk}-{contract.public_id}@hrdd")
        event.add("dtstamp", stamp)
        event.add("dtstart", obligation.due_date)
        event.add("dtend", obligation.due_date + dt.timedelta(days=1))
        event.add("summary", f"{obligation.clause} {obligation.title} — {contract.supplier_name}")
        event.add(
            "description", f"{contract.title}: {obligation.reason}. {base_url}{contract.get_absolute_url()}"
        )
        calendar.add_component(event)
    return calendar.to_ical()
