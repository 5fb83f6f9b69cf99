"""The product-risk pages: the assessment with its adjustments and downloads, saving it with a procurement,
the supplier check and the knowledge base; behind a login and the organisation's walls."""

import io
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from hrdd.audit.models import AuditEvent
from hrdd.domain.knowledge import TABLES
from hrdd.risks import selectors
from hrdd.risks.models import ProductRiskAssessment
from hrdd.risks.services import knowledge_import
from tests.factories import ConsultationFactory, OrganisationFactory
from tests.html import controls, document, error_texts, form_data, value_of

FIXTURES = Path(__file__).parent / "fixtures"
PRODUCTS = [
    "desktop",
    "display",
    "lithium-ion-battery",
    "memory",
    "network-equipment",
    "notebook",
    "server",
    "smartphone",
    "storage",
    "tablet",
]
SHEETS = ["1 Material scoping", "2 Geographical scoping", "3 Risk scoping", "4 Reporting"]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HOME = reverse("risks:home")
ASSESS = reverse("risks:assess")
SAVE = reverse("risks:save")
CHECK = reverse("risks:check")
KNOWLEDGE = reverse("risks:knowledge")


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids, which SQLite hands out again after a test's rollback."""
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def messages_of(page):
    return [str(m) for m in page.context["messages"]]


def text_of(page):
    return " ".join(page.content.decode().split())


def sample(name="supplier_risk_assessment.txt"):
    return (FIXTURES / name).read_bytes()


def upload(content, name):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def docx_bytes(*paragraphs, table=()):
    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def save(client, *, follow=False, **data):
    return client.post(SAVE, {"product": "notebook", "title": "Notebooks 2027: risks", **data}, follow=follow)


# login


@pytest.mark.parametrize(
    "url",
    [HOME, ASSESS + "?product=notebook", ASSESS + "?product=notebook&format=json", CHECK, KNOWLEDGE],
)
def test_the_pages_need_a_login(client, db, url):
    # when
    page = client.get(url)

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_saving_needs_a_login_and_stores_nothing(client, db, consultation):
    # when
    page = save(client, procurement=str(consultation.procurement.public_id))

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))
    assert ProductRiskAssessment.objects.count() == 0


def test_the_saved_page_needs_a_login(client, buyer):
    # given
    client.force_login(buyer)
    saved_url = save(client)["Location"]
    client.logout()

    # when
    page = client.get(saved_url)

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


# the risk home


def test_the_home_lists_the_ten_product_categories(logged_in):
    # when
    page = logged_in.get(HOME)

    # then
    assert page.status_code == 200
    assert [p for p, _title in page.context["products"]] == PRODUCTS
    html = page.content.decode()
    for product in PRODUCTS:
        assert f'<option value="{product}">' in html
    assert "Notebooks" in html
    assert "None yet." in html


def test_the_navigation_leads_to_the_product_risks(logged_in):
    # when
    page = logged_in.get(reverse("consultations:list"))

    # then
    assert f'href="{HOME}"' in page.content.decode()
    assert "1 Product risks" in page.content.decode()


def test_the_home_lists_only_the_organisations_saved_assessments(client, buyer, outsider):
    # given
    client.force_login(outsider)
    save(client, title="Their notebooks")
    client.force_login(buyer)
    save(client, title="Our notebooks")

    # when
    page = client.get(HOME)

    # then
    assert [s.title for s in page.context["saved"]] == ["Our notebooks"]
    assert "Their notebooks" not in page.content.decode()


# the assessment page


