"""The contract-management flows in a real browser: the supplier reporting through its secret link, and the
contract manager's dashboard, contract page and calendar download."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from hrdd.contracts.models import Submission
from hrdd.contracts.services import contract_create, submission_create
from hrdd.core.tasks import run_queued_tasks
from hrdd.domain.contracts import add_months
from hrdd.domain.risk import Adjustments
from hrdd.risks import selectors
from hrdd.risks.services import risk_assessment_save
from hrdd.tenders.services import tender_create

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright Python package is missing: pip install -e '.[dev]'"
)
expect = sync_api.expect

pytestmark = pytest.mark.browser

SITES_CSV = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CHN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",MYS,component,lithium-ion cells\n'
)
PROBLEM_RED = "rgb(248, 211, 208)"  # .kpi-problem in hrdd.css
PENDING_GREY = "rgb(230, 233, 237)"  # .kpi-pending


@pytest.fixture(autouse=True)
def _fresh_knowledge_cache():
    """knowledge_current() caches by edition ids; start each test from the tables in the database."""
    selectors._CACHE.clear()
    yield
    selectors._CACHE.clear()


def running_contract(actor, *, tender=None):
    """A contract whose first anniversary has passed (overdue) and whose second is 30 days away (due soon)."""
    today = dt.date.today()
    start = add_months(today + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title="Notebooks for staff",
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 30),
        scenario=None if tender else 2,
        tender=tender,
    )


def cc2_of(contract):
    return contract.obligations.filter(clause="CC2").order_by("due_date").first()


def test_supplier_uploads_a_site_list_twice_and_a_wrong_file_is_refused(page, buyer, tmp_path):
    contract = running_contract(buyer)
    cc2 = cc2_of(contract)
    page.goto(contract.get_supplier_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting under the contract")
    expect(page.locator("main")).to_contain_text("Notebooks for staff")
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.get_by_role("heading", level=2)).to_contain_text(f"CC2 {cc2.title}")
    field = "Production-site list (CSV or XLSX)"

    sites = tmp_path / "sites.csv"
    sites.write_text(SITES_CSV, encoding="utf-8")
    section.get_by_label(field).set_input_files(str(sites))
    section.get_by_label("If the list is incomplete").fill("All our sites are listed.")
    section.get_by_role("button", name="Submit").click()
    expect(page.locator(".messages")).to_contain_text("Received sites.csv: its rows are being read")
    # the task worker reads the rows; the progress shown under CC2 updates itself, then links to the result
    run_queued_tasks()
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.locator(".task-run")).to_contain_text("Received: CC2, version 1 (sites.csv).")
    section.get_by_role("link", name="Show the submission").click()
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section).to_contain_text("Received: v1 sites.csv")
    expect(section.locator(".kpi")).to_contain_text(["Timeliness: late by"])

    section.get_by_label(field).set_input_files(str(sites))
    section.get_by_role("button", name="Submit").click()
    expect(page.locator(".messages")).to_contain_text("Received sites.csv: its rows are being read")
    run_queued_tasks()
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.locator(".task-run")).to_contain_text("Received: CC2, version 2 (sites.csv).")
    section.get_by_role("link", name="Show the submission").click()
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section).to_contain_text("Received: v2 sites.csv")
    expect(section).to_contain_text("v1 sites.csv")

    stored = list(cc2.submissions.order_by("version"))
    assert [s.version for s in stored] == [1, 2]
    assert stored[0].summary["explanation"] == "All our sites are listed."
    assert [s.country_iso3 for s in stored[1].sites.all()] == ["CHN", "MYS"]

    # a program, not a site list: refused with a message, nothing stored
    tool = tmp_path / "tool.exe"
    tool.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00")
    section.get_by_label(field).set_input_files(str(tool))
    section.get_by_role("button", name="Submit").click()
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.locator(".errors")).to_contain_text(
        "tool.exe: unsupported file type; upload one of .csv, .xlsx"
    )
    expect(page.locator(".errors")).to_have_count(1)

    # the same program renamed to .csv: refused too
    renamed = tmp_path / "renamed" / "sites.csv"
    renamed.parent.mkdir()
    renamed.write_bytes(tool.read_bytes())
    section.get_by_label(field).set_input_files(str(renamed))
    section.get_by_role("button", name="Submit").click()
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.locator(".errors")).to_contain_text("sites.csv is not a readable CSV file")
    assert Submission.objects.filter(obligation=cc2).count() == 2


def test_contract_manager_follows_the_dashboard_to_the_contract_and_downloads_its_calendar(
    page, login, buyer, contract_manager, tmp_path
):
    risks = risk_assessment_save(
        actor=buyer, title="Notebooks: risks", product="notebook", adjustments=Adjustments()
    )
    tender = tender_create(actor=buyer, title="Notebooks tender", scenario=3, risk_assessment=risks)
    contract = running_contract(buyer, tender=tender)
    cc2 = cc2_of(contract)
    submission_create(
        obligation=cc2,
        data={"explanation": ""},
        upload=SimpleUploadedFile("sites.csv", SITES_CSV.encode(), content_type="text/csv"),
    )
    obligations = list(contract.obligations.all())
    past, soon, *_later = sorted({o.due_date for o in obligations})

    login(page, contract_manager)
    page.get_by_role("link", name="4 Contracts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contract management")

    # overdue: CC3 and CC4 of the first anniversary (CC2 was submitted, late); due soon: the second's three
    overdue = page.locator("#overdue")
    expect(overdue.get_by_role("heading", level=2)).to_have_text("Overdue (2)")
    expect(overdue.locator("li .kpi-problem")).to_have_count(2)
    expect(overdue.locator("li .kpi-problem").first).to_have_text(f"{past:%Y-%m-%d}")
    expect(overdue.locator("li").first).to_contain_text("Lumen Computers")
    expect(overdue.locator("li").first).to_contain_text("days overdue")
    assert overdue.locator(".kpi-problem").first.evaluate("e => getComputedStyle(e).backgroundColor") == (
        PROBLEM_RED
    )
    due_soon = page.locator("#due-soon")
    expect(due_soon.get_by_role("heading", level=2)).to_have_text("Due in the next 60 days (3)")
    expect(due_soon.locator("li .kpi-pending")).to_have_count(3)
    expect(due_soon.locator("li .kpi-pending").first).to_have_text(f"{soon:%Y-%m-%d}")
    assert due_soon.locator(".kpi-pending").first.evaluate("e => getComputedStyle(e).backgroundColor") == (
        PENDING_GREY
    )
    # the obligations table colours every KPI
    table = page.locator("#obligations")
    expect(table.locator("tbody tr")).to_have_count(len(obligations))
    expect(table.locator(".kpi-warning")).to_contain_text(["Timeliness: late by"])

    trend = page.locator("#trend svg")
    expect(trend).to_be_visible()
    expect(trend).to_contain_text("Lumen Computers")
    expect(trend.locator("rect")).not_to_have_count(0)

    # on to the contract
    overdue.get_by_role("link", name="Lumen Computers").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notebooks for staff")
    assert page.url.endswith(contract.get_absolute_url())
    section = page.locator(f"#obligation-{cc2.pk}")
    expect(section.locator(".kpi")).to_contain_text(
        ["Timeliness: late by", "Completeness: 100% complete", "Contents: 2 of 2 items met"]
    )
    expect(page.locator(".kpi-problem").first).to_contain_text("missing")
    sites = section.locator("table.sites tbody tr")
    expect(sites).to_have_count(2)
    expect(sites.nth(0)).to_contain_text("Assembly One")
    expect(sites.nth(0)).to_contain_text("China")
    expect(sites.nth(0)).to_contain_text("Child labour (assembly")
    expect(sites.nth(1)).to_contain_text("Cells Two")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Deadlines as a calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == "notebooks-for-staff.ics"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(obligations)
    assert sorted(e.decoded("DTSTART") for e in events) == sorted(o.due_date for o in obligations)
    assert all(re.match(r"CC[234] ", str(e["SUMMARY"])) for e in events)
