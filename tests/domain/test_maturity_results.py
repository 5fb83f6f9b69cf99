"""A scored response laid out by the framework's own dimensions and levels, whatever the framework."""

from pathlib import Path

import pytest

from hrdd.domain.maturity import score_raw_response
from hrdd.domain.maturity_results import dimension_results, level_rank, level_tone
from hrdd.domain.questionnaire_framework import get_framework, load_framework_file

GREENBUY = load_framework_file(Path(__file__).parent / "fixtures" / "greenbuy-2026.yaml")
CFIT = get_framework("cfit-2025")


@pytest.mark.parametrize(
    ("framework", "level", "rank", "tone"),
    [
        (CFIT, "low", 0, "low"),
        (CFIT, "medium", 1, "medium"),
        (CFIT, "high", 2, "high"),
        (GREENBUY, "basic", 0, "low"),
        (GREENBUY, "developing", 1, "medium"),
        (GREENBUY, "advanced", 2, "high"),
    ],
)
def test_a_level_is_placed_by_its_position_in_the_frameworks_ladder(framework, level, rank, tone):
    assert level_rank(level, framework) == rank
    assert level_tone(level, framework) == tone


def test_every_level_between_the_lowest_and_the_highest_is_medium():
    # given
    framework = GREENBUY.model_copy(update={"levels": ("none", "some", "more", "most")})

    # then
    assert [level_tone(level, framework) for level in framework.levels] == ["low", "medium", "medium", "high"]


def test_a_level_the_framework_does_not_know_raises_key_error_naming_the_known_ones():
    with pytest.raises(KeyError, match="basic, developing, advanced"):
        level_rank("medium", GREENBUY)


def test_a_response_is_laid_out_by_the_frameworks_dimensions_in_order():
    # given
    score = score_raw_response(
        {
            "company": "Green Maker Ltd",
            "role": "oem",
            "answers": {"traceability": ["smelters"], "grievance": "independent", "audits": ["third_party"]},
        },
        GREENBUY,
    )

    # when
    rows = dimension_results(score, GREENBUY)

    # then
    assert [(r.id, r.title, r.score, r.level, r.tone) for r in rows] == [
        ("visibility", "Visibility", 4, "developing", "medium"),
        ("remedy", "Remedy", 6, "advanced", "high"),
        ("verification", "Verification", 8, "basic", "low"),
    ]
