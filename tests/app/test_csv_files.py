"""CSV files as people have them: every usual encoding and separator reads the same rows, garbage is refused with a
sentence that says what to do, and the site list's templates (XLSX with a drop-down of the site types, CSV) open
again and read back cleanly."""

import codecs
import datetime as dt
import gzip
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from hrdd.contracts import sitelists
from hrdd.contracts.services import SubmissionError, contract_create, site_list_accept, submission_create
from hrdd.contracts.sitelists import (
    SiteListError,
    read_site_list,
    site_list_template_csv,
    site_list_template_xlsx,
)
from hrdd.core.csvfiles import CsvFileError, decode_text, read_csv, sniff_delimiter
from hrdd.core.models import TaskRun
from hrdd.core.uploads import accept_content
from hrdd.domain.contracts import add_months
from hrdd.domain.risk import get_risk_method

HEADER = ("name", "address", "country", "site_type", "products")
ROWS = [
    ("Café Électronique", "Rue de l'Église 3, Lyon", "France", "final assembly", "notebooks"),
    ("Großwerk Süd", "Straße 1, München", "DEU", "component", "Displays; Gehäuse"),
    ("Smeltværk Ørsted", "Søndergade 5, Århus", "DK", "smelter", "tin, tantalum"),
]
ENCODINGS = {
    "UTF-8": lambda text: text.encode("utf-8"),
    "UTF-8 with BOM": lambda text: text.encode("utf-8-sig"),
    "UTF-16 LE with BOM": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
    "UTF-16 BE with BOM": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    "Windows-1252": lambda text: text.encode("cp1252"),
}
SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t"}


def csv_text(rows, separator, *, line_end="\r\n"):
    """A CSV text as a spreadsheet program writes it: a cell holding the separator or a quote is quoted."""

    def cell(value):
        if separator in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(separator.join(cell(v) for v in row) + line_end for row in rows)


def site_list_bytes(encoding, separator):
    return ENCODINGS[encoding](csv_text([HEADER, *ROWS], SEPARATORS[separator]))


def as_site_list(name, content):
    return read_site_list(accept_content(name, content, allowed=(".csv", ".xlsx")))


def refusal(content, *, name="sites.csv", **bounds):
    with pytest.raises(CsvFileError) as caught:
        read_csv(content, name=name, **bounds)
    return str(caught.value)


def says_what_to_do(message):
    """A refusal is a sentence for people: it names what to do and carries no exception's name or byte count."""
    assert message.endswith((".", ")")), message
    assert any(word in message for word in ("upload", "Save", "save", "split", "Check", "choose")), message
    for leftover in ("Error", "Exception", "BadZipFile", "codec", "0x", "\\x", "Traceback"):
        assert leftover not in message, message


# every encoding and separator reads the same rows


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_csv_in_each_encoding_and_separator_reads_the_same_rows(db, encoding, separator):
    # when
    rows = read_csv(site_list_bytes(encoding, separator), name="sites.csv")

    # then
    assert rows == [HEADER, *ROWS]


@pytest.mark.parametrize("separator", SEPARATORS)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_site_list_in_each_encoding_and_separator_imports_the_same_sites(db, encoding, separator):
    # when
    sites = as_site_list("sites.csv", site_list_bytes(encoding, separator))

    # then
    assert [(s.row, s.name, s.address, s.country_iso3, s.site_type, s.products) for s in sites] == [
        (2, "Café Électronique", "Rue de l'Église 3, Lyon", "FRA", "final assembly", "notebooks"),
        (3, "Großwerk Süd", "Straße 1, München", "DEU", "component", "Displays; Gehäuse"),
        (4, "Smeltværk Ørsted", "Søndergade 5, Århus", "DNK", "smelter", "tin, tantalum"),
    ]


def test_the_windows_code_page_of_central_europe_is_told_from_western_europes(db):
    # given: a Polish ł is byte 0xB3 in Windows-1250, a superscript three in Windows-1252
    content = "name,address,country\nZakład Łódź,ul. Piotrkowska 5,Poland\n".encode("cp1250")

    # when
    rows = read_csv(content, name="sites.csv")

    # then
    assert rows[1] == ("Zakład Łódź", "ul. Piotrkowska 5", "Poland")


