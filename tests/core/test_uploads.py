"""Upload acceptance: one size limit, the type read from the contents, archive limits before any parser."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hrdd.core import uploads
from hrdd.core.errors import InputError
from hrdd.core.uploads import FileRefused, accept_content, accept_upload
from tests.core.builders import docx_bytes, pdf_bytes, xlsx_bytes, zip_bomb, zip_bytes

DOCUMENTS = (".pdf", ".docx", ".txt")
SHEETS = (".csv", ".xlsx")


def refusal(name, content, allowed, field="file"):
    with pytest.raises(FileRefused) as caught:
        accept_content(name, content, allowed=allowed, field=field)
    return caught.value


# what is accepted


@pytest.mark.parametrize(
    ("name", "content", "kind", "content_type"),
    [
        ("report.pdf", pdf_bytes("Cobalt"), "pdf", "application/pdf"),
        ("report.docx", docx_bytes("Cobalt"), "docx", uploads.DOCX_CONTENT_TYPE),
        ("notes.txt", "Kobalt aus Kongo, Zwangsarbeit ß".encode(), "text", "text/plain"),
        ("sites.csv", b"name,address,country\n", "csv", "text/csv"),
        ("sites.xlsx", xlsx_bytes([["name"]]), "xlsx", uploads.XLSX_CONTENT_TYPE),
    ],
)
def test_a_file_whose_contents_match_its_name_is_accepted_with_its_type(name, content, kind, content_type):
    # when
    accepted = accept_content(name, content, allowed=(*DOCUMENTS, *SHEETS))

    # then
    assert (accepted.name, accepted.kind, accepted.content_type) == (name, kind, content_type)
    assert accepted.content == content


def test_the_extension_is_read_in_any_case_and_folders_in_the_name_are_dropped():
    # when
    accepted = accept_content("C:\\Users\\supplier\\Report.PDF", pdf_bytes("x"), allowed=DOCUMENTS)

    # then
    assert accepted.name == "Report.PDF"
    assert accepted.extension == ".pdf"


# the type: the name must be allowed, the contents decide


@pytest.mark.parametrize("name", ["tool.exe", "report", "report.doc", "archive.zip"])
def test_an_extension_the_caller_does_not_allow_is_refused_naming_the_allowed_ones(name):
    # when
    refused = refusal(name, b"anything", DOCUMENTS)

    # then
    assert str(refused) == f"{name}: unsupported file type; upload one of .pdf, .docx, .txt."
    assert refused.field == "file"


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("report.pdf", b"this is not a PDF at all", "report.pdf is not a readable PDF. Export or print"),
        ("report.pdf", docx_bytes("x"), "report.pdf is not a readable PDF. Export or print"),
        (
            "report.docx",
            b"plain text pretending",
            "report.docx is not a readable Word (DOCX) document. Open it",
        ),
        ("report.docx", pdf_bytes("x"), "report.docx is not a readable Word (DOCX) document. Open it"),
        ("report.docx", xlsx_bytes([["x"]]), "report.docx is not a readable Word (DOCX) document. Open it"),
        ("sites.xlsx", docx_bytes("x"), "sites.xlsx is not a readable XLSX workbook. Open it"),
        (
            "sites.xlsx",
            b"name,address,country\n",
            "sites.xlsx is not a readable XLSX workbook: it holds plain text",
        ),
        (
            "sites.xlsx",
            b"PK\x03\x04 not really an archive",
            "sites.xlsx is not a readable XLSX workbook. Open it",
        ),
        ("sites.csv", xlsx_bytes([["x"]]), "sites.csv is not a readable CSV file: it is a packed file"),
        (
            "notes.txt",
            b"MZ\x90\x00\x03\x00\x00\x00",
            "notes.txt is not a readable text file: it holds binary",
        ),
    ],
)
def test_contents_of_another_type_than_the_name_says_are_refused(name, content, said):
    # when
    refused = refusal(name, content, (*DOCUMENTS, *SHEETS))

    # then: the refusal says what the file is not, and what to do about it
    assert str(refused).startswith(said)
    assert "upload" in str(refused) or "send" in str(refused)


def test_the_browsers_content_type_is_not_believed():
    # given
    upload = SimpleUploadedFile("report.pdf", b"#!/bin/sh\necho hello\n", content_type="application/pdf")

    # when
    with pytest.raises(FileRefused) as caught:
        accept_upload(upload, allowed=DOCUMENTS, field="document")

    # then
    assert str(caught.value).startswith("report.pdf is not a readable PDF.")
    assert caught.value.field == "document"


def test_an_empty_file_is_refused():
    assert str(refusal("notes.txt", b"", DOCUMENTS)).startswith("notes.txt is empty.")


def test_every_refusal_is_an_input_error_naming_the_field():
    # when
    refused = refusal("tool.exe", b"MZ", DOCUMENTS, field="attachment")

    # then
    assert isinstance(refused, InputError)
    assert refused.field == "attachment"


def test_an_extension_without_a_rule_is_a_programming_error_not_a_refusal():
    with pytest.raises(ValueError, match=r"\.exe"):
        accept_content("tool.exe", b"MZ", allowed=(".exe",))


# the size limit


def test_a_file_at_the_limit_is_accepted(settings):
    # given
    content = b"x" * 100
    settings.HRDD_MAX_UPLOAD_BYTES = 100

    # when
    accepted = accept_upload(SimpleUploadedFile("notes.txt", content), allowed=DOCUMENTS)

    # then
    assert accepted.size == 100


def test_a_file_over_the_limit_is_refused_naming_the_file_and_the_limit(settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 100

    # when
    with pytest.raises(FileRefused) as caught:
        accept_upload(SimpleUploadedFile("notes.txt", b"x" * 101), allowed=DOCUMENTS, field="document")

    # then
    assert str(caught.value).startswith("notes.txt is larger than 100 bytes, too large for hrdd to accept.")
    assert caught.value.field == "document"


class _Declared:
    """An upload that says how large it is and must not be read when that is too large."""

    name = "huge.pdf"
    size = 10**9

    def read(self, *args):
        raise AssertionError("a file known to be too large was read")


def test_an_upload_declared_over_the_limit_is_refused_without_reading_it(settings):
    settings.HRDD_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(FileRefused, match="larger than 1000 bytes"):
        accept_upload(_Declared(), allowed=DOCUMENTS)


def test_a_stream_without_a_size_is_read_no_further_than_one_byte_over_the_limit(settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 10
    stream = io.BytesIO(b"y" * 1000)

    # when
    with pytest.raises(FileRefused):
        uploads.read_limited(stream, name="big.txt")

    # then
    assert stream.tell() == 11


def test_a_file_over_the_limit_is_refused_before_its_type_is_looked_at(settings):
    settings.HRDD_MAX_UPLOAD_BYTES = 10
    assert "larger than 10 bytes" in str(refusal("report.pdf", b"not a pdf, and long", DOCUMENTS))


# archives (DOCX, XLSX): checked before any parser opens them


def test_a_zip_bomb_is_refused_by_its_compression_ratio_before_any_parser_sees_it(monkeypatch):
    # given
    bomb = zip_bomb("xl/workbook.xml")
    assert len(bomb) < 100_000
    monkeypatch.setattr("openpyxl.load_workbook", _no_parser)

    # when
    refused = refusal("sites.xlsx", bomb, SHEETS)

    # then
    assert "compressed" in str(refused)
    assert "more than the 100 to 1 accepted" in str(refused)
    assert refused.field == "file"


def test_an_archive_that_would_unpack_to_too_many_bytes_is_refused(monkeypatch):
    # given
    monkeypatch.setattr(uploads, "ARCHIVE_MAX_INFLATED_BYTES", 10_000)
    package = zip_bytes({"word/document.xml": bytes(range(256)) * 50})

    # when
    refused = refusal("report.docx", package, DOCUMENTS)

    # then
    assert str(refused).startswith("report.docx would unpack to 12 KB, more than the 9.8 KB hrdd opens")


def test_an_archive_with_too_many_parts_is_refused(monkeypatch):
    # given
    monkeypatch.setattr(uploads, "ARCHIVE_MAX_MEMBERS", 5)
    package = zip_bytes({"word/document.xml": b"<w/>", **{f"word/media/{i}.png": b"x" for i in range(5)}})

    # when
    refused = refusal("report.docx", package, DOCUMENTS)

    # then
    assert str(refused).startswith("report.docx holds 6 parts inside, more than the 5 a real document has")


def test_a_small_highly_compressed_part_is_harmless_and_accepted():
    # given: a real workbook's parts are small; a tiny part may compress far more than 100 to 1
    package = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/padding.xml": b" " * 500_000})

    # when
    accepted = accept_content("sites.xlsx", package, allowed=SHEETS)

    # then
    assert accepted.kind == "xlsx"


def _no_parser(*args, **kwargs):
    raise AssertionError("the parser opened a file the upload checks should have refused")
