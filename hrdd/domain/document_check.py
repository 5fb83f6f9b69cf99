"""Check a policy commitment or supplier code of conduct (award criterion 2; manual section 2.4.1) and a
due-diligence description (award criterion 7's five elements) with hrdd's text reader, in English, Dutch,
French or German. Every element found quotes the sentences it was found in; the points follow the manual
(hrdd/frameworks/document-checks.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hrdd.domain.textread import (
    LanguageCode,
    denied,
    detect_language,
    find_pattern,
    phrase_words,
    split_sentences,
    tokenize,
    word_positions,
    words_match,
)
from hrdd.domain.yamltext import load_yaml

MIN_PREFIX_WORD = 5  # as the reader: a shorter word only matches whole

CheckId = Literal["policy-commitment", "due-diligence"]


class ElementWords(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    en: tuple[str, ...] = ()
    nl: tuple[str, ...] = ()
    fr: tuple[str, ...] = ()
    de: tuple[str, ...] = ()


class ElementGroups(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    en: tuple[tuple[tuple[str, ...], ...], ...] = ()
    nl: tuple[tuple[tuple[str, ...], ...], ...] = ()
    fr: tuple[tuple[tuple[str, ...], ...], ...] = ()
    de: tuple[tuple[tuple[str, ...], ...], ...] = ()


class Element(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    label: str
    points: int = Field(ge=0, le=100)
    phrases: ElementWords
    together: ElementGroups = ElementGroups()


class DocumentCheckDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str
    source: str
    elements: dict[str, Element]


class DocumentChecks(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["document-checks"]
    version: str
    checks: dict[CheckId, DocumentCheckDefinition]


@cache
def get_document_checks() -> DocumentChecks:
    """The shipped definitions of the policy-commitment and due-diligence checks."""
    text = resources.files("hrdd.frameworks").joinpath("document-checks.yaml").read_text(encoding="utf-8")
    return DocumentChecks.model_validate(load_yaml(text))


@dataclass(frozen=True)
class ElementFinding:
    id: str
    label: str
    points: int
    found: bool
    matched: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class DocumentCheck:
    check: str
    title: str
    language: str
    score: int  # points of the elements found, of the scored ones' total
    out_of: int
    elements: tuple[ElementFinding, ...]
    source: str

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""
        return {
            "check": self.check,
            "title": self.title,
            "language": self.language,
            "score": self.score,
            "out_of": self.out_of,
            "elements": [
                {
                    "id": e.id,
                    "label": e.label,
                    "points": e.points,
                    "found": e.found,
                    "matched": list(e.matched),
                    "sentences": list(e.sentences),
                }
                for e in self.elements
            ],
            "source": self.source,
        }


def _find_element(
    element: Element, language: LanguageCode, sentences: list[tuple[str, list[Any]]]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    languages = (language,) if language == "en" else (language, "en")
    phrases = [phrase_words(p) for code in languages for p in getattr(element.phrases, code)]
    patterns = [
        tuple(tuple(phrase_words(w) for w in group) for group in pattern)
        for code in languages
        for pattern in getattr(element.together, code)
    ]
    matched: dict[str, None] = {}
    where: dict[str, None] = {}
    for sentence, tokens in sentences:
        hits: list[tuple[int, int, str]] = []
        forms = {f for t in tokens for f in t.forms()}
        for phrase in phrases:
            if not phrase or (phrase[0] not in forms and len(phrase[0]) < MIN_PREFIX_WORD):
                continue
            for i in range(len(tokens)):
                if words_match(phrase, tokens, i):
                    hits.append((i, i + len(phrase), " ".join(t.word for t in tokens[i : i + len(phrase)])))
        positions = word_positions(tokens)
        for groups in patterns:
            spots = []
            for group in groups:
                candidates = [
                    (at, len(w)) for w in group if (at := find_pattern(w, tokens, positions)) is not None
                ]
                if not candidates:
                    break
                spots.append(min(candidates))
            else:
                start, end = min(p for p, _ in spots), max(p + n for p, n in spots)
                text = " … ".join(" ".join(t.word for t in tokens[p : p + n]) for p, n in sorted(spots))
                hits.append((start, end, text))
        for start, end, text in hits:
            if not denied(tokens, start, end, language):
                matched[text] = None
                where[sentence] = None
    return tuple(matched), tuple(where)


def check_document(text: str, check_id: CheckId) -> DocumentCheck:
    """Read a policy commitment ('policy-commitment') or a due-diligence description ('due-diligence')."""
    definition = get_document_checks().checks[check_id]
    language = detect_language(text)
    sentences = [(s, tokenize(s, language)) for s in split_sentences(text)]
    elements = []
    for element_id, element in definition.elements.items():
        matched, where = _find_element(element, language, sentences)
        elements.append(
            ElementFinding(element_id, element.label, element.points, bool(where), matched, where)
        )
    return DocumentCheck(
        check=check_id,
        title=definition.title,
        language=language,
        score=sum(e.points for e in elements if e.found),
        out_of=sum(e.points for e in elements),
        elements=tuple(elements),
        source=definition.source,
    )
