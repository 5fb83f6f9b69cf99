"""Contract management that matches the manual (issue 10): CC1's contents counted on the risk assessment's document
with step 1's check (the supplier's typed summary a hint, a disagreement shown and lowering the KPI); a schedule
that covers the whole contract, with a reason for every date and warnings about odd ones; a "send a reminder now"
button beside each unsubmitted obligation; the site list's rows numbered as in the file."""

import datetime as dt
import io
import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import ReminderSent, Submission
from hrdd.contracts.services import ReminderRefused, contract_create, reminder_send_now, submission_create
from hrdd.contracts.verdicts import obligation_verdict_refresh, verdicts_stale
from hrdd.domain.contracts import add_months
from tests.app.test_contracts_services import FIXTURES
from tests.cli_support import ok
from tests.html import document

TODAY = dt.date.today()
NOT_AN_ASSESSMENT = b"Hello, this is not a risk assessment."
TYPED = {
    "components": "battery",
    "raw_materials": "cobalt\ntin",
    "sourcing_countries": "DR Congo",
    "risks": "child labour\nforced labour\nunsafe working conditions",
}


@pytest.fixture
def logged_in(client, contract_manager):
    client.force_login(contract_manager)
    return client


def text_of(page):
    return " ".join(re.sub(r"<[^>]+>", " ", page.content.decode()).split())


def messages_of(page):
    return [str(m) for m in page.context["messages"]]


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def scenario_1(actor, **overrides):
    """A scenario 1 contract awarded 30 days ago: its risk assessment (CC1) is due in two months."""
    award = TODAY - dt.timedelta(days=30)
    values = {
        "actor": actor,
        "title": "Notebooks for schools",
        "supplier_name": "Lumen Computers",
        "supplier_email": "reports@lumen.example",
        "award_date": award,
        "start_date": award,
        "end_date": add_months(award, 36),
        "scenario": 1,
    }
    return contract_create(**(values | overrides))


