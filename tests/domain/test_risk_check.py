"""Checking a supplier's risk assessment against the minimum contents of award criterion 1: at least one key
component, two raw materials, one sourcing country and three human-rights risks, each finding with the
sentences it was found in."""

import json

import pytest

from hrdd.domain.risk_check import check_risk_assessment, split_sentences

# A hand-written English sample: 2 components, 3 materials (a lithium-ion battery names lithium), 3 countries,
# 4 risk categories.
S1 = "Our notebooks contain a lithium-ion battery and a printed circuit board."
S2 = "The battery cells use cobalt, most of which is mined in the Democratic Republic of the Congo."
S3 = "The circuit board is soldered with tin from Indonesia and China."
S4 = "Artisanal cobalt mines in the DRC are known for child labour and for fatal accidents."
S5 = "Tin mining in Indonesia has caused water pollution and the displacement of fishing communities."
S6 = "We ask our smelters to report on forced labour."
ENGLISH_SAMPLE = " ".join((S1, S2, S3, S4, S5, S6))

# The same kind of text naming only two risks (child labour; toxic chemicals = health and safety).
TWO_RISKS_SAMPLE = (
    "Our smartphones contain a battery with cobalt and lithium. "
    "The cobalt comes from the Democratic Republic of the Congo and the lithium from Chile. "
    "Cobalt mining there involves child labour. "
    "Workers are also exposed to toxic chemicals."
)

DUTCH_SAMPLE = (
    "De batterij van de laptop bevat kobalt en koper uit de Democratische Republiek Congo. "
    "In de kobaltmijnen komt kinderarbeid voor. "
    "Er zijn ook meldingen van dwangarbeid en vervuiling van rivieren."
)

FRENCH_SENTENCE = "La batterie contient du cobalt de la République démocratique du Congo, où le travail des enfants est fréquent."


def ids(findings):
    return [f.id for f in findings]


def finding(findings, concept):
    return next(f for f in findings if f.id == concept)


def requirement(check, name):
    return next(r for r in check.requirements if r.name == name)


# --- the hand-written English sample ----------------------------------------------------------------------


def test_the_sample_is_split_into_its_six_sentences():
    # when
    sentences = split_sentences(ENGLISH_SAMPLE)

    # then
    assert sentences == [S1, S2, S3, S4, S5, S6]


def test_the_english_sample_meets_the_minimum_contents():
    # when
    check = check_risk_assessment(ENGLISH_SAMPLE)

    # then
    assert check.meets_minimum is True
    assert [(r.name, r.required, r.found, r.met) for r in check.requirements] == [
        ("key components", 1, 2, True),
        ("raw materials", 2, 3, True),
        ("sourcing countries", 1, 3, True),
        ("human-rights risks", 3, 4, True),
    ]


def test_the_english_sample_names_its_components_materials_countries_and_risks():
    # when
    check = check_risk_assessment(ENGLISH_SAMPLE)

    # then
    assert ids(check.components) == ["battery", "printed circuit board"]
    assert ids(check.raw_materials) == ["cobalt", "lithium", "tin"]
    assert ids(check.countries) == ["CHN", "COD", "IDN"]
    assert ids(check.risks) == [
        "child_labour",
        "community_rights",
        "forced_labour",
        "occupational_health_safety",
    ]


def test_each_finding_carries_the_exact_sentences_it_was_found_in():
    # when
    check = check_risk_assessment(ENGLISH_SAMPLE)

    # then
    assert finding(check.components, "battery").sentences == (S1, S2)
    assert finding(check.components, "printed circuit board").sentences == (S1, S3)
    assert finding(check.raw_materials, "cobalt").sentences == (S2, S4)
    assert finding(check.raw_materials, "tin").sentences == (S3, S5)
    assert finding(check.countries, "COD").sentences == (S2, S4)
    assert finding(check.countries, "IDN").sentences == (S3, S5)
    assert finding(check.countries, "CHN").sentences == (S3,)
    assert finding(check.risks, "child_labour").sentences == (S4,)
    assert finding(check.risks, "occupational_health_safety").sentences == (S4,)
    assert finding(check.risks, "community_rights").sentences == (S5,)
    assert finding(check.risks, "forced_labour").sentences == (S6,)


def test_each_finding_says_which_words_matched():
    # when
    check = check_risk_assessment(ENGLISH_SAMPLE)

    # then: the full name and the abbreviation both count for the DRC
    assert set(finding(check.countries, "COD").matched) == {"democratic republic of the congo", "drc"}
    assert set(finding(check.risks, "community_rights").matched) == {"water pollution", "displacement"}


def test_the_json_form_keeps_the_verdict_and_the_sentences():
    # when
    data = json.loads(json.dumps(check_risk_assessment(ENGLISH_SAMPLE).as_dict()))

    # then
    assert data["meets_minimum"] is True
    cobalt = next(f for f in data["raw_materials"] if f["id"] == "cobalt")
    assert cobalt["sentences"] == [S2, S4]


# --- a sample naming only two risks ----------------------------------------------------------------------


