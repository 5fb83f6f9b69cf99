"""The award-criterion-1 check on the labelled evaluation set (tests/fixtures/ac1: 64 assessments in English,
Dutch, French and German, half meeting the minimum). Only a floor far below the target (precision >= 0.95,
recall >= 0.90) is asserted, so that the test fails on a real regression; benchmarks/ac1_check.py reports
the real figures. The 16 held-out assessments (tests/fixtures/ac1/heldout), the 40 written for issue 15
before the reader's code was read (tests/fixtures/ac1-unseen) and the 12 written after it (ac1-unseen/fresh,
tuned on since the word groups were added) are held to the same floor. The 24 of ac1-unseen/fresh2 are only
checked for their shape here: they were run once before and once after the word groups, and are the next
round's out-of-sample set."""

from pathlib import Path

import pytest

from hrdd.domain.risk_check import check_risk_assessment
from hrdd.domain.textread.evaluation import evaluate, load_set

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ac1"
UNSEEN = FIXTURES.parent / "ac1-unseen"
SETS = {"tuned": FIXTURES, "heldout": FIXTURES / "heldout", "unseen": UNSEEN, "fresh": UNSEEN / "fresh"}
FRESH2 = UNSEEN / "fresh2"
# First run of the unseen set, before the general fixes: precision 0.846, recall 0.550; after them 1.0 and 1.0
# (benchmarks/ac1_check.py --unseen). The floor stays far below the measured figures.
FLOOR = 0.7


@pytest.fixture(scope="module", params=list(SETS))
def evaluation(request):
    items = load_set(SETS[request.param])
    scores, wrong, _ = evaluate(items, lambda text: check_risk_assessment(text).meets_minimum)
    return items, scores, wrong


def test_the_set_has_at_least_60_labelled_assessments_half_meeting_the_minimum_in_four_languages():
    items = load_set(FIXTURES)
    assert len(items) >= 60
    assert sum(i.meets for i in items) * 2 == len(items)
    for language in ("en", "nl", "fr", "de"):
        assert sum(i.language == language for i in items) >= 12
        assert sum(i.language == language and i.meets for i in items) >= 6
    assert all(i.why and i.text.strip() for i in items)


def test_the_unseen_set_has_ten_assessments_per_language_half_meeting_the_minimum():
    items = load_set(UNSEEN)
    assert len(items) == 40
    for language in ("en", "nl", "fr", "de"):
        assert sum(i.language == language for i in items) == 10
        assert sum(i.language == language and i.meets for i in items) == 5
    assert all(i.why and i.text.strip() for i in items)


def test_the_second_fresh_set_has_six_assessments_per_language_half_meeting_the_minimum():
    items = load_set(FRESH2)
    assert len(items) == 24
    for language in ("en", "nl", "fr", "de"):
        assert sum(i.language == language for i in items) == 6
        assert sum(i.language == language and i.meets for i in items) == 3
    assert all(i.why and i.text.strip() and i.file.startswith(i.language) for i in items)


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de", "all"])
def test_precision_and_recall_stay_above_the_floor(evaluation, language):
    _, scores, wrong = evaluation
    score = scores[language]
    judged_wrongly = [(i.file, said) for i, said in wrong if language in ("all", i.language)]
    assert score.precision >= FLOOR, judged_wrongly
    assert score.recall >= FLOOR, judged_wrongly
