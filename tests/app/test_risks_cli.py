"""`hrdd risk` and `hrdd kb`, run in-process as a user would type them, on the test database: text, JSON or a
file out, status 2 without a traceback on bad input."""

import csv
import io
import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from hrdd.domain.knowledge import TABLES, read_shipped_table
from tests.cli_support import assert_refused, ok

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"
# the knowledge base is read from the database (an imported edition replaces a shipped table)
pytestmark = pytest.mark.django_db

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
RISK_KEYS = {"category", "stage", "material", "country_iso3", "score", "reasons", "sources"}
SHARE_KEYS = {"country_iso3", "share_pct", "stage", "year", "source"}


def assessment_json(cli, *args):
    return json.loads(ok(cli("risk", "assess", *args, "--json")).stdout)


def shipped_rows(table):
    reader = csv.DictReader(io.StringIO(read_shipped_table(table)))
    return reader.fieldnames, list(reader)


def write_csv(path: Path, fieldnames, rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def cobalt_edition(path: Path) -> tuple[Path, int]:
    """The shipped mineral_production table with cobalt only from Australia (60%) and Canada (40%) in 2024."""
    fieldnames, rows = shipped_rows("mineral_production")
    kept = [r for r in rows if r["material"] != "cobalt"]
    template = next(r for r in rows if r["material"] == "cobalt")
    for iso3, name, share in (("AUS", "Australia", "60"), ("CAN", "Canada", "40")):
        kept.append(
            {
                **template,
                "country_iso3": iso3,
                "country": name,
                "year": "2024",
                "share_pct": share,
                "estimated": "false",
                "source": "Test edition of USGS MCS 2025",
            }
        )
    return write_csv(path, fieldnames, kept), len(kept)


def kb_status(cli) -> dict[str, dict]:
    return {t["table"]: t for t in json.loads(ok(cli("kb", "status", "--json")).stdout)}


# risk products


def test_products_lists_the_ten_product_categories(cli):
    # when
    result = ok(cli("risk", "products"))

    # then
    lines = [line.split(maxsplit=1) for line in result.stdout.splitlines() if line.strip()]
    assert [line[0] for line in lines] == PRODUCTS
    assert ["notebook", "Notebooks"] in lines


def test_products_as_json(cli):
    # when
    products = json.loads(ok(cli("risk", "products", "--json")).stdout)

    # then
    assert [p["id"] for p in products] == PRODUCTS
    assert {"id": "smartphone", "title": "Smartphones"} in products


# risk assess


def test_assess_json_has_the_spec_shape_sorted_by_score(cli):
    # when
    data = assessment_json(cli, "notebook")

    # then
    assert data["product"] == "notebook"
    assert len(data["components"]) >= 1
    assert all({"name", "raw_materials"} <= set(c) for c in data["components"])
    assert all(isinstance(m, str) for c in data["components"] for m in c["raw_materials"])
    assert len(data["raw_materials"]) >= 2
    for material in data["raw_materials"]:
        assert {"name", "countries"} <= set(material)
        assert all(set(c) >= SHARE_KEYS for c in material["countries"])
    assert len(data["risks"]) >= 3
    assert all(set(r) >= RISK_KEYS for r in data["risks"])
    assert all(r["reasons"] and r["sources"] for r in data["risks"])
    scores = [r["score"] for r in data["risks"]]
    assert scores == sorted(scores, reverse=True)
    assert "cobalt" in [m["name"] for m in data["raw_materials"]]


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_product_meets_the_minimum_contents(cli, product):
    # when
    data = assessment_json(cli, product)

    # then
    assert len(data["components"]) >= 1
    assert len(data["raw_materials"]) >= 2
    assert any(m["countries"] for m in data["raw_materials"])
    assert len(data["risks"]) >= 3


def test_assess_is_deterministic(cli):
    # when
    first = ok(cli("risk", "assess", "notebook", "--json")).stdout
    second = ok(cli("risk", "assess", "notebook", "--json")).stdout

    # then
    assert first == second


def test_adding_a_component_adds_it_with_its_materials(cli):
    # when
    data = assessment_json(cli, "display", "--add-component", "stand: magnesium, cobalt")

    # then
    assert {"name": "stand", "raw_materials": ["magnesium", "cobalt"]} in data["components"]
    assert "cobalt" in [m["name"] for m in data["raw_materials"]]


def test_a_component_without_materials_is_refused_naming_the_option(cli):
    # when / then
    assert_refused(cli("risk", "assess", "display", "--add-component", "stand"), "--add-component")


def test_excluding_cobalt_removes_it(cli):
    # when
    data = assessment_json(cli, "notebook", "--exclude-material", "cobalt")

    # then
    assert "cobalt" not in [m["name"] for m in data["raw_materials"]]
    assert all("cobalt" not in c["raw_materials"] for c in data["components"])
    assert all(r["material"] != "cobalt" for r in data["risks"])


def test_the_other_adjustments_apply(cli):
    # when
    data = assessment_json(
        cli,
        "notebook",
        "--add-material",
        "mica",
        "--exclude-country",
        "COD",
        "--manufacturing-country",
        "VNM",
        "--manufacturing-country",
        "mex",
    )

    # then
    assert "mica" in [m["name"] for m in data["raw_materials"]]
    assert all(r["country_iso3"] != "COD" for r in data["risks"])
    assert {c["country_iso3"] for c in data["manufacturing"]} == {"VNM", "MEX"}


def test_assess_prints_a_table_of_salient_risks(cli):
    # when
    result = ok(cli("risk", "assess", "notebook"))

    # then
    assert "Notebooks" in result.stdout
    assert "Salient risks" in result.stdout
    assert "COD" in result.stdout


def test_an_unknown_product_is_refused_naming_the_known_ones(cli):
    # when
    result = cli("risk", "assess", "laptop")

    # then
    assert_refused(result, "laptop", *PRODUCTS)


def test_an_unknown_product_is_refused_in_json_too(cli):
    # when
    result = cli("risk", "assess", "laptop", "--json")

    # then
    assert_refused(result, "laptop", "notebook")


def test_writes_a_docx_python_docx_opens(cli, tmp_path):
    # given
    path = tmp_path / "x.docx"

    # when
    result = ok(cli("risk", "assess", "notebook", "-o", path))

    # then
    assert "Wrote" in result.stderr
    document = Document(path)
    styles = [p.style.name for p in document.paragraphs]
    assert styles[0] == "Heading 1"
    assert styles.count("Heading 2") == 4
    assert len(document.tables) >= 2


def test_writes_an_xlsx_with_the_four_sheets(cli, tmp_path):
    # given
    path = tmp_path / "x.xlsx"

    # when
    ok(cli("risk", "assess", "notebook", "-o", path, "--exclude-material", "cobalt"))

    # then
    workbook = load_workbook(path)
    assert workbook.sheetnames == SHEETS
    materials = {row[1] for row in workbook["1 Material scoping"].iter_rows(min_row=2, values_only=True)}
    assert "cobalt" not in materials
    assert "lithium" in materials


def test_writes_json_and_markdown_files(cli, tmp_path):
    # when
    ok(cli("risk", "assess", "notebook", "-o", tmp_path / "x.json"))
    ok(cli("risk", "assess", "notebook", "-o", tmp_path / "x.md"))

    # then
    assert json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["product"] == "notebook"
    assert (
        (tmp_path / "x.md")
        .read_text(encoding="utf-8")
        .startswith("# Human-rights risk assessment: Notebooks")
    )


def test_format_md_prints_markdown(cli):
    # when
    result = ok(cli("risk", "assess", "notebook", "--format", "md"))

    # then
    assert result.stdout.startswith("# Human-rights risk assessment: Notebooks\n")
    assert "## 3. Salient human-rights risks" in result.stdout
    assert "| Material | Stage | Country | Share | Year |" in result.stdout


def test_format_pdf_is_refused(cli):
    # when
    result = cli("risk", "assess", "notebook", "--format", "pdf")

    # then
    assert_refused(result, "--format", "pdf", "docx", "xlsx")


def test_an_unknown_output_extension_is_refused(cli, tmp_path):
    # when
    result = cli("risk", "assess", "notebook", "-o", tmp_path / "x.pdf")

    # then
    assert_refused(result, "pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_docx_to_standard_output_is_refused(cli):
    # when
    result = cli("risk", "assess", "notebook", "--format", "docx")

    # then
    assert_refused(result, "-o")


def test_an_unwritable_output_is_refused(cli, tmp_path):
    # when
    result = cli("risk", "assess", "notebook", "-o", tmp_path / "no" / "such" / "dir" / "x.docx")

    # then
    assert_refused(result, "cannot write")


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        (
            "--manufacturing-country",
            "XXX",
            "manufacturing-countr",
        ),  # the message says "manufacturing-countries"
        ("--exclude-country", "QQ", "exclude-country"),
    ],
)
def test_a_bad_country_code_is_refused_naming_the_field(cli, option, value, field):
    # when
    result = cli("risk", "assess", "notebook", option, value)

    # then
    assert_refused(result, field, f"“{value}”", "is not a country hrdd knows")


