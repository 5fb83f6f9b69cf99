"""The text reader for suppliers' texts (hrdd.domain.textread): language, compounds, elisions, country
adjectives and demonyms, false friends, risks in ordinary words, and negation and code-of-conduct wording."""

import pytest

from hrdd.domain.risk_check import check_risk_assessment
from hrdd.domain.textread import LANGUAGES, detect_language, get_lexicon, read_text


def found(text, kind):
    return sorted(read_text(text).found(kind))


def set_aside(text, kind):
    return {concept: ms[0].reason for concept, ms in read_text(text).set_aside(kind).items()}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The battery contains cobalt mined by children in the Congo.", "en"),
        ("De batterij bevat kobalt dat door kinderen in Congo wordt gewonnen.", "nl"),
        ("La batterie contient du cobalt extrait par des enfants au Congo.", "fr"),
        ("Der Akku enthält Kobalt, das im Kongo von Kindern abgebaut wird.", "de"),
    ],
)
def test_the_language_of_a_text_is_detected(text, language):
    assert detect_language(text) == language
    assert read_text(text).language == language


def test_an_empty_text_is_read_as_english_with_nothing_found():
    reading = read_text("")
    assert (reading.language, reading.sentences, reading.mentions) == ("en", (), ())


# --- compounds, elisions, lemmas ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "component"),
    [
        ("De lithium-ionaccu bevat kobalt.", "battery"),
        ("Die Akkupacks enthalten Kobalt.", "battery"),
        ("Das Displaypanel enthält Indium.", "display"),
        ("Die Platinen enthalten Gold.", "printed circuit board"),
    ],
)
def test_dutch_and_german_compounds_are_split_into_their_lexicon_words(text, component):
    assert found(text, "component") == [component]


def test_a_material_at_the_head_of_a_compound_is_found():
    assert found("In den Kobaltminen und Zinnminen arbeiten Kinder.", "raw_material") == ["cobalt", "tin"]


def test_german_platine_is_a_circuit_board_not_platinum():
    text = "Die Platine des Tablets enthält Gold aus Peru."
    assert found(text, "component") == ["printed circuit board"]
    assert found(text, "raw_material") == ["gold"]


def test_german_platin_is_platinum():
    assert found("Der Katalysator enthält Platin aus Südafrika.", "raw_material") == ["platinum"]


def test_french_platine_is_platinum():
    assert found("Le capteur contient du platine d'Afrique du Sud.", "raw_material") == ["platinum"]


def test_french_elisions_are_read():
    text = "La soudure contient de l'étain d'Indonésie et l'or vient du Ghana."
    assert found(text, "raw_material") == ["gold", "tin"]
    assert found(text, "country") == ["GHA", "IDN"]


def test_the_french_conjunction_or_is_not_gold():
    assert found("Or, la batterie contient du cobalt.", "raw_material") == ["cobalt"]


def test_tinned_is_not_tin_but_batteries_is_a_battery():
    assert found("The batteries are shipped in tinned boxes.", "component") == ["battery"]
    assert found("The batteries are shipped in tinned boxes.", "raw_material") == []


# --- countries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Congolese cobalt is refined in Finland.",
        "Kongolesisches Kobalt wird in Finnland raffiniert.",
        "Le cobalt congolais est raffiné en Finlande.",
        "Congolees kobalt wordt in Finland geraffineerd.",
    ],
)
def test_a_country_adjective_names_its_country(text):
    assert found(text, "country") == ["COD", "FIN"]


@pytest.mark.parametrize(
    "text",
    [
        "Das Kobalt stammt aus der Demokratischen Republik Kongo.",
        "Das Kobalt stammt aus der Demokratische Republik Kongo.",
        "Das Kobalt stammt aus der DR Kongo.",
    ],
)
def test_the_democratic_republic_of_the_congo_in_german_is_not_the_republic_of_the_congo(text):
    assert found(text, "country") == ["COD"]


def test_inflected_adjectives_name_their_countries():
    assert found("Chinesische Raffinerien kaufen chilenisches Kupfer.", "country") == ["CHL", "CHN"]
    assert found("Les raffineries chinoises achètent du cuivre chilien.", "country") == ["CHL", "CHN"]


# --- risks in ordinary words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Children are employed in small-scale gold mining.",
        "In de goudmijnen werken kinderen.",
        "Des enfants travaillent dans les mines d'or.",
        "In den Goldminen arbeiten Kinder.",
    ],
)
def test_child_labour_described_in_ordinary_words_is_a_risk(text):
    assert found(text, "risk") == ["child_labour"]


