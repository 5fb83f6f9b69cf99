"""Contract management's verdicts said in the page's language (issue 16): `{{ kpi|said|kpi_badge }}` draws a
KPI's badge with its label and reasons in the reader's language, as hrdd.core.texts.localize says them."""

from __future__ import annotations

import dataclasses
from typing import Any

from django import template

from hrdd.core.texts import localize
from hrdd.domain.contracts import KpiResult

register = template.Library()


@register.filter
def said(kpi: Any) -> Any:
    """A KPI result whose label and reasons are said in the active language; anything else unchanged."""
    if not isinstance(kpi, KpiResult):
        return kpi
    return dataclasses.replace(
        kpi, label=localize(kpi.label), reasons=tuple(localize(reason) for reason in kpi.reasons)
    )
