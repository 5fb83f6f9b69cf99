"""Step 2 in the reader's language (issue 16): a consultation's recommendation, its scenarios, dimensions, warnings
and each number's reasons are said in the page's language, numbers written the locale's way; English unchanged.

The framework's texts have shipped translations (hrdd/frameworks/translations/nl.yaml); the sentences the domain
writes around them are Texts, stored beside their English with each verdict, so the pages say them again in Dutch.
"""

from importlib import resources

import pytest
import yaml
from django.urls import reverse

from hrdd.consultations.models import ResponseVerdict
from hrdd.consultations.selectors import consultation_scores_verify
from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.domain.maturity import score_raw_response
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.domain.yamltext import load_yaml
from tests.app.workbooks import open_xlsx
from tests.factories import ConsultationFactory, response
from tests.html import parse

pytestmark = pytest.mark.django_db

DUTCH = {"HTTP_ACCEPT_LANGUAGE": "nl"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def decimal_framework(settings, tmp_path):
    """cfit-2025 with one option worth 1.5 points to a manufacturer: a reason with a decimal number in it."""
    data = load_yaml(
        resources.files("hrdd.frameworks").joinpath("cfit-2025.yaml").read_text(encoding="utf-8")
    )
    data["id"] = "cfit-decimal"
    transparency = next(q for q in data["questions"] if q["id"] == "transparency")
    option = next(o for o in transparency["options"] if o["id"] == "raw_material_types")
    option["points"] = {"manufacturer": 1.5, "reseller": 2}
    (tmp_path / "cfit-decimal.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    settings.HRDD_FRAMEWORK_DIRS = [str(tmp_path)]
    return get_framework("cfit-decimal")


def submit(buyer, consultation, raw, email="supplier@acme.example"):
    invitation = invitation_create(actor=buyer, consultation=consultation, email=email, send=False)
    return invitation_submit(invitation=invitation, raw=raw)


def detail(client, consultation, language):
    return client.get(reverse("consultations:detail", args=[consultation.public_id]), **language)


def response_page(client, consultation, invitation, language):
    return client.get(
        reverse("consultations:response", args=[consultation.public_id, invitation.pk]), **language
    )


# the results page


def test_the_results_page_in_dutch_names_the_scenarios_and_the_dimensions_in_dutch(
    logged_in, consultation, submitted
):
    # when
    page = parse(detail(logged_in, consultation, DUTCH).content)

    # then: one medium respondent meets scenario 2 (quorum 1), not scenario 3
    recommendation = page.by_id("recommendation").text
    assert "Scenario 2: gemiddelde maturiteit van de markt" in recommendation
    assert "Scenario 3: hoge maturiteit van de markt" in page.by_id("recommendation-why").text
    assert "medium market maturity" not in recommendation
    headers = [th.text for th in page.by_id("suppliers").find_all("th")]
    assert "Bewustzijn" in headers and "Awareness" not in headers
    assert "Bewustzijn" in page.by_id("recommendation").find("svg").text  # the chart's rows


def test_the_results_page_in_english_is_unchanged(logged_in, consultation, submitted):
    # when
    answer = detail(logged_in, consultation, ENGLISH)
    page = parse(answer.content)

    # then: the sentences the domain writes, word for word
    assert "Scenario 2: medium market maturity" in page.by_id("recommendation").text
    market = answer.context["market"]
    assert page.by_id("recommendation-why").text == market.reasoning
    assert market.explanation == f"{market.reasoning} {market.baseline_advice}"
    assert "Awareness" in [th.text for th in page.by_id("suppliers").find_all("th")]


def test_a_warning_is_said_in_dutch_with_the_options_it_names(logged_in, buyer, consultation):
    # given: a supplier that ticked "no view beyond the direct suppliers" with "knows the supply chain end to end"
    submit(buyer, consultation, response(role="other", transparency=["tier1_only", "end_to_end"]))

    # when
    cells = [
        td.text
        for td in parse(detail(logged_in, consultation, DUTCH).content).by_id("suppliers").find_all("td")
    ]

    # then: the framework's warning in its Dutch translation, the domain's warning with the Dutch option labels
    warnings = next(text for text in cells if "⚠" in text)
    assert "De rol 'andere' valt niet onder de scoring van de handleiding" in warnings
    assert "“Geen zicht voorbij de directe leveranciers”" in warnings
    assert "“Kent de toeleveringsketen van begin tot eind”" in warnings
    assert "No view beyond the direct suppliers" not in warnings


# one response's reasons


def test_a_stored_reason_is_said_in_dutch_with_dutch_numbers(
    logged_in, buyer, decimal_framework, municipality
):
    # given
    consultation = ConsultationFactory(organisation=municipality, framework_id="cfit-decimal")
    invitation = submit(buyer, consultation, response())

    # when
    page = parse(response_page(logged_in, consultation, invitation, DUTCH).content)

    # then: 0 + 1 + 1.5 = 2.5, written 2,5 in Dutch, beside the options' Dutch labels
    transparency = page.by_id("reasons").find_all("tr")[1].text
    assert "Kent de belangrijkste grondstoffen 1,5" in transparency
    assert "= 2,5" in transparency
    assert "1.5" not in transparency


def test_the_same_reason_in_english_is_the_domains_sentence_word_for_word(
    logged_in, buyer, decimal_framework, municipality
):
    # given
    consultation = ConsultationFactory(organisation=municipality, framework_id="cfit-decimal")
    raw = response()
    invitation = submit(buyer, consultation, raw)

    # when
    page = parse(response_page(logged_in, consultation, invitation, ENGLISH).content)

    # then
    fresh = score_raw_response(raw, decimal_framework).reasons[0].text
    assert fresh == (
        "Knows where the products are assembled 0, Can list the key component producers 1, "
        "Knows the main raw materials 1.5 (manufacturer points) = 2.5"
    )
    assert fresh in page.by_id("reasons").find_all("tr")[1].text


def test_a_verdict_stored_before_its_texts_were_is_shown_in_english_and_still_agrees(
    logged_in, consultation, submitted
):
    # given: the verdict as it was stored before the texts' templates were kept beside it
    verdict = ResponseVerdict.objects.get(invitation=submitted)
    for reason in verdict.score["reasons"]:
        del reason["text_form"]
    del verdict.score["warnings_texts"]
    verdict.save()

    # when
    page = parse(response_page(logged_in, consultation, submitted, DUTCH).content)

    # then: its reasons in English (the question titles around them in Dutch), and the stale-check finds no fault
    english = score_raw_response(submitted.as_raw_response(), get_framework()).reasons[0].text
    assert english in page.by_id("reasons").text
    assert consultation_scores_verify() == []


def test_a_template_that_no_longer_gives_the_stored_english_is_not_used(logged_in, consultation, submitted):
    # given: a reason changed by hand since it was stored
    verdict = ResponseVerdict.objects.get(invitation=submitted)
    verdict.score["reasons"][0]["text"] = "as stored"
    verdict.save()

    # when
    page = parse(response_page(logged_in, consultation, submitted, DUTCH).content)

    # then
    assert page.by_id("reasons").find_all("tr")[1].find_all("td")[1].text == "as stored"


# the export


def test_the_results_workbook_downloaded_in_dutch_says_its_reasons_in_dutch(
    logged_in, buyer, decimal_framework, municipality
):
    # given
    consultation = ConsultationFactory(organisation=municipality, framework_id="cfit-decimal")
    submit(buyer, consultation, response())

    # when
    dutch = open_xlsx(
        logged_in.get(reverse("consultations:export", args=[consultation.public_id]), **DUTCH).content
    )
    english = open_xlsx(
        logged_in.get(reverse("consultations:export", args=[consultation.public_id]), **ENGLISH).content
    )

    # then: the ids and column names stay; the sentences are said in the reader's language
    dutch_reasons = [row for row in dutch["Reasons"].iter_rows(values_only=True)]
    english_reasons = [row for row in english["Reasons"].iter_rows(values_only=True)]
    assert dutch_reasons[0] == english_reasons[0] == ("company", "subject", "reason", "source")
    assert dutch_reasons[1][1] == english_reasons[1][1] == "transparency"
    assert "Kent de belangrijkste grondstoffen 1,5" in dutch_reasons[1][2]
    assert "Knows the main raw materials 1.5" in english_reasons[1][2]
    market = {
        row[0]: row[1] for row in dutch["Market"].iter_rows(values_only=True) if row and row[0] is not None
    }
    assert "Scenario 3: hoge maturiteit van de markt" in market["explanation"]