def test_excels_separator_hint_line_is_honoured_and_row_numbers_stay_the_files(db):
    # given: Excel writes "sep=;" on the first line when asked to
    content = ("sep=;\n" + csv_text([HEADER, *ROWS], ";", line_end="\n")).encode("cp1252")

    # when
    sites = as_site_list("sites.csv", content)

    # then: the header is row 2 of the file, the first site row 3
    assert [s.row for s in sites] == [3, 4, 5]
    assert sites[0].name == "Café Électronique"


def test_the_header_line_decides_the_separator_even_when_a_column_name_holds_a_comma():
    assert sniff_delimiter("Naam;Adres, straat;Land\nA;B, 1;NL\n") == (";", False)
    assert sniff_delimiter('"name,with comma",address\n') == (",", False)
    assert sniff_delimiter("name\nAcme\n") == (",", False)
    assert sniff_delimiter("name\taddress\n") == ("\t", False)


def test_leading_empty_lines_and_a_header_in_any_case_and_spacing_are_read(db):
    # given
    content = b"\n\n Name ;ADDRESS;Country;Site Type;Products\nAcme;1 Road;CN;  Final   ASSEMBLY ;laptops\n"

    # when
    [site] = as_site_list("sites.csv", content)

    # then: the row is the file's, the site type as the risk method spells it
    assert (site.row, site.name, site.country_iso3, site.site_type, site.stage) == (
        4,
        "Acme",
        "CHN",
        "final assembly",
        "assembly",
    )


def test_a_site_type_the_method_does_not_list_is_kept_as_written(db):
    [site] = as_site_list(
        "sites.csv", b"name,address,country,site_type\nHub,1 Road,NL,Distribution  centre\n"
    )
    assert (site.site_type, site.stage) == ("Distribution centre", None)


def test_a_cp1252_text_document_is_read_like_a_csv(db):
    assert decode_text("Zwangsarbeit in der Lieferkette: ß, é, ø".encode("cp1252")) == (
        "Zwangsarbeit in der Lieferkette: ß, é, ø"
    )


# garbage is refused with a sentence


def test_binary_data_named_csv_is_refused_saying_how_to_save_a_csv(db):
    # given
    noise = random.Random(7).randbytes(4000)

    # when
    said = refusal(noise)

    # then
    assert said.startswith("sites.csv is not a readable CSV file: it holds binary data")
    assert "CSV UTF-8" in said
    says_what_to_do(said)


def test_a_workbook_named_csv_is_refused_saying_it_may_be_a_workbook(db):
    # given
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")

    # when
    said = refusal(buffer.getvalue())

    # then
    assert "give it the extension .xlsx" in said
    says_what_to_do(said)


def test_a_compressed_bomb_named_csv_is_refused_before_anything_inflates_it(db):
    # given: 10 MB of zeros in 10 KB, gzip-packed and named .csv
    bomb = gzip.compress(b"\0" * 10_000_000)
    assert len(bomb) < 20_000

    # when
    said = refusal(bomb)

    # then
    assert "binary data" in said
    says_what_to_do(said)


def test_text_full_of_control_characters_is_refused_as_binary(db):
    said = refusal(b"name,address\n" + bytes(range(1, 9)) * 200)
    assert "binary data" in said
    says_what_to_do(said)


def test_a_utf16_file_without_its_byte_order_mark_is_refused(db):
    said = refusal("name,address\nAcme,1 Road\n".encode("utf-16-le"))
    assert "binary data" in said
    says_what_to_do(said)


def test_an_unclosed_quotation_mark_is_refused_naming_the_row(db):
    # given: a quote opened in row 3 swallows the rest of the file into one cell
    content = b'name,address\nAcme,1 Road\nBeta,"2 Road\n' + b"Gamma,3 Road\n" * 20_000

    # when
    said = refusal(content)

    # then
    assert said.startswith("sites.csv, row 3 ")
    assert "quotation mark" in said
    says_what_to_do(said)


