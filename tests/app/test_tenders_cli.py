"""`hrdd tender build` and `hrdd tender evaluate`, run in-process as a user would type them: text, JSON or a
file out, status 2 without a traceback on bad input."""

import copy
import json
import re
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.cli_support import assert_refused, ok

REPO = Path(__file__).resolve().parents[2]
DEMO_BIDS = REPO / "hrdd" / "demo_data" / "bids-scenario-2.json"
ALL_CRITERIA = ("LABEL", "SC1", "SC2", "AC1", "AC2", "AC3", "AC4", "AC6", "AC7", "CC1", "CC2", "CC3", "CC4")
SCENARIOS = {
    1: ["LABEL", "AC1", "AC2", "CC1"],
    2: ["LABEL", "SC1", "AC3", "AC4", "CC2", "CC3"],
    3: ["LABEL", "SC1", "SC2", "AC6", "AC7", "CC2", "CC3", "CC4"],
}
GOAL = "social.humanRightsInSupplyChains"


def ids_in(text: str) -> set[str]:
    return {c for c in ALL_CRITERIA if re.search(rf"\b{c}\b", text)}


def demo_request():
    return json.loads(DEMO_BIDS.read_text(encoding="utf-8"))


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def evaluate_json(cli, path):
    return json.loads(ok(cli("tender", "evaluate", path, "--json")).stdout)


# tender build


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_build_prints_markdown_by_default(cli, scenario):
    # when
    result = ok(cli("tender", "build", "--scenario", scenario))

    # then
    assert result.stdout.startswith("# Annex 1: Human-rights requirements")
    headings = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("### ")]
    assert headings[: len(SCENARIOS[scenario])] == SCENARIOS[scenario]  # then the response form
    assert ids_in(result.stdout) == set(SCENARIOS[scenario])


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_build_md_goes_to_standard_output(cli, scenario):
    # when
    result = ok(cli("tender", "build", "--scenario", scenario, "--format", "md"))

    # then
    assert result.stdout.startswith("# ")
    assert ids_in(result.stdout) == set(SCENARIOS[scenario])


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_build_html(cli, scenario):
    # when
    result = ok(cli("tender", "build", "--scenario", scenario, "--format", "html"))

    # then
    assert result.stdout.lstrip().startswith("<!doctype html>")
    assert ids_in(result.stdout) == set(SCENARIOS[scenario])


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_build_json_parses(cli, scenario):
    # when
    data = json.loads(ok(cli("tender", "build", "--scenario", scenario, "--format", "json")).stdout)

    # then
    assert data["scenario"] == scenario
    assert [i["id"] for i in data["items"]] == SCENARIOS[scenario]
    assert data["months"] == 3


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_build_ocds_parses_and_has_the_goal(cli, scenario):
    # when
    package = json.loads(
        ok(
            cli("tender", "build", "--scenario", scenario, "--format", "ocds", "--buyer", "Town of Ede")
        ).stdout
    )
    [release] = package["releases"]

    # then
    tender = release["tender"]
    assert release["tag"] == ["tender"]
    assert tender["sustainability"][0]["goal"] == GOAL
    assert ("selectionCriteria" in tender) is (scenario != 1)
    assert tender["lots"][0]["awardCriteria"]["criteria"][0]["type"] == "price"


@pytest.mark.parametrize("scenario", [1, 2, 3])
def test_build_docx_writes_a_word_file(cli, tmp_path, scenario):
    # given
    path = tmp_path / f"annex-{scenario}.docx"

    # when
    result = ok(
        cli("tender", "build", "--scenario", scenario, "--format", "docx", "-o", path, "--title", "Notebooks")
    )

    # then
    assert "Wrote" in result.stderr
    assert result.stdout == ""
    document = Document(path)
    assert document.paragraphs[0].style.name == "Heading 1"
    assert document.paragraphs[0].text == "Annex 1: Human-rights requirements"
    assert document.core_properties.title == "Annex 1 · Notebooks"
    level3 = [p.text.split()[0] for p in document.paragraphs if p.style.name == "Heading 3"]
    assert level3[: len(SCENARIOS[scenario])] == SCENARIOS[scenario]  # then the response form
    assert len(document.tables) >= len(SCENARIOS[scenario])


def test_build_writes_text_formats_to_a_file(cli, tmp_path):
    # given
    path = tmp_path / "annex.json"

    # when
    result = ok(cli("tender", "build", "--scenario", 3, "--format", "json", "-o", path))

    # then
    assert result.stdout == ""
    assert json.loads(path.read_text(encoding="utf-8"))["scenario"] == 3