def running(actor, *, end_months=30):
    """A scenario 2 contract whose first anniversary has passed (CC2, CC3 overdue), ending `end_months` after its
    start (30: a final report on the end, six months after the second anniversary)."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title="Notebooks 2024-2027",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, end_months),
        scenario=2,
    )


def cc1(contract):
    return contract.obligations.get(clause="CC1")


def submit_assessment(contract, content, *, name="assessment.txt", typed=None):
    return submission_create(obligation=cc1(contract), data=typed or {}, upload=upload(name, content))


def contents_of(obligation):
    obligation.refresh_from_db()
    return next(k for k in obligation.kpis if k["kpi"] == "contents")


def docx_bytes(*paragraphs):
    word = Document()
    for paragraph in paragraphs:
        word.add_paragraph(paragraph)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def detail_url(contract):
    return reverse("contracts:detail", args=[contract.public_id])


def remind_url(contract, obligation):
    return reverse("contracts:remind", args=[contract.public_id, obligation.pk])


# (1) CC1's contents are read from the document


def test_a_document_that_is_no_risk_assessment_no_longer_scores_4_of_4_with_a_typed_summary(buyer):
    # given
    contract = scenario_1(buyer)

    # when: the supplier types a complete summary beside a document that says nothing
    submit_assessment(contract, NOT_AN_ASSESSMENT, typed=TYPED)

    # then: the document counts; the summary's claims are named as not found in it
    contents = contents_of(cc1(contract))
    assert contents["status"] == "problem"
    assert contents["value"] == 0
    assert contents["label"] == "0 of 4 items met, the summary disagrees with the document"
    assert any("not found in the document, which is what counts" in r for r in contents["reasons"])
    assert any(
        r.startswith(
            "Human-rights risks: 0 risk(s) in the document, at least 3 required; the supplier's summary also names"
        )
        for r in contents["reasons"]
    )
    assert cc1(contract).status == "problem"


def test_a_real_assessment_without_a_summary_meets_the_four_items_from_its_document(buyer):
    # given
    contract = scenario_1(buyer)

    # when
    submit_assessment(contract, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())

    # then
    contents = contents_of(cc1(contract))
    assert (contents["status"], contents["label"]) == ("ok", "4 of 4 items met")
    assert (
        "Human-rights risks: 3 risk(s) in the document (child labour, forced labour, "
        "occupational health and safety), "
    ) in ("; ".join(contents["reasons"]) + ", ")


def test_a_summary_naming_what_the_document_does_not_lowers_an_otherwise_met_checklist_to_a_warning(buyer):
    # given: the document meets every item; the summary adds a screen, Rwanda and discrimination
    contract = scenario_1(buyer)
    typed = {
        "components": "battery\nscreen",
        "sourcing_countries": "china\nRwanda",
        "risks": "child labour\nunsafe work\ndiscrimination",
    }

    # when
    submission = submit_assessment(
        contract, (FIXTURES / "supplier_risk_assessment.txt").read_bytes(), typed=typed
    )

    # then: written differently is not a disagreement ('china', 'unsafe work'); absent is
    assert submission.summary["not_in_document"] == {
        "components": ["screen"],
        "sourcing_countries": ["Rwanda"],
        "risks": ["discrimination"],
    }
    contents = contents_of(cc1(contract))
    assert contents["status"] == "warning"
    assert contents["value"] == 4
    assert contents["label"] == "4 of 4 items met, the summary disagrees with the document"
    assert "the supplier's summary disagrees with the document: 3 of its entries are not found" in (
        " ".join(contents["reasons"])
    )


def test_a_word_document_is_read_by_the_same_check(buyer):
    # given
    contract = scenario_1(buyer)
    content = docx_bytes(
        "Our notebooks hold a battery with cobalt and lithium.",
        "The cobalt comes from the Democratic Republic of the Congo.",
        "Risks: child labour, forced labour and unsafe working conditions in the mines.",
    )

    # when
    submission = submit_assessment(contract, content, name="assessment.docx", typed={"components": "battery"})

    # then
    assert submission.summary["found_in_document"] == {
        "components": ["battery"],
        "raw_materials": ["cobalt", "lithium"],
        "sourcing_countries": ["COD"],
        "risks": ["child_labour", "forced_labour", "occupational_health_safety"],
    }
    assert submission.summary["not_in_document"] == {}
    assert contents_of(cc1(contract))["status"] == "ok"


def test_what_the_check_found_is_stored_at_upload_and_verdicts_never_read_the_file_again(buyer):
    # given: a rated submission whose file then disappears from the storage
    contract = scenario_1(buyer)
    submission = submit_assessment(contract, NOT_AN_ASSESSMENT, typed=TYPED)
    before = contents_of(cc1(contract))
    submission.file.delete(save=False)

    # when: rated again, as a page's catch-up or `hrdd verify --refresh` would
    obligation_verdict_refresh(obligation=cc1(contract))

    # then: the same verdict, from what was stored; and the stored verdicts agree with the rules
    assert contents_of(cc1(contract)) == before
    assert Submission.objects.get(pk=submission.pk).summary["typed"]["raw_materials"] == ["cobalt", "tin"]
    stale, checked = verdicts_stale()
    assert (stale, checked) == ([], 1)


def test_the_contract_page_shows_the_disagreement_beside_the_obligation(logged_in, buyer):
    # given
    contract = scenario_1(buyer)
    submit_assessment(contract, NOT_AN_ASSESSMENT, typed=TYPED)

    # when
    page = logged_in.get(detail_url(contract))

    # then
    banner = document(page).by_id(f"disagreement-{cc1(contract).pk}")
    assert banner is not None
    text = " ".join(banner.text.split())
    assert "The supplier's summary and the document disagree" in text
    assert "Raw materials: cobalt, tin" in text
    assert "Human-rights risks: child labour, forced labour, unsafe working conditions" in text


def test_the_supplier_is_told_the_document_itself_is_read(client, buyer):
    # given
    contract = scenario_1(buyer)

    # when
    page = client.get(reverse("contracts:supplier", args=[contract.token]))

    # then
    assert "hrdd reads your document itself" in text_of(page)


# (2) the schedule covers the whole contract


def test_a_contract_ending_between_anniversaries_gets_a_final_report_on_its_end_with_its_reason(buyer):
    # when
    contract = running(buyer, end_months=30)

    # then
    dues = sorted({o.due_date for o in contract.obligations.all()})
    assert len(dues) == 3
    last = contract.obligations.filter(due_date=dues[-1]).first()
    assert last.due_date == contract.end_date
    assert last.reason.startswith(
        f"the end of the contract on {contract.end_date.isoformat()}: a final report"
    )


def test_a_cc1_due_after_the_contract_end_is_warned_about_on_creation_and_on_the_contract_page(
    logged_in, contract_manager
):
    # given: a six-week contract whose risk assessment is due three months after award
    award = TODAY - dt.timedelta(days=10)
    form = {
        "title": "Short loan of notebooks",
        "supplier_name": "Lumen Computers",
        "supplier_email": "reports@lumen.example",
        "award_date": award.isoformat(),
        "start_date": award.isoformat(),
        "end_date": (award + dt.timedelta(days=42)).isoformat(),
        "scenario": "1",
    }

    # when
    created = logged_in.post(reverse("contracts:dashboard"), form, follow=True)

    # then
    said = messages_of(created)
    assert said[0] == "Contract created with 1 obligation."
    assert said[1].startswith("Check the dates: CC1: due on ")
    assert "after the contract ends on" in said[1]
    banner = document(created).by_id("schedule-warnings")
    assert banner is not None and "after the contract ends on" in banner.text


def test_months_given_for_scenario_2_are_warned_about_as_ignored(logged_in):
    # given
    form = {
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": "reports@acme.example",
        "award_date": "2030-01-15",
        "start_date": "2030-02-01",
        "end_date": "2033-01-31",
        "scenario": "2",
        "months": "5",
    }

    # when
    created = logged_in.post(reverse("contracts:dashboard"), form, follow=True)

    # then
    assert (
        "Check the dates: months after the award (5) apply only to the risk assessment (CC1), which scenario 2 "
        "does not include: they are ignored."
    ) in messages_of(created)
    event = AuditEvent.objects.get(action="contract.create")
    assert event.after["warnings"] == [
        "months after the award (5) apply only to the risk assessment (CC1), which scenario 2 does not include: "
        "they are ignored"
    ]


def test_a_tenders_months_are_not_warned_about_in_scenario_2(buyer):
    # given
    from hrdd.tenders.services import tender_create

    tender = tender_create(actor=buyer, title="Notebooks tender", scenario=2, months=4)

    # when
    contract = contract_create(
        actor=buyer,
        title="Notebooks",
        supplier_name="Acme",
        supplier_email="r@acme.example",
        award_date=dt.date(2030, 1, 15),
        start_date=dt.date(2030, 2, 1),
        end_date=dt.date(2032, 2, 1),
        tender=tender,
    )

    # then
    assert contract.schedule_warnings == ()


def test_the_cli_json_gives_every_date_its_reason_and_warns_on_standard_error(cli):
    # when: a three-year scenario 2 contract ending the day before its third anniversary, with --months
    result = ok(
        cli(
            "contract", "schedule", "--scenario", 2, "--award", "2025-01-15", "--start", "2025-03-01",
            "--end", "2028-02-29", "--months", 4, "--json",
        )
    )  # fmt: skip

    # then
    obligations = json.loads(result.stdout)
    assert [(o["due"], o["clause"]) for o in obligations] == [
        ("2026-03-01", "CC2"),
        ("2026-03-01", "CC3"),
        ("2027-03-01", "CC2"),
        ("2027-03-01", "CC3"),
        ("2028-02-29", "CC2"),
        ("2028-02-29", "CC3"),
    ]
    assert obligations[0]["reason"] == "anniversary 1 of the start on 2025-03-01"
    assert obligations[-1]["reason"] == (
        "the end of the contract on 2028-02-29: a final report for the last contract year, from anniversary 2 "
        "on 2027-03-01 (its anniversary falls after the end)"
    )
    assert all(o["warnings"] == [] for o in obligations)
    assert "warning: months after the award (4) apply only to the risk assessment (CC1)" in result.stderr


def test_the_cli_puts_a_cc1_after_the_end_beside_its_obligation(cli):
    # when
    result = ok(
        cli(
            "contract", "schedule", "--scenario", 1, "--award", "2025-01-15", "--start", "2025-02-01",
            "--end", "2025-03-31", "--json",
        )
    )  # fmt: skip

    # then
    [obligation] = json.loads(result.stdout)
    assert obligation["due"] == "2025-04-15"
    assert obligation["warnings"] == [
        "CC1: due on 2025-04-15, after the contract ends on 2025-03-31; choose fewer months after the award "
        "or check the dates"
    ]
    assert "warning: CC1: due on 2025-04-15" in result.stderr


def test_the_api_gives_each_obligation_the_reason_for_its_date(logged_in, buyer):
    # given
    contract = running(buyer)

    # when
    body = logged_in.get(f"/api/v1/contracts/{contract.public_id}").json()

    # then
    reasons = [o["reason"] for o in body["obligations"]]
    assert reasons[0].startswith("anniversary 1 of the start on")
    assert reasons[-1].startswith(f"the end of the contract on {contract.end_date.isoformat()}")


# (4) "send a reminder now"


def test_a_writer_sends_a_reminder_now_which_is_mailed_audited_and_confirmed(
    logged_in, buyer, contract_manager
):
    # given
    contract = running(buyer)
    overdue = contract.obligations.order_by("due_date", "clause").first()
    mail.outbox.clear()

    # when
    page = logged_in.post(remind_url(contract, overdue), follow=True)

    # then
    assert page.redirect_chain[-1][0] == f"{detail_url(contract)}#obligation-{overdue.pk}"
    assert messages_of(page) == [
        f"Reminder of {overdue.clause} (due {overdue.due_date.isoformat()}) sent to reports@lumen.example."
    ]
    [sent] = mail.outbox
    assert sent.to == ["reports@lumen.example"]
    assert sent.subject == f"Reminder: {overdue.clause} {overdue.title} — {contract.title}"
    assert "has not been received" in sent.body
    assert contract.get_supplier_url() in sent.body
    event = AuditEvent.objects.get(action="obligation.remind")
    assert event.actor == contract_manager
    assert event.after == {
        "clause": overdue.clause,
        "due": overdue.due_date.isoformat(),
        "to": "reports@lumen.example",
    }
    assert ReminderSent.objects.filter(obligation=overdue, key=f"now-{TODAY.isoformat()}").exists()
    assert f"Last reminder sent on {TODAY:%Y-%m-%d}." in text_of(page)


def test_a_second_reminder_the_same_day_is_refused_and_not_mailed(logged_in, buyer):
    # given
    contract = running(buyer)
    overdue = contract.obligations.order_by("due_date", "clause").first()
    logged_in.post(remind_url(contract, overdue), follow=True)
    mail.outbox.clear()

    # when
    page = logged_in.post(remind_url(contract, overdue), follow=True)

    # then
    assert messages_of(page) == [
        f"A reminder of {overdue.clause} was already sent today; the supplier has it."
    ]
    assert mail.outbox == []
    assert AuditEvent.objects.filter(action="obligation.remind").count() == 1


def test_a_received_obligation_has_no_reminder_button_and_its_reminder_is_refused(buyer):
    # given
    contract = scenario_1(buyer)
    submit_assessment(contract, (FIXTURES / "supplier_risk_assessment.txt").read_bytes())
    mail.outbox.clear()

    # when / then
    with pytest.raises(ReminderRefused, match="CC1 was already received"):
        reminder_send_now(actor=buyer, obligation=cc1(contract))
    assert mail.outbox == []


def test_the_button_stands_beside_each_unsubmitted_obligation_for_writers_only(client, buyer, viewer):
    # given: the first CC2 received, the rest not
    contract = running(buyer, end_months=24)
    first_cc2 = contract.obligations.filter(clause="CC2").order_by("due_date").first()
    submission_create(
        obligation=first_cc2,
        data={},
        upload=upload("sites.csv", b"name,address,country\nAssembly One,1 Road,CHN\n"),
    )
    client.force_login(buyer)

    # when
    writer = document(client.get(detail_url(contract)))
    client.force_login(viewer)
    reader = client.get(detail_url(contract))

    # then
    buttons = {o.pk for o in contract.obligations.all() if writer.by_id(f"remind-{o.pk}") is not None}
    assert buttons == set(contract.obligations.exclude(pk=first_cc2.pk).values_list("pk", flat=True))
    assert "Send a reminder now" not in reader.content.decode()


def test_a_reader_cannot_send_a_reminder(client, buyer, viewer):
    # given
    contract = running(buyer)
    client.force_login(viewer)
    mail.outbox.clear()

    # when
    page = client.post(remind_url(contract, contract.obligations.first()))

    # then
    assert page.status_code == 403
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="obligation.remind").exists()


def test_another_organisations_obligation_cannot_be_reminded(client, buyer, outsider):
    # given
    contract = running(buyer)
    client.force_login(outsider)

    # when
    page = client.post(remind_url(contract, contract.obligations.first()))

    # then
    assert page.status_code == 404
    assert not ReminderSent.objects.exists()


def test_a_reminder_needs_a_post(logged_in, buyer):
    # given
    contract = running(buyer)

    # when
    page = logged_in.get(remind_url(contract, contract.obligations.first()))

    # then
    assert page.status_code == 405


# (5) the site list as in the file


def test_the_site_list_numbers_its_rows_as_in_the_file_and_says_once_that_no_risk_assessment_is_linked(
    logged_in, buyer
):
    # given: a blank line between the two sites, so the second is on the file's fourth row
    contract = running(buyer, end_months=24)
    content = b"name,address,country\nAssembly One,1 Road,CHN\n,,\nCells Two,2 Street,MYS\n"
    submission_create(
        obligation=contract.obligations.filter(clause="CC2").order_by("due_date").first(),
        data={},
        upload=upload("sites.csv", content),
    )

    # when
    page = logged_in.get(detail_url(contract))

    # then
    table = document(page).find("table", cls="sites")
    headers = [th.text for th in table.find("thead").find_all("th")]
    rows = [[td.text for td in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]
    assert headers[0] == "Row in the file"
    assert [(r[0], r[1]) for r in rows] == [("2", "Assembly One"), ("4", "Cells Two")]
    assert "Risks of its country and stage" not in headers
    assert text_of(page).count("No risk assessment is linked to the tender") == 1
    assert "no risk assessment linked" not in text_of(page)


# the risk assessments stored before


def test_the_migration_reads_stored_risk_assessments_again_and_rates_them_on_their_documents(empty_database):
    # given a CC1 submission stored as before issue 10: the typed summary counted, a document saying nothing
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.migration_support import migrate_to

    old = migrate_to([("contracts", "0007_calendar_feed")])
    Organisation = old.get_model("accounts", "Organisation")
    Procurement = old.get_model("procurements", "Procurement")
    Company = old.get_model("companies", "Company")
    Contract = old.get_model("contracts", "Contract")
    Obligation = old.get_model("contracts", "Obligation")
    OldSubmission = old.get_model("contracts", "Submission")
    town = Organisation.objects.create(name="Exampleton", kind="public_buyer")
    purchase = Procurement.objects.create(organisation=town, title="Notebooks", product_category="notebook")
    lumen = Company.objects.create(organisation=town, legal_name="Lumen", normalised_name="lumen")
    contract = Contract.objects.create(
        organisation=town,
        procurement=purchase,
        supplier=lumen,
        title="Notebooks 2030-2033",
        supplier_email="r@lumen.example",
        scenario=1,
        award_date=dt.date(2030, 1, 1),
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2033, 1, 1),
        token="t-10",
    )
    obligation = Obligation.objects.create(
        contract=contract,
        clause="CC1",
        title="Risk assessment",
        due_date=dt.date(2030, 4, 1),
        reason="3 months",
    )
    nothing = {"components": [], "raw_materials": [], "sourcing_countries": [], "risks": []}
    submission = OldSubmission(
        obligation=obligation,
        version=1,
        filename="assessment.txt",
        summary={
            "components": ["battery"],
            "raw_materials": ["cobalt", "tin"],
            "sourcing_countries": ["COD"],
            "risks": ["child labour", "forced labour", "unsafe working conditions"],
            "found_in_document": nothing,
        },
    )
    submission.file.save("assessment.txt", ContentFile(NOT_AN_ASSESSMENT), save=False)
    submission.save()

    # when
    new = migrate_to([("contracts", "0008_risk_assessments_read_from_documents")])

    # then
    summary = new.get_model("contracts", "Submission").objects.get(pk=submission.pk).summary
    assert summary["not_in_document"]["raw_materials"] == ["cobalt", "tin"]
    assert summary["typed"]["components"] == ["battery"]
    rated = new.get_model("contracts", "Obligation").objects.get(pk=obligation.pk)
    contents = next(k for k in rated.kpis if k["kpi"] == "contents")
    assert (contents["status"], contents["value"]) == ("problem", 0)
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert verdicts_stale() == ([], 1)
