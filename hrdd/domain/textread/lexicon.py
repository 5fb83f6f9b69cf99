"""The per-language lexicons of the text reader: YAML files in hrdd/domain/textread/lexicons/, one a language,
validated on load (an unknown or misspelt key is refused with its name)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from hrdd.domain.yamltext import load_yaml

LanguageCode = Literal["en", "nl", "fr", "de"]
LANGUAGES: tuple[LanguageCode, ...] = ("en", "nl", "fr", "de")
# A word group of a 'together' pattern: its words, or the name of one of the lexicon's word_groups; 'no NAME'
# is that group's words with an absence before or after them ('no helmets', 'not propped up', 'sans
# soutènement', 'Schutzkleidung gibt es nicht').
Group = str | tuple[str, ...]
ABSENT = "no "


class RiskWords(BaseModel):
    """How a risk is written: fixed phrases, or groups of words that together describe it in one sentence
    ('children' with 'employed', 'tunnels' with 'not propped up'); a group word of 5 letters or more also
    matches as a word's start. Rights ('living wage', 'trade unions') are safeguards whose absence is the
    risk: 'unions are not allowed' counts, 'suppliers must respect freedom of association' and 'all workers
    receive the minimum wage' do not."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    phrases: tuple[str, ...]
    rights: tuple[str, ...] = ()
    together: tuple[tuple[Group, ...], ...] = ()


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
    # A prohibition ('is prohibited', 'sont interdits') sets a risk aside as a rule even across commas
    # ('discrimination based on sex, age or religion is prohibited'); a right it names is the risk itself
    # ('independent unions are forbidden in China').
    prohibition: tuple[str, ...] = ()
    # Conformity to a norm ('wages comply with the minimum wage'): a rule unless negated ('do not comply').
    compliance: tuple[str, ...] = ()
    # Words that turn a right into a breach that can be denied ('no violations of freedom of association').
    violation: tuple[str, ...] = ()
    # An inquiry ('forced labour was investigated but no indications were found'): a 'but' after it does not
    # void the denial that follows.
    inquiry: tuple[str, ...] = ()
    # A clause that comments on the one before ('..., which is forbidden'): its prohibition closes no list.
    relative: tuple[str, ...] = ()
    # Compounds that are never split into lexicon words ('Quecksilber' is mercury, not silver).
    whole_words: tuple[str, ...] = ()
    # Named groups of words that stand together in a sentence describing a risk by its effect on people
    # ('children' with 'carry sacks', 'residents' with 'soot'): the 'together' patterns name them, so that a
    # word added to a group serves every pattern of every risk that uses it.
    word_groups: dict[str, tuple[str, ...]] = {}
    # Words that say a safeguard is missing, just before or after it ('without helmets', 'no written
    # contract', 'Schutzkleidung gibt es nicht'): the 'no NAME' groups.
    absence: tuple[str, ...] = ()
    # Denials of a whole group ('no one', 'nobody'): a negation, never the absence of a safeguard.
    nobody: tuple[str, ...] = ()
    # A safeguard stated as in place ('all workers receive the minimum wage', 'workers are free to join a
    # union'): a right named with it is no risk, unless its clause negates something ('do not receive').
    in_place: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _groups_are_known(self) -> Lexicon:
        for concept, words in self.risks.items():
            for pattern in words.together:
                for group in pattern:
                    if isinstance(group, str) and group.removeprefix(ABSENT) not in self.word_groups:
                        raise ValueError(f"risks.{concept}.together names an unknown word group: {group!r}")
                    if isinstance(group, str) and group.startswith(ABSENT) and not self.absence:
                        raise ValueError(f"risks.{concept}.together uses {group!r} but absence is empty")
        return self

    def pattern_groups(self, pattern: tuple[Group, ...]) -> tuple[tuple[tuple[str, ...], bool], ...]:
        """A 'together' pattern as its groups of words, each with whether it is a missing safeguard."""
        return tuple(
            (self.word_groups[group.removeprefix(ABSENT)], group.startswith(ABSENT))
            if isinstance(group, str)
            else (group, False)
            for group in pattern
        )


class CommonWords(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    not_countries: tuple[str, ...]
    # Mining and manufacturing regions read as their country (ISO 3166 alpha-3), matched with a capital.
    regions: dict[str, tuple[str, ...]] = {}
    # Legal forms after a company's name ('Acme Nederland B.V.'): the country before them is the company's.
    legal_forms: tuple[str, ...] = ()
    # Compass words before a country ('Eastern DRC', 'Oost-Congo'): not a company's name.
    directions: tuple[str, ...] = ()


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
