"""Parse the buyer's adjustments from a query string or form, naming the field at fault."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.domain.risk import Adjustments, InvalidAdjustment


def _codes(values: list[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for value in values:
        for part in value.replace(";", ",").split(","):
            code = part.strip().upper()
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


QUERY_FIELDS = {"exclude_countries": "exclude_country", "manufacturing_countries": "manufacturing_countries"}


def adjustments_from_query(data) -> Adjustments:  # type: ignore[no-untyped-def]
    """Build checked Adjustments from GET/POST data: exclude_component, add_component (name: materials),
    exclude_material, add_material, exclude_country, add_country (material:ISO3), manufacturing_countries.
    Raises InvalidAdjustment."""
    extra_countries: dict[str, list[str]] = {}
    for value in data.getlist("add_country"):
        if not value.strip():
            continue
        material, sep, codes = value.partition(":")
        if not sep or not material.strip():
            raise InvalidAdjustment(_("write material:ISO3, e.g. cobalt:ZMB"), field="add_country")
        extra_countries.setdefault(material.strip().lower(), []).extend(_codes([codes]))
    extra_components: dict[str, tuple[str, ...]] = {}
    for value in data.getlist("add_component"):
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
    manufacturing_raw = [v for v in data.getlist("manufacturing_countries") if v.strip()]
    adjustments = Adjustments(
        exclude_components=frozenset(v for v in data.getlist("exclude_component") if v),
        extra_components=extra_components,
        exclude_materials=frozenset(v for v in data.getlist("exclude_material") if v),
        extra_materials=_names(data.getlist("add_material")),
        exclude_countries=frozenset(_codes(data.getlist("exclude_country"))),
        extra_countries={k: tuple(v) for k, v in extra_countries.items()},
        manufacturing_countries=(_codes(manufacturing_raw) if manufacturing_raw else None),
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


def adjustments_query(adjustments: Adjustments) -> list[tuple[str, str]]:
    """Return the adjustments as query parameters (the inverse of adjustments_from_query)."""
    params = [("exclude_component", c) for c in sorted(adjustments.exclude_components)]
    params += [
        ("add_component", f"{component}: {', '.join(materials)}")
        for component, materials in sorted(adjustments.extra_components.items())
    ]
    params += [("exclude_material", m) for m in sorted(adjustments.exclude_materials)]
    params += [("add_material", m) for m in adjustments.extra_materials]
    params += [("exclude_country", c) for c in sorted(adjustments.exclude_countries)]
    params += [
        ("add_country", f"{material}:{code}")
        for material, codes in sorted(adjustments.extra_countries.items())
        for code in codes
    ]
    if adjustments.manufacturing_countries is not None:
        params.append(("manufacturing_countries", ",".join(adjustments.manufacturing_countries)))
    return params


class CheckForm(forms.Form):
    document = forms.FileField(label=gettext_lazy("Supplier's risk assessment (DOCX, PDF or text)"))
