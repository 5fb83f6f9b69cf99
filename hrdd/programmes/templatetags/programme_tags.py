"""Small helpers of the programme pages' templates."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hrdd.core.texts import localize
from hrdd.domain.text_data import text_from_data

register = template.Library()

# A computed KPI -> the page where the records it counts are kept (URL name, query string, link text).
REGISTERS: dict[str, tuple[str, str, str]] = {
    "high_risk_suppliers_assessed": (
        "programmes:suppliers",
        "?tier=high",
        gettext_noop("High-risk suppliers and their assessments"),
    ),
    "capacity_building_enrolled": (
        "programmes:suppliers",
        "",
        gettext_noop("Suppliers and their capacity building"),
    ),
    "copper_mark_or_equivalent": (
        "programmes:certifications",
        "",
        gettext_noop("Certifications and ratings"),
    ),
    "children_supported": ("programmes:cases", "", gettext_noop("Child-labour cases")),
    "incidents_reported": ("incidents:register", "", gettext_noop("The incident register")),
    "smelters_identified": ("rmi:smelters", "", gettext_noop("Smelters and refiners in your supply chain")),
}


@register.filter
def records_register(kpi: Any) -> dict[str, str] | None:
    """Where a computed KPI's records are kept, as {"url", "label"}; None for an entered KPI."""
    found = REGISTERS.get(str(getattr(kpi, "computation", "") or ""))
    if found is None:
        return None
    name, query, label = found
    return {"url": reverse(name) + query, "label": _(label)}


@register.filter
def reason_text(reason: Any) -> Any:
    """A stored reason ({"text", "said"}, e.g. a supplier's tier reason) in the reader's language: its template
    when stored beside the English text and still giving it, else the English text as stored."""
    if not isinstance(reason, dict):
        return localize(reason)
    return localize(text_from_data(str(reason.get("text", "")), reason.get("said")))


@register.filter
def overdue_count(milestones: Any) -> int:
    """How many of the milestones are overdue (each a Milestone with its `overdue` property)."""
    return sum(1 for m in milestones if getattr(m, "overdue", False))


@register.filter
def cited_once(reasons: Any) -> list[tuple[Any, int | None]]:
    """Each reason with the number (from 1) of the earlier reason that already gives the same source, or None
    when its source is new: a long source is written out once, not once per reason."""
    first_at: dict[str, int] = {}
    cited: list[tuple[Any, int | None]] = []
    for number, reason in enumerate(reasons or [], start=1):
        source = str(reason.get("source", "") if isinstance(reason, dict) else "")
        earlier = first_at.get(source) if source else None
        if source and earlier is None:
            first_at[source] = number
        cited.append((reason, earlier))
    return cited
