"""`hrdd.cli.common.database_has_rows`: one query through the database's own driver, so that a command can learn
that a table is empty without starting Django (issue 9). When it cannot tell, it says None and Django decides."""

import sqlite3
from contextlib import closing

import pytest
from django.db import connection

from hrdd.cli.common import database_has_rows
from hrdd.cli.risks import ACTIVE_EDITION_QUERY
from hrdd.risks.models import KnowledgeEdition


def _sqlite(path, *rows):
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE risks_knowledgeedition (id INTEGER PRIMARY KEY, is_active BOOL)")
        conn.executemany("INSERT INTO risks_knowledgeedition (is_active) VALUES (?)", [(r,) for r in rows])
        conn.commit()
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": path}


def test_the_query_reads_the_table_of_the_edition_model():
    assert f" {KnowledgeEdition._meta.db_table} " in ACTIVE_EDITION_QUERY


def test_an_active_edition_in_a_sqlite_file_is_found(tmp_path):
    assert database_has_rows(ACTIVE_EDITION_QUERY, _sqlite(tmp_path / "a.sqlite3", False, True)) is True


def test_inactive_editions_only_are_no_rows(tmp_path):
    assert database_has_rows(ACTIVE_EDITION_QUERY, _sqlite(tmp_path / "a.sqlite3", False)) is False


def test_a_database_not_migrated_or_not_created_has_no_rows(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()

    assert (
        database_has_rows(ACTIVE_EDITION_QUERY, {"ENGINE": "django.db.backends.sqlite3", "NAME": empty})
        is False
    )
    missing = {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "missing.sqlite3"}
    assert database_has_rows(ACTIVE_EDITION_QUERY, missing) is False
    assert not (tmp_path / "missing.sqlite3").exists()  # the probe created no file


@pytest.mark.parametrize(
    "database",
    [
        {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
        {"ENGINE": "django.db.backends.sqlite3", "NAME": "file:memorydb?mode=memory&cache=shared"},
        {"ENGINE": "django.db.backends.mysql", "NAME": "hrdd"},
    ],
)
def test_what_the_probe_cannot_read_is_left_to_django(database):
    assert database_has_rows(ACTIVE_EDITION_QUERY, database) is None


def test_a_broken_sqlite_file_is_left_to_django(tmp_path):
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)

    assert (
        database_has_rows(ACTIVE_EDITION_QUERY, {"ENGINE": "django.db.backends.sqlite3", "NAME": broken})
        is None
    )


def test_postgresql_is_read_through_psycopg(db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (make test-postgres)")
    settings = connection.settings_dict

    # the migrated test database has the table and no edition
    assert database_has_rows(ACTIVE_EDITION_QUERY, settings) is False
    assert database_has_rows("SELECT 1", settings) is True
    assert database_has_rows("SELECT 1 FROM no_such_table", settings) is False
    assert database_has_rows("SELECT 1", {**settings, "PORT": "1"}) is None
