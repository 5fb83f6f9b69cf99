"""`hrdd risk check FILE --kind ...` reads the three documents as the page and the API do: text or --json, exit
status 2 with a message for a kind it does not know."""

import json
from pathlib import Path

import pytest

from tests.cli_support import assert_refused, ok

FIXTURES = Path(__file__).parent / "fixtures"
CODE_OF_CONDUCT = (
    "Ons mensenrechtenbeleid is gepubliceerd op onze website. "
    "Het is onderdeel van onze contracten en leveranciers ondertekenen het."
)
DUE_DILIGENCE_DE = (
    "Wir führen jährlich eine Risikoanalyse durch und priorisieren unsere Lieferanten. "
    "Lieferanten mit hohem Risiko werden durch Audits überprüft."
)
pytestmark = pytest.mark.django_db


@pytest.fixture
def write(tmp_path):
    def make(text, name="supplier.txt"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return make


def test_a_code_of_conduct_is_printed_element_by_element_with_its_sentences(cli, write):
    # when
    result = ok(cli("risk", "check", write(CODE_OF_CONDUCT), "--kind", "policy-commitment"))

    # then
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert lines[0].startswith(
        "supplier.txt: Policy commitment or supplier code of conduct, 100 of 100 points"
    )
    assert "read as Dutch" in lines
    assert "found: the commitment is communicated to suppliers (50/50)" in lines
    at = lines.index("found: the commitment is communicated to suppliers (50/50)")
    assert lines[at + 1] == "“Het is onderdeel van onze contracten en leveranciers ondertekenen het.”"
    assert "NOT FOUND: references to the ILO core labour conventions (not scored)" in lines


def test_a_due_diligence_description_in_json_is_the_api_answer(cli, write, client):
    # given
    path = write(DUE_DILIGENCE_DE)

    # when
    data = json.loads(ok(cli("risk", "check", path, "--kind", "due-diligence", "--json")).stdout)

    # then
    assert (data["kind"], data["language"], data["score"], data["out_of"]) == ("due-diligence", "de", 40, 100)
    with path.open("rb") as document:
        answer = client.post("/api/v1/risks/check", {"document": document, "kind": "due-diligence"})
    assert answer.json() == data


def test_a_risk_assessment_prints_the_risks_not_counted_and_why(cli, write):
    # given
    text = (
        FIXTURES / "supplier_two_risks.txt"
    ).read_text() + " Our code of conduct prohibits discrimination."

    # when
    result = ok(cli("risk", "check", write(text), "--kind", "risk-assessment"))

    # then
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    at = lines.index("mentioned but not counted:")
    assert lines[at + 1].startswith("discrimination: a rule, not a finding")
    assert lines[at + 2] == "“Our code of conduct prohibits discrimination.”"


def test_without_a_kind_the_json_is_a_risk_assessment_with_what_it_set_aside(cli):
    # when
    data = json.loads(ok(cli("risk", "check", FIXTURES / "supplier_risk_assessment.txt", "--json")).stdout)

    # then
    assert data["kind"] == "risk-assessment"
    assert data["meets_minimum"] is True
    assert data["risks_not_counted"] == []


def test_an_unknown_kind_exits_2_naming_the_option_and_the_kinds(cli):
    # when
    result = cli("risk", "check", FIXTURES / "supplier_risk_assessment.txt", "--kind", "press-release")

    # then
    assert_refused(result, "--kind", "'press-release'", "risk-assessment, policy-commitment, due-diligence")


def test_an_unknown_kind_is_refused_before_the_file_is_read(cli, tmp_path):
    # when
    result = cli("risk", "check", tmp_path / "nowhere.txt", "--kind", "policy")

    # then
    assert_refused(result, "--kind")
    assert "no such file" not in result.stderr
