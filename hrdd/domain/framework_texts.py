"""The frameworks' texts in Dutch, French and German (issue 16): questions, options, criteria, clauses, KPIs, method
titles, each framework's words said in the reader's language, English as the fallback.

A framework's YAML stays in English, the language of its sources. Its translations travel beside it, in
hrdd/frameworks/translations/<language>.yaml, one section per framework file, each mapping an English text of that
framework to its translation:

    kind: framework-translations
    language: nl
    frameworks:
      cfit-2025.yaml:
        "Does your company have a human-rights policy?": "Heeft uw bedrijf een mensenrechtenbeleid?"

The English text is the key, as in a gettext catalogue: a text changed in the YAML has no translation until a
translator gives one, and `missing_translations` (the command `hrdd frameworks translations`) names it. The texts
translated are the values of the keys in TEXT_KEYS that read as words; sources and ids are never translated.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from hrdd.domain.yamltext import load_yaml

LANGUAGES = ("nl", "fr", "de")  # the languages translated; English is the frameworks' own
TEXT_KEYS = frozenset(
    {
        "aim",
        "commitment",
        "description",
        "gap",
        "guidance",
        "help",
        "hint",
        "label",
        "meaning",
        "name",
        "note",
        "notes",
        "prompt",
        "question",
        "requirement",
        "scoring",
        "summary",
        "text",
        "title",
        "verification",
        "warning",
    }
)

TITLE_MAPS = frozenset({"indicators"})  # maps of ids to titles (besides the `*_titles` ones)


class FrameworkTranslations(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["framework-translations"]
    language: str
    frameworks: dict[str, dict[str, str]]


def _reads_as_words(value: str) -> bool:
    """A text, not an id or a code: it has a lower-case letter, and a space or a capital first letter."""
    value = value.strip()
    return any(c.islower() for c in value) and (" " in value or value[:1].isupper())


def _text_map(key: Any) -> bool:
    """A mapping whose values are texts: ids to titles (`kpi_titles`, `indicators`) or a clause's text per scenario
    (`requirement_by_scenario`)."""
    name = str(key)
    return name.endswith(("_titles", "_by_scenario")) or name in TITLE_MAPS


def texts_of(document: Any) -> Iterator[str]:
    """The translatable texts of a framework document (its YAML read), in order, each once per place."""
    if isinstance(document, Mapping):
        for key, value in document.items():
            if key in TEXT_KEYS and isinstance(value, str) and _reads_as_words(value):
                yield value.strip()
            elif key in TEXT_KEYS and isinstance(value, list):
                yield from (v.strip() for v in value if isinstance(v, str) and _reads_as_words(v))
            elif _text_map(key) and isinstance(value, Mapping):
                yield from (v.strip() for v in value.values() if isinstance(v, str) and _reads_as_words(v))
            else:
                yield from texts_of(value)
    elif isinstance(document, list):
        for item in document:
            yield from texts_of(item)


def framework_files() -> list[str]:
    """The shipped framework files, by name."""
    folder = resources.files("hrdd.frameworks")
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def framework_texts(name: str) -> tuple[str, ...]:
    """The translatable texts of one shipped framework file, each once."""
    text = resources.files("hrdd.frameworks").joinpath(name).read_text(encoding="utf-8")
    return tuple(dict.fromkeys(texts_of(load_yaml(text))))


@cache
def translations(language: str) -> FrameworkTranslations | None:
    """The shipped translations of the frameworks into one language (None: none shipped)."""
    resource = resources.files("hrdd.frameworks").joinpath("translations", f"{language}.yaml")
    if not resource.is_file():
        return None
    found = FrameworkTranslations.model_validate(load_yaml(resource.read_text(encoding="utf-8")))
    if found.language != language:
        raise ValueError(f"translations/{language}.yaml says it is in {found.language!r}")
    return found


@cache
def text_map(language: str) -> Mapping[str, str]:
    """Every English framework text with its translation into `language` (empty for English or none shipped)."""
    found = translations(language)
    if found is None:
        return {}
    merged: dict[str, str] = {}
    for texts in found.frameworks.values():
        for english, translated in texts.items():
            if translated.strip():
                merged.setdefault(english.strip(), translated)
    return merged


def translate(text: str, language: str) -> str:
    """A framework text in `language`, or the English text when it has no translation."""
    return text_map(language).get(text.strip(), text) if language in LANGUAGES else text


def missing_translations(language: str) -> dict[str, list[str]]:
    """Per framework file, its texts that have no translation into `language`."""
    known = text_map(language)
    missing: dict[str, list[str]] = {}
    for name in framework_files():
        absent = [t for t in framework_texts(name) if t not in known]
        if absent:
            missing[name] = absent
    return missing


def completeness(language: str) -> tuple[int, int]:
    """(translated, total) framework texts for `language`."""
    total = sum(len(framework_texts(name)) for name in framework_files())
    absent = sum(len(v) for v in missing_translations(language).values())
    return total - absent, total