def test_the_notebook_assessment_shows_salient_risks_with_reasons_and_sources(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook"})

    # then
    assert page.status_code == 200
    salient = page.context["salient"]
    assert len(salient) >= 3
    assert [r.score for r in salient] == sorted((r.score for r in salient), reverse=True)
    top = salient[0]
    assert top.reasons and top.sources
    text = text_of(page)
    assert "Human-rights risks: Notebooks" in text
    assert "Salient risks" in text
    assert top.category_title in text
    assert top.country in text
    assert "baseline likelihood" in text
    assert "USGS Mineral Commodity Summaries" in text
    assert "Child labour" in text
    assert "cobalt" in text
    assert "Congo (Kinshasa)" in text
    assert "(COD)" not in text  # countries by their names
    # the four steps and the method are there too
    for heading in ("1. Components and raw materials", "2. Sourcing countries", "How the risks are rated"):
        assert heading in text


def test_leaving_out_cobalt_removes_it_from_the_assessment(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", "exclude_material": "cobalt"})

    # then
    assert page.status_code == 200
    assessment = page.context["assessment"]
    assert "cobalt" not in [m.name for m in assessment.raw_materials]
    assert all("cobalt" not in c.raw_materials for c in assessment.components)
    assert all(r.material != "cobalt" for r in assessment.risks)
    adjust = document(page).by_id("adjust")
    assert "cobalt" in [value_of(c) for c in controls(adjust, "exclude_material")]
    # the download links carry the adjustment
    assert "exclude_material=cobalt" in page.context["query"]


def test_adding_a_component_brings_its_materials_into_the_assessment(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "display", "add_component": "stand: magnesium, cobalt"})

    # then
    assert page.status_code == 200
    assessment = page.context["assessment"]
    stand = next(c for c in assessment.components if c.name == "stand")
    assert stand.raw_materials == ("magnesium", "cobalt")
    assert "added by the buyer" in stand.sources
    assert {"magnesium", "cobalt"} <= {m.name for m in assessment.raw_materials}
    # kept in the links and in the Save form
    assert "add_component=stand" in page.context["query"]
    assert 'name="add_component" value="stand: magnesium, cobalt"' in page.content.decode()


def test_a_component_without_materials_shows_an_error_beside_the_field(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "display", "add_component": "stand"})

    # then
    assert page.status_code == 400
    assert page.context["adjust_form"].errors["add_component"]
    [box] = [c for c in controls(document(page).by_id("adjust"), "add_component") if c.get("type") == "text"]
    assert value_of(box) == "stand"


def test_the_adjust_form_offers_empty_text_fields_before_any_adjustment(logged_in):
    # Submitting the Adjust form unchanged must not fail: its text fields start empty.
    # when
    page = logged_in.get(ASSESS, {"product": "notebook"})

    # then
    adjust = document(page).by_id("adjust")
    for name in ("add_material", "exclude_country", "manufacturing_countries"):
        [box] = controls(adjust, name)
        assert box.get("type") == "text"
        assert value_of(box) == "", name


def test_the_adjust_form_submitted_as_shown_keeps_the_buyers_choice(logged_in):
    # given: the Adjust form's fields, with the values the page shows, and cobalt ticked
    shown = document(logged_in.get(ASSESS, {"product": "notebook"})).by_id("adjust")
    data = [*form_data(shown), ("exclude_material", "cobalt")]

    # when
    page = logged_in.get(ASSESS + "?" + urlencode(data), follow=True)

    # then
    assert page.status_code == 200
    assert messages_of(page) == []
    assert error_texts(document(page)) == []
    assert "cobalt" not in [m.name for m in page.context["assessment"].raw_materials]


def test_setting_the_manufacturing_country_shows_it(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", "manufacturing_countries": "vnm"})

    # then
    assert page.status_code == 200
    assessment = page.context["assessment"]
    assert {c.country_iso3 for c in assessment.manufacturing} == {"VNM"}
    assert any(r.country_iso3 == "VNM" and r.component == "factories" for r in assessment.risks)
    text = text_of(page)
    assert "Vietnam (assembly)" in text
    assert "manufacturing_countries=VNM" in page.context["query"]


def test_adding_a_material_and_a_country_shows_them(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", "add_material": "mica", "add_country": "cobalt:ZMB"})

    # then
    assessment = page.context["assessment"]
    assert "mica" in [m.name for m in assessment.raw_materials]
    cobalt = next(m for m in assessment.raw_materials if m.name == "cobalt")
    zambia = [c for c in cobalt.countries if c.country_iso3 == "ZMB"]
    assert zambia and zambia[0].share_pct is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("manufacturing_countries", "XXX"), ("exclude_country", "QQ"), ("add_country", "cobalt:QQQ")],
)
def test_a_bad_country_code_shows_an_error_beside_the_field(logged_in, field, value):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", field: value})

    # then: the product as it stands, the form as typed, the error beside the field
    assert page.status_code == 400
    [error] = page.context["adjust_form"].errors[field]
    assert "is not a country hrdd knows" in error
    boxes = [c for c in controls(document(page).by_id("adjust"), field) if c.get("type") == "text"]
    assert [value_of(b) for b in boxes] == [value]
    assert page.context["assessment"].product == "notebook"