def test_a_csv_over_the_row_bound_is_refused_saying_to_split_it(db):
    said = refusal(b"name\n" + b"x\n" * 10, max_rows=5)
    assert said == "sites.csv holds more than 5 rows, the most hrdd reads from one file; split it."


def test_a_csv_that_takes_too_long_to_read_is_refused(db):
    said = refusal(b"name\n" + b"x\n" * 1000, max_seconds=0)
    assert said.startswith("sites.csv took longer than 0 seconds to read; split it")


def test_a_csv_over_the_upload_limit_is_refused_before_it_is_decoded(db, settings):
    settings.HRDD_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    said = refusal(b"name\n" + b"x" * (2 * 1024 * 1024))
    assert said.startswith("sites.csv is larger than 2 MB, too large for hrdd to accept.")


def test_a_site_list_with_more_than_20000_sites_is_refused_and_20000_are_read(db):
    # given
    def listing(count):
        return ("name,address,country\n" + "".join(f"Site {i},{i} Road,CN\n" for i in range(count))).encode()

    # when
    sites = as_site_list("sites.csv", listing(20_000))
    with pytest.raises(SiteListError) as caught:
        as_site_list("sites.csv", listing(20_001))

    # then
    assert len(sites) == sitelists.MAX_ROWS == 20_000
    assert str(caught.value).startswith("The list holds more than 20,000 sites")


def test_a_country_no_one_knows_is_refused_saying_how_to_write_one(db):
    with pytest.raises(SiteListError) as caught:
        as_site_list("sites.csv", b"name;address;country\nLost;Nowhere;Atlantis\n")
    said = str(caught.value)
    assert said.startswith("row 2, column country: 'Atlantis' is not a known country. Write its name")
    assert "ISO code, e.g. Germany" in said


# the site list's templates


def test_the_xlsx_template_has_the_columns_a_site_type_drop_down_and_a_sheet_explaining_them(db):
    # when
    workbook = load_workbook(io.BytesIO(site_list_template_xlsx()))

    # then
    sites, explained = workbook.worksheets
    assert [c.value for c in sites[1]] == list(HEADER)
    [validation] = sites.data_validations.dataValidation
    assert validation.type == "list"
    assert str(validation.sqref) == f"D2:D{sitelists.MAX_ROWS + 1}"
    assert validation.formula1.startswith(f"'{explained.title}'!$A$2:$A$")
    listed = [row[0] for row in explained.iter_rows(min_row=2, values_only=True)][: len(listed_types())]
    assert listed == listed_types()
    assert validation.errorStyle == "warning"  # another word is allowed after a warning
    texts = " ".join(str(v) for row in explained.iter_rows(values_only=True) for v in row if v)
    assert "Refining and smelting" in texts
    assert "ISO code" in texts


def listed_types():
    return [t for t, _stage in sitelists.site_types_listed()]


def test_the_site_types_offered_are_every_type_the_risk_method_knows():
    assert sorted(listed_types()) == sorted(get_risk_method().site_types.stages)


def test_the_xlsx_template_filled_in_imports_cleanly(db):
    # given: the supplier fills in the first sheet, picking site types from the drop-down
    workbook = load_workbook(io.BytesIO(site_list_template_xlsx()))
    sheet = workbook.worksheets[0]
    for row in ROWS:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when
    sites = as_site_list("sites.xlsx", buffer.getvalue())

    # then
    assert [(s.row, s.name, s.country_iso3, s.site_type) for s in sites] == [
        (2, "Café Électronique", "FRA", "final assembly"),
        (3, "Großwerk Süd", "DEU", "component"),
        (4, "Smeltværk Ørsted", "DNK", "smelter"),
    ]


def test_the_csv_template_filled_in_imports_cleanly(db):
    # given: the template, with rows added the way Excel saves them
    content = site_list_template_csv() + csv_text(ROWS, ",").encode("utf-8")

    # when
    sites = as_site_list("sites.csv", content)

    # then
    assert read_csv(site_list_template_csv()) == [HEADER]
    assert [s.name for s in sites] == [r[0] for r in ROWS]


