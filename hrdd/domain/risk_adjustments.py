"""The buyer's adjustments to a product's bill of materials, read from named lists of texts: a query string, a
page form or the command line's options. Errors name the field as the form and the query string call it.

Django-free, so that the command line rates a product without starting Django. Messages pass through the
`gettext` the caller gives (the pages give Django's, for the reader's language; the command line writes English).
"""

from __future__ import annotations

from collections.abc import Callable

from hrdd.domain.countries import UnknownCountry, resolve_country, unknown_country_text
from hrdd.domain.risk import Adjustments, InvalidAdjustment

Translate = Callable[[str], str]
GetList = Callable[[str], list[str]]

# Adjustments' attribute names, as the form and the query string call those fields
QUERY_FIELDS = {"exclude_countries": "exclude_country", "manufacturing_countries": "manufacturing_countries"}


def _untranslated(text: str) -> str:
    return text


def _codes(values: list[str], *, field: str, gettext: Translate) -> tuple[str, ...]:
    """The ISO 3166-1 alpha-3 codes of countries written as codes or names in any language, separated by commas
    or semicolons; InvalidAdjustment names the field and the closest names of one no country answers to."""
    codes: list[str] = []
    for value in values:
        for part in value.replace(";", ",").split(","):
            try:
                code = resolve_country(part)
            except UnknownCountry as exc:
                raise InvalidAdjustment(unknown_country_text(exc, gettext), field=field) from exc
            if code and code not in codes:
                codes.append(code)
    return tuple(codes)


def _names(values: list[str]) -> tuple[str, ...]:
    names: list[str] = []
    for value in values:
        for part in value.replace(";", ",").split(","):
            name = part.strip().lower()
            if name and name not in names:
                names.append(name[:60])
    return tuple(names)


def parse_adjustments(getlist: GetList, *, gettext: Translate = _untranslated) -> Adjustments:
    """Build checked Adjustments from the values of the fields exclude_component, add_component (name:
    materials), exclude_material, add_material, exclude_country, add_country (material:ISO3) and
    manufacturing_countries, as `getlist(field)` returns them. Raises InvalidAdjustment naming the field."""
    _ = gettext
    extra_countries: dict[str, list[str]] = {}
    for value in getlist("add_country"):
        if not value.strip():
            continue
        material, sep, codes = value.partition(":")
        if not sep or not material.strip():
            raise InvalidAdjustment(
                _("write material: country, e.g. cobalt: Zambia (or cobalt:ZMB)"), field="add_country"
            )
        extra_countries.setdefault(material.strip().lower(), []).extend(
            _codes([codes], field="add_country", gettext=gettext)
        )
    extra_components: dict[str, tuple[str, ...]] = {}
    for value in getlist("add_component"):
        if not value.strip():
            continue
        component, sep, materials = value.partition(":")
        names = _names([materials])
        if not sep or not component.strip() or not names:
            raise InvalidAdjustment(
                _("write component: material, material, e.g. battery pack: cobalt, lithium"),
                field="add_component",
            )
        extra_components[component.strip()[:80]] = names
    manufacturing_raw = [v for v in getlist("manufacturing_countries") if v.strip()]
    adjustments = Adjustments(
        exclude_components=frozenset(v for v in getlist("exclude_component") if v),
        extra_components=extra_components,
        exclude_materials=frozenset(v for v in getlist("exclude_material") if v),
        extra_materials=_names(getlist("add_material")),
        exclude_countries=frozenset(
            _codes(getlist("exclude_country"), field="exclude_country", gettext=gettext)
        ),
        extra_countries={k: tuple(v) for k, v in extra_countries.items()},
        manufacturing_countries=(
            _codes(manufacturing_raw, field="manufacturing_countries", gettext=gettext)
            if manufacturing_raw
            else None
        ),
    )
    try:
        adjustments.validate()
    except InvalidAdjustment as exc:  # name the field as the form and the query string call it
        field = (
            "add_country"
            if exc.field.startswith("extra_countries")
            else QUERY_FIELDS.get(exc.field, exc.field)
        )
        raise InvalidAdjustment(exc.message, field=field) from exc
    return adjustments
