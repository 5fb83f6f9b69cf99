"""The company registry export: the companies the list's search finds, one line each with every identifier, as a
workbook; at once when they are few, written by a background run with progress when there are more than
HRDD_EXPORT_IN_REQUEST_MAX, and only ever the companies of the user's own organisation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.accounts.services import membership_add, membership_switch
from hrdd.companies.models import Company
from hrdd.companies.spreadsheets import XLSX_CONTENT_TYPE
from hrdd.companies.tasks import CompanyExportQuery, company_export_start, company_export_task
from hrdd.core.models import TaskResultFile, TaskRun
from hrdd.core.tasks import run_queued_tasks, task_run_here
from tests.app.workbooks import open_xlsx
from tests.factories import CompanyFactory
from tests.html import document

EXPORT = "/companies/export.xlsx"
HEADER = (
    "Legal name",
    "Other names",
    "Kind",
    "Country (ISO 3166)",
    "Country",
    "Parent company",
    "LEI",
    "VAT or chamber-of-commerce number",
    "D-U-N-S number",
    "RMI facility id",
    "Open Supply Hub id",
    "Website",
    "hrdd id",
)


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def company_rows(content):
    """The lines of the Companies sheet, below its header."""
    rows = list(open_xlsx(content)["Companies"].iter_rows(values_only=True))
    assert rows[0] == HEADER
    return rows[1:]


def many(organisation, count, *, prefix="Bulk"):
    Company.objects.bulk_create(
        CompanyFactory.build(organisation=organisation, legal_name=f"{prefix} {n:03d} Ltd")
        for n in range(count)
    )


def test_a_small_export_is_the_workbook_at_once_with_every_identifier(logged_in, municipality):
    # given
    group = CompanyFactory(organisation=municipality, legal_name="Mining Group plc", country_iso3="GBR")
    smelter = CompanyFactory(
        organisation=municipality,
        legal_name="Tin Smelter Sdn Bhd",
        other_names=["TSB", "Timah Smelter"],
        kind=Company.Kind.SMELTER,
        country_iso3="MYS",
        parent=group,
        lei="5493001KJTIIGC8Y1R12",
        registration_number="MY123456",
        duns="123456789",
        rmi_cid="CID001234",
        os_id="MY2024123ABCDEF",
        website="https://smelter.example",
    )

    # when
    response = logged_in.get(EXPORT)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert (
        response["Content-Disposition"] == 'attachment; filename="municipality-of-testville-companies.xlsx"'
    )
    lines = company_rows(response.content)
    assert [line[0] for line in lines] == ["Mining Group plc", "Tin Smelter Sdn Bhd"]
    assert lines[1] == (
        "Tin Smelter Sdn Bhd",
        "TSB\nTimah Smelter",
        "Smelter or refiner",
        "MYS",
        "Malaysia",
        "Mining Group plc",
        "5493001KJTIIGC8Y1R12",
        "MY123456",
        "123456789",
        "CID001234",
        "MY2024123ABCDEF",
        "https://smelter.example",
        str(smelter.public_id),
    )
    assert lines[0][5] is None  # no parent
    assert not TaskRun.objects.exists()


def test_the_export_keeps_the_companies_the_search_finds_in_its_order(logged_in, municipality):
    # given
    CompanyFactory(organisation=municipality, legal_name="Acme Brands B.V.", kind="brand", country_iso3="NLD")
    CompanyFactory(organisation=municipality, legal_name="Zeta Brands GmbH", kind="brand", country_iso3="NLD")
    CompanyFactory(organisation=municipality, legal_name="Acme Brands GmbH", kind="brand", country_iso3="DEU")
    CompanyFactory(
        organisation=municipality, legal_name="Brandless Reseller", kind="reseller", country_iso3="NLD"
    )

    # when
    response = logged_in.get(EXPORT, {"q": "brands", "kind": "brand", "country": "NLD", "sort": "name_desc"})

    # then
    assert [line[0] for line in company_rows(response.content)] == ["Zeta Brands GmbH", "Acme Brands B.V."]
    about = dict(open_xlsx(response.content)["Export"].iter_rows(values_only=True))
    assert about["Companies of"] == "Municipality of Testville"
    assert about["Name contains"] == "brands"
    assert about["Kind"] == "Brand"
    assert about["Country"] == "Netherlands"
    assert about["Order"] == "Name Z–A"
    assert about["Companies"] == 2


def test_the_company_list_links_to_the_export_of_its_search(logged_in, municipality):
    # given
    CompanyFactory(organisation=municipality)

    # when
    page = logged_in.get(reverse("companies:list"), {"q": "acme", "page": "1"})

    # then
    link = document(page).by_id("company-export")
    assert link.text == "Download as a spreadsheet (XLSX)"
    assert link.get("href") == f"{EXPORT}?q=acme"


def test_a_name_that_looks_like_a_formula_is_written_as_text(logged_in, municipality):
    # given
    CompanyFactory(
        organisation=municipality, legal_name='=HYPERLINK("http://evil.example")', other_names=["+1"]
    )

    # when
    line = open_xlsx(logged_in.get(EXPORT).content)["Companies"][2]

    # then
    assert line[0].value == '=HYPERLINK("http://evil.example")'
    assert line[0].data_type == "s"
    assert line[1].value == "+1"
    assert line[1].data_type == "s"


def test_another_organisations_companies_never_appear(logged_in, municipality, outsider):
    # given
    CompanyFactory(organisation=municipality, legal_name="Ours Ltd")
    CompanyFactory(organisation=outsider.organisation, legal_name="Theirs Ltd")

    # when
    lines = company_rows(logged_in.get(EXPORT).content)

    # then
    assert [line[0] for line in lines] == ["Ours Ltd"]


def test_the_export_needs_a_login(client, municipality):
    assert client.get(EXPORT).status_code == 302


# a big export


@pytest.fixture
def big(settings, municipality):
    """Four companies are more than the export answers at once."""
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 3
    many(municipality, 4)


def exported(client, query=""):
    """Start the export as the offer page's button does, let the worker run it; return the finished run."""
    page = client.post(f"{EXPORT}{query}")
    assert page.status_code == 302
    run = TaskRun.objects.get(kind=company_export_task.module_path, status=TaskRun.Status.QUEUED)
    assert page["Location"] == reverse("tasks:detail", args=[run.public_id])
    run_queued_tasks()
    run.refresh_from_db()
    return run


