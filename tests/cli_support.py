"""Running the `hrdd` command in tests: a separate process, its own var directory, never a real database."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def hrdd(tmp_path):
    """Run `python -m hrdd ...` in the repository with its own var directory; never a real database."""
    env = os.environ.copy()
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        HRDD_VAR_DIR=str(tmp_path / "var"),
        COLUMNS="200",  # rich wraps at 80 columns when not on a terminal
    )

    def run(*args: object) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own interpreter and module, arguments from the tests
            [sys.executable, "-m", "hrdd", *map(str, args)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run


def assert_refused(result: subprocess.CompletedProcess, *named: str) -> None:
    """Exit status 2, a message naming what is wrong, no traceback, nothing on standard output."""
    assert result.returncode == 2, (result.returncode, result.stdout[-500:], result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    assert "error" in result.stderr
    message = " ".join(result.stderr.split())
    for name in named:
        assert name in message, f"{name!r} not in {message!r}"
    assert result.stdout == ""


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """Exit status 0; the result, for chaining."""
    assert result.returncode == 0, result.stderr[-2000:]
    return result
