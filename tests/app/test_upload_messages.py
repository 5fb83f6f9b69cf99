"""Uploads say what they take before the upload (types and the one 25 MB limit), and every refusal is a sentence
saying what to do: no exception names, byte counts or field paths. The questionnaire workbook reads its drop-down
values in any case and keeps the contact's e-mail address."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from hrdd.audit.models import AuditEvent
from hrdd.consultations.services import invitation_create, response_import_xlsx
from hrdd.consultations.spreadsheets import (
    SpreadsheetError,
    check_filled_questionnaire,
    contact_email,
    read_filled_questionnaire,
)
from hrdd.contracts.services import contract_create
from hrdd.core.uploads import FileRefused, accept_upload, format_size, upload_hint
from hrdd.domain.contracts import add_months
from hrdd.domain.maturity import InvalidResponse
from hrdd.domain.questionnaire_framework import get_framework
from hrdd.tenders.services import tender_create
from tests.app.workbooks import answer_row, fill_questionnaire
from tests.core.builders import docx_bytes, zip_bomb
from tests.factories import response
from tests.html import document

MB = 1024 * 1024
LEFTOVERS = ("BadZipFile", "InvalidFileException", "KeyError", "Traceback", "zipfile", "openpyxl", "[0]")


def says_what_to_do(message):
    assert not any(word in message for word in LEFTOVERS), message
    assert not re.search(r"\d{5,} bytes", message), message
    assert any(word in message for word in ("upload", "send", "Send", "save", "Save", "split")), message


# the one limit, 25 MB


def test_the_upload_limit_is_25_mb_and_django_holds_files_of_that_size_in_memory():
    assert django_settings.HRDD_MAX_UPLOAD_BYTES == 25 * MB
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE == django_settings.HRDD_MAX_UPLOAD_BYTES
    # the fields beside the files are held to the limit of a form without files
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE == django_settings.HRDD_MAX_FORM_BYTES


@pytest.mark.parametrize(
    ("size", "said"),
    [(25 * MB, "25 MB"), (int(1.5 * MB), "1.5 MB"), (300 * 1024, "300 KB"), (50, "50 bytes"), (1, "1 byte")],
)
def test_sizes_are_said_in_the_unit_people_use(size, said):
    assert format_size(size) == said


def test_a_file_over_25_mb_is_refused_in_megabytes(db):
    # given
    upload = SimpleUploadedFile("report.pdf", b"%PDF-" + b"x" * (25 * MB))

    # when
    with pytest.raises(FileRefused) as caught:
        accept_upload(upload, allowed=(".pdf",))

    # then
    said = str(caught.value)
    assert said.startswith("report.pdf is larger than 25 MB, too large for hrdd to accept.")
    assert str(25 * MB) not in said
    says_what_to_do(said)


def test_a_file_of_20_mb_is_accepted(db):
    accepted = accept_upload(SimpleUploadedFile("report.pdf", b"%PDF-" + b"x" * (20 * MB)), allowed=(".pdf",))
    assert accepted.size > 20 * MB


def test_the_limit_is_one_setting_that_the_hint_and_the_check_both_read(db, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 2 * MB

    # when
    with pytest.raises(FileRefused) as caught:
        accept_upload(SimpleUploadedFile("notes.txt", b"x" * (2 * MB + 1)), allowed=(".txt",))

    # then
    assert upload_hint([".pdf", ".docx", ".txt"]) == "PDF, DOCX or TXT, up to 2 MB."
    assert "larger than 2 MB" in str(caught.value)


# the limit stated before the upload, beside every file box


def hints_before_file_boxes(page):
    """For each file box of the page: the hint its aria-describedby names, which stands before the box."""
    html = page.content.decode()
    found = []
    for box in re.finditer(r'<input type="file"[^>]*>', html):
        tag = box.group(0)
        box_id = re.search(r'id="([^"]+)"', tag).group(1)
        hint = re.search(rf'<p class="hint" id="{box_id}_helptext">([^<]*)</p>', html)
        assert hint is not None, f"no hint for {box_id}"
        assert hint.start() < box.start(), f"the hint of {box_id} comes after the box"
        assert f"{box_id}_helptext" in tag  # read out by screen readers with the box
        found.append(hint.group(1))
    assert found, "no file box on the page"
    return found


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


def test_the_supplier_page_states_the_types_and_the_limit_beside_each_file_box(client, contract):
    hints = hints_before_file_boxes(client.get(reverse("contracts:supplier", args=[contract.token])))
    assert "CSV or XLSX, up to 25 MB." in hints
    assert "PDF, DOCX or TXT, up to 25 MB." in hints


def test_the_buyers_file_boxes_state_the_types_and_the_limit(client, buyer, consultation):
    # given
    client.force_login(buyer)
    tender = tender_create(actor=buyer, title="Notebooks 2027", scenario=2)

    # when
    pages = {
        "check": client.get(reverse("risks:check")),
        "consultation": client.get(reverse("consultations:detail", args=[consultation.public_id])),
        "tender": client.get(tender.get_absolute_url()),
    }

    # then
    assert "DOCX, PDF, TXT or Markdown, up to 25 MB." in hints_before_file_boxes(pages["check"])
    assert hints_before_file_boxes(pages["consultation"]) == ["XLSX, up to 25 MB."]
    assert "JSON, up to 25 MB." in hints_before_file_boxes(pages["tender"])


# refusals say what to do


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("answers.xlsx", b"company,role\nAcme,manufacturer\n", "give it the extension .csv"),
        ("answers.xlsx", b"PK\x03\x04 broken", "save it as an Excel workbook (.xlsx)"),
        ("answers.xlsx", docx_bytes("a letter"), "save it as an Excel workbook (.xlsx)"),
        ("answers.xlsx", zip_bomb("xl/workbook.xml"), "ZIP bomb"),
        ("answers.xlsx", b"", "is empty"),
    ],
)
def test_a_workbook_that_cannot_be_read_is_refused_with_a_sentence(db, name, content, said):
    # when
    with pytest.raises(FileRefused) as caught:
        accept_upload(SimpleUploadedFile(name, content), allowed=(".xlsx",))

    # then
    assert said in str(caught.value)
    assert str(caught.value).startswith(name)
    if "empty" not in said:
        says_what_to_do(str(caught.value))


def test_a_workbook_that_is_no_questionnaire_is_refused_saying_which_one_to_fill_in(db):
    # given: a real workbook, but not the blank questionnaire
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Questionnaire"
    workbook.active.append(["company", "Acme"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    # when
    with pytest.raises(SpreadsheetError) as caught:
        read_filled_questionnaire(io.BytesIO(buffer.getvalue()), get_framework())

    # then
    assert "Fill in the blank questionnaire downloaded from hrdd" in str(caught.value)


def test_a_workbook_without_the_questionnaire_sheet_is_refused_saying_to_keep_the_sheets(db):
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    with pytest.raises(SpreadsheetError) as caught:
        read_filled_questionnaire(io.BytesIO(buffer.getvalue()), get_framework())
    assert str(caught.value).startswith("The workbook has no sheet named Questionnaire. Fill in the workbook")


def test_an_unknown_mark_is_refused_naming_the_cell_without_python_quoting(blank_xlsx):
    # given
    raw = response()
    option = get_framework().questions[0].options[0].id
    filled = fill_questionnaire(
        blank_xlsx, answers=raw["answers"], marks={(get_framework().questions[0].id, option): 'maybe "so"'}
    )

    # when
    with pytest.raises(SpreadsheetError) as caught:
        read_filled_questionnaire(io.BytesIO(filled), get_framework())

    # then
    row = answer_row(blank_xlsx, get_framework().questions[0].id, option)
    assert str(caught.value).startswith(f"Cell D{row} ")
    assert "holds 'maybe \"so\"': write x to tick the statement, or leave the cell empty." in str(
        caught.value
    )


# drop-down values in any case, the contact's e-mail kept


def as_lists(answers):
    return {key: [value] if isinstance(value, str) else list(value) for key, value in answers.items()}


def test_the_role_and_the_ticks_are_read_in_any_case_and_spacing(blank_xlsx):
    # given: the role typed by hand instead of picked, ticks as " Yes" and "X "
    raw = response()
    framework = get_framework()
    picked = as_lists(raw["answers"])
    marks = {
        (q.id, option): (" Yes" if n % 2 else "X ")
        for n, q in enumerate(framework.questions)
        for option in picked.get(q.id, [])
    }
    filled = fill_questionnaire(blank_xlsx, role="  MANUFACTURER ", answers={}, marks=marks)

    # when
    read = read_filled_questionnaire(io.BytesIO(filled), framework)

    # then
    assert read.raw_response["role"] == "manufacturer"
    assert as_lists(read.raw_response["answers"]) == {
        k: v for k, v in picked.items() if k in read.raw_response["answers"]
    }
    assert set(read.raw_response["answers"]) == {q.id for q in framework.questions if picked.get(q.id)}


def test_a_role_may_be_written_as_its_label(blank_xlsx):
    filled = fill_questionnaire(blank_xlsx, role="brand / Manufacturer", answers=response()["answers"])
    read = read_filled_questionnaire(io.BytesIO(filled), get_framework())
    assert read.raw_response["role"] == "manufacturer"


@pytest.mark.parametrize(
    ("contact", "email"),
    [
        ("Jane Doe <Jane.Doe@Acme.example>", "jane.doe@acme.example"),
        ("Jane Doe, jane@acme.example.", "jane@acme.example"),
        ("Jane Doe, sales department", ""),
    ],
)
def test_the_contact_cells_e_mail_address_is_found(contact, email):
    assert contact_email(contact) == email


def test_an_imported_questionnaire_keeps_the_contacts_e_mail_address(buyer, consultation, blank_xlsx):
    # given
    raw = response(company="Spreadsheet Supplier Ltd")
    filled = fill_questionnaire(
        blank_xlsx,
        company=raw["company"],
        role=raw["role"],
        answers=raw["answers"],
        contact="Jane Doe <jane@spreadsheet.example>",
    )

    # when
    invitation = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then
    assert invitation.email == "jane@spreadsheet.example"
    assert invitation.is_submitted
    event = AuditEvent.objects.get(action="response.import_xlsx")
    assert event.after["contact"] == "Jane Doe <jane@spreadsheet.example>"


def test_a_questionnaire_from_an_invited_supplier_answers_that_invitation(buyer, consultation, blank_xlsx):
    # given: the supplier was invited by link, and sent the workbook back instead
    invited = invitation_create(
        actor=buyer, consultation=consultation, email="jane@acme.example", company="Acme", send=False
    )
    raw = response(company="Acme")
    filled = fill_questionnaire(
        blank_xlsx,
        company="Acme",
        role=raw["role"],
        answers=raw["answers"],
        contact="Jane, JANE@acme.example",
    )

    # when
    imported = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then: one response, not two
    assert imported.pk == invited.pk
    assert consultation.invitations.count() == 1
    imported.refresh_from_db()
    assert (imported.email, imported.status, imported.channel) == (
        "jane@acme.example",
        "submitted",
        "spreadsheet",
    )


def test_the_blank_questionnaire_offers_the_roles_as_a_drop_down(blank_xlsx):
    sheet = load_workbook(io.BytesIO(blank_xlsx))["Questionnaire"]
    [validation] = sheet.data_validations.dataValidation
    assert validation.type == "list"
    assert str(validation.sqref) == f"D{answer_row(blank_xlsx, 'role')}"
    assert "manufacturer" in validation.formula1


def test_the_supplier_page_links_the_blank_questionnaire(client, invitation):
    page = client.get(invitation.get_respond_url())
    links = [a.get("href") for a in document(page).find_all("a")]
    assert any(href and href.endswith(".xlsx") for href in links)


# what a filled questionnaire lacks, said by cell and question rather than by field path


def test_a_questionnaire_without_ticks_names_the_question_and_its_rows(buyer, consultation, blank_xlsx):
    # given: a company and role, but nothing ticked
    filled = fill_questionnaire(blank_xlsx, answers={})
    framework = get_framework()
    first = framework.questions[0]

    # when
    with pytest.raises(InvalidResponse) as caught:
        response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then
    said = str(caught.value)
    option_rows = [answer_row(blank_xlsx, first.id, o.id) for o in first.options]
    assert f"Question {first.title} (rows " in said
    assert "nothing is ticked; write x beside" in said
    assert str(min(option_rows)) in said
    assert "answers." not in said
    assert not consultation.invitations.exists()


def test_a_questionnaire_with_an_unknown_role_names_the_cell(blank_xlsx):
    # given
    filled = fill_questionnaire(blank_xlsx, role="buyer", answers=response()["answers"])
    framework = get_framework()
    read = read_filled_questionnaire(io.BytesIO(filled), framework)

    # when
    with pytest.raises(InvalidResponse) as caught:
        check_filled_questionnaire(read, framework)

    # then
    row = answer_row(blank_xlsx, "role")
    assert (
        str(caught.value) == f"Cell D{row} (role) holds 'buyer': pick one of manufacturer, reseller, other."
    )


def test_a_questionnaire_without_a_company_names_the_cell(blank_xlsx):
    filled = fill_questionnaire(blank_xlsx, company=None, answers=response()["answers"])
    read = read_filled_questionnaire(io.BytesIO(filled), get_framework())
    with pytest.raises(InvalidResponse) as caught:
        check_filled_questionnaire(read, get_framework())
    row = answer_row(blank_xlsx, "company")
    assert str(caught.value) == f"Cell D{row} (company name) is empty: write the company's name."
