"""Company names compare by their normalised form; identifiers are checked for the format their issuer gives."""

import pytest

from hrdd.domain.companies import (
    CompanyInputError,
    GroupLink,
    clean_identifiers,
    normalise_company_name,
    parent_creates_cycle,
    validate_duns,
    validate_lei,
    validate_os_id,
    validate_registration_number,
    validate_rmi_cid,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme B.V.", "ACME bv"),
        ("Acme Computers Inc.", "acme computers"),
        ("Société Générale S.A.", "Societe Generale"),
        ("Foxconn & Co. Ltd", "Foxconn"),
        ("  Lumen   Computers  GmbH ", "Lumen Computers"),
    ],
)
def test_spellings_of_one_company_normalise_alike(a, b):
    assert normalise_company_name(a) == normalise_company_name(b)


@pytest.mark.parametrize(("a", "b"), [("Acme", "Acme Computers"), ("Procter and Gamble", "Procter")])
def test_different_names_stay_different(a, b):
    assert normalise_company_name(a) != normalise_company_name(b)


def test_a_name_that_is_only_a_legal_form_is_kept():
    assert normalise_company_name("Ltd") == "ltd"


def test_a_valid_lei_is_accepted_in_canonical_form():
    # given an LEI with spaces and lower case (the check digits of GLEIF's own LEI)
    assert validate_lei("5493 001k jtii gc8y 1r12") == "5493001KJTIIGC8Y1R12"


@pytest.mark.parametrize("value", ["5493001KJTIIGC8Y1R13", "5493001KJTIIGC8Y1R1", "5493001KJTIIGC8Y1RAB"])
def test_an_lei_with_wrong_check_digits_or_length_is_refused_naming_the_field(value):
    with pytest.raises(CompanyInputError) as refused:
        validate_lei(value)
    assert refused.value.field == "lei"
    assert value in str(refused.value)


@pytest.mark.parametrize(
    ("validate", "good", "canonical", "bad", "field"),
    [
        (validate_duns, "15-048-3782", "150483782", "15048378", "duns"),
        (validate_rmi_cid, "cid001070", "CID001070", "CID1070", "rmi_cid"),
        (validate_os_id, "CN2019303BQ3FZP", "CN2019303BQ3FZP", "CN2019303BQ3FZ", "os_id"),
        (
            validate_registration_number,
            "NL 8532.12.345.B01",
            "NL853212345B01",
            "ABCDEFG",
            "registration_number",
        ),
    ],
)
def test_identifiers_are_checked_for_their_format(validate, good, canonical, bad, field):
    assert validate(good) == canonical
    with pytest.raises(CompanyInputError) as refused:
        validate(bad)
    assert refused.value.field == field


def test_blank_identifiers_stay_blank_and_an_unknown_one_is_refused():
    assert clean_identifiers({"lei": "", "duns": " "}) == {"lei": "", "duns": ""}
    with pytest.raises(CompanyInputError) as refused:
        clean_identifiers({"dnus": "150483782"})
    assert refused.value.field == "dnus"


def test_a_company_cannot_become_the_parent_of_its_own_parent():
    # given group 1 <- entity 2 <- plant 3
    links = [GroupLink(1, None), GroupLink(2, 1), GroupLink(3, 2)]
    # then making 3 the parent of 1 would close a loop, making 1 the parent of 3 does not
    assert parent_creates_cycle(1, 3, links)
    assert not parent_creates_cycle(3, 1, links)
    assert parent_creates_cycle(2, 2, links)
