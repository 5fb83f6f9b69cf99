"""Country names and codes read one way everywhere: ISO 3166-1 alpha-3 is what hrdd stores."""

from __future__ import annotations

import pycountry


def to_iso3(value: str) -> str | None:
    """The alpha-3 code of an alpha-2/alpha-3 code or an English name; '' for blank, None when unknown."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) in (2, 3):
        code = text.upper()
        found = (
            pycountry.countries.get(alpha_2=code) if len(code) == 2 else pycountry.countries.get(alpha_3=code)
        )
        if found is not None:
            return str(found.alpha_3)
    try:
        return str(pycountry.countries.lookup(text).alpha_3)
    except LookupError:
        return None


def country_name(iso3: str) -> str:
    """The English short name of an alpha-3 code (the code itself when unknown)."""
    found = pycountry.countries.get(alpha_3=(iso3 or "").upper()) if iso3 else None
    return str(found.name) if found is not None else iso3
