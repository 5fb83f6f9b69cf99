"""Questionnaire frameworks: the YAML that holds questions, points, caps, maturity bands and market rules.

A framework is data. This module parses and validates it; scoring code in `maturity.py` only reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hrdd.domain.yamltext import load_yaml

FRAMEWORK_PACKAGE = "hrdd.frameworks"


class FrameworkError(ValueError):
    """A framework file is missing, unreadable or breaks a rule of the format."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Role(_Frozen):
    id: str
    label: str
    points: str  # which point column of the options this role is scored with
    warning: str | None = None
    source: str


class Option(_Frozen):
    id: str
    text: str
    label: str | None = None  # a short name for the option, where reasons cite it beside its points
    points: int | float | dict[str, int | float]
    exclusive: bool = False  # ticking it together with another option is contradictory
    text_field: str | None = None

    def points_for(self, column: str) -> int | float:
        """Return the points this option is worth for a role scored with `column`."""
        if isinstance(self.points, dict):
            return self.points[column]
        return self.points


class TextField(_Frozen):
    id: str
    label: str


class Question(_Frozen):
    id: str
    dimension: str
    title: str
    prompt: str
    select: Literal["single", "multiple"]
    cap: int | float | None = None
    source: str
    note: str | None = None
    options: tuple[Option, ...]
    text_fields: tuple[TextField, ...] = ()

    @model_validator(mode="after")
    def _options_are_unique(self) -> Question:
        ids = [o.id for o in self.options]
        if len(ids) != len(set(ids)):
            raise ValueError(f"question {self.id}: duplicate option ids")
        fields = {f.id for f in self.text_fields}
        for option in self.options:
            if option.text_field and option.text_field not in fields:
                raise ValueError(f"question {self.id}: option {option.id} names unknown text field")
        return self

    def option(self, option_id: str) -> Option:
        """Return the option with this id."""
        for option in self.options:
            if option.id == option_id:
                return option
        raise KeyError(option_id)


class Band(_Frozen):
    level: str
    min: int | float | None = None  # inclusive lower bound
    above: int | float | None = None  # exclusive lower bound

    @model_validator(mode="after")
    def _one_bound(self) -> Band:
        if self.min is not None and self.above is not None:
            raise ValueError(f"band {self.level}: give either min or above, not both")
        return self

    def admits(self, score: float) -> bool:
        """Say whether a score reaches this band's lower bound."""
        if self.min is not None:
            return score >= self.min
        if self.above is not None:
            return score > self.above
        return True


class Dimension(_Frozen):
    id: str
    title: str
    score: str | None = None
    questions: tuple[str, ...]
    bands: tuple[Band, ...]
    source: str
    note: str | None = None


class Overall(_Frozen):
    rule: Literal["median"]
    source: str


class Quorum(_Frozen):
    min_count: int = Field(ge=1)
    min_share: float = Field(gt=0, le=1)


class ScenarioRule(_Frozen):
    scenario: int
    at_least: str
    title: str
    source: str


class DefaultScenario(_Frozen):
    scenario: int
    title: str
    source: str


class Baseline(_Frozen):
    text: str
    source: str


class Market(_Frozen):
    quorum: Quorum
    scenarios: tuple[ScenarioRule, ...]
    default: DefaultScenario
    baseline: Baseline


