"""NGO assessment frameworks: the shipped Amnesty 2017 criteria, the loader's refusals (naming the key), a second
framework from a folder with no code, and the review summary's verdict and reasons."""

from pathlib import Path

import pytest
import yaml

from hrdd.domain.ngo_frameworks import (
    AnswerFacts,
    NgoFrameworkError,
    load_ngo_framework,
    load_ngo_framework_file,
    ngo_framework_keys,
    parse_ngo_framework,
    summarise_review,
)

SHIPPED = Path(__file__).resolve().parents[2] / "hrdd" / "frameworks" / "ngo-amnesty-2017-cobalt.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_LETTER = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_cc353eceaed9f16c.txt"


def amnesty_data():
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def test_the_amnesty_framework_has_the_four_themes_with_the_seed_letters_numbers():
    # when
    framework = load_ngo_framework("amnesty-2017-cobalt")

    # then
    assert framework.ngo == "Amnesty International"
    assert [(c.key, c.number) for c in framework.criteria] == [
        ("supply-links", "1.0"),
        ("mapping-risks", "3.0"),
        ("disclosure", ""),
        ("remediation", ""),
    ]
    assert [c.origin for c in framework.criteria] == ["quoted", "quoted", "paraphrased", "paraphrased"]
    assert "TC AFR 62/2017.048" in framework.criterion("supply-links").source
    assert "could not be checked" in framework.criterion("disclosure").source


def test_the_amnesty_scale_is_the_ngos_five_bands_with_their_source():
    scale = load_ngo_framework("amnesty-2017-cobalt").scale

    assert scale.owner == "ngo"
    assert [level.label for level in scale.levels] == [
        "All possible actions taken",
        "Adequate action taken",
        "Moderate action taken",
        "Minimal action taken",
        "No action taken",
    ]
    assert "15 November 2017" in scale.source


@pytest.mark.skipif(not SEED_LETTER.is_file(), reason="the seed letter is not beside the project")
def test_the_criteria_are_in_our_own_words_not_copied_from_the_seed_letter():
    # given
    letter = " ".join(SEED_LETTER.read_text(encoding="utf-8").split())
    framework = load_ngo_framework("amnesty-2017-cobalt")

    # then: no question or guidance repeats a sentence of the letter
    for criterion in framework.criteria:
        for text in (criterion.title, criterion.question, criterion.guidance):
            assert " ".join(text.split()) not in letter
    assert "Has the company taken action to map its supply chain" not in SHIPPED.read_text(encoding="utf-8")


def test_a_misspelled_key_is_refused_naming_the_key_and_the_criterion():
    # given
    data = amnesty_data()
    data["criteria"][1]["titel"] = data["criteria"][1].pop("title")

    # when
    with pytest.raises(NgoFrameworkError) as refused:
        parse_ngo_framework(data, origin="broken.yaml")

    # then
    message = str(refused.value)
    assert "broken.yaml" in message
    assert "unknown key 'titel' in criteria[1] (key \"mapping-risks\")" in message
    assert "missing key 'title' in criteria[1]" in message


