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


@register.filter
def number(value: Any) -> Any:
    """Write a number in full without a needless '.0' (412000, 96.6505); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    from hrdd.domain.tender import number_text

    return number_text(value)


@register.filter
def kpi_badge(kpi: Any) -> str:
    """A KPI result as a coloured badge whose tooltip gives its reasons: one call, not an included template per
    KPI, since a page of obligations shows hundreds of them."""
    from django.utils.html import format_html

    return format_html(
        '<span class="kpi kpi-{}" title="{}">{}: {}</span>',
        kpi.status,
        "; ".join(str(r) for r in kpi.reasons),
        kpi.kpi,
        kpi.label,
    )
