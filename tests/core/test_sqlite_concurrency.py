"""The embedded SQLite file takes concurrent writers (issue 17): threads that each read then write in their own
transactions, as the pages, the API and the task worker do at once, all succeed and lose nothing, with no
"database is locked". Settings are read once per process, so each case runs in a fresh one on a file database
(not :memory:, whose connections share nothing)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# Threads of one process, each with its own connection (Django gives one per thread), each transaction reading the
# counter then writing it: under SQLite's default (DEFERRED) transactions two such readers deadlock on upgrading
# their locks and one fails at once with "database is locked", whatever the busy timeout.
WRITERS = """
import json, sys, threading
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction, OperationalError

threads, rounds = int(sys.argv[1]), int(sys.argv[2])
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
    cursor.execute("CREATE TABLE saves (id INTEGER PRIMARY KEY AUTOINCREMENT, writer INTEGER, seen INTEGER)")
    cursor.execute("INSERT INTO counter (id, value) VALUES (1, 0)")
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
connection.close()
errors, start = [], threading.Barrier(threads)

def write(writer):
    start.wait()
    try:
        for _ in range(rounds):
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT value FROM counter WHERE id = 1")
                        seen = cursor.fetchone()[0]
                        cursor.execute("INSERT INTO saves (writer, seen) VALUES (%s, %s)", [writer, seen])
                        cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [seen + 1])
            except OperationalError as exc:
                errors.append(str(exc))
    finally:
        connection.close()

workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
with connection.cursor() as cursor:
    value = cursor.execute("SELECT value FROM counter WHERE id = 1").fetchone()[0]
    saves = cursor.execute("SELECT count(*) FROM saves").fetchone()[0]
print(json.dumps({"mode": mode, "value": value, "saves": saves, "errors": errors,
                  "vendor": connection.vendor, "name": str(settings.DATABASES["default"]["NAME"])}))
"""


def _run_writers(tmp_path: Path, threads: int, rounds: int) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_URL")}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "HRDD_VAR_DIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", WRITERS, str(threads), str(rounds)],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_threads_writing_to_the_sqlite_file_at_once_all_succeed_and_lose_nothing(tmp_path):
    # when: 8 threads read then write the same row 25 times each, at the same moment
    result = _run_writers(tmp_path, threads=8, rounds=25)
    # then: every transaction went through, one after another, on the file database in WAL mode
    assert result["vendor"] == "sqlite"
    assert result["name"] == str(tmp_path / "hrdd.sqlite3")
    assert result["mode"] == "wal"
    assert result["errors"] == []
    assert result["saves"] == 8 * 25
    assert result["value"] == 8 * 25  # no write was lost: each saw the one before
