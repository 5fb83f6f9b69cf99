"""NGO assessment frameworks (issue 14): the criteria an NGO assesses a company on, and the review of an answer.

A framework is data (hrdd/frameworks/ngo-<key>.yaml, `kind: ngo-assessment`): the NGO, the source it comes from,
the rating scale the reviewer uses (the NGO's own where it is sourced, else a neutral scale marked as hrdd's), and
the criteria, each with its number as the NGO gives it (where it gives one), the question in our own words, the
kinds of hrdd records that help answer it, and guidance for the answer. This module reads and checks the YAML
(an unknown or misspelled key is refused by name) and sums up the review of an answer: how many criteria are
answered and rated, the ratings per level, which answers cite no evidence, with a verdict and its reasons.
A second framework needs no code: a YAML file in hrdd/frameworks/ or in a folder the application names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

FRAMEWORK_PACKAGE = "hrdd.frameworks"
KIND = "ngo-assessment"
FILE_PREFIX = "ngo-"
# The kinds of evidence an answer may cite (hrdd.programmes.models.NgoEvidence.Kind has the same keys).
EVIDENCE_KINDS = ("kpi", "programme", "smelters", "incident", "certification", "document", "link")
EvidenceKind = Literal["kpi", "programme", "smelters", "incident", "certification", "document", "link"]


class NgoFrameworkError(ValueError):
    """A framework file is missing, unreadable or breaks a rule of the format (the message names the key)."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RatingLevel(_Frozen):
    key: str = Field(min_length=1, max_length=30)
    label: str
    meaning: str


class RatingScale(_Frozen):
    # "ngo": the NGO's own scale, with its source; "hrdd": a neutral scale hrdd offers where the NGO's is unknown
    owner: Literal["ngo", "hrdd"]
    title: str
    source: str
    note: str = ""
    levels: tuple[RatingLevel, ...] = Field(min_length=2)

    def level(self, key: str) -> RatingLevel:
        """The level with this key (KeyError when the scale has none)."""
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(level.key for level in self.levels)


class Criterion(_Frozen):
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    number: str = ""  # as the NGO numbers it ("1.0"); empty where the source gives no number
    title: str
    question: str
    # where the criterion comes from: quoted by a source we hold, or paraphrased from the NGO's published scheme
    origin: Literal["quoted", "paraphrased", "invented"]
    source: str
    evidence: tuple[
        EvidenceKind, ...
    ] = ()  # the kinds of hrdd records that help answer it, most useful first
    guidance: str

    @property
    def label(self) -> str:
        """The number and title, as the letter heads the criterion ("1.0 Investigated ..."); the title is said in
        the reader's language (a Text)."""
        if not self.number:
            return self.title
        return Text(gettext_noop("%(number)s %(title)s"), number=self.number, title=self.title)


class NgoFramework(_Frozen):
    kind: Literal["ngo-assessment"]
    key: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    version: str = Field(min_length=1, max_length=20)
    ngo: str
    title: str
    source: str
    note: str = ""
    scale: RatingScale
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> NgoFramework:
        keys = [c.key for c in self.criteria]
        for key in keys:
            if keys.count(key) > 1:
                raise ValueError(f"criterion key {key!r} is used twice")
        numbers = [c.number for c in self.criteria if c.number]
        for number in numbers:
            if numbers.count(number) > 1:
                raise ValueError(f"criterion number {number!r} is used twice")
        levels = [level.key for level in self.scale.levels]
        for level in levels:
            if levels.count(level) > 1:
                raise ValueError(f"rating key {level!r} is used twice")
        return self

    def criterion(self, key: str) -> Criterion:
        """The criterion with this key (KeyError when the framework has none)."""
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)


def _where(loc: Sequence[Any], data: Any) -> str:
    """A location in the YAML for people: 'criteria[1] (key "mapping")' rather than 'criteria.1'."""
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            name = ""
            if isinstance(node, list) and 0 <= step < len(node):
                node = node[step]
                if isinstance(node, dict) and node.get("key"):
                    name = f' (key "{node["key"]}")'
            else:
                node = None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{step}]{name}"]
        else:
            node = node.get(step) if isinstance(node, dict) else None
            parts.append(str(step))
    return ".".join(parts)


def parse_ngo_framework(data: Any, *, origin: str = "<data>") -> NgoFramework:
    """Validate parsed YAML as an NGO assessment framework; NgoFrameworkError names each key at fault."""
    try:
        return NgoFramework.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = list(error["loc"])
            if error["type"] == "extra_forbidden":
                where = _where(loc[:-1], data)
                problems.append(f"unknown key {loc[-1]!r}" + (f" in {where}" if where else ""))
            elif error["type"] == "missing":
                where = _where(loc[:-1], data)
                problems.append(f"missing key {loc[-1]!r}" + (f" in {where}" if where else ""))
            else:
                problems.append(f"{_where(loc, data) or '(top)'}: {error['msg']}")
        raise NgoFrameworkError(f"{origin}: {'; '.join(problems)}") from exc


def _read(text: str, origin: str) -> Any:
    try:
        return load_yaml(text)
    except yaml.YAMLError as exc:
        raise NgoFrameworkError(f"{origin}: not readable as YAML: {exc}") from exc


def load_ngo_framework_file(path: Path) -> NgoFramework:
    """Read and validate one framework file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise NgoFrameworkError(f"{path}: {exc.strerror or exc}") from exc
    return parse_ngo_framework(_read(text, str(path)), origin=str(path))


def _declared(text: str) -> str | None:
    """The key a YAML text declares when it is an NGO framework, else None (also for unreadable text)."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError:
        return None
    if isinstance(data, dict) and data.get("kind") == KIND and data.get("key"):
        return str(data["key"])
    return None


