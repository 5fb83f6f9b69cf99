"""Audit events are sealed into the hash chain after their writer's transaction commits (hrdd.audit.sealing): a
writer takes no lock for the chain, a rolled back transaction leaves no gap, the triggers let only the sealer's one
UPDATE through, and `hrdd audit verify`, `hrdd audit head` and `hrdd backup` seal the stragglers first. On
PostgreSQL, concurrent writers that used to deadlock on the chain's lock now go through."""

import contextlib
import datetime as dt
import json
import logging
import re
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.db.utils import DatabaseError

from hrdd.audit.backup import backup_write
from hrdd.audit.chain import GENESIS, event_hash, values_of
from hrdd.audit.models import AuditEvent
from hrdd.audit.selectors import audit_chain_verify
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_update
from hrdd.consultations.lifecycle import consultation_update
from hrdd.consultations.models import Consultation
from tests.factories import CompanyFactory, ConsultationFactory

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's locks")
CHAIN_FIELDS = {"chain_position", "previous_hash", "hash"}


def record(organisation, n):
    return audit_record(
        actor=None,
        actor_label="tester",
        organisation=organisation,
        action="contract.update",
        target=organisation,
        before={"n": n - 1},
        after={"n": n},
    )


def chain():
    return list(
        AuditEvent.objects.filter(chain_position__isnull=False)
        .order_by("chain_position")
        .values_list("chain_position", "after__n", "previous_hash", "hash")
    )


def unsealed():
    return AuditEvent.objects.filter(chain_position__isnull=True).count()


# sealed after commit


@pytest.mark.django_db(transaction=True)
def test_an_event_is_sealed_when_its_transaction_commits_not_before(municipality):
    # when
    with transaction.atomic():
        event = record(municipality, 1)
        inside = AuditEvent.objects.get(pk=event.pk)

    # then: unsealed while the transaction was open, sealed onto the genesis once it committed
    assert (inside.chain_position, inside.previous_hash, inside.hash) == (None, None, None)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.chain_position, stored.previous_hash) == (1, GENESIS)
    assert stored.hash == event_hash(values_of(stored), GENESIS, stored=True) == event.hash
    assert event.chain_position == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_or_savepoint_leaves_no_gap_in_the_chain(municipality):
    # given
    first = record(municipality, 1)

    # when: a transaction rolled back, then one with a savepoint rolled back in its middle
    with pytest.raises(RuntimeError), transaction.atomic():
        record(municipality, 2)
        raise RuntimeError("the request failed")
    with transaction.atomic():
        with contextlib.suppress(RuntimeError), transaction.atomic():
            record(municipality, 3)  # the transaction's seal hook is registered here, and dropped with it
            raise RuntimeError("one step failed")
        kept = record(municipality, 4)
        with contextlib.suppress(RuntimeError), transaction.atomic():
            record(municipality, 5)
            raise RuntimeError("another step failed")
        last = record(municipality, 6)

    # then
    assert [(position, n) for position, n, *_hashes in chain()] == [(1, 1), (2, 4), (3, 6)]
    assert kept.previous_hash == first.hash and last.previous_hash == kept.hash
    report = audit_chain_verify(seal=False)
    assert report.intact and report.events == 3 and report.unsealed == 0


def test_events_are_sealed_in_id_order_onto_the_head(municipality, django_capture_on_commit_callbacks):
    # given a sealed head
    with django_capture_on_commit_callbacks(execute=True):
        head = record(municipality, 1)

    # when two events commit together
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        second, third = record(municipality, 2), record(municipality, 3)

    # then one seal after the commit took both
    assert len(hooks) == 1
    assert [event.chain_position for event in (head, second, third)] == [1, 2, 3]
    assert second.previous_hash == head.hash and third.previous_hash == second.hash


