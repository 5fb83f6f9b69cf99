"""A reader for suppliers' texts in English, Dutch, French and German (Django-free): see reader.py."""

from hrdd.domain.textread.lexicon import LANGUAGES, LanguageCode, get_lexicon
from hrdd.domain.textread.reader import (
    Mention,
    Reading,
    Token,
    denied,
    detect_language,
    find_pattern,
    phrase_words,
    read_text,
    split_sentences,
    tokenize,
    warm_up,
    word_positions,
    words_match,
)

__all__ = [
    "LANGUAGES",
    "LanguageCode",
    "Mention",
    "Reading",
    "Token",
    "denied",
    "find_pattern",
    "phrase_words",
    "tokenize",
    "words_match",
    "detect_language",
    "get_lexicon",
    "read_text",
    "split_sentences",
    "warm_up",
    "word_positions",
]