def test_an_unknown_product_redirects_home_with_a_message_naming_the_known_ones(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "laptop"}, follow=True)

    # then
    assert page.redirect_chain[-1][0] == HOME
    messages = messages_of(page)
    assert len(messages) == 1
    assert "laptop" in messages[0]
    assert "notebook" in messages[0]
    assert "smartphone" in messages[0]


def test_an_unknown_product_download_is_refused_too(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "laptop", "format": "json"})

    # then
    assert page.status_code == 302
    assert page["Location"] == HOME


# downloads


def download(client, fmt, url=ASSESS, **params):
    page = client.get(url, {"product": "notebook", **params, "format": fmt})
    assert page.status_code == 200, page.content[:500]
    return page


def test_the_page_shows_the_top_producers_and_folds_the_long_tail_with_its_share(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "smartphone"})

    # then: gold, USGS MCS 2025 (2024): five shown, the other 31 (12 with a share, 19 listed by ILAB) 34.25%
    text = page.content.decode()
    assert page.status_code == 200
    assert "China 11.52% (mining, 2024)" in text
    assert "31 other countries, together 34.25% (mining)" in text


def test_the_docx_download_has_word_headings_and_tables(logged_in):
    # when
    page = download(logged_in, "docx")

    # then
    assert page["Content-Type"] == DOCX_TYPE
    assert page["Content-Disposition"] == 'attachment; filename="risk-assessment-notebook.docx"'
    document = Document(io.BytesIO(page.content))
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Human-rights risk assessment: Notebooks")
    assert [name for name, _text in headings[1:]] == ["Heading 2"] * 4
    assert [text for _name, text in headings[1:]] == [
        "1. Key components and raw materials",
        "2. Likely sourcing countries",
        "3. Salient human-rights risks",
        "4. Sources and gaps",
    ]
    assert len(document.tables) >= 2
    risks = document.tables[1]
    assert [c.text for c in risks.rows[0].cells] == ["Risk", "Where", "Score", "Why"]
    assert len(risks.rows) >= 4
    countries = document.tables[0]
    assert "cobalt" in [row.cells[0].text for row in countries.rows]
    # every producing country counts; the report shows three per stage and folds the rest with their share
    # (cobalt, USGS MCS 2026, 2025: DRC 74.19%, Indonesia 14.19%, Russia 2.48%, the other 9 together 7.68%)
    cobalt = next(row.cells[1].text for row in countries.rows if row.cells[0].text == "cobalt")
    assert cobalt.startswith("Congo (Kinshasa) 74.19% (mining, 2025), Indonesia 14.19%")
    assert cobalt.endswith("9 other countries, together 7.68%")


