"""Template filters of the site registry's pages."""

from __future__ import annotations

import math
from typing import Any

from django import template

register = template.Library()


@register.filter
def likely_percent(score: Any) -> int:
    """A match probability as a whole percent, rounded down: a candidate short of certain never reads "100%"
    (a row waits for review at 0.996 when a number in its name disagrees)."""
    try:
        value = float(score)
    except (TypeError, ValueError):
        return 0
    return 100 if value >= 1 else max(0, min(99, math.floor(value * 100)))


@register.filter
def agreement_said(agreement: Any) -> dict[str, Any]:
    """A stored field agreement ({"field", "level", "weight", "detail", "detail_said"}) with its field, level and
    detail in the page's language (issue 16); a row stored before keeps its English detail."""
    from hrdd.core.texts import localize
    from hrdd.domain.sitematch.types import field_title, level_title
    from hrdd.domain.text_data import text_from_data

    found = dict(agreement) if isinstance(agreement, dict) else {}
    field, level = str(found.get("field", "")), str(found.get("level", ""))
    detail = text_from_data(str(found.get("detail", "")), found.get("detail_said"))
    return {
        "field": localize(field_title(field)),
        "level": localize(level_title(level)),
        "weight": found.get("weight", 0),
        "detail": localize(detail),
    }
