"""A report on due diligence (CC4) is read once at upload with award criterion 7's check (issue 15): its contents
KPI counts the processes the document describes (identify, mitigate, monitor), the contract page quotes the
sentences they were found in, and the reports stored before are read by a migration."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from hrdd.contracts.models import Submission
from hrdd.contracts.services import contract_create, submission_create
from hrdd.contracts.verdicts import obligation_verdict_refresh, verdicts_stale
from hrdd.contracts.versions import contracts_version
from hrdd.domain.contracts import add_months
from tests.html import document

TODAY = dt.date.today()
IDENTIFY = "Each year we carry out a risk assessment of our supply chain and prioritise the salient risks."
MONITOR = "Suppliers at high risk are monitored through third-party audits and worker interviews."
MITIGATE = "Where violations are found, we agree a corrective action plan with the factory."
POLICY = "Our human rights policy applies to all purchases."
FULL_REPORT = " ".join((IDENTIFY, MONITOR, MITIGATE, POLICY)).encode()
TWO_PROCESSES = " ".join((IDENTIFY, MITIGATE)).encode()  # says nothing of monitoring
TYPED = {
    "processes": "Third-party audits at high-risk suppliers.",
    "stakeholder_evidence": "Meetings with two unions at the assembly plant.",
}


@pytest.fixture
def logged_in(client, contract_manager):
    client.force_login(contract_manager)
    return client


def scenario_3(actor):
    """A scenario 3 contract whose first anniversary has passed: its first CC4 report is due."""
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title="Notebooks 2024-2027",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 36),
        scenario=3,
    )


def first(contract, clause):
    return contract.obligations.filter(clause=clause).order_by("due_date").first()


def submit(obligation, content, *, name="due-diligence.txt", data=None):
    return submission_create(
        obligation=obligation,
        data=TYPED if data is None else data,
        upload=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )


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


# the reading at upload and the KPI


def test_a_cc4_report_is_read_at_upload_and_its_findings_kept_with_the_typed_answers(buyer):
    # given
    cc4 = first(scenario_3(buyer), "CC4")

    # when
    submission = submit(cc4, TWO_PROCESSES)

    # then
    summary = Submission.objects.get(pk=submission.pk).summary
    assert summary["processes"] == TYPED["processes"]
    assert summary["due_diligence_found"] == {"risk_identification": [IDENTIFY], "mitigation": [MITIGATE]}
    assert summary["due_diligence_language"] == "en"
    assert "award criterion 7" in summary["due_diligence_source"]
    assert summary["due_diligence_not_in_document"] == ["monitoring"]


def test_a_report_describing_the_three_processes_meets_the_contents_kpi(buyer):
    # given
    cc4 = first(scenario_3(buyer), "CC4")

    # when
    submit(cc4, FULL_REPORT)

    # then
    contents = contents_of(cc4)
    assert (contents["status"], contents["label"]) == ("ok", "2 of 2 items met")
    assert contents["reasons"][0].startswith(
        "Due-diligence processes: the document describes 3 of the 3 processes the clause names"
    )


def test_a_report_without_monitoring_is_a_warning_naming_what_is_missing_whatever_was_typed(buyer):
    # given
    cc4 = first(scenario_3(buyer), "CC4")

    # when: the typed answer claims audits; the document does not describe them
    submit(cc4, TWO_PROCESSES)

    # then
    contents = contents_of(cc4)
    assert (contents["status"], contents["label"]) == ("warning", "1 of 2 items met")
    reason = contents["reasons"][0]
    assert "not found: systems to monitor prioritised risks at high-risk suppliers" in reason
    assert "the supplier's summary also describes systems to monitor" in reason
    cc4.refresh_from_db()
    assert [c["met"] for c in cc4.checklist] == [False, True]


def test_a_german_word_report_is_read_by_the_same_check(buyer):
    # given
    cc4 = first(scenario_3(buyer), "CC4")
    content = docx_bytes(
        "Wir führen jährlich eine Risikoanalyse durch und priorisieren unsere Lieferanten.",
        "Lieferanten mit hohem Risiko werden durch Audits überprüft.",
        "Bei Verstößen ergreifen wir Abhilfemaßnahmen.",
    )

    # when
    submission = submit(cc4, content, name="bericht.docx")

    # then
    assert submission.summary["due_diligence_language"] == "de"
    assert set(submission.summary["due_diligence_found"]) == {
        "risk_identification",
        "monitoring",
        "mitigation",
    }
    assert contents_of(cc4)["status"] == "ok"


def test_a_cc3_report_is_not_read_for_due_diligence(buyer):
    # given
    cc3 = first(scenario_3(buyer), "CC3")

    # when
    submission = submit(cc3, FULL_REPORT, data={"actions_count": "2"})

    # then
    assert "due_diligence_found" not in submission.summary


def test_verdicts_are_rated_from_the_stored_findings_without_the_file(buyer):
    # given: a rated report whose file then disappears from the storage
    cc4 = first(scenario_3(buyer), "CC4")
    submission = submit(cc4, TWO_PROCESSES)
    before = contents_of(cc4)
    submission.file.delete(save=False)

    # when
    obligation_verdict_refresh(obligation=cc4)

    # then
    assert contents_of(cc4) == before
    assert verdicts_stale()[0] == []


def test_a_report_stored_before_reports_were_read_keeps_the_rule_of_the_typed_text(buyer):
    # given: a report whose summary holds the typed answers only, as stored before
    cc4 = first(scenario_3(buyer), "CC4")
    submission = submit(cc4, b"Annual report.")
    Submission.objects.filter(pk=submission.pk).update(summary=TYPED)

    # when
    obligation_verdict_refresh(obligation=cc4)

    # then
    contents = contents_of(cc4)
    assert (contents["status"], contents["label"]) == ("ok", "2 of 2 items met")
    assert "Due-diligence processes: processes described" in contents["reasons"]


# the pages


def test_the_contract_page_quotes_the_sentences_of_each_element_found(logged_in, buyer):
    # given
    contract = scenario_3(buyer)
    cc4 = first(contract, "CC4")
    submit(cc4, TWO_PROCESSES)

    # when
    page = logged_in.get(detail_url(contract))

    # then
    findings = document(page).by_id(f"due-diligence-{cc4.pk}")
    assert findings is not None
    text = " ".join(findings.text.split())
    assert "hrdd read the document (in English)" in text
    assert [q.text for q in findings.find_all("q")] == [IDENTIFY, MITIGATE]
    assert (
        "Systems to monitor prioritised risks at high-risk suppliers (required): not found in the document — "
        "the supplier's typed description names it"
    ) in text
    assert "References to key human-rights policies: not found in the document" in text
    assert TYPED["stakeholder_evidence"] in text
    assert "award criterion 7" in text


def test_the_contract_page_shows_no_findings_for_a_report_stored_before_or_for_cc3(logged_in, buyer):
    # given
    contract = scenario_3(buyer)
    cc4, cc3 = first(contract, "CC4"), first(contract, "CC3")
    old = submit(cc4, FULL_REPORT)
    Submission.objects.filter(pk=old.pk).update(summary=TYPED)
    submit(cc3, FULL_REPORT, data={"actions_count": "2"})

    # when
    page = logged_in.get(detail_url(contract))

    # then
    html = document(page)
    assert html.by_id(f"due-diligence-{cc4.pk}") is None
    assert html.by_id(f"due-diligence-{cc3.pk}") is None
    assert html.by_id(f"obligation-{cc4.pk}") is not None


def test_the_supplier_is_told_the_report_itself_is_read_under_cc4_only(client, buyer):
    # given
    contract = scenario_3(buyer)
    cc4, cc3 = first(contract, "CC4"), first(contract, "CC3")

    # when
    page = document(client.get(reverse("contracts:supplier", args=[contract.token])))

    # then
    said = "hrdd reads your report itself"
    assert said in page.by_id(f"obligation-{cc4.pk}").text
    assert said not in page.by_id(f"obligation-{cc3.pk}").text


# the reports stored before


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_stored_cc4_reports_and_rates_them_on_their_documents():
    # given two CC4 reports stored before issue 15, rated ok on their typed answers: one whose document says
    # nothing of monitoring, one whose file is gone
    from django.core.files.base import ContentFile
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.migration_support import migrate_to

    old = migrate_to([("contracts", "0011_calendar_body")])
    Organisation = old.get_model("accounts", "Organisation")
    Procurement = old.get_model("procurements", "Procurement")
    Company = old.get_model("companies", "Company")
    Contract = old.get_model("contracts", "Contract")
    Obligation = old.get_model("contracts", "Obligation")
    OldSubmission = old.get_model("contracts", "Submission")
    ContractsVersion = old.get_model("contracts", "ContractsVersion")
    town = Organisation.objects.create(name="Exampleton", kind="public_buyer")
    purchase = Procurement.objects.create(organisation=town, title="Notebooks", product_category="notebook")
    lumen = Company.objects.create(organisation=town, legal_name="Lumen", normalised_name="lumen")
    contract = Contract.objects.create(
        organisation=town,
        procurement=purchase,
        supplier=lumen,
        title="Notebooks 2030-2033",
        supplier_email="r@lumen.example",
        scenario=3,
        award_date=dt.date(2030, 1, 1),
        start_date=dt.date(2030, 1, 1),
        end_date=dt.date(2033, 1, 1),
        token="t-15",
    )
    ContractsVersion.objects.create(
        organisation=town, number=7, changed_at=dt.datetime(2031, 1, 1, tzinfo=dt.UTC)
    )
    rated_ok = {"status": "ok", "timeliness": "ok", "submitted_on": dt.date(2030, 12, 20)}
    read = Obligation.objects.create(
        contract=contract, clause="CC4", title="Report", due_date=dt.date(2031, 1, 1), reason="1", **rated_ok
    )
    gone = Obligation.objects.create(
        contract=contract, clause="CC4", title="Report", due_date=dt.date(2032, 1, 1), reason="2", **rated_ok
    )
    submissions = {}
    for obligation, content in ((read, TWO_PROCESSES), (gone, b"")):
        submission = OldSubmission(obligation=obligation, version=1, filename="report.txt", summary=TYPED)
        if content:
            submission.file.save("report.txt", ContentFile(content), save=False)
        else:
            submission.file.name = "contracts/missing.txt"  # the file was lost from the storage
        submission.save()
        OldSubmission.objects.filter(pk=submission.pk).update(
            submitted_at=dt.datetime(2030, 12, 20, 9, tzinfo=dt.UTC)
        )
        submissions[obligation.pk] = submission.pk

    # when
    new = migrate_to([("contracts", "0012_due_diligence_reports_read_from_documents")])

    # then: the readable report is counted on its document, and the organisation's counts are to be made again
    Submission_ = new.get_model("contracts", "Submission")
    Obligation_ = new.get_model("contracts", "Obligation")
    summary = Submission_.objects.get(pk=submissions[read.pk]).summary
    assert summary["due_diligence_found"] == {"risk_identification": [IDENTIFY], "mitigation": [MITIGATE]}
    assert summary["processes"] == TYPED["processes"]
    rated = Obligation_.objects.get(pk=read.pk)
    contents = next(k for k in rated.kpis if k["kpi"] == "contents")
    assert (rated.status, contents["label"]) == ("warning", "1 of 2 items met")
    assert contracts_version(town.pk).number == 8
    # the report whose file is gone keeps its summary and the rule of the typed text
    assert Submission_.objects.get(pk=submissions[gone.pk]).summary == TYPED
    assert Obligation_.objects.get(pk=gone.pk).kpis == []  # not rated again

    # and the verdict the migration stored is the one the rules give (the other was made up by this test)
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())
    stale, checked = verdicts_stale()
    assert ([s.obligation.pk for s in stale], checked) == ([gone.pk], 2)
