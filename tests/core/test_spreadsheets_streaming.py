"""Writing rows into a streaming (write-only) workbook, the way big exports do: the formula guard and bold
headers hold there too, and `append_row` keeps every value in its column."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from hrdd.core.spreadsheets import append_row, new_workbook, workbook_bytes

DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture(params=[False, True], ids=["in memory", "write-only"])
def write_only(request):
    return request.param


def _sheet_of(workbook):
    return workbook.create_sheet("Rows") if workbook.write_only else workbook.active


def _read(content):
    return load_workbook(io.BytesIO(content)).worksheets[-1]


def test_a_text_that_starts_like_a_formula_is_written_as_text_in_either_workbook(write_only):
    # given
    workbook = new_workbook(write_only=write_only)

    # when
    append_row(_sheet_of(workbook), ["Acme", *DANGEROUS])
    content = workbook_bytes(workbook)

    # then
    sheet = _read(content)
    cells = list(sheet[1])
    assert [c.value for c in cells] == ["Acme", *DANGEROUS]
    assert all(c.data_type == "s" and c.quotePrefix for c in cells[1:])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read(f"xl/worksheets/sheet{len(workbook.worksheets)}.xml")


def test_rows_keep_their_columns_empty_cells_and_order(write_only):
    # given
    workbook = new_workbook(write_only=write_only)
    sheet = _sheet_of(workbook)

    # when
    append_row(sheet, ["name", "score", "note"], bold=True)
    append_row(sheet, ["a", 1, None])
    append_row(sheet, [])
    append_row(sheet, [None, 2.5, "=x"])

    # then
    read = _read(workbook_bytes(workbook))
    assert [[c.value for c in row] for row in read.iter_rows(max_col=3)] == [
        ["name", "score", "note"],
        ["a", 1, None],
        [None, None, None],
        [None, 2.5, "=x"],
    ]
    assert all(c.font.b for c in read[1])
    assert not any(c.font.b for c in read[2])


def test_many_rows_each_land_on_their_own_line():
    # given
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet("Rows")

    # when
    for i in range(3000):
        append_row(sheet, [f"supplier {i}", i, "=bad" if i % 1000 == 0 else "ok"])

    # then
    read = _read(workbook_bytes(workbook))
    rows = list(read.iter_rows(values_only=True))
    assert len(rows) == 3000
    assert rows[2999] == ("supplier 2999", 2999, "ok")
    assert read["C1001"].value == "=bad" and read["C1001"].quotePrefix


def test_a_control_character_is_written_as_a_replacement_not_a_failed_export(write_only):
    # given a text pasted with control characters a workbook cannot hold
    workbook = new_workbook(write_only=write_only)

    # when
    append_row(_sheet_of(workbook), ["Lumen\x01 Computers", "tab\tand new\nline stay", "=1+1\x02", 7])
    content = workbook_bytes(workbook)

    # then
    assert [c.value for c in _read(content)[1]] == [
        "Lumen\ufffd Computers",
        "tab\tand new\nline stay",
        "=1+1\ufffd",
        7,
    ]
