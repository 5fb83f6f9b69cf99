"""Move a database's schema to given migrations and hand back the models as they were there.

A data migration's test starts from a database as it was before the migration, made in one of two ways:
- the test database migrated backwards (`django_db(transaction=True)`), which renders the whole project's state
  for every later migration of every app: 16 s of CPU on SQLite back to an early migration, a few seconds back
  to a late one (test_contracts_cc4, test_supplier_links). tests/app/test_migrations.py goes back the furthest:
  every later migration is unapplied and applied again there;
- an empty database of the test's own (the `empty_database` fixture of tests/app/conftest.py), migrated forward
  to just the migrations the test starts from and their dependencies (under a second to an early migration), as a
  database made before the migration was; the test database is not touched, nor flushed after.
"""

import contextlib
import copy
import itertools
import os
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

_numbers = itertools.count(1)


def migrate_to(targets):
    """Apply or unapply migrations up to `targets` (app, name) and return that state's historical apps."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@contextlib.contextmanager
def empty_database() -> Iterator[BaseDatabaseWrapper]:
    """Point the default connection at a new, empty database of the same engine for the block.

    The test database is left as it was (no migration, no row), and the new database is dropped afterwards. On
    SQLite it is an in-memory database of this process; on a server a database named after the test database.
    """
    test_database = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(test_database.settings_dict)
    vendor = test_database.vendor
    if vendor == "sqlite":
        settings_dict["NAME"] = f"file:hrdd_migration_{os.getpid()}_{next(_numbers)}?mode=memory&cache=shared"
    else:
        settings_dict["NAME"] = f"{test_database.settings_dict['NAME']}_migration"
        _server_database(test_database, settings_dict["NAME"], create=True)
    empty = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = empty
    try:
        yield empty
    finally:
        connections[DEFAULT_DB_ALIAS] = test_database
        # SQLite's wrapper ignores close() on an in-memory database: closing its only connection is what drops it
        BaseDatabaseWrapper.close(empty)
        if vendor != "sqlite":
            _server_database(test_database, settings_dict["NAME"], create=False)


def _server_database(test_database: BaseDatabaseWrapper, name: str, *, create: bool) -> None:
    quoted = test_database.ops.quote_name(name)
    with test_database._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
        if create:
            cursor.execute(f"CREATE DATABASE {quoted}")