def test_the_xlsx_download_has_the_deep_dives_four_sheets(logged_in):
    # when
    page = download(logged_in, "xlsx")

    # then
    assert page["Content-Type"] == XLSX_TYPE
    assert page["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(page.content))
    assert workbook.sheetnames == SHEETS
    risk_rows = list(workbook["3 Risk scoping"].iter_rows(values_only=True))
    header = risk_rows[0]
    assert header[:3] == ("category", "stage", "material")
    scores = [row[header.index("score")] for row in risk_rows[1:]]
    assert len(scores) >= 3
    assert scores == sorted(scores, reverse=True)
    materials = {row[1] for row in list(workbook["1 Material scoping"].iter_rows(values_only=True))[1:]}
    assert {"cobalt", "lithium"} <= materials
    report = list(workbook["4 Reporting"].iter_rows(values_only=True))
    assert report[0][:2] == ("product", "notebook")


def test_the_markdown_download_has_the_four_steps(logged_in):
    # when
    page = download(logged_in, "md")

    # then
    assert page["Content-Type"].startswith("text/markdown")
    text = page.content.decode()
    assert text.startswith("# Human-rights risk assessment: Notebooks\n")
    for heading in (
        "## 1. Key components and raw materials",
        "## 2. Likely sourcing countries",
        "## 3. Salient human-rights risks",
        "## 4. Gaps in the data",
    ):
        assert heading in text
    assert "| cobalt |" in text


def test_the_json_download_has_the_spec_shape(logged_in):
    # when
    page = download(logged_in, "json", exclude_material="cobalt")

    # then
    assert page["Content-Type"] == "application/json"
    data = json.loads(page.content)
    assert data["product"] == "notebook"
    assert {"product", "components", "raw_materials", "risks"} <= set(data)
    assert all({"name", "raw_materials"} <= set(c) for c in data["components"])
    assert all({"name", "countries"} <= set(m) for m in data["raw_materials"])
    for material in data["raw_materials"]:
        for country in material["countries"]:
            assert {"country_iso3", "share_pct", "stage", "year", "source"} <= set(country)
    keys = {"category", "stage", "material", "country_iso3", "score", "reasons", "sources"}
    assert all(keys <= set(r) for r in data["risks"])
    scores = [r["score"] for r in data["risks"]]
    assert scores == sorted(scores, reverse=True)
    assert "cobalt" not in [m["name"] for m in data["raw_materials"]]


def test_an_unknown_format_shows_the_page(logged_in):
    # when
    page = logged_in.get(ASSESS, {"product": "notebook", "format": "pdf"})

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")


# the two-page DOCX, measured by LibreOffice


def _office():
    return shutil.which("libreoffice") or shutil.which("soffice")


@pytest.fixture(scope="module")
def office_profile(tmp_path_factory):
    """One private LibreOffice profile for the conversions of this module (created on first use)."""
    return tmp_path_factory.mktemp("lo-profile")


def to_pdf(office, docx: Path, out: Path, profile: Path) -> Path:
    subprocess.run(  # noqa: S603 - LibreOffice from PATH, our own file names
        [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pdf = out / (docx.stem + ".pdf")
    assert pdf.is_file(), f"LibreOffice wrote no {pdf.name}"
    return pdf


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_docx_report_fits_on_two_pages(logged_in, tmp_path, office_profile, product):
    # given
    office = _office()
    if office is None:
        pytest.skip("LibreOffice is not installed (no libreoffice or soffice on PATH): cannot count pages")
    docx = tmp_path / f"{product}.docx"
    docx.write_bytes(download(logged_in, "docx", product=product).content)

    # when
    pdf = to_pdf(office, docx, tmp_path, office_profile)

    # then
    pages = len(PdfReader(pdf).pages)
    assert pages <= 2, f"{product}: the DOCX report runs to {pages} pages in LibreOffice"


# saving with a procurement


def test_saving_with_a_procurement_stores_it_and_shows_the_saved_page(logged_in, buyer, consultation):
    # when
    page = save(logged_in, procurement=str(consultation.procurement.public_id), exclude_material="cobalt")

    # then
    saved = ProductRiskAssessment.objects.get()
    assert page.status_code == 302
    assert page["Location"] == saved.get_absolute_url()
    assert saved.procurement == consultation.procurement
    assert saved.organisation == buyer.organisation
    assert saved.title == "Notebooks 2027: risks"
    assert saved.adjustments["exclude_materials"] == ["cobalt"]
    assert AuditEvent.objects.filter(action="risk_assessment.save", target_id=str(saved.pk)).count() == 1

    shown = logged_in.get(saved.get_absolute_url())
    assert shown.status_code == 200
    assert shown.context["saved"] == saved
    assert "cobalt" not in [m.name for m in shown.context["assessment"].raw_materials]
    html = shown.content.decode()
    assert "<h1>Notebooks 2027: risks</h1>" in html
    assert f'<option value="{consultation.procurement.public_id}" selected>' in html


def test_the_saved_page_follows_the_redirect_with_a_message(logged_in, consultation):
    # when
    page = save(logged_in, procurement=str(consultation.procurement.public_id))
    shown = logged_in.get(page["Location"])

    # then
    assert messages_of(shown) == ["Risk assessment saved."]


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "md", "json"])
def test_the_saved_assessment_downloads(logged_in, consultation, fmt):
    # given
    url = save(logged_in, procurement=str(consultation.procurement.public_id), exclude_material="cobalt")[
        "Location"
    ]

    # when
    page = logged_in.get(url, {"format": fmt})

    # then
    assert page.status_code == 200
    assert page["Content-Disposition"] == f'attachment; filename="notebooks-2027-risks.{fmt}"'
    if fmt == "docx":
        document = Document(io.BytesIO(page.content))
        assert document.paragraphs[0].style.name == "Heading 1"
        assert document.paragraphs[0].text == "Notebooks 2027: risks"
    elif fmt == "xlsx":
        assert load_workbook(io.BytesIO(page.content)).sheetnames == SHEETS
    elif fmt == "md":
        assert page.content.decode().startswith("# Notebooks 2027: risks\n")
    else:
        data = json.loads(page.content)
        assert data["product"] == "notebook"
        assert "cobalt" not in [m["name"] for m in data["raw_materials"]]


def test_the_adjust_form_on_a_saved_page_recalculates_and_its_save_updates_the_same_assessment(
    logged_in, consultation
):
    # The saved page's Adjust form recalculates on the assessment page (GET, with saved=<id>); the Save form
    # shown there updates that saved assessment instead of creating another.
    # given
    url = save(logged_in, procurement=str(consultation.procurement.public_id), exclude_material="cobalt")[
        "Location"
    ]
    saved = ProductRiskAssessment.objects.get()
    shown = document(logged_in.get(url)).by_id("adjust")
    assert [value_of(c) for c in controls(shown, "saved")] == [str(saved.public_id)]

    # when
    page = logged_in.get(
        ASSESS,
        {"product": "notebook", "saved": str(saved.public_id), "exclude_material": ["cobalt", "lithium"]},
    )

    # then: recalculated, not yet saved
    names = [m.name for m in page.context["assessment"].raw_materials]
    assert "cobalt" not in names
    assert "lithium" not in names
    saved.refresh_from_db()
    assert saved.adjustments["exclude_materials"] == ["cobalt"]

    # when: the Save form on that page is sent
    reply = save(
        logged_in,
        procurement=str(consultation.procurement.public_id),
        exclude_material=["cobalt", "lithium"],
        assessment=str(saved.public_id),
    )

    # then: the same assessment now carries both exclusions
    assert reply["Location"] == url
    assert ProductRiskAssessment.objects.count() == 1
    saved.refresh_from_db()
    assert saved.adjustments["exclude_materials"] == ["cobalt", "lithium"]


def test_an_outsider_gets_404_on_a_saved_assessment(logged_in, client, consultation, outsider):
    # given
    url = save(logged_in, procurement=str(consultation.procurement.public_id))["Location"]
    client.force_login(outsider)

    # when
    pages = [client.get(url), *(client.get(url, {"format": fmt}) for fmt in ("docx", "xlsx", "md", "json"))]

    # then
    assert [p.status_code for p in pages] == [404] * 5
    assert b"Notebooks 2027" not in pages[0].content


def test_a_malformed_saved_id_is_404(logged_in):
    # when
    page = logged_in.get("/risks/saved/not-a-uuid/")

    # then
    assert page.status_code == 404


def test_saving_without_a_procurement_opens_a_new_one(logged_in):
    # when
    page = save(logged_in)

    # then
    assert page.status_code == 302
    saved = ProductRiskAssessment.objects.get()
    assert (saved.procurement.title, saved.procurement.product_category) == (saved.title, "notebook")


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_saving_without_a_proper_title_is_refused_beside_the_field_and_nothing_stored(logged_in, title):
    # when
    page = save(logged_in, title=title)

    # then
    assert page.status_code == 400
    assert page.context["save_form"].errors["title"]
    assert ProductRiskAssessment.objects.count() == 0
    assert not AuditEvent.objects.filter(action="risk_assessment.save").exists()


def test_saving_an_unknown_product_is_refused_and_nothing_stored(logged_in):
    # when
    page = save(logged_in, product="laptop", follow=True)

    # then
    assert any("laptop" in m for m in messages_of(page))
    assert ProductRiskAssessment.objects.count() == 0


def test_saving_with_a_bad_country_code_is_refused_and_nothing_stored(logged_in):
    # when
    page = save(logged_in, manufacturing_countries="XXX")

    # then
    assert page.status_code == 400
    [error] = page.context["save_form"].errors["manufacturing_countries"]
    assert any(error in t for t in error_texts(document(page).by_id("save")))
    assert ProductRiskAssessment.objects.count() == 0


def test_saving_with_another_organisations_procurement_is_404_and_nothing_stored(logged_in):
    # given
    elsewhere = ConsultationFactory(organisation=OrganisationFactory(name="Elsewhere"))

    # when
    page = save(logged_in, procurement=str(elsewhere.procurement.public_id))

    # then
    assert page.status_code == 404
    assert ProductRiskAssessment.objects.count() == 0


def test_a_viewer_is_offered_no_save_form_and_a_forced_save_stores_nothing(client, viewer, consultation):
    # given
    client.force_login(viewer)

    # when
    shown = client.get(ASSESS, {"product": "notebook"})
    forced = save(client, procurement=str(consultation.procurement.public_id))

    # then
    assert 'id="save"' not in shown.content.decode()
    assert forced.status_code == 400
    assert any("does not allow changes" in t for t in error_texts(document(forced)))
    assert ProductRiskAssessment.objects.count() == 0
    assert not AuditEvent.objects.filter(action="risk_assessment.save").exists()


def test_saving_is_post_only(logged_in):
    # when
    page = logged_in.get(SAVE, {"product": "notebook", "title": "x"})

    # then
    assert page.status_code == 405
    assert ProductRiskAssessment.objects.count() == 0


# checking a supplier's risk assessment


def check(client, content, name):
    return client.post(CHECK, {"document": upload(content, name)})


def test_a_text_that_meets_the_minimum_is_reported_with_the_sentences_relied_on(logged_in):
    # when
    page = check(logged_in, sample(), "acme.txt")

    # then
    assert page.status_code == 200
    result = page.context["result"]
    assert result.meets_minimum
    html = page.content.decode()
    assert "Meets the minimum contents" in html
    assert "Does not meet" not in html
    assert "<q>Cobalt mining in the DRC carries a high risk of child labour.</q>" in html
    assert (
        "<q>Tin mining in Indonesia exposes workers to unsafe working conditions and mine collapse.</q>"
        in html
    )
    for found in (
        "Child labour",
        "Forced labour",
        "Occupational health and safety",
        "cobalt",
        "battery",
        "Democratic Republic of the Congo",
    ):
        assert f"<strong>{found}</strong>" in html


def test_a_text_with_only_two_risks_does_not_meet_the_minimum(logged_in):
    # when
    page = check(logged_in, sample("supplier_two_risks.txt"), "budget.txt")

    # then
    assert page.status_code == 200
    assert not page.context["result"].meets_minimum
    text = text_of(page)
    assert "Does not meet the minimum contents" in text
    risks = next(r for r in page.context["result"].requirements if r.name == "human-rights risks")
    assert (risks.found, risks.required, risks.met) == (2, 3, False)
    assert (
        "<td>human-rights risks</td><td>≥ 3</td><td>2</td><td><strong>no</strong></td>"
        in page.content.decode()
    )


def test_a_docx_is_read_paragraphs_and_tables(logged_in):
    # given
    content = docx_bytes(
        "Our notebooks contain a battery with cobalt and lithium.",
        "Cobalt comes from the Democratic Republic of the Congo.",
        table=[("Risk", "Where"), ("child labour", "cobalt mining"), ("forced labour", "assembly in China")],
    )
    content_with_third_risk = docx_bytes(
        "Our notebooks contain a battery with cobalt and lithium.",
        "Cobalt comes from the Democratic Republic of the Congo.",
        "Miners face unsafe working conditions.",
        table=[("Risk", "Where"), ("child labour", "cobalt mining"), ("forced labour", "assembly in China")],
    )

    # when
    two = check(logged_in, content, "supplier.docx")
    three = check(logged_in, content_with_third_risk, "supplier.docx")

    # then
    assert two.status_code == 200
    assert {f.id for f in two.context["result"].risks} == {"child_labour", "forced_labour"}
    assert "Does not meet the minimum contents" in two.content.decode()
    assert three.context["result"].meets_minimum
    assert "Meets the minimum contents" in three.content.decode()
    assert "CHN" in {f.id for f in three.context["result"].countries}


def test_a_pdf_is_read(logged_in, tmp_path, office_profile):
    # given
    office = _office()
    if office is None:
        pytest.skip("LibreOffice is not installed (no libreoffice or soffice on PATH): cannot make a PDF")
    docx = tmp_path / "supplier.docx"
    docx.write_bytes(docx_bytes(*sample().decode().splitlines()))
    pdf = to_pdf(office, docx, tmp_path, office_profile)

    # when
    page = check(logged_in, pdf.read_bytes(), "supplier.pdf")

    # then
    assert page.status_code == 200
    assert page.context["result"].meets_minimum


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        (
            "broken.docx",
            b"PK\x03\x04 this is not really a zip",
            "broken.docx is not a readable Word (DOCX) document",
        ),
        ("plain.docx", sample(), "plain.docx is not a readable Word (DOCX) document"),
        ("fake.pdf", b"this is not a PDF at all", "fake.pdf is not a readable PDF"),
        ("tool.exe", b"MZ\x90\x00", "tool.exe: unsupported file type"),
        (
            "binary.txt",
            b"Kobalt \x00\x01\x02\x03",
            "binary.txt is not a readable text file: it holds binary data",
        ),
        ("empty.txt", b"", "empty"),
    ],
)
def test_an_unreadable_file_is_refused_with_400_and_a_clear_message(logged_in, name, content, said):
    # when
    page = check(logged_in, content, name)

    # then
    assert page.status_code == 400
    assert page.context["result"] is None
    errors = page.context["form"].errors["document"]
    assert any(said in e for e in errors), errors
    assert 'id="verdict"' not in page.content.decode()


