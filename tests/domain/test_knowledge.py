"""The knowledge base shipped in the package: every figure with its source and year, and the rules that a
table file must obey (a bad file is refused with the table, row and column at fault)."""

import csv
import io
import re
from pathlib import Path

import pytest

import hrdd.knowledge
from hrdd.domain.knowledge import (
    CahraListing,
    Indicator,
    KnowledgeError,
    build_knowledge,
    parse_table,
    shipped_knowledge,
)

KNOWLEDGE_DIR = Path(hrdd.knowledge.__file__).parent
TABLE_NAMES = (
    "bill_of_materials",
    "mineral_production",
    "production_gaps",
    "labour_goods",
    "cahra",
    "country_indicators",
    "manufacturing_countries",
)
PRODUCTS = (
    "notebook",
    "desktop",
    "display",
    "smartphone",
    "tablet",
    "server",
    "storage",
    "network-equipment",
    "lithium-ion-battery",
    "memory",
)
KEY_MATERIALS = ("cobalt", "tin", "tantalum", "tungsten", "gold", "lithium", "copper", "graphite")
REFERENCE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference"
FOUR_DIGITS = re.compile(r"^\d{4}$")


def read_csv_file(name):
    """The rows of a shipped table, read with the csv module, not with the product's parser."""
    with (KNOWLEDGE_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def csv_text(rows):
    """CSV text with the first row's keys as header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


# One valid row per table; the error tests below break one cell of a copy.
VALID_ROW = {
    "bill_of_materials": {
        "product": "widget",
        "component": "cell",
        "material": "cobalt",
        "basis": "direct",
        "note": "",
        "source": "Widget teardown study",
        "year": "2020",
    },
    "mineral_production": {
        "material": "cobalt",
        "series": "cobalt",
        "stage": "mine",
        "country_iso3": "COD",
        "country": "Congo (Kinshasa)",
        "year": "2023",
        "quantity": "170000",
        "unit": "t",
        "share_pct": "70",
        "estimated": "true",
        "source": "USGS test edition",
    },
    "labour_goods": {
        "good": "Cobalt ore",
        "material": "cobalt",
        "stage": "mining",
        "country_iso3": "COD",
        "country": "Congo, Democratic Republic of the",
        "child_labour": "true",
        "forced_labour": "false",
        "forced_child_labour": "false",
        "derived_labour_exploitation": "false",
        "year": "2022",
        "source": "ILAB test list",
    },
    "cahra": {
        "country_iso3": "COD",
        "country": "Congo (Kinshasa)",
        "list_name": "Test CAHRA list",
        "scope": "whole country",
        "year": "2020",
        "source": "CAHRA test source",
    },
    "country_indicators": {
        "country_iso3": "COD",
        "country": "Congo (Kinshasa)",
        "indicator": "wgi_rule_of_law_percentile_rank",
        "year": "2022",
        "value": "4",
        "unit": "percentile rank (0-100)",
        "source": "WGI test edition",
    },
    "production_gaps": {
        "material": "hafnium",
        "reason": "no series in the test edition",
        "year": "2025",
        "source": "Production gaps test source",
    },
    "manufacturing_countries": {
        "product": "*",
        "component": "",
        "stage": "assembly",
        "country_iso3": "CHN",
        "country": "China",
        "share_pct": "",
        "year": "2025",
        "source": "Manual test section",
        "note": "",
    },
}


def two_rows_second_with(table, **changes):
    """CSV text of a table with a valid first row and a second row (line 3 of the file) changed."""
    return csv_text([VALID_ROW[table], {**VALID_ROW[table], **changes}])


def without_column(table, column):
    return csv_text([{k: v for k, v in VALID_ROW[table].items() if k != column}])


# --- the shipped tables ----------------------------------------------------------------------------------


def test_the_package_ships_exactly_the_seven_tables():
    # when
    files = {p.stem for p in KNOWLEDGE_DIR.glob("*.csv")}

    # then
    assert files == set(TABLE_NAMES)


def test_every_shipped_table_loads_with_as_many_rows_as_its_file():
    # given
    knowledge = shipped_knowledge()

    # then
    for name in TABLE_NAMES:
        rows = read_csv_file(name)
        assert len(rows) > 0, name
        assert len(getattr(knowledge, name)) == len(rows), name


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_row_of_a_shipped_file_has_a_source(name):
    # when
    rows = read_csv_file(name)

    # then
    without_source = [number for number, row in enumerate(rows, start=2) if not (row["source"] or "").strip()]
    assert without_source == []


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_row_of_a_shipped_file_has_a_four_digit_year_or_is_an_undated_bill_of_materials_source(name):
    # given
    allowed_undated = name == "bill_of_materials"

    # when
    rows = read_csv_file(name)

    # then
    bad = [
        (number, row["year"])
        for number, row in enumerate(rows, start=2)
        if not (FOUR_DIGITS.match(row["year"]) or (allowed_undated and row["year"] == "n.d."))
    ]
    assert bad == []


def test_every_parsed_figure_keeps_a_non_empty_source_and_a_year():
    # given
    knowledge = shipped_knowledge()

    # then
    for name in TABLE_NAMES:
        for row in getattr(knowledge, name):
            assert row.source.strip(), (name, row)
            assert FOUR_DIGITS.match(str(row.year)) or (name == "bill_of_materials" and row.year == "n.d."), (
                name,
                row,
            )


def test_the_knowledge_base_knows_exactly_the_ten_product_categories():
    # when
    products = shipped_knowledge().products()

    # then
    assert set(products) == set(PRODUCTS)


@pytest.mark.parametrize("product", PRODUCTS)
def test_every_product_has_a_component_and_at_least_two_raw_materials(product):
    # when
    links = [link for link in shipped_knowledge().bill_of_materials if link.product == product]

    # then
    assert len({link.component for link in links}) >= 1
    assert len({link.material for link in links}) >= 2


@pytest.mark.parametrize("material", KEY_MATERIALS)
def test_a_key_material_has_at_least_three_countries_with_a_share_in_its_latest_year(material):
    # given
    rows = [r for r in read_csv_file("mineral_production") if r["material"] == material]
    latest = max(int(r["year"]) for r in rows)

    # when
    countries = {r["country_iso3"] for r in rows if int(r["year"]) == latest and r["share_pct"].strip()}

    # then
    assert len(countries) >= 3, (material, latest, sorted(countries))


def test_every_parsed_share_lies_between_0_and_100():
    # when
    shares = [r.share_pct for r in shipped_knowledge().mineral_production if r.share_pct is not None]

    # then
    assert shares
    assert all(0 <= s <= 100 for s in shares)


# --- the shipped production figures equal the reference they were copied from (when it is present) --------


# Series left out because another series stands for the same material and stage (tools/build_knowledge.py).
EXCLUDED_SERIES = {
    "alumina",
    "silicon (ferrosilicon content)",
    "iron ore (usable ore)",
    "mica (sheet)",
    "titanium mineral concentrates (rutile)",
}
MCS2026_SERIES = {"cobalt", "gallium", "lithium", "rare earths"}


def _read_reference(name):
    path = REFERENCE_DIR / "2026" / name
    if not path.is_file():
        pytest.skip(f"reference data not present at {REFERENCE_DIR}")
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["country_iso3"].strip()]


def _reference_rows():
    """USGS MCS 2025, with MCS 2026's figures for the years it revises (2024) or adds (2025)."""
    newer = _read_reference("mineral_production_mcs2026_partial.csv")
    revised = {(r["mineral"], r["year"]) for r in newer}
    older = [
        r
        for r in _read_reference("mineral_production_mcs2025.csv")
        if (r["mineral"], r["year"]) not in revised
    ]
    return [r for r in [*older, *newer] if r["mineral"] not in EXCLUDED_SERIES]


def _key(series, stage, iso3, year):
    return (series, stage, iso3, int(year))


def test_every_shipped_production_figure_equals_its_reference_row():
    # given
    reference = {_key(r["mineral"], r["stage"], r["country_iso3"], r["year"]): r for r in _reference_rows()}

    # then
    for row in read_csv_file("mineral_production"):
        key = _key(row["series"], row["stage"], row["country_iso3"], row["year"])
        assert key in reference, key
        expected = reference[key]
        assert row["share_pct"] == expected["share_pct"], key
        assert row["quantity"] == expected["quantity"], key
        assert row["world_total"] == expected["world_total"], key
        assert row["estimated"] == expected["estimated"], key


def test_every_reference_production_row_with_a_country_is_shipped():
    # given
    shipped = {
        _key(r["series"], r["stage"], r["country_iso3"], r["year"])
        for r in read_csv_file("mineral_production")
    }

    # when
    missing = [
        _key(r["mineral"], r["stage"], r["country_iso3"], r["year"])
        for r in _reference_rows()
        if _key(r["mineral"], r["stage"], r["country_iso3"], r["year"]) not in shipped
    ]

    # then
    assert missing == []


# --- parsing a table: what is read -------------------------------------------------------------------------


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_a_valid_row_of_each_table_parses_to_one_record(name):
    # when
    rows = parse_table(name, csv_text([VALID_ROW[name]]))

    # then
    assert len(rows) == 1
    assert rows[0].source == VALID_ROW[name]["source"]


def test_a_cahra_row_is_read_with_every_column_and_its_year_as_a_number():
    # when
    rows = parse_table("cahra", csv_text([VALID_ROW["cahra"]]))

    # then
    assert rows == (
        CahraListing(
            country_iso3="COD",
            country="Congo (Kinshasa)",
            list_name="Test CAHRA list",
            scope="whole country",
            year=2020,
            source="CAHRA test source",
        ),
    )


def test_an_empty_share_is_read_as_unknown_not_as_zero():
    # when
    rows = parse_table("mineral_production", csv_text([{**VALID_ROW["mineral_production"], "share_pct": ""}]))

    # then
    assert rows[0].share_pct is None


def test_an_undated_source_is_accepted_in_the_bill_of_materials():
    # when
    rows = parse_table("bill_of_materials", csv_text([{**VALID_ROW["bill_of_materials"], "year": "n.d."}]))

    # then
    assert rows[0].year == "n.d."


def test_a_lower_case_country_code_is_read_in_capitals():
    # when
    rows = parse_table("cahra", csv_text([{**VALID_ROW["cahra"], "country_iso3": "cod"}]))

    # then
    assert rows[0].country_iso3 == "COD"


# --- parsing a table: what is refused, and the message says where -----------------------------------------


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("bill_of_materials", "source"),
        ("bill_of_materials", "year"),
        ("mineral_production", "share_pct"),
        ("mineral_production", "country_iso3"),
        ("labour_goods", "forced_labour"),
        ("cahra", "list_name"),
        ("country_indicators", "value"),
        ("manufacturing_countries", "stage"),
    ],
)
def test_a_table_without_a_required_column_is_refused_naming_the_table_and_the_column(table, column):
    # given
    text = without_column(table, column)

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then
    assert table in str(error.value)
    assert column in str(error.value)


