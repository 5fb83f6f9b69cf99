"""`hrdd questionnaire`, `hrdd market` and `hrdd framework`, run in-process as a user would type them: files in,
text or JSON out, status 2 on bad input. The demo and the entry points are in test_cli_entry_points.py."""

import json
from pathlib import Path

import pytest

from tests.app.workbooks import fill_questionnaire, open_xlsx
from tests.cli_support import assert_refused
from tests.factories import response

REPO = Path(__file__).resolve().parents[2]
SCORE_KEYS = {"company", "role", "scores", "levels", "overall", "warnings"}


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# scoring


def test_scoring_prints_one_json_array_in_input_order(cli, tmp_path):
    # given
    listed = write_json(tmp_path / "two.json", [response(company="Beta"), response(company="Gamma")])
    single = write_json(tmp_path / "one.json", response(company="Alpha", role="reseller"))

    # when
    result = cli("questionnaire", "score", listed, single, "--json")

    # then
    assert result.returncode == 0, result.stderr
    scores = json.loads(result.stdout)
    assert [s["company"] for s in scores] == ["Beta", "Gamma", "Alpha"]
    assert all(set(s) == SCORE_KEYS for s in scores)


def test_scoring_gives_the_scores_levels_and_overall_maturity(cli, tmp_path):
    # given
    path = write_json(tmp_path / "one.json", response(role="other"))

    # when
    result = cli("questionnaire", "score", path, "--json")

    # then
    [score] = json.loads(result.stdout)
    assert score["role"] == "other"
    assert score["scores"]["awareness"] == 8
    assert score["levels"] == {"awareness": "high", "policies": "medium", "actions": "medium"}
    assert score["overall"] == "medium"
    assert len(score["warnings"]) == 1


def test_scoring_without_json_prints_a_table_with_the_company_names(cli, tmp_path):
    # given
    path = write_json(
        tmp_path / "two.json", [response(company="Alpha Computers"), response(company="Beta IT")]
    )

    # when
    result = cli("questionnaire", "score", path)

    # then
    assert result.returncode == 0, result.stderr
    assert "Alpha Computers" in result.stdout
    assert "Beta IT" in result.stdout
    assert "medium" in result.stdout


def test_assessing_the_market_prints_the_recommendation_as_json(cli, tmp_path):
    # given
    path = write_json(tmp_path / "market.json", [response(company=c) for c in ("A", "B", "C")])

    # when
    result = cli("market", "assess", path, "--json")

    # then
    assert result.returncode == 0, result.stderr
    market = json.loads(result.stdout)
    assert {"respondents", "distribution", "recommended_scenario", "explanation"} <= set(market)
    assert market["respondents"] == 3
    assert market["distribution"]["overall"] == {"low": 0, "medium": 3, "high": 0}
    assert market["recommended_scenario"] == 2
    assert "Scenario 2" in market["explanation"]


def test_assessing_the_market_without_json_prints_the_recommendation(cli, tmp_path):
    # given
    path = write_json(tmp_path / "market.json", [response(company=c) for c in ("A", "B", "C")])

    # when
    result = cli("market", "assess", path)

    # then
    assert result.returncode == 0, result.stderr
    assert "Recommended: Scenario 2" in result.stdout


# bad input: status 2, a clear message, no traceback


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (response(role="pirate"), "role"),
        (response(transparency=["telepathy"]), "answers.transparency"),
        (response(risk_understanding=[]), "answers.risk_understanding"),
        (response(risk_understanding=["fair", "good"]), "answers.risk_understanding"),
        (response(actions=[]), "answers.actions"),
        (response(policies=""), "answers.policies"),
    ],
    ids=["unknown role", "unknown option", "zero single answers", "two single answers", "empty", "blank"],
)
def test_an_invalid_response_exits_2_naming_the_field(cli, tmp_path, raw, field):
    # given
    path = write_json(tmp_path / "bad.json", raw)

    # when
    result = cli("questionnaire", "score", path, "--json")

    # then
    assert_refused(result, f"{field}:", "bad.json")


def test_an_invalid_response_in_a_market_assessment_exits_2_naming_the_field(cli, tmp_path):
    # given
    path = write_json(tmp_path / "market.json", [response(), response(risk_understanding=["fair", "good"])])

    # when
    result = cli("market", "assess", path, "--json")

    # then
    assert_refused(result, "market.json: response 2", "answers.risk_understanding:")


def test_an_invalid_response_in_a_list_is_named_by_its_position_and_company(cli, tmp_path):
    # given
    path = write_json(tmp_path / "list.json", [response(company="Fine"), response(company="Broken", role="")])

    # when
    result = cli("questionnaire", "score", path, "--json")

    # then
    assert_refused(result, "list.json: response 2", "Broken", "role:")


def test_malformed_json_exits_2_naming_the_file_and_place(cli, tmp_path):
    # given
    path = tmp_path / "broken.json"
    path.write_text('{"company": "Acme",\n "role": }', encoding="utf-8")

    # when
    result = cli("questionnaire", "score", path, "--json")

    # then
    assert_refused(result, "broken.json", "malformed JSON", "line 2")


def test_a_missing_file_exits_2_naming_it(cli, tmp_path):
    # when
    result = cli("questionnaire", "score", tmp_path / "nowhere.json", "--json")

    # then
    assert_refused(result, "nowhere.json", "no such file")


