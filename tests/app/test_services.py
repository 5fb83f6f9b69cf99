"""The consultation services: every write validated, permission-checked, audited, and all-or-nothing."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.services import (
    AlreadySubmitted,
    ConsultationError,
    consultation_create,
    invitation_create,
    invitation_reopen,
    invitation_save_draft,
    invitation_submit,
    response_import_xlsx,
    supplier_link,
)
from hrdd.consultations.spreadsheets import SpreadsheetError
from hrdd.domain.maturity import InvalidResponse
from tests.app.workbooks import answer_row, fill_questionnaire
from tests.factories import answers, response

DEADLINE = dt.date(2031, 3, 1)


def counts():
    """How many consultations, invitations and audit events are stored."""
    return (Consultation.objects.count(), Invitation.objects.count(), AuditEvent.objects.count())


def field_names(exc: InvalidResponse) -> set[str]:
    return {e.field for e in exc.errors}


# consultation_create


def test_creating_a_consultation_stores_it_in_the_buyers_organisation(buyer, municipality):
    # when
    consultation = consultation_create(
        actor=buyer, title="  Notebooks 2028  ", product_category="notebook", deadline=DEADLINE
    )

    # then
    consultation.refresh_from_db()
    assert consultation.organisation == municipality
    assert consultation.title == "Notebooks 2028"
    assert consultation.created_by == buyer
    assert consultation.framework_id == "cfit-2025"


def test_creating_a_consultation_records_an_audit_event_with_actor_action_and_state(buyer, municipality):
    # when
    consultation = consultation_create(
        actor=buyer, title="Notebooks 2028", product_category="notebook", deadline=DEADLINE
    )

    # then
    event = AuditEvent.objects.get(action="consultation.create")
    assert event.actor == buyer
    assert event.actor_label == buyer.email
    assert event.organisation == municipality
    assert event.target_type == "consultations.consultation"
    assert event.target_id == str(consultation.pk)
    assert event.after == {
        "title": "Notebooks 2028",
        "product_category": "notebook",
        "deadline": "2031-03-01",
        "framework_id": "cfit-2025",
        "procurement": str(consultation.procurement.public_id),
    }


@pytest.mark.parametrize("title", ["", "   ", None])
def test_a_consultation_without_a_title_is_refused_naming_the_title_and_nothing_is_stored(buyer, title):
    # given
    before = counts()

    # when
    with pytest.raises(ConsultationError) as caught:
        consultation_create(actor=buyer, title=title, product_category="notebook", deadline=DEADLINE)

    # then
    assert caught.value.field == "title"
    assert counts() == before


def test_an_unknown_product_category_is_refused_naming_the_field_and_nothing_is_stored(buyer):
    # given
    before = counts()

    # when
    with pytest.raises(ConsultationError) as caught:
        consultation_create(actor=buyer, title="Fridges", product_category="fridge", deadline=DEADLINE)

    # then
    assert caught.value.field == "product_category"
    assert "fridge" in str(caught.value)
    assert counts() == before


def test_an_unknown_questionnaire_framework_is_refused_naming_the_field_and_nothing_is_stored(buyer):
    # given
    before = counts()

    # when
    with pytest.raises(ConsultationError) as caught:
        consultation_create(
            actor=buyer,
            title="Notebooks",
            product_category="notebook",
            deadline=DEADLINE,
            framework_id="no-such-framework",
        )

    # then
    assert caught.value.field == "framework_id"
    assert counts() == before


def test_a_title_longer_than_the_column_is_refused_naming_the_title_and_nothing_is_stored(buyer):
    # given: the title column holds 200 characters (PostgreSQL would fail the insert with a DataError)
    before = counts()

    # when
    with pytest.raises(ConsultationError) as caught:
        consultation_create(actor=buyer, title="N" * 201, product_category="notebook", deadline=DEADLINE)

    # then
    assert caught.value.field == "title"
    assert counts() == before


def test_a_viewer_may_not_create_a_consultation_and_nothing_is_stored(viewer):
    # given
    before = counts()

    # when / then
    with pytest.raises(PermissionDenied):
        consultation_create(actor=viewer, title="Notebooks", product_category="notebook", deadline=DEADLINE)
    assert counts() == before


def test_a_contract_manager_may_create_a_consultation(contract_manager):
    # when
    consultation = consultation_create(
        actor=contract_manager, title="Servers", product_category="server", deadline=DEADLINE
    )

    # then
    assert Consultation.objects.filter(
        pk=consultation.pk, organisation=contract_manager.organisation
    ).exists()


# invitation_create


def test_inviting_a_supplier_sends_one_email_with_its_secret_link(
    buyer, consultation, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(actor=buyer, consultation=consultation, email="Sales@Acme.example")

    # then
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["sales@acme.example"]
    assert supplier_link(invitation) in mail.body
    assert invitation.token in mail.body
    assert consultation.title in mail.body


def test_an_invitation_gets_an_unguessable_token_and_a_lower_cased_address(buyer, consultation):
    # when
    first = invitation_create(actor=buyer, consultation=consultation, email="Sales@Acme.example", send=False)
    second = invitation_create(actor=buyer, consultation=consultation, email="info@b.example", send=False)

    # then
    assert first.email == "sales@acme.example"
    assert first.status == Invitation.Status.INVITED
    assert len(first.token) >= 40
    assert first.token != second.token


def test_an_invitation_is_not_emailed_when_sending_is_off(
    buyer, consultation, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=buyer, consultation=consultation, email="sales@acme.example", send=False)

    # then
    assert mailoutbox == []
    assert consultation.invitations.count() == 1


@pytest.mark.parametrize("email", ["", "not-an-address", "a@", "two@one.example two@two.example"])
def test_an_invalid_email_address_is_refused_and_nothing_is_stored_or_sent(
    buyer, consultation, email, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    before = counts()

    # when
    with pytest.raises(ConsultationError) as caught, django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=buyer, consultation=consultation, email=email)

    # then
    assert caught.value.field == "email"
    assert counts() == before
    assert mailoutbox == []


def test_inviting_the_same_address_twice_is_refused_and_nothing_more_is_stored_or_sent(
    buyer, consultation, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    invitation_create(actor=buyer, consultation=consultation, email="sales@acme.example", send=False)
    before = counts()

    # when
    with pytest.raises(ConsultationError) as caught, django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=buyer, consultation=consultation, email=" SALES@acme.example ")

    # then
    assert caught.value.field == "email"
    assert "sales@acme.example" in str(caught.value)
    assert counts() == before
    assert mailoutbox == []


def test_a_viewer_may_not_invite_a_supplier(viewer, consultation):
    # given
    before = counts()

    # when / then
    with pytest.raises(PermissionDenied):
        invitation_create(actor=viewer, consultation=consultation, email="sales@acme.example")
    assert counts() == before


def test_an_outsider_may_not_invite_a_supplier_to_another_organisations_consultation(outsider, consultation):
    # given
    before = counts()

    # when / then
    with pytest.raises(PermissionDenied):
        invitation_create(actor=outsider, consultation=consultation, email="sales@acme.example")
    assert counts() == before


# invitation_save_draft


def test_a_draft_keeps_partial_answers(invitation):
    # given
    raw = {"company": "Acme", "role": "reseller", "answers": {"transparency": ["assembly_location"]}}

    # when
    invitation_save_draft(invitation=invitation, raw=raw)

    # then
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert invitation.company_name == "Acme"
    assert invitation.role == "reseller"
    assert invitation.answers == {"transparency": ["assembly_location"]}
    assert invitation.submitted_at is None


def test_an_empty_draft_may_be_saved(invitation):
    # when
    invitation_save_draft(invitation=invitation, raw={"company": "", "role": "", "answers": {}})

    # then
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert invitation.answers == {}


def test_a_draft_with_an_unknown_option_is_refused_naming_the_field_and_nothing_changes(invitation):
    # given
    invitation_save_draft(
        invitation=invitation,
        raw={"company": "Acme", "role": "reseller", "answers": {"policies": ["basic_commitment"]}},
    )
    invitation.refresh_from_db()
    kept = (invitation.status, invitation.company, invitation.role, invitation.answers)
    events = AuditEvent.objects.count()

    # when
    with pytest.raises(InvalidResponse) as caught:
        invitation_save_draft(
            invitation=invitation,
            raw={"company": "Other", "role": "manufacturer", "answers": {"transparency": ["telepathy"]}},
        )

    # then
    assert field_names(caught.value) == {"answers.transparency"}
    assert "telepathy" in str(caught.value)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.company, invitation.role, invitation.answers) == kept
    assert AuditEvent.objects.count() == events


def test_a_draft_with_an_unknown_role_is_refused_naming_the_role(invitation):
    # when
    with pytest.raises(InvalidResponse) as caught:
        invitation_save_draft(invitation=invitation, raw={"company": "Acme", "role": "pirate", "answers": {}})

    # then
    assert field_names(caught.value) == {"role"}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


# invitation_submit


def test_submitting_complete_answers_marks_the_invitation_submitted(invitation):
    # when
    invitation_submit(invitation=invitation, raw=response(company=" Acme Computers "))

    # then
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.is_submitted
    assert invitation.submitted_at is not None
    assert invitation.company_name == "Acme Computers"
    assert invitation.role == "manufacturer"
    assert invitation.answers == answers()


def test_submitting_two_answers_to_the_single_choice_question_is_refused_and_nothing_changes(invitation):
    # given
    raw = response(risk_understanding=["fair", "good"])

    # when
    with pytest.raises(InvalidResponse) as caught:
        invitation_submit(invitation=invitation, raw=raw)

    # then
    assert field_names(caught.value) == {"answers.risk_understanding"}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED
    assert invitation.answers == {}
    assert invitation.submitted_at is None


def test_submitting_incomplete_answers_names_every_missing_question(invitation):
    # given
    raw = {"company": "Acme", "role": "manufacturer", "answers": {"transparency": ["end_to_end"]}}

    # when
    with pytest.raises(InvalidResponse) as caught:
        invitation_submit(invitation=invitation, raw=raw)

    # then
    assert field_names(caught.value) == {"answers.risk_understanding", "answers.policies", "answers.actions"}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


def test_submitting_without_a_company_name_is_refused_naming_the_company(invitation):
    # when
    with pytest.raises(InvalidResponse) as caught:
        invitation_submit(invitation=invitation, raw=response(company="   "))

    # then
    assert field_names(caught.value) == {"company"}


def test_a_submitted_response_cannot_be_submitted_again(submitted):
    # given
    submitted_at = Invitation.objects.get(pk=submitted.pk).submitted_at

    # when
    with pytest.raises(AlreadySubmitted):
        invitation_submit(invitation=submitted, raw=response(company="Someone Else"))

    # then
    submitted.refresh_from_db()
    assert submitted.company_name == "Acme Computers"
    assert submitted.submitted_at == submitted_at


def test_a_submitted_response_cannot_be_changed_by_saving_a_draft(submitted):
    # when
    with pytest.raises(AlreadySubmitted):
        invitation_save_draft(invitation=submitted, raw={"company": "Changed", "role": "", "answers": {}})

    # then
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED
    assert submitted.company_name == "Acme Computers"
    assert submitted.answers == answers()


def test_a_stale_copy_of_the_invitation_cannot_resubmit(invitation):
    # given: the page was loaded before the supplier submitted in another tab
    stale = Invitation.objects.get(pk=invitation.pk)
    invitation_submit(invitation=invitation, raw=response())

    # when / then
    with pytest.raises(AlreadySubmitted):
        invitation_submit(invitation=stale, raw=response(company="Tab Two"))


# invitation_reopen


def test_the_buyer_reopens_a_submitted_response_as_a_draft_keeping_its_answers(buyer, submitted):
    # when
    invitation_reopen(actor=buyer, invitation=submitted)

    # then
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.DRAFT
    assert submitted.submitted_at is None
    assert submitted.answers == answers()


def test_a_reopened_response_can_be_submitted_again(buyer, submitted):
    # given
    invitation_reopen(actor=buyer, invitation=submitted)

    # when
    invitation_submit(invitation=submitted, raw=response(policies=["due_diligence_strategy"]))

    # then
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED
    assert submitted.answers["policies"] == ["due_diligence_strategy"]


def test_an_outsider_may_not_reopen_a_response(outsider, submitted):
    # when
    with pytest.raises(PermissionDenied):
        invitation_reopen(actor=outsider, invitation=submitted)

    # then
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED


def test_a_viewer_may_not_reopen_a_response(viewer, submitted):
    # when
    with pytest.raises(PermissionDenied):
        invitation_reopen(actor=viewer, invitation=submitted)

    # then
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED


def test_a_response_that_was_not_submitted_cannot_be_reopened(buyer, invitation):
    # given
    before = counts()

    # when / then
    with pytest.raises(ConsultationError):
        invitation_reopen(actor=buyer, invitation=invitation)
    assert counts() == before


# response_import_xlsx


def test_importing_a_filled_workbook_stores_a_submitted_spreadsheet_response(
    buyer, consultation, filled_xlsx
):
    # when
    invitation = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled_xlsx))

    # then
    invitation.refresh_from_db()
    assert invitation.consultation == consultation
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.channel == Invitation.Channel.SPREADSHEET
    assert invitation.submitted_at is not None
    assert invitation.company_name == "Spreadsheet Supplier Ltd"
    assert invitation.role == "manufacturer"
    assert invitation.answers == answers(risk_understanding=["fair"])  # ticks are read as lists


def test_an_imported_workbook_keeps_free_text_answers(buyer, consultation, blank_xlsx):
    # given
    raw = response(actions=["industry_initiatives"], initiatives="TCO Certified")
    filled = fill_questionnaire(blank_xlsx, company=raw["company"], role=raw["role"], answers=raw["answers"])

    # when
    invitation = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then
    assert invitation.answers["actions"] == ["industry_initiatives"]
    assert invitation.answers["initiatives"] == "TCO Certified"


def test_a_workbook_with_a_tick_that_is_not_a_tick_is_refused_naming_the_cell_and_nothing_is_stored(
    buyer, consultation, blank_xlsx
):
    # given
    raw = response()
    filled = fill_questionnaire(
        blank_xlsx,
        company=raw["company"],
        role=raw["role"],
        answers=raw["answers"],
        marks={("policies", "basic_commitment"): "maybe"},
    )
    row = answer_row(filled, "policies", "basic_commitment")
    before = counts()

    # when
    with pytest.raises(SpreadsheetError) as caught:
        response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then
    assert f"D{row}" in str(caught.value)
    assert "maybe" in str(caught.value)
    assert counts() == before


def test_a_file_that_is_not_a_workbook_is_refused_and_nothing_is_stored(buyer, consultation):
    # given
    before = counts()

    # when / then
    with pytest.raises(SpreadsheetError):
        response_import_xlsx(
            actor=buyer, consultation=consultation, stream=io.BytesIO(b"company,role\nAcme,manufacturer\n")
        )
    assert counts() == before


def test_a_workbook_without_a_role_is_refused_naming_the_role_and_nothing_is_stored(
    buyer, consultation, blank_xlsx
):
    # given
    filled = fill_questionnaire(blank_xlsx, role=None, answers=answers())
    before = counts()

    # when
    with pytest.raises(InvalidResponse) as caught:
        response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then
    assert "role" in field_names(caught.value)
    assert counts() == before


def test_a_workbook_with_two_answers_to_a_single_choice_question_is_refused_naming_it(
    buyer, consultation, blank_xlsx
):
    # given
    filled = fill_questionnaire(blank_xlsx, answers=answers(risk_understanding=["fair", "good"]))
    before = counts()

    # when
    with pytest.raises(InvalidResponse) as caught:
        response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled))

    # then
    assert field_names(caught.value) == {"answers.risk_understanding"}
    assert counts() == before


def test_a_workbook_of_another_questionnaire_is_refused_and_nothing_is_stored(
    buyer, consultation, filled_xlsx
):
    # given
    wb = load_workbook(io.BytesIO(filled_xlsx))
    wb["Questionnaire"]["D2"] = "someone-elses-questionnaire"
    buffer = io.BytesIO()
    wb.save(buffer)
    before = counts()

    # when
    with pytest.raises(SpreadsheetError) as caught:
        response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(buffer.getvalue()))

    # then
    assert "someone-elses-questionnaire" in str(caught.value)
    assert counts() == before


def test_a_viewer_may_not_import_a_workbook(viewer, consultation, filled_xlsx):
    # given
    before = counts()

    # when / then
    with pytest.raises(PermissionDenied):
        response_import_xlsx(actor=viewer, consultation=consultation, stream=io.BytesIO(filled_xlsx))
    assert counts() == before