@pytest.mark.parametrize(
    "table", ["mineral_production", "labour_goods", "cahra", "country_indicators", "manufacturing_countries"]
)
@pytest.mark.parametrize("code", ["CD", "CODE", "C0D", "12"])
def test_a_bad_country_code_is_refused_naming_the_table_the_row_and_the_column(table, code):
    # given
    text = two_rows_second_with(table, country_iso3=code)

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then: the bad row is the file's third line (the header is line 1)
    message = str(error.value)
    assert table in message
    assert "row 3" in message
    assert "country_iso3" in message


@pytest.mark.parametrize("table", ["mineral_production", "manufacturing_countries"])
@pytest.mark.parametrize("share", ["seventy", "70%", "n/a"])
def test_a_non_numeric_share_is_refused_naming_the_table_the_row_and_the_column(table, share):
    # given
    text = two_rows_second_with(table, share_pct=share)

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then
    message = str(error.value)
    assert table in message
    assert "row 3" in message
    assert "share_pct" in message


@pytest.mark.parametrize("table", TABLE_NAMES)
@pytest.mark.parametrize("source", ["", "   "])
def test_a_row_without_a_source_is_refused_naming_the_table_the_row_and_the_column(table, source):
    # given
    text = two_rows_second_with(table, source=source)

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then
    message = str(error.value)
    assert table in message
    assert "row 3" in message
    assert "source" in message


