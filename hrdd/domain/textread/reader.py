"""Read a supplier's text as a buyer reads it: which components, raw materials, countries and human-rights
risks it names, in English, Dutch, French or German, and whether a risk is discussed for the supply chain or
only denied ('there is no child labour') or prohibited by a code of conduct ('suppliers shall not use child
labour').

The language is detected with lingua (only the four languages are loaded); words are compared folded (lower
case, no accents) and as simplemma's lemma; Dutch and German compounds are split where a part is a lexicon
word ('Akkupacks', 'kobaltmijnen', 'lithium-ionaccu'). Country names come from pycountry in every language it
carries (proper nouns: written with a capital), from the lexicons (adjectives, demonyms, short names) and
from mining and manufacturing regions ('Katanga', 'Xinjiang'); a country that ends a company's name
('Datavault France', 'Acme Nederland B.V.') is not taken for a sourcing country. German written without umlauts
('Suedkorea', 'fuer') is read as with them.

A risk is read by its name ('child labour'), by a right whose absence is the risk ('living wage'), or by its
effect on people: word groups of the lexicon that stand together in a sentence ('boys' with 'carry sacks',
'residents' with 'soot'), and safeguards said to be missing ('without helmets', 'tunnels are not propped
up', 'sans soutènement'). A right stated as in place ('all workers receive the minimum wage') is no risk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Literal

from hrdd.domain.countries import name_variants, names_in_all_languages
from hrdd.domain.textread.lexicon import (
    LANGUAGES,
    LanguageCode,
    Lexicon,
    get_common_words,
    get_lexicon,
)

Kind = Literal["component", "raw_material", "country", "risk"]
FINDING_KINDS: tuple[Kind, ...] = ("component", "raw_material", "country", "risk")
CUE_KINDS = (
    "negation",
    "unnegate",
    "contrast",
    "policy",
    "policy_modals",
    "policy_actors",
    "affirm",
    "prohibition",
    "compliance",
    "violation",
    "inquiry",
    "relative",
    "absence",
    "in_place",
    "nobody",
)

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[,:;()–—]|(?<=\s)-(?=\s)", re.UNICODE)
_ELISION = re.compile(r"^(l|d|n|s|j|c|m|t|qu|jusqu|lorsqu|puisqu)['’](.+)$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])(?<!\b[A-Za-z]\.)\s+|\n+")
_CLAUSE_MARKS = {",", ":", "(", ")", "–", "—", "-"}  # a dash between spaces parts a clause as a comma does
MAX_PHRASE_WORDS = 7
UNNEGATE_WINDOW = 4
MIN_COMPOUND_PART = 3
MIN_PREFIX_WORD = 5
MIN_COMPOUND_TAIL = 5  # a word group's word also matches as the end of a Dutch or German compound
VIOLATION_WINDOW = 3
MIN_TYPO_WORD = 6  # a misspelt raw material is read from 6 letters on ('cobolt', not 'tim')
ABSENCE_GAP = 2  # words between a missing safeguard and the word saying it is missing ('no proper helmets')
_UMLAUT_SPELLING = re.compile(r"(?<![qQ])(ae|oe|ue|Ae|Oe|Ue)")
_UMLAUTS = {"ae": "ä", "oe": "ö", "ue": "ü", "Ae": "Ä", "Oe": "Ö", "Ue": "Ü"}
SURE_LANGUAGE = 0.8  # lingua's confidence above which its answer is taken as it is


def fold(text: str) -> str:
    """Lower-case and strip accents, so that 'Écran' matches 'ecran'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (at ., !, ?, ; and line breaks; not after a single letter as in 'D.R.')."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _raw_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(text):
        elided = _ELISION.match(raw)
        if elided:
            tokens.extend((raw[: len(elided.group(1)) + 1], elided.group(2)))
        else:
            tokens.append(raw)
    return tokens


