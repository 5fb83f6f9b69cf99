"""The audit log export: the events the audit page's filters choose, one line each, as a workbook; at once when
they are few, written by a background run with progress when there are more than HRDD_EXPORT_IN_REQUEST_MAX, and
only ever the events of the user's own organisation."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hrdd.audit.models import AuditEvent
from hrdd.audit.services import audit_record
from hrdd.audit.spreadsheets import CELL_MAX, XLSX_CONTENT_TYPE
from hrdd.audit.tasks import AuditExportQuery, audit_export_start, audit_export_task
from hrdd.core.models import TaskResultFile, TaskRun
from hrdd.core.tasks import run_queued_tasks, task_run_here
from tests.app.workbooks import open_xlsx
from tests.factories import UserFactory
from tests.html import document

EXPORT = "/audit/export.xlsx"
HEADER = ("When (UTC)", "Who", "Action", "Object type", "Object id", "Before", "After")


@pytest.fixture
def logged_in(client, buyer):
    client.force_login(buyer)
    return client


def record(
    organisation, *, action="contract.create", who="buyer@testville.example", at=None, target=None, **changes
):
    """One audit event of `organisation` about `target` (the organisation itself unless given), recorded through
    the audit service (at `at`, when given)."""
    moment = at or dt.datetime.now(dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):  # the event's `at` is set on insert
        return audit_record(
            actor=None,
            actor_label=who,
            organisation=organisation,
            action=action,
            target=target or organisation,
            **changes,
        )


def record_many(organisation, count, *, action="contract.update"):
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=organisation,
            actor_label="loader",
            action=action,
            target_type="contracts.contract",
            target_id=str(n),
            after={"n": n},
        )
        for n in range(count)
    )


def event_rows(content):
    """The lines of the Events sheet, below its header."""
    sheet = open_xlsx(content)["Events"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADER
    return rows[1:]


def test_a_small_export_is_the_workbook_at_once_with_one_line_per_event(logged_in, municipality):
    # given
    event = record(
        municipality,
        action="company.update",
        at=dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC),
        before={"legal_name": "Old Ltd"},
        after={"legal_name": "Nouvelle Société", "other_names": []},
    )

    # when
    response = logged_in.get(EXPORT)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        'attachment; filename="municipality-of-testville-audit-log.xlsx"'
    )
    [line] = event_rows(response.content)
    assert line == (
        "2027-03-01T09:30:00+00:00",
        "buyer@testville.example",
        "company.update",
        "accounts.organisation",
        str(municipality.pk),
        '{"legal_name": "Old Ltd"}',
        '{"legal_name": "Nouvelle Société", "other_names": []}',
    )
    assert json.loads(line[6]) == event.after
    assert all(cell.font.b for cell in open_xlsx(response.content)["Events"][1])
    assert not TaskRun.objects.exists()


def test_an_event_without_a_before_state_leaves_its_cell_empty(logged_in, municipality):
    # given
    record(municipality, after={"name": "x"})

    # when
    [line] = event_rows(logged_in.get(EXPORT).content)

    # then
    assert line[5] is None


def test_the_export_keeps_the_events_the_filters_choose_in_their_order(logged_in, municipality):
    # given
    day = dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC)
    record(municipality, action="contract.create", who="ann@testville.example", at=day - dt.timedelta(days=2))
    record(municipality, action="contract.update", who="ann@testville.example", at=day)
    record(municipality, action="contract.update", who="bob@testville.example", at=day)
    record(municipality, action="tender.create", who="ann@testville.example", at=day)
    record(municipality, action="contract.close", who="ann@testville.example", at=day + dt.timedelta(days=1))

    # when
    response = logged_in.get(
        EXPORT,
        {"action": "contract.", "who": "ANN", "since": "2027-03-01", "until": "2027-03-02", "sort": "oldest"},
    )

    # then
    lines = event_rows(response.content)
    assert [(line[2], line[1]) for line in lines] == [
        ("contract.update", "ann@testville.example"),
        ("contract.close", "ann@testville.example"),
    ]
    about = dict(open_xlsx(response.content)["Export"].iter_rows(values_only=True))
    assert about["Audit log of"] == "Municipality of Testville"
    assert about["Action starts with"] == "contract."
    assert about["From (UTC)"] == "2027-03-01"
    assert about["Order"] == "Oldest first"
    assert about["Events"] == 2


def test_the_audit_page_links_to_the_export_of_its_filters(logged_in, municipality):
    # given
    record(municipality)

    # when
    page = logged_in.get(reverse("audit"), {"action": "contract.", "page": "1"})

    # then
    link = document(page).by_id("audit-export")
    assert link.text == "Download as a spreadsheet (XLSX)"
    assert link.get("href") == f"{EXPORT}?action=contract."


def test_a_text_that_looks_like_a_formula_is_written_as_text(logged_in, municipality):
    # given
    record(municipality, who='=HYPERLINK("http://evil.example","click")', action="@SUM(A1)")

    # when
    response = logged_in.get(EXPORT)

    # then
    line = open_xlsx(response.content)["Events"][2]
    assert line[1].value == '=HYPERLINK("http://evil.example","click")'
    assert line[1].data_type == "s"
    assert line[2].value == "@SUM(A1)"
    assert line[2].data_type == "s"


def test_a_state_too_long_for_one_cell_is_cut_and_says_so(logged_in, municipality):
    # given
    long_state = {"text": "x" * (CELL_MAX + 10)}
    record(municipality, after=long_state)

    # when
    [line] = event_rows(logged_in.get(EXPORT).content)

    # then
    assert len(line[6]) == CELL_MAX
    assert line[6].startswith('{"text": "xxx')
    assert line[6].endswith(f"(cut: {len(json.dumps(long_state))} characters in all)")


def test_another_organisations_events_never_appear(logged_in, municipality, outsider):
    # given
    record(municipality, action="mine.create")
    record(outsider.organisation, action="theirs.create")
    record(None, action="system.create", target=municipality)  # an event of no organisation

    # when
    lines = event_rows(logged_in.get(EXPORT).content)

    # then
    assert [line[2] for line in lines] == ["mine.create"]


def test_a_user_who_is_no_member_of_the_organisation_cannot_export(client, municipality):
    # given: a user pointed at the organisation without a membership of it
    stranger = UserFactory(email="stranger@example.org", organisation=municipality, membership=None)
    record(municipality)
    client.force_login(stranger)

    # when / then
    assert client.get(EXPORT).status_code == 404
    assert client.post(EXPORT).status_code == 404
    assert not TaskRun.objects.exists()


def test_the_export_needs_a_login(client, municipality):
    assert client.get(EXPORT).status_code == 302


# a big export


@pytest.fixture
def big(settings, municipality):
    """Four events are more than the export answers at once."""
    settings.HRDD_EXPORT_IN_REQUEST_MAX = 3
    record_many(municipality, 4)


def exported(client, query=""):
    """Start the export as the offer page's button does, let the worker run it; return the finished run."""
    page = client.post(f"{EXPORT}{query}")
    assert page.status_code == 302
    run = TaskRun.objects.get(kind=audit_export_task.module_path, status=TaskRun.Status.QUEUED)
    assert page["Location"] == reverse("tasks:detail", args=[run.public_id])
    run_queued_tasks()
    run.refresh_from_db()
    return run


