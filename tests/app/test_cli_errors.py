"""The one place where the command line refuses input: `error: <field>: <message>` on standard error, exit
status 2, no traceback, nothing on standard output; an unexpected error is not disguised as bad input."""

import pytest
import typer
from django.core.exceptions import PermissionDenied
from typer.testing import CliRunner

from hrdd.cli import RefusingGroup
from hrdd.core.errors import InputError, NotFound
from tests.cli_support import WIDE, Outcome, assert_refused


def run_raising(error: Exception) -> Outcome:
    """Run a command two groups deep (as `hrdd contract schedule` is) that raises `error`."""
    app = typer.Typer(cls=RefusingGroup)
    area = typer.Typer()
    app.add_typer(area, name="area")

    @area.command("act")
    def act() -> None:
        raise error

    @area.command("other")
    def other() -> None:  # a second command keeps `area` a group
        """Do nothing."""

    result = CliRunner().invoke(app, ["area", "act"], env=WIDE)
    crash = None if isinstance(result.exception, SystemExit | None) else result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr, crash)


def test_an_input_error_names_its_field_first():
    # when
    result = run_raising(InputError("'pdf' is not one of md, docx", field="--format"))

    # then
    assert_refused(result)
    assert result.stderr == "error: --format: 'pdf' is not one of md, docx\n"


def test_an_input_error_without_a_field_is_its_message():
    # when
    result = run_raising(InputError("bids.json: no such file"))

    # then
    assert_refused(result)
    assert result.stderr == "error: bids.json: no such file\n"


def test_a_record_not_found_is_refused():
    # when
    result = run_raising(NotFound("contract"))

    # then
    assert_refused(result, "contract not found")


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (PermissionDenied(), "error: permission denied"),
        (PermissionDenied("only a contract manager may close a contract"), "only a contract manager"),
    ],
)
def test_a_refused_permission_is_refused(error, said):
    # when
    result = run_raising(error)

    # then
    assert_refused(result, said)


def test_an_unexpected_error_is_not_disguised_as_bad_input():
    # when
    result = run_raising(KeyError("awareness"))

    # then
    assert result.returncode == 1
    assert isinstance(result.crash, KeyError)
    assert "error:" not in result.stderr


def test_a_message_is_printed_as_written_not_as_markup(cli, tmp_path):
    # when
    result = cli("questionnaire", "score", tmp_path / "[bold]answers.json")

    # then
    assert_refused(result, "[bold]answers.json", "no such file")
