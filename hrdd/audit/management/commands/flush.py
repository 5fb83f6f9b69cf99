"""`manage.py flush` (and `hrdd manage flush`) refuse to empty a database whose audit log holds events: the log
is append-only against the app's own commands too (issue 17).

The test suites' flush between transactional tests is this same command (Django's TransactionTestCase calls it by
name). It may pass only where the settings say so explicitly (HRDD_AUDIT_FLUSH_FOR_TESTS, set by tests/conftest.py,
never by the environment): then the audit log's triggers are set aside for the flush and put back after it, so that
the next test runs against an append-only log again."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"


def audit_events_stored(connection: BaseDatabaseWrapper) -> int:
    """How many audit events the database holds (0 when it has no audit table yet)."""
    if TABLE not in connection.introspection.table_names():
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")  # noqa: S608 (a constant)
        (count,) = cursor.fetchone()
    return int(count)


@contextmanager
def triggers_set_aside(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Drop (SQLite) or disable (PostgreSQL) the audit table's triggers for the block; put them back after it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
            triggers = cursor.fetchall()
            for name, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
        elif connection.vendor == "postgresql":
            # PostgreSQL alters no table with deferred foreign-key checks pending in the transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                for _name, sql in triggers:
                    cursor.execute(sql)
            elif connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred


class Command(flush.Command):
    help = (
        "Remove all data from the database, except when its append-only audit log holds events: then refused "
        "(start a fresh installation on a new database instead)."
    )

    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if TABLE not in connection.introspection.table_names():  # not migrated yet
            return super().handle(**options)
        stored = audit_events_stored(connection)
        if stored and not getattr(settings, "HRDD_AUDIT_FLUSH_FOR_TESTS", False):
            raise CommandError(
                f"The audit log holds {stored} event(s) and is append-only: flush is refused. To start a fresh "
                "installation, create a new database (and keep this one, or a backup of it: hrdd backup FILE)."
            )
        # also with no events: PostgreSQL's trigger refuses a TRUNCATE of the empty table too
        with triggers_set_aside(connection):
            return super().handle(**options)
