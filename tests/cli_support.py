"""Running the `hrdd` command in tests.

`cli` runs it in-process through Typer's CliRunner: the same parsing, the same commands and the same exit
status, in milliseconds, on the test database. `hrdd` runs `python -m hrdd` as a separate process with its own
var directory; only the few end-to-end tests of the entry points use it. Both give back an object with
`returncode`, `stdout` and `stderr`, so `ok` and `assert_refused` read either.
"""

import os
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
# rich wraps at 80 columns when not on a terminal; tests read whole lines, in English whatever the machine's locale
WIDE = {"COLUMNS": "200", "HRDD_LANGUAGE": "en"}


@dataclass(frozen=True)
class Outcome:
    """What an in-process run printed and how it ended; `crash` is an exception that escaped a command."""

    returncode: int
    stdout: str
    stderr: str
    crash: BaseException | None = None


@pytest.fixture
def cli(monkeypatch):
    """Run `hrdd ...` in-process from the repository folder (relative paths as a user would type them)."""
    from hrdd.cli import app

    monkeypatch.chdir(REPO)
    runner = CliRunner()

    def run(*args: object) -> Outcome:
        result = runner.invoke(app, [str(a) for a in args], env=WIDE)
        crash = None if isinstance(result.exception, SystemExit | None) else result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr, crash)

    return run


@pytest.fixture
def hrdd(tmp_path):
    """Run `python -m hrdd ...` in the repository with its own var directory; never a real database."""
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    env.update(DJANGO_SETTINGS_MODULE="config.settings", HRDD_VAR_DIR=str(tmp_path / "var"), **WIDE)

    def run(
        *args: object, command: tuple[str, ...] = (sys.executable, "-m", "hrdd")
    ) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter and entry points, arguments from the tests
            [*command, *map(str, args)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def _crash(result: Outcome | subprocess.CompletedProcess) -> str:
    crash = getattr(result, "crash", None)
    return "".join(traceback.format_exception(crash)) if crash else ""


def assert_refused(result: Outcome | subprocess.CompletedProcess, *named: str) -> None:
    """Exit status 2, a message naming what is wrong, no traceback, nothing on standard output."""
    assert result.returncode == 2, (
        result.returncode,
        result.stdout[-500:],
        result.stderr[-2000:],
        _crash(result),
    )
    assert "Traceback" not in result.stderr
    assert getattr(result, "crash", None) is None
    assert "error" in result.stderr
    message = " ".join(result.stderr.split())
    for name in named:
        assert name in message, f"{name!r} not in {message!r}"
    assert result.stdout == ""


def ok(result: Outcome | subprocess.CompletedProcess) -> Outcome | subprocess.CompletedProcess:
    """Exit status 0; the result, for chaining."""
    assert result.returncode == 0, result.stderr[-2000:] + _crash(result)
    return result