def test_a_risk_described_in_ordinary_words_quotes_its_sentence():
    sentence = "Children are employed in small-scale gold mining in Ghana."
    check = check_risk_assessment(f"The PCB contains gold. {sentence}")
    child = next(f for f in check.risks if f.id == "child_labour")
    assert child.sentences == (sentence,)


# --- negation and code-of-conduct wording -----------------------------------------------------------------


NEGATED = {
    "en": "There is no child labour, no forced labour and no discrimination.",
    "nl": "Er is geen kinderarbeid, geen dwangarbeid en geen discriminatie.",
    "fr": "Il n'y a ni travail des enfants, ni travail forcé, ni discrimination.",
    "de": "Es gibt keine Kinderarbeit, keine Zwangsarbeit und keine Diskriminierung.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_denied_risks_are_not_counted_but_listed_apart(language):
    text = NEGATED[language]
    assert found(text, "risk") == []
    assert set_aside(text, "risk") == {
        "child_labour": "negated",
        "forced_labour": "negated",
        "discrimination": "negated",
    }


def test_a_text_denying_every_risk_does_not_meet_the_minimum():
    text = (
        "Our laptops contain a battery with cobalt and lithium from the DRC and Chile. "
        "There is no child labour, no forced labour and no discrimination."
    )
    check = check_risk_assessment(text)
    assert check.meets_minimum is False
    assert check.risks == ()
    assert {f.id for f in check.risks_not_counted} == {"child_labour", "forced_labour", "discrimination"}
    assert check.as_dict()["risks_not_counted"][0]["reason"] == "negated"


@pytest.mark.parametrize(
    "text",
    [
        "Suppliers shall not use child labour.",
        "Leveranciers mogen geen kinderarbeid inzetten.",
        "Les fournisseurs ne doivent pas recourir au travail des enfants.",
        "Lieferanten dürfen keine Kinderarbeit einsetzen.",
        "Our code of conduct prohibits child labour.",
        "Child labour is prohibited.",
    ],
)
def test_a_code_of_conduct_prohibition_is_not_a_risk_of_the_supply_chain(text):
    assert found(text, "risk") == []
    assert "child_labour" in set_aside(text, "risk")


def test_a_policy_prohibition_without_a_negation_is_set_aside_as_policy():
    assert set_aside("We expect all suppliers to pay a living wage.", "risk") == {
        "inadequate_wages": "policy"
    }


@pytest.mark.parametrize(
    "text",
    [
        "There is no forced labour at our plant, but child labour is common in the cobalt mines.",
        "Child labour in coltan mining cannot be ruled out.",
        "Kinderarbeit beim Coltanabbau ist nicht auszuschließen.",
        "Le travail des enfants dans l'extraction du coltan ne peut être exclu.",
        "Bij de coltanwinning is kinderarbeid niet uit te sluiten.",
    ],
)
def test_a_risk_after_but_or_that_cannot_be_ruled_out_counts(text):
    assert "child_labour" in found(text, "risk")


def test_without_describes_a_risk_not_a_denial():
    assert found("Miners work without protective equipment.", "risk") == ["occupational_health_safety"]


def test_an_audit_that_found_no_risk_does_not_count_it():
    assert found("Our audits found no evidence of forced labour.", "risk") == []


# --- the lexicons -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_lexicon_names_the_same_components_materials_and_risks(language):
    english = get_lexicon("en")
    lexicon = get_lexicon(language)
    assert set(lexicon.raw_materials) == set(english.raw_materials)
    assert set(lexicon.risks) == set(english.risks)
    assert set(lexicon.components) == set(english.components)


def test_a_misspelt_lexicon_key_is_refused_with_its_name():
    from pydantic import ValidationError

    from hrdd.domain.textread.lexicon import Lexicon

    data = get_lexicon("en").model_dump()
    data["negations"] = data.pop("negation")
    with pytest.raises(ValidationError, match="negations"):
        Lexicon.model_validate(data)


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("Trade unions are not allowed in these factories.", "freedom_of_association"),
        ("Gewerkschaften sind in diesen Fabriken nicht zugelassen.", "freedom_of_association"),
        ("Living wages are not paid in the capacitor factories.", "inadequate_wages"),
        ("Les mineurs travaillent sans équipements de protection.", "occupational_health_safety"),
    ],
)
def test_a_denied_right_is_a_risk(text, risk):
    assert risk in found(text, "risk")


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Migrant workers must pay high recruitment fees.", True),
        ("Arbeitsmigranten müssen hohe Vermittlungsgebühren zahlen.", True),
        ("Suppliers must not charge recruitment fees.", False),
        ("Lieferanten dürfen keine Vermittlungsgebühren verlangen.", False),
    ],
)
def test_must_is_code_of_conduct_wording_only_when_a_supplier_or_we_is_named(text, counted):
    assert (found(text, "risk") == ["forced_labour"]) is counted


