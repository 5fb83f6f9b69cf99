"""Smelter countries as the templates write them, read as ISO 3166-1 alpha-3 codes.

The Smelter List's country dropdown is the templates' own list: ISO short names in capitals, some inverted
("CONGO, DEMOCRATIC REPUBLIC OF THE", "KOREA, REPUBLIC OF", "TAIWAN, PROVINCE OF CHINA") and one with a footnote
mark ("WESTERN SAHARA *"). The list carries each name's ISO alpha-2 code, so a chosen name is read by that code,
never by guessing from the words. A name typed instead of chosen is read like any country a person writes
(hrdd.domain.countries), the inverted form the right way round too.
"""

from __future__ import annotations

from functools import cache

from hrdd.domain.countries import to_iso3
from hrdd.domain.rmi.layouts import template_country_codes


def _key(value: str) -> str:
    return " ".join(value.replace("*", " ").split()).casefold()


@cache
def _listed() -> dict[str, str]:
    found: dict[str, str] = {}
    for alpha2, name in template_country_codes():
        iso3 = to_iso3(alpha2)
        if iso3:
            found[_key(name)] = iso3
    return found


def smelter_country_iso3(value: str | None) -> str | None:
    """The alpha-3 code of a country as a template gives it: '' for blank, None when no single country answers
    to it."""
    text = " ".join((value or "").split())
    if not text:
        return ""
    listed = _listed().get(_key(text))
    if listed:
        return listed
    candidates = [text]
    head, comma, tail = text.partition(",")
    if comma and tail.strip():
        candidates.append(f"{tail.strip()} {head.strip()}")
    for candidate in candidates:
        code = to_iso3(candidate)
        if code:
            return code
    return None


@cache
def _names_by_iso3() -> dict[str, str]:
    found: dict[str, str] = {}
    for alpha2, name in template_country_codes():
        iso3 = to_iso3(alpha2)
        if iso3:
            found.setdefault(iso3, name)
    return found


def template_country_name(iso3: str) -> str | None:
    """The name the templates' country dropdown gives an alpha-3 code (what a template-shaped file must hold),
    None when the list has no such country."""
    return _names_by_iso3().get((iso3 or "").upper())
