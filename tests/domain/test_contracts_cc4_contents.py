"""The contents KPI of a report on due diligence (CC4; manual 3.3.4, 3.4 Lesson 1) counts what its document
describes, read once at upload with award criterion 7's check: the processes to identify, mitigate and monitor
risks. The supplier's typed description is a hint; a report stored before reports were read keeps the old rule.

Pure domain: no Django, no database."""

import datetime as dt

import pytest

from hrdd.domain.contracts import (
    DUE_DILIGENCE_PROCESSES,
    MAX_QUOTES,
    contents_check,
    due_diligence_elements,
    rate_obligation,
    read_due_diligence_report,
)
from hrdd.domain.document_check import get_document_checks
from hrdd.domain.tender import get_tender_framework

FRAMEWORK = get_tender_framework()
CC4 = FRAMEWORK.criterion("CC4").contents

IDENTIFY = "Each year we carry out a risk assessment of our supply chain and prioritise the salient risks."
MONITOR = "Suppliers at high risk are monitored through third-party audits and worker interviews."
MITIGATE = "Where violations are found, we agree a corrective action plan with the factory."
POLICY = "Our human rights policy applies to all purchases."
FULL_REPORT = " ".join((IDENTIFY, MONITOR, MITIGATE, POLICY))
TWO_PROCESSES = " ".join((IDENTIFY, MITIGATE))  # no monitoring
EVIDENCE = {"stakeholder_evidence": "Meetings with two unions at the assembly plant."}

DUTCH = (
    "Jaarlijks maken wij een risicoanalyse van onze toeleveringsketen. "
    "Leveranciers met een hoog risico worden door sociale audits gecontroleerd. "
    "Bij schendingen volgen corrigerende maatregelen."
)
GERMAN = (
    "Wir führen jährlich eine Risikoanalyse durch und priorisieren unsere Lieferanten. "
    "Lieferanten mit hohem Risiko werden durch Audits überprüft. "
    "Bei Verstößen ergreifen wir Abhilfemaßnahmen."
)


def processes_item(summary):
    result, items = contents_check("CC4", CC4, summary)
    return result, next(i for i in items if i.item == "due_diligence_processes")


# reading the report at upload


def test_the_reading_keeps_each_element_found_with_its_sentences_language_and_source():
    # when
    summary = read_due_diligence_report(FULL_REPORT)

    # then
    assert summary["due_diligence_found"] == {
        "policies": [POLICY],
        "risk_identification": [IDENTIFY],
        "monitoring": [MONITOR],
        "mitigation": [MITIGATE],
    }
    assert summary["due_diligence_language"] == "en"
    assert "award criterion 7" in summary["due_diligence_source"]
    assert summary["due_diligence_typed"] == []
    assert summary["due_diligence_not_in_document"] == []


def test_the_typed_description_is_read_too_and_what_the_document_lacks_is_named():
    # when: the supplier types that it audits high-risk suppliers; the document says nothing of monitoring
    summary = read_due_diligence_report(TWO_PROCESSES, "Third-party audits at high-risk suppliers.")

    # then
    assert summary["due_diligence_typed"] == ["monitoring"]
    assert summary["due_diligence_not_in_document"] == ["monitoring"]
    assert "monitoring" not in summary["due_diligence_found"]


def test_a_long_report_keeps_five_sentences_of_an_element_and_counts_the_others():
    # given: the same process in eight sentences
    text = " ".join(f"In region {n} we carry out a risk assessment of our suppliers." for n in range(8))

    # when
    summary = read_due_diligence_report(text)

    # then
    assert len(summary["due_diligence_found"]["risk_identification"]) == MAX_QUOTES == 5
    assert summary["due_diligence_more"] == {"risk_identification": 3}
    element = next(e for e in due_diligence_elements(summary) if e.id == "risk_identification")
    assert element.more == 3


def test_the_processes_the_clause_names_are_elements_of_the_due_diligence_check():
    elements = get_document_checks().checks["due-diligence"].elements
    assert set(DUE_DILIGENCE_PROCESSES) <= set(elements)
    assert len(DUE_DILIGENCE_PROCESSES) == 3


# the KPI


def test_a_report_describing_the_three_processes_meets_the_item_and_reports_the_other_elements():
    # given
    summary = read_due_diligence_report(FULL_REPORT) | EVIDENCE

    # when
    result, item = processes_item(summary)

    # then
    assert item.met
    assert item.detail.startswith("the document describes 3 of the 3 processes the clause names: ")
    assert "systems to monitor prioritised risks at high-risk suppliers" in item.detail
    assert "other elements of award criterion 7: found references to key human-rights policies" in item.detail
    assert item.detail.endswith("not found references to reporting on due-diligence processes")
    assert (result.status, result.label) == ("ok", "2 of 2 items met")


