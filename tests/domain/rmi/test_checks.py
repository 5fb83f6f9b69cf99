"""One test per check: the problem code, its place and its severity."""

import pytest

from hrdd.rmi.workbook import ReadLimits, read_template_file
from tests.domain.rmi.workbooks import FACTS, build

pytestmark = pytest.mark.skipif(FACTS is None, reason="../shared/reference/rmi is absent")
LIMITS = ReadLimits(25 * 2**20, 2000, 100 * 2**20, 100, 2**20, 50_000)
TIN = {"metal": "Tin", "lookup": "Tin Refinery 2", "country": "CHINA", "cid": "CID000002"}


def problems(key="CMRT 6.5", **kwargs):
    return read_template_file(build(key, **kwargs), name="t.xlsx", limits=LIMITS).problems


def only(found, code):
    matches = [p for p in found if p.code == code]
    assert matches, [p.code for p in found]
    return matches


def test_required_answer_missing_follows_the_checkers_rule():
    found = only(problems(cells={("Declaration", "D32"): None}), "required_missing")
    # as in the template: the later Tantalum answers count only once question 2 is answered
    assert (found[0].cell, found[0].metal, found[0].severity) == ("D32", "Tantalum", "error")
    assert {p.metal for p in found} == {"Tantalum"}


def test_a_no_in_question_one_makes_the_later_questions_optional():
    found = problems(cells={("Declaration", "D26"): "No", ("Declaration", "D32"): None})
    assert not [p for p in found if p.code == "required_missing"]


def test_invalid_answer():
    (problem,) = only(problems(cells={("Declaration", "D27"): "Maybe"}), "invalid_answer")
    assert (problem.cell, problem.metal) == ("D27", "Tin")


def test_invalid_email():
    (problem,) = only(problems(cells={("Declaration", "D16"): "ann at acme"}), "invalid_email")
    assert problem.cell == "D16"


def test_product_scope_without_products():
    only(problems(scope="B. Product (or List of Products)"), "product_list_missing")
    assert not problems(scope="B. Product (or List of Products)", products=[("P-1", "Laptop")])


def test_a_metal_in_scope_without_smelters():
    (problem,) = only(problems(smelters=[TIN]), "no_smelters_for_metal")[:1]
    assert problem.severity == "warning"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"metal": None}, "smelter_metal_missing"),
        ({"metal": "Cobalt"}, "invalid_metal"),
        ({"lookup": None}, "smelter_missing_name"),
        ({"country": None}, "smelter_missing_country"),
        ({"cid": "CID12"}, "cid_invalid_format"),
        ({"cid": "CID999999"}, "cid_unknown"),
        ({"lookup": "Smelter not listed", "name": "Other Name Ltd"}, "cid_name_mismatch"),
        ({"lookup": "Unlisted Tin Works", "cid": None}, "smelter_name_not_in_lookup"),
    ],
)
def test_smelter_row_checks(change, code):
    found = only(problems(smelters=[{**TIN, **change}]), code)
    assert found[0].row == 5 and found[0].sheet == "Smelter List"


def test_the_same_smelter_twice_is_a_duplicate():
    (problem,) = only(problems(smelters=[TIN, TIN]), "duplicate_smelter")
    assert problem.row == 6 and "row 5" in problem.message
