"""Normalisation: what two spellings of one site have in common, and the numbers that must agree."""

import pytest

from hrdd.domain.sitematch.normalise import city_key, normalise_site


def _name(name: str, city: str = "", country: str = "CHN") -> str:
    return normalise_site(key="x", name=name, city=city, country=country).name


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hon Hai Precision Industry Co., Ltd.", "HON HAI PRECISION IND CO LTD"),
        ("Jabil Circuit Sdn. Bhd.", "Jabil Circuit SDN BHD"),
        ("Foxconn Czech s.r.o.", "Foxconn Czech spol. s r.o."),
        ("Flextronics Manufacturing S.A. de C.V.", "Flextronics Manufacturing S de RL de CV"),
        ("Wistron InfoComm Pvt. Ltd.", "Wistron Infocomm Private Limited"),
        ("Zollner Elektronik Kft.", "ZOLLNER ELEKTRONIK KFT"),
        ("Bosch Car Multimedia GmbH", "Bosch Car Multimedia"),
        ("Delta Electronics (Thailand) Public Company Limited", "Delta Electronics Thailand PCL"),
        ("Cong ty TNHH Samsung Electronics Viet Nam", "Samsung Electronics Vietnam Co., Ltd."),
        ("Ｆｏｘｃｏｎｎ　ｓ．ｒ．ｏ．", "Foxconn s.r.o."),
        ("Nawen Elec. Tech. Co Ltd", "Nawen Electronics Technology Co., Ltd."),
    ],
)
def test_spellings_of_one_name_normalise_alike(one, other):
    assert _name(one) == _name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Shen Zhen", "Shenzhen"),
        ("SHENZHEN SHI", "shenzhen"),
        ("Kun Shan City", "Kunshan"),
        ("HCMC", "Ho Chi Minh City"),
        ("Saigon", "Ho Chi Minh"),
        ("Pulau Pinang", "Penang"),
        ("Bangalore", "Bengaluru"),
        ("Kutná Hora", "Kutna Hora"),
        ("Győr", "GYOR"),
        ("深圳", "Shenzhen"),
    ],
)
def test_transliteration_and_short_forms_of_a_city_read_alike(one, other):
    assert city_key(one) == city_key(other)


def test_a_city_in_the_name_is_taken_out_and_read_as_the_city_when_none_is_given():
    # when
    site = normalise_site(key="x", name="Hon Hai Precision (Kunshan) Co., Ltd.", country="CHN")
    # then
    assert site.name == "hon hai precision"
    assert site.city == "kunshan"


@pytest.mark.parametrize(
    ("address", "words", "numbers"),
    [
        ("No. 18, Xinghua Rd., Longhua Dist.", "xinghua road longhua district", "18"),
        ("18 Xinghua Road, Longhua District", "xinghua road longhua district", "18"),
        ("Bldg 3, No.81 Guanlan Ave.", "building guanlan avenue", "3 81"),
        ("Lot 56, Phase 4, Bayan Lepas Ind. Park", "lot phase industry park", "4 56"),
    ],
)
def test_street_and_district_abbreviations_are_expanded_and_numbers_kept_apart(address, words, numbers):
    site = normalise_site(key="x", name="X", address=address, country="CHN")
    assert site.address == words
    assert site.address_numbers == numbers


def test_a_postal_code_in_the_address_is_not_taken_for_a_street_number():
    site = normalise_site(key="x", name="X", address="No. 18 Xinghua Road, Shenzhen 518109", country="CHN")
    assert (site.address_numbers, site.postal_code) == ("18", "518109")


@pytest.mark.parametrize(
    ("name", "numbers"),
    [
        ("Acme Plant 2", "2"),
        ("Acme Plant II", "2"),
        ("Acme Factory No. 2", "2"),
        ("Acme Plant2", "2"),
        ("Acme", ""),
    ],
)
def test_the_number_of_a_plant_is_read_however_written(name, numbers):
    site = normalise_site(key="x", name=name, country="MEX")
    assert site.name_numbers == numbers
    assert site.name == "acme plant" or numbers == ""


def test_plant_2_and_plant_3_keep_different_numbers_and_18_is_not_81():
    assert (
        normalise_site(key="a", name="Acme Plant 2").name_numbers
        != normalise_site(key="b", name="Acme Plant 3").name_numbers
    )
    one = normalise_site(key="a", name="Acme", address="No. 18 Xinghua Road")
    other = normalise_site(key="b", name="Acme", address="No. 81 Xinghua Road")
    assert one.address_numbers != other.address_numbers


def test_a_name_in_chinese_characters_is_transliterated():
    assert _name("鸿海精密") == "hong hai jing mi"
