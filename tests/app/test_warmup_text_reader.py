"""A web server process loads the text reader before it serves, so that a buyer's first check of a supplier's
document does not pay for loading the language models and word tables (2-3 s)."""

from hrdd.core import warmup
from hrdd.domain.document_check import get_document_checks
from hrdd.domain.textread import LANGUAGES, reader


def test_loading_the_long_lived_data_loads_the_text_reader_for_every_language():
    # given
    reader._detector.cache_clear()
    reader._tables.cache_clear()
    get_document_checks.cache_clear()

    # when
    warmup.load_long_lived()

    # then
    assert reader._detector.cache_info().currsize == 1
    assert reader._tables.cache_info().currsize == len(LANGUAGES)
    assert get_document_checks.cache_info().currsize == 1
