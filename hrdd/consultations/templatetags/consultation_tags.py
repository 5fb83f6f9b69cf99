"""A questionnaire's maturity levels in the page's language: `{{ cell.level|level }}` (issue 16).

A framework names its levels by ids that are English words (cfit-2025: low, medium, high); hrdd.domain.labels
says which are words of the catalogue. A framework's own other level is shown as it is written."""

from collections.abc import Iterable
from typing import Any

from django import template

from hrdd.core.texts import localize
from hrdd.domain.labels import word_of

register = template.Library()


def level_said(value: Any) -> str:
    """A maturity level (or a point column) in the active language."""
    return str(localize(word_of(value)))


@register.filter
def level(value: Any) -> str:
    """A maturity level in the page's language: `{{ row.score.overall|level }}`."""
    return level_said(value)


@register.filter
def levels(values: Iterable[Any]) -> str:
    """A framework's levels in the page's language, lowest first, separated by commas."""
    return ", ".join(level_said(v) for v in values)
