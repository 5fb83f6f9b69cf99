"""The `hrdd` command starts without what it does not need (issue 9): `hrdd --help` imports neither Django's
database layer nor the questionnaire framework, and no command imports openpyxl or python-docx unless it writes
or reads a workbook or a Word document. How fast it starts is measured by benchmarks/cli_startup.py, not here."""

import json
import sys

from hrdd.cli import questionnaire
from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID
from tests.cli_support import assert_refused, ok

HEAVY = ("openpyxl", "docx", "django.db", "pydantic", "hrdd.domain.questionnaire_framework")

# Runs the command as `python -m hrdd` would, then names the heavy modules it had imported, on standard error.
PROBE = f"""
import sys
from hrdd.cli import main
try:
    main()
finally:
    sys.stderr.write("loaded: " + ",".join(m for m in {HEAVY!r} if m in sys.modules) + "\\n")
"""
PROBE_COMMAND = (sys.executable, "-c", PROBE)


def _loaded(stderr: str) -> set[str]:
    line = next(line for line in stderr.splitlines() if line.startswith("loaded: "))
    return {name for name in line.removeprefix("loaded: ").split(",") if name}


def test_the_help_imports_no_database_layer_framework_or_office_library(hrdd):
    # when
    result = ok(hrdd("--help", command=PROBE_COMMAND))

    # then
    assert "risk" in result.stdout
    assert _loaded(result.stderr) == set()


def test_a_risk_assessment_as_json_imports_no_office_library(hrdd):
    # when
    result = ok(hrdd("risk", "assess", "notebook", "--json", command=PROBE_COMMAND))

    # then
    assert json.loads(result.stdout)["product"] == "notebook"
    assert not _loaded(result.stderr) & {"openpyxl", "docx"}


def test_a_risk_assessment_as_a_word_document_imports_python_docx_only(hrdd, tmp_path):
    # when
    result = ok(hrdd("risk", "assess", "notebook", "-o", tmp_path / "risks.docx", command=PROBE_COMMAND))

    # then
    assert (tmp_path / "risks.docx").read_bytes().startswith(b"PK")
    assert "docx" in _loaded(result.stderr)
    assert "openpyxl" not in _loaded(result.stderr)


def test_the_questionnaire_commands_default_to_the_domains_default_framework():
    assert questionnaire.DEFAULT_FRAMEWORK_ID == DEFAULT_FRAMEWORK_ID


def test_a_risk_assessment_as_json_starts_no_django_when_no_edition_is_imported(hrdd, db):
    """With no imported edition in the database, `risk assess --json` rates from the shipped knowledge base
    without setting Django up, and prints exactly what the command prints with Django set up."""
    from typer.testing import CliRunner

    from hrdd.cli import app

    # given: what the command prints in this process, where Django is set up
    expected = CliRunner().invoke(app, ["risk", "assess", "notebook", "--json", "--exclude-country", "China"])
    assert expected.exit_code == 0, expected.output

    # when: the same command as a new process, on an empty database
    result = ok(
        hrdd("risk", "assess", "notebook", "--json", "--exclude-country", "China", command=PROBE_COMMAND)
    )

    # then
    assert result.stdout == expected.stdout
    assert "CHN" in json.loads(result.stdout)["adjustments"]["exclude_countries"]
    assert "django.db" not in _loaded(result.stderr)


def test_a_misspelt_country_is_refused_without_django_too(hrdd):
    # when
    result = hrdd(
        "risk", "assess", "notebook", "--json", "--exclude-country", "Germny", command=PROBE_COMMAND
    )

    # then
    assert_refused(result, "--exclude-country", "Germny", "Germany")
    assert "django.db" not in _loaded(result.stderr)
