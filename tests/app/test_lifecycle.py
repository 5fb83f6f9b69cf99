"""Mistakes can be undone: consultations, invitations and responses, tenders and contracts are edited, archived,
restored and deleted (while nothing depends on them), each change audited; an invitation is resent or withdrawn;
reopening asks for a yes; a deadline in the past is refused and a late answer is marked late."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hrdd.audit.models import AuditEvent
from hrdd.consultations import lifecycle
from hrdd.consultations.models import Consultation, Invitation
from hrdd.consultations.selectors import consultation_list, consultation_market, consultation_response_counts
from hrdd.consultations.services import (
    ConsultationError,
    DuplicateResponses,
    consultation_create,
    invitation_create,
    invitation_submit,
    response_import_xlsx,
    responses_import,
)
from hrdd.consultations.tasks import results_export
from tests.app.workbooks import fill_questionnaire
from tests.factories import response
from tests.html import document

TODAY = timezone.localdate()
NEXT_MONTH = TODAY + dt.timedelta(days=30)


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def as_viewer(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def as_outsider(client, outsider):
    client.force_login(outsider)
    return client


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def url(name, *args):
    return reverse(f"consultations:{name}", args=args)


# a consultation's deadline


def test_a_deadline_in_the_past_is_refused_on_create_beside_its_field(buyer):
    with pytest.raises(ConsultationError) as refused:
        consultation_create(
            actor=buyer, title="Late", product_category="notebook", deadline=TODAY - dt.timedelta(days=1)
        )
    assert refused.value.field == "deadline"
    assert "has passed" in str(refused.value)
    assert not Consultation.objects.filter(title="Late").exists()


def test_the_create_form_shows_a_past_deadline_refused_beside_the_deadline(logged_in):
    # when
    page = logged_in.post(
        url("list"),
        {"title": "Late", "product_category": "notebook", "deadline": "2020-01-01", "form_key": "k-past"},
    )

    # then
    assert page.status_code == 400
    errors = document(page).by_id("id_deadline_error")
    assert "has passed" in errors.text
    assert not Consultation.objects.filter(title="Late").exists()


def test_today_is_still_an_acceptable_deadline(buyer):
    consultation = consultation_create(
        actor=buyer, title="Today", product_category="notebook", deadline=TODAY
    )
    assert consultation.deadline == TODAY


def test_editing_to_a_past_deadline_is_refused_beside_the_field(logged_in, consultation):
    page = logged_in.post(
        url("edit", consultation.public_id),
        {"title": consultation.title, "product_category": "notebook", "deadline": "2020-01-01"},
    )
    assert page.status_code == 400
    assert "has passed" in document(page).by_id("id_deadline_error").text
    consultation.refresh_from_db()
    assert consultation.deadline != dt.date(2020, 1, 1)


def test_an_edit_that_keeps_a_deadline_already_passed_is_accepted(buyer, consultation):
    # given: the deadline passed since the consultation was made
    Consultation.objects.filter(pk=consultation.pk).update(deadline=TODAY - dt.timedelta(days=3))
    consultation.refresh_from_db()

    # when: only the title changes
    lifecycle.consultation_update(
        actor=buyer,
        consultation=consultation,
        title="Renamed",
        product_category=consultation.product_category,
        deadline=consultation.deadline,
    )

    # then
    consultation.refresh_from_db()
    assert consultation.title == "Renamed"


# a late answer


def test_an_answer_after_the_deadline_is_accepted_and_marked_late(buyer, consultation, invitation):
    # given
    Consultation.objects.filter(pk=consultation.pk).update(deadline=TODAY - dt.timedelta(days=2))

    # when
    invitation_submit(invitation=Invitation.objects.get(pk=invitation.pk), raw=response())

    # then
    invitation.refresh_from_db()
    assert invitation.is_submitted
    assert invitation.late is True


def test_an_answer_on_the_deadline_day_is_on_time(submitted):
    assert submitted.late is False


def test_moving_the_deadline_marks_the_answers_late_or_on_time_again(buyer, consultation, submitted):
    # given: an answer submitted today, a deadline that had passed
    Invitation.objects.filter(pk=submitted.pk).update(late=True)

    # when: the buyer extends the deadline
    lifecycle.consultation_update(
        actor=buyer,
        consultation=consultation,
        title=consultation.title,
        product_category="notebook",
        deadline=NEXT_MONTH,
    )

    # then
    submitted.refresh_from_db()
    assert submitted.late is False
    event = events("consultation.update")[-1]
    assert event.before["deadline"] != event.after["deadline"] == NEXT_MONTH.isoformat()
    assert event.after["late_answers"] == 0


def test_a_late_answer_is_marked_on_the_results_table_and_in_the_export(logged_in, consultation, submitted):
    # given
    Invitation.objects.filter(pk=submitted.pk).update(late=True)

    # when
    page = logged_in.get(url("detail", consultation.public_id))
    workbook = results_export(consultation)

    # then
    row = document(page).by_id("suppliers").find(tag="tbody").find(tag="tr")
    assert "late" in row.text
    assert "1 answer came after the deadline" in document(page).by_id("response-counts").text
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(workbook), read_only=True)["Suppliers"]
    statuses = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert statuses[0].startswith("submitted, late (")


# editing, archiving, restoring and deleting a consultation


def test_editing_a_consultation_changes_its_plain_fields_and_is_audited(logged_in, consultation):
    # when
    page = logged_in.post(
        url("edit", consultation.public_id),
        {
            "title": "Notebooks 2027 (corrected)",
            "product_category": "tablet",
            "deadline": NEXT_MONTH.isoformat(),
        },
    )

    # then
    assert page.status_code == 302
    consultation.refresh_from_db()
    assert (consultation.title, consultation.product_category) == ("Notebooks 2027 (corrected)", "tablet")
    event = events("consultation.update")[-1]
    assert event.before["title"] == "Notebooks 2027"
    assert event.after["title"] == "Notebooks 2027 (corrected)"


def test_the_questionnaire_cannot_change_once_a_supplier_answered(buyer, consultation, submitted):
    with pytest.raises(ConsultationError) as refused:
        lifecycle.consultation_update(
            actor=buyer,
            consultation=consultation,
            title=consultation.title,
            product_category="notebook",
            deadline=consultation.deadline,
            framework_id="no-such-questionnaire",
        )
    assert refused.value.field == "framework_id"


def test_an_archived_consultation_leaves_the_list_and_comes_back_when_restored(
    logged_in, buyer, consultation
):
    # when
    archived = logged_in.post(url("archive", consultation.public_id))

    # then
    assert archived.status_code == 302
    assert consultation not in consultation_list(user=buyer)
    assert consultation in consultation_list(user=buyer, archived="all")
    assert list(consultation_list(user=buyer, archived="archived")) == [consultation]
    listed = logged_in.get(url("list"))
    assert consultation.title not in document(listed).by_id("consultations").text
    shown = logged_in.get(url("list") + "?archived=all")
    assert consultation.title in document(shown).by_id("consultations").text
    page = logged_in.get(url("detail", consultation.public_id))
    assert "Archived on" in document(page).by_id("archived").text

    # when
    logged_in.post(url("restore", consultation.public_id))

    # then
    assert consultation in consultation_list(user=buyer)
    assert [e.action for e in AuditEvent.objects.filter(target_id=str(consultation.pk)).order_by("id")][
        -2:
    ] == [
        "consultation.archive",
        "consultation.restore",
    ]
    archive_event = events("consultation.archive")[0]
    assert archive_event.before["archived_at"] is None and archive_event.after["archived_at"]


def test_a_consultation_without_answers_or_tenders_is_deleted_after_confirmation(
    logged_in, consultation, invitation
):
    # given
    pk = consultation.pk
    confirm = logged_in.get(url("delete", consultation.public_id))
    assert confirm.status_code == 200
    assert document(confirm).by_id("confirm") is not None

    # when: the box is not ticked
    unticked = logged_in.post(url("delete", consultation.public_id), {})

    # then
    assert unticked.status_code == 400
    assert Consultation.objects.filter(pk=pk).exists()

    # when
    deleted = logged_in.post(url("delete", consultation.public_id), {"confirm": "on"})

    # then
    assert deleted.status_code == 302 and deleted.url == url("list")
    assert not Consultation.objects.filter(pk=pk).exists()
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    event = events("consultation.delete")[0]
    assert event.target_id == str(pk)
    assert event.before["title"] == "Notebooks 2027"
    assert event.before["invitations"] == ["supplier@acme.example"]


def test_a_consultation_with_a_submitted_answer_cannot_be_deleted_and_says_why(
    logged_in, consultation, submitted
):
    # when
    page = logged_in.post(url("delete", consultation.public_id), {"confirm": "on"})

    # then
    assert page.status_code == 409
    assert "1 supplier has submitted answers." in document(page).by_id("blockers").text
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    assert not events("consultation.delete")


def test_a_consultation_with_a_tender_cannot_be_deleted(buyer, consultation):
    # given
    from hrdd.tenders.services import tender_create

    tender_create(actor=buyer, title="Notebooks tender", scenario=1, consultation=consultation)

    # then
    with pytest.raises(ConsultationError) as refused:
        lifecycle.consultation_delete(actor=buyer, consultation=consultation)
    assert "1 tender is built on it (Notebooks tender)." in str(refused.value)


# invitations: edit, resend, withdraw, restore, delete


def test_an_invitation_is_resent_with_the_same_link_and_audited(
    logged_in, consultation, invitation, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        page = logged_in.post(url("resend", consultation.public_id, invitation.pk))

    # then
    assert page.status_code == 302
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body
    assert mail.outbox[0].to == ["supplier@acme.example"]
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert events("invitation.resend")[0].after["sent_at"]


def test_editing_an_invitation_keeps_its_link(logged_in, consultation, invitation):
    # when
    logged_in.post(
        url("invitation_edit", consultation.public_id, invitation.pk),
        {"email": "Sales@Acme.example", "company": "Acme"},
    )

    # then
    changed = Invitation.objects.get(pk=invitation.pk)
    assert changed.email == "sales@acme.example"
    assert changed.token == invitation.token
    event = events("invitation.update")[0]
    assert (event.before["email"], event.after["email"]) == ("supplier@acme.example", "sales@acme.example")


def test_a_withdrawn_invitations_link_says_so_kindly_with_404(client, logged_in, consultation, invitation):
    # when
    page = logged_in.post(url("withdraw", consultation.public_id, invitation.pk), {"confirm": "on"})

    # then
    assert page.status_code == 302
    link = client.get(reverse("respond", args=[invitation.token]))
    assert link.status_code == 404
    assert "withdrawn" in document(link).find(tag="h1").text
    assert "Municipality of Testville" in link.content.decode()
    posted = client.post(reverse("respond", args=[invitation.token]), {"action": "submit"})
    assert posted.status_code == 404

    # when: restored
    logged_in.post(url("invitation_restore", consultation.public_id, invitation.pk))

    # then
    assert client.get(reverse("respond", args=[invitation.token])).status_code == 200
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="invitation.").order_by("id")][
        -2:
    ] == [
        "invitation.withdraw",
        "invitation.restore",
    ]


def test_withdrawing_needs_the_box_ticked(logged_in, consultation, invitation):
    page = logged_in.post(url("withdraw", consultation.public_id, invitation.pk), {})
    assert page.status_code == 400
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None


def test_a_withdrawn_answer_no_longer_counts_in_the_recommendation(buyer, consultation, submitted):
    # given
    assert consultation_market(consultation=consultation).respondents == 1

    # when
    lifecycle.invitation_withdraw(actor=buyer, invitation=submitted)

    # then
    assert consultation_market(consultation=consultation) is None
    counts = consultation_response_counts(consultation=consultation)
    assert (counts["submitted"], counts["withdrawn"]) == (0, 1)
    assert consultation_list(user=buyer).get(pk=consultation.pk).submitted == 0


def test_an_unanswered_invitation_is_deleted_but_a_submitted_one_is_not(
    logged_in, buyer, consultation, submitted
):
    # given
    other = invitation_create(actor=buyer, consultation=consultation, email="other@example.org", send=False)

    # when
    refused = logged_in.post(
        url("invitation_delete", consultation.public_id, submitted.pk), {"confirm": "on"}
    )
    deleted = logged_in.post(url("invitation_delete", consultation.public_id, other.pk), {"confirm": "on"})

    # then
    assert refused.status_code == 409
    assert "withdraw the invitation instead" in document(refused).by_id("blockers").text
    assert Invitation.objects.filter(pk=submitted.pk).exists()
    assert deleted.status_code == 302
    assert not Invitation.objects.filter(pk=other.pk).exists()
    assert events("invitation.delete")[0].before["email"] == "other@example.org"


# reopen asks for a yes


def test_reopen_shows_a_confirmation_page_and_needs_the_box_ticked(logged_in, consultation, submitted):
    # when
    asked = logged_in.get(url("reopen", consultation.public_id, submitted.pk))
    unticked = logged_in.post(url("reopen", consultation.public_id, submitted.pk), {})

    # then
    assert asked.status_code == 200
    assert document(asked).by_id("confirm").find(tag="input", type="checkbox") is not None
    assert unticked.status_code == 400
    submitted.refresh_from_db()
    assert submitted.is_submitted

    # when
    logged_in.post(url("reopen", consultation.public_id, submitted.pk), {"confirm": "on"})

    # then
    submitted.refresh_from_db()
    assert submitted.status == Invitation.Status.DRAFT


# importing the same questionnaire twice


def test_importing_the_same_supplier_again_is_refused_with_an_offer_to_replace(
    buyer, consultation, filled_xlsx
):
    # given
    first = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled_xlsx))

    # when
    with pytest.raises(DuplicateResponses) as refused:
        responses_import(actor=buyer, consultation=consultation, workbooks=[("again.xlsx", filled_xlsx)])

    # then
    assert "again.xlsx: Spreadsheet Supplier Ltd already answered on" in str(refused.value)
    assert refused.value.duplicates == [
        {"file": "again.xlsx", "company": "Spreadsheet Supplier Ltd", "response": first.pk}
    ]
    assert consultation.invitations.count() == 1


def test_replacing_the_earlier_answer_keeps_one_response_and_audits_both(buyer, consultation, blank_xlsx):
    # given
    first_raw = response(company="Spreadsheet Supplier Ltd")
    first = fill_questionnaire(
        blank_xlsx, company=first_raw["company"], role="manufacturer", answers=first_raw["answers"]
    )
    earlier = response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(first))
    second = fill_questionnaire(
        blank_xlsx, company="spreadsheet supplier ltd.", role="reseller", answers=first_raw["answers"]
    )

    # when
    [replaced] = responses_import(
        actor=buyer, consultation=consultation, workbooks=[("second.xlsx", second)], replace=True
    )

    # then
    assert replaced.pk == earlier.pk
    assert consultation.invitations.count() == 1
    assert Invitation.objects.get(pk=earlier.pk).role == "reseller"
    event = events("response.replace")[0]
    assert (event.before["role"], event.after["role"]) == ("manufacturer", "reseller")
    assert consultation_market(consultation=consultation).respondents == 1


def test_the_consultation_page_offers_to_replace_after_a_refused_import(
    logged_in, buyer, consultation, filled_xlsx
):
    # given: an earlier answer, then an import of the same workbook run by the queue
    from hrdd.consultations.services import responses_import_accept
    from hrdd.core.tasks import task_run_here

    response_import_xlsx(actor=buyer, consultation=consultation, stream=io.BytesIO(filled_xlsx))

    class Upload(io.BytesIO):
        name = "again.xlsx"
        size = len(filled_xlsx)

    run = responses_import_accept(
        actor=buyer, consultation=consultation, uploads=[Upload(filled_xlsx)], enqueue=False
    )
    task_run_here(run)
    run.refresh_from_db()
    assert run.status == run.Status.FAILED

    # when
    page = logged_in.get(url("detail", consultation.public_id))

    # then
    form = document(page).by_id("replace-earlier")
    assert form.get("action") == url("import_replace", consultation.public_id, run.public_id)

    # when: the buyer says replace, and the queue runs the import again
    logged_in.post(form.get("action"))
    run.refresh_from_db()
    task_run_here(run)

    # then
    run.refresh_from_db()
    assert run.status == run.Status.DONE
    assert consultation.invitations.count() == 1
    assert events("response.replace")


# walls


@pytest.mark.parametrize(
    ("name", "method", "data"),
    [
        ("edit", "post", {"title": "x", "product_category": "notebook", "deadline": "2099-01-01"}),
        ("archive", "post", {}),
        ("restore", "post", {}),
        ("delete", "post", {"confirm": "on"}),
        ("delete", "get", {}),
    ],
)
def test_another_organisations_consultation_is_not_found(as_outsider, consultation, name, method, data):
    page = getattr(as_outsider, method)(url(name, consultation.public_id), data)
    assert page.status_code == 404
    assert Consultation.objects.filter(pk=consultation.pk, title="Notebooks 2027").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("edit", {"title": "x", "product_category": "notebook", "deadline": "2099-01-01"}),
        ("archive", {}),
        ("delete", {"confirm": "on"}),
    ],
)
def test_a_viewer_cannot_change_a_consultation(as_viewer, consultation, name, data):
    page = as_viewer.post(url(name, consultation.public_id), data)
    assert page.status_code == 403
    consultation.refresh_from_db()
    assert consultation.archived_at is None and consultation.title == "Notebooks 2027"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("resend", {}),
        ("withdraw", {"confirm": "on"}),
        ("invitation_delete", {"confirm": "on"}),
        ("reopen", {"confirm": "on"}),
    ],
)
def test_a_viewer_cannot_change_an_invitation(as_viewer, consultation, invitation, name, data):
    page = as_viewer.post(url(name, consultation.public_id, invitation.pk), data)
    assert page.status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk, withdrawn_at__isnull=True).exists()


@pytest.mark.parametrize("name", ["resend", "withdraw", "invitation_delete", "invitation_edit", "reopen"])
def test_another_organisations_invitation_is_not_found(as_outsider, consultation, invitation, name):
    page = as_outsider.post(url(name, consultation.public_id, invitation.pk), {"confirm": "on"})
    assert page.status_code == 404


# tenders


@pytest.fixture
def tender(buyer, consultation):
    from hrdd.tenders.services import tender_create

    return tender_create(actor=buyer, title="Notebooks tender", scenario=1, consultation=consultation)


def tender_url(name, tender):
    return reverse(f"tenders:{name}", args=[tender.public_id])


def test_a_tender_is_renamed_and_audited(logged_in, tender):
    page = logged_in.post(tender_url("edit", tender), {"title": "Notebooks tender 2027"})
    assert page.status_code == 302
    tender.refresh_from_db()
    assert tender.title == "Notebooks tender 2027"
    event = events("tender.update")[-1]
    assert (event.before["title"], event.after["title"]) == ("Notebooks tender", "Notebooks tender 2027")


def test_an_archived_tender_leaves_the_list_and_the_contract_form(logged_in, buyer, tender):
    from hrdd.tenders.selectors import tender_list, tender_newest

    # when
    logged_in.post(tender_url("archive", tender))

    # then
    assert tender not in tender_list(user=buyer)
    assert tender not in tender_newest(user=buyer)
    assert tender in tender_list(user=buyer, archived="all")
    assert "Notebooks tender" not in document(logged_in.get(reverse("tenders:list"))).find(tag="table").text
    assert "Archived on" in document(logged_in.get(tender.get_absolute_url())).by_id("archived").text

    # when
    logged_in.post(tender_url("restore", tender))

    # then
    assert tender in tender_list(user=buyer)
    archived_then_restored = AuditEvent.objects.filter(action__in=["tender.archive", "tender.restore"])
    assert [e.action for e in archived_then_restored.order_by("id")] == ["tender.archive", "tender.restore"]


def test_a_tender_without_contract_or_evaluation_is_deleted(logged_in, tender):
    pk = tender.pk
    page = logged_in.post(tender_url("delete", tender), {"confirm": "on"})
    assert page.status_code == 302 and page.url == reverse("tenders:list")
    from hrdd.tenders.models import Tender

    assert not Tender.objects.filter(pk=pk).exists()
    event = events("tender.delete")[0]
    assert event.target_id == str(pk) and event.before["title"] == "Notebooks tender"


def test_a_tender_with_an_evaluation_or_a_contract_cannot_be_deleted(logged_in, buyer, tender):
    # given
    from hrdd.contracts.services import contract_create
    from hrdd.tenders.models import Tender
    from hrdd.tenders.services import bid_evaluation_create

    bid_evaluation_create(
        actor=buyer, tender=tender, bids=[{"bidder": "Acme", "price": 1000, "label": "TCO Certified"}]
    )
    contract_create(
        actor=buyer,
        title="Notebooks contract",
        supplier_name="Acme",
        supplier_email="contracts@acme.example",
        award_date=TODAY,
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(days=800),
        tender=tender,
    )

    # when
    page = logged_in.post(tender_url("delete", tender), {"confirm": "on"})

    # then
    assert page.status_code == 409
    blockers = document(page).by_id("blockers").text
    assert "1 contract was made from it (Notebooks contract)." in blockers
    assert "Its bids were evaluated 1 time." in blockers
    assert Tender.objects.filter(pk=tender.pk).exists()


def test_a_tender_warns_when_the_consultations_recommendation_changed(logged_in, buyer, consultation, tender):
    from hrdd.tenders.selectors import tender_recommendation_change

    # given: built with no answer yet, now one supplier has answered
    assert tender.recommended_scenario is None
    assert tender_recommendation_change(tender) is None
    invitation = invitation_create(actor=buyer, consultation=consultation, email="s@acme.example", send=False)
    invitation_submit(invitation=invitation, raw=response())
    now = consultation_market(consultation=consultation).recommended_scenario

    # when
    page = logged_in.get(tender.get_absolute_url())

    # then
    change = tender_recommendation_change(tender)
    if now == tender.scenario:  # nothing was recommended then, and now the tender's own scenario is
        assert change is None
    else:
        assert change is not None and change.now == now
        assert "recommendation has changed" in document(page).by_id("recommendation-changed").text


def test_a_tender_built_on_a_recommendation_warns_when_it_no_longer_holds(
    logged_in, buyer, consultation, submitted
):
    from hrdd.tenders.selectors import tender_recommendation_change
    from hrdd.tenders.services import tender_create

    # given: a tender built while one response was counted
    recommended = consultation_market(consultation=consultation).recommended_scenario
    tender = tender_create(actor=buyer, title="Built on it", scenario=recommended, consultation=consultation)
    assert tender.recommended_scenario == recommended
    assert "recommendation-changed" not in logged_in.get(tender.get_absolute_url()).content.decode()

    # when: that response is withdrawn, so nothing is recommended any more
    lifecycle.invitation_withdraw(actor=buyer, invitation=submitted)

    # then
    change = tender_recommendation_change(tender)
    assert (change.built_with, change.now) == (recommended, None)
    banner = document(logged_in.get(tender.get_absolute_url())).by_id("recommendation-changed")
    assert f"recommended scenario {recommended}" in banner.text
    assert "no submitted response counts" in banner.text


@pytest.mark.parametrize(
    ("name", "data"), [("edit", {"title": "x"}), ("archive", {}), ("delete", {"confirm": "on"})]
)
def test_a_viewer_cannot_change_a_tender_and_an_outsider_does_not_find_it(
    client, viewer, outsider, tender, name, data
):
    client.force_login(viewer)
    assert client.post(tender_url(name, tender), data).status_code == 403
    client.force_login(outsider)
    assert client.post(tender_url(name, tender), data).status_code == 404
    tender.refresh_from_db()
    assert tender.title == "Notebooks tender" and tender.archived_at is None


# contracts


@pytest.fixture
def contract(buyer):
    from hrdd.contracts.services import contract_create

    return contract_create(
        actor=buyer,
        title="Notebook contract",
        supplier_name="Acme",
        supplier_email="contracts@acme.example",
        award_date=TODAY,
        start_date=TODAY,
        end_date=TODAY + dt.timedelta(days=800),
        scenario=2,
    )


def contract_url(name, contract):
    return reverse(f"contracts:{name}", args=[contract.public_id])


def test_a_contracts_title_and_supplier_address_are_corrected_and_audited(logged_in, contract):
    page = logged_in.post(
        contract_url("edit", contract),
        {"title": "Notebook contract 2027", "supplier_email": "it@acme.example"},
    )
    assert page.status_code == 302
    contract.refresh_from_db()
    assert (contract.title, contract.supplier_email) == ("Notebook contract 2027", "it@acme.example")
    event = events("contract.update")[-1]
    assert event.before["supplier_email"] == "contracts@acme.example"
    assert event.after["supplier_email"] == "it@acme.example"


def test_a_bad_supplier_address_is_refused_beside_its_field(logged_in, contract):
    page = logged_in.post(contract_url("edit", contract), {"title": "x", "supplier_email": "not an address"})
    assert page.status_code == 400
    assert document(page).by_id("id_supplier_email_error") is not None
    contract.refresh_from_db()
    assert contract.title == "Notebook contract"


def test_an_archived_contract_and_its_obligations_leave_the_dashboard(logged_in, buyer, contract):
    from hrdd.contracts import selectors as contract_selectors

    # when
    logged_in.post(contract_url("archive", contract))

    # then
    assert contract not in contract_selectors.contract_list(user=buyer)
    assert contract in contract_selectors.contract_list(user=buyer, archived="all")
    board = logged_in.get(reverse("contracts:dashboard"))
    assert "Notebook contract" not in document(board).by_id("obligations").text
    assert "1 archived contract is hidden" in document(board).by_id("archived-contracts").text
    shown = logged_in.get(reverse("contracts:dashboard") + "?archived=all")
    assert "Notebook contract" in document(shown).find(tag="table", cls="contracts").text

    # when
    logged_in.post(contract_url("restore", contract))

    # then
    assert contract in contract_selectors.contract_list(user=buyer)
    archived = AuditEvent.objects.filter(action__in=["contract.archive", "contract.restore"]).order_by("id")
    assert [e.action for e in archived] == ["contract.archive", "contract.restore"]


def test_a_contract_without_submissions_is_deleted_with_its_obligations(logged_in, contract):
    from hrdd.contracts.models import Contract, Obligation

    pk = contract.pk
    assert Obligation.objects.filter(contract_id=pk).exists()
    page = logged_in.post(contract_url("delete", contract), {"confirm": "on"})
    assert page.status_code == 302 and page.url == reverse("contracts:dashboard")
    assert not Contract.objects.filter(pk=pk).exists()
    assert not Obligation.objects.filter(contract_id=pk).exists()
    event = events("contract.delete")[0]
    assert event.before["title"] == "Notebook contract" and event.before["obligations"]


def test_a_contract_with_a_submission_cannot_be_deleted(logged_in, contract):
    from tests.factories import SubmissionFactory

    SubmissionFactory(obligation=contract.obligations.first())
    page = logged_in.post(contract_url("delete", contract), {"confirm": "on"})
    assert page.status_code == 409
    assert "The supplier has submitted 1 report." in document(page).by_id("blockers").text
    contract.refresh_from_db()
    assert not events("contract.delete")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("edit", {"title": "x", "supplier_email": "x@example.org"}),
        ("archive", {}),
        ("delete", {"confirm": "on"}),
    ],
)
def test_a_viewer_cannot_change_a_contract_and_an_outsider_does_not_find_it(
    client, viewer, outsider, contract, name, data
):
    client.force_login(viewer)
    assert client.post(contract_url(name, contract), data).status_code == 403
    client.force_login(outsider)
    assert client.post(contract_url(name, contract), data).status_code == 404
    contract.refresh_from_db()
    assert contract.title == "Notebook contract" and contract.archived_at is None


def test_the_command_line_refuses_a_second_import_of_a_supplier_unless_told_to_replace(
    cli, buyer, consultation, filled_xlsx, tmp_path
):
    from tests.cli_support import assert_refused, ok

    # given
    path = tmp_path / "answers.xlsx"
    path.write_bytes(filled_xlsx)
    ok(cli("questionnaire", "import", consultation.public_id, path, "--as", buyer.email))

    # when
    again = cli("questionnaire", "import", consultation.public_id, path, "--as", buyer.email)

    # then
    assert_refused(again, "already answered", "counted twice")
    assert consultation.invitations.count() == 1

    # when
    ok(cli("questionnaire", "import", consultation.public_id, path, "--as", buyer.email, "--replace"))

    # then
    assert consultation.invitations.count() == 1
    assert events("response.replace")


def test_a_withdrawn_invitations_link_is_not_found_in_the_api_either(client, buyer, invitation):
    # given: the link answers until the invitation is withdrawn
    assert client.get(f"/api/v1/responses/{invitation.token}").status_code == 200
    lifecycle.invitation_withdraw(actor=buyer, invitation=invitation)

    # when
    read = client.get(f"/api/v1/responses/{invitation.token}")
    saved = client.put(
        f"/api/v1/responses/{invitation.token}", data=response(), content_type="application/json"
    )

    # then
    assert read.status_code == saved.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED
