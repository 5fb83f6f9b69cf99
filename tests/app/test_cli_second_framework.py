"""The command line on another buyer's questionnaire (tests/domain/fixtures/greenbuy-2026.yaml): its own roles,
dimensions, levels and scenario numbers, end to end, with nothing in the CLI that knows the CFIT framework.

Worked out by hand from the fixture:
- Acme (oem, points "maker"): traceability smelters 4 + mines 5 = 9, capped at 6 -> visibility 6 >= 5: advanced;
  grievance independent 6 > 5: advanced; audits third_party 8, not above 8 -> verification basic;
  overall the median of advanced, advanced, basic: advanced.
- Beta (broker, points "trader", with the broker warning): traceability none 0: basic; grievance hotline
  2 > 1: developing; audits self_assessment 1: basic; overall basic.
- Gamma (oem): traceability mines 5: advanced; grievance independent 6: advanced; audits self_assessment 1 +
  third_party 8 = 9 > 8: advanced; overall advanced.
- Two respondents: quorum max(min(2, 2), ceil(0.25 x 2)) = 2.
"""

import json
from pathlib import Path

from tests.app.workbooks import fill_questionnaire, open_xlsx
from tests.cli_support import assert_refused, ok

GREENBUY = Path(__file__).resolve().parents[1] / "domain" / "fixtures" / "greenbuy-2026.yaml"
ACME = {
    "company": "Acme",
    "role": "oem",
    "answers": {"traceability": ["smelters", "mines"], "grievance": "independent", "audits": ["third_party"]},
}
BETA = {
    "company": "Beta",
    "role": "broker",
    "answers": {"traceability": ["none"], "grievance": ["hotline"], "audits": ["self_assessment"]},
}
GAMMA = {
    "company": "Gamma",
    "role": "oem",
    "answers": {
        "traceability": ["mines"],
        "grievance": ["independent"],
        "audits": ["self_assessment", "third_party"],
        "auditor": "Example Audits Ltd",
    },
}


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_scoring_on_the_second_framework_gives_its_own_scores_and_levels(cli, tmp_path):
    # given
    path = write_json(tmp_path / "greenbuy.json", [ACME, BETA])

    # when
    result = ok(cli("questionnaire", "score", path, "--framework", GREENBUY, "--json"))

    # then
    acme, beta = json.loads(result.stdout)
    assert acme["scores"] == {
        "traceability": 6,
        "grievance": 6,
        "audits": 8,
        "visibility": 6,
        "remedy": 6,
        "verification": 8,
    }
    assert acme["levels"] == {"visibility": "advanced", "remedy": "advanced", "verification": "basic"}
    assert acme["overall"] == "advanced"
    assert acme["warnings"] == []
    assert beta["levels"] == {"visibility": "basic", "remedy": "developing", "verification": "basic"}
    assert beta["overall"] == "basic"
    assert beta["warnings"] == ["Brokers are scored as traders."]


def test_the_score_table_has_a_column_per_dimension_of_the_framework_in_use(cli, tmp_path):
    # given
    path = write_json(tmp_path / "greenbuy.json", [ACME, BETA])

    # when
    result = ok(cli("questionnaire", "score", path, "--framework", GREENBUY))

    # then
    header = next(line for line in result.stdout.splitlines() if "company" in line)
    assert [cell.strip() for cell in header.split("┃")[1:-1]] == [
        "company",
        "role",
        "visibility",
        "remedy",
        "verification",
        "overall",
        "warnings",
    ]
    assert "Supplier maturity (greenbuy-2026 2026.0)" in result.stdout
    acme_row = next(line for line in result.stdout.splitlines() if "Acme" in line)
    assert [cell.strip() for cell in acme_row.split("│")[1:-1]] == [
        "Acme",
        "oem",
        "6 advanced",
        "6 advanced",
        "8 basic",
        "advanced",
        "",
    ]
    assert "Brokers are scored as traders." in result.stdout
    assert "awareness" not in result.stdout