def test_the_empty_templates_are_refused_saying_what_to_fill_in(db):
    for name, content in (("sites.xlsx", site_list_template_xlsx()), ("sites.csv", site_list_template_csv())):
        with pytest.raises(
            SiteListError, match="^The list holds no site: fill in one row per production site"
        ):
            as_site_list(name, content)


@pytest.mark.parametrize(("extension", "content_type"), [("xlsx", "spreadsheetml"), ("csv", "text/csv")])
def test_the_templates_download_without_an_account(client, db, extension, content_type):
    # when
    page = client.get(reverse("contracts:site_list_template", args=[extension]))

    # then
    assert page.status_code == 200
    assert content_type in page["Content-Type"]
    assert f'filename="site-list-template.{extension}"' in page["Content-Disposition"]


def test_no_other_template_is_served(client, db):
    assert client.get(reverse("contracts:site_list_template", args=["exe"])).status_code == 404


# the supplier page and the contract page


@pytest.fixture
def contract(buyer):
    start = add_months(dt.date.today() + dt.timedelta(days=30), -24)
    return contract_create(
        actor=buyer,
        title="Notebooks",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 24),
        scenario=2,
    )


def test_the_supplier_page_and_the_contract_page_link_the_templates(client, buyer, contract):
    # when
    supplier = client.get(reverse("contracts:supplier", args=[contract.token])).content.decode()
    client.force_login(buyer)
    detail = client.get(reverse("contracts:detail", args=[contract.public_id])).content.decode()

    # then
    for page in (supplier, detail):
        assert reverse("contracts:site_list_template", args=["xlsx"]) in page
        assert reverse("contracts:site_list_template", args=["csv"]) in page


def test_a_semicolon_cp1252_site_list_is_accepted_on_the_supplier_page_and_stored(contract):
    # given
    cc2 = contract.obligations.filter(clause="CC2").order_by("due_date").first()
    content = site_list_bytes("Windows-1252", "semicolon")

    # when
    run = site_list_accept(
        obligation=cc2, data={}, upload=SimpleUploadedFile("sites.csv", content), enqueue=False
    )
    submission = submission_create(obligation=cc2, data={}, upload=SimpleUploadedFile("sites.csv", content))

    # then
    assert isinstance(run, TaskRun)
    assert [s.name for s in submission.sites.order_by("row")] == [r[0] for r in ROWS]


def test_binary_data_is_refused_at_once_on_the_supplier_page(contract):
    cc2 = contract.obligations.filter(clause="CC2").order_by("due_date").first()
    with pytest.raises(SubmissionError, match="holds binary data"):
        site_list_accept(obligation=cc2, data={}, upload=SimpleUploadedFile("sites.csv", b"\x00\x01" * 50))


# the knowledge tables' import reads CSV the same way


def test_a_knowledge_table_saved_by_a_german_excel_imports(db, cli, tmp_path):
    # given: the shipped cahra table as Excel in German saves it (semicolons, Windows-1252), with an accent
    from importlib import resources

    shipped = resources.files("hrdd.knowledge").joinpath("cahra.csv").read_text(encoding="utf-8")
    rows = read_csv(shipped.encode("utf-8"))
    rows = [rows[0], *[tuple(v.replace("Congo", "Congo (République)") for v in row) for row in rows[1:]]]
    path = tmp_path / "cahra.csv"
    # (a region name with a letter Windows-1252 lacks is saved with "?", as Excel does)
    path.write_bytes(csv_text(rows, ";").encode("cp1252", errors="replace"))

    # when
    result = cli("kb", "import", "cahra", path, "--label", "Excel edition")

    # then
    assert result.returncode == 0, result.stderr
    assert f"Imported {len(rows) - 1} rows into cahra" in " ".join(result.stdout.split())


def test_a_knowledge_table_of_binary_data_is_refused_with_a_sentence(db, cli, tmp_path):
    # given
    path = tmp_path / "cahra.csv"
    path.write_bytes(gzip.compress(b"country_iso3,list_name\n" * 100))

    # when
    result = cli("kb", "import", "cahra", path)

    # then
    assert result.returncode == 2
    said = " ".join(result.stderr.split())
    assert "is not a readable CSV file: it holds binary data" in said
    assert "CSV UTF-8" in said
