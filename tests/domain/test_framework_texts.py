"""The frameworks' texts in Dutch, French and German (hrdd.domain.framework_texts)."""

import pytest

from hrdd.domain import framework_texts
from hrdd.domain.framework_texts import framework_files, texts_of, translate
from hrdd.domain.framework_texts import framework_texts as texts_of_file


def test_the_texts_a_reader_sees_are_translatable_and_sources_and_ids_are_not():
    # given
    document = {
        "id": "cfit-2025",
        "title": "CFIT supplier questionnaire",
        "source": "CFIT manual, Annex 2a",
        "questions": [
            {"id": "policy", "text": "Does your company have a human-rights policy?", "weight": 2},
            {"id": "sites", "label": "Production sites", "options": [{"value": "yes", "label": "Yes"}]},
        ],
        "rule": {"type": "due_diligence", "title": "due_diligence"},
        "notes": ["First note, in words.", "second_id"],
    }

    # when
    found = list(texts_of(document))

    # then
    assert found == [
        "CFIT supplier questionnaire",
        "Does your company have a human-rights policy?",
        "Production sites",
        "Yes",
        "First note, in words.",
    ]


def test_every_shipped_framework_has_its_texts_read():
    # then: the questionnaire, the tender's criteria and clauses and the risk method are among them
    assert "cfit-2025.yaml" in framework_files() and "cfit-2025-tender.yaml" in framework_files()
    assert "Mining" in texts_of_file("risk-method-2025.yaml")
    assert all(texts_of_file(name) for name in framework_files() if name != "risk-assessment-check.yaml")


def test_a_text_without_a_translation_stays_english(monkeypatch):
    # given
    monkeypatch.setattr(framework_texts, "text_map", lambda language: {"Mining": "Mijnbouw"})

    # then
    assert translate("Mining", "nl") == "Mijnbouw"
    assert translate("Refining and smelting", "nl") == "Refining and smelting"
    assert translate("Mining", "en") == "Mining"


def test_a_translation_file_in_the_wrong_language_is_refused(monkeypatch, tmp_path):
    # given
    body = "kind: framework-translations\nlanguage: fr\nframeworks: {}\n"

    class Resource:
        def joinpath(self, *parts):
            return self

        def is_file(self):
            return True

        def read_text(self, encoding):
            return body

    monkeypatch.setattr(framework_texts.resources, "files", lambda package: Resource())
    framework_texts.translations.cache_clear()

    # then
    try:
        with pytest.raises(ValueError, match="says it is in 'fr'"):
            framework_texts.translations("nl")
    finally:
        framework_texts.translations.cache_clear()


@pytest.mark.parametrize("language", framework_texts.LANGUAGES)
def test_every_text_of_every_shipped_framework_is_translated(language):
    # when
    missing = framework_texts.missing_translations(language)

    # then: a text added or changed in a framework is named here until translated (tools/catalogue.py)
    assert missing == {}, {name: texts[:3] for name, texts in missing.items()}


def test_a_clauses_text_per_scenario_is_translatable():
    assert any(
        t.startswith("Each year the supplier") and "selection criterion 1" in t
        for t in texts_of_file("cfit-2025-tender.yaml")
    )
    assert "critère de sélection 1" in translate(
        next(
            t
            for t in texts_of_file("cfit-2025-tender.yaml")
            if "selection criterion 1" in t and t.startswith("Each year")
        ),
        "fr",
    )
