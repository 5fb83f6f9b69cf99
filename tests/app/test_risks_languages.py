"""Step 1 in the reader's language (issue 16): the risk method's titles (categories, stages, products, signals), the
countries and the Word, Markdown and Excel reports follow the page's language; English stays as it was."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from hrdd.core.countries import country_name
from hrdd.core.texts import localize
from hrdd.domain.texts import Text
from hrdd.risks import selectors
from hrdd.risks.titles import inside_sentence
from tests.html import document

ASSESS = reverse("risks:assess")
NOTEBOOK = ASSESS + "?product=notebook"


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def first_salient_row(page):
    return [cell.text for cell in page.by_id("salient").find_all("tbody")[0].find_all("tr")[0].find_all("td")]


def material_row(page, material):
    return next(
        tr
        for tr in page.by_id("countries").find_all("tr")
        if tr.find_all("td")[:1] and tr.find_all("td")[0].text == material
    )


def docx_text(content):
    doc = Document(io.BytesIO(content))
    return doc, "\n".join(p.text for p in doc.paragraphs)


# --- the assessment page -------------------------------------------------------------------------------------------


def test_the_assessment_page_in_french_names_the_risk_stage_and_country_in_french(logged_in):
    # when
    page = document(logged_in.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="fr"))

    # then: cobalt mined in the DRC leads, as in English, in the words of fr.yaml and pycountry's French names
    risk, stage, material, country = first_salient_row(page)[1:5]
    assert (risk, stage, material) == ("Travail des enfants", "Extraction minière", "cobalt")
    assert country == "République démocratique du Congo"
    assert page.find("h1").text == "Risques pour les droits humains : Ordinateurs portables"


def test_the_english_page_is_as_it_was(logged_in):
    # when
    page = document(logged_in.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="en"))

    # then: the knowledge base's own spelling of the country, the method's English titles, the reasons' sentences
    assert first_salient_row(page)[1:5] == ["Child labour", "Mining", "cobalt", "Congo (Kinshasa)"]
    reasons = [li.text for li in page.by_id("salient").find_all("details")[0].find_all("li")]
    assert reasons[0] == "cobalt mining in Congo (Kinshasa): 74.19% of world production in 2025"
    assert "severity 3 (Child labour; CFIT manual 2.2 (1))" in reasons


def test_the_sourcing_countries_and_the_map_legend_name_countries_and_stages_in_french(logged_in):
    # when
    page = document(logged_in.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="fr"))

    # then
    cobalt = material_row(page, "cobalt")
    assert cobalt.find_all("td")[1].text.startswith(
        "République démocratique du Congo 74,19% (extraction minière, 2025)"
    )
    legend = page.by_id("map-legend").text
    assert "République démocratique du Congo" in legend and "Fédération de Russie" in legend
    assert "Congo (Kinshasa)" not in page.by_id("countries").text


def test_the_method_section_says_the_categories_summaries_stages_and_signals_in_french(logged_in):
    # when
    method = document(logged_in.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="fr")).by_id("method")

    # then
    first = method.find_all("tbody")[0].find_all("tr")[0].find_all("td")
    assert first[0].children[0] == "Travail des enfants"
    assert first[0].find("small").text.startswith("Enfants dans les mines artisanales (cobalt en RDC")
    assert (
        first[2].text
        == "Extraction minière, Fabrication des composants, Assemblage, Fin de vie et déchets électroniques"
    )
    signals = [li.text for li in method.find_all("ul")[0].find_all("li")]
    assert signals[0] == (
        "inscrit sur la liste de l’US DOL/ILAB pour le travail des enfants, pour ce bien et ce pays: "
        "travail des enfants +0,6"
    )


def test_german_keeps_the_capital_of_a_stage_inside_a_sentence(logged_in):
    # when
    page = document(logged_in.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="de"))

    # then: German nouns keep their capital where English and French write the stage in lower case
    cobalt = material_row(page, "Kobalt")
    assert "Demokratische Republik Kongo 74,19% (Bergbau, 2025)" in cobalt.text
    assert first_salient_row(page)[1:3] == ["Kinderarbeit", "Bergbau"]


def test_the_home_page_offers_the_product_categories_in_french(logged_in):
    # when
    page = document(logged_in.get(reverse("risks:home"), HTTP_ACCEPT_LANGUAGE="fr"))

    # then
    options = {o.get("value"): o.text for o in page.by_id("assess-form").find_all("option")}
    assert options["notebook"] == "Ordinateurs portables"
    assert options["lithium-ion-battery"] == "Batteries lithium-ion"


# --- the reports ----------------------------------------------------------------------------------------------------


def test_the_word_report_is_written_in_french(logged_in):
    # when
    response = logged_in.get(NOTEBOOK + "&format=docx", HTTP_ACCEPT_LANGUAGE="fr")
    doc, text = docx_text(response.content)

    # then: opened again, its title, its risks table and its sourcing table are French
    assert text.startswith("Évaluation des risques pour les droits humains\xa0: Ordinateurs portables")
    sourcing, risks = doc.tables
    header = [c.text for c in risks.rows[0].cells]
    first = [c.text for c in risks.rows[1].cells]
    assert first[0] == "Travail des enfants"
    assert first[1] == "cobalt, extraction minière, République démocratique du Congo"
    assert first[3].startswith("+0,6: inscrit sur la liste de l’US DOL/ILAB pour le travail des enfants")
    assert header != ["Risk", "Where", "Score", "Why"]
    cobalt = next(row for row in sourcing.rows if row.cells[0].text == "cobalt")
    assert cobalt.cells[1].text.startswith(
        "République démocratique du Congo 74,19% (extraction minière, 2025)"
    )


def test_the_english_word_report_keeps_its_words(logged_in):
    # when
    doc, text = docx_text(logged_in.get(NOTEBOOK + "&format=docx", HTTP_ACCEPT_LANGUAGE="en").content)

    # then
    assert text.startswith("Human-rights risk assessment: Notebooks")
    first = [c.text for c in doc.tables[1].rows[1].cells]
    assert first[:3] == ["Child labour", "cobalt, mining, Congo (Kinshasa)", "2.2257"]


def test_the_markdown_and_workbook_say_titles_and_countries_in_french(logged_in):
    # when
    markdown = logged_in.get(NOTEBOOK + "&format=md", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    workbook = load_workbook(
        io.BytesIO(logged_in.get(NOTEBOOK + "&format=xlsx", HTTP_ACCEPT_LANGUAGE="fr").content)
    )

    # then
    assert "| cobalt | Extraction minière | République démocratique du Congo | 74,19% | 2025 |" in markdown
    assert (
        "1. **Travail des enfants**, extraction minière, cobalt, République démocratique du Congo" in markdown
    )
    risks = list(workbook.worksheets[2].iter_rows(min_row=2, max_row=2, values_only=True))[0]
    assert risks[:5] == (
        "Travail des enfants",
        "Extraction minière",
        "cobalt",
        None,
        "République démocratique du Congo",
    )
    factories = next(r for r in workbook.worksheets[2].iter_rows(min_row=2, values_only=True) if r[2] is None)
    assert factories[3] == "usines"


# --- the check page -------------------------------------------------------------------------------------------------


def test_the_check_of_a_code_of_conduct_names_its_elements_in_french(logged_in):
    # given
    text = (
        "Our Supplier Code of Conduct sets out our commitment to respect human rights. All suppliers sign it."
    )

    # when
    page = document(
        logged_in.post(
            reverse("risks:check"),
            {"kind": "policy-commitment", "document": SimpleUploadedFile("code.txt", text.encode())},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    )

    # then: the framework's title and element labels, as fr.yaml says them
    assert (
        page.by_id("verdict")
        .find("h2")
        .text.startswith("Engagement politique ou code de conduite des fournisseurs")
    )
    labels = [
        tr.find_all("td")[0].text for tr in page.by_id("elements-table").find_all("tbody")[0].find_all("tr")
    ]
    assert labels[0] == "Un engagement écrit à respecter les droits humains"


def test_the_check_of_a_risk_assessment_names_risks_and_countries_in_french(logged_in):
    # given
    text = "Cobalt for the battery is mined in the Democratic Republic of the Congo, where child labour is a risk."

    # when
    page = document(
        logged_in.post(
            reverse("risks:check"),
            {"document": SimpleUploadedFile("assessment.txt", text.encode())},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    )

    # then
    found = page.by_id("findings").text
    assert "République démocratique du Congo" in found
    assert "Travail des enfants" in found


# --- the words underneath -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("en", "COD", "Democratic Republic of the Congo"),
        ("fr", "COD", "République démocratique du Congo"),
        (
            "fr",
            "Congo (Kinshasa)",
            "République démocratique du Congo",
        ),  # the knowledge base's spelling, read back
        ("fr", "KOR", "Corée du Sud"),
        ("fr", "RUS", "Fédération de Russie"),  # 'Russie, Fédération de' turned round, to stand in a list
        ("de", "COD", "Demokratische Republik Kongo"),
        ("nl", "CIV", "Ivoorkust"),
        ("fr", "XKX", "XKX"),  # no country pycountry knows: as given
    ],
)
def test_a_country_is_named_in_the_active_language(language, value, expected):
    with translation.override(language):
        assert country_name(value) == expected


def test_english_keeps_the_spelling_a_record_gives_and_other_languages_translate_it():
    with translation.override("en"):
        assert country_name("COD", english="Congo (Kinshasa)") == "Congo (Kinshasa)"
    with translation.override("fr"):
        assert country_name("COD", english="Congo (Kinshasa)") == "République démocratique du Congo"
        assert country_name("XKX", english="Kosovo") == "Kosovo"


def test_the_country_filter_names_the_country_in_the_page_language():
    template = Template(
        '{% load hrdd_tags %}{{ code|country }}|{{ code|country:"Congo (Kinshasa)" }}|{{ none|country }}'
    )
    with translation.override("en"):
        assert (
            template.render(Context({"code": "COD"})) == "Democratic Republic of the Congo|Congo (Kinshasa)|—"
        )
    with translation.override("de"):
        assert (
            template.render(Context({"code": "COD"})).split("|")[:2] == ["Demokratische Republik Kongo"] * 2
        )


def test_a_reason_says_its_country_and_its_stage_in_the_reader_language():
    # given: a reason as hrdd.domain.risk writes it, the stage in lower case inside the sentence
    where = Text(
        "%(material)s %(stage)s in %(country)s", material="cobalt", stage="mining", country="Congo (Kinshasa)"
    )

    # then: English is the sentence itself; French and German name the country and the stage in their words
    with translation.override("en"):
        assert localize(where) == "cobalt mining in Congo (Kinshasa)"
    with translation.override("fr"):
        said = localize(where)
        assert "extraction minière" in said and "République démocratique du Congo" in said
    with translation.override("de"):
        said = localize(where)
        assert "Bergbau" in said and "Demokratische Republik Kongo" in said


def test_a_whole_number_reads_as_in_the_english_sentence():
    text = Text(
        "a sentence no catalogue has: severity %(severity)s, share %(share)s", severity=3.0, share=0.25
    )
    assert str(text) == "a sentence no catalogue has: severity 3, share 0.25"
    with translation.override("en"):
        assert localize(text) == str(text)
    with translation.override("fr"):
        assert localize(text) == "a sentence no catalogue has: severity 3, share 0,25"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "end of life and e-waste"),
        ("fr", "fin de vie et déchets électroniques"),
        ("de", "Ende der Nutzungsdauer und Elektroschrott"),
    ],
)
def test_a_title_inside_a_sentence_is_lower_case_except_in_german(language, expected):
    with translation.override(language):
        assert inside_sentence("End of life and e-waste") == expected
