"""What every area of the `hrdd` command shares: consoles, the --json option, Django set-up and writing output."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from hrdd.core.errors import InputError

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


# A console is made when a command prints, not when the module is imported: it then writes to the streams of
# the run at hand (a test's CliRunner swaps them) and reads COLUMNS of that run. soft_wrap: long messages and
# file names are never broken by inserted newlines.
def stdout() -> Console:
    """Return a console on standard output."""
    return Console(soft_wrap=True)


def stderr() -> Console:
    """Return a console on standard error: messages about the run, never its result."""
    return Console(stderr=True, soft_wrap=True)


def django_setup() -> None:
    """Configure Django for commands that use the database, templates or translations."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def django_ready() -> bool:
    """Whether Django is already set up in this process (a test, or a command run from another)."""
    apps = sys.modules.get("django.apps")
    return apps is not None and apps.apps.ready


def database_has_rows(sql: str, database: Mapping[str, Any] | None = None) -> bool | None:
    """Run one query that needs no Django through the database's own driver and say whether it returned a row.

    For commands that would start Django (about 0.35 s) only to learn that a table is empty. `database` is a
    Django database setting (default: the settings module's "default"). A missing table or SQLite file counts as
    no rows (a database not migrated yet). None when this cannot be told this way: another engine, an in-memory
    database, a connection that fails (the caller then sets Django up, which reports such errors).
    """
    if database is None:
        settings = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
        database = settings.DATABASES["default"]
    engine = database.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        return _sqlite_has_rows(str(database.get("NAME", "")), sql)
    if engine == "django.db.backends.postgresql":
        return _postgres_has_rows(database, sql)
    return None


def _sqlite_has_rows(path: str, sql: str) -> bool | None:
    import sqlite3

    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    if not Path(path).is_file():
        return False
    try:
        with closing(
            sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        ) as conn:
            return conn.execute(sql).fetchone() is not None
    except sqlite3.Error as exc:
        return False if str(exc).startswith("no such table") else None


def _postgres_has_rows(database: Mapping[str, Any], sql: str) -> bool | None:
    import psycopg

    params = {
        "dbname": database.get("NAME") or None,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "connect_timeout": 5,
    }
    options = dict(database.get("OPTIONS") or {})
    try:
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}, **options) as conn:
            return conn.execute(sql).fetchone() is not None
    except psycopg.errors.UndefinedTable:
        return False
    except (psycopg.Error, TypeError):
        return None


def print_json(data: Any) -> None:
    """Print data as indented JSON, non-ASCII letters as they are."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_output(content: str | bytes, output: Path | None) -> None:
    """Write text or a document to `output`, or text to standard output when no file is given."""
    if output is None:
        text = content if isinstance(content, str) else ""
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        if isinstance(content, bytes):
            output.write_bytes(content)
        else:
            output.write_text(content, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{output}: cannot write the file ({exc.strerror or exc})") from exc
    stderr().print(f"Wrote {output}")