def test_a_sample_naming_only_two_risks_does_not_meet_the_minimum():
    # when
    check = check_risk_assessment(TWO_RISKS_SAMPLE)

    # then
    assert check.meets_minimum is False
    risks = requirement(check, "human-rights risks")
    assert (risks.found, risks.met) == (2, False)
    assert ids(check.risks) == ["child_labour", "occupational_health_safety"]


def test_a_sample_naming_only_two_risks_meets_the_other_requirements():
    # when
    check = check_risk_assessment(TWO_RISKS_SAMPLE)

    # then
    assert requirement(check, "key components").met is True
    assert requirement(check, "raw materials").met is True
    assert requirement(check, "sourcing countries").met is True
    assert ids(check.countries) == ["CHL", "COD"]


# --- other languages --------------------------------------------------------------------------------------


def test_a_dutch_sample_finds_the_material_the_country_and_the_risks():
    # when
    check = check_risk_assessment(DUTCH_SAMPLE)

    # then
    assert ids(check.components) == ["battery"]
    assert ids(check.raw_materials) == ["cobalt", "copper"]
    assert ids(check.countries) == ["COD"]
    assert ids(check.risks) == ["child_labour", "community_rights", "forced_labour"]
    assert check.meets_minimum is True


def test_a_french_sentence_finds_the_material_the_country_and_the_risk():
    # when
    check = check_risk_assessment(FRENCH_SENTENCE)

    # then
    assert ids(check.raw_materials) == ["cobalt"]
    assert ids(check.countries) == ["COD"]
    assert ids(check.risks) == ["child_labour"]
    assert finding(check.risks, "child_labour").sentences == (FRENCH_SENTENCE,)


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Indonesien", "IDN"),  # German
        ("Chine", "CHN"),  # French
        ("Perú", "PER"),  # Spanish
        ("Pérou", "PER"),  # French
        ("Duitsland", "DEU"),  # Dutch
        ("Demokratische Republik Kongo", "COD"),  # German
        ("Südkorea", "KOR"),  # German, from the vocabulary's own aliases
    ],
)
def test_a_country_name_in_another_language_maps_to_its_iso3_code(name, iso3):
    # when
    check = check_risk_assessment(f"Tin is bought from {name}.")

    # then
    assert ids(check.countries) == [iso3]


def test_country_names_are_matched_without_regard_to_accents_or_upper_case():
    # when
    check = check_risk_assessment("Tin is bought from PEROU and from Perú.")

    # then
    assert ids(check.countries) == ["PER"]
    assert set(finding(check.countries, "PER").matched) == {"perou", "peru"}


def test_a_country_name_written_in_lower_case_is_taken_for_an_ordinary_word():
    # when: names of countries are proper nouns
    check = check_risk_assessment("The chip and the island cost more in peru than elsewhere.")

    # then
    assert check.countries == ()


# --- whole words only -------------------------------------------------------------------------------------


def test_nigeria_is_not_taken_for_niger():
    # when
    check = check_risk_assessment("Cobalt is shipped through Nigeria.")

    # then
    assert ids(check.countries) == ["NGA"]


def test_niger_is_found_on_its_own():
    # when
    check = check_risk_assessment("Cobalt is shipped through Niger.")

    # then
    assert ids(check.countries) == ["NER"]


def test_tinned_is_not_taken_for_tin():
    # when
    check = check_risk_assessment("The cobalt is shipped in tinned containers.")

    # then
    assert ids(check.raw_materials) == ["cobalt"]


def test_a_longer_country_name_wins_over_the_shorter_name_inside_it():
    # when
    check = check_risk_assessment("Coal comes from the Democratic People's Republic of Korea.")

    # then
    assert ids(check.countries) == ["PRK"]


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The chip on the main board contains gold.", "chip"),  # Haitian Creole for Cyprus
        ("Tin is mined on an island off the coast.", "island"),  # German and Nordic for Iceland
        ("Am Ende der Lieferkette steht die Montage.", "ende"),  # German 'end'; a name of India
        ("Cada proveedor debe informar sobre el trabajo infantil.", "cada"),  # Spanish 'each'; a name of Chad
    ],
)
def test_an_ordinary_word_of_the_vocabularys_languages_is_not_taken_for_a_country(text, word):
    # when
    check = check_risk_assessment(text)

    # then
    assert ids(check.countries) == [], f"{word!r} was taken for a country"


def test_a_text_naming_no_country_does_not_meet_the_sourcing_countries_requirement():
    # given: a component, two materials and three risks, but no country; "chip" is in the component vocabulary
    text = (
        "The chip in the laptop contains gold and tin. "
        "Its supply chain carries risks of child labour, forced labour and pollution."
    )

    # when
    check = check_risk_assessment(text)

    # then
    assert requirement(check, "sourcing countries").met is False
    assert check.meets_minimum is False


# --- an empty text -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n  "])
def test_an_empty_text_meets_no_requirement_and_finds_nothing(text):
    # when
    check = check_risk_assessment(text)

    # then
    assert check.meets_minimum is False
    assert [(r.found, r.met) for r in check.requirements] == [(0, False)] * 4
    assert check.components == check.raw_materials == check.countries == check.risks == ()
