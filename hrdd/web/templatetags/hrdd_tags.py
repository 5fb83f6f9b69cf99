from typing import Any

from django import template
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import get_language

from hrdd.core.countries import country_name
from hrdd.core.labels import code_meaning, status_label, status_meaning
from hrdd.core.texts import localize
from hrdd.domain.labels import plain
from hrdd.domain.labels import title_of as _title_of
from hrdd.knowledge.names import material_name
from hrdd.risks.titles import inside_sentence as _inside_sentence

register = template.Library()


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """Return mapping[key], or the key itself when absent (e.g. a stage id without a title)."""
    try:
        return mapping[key]
    except (KeyError, TypeError, IndexError):
        return key


@register.filter
def say(value: Any) -> Any:
    """A domain text (a reason, a warning) in the page's language: `{{ reason|say }}` (hrdd.core.texts)."""
    return localize(value)


@register.filter
def inside_sentence(value: Any) -> str:
    """A framework title said in the page's language as it stands inside a sentence: in lower case, except in
    German, whose nouns keep their capital (`{{ category.title|inside_sentence }}`)."""
    return _inside_sentence(value)


@register.filter
def number(value: Any) -> Any:
    """Write a number in full without a needless '.0' (412000, 96.6505), with the decimal sign of the page's
    language (96,6505 in French); anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    from hrdd.domain.tender import number_text

    written = number_text(value)
    if (get_language() or "en").startswith("en"):
        return written
    said = float(written)
    return formats.number_format(int(said) if said.is_integer() else said, use_l10n=True)


@register.filter
def title_of(value: Any, kinds: str) -> str:
    """The plain title of an id: `{{ risk.stage|title_of:"stage" }}` -> 'Component manufacturing'. Several kinds
    separated by commas are tried in turn ("question,dimension"); an id none of them titles is shown with its
    underscores turned into spaces. The kinds are hrdd.domain.labels.VOCABULARIES; the title is said in the page's
    language."""
    for kind in kinds.split(","):
        title = _title_of(value, kind.strip())
        if title != plain(value):
            return localize(title)  # a framework's title, in the page's language
    return plain(value)


@register.filter
def country(iso3: Any, english: Any = "") -> str:
    """A country's name in the page's language from its ISO 3166-1 alpha-3 code ('—' when there is none);
    `{{ r.country_iso3|country:r.country }}` keeps a record's own spelling on English pages (hrdd.core.countries)."""
    return country_name(str(iso3), english=str(english or "")) if iso3 else "—"


@register.filter
def material(value: Any) -> str:
    """A knowledge-base raw material's name in the page's language (hrdd.knowledge.names): `{{ m.name|material }}`."""
    return material_name(str(value), get_language() or "en") if value else ""


@register.filter
def finding_title(value: Any, kind: str) -> str:
    """What the check of a risk assessment found, in words: a risk category's title, a country's name, a
    component or material as written."""
    if kind == "risk":
        return str(localize(_title_of(value, "category")))
    if kind == "country":
        return country_name(str(value))
    if kind == "raw_material":
        return material_name(plain(value), get_language() or "en")
    return plain(value)


@register.filter
def status_word(status: Any) -> str:
    """The word shown for an obligation's or a KPI's status (problem, warning, pending, ok), translated."""
    return status_label(status)


@register.filter
def status_help(status: Any) -> str:
    """What a status says, for a tooltip."""
    return status_meaning(status)


@register.filter
def code(value: Any) -> str:
    """A criterion code (AC1, SC2, CC3, LABEL) as an abbreviation whose tooltip says what it stands for."""
    return format_html('<abbr title="{}">{}</abbr>', code_meaning(value), value)


@register.filter
def kpi_badge(kpi: Any) -> str:
    """A KPI result as a coloured badge whose tooltip gives its reasons: one call, not an included template per
    KPI, since a page of obligations shows hundreds of them."""
    return format_html(
        '<span class="kpi kpi-{}" title="{}">{}: {}</span>',
        kpi.status,
        "; ".join(str(localize(r)) for r in kpi.reasons),
        localize(_title_of(kpi.kpi, "kpi")),
        localize(kpi.label),
    )
