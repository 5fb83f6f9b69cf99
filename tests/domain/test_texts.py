"""hrdd.domain.texts.Text: a domain sentence that is its English text and keeps its template and parameters."""

import pickle

import pytest

from hrdd.domain.texts import Text, gettext_noop


def test_a_text_is_its_english_sentence_with_numbers_as_written():
    # when
    text = Text(
        gettext_noop("%(country)s: %(share)s%% of world production in %(year)s"),
        country="Ghana",
        share=3.94,
        year=2024,
    )

    # then
    assert text == "Ghana: 3.94% of world production in 2024"
    assert text.template == "%(country)s: %(share)s%% of world production in %(year)s"
    assert text.params == {"country": "Ghana", "share": 3.94, "year": 2024}
    assert text.startswith("Ghana") and f"{text}" == str(text)


def test_a_text_nests_another_and_survives_pickling():
    # given
    where = Text("%(material)s mining in %(country)s", material="gold", country="Peru")
    text = Text("%(where)s: share unknown", where=where)

    # when
    again = pickle.loads(pickle.dumps(text))  # noqa: S301 - our own bytes, made one line above

    # then
    assert again == "gold mining in Peru: share unknown"
    assert again.params["where"].template == "%(material)s mining in %(country)s"


@pytest.mark.parametrize(
    ("template", "params"),
    [
        ("%s of world production", {}),  # positional: a translation could not reorder it
        ("%(share).1f%%", {"share": 1.0}),  # a conversion other than s: no locale formatting
        ("%(share)s%", {"share": 1}),  # a lone percent sign
        ("%(share)s", {}),  # a parameter not given
        ("share", {"share": 1}),  # a parameter the template does not name
    ],
)
def test_a_template_the_catalogues_could_not_carry_is_refused(template, params):
    with pytest.raises(ValueError):
        Text(template, **params)
