"""A country's name in the reader's language (issue 16), for pages, documents and e-mails.

hrdd stores ISO 3166-1 alpha-3 codes; how people type a country is read by hrdd.domain.countries, which this module
leaves alone. To show one, `country_name` takes its code (or a name hrdd can read back to a code) and says it in the
active language, from the translations of ISO 3166-1 that pycountry ships (gettext domain "iso3166-1"). In English
the name is the one hrdd has always shown: the name given with it (a knowledge-base row's own spelling) or else
hrdd.domain.countries.display_name. A name with a comma ("Corée, République de") is turned round as in English, so
that it can stand in a comma-separated list.
"""

from __future__ import annotations

import gettext
from functools import cache, lru_cache

import pycountry
from django.utils.translation import get_language

from hrdd.domain.countries import display_name, to_iso3

ENGLISH = "en"


def _language() -> str:
    return (get_language() or ENGLISH).split("-")[0].lower()


@cache
def country_catalogue(language: str) -> gettext.NullTranslations | None:
    """pycountry's translations of the country names into one language (None: it ships none)."""
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return None


def _code(value: str) -> str | None:
    """The alpha-3 code of a code or of a name hrdd reads ('Congo (Kinshasa)', 'Korea, Rep.'); None if unknown."""
    text = (value or "").strip()
    if len(text) == 3 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_3=text.upper())
        if found is not None:
            return str(found.alpha_3)
    return to_iso3(text) or None


@lru_cache(maxsize=4096)
def translated_name(iso3: str, language: str) -> str | None:
    """The name of a known alpha-3 code in one language, without a comma where the catalogue allows; None where
    pycountry has no catalogue for the language or does not know the code."""
    catalogue = country_catalogue(language)
    found = pycountry.countries.get(alpha_3=iso3.upper()) if catalogue is not None else None
    if catalogue is None or found is None:
        return None
    said = [
        catalogue.gettext(str(name))
        for name in (getattr(found, "common_name", ""), found.name, getattr(found, "official_name", ""))
        if name
    ]
    for name in said:
        if "," not in name:
            return name
    head, _, tail = said[0].partition(",")  # 'Russie, Fédération de' -> 'Fédération de Russie'
    return f"{tail.strip()} {head.strip()}".strip() or said[0]


def country_name(iso3_or_name: str, *, english: str = "") -> str:
    """A country in the active language, from its alpha-3 code or a name hrdd can read.

    In English: `english` when given (the spelling a record carries), else the display name of a code, else the
    value as given. In another language: pycountry's name in it; a value no country answers to comes back as in
    English."""
    value = str(iso3_or_name or "").strip()
    code = _code(value)
    language = _language()
    if language != ENGLISH and code is not None:
        said = translated_name(code, language)
        if said:
            return said
    if english:
        return english
    if code is not None and value.upper() == code:
        return display_name(code)
    return value
