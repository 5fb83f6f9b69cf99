"""Smelter countries as the templates' dropdown writes them come back as ISO alpha-3 codes."""

import pytest

from hrdd.domain.countries import to_iso3
from hrdd.domain.rmi import smelter_country_iso3, template_country_codes, template_country_name
from hrdd.rmi.workbook import ReadLimits, read_template_file
from tests.domain.rmi.workbooks import FACTS, build

LIMITS = ReadLimits(25 * 2**20, 2000, 100 * 2**20, 100, 2**20, 50_000)


@pytest.mark.parametrize(
    ("written", "iso3"),
    [
        ("CONGO, DEMOCRATIC REPUBLIC OF THE", "COD"),
        ("CONGO", "COG"),
        ("KOREA, REPUBLIC OF", "KOR"),
        ("KOREA (DEMOCRATIC PEOPLE'S REPUBLIC OF)", "PRK"),
        ("TAIWAN, PROVINCE OF CHINA", "TWN"),
        ("TANZANIA, UNITED REPUBLIC OF", "TZA"),
        ("WESTERN SAHARA *", "ESH"),
        ("CÔTE D'IVOIRE", "CIV"),
        ("UNITED STATES OF AMERICA", "USA"),
        ("  congo,  democratic republic of the ", "COD"),
    ],
)
def test_a_name_of_the_templates_list_is_read_by_its_iso_code(written, iso3):
    assert smelter_country_iso3(written) == iso3


def test_every_name_of_the_templates_list_has_an_iso_code():
    # given the list the Smelter List's dropdown offers
    pairs = template_country_codes()
    # then every name reads as the country its own alpha-2 code names
    assert len(pairs) > 240
    misread = [name for code, name in pairs if smelter_country_iso3(name) != to_iso3(code)]
    assert misread == []


def test_a_typed_country_is_read_like_any_country_and_the_inverted_form_the_right_way_round():
    assert smelter_country_iso3("Democratic Republic of the Congo") == "COD"
    assert smelter_country_iso3("Germany") == "DEU"
    assert smelter_country_iso3("Bolivia, Plurinational State of") == "BOL"


def test_a_code_is_written_back_as_the_templates_list_spells_it():
    assert template_country_name("COD") == "CONGO, DEMOCRATIC REPUBLIC OF THE"
    assert template_country_name("chn") == "CHINA"
    assert template_country_name("XKX") is None


def test_blank_is_empty_and_unknown_is_none():
    assert smelter_country_iso3("") == ""
    assert smelter_country_iso3(None) == ""
    assert smelter_country_iso3("Atlantis") is None


@pytest.mark.skipif(FACTS is None, reason="../shared/reference/rmi is absent")
def test_the_reader_reports_the_iso_code_of_a_smelter_and_of_its_mine():
    # given an EMRT naming a refiner in the DRC, its ore mined in Zambia, and one in a country nobody knows
    smelters = [
        {
            "metal": "Cobalt",
            "lookup": "Smelter not listed",
            "name": "Lualaba Cobalt Works",
            "country": "CONGO, DEMOCRATIC REPUBLIC OF THE",
            "mine_country": "ZAMBIA",
        },
        {"metal": "Cobalt", "lookup": "Smelter not listed", "name": "Nowhere Works", "country": "ATLANTIS"},
    ]
    # when it is read
    reading = read_template_file(build("EMRT 2.1", smelters=smelters), name="e.xlsx", limits=LIMITS)
    # then
    first, second = reading.smelters
    assert (first.country, first.country_iso3, first.mine_country_iso3) == (
        "CONGO, DEMOCRATIC REPUBLIC OF THE",
        "COD",
        "ZMB",
    )
    assert second.country_iso3 is None
    assert reading.to_json()["smelters"][0]["country_iso3"] == "COD"