@pytest.mark.parametrize("table", TABLE_NAMES)
@pytest.mark.parametrize("year", ["", "twenty", "2023a", "2023-24"])
def test_a_row_with_a_bad_year_is_refused_naming_the_table_the_row_and_the_column(table, year):
    # given
    text = two_rows_second_with(table, year=year)

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then
    message = str(error.value)
    assert table in message
    assert "row 3" in message
    assert "year" in message


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_a_two_digit_year_is_refused_like_any_year_that_is_not_four_digits(table):
    # given: "23" is not a year the sources use (the shipped files all have four digits)
    text = two_rows_second_with(table, year="23")

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then
    assert "row 3" in str(error.value)
    assert "year" in str(error.value)


@pytest.mark.parametrize(
    "table", ["mineral_production", "labour_goods", "cahra", "country_indicators", "manufacturing_countries"]
)
def test_an_undated_row_is_refused_outside_the_bill_of_materials(table):
    # given
    text = two_rows_second_with(table, year="n.d.")

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, text)

    # then
    assert "row 3" in str(error.value)
    assert "year" in str(error.value)


def test_a_labour_flag_that_is_neither_true_nor_false_is_refused_naming_the_row_and_the_column():
    # given
    text = two_rows_second_with("labour_goods", child_labour="maybe")

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table("labour_goods", text)

    # then
    message = str(error.value)
    assert "labour_goods" in message
    assert "row 3" in message
    assert "child_labour" in message


