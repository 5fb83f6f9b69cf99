"""Database connections: kept for a minute on a server database, checked before reuse (issue 9); the embedded
SQLite file keeps none. Settings are read once per process, so each case reads them in a fresh one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
READ = (
    "import json; from django.conf import settings; d = settings.DATABASES['default'];"
    " print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
)


def _connection_settings(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "HRDD_CONN"))}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings", "HRDD_VAR_DIR": str(tmp_path), **env}
    done = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", READ], cwd=REPO, env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "postgres://hrdd@127.0.0.1:5432/hrdd"}, [60, True]),
        ({"DATABASE_URL": "postgres://hrdd@127.0.0.1:5432/hrdd", "HRDD_CONN_MAX_AGE": "0"}, [0, True]),
        (
            {"DATABASE_URL": "postgres://hrdd@127.0.0.1:5432/hrdd", "HRDD_CONN_HEALTH_CHECKS": "0"},
            [60, False],
        ),
        ({}, [0, True]),
    ],
    ids=["postgresql default", "per request on demand", "no health checks on demand", "embedded sqlite"],
)
def test_a_server_database_keeps_its_connection_for_a_minute_with_health_checks(tmp_path, env, expected):
    assert _connection_settings(tmp_path, **env) == expected