@pytest.mark.parametrize(
    "text",
    [
        "Des mineurs de quinze ans travaillent dans les galeries.",
        "Boys aged fourteen work in the pits.",
    ],
)
def test_workers_under_sixteen_are_child_labour_but_french_mineurs_alone_are_miners(text):
    assert found(text, "risk") == ["child_labour"]
    assert found("Les mineurs travaillent dans les galeries.", "risk") == []


def test_the_lexicons_use_the_knowledge_bases_material_ids():
    from hrdd.domain.knowledge import shipped_knowledge

    known = {link.material for link in shipped_knowledge().bill_of_materials}
    lexicon = set(get_lexicon("en").raw_materials)
    # mica is read (a risk material of the check before) though no bill of materials lists it yet;
    # polymers are no raw material a risk assessment names.
    assert lexicon - known == {"mica"}
    assert known - lexicon <= {"polymers"}


# --- issue 15: general fixes found on texts the reader was not tuned on ---------------------------------


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Cobalt is dug by hand around Likasi.", "COD"),
        ("Polysilicon is made in Xinjiang.", "CHN"),
        ("Het nikkel komt uit Morowali.", "IDN"),
        ("Le lithium vient de Jujuy.", "ARG"),
        ("Das Lithium kommt aus der Pilbara.", "AUS"),
    ],
)
def test_a_mining_or_manufacturing_region_names_its_country(text, country):
    assert found(text, "country") == [country]


@pytest.mark.parametrize(
    "text",
    [
        "Rare earths are separated in Inner Mongolia.",
        "Zeldzame aarden worden in Binnen-Mongolië gescheiden.",
        "Les terres rares sont séparées en Mongolie-Intérieure.",
        "Seltene Erden werden in der Inneren Mongolei getrennt.",
    ],
)
def test_inner_mongolia_is_china_not_mongolia(text):
    assert found(text, "country") == ["CHN"]


@pytest.mark.parametrize(
    "text",
    [
        "Risk note for the Q5 router (Orbix Nederland)",
        "Risk assessment – Orbix Deutschland",
        "Submitted by Orbix Deutschland GmbH.",
    ],
)
def test_a_country_ending_a_company_name_is_not_a_sourcing_country(text):
    assert found(text, "country") == []


def test_a_supplier_named_with_its_country_inside_a_sentence_keeps_the_country():
    assert found("The cells are made by Orbix China.", "country") == ["CHN"]


def test_german_written_without_umlauts_is_read_as_with_them():
    reading = read_text("Das Zinn fuer die Loetstellen kommt aus Suedkorea.", "de")
    assert sorted(reading.found("country")) == ["KOR"]
    assert sorted(reading.found("raw_material")) == ["tin"]


def test_a_misspelt_material_of_six_letters_or_more_is_read():
    assert found("The capacitors contain tantallum and the cells cobolt.", "raw_material") == [
        "cobalt",
        "tantalum",
    ]


def test_a_dictionary_word_one_letter_from_a_material_is_not_read():
    assert found("The copier holds a sliver of silicone.", "raw_material") == []


def test_quecksilber_is_mercury_not_silver():
    assert "silver" not in found("Die Goldwäscher nutzen Quecksilber.", "raw_material")


@pytest.mark.parametrize(
    "text",
    ["Children do not work in our assembly plants.", "Kinder arbeiten nicht in unseren Montagewerken."],
)
def test_a_negation_between_the_words_of_a_group_denies_the_risk(text):
    assert found(text, "risk") == []
    assert set_aside(text, "risk") == {"child_labour": "negated"}