def test_a_corrupt_workbook_exits_2_naming_it(cli, tmp_path):
    # given
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive")

    # when
    result = cli("questionnaire", "score", path, "--json")

    # then
    assert_refused(result, "corrupt.xlsx", "not a readable XLSX")


@pytest.mark.parametrize("command", [("questionnaire", "score"), ("market", "assess")])
def test_an_empty_list_exits_2_naming_the_file(cli, tmp_path, command):
    # given
    path = write_json(tmp_path / "empty.json", [])

    # when
    result = cli(*command, path, "--json")

    # then
    assert_refused(result, "empty.json", "no response")


def test_a_json_value_that_is_not_a_response_exits_2(cli, tmp_path):
    # given
    path = write_json(tmp_path / "text.json", "just a string")

    # when
    result = cli("questionnaire", "score", path, "--json")

    # then
    assert_refused(result, "text.json", "response:")


def test_an_unknown_framework_exits_2_naming_it(cli, tmp_path):
    # given
    path = write_json(tmp_path / "one.json", response())

    # when
    result = cli("questionnaire", "score", path, "--framework", "no-such-framework", "--json")

    # then
    assert_refused(result, "no-such-framework")


# the blank questionnaire as a workbook


def test_the_blank_questionnaire_is_written_as_a_workbook(cli, tmp_path):
    # given
    path = tmp_path / "questionnaire.xlsx"

    # when
    result = cli("questionnaire", "blank", "-o", path)

    # then
    assert result.returncode == 0, result.stderr
    sheet = open_xlsx(path.read_bytes())["Questionnaire"]
    keys = {row[0] for row in sheet.iter_rows(values_only=True)}
    assert {"company", "role", "transparency", "risk_understanding", "policies", "actions"} <= keys


def test_a_filled_in_blank_questionnaire_is_scored(cli, tmp_path):
    # given
    blank = tmp_path / "blank.xlsx"
    assert cli("questionnaire", "blank", "-o", blank).returncode == 0
    raw = response(company="Workbook Computers", role="reseller")
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(
        fill_questionnaire(
            blank.read_bytes(), company=raw["company"], role=raw["role"], answers=raw["answers"]
        )
    )

    # when
    result = cli("questionnaire", "score", filled, "--json")

    # then
    assert result.returncode == 0, result.stderr
    [score] = json.loads(result.stdout)
    assert score["company"] == "Workbook Computers"
    assert score["role"] == "reseller"
    assert score["levels"] == {"awareness": "high", "policies": "medium", "actions": "medium"}


def test_a_filled_in_workbook_without_a_role_exits_2_naming_the_role(cli, tmp_path):
    # given
    blank = tmp_path / "blank.xlsx"
    assert cli("questionnaire", "blank", "-o", blank).returncode == 0
    filled = tmp_path / "norole.xlsx"
    filled.write_bytes(fill_questionnaire(blank.read_bytes(), role=None, answers=response()["answers"]))

    # when
    result = cli("questionnaire", "score", filled, "--json")

    # then
    assert_refused(result, "norole.xlsx", "role:")


def test_writing_the_blank_questionnaire_into_a_missing_folder_exits_2_without_a_traceback(cli, tmp_path):
    # when
    result = cli("questionnaire", "blank", "-o", tmp_path / "no-such-folder" / "questionnaire.xlsx")

    # then
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "no-such-folder" in " ".join(result.stderr.split())


# framework files


def test_checking_the_shipped_framework_succeeds(cli):
    # when
    result = cli("framework", "check", "hrdd/frameworks/cfit-2025.yaml")

    # then
    assert result.returncode == 0, result.stderr
    assert "cfit-2025" in result.stdout
    assert "Valid" in result.stdout


def test_checking_a_yaml_file_with_a_syntax_error_exits_2(cli, tmp_path):
    # given
    path = tmp_path / "broken.yaml"
    path.write_text("kind: questionnaire\nid: [unclosed\n", encoding="utf-8")

    # when
    result = cli("framework", "check", path)

    # then
    assert_refused(result, "broken.yaml")


def test_checking_a_framework_that_breaks_the_format_exits_2_naming_the_problem(cli, tmp_path):
    # given
    path = tmp_path / "incomplete.yaml"
    path.write_text("kind: questionnaire\nid: mine\nversion: '1'\n", encoding="utf-8")

    # when
    result = cli("framework", "check", path)

    # then
    assert_refused(result, "incomplete.yaml", "questions")


def test_checking_a_missing_framework_file_exits_2(cli, tmp_path):
    # when
    result = cli("framework", "check", tmp_path / "absent.yaml")

    # then
    assert_refused(result, "absent.yaml")


def test_the_shipped_frameworks_are_translated_into_the_three_languages(cli):
    # when
    result = cli("framework", "translations")

    # then
    assert result.returncode == 0, result.stdout
    for language in ("nl", "fr", "de"):
        assert f"{language}: " in result.stdout and "framework texts translated" in result.stdout


def test_asking_for_translations_into_a_language_hrdd_does_not_ship_exits_2(cli):
    # when
    result = cli("framework", "translations", "--language", "pt")

    # then
    assert result.returncode == 2
    assert "--language: 'pt' is not one of nl, fr, de" in result.stderr