class QuestionnaireFramework(_Frozen):
    kind: Literal["questionnaire"]
    id: str
    version: str
    title: str
    source: str
    levels: tuple[str, ...]
    roles: tuple[Role, ...]
    questions: tuple[Question, ...]
    dimensions: tuple[Dimension, ...]
    overall: Overall
    market: Market

    @model_validator(mode="after")
    def _consistent(self) -> QuestionnaireFramework:
        if len(set(self.levels)) != len(self.levels) or not self.levels:
            raise ValueError("levels must be a non-empty list of distinct names")
        question_ids = [q.id for q in self.questions]
        if len(set(question_ids)) != len(question_ids):
            raise ValueError("duplicate question ids")
        role_ids = [r.id for r in self.roles]
        if len(set(role_ids)) != len(role_ids):
            raise ValueError("duplicate role ids")
        columns = {r.points for r in self.roles}
        for question in self.questions:
            for option in question.options:
                if isinstance(option.points, dict) and set(option.points) != columns:
                    raise ValueError(
                        f"question {question.id}, option {option.id}: points must be given for exactly "
                        f"{sorted(columns)}"
                    )
        dimension_ids = [d.id for d in self.dimensions]
        if len(set(dimension_ids)) != len(dimension_ids):
            raise ValueError("duplicate dimension ids")
        # A response's scores hold questions and dimensions under one id each. A dimension made of one question
        # may share that question's id (cfit-2025's policies and actions): the two scores are the same number.
        alone = {d.id for d in self.dimensions if d.questions == (d.id,)}
        shared = sorted(set(dimension_ids) & set(question_ids) - alone)
        if shared:
            raise ValueError(f"{shared[0]} is the id of both a question and a dimension")
        if self.overall.rule == "median" and len(self.dimensions) % 2 == 0:
            raise ValueError("the median rule needs an odd number of dimensions")
        used: list[str] = []
        for dimension in self.dimensions:
            for question_id in dimension.questions:
                if question_id not in question_ids:
                    raise ValueError(f"dimension {dimension.id}: unknown question {question_id}")
                if self.question(question_id).dimension != dimension.id:
                    raise ValueError(f"question {question_id} names another dimension than {dimension.id}")
                used.append(question_id)
            bands = dimension.bands
            if not bands or bands[0].min is not None or bands[0].above is not None:
                raise ValueError(f"dimension {dimension.id}: the first band must have no lower bound")
            bounds = [b.min if b.min is not None else b.above for b in bands[1:]]
            if any(b is None for b in bounds) or bounds != sorted(bounds):  # type: ignore[type-var]
                raise ValueError(f"dimension {dimension.id}: bands must have rising lower bounds")
            for band in bands:
                if band.level not in self.levels:
                    raise ValueError(f"dimension {dimension.id}: unknown level {band.level}")
        for question in self.questions:
            if question.dimension not in dimension_ids or question.id not in used:
                raise ValueError(f"question {question.id} belongs to no dimension")
        for rule in self.market.scenarios:
            if rule.at_least not in self.levels:
                raise ValueError(f"market scenario {rule.scenario}: unknown level {rule.at_least}")
        return self

    def question(self, question_id: str) -> Question:
        """Return the question with this id."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def role(self, role_id: str) -> Role:
        """Return the role with this id."""
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    @property
    def text_fields(self) -> tuple[tuple[Question, TextField], ...]:
        """Every free-text field with the question it belongs to."""
        return tuple((q, f) for q in self.questions for f in q.text_fields)


def parse_framework(data: Any, *, origin: str = "<data>") -> QuestionnaireFramework:
    """Validate a parsed YAML document as a questionnaire framework."""
    try:
        return QuestionnaireFramework.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise FrameworkError(f"{origin}: {problems}") from exc


def load_framework_file(path: Path) -> QuestionnaireFramework:
    """Read and validate a framework YAML file."""
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError(f"{path}: {exc}") from exc
    return parse_framework(data, origin=str(path))


# Folders searched after the shipped frameworks, set by the application from its settings (see
# `use_framework_dirs`); the domain itself reads no settings.
_extra_dirs: tuple[Path, ...] = ()


def use_framework_dirs(dirs: Iterable[str | Path]) -> None:
    """Also look for questionnaire frameworks in these folders, after the shipped ones."""
    global _extra_dirs
    _extra_dirs = tuple(Path(d) for d in dirs)
    get_framework.cache_clear()


def _questionnaire_id(text: str) -> str | None:
    data = load_yaml(text)
    if isinstance(data, dict) and data.get("kind") == "questionnaire":
        return str(data["id"])
    return None


def shipped_framework_ids() -> tuple[str, ...]:
    """List the ids of the questionnaire frameworks shipped in the package."""
    ids = []
    for entry in resources.files(FRAMEWORK_PACKAGE).iterdir():
        if entry.name.endswith(".yaml"):
            found = _questionnaire_id(entry.read_text(encoding="utf-8"))
            if found:
                ids.append(found)
    return tuple(sorted(ids))


def framework_ids() -> tuple[str, ...]:
    """List the ids of every questionnaire framework that can be loaded: shipped, then from the extra folders."""
    ids = list(shipped_framework_ids())
    for folder in _extra_dirs:
        for path in sorted(folder.glob("*.yaml")):
            try:
                found = _questionnaire_id(path.read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                continue
            if found and found not in ids:
                ids.append(found)
    return tuple(ids)


@cache
def get_framework(framework_id: str = "cfit-2025") -> QuestionnaireFramework:
    """Return a questionnaire framework by id: `hrdd/frameworks/<id>.yaml`, else `<id>.yaml` in an extra folder."""
    resource = resources.files(FRAMEWORK_PACKAGE).joinpath(f"{framework_id}.yaml")
    if resource.is_file():
        try:
            data = load_yaml(resource.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise FrameworkError(f"{framework_id}: {exc}") from exc
        return parse_framework(data, origin=f"{framework_id}.yaml")
    if "/" not in framework_id and "\\" not in framework_id and not framework_id.startswith("."):
        for folder in _extra_dirs:
            path = folder / f"{framework_id}.yaml"
            if path.is_file():
                framework = load_framework_file(path)
                if framework.id != framework_id:
                    raise FrameworkError(
                        f"{path}: the file holds framework {framework.id!r}, not {framework_id!r}"
                    )
                return framework
    raise FrameworkError(f"unknown framework {framework_id!r}; known: {', '.join(framework_ids())}")


DEFAULT_FRAMEWORK_ID = "cfit-2025"