def test_an_event_whose_seal_failed_is_sealed_by_the_next_write(
    municipality, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # given the database fails the first seal after the commit
    from hrdd.audit import sealing

    real = sealing.seal_pending
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise DatabaseError("the server went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(sealing, "seal_pending", failing_once)

    # when
    with caplog.at_level(logging.ERROR, logger="hrdd.audit.sealing"):
        with django_capture_on_commit_callbacks(execute=True):
            straggler = record(municipality, 1)
        assert straggler.chain_position is None and unsealed() == 1
        with django_capture_on_commit_callbacks(execute=True):
            later = record(municipality, 2)

    # then the write went through, the failure was logged, and the next write's seal took both in id order
    assert "committed but not sealed" in caplog.text
    assert [n for _position, n, *_hashes in chain()] == [1, 2]
    assert later.chain_position == 2 and unsealed() == 0


def test_a_writer_cannot_choose_its_chain_fields(municipality, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        event = AuditEvent.objects.create(
            actor_label="forger",
            action="x.forge",
            target_type="t",
            target_id="1",
            chain_position=99,
            previous_hash="f" * 64,
            hash="f" * 64,
        )

    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.chain_position, stored.previous_hash) == (1, GENESIS)


# the triggers


@pytest.fixture
def unsealed_event(municipality):
    """An event whose transaction has not committed yet (the test's): not sealed."""
    event = record(municipality, 1)
    assert AuditEvent.objects.get(pk=event.pk).chain_position is None
    return event


def changed_values(event, buyer):
    """A different value for every column the chain does not own (a new column must be added here)."""
    return {
        "id": event.pk + 1000,
        "at": event.at - dt.timedelta(days=1),
        "actor_id": buyer.pk,
        "actor_label": "someone else",
        "organisation_id": None,
        "action": "nothing.happened",
        "target_type": "accounts.user",
        "target_id": "2",
        "before": {"n": 41},
        "after": {"n": 42},
    }


def test_every_column_but_the_chain_s_is_guarded(unsealed_event, buyer):
    columns = {field.attname for field in AuditEvent._meta.concrete_fields}

    assert set(changed_values(unsealed_event, buyer)) == columns - CHAIN_FIELDS


def update(event, **values):
    with transaction.atomic():
        return AuditEvent._base_manager.filter(pk=event.pk).update(**values)


SEAL = {"chain_position": 1, "previous_hash": GENESIS, "hash": "a" * 64}


def test_the_trigger_lets_the_sealer_fill_in_the_chain_fields_once(unsealed_event):
    # when
    assert update(unsealed_event, **SEAL) == 1

    # then every later change is refused, setting the same values again or unsealing included
    for values in (SEAL, {"hash": "b" * 64}, {"chain_position": 2}, dict.fromkeys(CHAIN_FIELDS)):
        with pytest.raises(DatabaseError, match="append-only"):
            update(unsealed_event, **values)
    assert AuditEvent.objects.get(pk=unsealed_event.pk).hash == "a" * 64


@pytest.mark.parametrize(
    "column",
    [
        "id",
        "at",
        "actor_id",
        "actor_label",
        "organisation_id",
        "action",
        "target_type",
        "target_id",
        "before",
        "after",
    ],
)
def test_the_trigger_refuses_a_change_to_a_hashed_field_of_an_unsealed_event(unsealed_event, buyer, column):
    change = {column: changed_values(unsealed_event, buyer)[column]}

    # when / then: alone, and hidden in a seal
    with pytest.raises(DatabaseError, match="append-only"):
        update(unsealed_event, **change)
    with pytest.raises(DatabaseError, match="append-only"):
        update(unsealed_event, **SEAL, **change)
    stored = AuditEvent.objects.get(pk=unsealed_event.pk)
    assert stored.chain_position is None and stored.after == {"n": 1} and stored.actor_label == "tester"


@pytest.mark.parametrize(
    "values",
    [
        {"hash": "a" * 64},
        {"chain_position": 1, "hash": "a" * 64},
        {"chain_position": 1, "previous_hash": GENESIS, "hash": "short"},
    ],
)
def test_the_trigger_refuses_a_partial_seal(unsealed_event, values):
    with pytest.raises(DatabaseError, match="append-only"):
        update(unsealed_event, **values)


def test_the_trigger_refuses_changing_a_sealed_event(municipality, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True):
        event = record(municipality, 1)
    assert event.chain_position == 1

    # when / then
    for values in ({"action": "x.other"}, {"hash": "b" * 64}, {"previous_hash": None}):
        with pytest.raises(DatabaseError, match="append-only"):
            update(event, **values)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent._base_manager.filter(pk=event.pk).delete()
    assert audit_chain_verify(seal=False).intact


# verify, head and backup seal the stragglers first


def test_verify_seals_the_stragglers_first_and_reports_them_with_no_seal(municipality, cli):
    # given three events whose seal never ran (their hook was lost)
    events = [record(municipality, n) for n in range(1, 4)]

    # when
    looked = cli("audit", "verify", "--no-seal", "--json")
    sealed = cli("audit", "verify")

    # then
    assert looked.returncode == 0, looked.stdout
    found = json.loads(looked.stdout)
    assert found["events"] == 0 and found["unsealed"]["events"] == 3 and found["sealed_now"] == 0
    assert found["unsealed"]["oldest_at"] == events[0].at.isoformat()
    assert sealed.returncode == 0, sealed.stdout
    assert "sealed 3 committed event(s) into the chain first" in sealed.stdout
    assert "intact: 3 event(s)" in sealed.stdout and "not sealed" not in sealed.stdout
    assert [n for _position, n, *_hashes in chain()] == [1, 2, 3] and unsealed() == 0


def test_verify_says_how_old_the_oldest_unsealed_event_is(municipality, cli):
    # given
    record(municipality, 1)

    # when
    result = cli("audit", "verify", "--no-seal")

    # then
    assert result.returncode == 0
    assert "not sealed yet: 1 event(s), the oldest from" in result.stdout
    assert re.search(r"\(0\s+minutes ago\); `hrdd audit verify` without --no-seal", result.stdout)


def test_an_event_with_chain_fields_the_sealer_did_not_set_fails_verify(municipality, cli):
    # given a row inserted by hand with a hash but no position: the sealer cannot take it
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, actor_label, action, target_type, target_id, previous_hash, hash) "
            "VALUES (%s, 'hand', 'x.hand', 't', '1', %s, %s)",
            ["2026-01-01 10:00:00+00:00", GENESIS, "f" * 64],
        )
    record(municipality, 1)

    # when
    result = cli("audit", "verify")

    # then the other event is sealed, the odd one named
    assert result.returncode == 1
    assert "intact: 1 event(s)" in result.stdout
    assert "1 unsealed event(s) have chain fields the sealer did not set (the first: event" in result.stdout


