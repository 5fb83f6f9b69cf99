"""The pages: login, consultations, invitations, the supplier link, the dashboard, exports and imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.services import (
    invitation_create,
    invitation_save_draft,
    invitation_submit,
    supplier_link,
)
from hrdd.consultations.spreadsheets import XLSX_CONTENT_TYPE
from hrdd.core.tasks import run_queued_tasks
from hrdd.domain.questionnaire_framework import get_framework
from tests.app.workbooks import fill_questionnaire, open_xlsx
from tests.factories import PASSWORD, ConsultationFactory, answers, response
from tests.html import controls, document, error_texts, value_of


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def form_data(raw, action):
    """The POST data of the supplier questionnaire form for a raw response."""
    framework = get_framework()
    question_ids = {q.id for q in framework.questions}
    data = {"company": raw.get("company", ""), "role": raw.get("role", ""), "action": action}
    for key, value in raw.get("answers", {}).items():
        if key in question_ids:
            data[key] = [value] if isinstance(value, str) else list(value)
        else:
            data[f"text_{key}"] = value
    return data


def respond_url(invitation):
    return reverse("respond", args=[invitation.token])


def detail_url(consultation):
    return reverse("consultations:detail", args=[consultation.public_id])


def upload(content, name="answers.xlsx"):
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


# logging in


def test_logging_in_with_the_password_redirects_to_the_landing_page(client, buyer):
    # when
    page = client.post(reverse("login"), {"username": buyer.email, "password": PASSWORD})

    # then
    assert page.status_code == 302
    assert page.url == reverse("home")
    assert client.get(reverse("consultations:list")).status_code == 200


def test_logging_in_with_a_wrong_password_fails(client, buyer):
    # when
    page = client.post(reverse("login"), {"username": buyer.email, "password": "wrong password"})

    # then
    assert page.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "path", ["/consultations/", "/audit/", "/consultations/00000000-0000-0000-0000-000000000000/"]
)
def test_anonymous_users_are_sent_to_the_login_page(client, path):
    # when
    page = client.get(path)

    # then
    assert page.status_code == 302
    assert page.url.startswith(reverse("login") + "?next=")


def test_the_home_page_sends_a_logged_in_buyer_to_the_overview(logged_in):
    # when
    page = logged_in.get("/")

    # then
    assert page.status_code == 302
    assert page.url == reverse("overview")


# consultations


def test_a_buyer_creates_a_consultation_through_the_form_and_lands_on_its_page(logged_in, buyer):
    # when
    page = logged_in.post(
        reverse("consultations:list"),
        {"title": "Smartphones 2029", "product_category": "smartphone", "deadline": "2031-05-01"},
    )

    # then
    consultation = Consultation.objects.get(title="Smartphones 2029")
    assert consultation.organisation == buyer.organisation
    assert page.status_code == 302
    assert page.url == consultation.get_absolute_url()
    landing = logged_in.get(page.url)
    assert landing.status_code == 200
    assert b"Smartphones 2029" in landing.content


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "product_category": "notebook", "deadline": "2031-05-01"},
        {"title": "Fridges", "product_category": "fridge", "deadline": "2031-05-01"},
        {"title": "Notebooks", "product_category": "notebook", "deadline": "next spring"},
    ],
)
def test_an_invalid_consultation_form_answers_400_and_creates_nothing(logged_in, data):
    # given
    before = Consultation.objects.count()

    # when
    page = logged_in.post(reverse("consultations:list"), data)

    # then
    assert page.status_code == 400
    assert Consultation.objects.count() == before


def test_a_viewer_posting_the_consultation_form_creates_nothing(client, viewer):
    # given
    client.force_login(viewer)

    # when
    page = client.post(
        reverse("consultations:list"),
        {"title": "Notebooks", "product_category": "notebook", "deadline": "2031-05-01"},
    )

    # then
    assert page.status_code == 400
    assert not Consultation.objects.exists()


def test_the_list_page_counts_submitted_and_invited_suppliers(logged_in, submitted, buyer, consultation):
    # given
    invitation_create(actor=buyer, consultation=consultation, email="late@b.example", send=False)

    # when
    page = logged_in.get(reverse("consultations:list"))

    # then
    assert page.status_code == 200
    listed = {c.pk: (c.submitted, c.invited) for c in page.context["page"]}
    assert listed[consultation.pk] == (1, 2)


def test_inviting_through_the_page_shows_the_supplier_link_and_sends_it(
    logged_in, consultation, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        page = logged_in.post(detail_url(consultation), {"email": "sales@acme.example"}, follow=True)

    # then
    invitation = Invitation.objects.get(consultation=consultation, email="sales@acme.example")
    assert page.status_code == 200
    assert supplier_link(invitation) in page.content.decode()
    assert len(mailoutbox) == 1


def test_inviting_an_invalid_address_through_the_page_answers_400_and_stores_nothing(logged_in, consultation):
    # when
    page = logged_in.post(detail_url(consultation), {"email": "not-an-address"})

    # then
    assert page.status_code == 400
    assert not consultation.invitations.exists()


def test_inviting_the_same_address_twice_through_the_page_shows_why(logged_in, consultation, invitation):
    # when
    page = logged_in.post(detail_url(consultation), {"email": invitation.email})

    # then
    assert page.status_code == 400
    assert b"already invited" in page.content
    assert consultation.invitations.count() == 1


# the supplier link


def test_the_supplier_link_opens_the_questionnaire_without_logging_in(client, invitation, consultation):
    # when
    page = client.get(respond_url(invitation))

    # then
    assert page.status_code == 200
    content = page.content.decode()
    assert consultation.title in content
    assert 'name="risk_understanding"' in content


def test_an_unknown_supplier_link_is_not_found(client, invitation):
    # when
    page = client.get(reverse("respond", args=["no-such-token"]))

    # then
    assert page.status_code == 404


def test_saving_a_draft_through_the_link_keeps_the_partial_answers(client, invitation):
    # given
    raw = {"company": "Acme", "role": "reseller", "answers": {"transparency": ["assembly_location"]}}

    # when
    page = client.post(respond_url(invitation), form_data(raw, "save"))

    # then
    assert page.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DRAFT
    assert (invitation.company_name, invitation.role) == ("Acme", "reseller")
    assert invitation.answers == {"transparency": ["assembly_location"]}


def test_a_saved_draft_is_shown_again_when_the_link_is_opened(client, invitation):
    # given
    invitation_save_draft(
        invitation=invitation,
        raw={"company": "Acme Draft Co", "role": "reseller", "answers": {"policies": ["basic_commitment"]}},
    )

    # when
    page = client.get(respond_url(invitation))

    # then
    questionnaire = document(page).by_id("questionnaire")
    assert [value_of(c) for c in controls(questionnaire, "company")] == ["Acme Draft Co"]
    assert "basic_commitment" in [value_of(c) for c in controls(questionnaire, "policies")]


def test_submitting_complete_answers_through_the_link_marks_it_submitted(client, invitation):
    # when
    page = client.post(respond_url(invitation), form_data(response(initiatives="TCO Certified"), "submit"))

    # then
    assert page.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    assert invitation.company_name == "Acme Computers"
    assert invitation.answers["policies"] == ["detailed_commitments"]
    assert invitation.answers["initiatives"] == "TCO Certified"


def test_a_second_post_after_submitting_answers_409_and_changes_nothing(client, submitted):
    # given
    submitted_at = Invitation.objects.get(pk=submitted.pk).submitted_at
    raw = response(company="Changed Name", policies=["due_diligence_strategy"])

    # when
    page = client.post(respond_url(submitted), form_data(raw, "submit"))

    # then
    assert page.status_code == 409
    submitted.refresh_from_db()
    assert submitted.company_name == "Acme Computers"
    assert submitted.answers == answers()
    assert submitted.submitted_at == submitted_at


def test_saving_a_draft_after_submitting_answers_409_and_changes_nothing(client, submitted):
    # when
    page = client.post(respond_url(submitted), form_data({"company": "Changed Name"}, "save"))

    # then
    assert page.status_code == 409
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED
    assert submitted.company_name == "Acme Computers"


def test_submitting_missing_answers_through_the_link_answers_400_naming_the_field(client, invitation):
    # given
    raw = response()
    del raw["answers"]["policies"]

    # when
    page = client.post(respond_url(invitation), form_data(raw, "submit"))

    # then
    assert page.status_code == 400
    assert b"answers.policies" in page.content
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED


def test_a_rejected_submission_keeps_what_the_supplier_typed_on_the_page(client, invitation):
    # given
    raw = response(company="Typed Company")
    del raw["answers"]["actions"]

    # when
    page = client.post(respond_url(invitation), form_data(raw, "submit"))

    # then
    assert page.status_code == 400
    assert b'value="Typed Company"' in page.content


def test_a_reopened_response_can_be_submitted_again_through_the_link(
    logged_in, client, submitted, consultation
):
    # given
    logged_in.post(
        reverse("consultations:reopen", args=[consultation.public_id, submitted.pk]), {"confirm": "on"}
    )
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.DRAFT

    # when
    page = client.post(respond_url(submitted), form_data(response(company="Acme Again"), "submit"))

    # then
    assert page.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.SUBMITTED
    assert submitted.company_name == "Acme Again"


# the dashboard


@pytest.fixture
def three_responses(buyer, consultation):
    """Three medium suppliers, one of them with the role 'other' (which draws a warning)."""
    for email, raw in [
        ("a@a.example", response(company="Alpha Computers")),
        ("b@b.example", response(company="Beta Resellers", role="reseller")),
        ("c@c.example", response(company="Gamma Leasing", role="other")),
    ]:
        invitation = invitation_create(actor=buyer, consultation=consultation, email=email, send=False)
        invitation_submit(invitation=invitation, raw=raw)
    invitation_create(actor=buyer, consultation=consultation, email="late@d.example", send=False)


def test_the_dashboard_says_no_recommendation_before_any_response(logged_in, consultation, invitation):
    # when
    page = logged_in.get(detail_url(consultation))

    # then
    assert page.status_code == 200
    assert page.context["market"] is None
    assert b"No submitted responses yet" in page.content


def test_the_dashboard_shows_each_suppliers_levels(logged_in, consultation, three_responses):
    # when
    page = logged_in.get(detail_url(consultation))

    # then
    content = page.content.decode()
    assert "Alpha Computers" in content
    assert "Gamma Leasing" in content
    assert 'class="level level-medium"' in content
    assert 'class="level level-high"' in content  # the resellers' awareness


def test_the_dashboard_shows_the_warnings(logged_in, consultation, three_responses):
    # when
    page = logged_in.get(detail_url(consultation))

    # then
    assert b'class="warning"' in page.content
    assert b"is not covered by the manual" in page.content


def test_the_dashboard_shows_the_recommendation(logged_in, consultation, three_responses):
    # when
    page = logged_in.get(detail_url(consultation))

    # then
    market = page.context["market"]
    assert market.recommended_scenario == 2
    assert market.respondents == 3
    assert b"Scenario 2: medium market maturity" in page.content
    assert b"<svg" in page.content


def test_the_response_page_shows_how_each_number_was_reached(logged_in, consultation, submitted):
    # when
    page = logged_in.get(reverse("consultations:response", args=[consultation.public_id, submitted.pk]))

    # then
    assert page.status_code == 200
    assert b'id="reasons"' in page.content
    assert b"Annex 2b" in page.content


# exports


def test_the_export_holds_suppliers_reasons_market_and_method(logged_in, consultation, three_responses):
    # when
    page = logged_in.get(reverse("consultations:export", args=[consultation.public_id]))

    # then
    assert page.status_code == 200
    assert page["Content-Type"] == XLSX_CONTENT_TYPE
    wb = open_xlsx(page.content)
    assert wb.sheetnames == ["Suppliers", "Reasons", "Market", "Method"]


def test_the_export_has_one_row_per_supplier(logged_in, consultation, three_responses):
    # when
    wb = open_xlsx(logged_in.get(reverse("consultations:export", args=[consultation.public_id])).content)

    # then
    rows = list(wb["Suppliers"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == consultation.invitations.count() == 4
    assert sorted(r[2] for r in rows) == ["a@a.example", "b@b.example", "c@c.example", "late@d.example"]
    assert {r[0] for r in rows if r[0]} == {"Alpha Computers", "Beta Resellers", "Gamma Leasing"}


def test_the_export_names_the_recommended_scenario(logged_in, consultation, three_responses):
    # when
    wb = open_xlsx(logged_in.get(reverse("consultations:export", args=[consultation.public_id])).content)

    # then
    market = {row[0]: row[1] for row in wb["Market"].iter_rows(values_only=True) if row and row[0]}
    assert market["recommended scenario"] == 2
    assert market["respondents"] == 3


def test_the_export_keeps_a_suppliers_text_as_text_not_as_a_formula(logged_in, consultation, invitation):
    # given: a supplier (an outside party) names its company like a spreadsheet formula
    formula = '=HYPERLINK("http://evil.example/","Open the results")'
    invitation_submit(invitation=invitation, raw=response(company=formula))

    # when
    wb = open_xlsx(logged_in.get(reverse("consultations:export", args=[consultation.public_id])).content)

    # then
    cell = wb["Suppliers"]["A2"]
    assert cell.data_type == "s", f"supplier text was written as a {cell.data_type!r} cell: {cell.value!r}"


def test_the_dashboard_escapes_what_a_supplier_typed(logged_in, consultation, invitation):
    # given
    invitation_submit(invitation=invitation, raw=response(company="<script>alert(1)</script>"))

    # when
    page = logged_in.get(detail_url(consultation))

    # then
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content


def test_the_buyer_downloads_the_blank_questionnaire(logged_in, consultation):
    # when
    page = logged_in.get(reverse("consultations:blank", args=[consultation.public_id]))

    # then
    assert page.status_code == 200
    assert page["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = open_xlsx(page.content)["Questionnaire"]
    keys = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"company", "role", "transparency", "risk_understanding", "policies", "actions"} <= keys


def test_the_supplier_downloads_the_blank_questionnaire_through_the_link(client, invitation):
    # when
    page = client.get(reverse("respond_blank", args=[invitation.token]))

    # then
    assert page.status_code == 200
    assert "Questionnaire" in open_xlsx(page.content).sheetnames


# imports


def test_importing_a_filled_workbook_through_the_page_stores_the_response(
    logged_in, consultation, filled_xlsx
):
    # when: the workbook is accepted at once and imported by the task worker
    page = logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]),
        {"file": upload(filled_xlsx)},
        follow=True,
    )
    run_queued_tasks()
    shown = logged_in.get(consultation.get_absolute_url())

    # then
    assert page.status_code == 200
    imported = consultation.invitations.get()
    assert imported.channel == Invitation.Channel.SPREADSHEET
    assert imported.status == Invitation.Status.SUBMITTED
    assert b"Spreadsheet Supplier Ltd" in shown.content


def test_importing_a_broken_file_through_the_page_shows_an_error_and_stores_nothing(logged_in, consultation):
    # given
    events = AuditEvent.objects.count()

    # when
    page = logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]),
        {"file": upload(b"this is no spreadsheet", name="broken.xlsx")},
    )

    # then: the page answers 400 with the error beside the file field
    assert page.status_code == 400
    [error] = page.context["import_form"].errors["file"]
    assert "broken.xlsx" in error
    assert "not a readable XLSX" in error
    assert error in error_texts(document(page).by_id("import"))[-1]
    assert not consultation.invitations.exists()
    assert AuditEvent.objects.count() == events


def test_importing_an_invalid_response_through_the_page_names_the_field(logged_in, consultation, blank_xlsx):
    # given
    filled = fill_questionnaire(blank_xlsx, role=None, answers=answers())

    # when: accepted at once (a real workbook), refused when the task worker reads it
    page = logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]),
        {"file": upload(filled)},
    )
    run_queued_tasks()
    shown = logged_in.get(consultation.get_absolute_url())

    # then: the import's progress shows the error, naming the field
    assert page.status_code == 302
    [error] = [e.text for e in document(shown).by_id("imports").find_all(cls="errors")]
    assert "role" in error
    assert "not imported" in error
    assert not consultation.invitations.exists()


def test_an_upload_larger_than_the_limit_is_refused(logged_in, consultation, filled_xlsx, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = len(filled_xlsx) - 1

    # when
    page = logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]),
        {"file": upload(filled_xlsx)},
    )

    # then
    assert page.status_code == 400
    assert any("too large" in e for e in page.context["import_form"].errors["file"])
    assert not consultation.invitations.exists()


def test_an_upload_at_the_limit_is_accepted(logged_in, consultation, filled_xlsx, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = len(filled_xlsx)

    # when
    logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]), {"file": upload(filled_xlsx)}
    )
    run_queued_tasks()

    # then
    assert consultation.invitations.count() == 1


def test_a_viewer_cannot_import_through_the_page(client, viewer, consultation, filled_xlsx):
    # given
    client.force_login(viewer)

    # when
    page = client.post(
        reverse("consultations:import", args=[consultation.public_id]), {"file": upload(filled_xlsx)}
    )

    # then
    assert page.status_code == 403
    assert not consultation.invitations.exists()


# the audit page


def test_the_audit_page_lists_the_organisations_own_events_only(logged_in, buyer, outsider, consultation):
    # given
    invitation_create(actor=buyer, consultation=consultation, email="mine@a.example", send=False)
    elsewhere = ConsultationFactory(organisation=outsider.organisation)
    invitation_create(actor=outsider, consultation=elsewhere, email="theirs@b.example", send=False)

    # when
    page = logged_in.get(reverse("audit"))

    # then
    assert page.status_code == 200
    events = list(page.context["events"])
    assert {e.action for e in events} == {"invitation.create"}
    assert all(e.organisation_id == buyer.organisation_id for e in events)
    assert b"mine@a.example" in page.content
    assert b"theirs@b.example" not in page.content
    assert outsider.email.encode() not in page.content


def test_importing_a_filled_workbook_is_listed_on_the_audit_page(logged_in, consultation, filled_xlsx):
    # given
    logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]), {"file": upload(filled_xlsx)}
    )
    run_queued_tasks()

    # when
    page = logged_in.get(reverse("audit"))

    # then
    assert b"response.import_xlsx" in page.content
