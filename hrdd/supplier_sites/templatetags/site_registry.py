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