@cache
def _shipped() -> dict[str, str]:
    """key -> the text of each framework shipped in hrdd/frameworks/ (files ngo-*.yaml)."""
    found: dict[str, str] = {}
    for entry in sorted(resources.files(FRAMEWORK_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.startswith(FILE_PREFIX) and entry.name.endswith(".yaml"):
            text = entry.read_text(encoding="utf-8")
            key = _declared(text)
            if key:
                found.setdefault(key, text)
    return found


def _in_folders(extra_dirs: Iterable[str | Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in extra_dirs:
        for path in sorted(Path(folder).glob("*.yaml")):
            try:
                key = _declared(path.read_text(encoding="utf-8"))
            except OSError:
                continue
            if key:
                found.setdefault(key, path)
    return found


def ngo_framework_keys(extra_dirs: Iterable[str | Path] = ()) -> tuple[str, ...]:
    """The keys of every NGO framework that can be loaded: the shipped ones, then those in the extra folders."""
    keys = list(_shipped())
    keys += [k for k in _in_folders(extra_dirs) if k not in keys]
    return tuple(keys)


@cache
def _parsed(text: str, origin: str) -> NgoFramework:
    return parse_ngo_framework(_read(text, origin), origin=origin)


def load_ngo_framework(key: str, extra_dirs: Iterable[str | Path] = ()) -> NgoFramework:
    """The framework with this key: shipped in hrdd/frameworks/, else in one of the extra folders."""
    shipped = _shipped()
    if key in shipped:
        return _parsed(shipped[key], f"{FILE_PREFIX}{key}.yaml")
    dirs = tuple(extra_dirs)
    path = _in_folders(dirs).get(key)
    if path is None:
        known = ", ".join(ngo_framework_keys(dirs)) or "none"
        raise NgoFrameworkError(f"unknown NGO framework {key!r}; known: {known}")
    return _parsed(path.read_text(encoding="utf-8"), str(path))


# -- the review of an answer -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFacts:
    """What the review needs of one criterion's answer."""

    criterion_key: str
    answered: bool  # the answer has text
    rating: str  # a level key of the scale, or "" when not rated
    evidence: int  # how many items of evidence it cites


@dataclass(frozen=True)
class RatingCount:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class ReviewSummary:
    """How far the answer is: counts, the ratings per level, the gaps by criterion, and a verdict with reasons."""

    criteria: int
    answered: int
    rated: int
    ratings: tuple[RatingCount, ...]
    unanswered: tuple[str, ...]  # criterion labels
    unrated: tuple[str, ...]  # answered, not rated
    without_evidence: tuple[str, ...]  # answered, citing nothing
    ready: bool  # every answered criterion rated (and at least one answered): it may be marked final
    verdict: str  # a Text, as each reason
    reasons: tuple[str, ...]


def summarise_review(framework: NgoFramework, answers: Iterable[AnswerFacts]) -> ReviewSummary:
    """Sum up the answers to a framework's criteria: what is answered, rated and backed by evidence, and whether
    the answer may be marked final (at least one criterion answered, and every answer rated)."""
    by_key = {a.criterion_key: a for a in answers}
    unanswered: list[str] = []
    unrated: list[str] = []
    without: list[str] = []
    counts = dict.fromkeys(framework.scale.keys, 0)
    off_scale: list[str] = []
    for criterion in framework.criteria:
        facts = by_key.get(criterion.key)
        if facts is None or not facts.answered:
            unanswered.append(criterion.label)
            continue
        if not facts.rating:
            unrated.append(criterion.label)
        elif facts.rating in counts:
            counts[facts.rating] += 1
        else:
            off_scale.append(
                Text(
                    gettext_noop("%(criterion)s: the rating %(rating)s is not on the scale."),
                    criterion=criterion.label,
                    rating=repr(facts.rating),
                )
            )
            unrated.append(criterion.label)
        if facts.evidence == 0:
            without.append(criterion.label)
    total = len(framework.criteria)
    answered = total - len(unanswered)
    rated = answered - len(unrated)
    reasons: list[str] = [
        Text(
            gettext_noop("%(answered)s of %(total)s criteria answered, %(rated)s of them rated."),
            answered=answered,
            total=total,
            rated=rated,
        )
    ]
    reasons += [
        Text(gettext_noop("Not answered (left out of the letter): %(criterion)s."), criterion=label)
        for label in unanswered
    ]
    reasons += [
        Text(gettext_noop("Answered but not rated by a reviewer: %(criterion)s."), criterion=label)
        for label in unrated
    ]
    reasons += [
        Text(gettext_noop("Answered without evidence: %(criterion)s."), criterion=label) for label in without
    ]
    reasons += off_scale
    ready = answered > 0 and not unrated
    if answered == 0:
        verdict = Text(gettext_noop("Nothing answered yet."))
    elif not ready:
        verdict = Text(
            gettext_noop("In progress: every answer needs a reviewer's rating before the answer is final.")
        )
    elif unanswered or without:
        verdict = Text(gettext_noop("Ready to be marked final, with gaps the NGO will see."))
    else:
        verdict = Text(
            gettext_noop("Ready to be marked final: every criterion answered, rated and backed by evidence.")
        )
    return ReviewSummary(
        criteria=total,
        answered=answered,
        rated=rated,
        ratings=tuple(
            RatingCount(key=level.key, label=level.label, count=counts[level.key])
            for level in framework.scale.levels
        ),
        unanswered=tuple(unanswered),
        unrated=tuple(unrated),
        without_evidence=tuple(without),
        ready=ready,
        verdict=verdict,
        reasons=tuple(reasons),
    )