def test_months_appear_in_cc1(cli):
    # when
    result = ok(cli("tender", "build", "--scenario", 1, "--months", 6))

    # then
    cc1 = result.stdout.split("### CC1", 1)[1]
    assert "no later than 6 months after the award" in " ".join(cc1.split())
    assert "(6 months after award, and before delivery)" in cc1


def test_no_label_removes_the_label(cli):
    # when
    data = json.loads(ok(cli("tender", "build", "--scenario", 2, "--format", "json", "--no-label")).stdout)
    markdown = ok(cli("tender", "build", "--scenario", 2, "--no-label")).stdout

    # then
    assert data["require_label"] is False
    assert [i["id"] for i in data["items"]] == ["SC1", "AC3", "AC4", "CC2", "CC3"]
    assert "LABEL" not in markdown
    assert "Baseline: certified products" not in markdown


def test_a_weight_shows_in_the_json_weights(cli):
    # when
    data = json.loads(
        ok(cli("tender", "build", "--scenario", 2, "--format", "json", "--weight", "AC3=25")).stdout
    )

    # then
    assert data["weights"] == {"price": 60.0, "AC3": 25.0, "AC4": 20.0}
    assert next(i for i in data["items"] if i["id"] == "AC3")["weight"] == 25.0


def test_several_weights_are_read(cli):
    # when
    data = json.loads(
        ok(
            cli(
                "tender",
                "build",
                "--scenario",
                3,
                "--format",
                "json",
                "--weight",
                "price=50",
                "--weight",
                "AC6=30",
                "--weight",
                "AC7=20",
            )
        ).stdout
    )

    # then
    assert data["weights"] == {"price": 50.0, "AC6": 30.0, "AC7": 20.0}


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--scenario", "4"], ["scenario", "unknown scenario 4", "1, 2, 3"]),
        (["--scenario", "2", "--weight", "AC9=1"], ["weights", "'AC9'", "AC3, AC4"]),
        (["--scenario", "1", "--weight", "AC3=20"], ["weights", "'AC3'", "AC1, AC2"]),
        (["--scenario", "2", "--weight", "AC3=x"], ["--weight", "AC3=x", "CRITERION=NUMBER"]),
        (["--scenario", "2", "--weight", "AC3"], ["--weight", "AC3", "CRITERION=NUMBER"]),
        (["--scenario", "2", "--weight", "AC3=-4"], ["weights.AC3", ">= 0"]),
        (["--scenario", "2", "--format", "pdf"], ["--format", "'pdf'", "md, docx, html, json, ocds"]),
        (["--scenario", "2", "--format", "docx"], ["-o FILE"]),
        (["--scenario", "1", "--months", "0"], ["months", ">= 1"]),
    ],
)
def test_build_refuses_bad_input(cli, args, named):
    # when
    result = cli("tender", "build", *args)

    # then
    assert_refused(result, *named)


def test_build_refuses_a_scenario_that_is_not_a_number(cli):
    # when
    result = cli("tender", "build", "--scenario", "high")

    # then
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "--scenario" in result.stderr


# tender evaluate


