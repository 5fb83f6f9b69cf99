"""The knowledge base's raw materials in the reader's language (issue 16): every material the shipped tables name
has a Dutch, French and German name; pages, reports and reasons say it; figures and sources stay as they are."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from hrdd.core.texts import localize
from hrdd.domain.texts import Text
from hrdd.knowledge.names import material_name, material_names, missing_material_names, shipped_materials
from hrdd.risks import selectors
from tests.html import document

NOTEBOOK = reverse("risks:assess") + "?product=notebook"


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


def test_every_material_of_the_shipped_tables_has_a_name_in_every_language():
    assert missing_material_names() == []
    assert shipped_materials() >= {"cobalt", "tantalum", "tin", "tungsten", "gold"}
    assert set(material_names().languages) == {"nl", "fr", "de"}


@pytest.mark.parametrize(
    ("language", "cobalt", "tantalum", "tin"),
    [
        ("en", "cobalt", "tantalum", "tin"),
        ("nl", "kobalt", "tantaal", "tin"),
        ("fr", "cobalt", "tantale", "étain"),
        ("de", "Kobalt", "Tantal", "Zinn"),
        ("de-at", "Kobalt", "Tantal", "Zinn"),
    ],
)
def test_a_material_is_named_in_the_language(language, cobalt, tantalum, tin):
    assert [material_name(m, language) for m in ("cobalt", "tantalum", "tin")] == [cobalt, tantalum, tin]


def test_a_material_the_map_does_not_know_keeps_its_own_name():
    assert material_name("unobtainium", "nl") == "unobtainium"


def test_a_reason_naming_a_material_says_it_in_the_language():
    reason = Text("%(material)s: no production data", material="tantalum")
    with translation.override("de"):
        assert localize(reason).startswith("Tantal")
    with translation.override("en"):
        assert localize(reason) == "tantalum: no production data"


def test_the_template_filter_names_the_material_in_the_pages_language():
    template = Template("{% load hrdd_tags %}{{ m|material }}")
    with translation.override("nl"):
        assert template.render(Context({"m": "tungsten"})) == "wolfraam"


def test_the_assessment_page_names_materials_in_dutch_with_the_same_figures(client, buyer):
    # given
    client.force_login(buyer)
    # when
    english = document(client.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="en"))
    dutch = document(client.get(NOTEBOOK, HTTP_ACCEPT_LANGUAGE="nl"))
    # then: the sourcing table names kobalt where English names cobalt, with the same share
    rows = {
        tr.find_all("td")[0].text: tr for tr in dutch.by_id("countries").find_all("tr") if tr.find_all("td")
    }
    english_rows = {
        tr.find_all("td")[0].text: tr for tr in english.by_id("countries").find_all("tr") if tr.find_all("td")
    }
    assert "kobalt" in rows and "cobalt" not in rows and "cobalt" in english_rows
    assert "74,19%" in rows["kobalt"].text and "74.19%" in english_rows["cobalt"].text


def test_the_markdown_report_names_materials_in_german(client, buyer):
    client.force_login(buyer)
    markdown = client.get(NOTEBOOK + "&format=md", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "| Kobalt |" in markdown and "| cobalt |" not in markdown
