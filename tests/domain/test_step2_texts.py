"""The sentences steps 2 and 4's supply-chain rules write are Texts (issue 16): each reads as its English sentence
(unchanged), keeps its template and parameters, and a stored copy of its English can be said again."""

import pytest

from hrdd.domain.companies import CompanyInputError, validate_duns
from hrdd.domain.incidents import (
    SCALE_LABELS,
    TransitionRefused,
    assess_severity,
    check_transition,
    severity_reasons_said,
)
from hrdd.domain.labels import word_of
from hrdd.domain.maturity import InvalidResponse, assess_market, parse_response, score_raw_response
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.domain.risk import get_risk_method
from hrdd.domain.sites import ListedSite, RatedRisk, link_sites_to_risks, site_reasons_said
from hrdd.domain.text_data import text_data, text_from_data
from hrdd.domain.texts import PARAMETER, Text
from tests.factories import response


def test_a_level_is_a_word_of_the_catalogue_and_a_frameworks_own_level_stays_as_written():
    assert isinstance(word_of("medium"), Text) and word_of("medium") == "medium"
    assert not isinstance(word_of("developing"), Text) and word_of("developing") == "developing"


def test_every_reason_of_a_score_is_a_text_that_a_stored_copy_gives_back():
    # given
    score = score_raw_response(
        response(role="other", transparency=["tier1_only", "end_to_end"]), get_framework()
    )

    # then
    for reason in score.reasons:
        assert isinstance(reason.text, Text)
        stored = str(reason.text)  # as the database keeps it
        again = text_from_data(stored, text_data(reason.text))
        assert isinstance(again, Text) and again.template == reason.text.template
    contradiction = score.warnings[-1]
    assert isinstance(contradiction, Text)
    assert contradiction.params["question"] == "Awareness (1): supply chain transparency"


def test_the_markets_reasoning_names_its_numbers_as_parameters():
    # given
    framework = get_framework()
    scores = [score_raw_response(response(), framework)] * 4

    # when
    market = assess_market(scores, framework)

    # then: the share is a number said per locale, written 50 as `:.0%` wrote it
    first = market.reasoning.params["part1"]
    assert first.params["share"] == 50 and "(3 or 50% of the respondents" in first
    assert market.explanation == f"{market.reasoning} {market.baseline_advice}"


def test_a_stored_severity_reason_reads_back_as_its_text_and_a_changed_one_as_stored():
    # given
    verdict = assess_severity(scale=2, scope=3, irremediability=2)
    stored = [str(r) for r in verdict.reasons[:-1]] + ["changed by hand"]

    # when
    said = severity_reasons_said(stored, scale=2, scope=3, irremediability=2)

    # then
    assert said == tuple(stored)
    assert all(isinstance(r, Text) for r in said[:-1]) and not isinstance(said[-1], Text)
    assert said[0].params["meaning"] is SCALE_LABELS[2]


def test_a_refused_transition_says_its_statuses_as_words_of_the_catalogue():
    with pytest.raises(TransitionRefused) as refused:
        check_transition("received", "remediated")
    message = refused.value.args[0]
    assert (
        message
        == "an incident that is received can move to verifying, unsubstantiated, closed, not remediated"
    )
    assert isinstance(message.params["new"], Text)


def test_a_sites_stored_reasons_read_back_as_texts_with_the_country_as_a_parameter():
    # given
    method = get_risk_method()
    site = ListedSite(key=1, country_iso3="IDN", site_type="final assembly")
    risks = [RatedRisk("child_labour", "Child labour", "IDN", "assembly", 2.5)]
    [verdict] = link_sites_to_risks([site], risks, method.site_types)
    stored = [str(r) for r in verdict.reasons]

    # when
    said = site_reasons_said(stored, site=site, stage=verdict.stage, risks=verdict.risks, candidates=1)

    # then
    assert said == tuple(stored)
    assert all(isinstance(r, Text) for r in said)
    assert said[1].params["place"].params["country"] == "Indonesia"
    assert said[1].params["risks"].params["part0"].params["score"] == 2.5


def test_a_refused_identifier_names_the_value_in_a_text():
    with pytest.raises(CompanyInputError) as refused:
        validate_duns("12-34")
    message = refused.value.args[0]
    assert message == "'12-34' is not a D-U-N-S number: nine digits."
    assert isinstance(message, Text) and set(PARAMETER.findall(message.template)) == {"value"}


def test_a_refused_answer_is_a_text_beside_the_fields_path():
    # given
    raw = response(risk_understanding=["fair", "unfamiliar"])

    # when
    with pytest.raises(InvalidResponse) as refused:
        parse_response(raw, get_framework())

    # then
    [error] = refused.value.errors
    assert (
        str(error) == error.said == "answers.risk_understanding: exactly one answer is allowed, 2 were given"
    )
    assert error.said.params["message"].params["count"] == 2
