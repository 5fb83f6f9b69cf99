"""Spreadsheets: rows from XLSX and CSV within bounds, CSV encodings, and the formula guard when writing."""

import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from hrdd.core import spreadsheets
from hrdd.core.spreadsheets import (
    SpreadsheetError,
    append_row,
    read_csv_rows,
    read_xlsx_rows,
    workbook_bytes,
)
from hrdd.core.uploads import format_size
from tests.core.builders import docx_bytes, xlsx_bytes, zip_bomb

# reading XLSX


def test_the_rows_of_the_first_sheet_are_read_in_place_without_trailing_empty_cells():
    # given
    content = xlsx_bytes([["name", "country", None], [], ["Plant", "CHN", None]])

    # when
    rows = read_xlsx_rows(content, name="sites.xlsx")

    # then
    assert rows == [("name", "country"), (), ("Plant", "CHN")]


def test_a_named_sheet_is_read_and_a_missing_one_is_refused_naming_it():
    # given
    content = xlsx_bytes([["key"]], title="Questionnaire")

    # then
    assert read_xlsx_rows(content, sheet="Questionnaire") == [("key",)]
    with pytest.raises(SpreadsheetError, match="no sheet named Answers"):
        read_xlsx_rows(content, sheet="Answers")


def test_a_stream_is_read_too():
    assert read_xlsx_rows(io.BytesIO(xlsx_bytes([[1, 2]]))) == [(1, 2)]


@pytest.mark.parametrize(
    "content",
    [b"company,role\nAcme,manufacturer\n", b"PK\x03\x04 not an archive", docx_bytes("a letter")],
)
def test_what_is_not_a_workbook_is_refused_as_unreadable(content):
    with pytest.raises(
        SpreadsheetError, match=r"^answers.xlsx is not a readable XLSX workbook[.:] .*upload it again"
    ):
        read_xlsx_rows(content, name="answers.xlsx")


def test_a_zip_bomb_named_xlsx_is_refused_before_openpyxl_opens_it(monkeypatch):
    # given
    def no_parser(*args, **kwargs):
        raise AssertionError("openpyxl opened a ZIP bomb")

    monkeypatch.setattr(spreadsheets, "load_workbook", no_parser)

    # when / then
    with pytest.raises(SpreadsheetError, match="compressed"):
        read_xlsx_rows(zip_bomb("xl/workbook.xml"), name="bomb.xlsx")


def test_a_sheet_with_more_rows_than_the_bound_is_refused():
    content = xlsx_bytes([[i] for i in range(6)])
    with pytest.raises(SpreadsheetError, match="more than 5 rows"):
        read_xlsx_rows(content, name="big.xlsx", max_rows=5)


def test_a_row_with_more_columns_than_the_bound_is_refused_naming_the_row():
    content = xlsx_bytes([["a"], ["a", "b", "c", "d"]])
    with pytest.raises(SpreadsheetError, match=r"^wide.xlsx, row 2: more than 3 columns\.$"):
        read_xlsx_rows(content, name="wide.xlsx", max_columns=3)


def test_empty_cells_beyond_the_column_bound_are_no_reason_to_refuse():
    workbook = Workbook()
    workbook.active.append(["a", None, None, None, None, ""])
    assert read_xlsx_rows(workbook_bytes(workbook), max_columns=2) == [("a",)]


# reading CSV: as Excel and other programs save it (hrdd.core.csvfiles; its own tests are in tests/app/test_csv_files.py)


@pytest.mark.parametrize(
    "content",
    [
        "name,address\nWerk Süd,Straße 1\n".encode(),
        "name,address\r\nWerk Süd,Straße 1\r\n".encode("utf-8-sig"),
    ],
)
def test_a_utf8_csv_is_read_with_or_without_a_byte_order_mark(content):
    assert read_csv_rows(content) == [("name", "address"), ("Werk Süd", "Straße 1")]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_csv_in_a_windows_code_page_is_read(encoding):
    assert read_csv_rows("name\nWerk Süd\n".encode(encoding), name="sites.csv") == [("name",), ("Werk Süd",)]


def test_a_utf16_csv_with_a_byte_order_mark_is_read():
    assert read_csv_rows("name\nWerk\n".encode("utf-16"), name="sites.csv") == [("name",), ("Werk",)]


def test_a_csv_of_binary_data_is_refused_as_a_spreadsheet_error():
    with pytest.raises(SpreadsheetError, match="^sites.csv is not a readable CSV file: it holds binary data"):
        read_csv_rows(b"name\n\x00\x01\x02", name="sites.csv")


def test_a_quoted_field_may_hold_commas_and_line_breaks():
    rows = read_csv_rows(b'name,address\n"Acme, Inc.","1 Road\nBuilding 2"\n')
    assert rows[1] == ("Acme, Inc.", "1 Road\nBuilding 2")


def test_a_csv_with_more_rows_than_the_bound_is_refused():
    with pytest.raises(SpreadsheetError, match="more than 2 rows"):
        read_csv_rows(b"a\nb\nc\n", name="sites.csv", max_rows=2)


def test_a_csv_field_longer_than_the_csv_module_accepts_is_refused_as_malformed():
    # given
    import csv

    previous = csv.field_size_limit(10)
    try:
        # when / then
        with pytest.raises(SpreadsheetError, match="^sites.csv, row 2 cannot be read as CSV"):
            read_csv_rows(b"name\n" + b"x" * 20 + b"\n", name="sites.csv")
    finally:
        csv.field_size_limit(previous)


# writing: the formula guard


DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _written(values):
    workbook = Workbook()
    append_row(workbook.active, values)
    content = workbook_bytes(workbook)
    return content, load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("value", DANGEROUS)
def test_a_text_that_starts_like_a_formula_is_written_as_text(value):
    # when
    _content, sheet = _written([value])

    # then
    cell = sheet["A1"]
    assert cell.value == value
    assert cell.data_type == "s"
    assert cell.quotePrefix


def test_no_formula_reaches_the_file():
    # when
    content, _sheet = _written(DANGEROUS)

    # then
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml
    assert b"<f " not in sheet_xml


def test_numbers_and_ordinary_text_are_written_as_they_are():
    # when
    _content, sheet = _written(["Acme", 5, -3, 2.5, None, "a=b"])

    # then
    assert [c.value for c in sheet[1]] == ["Acme", 5, -3, 2.5, None, "a=b"]
    assert not any(c.quotePrefix for c in sheet[1])


# every refusal of a reader is a SpreadsheetError, so that a caller catching it misses none


def test_a_workbook_stream_over_the_upload_limit_is_refused_as_a_spreadsheet_error(settings):
    # given
    content = xlsx_bytes([["name"]])
    settings.HRDD_MAX_UPLOAD_BYTES = len(content) - 1

    # when
    with pytest.raises(SpreadsheetError) as caught:
        read_xlsx_rows(io.BytesIO(content))

    # then
    assert str(caught.value).startswith(
        f"The file is larger than {format_size(len(content) - 1)}, too large for hrdd to accept"
    )


def test_a_csv_over_the_upload_limit_is_refused_as_a_spreadsheet_error(settings):
    settings.HRDD_MAX_UPLOAD_BYTES = 5
    with pytest.raises(SpreadsheetError, match="sites.csv is larger than 5 bytes"):
        read_csv_rows(b"name,address\n", name="sites.csv")
