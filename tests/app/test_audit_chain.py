"""The audit log keeps its promise (issue 17): each event, once sealed after its transaction commits, carries the
hash of the one before it, `hrdd audit verify` names the first broken link, flush and migrating the audit app
backwards refuse, and on PostgreSQL TRUNCATE is refused too. Tampering is done as a database superuser would: with
the triggers set aside first. (The sealing itself: test_audit_sealing.py.)"""

import importlib
import threading
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError

from hrdd.audit.chain import GENESIS, event_hash, values_of
from hrdd.audit.management.commands.flush import triggers_set_aside
from hrdd.audit.models import AuditEvent
from hrdd.audit.selectors import audit_chain_verify
from hrdd.audit.services import audit_record

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL trigger")


def record(organisation, n, **changes):
    return audit_record(
        actor=None,
        actor_label="tester",
        organisation=organisation,
        action="contract.update",
        target=organisation,
        before={"n": n - 1, "ratio": 0.5, "big": 1e16, "tags": ("a", "b")},
        after={"n": n, **changes},
    )


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def events(municipality, django_capture_on_commit_callbacks):
    """Five events, sealed as their commit would seal them (the test's transaction never commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        return [record(municipality, n) for n in range(1, 6)]


def test_each_event_carries_the_hash_of_the_one_before_it(events):
    # then
    assert events[0].previous_hash == GENESIS
    assert [event.chain_position for event in events] == [1, 2, 3, 4, 5]
    for before, event in zip(events, events[1:], strict=False):
        assert event.previous_hash == before.hash
    stored = AuditEvent.objects.get(pk=events[2].pk)
    assert (stored.chain_position, stored.hash) == (3, events[2].hash)
    assert stored.hash == event_hash(values_of(stored), stored.previous_hash)


def test_verify_says_an_untouched_chain_is_intact_and_exits_0(events, cli):
    # when
    result = cli("audit", "verify")

    # then
    assert result.returncode == 0, result.stderr
    assert "intact: 5 event(s)" in result.stdout
    assert events[-1].hash in result.stdout


def test_an_event_changed_by_raw_sql_is_named_by_verify_with_exit_1(events, cli):
    # given a superuser who sets the triggers aside and edits the third event
    with triggers_set_aside(connection):
        raw("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["someone else", events[2].pk])

    # when
    result = cli("audit", "verify")
    report = audit_chain_verify()

    # then
    assert result.returncode == 1
    assert f"broken: event {events[2].pk} no longer gives its stored hash" in result.stdout
    assert report.broken.event_id == events[2].pk and report.broken.reason == "content"


def test_an_event_removed_by_raw_sql_breaks_the_link_of_the_next_one(events, cli):
    # given
    with triggers_set_aside(connection):
        raw("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])

    # when
    result = cli("audit", "verify", "--json")

    # then
    assert result.returncode == 1
    assert f'"event": {events[2].pk}' in result.stdout and '"reason": "previous"' in result.stdout
    assert f'"previous_event": {events[0].pk}' in result.stdout


def test_a_chain_rewritten_from_a_point_is_caught_only_against_a_head_kept_elsewhere(events, cli):
    # given the head recorded outside the database, then the chain rewritten from the second event on
    recorded = cli("audit", "head", "--json").stdout
    head = events[-1].hash
    assert head in recorded
    with triggers_set_aside(connection):
        raw("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s", ["rewritten", events[1].pk])
        previous = events[0].hash
        for event in AuditEvent.objects.filter(pk__gte=events[1].pk).order_by("id"):
            digest = event_hash(values_of(event), previous)
            raw(
                "UPDATE audit_auditevent SET previous_hash = %s, hash = %s WHERE id = %s",
                [previous, digest, event.pk],
            )
            previous = digest

    # when / then: every link holds again, but the recorded head is gone
    assert cli("audit", "verify").returncode == 0
    result = cli("audit", "verify", "--head", head)
    assert result.returncode == 1
    assert f"the recorded head {head} is not in the chain" in result.stdout


def test_verify_refuses_a_head_that_is_not_a_hash(cli, db):
    result = cli("audit", "verify", "--head", "abc")

    assert result.returncode == 2 and "--head" in result.stderr


def test_events_created_in_bulk_are_chained_in_order(municipality, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        first = record(municipality, 1)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        loaded = AuditEvent.objects.bulk_create(
            AuditEvent(
                actor_label="loader", action="x.load", target_type="t", target_id=str(n), after={"n": n}
            )
            for n in range(3)
        )

    # then
    report = audit_chain_verify(seal=False)
    assert report.intact and report.events == 4 and report.unsealed == 0
    assert [event.chain_position for event in loaded] == [2, 3, 4]
    assert loaded[0].previous_hash == first.hash and loaded[1].previous_hash == loaded[0].hash


def test_the_migrations_chain_the_events_stored_before_them_in_id_order(municipality):
    # given events stored before the chain (no hashes), as 0003 finds them
    chain = importlib.import_module("hrdd.audit.migrations.0003_hash_chain")
    seal = importlib.import_module("hrdd.audit.migrations.0004_seal_after_commit")
    apps = MigrationExecutor(connection).loader.project_state(("audit", "0003_hash_chain")).apps
    for n in range(3):
        raw(
            "INSERT INTO audit_auditevent (at, actor_label, action, target_type, target_id, before, after, "
            "previous_hash, hash) VALUES (%s, 'old', 'old.action', 't', %s, NULL, %s, '', '')",
            [f"2025-01-0{n + 1} 10:00:00.123456+00:00", str(n), f'{{"n": {n}}}'],
        )
    assert not audit_chain_verify().intact  # hashes the sealer did not set: it cannot take them

    # when 0003 chains them and 0004 numbers them
    editor = SimpleNamespace(connection=connection, execute=raw)
    with triggers_set_aside(connection):
        chain.chain_stored_events(apps, editor)
        seal.number_the_chain(apps, editor)

    # then
    report = audit_chain_verify(seal=False)
    assert report.intact and report.events == 3 and report.unsealed == 0
    assert list(AuditEvent.objects.order_by("chain_position").values_list("target_id", flat=True)) == [
        "0",
        "1",
        "2",
    ]


def test_flush_refuses_while_the_audit_log_holds_events(events, settings):
    # given an installation, not the test suite
    settings.HRDD_AUDIT_FLUSH_FOR_TESTS = False

    # when / then
    with pytest.raises(CommandError, match="append-only: flush is refused"):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_tests_flush_empties_the_log_and_puts_its_triggers_back(municipality):
    # given
    event = record(municipality, 1)

    # when
    call_command("flush", interactive=False, verbosity=0)

    # then the log is empty, and append-only again
    assert not AuditEvent.objects.exists()
    event = record(municipality.__class__.objects.create(name="Again"), 1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("UPDATE audit_auditevent SET actor_label = 'x' WHERE id = %s", [event.pk])


@pytest.mark.django_db(transaction=True)
def test_migrating_the_audit_app_backwards_is_refused_and_changes_nothing(municipality):
    # given
    event = record(municipality, 1)
    executor = MigrationExecutor(connection)

    # when / then
    with pytest.raises(CommandError, match="audit log is append-only: migrating the audit app backwards"):
        executor.migrate([("audit", "0002_append_only_triggers")])
    assert event.hash and AuditEvent.objects.get(pk=event.pk).hash == event.hash
    assert ("audit", "0004_seal_after_commit") in MigrationExecutor(connection).loader.applied_migrations


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql(municipality):
    # given
    record(municipality, 1)

    # when / then
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(municipality):
    # given four writers, each appending events in its own transactions at the same time
    start = threading.Barrier(4)
    failures = []

    def writer(n):
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    record(municipality, n * 100 + i)
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every event was sealed by its own commit's hook, in one chain
    assert failures == []
    assert not AuditEvent.objects.filter(chain_position__isnull=True).exists()
    report = audit_chain_verify(seal=False)
    assert report.intact and report.events == 40
    assert len(set(AuditEvent.objects.values_list("previous_hash", flat=True))) == 40
    assert sorted(AuditEvent.objects.values_list("chain_position", flat=True)) == list(range(1, 41))