def test_a_big_export_offers_to_write_the_workbook_in_the_background(logged_in, big):
    # when
    page = logged_in.get(EXPORT, {"action": "contract."})

    # then
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    html = document(page)
    form = html.find(id="export-start")
    assert form.get("method") == "post"
    assert form.get("action") == f"{EXPORT}?action=contract."
    assert "The filters find 4 events" in html.text
    assert not TaskRun.objects.exists()  # looking is no reason to start work


def test_a_big_export_is_written_by_a_run_and_downloaded_from_its_result_link(logged_in, big, municipality):
    # given
    record(municipality, action="tender.create")  # not chosen by the filter

    # when
    run = exported(logged_in, "?action=contract.")
    download = logged_in.get(run.result_url)

    # then
    assert run.status == TaskRun.Status.DONE
    assert (run.done, run.total) == (4, 4)
    assert run.message.startswith("Exported 4 events")
    assert run.result_url == f"{EXPORT}?run={run.public_id}"
    assert run.params["action"] == "contract."
    assert download.status_code == 200
    assert download["Content-Type"] == XLSX_CONTENT_TYPE
    lines = event_rows(download.content)
    assert sorted(line[4] for line in lines) == ["0", "1", "2", "3"]
    assert {line[2] for line in lines} == {"contract.update"}


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
    record_many(outsider.organisation, 2, action="theirs.create")
    client.force_login(outsider)

    # when
    downloaded = client.get(run.result_url)
    own = client.get(EXPORT)

    # then
    assert downloaded.status_code == 404
    assert [line[2] for line in event_rows(own.content)] == ["theirs.create", "theirs.create"]


def test_a_malformed_run_id_or_another_kind_of_run_is_not_found(logged_in, buyer, big, consultation):
    # given: a finished run of another export, with its kept file
    from hrdd.consultations.tasks import consultation_export_start

    other = task_run_here(consultation_export_start(actor=buyer, consultation=consultation, enqueue=False))
    assert TaskResultFile.objects.filter(task_run=other).exists()

    # when / then
    assert logged_in.get(EXPORT, {"run": "not-a-uuid"}).status_code == 404
    assert logged_in.get(EXPORT, {"run": str(other.public_id)}).status_code == 404


def test_a_new_export_replaces_the_file_of_the_one_before(logged_in, big):
    # given
    first = exported(logged_in)
    first_link = first.result_url

    # when
    second = exported(logged_in, "?who=loader")
    first.refresh_from_db()

    # then
    assert TaskResultFile.objects.get().task_run == second
    assert logged_in.get(first_link).status_code == 404
    assert logged_in.get(second.result_url).status_code == 200


# cost


def queries_of(callable_):
    with CaptureQueriesContext(connection) as captured:
        callable_()
    return len(captured)


def test_the_queries_of_an_export_in_the_request_are_as_many_for_5_events_as_for_50(logged_in, municipality):
    # given
    record_many(municipality, 5)
    five = queries_of(lambda: logged_in.get(EXPORT))
    record_many(municipality, 45)

    # when
    fifty = queries_of(lambda: logged_in.get(EXPORT))

    # then
    assert AuditEvent.objects.filter(organisation=municipality).count() == 50
    assert fifty == five


def test_the_queries_of_an_export_run_are_as_many_for_5_events_as_for_50(buyer, municipality):
    # given: an export before, whose file each measured run replaces
    def run_export():
        run = audit_export_start(actor=buyer, query=AuditExportQuery(), enqueue=False)
        return queries_of(lambda: task_run_here(run))

    run_export()
    record_many(municipality, 5)
    five = run_export()
    record_many(municipality, 45)

    # when
    fifty = run_export()

    # then
    assert fifty == five
