"""The buyer's adjustments read from named lists of texts, without Django (hrdd.domain.risk_adjustments)."""

import pytest

from hrdd.domain.risk import InvalidAdjustment
from hrdd.domain.risk_adjustments import parse_adjustments


def _getlist(**fields):
    return lambda name: list(fields.get(name, ()))


def test_every_field_is_read_and_countries_are_resolved_from_names_or_codes():
    # when
    adjustments = parse_adjustments(
        _getlist(
            exclude_component=["display"],
            add_component=["battery pack: Cobalt, lithium"],
            exclude_material=["gold"],
            add_material=["Tin; tin", ""],
            exclude_country=["China, COD"],
            add_country=["cobalt: Zambia"],
            manufacturing_countries=["Viet Nam"],
        )
    )

    # then
    assert adjustments.exclude_components == frozenset({"display"})
    assert adjustments.extra_components == {"battery pack": ("cobalt", "lithium")}
    assert adjustments.exclude_materials == frozenset({"gold"})
    assert adjustments.extra_materials == ("tin",)
    assert adjustments.exclude_countries == frozenset({"CHN", "COD"})
    assert adjustments.extra_countries == {"cobalt": ("ZMB",)}
    assert adjustments.manufacturing_countries == ("VNM",)


def test_nothing_given_is_no_adjustment():
    adjustments = parse_adjustments(_getlist())

    assert adjustments.manufacturing_countries is None
    assert not adjustments.exclude_countries and not adjustments.extra_components


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"exclude_country": ["Germny"]}, "exclude_country", "Germany"),
        ({"add_country": ["Zambia"]}, "add_country", "material: country"),
        ({"add_component": ["battery pack"]}, "add_component", "component: material"),
        ({"manufacturing_countries": ["Atlantis"]}, "manufacturing_countries", "Atlantis"),
    ],
)
def test_a_wrong_value_names_its_field(fields, field, words):
    with pytest.raises(InvalidAdjustment) as refused:
        parse_adjustments(_getlist(**fields))

    assert refused.value.field == field
    assert words in refused.value.message


def test_messages_pass_through_the_callers_translation():
    with pytest.raises(InvalidAdjustment) as refused:
        parse_adjustments(_getlist(add_country=["Zambia"]), gettext=str.upper)

    assert refused.value.message == "WRITE MATERIAL: COUNTRY, E.G. COBALT: ZAMBIA (OR COBALT:ZMB)"
