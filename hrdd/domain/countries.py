"""Country names and codes read one way everywhere: ISO 3166-1 alpha-3 is what hrdd stores.

A person may write a country as its alpha-3 or alpha-2 code, or by its name in any language pycountry carries
a translation for (Deutschland, Chine, 中国, Viet Nam or Vietnam). Names are compared without regard to case,
accents, punctuation or spacing. A name that two countries share in some language (Korea) is refused as
ambiguous rather than guessed, and an unknown one comes back with the closest names hrdd knows.
"""

from __future__ import annotations

import difflib
import gettext
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pycountry

# Everyday English names that pycountry's own names and translations leave out. Only for what a person types
# into a country box: the text scanner of risk assessments has its own list, since 'Turkey' or 'US' in running
# text are often not countries.
EVERYDAY_NAMES: dict[str, tuple[str, ...]] = {
    "COD": (
        "DRC",
        "DR Congo",
        "Democratic Republic of Congo",
        "Democratic Republic of the Congo",
        "Congo-Kinshasa",
    ),
    "COG": ("Congo-Brazzaville", "Republic of Congo"),
    "CZE": ("Czech Republic",),
    "CIV": ("Ivory Coast",),
    "GBR": ("UK", "Great Britain", "Britain"),
    "MMR": ("Burma",),
    "NLD": ("Holland",),
    "RUS": ("Russia",),
    "SWZ": ("Swaziland",),
    "TUR": ("Turkey",),
    "USA": ("US", "USA", "United States of America"),
}

_PUNCTUATION = re.compile(r"[^\w]+", re.UNICODE)
SUGGESTION_CUTOFF = 0.75  # difflib's similarity ratio below which a name is not offered as meant


def name_key(text: str) -> str:
    """A country name folded for comparison: lower case, without accents, punctuation, spaces or a leading
    'the' ('Viet Nam', 'vietnam' and 'Côte d’Ivoire', 'cote d ivoire' read alike)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _PUNCTUATION.sub(" ", plain).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return "".join(words)


def name_variants(name: str) -> set[str]:
    """A name, its part before a comma, and its inverted form ('Korea, Republic of' -> 'Republic of Korea')."""
    variants = {name}
    if "," in name:
        head, _, tail = name.partition(",")
        variants.add(head)
        variants.add(f"{tail.strip()} {head.strip()}")
    return variants


def english_names(country: object) -> set[str]:
    """The English name, common name and official name pycountry gives a country."""
    names = {getattr(country, attribute, "") for attribute in ("name", "common_name", "official_name")}
    names.discard("")
    return {str(n) for n in names}


@cache
def _translations() -> tuple[gettext.NullTranslations, ...]:
    languages = sorted(p.name for p in Path(pycountry.LOCALES_DIR).iterdir() if p.is_dir())
    found = []
    for language in languages:
        try:
            found.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language]))
        except OSError:
            continue
    return tuple(found)


@cache
def names_in_all_languages() -> tuple[tuple[str, frozenset[str]], ...]:
    """Every country (alpha-3, in pycountry's order) with its English names and their translations in every
    language pycountry carries."""
    countries = []
    for country in pycountry.countries:
        english = english_names(country)
        names = set(english)
        for translation in _translations():
            names.update(translation.gettext(name) for name in english)
        countries.append((str(country.alpha_3), frozenset(names)))
    return tuple(countries)


@cache
def _name_table() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Folded name -> alpha-3, and the folded names that more than one country answers to.

    English names win over their parts ('Korea' of 'Korea, Republic of'), and these over translations (a
    language may give a neighbour's English name to another country); a name that several countries answer to
    at the same level ('Korea') names none of them."""
    english: dict[str, set[str]] = {}
    english_parts: dict[str, set[str]] = {}
    translated: dict[str, set[str]] = {}
    for country in pycountry.countries:
        alpha_3 = str(country.alpha_3)
        for name in english_names(country):
            english.setdefault(name_key(name), set()).add(alpha_3)
            for variant in name_variants(name) - {name}:
                english_parts.setdefault(name_key(variant), set()).add(alpha_3)
    for alpha_3, everyday in EVERYDAY_NAMES.items():
        for name in everyday:
            english.setdefault(name_key(name), set()).add(alpha_3)
    for alpha_3, names in names_in_all_languages():
        for name in names:
            for variant in name_variants(name):
                translated.setdefault(name_key(variant), set()).add(alpha_3)
    table: dict[str, str] = {}
    ambiguous: dict[str, frozenset[str]] = {}
    for layer in (english, english_parts, translated):
        for key, codes in layer.items():
            if not key or key in table or key in ambiguous:
                continue
            if len(codes) == 1:
                table[key] = next(iter(codes))
            else:
                ambiguous[key] = frozenset(codes)
    return table, ambiguous


def _code(text: str) -> str | None:
    if len(text) == 3 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_3=text.upper())
        return str(found.alpha_3) if found is not None else None
    if len(text) == 2 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_2=text.upper())
        return str(found.alpha_3) if found is not None else None
    return None


