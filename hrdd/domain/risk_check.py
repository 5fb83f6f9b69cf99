"""Check a supplier's risk assessment against the minimum contents of award criterion 1 (CFIT manual 3.3.2).

hrdd reads the text with its reader for English, Dutch, French and German (hrdd.domain.textread): the
components, raw materials, countries and human-rights risks it names, each with the sentences it relied on,
so that the buyer can verify every finding. A risk counts when the text discusses it for the supply chain,
not when the text denies it ('there is no child labour') or a code of conduct prohibits it ('suppliers shall
not use child labour'); those mentions are listed apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hrdd.domain.textread import Mention, read_text, split_sentences
from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

__all__ = [
    "CheckMinimum",
    "CheckVocabulary",
    "Finding",
    "Requirement",
    "RiskAssessmentCheck",
    "check_risk_assessment",
    "get_check_vocabulary",
    "split_sentences",
]


class CheckMinimum(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    components: int = Field(ge=0)
    raw_materials: int = Field(ge=0)
    countries: int = Field(ge=0)
    risks: int = Field(ge=0)


class CheckVocabulary(BaseModel):
    """The minimum contents and their source (the words are the reader's lexicons)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["risk-assessment-check"]
    id: str
    version: str
    source: str
    minimum: CheckMinimum


@cache
def get_check_vocabulary(check_id: str = "risk-assessment-check") -> CheckVocabulary:
    """Return the shipped minimum contents."""
    text = resources.files("hrdd.frameworks").joinpath(f"{check_id}.yaml").read_text(encoding="utf-8")
    return CheckVocabulary.model_validate(load_yaml(text))


@dataclass(frozen=True)
class Finding:
    """One thing found, the words that matched and the sentences it was found in."""

    kind: str  # component, raw_material, country, risk
    id: str
    matched: tuple[str, ...]
    sentences: tuple[str, ...]
    reason: str = ""  # for a risk not counted: 'negated' or 'policy'


@dataclass(frozen=True)
class Requirement:
    name: str  # a Text: said in the reader's language on the page
    required: int
    found: int
    met: bool


def _findings_json(items: tuple[Finding, ...]) -> list[dict[str, Any]]:
    out = []
    for f in items:
        item: dict[str, Any] = {"id": f.id, "matched": list(f.matched), "sentences": list(f.sentences)}
        if f.reason:
            item["reason"] = f.reason
        out.append(item)
    return out


@dataclass(frozen=True)
class RiskAssessmentCheck:
    """Whether a text meets the minimum contents, with the findings and sentences behind the verdict."""

    meets_minimum: bool
    requirements: tuple[Requirement, ...]
    components: tuple[Finding, ...]
    raw_materials: tuple[Finding, ...]
    countries: tuple[Finding, ...]
    risks: tuple[Finding, ...]
    source: str
    language: str = "en"
    risks_not_counted: tuple[Finding, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""
        return {
            "meets_minimum": self.meets_minimum,
            "requirements": [
                {"name": r.name, "required": r.required, "found": r.found, "met": r.met}
                for r in self.requirements
            ],
            "components": _findings_json(self.components),
            "raw_materials": _findings_json(self.raw_materials),
            "countries": _findings_json(self.countries),
            "risks": _findings_json(self.risks),
            "risks_not_counted": _findings_json(self.risks_not_counted),
            "language": self.language,
            "source": self.source,
        }


def _findings(
    kind: str, by_concept: dict[str, list[Mention]], sentences: tuple[str, ...]
) -> tuple[Finding, ...]:
    return tuple(
        Finding(
            kind=kind,
            id=concept,
            matched=tuple(dict.fromkeys(m.matched for m in mentions)),
            sentences=tuple(dict.fromkeys(sentences[m.sentence] for m in sorted(mentions, key=_order))),
            reason=mentions[0].reason,
        )
        for concept, mentions in sorted(by_concept.items())
    )


def _order(mention: Mention) -> tuple[int, int]:
    return (mention.sentence, mention.start)


def check_risk_assessment(text: str, vocabulary: CheckVocabulary | None = None) -> RiskAssessmentCheck:
    """Find components, raw materials, countries and risks in a text and test the minimum contents."""
    vocabulary = vocabulary or get_check_vocabulary()
    reading = read_text(text)
    sentences = reading.sentences
    components = _findings("component", reading.found("component"), sentences)
    materials = _findings("raw_material", reading.found("raw_material"), sentences)
    countries = _findings("country", reading.found("country"), sentences)
    risks = _findings("risk", reading.found("risk"), sentences)
    counted = {f.id for f in risks}
    set_aside = {k: v for k, v in reading.set_aside("risk").items() if k not in counted}
    minimum = vocabulary.minimum
    requirements = (
        Requirement(
            Text(gettext_noop("key components")),
            minimum.components,
            len(components),
            len(components) >= minimum.components,
        ),
        Requirement(
            Text(gettext_noop("raw materials")),
            minimum.raw_materials,
            len(materials),
            len(materials) >= minimum.raw_materials,
        ),
        Requirement(
            Text(gettext_noop("sourcing countries")),
            minimum.countries,
            len(countries),
            len(countries) >= minimum.countries,
        ),
        Requirement(
            Text(gettext_noop("human-rights risks")), minimum.risks, len(risks), len(risks) >= minimum.risks
        ),
    )
    return RiskAssessmentCheck(
        meets_minimum=all(r.met for r in requirements),
        requirements=requirements,
        components=components,
        raw_materials=materials,
        countries=countries,
        risks=risks,
        source=vocabulary.source,
        language=reading.language,
        risks_not_counted=_findings("risk", set_aside, sentences),
    )
