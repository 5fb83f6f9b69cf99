"""Supplier due diligence drawn on a company's page with one line and no view change:
`{% load diligence_tags %}{% supplier_diligence company %}` (three queries)."""

from __future__ import annotations

from typing import Any

from django import template

from hrdd.programmes import diligence
from hrdd.programmes.models import Gap

register = template.Library()


@register.inclusion_tag("programmes/diligence_panel.html", takes_context=True)
def supplier_diligence(context: Any, company: Any) -> dict[str, Any]:
    """The company's tier with its reasons, its latest completed assessment, its open gaps and a link to its
    due-diligence page."""
    return {
        "company": company,
        "tier": diligence.stored_tier(company),
        "latest": diligence.latest_assessment(company),
        "open_gaps": Gap.objects.filter(assessment__company=company)
        .exclude(status=Gap.Status.CLOSED)
        .count(),
        "request": context.get("request"),
        "user": context.get("user"),
    }
