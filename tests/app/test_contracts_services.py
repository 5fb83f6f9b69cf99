"""The contract services: contracts with their obligations derived from the clauses, the supplier's versioned
submissions (validated before anything is stored), requests for more information and the reminder e-mails;
every write audited, every refusal storing nothing."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hrdd.audit.models import AuditEvent
from hrdd.contracts.models import (
    Contract,
    InformationRequest,
    Obligation,
    ProductionSite,
    ReminderSent,
    Submission,
)
from hrdd.contracts.services import (
    SubmissionError,
    contract_create,
    information_request_answer,
    information_request_create,
    reminders_send,
    submission_create,
)
from hrdd.domain.contracts import add_months
from hrdd.domain.tender import TenderInputError
from hrdd.tenders.services import tender_create
from tests.core.builders import pdf_bytes

FIXTURES = Path(__file__).parent / "fixtures"
AWARD = dt.date(2030, 1, 15)
START = dt.date(2030, 2, 1)
END = dt.date(2033, 1, 31)
SITES_CSV = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",Malaysia,component,lithium-ion cells\n'
    "Smelter Three,,DEU,raw-material processing,aluminium\n"
)
SUPPLIER = "reports@acme.example"


def counts():
    """How many contracts, obligations, submissions, sites, requests and audit events are stored."""
    return (
        Contract.objects.count(),
        Obligation.objects.count(),
        Submission.objects.count(),
        ProductionSite.objects.count(),
        InformationRequest.objects.count(),
        AuditEvent.objects.count(),
    )


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def create(actor, **overrides):
    values = {
        "actor": actor,
        "title": "Notebooks 2030-2033",
        "supplier_name": "Acme Computers",
        "supplier_email": SUPPLIER,
        "award_date": AWARD,
        "start_date": START,
        "end_date": END,
        "scenario": 2,
    }
    values.update(overrides)
    return contract_create(**values)


def obligation(contract, clause):
    return contract.obligations.filter(clause=clause).order_by("due_date").first()


@pytest.fixture
def scenario_1(buyer):
    return create(buyer, scenario=1)


@pytest.fixture
def scenario_2(buyer):
    return create(buyer, scenario=2)


@pytest.fixture
def scenario_3(buyer):
    return create(buyer, scenario=3)


# contract_create


def test_a_direct_scenario_2_contract_gets_cc2_and_cc3_on_each_anniversary_and_at_the_end(
    buyer, municipality
):
    # when
    contract = create(
        buyer, title="  Notebooks 2030-2033 ", supplier_email="Reports@Acme.example", scenario=2
    )

    # then
    contract.refresh_from_db()
    assert contract.organisation == municipality
    assert contract.title == "Notebooks 2030-2033"
    assert contract.supplier_email == SUPPLIER
    assert contract.scenario == 2
    assert contract.created_by == buyer
    assert contract.tender is None
    assert len(contract.token) >= 40
    assert [(o.clause, o.due_date) for o in contract.obligations.all()] == [
        ("CC2", dt.date(2031, 2, 1)),
        ("CC3", dt.date(2031, 2, 1)),
        ("CC2", dt.date(2032, 2, 1)),
        ("CC3", dt.date(2032, 2, 1)),
        ("CC2", dt.date(2033, 1, 31)),  # the third year ends the day before its anniversary: a final report
        ("CC3", dt.date(2033, 1, 31)),
    ]
    first = contract.obligations.first()
    assert "anniversary 1" in first.reason
    assert first.title


def test_creating_a_contract_records_an_audit_event_with_its_obligations(buyer, municipality):
    # when
    contract = create(buyer, scenario=2)

    # then
    event = AuditEvent.objects.get(action="contract.create")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_type == "contracts.contract"
    assert event.target_id == str(contract.pk)
    assert event.after["scenario"] == 2
    assert event.after["supplier"] == "Acme Computers"
    assert [(o["clause"], o["due"]) for o in event.after["obligations"]] == [
        ("CC2", "2031-02-01"),
        ("CC3", "2031-02-01"),
        ("CC2", "2032-02-01"),
        ("CC3", "2032-02-01"),
        ("CC2", "2033-01-31"),
        ("CC3", "2033-01-31"),
    ]
    assert event.after["obligations"][-1]["reason"].startswith("the end of the contract on 2033-01-31")


def test_a_scenario_3_contract_adds_cc4_on_each_anniversary_and_at_the_end(buyer):
    # when
    contract = create(buyer, scenario=3)

    # then
    assert [o.clause for o in contract.obligations.all()] == ["CC2", "CC3", "CC4"] * 3


def test_a_scenario_1_contract_gets_cc1_x_months_after_award(buyer):
    # when
    contract = create(buyer, scenario=1, months=4)

    # then
    [cc1] = contract.obligations.all()
    assert (cc1.clause, cc1.due_date) == ("CC1", add_months(AWARD, 4))
    assert contract.months == 4


def test_cc1_falls_the_day_before_the_first_delivery_when_that_comes_earlier(buyer):
    # when
    contract = create(buyer, scenario=1, months=4, first_delivery=dt.date(2030, 3, 1))

    # then
    [cc1] = contract.obligations.all()
    assert cc1.due_date == dt.date(2030, 2, 28)
    assert "the day before the first delivery on 2030-03-01" in cc1.reason


def test_no_cc1_when_the_risk_assessment_was_in_the_tender(buyer):
    # when
    contract = create(buyer, scenario=1, risk_assessment_in_tender=True)

    # then
    assert contract.obligations.count() == 0
    assert contract.risk_assessment_in_tender is True


def test_a_contract_from_a_tender_takes_its_scenario_and_months(buyer):
    # given
    tender = tender_create(actor=buyer, title="Notebooks 2030", scenario=1, months=6)

    # when
    contract = create(buyer, scenario=None, tender=tender)

    # then
    assert contract.tender == tender
    assert contract.scenario == 1
    assert contract.months == 6
    [cc1] = contract.obligations.all()
    assert (cc1.clause, cc1.due_date) == ("CC1", dt.date(2030, 7, 15))
    assert "6 months" in cc1.reason


def test_a_contract_from_a_scenario_3_tender_gets_its_clauses(buyer):
    # given
    tender = tender_create(actor=buyer, title="Servers 2030", scenario=3)

    # when
    contract = create(buyer, scenario=None, tender=tender)

    # then
    assert contract.scenario == 3
    assert {o.clause for o in contract.obligations.all()} == {"CC2", "CC3", "CC4"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"scenario": None}, "scenario"),
        ({"supplier_email": "not an address"}, "supplier_email"),
        ({"supplier_email": ""}, "supplier_email"),
        ({"title": "   "}, "title"),
        ({"supplier_name": ""}, "supplier_name"),
        ({"end_date": dt.date(2030, 1, 31)}, "end"),
        ({"start_date": dt.date(2030, 1, 1)}, "start"),
        ({"scenario": 1, "months": 0}, "months"),
        ({"scenario": 1, "first_delivery": dt.date(2029, 12, 31)}, "first_delivery"),
    ],
)
def test_a_bad_contract_is_refused_naming_the_field_and_nothing_is_stored(buyer, overrides, field):
    # given
    before = counts()

    # when
    with pytest.raises(TenderInputError) as caught:
        create(buyer, **overrides)

    # then
    assert caught.value.field == field
    assert counts() == before


def test_an_end_before_the_start_is_refused_with_both_dates_in_the_message(buyer):
    # when
    with pytest.raises(TenderInputError) as caught:
        create(buyer, end_date=dt.date(2030, 1, 31))

    # then
    assert "2030-01-31" in str(caught.value)
    assert "2030-02-01" in str(caught.value)


def test_a_viewer_may_not_create_a_contract_and_nothing_is_stored(viewer):
    # given
    before = counts()

    # when / then
    with pytest.raises(PermissionDenied):
        create(viewer)
    assert counts() == before


def test_a_contract_manager_may_create_a_contract(contract_manager):
    # when
    contract = create(contract_manager)

    # then
    assert contract.organisation == contract_manager.organisation


def test_another_organisations_tender_is_refused_and_nothing_is_stored(buyer, outsider):
    # given
    theirs = tender_create(actor=outsider, title="Their notebooks", scenario=2)
    before = counts()

    # when
    with pytest.raises(TenderInputError) as caught:
        create(buyer, scenario=None, tender=theirs)

    # then
    assert caught.value.field == "tender"
    assert counts() == before
    assert not Contract.objects.filter(tender=theirs).exists()


# submission_create: CC1


def test_a_cc1_text_risk_assessment_takes_the_summary_from_the_form_and_fills_the_gaps_from_the_document(
    scenario_1, municipality
):
    # given
    content = (FIXTURES / "supplier_risk_assessment.txt").read_bytes()
    data = {"components": "battery\ndisplay panel", "raw_materials": "", "sourcing_countries": ""}

    # when
    submission = submission_create(
        obligation=obligation(scenario_1, "CC1"), data=data, upload=upload("assessment.txt", content)
    )

    # then
    submission.refresh_from_db()
    assert submission.version == 1
    assert submission.filename == "assessment.txt"
    assert submission.content_type == "text/plain"
    assert submission.size == len(content)
    summary = submission.summary
    assert summary["components"] == ["battery", "display panel"]  # the supplier's own words
    assert summary["raw_materials"] == ["cobalt", "lithium", "tin"]  # read from the document
    assert summary["sourcing_countries"] == ["CHL", "CHN", "COD", "IDN"]
    assert set(summary["risks"]) == {"child_labour", "forced_labour", "occupational_health_safety"}
    assert summary["found_in_document"] == {
        "components": ["battery", "printed circuit board"],
        "raw_materials": ["cobalt", "lithium", "tin"],
        "sourcing_countries": ["CHL", "CHN", "COD", "IDN"],
        "risks": ["child_labour", "forced_labour", "occupational_health_safety"],
    }
    with submission.file.open("rb") as stored:
        assert stored.read() == content
    event = AuditEvent.objects.get(action="submission.create")
    assert event.actor is None
    assert "Acme Computers" in event.actor_label
    assert event.organisation == municipality
    assert event.target_id == str(submission.pk)
    assert event.after["clause"] == "CC1"
    assert event.after["version"] == 1


def test_a_cc1_summary_left_empty_is_read_from_the_document(scenario_1):
    # when
    submission = submission_create(
        obligation=obligation(scenario_1, "CC1"),
        data={},
        upload=upload("assessment.txt", (FIXTURES / "supplier_risk_assessment.txt").read_bytes()),
    )

    # then
    summary = submission.summary
    for key in ("components", "raw_materials", "sourcing_countries", "risks"):
        assert summary[key] == summary["found_in_document"][key]
    assert summary["components"] == ["battery", "printed circuit board"]


def test_a_cc1_summary_given_in_the_form_wins_over_the_document(scenario_1):
    # given (semicolons separate entries as well as new lines)
    data = {
        "components": "screen",
        "raw_materials": "gold; tantalum",
        "sourcing_countries": "RWA",
        "risks": "child labour\nforced labour\nunsafe work",
    }

    # when
    submission = submission_create(
        obligation=obligation(scenario_1, "CC1"),
        data=data,
        upload=upload("assessment.txt", (FIXTURES / "supplier_risk_assessment.txt").read_bytes()),
    )

    # then
    summary = submission.summary
    assert summary["components"] == ["screen"]
    assert summary["raw_materials"] == ["gold", "tantalum"]
    assert summary["sourcing_countries"] == ["RWA"]
    assert summary["risks"] == ["child labour", "forced labour", "unsafe work"]
    assert summary["found_in_document"]["raw_materials"] == ["cobalt", "lithium", "tin"]


# submission_create: CC2 site lists


def test_a_cc2_csv_site_list_is_stored_as_production_sites_with_iso3_countries(scenario_2):
    # given
    cc2 = obligation(scenario_2, "CC2")

    # when
    submission = submission_create(
        obligation=cc2,
        data={"explanation": "  The smelter has not yet disclosed its address.  "},
        upload=upload("sites.csv", SITES_CSV.encode("utf-8")),
    )

    # then
    sites = list(submission.sites.all())
    assert [(s.row, s.name, s.country_iso3, s.site_type, s.products) for s in sites] == [
        (2, "Assembly One", "CHN", "final assembly", "notebooks"),
        (3, "Cells Two", "MYS", "component", "lithium-ion cells"),
        (4, "Smelter Three", "DEU", "raw-material processing", "aluminium"),
    ]
    assert sites[0].address == "1 Factory Road, Kunshan"
    assert sites[2].address == ""
    assert submission.content_type == "text/csv"
    assert submission.summary["explanation"] == "The smelter has not yet disclosed its address."
    # the sites are kept once, as ProductionSite rows; the summary keeps their count, not a copy of each
    assert "sites" not in submission.summary
    assert submission.summary["site_count"] == 3
    assert [{"name": s.name, "address": s.address, "country": s.country_iso3} for s in sites] == [
        {"name": "Assembly One", "address": "1 Factory Road, Kunshan", "country": "CHN"},
        {"name": "Cells Two", "address": "2 Battery Street, Penang", "country": "MYS"},
        {"name": "Smelter Three", "address": "", "country": "DEU"},
    ]
    event = AuditEvent.objects.get(action="submission.create")
    assert event.after["sites"] == 3
    assert event.after["clause"] == "CC2"


def test_a_cc2_xlsx_site_list_is_stored_as_production_sites(scenario_2):
    # given: the header names its columns the way people write them
    content = xlsx_bytes(
        [
            ["Name", "Address", "Country", "Site type", "Products or components"],
            ["Assembly One", "1 Factory Road, Kunshan", "China", "final assembly", "notebooks"],
            [None, None, None, None, None],
            ["Cells Two", "2 Battery Street, Penang", "MY", "component", "cells"],
        ]
    )

    # when
    submission = submission_create(
        obligation=obligation(scenario_2, "CC2"), data={}, upload=upload("sites.xlsx", content)
    )

    # then
    sites = list(submission.sites.all())
    assert [(s.row, s.name, s.country_iso3, s.site_type, s.products) for s in sites] == [
        (2, "Assembly One", "CHN", "final assembly", "notebooks"),
        (4, "Cells Two", "MYS", "component", "cells"),
    ]
    assert submission.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert submission.summary["explanation"] == ""


def test_a_second_submission_is_version_2_and_the_first_file_is_kept(scenario_2):
    # given
    cc2 = obligation(scenario_2, "CC2")
    first = submission_create(obligation=cc2, data={}, upload=upload("sites.csv", SITES_CSV.encode()))
    first_path = Path(first.file.path)
    shorter = SITES_CSV.splitlines()[0] + "\n" + SITES_CSV.splitlines()[1] + "\n"

    # when
    second = submission_create(obligation=cc2, data={}, upload=upload("sites.csv", shorter.encode()))

    # then
    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    assert first_path.is_file()
    assert first_path.read_bytes() == SITES_CSV.encode()
    assert Path(second.file.path).read_bytes() == shorter.encode()
    assert cc2.submissions.count() == 2
    assert first.sites.count() == 3
    assert second.sites.count() == 1
    assert [e.after["version"] for e in AuditEvent.objects.filter(action="submission.create")] == [2, 1]


def test_versions_are_counted_per_obligation(scenario_2):
    # given
    cc2 = obligation(scenario_2, "CC2")
    submission_create(obligation=cc2, data={}, upload=upload("sites.csv", SITES_CSV.encode()))

    # when
    cc3 = submission_create(
        obligation=obligation(scenario_2, "CC3"),
        data={"actions_count": "2"},
        upload=upload("actions.txt", b"Two actions."),
    )

    # then
    assert cc3.version == 1


# submission_create: CC3 and CC4


def test_a_cc3_report_stores_the_number_of_actions_and_the_stakeholder_evidence(scenario_2):
    # when
    submission = submission_create(
        obligation=obligation(scenario_2, "CC3"),
        data={"actions_count": " 4 ", "stakeholder_evidence": " Workers' committee at the assembly site "},
        upload=upload("mitigation.txt", b"Mitigating actions in 2031: four audits with remediation."),
    )

    # then
    assert submission.summary == {
        "actions_count": 4,
        "stakeholder_evidence": "Workers' committee at the assembly site",
    }
    assert submission.content_type == "text/plain"
    assert AuditEvent.objects.filter(action="submission.create", target_id=str(submission.pk)).exists()


@pytest.mark.parametrize(("value", "said"), [("four", "whole number"), ("-1", "negative")])
def test_a_cc3_report_with_a_bad_number_of_actions_is_refused_and_nothing_is_stored(scenario_2, value, said):
    # given
    before = counts()

    # when
    with pytest.raises(SubmissionError) as caught:
        submission_create(
            obligation=obligation(scenario_2, "CC3"),
            data={"actions_count": value},
            upload=upload("mitigation.txt", b"Some actions."),
        )

    # then
    assert caught.value.field == "actions_count"
    assert said in str(caught.value)
    assert counts() == before
    assert stored_files() == []


def test_a_cc4_due_diligence_report_stores_processes_and_stakeholder_evidence(scenario_3):
    # when
    submission = submission_create(
        obligation=obligation(scenario_3, "CC4"),
        data={"processes": "Annual risk mapping.", "stakeholder_evidence": "Interviews with NGO partners."},
        upload=upload("due-diligence.txt", b"Our due-diligence report."),
    )

    # then (what the document itself says is read too: tests/app/test_contracts_cc4.py)
    assert submission.summary["processes"] == "Annual risk mapping."
    assert submission.summary["stakeholder_evidence"] == "Interviews with NGO partners."
    assert submission.version == 1


def test_a_real_pdf_is_accepted_for_a_report(scenario_2):
    # given: a one-page PDF with text, written by hand
    content = _minimal_pdf("Mitigating actions: two supplier audits.")

    # when
    submission = submission_create(
        obligation=obligation(scenario_2, "CC3"),
        data={"actions_count": "2"},
        upload=upload("actions.pdf", content),
    )

    # then
    assert submission.content_type == "application/pdf"
    assert submission.file.name.endswith(".pdf")


def _minimal_pdf(text):
    return pdf_bytes(text)


# submission_create: refusals store nothing


REFUSED = [
    ("CC2", "sites.exe", b"MZ\x90\x00\x03\x00", "upload one of .csv, .xlsx"),
    ("CC2", "sites.pdf", b"%PDF-1.4 a report", "upload one of .csv, .xlsx"),
    ("CC3", "actions.csv", b"name,address\n", "upload one of .pdf, .docx, .txt"),
    ("CC3", "actions", b"no extension", "upload one of"),
    ("CC3", "actions.pdf", b"this is not a PDF at all", "actions.pdf is not a readable PDF"),
    ("CC3", "actions.docx", b"plain text pretending", "actions.docx is not a readable Word (DOCX) document"),
    ("CC2", "sites.csv", b"", "sites.csv is empty"),
    ("CC3", "actions.txt", b"", "actions.txt is empty"),
    (
        "CC2",
        "sites.csv",
        b"name,address,site_type\nAssembly One,1 Factory Road,final assembly\n",
        "missing column(s) country",
    ),
    (
        "CC2",
        "sites.csv",
        b"name,address,country\nAssembly One,1 Factory Road,CHN\nLost Plant,Nowhere,Atlantis\n",
        "row 3, column country: 'Atlantis' is not a known country",
    ),
    ("CC2", "sites.csv", b"name,address,country\n\x00\x01\x02\x03", "sites.csv is not a readable CSV file"),
    ("CC2", "sites.csv", b"name,address,country\n", "no site"),
    ("CC2", "sites.xlsx", b"PK\x03\x04 this is not really a workbook", "not a readable XLSX workbook"),
    ("CC2", "sites.xlsx", b"name,address,country\n", "sites.xlsx is not a readable XLSX workbook"),
]


@pytest.mark.parametrize(("clause", "name", "content", "said"), REFUSED)
def test_a_rejected_upload_is_refused_with_a_clear_message_and_nothing_is_stored(
    scenario_2, clause, name, content, said
):
    # given
    before = counts()

    # when
    with pytest.raises(SubmissionError) as caught:
        submission_create(obligation=obligation(scenario_2, clause), data={}, upload=upload(name, content))

    # then
    assert caught.value.field == "file"
    assert said in str(caught.value), str(caught.value)
    assert counts() == before
    assert stored_files() == []


def test_a_file_over_the_upload_limit_is_refused_naming_the_limit_and_nothing_is_stored(scenario_2, settings):
    # given
    settings.HRDD_MAX_UPLOAD_BYTES = 100
    content = SITES_CSV.encode()
    assert len(content) > 100
    before = counts()

    # when
    with pytest.raises(SubmissionError) as caught:
        submission_create(
            obligation=obligation(scenario_2, "CC2"), data={}, upload=upload("sites.csv", content)
        )

    # then
    assert "larger than 100 bytes" in str(caught.value)
    assert counts() == before
    assert stored_files() == []


def test_a_file_at_the_upload_limit_is_accepted(scenario_2, settings):
    # given
    content = SITES_CSV.encode()
    settings.HRDD_MAX_UPLOAD_BYTES = len(content)

    # when
    submission = submission_create(
        obligation=obligation(scenario_2, "CC2"), data={}, upload=upload("sites.csv", content)
    )

    # then
    assert submission.size == len(content)


@pytest.mark.parametrize("clause", ["CC2", "CC3"])
def test_a_submission_without_a_file_is_refused_and_nothing_is_stored(scenario_2, clause):
    # given
    before = counts()

    # when
    with pytest.raises(SubmissionError) as caught:
        submission_create(obligation=obligation(scenario_2, clause), data={"actions_count": "1"})

    # then
    assert caught.value.field == "file"
    assert counts() == before


def test_a_refusal_after_an_accepted_version_keeps_the_accepted_one(scenario_2):
    # given
    cc2 = obligation(scenario_2, "CC2")
    first = submission_create(obligation=cc2, data={}, upload=upload("sites.csv", SITES_CSV.encode()))
    files = stored_files()
    before = counts()

    # when
    with pytest.raises(SubmissionError):
        submission_create(obligation=cc2, data={}, upload=upload("sites.csv", b"name,address\nx,y\n"))

    # then
    assert counts() == before
    assert stored_files() == files
    assert list(cc2.submissions.all()) == [first]


# information requests


def test_asking_for_more_information_records_it_audits_it_and_emails_the_supplier_link(
    scenario_2, buyer, municipality, mailoutbox, django_capture_on_commit_callbacks, settings
):
    # given
    settings.HRDD_BASE_URL = "https://hrdd.testville.example/"
    cc3 = obligation(scenario_2, "CC3")
    due_on = dt.date.today() + dt.timedelta(days=14)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        request = information_request_create(
            actor=buyer, obligation=cc3, question="  Which sites did the audits cover?  ", due_on=due_on
        )

    # then
    request.refresh_from_db()
    assert request.question == "Which sites did the audits cover?"
    assert request.asked_on == dt.date.today()
    assert request.due_on == due_on
    assert request.asked_by == buyer
    assert request.answered_on is None
    event = AuditEvent.objects.get(action="information_request.create")
    assert event.actor == buyer
    assert event.organisation == municipality
    assert event.target_id == str(request.pk)
    assert event.after["clause"] == "CC3"
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [SUPPLIER]
    assert "CC3" in mail.subject
    assert "Which sites did the audits cover?" in mail.body
    assert "https://hrdd.testville.example" + scenario_2.get_supplier_url() in mail.body
    assert scenario_2.token in mail.body
    assert due_on.isoformat() in mail.body


@pytest.mark.parametrize(
    ("question", "days", "field"), [("", 14, "question"), ("   ", 14, "question"), ("Why?", -1, "due_on")]
)
def test_a_bad_request_is_refused_and_nothing_is_stored_or_sent(
    scenario_2, buyer, mailoutbox, django_capture_on_commit_callbacks, question, days, field
):
    # given
    before = counts()

    # when
    with pytest.raises(SubmissionError) as caught, django_capture_on_commit_callbacks(execute=True):
        information_request_create(
            actor=buyer,
            obligation=obligation(scenario_2, "CC3"),
            question=question,
            due_on=dt.date.today() + dt.timedelta(days=days),
        )

    # then
    assert caught.value.field == field
    assert counts() == before
    assert mailoutbox == []


@pytest.mark.parametrize("who", ["viewer", "outsider"])
def test_only_a_writer_of_the_organisation_may_ask(
    scenario_2, request, who, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    actor = request.getfixturevalue(who)
    before = counts()

    # when
    with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True):
        information_request_create(
            actor=actor,
            obligation=obligation(scenario_2, "CC3"),
            question="Why?",
            due_on=dt.date.today() + dt.timedelta(days=7),
        )

    # then
    assert counts() == before
    assert mailoutbox == []


def test_the_supplier_answers_a_request_once_and_the_answer_is_audited(scenario_2, buyer, municipality):
    # given
    request = information_request_create(
        actor=buyer,
        obligation=obligation(scenario_2, "CC3"),
        question="Which sites?",
        due_on=dt.date.today() + dt.timedelta(days=7),
    )

    # when
    answered = information_request_answer(request=request, answer="  Kunshan and Penang.  ")

    # then
    answered.refresh_from_db()
    assert answered.answer == "Kunshan and Penang."
    assert answered.answered_on == dt.date.today()
    event = AuditEvent.objects.get(action="information_request.answer")
    assert event.actor is None
    assert "Acme Computers" in event.actor_label
    assert event.organisation == municipality
    assert event.target_id == str(request.pk)

    # and a second answer is refused, keeping the first
    before = counts()
    with pytest.raises(SubmissionError) as caught:
        information_request_answer(request=request, answer="Something else.")
    assert caught.value.field == "answer"
    assert "already answered" in str(caught.value)
    answered.refresh_from_db()
    assert answered.answer == "Kunshan and Penang."
    assert counts() == before


def test_an_empty_answer_is_refused(scenario_2, buyer):
    # given
    request = information_request_create(
        actor=buyer,
        obligation=obligation(scenario_2, "CC3"),
        question="Which sites?",
        due_on=dt.date.today() + dt.timedelta(days=7),
    )
    before = counts()

    # when
    with pytest.raises(SubmissionError) as caught:
        information_request_answer(request=request, answer="  ")

    # then
    assert caught.value.field == "answer"
    request.refresh_from_db()
    assert request.answered_on is None
    assert counts() == before


# reminders


@pytest.fixture
def cc1_contract(buyer, contract_manager, viewer):
    """A scenario-1 contract: its one obligation, CC1, is due on 2030-04-15."""
    contract = create(buyer, scenario=1, months=3)
    assert [o.due_date for o in contract.obligations.all()] == [dt.date(2030, 4, 15)]
    return contract


DUE = dt.date(2030, 4, 15)


def test_seven_days_before_the_deadline_one_reminder_goes_to_the_supplier_and_the_contract_managers(
    cc1_contract, contract_manager, mailoutbox
):
    # when
    sent = reminders_send(today=DUE - dt.timedelta(days=7))

    # then
    cc1 = obligation(cc1_contract, "CC1")
    assert sent == [(cc1, "before-7")]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [SUPPLIER, contract_manager.email]
    assert "CC1" in mail.subject
    assert cc1_contract.title in mail.subject
    assert "2030-04-15" in mail.body
    assert cc1_contract.get_supplier_url() in mail.body
    assert [r.key for r in ReminderSent.objects.filter(obligation=cc1)] == ["before-7"]


def test_running_the_reminders_twice_the_same_day_sends_nothing_twice(cc1_contract, mailoutbox):
    # given
    today = DUE - dt.timedelta(days=7)
    reminders_send(today=today)

    # when
    again = reminders_send(today=today)

    # then
    assert again == []
    assert len(mailoutbox) == 1
    assert ReminderSent.objects.count() == 1


def test_the_thirty_day_reminder_is_a_different_one(cc1_contract, mailoutbox):
    # when
    first = reminders_send(today=DUE - dt.timedelta(days=30))
    between = reminders_send(today=DUE - dt.timedelta(days=20))
    second = reminders_send(today=DUE - dt.timedelta(days=7))

    # then
    assert [key for _o, key in first] == ["before-30"]
    assert between == []
    assert [key for _o, key in second] == ["before-7"]
    assert len(mailoutbox) == 2


def test_no_reminder_once_the_obligation_is_submitted(cc1_contract, mailoutbox):
    # given
    submission_create(
        obligation=obligation(cc1_contract, "CC1"),
        data={},
        upload=upload("assessment.txt", (FIXTURES / "supplier_risk_assessment.txt").read_bytes()),
    )

    # when
    sent = reminders_send(today=DUE - dt.timedelta(days=7))

    # then
    assert sent == []
    assert mailoutbox == []
    assert ReminderSent.objects.count() == 0


def test_the_day_after_the_deadline_an_after_1_reminder_says_it_was_not_received(
    cc1_contract, contract_manager, mailoutbox
):
    # when
    sent = reminders_send(today=DUE + dt.timedelta(days=1))

    # then
    assert [key for _o, key in sent] == ["after-1"]
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [SUPPLIER, contract_manager.email]
    assert "has not been received" in mailoutbox[0].body
    assert "2030-04-15" in mailoutbox[0].body


def test_no_reminder_between_thresholds(cc1_contract, mailoutbox):
    # when
    sent = reminders_send(today=DUE - dt.timedelta(days=60))

    # then
    assert sent == []
    assert mailoutbox == []


def test_a_deadline_far_in_the_past_beyond_the_look_back_sends_nothing(buyer, mailoutbox):
    # given: one CC1 due on 2030-04-15, and the reminders run more than two years later
    create(buyer, scenario=1, months=3)

    # when
    sent = reminders_send(today=DUE + dt.timedelta(days=800))

    # then
    assert sent == []
    assert mailoutbox == []
    assert ReminderSent.objects.count() == 0


def test_a_reminder_goes_out_per_obligation(buyer, mailoutbox):
    # given: scenario 2, CC2 and CC3 due on the same anniversary
    create(buyer, scenario=2)

    # when
    sent = reminders_send(today=dt.date(2031, 2, 1) - dt.timedelta(days=7))

    # then
    assert sorted(o.clause for o, _key in sent) == ["CC2", "CC3"]
    assert len(mailoutbox) == 2