def phrase_words(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase as the folded words the reader compares."""
    return tuple(fold(t) for t in _raw_tokens(phrase) if t not in _CLAUSE_MARKS)


@dataclass(frozen=True)
class Token:
    word: str  # folded
    lemma: str  # folded simplemma lemma
    capital: bool
    clause: int  # index of the comma-separated part of its sentence
    alt: tuple[str, ...] = ()  # German written without umlauts: the word and lemma with them

    def forms(self) -> tuple[str, ...]:
        if self.alt:
            return tuple(dict.fromkeys((self.word, self.lemma, *self.alt)))
        return (self.word,) if self.lemma == self.word else (self.word, self.lemma)


@lru_cache(maxsize=200_000)
def _lemma(raw: str, language: str) -> str:
    import simplemma  # noqa: PLC0415 - loaded on first use (its tables take a second)

    if language == "en" and raw.endswith(("ed", "ing")):  # 'tinned' is not tin, 'housing' not a house
        return fold(raw)
    try:
        return fold(simplemma.lemmatize(raw, lang=language))
    except ValueError:  # pragma: no cover - simplemma refuses nothing it was given here
        return fold(raw)


def _umlaut_forms(raw: str, language: str) -> tuple[str, ...]:
    """A German word typed without umlauts ('Suedkorea', 'Loehne') as it is written with them."""
    if language != "de" or not _UMLAUT_SPELLING.search(raw):
        return ()
    umlauted = _UMLAUT_SPELLING.sub(lambda m: _UMLAUTS[m.group(1)], raw)
    return tuple(dict.fromkeys((fold(umlauted), _lemma(umlauted, language))))


def tokenize(sentence: str, language: str) -> list[Token]:
    tokens: list[Token] = []
    clause = 0
    for raw in _raw_tokens(sentence):
        if raw in _CLAUSE_MARKS:
            clause += 1
            continue
        first = raw[:1]
        tokens.append(
            Token(
                fold(raw),
                _lemma(raw, language),
                first.isupper() or not first.islower(),
                clause,
                _umlaut_forms(raw, language),
            )
        )
    return tokens


@cache
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    languages = {"en": Language.ENGLISH, "nl": Language.DUTCH, "fr": Language.FRENCH, "de": Language.GERMAN}
    builder = LanguageDetectorBuilder.from_languages(*languages.values())
    return builder.build(), {v: k for k, v in languages.items()}


@cache
def _language_words(language: LanguageCode) -> frozenset[str]:
    """The words of a language's lexicon (function words, one-word terms and cues)."""
    lexicon = get_lexicon(language)
    phrases: list[str] = [*lexicon.function_words, *(w for kind in CUE_KINDS for w in getattr(lexicon, kind))]
    for table in (lexicon.components, lexicon.raw_materials):
        phrases.extend(w for words in table.values() for w in words)
    phrases.extend(w for risk in lexicon.risks.values() for w in (*risk.phrases, *risk.rights))
    return frozenset(words[0] for words in map(phrase_words, phrases) if len(words) == 1)


def detect_language(text: str) -> LanguageCode:
    """The text's language among English, Dutch, French and German (English when nothing tells).

    lingua decides; when it is unsure (a short line: 'De lithium-ionaccu bevat kobalt.'), the share of the
    text's words that are words of each language's lexicon is added to lingua's confidence."""
    if not text.strip():
        return "en"
    detector, codes = _detector()
    sample = text[:5000]
    confidence = {codes[v.language]: v.value for v in detector.compute_language_confidence_values(sample)}
    best = max(confidence, key=lambda k: confidence[k])
    if confidence[best] >= SURE_LANGUAGE:
        return best  # type: ignore[no-any-return]
    words = [fold(t) for t in _raw_tokens(sample) if t not in _CLAUSE_MARKS]
    if not words:
        return best  # type: ignore[no-any-return]
    score = {
        code: confidence.get(code, 0.0) + sum(w in _language_words(code) for w in words) / len(words)
        for code in LANGUAGES
    }
    return max(LANGUAGES, key=lambda code: score[code])


# --- the phrase tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    words: tuple[str, ...]
    kind: str
    concept: str


class _Table:
    """Phrases indexed by their first word, longest first."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        seen: dict[tuple[str, tuple[str, ...]], _Entry] = {}
        for entry in entries:
            if entry.words:
                seen.setdefault((entry.kind, entry.words), entry)
        by_first: dict[str, list[_Entry]] = {}
        for entry in seen.values():
            by_first.setdefault(entry.words[0], []).append(entry)
        for items in by_first.values():
            items.sort(key=lambda e: -len(e.words))
        self.by_first = by_first

    def at(self, tokens: Sequence[Token], i: int, *, capital: bool = False) -> list[_Entry]:
        """The entries matched at token i, longest first (all kinds of the longest match)."""
        if capital and not tokens[i].capital:
            return []
        found: list[_Entry] = []
        for form in tokens[i].forms():
            for entry in self.by_first.get(form, ()):
                size = len(entry.words)
                if found and size < len(found[0].words):
                    break
                if i + size <= len(tokens) and all(
                    w in tokens[i + k].forms() for k, w in enumerate(entry.words[1:], start=1)
                ):
                    if not found or size > len(found[0].words):
                        found = [entry]
                    elif all(e.kind != entry.kind for e in found):
                        found.append(entry)
        return found


def _lexicon_entries(lexicon: Lexicon, kinds: Iterable[str]) -> Iterable[_Entry]:
    for kind in kinds:
        if kind == "component":
            table = lexicon.components
        elif kind == "raw_material":
            table = lexicon.raw_materials
        else:
            table = {concept: words.phrases for concept, words in lexicon.risks.items()}
        for concept, phrases in table.items():
            for phrase in (concept, *phrases) if kind != "risk" else phrases:
                yield _Entry(phrase_words(phrase), kind, concept)
        if kind == "risk":
            for concept, words in lexicon.risks.items():
                for phrase in words.rights:
                    yield _Entry(phrase_words(phrase), "right", concept)


def _country_entries(lexicon: Lexicon) -> Iterable[_Entry]:
    for iso3, names in lexicon.countries.items():
        for name in names:
            words = phrase_words(name)
            yield _Entry(words, "country", iso3)
            if len(words) == 1:
                for ending in lexicon.adjective_endings:
                    yield _Entry((words[0] + ending,), "country", iso3)


def _country_key(phrase: str) -> tuple[str, ...]:
    words = phrase_words(phrase)
    return words[1:] if words[:1] == ("the",) else words


@dataclass(frozen=True)
class _Group:
    """A word group of a 'together' pattern: its phrases (folded words), whether it is a safeguard said to be
    missing, and the keys of word_positions its one-word phrases are found under (looked up all at once)."""

    phrases: tuple[tuple[str, ...], ...]
    absent: bool
    keys: frozenset[str]
    longer: tuple[tuple[str, ...], ...]  # phrases of two words or more

    @classmethod
    def of(cls, phrases: tuple[tuple[str, ...], ...], absent: bool) -> _Group:
        keys = set()
        for words in phrases:
            if len(words) == 1:
                keys.add(words[0])
                if len(words[0]) >= MIN_PREFIX_WORD:
                    keys.add("\0" + words[0])
        return cls(phrases, absent, frozenset(keys), tuple(w for w in phrases if len(w) > 1))


@dataclass(frozen=True)
class _Tables:
    language: LanguageCode
    terms: _Table  # components, raw materials, risk phrases, lexicon countries
    proper_countries: _Table  # pycountry names, matched only when written with a capital
    cues: _Table
    singles: dict[str, tuple[tuple[str, str], ...]]  # one-word terms for compound splitting
    # per risk pattern: its word groups
    together: tuple[tuple[str, tuple[_Group, ...]], ...]
    compounds: bool = False
    function_words: frozenset[str] = frozenset()
    whole_words: frozenset[str] = frozenset()  # compounds never split ('Quecksilber' is mercury, not silver)
    # one-word raw material names of 6 letters or more, by length
    material_words: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)


def _lexicons_for(language: LanguageCode) -> tuple[Lexicon, ...]:
    return (get_lexicon(language),) if language == "en" else (get_lexicon(language), get_lexicon("en"))


@cache
def _all_lexicon_words() -> frozenset[tuple[str, ...]]:
    words: set[tuple[str, ...]] = set()
    for language in LANGUAGES:
        lexicon = get_lexicon(language)
        for entry in _lexicon_entries(lexicon, ("component", "raw_material", "risk")):
            words.add(entry.words)
    return frozenset(words)


@cache
def _proper_countries() -> _Table:
    common = get_common_words()
    skip = _all_lexicon_words() | {_country_key(w) for w in common.not_countries}
    entries = [
        _Entry(phrase_words(region), "country", iso3)
        for iso3, regions in common.regions.items()
        for region in regions
    ]
    for iso3, variants in names_in_all_languages():
        for variant in variants:
            for piece in name_variants(variant):
                key = _country_key(piece)
                if key and len("".join(key)) >= 4 and key not in skip:
                    entries.append(_Entry(key, "country", iso3))
    return _Table(entries)


@cache
def _tables(language: LanguageCode) -> _Tables:
    lexicons = _lexicons_for(language)
    own = lexicons[0]
    entries: list[_Entry] = []
    for lexicon in lexicons:
        entries.extend(_lexicon_entries(lexicon, ("component", "raw_material", "risk")))
    for code in (language, *(c for c in LANGUAGES if c != language)):
        entries.extend(_country_entries(get_lexicon(code)))
    cue_entries = [_Entry(phrase_words(p), kind, kind) for kind in CUE_KINDS for p in getattr(own, kind)]
    singles: dict[str, list[tuple[str, str]]] = {}
    if own.compounds:
        for entry in entries:
            if len(entry.words) == 1 and entry.kind != "country" and len(entry.words[0]) >= MIN_COMPOUND_PART:
                pairs = singles.setdefault(entry.words[0], [])
                if (entry.kind, entry.concept) not in pairs:
                    pairs.append((entry.kind, entry.concept))
    # a language's own word groups only: English groups read in a Dutch or German text take 'die' or 'land'
    # for English words (and no labelled text needs them)
    together = tuple(
        (
            concept,
            tuple(
                _Group.of(tuple(phrase_words(w) for w in words), absent)
                for words, absent in own.pattern_groups(pattern)
            ),
        )
        for concept, risk in own.risks.items()
        for pattern in risk.together
    )
    return _Tables(
        language,
        _Table(entries),
        _proper_countries(),
        _Table(cue_entries),
        {k: tuple(v) for k, v in singles.items()},
        together,
        own.compounds,
        frozenset(w for p in own.function_words for w in phrase_words(p)),
        frozenset(w for p in own.whole_words for w in phrase_words(p)),
        _by_length(
            {
                (e.words[0], e.concept)
                for e in entries
                if e.kind == "raw_material" and len(e.words) == 1 and len(e.words[0]) >= MIN_TYPO_WORD
            }
        ),
    )


def _by_length(names: set[tuple[str, str]]) -> dict[int, tuple[tuple[str, str], ...]]:
    out: dict[int, list[tuple[str, str]]] = {}
    for name, concept in sorted(names):
        out.setdefault(len(name), []).append((name, concept))
    return {size: tuple(items) for size, items in out.items()}


# --- reading -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """One thing named in one sentence; a risk that is denied or only prohibited is not counted."""

    kind: str
    concept: str
    matched: str
    sentence: int
    start: int
    end: int
    counted: bool = True
    reason: str = ""  # why a risk mention is not counted: 'negated' or 'policy'
    right: bool = False  # a right or safeguard ('living wage'): a denial does not set it aside
    parts: tuple[tuple[int, int], ...] = ()  # the words of a word group ('children … work'), when apart


@dataclass(frozen=True)
class Reading:
    language: LanguageCode
    sentences: tuple[str, ...]
    mentions: tuple[Mention, ...]

    def found(self, kind: str) -> dict[str, list[Mention]]:
        """The counted mentions of one kind, by concept."""
        out: dict[str, list[Mention]] = {}
        for mention in self.mentions:
            if mention.kind == kind and mention.counted:
                out.setdefault(mention.concept, []).append(mention)
        return out

    def set_aside(self, kind: str) -> dict[str, list[Mention]]:
        """Mentions of one kind that were not counted (denied, or a code of conduct's prohibition)."""
        out: dict[str, list[Mention]] = {}
        for mention in self.mentions:
            if mention.kind == kind and not mention.counted:
                out.setdefault(mention.concept, []).append(mention)
        return out


def _compound_hits(token: Token, singles: dict[str, tuple[tuple[str, str], ...]]) -> list[tuple[str, str]]:
    """Lexicon words a compound starts or ends with ('akku|packs', 'ion|accu', 'kupfer|kabel')."""
    hits: list[tuple[str, str]] = []
    for word in dict.fromkeys((token.word, *token.alt[:1])):
        for hit in _compound_word_hits(word, singles):
            if hit not in hits:
                hits.append(hit)
    return hits


def _compound_word_hits(word: str, singles: dict[str, tuple[tuple[str, str], ...]]) -> list[tuple[str, str]]:
    hits: list[tuple[str, str]] = []
    for j in range(len(word) - MIN_COMPOUND_PART, MIN_COMPOUND_PART - 1, -1):
        head = word[:j]
        if head in singles and len(word) - j >= MIN_COMPOUND_PART + (1 if len(head) < 4 else 0):
            hits.extend(singles[head])
            break
    for j in range(MIN_COMPOUND_PART, len(word) - MIN_COMPOUND_PART + 1):
        tail = word[j:]
        candidates = [tail] + [tail[: -len(s)] for s in ("s", "n", "en", "e", "er") if tail.endswith(s)]
        match = next((c for c in candidates if c in singles and len(c) >= 4), None)
        if match:
            hits.extend(h for h in singles[match] if h not in hits)
            break
    return hits


def _word_matches(pattern: tuple[str, ...], tokens: Sequence[Token], i: int) -> bool:
    if i + len(pattern) > len(tokens):
        return False
    for k, word in enumerate(pattern):
        forms = tokens[i + k].forms()
        if word in forms:
            continue
        if len(word) >= MIN_PREFIX_WORD and any(f.startswith(word) for f in forms):
            continue
        return False
    return True


def word_positions(tokens: Sequence[Token]) -> dict[str, int]:
    """The first position of every form of the tokens, and (keyed with a leading NUL) of every start of 5
    letters or more of them, so that a one-word pattern is looked up instead of scanned for."""
    first: dict[str, int] = {}
    for i, token in enumerate(tokens):
        for form in token.forms():
            first.setdefault(form, i)
            for n in range(MIN_PREFIX_WORD, len(form)):
                first.setdefault("\0" + form[:n], i)
    return first


def find_pattern(pattern: tuple[str, ...], tokens: Sequence[Token], positions: dict[str, int]) -> int | None:
    """The first position where a pattern (folded words) stands, or None."""
    if len(pattern) == 1:
        word = pattern[0]
        found = [p for p in (positions.get(word), positions.get("\0" + word)) if p is not None]
        if len(word) < MIN_PREFIX_WORD:
            found = found[:1] if positions.get(word) is not None else []
        return min(found) if found else None
    first = _first_position(pattern[0], positions)
    if first is None:
        return None
    return next((i for i in range(first, len(tokens)) if _word_matches(pattern, tokens, i)), None)


def _first_position(word: str, positions: dict[str, int]) -> int | None:
    """The first position where a word stands as itself or (5 letters or more) as a word's start."""
    keys = (word, "\0" + word) if len(word) >= MIN_PREFIX_WORD else (word,)
    return min((positions[k] for k in keys if k in positions), default=None)


def _compound_tails(
    tokens: Sequence[Token], positions: dict[str, int], skip: frozenset[int] = frozenset()
) -> dict[str, int]:
    """The positions with the ends of compounds added ('zinnabbau' holds 'abbau', 'kobaltmijnen' 'mijnen'),
    5 letters or more, so that 'Kinder im Zinnabbau' reads as children in mining."""
    out = dict(positions)
    for i, token in enumerate(tokens):
        if i in skip:
            continue
        for form in token.forms():
            for cut in range(MIN_COMPOUND_PART, len(form) - MIN_COMPOUND_TAIL + 1):
                out.setdefault(form[cut:], i)
    return out


def _inflections(tokens: Sequence[Token], positions: dict[str, int], skip: frozenset[int]) -> dict[str, int]:
    """English verbs in -ed and -ing as their base form ('carried', 'digging', 'evicted'), for the words of
    word groups only: as terms they stay apart ('tinned' is not tin, 'housing' not a house)."""
    import simplemma  # noqa: PLC0415

    out = dict(positions)
    for i, token in enumerate(tokens):
        if i not in skip and token.word.endswith(("ed", "ing")) and token.word.isalpha():
            out.setdefault(fold(simplemma.lemmatize(token.word, lang="en")), i)
    return out


def _absences(tokens: Sequence[Token], cues: dict[str, list[tuple[int, int]]]) -> list[tuple[int, int, bool]]:
    """The words saying something is missing ('no', 'without', 'lack of', 'not'), unless voided ('not only'),
    each with whether it may follow what is missing: at the end of its clause ('Schutzkleidung gibt es
    nicht') or before a word saying it is provided ('helmets are not provided'), not in 'contracts not
    renewed'."""
    out = []
    for start, end in (*cues["absence"], *cues["negation"]):
        if any(start - UNNEGATE_WINDOW < u <= end + UNNEGATE_WINDOW for u, _ in cues["unnegate"]):
            continue
        if any(n_start < end and start < n_end for n_start, n_end in cues["nobody"]):
            continue  # 'personne ne travaille sans contrat': a denial, the 'ne' says nothing is missing
        clause_end = end == len(tokens) or tokens[end].clause != tokens[start].clause
        provided = any(end <= p <= end + 1 for p, _ in cues["in_place"])
        out.append((start, end, clause_end or provided))
    return out


@dataclass(frozen=True)
class _Words:
    """Where the words of a sentence stand, for word groups: some positions may be taken (by a named risk's
    phrase, or by a tighter reading of another risk)."""

    tokens: Sequence[Token]
    positions: dict[str, int]
    taken: frozenset[int]
    absences: list[tuple[int, int, bool]]
    # every place a safeguard was said to be missing ('sans casque ni masque'): words of a risk
    missing: list[tuple[int, int]] = field(default_factory=list)

    def find(self, words: tuple[str, ...]) -> int | None:
        if len(words) == 1:
            return find_pattern(words, self.tokens, self.positions)
        return next(iter(self.every(words)), None)

    def every(self, words: tuple[str, ...]) -> list[int]:
        first = find_pattern(words[:1], self.tokens, self.positions)
        if first is None:
            return []
        return [
            i
            for i in range(first, len(self.tokens))
            if _word_matches(words, self.tokens, i)
            and not any(k in self.taken for k in range(i, i + len(words)))
        ]


def _sentence_words(
    tables: _Tables, tokens: Sequence[Token], taken: frozenset[int], cues: dict[str, list[tuple[int, int]]]
) -> _Words:
    positions = word_positions([t if i not in taken else _NO_TOKEN for i, t in enumerate(tokens)])
    if tables.compounds:
        positions = _compound_tails(tokens, positions, taken)
    if tables.language == "en":
        positions = _inflections(tokens, positions, taken)
    return _Words(tokens, positions, taken, _absences(tokens, cues))


_NO_TOKEN = Token("", "", False, -1)


def _missing(group: _Group, words: _Words) -> tuple[int, int] | None:
    """The tightest place a safeguard of the group is said to be missing ('without helmets', 'helmets are not
    provided'), as the span of both the safeguard and the absence, in one clause."""
    tokens = words.tokens
    spans = []
    present = [(w,) for w in group.keys & words.positions.keys() if not w.startswith("\0")]
    present += [(w[1:],) for w in group.keys & words.positions.keys() if w.startswith("\0")]
    for phrase in (*dict.fromkeys(present), *group.longer):
        for at in words.every(phrase):
            end = at + len(phrase)
            for a_start, a_end, may_follow in words.absences:
                if tokens[a_start].clause != tokens[at].clause:
                    continue
                before = at - ABSENCE_GAP <= a_end <= at
                after = may_follow and end <= a_start <= end + ABSENCE_GAP
                if before or after:
                    # with the first half of a two-part negation ("n'ont pas été versés", 'ne … pas')
                    first = min(
                        (n for n, n_end, _ in words.absences if a_start - ABSENCE_GAP <= n_end <= a_start),
                        default=a_start,
                    )
                    spans.append((min(at, first), max(end, a_end)))
    words.missing.extend(spans)
    return min(spans, key=lambda span: (span[1] - span[0], span[0])) if spans else None


Hit = tuple[str, int, int, str, tuple[tuple[int, int], ...]]


def _pattern_hit(concept: str, groups: tuple[_Group, ...], words: _Words) -> Hit | None:
    spots = []
    for group in groups:
        if group.absent:
            span = _missing(group, words)
            if span is None:
                return None
            spots.append((span[0], span[1] - span[0]))
            continue
        candidates = [(words.positions[key], 1) for key in group.keys & words.positions.keys()]
        candidates += [(at, len(p)) for p in group.longer if (at := words.find(p)) is not None]
        if not candidates:
            return None
        spots.append(min(candidates))
    tokens = words.tokens
    start = min(p for p, _ in spots)
    end = max(p + n for p, n in spots)
    matched = " … ".join(" ".join(t.word for t in tokens[p : p + n]) for p, n in sorted(spots))
    return concept, start, end, matched, tuple((p, p + n) for p, n in sorted(spots))


def _together_reading(
    tables: _Tables, tokens: Sequence[Token], cues: dict[str, list[tuple[int, int]]], phrased: frozenset[int]
) -> tuple[list[Hit], list[tuple[int, int]]]:
    """The risks that word groups describe in a sentence, and every place a safeguard was said to be missing.
    The words of a risk's phrase are not read again for another risk ('gedwongen verhuizing' is no forced
    labour); a word read for two risks goes to the tighter reading, and the looser one looks for other words
    ('paid fees and their passports were withheld' is no withheld pay)."""
    words = _sentence_words(tables, tokens, phrased, cues)
    patterns = [(concept, groups) for concept, groups in tables.together]
    hits: dict[int, Hit] = {}
    for k, (concept, groups) in enumerate(patterns):
        hit = _pattern_hit(concept, groups, words)
        if hit is not None:
            hits[k] = hit
    for _ in range(len(hits)):
        contested = _contested(hits)
        if contested is None:
            break
        k, shared = contested
        concept, groups = patterns[k]
        retry = _sentence_words(tables, tokens, phrased | shared, cues)
        hit = _pattern_hit(concept, groups, retry)
        if hit is None:
            del hits[k]
        else:
            hits[k] = hit
        words.missing.extend(retry.missing)
    return list(hits.values()), words.missing


def _contested(hits: dict[int, Hit]) -> tuple[int, frozenset[int]] | None:
    """The looser of two readings of different risks that share a word, with the shared words."""
    for a, hit_a in hits.items():
        for b, hit_b in hits.items():
            if a >= b or hit_a[0] == hit_b[0]:
                continue
            shared = frozenset(
                k
                for p_start, p_end in hit_a[4]
                for k in range(p_start, p_end)
                if any(s <= k < e for s, e in hit_b[4])
            )
            if shared:
                looser = a if hit_a[2] - hit_a[1] > hit_b[2] - hit_b[1] else b
                return looser, shared
    return None


def _cues(tables: _Tables, tokens: Sequence[Token]) -> dict[str, list[tuple[int, int]]]:
    cues: dict[str, list[tuple[int, int]]] = {kind: [] for kind in CUE_KINDS}
    for i in range(len(tokens)):
        for entry in tables.cues.at(tokens, i):
            cues[entry.kind].append((i, i + len(entry.words)))
    return cues


def _adjacent(cue: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    """Whether another cue stands right before or after a cue (at most one word between)."""
    start, end = cue
    return any(
        (o_start, o_end) != cue and (start - 1 <= o_end <= start or end <= o_start <= end + 1)
        for o_start, o_end in others
    )


def _blocking(
    cues: dict[str, list[tuple[int, int]]], tokens: Sequence[Token]
) -> list[tuple[int, int, str, str]]:
    """Negation and policy cues that are not voided ('cannot be ruled out', 'not only', 'do not comply'),
    with the reason they give and their kind."""
    unnegate = cues["unnegate"]
    out = []
    # a denial of a whole group ('no children work') is read from its first word, before the group's word
    for start, end in (*cues["negation"], *((s, s + 1) for s, _ in cues["nobody"])):
        voided = any(
            (u_start, u_end) != (start, end) and start - UNNEGATE_WINDOW < u_start <= end + UNNEGATE_WINDOW
            for u_start, u_end in unnegate
        )
        if not voided:
            out.append((start, end, "negated", "negation"))
    out.extend((start, end, "policy", "policy") for start, end in cues["policy"])
    out.extend((start, end, "policy", "prohibition") for start, end in cues["prohibition"])
    out.extend(
        (start, end, "policy", "compliance")
        for start, end in cues["compliance"]
        if not _adjacent(
            (start, end), [n for n in cues["negation"] if tokens[n[0]].clause == tokens[start].clause]
        )
    )
    if cues["policy_actors"]:  # 'suppliers must', not 'workers must pay fees'
        out.extend((start, end, "policy", "policy") for start, end in cues["policy_modals"])
    return out


def _is_right(mention: Mention, cues: dict[str, list[tuple[int, int]]]) -> bool:
    """A right stays a right unless a breach of it is named ('violations of freedom of association'), which
    a denial can set aside like any risk."""
    return mention.right and not any(
        mention.start - VIOLATION_WINDOW <= v_end <= mention.start for _, v_end in cues["violation"]
    )


def _in_place(mention: Mention, tokens: Sequence[Token], cues: dict[str, list[tuple[int, int]]]) -> bool:
    """Whether a right is stated as in place in its clause ('all workers receive the minimum wage', 'are free
    to join a union'), outside the right's own words, in a clause that negates nothing ('do not receive',
    'receive the minimum wage but not a living wage')."""
    clause = tokens[mention.start].clause
    denials = (*cues["negation"], *cues["nobody"], *cues["absence"])
    if any(tokens[s].clause == clause for s, _ in denials):
        return False
    # across the commas of a list ('provides dormitories, meals and protective equipment') when the sentence
    # denies and contrasts nothing
    whole = not denials and not cues["contrast"]
    return any(
        (tokens[start].clause == clause or (whole and end <= mention.start))
        and not (mention.start < end and start < mention.end)
        for start, end in cues["in_place"]
    )


def _cue_after_applies(
    mention: Mention,
    cue: tuple[int, int, str, str],
    tokens: Sequence[Token],
    cues: dict[str, list[tuple[int, int]]],
    *,
    concrete: bool,
) -> bool:
    """Whether a cue after a mention sets it aside: in the same clause; across commas a denial after an inquiry
    ('forced labour was checked, but no indications were found') or a prohibition closing a list ('forced,
    bonded or prison labour, slavery or trafficking are prohibited') in a sentence that affirms nothing, names
    no component, material or country and does not comment ('..., which is forbidden by law'). A 'but' in
    between voids the cue unless the mention was only inquired into."""
    cue_start, _, reason, kind = cue
    end = mention.end
    inquiries = [i for i, _ in cues["inquiry"]]
    if tokens[cue_start].clause != tokens[mention.start].clause:
        inquired = reason == "negated" and any(end <= i < cue_start for i in inquiries)
        closes_list = (
            kind == "prohibition"
            and not concrete
            and not any(not (mention.start <= a < end) for a, _ in cues["affirm"])
            and not any(tokens[cue_start].clause == tokens[r].clause for r, _ in cues["relative"])
        )
        if not (inquired or closes_list):
            return False
    between = [c for c, _ in cues["contrast"] if end <= c < cue_start]
    return not between or any(end <= i < between[0] for i in inquiries)


def _cue_inside_applies(
    mention: Mention, cue: tuple[int, int, str, str], tokens: Sequence[Token], contrasts: list[int]
) -> bool:
    """Whether a cue between the words of a group sets it aside ('children do not work'): not a word of the
    group itself ('wages … not enough'), and in the clause of the word that follows it."""
    cue_start, cue_end, _, _ = cue
    if any(p_start < cue_end and cue_start < p_end for p_start, p_end in mention.parts):
        return False
    following = [p_start for p_start, _ in mention.parts if p_start >= cue_end]
    if not following or tokens[following[0]].clause != tokens[cue_start].clause:
        return False
    return not any(cue_end <= c < following[0] for c in contrasts)


def _why_not_counted(
    mention: Mention,
    tokens: Sequence[Token],
    cues: dict[str, list[tuple[int, int]]],
    *,
    concrete: bool = False,
) -> str:
    """Why a risk mention is not counted, or '' when it is."""
    start, end = mention.start, mention.end
    clause = tokens[start].clause
    right = _is_right(mention, cues)
    if right and _in_place(mention, tokens, cues):
        return "negated"
    contrasts = [c for c, _ in cues["contrast"]]
    affirmed = any(tokens[a].clause == clause and not (start <= a < end) for a, _ in cues["affirm"])
    for cue in _blocking(cues, tokens):
        cue_start, cue_end, reason, kind = cue
        if right and reason == "negated":
            continue
        if right and kind == "prohibition":  # 'independent unions are forbidden': the right is denied
            continue
        if cue_end <= start:  # before the mention, up to a 'but'
            if any(cue_end <= c < start for c in contrasts):
                continue
            if affirmed and tokens[cue_start].clause != clause:
                continue
            return reason
        if start < cue_start and cue_end <= end:
            if _cue_inside_applies(mention, cue, tokens, contrasts):
                return reason
            continue
        if cue_start >= end and _cue_after_applies(mention, cue, tokens, cues, concrete=concrete):
            return reason
    return ""


@lru_cache(maxsize=50_000)
def _known_word(word: str, language: str) -> bool:
    """Whether a folded word is in simplemma's dictionary of the language or of English."""
    import simplemma  # noqa: PLC0415

    return bool(simplemma.is_known(word, language) or simplemma.is_known(word, "en"))


@cache
def _legal_forms() -> tuple[tuple[str, ...], ...]:
    return tuple(phrase_words(f) for f in get_common_words().legal_forms)


@cache
def _directions() -> frozenset[str]:
    return frozenset(w for d in get_common_words().directions for w in phrase_words(d))


def _one_edit_apart(a: str, b: str) -> bool:
    """Whether two words differ by one letter added, dropped, changed or two letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    k = next((k for k in range(len(short)) if short[k] != long[k]), len(short))
    return short[k:] == long[k + 1 :]


def _misspelt_material(tables: _Tables, token: Token) -> str:
    """The raw material a word misspells ('tantallum', 'lithum', 'cobolt'): one edit from a material's name
    of 6 letters or more, and no word of the dictionary ('copier' is not copper, 'sliver' not silver)."""
    word = token.word
    if len(word) < MIN_TYPO_WORD or not word.isalpha():
        return ""
    return _misspelt_word(word, tables.language)


@lru_cache(maxsize=50_000)
def _misspelt_word(word: str, language: LanguageCode) -> str:
    for size in (len(word) - 1, len(word), len(word) + 1):
        for name, concept in _tables(language).material_words.get(size, ()):
            if _one_edit_apart(word, name):
                return "" if _known_word(word, language) else concept
    return ""


def _company_country(
    tables: _Tables, tokens: Sequence[Token], start: int, end: int, taken: list[bool]
) -> bool:
    """Whether a country ends a company's name ('Datavault France', 'Acme Nederland B.V.'): followed by a legal
    form, or standing apart (a title, a signature, brackets) at the end of capitalised words one of which is no
    dictionary word (a brand)."""
    clause = tokens[start].clause
    for form in _legal_forms():
        if tuple(t.word for t in tokens[end : end + len(form)]) == form:
            return True
    if end < len(tokens) and tokens[end].clause == clause:
        return False
    run = []
    j = start - 1
    while (
        j >= 0
        and tokens[j].clause == clause
        and tokens[j].capital
        and tokens[j].word.isalpha()
        and not taken[j]
    ):
        run.append(tokens[j].word)
        j -= 1
    if not run or run[0] in tables.function_words or run[0] in _directions():
        return False
    if j >= 0 and tokens[j].clause == clause and tokens[j].word.isalpha():
        return False  # 'refined by Huayou China': a supplier's site, not the name heading the text
    return any(not _known_word(word, tables.language) for word in run)


def _read_sentence(tables: _Tables, tokens: Sequence[Token], index: int) -> list[Mention]:
    mentions: list[Mention] = []
    covered = [False] * len(tokens)
    i = 0
    while i < len(tokens):
        found = tables.terms.at(tokens, i)
        if found:
            size = len(found[0].words)
            matched = " ".join(t.word for t in tokens[i : i + size])
            mentions.extend(
                Mention("risk", e.concept, matched, index, i, i + size, right=True)
                if e.kind == "right"
                else Mention(e.kind, e.concept, matched, index, i, i + size)
                for e in found
            )
            for k in range(i, i + size):
                covered[k] = True
            i += size
            continue
        i += 1
    i = 0
    while i < len(tokens):
        found = [] if covered[i] else tables.proper_countries.at(tokens, i, capital=True)
        if found and not any(covered[i : i + len(found[0].words)]):
            size = len(found[0].words)
            matched = " ".join(t.word for t in tokens[i : i + size])
            mentions.extend(Mention("country", e.concept, matched, index, i, i + size) for e in found[:1])
            for k in range(i, i + size):
                covered[k] = True
            i += size
            continue
        hits = []
        if not covered[i] and tables.singles and tokens[i].word not in tables.whole_words:
            hits = _compound_hits(tokens[i], tables.singles)
            for kind, concept in hits:
                right = kind == "right"
                mentions.append(
                    Mention("risk" if right else kind, concept, tokens[i].word, index, i, i + 1, right=right)
                )
        if not covered[i] and not hits:
            typo = _misspelt_material(tables, tokens[i])
            if typo:
                mentions.append(Mention("raw_material", typo, tokens[i].word, index, i, i + 1))
        i += 1
    named = [False] * len(tokens)  # words of a material, country or risk: no part of a company's name
    for m in mentions:
        if m.kind != "component":
            for k in range(m.start, m.end):
                named[k] = True
    mentions = [
        m
        for m in mentions
        if m.kind != "country" or not _company_country(tables, tokens, m.start, m.end, named)
    ]
    # a phrase's words are read by no word group ('forced labour' is not 'forced … work', 'forced evictions'
    # no forced labour); its risk is still read in the rest of the sentence ('no forced labour at the plant,
    # but migrants pay recruiters fees')
    phrased = frozenset(k for m in mentions if m.kind == "risk" for k in range(m.start, m.end))
    cues = _cues(tables, tokens)
    readings, group_words = _together_reading(tables, tokens, cues, phrased)
    for concept, start, end, matched, parts in readings:
        group_words.extend(parts)
        mentions.append(Mention("risk", concept, matched, index, start, end, parts=parts))
    if group_words:  # a negation inside a group's words describes a risk ('no longer', 'not enough', 'no
        # helmets'), it denies nothing else in the sentence
        cues = {
            **cues,
            "negation": [
                (s, e)
                for s, e in cues["negation"]
                if not any(p_s <= s and e <= p_e for p_s, p_e in group_words)
            ],
        }
    if any(m.kind == "risk" for m in mentions):
        concrete = any(m.kind in ("component", "raw_material", "country") for m in mentions)
        mentions = [
            m if m.kind != "risk" else replace(m, counted=not reason, reason=reason)
            for m in mentions
            for reason in (_why_not_counted(m, tokens, cues, concrete=concrete) if m.kind == "risk" else "",)
        ]
    return mentions


def words_match(pattern: tuple[str, ...], tokens: Sequence[Token], i: int) -> bool:
    """Whether the folded words of a pattern stand at tokens[i:] (a word of 5 letters or more also as the start
    of a word: 'identif' in 'identified')."""
    return _word_matches(pattern, tokens, i)


def denied(tokens: Sequence[Token], start: int, end: int, language: LanguageCode) -> bool:
    """Whether the words at tokens[start:end] are denied ('we have no code of conduct'), as a risk would be."""
    cues = {
        **_cues(_tables(language), tokens),
        "policy": [],
        "policy_modals": [],
        "prohibition": [],
        "compliance": [],
    }
    return _why_not_counted(Mention("risk", "", "", 0, start, end), tokens, cues) == "negated"


def read_text(text: str, language: LanguageCode | None = None) -> Reading:
    """Read a text: its language, its sentences, and every component, raw material, country and risk named."""
    language = language or detect_language(text)
    tables = _tables(language)
    sentences = tuple(split_sentences(text))
    mentions: list[Mention] = []
    for index, sentence in enumerate(sentences):
        mentions.extend(_read_sentence(tables, tokenize(sentence, language), index))
    return Reading(language, sentences, tuple(mentions))


_WARM_UP_SENTENCES = (
    "The battery packs contain cobalt mined by children in the south of the country.",
    "De accu's bevatten kobalt die door kinderen in het zuiden van het land wordt gedolven.",
    "Les batteries contiennent du cobalt extrait par des enfants dans le sud du pays.",
    "Die Akkus enthalten Kobalt, das im Süden des Landes von Kindern abgebaut wird.",
)


def warm_up() -> None:
    """Load the language models, lemma tables and phrase tables once (about 2 s of CPU), so that a check takes
    milliseconds afterwards. Memory: lingua's four models about 140 MB (its low-accuracy mode needs 5 MB but
    takes a short Dutch or German line for English), simplemma's tables about 25 (en), 55 (nl), 15 (fr) and
    115 MB (de), each loaded on the first text of its language when not warmed up."""
    for language in LANGUAGES:
        read_text("Cobalt from the DRC.", language)
    # lingua loads a language's models on the first text it weighs that language for: a sentence per language loads
    # them all (a short phrase leaves the larger models out, and the first German check would take about 1 s)
    for sentence in _WARM_UP_SENTENCES:
        detect_language(sentence)