def test_an_inquiry_followed_by_but_and_a_denial_does_not_count():
    assert found("Forced labour was checked, but no indications were found.", "risk") == []
    assert found("Child labour is common in the pits but was not found at our smelters.", "risk") == [
        "child_labour"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Forced labour, bonded labour, slavery or trafficking of persons are prohibited.",
        "Le harcèlement, sous quelque forme que ce soit, est interdit.",
        "(2) Diskriminierung, gleich aus welchem Grund, ist untersagt.",
    ],
)
def test_a_prohibition_closing_a_list_sets_aside_every_risk_before_it(text):
    assert found(text, "risk") == []


@pytest.mark.parametrize(
    "text",
    [
        "Children dig for cassiterite in Maniema, which is forbidden by law.",
        "Workers breathe silica dust, which is forbidden.",
    ],
)
def test_a_prohibition_commenting_on_a_described_risk_does_not_set_it_aside(text):
    assert found(text, "risk") != []


@pytest.mark.parametrize(
    "text",
    [
        "Independent unions are forbidden in the export zones.",
        "Vakbonden zijn in de exportzones verboden.",
        "Les syndicats sont interdits dans les zones franches.",
        "Gewerkschaften sind in den Exportzonen verboten.",
    ],
)
def test_a_forbidden_right_is_a_risk(text):
    assert found(text, "risk") == ["freedom_of_association"]


def test_a_denied_breach_of_a_right_is_set_aside_and_a_reported_one_counts():
    assert set_aside("No violations of freedom of association were found.", "risk") == {
        "freedom_of_association": "negated"
    }
    assert found("Violations of freedom of association were reported.", "risk") == ["freedom_of_association"]


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Wages comply with the legal minimum wage.", False),
        ("Wages do not comply with the legal minimum wage.", True),
        ("De lonen voldoen aan het minimumloon.", False),
        ("De lonen voldoen niet aan het minimumloon.", True),
    ],
)
def test_compliance_with_a_right_is_a_rule_unless_negated(text, counted):
    assert (found(text, "risk") == ["inadequate_wages"]) is counted


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("Landslides in the open pits have killed diggers.", "occupational_health_safety"),
        ("In de putten vallen doden door instortingen.", "occupational_health_safety"),
        ("Les galeries s'effondrent souvent.", "occupational_health_safety"),
        ("Die Stollen stürzen immer wieder ein.", "occupational_health_safety"),
        ("Staff report 72-hour weeks in peak season.", "inadequate_wages"),
        ("Uyghur workers are transferred to the smelters under state programmes.", "forced_labour"),
        ("Oeigoerse arbeiders worden naar de fabrieken overgeplaatst.", "forced_labour"),
        ("Des travailleurs ouïghours sont transférés dans les usines.", "forced_labour"),
        ("Uigurische Arbeitskräfte werden in die Hütten vermittelt.", "forced_labour"),
        ("Dans les fonderies, les femmes sont moins bien payées.", "discrimination"),
        ("Schwangere Arbeiterinnen werden entlassen.", "discrimination"),
        ("Im Zinnabbau arbeiten Kinder.", "child_labour"),
    ],
)
def test_risks_in_ordinary_words_of_every_language_are_read(text, risk):
    assert risk in found(text, "risk")


# --- risks described by their effect on people (word groups of the lexicons) --------------------------


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("Boys of fourteen haul bags of ore out of the pits.", "child_labour"),
        ("Jongens van twaalf sjouwen zakken erts uit de putten.", "child_labour"),
        ("Des garçons de douze ans portent des sacs de minerai.", "child_labour"),
        ("An den Minen waschen viele Jugendliche Erz.", "child_labour"),
        ("Villagers were forced to carry ore for the soldiers.", "forced_labour"),
        ("Arbeidsmigranten moeten hun wervingsschuld jarenlang afbetalen.", "forced_labour"),
        ("L'employeur garde leurs passeports.", "forced_labour"),
        ("Dorfbewohner werden gezwungen, für die Soldaten zu arbeiten.", "forced_labour"),
        ("Supervisors shout at and insult workers who fall behind.", "discrimination"),
        ("Vrouwen krijgen minder loon dan mannen.", "discrimination"),
        ("Les ouvrières sont harcelées par leurs chefs d'équipe.", "discrimination"),
        ("Arbeiterinnen werden von Vorgesetzten belästigt.", "discrimination"),
        ("Workers who tried to form a union were fired.", "freedom_of_association"),
        ("Stakers werden de volgende dag ontslagen.", "freedom_of_association"),
        ("Les grévistes ont été licenciés le lendemain.", "freedom_of_association"),
        ("Wer einen Betriebsrat gründen wollte, wurde entlassen.", "freedom_of_association"),
        ("Take-home pay is not enough to feed a family.", "inadequate_wages"),
        ("Het loon wordt vaak te laat uitbetaald.", "inadequate_wages"),
        ("Les salaires n'ont pas été versés depuis trois mois.", "inadequate_wages"),
        ("Viele Arbeiter haben keinen schriftlichen Vertrag.", "inadequate_wages"),
        ("Three diggers died when the shaft caved in.", "occupational_health_safety"),
        ("Bij het slijpen ademen werknemers fijnstof in.", "occupational_health_safety"),
        ("Plusieurs orpailleurs ont été blessés par des chutes de pierres.", "occupational_health_safety"),
        ("Schweißer atmen Metalldämpfe ein.", "occupational_health_safety"),
        ("Families were evicted from their farms to make room for the open pit.", "community_rights"),
        ("Herders verloren hun weidegrond aan de nieuwe mijn.", "community_rights"),
        ("La nappe phréatique est contaminée par les métaux lourds.", "community_rights"),
        ("Den Bauern wurde das Land ohne Entschädigung weggenommen.", "community_rights"),
    ],
)
def test_a_risk_described_by_its_effect_on_people_is_read_in_every_language(text, risk):
    assert found(text, "risk") == [risk]


