"""Hostile files (issue 17): every reader refuses, with a sentence, what would cost it unbounded memory or time,
and stores nothing. The three measured cases (a DOCX of tiny sentences sent to the anonymous document check, a
site list and a questionnaire swelling inside openpyxl) are rebuilt here at the size that matters; the seconds and
megabytes they cost are measured by hand in benchmarks/hostile_files.py."""

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrdd.consultations.models import Invitation
from hrdd.consultations.services import responses_import_accept
from hrdd.consultations.spreadsheets import read_filled_questionnaire
from hrdd.contracts.models import Submission
from hrdd.contracts.services import SubmissionError, contract_create, site_list_accept, submission_create
from hrdd.core import uploads
from hrdd.core.errors import InputError
from hrdd.core.spreadsheets import SpreadsheetError, read_xlsx_rows
from hrdd.core.text import MAX_SENTENCES, document_text
from hrdd.domain.contracts import add_months
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.profiles.format import parse_profile_document
from hrdd.rmi.facilities import read_facility_file
from hrdd.rmi.workbook import read_template_file
from tests.app import hostile
from tests.app.workbooks import fill_questionnaire
from tests.cli_support import assert_refused
from tests.core.builders import docx_bytes, xlsx_bytes
from tests.factories import response

SITE_HEADER = ["name", "address", "country", "site_type", "products"]
SITE_ROW = ["Lumen Assembly", "1 Harbour Road, Penang", "Malaysia", "assembly", "notebooks"]


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


@pytest.fixture
def cc2(contract):
    return contract.obligations.filter(clause="CC2").order_by("due_date").first()


@pytest.fixture
def filled(blank_xlsx):
    raw = response(company="Hostile Supplier Ltd")
    return fill_questionnaire(blank_xlsx, company=raw["company"], role=raw["role"], answers=raw["answers"])


def _questionnaire(content):
    return read_filled_questionnaire(io.BytesIO(content), get_framework())


# the measured case 1: an 80 KB DOCX of tiny sentences sent to the anonymous document check


def test_a_docx_of_tens_of_thousands_of_tiny_sentences_is_refused_by_the_anonymous_check_before_it_is_read(
    client,
):
    # given: more one- and two-word sentences than one document is read for, in a small file
    content = hostile.tiny_sentences_docx(MAX_SENTENCES + 1000)
    assert len(content) < 100 * 1024

    # when
    answer = client.post("/api/v1/risks/check", {"document": SimpleUploadedFile("assessment.docx", content)})

    # then
    assert 400 <= answer.status_code < 500
    assert "sentences" in json.dumps(answer.json())
    assert "assessment.docx" in json.dumps(answer.json())


def test_a_document_with_more_characters_than_are_read_is_refused_naming_the_file():
    content = hostile.replace_body(
        docx_bytes("x"), "<w:p><w:r><w:t>" + "word " * 90_000 + "</w:t></w:r></w:p>"
    )
    with pytest.raises(InputError, match="long.docx holds more than 400000 characters"):
        document_text("long.docx", content)


def test_a_docx_with_macros_is_refused_saying_to_save_it_as_a_word_document():
    with pytest.raises(InputError, match="holds macros") as caught:
        document_text("policy.docx", hostile.macro_enabled(docx_bytes("We respect human rights."), "word"))
    assert "Word document (.docx)" in str(caught.value)


def test_a_docx_whose_body_declares_entities_is_refused_before_python_docx_opens_it():
    content = hostile.declared_entities(docx_bytes("We respect human rights."), hostile.DOCUMENT)
    with pytest.raises(InputError, match="declares a document type or entities"):
        document_text("policy.docx", content)


def test_a_docx_with_more_markup_than_a_document_has_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ARCHIVE_MAX_ELEMENTS", 10_000)
    content = hostile.replace_body(docx_bytes("x"), "<w:p/>" * 20_000)
    with pytest.raises(InputError, match="pieces of markup"):
        document_text("empty.docx", content)


# the measured case 2: a site list sent through the supplier's link