def test_the_market_on_the_second_framework_falls_back_to_its_default_scenario(cli, tmp_path):
    # given: one advanced respondent of two, the quorum is two
    path = write_json(tmp_path / "greenbuy.json", [ACME, BETA])

    # when
    market = json.loads(ok(cli("market", "assess", path, "--framework", GREENBUY, "--json")).stdout)

    # then
    assert market["respondents"] == 2
    assert market["quorum"] == 2
    assert market["distribution"] == {
        "overall": {"basic": 1, "developing": 0, "advanced": 1},
        "visibility": {"basic": 1, "developing": 0, "advanced": 1},
        "remedy": {"basic": 0, "developing": 1, "advanced": 1},
        "verification": {"basic": 2, "developing": 0, "advanced": 0},
    }
    assert market["checks"] == [{"scenario": 30, "at_least": "advanced", "count": 1, "met": False}]
    assert market["recommended_scenario"] == 10
    assert market["baseline_advice"] == "Always ask for the GreenBuy label."


def test_the_market_on_the_second_framework_reaches_its_ambitious_scenario(cli, tmp_path):
    # given: two advanced respondents of two
    path = write_json(tmp_path / "greenbuy.json", [ACME, GAMMA])

    # when
    market = json.loads(ok(cli("market", "assess", path, "--framework", GREENBUY, "--json")).stdout)
    table = ok(cli("market", "assess", path, "--framework", GREENBUY)).stdout

    # then
    assert market["recommended_scenario"] == 30
    assert market["distribution"]["overall"] == {"basic": 0, "developing": 0, "advanced": 2}
    assert "Recommended: Ambitious tender" in table
    assert "Market maturity: 2 respondents" in table
    assert "verification" in table


def test_a_role_of_another_framework_is_refused_naming_the_second_frameworks_roles(cli, tmp_path):
    # given
    path = write_json(tmp_path / "cfit-role.json", {**ACME, "role": "manufacturer"})

    # when
    result = cli("questionnaire", "score", path, "--framework", GREENBUY, "--json")

    # then
    assert_refused(result, "cfit-role.json", "(Acme)", "role:", "'manufacturer'", "oem, distributor, broker")


def test_the_blank_questionnaire_of_the_second_framework_is_filled_in_and_scored(cli, tmp_path):
    # given
    blank = tmp_path / "greenbuy-blank.xlsx"
    ok(cli("questionnaire", "blank", "-o", blank, "--framework", GREENBUY))
    filled = tmp_path / "greenbuy-filled.xlsx"
    filled.write_bytes(
        fill_questionnaire(blank.read_bytes(), company="Gamma", role="oem", answers=GAMMA["answers"])
    )

    # when
    [score] = json.loads(ok(cli("questionnaire", "score", filled, "--framework", GREENBUY, "--json")).stdout)

    # then
    rows = list(open_xlsx(blank.read_bytes())["Questionnaire"].iter_rows(values_only=True))
    assert ("framework", "2026.0", "GreenBuy test questionnaire", "greenbuy-2026") in rows
    assert {(row[0], row[1]) for row in rows} >= {
        ("traceability", "smelters"),
        ("grievance", "independent"),
        ("audits", "third_party"),
        ("audits", "text:auditor"),
    }
    assert score["company"] == "Gamma"
    assert score["scores"]["verification"] == 9
    assert score["levels"] == {"visibility": "advanced", "remedy": "advanced", "verification": "advanced"}


def test_a_workbook_of_the_second_framework_is_refused_on_the_default_framework(cli, tmp_path):
    # given
    blank = tmp_path / "greenbuy-blank.xlsx"
    ok(cli("questionnaire", "blank", "-o", blank, "--framework", GREENBUY))
    filled = tmp_path / "greenbuy-filled.xlsx"
    filled.write_bytes(
        fill_questionnaire(blank.read_bytes(), company="Acme", role="oem", answers=ACME["answers"])
    )

    # when
    result = cli("questionnaire", "score", filled, "--json")

    # then
    assert_refused(result, "greenbuy-filled.xlsx", "greenbuy-2026", "cfit-2025")


def test_checking_the_second_framework_says_what_it_holds(cli):
    # when
    result = ok(cli("framework", "check", GREENBUY))

    # then
    assert result.stdout == "greenbuy-2026 2026.0: 3 questions, 3 dimensions, 3 roles. Valid.\n"
