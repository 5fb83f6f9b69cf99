"""Supplier maturity and the market's readiness (CFIT manual section 3.2, Annex 2b).

`score_response` turns one supplier's answers into scores per question and dimension, a level per dimension
and an overall maturity, each with its reasons. `assess_market` turns many scored responses into the tender
scenario the market can bear. Every number comes from the framework; none is written here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, Protocol

from hrdd.domain.labels import word_of
from hrdd.domain.questionnaire_framework import Band, Question, QuestionnaireFramework
from hrdd.domain.texts import Text, gettext_noop, together


@dataclass(frozen=True)
class FieldError:
    """One problem with one field of a response."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    @property
    def said(self) -> str:
        """The complaint as a Text (the field's path, then the message), for a page to say in its language."""
        return Text("%(field)s: %(message)s", field=self.field, message=self.message)


class InvalidResponse(ValueError):
    """A response cannot be scored; `errors` names every field at fault."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class NoRespondents(ValueError):
    """A market cannot be assessed without at least one scored response."""


@dataclass(frozen=True)
class SupplierResponse:
    """A validated response: the company, its role and its answers."""

    company: str
    role: str
    choices: Mapping[str, tuple[str, ...]]  # question id -> option ids, in the order given
    texts: Mapping[str, str] = field(default_factory=dict)  # free-text field id -> text


@dataclass(frozen=True)
class Reason:
    """Why a number or level is what it is, and where the rule comes from."""

    subject: str
    text: str
    source: str


@dataclass(frozen=True)
class ResponseScore:
    """Scores, levels and overall maturity of one response, with warnings and (on demand) reasons."""

    company: str
    role: str
    framework: str
    scores: Mapping[str, int | float]
    levels: Mapping[str, str]
    overall: str
    warnings: tuple[str, ...]
    response: SupplierResponse = field(repr=False, compare=False)
    _scorer: _Scorer = field(repr=False, compare=False)

    @cached_property
    def reasons(self) -> tuple[Reason, ...]:
        """Why each score and level is what it is (built when first asked for: scoring stays fast)."""
        return self._scorer.explain(self)

    def as_dict(self) -> dict[str, Any]:
        """Return the plain-JSON shape printed by `hrdd questionnaire score --json`."""
        return {
            "company": self.company,
            "role": self.role,
            "scores": dict(self.scores),
            "levels": dict(self.levels),
            "overall": self.overall,
            "warnings": list(self.warnings),
        }


class JudgedResponse(Protocol):
    """What the market assessment reads of a scored response: its levels per dimension and its overall level
    (a fresh ResponseScore, or a verdict stored when the response was submitted)."""

    @property
    def levels(self) -> Mapping[str, str]: ...

    @property
    def overall(self) -> str: ...


@dataclass(frozen=True)
class ScenarioCheck:
    """One market rule tried: how many respondents reached a level against the quorum."""

    scenario: int
    title: str
    at_least: str
    count: int
    quorum: int
    met: bool
    source: str


@dataclass(frozen=True)
class MarketAssessment:
    """The market's maturity and the tender scenario it supports."""

    framework: str
    respondents: int
    distribution: Mapping[str, Mapping[str, int]]  # "overall" and each dimension -> level -> count
    quorum: int
    checks: tuple[ScenarioCheck, ...]
    recommended_scenario: int
    recommended_title: str
    explanation: str
    baseline_advice: str
    sources: tuple[str, ...]
    reasoning: str = ""  # the explanation without the baseline advice it ends with (pages show the two apart)

    def as_dict(self) -> dict[str, Any]:
        """Return the plain-JSON shape printed by `hrdd market assess --json`."""
        return {
            "respondents": self.respondents,
            "distribution": {k: dict(v) for k, v in self.distribution.items()},
            "quorum": self.quorum,
            "recommended_scenario": self.recommended_scenario,
            "explanation": self.explanation,
            "baseline_advice": self.baseline_advice,
            "checks": [
                {"scenario": c.scenario, "at_least": c.at_least, "count": c.count, "met": c.met}
                for c in self.checks
            ],
            "sources": list(self.sources),
        }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _quoted(label: str) -> Text:
    return Text(gettext_noop("“%(option)s”"), option=label)


