"""Supplier due diligence drawn on a company's page with one line and no view change:
`{% load diligence_tags %}{% supplier_diligence company %}` (three queries)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hrdd.domain.countries import display_name
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
        # a buyer's page of a supplier with nothing recorded gets one plain sentence, not an empty tier
        "sourcing": bool(context.get("nav_sourcing")),
    }


@register.filter
def country(iso3: str) -> str:
    """A country code as people name the country ("COD" -> "Democratic Republic of the Congo")."""
    return display_name(iso3) if iso3 else ""


REASON_WORDS = {
    "cahra_sourcing": gettext_noop("conflict-affected or high-risk area"),
    "cahra_site": gettext_noop("site in a conflict-affected or high-risk area"),
    "cahra_smelter": gettext_noop("smelter in or sourcing from a conflict-affected or high-risk area"),
    "asm_sourcing": gettext_noop("artisanal mining"),
    "asm_site": gettext_noop("artisanal mine"),
    "labour_goods": gettext_noop("child or forced labour listed"),
    "no_red_flag": gettext_noop("no red flag"),
    "nothing_known": gettext_noop("nothing known"),
}


@register.filter
def reason_words(reasons: list[dict[str, str]]) -> str:
    """A stored tier's reasons in a few words each, once each (a list's cell; the page of the supplier has them
    in full with their sources)."""
    words: list[str] = []
    for reason in reasons or []:
        code = reason.get("code", "")
        word = _(REASON_WORDS[code]) if code in REASON_WORDS else code
        if word not in words:
            words.append(word)
    return "; ".join(words)
