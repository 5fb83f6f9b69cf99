"""The per-language lexicons of the text reader: YAML files in hrdd/domain/textread/lexicons/, one a language,
validated on load (an unknown or misspelt key is refused with its name)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hrdd.domain.yamltext import load_yaml

LanguageCode = Literal["en", "nl", "fr", "de"]
LANGUAGES: tuple[LanguageCode, ...] = ("en", "nl", "fr", "de")


class RiskWords(BaseModel):
    """How a risk is written: fixed phrases, or groups of words that together describe it in one sentence
    ('children' with 'employed'); a group word of 5 letters or more also matches as a word's start. Rights
    ('living wage', 'trade unions') are safeguards whose absence is the risk: 'unions are not allowed' counts,
    'suppliers must respect freedom of association' does not."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    phrases: tuple[str, ...]
    rights: tuple[str, ...] = ()
    together: tuple[tuple[tuple[str, ...], ...], ...] = ()


class Lexicon(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    language: LanguageCode
    compounds: bool
    function_words: tuple[str, ...]
    adjective_endings: tuple[str, ...]
    components: dict[str, tuple[str, ...]]
    raw_materials: dict[str, tuple[str, ...]]
    countries: dict[str, tuple[str, ...]]
    risks: dict[str, RiskWords]
    negation: tuple[str, ...]
    unnegate: tuple[str, ...]
    contrast: tuple[str, ...]
    policy_modals: tuple[str, ...]
    policy_actors: tuple[str, ...]
    policy: tuple[str, ...]
    affirm: tuple[str, ...]


class CommonWords(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    not_countries: tuple[str, ...]


@cache
def get_lexicon(language: LanguageCode) -> Lexicon:
    """The shipped lexicon of one language."""
    text = resources.files("hrdd.domain.textread").joinpath(f"lexicons/{language}.yaml").read_text("utf-8")
    lexicon = Lexicon.model_validate(load_yaml(text))
    if lexicon.language != language:
        raise ValueError(f"lexicons/{language}.yaml says language: {lexicon.language}")
    return lexicon


@cache
def get_common_words() -> CommonWords:
    """Words of every language that the reader never takes for a country."""
    text = resources.files("hrdd.domain.textread").joinpath("lexicons/common.yaml").read_text("utf-8")
    return CommonWords.model_validate(load_yaml(text))
