"""hrdd.core.texts.localize: a domain text said in the active language, with numbers in the locale's format."""

from django.utils import translation

from hrdd.core.texts import localize
from hrdd.domain.texts import Text


def test_english_is_the_sentence_itself():
    text = Text("%(where)s: %(share)s%% of world production", where="Ghana", share=3.94)
    with translation.override("en"):
        assert localize(text) == "Ghana: 3.94% of world production"


def test_numbers_follow_the_locale_even_where_the_sentence_has_no_translation_yet():
    text = Text("a sentence no catalogue has: %(share)s%% in %(year)s", share=1234.5, year=2024)
    with translation.override("de"):
        assert localize(text) == "a sentence no catalogue has: 1234,5% in 2024"


def test_a_value_that_is_not_a_text_is_left_as_it_is():
    assert localize("plain") == "plain"
    assert localize(None) is None
