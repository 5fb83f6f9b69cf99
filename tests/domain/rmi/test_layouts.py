"""The shipped layout data: every version is there and complete, without the reference folder."""

import pytest

from hrdd.domain.rmi import known_versions, template_countries, template_layouts
from hrdd.domain.rmi.formula import FormulaError, evaluate

EXPECTED = [
    "CMRT 6.01", "CMRT 6.1", "CMRT 6.22", "CMRT 6.31", "CMRT 6.4", "CMRT 6.5",
    "EMRT 1.1", "EMRT 1.11", "EMRT 1.2", "EMRT 1.3", "EMRT 2.0", "EMRT 2.1",
    "CRT 2.2", "CRT 2.21", "AMRT 1.2", "AMRT 1.3",
]  # fmt: skip


def test_sixteen_versions_are_shipped_in_type_and_version_order():
    assert known_versions() == EXPECTED


@pytest.mark.parametrize("key", EXPECTED)
def test_each_layout_locates_company_questions_and_smelter_columns(key):
    layout = template_layouts()[key]
    assert {f.name for f in layout.company} >= {"company_name", "declaration_scope", "contact_email"}
    assert layout.metal_questions and all(q.rows for q in layout.metal_questions)
    assert {"metal", "smelter_name", "country", "smelter_id"} <= set(layout.smelter_list.columns)
    assert layout.version_cells[0][:2] == ("Declaration", "J3")
    assert layout.checker
    assert layout.fixed_metals or layout.mineral_selectors


def test_the_country_list_is_shipped():
    assert "CONGO, DEMOCRATIC REPUBLIC OF THE" in template_countries()


def test_checker_formulas_compare_text_without_case_and_empty_as_zero():
    cells = {"B14": "yes", "B19": None}

    def resolve(sheet, column, row):
        return cells.get(f"{column}{row}")

    assert evaluate('=IF(OR(B14="No",B19="No"),0,1)', resolve) == 1.0
    assert evaluate('=IF(AND($B$14="Yes",B19=0),1,0)', resolve) == 1.0
    assert evaluate('=IF(ISNUMBER(SEARCH("@",B14)),0,1)', resolve) == 1.0


def test_an_unknown_function_is_refused_not_guessed():
    with pytest.raises(FormulaError):
        evaluate("=VLOOKUP(A1,B1:C2,2)", lambda *_: None)
