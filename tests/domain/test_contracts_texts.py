"""Contract management's verdicts as Texts (issue 16): each label, reason and detail is its English sentence, as
before, and keeps its template and parameters, also through the stored form of a verdict and an obligation's stored
reason, so that a page can say it in the reader's language."""

import datetime as dt
import json

import pytest

from hrdd.domain.contracts import (
    SCHEDULE_REASONS,
    KpiResult,
    ObligationVerdict,
    contents_check,
    obligation_reason,
    plan_schedule,
    rate_obligation,
    site_list_completeness,
    timeliness,
)
from hrdd.domain.tender import get_tender_framework
from hrdd.domain.texts import Text

FRAMEWORK = get_tender_framework()


def site(n, **fields):
    return {"name": f"Site {n}", "address": f"{n} Road", "country": "CHN"} | fields


def test_an_overdue_label_is_its_english_sentence_with_the_days_as_a_number():
    # when
    kpi = timeliness(due=dt.date(2025, 1, 1), submitted=None, today=dt.date(2025, 7, 4))

    # then
    assert kpi.label == "missing, 184 days overdue"
    assert isinstance(kpi.label, Text)
    assert (kpi.label.template, dict(kpi.label.params)) == ("missing, %(days)s days overdue", {"days": 184})
    assert kpi.reasons == ("due 2025-01-01, nothing submitted by 2025-07-04",)


def test_a_share_is_a_number_parameter_a_whole_one_without_its_point():
    # when
    partial = site_list_completeness([site(1), site(2, address=""), site(3)])
    half = site_list_completeness([site(1), site(2, address="")], "two more next year")

    # then
    assert partial.label == "66.7% complete, not explained" and partial.label.params == {"share": 66.7}
    assert half.label == "50% complete, explained" and half.label.params == {"share": 50}
    assert type(half.label.params["share"]) is int


def test_a_checklist_detail_says_its_parts_each_as_a_text():
    # given: a risk assessment whose summary names a component its document does not
    summary = {
        "found_in_document": {
            "components": ["battery"],
            "raw_materials": [],
            "sourcing_countries": [],
            "risks": [],
        },
        "not_in_document": {"components": ["gizmo"]},
    }

    # when
    _kpi, (item,) = contents_check("CC1", ("components",), summary)

    # then: the English as before, made of the count's sentence and the summary's
    assert item.detail == (
        "1 component(s) in the document (battery), at least 1 required; the supplier's summary also names gizmo, "
        "not found in the document"
    )
    counted, named = item.detail.params.values()
    assert (
        counted.template
        == "%(count)s %(counted)s in the document (%(found)s), at least %(required)s required"
    )
    assert named.template == "the supplier's summary also names %(entries)s, not found in the document"


def test_a_verdict_reads_back_from_its_stored_json_with_every_text_as_it_was_written():
    # given
    verdict = rate_obligation(
        clause="CC2",
        due=dt.date(2025, 1, 1),
        first_submitted=dt.date(2025, 1, 20),
        latest={"explanation": ""},
        sites=[site(1), site(2, address="")],
        today=dt.date(2025, 3, 1),
        framework=FRAMEWORK,
    )

    # when: stored as JSON and read back
    again = ObligationVerdict.from_dict(json.loads(json.dumps(verdict.as_dict())))

    # then
    assert again == verdict
    written = [*(k.label for k in verdict.kpis), *(r for k in verdict.kpis for r in k.reasons)]
    written += [c.detail for c in verdict.checklist]
    read = [*(k.label for k in again.kpis), *(r for k in again.kpis for r in k.reasons)]
    read += [c.detail for c in again.checklist]
    assert all(isinstance(t, Text) for t in read)
    assert [(t.template, dict(t.params)) for t in read] == [(t.template, dict(t.params)) for t in written]