def test_head_seals_first(municipality, cli):
    # given
    events = [record(municipality, n) for n in range(1, 3)]

    # when
    result = cli("audit", "head", "--json")

    # then
    printed = json.loads(result.stdout)
    last = AuditEvent.objects.get(pk=events[-1].pk)
    assert printed == {"event": last.pk, "at": last.at.isoformat(), "hash": last.hash}
    assert last.chain_position == 2


def test_a_backup_seals_first_and_names_the_sealed_head(municipality, tmp_path):
    # given
    events = [record(municipality, n) for n in range(1, 3)]

    # when
    written = backup_write(tmp_path / "b.tar.gz")

    # then
    assert unsealed() == 0
    assert written.audit_head == AuditEvent.objects.get(pk=events[-1].pk).hash


# concurrent writers on PostgreSQL


def in_threads(*targets):
    failures = []

    def run(target):
        try:
            target()
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return failures


def edit(buyer, consultation, title):
    consultation_update(
        actor=buyer,
        consultation=consultation,
        title=title,
        product_category=consultation.product_category,
        deadline=consultation.deadline,
    )


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_transaction_that_locks_a_row_after_its_audit_write_does_not_deadlock(buyer, consultation):
    # given the first writer audits, then wants the consultation's row, which the second holds while it audits:
    # with a chain lock held from the first audit write to commit, PostgreSQL aborted one of them (a deadlock)
    audited, locked = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            record(buyer.organisation, 1)
            audited.set()
            assert locked.wait(10)
            edit(buyer, consultation, "Edited by the first")

    def second():
        assert audited.wait(10)
        with transaction.atomic():
            Consultation.objects.select_for_update().get(pk=consultation.pk)
            locked.set()
            time.sleep(0.3)  # the first is waiting for this row by now
            edit(buyer, consultation, "Edited by the second")

    # when
    failures = in_threads(first, second)

    # then both went through, the second first, and both events are sealed in one intact chain
    assert failures == []
    assert Consultation.objects.get(pk=consultation.pk).title == "Edited by the first"
    assert unsealed() == 0
    report = audit_chain_verify(seal=False)
    assert report.intact and report.events == 3


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_through_the_services_neither_deadlock_nor_fork_the_chain(buyer, municipality):
    # given four colleagues editing at once, each their own records, eight times: two edit consultations (which
    # locks the organisation's row with the consultation's, then audits), two edit companies (whose audit events
    # point to the organisation: checked at commit). With the chain lock held to commit, that made deadlocks.
    consultations = [ConsultationFactory(organisation=municipality) for _ in range(2)]
    companies = [CompanyFactory(organisation=municipality) for _ in range(2)]
    start = threading.Barrier(4)

    def consultation_writer(consultation):
        def run():
            start.wait()
            for n in range(8):
                edit(buyer, consultation, f"Edit {n}")

        return run

    def company_writer(company):
        def run():
            start.wait()
            for n in range(8):
                company_update(actor=buyer, company=company, registration_number=f"R{n:04d}")

        return run

    # when
    failures = in_threads(
        *(consultation_writer(c) for c in consultations), *(company_writer(c) for c in companies)
    )

    # then
    assert failures == []
    assert unsealed() == 0
    report = audit_chain_verify(seal=False)
    assert report.intact and report.events == 32
    assert [position for position, *_rest in chain()] == list(range(1, 33))
