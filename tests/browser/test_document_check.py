"""In a real browser: the buyer says what a supplier's document is, uploads it and reads each element hrdd found
with its sentence (a code of conduct, award criterion 2), or the risks a risk assessment named but did not count;
a refused file keeps the choice. Screenshots at desktop and phone width, and nothing scrolls sideways."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("HRDD_SHOTS", "/tmp/shots"))  # noqa: S108 - screenshots to look at
WIDTHS = {"desktop": 1280, "phone": 390}
FIXTURES = Path(__file__).resolve().parents[1] / "app" / "fixtures"
FILE_BOX = "The supplier's document (DOCX, PDF or text)"
CODE_OF_CONDUCT = """Supplier Code of Conduct of Lumen Computers

Our Supplier Code of Conduct sets out our commitment to respect human rights.
It refers to the Universal Declaration of Human Rights and the OECD Guidelines for Multinational Enterprises.
The code is part of every contract and all suppliers sign it.
"""


def shoot(page, name):
    """Whole-page screenshots at desktop and phone width; the phone page must not scroll sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"check-kinds-{name}-{label}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways"
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})


def test_buyer_checks_a_code_of_conduct_and_reads_each_element(page, login, buyer, tmp_path):
    login(page, buyer, then="/risks/check/")
    expect(page.get_by_label("Risk assessment", exact=True)).to_be_checked()
    shoot(page, "form")

    # the buyer says what the document is and uploads it
    policy = page.get_by_label("Policy commitment or supplier code of conduct")
    expect(policy).to_have_accessible_description(
        "Award criterion 2: a written commitment to respect human rights, and whether suppliers receive it."
    )
    policy.check()
    code = tmp_path / "lumen-code.txt"
    code.write_text(CODE_OF_CONDUCT, encoding="utf-8")
    page.get_by_label(FILE_BOX).set_input_files(str(code))
    page.get_by_role("button", name="Check").click()

    # each element, found or not, with its sentence; the score, the language and the source
    expect(page.locator("#verdict h2")).to_have_text(
        "Policy commitment or supplier code of conduct: 100 of 100 points"
    )
    expect(page.locator("#read-as")).to_contain_text("read as English")
    expect(page.locator("#element-communicated")).to_contain_text(
        "Found: the commitment is communicated to suppliers"
    )
    expect(page.locator("#element-communicated q")).to_have_text(
        "The code is part of every contract and all suppliers sign it."
    )
    expect(page.locator("#element-ilo_core_conventions h3")).to_have_text(
        "Not found: references to the ILO core labour conventions"
    )
    expect(policy).to_be_checked()  # the next document is read the same way
    shoot(page, "policy-result")


def test_buyer_reads_the_risks_a_risk_assessment_named_but_did_not_count(page, login, buyer, tmp_path):
    login(page, buyer, then="/risks/check/")
    text = (FIXTURES / "supplier_two_risks.txt").read_text(encoding="utf-8")
    assessment = tmp_path / "budget.txt"
    assessment.write_text(text + "\nOur code of conduct prohibits discrimination.\n", encoding="utf-8")
    page.get_by_label(FILE_BOX).set_input_files(str(assessment))
    page.get_by_role("button", name="Check").click()

    expect(page.locator("#verdict")).to_contain_text("Does not meet the minimum contents")
    not_counted = page.locator("#not-counted")
    expect(not_counted.get_by_role("heading")).to_have_text("Mentioned but not counted")
    expect(not_counted).to_contain_text("Discrimination")
    expect(not_counted).to_contain_text("a rule, not a finding")
    expect(not_counted.locator("q")).to_have_text("Our code of conduct prohibits discrimination.")
    shoot(page, "risk-assessment-result")


def test_a_refused_file_keeps_the_choice_and_says_why_beside_the_box(page, login, buyer, tmp_path):
    login(page, buyer, then="/risks/check/")
    page.get_by_label("Description of the due-diligence process").check()
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ\x90\x00")
    page.get_by_label(FILE_BOX).set_input_files(str(tool))
    page.get_by_role("button", name="Check").click()

    expect(page.locator("#check .field.invalid")).to_contain_text("tool.exe: unsupported file type")
    expect(page.get_by_label("Description of the due-diligence process")).to_be_checked()
    expect(page.locator("#verdict")).to_have_count(0)
    shoot(page, "refused")
