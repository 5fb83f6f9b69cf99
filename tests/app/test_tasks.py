"""Long work in the task queue: a run records its progress, its result or its error; a failed run stores nothing
of its work and can be retried; another organisation never sees it. The tasks run through django-tasks-db's
own worker code (`run_queued_tasks` claims each queued task and hands it to `Worker.run_task`)."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from hrdd.audit.models import AuditEvent
from hrdd.consultations.models import Invitation
from hrdd.consultations.services import ImportRefused, responses_import_accept
from hrdd.contracts.models import ProductionSite, Submission
from hrdd.contracts.services import SubmissionError, contract_create, site_list_accept
from hrdd.contracts.tasks import site_list_import
from hrdd.core.errors import InputError
from hrdd.core.models import TaskInput, TaskRun
from hrdd.core.tasks import (
    Outcome,
    run_queued_tasks,
    task_run_create,
    task_run_execute,
    task_run_here,
    task_run_retry,
)
from hrdd.domain.contracts import add_months
from tests.app.workbooks import fill_questionnaire
from tests.cli_support import assert_refused, ok
from tests.factories import answers, response

TODAY = dt.date.today()
SITES_CSV = (
    "name,address,country,site_type,products\n"
    'Assembly One,"1 Factory Road, Kunshan",CHN,final assembly,notebooks\n'
    'Cells Two,"2 Battery Street, Penang",MYS,component,lithium-ion cells\n'
    "Smelter Three,,DEU,raw-material processing,aluminium\n"
)


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def stored_files():
    media = Path(settings.MEDIA_ROOT)
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []


def running(actor, *, title="Notebooks 2024-2027"):
    start = add_months(TODAY + dt.timedelta(days=30), -24)
    return contract_create(
        actor=actor,
        title=title,
        supplier_name="Lumen Computers",
        supplier_email="reports@lumen.example",
        award_date=start,
        start_date=start,
        end_date=add_months(start, 30),
        scenario=2,
    )


def cc2_of(contract):
    return contract.obligations.filter(clause="CC2").order_by("due_date").first()


def stored():
    """How many submissions, sites and audit events exist."""
    return Submission.objects.count(), ProductionSite.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def contract(buyer):
    return running(buyer)


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


# a task defined here, so that a test can look at the progress record while the work runs

SEEN: list[tuple[str, int, int, str]] = []


def count_to_three(run, progress):
    for step in (1, 2, 3):
        progress.update(step, total=3, message=f"step {step}")
        SEEN.append(tuple(TaskRun.objects.values_list("status", "done", "total", "message").get(pk=run.pk)))
    return Outcome(message="Counted to three.", result_url="/somewhere/", result_label="See it")


@task()
def counting_task(task_run_id: int) -> dict:
    return task_run_execute(task_run_id, count_to_three)


# progress


def test_the_progress_record_is_updated_while_the_work_runs(buyer, settings):
    # given
    settings.HRDD_TASK_PROGRESS_INTERVAL = 0
    SEEN.clear()
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=counting_task, label="Count"
    )

    # when
    ran = run_queued_tasks()

    # then
    assert ran == 1
    assert SEEN == [("running", 1, 3, "step 1"), ("running", 2, 3, "step 2"), ("running", 3, 3, "step 3")]
    run.refresh_from_db()
    assert (run.status, run.done, run.total, run.percent) == ("done", 3, 3, 100)
    assert (run.message, run.result_url, run.result_label) == ("Counted to three.", "/somewhere/", "See it")
    assert run.attempts == 1
    assert run.started_at <= run.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_progress_between_the_first_and_the_last_step_is_written_at_most_once_per_interval(buyer, settings):
    # given: an interval far longer than the work
    settings.HRDD_TASK_PROGRESS_INTERVAL = 3600
    SEEN.clear()
    task_run_create(organisation=buyer.organisation, created_by=buyer, task=counting_task, label="Count")

    # when
    run_queued_tasks()

    # then: the first step (a new total) and the last (complete) are written, and every new message
    assert [s[1] for s in SEEN] == [1, 2, 3]


def test_a_site_list_is_accepted_at_once_and_its_rows_are_read_by_the_worker(contract):
    # given
    cc2 = cc2_of(contract)

    # when
    run = site_list_accept(
        obligation=cc2, data={"explanation": "All listed."}, upload=upload("sites.csv", SITES_CSV.encode())
    )

    # then: queued, nothing of the list stored yet
    assert run.status == TaskRun.Status.QUEUED
    assert run.organisation == contract.organisation
    assert run.label == "Site list sites.csv for CC2"
    assert cc2.submissions.count() == 0
    assert DBTaskResult.objects.get().status == "READY"

    # when: the worker runs
    assert run_queued_tasks() == 1

    # then
    run.refresh_from_db()
    submission = cc2.submissions.get()
    assert run.status == TaskRun.Status.DONE
    assert (run.done, run.total) == (3, 3)
    assert run.message == "Received: CC2, version 1 (sites.csv). 3 site(s) stored."
    assert run.result_url == f"{contract.get_absolute_url()}#obligation-{cc2.pk}"
    assert [s.country_iso3 for s in submission.sites.all()] == ["CHN", "MYS", "DEU"]
    assert submission.summary["explanation"] == "All listed."
    assert AuditEvent.objects.filter(action="submission.create").count() == 1
    assert not TaskInput.objects.filter(task_run=run).exists()  # a done run keeps no copy of the upload


def test_the_command_line_sees_every_row_of_the_same_work(contract):
    # given
    rows = "".join(f"Plant {n},Road {n},DEU,component,parts\n" for n in range(40))
    run = task_run_create(
        organisation=contract.organisation,
        task=site_list_import,
        label="Site list",
        params={"obligation": cc2_of(contract).pk},
        inputs=[("sites.csv", ("name,address,country\n" + rows).encode())],
        enqueue=False,
    )
    heard = []

    # when
    done = task_run_here(run, listener=lambda r: heard.append((r.status, r.done, r.total)))

    # then
    assert done.status == TaskRun.Status.DONE
    assert heard[0] == ("running", 0, 0)  # reading starts before the rows are counted
    assert [d for status, d, t in heard[1:-1] if status == "running" and t == 40] == list(range(41))
    assert heard[-1] == ("done", 40, 40)
    assert ProductionSite.objects.count() == 40


def test_a_refused_site_list_is_refused_at_once_and_nothing_is_queued(contract):
    # when
    with pytest.raises(SubmissionError) as caught:
        site_list_accept(obligation=cc2_of(contract), data={}, upload=upload("tool.exe", b"MZ\x90\x00"))

    # then
    assert "tool.exe: unsupported file type; upload one of .csv, .xlsx" in str(caught.value)
    assert not TaskRun.objects.exists()
    assert not DBTaskResult.objects.exists()


# failure, nothing half-stored, retry


def test_a_bad_row_fails_the_run_with_the_row_named_and_stores_nothing(contract):
    # given
    before = stored()
    content = b"name,address,country\nAssembly One,1 Factory Road,CHN\nLost Plant,Nowhere,Atlantis\n"
    run = site_list_accept(obligation=cc2_of(contract), data={}, upload=upload("sites.csv", content))

    # when
    run_queued_tasks()

    # then
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED
    assert "sites.csv: row 3, column country: 'Atlantis' is not a known country" in run.error
    assert stored() == before
    assert stored_files() == []
    assert TaskInput.objects.filter(task_run=run).count() == 1  # kept for a retry


def test_a_failure_while_storing_leaves_nothing_half_stored_and_a_retry_stores_it_once(contract, monkeypatch):
    # given: the database refuses the sites after the submission and its file were written
    cc2 = cc2_of(contract)
    before = stored()
    run = site_list_accept(obligation=cc2, data={}, upload=upload("sites.csv", SITES_CSV.encode()))

    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ProductionSite.objects, "bulk_create", refuse)

    # when
    run_queued_tasks()

    # then: the run failed, the queue kept the traceback, and nothing of the work is stored
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED
    assert "nothing of it was stored" in run.error
    assert "disk full" not in run.error  # the details stay in the log and the queue, not on the page
    assert "disk full" in DBTaskResult.objects.get().traceback
    assert stored() == before
    assert stored_files() == []

    # when: the fault is gone and the run is retried
    monkeypatch.undo()
    task_run_retry(run=run, actor=contract.created_by)
    assert TaskRun.objects.get(pk=run.pk).status == TaskRun.Status.QUEUED
    run_queued_tasks()

    # then: stored once, as version 1
    run.refresh_from_db()
    assert run.status == TaskRun.Status.DONE
    assert run.attempts == 2
    assert run.error == ""
    assert [s.version for s in cc2.submissions.all()] == [1]
    assert ProductionSite.objects.count() == before[1] + 3
    assert len(stored_files()) == 1


def test_only_a_failed_run_can_be_retried(contract):
    # given
    run = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("sites.csv", SITES_CSV.encode())
    )
    run_queued_tasks()
    run.refresh_from_db()

    # when
    with pytest.raises(InputError) as caught:
        task_run_retry(run=run, actor=contract.created_by)

    # then
    assert caught.value.field == "task"
    assert TaskRun.objects.get(pk=run.pk).status == TaskRun.Status.DONE


def test_a_viewer_cannot_retry(contract, viewer):
    # given
    run = site_list_accept(obligation=cc2_of(contract), data={}, upload=upload("sites.csv", b"name\nx\n"))
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED

    # when
    with pytest.raises(PermissionDenied):
        task_run_retry(run=run, actor=viewer)

    # then
    assert TaskRun.objects.get(pk=run.pk).status == TaskRun.Status.FAILED


def test_a_second_delivery_of_a_done_run_does_nothing_twice(contract):
    # given
    run = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("sites.csv", SITES_CSV.encode())
    )
    run_queued_tasks()

    # when
    answer = site_list_import.call(run.pk)

    # then
    assert answer == {"status": "done", "skipped": True}
    assert Submission.objects.count() == 1


# the buyer's import of filled questionnaires


def workbook(blank, company, **overrides):
    raw = response(company=company)
    raw.update(overrides)
    return fill_questionnaire(blank, company=raw["company"], role=raw["role"], answers=raw["answers"])


def test_several_workbooks_are_imported_by_the_worker_one_step_each(
    buyer, consultation, blank_xlsx, settings
):
    # given
    settings.HRDD_TASK_PROGRESS_INTERVAL = 0
    files = [upload(f"{n}.xlsx", workbook(blank_xlsx, f"Supplier {n}")) for n in ("one", "two")]
    run = responses_import_accept(actor=buyer, consultation=consultation, uploads=files)
    assert not consultation.invitations.exists()

    # when
    run_queued_tasks()

    # then
    run.refresh_from_db()
    assert run.status == TaskRun.Status.DONE
    assert (run.done, run.total) == (2, 2)
    assert run.message == "Imported the answers of Supplier one, Supplier two."
    assert run.result_url == consultation.get_absolute_url()
    imported = consultation.invitations.order_by("pk")
    assert [i.company_name for i in imported] == ["Supplier one", "Supplier two"]
    assert {i.channel for i in imported} == {Invitation.Channel.SPREADSHEET}
    assert AuditEvent.objects.filter(action="response.import_xlsx", actor=buyer).count() == 2


def test_one_invalid_workbook_fails_the_import_naming_it_and_stores_none(buyer, consultation, blank_xlsx):
    # given: the second workbook lacks the role
    good = workbook(blank_xlsx, "Supplier one")
    bad = fill_questionnaire(blank_xlsx, company="Supplier two", role=None, answers=answers())
    events = AuditEvent.objects.count()
    run = responses_import_accept(
        actor=buyer, consultation=consultation, uploads=[upload("one.xlsx", good), upload("two.xlsx", bad)]
    )

    # when
    run_queued_tasks()

    # then
    run.refresh_from_db()
    assert run.status == TaskRun.Status.FAILED
    assert run.error.startswith("two.xlsx was not imported:")
    assert "role" in run.error
    assert not consultation.invitations.exists()
    assert AuditEvent.objects.count() == events


def test_a_file_that_is_no_workbook_is_refused_before_anything_is_queued(buyer, consultation):
    # when
    with pytest.raises(ImportRefused) as caught:
        responses_import_accept(
            actor=buyer, consultation=consultation, uploads=[upload("broken.xlsx", b"no spreadsheet")]
        )

    # then
    assert str(caught.value).startswith("broken.xlsx is not a readable XLSX workbook: it holds plain text.")
    assert not TaskRun.objects.exists()


def test_a_viewer_cannot_start_an_import(viewer, consultation, filled_xlsx):
    with pytest.raises(PermissionDenied):
        responses_import_accept(
            actor=viewer, consultation=consultation, uploads=[upload("a.xlsx", filled_xlsx)]
        )
    assert not TaskRun.objects.exists()


# pages


def test_the_progress_fragment_polls_while_queued_and_stops_with_a_link_when_done(logged_in, contract):
    # given
    run = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("sites.csv", SITES_CSV.encode())
    )
    progress_url = reverse("tasks:progress", args=[run.public_id])

    # when
    queued = logged_in.get(progress_url)
    run_queued_tasks()
    done = logged_in.get(progress_url)

    # then
    assert queued.status_code == 200
    assert f'data-poll="{progress_url}"' in queued.content.decode()
    assert "<progress" in queued.content.decode()
    assert queued["Cache-Control"] == "no-store"
    html = done.content.decode()
    assert "data-poll" not in html
    assert "Received: CC2, version 1 (sites.csv)." in html
    assert f'href="{contract.get_absolute_url()}#obligation-{cc2_of(contract).pk}"' in html


def test_a_failed_run_shows_its_error_and_a_retry_button_that_queues_it_again(logged_in, contract):
    # given
    run = site_list_accept(obligation=cc2_of(contract), data={}, upload=upload("sites.csv", b"name\nx\n"))
    run_queued_tasks()

    # when
    page = logged_in.get(reverse("tasks:detail", args=[run.public_id]))
    retried = logged_in.post(reverse("tasks:retry", args=[run.public_id]))

    # then
    html = page.content.decode()
    assert '<div class="errors" role="alert">' in html
    assert "missing column(s) address, country" in html
    assert f'action="{reverse("tasks:retry", args=[run.public_id])}"' in html
    assert retried.status_code == 302
    assert retried["Location"] == reverse("tasks:detail", args=[run.public_id])
    assert TaskRun.objects.get(pk=run.pk).status == TaskRun.Status.QUEUED
    assert DBTaskResult.objects.filter(status="READY").count() == 1


def test_a_viewer_sees_the_progress_without_a_retry_button(client, viewer, contract):
    # given
    run = site_list_accept(obligation=cc2_of(contract), data={}, upload=upload("sites.csv", b"name\nx\n"))
    run_queued_tasks()
    client.force_login(viewer)

    # when
    page = client.get(reverse("tasks:detail", args=[run.public_id]))

    # then
    assert page.status_code == 200
    assert "missing column(s)" in page.content.decode()
    assert "Retry" not in page.content.decode()


def test_the_list_shows_the_organisations_runs_only(logged_in, contract, outsider):
    # given
    ours = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("sites.csv", SITES_CSV.encode())
    )
    theirs = site_list_accept(
        obligation=cc2_of(running(outsider, title="Their notebooks")),
        data={},
        upload=upload("theirs.csv", SITES_CSV.encode()),
    )

    # when
    page = logged_in.get(reverse("tasks:list"))

    # then
    html = page.content.decode()
    assert str(ours.public_id) in html
    assert str(theirs.public_id) not in html
    assert "theirs.csv" not in html


# walls


@pytest.mark.parametrize("name", ["tasks:detail", "tasks:progress"])
def test_another_organisation_cannot_see_a_runs_progress(client, outsider, contract, name):
    # given
    run = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("sites.csv", SITES_CSV.encode())
    )
    client.force_login(outsider)

    # when
    page = client.get(reverse(name, args=[run.public_id]))

    # then
    assert page.status_code == 404
    assert "sites.csv" not in page.content.decode()


def test_another_organisation_cannot_retry_a_run(client, outsider, contract):
    # given
    run = site_list_accept(obligation=cc2_of(contract), data={}, upload=upload("sites.csv", b"name\nx\n"))
    run_queued_tasks()
    client.force_login(outsider)

    # when
    page = client.post(reverse("tasks:retry", args=[run.public_id]))

    # then
    assert page.status_code == 404
    assert TaskRun.objects.get(pk=run.pk).status == TaskRun.Status.FAILED


def test_the_progress_pages_need_a_login(client, contract):
    # given
    run = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("sites.csv", SITES_CSV.encode())
    )

    # when
    page = client.get(reverse("tasks:progress", args=[run.public_id]))

    # then
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("login"))


def test_a_supplier_link_sees_its_own_runs_only(client, buyer, outsider, contract):
    # given
    theirs = running(outsider, title="Their notebooks")
    run = site_list_accept(obligation=cc2_of(theirs), data={}, upload=upload("sites.csv", SITES_CSV.encode()))
    mine = site_list_accept(
        obligation=cc2_of(contract), data={}, upload=upload("mine.csv", SITES_CSV.encode())
    )

    # when
    foreign = client.get(reverse("contracts:supplier_task", args=[contract.token, run.public_id]))
    foreign_retry = client.post(
        reverse("contracts:supplier_task_retry", args=[contract.token, run.public_id])
    )
    own = client.get(reverse("contracts:supplier_task", args=[contract.token, mine.public_id]))

    # then
    assert foreign.status_code == 404
    assert foreign_retry.status_code == 404
    assert own.status_code == 200
    assert "mine.csv" in own.content.decode()


def test_the_supplier_retries_a_failed_reading_through_the_link(client, contract):
    # given
    cc2 = cc2_of(contract)
    run = site_list_accept(obligation=cc2, data={}, upload=upload("sites.csv", b"name\nx\n"))
    run_queued_tasks()
    page = client.get(reverse("contracts:supplier", args=[contract.token]))
    retry_url = reverse("contracts:supplier_task_retry", args=[contract.token, run.public_id])

    # when
    retried = client.post(retry_url)

    # then
    assert f'action="{retry_url}"' in page.content.decode()
    assert retried.status_code == 302
    assert (
        retried["Location"] == reverse("contracts:supplier", args=[contract.token]) + f"#obligation-{cc2.pk}"
    )
    assert TaskRun.objects.get(pk=run.pk).status == TaskRun.Status.QUEUED


def test_the_consultation_page_shows_its_latest_import(logged_in, consultation, filled_xlsx):
    # given
    logged_in.post(
        reverse("consultations:import", args=[consultation.public_id]),
        {"file": upload("answers.xlsx", filled_xlsx)},
    )

    # when
    waiting = logged_in.get(consultation.get_absolute_url())
    run_queued_tasks()
    done = logged_in.get(consultation.get_absolute_url())

    # then
    assert "data-poll" in waiting.content.decode()
    assert "Import of answers.xlsx into Notebooks 2027" in waiting.content.decode()
    assert "Imported the answers of Spreadsheet Supplier Ltd." in done.content.decode()
    assert "data-poll" not in done.content.decode()


def test_the_polling_script_is_served_as_a_static_file():
    from django.contrib.staticfiles import finders

    path = finders.find("hrdd/tasks.js")
    assert path is not None
    assert "data-poll" in Path(path).read_text(encoding="utf-8")


# the command line: the same work, here with a progress bar or left to the worker


def test_the_command_line_stores_a_site_list_here_and_leaves_nothing_queued(cli, contract, tmp_path):
    # given
    sites = tmp_path / "sites.csv"
    sites.write_text(SITES_CSV, encoding="utf-8")

    # when
    result = ok(cli("contract", "sites", contract.public_id, sites, "--explanation", "All listed."))

    # then
    assert "Received: CC2, version 1 (sites.csv). 3 site(s) stored." in result.stdout
    submission = cc2_of(contract).submissions.get()
    assert submission.summary["explanation"] == "All listed."
    assert TaskRun.objects.get().status == TaskRun.Status.DONE
    assert not DBTaskResult.objects.exists()


def test_the_command_line_queues_for_the_worker_and_shows_the_run(cli, contract, tmp_path):
    # given
    sites = tmp_path / "sites.csv"
    sites.write_text(SITES_CSV, encoding="utf-8")

    # when
    queued = ok(cli("contract", "sites", contract.public_id, sites, "--queue"))
    ran = ok(cli("tasks", "run"))
    run = TaskRun.objects.get()
    shown = ok(cli("tasks", "show", run.public_id))
    listed = ok(cli("tasks", "list", "--json"))

    # then
    assert f"Queued as task {run.public_id}" in queued.stdout
    assert ran.stdout.strip() == "1 task(s) run"
    assert "Site list sites.csv for CC2: done" in shown.stdout
    assert "3 of 3 done" in shown.stdout
    assert json.loads(listed.stdout)[0]["id"] == str(run.public_id)
    assert cc2_of(contract).submissions.count() == 1


def test_a_failed_run_retried_on_the_command_line_fails_again_naming_the_row(cli, contract, tmp_path):
    # given
    sites = tmp_path / "sites.csv"
    sites.write_text("name,address,country\nLost Plant,Nowhere,Atlantis\n", encoding="utf-8")
    refused = cli("contract", "sites", contract.public_id, sites)
    run = TaskRun.objects.get()

    # when
    again = cli("tasks", "retry", run.public_id)

    # then
    assert_refused(refused, "row 2, column country: 'Atlantis' is not a known country")
    assert_refused(again, "row 2, column country: 'Atlantis' is not a known country")
    run.refresh_from_db()
    assert (run.status, run.attempts) == (TaskRun.Status.FAILED, 2)
    assert not Submission.objects.exists()


def test_an_unknown_run_is_refused_on_the_command_line(cli, db):
    assert_refused(cli("tasks", "show", "00000000-0000-4000-8000-000000000000"), "task not found")


def test_the_command_line_imports_workbooks_as_the_buyer(cli, buyer, consultation, blank_xlsx, tmp_path):
    # given
    first, second = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    first.write_bytes(workbook(blank_xlsx, "Supplier one"))
    second.write_bytes(workbook(blank_xlsx, "Supplier two"))

    # when
    result = ok(cli("questionnaire", "import", consultation.public_id, first, second, "--as", buyer.email))

    # then
    assert "Imported the answers of Supplier one, Supplier two." in result.stdout
    assert consultation.invitations.count() == 2
    assert AuditEvent.objects.filter(action="response.import_xlsx", actor=buyer).count() == 2


def test_the_command_line_import_refuses_an_invalid_workbook_and_stores_none(
    cli, buyer, consultation, blank_xlsx, tmp_path
):
    # given
    good, bad = tmp_path / "one.xlsx", tmp_path / "two.xlsx"
    good.write_bytes(workbook(blank_xlsx, "Supplier one"))
    bad.write_bytes(fill_questionnaire(blank_xlsx, company="Supplier two", role=None, answers=answers()))

    # when
    result = cli("questionnaire", "import", consultation.public_id, good, bad, "--as", buyer.email)

    # then
    assert_refused(result, "two.xlsx was not imported", "role")
    assert not consultation.invitations.exists()


def test_the_command_line_import_is_walled_like_the_pages(cli, outsider, consultation, filled_xlsx, tmp_path):
    # given
    path = tmp_path / "answers.xlsx"
    path.write_bytes(filled_xlsx)

    # when
    result = cli("questionnaire", "import", consultation.public_id, path, "--as", outsider.email)

    # then
    assert_refused(result, "not found")
    assert not TaskRun.objects.exists()
