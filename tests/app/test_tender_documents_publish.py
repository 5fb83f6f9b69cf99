"""The annex as a buyer publishes it and the evaluation as an award report: header, page numbers and properties in
Word, the price formula in every format, a response form per criterion, the risks in plain words, the buyer's
choices editable on the tender page and applied to the evaluation, and numbers written for the reader."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from pypdf import PdfReader

from hrdd.domain.risk import Adjustments
from hrdd.procurements.services import procurement_create
from hrdd.risks import selectors as risk_selectors
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders import documents
from hrdd.tenders.models import Tender
from hrdd.tenders.services import bid_evaluation_create, tender_annex, tender_create
from tests.html import document, parse

REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"
BUYER = "Municipality of Testville"
FORMULA = "Price points = price weight × lowest admitted price ÷ the bid's price"
NOT_PUBLISHED = ("hrdd's check", "score ", "(score", "python-docx")
ISO3 = re.compile(r"\b(?:COD|CHN|IDN|PHL|MYS|KOR|TWN|RUS|AUS|CHL|PER|BRA|ZAF)\b")


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids; SQLite reuses ids after a test's rollback, so start clean."""
    risk_selectors._CACHE.clear()
    yield
    risk_selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def tender(buyer):
    """A scenario-2 tender of a procurement with a reference, and the buyer's risk assessment as its context."""
    procurement = procurement_create(
        actor=buyer, title="Notebooks 2027", product_category="notebook", reference="P-2027-014"
    )
    risks = risk_assessment_save(
        actor=buyer,
        title="Notebooks: risks",
        product="notebook",
        adjustments=Adjustments(),
        procurement=procurement,
    )
    return tender_create(
        actor=buyer, title="Notebooks 2027", scenario=2, procurement=procurement, risk_assessment=risks
    )


