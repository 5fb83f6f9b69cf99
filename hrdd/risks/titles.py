"""The risk method's words in the reader's language, for the page, the map and the reports: stage, category and
product titles come from hrdd/frameworks/risk-method-2025.yaml and are said through its translations
(hrdd.core.texts.localize); a title that stands inside a sentence is written in lower case, as in English, except
in German, whose nouns keep their capital."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hrdd.core.texts import localize
from hrdd.domain.risk import RiskMethod
from hrdd.knowledge.names import material_name


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def number(value: float) -> str:
    """A score or share written as the English pages write it (`:g`: 1.113, 74.19), in the locale's format in
    another language (1,113)."""
    if _language() == "en":
        return f"{value:g}"
    written = float(f"{value:g}")
    return str(formats.number_format(int(written) if written.is_integer() else written, use_l10n=True))


def inside_sentence(title: Any) -> str:
    """A title said in the active language, as it stands inside a sentence: 'Mining' -> 'mining',
    'Extraction minière' -> 'extraction minière', but German 'Bergbau' stays 'Bergbau'."""
    english = str(title)
    said = str(localize(title))
    if _language() == "de":
        return said
    if said == english:
        return english.lower()  # English as hrdd has always written it
    return said[:1].lower() + said[1:]


def stage_title(method: RiskMethod, stage_id: str) -> str:
    """A supply-chain stage's title ('Mining'), in the active language."""
    return str(localize(method.stage_title(stage_id)))


def stage_word(method: RiskMethod, stage_id: str) -> str:
    """A supply-chain stage's title inside a sentence ('mining')."""
    return inside_sentence(method.stage_title(stage_id))


def stage_titles(method: RiskMethod) -> dict[str, str]:
    """Every stage id with its title, in the active language."""
    return {s.id: stage_title(method, s.id) for s in method.stages}


def stage_words(method: RiskMethod) -> dict[str, str]:
    """Every stage id with its title as it stands inside a sentence, in the active language."""
    return {s.id: stage_word(method, s.id) for s in method.stages}


def product_title(method: RiskMethod, product_id: str) -> str:
    """A product category's title ('Notebooks'), in the active language."""
    return str(localize(method.product_title(product_id)))


def said(value: Any) -> str:
    """A framework text (a category title, a signal) or a domain text in the active language."""
    return str(localize(value))


def material_said(name: str) -> str:
    """A knowledge-base raw material's name in the active language (hrdd.knowledge.names)."""
    return material_name(str(name), get_language() or "en")


def who(risk: Any) -> str:
    """The material a risk concerns, or its factories (hrdd.domain.risk rates factory stages as 'factories')."""
    if risk.material:
        return material_said(risk.material)
    if risk.component == "factories":
        return _("factories")
    return str(risk.component or "")
