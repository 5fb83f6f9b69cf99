"""`hrdd` in the reader's language (issue 16): `--language nl|fr|de|en`, else HRDD_LANGUAGE, else the POSIX locale,
else English. Tables, messages and help are said in it; JSON, CSV and the other machine outputs are the same in every
language. The sentences asserted here are ones the catalogues (hrdd/locale) already translate."""

import json

import pytest
import typer
from django.conf import settings
from django.utils import translation
from typer.testing import CliRunner

from hrdd.cli import RefusingGroup
from hrdd.cli.common import LANGUAGES, environment_language, language_code
from hrdd.domain.texts import gettext_noop
from tests.app.test_cli_startup import PROBE_COMMAND, _loaded
from tests.cli_support import WIDE, Outcome, assert_refused, ok
from tests.factories import response

# what the machine's own locale would say is left out, so that each test sets the one it means
NO_LOCALE = {"HRDD_LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "COLUMNS": "200"}


def run_in_environment(environment: dict[str, str | None], *args: object) -> Outcome:
    from hrdd.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args], env={**NO_LOCALE, **environment})
    crash = None if isinstance(result.exception, SystemExit | None) else result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr, crash)


# choosing the language


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "en"),
        ({"LANG": "nl_BE.UTF-8"}, "nl"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_MESSAGES": "de_DE.UTF-8", "LANG": "fr_FR.UTF-8"}, "de"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),  # LC_ALL, when set, decides
        ({"LC_ALL": "", "LANG": "de_AT.UTF-8"}, "de"),  # an empty one does not
        ({"LANG": "es_ES.UTF-8"}, "en"),  # a language hrdd does not ship
        ({"HRDD_LANGUAGE": "nl", "LANG": "fr_FR.UTF-8"}, "nl"),
        ({"HRDD_LANGUAGE": "DE"}, "de"),
    ],
)
def test_the_environment_names_the_language(environment, expected):
    assert environment_language(environment) == expected


def test_a_language_is_named_by_its_code_or_a_locale():
    assert [language_code(v) for v in ("de", "FR", "nl-BE", "nl_BE.UTF-8", "en@quot")] == [
        "de",
        "fr",
        "nl",
        "nl",
        "en",
    ]
    assert [language_code(v) for v in ("xx", "C", "POSIX", "C.UTF-8", "", None)] == [None] * 6


def test_the_command_knows_the_languages_the_settings_ship():
    assert set(LANGUAGES) == {code for code, _name in settings.LANGUAGES}


# tables and messages in the reader's language


def test_the_knowledge_base_table_is_german_with_language_de(cli, db):
    # when
    result = ok(cli("--language", "de", "kb", "status"))

    # then
    head = result.stdout.split("bill_of_materials")[0]
    assert "Wissensbasis" in head
    for column in ("Tabelle", "Ausgabe", "Quellen"):
        assert column in head
    assert "Knowledge base" not in result.stdout


def test_the_tables_stay_english_by_default(cli, db):
    # when
    result = ok(cli("kb", "status"))

    # then
    assert "Knowledge base" in result.stdout
    assert "Wissensbasis" not in result.stdout


def test_a_french_locale_makes_the_risk_table_french(db):
    # when
    result = ok(run_in_environment({"LANG": "fr_FR.UTF-8"}, "risk", "assess", "notebook"))

    # then
    assert "Risques saillants" in result.stdout
    assert "Salient risks" not in result.stdout
    assert "Ordinateurs portables" in result.stdout  # the product's title, from the frameworks' translations


def test_the_option_wins_over_the_environment(db):
    # when
    result = ok(
        run_in_environment({"HRDD_LANGUAGE": "fr", "LANG": "fr_FR.UTF-8"}, "--language", "nl", "kb", "status")
    )

    # then
    assert "Kennisbank" in result.stdout


def test_a_refusal_is_said_in_the_readers_language_and_still_exits_2(cli):
    # when
    result = cli("--language", "nl", "risk", "assess", "notebook", "--format", "pdf")

    # then
    assert_refused(result, "--format", "'pdf' is geen van json, md, docx, xlsx")


def test_each_run_gives_back_the_language_it_found(cli, db):
    # when
    ok(cli("--language", "de", "kb", "status"))

    # then: the next test, page or command speaks what it spoke before
    assert translation.get_language() == settings.LANGUAGE_CODE
    assert "Knowledge base" in ok(cli("kb", "status")).stdout


