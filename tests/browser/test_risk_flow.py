"""The product-risk flow in a real browser: assess, adjust, save with a procurement, download, check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document

from hrdd.risks import selectors
from hrdd.risks.models import ProductRiskAssessment

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "app" / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids; start each test from the tables in the database."""
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


def assess_notebooks(page) -> None:
    page.get_by_role("link", name="1 Product risks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Product risks")
    page.get_by_label("Product category").select_option(label="Notebooks")
    page.get_by_role("button", name="Assess the risks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Human-rights risks: Notebooks")


def save_and_download(page, consultation, tmp_path) -> None:
    """Save the adjusted notebook assessment (cobalt left out) with the procurement; download the DOCX."""
    form = page.locator("#save")
    form.get_by_label("Title").fill("Notebooks 2027: risks")
    form.get_by_label("Procurement").select_option(label="Notebooks 2027")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Risk assessment saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notebooks 2027: risks")

    saved = ProductRiskAssessment.objects.get()
    assert page.url.endswith(saved.get_absolute_url())
    assert saved.procurement == consultation.procurement
    assert saved.product == "notebook"
    assert saved.adjustments["exclude_materials"] == ["cobalt"]
    # no salient risk is a cobalt risk (a source may quote a sentence naming cobalt among other goods)
    assert "cobalt" not in page.locator("#salient tbody tr > td:nth-child(4)").all_inner_texts()
    expect(page.locator("#save select[name=procurement] option:checked")).to_have_text("Notebooks 2027")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename == "notebooks-2027-risks.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    document = Document(path)
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[0].text == "Notebooks 2027: risks"
    assert [p.style.name for p in document.paragraphs].count("Heading 2") == 4
    assert len(document.tables) >= 2
    assert "cobalt" not in [row.cells[0].text for row in document.tables[0].rows]

    # the saved assessment is listed on the risk home, with its procurement
    page.get_by_role("link", name="1 Product risks").click()
    saved_list = page.locator("main table").first
    expect(saved_list).to_contain_text("Notebooks 2027: risks")
    expect(saved_list.get_by_role("link", name="Notebooks 2027", exact=True)).to_be_visible()


def test_buyer_assesses_adjusts_saves_and_downloads(page, login, buyer, consultation, tmp_path):
    login(page, buyer)
    assess_notebooks(page)

    salient = page.locator("#salient tbody tr")
    expect(salient.first).to_be_visible()
    assert salient.count() >= 3
    expect(page.locator("#salient")).to_contain_text("Child labour")
    expect(page.locator("#salient")).to_contain_text("cobalt")
    # reasons and sources behind a disclosure
    first = salient.first
    first.locator("summary").click()
    expect(first).to_contain_text("baseline likelihood")
    expect(first).to_contain_text("USGS Mineral Commodity Summaries")

    # leave out cobalt, touching nothing else in the form
    adjust = page.locator("#adjust")
    adjust.get_by_label("leave out cobalt").check()
    with page.expect_navigation():
        adjust.get_by_role("button", name="Recalculate").click()
    refusals = page.locator(".messages")
    assert refusals.count() == 0, f"the Adjust form was refused: {refusals.inner_text()!r} ({page.url})"
    assert re.search(r"exclude_material=cobalt", page.url), page.url
    # no salient risk is a cobalt risk (a source may quote a sentence naming cobalt among other goods)
    assert "cobalt" not in page.locator("#salient tbody tr > td:nth-child(4)").all_inner_texts()
    expect(page.locator("#countries")).not_to_contain_text("cobalt")
    expect(page.locator("#adjust").get_by_label("left out: cobalt")).to_be_checked()

    save_and_download(page, consultation, tmp_path)


def test_buyer_saves_an_adjusted_assessment_and_downloads_it(page, login, buyer, consultation, tmp_path):
    # Starts from the adjusted page (cobalt left out), whatever the Adjust form does.
    login(page, buyer)
    page.goto("/risks/assess/?product=notebook&exclude_material=cobalt")
    expect(page.get_by_role("heading", level=1)).to_have_text("Human-rights risks: Notebooks")
    # no salient risk is a cobalt risk (a source may quote a sentence naming cobalt among other goods)
    assert "cobalt" not in page.locator("#salient tbody tr > td:nth-child(4)").all_inner_texts()

    save_and_download(page, consultation, tmp_path)


def test_buyer_checks_a_suppliers_risk_assessment(page, login, buyer):
    login(page, buyer)
    page.get_by_role("link", name="1 Product risks").click()

    page.get_by_label("The supplier's document (DOCX, PDF or text)").set_input_files(
        str(FIXTURES / "supplier_risk_assessment.txt")
    )
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Meets the minimum contents")
    expect(page.locator("#findings")).to_contain_text(
        "Cobalt mining in the DRC carries a high risk of child labour."
    )

    page.get_by_label("The supplier's document (DOCX, PDF or text)").set_input_files(
        str(FIXTURES / "supplier_two_risks.txt")
    )
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#verdict")).to_contain_text("Does not meet the minimum contents")


def test_an_unsupported_file_is_refused_with_a_message(page, login, buyer, tmp_path):
    login(page, buyer)
    page.goto("/risks/check/")
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ\x90\x00")
    page.get_by_label("The supplier's document (DOCX, PDF or text)").set_input_files(str(tool))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("main")).to_contain_text("tool.exe: unsupported file type")
    expect(page.locator("#verdict")).to_have_count(0)


def test_outsider_gets_404_for_another_organisations_saved_assessment(page, new_page, login, buyer, outsider):
    login(page, buyer)
    assess_notebooks(page)
    page.locator("#save").get_by_label("Title").fill("Our notebooks")
    page.locator("#save").get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Risk assessment saved.")
    saved_url = ProductRiskAssessment.objects.get().get_absolute_url()

    other = new_page()
    login(other, outsider)
    reply = other.goto(saved_url)
    assert reply is not None and reply.status == 404
    expect(other.locator("body")).not_to_contain_text("Our notebooks")
    other.goto("/risks/")
    expect(other.locator("main")).to_contain_text("None yet.")
    expect(other.locator("main")).not_to_contain_text("Our notebooks")
