"""A task run's label, messages and result label are said in the reader's language (issue 16): a Text is kept
with its template and parameters; a run stored before, or a plain sentence, reads as written."""

from contextlib import contextmanager

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from django_tasks import task

from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import (
    SAID,
    Outcome,
    run_queued_tasks,
    task_run_create,
    task_run_execute,
    task_run_said,
)
from hrdd.domain.texts import Text, gettext_noop
from tests.cli_support import ok

LABEL = gettext_noop("Counting %(count)s things for a test")
STEP = gettext_noop("Counted %(done)s of the test's things…")
DONE = gettext_noop("The test's things are counted.")
SEE = gettext_noop("See the test's things")
REFUSED = gettext_noop("The test's things cannot be counted: %(why)s")


@contextmanager
def dutch_entries(entries: dict[str, str]):
    """The Dutch catalogue with these entries (taken out afterwards)."""
    catalogue = trans_real.translation("nl")._catalog._catalogs[0]
    added = {k: v for k, v in entries.items() if k not in catalogue}
    catalogue.update(added)
    try:
        yield
    finally:
        for key in added:
            catalogue.pop(key, None)


DUTCH = {
    LABEL: "%(count)s dingen tellen voor een test",
    STEP: "%(done)s van de dingen van de test geteld…",
    DONE: "De dingen van de test zijn geteld.",
    SEE: "Bekijk de dingen van de test",
    REFUSED: "De dingen van de test kunnen niet geteld worden: %(why)s",
}


def count_in_texts(run, progress):
    progress.update(1, total=2, message=Text(STEP, done=1))
    return Outcome(message=Text(DONE), result_url="/somewhere/", result_label=Text(SEE))


@task()
def counting_in_texts(task_run_id: int) -> dict:
    return task_run_execute(task_run_id, count_in_texts)


def refuse_in_a_text(run, progress):
    raise InputError(Text(REFUSED, why="none left"), field="file")


@task()
def refusing_in_a_text(task_run_id: int) -> dict:
    return task_run_execute(task_run_id, refuse_in_a_text)


def test_a_run_says_its_label_message_and_result_in_the_readers_language(buyer, settings):
    # given
    settings.HRDD_TASK_PROGRESS_INTERVAL = 0
    run = task_run_create(
        organisation=buyer.organisation,
        created_by=buyer,
        task=counting_in_texts,
        label=Text(LABEL, count=12),
        params={"keep": "me"},
    )
    # when
    run_queued_tasks()
    run.refresh_from_db()
    # then: stored in English, as before, for the API and the command line
    assert (run.label, run.message, run.result_label) == (
        "Counting 12 things for a test",
        "The test's things are counted.",
        "See the test's things",
    )
    assert run.params["keep"] == "me" and set(run.params[SAID]) == {"label", "message", "result_label"}
    # and said in Dutch to a Dutch reader
    with translation.override("nl"), dutch_entries(DUTCH):
        assert task_run_said(run, "label") == "12 dingen tellen voor een test"
        assert task_run_said(run, "message") == "De dingen van de test zijn geteld."
        assert task_run_said(run, "result_label") == "Bekijk de dingen van de test"
    with translation.override("en"):
        assert task_run_said(run, "label") == "Counting 12 things for a test"


def test_a_refusal_said_as_a_text_is_said_in_the_readers_language(buyer):
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=refusing_in_a_text, label="plain label"
    )
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == "failed" and run.error == "The test's things cannot be counted: none left"
    with translation.override("nl"), dutch_entries(DUTCH):
        assert task_run_said(run, "error") == "De dingen van de test kunnen niet geteld worden: none left"
        assert task_run_said(run, "label") == "plain label"  # a plain sentence reads as written


def test_a_run_stored_before_reads_as_it_was_written(buyer):
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=counting_in_texts, label="x", enqueue=False
    )
    TaskRun.objects.filter(pk=run.pk).update(label="An old run's label", message="Old message", params={})
    run.refresh_from_db()
    with translation.override("de"):
        assert task_run_said(run, "label") == "An old run's label"
        assert task_run_said(run, "message") == "Old message"


def test_the_waiting_message_is_said_in_the_readers_language(buyer):
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=counting_in_texts, label="x", enqueue=False
    )
    with translation.override("nl"):
        assert task_run_said(run, "message") == translation.gettext("Waiting for a worker…")
        assert task_run_said(run, "message") != "Waiting for a worker…"  # the catalogue has it already


def test_the_task_page_shows_the_label_in_the_readers_language(client, buyer, settings):
    # given
    settings.HRDD_TASK_PROGRESS_INTERVAL = 0
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=counting_in_texts, label=Text(LABEL, count=3)
    )
    run_queued_tasks()
    client.force_login(buyer)
    # when
    with dutch_entries(DUTCH):
        page = client.get(reverse("tasks:detail", args=[run.public_id]), HTTP_ACCEPT_LANGUAGE="nl")
    # then
    text = page.content.decode()
    assert "3 dingen tellen voor een test" in text and "Bekijk de dingen van de test" in text


def test_a_task_run_says_nothing_in_another_field(buyer):
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=counting_in_texts, label="x", enqueue=False
    )
    with pytest.raises(ValueError, match="says nothing"):
        task_run_said(run, "kind")


def test_the_command_line_shows_a_run_in_the_readers_language(cli, buyer, settings):
    # given
    settings.HRDD_TASK_PROGRESS_INTERVAL = 0
    run = task_run_create(
        organisation=buyer.organisation, created_by=buyer, task=counting_in_texts, label=Text(LABEL, count=3)
    )
    run_queued_tasks()
    # when
    with dutch_entries(DUTCH):
        dutch = ok(cli("--language", "nl", "tasks", "show", run.public_id)).stdout
    english = ok(cli("tasks", "show", run.public_id)).stdout
    # then
    assert "3 dingen tellen voor een test" in dutch and "De dingen van de test zijn geteld." in dutch
    assert "Counting 3 things for a test" in english and "The test's things are counted." in english
