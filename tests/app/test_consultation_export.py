"""The results export of a consultation: a small one is the workbook at once; a big one (more responses than
HRDD_EXPORT_IN_REQUEST_MAX) is written by a background run with progress and downloaded from the run's result
link, by the run's organisation only."""

import pytest
from django.urls import reverse

from hrdd.consultations.services import invitation_create, invitation_submit
from hrdd.consultations.spreadsheets import XLSX_CONTENT_TYPE
from hrdd.consultations.tasks import consultation_export_task
from hrdd.core.models import TaskResultFile, TaskRun
from hrdd.core.tasks import run_queued_tasks
from tests.app.workbooks import open_xlsx
from tests.factories import response
from tests.html import document


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


@pytest.fixture
def four_responses(buyer, consultation):
    """Three submitted responses and one invitation not answered yet."""
    for email, company in [("a@a.example", "Alpha"), ("b@b.example", "Beta"), ("c@c.example", "=Gamma()")]:
        invitation = invitation_create(actor=buyer, consultation=consultation, email=email, send=False)
        invitation_submit(invitation=invitation, raw=response(company=company))
    invitation_create(actor=buyer, consultation=consultation, email="late@d.example", send=False)


@pytest.fixture
def big(settings):
    """Four responses are more than the export answers at once."""
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 3


def export_url(consultation):
    return reverse("consultations:export", args=[consultation.public_id])


def exported(client, consultation):
    """Start the export as the page's button does, let the worker run it; return the finished run."""
    page = client.post(export_url(consultation))
    assert page.status_code == 302
    run = TaskRun.objects.get(kind=consultation_export_task.module_path, status=TaskRun.Status.QUEUED)
    assert page["Location"] == reverse("tasks:detail", args=[run.public_id])
    run_queued_tasks()
    run.refresh_from_db()
    return run


def test_an_export_of_as_many_responses_as_the_limit_is_the_workbook_at_once(
    logged_in, consultation, four_responses, settings
):
    # given
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 4

    # when
    page = logged_in.get(export_url(consultation))

    # then
    assert page["Content-Type"] == XLSX_CONTENT_TYPE
    assert len(list(open_xlsx(page.content)["Suppliers"].iter_rows(min_row=2))) == 4
    assert not TaskRun.objects.exists()


def test_a_big_export_offers_to_write_the_workbook_in_the_background(
    logged_in, consultation, four_responses, big
):
    # when
    page = logged_in.get(export_url(consultation))

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = document(page)
    form = html.find(id="export-start")
    assert form.get("method") == "post"
    assert "4 responses" in html.text
    assert not TaskRun.objects.exists()  # looking is no reason to start work


def test_a_big_export_is_written_by_a_run_with_progress_and_downloaded_from_its_result_link(
    logged_in, consultation, four_responses, big
):
    # when
    run = exported(logged_in, consultation)
    download = logged_in.get(run.result_url)

    # then
    assert run.status == TaskRun.Status.DONE
    assert (run.done, run.total) == (8, 8)  # four lines, then four responses' reasons
    assert run.result_url == f"{export_url(consultation)}?run={run.public_id}"
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    assert download["Content-Disposition"] == 'attachment; filename="notebooks-2027-results.xlsx"'
    workbook = open_xlsx(download.content)
    assert workbook.sheetnames == ["Suppliers", "Reasons", "Market", "Method"]
    rows = list(workbook["Suppliers"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[2] for r in rows) == ["a@a.example", "b@b.example", "c@c.example", "late@d.example"]
    assert all(cell.font.b for cell in workbook["Suppliers"][1])
    gamma = next(row for row in workbook["Suppliers"].iter_rows(min_row=2) if row[2].value == "c@c.example")
    assert (
        gamma[0].value == "=Gamma()" and gamma[0].data_type == "s"
    )  # the formula guard holds in the task too


def test_the_runs_page_links_to_the_finished_workbook(logged_in, consultation, four_responses, big):
    # given
    run = exported(logged_in, consultation)

    # when
    page = logged_in.get(reverse("tasks:detail", args=[run.public_id]))

    # then
    links = [a for a in document(page).find_all("a") if a.text == "Download the workbook"]
    assert [a.get("href") for a in links] == [run.result_url]
    assert "Exported 4 responses" in page.content.decode()


def test_a_viewer_may_export_too(client, viewer, consultation, four_responses, big):
    # given
    client.force_login(viewer)

    # when
    run = exported(client, consultation)

    # then
    assert client.get(run.result_url)["Content-Type"] == XLSX_CONTENT_TYPE


def test_another_organisation_neither_starts_nor_downloads_an_export(
    logged_in, client, outsider, consultation, four_responses, big
):
    # given
    run = exported(logged_in, consultation)
    client.force_login(outsider)

    # when
    started = client.post(export_url(consultation))
    downloaded = client.get(run.result_url)

    # then
    assert started.status_code == 404
    assert downloaded.status_code == 404
    assert TaskRun.objects.count() == 1


def test_a_run_of_another_consultation_or_a_malformed_id_is_not_found(
    logged_in, buyer, consultation, four_responses, big
):
    # given
    run = exported(logged_in, consultation)
    other = invitation_create(
        actor=buyer,
        consultation=type(consultation).objects.create(
            organisation=consultation.organisation,
            procurement=consultation.procurement,
            title="Other",
            product_category="notebook",
            deadline=consultation.deadline,
        ),
        email="x@x.example",
        send=False,
    ).consultation

    # when / then
    assert logged_in.get(f"{export_url(other)}?run={run.public_id}").status_code == 404
    assert logged_in.get(f"{export_url(consultation)}?run=not-a-uuid").status_code == 404


def test_a_new_export_replaces_the_file_of_the_one_before(logged_in, consultation, four_responses, big):
    # given
    first = exported(logged_in, consultation)
    first_link = first.result_url

    # when
    second = exported(logged_in, consultation)
    first.refresh_from_db()

    # then
    assert TaskResultFile.objects.get().task_run == second
    assert first.result_url == ""
    assert logged_in.get(first_link).status_code == 404
    assert logged_in.get(second.result_url).status_code == 200
    listed = logged_in.get(export_url(consultation))
    assert listed.content.decode().count('class="task-run ') == 2
