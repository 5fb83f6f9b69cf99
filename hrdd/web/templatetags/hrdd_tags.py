from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """Return mapping[key], or the key itself when absent (e.g. a stage id without a title)."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return key