def test_an_unknown_table_is_refused_naming_it_and_the_known_tables():
    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table("minerals", csv_text([VALID_ROW["cahra"]]))

    # then
    message = str(error.value)
    assert "minerals" in message
    for name in TABLE_NAMES:
        assert name in message


@pytest.mark.parametrize("table", TABLE_NAMES)
def test_a_table_with_a_header_and_no_rows_is_refused_naming_the_table(table):
    # given
    header_only = ",".join(VALID_ROW[table]) + "\n"

    # when
    with pytest.raises(KnowledgeError) as error:
        parse_table(table, header_only)

    # then
    assert table in str(error.value)
    assert "no rows" in str(error.value)


# --- building a knowledge base from tables -----------------------------------------------------------------


def test_a_table_given_to_build_knowledge_replaces_the_shipped_one_and_the_others_stay():
    # given
    cahra = csv_text([VALID_ROW["cahra"]])

    # when
    knowledge = build_knowledge({"cahra": cahra})

    # then
    assert [c.list_name for c in knowledge.cahra] == ["Test CAHRA list"]
    assert knowledge.bill_of_materials == shipped_knowledge().bill_of_materials
    assert knowledge.mineral_production == shipped_knowledge().mineral_production


def test_a_bad_replacement_table_is_refused_when_the_knowledge_base_is_built():
    # given
    cahra = two_rows_second_with("cahra", source="")

    # when / then
    with pytest.raises(KnowledgeError, match="cahra, row 3"):
        build_knowledge({"cahra": cahra})


def test_the_latest_year_of_an_indicator_is_the_one_looked_up_for_a_country():
    # given: the older value is listed after the newer one
    indicators = csv_text(
        [
            VALID_ROW["country_indicators"],  # 2022: 4
            {**VALID_ROW["country_indicators"], "year": "2021", "value": "60"},
        ]
    )
    knowledge = build_knowledge({"country_indicators": indicators})

    # when
    found = knowledge.indicators_for("COD")

    # then
    assert found["wgi_rule_of_law_percentile_rank"] == Indicator(
        country_iso3="COD",
        country="Congo (Kinshasa)",
        indicator="wgi_rule_of_law_percentile_rank",
        year=2022,
        value=4.0,
        unit="percentile rank (0-100)",
        source="WGI test edition",
    )
    assert knowledge.indicators_for("ATA") == {}


def test_status_reports_the_rows_years_sources_and_edition_of_each_table():
    # given
    cahra = csv_text(
        [
            VALID_ROW["cahra"],
            {**VALID_ROW["cahra"], "country_iso3": "RWA", "year": "2010", "source": "Dodd-Frank test"},
            {**VALID_ROW["cahra"], "country_iso3": "UGA", "year": "2010", "source": "Dodd-Frank test"},
        ]
    )
    knowledge = build_knowledge({"cahra": cahra}, editions={"cahra": "test edition 2026"})

    # when
    status = {s.name: s for s in knowledge.status()}

    # then
    assert list(status) == list(TABLE_NAMES)
    assert status["cahra"].rows == 3
    assert status["cahra"].years == ("2010", "2020")
    assert status["cahra"].sources == ("CAHRA test source", "Dodd-Frank test")
    assert status["cahra"].edition == "test edition 2026"
    assert status["bill_of_materials"].edition.startswith("shipped")


def test_status_of_the_shipped_knowledge_counts_the_rows_of_each_file():
    # when
    status = {s.name: s for s in shipped_knowledge().status()}

    # then
    for name in TABLE_NAMES:
        rows = read_csv_file(name)
        assert status[name].rows == len(rows)
        assert set(status[name].years) == {r["year"] for r in rows}
        assert set(status[name].sources) == {r["source"].strip() for r in rows}
