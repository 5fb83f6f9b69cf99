"""Enhanced due-diligence assessment frameworks (hrdd/frameworks/assessment-*.yaml) and their scoring.

A framework is data: sections (e.g. the five steps of the OECD Minerals Guidance), each with questions whose options
are worth points, an optional cap per question, and a gap text said when an answer is weak. Scoring works like the
supplier questionnaire's (hrdd.domain.maturity): the points of the options ticked, capped, per question with the
reason and the source, summed per section and overall, with a percentage of the maximum. A question answered below
the framework's threshold (a share of its maximum) is a gap; the app stores each gap as a Gap record with the
framework's text. The questionnaire's own scorer is not reused: it is built around roles, dimensions with maturity
bands and the market rules, which an assessment has none of.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hrdd.domain.questionnaire_framework import FRAMEWORK_PACKAGE, FrameworkError
from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

PREFIX = "assessment-"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Frozen):
    id: str
    label: str
    text: str
    points: int | float = Field(ge=0)


class Question(_Frozen):
    id: str
    title: str
    prompt: str
    select: Literal["single", "multiple"]
    cap: int | float | None = Field(default=None, gt=0)
    source: str
    gap: str
    gap_below: int | float | None = None  # points; else the framework's share of the maximum
    note: str | None = None
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique_options(self) -> Question:
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError(f"question {self.id}: duplicate option ids")
        return self

    @property
    def max_points(self) -> float:
        """The most this question can give: the best option, or every option ticked up to the cap."""
        if self.select == "single":
            return max(o.points for o in self.options)
        total = sum(o.points for o in self.options)
        return min(total, self.cap) if self.cap is not None else total

    def option(self, option_id: str) -> Option:
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


class Section(_Frozen):
    id: str
    title: str
    source: str
    questions: tuple[Question, ...] = Field(min_length=1)


class AssessmentFramework(_Frozen):
    kind: Literal["assessment"]
    id: str
    version: str
    title: str
    source: str
    gap_below_share: float = Field(gt=0, le=1)
    note: str | None = None
    sections: tuple[Section, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> AssessmentFramework:
        section_ids = [s.id for s in self.sections]
        if len(section_ids) != len(set(section_ids)):
            raise ValueError("duplicate section ids")
        question_ids = [q.id for s in self.sections for q in s.questions]
        duplicates = sorted({q for q in question_ids if question_ids.count(q) > 1})
        if duplicates:
            raise ValueError(f"duplicate question id {duplicates[0]}")
        return self

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @property
    def label(self) -> str:
        return f"{self.id} {self.version}"

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def gap_threshold(self, question: Question) -> float:
        """Below this many points an answer to the question is a gap."""
        if question.gap_below is not None:
            return question.gap_below
        return question.max_points * self.gap_below_share


def parse_assessment_framework(data: Any, *, origin: str = "<data>") -> AssessmentFramework:
    """Validate parsed YAML as an assessment framework; an unknown or misspelled key is refused by name."""
    try:
        return AssessmentFramework.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise FrameworkError(f"{origin}: {problems}") from exc


def _read(name: str) -> AssessmentFramework:
    text = resources.files(FRAMEWORK_PACKAGE).joinpath(name).read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{name}: {exc}") from exc
    return parse_assessment_framework(data, origin=name)


def assessment_framework_ids() -> tuple[str, ...]:
    """The ids of the shipped assessment frameworks (hrdd/frameworks/assessment-<id>.yaml)."""
    return tuple(
        sorted(
            entry.name[len(PREFIX) : -len(".yaml")]
            for entry in resources.files(FRAMEWORK_PACKAGE).iterdir()
            if entry.name.startswith(PREFIX) and entry.name.endswith(".yaml")
        )
    )


@cache
def get_assessment_framework(framework_id: str) -> AssessmentFramework:
    """A shipped assessment framework by id; FrameworkError when there is none."""
    if framework_id not in assessment_framework_ids():
        known = ", ".join(assessment_framework_ids())
        raise FrameworkError(f"unknown assessment framework {framework_id!r}; known: {known}")
    framework = _read(f"{PREFIX}{framework_id}.yaml")
    if framework.id != framework_id:
        raise FrameworkError(f"{PREFIX}{framework_id}.yaml holds framework {framework.id!r}")
    return framework


DEFAULT_ASSESSMENT_FRAMEWORK = "oecd-minerals-five-steps"

# -- answers ------------------------------------------------------------------------------------------------------


class InvalidAnswers(ValueError):
    """Answers that cannot be scored; `field` names the first question at fault ("answers.<id>") and `text` says
    why (a Text, to be said in the reader's language)."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        self.text = message
        super().__init__(message)


def parse_answers(
    raw: Mapping[str, Any], framework: AssessmentFramework, *, partial: bool = False
) -> dict[str, tuple[str, ...]]:
    """Check answers ({question id: option id or [option ids]}); with `partial` (a draft) questions may be left
    unanswered. Returns the answers as tuples of option ids."""
    if not isinstance(raw, Mapping):
        raise InvalidAnswers(
            Text(gettext_noop("answers must be an object with one entry per question")), field="answers"
        )
    known = {q.id for q in framework.questions}
    for key in raw:
        if key not in known:
            raise InvalidAnswers(
                Text(gettext_noop("unknown question %(question)s"), question=repr(key)),
                field=f"answers.{key}",
            )
    answers: dict[str, tuple[str, ...]] = {}
    for question in framework.questions:
        given = raw.get(question.id)
        field = f"answers.{question.id}"
        if given in (None, "", [], ()):
            if not partial:
                raise InvalidAnswers(
                    Text(gettext_noop("%(question)s: an answer is required"), question=question.title),
                    field=field,
                )
            continue
        picked = (given,) if isinstance(given, str) else given
        if not isinstance(picked, list | tuple) or not all(isinstance(p, str) for p in picked):
            raise InvalidAnswers(
                Text(gettext_noop("%(question)s: must be option ids"), question=question.title), field=field
            )
        if question.select == "single" and len(picked) != 1:
            raise InvalidAnswers(
                Text(gettext_noop("%(question)s: choose one answer"), question=question.title), field=field
            )
        ids = {o.id for o in question.options}
        for option_id in picked:
            if option_id not in ids:
                raise InvalidAnswers(
                    Text(
                        gettext_noop("%(question)s: unknown option %(option)s; expected one of %(expected)s"),
                        question=question.title,
                        option=repr(option_id),
                        expected=", ".join(o.id for o in question.options),
                    ),
                    field=field,
                )
        if len(set(picked)) != len(picked):
            raise InvalidAnswers(
                Text(gettext_noop("%(question)s: an option is given twice"), question=question.title),
                field=field,
            )
        answers[question.id] = tuple(picked)
    return answers


# -- scores ------------------------------------------------------------------------------------------------------


def _number(value: float) -> int | float:
    value = round(float(value), 2)
    return int(value) if value.is_integer() else value


def _percent(points: float, maximum: float) -> float:
    return round(100 * points / maximum, 1) if maximum else 0.0


@dataclass(frozen=True)
class QuestionScore:
    question: str
    section: str
    title: str
    points: int | float
    max_points: int | float
    reason: str
    source: str
    answered: bool
    gap: str | None  # the framework's gap text when the answer is below the threshold


@dataclass(frozen=True)
class SectionScore:
    section: str
    title: str
    points: int | float
    max_points: int | float
    percent: float
    source: str


@dataclass(frozen=True)
class Gap:
    question: str
    section: str
    title: str
    text: str
    points: int | float
    max_points: int | float


@dataclass(frozen=True)
class AssessmentScore:
    framework: str
    points: int | float
    max_points: int | float
    percent: float
    questions: tuple[QuestionScore, ...]
    sections: tuple[SectionScore, ...]
    gaps: tuple[Gap, ...]
    threshold: str  # the gap rule, in words

    def as_dict(self, *, plain: bool = True) -> dict[str, Any]:
        """The plain-JSON shape stored with a completed assessment (DiligenceAssessment.result), its sentences in
        English; with `plain` False the same shape with its sentences as Texts (for a page to say them in the
        reader's language)."""
        said = _plain if plain else _same
        return {
            "framework": self.framework,
            "points": self.points,
            "max_points": self.max_points,
            "percent": self.percent,
            "threshold": said(self.threshold),
            "questions": [{k: said(v) for k, v in q.__dict__.items()} for q in self.questions],
            "sections": [{k: said(v) for k, v in s.__dict__.items()} for s in self.sections],
            "gaps": [{k: said(v) for k, v in g.__dict__.items()} for g in self.gaps],
        }


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, str) else value


