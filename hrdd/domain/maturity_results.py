"""A scored response laid out by its framework's own dimensions and levels, for pages, charts and exports.

Nothing here names a dimension or a level: both come from the framework, so a page built on these rows shows
whatever questionnaire the consultation uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hrdd.domain.maturity import ResponseScore
from hrdd.domain.questionnaire_framework import QuestionnaireFramework

Tone = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class DimensionResult:
    """One dimension of one scored response: its score and level, and where the level sits on the ladder."""

    id: str
    title: str
    score: int | float
    level: str
    rank: int  # 0 for the framework's lowest level
    tone: Tone


def level_rank(level: str, framework: QuestionnaireFramework) -> int:
    """Return the level's position in the framework's ladder, 0 for the lowest."""
    try:
        return framework.levels.index(level)
    except ValueError:
        raise KeyError(f"level {level!r} is not one of {', '.join(framework.levels)}") from None


def level_tone(level: str, framework: QuestionnaireFramework) -> Tone:
    """Place a level on the three tones pages colour by: the lowest level is low, the highest high, any between medium."""
    rank = level_rank(level, framework)
    top = len(framework.levels) - 1
    if top == 0:
        return "medium"
    if rank == 0:
        return "low"
    if rank == top:
        return "high"
    return "medium"


def dimension_results(score: ResponseScore, framework: QuestionnaireFramework) -> tuple[DimensionResult, ...]:
    """Lay out a scored response by the framework's dimensions, in the framework's order."""
    return tuple(
        DimensionResult(
            id=dimension.id,
            title=dimension.title,
            score=score.scores[dimension.id],
            level=score.levels[dimension.id],
            rank=level_rank(score.levels[dimension.id], framework),
            tone=level_tone(score.levels[dimension.id], framework),
        )
        for dimension in framework.dimensions
    )