def test_an_unknown_key_in_the_scale_is_refused_by_name():
    data = amnesty_data()
    data["scale"]["levels"][0]["colour"] = "green"

    with pytest.raises(NgoFrameworkError, match=r"unknown key 'colour' in scale\.levels\[0\]"):
        parse_ngo_framework(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["criteria"][1].update(key="supply-links"), "criterion key 'supply-links' is used twice"),
        (lambda d: d["criteria"][1].update(number="1.0"), "criterion number '1.0' is used twice"),
        (
            lambda d: d["scale"]["levels"][1].update(key="all_possible"),
            "rating key 'all_possible' is used twice",
        ),
        (lambda d: d["criteria"][0].update(evidence=["smelter"]), "criteria[0]"),
        (lambda d: d.update(criteria=[]), "criteria"),
        (lambda d: d["scale"].update(owner="amnesty"), "scale.owner"),
    ],
)
def test_inconsistent_frameworks_are_refused(change, message):
    data = amnesty_data()
    change(data)

    with pytest.raises(NgoFrameworkError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_ngo_framework(data)


def test_a_second_framework_is_found_in_a_folder_without_code():
    # when
    keys = ngo_framework_keys([FIXTURES])
    framework = load_ngo_framework("fmw-2026-scorecard", [FIXTURES])

    # then
    assert keys == ("amnesty-2017-cobalt", "fmw-2026-scorecard")
    assert framework.scale.owner == "hrdd"
    assert [c.label for c in framework.criteria] == [
        "A1 Publishes its smelter list",
        "A2 Runs a grievance mechanism",
        "B1 Reports on remedy",
    ]


def test_an_unknown_framework_names_the_known_ones():
    with pytest.raises(
        NgoFrameworkError, match="unknown NGO framework 'greenpeace'; known: amnesty-2017-cobalt"
    ):
        load_ngo_framework("greenpeace")


def test_a_broken_file_is_refused_with_its_path(tmp_path):
    path = tmp_path / "ngo-broken.yaml"
    path.write_text("kind: ngo-assessment\nkey: [unclosed\n", encoding="utf-8")

    with pytest.raises(NgoFrameworkError, match="ngo-broken.yaml"):
        load_ngo_framework_file(path)


# -- the review summary ------------------------------------------------------------------------------------------


def facts(key, *, answered=True, rating="", evidence=1):
    return AnswerFacts(criterion_key=key, answered=answered, rating=rating, evidence=evidence)


def test_nothing_answered_is_not_ready():
    framework = load_ngo_framework("amnesty-2017-cobalt")

    summary = summarise_review(framework, [])

    assert (summary.answered, summary.rated, summary.ready) == (0, 0, False)
    assert summary.verdict == "Nothing answered yet."
    assert len(summary.unanswered) == 4


def test_an_unrated_answer_keeps_the_review_in_progress_and_says_which():
    framework = load_ngo_framework("amnesty-2017-cobalt")

    summary = summarise_review(
        framework, [facts("supply-links", rating="adequate"), facts("mapping-risks", evidence=0)]
    )

    assert not summary.ready
    assert summary.unrated == ("3.0 Mapped its supply chain and identified the risks",)
    assert summary.without_evidence == ("3.0 Mapped its supply chain and identified the risks",)
    assert "Answered but not rated by a reviewer: 3.0 Mapped its supply chain and identified the risks." in (
        summary.reasons
    )
    assert summary.reasons[0] == "2 of 4 criteria answered, 1 of them rated."


def test_every_answer_rated_is_ready_with_the_gaps_named_and_the_ratings_counted():
    framework = load_ngo_framework("amnesty-2017-cobalt")

    summary = summarise_review(
        framework,
        [facts("supply-links", rating="adequate"), facts("mapping-risks", rating="adequate", evidence=0)],
    )

    assert summary.ready
    assert summary.verdict == "Ready to be marked final, with gaps the NGO will see."
    assert {r.key: r.count for r in summary.ratings}["adequate"] == 2
    assert "Not answered (left out of the letter): Disclosed its due diligence." in summary.reasons


def test_all_answered_rated_and_evidenced_is_fully_ready():
    framework = load_ngo_framework("amnesty-2017-cobalt")

    summary = summarise_review(framework, [facts(c.key, rating="moderate") for c in framework.criteria])

    assert summary.ready
    assert summary.verdict.startswith("Ready to be marked final: every criterion")


def test_a_rating_off_the_scale_counts_as_unrated_and_says_so():
    framework = load_ngo_framework("amnesty-2017-cobalt")

    summary = summarise_review(framework, [facts("supply-links", rating="gold")])

    assert not summary.ready
    assert any("the rating 'gold' is not on the scale" in r for r in summary.reasons)