def _same(value: Any) -> Any:
    return value


def score_assessment(answers: Mapping[str, Iterable[str]], framework: AssessmentFramework) -> AssessmentScore:
    """Score checked answers: points per question with the reason, per section and in total, and the gaps."""
    questions: list[QuestionScore] = []
    sections: list[SectionScore] = []
    gaps: list[Gap] = []
    for section in framework.sections:
        section_points = 0.0
        section_max = 0.0
        for question in section.questions:
            picked = tuple(answers.get(question.id, ()))
            options = [question.option(o) for o in picked]
            raw = sum(o.points for o in options)
            points = min(raw, question.cap) if question.cap is not None else raw
            maximum = question.max_points
            reason = _reason(question, options, raw, maximum)
            threshold = framework.gap_threshold(question)
            is_gap = points < threshold
            if is_gap:
                reason = Text(
                    gettext_noop("%(reason)s; below %(threshold)s, so a gap"),
                    reason=reason,
                    threshold=_number(threshold),
                )
                gaps.append(
                    Gap(
                        question.id,
                        section.id,
                        question.title,
                        question.gap,
                        _number(points),
                        _number(maximum),
                    )
                )
            questions.append(
                QuestionScore(
                    question=question.id,
                    section=section.id,
                    title=question.title,
                    points=_number(points),
                    max_points=_number(maximum),
                    reason=reason,
                    source=question.source,
                    answered=bool(options),
                    gap=question.gap if is_gap else None,
                )
            )
            section_points += points
            section_max += maximum
        sections.append(
            SectionScore(
                section=section.id,
                title=section.title,
                points=_number(section_points),
                max_points=_number(section_max),
                percent=_percent(section_points, section_max),
                source=section.source,
            )
        )
    total = sum(float(s.points) for s in sections)
    maximum = sum(float(s.max_points) for s in sections)
    return AssessmentScore(
        framework=framework.label,
        points=_number(total),
        max_points=_number(maximum),
        percent=_percent(total, maximum),
        questions=tuple(questions),
        sections=tuple(sections),
        gaps=tuple(gaps),
        threshold=Text(
            gettext_noop(
                "An answer worth less than %(share)s%% of its question's points is a gap (%(framework)s)."
            ),
            share=int(f"{framework.gap_below_share * 100:.0f}"),
            framework=framework.title,
        ),
    )


def _reason(question: Question, options: list[Option], raw: float, maximum: float) -> Text:
    """Why an answer gets its points: each option ticked with its points, their sum, the cap, the maximum."""
    if not options:
        return Text(gettext_noop("not answered: 0 of %(max)s"), max=_number(maximum))
    parts = [
        Text(gettext_noop("“%(option)s” %(points)s"), option=o.label, points=_number(o.points))
        for o in options
    ]
    reason = parts[0]
    for part in parts[1:]:
        reason = Text(gettext_noop("%(first)s + %(next)s"), first=reason, next=part)
    if len(options) > 1:
        reason = Text(gettext_noop("%(options)s = %(sum)s"), options=reason, sum=_number(raw))
    if question.cap is not None and raw > question.cap:
        reason = Text(gettext_noop("%(reason)s, capped at %(cap)s"), reason=reason, cap=_number(question.cap))
    return Text(gettext_noop("%(reason)s of %(max)s"), reason=reason, max=_number(maximum))