@cache
def _options_template(count: int) -> str:
    """The template of `count` ticked options each with its points: '%(option1)s %(points1)s, ...' (said as it is
    in every language: a label and a number)."""
    return ", ".join(f"%(option{i})s %(points{i})s" for i in range(1, count + 1))


def _band_range(bands: Sequence[Band], index: int) -> str:
    """Describe the scores a band covers, e.g. '< 4', '>= 4 and <= 6', '> 6'."""
    parts = []
    band = bands[index]
    if band.min is not None:
        parts.append(Text(">= %(bound)s", bound=_number(band.min)))
    elif band.above is not None:
        parts.append(Text("> %(bound)s", bound=_number(band.above)))
    if index + 1 < len(bands):
        upper = bands[index + 1]
        parts.append(
            Text("< %(bound)s", bound=_number(upper.min))
            if upper.min is not None
            else Text("<= %(bound)s", bound=_number(upper.above or 0))
        )
    if len(parts) == 2:
        return Text(gettext_noop("%(lower)s and %(upper)s"), lower=parts[0], upper=parts[1])
    return parts[0] if parts else Text(gettext_noop("any score"))


class _Scorer:
    """A framework compiled into look-up tables, so that scoring stays fast."""

    def __init__(self, framework: QuestionnaireFramework) -> None:
        self.framework = framework
        self.roles = {r.id: r for r in framework.roles}
        self.questions = {q.id: q for q in framework.questions}
        self.text_field_ids = {f.id for _, f in framework.text_fields}
        columns = {r.points for r in framework.roles}
        # column -> question id -> option id -> points
        self.points: dict[str, dict[str, dict[str, int | float]]] = {
            column: {q.id: {o.id: o.points_for(column) for o in q.options} for q in framework.questions}
            for column in columns
        }
        self.exclusive = {q.id: {o.id for o in q.options if o.exclusive} for q in framework.questions}
        self.level_rank = {level: i for i, level in enumerate(framework.levels)}
        self.caps = tuple((q.id, q.cap) for q in framework.questions)
        self.dimensions = tuple((d.id, d.questions, d.bands) for d in framework.dimensions)
        self.label = f"{framework.id} {framework.version}"
        self.single = {q.id for q in framework.questions if q.select == "single"}
        self.option_ids = {q.id: frozenset(o.id for o in q.options) for q in framework.questions}
        # reasons and warnings name options by their short label and questions by their title, never by id
        self.option_labels = {
            o.id: o.label or o.id.replace("_", " ") for q in framework.questions for o in q.options
        }
        self.titles = {q.id: q.title for q in framework.questions}  # a dimension may share a question's id
        self.dimension_titles = {d.id: d.title for d in framework.dimensions}
        # The fixed pieces of the reasons and warnings, each a Text written once per framework (issue 16): scoring
        # and reasons then write one or two Texts per sentence.
        self.quoted = {o: _quoted(label) for o, label in self.option_labels.items()}
        self.words = {w: word_of(w) for w in (*framework.levels, *columns)}
        self.question_sums = {
            d.id: together([self.titles[q] for q in d.questions], " + ") for d in framework.dimensions
        }
        self.band_ranges = {
            (d.id, i): _band_range(d.bands, i) for d in framework.dimensions for i in range(len(d.bands))
        }
        self.dimension_levels = {
            (d.id, level): Text(
                gettext_noop("%(dimension)s %(level)s"), dimension=d.title, level=self.words[level]
            )
            for d in framework.dimensions
            for level in framework.levels
        }
        self.nothing_ticked = Text(gettext_noop("nothing ticked"))

    def parse(self, raw: Any, *, partial: bool = False) -> SupplierResponse:
        errors: list[FieldError] = []
        if not isinstance(raw, Mapping):
            raise InvalidResponse([FieldError("response", Text(gettext_noop("must be an object")))])
        company = raw.get("company")
        if company is None and partial:
            company = ""
        if not isinstance(company, str) or not (company.strip() or partial):
            errors.append(FieldError("company", Text(gettext_noop("a non-blank company name is required"))))
            company = ""
        role = raw.get("role")
        if partial and not role:
            role = ""
        elif not isinstance(role, str) or role not in self.roles:
            known = ", ".join(self.roles)
            errors.append(
                FieldError(
                    "role",
                    Text(
                        gettext_noop("unknown role %(role)s; expected one of %(known)s"),
                        role=repr(role),
                        known=known,
                    ),
                )
            )
        answers = raw.get("answers")
        if answers is None and partial:
            answers = {}
        choices: dict[str, tuple[str, ...]] = {}
        texts: dict[str, str] = {}
        if not isinstance(answers, Mapping):
            errors.append(
                FieldError("answers", Text(gettext_noop("must be an object with one entry per question")))
            )
            answers = {}
        for key in answers:
            if key not in self.questions and key not in self.text_field_ids:
                errors.append(FieldError(f"answers.{key}", Text(gettext_noop("unknown question"))))
        for question in self.framework.questions:
            given = answers.get(question.id)
            picked = self._parse_choice(question, given, errors, partial=partial)
            if picked:
                choices[question.id] = picked
        for field_id in self.text_field_ids:
            value = answers.get(field_id)
            if value is None:
                continue
            if not isinstance(value, str):
                errors.append(FieldError(f"answers.{field_id}", Text(gettext_noop("must be text"))))
            elif value.strip():
                texts[field_id] = value.strip()
        if errors:
            raise InvalidResponse(errors)
        return SupplierResponse(company=str(company).strip(), role=str(role), choices=choices, texts=texts)

    def _parse_choice(
        self, question: Question, given: Any, errors: list[FieldError], *, partial: bool
    ) -> tuple[str, ...]:
        name = f"answers.{question.id}"
        if given is None or (isinstance(given, str | list | tuple) and len(given) == 0):
            if not partial:
                errors.append(FieldError(name, Text(gettext_noop("an answer is required"))))
            return ()
        if isinstance(given, str):
            given = [given]
        if not isinstance(given, list | tuple) or not all(isinstance(v, str) for v in given):
            errors.append(FieldError(name, Text(gettext_noop("must be a list of option ids"))))
            return ()
        if question.select == "single" and len(given) != 1:
            errors.append(
                FieldError(
                    name,
                    Text(
                        gettext_noop("exactly one answer is allowed, %(count)s were given"), count=len(given)
                    ),
                )
            )
            return ()
        options = self.option_ids[question.id]
        if not options.issuperset(given):
            unknown = [v for v in given if v not in options]
            expected = ", ".join(o.id for o in question.options)
            errors.append(
                FieldError(
                    name,
                    Text(
                        gettext_noop("unknown option %(option)s; expected one of %(known)s"),
                        option=repr(unknown[0]),
                        known=expected,
                    ),
                )
            )
            return ()
        if len(set(given)) != len(given):
            errors.append(FieldError(name, Text(gettext_noop("an option is given twice"))))
            return ()
        return tuple(given)

    def score(self, response: SupplierResponse) -> ResponseScore:
        role = self.roles[response.role]
        table = self.points[role.points]
        warnings: list[str] = [role.warning] if role.warning else []
        scores: dict[str, int | float] = {}
        choices = response.choices
        for question_id, cap in self.caps:
            picked = choices.get(question_id, ())
            points = table[question_id]
            total = sum([points[o] for o in picked])
            if cap is not None and total > cap:
                total = cap
            scores[question_id] = _number(total)
            exclusive = self.exclusive[question_id]
            if exclusive and len(picked) > 1 and not exclusive.isdisjoint(picked):
                ticked = together([self.quoted[o] for o in sorted(exclusive.intersection(picked))], ", ")
                others = together([self.quoted[o] for o in picked if o not in exclusive], ", ")
                warnings.append(
                    Text(
                        gettext_noop(
                            "%(question)s: %(ticked)s contradicts the other options ticked (%(others)s); "
                            "scored as given"
                        ),
                        question=self.titles[question_id],
                        ticked=ticked,
                        others=others,
                    )
                )
        levels: dict[str, str] = {}
        for dimension_id, question_ids, bands in self.dimensions:
            value = _number(sum([scores[q] for q in question_ids]))
            scores[dimension_id] = value
            level = bands[0].level
            for band in bands:
                if band.admits(value):
                    level = band.level
            levels[dimension_id] = level
        ranked = sorted(levels.values(), key=self.level_rank.__getitem__)
        return ResponseScore(
            company=response.company,
            role=response.role,
            framework=self.label,
            scores=scores,
            levels=levels,
            overall=ranked[len(ranked) // 2],
            warnings=tuple(warnings),
            response=response,
            _scorer=self,
        )

    def explain(self, score: ResponseScore) -> tuple[Reason, ...]:
        """Write out the reasons behind a score: options and points, caps, bands and the median."""
        framework = self.framework
        response = score.response
        role = self.roles[response.role]
        table = self.points[role.points]
        reasons: list[Reason] = []
        for question in framework.questions:
            picked = response.choices.get(question.id, ())
            points = table[question.id]
            raw_total = sum(points[o] for o in picked)
            listed: dict[str, Any] = {}
            for i, o in enumerate(picked, start=1):
                listed[f"option{i}"] = self.option_labels[o]
                listed[f"points{i}"] = _number(points[o])
            parts = Text(_options_template(len(picked)), **listed) if picked else self.nothing_ticked
            if question.cap is not None and raw_total > question.cap:
                text = Text(
                    gettext_noop("%(options)s (%(column)s points) = %(total)s; capped at %(cap)s"),
                    options=parts,
                    column=self.words[role.points],
                    total=_number(raw_total),
                    cap=_number(question.cap),
                )
            else:
                text = Text(
                    gettext_noop("%(options)s (%(column)s points) = %(total)s"),
                    options=parts,
                    column=self.words[role.points],
                    total=_number(raw_total),
                )
            reasons.append(Reason(question.id, text, question.source))
        for dimension in framework.dimensions:
            value = score.scores[dimension.id]
            index = max(i for i, band in enumerate(dimension.bands) if band.admits(value))
            reasons.append(
                Reason(
                    dimension.id,
                    Text(
                        gettext_noop("%(questions)s = %(score)s, %(band)s: %(level)s"),
                        questions=self.question_sums[dimension.id],
                        score=_number(value),
                        band=self.band_ranges[(dimension.id, index)],
                        level=self.words[dimension.bands[index].level],
                    ),
                    dimension.source,
                )
            )
        levels = [self.dimension_levels[(d, lv)] for d, lv in score.levels.items()]
        reasons.append(
            Reason(
                "overall",
                Text(
                    gettext_noop("median of %(levels)s = %(overall)s"),
                    levels=together(levels, ", "),
                    overall=self.words[score.overall],
                ),
                framework.overall.source,
            )
        )
        return tuple(reasons)


_SCORERS: dict[int, tuple[QuestionnaireFramework, _Scorer]] = {}


def _scorer(framework: QuestionnaireFramework) -> _Scorer:
    cached = _SCORERS.get(id(framework))
    if cached is None or cached[0] is not framework:
        cached = (framework, _Scorer(framework))
        _SCORERS[id(framework)] = cached
    return cached[1]


def parse_response(raw: Any, framework: QuestionnaireFramework, *, partial: bool = False) -> SupplierResponse:
    """Validate a raw response; with `partial`, unanswered questions are allowed (a draft)."""
    return _scorer(framework).parse(raw, partial=partial)


def score_response(response: SupplierResponse, framework: QuestionnaireFramework) -> ResponseScore:
    """Score a validated response against the framework's points, caps and maturity bands."""
    return _scorer(framework).score(response)


def score_raw_response(raw: Any, framework: QuestionnaireFramework) -> ResponseScore:
    """Validate and score a raw response in one step."""
    scorer = _scorer(framework)
    return scorer.score(scorer.parse(raw))


def market_quorum(respondents: int, framework: QuestionnaireFramework) -> int:
    """Return how many respondents must reach a level: max(min(min_count, n), ceil(min_share * n))."""
    quorum = framework.market.quorum
    return max(min(quorum.min_count, respondents), math.ceil(quorum.min_share * respondents))


def assess_market(scores: Sequence[JudgedResponse], framework: QuestionnaireFramework) -> MarketAssessment:
    """Recommend the tender scenario the respondents' maturity supports, with the counts behind it."""
    n = len(scores)
    if n == 0:
        raise NoRespondents(
            Text(gettext_noop("no responses to assess: the market's maturity needs at least one respondent"))
        )
    rank = {level: i for i, level in enumerate(framework.levels)}
    distribution: dict[str, dict[str, int]] = {"overall": dict.fromkeys(framework.levels, 0)}
    for dimension in framework.dimensions:
        distribution[dimension.id] = dict.fromkeys(framework.levels, 0)
    for score in scores:
        distribution["overall"][score.overall] += 1
        for dimension_id, level in score.levels.items():
            distribution[dimension_id][level] += 1
    quorum = market_quorum(n, framework)
    checks: list[ScenarioCheck] = []
    chosen = None
    for rule in framework.market.scenarios:
        count = sum(1 for s in scores if rank[s.overall] >= rank[rule.at_least])
        check = ScenarioCheck(
            scenario=rule.scenario,
            title=rule.title,
            at_least=rule.at_least,
            count=count,
            quorum=quorum,
            met=count >= quorum,
            source=rule.source,
        )
        checks.append(check)
        if check.met:
            chosen = check
            break
    default = framework.market.default
    scenario = chosen.scenario if chosen else default.scenario
    title = chosen.title if chosen else default.title
    quorum_rule = framework.market.quorum
    sentences: list[str] = [
        Text(
            gettext_noop(
                "%(count)s supplier responded; a scenario needs at least %(quorum)s of them (%(min_count)s or "
                "%(share)s%% of the respondents, whichever is more, and never more than all of them)."
            )
            if n == 1
            else gettext_noop(
                "%(count)s suppliers responded; a scenario needs at least %(quorum)s of them (%(min_count)s or "
                "%(share)s%% of the respondents, whichever is more, and never more than all of them)."
            ),
            count=n,
            quorum=quorum,
            min_count=quorum_rule.min_count,
            share=int(f"{quorum_rule.min_share * 100:.0f}"),  # as `:.0%` writes it
        )
    ]
    for check in checks:
        sentences.append(
            Text(
                gettext_noop(
                    "%(scenario)s needs %(quorum)s at %(level)s maturity or above: %(count)s of %(respondents)s "
                    "are, so this is met."
                )
                if check.met
                else gettext_noop(
                    "%(scenario)s needs %(quorum)s at %(level)s maturity or above: %(count)s of %(respondents)s "
                    "are, so this is not met."
                ),
                scenario=check.title,
                quorum=check.quorum,
                level=word_of(check.at_least),
                count=check.count,
                respondents=n,
            )
        )
    if chosen is None:
        sentences.append(
            Text(
                gettext_noop("No higher scenario is met, so the recommendation is %(scenario)s."),
                scenario=default.title,
            )
        )
    reasoning = together(sentences, " ")
    sentences.append(framework.market.baseline.text)
    sources = (
        tuple(c.source for c in checks)
        + (() if chosen else (default.source,))
        + (framework.market.baseline.source,)
    )
    return MarketAssessment(
        framework=f"{framework.id} {framework.version}",
        respondents=n,
        distribution=distribution,
        quorum=quorum,
        checks=tuple(checks),
        recommended_scenario=scenario,
        recommended_title=title,
        explanation=together(sentences, " "),
        baseline_advice=framework.market.baseline.text,
        sources=sources,
        reasoning=reasoning,
    )