# risk check


def test_check_reports_a_text_that_meets_the_minimum(cli):
    # when
    result = ok(cli("risk", "check", FIXTURES / "supplier_risk_assessment.txt"))

    # then
    out = " ".join(result.stdout.split())
    assert "supplier_risk_assessment.txt meets the minimum contents" in out
    assert "human-rights risks: 3 found, 3 required: ok" in out
    assert "child_labour" in out


def test_check_reports_a_text_that_does_not_meet_the_minimum(cli):
    # when
    result = ok(cli("risk", "check", FIXTURES / "supplier_two_risks.txt"))

    # then
    out = " ".join(result.stdout.split())
    assert "does NOT meet the minimum contents" in out
    assert "human-rights risks: 2 found, 3 required: MISSING" in out


def test_check_json_gives_the_verdict_and_the_sentences(cli):
    # when
    result = ok(cli("risk", "check", FIXTURES / "supplier_risk_assessment.txt", "--json"))

    # then
    data = json.loads(result.stdout)
    assert data["meets_minimum"] is True
    assert {r["name"]: r["met"] for r in data["requirements"]} == {
        "key components": True,
        "raw materials": True,
        "sourcing countries": True,
        "human-rights risks": True,
    }
    child = next(f for f in data["risks"] if f["id"] == "child_labour")
    assert child["sentences"] == ["Cobalt mining in the DRC carries a high risk of child labour."]


