"""Say the domain's texts (hrdd.domain.texts.Text) and the frameworks' texts in the active language: the pages'
`|say` filter, the documents and the e-mails call `localize`. A template missing from the catalogue, or a translation that does not fit its
parameters, falls back to the English sentence: a reader always sees the reason."""

from __future__ import annotations

from typing import Any

from django.utils import formats
from django.utils.translation import get_language, gettext

from hrdd.core.countries import country_name
from hrdd.domain.framework_texts import translate
from hrdd.domain.texts import Text
from hrdd.knowledge.names import material_name


def _parameter(value: Any, name: str = "") -> Any:
    if name == "country" and isinstance(value, str) and not isinstance(value, Text):
        return country_name(value, english=value)  # a parameter named `country` is a country's name or code
    if name == "material" and isinstance(value, str) and not isinstance(value, Text):
        return material_name(
            value, get_language() or "en"
        )  # a knowledge-base material (hrdd.knowledge.names)
    if isinstance(value, str):
        return localize(value) if isinstance(value, Text) else _framework_word(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float):
        value = float(f"{value:g}")  # as many digits as the English sentence shows
        value = int(value) if value.is_integer() else value  # 3.0 reads '3' there, so '3' here too
    return formats.number_format(value, use_l10n=True)


def _framework_word(value: str) -> str:
    """A framework text inside a sentence; also a title written in lower case there ('cobalt mining'), said in
    lower case too except in German, whose nouns keep their capital."""
    said, title = localize(value), value[:1].upper() + value[1:]
    titled = localize(title)
    if said != value or value != value.lower() or titled == title:
        return str(said)
    return titled if (get_language() or "").startswith("de") else titled[:1].lower() + titled[1:]


def localize(value: Any) -> Any:
    """A Text in the active language (its parameters too); a framework's text (a question, a criterion's title)
    in its translation (hrdd.domain.framework_texts); any other value unchanged."""
    if not isinstance(value, Text):
        return translate(value, (get_language() or "en").split("-")[0]) if isinstance(value, str) else value
    translated = gettext(value.template)
    try:
        return translated % {name: _parameter(v, name) for name, v in value.params.items()}
    except (KeyError, ValueError, TypeError):
        return str(value)