def to_iso3(value: str) -> str | None:
    """The alpha-3 code of an alpha-2/alpha-3 code or a name in any language; '' for blank, None when unknown
    or ambiguous."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    code = _code(text)
    if code is not None:
        return code
    table, _ = _name_table()
    return table.get(name_key(text))


def country_name(iso3: str) -> str:
    """The English short name of an alpha-3 code (the code itself when unknown)."""
    found = pycountry.countries.get(alpha_3=(iso3 or "").upper()) if iso3 else None
    return str(found.name) if found is not None else iso3


def display_name(iso3: str) -> str:
    """The English name a person would write for an alpha-3 code, without a comma ('South Korea', 'Bolivia',
    'British Virgin Islands'), so that it can stand in a comma-separated list; the code itself when unknown."""
    found = pycountry.countries.get(alpha_3=(iso3 or "").upper()) if iso3 else None
    if found is None:
        return iso3
    head, _, tail = str(found.name).partition(",")
    for name in (
        getattr(found, "common_name", ""),
        found.name,
        getattr(found, "official_name", ""),
        f"{tail.strip()} {head.strip()}",
    ):
        if name and "," not in name:
            return str(name).removeprefix("the ").removeprefix("The ")
    return str(found.name)


@cache
def display_names() -> tuple[str, ...]:
    """The English names of every country, as offered while a person types (sorted)."""
    return tuple(sorted((display_name(str(c.alpha_3)) for c in pycountry.countries), key=name_key))


def suggest_countries(value: str, *, limit: int = 3) -> tuple[str, ...]:
    """The English names of the countries whose names (in any language) come closest to what was written; for
    a name several countries answer to, all of them."""
    key = name_key(value)
    if not key:
        return ()
    table, ambiguous = _name_table()
    if key in ambiguous:
        return tuple(display_name(code) for code in sorted(ambiguous[key]))
    # Only names about as close as the closest one: one letter off in 'Germny' should not bring up Guernsey.
    close = difflib.get_close_matches(key, list(table), n=20, cutoff=SUGGESTION_CUTOFF)
    best = difflib.SequenceMatcher(None, key, close[0]).ratio() if close else 0.0
    codes: list[str] = []
    for name in close:
        if difflib.SequenceMatcher(None, key, name).ratio() < best - 0.1:
            break
        if table[name] not in codes:
            codes.append(table[name])
    return tuple(display_name(code) for code in codes[:limit])


class UnknownCountry(ValueError):
    """A value no country answers to (or more than one does), with the closest names hrdd knows."""

    def __init__(self, value: str, suggestions: tuple[str, ...] = (), *, ambiguous: bool = False) -> None:
        self.value = value
        self.suggestions = suggestions
        self.ambiguous = ambiguous
        if ambiguous:
            message = f"'{value}' names more than one country: " + " or ".join(suggestions)
        else:
            hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
            message = f"'{value}' is not a country hrdd knows{hint}"
        super().__init__(message)


def resolve_country(value: str) -> str:
    """The alpha-3 code of a code or a name in any language ('' for blank); UnknownCountry when no country, or
    more than one, answers to it."""
    code = to_iso3(value)
    if code is not None:
        return code
    text = " ".join((value or "").split())
    _, ambiguous = _name_table()
    raise UnknownCountry(text, suggest_countries(text), ambiguous=name_key(text) in ambiguous)


def unknown_country_text(exc: UnknownCountry, translate: Callable[[str], str] = str) -> str:
    """What a person is told about a value no country (or more than one) answers to: the value and the closest
    names. The field is named where the message is shown: beside the field and in the form's summary, by the
    API's `field` and by the command line's option. `translate` gives the texts in the reader's language."""
    _ = translate
    values = {"value": exc.value, "choices": _(" or ").join(exc.suggestions)}
    if exc.ambiguous:
        return _("“%(value)s” names more than one country; write %(choices)s.") % values
    if exc.suggestions:
        return _("“%(value)s” is not a country hrdd knows. Did you mean %(choices)s?") % values
    return _("“%(value)s” is not a country hrdd knows. Write its name or its ISO code (e.g. DE).") % values