def test_check_reads_a_docx(cli, tmp_path):
    # given
    document = Document()
    for line in (FIXTURES / "supplier_risk_assessment.txt").read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "supplier.docx"
    document.save(path)

    # when
    data = json.loads(ok(cli("risk", "check", path, "--json")).stdout)

    # then
    assert data["meets_minimum"] is True


def test_check_refuses_a_missing_file(cli, tmp_path):
    # when
    result = cli("risk", "check", tmp_path / "nowhere.docx")

    # then
    assert_refused(result, "nowhere.docx", "no such file")


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("corrupt.docx", b"PK\x03\x04 not really a zip", "not a readable Word (DOCX) document"),
        ("fake.pdf", b"not a pdf", "not a readable PDF"),
        ("tool.exe", b"MZ", "unsupported file type"),
        ("empty.txt", b"", "empty"),
    ],
)
def test_check_refuses_an_unreadable_file(cli, tmp_path, name, content, said):
    # given
    path = tmp_path / name
    path.write_bytes(content)

    # when
    result = cli("risk", "check", path)

    # then
    assert_refused(result, name, said)


# kb status and kb import


def test_kb_status_lists_the_six_tables_with_rows_years_and_sources(cli):
    # when
    tables = json.loads(ok(cli("kb", "status", "--json")).stdout)

    # then
    assert [t["table"] for t in tables] == list(TABLES)
    for table in tables:
        assert table["rows"] > 0
        assert table["years"]
        assert table["sources"]
        assert table["edition"].startswith("shipped")
    mineral = next(t for t in tables if t["table"] == "mineral_production")
    assert any("USGS" in s for s in mineral["sources"])


def test_kb_status_lists_the_new_editions(cli):
    # when
    tables = {t["table"]: t for t in json.loads(ok(cli("kb", "status", "--json")).stdout)}

    # then: USGS MCS 2025 and 2026, the June 2026 CAHRA list, WGI 2024 update, ITUC 2025, ILAB 2024
    production = tables["mineral_production"]
    assert "MCS 2025" in production["edition"] and "MCS 2026" in production["edition"]
    assert {"2023", "2024", "2025"} <= set(production["years"])
    assert "June 2026" in tables["cahra"]["edition"]
    assert any("June 2026" in s for s in tables["cahra"]["sources"])
    indicators = tables["country_indicators"]
    assert any("WGI), 2024 update" in s for s in indicators["sources"])
    assert any("ITUC Global Rights Index 2025" in s for s in indicators["sources"])
    assert "2024" in tables["labour_goods"]["years"]
    assert tables["production_gaps"]["rows"] == 3