def test_the_stored_checklist_and_the_kpis_api_form_keep_their_shapes():
    # given
    verdict = rate_obligation(
        clause="CC2",
        due=dt.date(2025, 1, 1),
        first_submitted=dt.date(2025, 1, 20),
        latest={"explanation": ""},
        sites=[site(1)],
        today=dt.date(2025, 3, 1),
        framework=FRAMEWORK,
    )

    # when
    stored = verdict.as_dict()

    # then: the texts travel beside the English, in the KPIs; the checklist and each KPI's own form are as before
    assert {tuple(c) for c in stored["checklist"]} == {("item", "met", "detail")}
    assert {frozenset(k.as_dict()) for k in verdict.kpis} == {
        frozenset({"kpi", "status", "label", "value", "reasons"})
    }
    contents = next(k for k in stored["kpis"] if k["kpi"] == "contents")
    assert len(contents["checklist_texts"]) == len(stored["checklist"])


def test_a_verdict_stored_before_its_texts_or_changed_by_hand_reads_back_in_english_as_stored():
    # given
    stored = {
        "status": "ok",
        "kpis": [
            {"kpi": "timeliness", "status": "ok", "label": "on time", "value": 0, "reasons": ["submitted x"]},
            {
                "kpi": "responsiveness",
                "status": "ok",
                "label": "on time",  # changed by hand: its stored text says something else
                "value": None,
                "reasons": ["no request for more information"],
                "label_text": {"template": "no request made", "params": {}},
                "reasons_texts": [{"template": "no request for more information", "params": {}}],
            },
        ],
        "checklist": [],
    }

    # when
    verdict = ObligationVerdict.from_dict(stored)

    # then
    older, changed = verdict.kpis
    assert type(older.label) is str and older.label == "on time"
    assert type(changed.label) is str and changed.label == "on time"
    assert isinstance(changed.reasons[0], Text)


@pytest.mark.parametrize("scenario", [1, 2, 3])
@pytest.mark.parametrize("first_delivery", [None, dt.date(2024, 1, 31), dt.date(2024, 2, 20)])
@pytest.mark.parametrize("end", [dt.date(2026, 9, 30), dt.date(2024, 12, 31)])
def test_every_stored_schedule_reason_reads_back_as_the_text_that_wrote_it(scenario, first_delivery, end):
    # given: a contract whose last year is shorter than a year (a final report on the end date), or which ends
    # before its first anniversary
    schedule = plan_schedule(
        scenario=scenario,
        award=dt.date(2024, 1, 31),
        start=dt.date(2024, 2, 29),
        end=end,
        framework=FRAMEWORK,
        months=3 if scenario == 1 else None,
        first_delivery=first_delivery,
    )

    # when
    read = [obligation_reason(str(o.reason)[:200]) for o in schedule.obligations]

    # then
    assert read == [o.reason for o in schedule.obligations]
    assert [(r.template, dict(r.params)) for r in read] == [
        (o.reason.template, dict(o.reason.params)) for o in schedule.obligations
    ]
    assert {r.template for r in read} <= set(SCHEDULE_REASONS)


def test_the_schedules_above_write_every_rule_s_reason():
    # given
    written = set()
    for scenario in (1, 2):
        for first_delivery in (None, dt.date(2024, 1, 31), dt.date(2024, 2, 20)):
            for end in (dt.date(2026, 9, 30), dt.date(2024, 12, 31)):
                schedule = plan_schedule(
                    scenario=scenario,
                    award=dt.date(2024, 1, 31),
                    start=dt.date(2024, 2, 29),
                    end=end,
                    framework=FRAMEWORK,
                    first_delivery=first_delivery,
                )
                written |= {o.reason.template for o in schedule.obligations}

    # then
    assert written == set(SCHEDULE_REASONS)


def test_a_reason_no_rule_writes_is_kept_as_stored():
    # when
    kept = obligation_reason("agreed at the kick-off meeting")

    # then
    assert type(kept) is str and kept == "agreed at the kick-off meeting"


def test_a_kpi_result_built_from_plain_strings_still_stores_and_reads_back():
    # given: a verdict some other code wrote with plain strings
    verdict = ObligationVerdict("ok", (KpiResult("timeliness", "ok", "on time", ("fine",), 0),))

    # when
    again = ObligationVerdict.from_dict(verdict.as_dict())

    # then
    assert again == verdict
    assert verdict.as_dict()["kpis"][0]["label_text"] is None