def test_the_unsupported_type_message_names_the_supported_types(logged_in):
    # when
    page = check(logged_in, b"MZ", "tool.exe")

    # then
    [error] = page.context["form"].errors["document"]
    for extension in (".docx", ".pdf", ".txt"):
        assert extension in error


def test_a_file_above_the_upload_limit_is_refused(logged_in, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 200
    content = sample()
    assert len(content) > 200

    # when
    page = check(logged_in, content, "acme.txt")

    # then
    assert page.status_code == 400
    assert page.context["result"] is None
    [error] = page.context["form"].errors["document"]
    assert "too large" in error
    assert "200" in error


def test_a_file_at_the_upload_limit_is_checked(logged_in, settings):
    # given
    content = sample()
    settings.HRDD_MAX_UPLOAD_BYTES = len(content)

    # when
    page = check(logged_in, content, "acme.txt")

    # then
    assert page.status_code == 200
    assert page.context["result"].meets_minimum


def test_the_check_without_a_file_is_refused(logged_in):
    # when (a browser always sends the CSRF token with the form)
    page = logged_in.post(CHECK, {"csrfmiddlewaretoken": "token"})

    # then
    assert page.status_code == 400
    assert page.context["form"].errors["document"]


def test_the_check_form_is_on_the_home_and_on_its_own_page(logged_in):
    # when
    home = logged_in.get(HOME)
    own = logged_in.get(CHECK)

    # then
    assert f'action="{CHECK}"' in home.content.decode()
    assert 'enctype="multipart/form-data"' in own.content.decode()
    assert own.status_code == 200


# the knowledge base


def test_the_knowledge_page_lists_the_seven_tables_with_their_editions(logged_in):
    # when
    page = logged_in.get(KNOWLEDGE)

    # then
    assert page.status_code == 200
    tables = page.context["tables"]
    assert [t.name for t in tables] == list(TABLES)
    assert len(tables) == 7
    assert all(t.rows > 0 and t.years and t.sources for t in tables)
    text = text_of(page)
    for name in TABLES:
        assert name in text
    assert "None: the shipped tables are in use." in text


def test_the_knowledge_page_shows_an_imported_edition(logged_in, buyer):
    # given
    from hrdd.domain.knowledge import read_shipped_table

    text = "\n".join(read_shipped_table("cahra").splitlines()[:4]) + "\n"
    knowledge_import(table="cahra", csv_text=text, label="CAHRA list 2025", actor=buyer)

    # when
    page = logged_in.get(KNOWLEDGE)

    # then
    cahra = next(t for t in page.context["tables"] if t.name == "cahra")
    assert cahra.edition == "CAHRA list 2025"
    assert cahra.rows == 3
    assert "CAHRA list 2025" in text_of(page)