def test_a_site_list_declaring_more_cell_formats_than_excel_allows_is_refused_at_once_on_the_supplier_link(
    cc2,
):
    # given: 1.5 MB of them once took the reading past 3 GB
    content = hostile.cell_formats_xlsx(uploads.ARCHIVE_MAX_CELL_FORMATS + 1, [SITE_HEADER, SITE_ROW])

    # when / then: refused when accepted, before any task reads it
    with pytest.raises(SubmissionError, match="cell formats"):
        site_list_accept(
            obligation=cc2, data={}, upload=SimpleUploadedFile("sites.xlsx", content), enqueue=False
        )
    assert not Submission.objects.filter(obligation=cc2).exists()


def test_a_site_list_with_more_cells_than_a_sheet_is_read_for_is_refused_and_nothing_is_stored(
    cc2, monkeypatch
):
    # given
    from hrdd.core import spreadsheets

    monkeypatch.setattr(spreadsheets, "MAX_VALUES", 1000)
    content = hostile.cell_flood_xlsx(rows=100, columns=20)

    # when
    with pytest.raises(InputError, match="more data than hrdd reads from one sheet"):
        submission_create(obligation=cc2, data={}, upload=SimpleUploadedFile("sites.xlsx", content))

    # then
    assert not Submission.objects.filter(obligation=cc2).exists()


def test_a_site_list_with_a_cell_a_million_rows_down_is_refused_without_reading_the_empty_rows(cc2):
    content = hostile.far_row_xlsx([SITE_HEADER, SITE_ROW])
    with pytest.raises(InputError, match="more than 50000 rows"):
        submission_create(obligation=cc2, data={}, upload=SimpleUploadedFile("sites.xlsx", content))
    assert not Submission.objects.filter(obligation=cc2).exists()


def test_a_country_computed_by_a_formula_is_reported_naming_the_cell_not_trusted(cc2):
    # given: the file says the formula gave "Malaysia"; nothing in hrdd computed it
    content = hostile.formula_cell(
        xlsx_bytes([SITE_HEADER, SITE_ROW]), "C2", 'VLOOKUP("x",Z1:Z9,1)', "Malaysia"
    )

    # when
    with pytest.raises(InputError) as caught:
        submission_create(obligation=cc2, data={}, upload=SimpleUploadedFile("sites.xlsx", content))

    # then
    assert "cell C2 holds a formula" in str(caught.value)
    assert "Type the value" in str(caught.value)
    assert not Submission.objects.filter(obligation=cc2).exists()


def test_a_text_that_starts_like_a_formula_is_a_value_and_is_read():
    rows = read_xlsx_rows(xlsx_bytes([SITE_HEADER, ["'=not a formula", "x"]]), name="sites.xlsx")
    assert rows[1][0] == "'=not a formula"


# the measured case 3: a questionnaire workbook


def test_a_questionnaire_with_a_huge_shared_string_table_is_refused_before_openpyxl_reads_it(monkeypatch):
    monkeypatch.setattr(uploads, "ARCHIVE_MAX_SHARED_STRINGS", 1000)
    with pytest.raises(SpreadsheetError, match="more than 1000 different texts"):
        _questionnaire(hostile.shared_strings_xlsx(1500))


def test_a_questionnaire_declaring_entities_is_refused_by_the_import_page_with_a_400(
    client, buyer, consultation, filled
):
    # given: a "billion laughs" in the sheet the answers are read from
    content = hostile.declared_entities(filled, hostile.SHEET)
    client.force_login(buyer)

    # when
    page = client.post(
        reverse("consultations:import", args=[consultation.public_id]),
        {"file": SimpleUploadedFile("answers.xlsx", content)},
    )

    # then
    assert page.status_code == 400
    assert "declares a document type or entities" in page.content.decode()
    assert not Invitation.objects.filter(consultation=consultation).exists()