# unknown languages


def test_an_unknown_language_is_refused_naming_the_option(cli):
    # when
    result = cli("--language", "xx", "risk", "products")

    # then
    assert_refused(result, "--language", "'xx'", "en, nl, fr, de")


def test_an_unknown_hrdd_language_is_refused_naming_the_variable():
    # when
    result = run_in_environment({"HRDD_LANGUAGE": "klingon"}, "risk", "products")

    # then
    assert_refused(result, "HRDD_LANGUAGE", "'klingon'")


def test_an_unknown_locale_is_english(db):
    # when
    result = ok(run_in_environment({"LANG": "es_ES.UTF-8"}, "risk", "products", "--json"))

    # then
    assert {"id": "notebook", "title": "Notebooks"} in json.loads(result.stdout)


# machine output: the same in every language


def _json_commands(tmp_path):
    answers = tmp_path / "responses.json"
    answers.write_text(json.dumps([response(company="Beta"), response(company="Gamma", role="reseller")]))
    return [
        ("risk", "assess", "notebook", "--json"),
        ("risk", "products", "--json"),
        ("kb", "status", "--json"),
        ("questionnaire", "score", answers, "--json"),
        ("market", "assess", answers, "--json"),
        ("contract", "schedule", "--scenario", "2", "--award", "2026-01-15", "--start", "2026-02-01",
         "--end", "2028-01-31", "--json"),
        ("tender", "build", "--scenario", "2", "--format", "json"),
    ]  # fmt: skip


def test_json_output_is_the_same_in_every_language(cli, db, tmp_path):
    for command in _json_commands(tmp_path):
        # when
        english = ok(cli(*command)).stdout
        others = {code: ok(cli("--language", code, *command)).stdout for code in ("nl", "fr", "de")}

        # then
        assert json.loads(english)
        assert others == dict.fromkeys(("nl", "fr", "de"), english), command


def test_a_json_risk_assessment_in_german_starts_no_django_and_reads_as_in_english(hrdd, db):
    # when
    english = ok(hrdd("risk", "assess", "notebook", "--json", command=PROBE_COMMAND))
    german = ok(hrdd("--language", "de", "risk", "assess", "notebook", "--json", command=PROBE_COMMAND))

    # then
    assert german.stdout == english.stdout
    assert "django.db" not in _loaded(german.stderr)


# help


def test_help_is_said_in_the_readers_language_when_it_is_shown():
    # given: a command whose help texts the catalogues translate
    app = typer.Typer(cls=RefusingGroup)
    area = typer.Typer(help=gettext_noop("Knowledge base"))
    app.add_typer(area, name="area")

    @area.command("act", help=gettext_noop("Salient risks"))
    def act(sources: bool = typer.Option(False, help=gettext_noop("Sources"))) -> None:
        """Do nothing."""

    @area.command("other")
    def other() -> None:  # a second command keeps `area` a group
        """Do nothing."""

    def show_help(language: str, *args: str) -> str:
        result = CliRunner().invoke(app, [*args, "--help"], env={**WIDE, "HRDD_LANGUAGE": language})
        assert result.exit_code == 0, result.output
        return result.stdout

    # when
    german = show_help("de", "area", "act")
    french = show_help("fr", "area")
    english = show_help("en", "area", "act")

    # then
    assert "Wesentliche Risiken" in german and "Quellen" in german
    assert (
        "Base de connaissances" in french and "Risques saillants" in french
    )  # the group's and its commands'
    assert "Salient risks" in english and "Sources" in english


def test_the_language_option_is_read_before_the_root_help(cli):
    # when: --language is eager, so that `hrdd --language de --help` is said in German
    result = cli("--language", "xx", "--help")

    # then
    assert_refused(result, "--language", "'xx'")


def test_the_commands_help_is_german_with_language_de(cli):
    # when: the root's help (shown as --language is read) and a group's
    root = ok(cli("--language", "de", "--help")).stdout
    risk = ok(cli("--language", "de", "risk", "--help")).stdout

    # then
    assert "hrdd: menschenrechtliche Sorgfaltspflicht in der IKT-Beschaffung." in root
    assert "hrdd: human-rights due diligence" not in root
    assert "Schritt 1: die Menschenrechtsrisiken einer Produktkategorie." in risk
    assert "Step 1" not in risk