def test_a_big_export_offers_to_write_the_workbook_in_the_background(logged_in, big):
    # when
    page = logged_in.get(EXPORT, {"q": "bulk"})

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = document(page)
    form = html.find(id="export-start")
    assert form.get("method") == "post"
    assert form.get("action") == f"{EXPORT}?q=bulk"
    assert "The search finds 4 companies" in html.text
    assert not TaskRun.objects.exists()  # looking is no reason to start work


def test_a_big_export_is_written_by_a_run_and_downloaded_from_its_result_link(logged_in, big, municipality):
    # given
    CompanyFactory(organisation=municipality, legal_name="Not Found By The Search")

    # when
    run = exported(logged_in, "?q=bulk")
    download = logged_in.get(run.result_url)

    # then
    assert run.status == TaskRun.Status.DONE
    assert (run.done, run.total) == (4, 4)
    assert run.message.startswith("Exported 4 companies")
    assert run.result_url == f"{EXPORT}?run={run.public_id}"
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    assert [line[0] for line in company_rows(download.content)] == [f"Bulk {n:03d} Ltd" for n in range(4)]


def test_the_runs_page_links_to_the_finished_workbook(logged_in, big):
    # given
    run = exported(logged_in)

    # when
    page = logged_in.get(reverse("tasks:detail", args=[run.public_id]))

    # then
    links = [a for a in document(page).find_all("a") if a.text == "Download the workbook"]
    assert [a.get("href") for a in links] == [run.result_url]


def test_a_viewer_may_export_too(client, viewer, big):
    # given
    client.force_login(viewer)

    # when
    run = exported(client)

    # then
    assert client.get(run.result_url)["Content-Type"] == XLSX_CONTENT_TYPE


def test_another_organisation_cannot_download_the_export(logged_in, client, outsider, big):
    # given
    run = exported(logged_in)
    client.force_login(outsider)

    # when / then
    assert client.get(run.result_url).status_code == 404


def test_a_run_keeps_the_companies_of_its_organisation_whichever_its_starter_works_in_later(
    buyer, municipality, outsider, big
):
    # given: the buyer starts an export, then switches to another organisation before a worker runs it
    CompanyFactory(organisation=outsider.organisation, legal_name="Elsewhere Ltd")
    membership_add(actor=None, user=buyer, organisation=outsider.organisation, role=buyer.role)
    run = company_export_start(actor=buyer, query=CompanyExportQuery(), enqueue=False)
    membership_switch(user=buyer, organisation_public_id=str(outsider.organisation.public_id))

    # when
    run = task_run_here(run)

    # then
    assert run.organisation == municipality
    assert TaskResultFile.objects.get(task_run=run).task_run.done == 4
    content = bytes(TaskResultFile.objects.get(task_run=run).content)
    assert [line[0] for line in company_rows(content)] == [f"Bulk {n:03d} Ltd" for n in range(4)]


def test_a_new_export_replaces_the_file_of_the_one_before(logged_in, big):
    # given
    first = exported(logged_in)
    first_link = first.result_url

    # when
    second = exported(logged_in, "?kind=supplier")

    # then
    assert TaskResultFile.objects.get().task_run == second
    assert logged_in.get(first_link).status_code == 404
    assert logged_in.get(second.result_url).status_code == 200


# cost


def queries_of(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def with_parents(organisation, count, start):
    """`count` companies, each a subsidiary of the one before (so that every line names a parent)."""
    parent = Company.objects.filter(organisation=organisation).order_by("-id").first()
    for n in range(start, start + count):
        parent = CompanyFactory(organisation=organisation, legal_name=f"Group member {n:03d}", parent=parent)


def test_the_queries_of_an_export_in_the_request_are_as_many_for_5_companies_as_for_50(
    logged_in, municipality
):
    # given
    with_parents(municipality, 5, 0)
    five = queries_of(lambda: logged_in.get(EXPORT))
    with_parents(municipality, 45, 5)

    # when
    fifty = queries_of(lambda: logged_in.get(EXPORT))

    # then
    assert Company.objects.filter(organisation=municipality).count() == 50
    assert fifty == five


def test_the_queries_of_an_export_run_are_as_many_for_5_companies_as_for_50(buyer, municipality):
    # given: an export before, whose file each measured run replaces
    def run_export():
        run = company_export_start(actor=buyer, query=CompanyExportQuery(), enqueue=False)
        return queries_of(lambda: task_run_here(run))

    run_export()
    with_parents(municipality, 5, 0)
    five = run_export()
    with_parents(municipality, 45, 5)

    # when
    fifty = run_export()

    # then
    assert fifty == five
