"""Precision and recall of the award-criterion-1 check on a labelled set of assessments (used by
benchmarks/ac1_check.py and by the evaluation test)."""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Labelled:
    file: str
    language: str
    meets: bool
    why: str
    text: str


@dataclass(frozen=True)
class Score:
    documents: int
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        said_yes = self.true_positives + self.false_positives
        return self.true_positives / said_yes if said_yes else 1.0

    @property
    def recall(self) -> float:
        are_yes = self.true_positives + self.false_negatives
        return self.true_positives / are_yes if are_yes else 1.0


def load_set(folder: Path) -> list[Labelled]:
    """The labelled texts of a folder with labels.csv (file, language, label: meets/does-not-meet, why)."""
    with (folder / "labels.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [
        Labelled(
            row["file"],
            row["language"],
            row["label"] == "meets",
            row["why"],
            (folder / row["file"]).read_text(encoding="utf-8"),
        )
        for row in rows
    ]


def evaluate(
    items: list[Labelled], verdict: Callable[[str], bool]
) -> tuple[dict[str, Score], list[tuple[Labelled, bool]], float]:
    """Scores per language and 'all', the items judged wrongly (with the verdict given), and the seconds per
    document."""
    counts: dict[str, list[int]] = {}
    wrong: list[tuple[Labelled, bool]] = []
    start = time.perf_counter()
    for item in items:
        said = verdict(item.text)
        for key in (item.language, "all"):
            c = counts.setdefault(key, [0, 0, 0, 0])
            c[0] += 1
            c[1] += said and item.meets
            c[2] += said and not item.meets
            c[3] += item.meets and not said
        if said != item.meets:
            wrong.append((item, said))
    per_document = (time.perf_counter() - start) / max(len(items), 1)
    return {k: Score(*v) for k, v in counts.items()}, wrong, per_document