@pytest.mark.parametrize(
    ("text", "risk"),
    [
        ("Two children were found working at the washing ponds.", "child_labour"),
        ("Families were evicted and their houses bulldozed.", "community_rights"),
        ("Several workers have been injured by falling rocks this year.", "occupational_health_safety"),
        ("Wages had not been paid for three months.", "inadequate_wages"),
    ],
)
def test_english_verbs_in_ed_and_ing_and_the_passive_are_read(text, risk):
    assert found(text, "risk") == [risk]


@pytest.mark.parametrize(
    "text",
    [
        "Workers in the plating shop have no gloves or masks.",
        "The tunnels are not propped up.",
        "De mijnwerkers dragen geen helmen.",
        "Les creuseurs descendent dans des puits sans soutènement.",
        "Les mineurs travaillent sans casque ni masque.",
        "Schutzkleidung gibt es nicht.",
        "Die Schächte sind nicht abgestützt.",
    ],
)
def test_a_safeguard_said_to_be_missing_is_a_risk(text):
    assert found(text, "risk") == ["occupational_health_safety"]


@pytest.mark.parametrize(
    "text",
    [
        "Tunnels are propped up with timber and inspected daily.",
        "Helmets, masks and gloves are provided free of charge.",
        "No miner works without a helmet.",
        "No one works without a written contract.",
        "Personne ne travaille sans contrat.",
        "Niemand arbeitet ohne Vertrag.",
        "Contracts are renewed every year.",
    ],
)
def test_a_safeguard_in_place_or_a_denied_absence_is_no_risk(text):
    assert found(text, "risk") == []


def test_a_negation_after_a_safeguard_counts_only_at_the_clause_end_or_before_provided():
    assert found("Helmets are not provided.", "risk") == ["occupational_health_safety"]
    assert "inadequate_wages" not in found("Ihre Verträge werden nicht verlängert.", "risk")


@pytest.mark.parametrize(
    "text",
    [
        "All workers receive at least the minimum wage.",
        "Alle werknemers krijgen minstens het minimumloon.",
        "Tous les travailleurs reçoivent au moins le salaire minimum.",
        "Alle Beschäftigten erhalten mindestens den Mindestlohn.",
        "Workers are free to join a trade union.",
        "Our supplier provides dormitories, free meals and protective equipment to all workers.",
    ],
)
def test_a_right_stated_as_in_place_is_no_risk(text):
    assert found(text, "risk") == []


@pytest.mark.parametrize(
    ("text", "counted"),
    [
        ("Workers do not receive the minimum wage.", True),
        ("Workers receive the minimum wage but not a living wage.", True),
        ("Many workers earn less than the minimum wage.", True),
        ("Wages are not below the minimum wage.", False),
    ],
)
def test_a_right_not_received_or_fallen_short_of_is_a_risk_and_a_denied_shortfall_is_not(text, counted):
    assert (found(text, "risk") == ["inadequate_wages"]) is counted