def test_kb_status_prints_a_table(cli):
    # when
    result = ok(cli("kb", "status"))

    # then
    for name in TABLES:
        assert name in result.stdout
    assert "shipped" in result.stdout


def test_kb_import_makes_the_new_edition_active(cli, tmp_path):
    # given
    path, rows = cobalt_edition(tmp_path / "good.csv")

    # when
    result = ok(cli("kb", "import", "mineral_production", path, "--label", "test edition"))

    # then
    assert f"Imported {rows} rows into mineral_production" in " ".join(result.stdout.split())
    status = kb_status(cli)
    assert status["mineral_production"]["edition"] == "test edition"
    assert status["mineral_production"]["rows"] == rows
    assert "Test edition of USGS MCS 2025" in status["mineral_production"]["sources"]
    assert status["cahra"]["edition"].startswith("shipped")
    # and the assessment uses it
    data = assessment_json(cli, "notebook")
    cobalt = next(m for m in data["raw_materials"] if m["name"] == "cobalt")
    assert {c["country_iso3"]: c["share_pct"] for c in cobalt["countries"]} == {
        "AUS": 60.0,
        "CAN": 40.0,
        "COD": None,
    }  # COD: listed by ILAB, no share


def test_kb_import_without_a_label_is_named_after_the_file(cli, tmp_path):
    # given
    path, _rows = cobalt_edition(tmp_path / "usgs-2025.csv")

    # when
    ok(cli("kb", "import", "mineral_production", path))

    # then
    assert kb_status(cli)["mineral_production"]["edition"] == "usgs-2025.csv"


def _bad_copy(path: Path, **changes) -> Path:
    fieldnames, rows = shipped_rows("mineral_production")
    return write_csv(path, fieldnames, [*rows[:3], {**rows[0], **changes}, *rows[3:]])


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"share_pct": "abc"}, ["row 5", "share_pct", "abc"]),
        ({"country_iso3": "C0D"}, ["row 5", "country_iso3"]),
        ({"source": ""}, ["row 5", "source"]),
    ],
)
def test_kb_import_refuses_a_malformed_file_and_keeps_the_previous_edition(cli, tmp_path, changes, named):
    # given
    good, rows = cobalt_edition(tmp_path / "good.csv")
    ok(cli("kb", "import", "mineral_production", good, "--label", "test edition"))
    bad = _bad_copy(tmp_path / "bad.csv", **changes)

    # when
    result = cli("kb", "import", "mineral_production", bad, "--label", "broken edition")

    # then
    assert_refused(result, "bad.csv", "mineral_production", *named)
    status = kb_status(cli)
    assert status["mineral_production"]["edition"] == "test edition"
    assert status["mineral_production"]["rows"] == rows


def test_kb_import_refuses_a_file_without_a_column(cli, tmp_path):
    # given
    fieldnames, rows = shipped_rows("mineral_production")
    kept = [c for c in fieldnames if c != "source"]
    path = write_csv(tmp_path / "nosource.csv", kept, [{k: r[k] for k in kept} for r in rows[:5]])

    # when
    result = cli("kb", "import", "mineral_production", path)

    # then
    assert_refused(result, "nosource.csv", "missing column", "source")
    assert kb_status(cli)["mineral_production"]["edition"].startswith("shipped")


def test_kb_import_refuses_an_unknown_table(cli, tmp_path):
    # given
    path, _rows = cobalt_edition(tmp_path / "f.csv")

    # when
    result = cli("kb", "import", "nosuchtable", path)

    # then
    assert_refused(result, "nosuchtable", "mineral_production")
    assert all(t["edition"].startswith("shipped") for t in kb_status(cli).values())


def test_kb_import_refuses_a_missing_file(cli, tmp_path):
    # when
    result = cli("kb", "import", "mineral_production", tmp_path / "absent.csv")

    # then
    assert_refused(result, "absent.csv", "no such file")


def test_kb_import_refuses_a_file_that_is_not_text(cli, tmp_path):
    # given
    path = tmp_path / "binary.csv"
    path.write_bytes(b"material,stage\n\x00\x01\x02\x03")

    # when
    result = cli("kb", "import", "mineral_production", path)

    # then
    assert_refused(result, "binary.csv", "binary data")