def test_a_report_describing_two_processes_names_the_missing_one_and_is_a_warning():
    # given
    summary = read_due_diligence_report(TWO_PROCESSES) | EVIDENCE

    # when
    result, item = processes_item(summary)

    # then
    assert not item.met
    assert item.detail.startswith(
        "the document describes 2 of the 3 processes the clause names: systems to identify and prioritise "
        "human-rights risks, actions taken to mitigate risks; not found: systems to monitor prioritised risks "
        "at high-risk suppliers"
    )
    assert (result.status, result.label) == ("warning", "1 of 2 items met")


def test_a_typed_description_does_not_make_up_for_the_document_but_is_named():
    # given: the typed text describes monitoring; the document does not
    summary = (
        read_due_diligence_report(TWO_PROCESSES, "Third-party audits at high-risk suppliers.") | EVIDENCE
    )

    # when
    _result, item = processes_item(summary)

    # then
    assert not item.met
    assert item.detail.endswith(
        "the supplier's summary also describes systems to monitor prioritised risks at high-risk suppliers, "
        "not found in the document"
    )


def test_a_document_that_describes_nothing_misses_the_item_however_much_is_typed():
    # given
    summary = read_due_diligence_report(
        "Annual report.", "We map risks, audit high-risk suppliers and remediate violations."
    )

    # when
    result, item = processes_item(summary)

    # then
    assert not item.met
    assert item.detail.startswith("the document describes 0 of the 3 processes the clause names; not found: ")
    assert result.status == "problem"


@pytest.mark.parametrize(("text", "language"), [(DUTCH, "nl"), (GERMAN, "de")])
def test_a_dutch_or_german_report_is_read_in_its_language_and_meets_the_item(text, language):
    # when
    summary = read_due_diligence_report(text)

    # then
    assert summary["due_diligence_language"] == language
    assert set(DUE_DILIGENCE_PROCESSES) <= set(summary["due_diligence_found"])
    assert processes_item(summary | EVIDENCE)[1].met


def test_a_denied_process_is_not_found():
    # given: the supplier writes that it does not assess its risks
    text = "We do not carry out risk assessments. " + " ".join((MONITOR, MITIGATE))

    # when
    summary = read_due_diligence_report(text)
    _result, item = processes_item(summary)

    # then
    assert "risk_identification" not in summary["due_diligence_found"]
    assert not item.met
    assert "not found: systems to identify and prioritise human-rights risks" in item.detail


@pytest.mark.parametrize(
    ("typed", "met", "detail"),
    [("Risk mapping.", True, "processes described"), ("", False, "processes not described")],
)
def test_a_report_stored_before_reports_were_read_keeps_the_rule_of_the_typed_text(typed, met, detail):
    # given: a summary with the typed answers only
    summary = {"processes": typed, "stakeholder_evidence": "NGO panel."}

    # when
    _result, item = processes_item(summary)

    # then
    assert (item.met, item.detail) == (met, detail)
    assert due_diligence_elements(summary) == ()


def test_the_elements_list_the_clauses_processes_first_each_marked():
    # given
    summary = read_due_diligence_report(TWO_PROCESSES, "Third-party audits at high-risk suppliers.")

    # when
    elements = due_diligence_elements(summary)

    # then
    assert [(e.id, e.process, e.found, e.in_summary_only) for e in elements] == [
        ("risk_identification", True, True, False),
        ("mitigation", True, True, False),
        ("monitoring", True, False, True),
        ("policies", False, False, False),
        ("reporting", False, False, False),
    ]
    assert elements[0].sentences == (IDENTIFY,)


def test_the_obligations_verdict_counts_the_document_of_the_latest_report():
    # given
    latest = read_due_diligence_report(TWO_PROCESSES, "Audits.") | {"processes": "Audits.", **EVIDENCE}

    # when
    verdict = rate_obligation(
        clause="CC4",
        due=dt.date(2031, 3, 1),
        first_submitted=dt.date(2031, 2, 1),
        latest=latest,
        today=dt.date(2031, 3, 10),
        framework=FRAMEWORK,
    )

    # then
    contents = next(k for k in verdict.kpis if k.kpi == "contents")
    assert (contents.status, contents.label) == ("warning", "1 of 2 items met")
    assert verdict.status == "warning"
    assert [c.met for c in verdict.checklist] == [False, True]
