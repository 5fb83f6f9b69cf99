"""Text extraction: DOCX, PDF and UTF-8 text, within bounds, refusals naming the file."""

import pytest

from hrdd.core import text as text_module
from hrdd.core.text import DocumentError, document_text
from hrdd.core.uploads import FileRefused
from tests.core.builders import docx_bytes, pdf_bytes


def test_the_text_of_a_docx_holds_its_paragraphs_and_its_tables():
    # given
    content = docx_bytes(
        "Risk assessment of Acme notebooks",
        "Cobalt from the Democratic Republic of the Congo: child labour.",
        table=(("component", "material"), ("battery", "cobalt")),
    )

    # when
    text = document_text("acme.docx", content)

    # then
    assert "Risk assessment of Acme notebooks" in text
    assert "child labour" in text
    assert "battery ; cobalt" in text


def test_the_text_of_a_pdf_holds_every_page():
    # when
    text = document_text("acme.pdf", pdf_bytes("Tin from Indonesia", "Forced labour in mica mining"))

    # then
    assert "Tin from Indonesia" in text
    assert "Forced labour in mica mining" in text


def test_a_utf8_text_is_read_with_or_without_a_byte_order_mark():
    said = "Kobalt aus der Demokratischen Republik Kongo, Zwangsarbeit ß"
    assert document_text("a.txt", said.encode()) == said
    assert document_text("a.md", b"\xef\xbb\xbf" + said.encode()) == said


def test_a_text_in_a_windows_code_page_is_read():
    assert document_text("latin1.txt", "Zwangsarbeit ß".encode("cp1252")) == "Zwangsarbeit ß"


def test_a_text_of_binary_data_is_refused_saying_what_to_send_instead():
    # when
    with pytest.raises(FileRefused) as caught:
        document_text("notes.txt", b"Zwangsarbeit \x00\x01\x02")

    # then
    assert str(caught.value).startswith("notes.txt is not a readable text file: it holds binary data")
    assert "PDF or DOCX" in str(caught.value)


def test_a_pdf_without_text_is_refused_saying_it_needs_text_recognition():
    with pytest.raises(DocumentError, match="scanned.pdf holds no text"):
        document_text("scanned.pdf", pdf_bytes(""))


def test_a_damaged_pdf_is_refused_as_unreadable():
    with pytest.raises(DocumentError, match=r"^broken.pdf is not a readable PDF\.$"):
        document_text("broken.pdf", b"%PDF-1.7\n this is where the objects should be")


def test_a_zip_that_is_not_a_real_word_package_is_refused_as_unreadable():
    # given: the archive has the main part's name but python-docx cannot make a document of it
    from tests.core.builders import zip_bytes

    content = zip_bytes({"word/document.xml": b"not xml at all"})

    # when / then
    with pytest.raises(FileRefused, match=r"^fake.docx is not a readable Word \(DOCX\) document\.$"):
        document_text("fake.docx", content)


def test_a_pdf_with_more_pages_than_the_bound_is_refused(monkeypatch):
    # given
    monkeypatch.setattr(text_module, "MAX_PDF_PAGES", 2)

    # when
    with pytest.raises(DocumentError) as caught:
        document_text("long.pdf", pdf_bytes("one", "two", "three"))

    # then
    assert str(caught.value) == "long.pdf has 3 pages; hrdd reads documents of at most 2 pages."


def test_a_document_with_more_text_than_the_bound_is_refused(monkeypatch):
    monkeypatch.setattr(text_module, "MAX_TEXT_CHARS", 50)
    with pytest.raises(DocumentError, match="more than 50 characters"):
        document_text("long.docx", docx_bytes("word " * 20))


def test_reading_that_takes_longer_than_the_bound_is_stopped(monkeypatch):
    # given: a clock that jumps a minute between two readings
    ticks = iter(range(0, 10_000, 60))
    monkeypatch.setattr(text_module.time, "monotonic", lambda: next(ticks))

    # when / then
    with pytest.raises(DocumentError, match="took longer than 30 seconds"):
        document_text("slow.pdf", pdf_bytes("one", "two"))


def test_a_type_other_than_a_document_is_refused_before_reading():
    with pytest.raises(FileRefused, match=r"^sites.csv: unsupported file type; upload one of "):
        document_text("sites.csv", b"name,address\n")
