"""A reader for suppliers' texts in English, Dutch, French and German (Django-free): see reader.py."""

from hrdd.domain.textread.lexicon import LANGUAGES, LanguageCode, get_lexicon
from hrdd.domain.textread.reader import (
    Mention,
    Reading,
    detect_language,
    read_text,
    split_sentences,
    warm_up,
)

__all__ = [
    "LANGUAGES",
    "LanguageCode",
    "Mention",
    "Reading",
    "detect_language",
    "get_lexicon",
    "read_text",
    "split_sentences",
    "warm_up",
]