@pytest.mark.parametrize(
    "part", ["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "docProps/core.xml"]
)
def test_entities_in_any_part_of_a_questionnaire_are_refused_with_a_message(filled, part):
    with pytest.raises(SpreadsheetError, match="declares a document type or entities"):
        _questionnaire(hostile.declared_entities(filled, part))


def test_a_number_cell_holding_text_is_refused_naming_the_row_not_a_crash(filled):
    content = hostile.numeric_cell(filled, "E5", "abc")
    with pytest.raises(SpreadsheetError, match="row 5 of sheet Questionnaire is damaged"):
        _questionnaire(content)


def test_a_macro_enabled_questionnaire_is_refused_saying_to_save_it_as_xlsx(filled):
    with pytest.raises(SpreadsheetError, match="holds macros") as caught:
        _questionnaire(hostile.macro_enabled(filled))
    assert "Excel workbook" in str(caught.value)


def test_a_workbook_whose_content_type_says_macro_enabled_is_refused(filled):
    with pytest.raises(SpreadsheetError, match="holds macros"):
        _questionnaire(hostile.macro_content_type(filled))


def test_a_ticked_answer_computed_by_a_formula_is_reported_naming_the_cell(filled):
    # given: row 7's answer cell says x only through a formula's cached result
    content = hostile.formula_cell(filled, "D7", 'IF(1,"x","")', "x")
    with pytest.raises(SpreadsheetError, match="cell D7 holds a formula"):
        _questionnaire(content)


def test_a_hostile_questionnaire_import_is_refused_at_once_and_nothing_is_queued(buyer, consultation, filled):
    from hrdd.consultations.services import ImportRefused
    from hrdd.core.models import TaskRun

    before = TaskRun.objects.count()
    with pytest.raises(ImportRefused, match="holds macros"):
        responses_import_accept(
            actor=buyer,
            consultation=consultation,
            uploads=[SimpleUploadedFile("answers.xlsx", hostile.macro_enabled(filled))],
            enqueue=False,
        )
    assert TaskRun.objects.count() == before


def test_the_command_line_refuses_a_hostile_questionnaire_with_exit_status_2(db, cli, tmp_path, filled):
    path = tmp_path / "answers.xlsx"
    path.write_bytes(hostile.declared_entities(filled, hostile.SHEET))
    result = cli("questionnaire", "score", str(path))
    assert_refused(result, "answers.xlsx", "declares a document type or entities")


# the other readers


def test_an_rmi_template_declaring_entities_is_refused_as_a_reading_not_a_crash():
    content = hostile.declared_entities(xlsx_bytes([["Declaration"]], title="Declaration"), hostile.SHEET)
    reading = read_template_file(content, name="cmrt.xlsx")
    assert reading.refused
    assert "document type or entities" in str(reading.refused)


def test_an_rmi_template_with_a_damaged_number_cell_is_refused_as_a_reading_not_a_crash():
    content = hostile.numeric_cell(xlsx_bytes([["Declaration"]], title="Declaration"), "B3", "abc")
    reading = read_template_file(content, name="cmrt.xlsx")
    assert reading.refused


def test_a_profile_nested_thousands_deep_is_refused_with_a_message():
    with pytest.raises(InputError, match="nests lists or objects too deeply"):
        parse_profile_document(b"[" * 100_000 + b"]" * 100_000)


def test_an_xml_facility_list_with_more_markup_than_a_list_has_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "ARCHIVE_MAX_ELEMENTS", 100)
    with pytest.raises(InputError, match="pieces of markup"):
        read_facility_file("facilities.xml", b"<Workbook>" + b"<Row/>" * 200 + b"</Workbook>")


def test_an_xml_facility_list_in_an_unknown_encoding_is_refused_with_a_message():
    with pytest.raises(InputError, match="not well-formed XML"):
        read_facility_file("facilities.xml", b'<?xml version="1.0" encoding="bogus"?><Workbook/>')


def test_the_supplier_link_page_answers_a_macro_enabled_site_list_with_a_message_and_stores_nothing(
    client, cc2
):
    # given
    content = hostile.macro_enabled(xlsx_bytes([SITE_HEADER, SITE_ROW]))

    # when
    page = client.post(
        reverse("contracts:supplier", args=[cc2.contract.token]),
        {"obligation": cc2.pk, "file": SimpleUploadedFile("sites.xlsx", content)},
    )

    # then
    assert 400 <= page.status_code < 500
    assert "holds macros" in page.content.decode()
    assert not Submission.objects.filter(obligation=cc2).exists()