def detail_url(tender, **query):
    url = reverse("tenders:detail", args=[tender.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def evaluation_url(stored, **query):
    url = reverse("tenders:evaluation", args=[stored.tender.public_id, stored.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def docx_of(page):
    assert page.status_code == 200, page.content[:500]
    return Document(io.BytesIO(page.content))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    section = doc.sections[0]
    parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def field_codes(part) -> list[str]:
    """The instructions of the Word fields in a header or footer (PAGE, NUMPAGES)."""
    return [" ".join(t.text.split()) for t in part._element.iter() if t.tag.endswith("}instrText")]


def text_of(page) -> str:
    return " ".join(page.content.decode().split())


def demo_bids():
    return json.loads(DEMO_BIDS.read_text(encoding="utf-8"))


# the Word annex


def test_the_word_annex_carries_buyer_tender_reference_number_and_date_on_every_page(logged_in, tender):
    # when
    doc = docx_of(logged_in.get(detail_url(tender, format="docx", number="Annex+4", date="2027-02-01")))

    # then
    header = [p.text for p in doc.sections[0].header.paragraphs]
    assert header[0] == f"{BUYER} · Notebooks 2027 · Reference P-2027-014"
    assert header[1] == "Annex 4 · 1 February 2027"
    assert doc.paragraphs[0].text == "Annex 4: Human-rights requirements"
    facts = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert facts == {
        "Contracting authority": BUYER,
        "Tender": "Notebooks 2027",
        "Reference": "P-2027-014",
        "Date": "1 February 2027",
    }


def test_the_word_annex_numbers_its_pages_with_fields_in_the_footer(logged_in, tender):
    # when
    doc = docx_of(logged_in.get(detail_url(tender, format="docx")))

    # then
    footer = doc.sections[0].footer
    assert field_codes(footer) == ["PAGE", "NUMPAGES"]
    assert footer.paragraphs[0].text.startswith("Page ")
    assert doc.sections[0].page_width.cm == pytest.approx(21.0, abs=0.01)  # A4


def test_the_word_annex_names_the_buyer_as_its_author_and_nothing_as_python_docx(logged_in, tender):
    # when
    page = logged_in.get(detail_url(tender, format="docx"))
    doc = docx_of(page)

    # then
    properties = doc.core_properties
    assert properties.author == BUYER
    assert properties.last_modified_by == BUYER
    assert properties.title == "Annex 1 · Notebooks 2027"
    assert properties.subject == "Human-rights requirements"
    assert properties.keywords == "P-2027-014"
    with zipfile.ZipFile(io.BytesIO(page.content)) as package:
        meta = package.read("docProps/core.xml") + package.read("docProps/app.xml")
    assert b"python-docx" not in meta
    assert b"<Application>hrdd</Application>" in meta


def test_without_a_number_or_date_the_annex_is_annex_1_of_today(logged_in, tender):
    # when
    doc = docx_of(logged_in.get(detail_url(tender, format="docx")))

    # then
    today = documents.date_text(timezone.localdate())
    assert doc.sections[0].header.paragraphs[1].text == f"Annex 1 · {today}"


def test_a_date_that_is_no_date_is_refused_beside_its_field_and_nothing_is_downloaded(logged_in, tender):
    # when
    page = logged_in.get(detail_url(tender, format="docx", date="1+February"))

    # then
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    errors = [str(e) for e in page.context["download_form"].errors["date"]]
    assert errors == ["'1 February' is not a date (YYYY-MM-DD)"]
    assert "Date of the annex" in text_of(page)


def test_the_word_annex_has_the_price_formula_the_weights_and_an_example(logged_in, tender):
    # when
    text = all_text(docx_of(logged_in.get(detail_url(tender, format="docx"))))

    # then
    assert FORMULA in text
    assert "60 × EUR 100,000.00 ÷ EUR 110,000.00 = 54.55 points" in text
    assert "AC3 Supply-chain transparency: products — up to 20 points" in text


def test_the_word_annex_has_a_response_table_per_criterion_with_room_to_answer(logged_in, tender):
    # when
    doc = docx_of(logged_in.get(detail_url(tender, format="docx")))

    # then
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    form = headings[headings.index("Response form (completed by the tenderer)") + 1 :]
    assert form == [
        "The tenderer",
        "LABEL Certified products (TCO Certified or EPEAT)",
        "SC1 Human-rights risk assessment",
        "AC3 Supply-chain transparency: products",
        "AC4 Action plan",
        "Signed for the tenderer",
    ]
    tables = {t.rows[1].cells[0].text: t for t in doc.tables if len(t.rows) > 1}
    risk = tables["Key components used in the products (at least 1)"]
    assert [r.cells[0].text for r in risk.rows] == [
        "What to give",
        "Key components used in the products (at least 1)",
        "Raw materials used in them (at least 2)",
        "Countries these components and materials (probably) come from (at least 1)",
        "Human-rights risks tied to them, each briefly discussed (at least 3)",
        "The report attached (file name; at most two pages)",
    ]
    assert all(r.cells[1].text == "" for r in risk.rows[1:])  # left for the tenderer
    assert all(r.height is not None and r.height.cm >= 1 for r in risk.rows[1:])
    actions = tables["1"]
    assert [c.text for c in actions.rows[0].cells] == ["No.", "Action", "Why this action (justification)"]
    assert [r.cells[0].text for r in actions.rows[1:]] == ["1", "2", "3"]
    text = all_text(doc)
    assert "accepts the contract clauses CC2, CC3 of this annex" in text


def test_the_annex_tells_the_risks_in_plain_words(logged_in, tender):
    # when
    doc = docx_of(logged_in.get(detail_url(tender, format="docx")))

    # then
    text = all_text(doc)
    assert "Why these requirements: known risks of this product" in text
    assert "Child labour in cobalt mining in the Democratic Republic of the Congo" in text
    for word in NOT_PUBLISHED:
        assert word not in text, word
    assert not ISO3.search(text)


def test_libreoffice_makes_a_paged_pdf_of_the_word_annex(logged_in, tender, tmp_path):
    # given
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / "annex.docx"
    source.write_bytes(logged_in.get(detail_url(tender, format="docx")).content)

    # when
    subprocess.run(  # noqa: S603 - LibreOffice on our own file
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )

    # then
    reader = PdfReader(tmp_path / "annex.pdf")
    pages = [page.extract_text() or "" for page in reader.pages]
    assert len(pages) >= 3
    assert f"Page 1 of {len(pages)}" in pages[0]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert all(BUYER in text for text in pages)  # the header on every page
    assert reader.metadata.author == BUYER


# HTML and Markdown


def test_the_html_annex_is_a_page_with_its_properties_formula_choices_and_response_form(logged_in, tender):
    # when
    page = logged_in.get(detail_url(tender, format="html", number="Annex+2"))

    # then
    html = parse(page.content)
    assert html.find("title").text == "Annex 2 · Notebooks 2027"
    assert html.find("meta", name="author").get("content") == BUYER
    assert html.find("meta", name="date").get("content") == timezone.localdate().isoformat()
    assert html.find("h1").text == "Annex 2: Human-rights requirements"
    running = html.find("header", cls="running").text
    assert BUYER in running and "Reference P-2027-014" in running and "Annex 2" in running
    assert FORMULA in html.by_id("scoring").text
    weights = [
        [c.text for c in tr.find_all("td")] for tr in html.by_id("scoring").find("tbody").find_all("tr")
    ]
    assert weights == [
        ["Price", "60"],
        ["AC3 Supply-chain transparency: products", "20"],
        ["AC4 Action plan", "20"],
        ["Total", "100"],
    ]
    choices = {tr.find("th").text: tr.find("td").text for tr in html.by_id("choices").find_all("tr")}
    assert choices["The label"] == "an admission requirement: a bid without it is not admitted"
    assert choices["Labels accepted"].startswith("TCO Certified generation 9 or later")
    form = html.by_id("response-form")
    assert [h.get("id") for h in form.find_all("h3") if h.get("id")] == [
        "response-tenderer",
        "response-LABEL",
        "response-SC1",
        "response-AC3",
        "response-AC4",
    ]
    assert all(td.text == "" for td in form.find_all("td", cls="answer"))
    text = html.text
    for word in NOT_PUBLISHED:
        assert word not in text, word


def test_the_markdown_annex_has_the_header_formula_and_response_tables(logged_in, tender):
    # when
    text = logged_in.get(detail_url(tender, format="md", date="2027-03-05")).content.decode()

    # then
    lines = text.splitlines()
    assert lines[0] == "# Annex 1: Human-rights requirements"
    assert f"**Contracting authority:** {BUYER}  " in lines
    assert "**Reference:** P-2027-014  " in lines
    assert "**Date:** 5 March 2027  " in lines
    assert FORMULA in text
    assert "| Raw materials used in them (at least 2) |   |" in lines
    assert "### AC4 Action plan" in lines


# the buyer's choices


def choices_post(**overrides):
    return {
        "months": "4",
        "weight_price": "60",
        "weight_AC3": "20",
        "weight_AC4": "20",
        "label_role": "admission",
        "tco_generation": "9",
        "epeat": "rsc-2025",
        "currency": "EUR",
        **overrides,
    }


def test_the_tender_page_marks_hrdds_readings_as_the_buyers_choices(logged_in, tender):
    # when
    page = logged_in.get(detail_url(tender))

    # then
    html = document(page)
    choices = html.by_id("buyer-choices")
    assert "Your choices where the manual leaves room" in choices.text
    assert {c.get("name") for c in choices.find_all("input")} >= {
        "label_role",
        "tco_generation",
        "epeat",
        "currency",
    }
    readings = [tr.find("th").text for tr in html.by_id("readings").find("tbody").find_all("tr")]
    assert readings == ["The label", "Labels accepted", "Maximum points", "Price points"]
    assert "hrdd suggests" in html.by_id("readings").text
    assert "due_diligence" not in {c.get("name") for c in choices.find_all("input")}  # no AC7 in scenario 2


def test_making_the_label_an_award_criterion_scores_it_in_the_annex_and_the_evaluation(
    logged_in, buyer, tender
):
    # when: the label scores 10 points, TCO from generation 10, any EPEAT registration, prices in SEK
    page = logged_in.post(
        detail_url(tender),
        choices_post(label_role="award", tco_generation="10", epeat="any", currency="sek"),
    )
    assert page.status_code == 302, page.context["choices_form"].errors if page.context else page
    page = logged_in.post(
        detail_url(tender),
        choices_post(label_role="award", weight_LABEL="10", weight_AC3="15", weight_AC4="15"),
    )
    assert page.status_code == 302

    # then
    tender.refresh_from_db()
    assert tender.require_label is False
    assert tender.choices["label_role"] == "award"
    assert tender.choices["tco_generation"] == 9  # the second post set it back
    assert tender.weights == {"price": 60.0, "LABEL": 10.0, "AC3": 15.0, "AC4": 15.0}
    annex = tender_annex(tender)
    assert [i.criterion.id for i in annex.of_kind("award")] == ["LABEL", "AC3", "AC4"]
    _stored, evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids())
    nordbyte = next(b for b in evaluation.bids if b.bidder == "Nordbyte Systems")
    assert nordbyte.admitted is True  # no label: fewer points, not refused
    assert nordbyte.points["LABEL"] == 0.0
    lumen = next(b for b in evaluation.bids if b.bidder == "Lumen Computers")
    assert lumen.points["LABEL"] == 10.0


def test_the_chosen_generation_epeat_set_and_currency_appear_in_the_published_annex(logged_in, tender):
    # given
    logged_in.post(detail_url(tender), choices_post(tco_generation="10", epeat="none", currency="DKK"))

    # when
    text = all_text(docx_of(logged_in.get(detail_url(tender, format="docx"))))

    # then
    assert "hold TCO Certified (generation 10 or later), or hold an equivalent label" in text
    assert "registered under EPEAT" not in text
    assert "Total price offered (DKK, excluding VAT)" in text
    assert "DKK 100,000.00" in text


def test_a_label_recommended_stays_in_the_annex_and_refuses_no_bid(logged_in, buyer, tender):
    # given
    logged_in.post(detail_url(tender), choices_post(label_role="recommendation"))
    tender.refresh_from_db()

    # when
    html = parse(logged_in.get(detail_url(tender, format="html")).content)
    _stored, evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids())

    # then
    assert "Recommendation: certified products" in [h.text for h in html.find_all("h2")]
    assert "Recommendation: not scored" in html.by_id("criterion-LABEL").text
    assert next(b for b in evaluation.bids if b.bidder == "Nordbyte Systems").admitted is True


def test_ac7_scored_all_or_nothing_gives_no_points_for_four_elements(logged_in, buyer):
    # given
    tender = tender_create(actor=buyer, title="Servers", scenario=3)
    page = logged_in.post(
        detail_url(tender),
        {**choices_post(), "weight_AC6": "20", "weight_AC7": "20", "due_diligence": "all_elements"},
    )
    assert page.status_code == 302
    tender.refresh_from_db()
    bid = {
        "bidder": "Alpha",
        "price": 100,
        "label": "TCO Certified",
        "risk_assessment": {
            "components": ["battery"],
            "raw_materials": ["cobalt", "lithium"],
            "sourcing_countries": ["DR Congo"],
            "risks": [
                {"description": "child labour"},
                {"description": "forced labour"},
                {"description": "wages"},
            ],
        },
        "product_sites": {"sites": [{"name": "Plant", "address": "Road 1"}]},
        "due_diligence": {"policies": "p", "risk_identification": "r", "monitoring": "m", "mitigation": "x"},
    }

    # when
    _stored, evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=[bid])

    # then
    [alpha] = evaluation.bids
    assert alpha.fractions["AC7"] == 0.0
    assert "All the points when all five elements are described" in all_text(
        docx_of(logged_in.get(detail_url(tender, format="docx")))
    )


def test_a_currency_that_is_no_currency_is_refused_beside_its_field_and_nothing_changes(logged_in, tender):
    # given
    before = Tender.objects.values().get(pk=tender.pk)

    # when
    page = logged_in.post(detail_url(tender), choices_post(currency="EURO", months="7"))

    # then
    assert page.status_code == 400
    assert [str(e) for e in page.context["choices_form"].errors["currency"]] == [
        "'EURO' is not a currency code such as EUR."
    ]
    after = Tender.objects.values().get(pk=tender.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


# the award report


@pytest.fixture
def stored(buyer, tender):
    stored, _evaluation = bid_evaluation_create(actor=buyer, tender=tender, bids=demo_bids())
    return stored


def test_the_award_report_page_reads_as_an_award_report(logged_in, stored):
    # when
    page = logged_in.get(evaluation_url(stored, date="2027-04-09"))

    # then
    assert page.status_code == 200
    html = document(page)
    facts = dict(
        zip(
            [dt_.text for dt_ in html.by_id("report-facts").find_all("dt")],
            [dd.text for dd in html.by_id("report-facts").find_all("dd")],
            strict=True,
        )
    )
    assert facts["Contracting authority"] == BUYER
    assert facts["Reference"] == "P-2027-014"
    assert facts["Report date"] == "9 April 2027"
    assert html.by_id("proposal").find("p").text == (
        "Proposed award: Lumen Computers, ranked first with 96.65 of 100.00 points at a price of EUR 412,000.00."
    )
    ranking = html.by_id("ranking")
    assert [th.text for th in ranking.find("thead").find_all("th")] == [
        "Rank",
        "Bidder",
        "Price (EUR)",
        "Price points",
        "AC3",
        "AC4",
        "Total",
    ]
    rows = [[td.text for td in tr.find_all("td")] for tr in ranking.find("tbody").find_all("tr")]
    assert rows[0] == ["1", "Lumen Computers", "412,000.00", "56.65", "20.00", "20.00", "96.65"]
    assert rows[1] == ["2", "Civic IT Reseller", "389,000.00", "60.00", "14.00", "6.00", "80.00"]
    assert "sized" in ranking.classes  # as wide as its content, not the page
    text = html.text
    assert "Ranked 1 of 2 admitted bids with 96.65 points." in text
    assert "Production sites of the products: a list with 2 site(s) with name and address." in text
    assert (
        "The price of EUR 255,000.00 is more than 30% below the mean of the other bids (EUR 399,666.67)"
        in text
    )
    signoff = html.by_id("signoff")
    assert [th.text for th in signoff.find("thead").find_all("th")] == ["", "Prepared by", "Approved by"]
    assert [tr.find("th").text for tr in signoff.find("tbody").find_all("tr")] == [
        "Name",
        "Function",
        "Signature",
        "Date",
    ]
    assert "96.6505" not in text and "412000" not in text


def test_the_award_report_downloads_as_word_with_header_page_numbers_and_sign_off(logged_in, stored):
    # when
    doc = docx_of(logged_in.get(evaluation_url(stored, format="docx", date="2027-04-09")))

    # then
    assert doc.paragraphs[0].text == "Award report: Notebooks 2027"
    assert doc.core_properties.author == BUYER
    assert doc.core_properties.title == "Award report: Notebooks 2027"
    assert doc.sections[0].header.paragraphs[0].text == f"{BUYER} · Notebooks 2027 · Reference P-2027-014"
    assert doc.sections[0].header.paragraphs[1].text == "9 April 2027"
    assert field_codes(doc.sections[0].footer) == ["PAGE", "NUMPAGES"]
    ranking = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert ranking[1] == ["1", "Lumen Computers", "412,000.00", "56.65", "20.00", "20.00", "96.65"]
    assert ranking[3][2] == "255,000.00 ⚠"
    signoff = [[c.text for c in row.cells] for row in doc.tables[-1].rows]
    assert signoff == [
        ["", "Prepared by", "Approved by"],
        ["Name", "", ""],
        ["Function", "", ""],
        ["Signature", "", ""],
        ["Date", "", ""],
    ]
    # columns sized to their content: the bidder's name wider than the rank, the reasons widest
    widths = [c.width.cm for c in doc.tables[1].columns]
    assert widths[1] > widths[0] and widths[1] > widths[-1]
    detail = doc.tables[2]
    assert detail.columns[-1].width.cm > 2 * detail.columns[1].width.cm


def test_an_award_report_date_that_is_no_date_is_shown_on_the_page_instead_of_a_download(logged_in, stored):
    # when
    page = logged_in.get(evaluation_url(stored, format="docx", date="tomorrow"))

    # then
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    assert [str(e) for e in page.context["date_form"].errors["date"]] == [
        "'tomorrow' is not a date (YYYY-MM-DD)"
    ]


# numbers as the reader's language writes them


def test_amounts_follow_the_language_and_round_rather_than_cut():
    assert documents.amount(399666.666) == "399,666.67"
    assert documents.money(1234567, "EUR") == "EUR 1,234,567.00"
    assert documents.points(96.6505) == "96.65"
    assert documents.weight_text(13.3333) == "13.33"
    assert documents.weight_text(20.0) == "20"
    with translation.override("de"):
        assert documents.money(1234567.5, "EUR") == "EUR 1.234.567,50"
        assert documents.date_text(dt.date(2027, 2, 1)) == "1. Februar 2027"


def test_reasons_become_sentences():
    assert documents.sentence("written commitment, communicated to suppliers") == (
        "Written commitment, communicated to suppliers."
    )
    assert documents.sentence("missing: raw_materials 1 < 2") == (
        "Missing: raw materials: 1 where at least 2 are asked."
    )
    assert documents.sentence("component_sites: a list") == "Production sites of the components: a list."