@pytest.mark.parametrize(
    "text",
    [
        "Dorpen werden getroffen door gedwongen verhuizing, terwijl kinderarbeid in de mijnen voorkomt.",
        "Forced evictions hit families who worked the land.",
    ],
)
def test_the_words_of_a_named_risk_are_not_read_again_for_another(text):
    assert "forced_labour" not in found(text, "risk")


def test_a_word_read_for_two_risks_goes_to_the_tighter_reading():
    text = "Het is niet uit te sluiten dat zij wervingskosten hebben betaald en dat hun paspoort wordt ingehouden."
    assert found(text, "risk") == ["forced_labour"]


def test_a_negation_inside_a_group_word_denies_nothing_else():
    text = "Het grondwater daalt, waardoor inheemse boeren hun land niet meer kunnen bevloeien."
    assert found(text, "risk") == ["community_rights"]


@pytest.mark.parametrize(
    "text",
    [
        "Il n'est pas exclu que les sous-traitants paient leurs ouvriers en dessous du salaire minimum.",
        "It is not excluded that subcontractors pay below the minimum wage.",
    ],
)
def test_not_excluded_is_no_denial(text):
    assert found(text, "risk") == ["inadequate_wages"]


@pytest.mark.parametrize(
    "text",
    [
        "Recruitment fees are paid by the employer, not by the workers.",
        "Die Vermittlungsgebühren zahlt der Arbeitgeber, nicht die Arbeiter.",
        "No worker has paid recruitment fees and workers keep their own passports.",
        "We found no child labour, no forced labour and no unsafe working conditions.",
        "The mine funds a school for the children of its workers.",
        "The European Union banned the import of conflict gold.",
        "The factory employs 2,000 people, 60% of them women.",
        "De jeunes femmes travaillent sur les chaînes de montage.",
        "In der Montage arbeiten vor allem jungen Frauen.",
        "Water used in the plant is treated before it is released to the river.",
    ],
)
def test_ordinary_facts_denials_and_the_employer_paying_are_no_risk(text):
    assert found(text, "risk") == []


def test_a_code_of_conduct_naming_every_risk_in_ordinary_words_does_not_meet_the_minimum():
    text = (
        "Our laptops contain batteries with cobalt and lithium and circuit boards with tin and gold, sourced in "
        "China, Malaysia and the DRC. Suppliers shall not employ anyone under 16. Suppliers must not charge "
        "workers recruitment fees or hold their passports. Suppliers must pay at least the legal minimum wage. "
        "Suppliers must provide helmets, masks and gloves free of charge. Suppliers must respect the land and "
        "water of neighbouring communities and obtain their consent before expanding."
    )
    check = check_risk_assessment(text)
    assert check.meets_minimum is False
    assert check.risks == ()


def test_an_audit_summary_denying_every_effect_does_not_meet_the_minimum():
    text = (
        "Display und Netzteil enthalten Zinn, Kupfer und Aluminium aus Indonesien, Chile und China. Niemand "
        "meldete ausstehende Löhne. Kein Arbeiter hatte Vermittlungsgebühren gezahlt. Masken und Handschuhe "
        "wurden gestellt und getragen. Es wurden keine schweren Unfälle verzeichnet. Die Anwohner wurden "
        "befragt, und es gingen keine Beschwerden ein."
    )
    check = check_risk_assessment(text)
    assert check.meets_minimum is False
    assert check.risks == ()


def test_an_assessment_in_everyday_words_meets_the_minimum():
    text = (
        "The tablet's display and battery matter most. The cells use graphite from China and manganese from "
        "Gabon. Near the graphite plants, soot covers the farmers' crops. Young women on the display lines are "
        "kept on short contracts and sent home without pay when orders drop. Diggers at the manganese pits "
        "work without helmets."
    )
    check = check_risk_assessment(text)
    assert check.meets_minimum is True
    assert {f.id for f in check.risks} >= {
        "community_rights",
        "inadequate_wages",
        "occupational_health_safety",
    }


def test_a_together_pattern_naming_an_unknown_word_group_is_refused_with_its_name():
    from pydantic import ValidationError

    from hrdd.domain.textread.lexicon import Lexicon

    data = get_lexicon("en").model_dump()
    data["risks"]["child_labour"]["together"] = [["children", "chores"]]
    with pytest.raises(ValidationError, match="chores"):
        Lexicon.model_validate(data)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_lexicon_has_the_same_word_groups(language):
    assert set(get_lexicon(language).word_groups) == set(get_lexicon("en").word_groups)
