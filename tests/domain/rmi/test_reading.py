"""Reading generated template-shaped workbooks of every version: clean, messy and hostile files."""

import pytest

from hrdd.rmi.workbook import ReadLimits, read_template_file
from tests.domain.rmi.workbooks import FACTS, VERSIONS, build

pytestmark = pytest.mark.skipif(FACTS is None, reason="../shared/reference/rmi is absent")
LIMITS = ReadLimits(25 * 2**20, 2000, 100 * 2**20, 100, 2**20, 50_000)


def read(content, **kwargs):
    return read_template_file(content, name="t.xlsx", limits=kwargs.pop("limits", LIMITS))


def codes(reading):
    return sorted({p.code for p in reading.problems})


@pytest.fixture(scope="module")
def clean():
    return {key: read(build(key)) for key in VERSIONS}


@pytest.mark.parametrize("key", VERSIONS)
def test_a_clean_file_of_each_version_reads_without_problems(clean, key):
    reading = clean[key]
    assert reading.refused is None
    assert f"{reading.template_type} {reading.template_version}" == ("CRT 2.2" if key == "CRT 2.21" else key)
    assert reading.company.company_name == "Acme Components B.V."
    assert reading.company.effective_date == "2025-03-31"
    assert reading.problems == ()
    assert reading.smelters and all(s.metal and s.name and s.cid for s in reading.smelters)
    assert set(reading.declaration["Q1"]) == set(reading.minerals_in_scope)


def test_emrt_2_minerals_chosen_in_scope_own_the_answer_slots_alphabetically():
    reading = read(build("EMRT 2.1", cells={("Declaration", "D30"): "No"}))
    assert reading.minerals_in_scope == ("Cobalt", "Nickel")
    assert reading.declaration["Q1"] == {"Cobalt": "No", "Nickel": "Yes"}
    assert reading.company_questions["C"] == {"Cobalt": "Yes", "Nickel": "Yes"}


def test_dropdown_answers_come_back_canonical_whatever_the_case_or_spacing():
    reading = read(build("CMRT 6.5", cells={("Declaration", "D26"): "  yes ", ("Declaration", "D56"): 1}))
    assert reading.declaration["Q1"]["Tantalum"] == "Yes"
    assert reading.declaration["Q6"]["Tantalum"] == "100%"
    assert "invalid_answer" not in codes(reading)


def test_text_starting_with_equals_stays_text():
    reading = read(build("CMRT 6.5", cells={("Declaration", "D8"): "=HYPERLINK(1)"}))
    assert reading.company.company_name == "=HYPERLINK(1)"


def test_a_formula_is_read_by_its_saved_result():
    reading = read(build("CMRT 6.5", formulas={("Declaration", "D8"): ('=UPPER("acme")', "ACME")}))
    assert reading.company.company_name == "ACME"
    assert "formula_without_cached_value" not in codes(reading)


def test_a_formula_saved_without_its_result_is_reported():
    reading = read(build("CMRT 6.5", formulas={("Declaration", "D26"): ('=IF(1,"Yes","No")', None)}))
    problem = next(p for p in reading.problems if p.code == "formula_without_cached_value")
    assert (problem.sheet, problem.cell, problem.severity) == ("Declaration", "D26", "error")


def test_a_macro_enabled_workbook_is_read_and_flagged():
    reading = read(build("EMRT 2.0", macros=True))
    assert reading.contains_macros and reading.refused is None
    assert codes(reading) == ["contains_macros"]


def test_a_renamed_sheet_is_reported_missing_and_the_rest_is_read():
    reading = read(build("CMRT 6.4", rename={"Product List": "Products"}))
    assert [p.sheet for p in reading.problems if p.code == "sheet_missing"] == ["Product List"]
    assert len(reading.smelters) == 4


def test_a_sheet_name_in_another_case_is_still_found():
    assert read(build("CMRT 6.4", rename={"Smelter List": "smelter list"})).problems == ()


def test_an_unknown_version_is_refused_naming_the_known_ones():
    reading = read(build("CMRT 6.5", cells={("Declaration", "J3"): "Revision 7.0\nJanuary 1, 2030"}))
    assert reading.refused and "CMRT 6.5" in reading.refused and "7.0" in reading.refused
    assert codes(reading) == ["unknown_template_version"]


def test_a_plain_workbook_is_not_a_template():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "hello"
    import io

    buffer = io.BytesIO()
    workbook.save(buffer)
    reading = read(buffer.getvalue())
    assert codes(reading) == ["not_a_template"] and reading.refused


def test_a_csv_file_is_not_a_template():
    assert codes(read(b"name,country\nacme,NL\n")) == ["not_a_template"]


def test_hidden_smelter_rows_are_read():
    reading = read(build("CMRT 6.5", hidden_rows=(6,)))
    assert [s.row for s in reading.smelters] == [5, 6, 7, 8]


def test_labels_in_another_language_do_not_matter():
    reading = read(build("EMRT 2.1", language="Deutsch"))
    assert reading.language == "Deutsch" and reading.problems == ()


def test_amrt_and_emrt_of_the_same_number_are_told_apart():
    assert read(build("AMRT 1.3")).template_type == "AMRT"
    assert read(build("EMRT 1.3")).template_type == "EMRT"


def test_a_file_over_the_inflated_size_limit_is_refused_before_parsing():
    tight = ReadLimits(25 * 2**20, 2000, 10_000, 100, 2**20, 50_000)
    reading = read(build("CMRT 6.5"), limits=tight)
    assert reading.refused and "unpack" in reading.refused


def test_a_sheet_over_the_row_limit_is_refused():
    tight = ReadLimits(25 * 2**20, 2000, 100 * 2**20, 100, 2**20, 200)
    reading = read(build("CMRT 6.5", extra_rows=300), limits=tight)
    assert reading.refused and "more than 200 rows" in reading.refused
