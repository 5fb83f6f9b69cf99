"""Site matching's reasons and field agreements are Texts (issue 16): each is said through the active language's
catalogue, nested parts too, and a stored one is said again the same way."""

import re
from contextlib import contextmanager

import pytest
from django.utils import translation
from django.utils.translation import gettext, trans_real

from hrdd.core.texts import localize
from hrdd.domain.sitematch import Decisions, SiteRecord, match_records, record_fingerprint
from hrdd.domain.sitematch.engine import match_exact_names
from hrdd.domain.sitematch.types import FIELD_TITLES, LEVEL_TITLES, field_title, level_title
from hrdd.domain.text_data import text_data, text_from_data
from hrdd.domain.texts import Text

REGISTRY = [
    SiteRecord("S2", "Shenzhen Xinwei Electronics Co., Ltd.", "No. 81 Guanlan Avenue, Longhua District", "Shenzhen", country="CHN"),
    SiteRecord("S4", "Goldcom Acoustic Plant 1 S.A. de C.V.", "Calle Fuhua 173, Parque Industrial", "Guadalajara", country="MEX"),
    SiteRecord("S7", "Vertex Cells Co., Ltd.", "No. 5 Tianhe Road", "Wuhan", country="CHN"),
    SiteRecord("S8", "Vertex Cells Co., Ltd.", "No. 5 Tianhe Road", "Wuhan", country="CHN"),
]  # fmt: skip
LANGUAGES = ("en", "nl", "fr", "de")


def _templates(text: object) -> set[str]:
    """Every template of a Text, its nested Texts' too."""
    if not isinstance(text, Text):
        return set()
    found = {text.template}
    for value in text.params.values():
        found |= _templates(value)
    return found


@contextmanager
def marked_catalogue(language: str, templates: set[str]):
    """The language's catalogue with each template it lacks translated as '<language>|template' (English: as it
    is; the entries are taken out afterwards)."""
    catalogue = trans_real.translation(language)._catalog._catalogs[0]
    added = {} if language == "en" else {t: f"<{language}>|{t}" for t in templates if t not in catalogue}
    catalogue.update(added)
    try:
        yield
    finally:
        for template in added:
            catalogue.pop(template, None)


def _reasons() -> list:
    spelled = SiteRecord(
        "r1", "SHEN ZHEN XINWEI ELEC. CO LTD", "81 Guanlan Ave., Longhua Dist.", "Shen Zhen", country="CHN"
    )
    plant = SiteRecord(
        "r2",
        "Goldcom Acoustic Plant 2 SA de CV",
        "Calle Fuhua 173, Parque Industrial",
        "Guadalajara",
        country="MEX",
    )
    unknown = SiteRecord("r3", "Nowhere Batteries Ltd.", "No. 9 Hangkong Road", "Zhengzhou", country="CHN")
    twice = SiteRecord("r4", "Vertex Cells Co Ltd", "5 Tianhe Rd", "Wuhan", country="CHN")
    confirmed = SiteRecord("r5", "Foxconn KS Plant", "", "", country="CHN")
    decisions = Decisions({(record_fingerprint(confirmed), "S2"): True})
    results = match_records([spelled, plant, unknown, twice, confirmed], REGISTRY, decisions=decisions)
    results += match_exact_names([SiteRecord("r6", "Vertex Cells Co., Ltd.", country="CHN")], REGISTRY)
    return results  # fmt: skip


def test_every_reason_is_a_text_whose_english_is_the_sentence():
    for result in _reasons():
        assert isinstance(result.reason, Text), result.reason
        assert str(result.reason) == result.reason.template % {
            k: str(v) if isinstance(v, str) else f"{v:g}" if isinstance(v, float) else str(v)
            for k, v in result.reason.params.items()
        }
        for candidate in result.candidates:
            for agreement in candidate.agreements:
                assert agreement.detail == "" or isinstance(agreement.detail, Text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reason_and_its_parts_are_said_through_the_languages_catalogue(language):
    # given: a catalogue that translates every template the reasons use
    results = _reasons()
    reasons = [r.reason for r in results]
    details = [a.detail for r in results for c in r.candidates for a in c.agreements if a.detail]
    templates = set().union(*(_templates(t) for t in reasons + details))
    assert {r.reason.template for r in results} >= {
        "one close site: %(fields)s",
        "the closest site, %(site)s, is another one: %(detail)s",
        "no site of the registry is close enough",
        "%(count)s sites are close (%(sites)s): a person picks",
        "a reviewer confirmed this record is this site",
        "several sites share this name",
    }
    with translation.override(language), marked_catalogue(language, templates):
        for text in reasons + details:
            said = localize(text)
            # then: English is the sentence itself; elsewhere the catalogue's words, nested Texts said too
            if language == "en":
                assert said == str(text)
            else:
                translated = gettext(text.template)
                if re.search(
                    "[a-z]", re.sub(r"%\(\w+\)[sd]", "", text.template)
                ):  # it has words to translate
                    assert translated != text.template  # the marked entry, or the lead's translation
                assert said.startswith(translated.split("%(")[0])
                nested = [v for v in text.params.values() if isinstance(v, Text)]
                for part in nested:
                    assert str(localize(part)) in said


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_field_and_level_has_a_title_said_in_the_language(language):
    titles = [field_title(f) for f in FIELD_TITLES] + [level_title(level) for level in LEVEL_TITLES]
    with translation.override(language), marked_catalogue(language, {t.template for t in titles}):
        for title in titles:
            if language == "en":
                assert localize(title) == str(title)
            else:  # the marked entry, or the lead's translation already there ('name' is a form label too)
                assert localize(title) == gettext(title.template) != title.template


def test_a_stored_reason_is_said_again_from_its_data():
    (result,) = match_records(
        [SiteRecord("r3", "Nowhere Batteries Ltd.", "No. 9 Hangkong Road", "Zhengzhou", country="CHN")],
        REGISTRY,
    )
    stored_english, stored_data = str(result.reason), text_data(result.reason)
    again = text_from_data(stored_english, stored_data)
    assert isinstance(again, Text) and again.template == result.reason.template
    with translation.override("nl"), marked_catalogue("nl", {again.template}):
        assert localize(again) == gettext(again.template) != again.template
    # an older row, stored without its data, is said in its English
    assert text_from_data(stored_english, None) == stored_english


def test_a_stored_agreement_is_said_in_the_pages_language_and_an_older_one_keeps_its_english():
    from django.template.loader import render_to_string
    from django.utils.html import escape

    from hrdd.domain.sitematch.types import compared_values

    # given: one agreement stored with its detail's template, one stored before (English only)
    detail = compared_values("postal_code", "518110", "")
    stored = [
        {
            "field": "postal_code",
            "level": "same",
            "weight": 1.5,
            "detail": str(detail),
            "detail_said": text_data(detail),
        },
        {"field": "city", "level": "differs", "weight": -2.0, "detail": "city: shenzhen / kunshan"},
    ]
    templates = _templates(detail) | {FIELD_TITLES["city"], LEVEL_TITLES["differs"], LEVEL_TITLES["same"]}
    # when
    with translation.override("nl"), marked_catalogue("nl", templates):
        html = render_to_string("supplier_sites/_reasons.html", {"agreements": stored})
        expected_detail = str(localize(text_from_data(str(detail), text_data(detail))))
        differs = gettext(LEVEL_TITLES["differs"])
    # then
    assert escape(expected_detail) in html and expected_detail != str(detail)
    assert "city: shenzhen / kunshan" in html  # the older row, as stored
    assert escape(differs) in html and differs != LEVEL_TITLES["differs"]