def test_evaluate_the_demo_bids_gives_the_ranks_computed_by_hand(cli):
    # Scenario 2, weights price 60, AC3 20, AC4 20, label required.
    # Lumen Computers (412000): label; SC1 met (2 components, 3 materials, 3 countries, 3 risks);
    #   AC3 a list of 2 sites -> 1.0; AC4 3 justified actions -> 1.0.
    # Civic IT Reseller (389000): label; SC1 met (1, 2, 2, 3); AC3 a complete plan -> 0.7;
    #   AC4 1 justified action (the second has an empty justification) -> 0.3.
    # Budget Office Supplies (255000): label; SC1 not met (1 material < 2, 0 countries < 1, 1 risk < 3).
    # Nordbyte Systems (398000): no label -> not admitted.
    # Lowest admitted price: 389000.
    # Lumen: 60 x 389000 / 412000 = 56.6505; + 20 x 1.0 + 20 x 1.0 = 96.6505 -> rank 1.
    # Civic: 60 x 389000 / 389000 = 60; + 20 x 0.7 = 14; + 20 x 0.3 = 6 -> 80 -> rank 2.
    # Abnormally low: Budget 255000 vs the mean of the others (412000 + 389000 + 398000) / 3 = 399666.67;
    #   0.7 x 399666.67 = 279766.67 > 255000 -> flagged. No other price is 30% below its others' mean.

    # when
    data = evaluate_json(cli, DEMO_BIDS)

    # then
    bids = {b["bidder"]: b for b in data["bids"]}
    assert list(bids) == [
        "Lumen Computers",
        "Civic IT Reseller",
        "Budget Office Supplies",
        "Nordbyte Systems",
    ]
    assert {name: b["rank"] for name, b in bids.items()} == {
        "Lumen Computers": 1,
        "Civic IT Reseller": 2,
        "Budget Office Supplies": None,
        "Nordbyte Systems": None,
    }
    lumen, civic = bids["Lumen Computers"], bids["Civic IT Reseller"]
    assert lumen["fractions"] == {"SC1": 1.0, "AC3": 1.0, "AC4": 1.0}
    assert lumen["points"] == {"price": pytest.approx(56.6505), "AC3": 20.0, "AC4": 20.0}
    assert lumen["total"] == pytest.approx(96.6505)
    assert civic["fractions"] == {"SC1": 1.0, "AC3": 0.7, "AC4": 0.3}
    assert civic["points"] == {"price": 60.0, "AC3": pytest.approx(14.0), "AC4": pytest.approx(6.0)}
    assert civic["total"] == pytest.approx(80.0)
    assert all(
        set(b) >= {"bidder", "admitted", "reasons", "fractions", "points", "total", "rank"}
        for b in bids.values()
    )

    budget = bids["Budget Office Supplies"]
    assert budget["admitted"] is False
    assert budget["total"] is None
    assert budget["abnormally_low"] is True
    assert any(r.startswith("SC1 not met") for r in budget["reasons"])
    assert any("possibly abnormally low" in r and "255000" in r for r in budget["reasons"])
    assert [b["bidder"] for b in data["bids"] if b["abnormally_low"]] == ["Budget Office Supplies"]

    nordbyte = bids["Nordbyte Systems"]
    assert nordbyte["admitted"] is False
    assert nordbyte["rank"] is None
    assert any(r.startswith("LABEL not met: no label given") for r in nordbyte["reasons"])


def test_evaluate_without_the_label_requirement_admits_nordbyte(cli, tmp_path):
    # Same bids, label not required: admitted Lumen 412000, Civic 389000, Nordbyte 398000; lowest 389000.
    # Lumen: 56.6505 + 20 + 20 = 96.6505 -> rank 1.
    # Nordbyte: 60 x 389000 / 398000 = 58.6432; AC3 a list of 1 site -> 20 x 1.0 = 20;
    #   AC4 1 justified action -> 20 x 0.3 = 6; total 84.6432 -> rank 2.
    # Civic: 60 + 14 + 6 = 80 -> rank 3. Budget still fails SC1.

    # given
    path = write_json(tmp_path / "bids.json", demo_request() | {"require_label": False})

    # when
    data = evaluate_json(cli, path)

    # then
    bids = {b["bidder"]: b for b in data["bids"]}
    assert {name: b["rank"] for name, b in bids.items()} == {
        "Lumen Computers": 1,
        "Nordbyte Systems": 2,
        "Civic IT Reseller": 3,
        "Budget Office Supplies": None,
    }
    assert bids["Nordbyte Systems"]["admitted"] is True
    assert bids["Nordbyte Systems"]["points"]["price"] == pytest.approx(58.6432)
    assert bids["Nordbyte Systems"]["total"] == pytest.approx(84.6432)
    assert bids["Lumen Computers"]["total"] == pytest.approx(96.6505)
    assert bids["Civic IT Reseller"]["total"] == pytest.approx(80.0)
    assert "LABEL" not in bids["Nordbyte Systems"]["fraction_reasons"]


def test_evaluate_prints_a_table(cli):
    # when
    result = ok(cli("tender", "evaluate", DEMO_BIDS))

    # then
    out = result.stdout
    assert "Scenario 2: evaluation" in out
    assert out.index("Lumen Computers") < out.index("Civic IT Reseller") < out.index("Budget Office Supplies")
    assert "possibly abnormally low" in out


