"""The `hrdd` command end to end, the way it is installed and run: the console script and `python -m hrdd` as
separate processes with their own var directory and database. Every other CLI test runs in-process."""

import json
import sys
from pathlib import Path

from hrdd.demo import DEMO_LOGIN, DEMO_PASSWORD
from tests.cli_support import assert_refused, ok
from tests.factories import response

CONSOLE_SCRIPT = (str(Path(sys.executable).with_name("hrdd")),)  # installed from [project.scripts]


def test_the_console_script_checks_the_shipped_framework(hrdd):
    # when
    result = ok(hrdd("framework", "check", "hrdd/frameworks/cfit-2025.yaml", command=CONSOLE_SCRIPT))

    # then
    assert result.stdout.startswith("cfit-2025 ")
    assert "Valid" in result.stdout


def test_the_console_script_refuses_an_unknown_format_with_status_2(hrdd):
    # when
    result = hrdd("tender", "build", "--scenario", "2", "--format", "pdf", command=CONSOLE_SCRIPT)

    # then
    assert_refused(result, "--format", "'pdf'", "md, docx, html, json, ocds")


def test_python_m_hrdd_refuses_an_invalid_response_with_status_2(hrdd, tmp_path):
    # given
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(response(company="Broken", role="pirate")), encoding="utf-8")

    # when
    result = hrdd("questionnaire", "score", path, "--json")

    # then
    assert_refused(result, "bad.json", "Broken", "role:", "pirate")


def test_loading_the_demo_twice_is_idempotent_and_prints_the_login(hrdd, tmp_path):
    # when
    first = hrdd("demo")
    second = hrdd("demo")

    # then
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "loaded" in first.stdout
    assert "already present" in second.stdout
    for result in (first, second):
        assert DEMO_LOGIN in result.stdout
        assert DEMO_PASSWORD in result.stdout
    assert (tmp_path / "var" / "hrdd.sqlite3").is_file()


def test_remind_on_a_freshly_migrated_database_sends_nothing(hrdd, tmp_path):
    # given
    ok(hrdd("migrate"))

    # when
    result = ok(hrdd("remind", "--today", "2030-01-01"))

    # then
    assert (tmp_path / "var" / "hrdd.sqlite3").is_file()
    assert "0 reminder(s) sent" in result.stdout
