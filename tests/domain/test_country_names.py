"""A country is read from its ISO code or its name in any language pycountry knows (hrdd.domain.countries)."""

import pytest

from hrdd.domain.countries import (
    UnknownCountry,
    display_name,
    display_names,
    resolve_country,
    suggest_countries,
    to_iso3,
)


@pytest.mark.parametrize(
    ("written", "iso3"),
    [
        ("Deutschland", "DEU"),  # German
        ("Chine", "CHN"),  # French
        ("中国", "CHN"),  # Chinese
        ("Viet Nam", "VNM"),  # pycountry's English name
        ("Vietnam", "VNM"),  # its common name
        ("Duitsland", "DEU"),  # Dutch
        ("España", "ESP"),
        ("Indonesien", "IDN"),
        ("日本", "JPN"),
    ],
)
def test_a_country_name_in_any_language_gives_its_alpha_3_code(written, iso3):
    assert resolve_country(written) == iso3


@pytest.mark.parametrize(("written", "iso3"), [("DEU", "DEU"), ("deu", "DEU"), ("DE", "DEU"), ("cn", "CHN")])
def test_an_alpha_3_or_alpha_2_code_in_any_case_is_still_accepted(written, iso3):
    assert resolve_country(written) == iso3


@pytest.mark.parametrize(
    ("written", "iso3"),
    [
        ("  viet   nam ", "VNM"),
        ("VIETNAM", "VNM"),
        ("Côte d’Ivoire", "CIV"),
        ("cote d'ivoire", "CIV"),
        ("Cote d Ivoire", "CIV"),
        ("the Netherlands", "NLD"),
        ("Guinea Bissau", "GNB"),
    ],
)
def test_case_accents_punctuation_spacing_and_a_leading_the_do_not_matter(written, iso3):
    assert resolve_country(written) == iso3


@pytest.mark.parametrize(
    ("written", "iso3"),
    [("Russia", "RUS"), ("Turkey", "TUR"), ("UK", "GBR"), ("DRC", "COD"), ("Czech Republic", "CZE")],
)
def test_everyday_english_names_pycountry_leaves_out_are_known(written, iso3):
    assert resolve_country(written) == iso3


def test_an_inverted_english_name_is_read_like_pycountrys_own():
    # pycountry writes 'Korea, Republic of' and 'Congo, The Democratic Republic of the'
    assert resolve_country("Republic of Korea") == "KOR"
    assert resolve_country("Democratic Republic of the Congo") == "COD"


def test_niger_and_nigeria_stay_apart():
    assert (resolve_country("Niger"), resolve_country("Nigeria")) == ("NER", "NGA")


def test_a_blank_value_is_no_country_and_no_error():
    assert resolve_country("   ") == ""
    assert to_iso3("") == ""


def test_an_unknown_name_is_refused_with_the_closest_names():
    # when
    with pytest.raises(UnknownCountry) as caught:
        resolve_country("Germny")

    # then
    assert caught.value.value == "Germny"
    assert caught.value.suggestions == ("Germany",)
    assert str(caught.value) == "'Germny' is not a country hrdd knows; did you mean Germany?"


def test_a_misspelt_name_in_another_language_suggests_the_english_name():
    assert suggest_countries("Deutschlnd") == ("Germany",)


def test_a_name_far_from_every_country_suggests_nothing():
    # when
    with pytest.raises(UnknownCountry) as caught:
        resolve_country("Atlantis")

    # then
    assert caught.value.suggestions == ()
    assert str(caught.value) == "'Atlantis' is not a country hrdd knows"


def test_a_code_that_is_no_country_is_refused():
    with pytest.raises(UnknownCountry):
        resolve_country("QQ")
    assert to_iso3("XXX") is None


def test_a_name_two_countries_answer_to_is_refused_naming_both():
    # when: 'Korea' is the part before the comma of both Koreas' names
    with pytest.raises(UnknownCountry) as caught:
        resolve_country("Korea")

    # then
    assert caught.value.ambiguous
    assert set(caught.value.suggestions) == {"South Korea", "North Korea"}
    assert to_iso3("Korea") is None


def test_the_names_offered_while_typing_are_english_without_commas():
    names = display_names()
    assert len(names) == 249
    assert {"Germany", "South Korea", "Democratic Republic of the Congo", "Bolivia", "Vietnam"} <= set(names)
    assert not [n for n in names if "," in n]


def test_every_name_offered_reads_back_as_its_country():
    for name in display_names():
        iso3 = to_iso3(name)
        assert iso3, name
        assert display_name(iso3) == name