def test_evaluate_writes_a_word_report(cli, tmp_path):
    # given
    path = tmp_path / "report.docx"

    # when
    result = ok(cli("tender", "evaluate", DEMO_BIDS, "-o", path))

    # then
    assert "Wrote" in result.stderr
    document = Document(path)
    assert document.paragraphs[0].style.name == "Heading 1"
    ranking = [[c.text for c in row.cells] for row in document.tables[1].rows]  # after the facts
    assert [row[1] for row in ranking[1:3]] == ["Lumen Computers", "Civic IT Reseller"]


def test_evaluate_writes_an_xlsx_report(cli, tmp_path):
    # given
    path = tmp_path / "report.xlsx"

    # when
    ok(cli("tender", "evaluate", DEMO_BIDS, "-o", path))

    # then
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Bids", "Reasons", "Weights"]
    rows = list(workbook["Bids"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 4
    assert [(r[0], r[1]) for r in rows[:2]] == [(1, "Lumen Computers"), (2, "Civic IT Reseller")]


def test_evaluate_json_to_a_file(cli, tmp_path):
    # given
    path = tmp_path / "result.json"

    # when
    result = ok(cli("tender", "evaluate", DEMO_BIDS, "--json", "-o", path))

    # then
    assert result.stdout == ""
    assert len(json.loads(path.read_text(encoding="utf-8"))["bids"]) == 4


def _spoil(**changes):
    def spoil(request):
        request = copy.deepcopy(request)
        for key, value in changes.items():
            if key.startswith("bid0_"):
                request["bids"][0][key.removeprefix("bid0_")] = value
            elif key.startswith("bid2_"):
                request["bids"][2][key.removeprefix("bid2_")] = value
            else:
                request[key] = value
        return request

    return spoil


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (_spoil(bid0_price=0), ["bids[0].price", "greater than 0", "0"]),
        (_spoil(bid2_price=-255000), ["bids[2].price", "greater than 0", "-255000"]),
        (_spoil(bid0_price="412000"), ["bids[0].price"]),
        (_spoil(scenario=5), ["scenario", "unknown scenario 5"]),
        (_spoil(scenario="2"), ["scenario"]),
        (_spoil(weights={"price": 60, "AC7": 40}), ["weights", "'AC7'", "AC3, AC4"]),
        (_spoil(weights={"AC3": 50, "AC4": 50}), ["weights", "price"]),
        (_spoil(require_label="no"), ["require_label"]),
        (_spoil(bids=[]), ["bids"]),
        (_spoil(bid0_bidder=""), ["bids[0].bidder"]),
    ],
)
def test_evaluate_refuses_bad_input_naming_the_field_and_the_file(cli, tmp_path, spoil, named):
    # given
    path = write_json(tmp_path / "bids.json", spoil(demo_request()))

    # when
    result = cli("tender", "evaluate", path, "--json")

    # then
    assert_refused(result, "bids.json", *named)


def test_evaluate_refuses_malformed_json_naming_the_line(cli, tmp_path):
    # given
    path = tmp_path / "broken.json"
    path.write_text('{"scenario": 2,\n "bids": [\n', encoding="utf-8")

    # when
    result = cli("tender", "evaluate", path, "--json")

    # then
    assert_refused(result, "broken.json", "malformed JSON", "line")


def test_evaluate_refuses_a_file_that_is_not_an_object(cli, tmp_path):
    # given
    path = write_json(tmp_path / "list.json", [1, 2, 3])

    # when
    result = cli("tender", "evaluate", path, "--json")

    # then
    assert_refused(result, "list.json", "scenario")


def test_evaluate_refuses_a_missing_file(cli, tmp_path):
    # when
    result = cli("tender", "evaluate", tmp_path / "absent.json", "--json")

    # then
    assert_refused(result, "absent.json", "no such file")


def test_evaluate_refuses_a_file_that_is_not_utf8(cli, tmp_path):
    # given
    path = tmp_path / "latin1.json"
    path.write_bytes('{"scenario": 2, "bids": [{"bidder": "Société"}]}'.encode("latin-1"))

    # when
    result = cli("tender", "evaluate", path, "--json")

    # then
    assert_refused(result, "latin1.json", "UTF-8")


def test_evaluate_refuses_an_unknown_report_format(cli, tmp_path):
    # when
    result = cli("tender", "evaluate", DEMO_BIDS, "--format", "pdf")

    # then
    assert_refused(result, "--format", "'pdf'")


def test_evaluate_refuses_a_docx_without_a_file(cli):
    # when
    result = cli("tender", "evaluate", DEMO_BIDS, "--format", "docx")

    # then
    assert_refused(result, "-o FILE")
