"""Check a supplier's risk assessment against the minimum contents of award criterion 1 (CFIT manual 3.3.2).

The text is split into sentences; hrdd looks for components, raw materials, countries (their names in any
language pycountry knows) and the seven risk categories, and reports what it found with the sentences it
relied on, so that the buyer can verify every finding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hrdd.domain.countries import name_variants, names_in_all_languages
from hrdd.domain.yamltext import load_yaml

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
MAX_PHRASE_WORDS = 6


class CheckMinimum(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    components: int = Field(ge=0)
    raw_materials: int = Field(ge=0)
    countries: int = Field(ge=0)
    risks: int = Field(ge=0)


class CheckVocabulary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["risk-assessment-check"]
    id: str
    version: str
    source: str
    minimum: CheckMinimum
    country_aliases: dict[str, tuple[str, ...]]
    not_countries: tuple[str, ...] = ()
    components: dict[str, tuple[str, ...]]
    raw_materials: dict[str, tuple[str, ...]]
    risks: dict[str, tuple[str, ...]]


@cache
def get_check_vocabulary(check_id: str = "risk-assessment-check") -> CheckVocabulary:
    """Return the shipped vocabulary and minimum contents."""
    text = resources.files("hrdd.frameworks").joinpath(f"{check_id}.yaml").read_text(encoding="utf-8")
    return CheckVocabulary.model_validate(load_yaml(text))


def _fold(text: str) -> str:
    """Lower-case and strip accents, so that 'Écran' matches 'ecran'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> list[str]:
    return [w.strip("'-") for w in _WORD.findall(_fold(text)) if w.strip("'-")]


def _tokens(text: str) -> tuple[list[str], list[bool]]:
    """Return the folded words of a text and, for each, whether it was written with a capital letter."""
    words, capitals = [], []
    for raw in _WORD.findall(text):
        word = _fold(raw).strip("'-")
        if word:
            words.append(word)
            first = raw.lstrip("'’-")[:1]
            capitals.append(first.isupper() or not first.islower())  # scripts without case count as capital
    return words, capitals


def _phrase_key(phrase: str) -> tuple[str, ...]:
    return tuple(_words(phrase))


def _country_key(phrase: str) -> tuple[str, ...]:
    key = _phrase_key(phrase)
    return key[1:] if key[:1] == ("the",) else key


@cache
def _country_phrases(aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> dict[tuple[str, ...], str]:
    """Every country name pycountry knows, in every language it has, -> ISO 3166-1 alpha-3."""
    names: dict[tuple[str, ...], str] = {}
    for alpha_3, words in aliases:
        for word in words:
            names[_country_key(word)] = alpha_3
    for alpha_3, variants in names_in_all_languages():
        for variant in variants:
            for piece in name_variants(variant):
                key = _country_key(piece)
                if key and len("".join(key)) >= 4:
                    names.setdefault(key, alpha_3)
    return names


def _vocabulary_phrases(vocabulary: Mapping[str, tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    phrases: dict[tuple[str, ...], str] = {}
    for concept, words in vocabulary.items():
        for word in (concept, *words):
            key = _phrase_key(word)
            if key:
                phrases.setdefault(key, concept)
    return phrases


@dataclass(frozen=True)
class Finding:
    """One thing found, the words that matched and the sentences it was found in."""

    kind: str  # component, raw_material, country, risk
    id: str
    matched: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Requirement:
    name: str
    required: int
    found: int
    met: bool


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

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""

        def findings(items: tuple[Finding, ...]) -> list[dict[str, Any]]:
            return [{"id": f.id, "matched": list(f.matched), "sentences": list(f.sentences)} for f in items]

        return {
            "meets_minimum": self.meets_minimum,
            "requirements": [
                {"name": r.name, "required": r.required, "found": r.found, "met": r.met}
                for r in self.requirements
            ],
            "components": findings(self.components),
            "raw_materials": findings(self.raw_materials),
            "countries": findings(self.countries),
            "risks": findings(self.risks),
            "source": self.source,
        }


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (at ., !, ?, ; and line breaks)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _find(
    sentences: list[tuple[str, list[str], list[bool]]],
    phrases: Mapping[tuple[str, ...], str],
    kind: str,
    *,
    proper_nouns: bool = False,
) -> tuple[Finding, ...]:
    matched: dict[str, dict[str, None]] = {}
    where: dict[str, dict[str, None]] = {}
    longest = min(MAX_PHRASE_WORDS, max((len(k) for k in phrases), default=1))
    for sentence, words, capitals in sentences:
        i = 0
        while i < len(words):
            hit = None
            # Names of countries are proper nouns: a lower-case 'chip' or 'island' is not a country.
            sizes = range(min(longest, len(words) - i), 0, -1) if capitals[i] or not proper_nouns else ()
            for size in sizes:
                key = tuple(words[i : i + size])
                if key in phrases:
                    hit = (phrases[key], " ".join(key), size)
                    break
            if hit:
                concept, phrase, size = hit
                matched.setdefault(concept, {})[phrase] = None
                where.setdefault(concept, {})[sentence] = None
                i += size
            else:
                i += 1
    return tuple(
        Finding(kind=kind, id=concept, matched=tuple(matched[concept]), sentences=tuple(where[concept]))
        for concept in sorted(matched)
    )


def _countries_for(vocabulary: CheckVocabulary) -> dict[tuple[str, ...], str]:
    """Country names, less the words the check uses for something else and the listed false friends."""
    aliases = tuple(sorted((k, tuple(v)) for k, v in vocabulary.country_aliases.items()))
    names = dict(_country_phrases(aliases))
    taken = {
        *_vocabulary_phrases(vocabulary.components),
        *_vocabulary_phrases(vocabulary.raw_materials),
        *_vocabulary_phrases(vocabulary.risks),
        *(_country_key(w) for w in vocabulary.not_countries),
    }
    alias_keys = {_country_key(w) for words in vocabulary.country_aliases.values() for w in words}
    for key in taken - alias_keys:
        names.pop(key, None)
    return names


def check_risk_assessment(text: str, vocabulary: CheckVocabulary | None = None) -> RiskAssessmentCheck:
    """Find components, raw materials, countries and risks in a text and test the minimum contents."""
    vocabulary = vocabulary or get_check_vocabulary()
    sentences = [(s, *_tokens(s)) for s in split_sentences(text)]
    component_phrases = _vocabulary_phrases(vocabulary.components)
    material_phrases = _vocabulary_phrases(vocabulary.raw_materials)
    risk_phrases = _vocabulary_phrases(vocabulary.risks)
    components = _find(sentences, component_phrases, "component")
    materials = _find(sentences, material_phrases, "raw_material")
    countries = _find(sentences, _countries_for(vocabulary), "country", proper_nouns=True)
    risks = _find(sentences, risk_phrases, "risk")
    minimum = vocabulary.minimum
    requirements = (
        Requirement(
            "key components", minimum.components, len(components), len(components) >= minimum.components
        ),
        Requirement(
            "raw materials", minimum.raw_materials, len(materials), len(materials) >= minimum.raw_materials
        ),
        Requirement(
            "sourcing countries", minimum.countries, len(countries), len(countries) >= minimum.countries
        ),
        Requirement("human-rights risks", minimum.risks, len(risks), len(risks) >= minimum.risks),
    )
    return RiskAssessmentCheck(
        meets_minimum=all(r.met for r in requirements),
        requirements=requirements,
        components=components,
        raw_materials=materials,
        countries=countries,
        risks=risks,
        source=vocabulary.source,
    )
