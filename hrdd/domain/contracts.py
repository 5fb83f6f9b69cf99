"""Contract management (CFIT manual 3.3 clauses CC1-CC4 and 3.4 Lesson 1): obligations, deadlines and KPIs.

`schedule_obligations` turns a contract's scenario and dates into dated obligations, by the schedule rule each
clause carries in the tender framework. The KPI functions rate what the supplier submitted: timeliness,
completeness of the site list, contents per clause, responsiveness to requests, each with its reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from hrdd.domain.tender import TenderFramework, TenderInputError


@dataclass(frozen=True)
class Obligation:
    clause: str
    title: str
    due: dt.date
    reason: str

    def as_dict(self) -> dict[str, str]:
        """Return the JSON shape printed by `hrdd contract schedule --json`."""
        return {"clause": self.clause, "title": self.title, "due": self.due.isoformat()}


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months; a day past the end of the target month falls on its last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversary(start: dt.date, years: int) -> dt.date:
    """The n-th anniversary of a date; a 29 February start falls on 28 February in common years."""
    return add_months(start, 12 * years)


def schedule_obligations(
    *,
    scenario: int,
    award: dt.date,
    start: dt.date,
    end: dt.date,
    framework: TenderFramework,
    months: int | None = None,
    first_delivery: dt.date | None = None,
    risk_assessment_in_tender: bool = False,
) -> tuple[Obligation, ...]:
    """Derive the dated obligations of a contract from its scenario's clauses, sorted by due date then clause."""
    chosen = framework.scenario(scenario)
    months = framework.parameters.default_months if months is None else months
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise TenderInputError(f"must be a whole number of months >= 1, got {months!r}", field="months")
    if end < start:
        raise TenderInputError(f"the end date {end} is before the start date {start}", field="end")
    if start < award:
        raise TenderInputError(f"the start date {start} is before the award date {award}", field="start")
    if first_delivery is not None and first_delivery < award:
        raise TenderInputError(
            f"the first delivery {first_delivery} is before the award date {award}", field="first_delivery"
        )
    obligations: list[Obligation] = []
    for criterion_id in chosen.criteria:
        clause = framework.criterion(criterion_id)
        if clause.kind != "clause" or clause.schedule is None:
            continue
        if clause.schedule.type == "after_award":
            if risk_assessment_in_tender:
                continue  # CC1 applies only when the risk assessment was not given in the tender
            due = add_months(award, months)
            reason = f"{months} months after the award on {award.isoformat()}"
            if first_delivery is not None and first_delivery < due:
                due = first_delivery
                reason = (
                    f"the first delivery on {first_delivery.isoformat()}, before {months} months after award"
                )
            obligations.append(Obligation(clause.id, clause.title, due, reason))
        else:
            years = 1
            while (due := anniversary(start, years)) <= end:
                obligations.append(
                    Obligation(
                        clause.id,
                        clause.title,
                        due,
                        f"anniversary {years} of the start on {start.isoformat()}",
                    )
                )
                years += 1
    return tuple(sorted(obligations, key=lambda o: (o.due, o.clause)))


# --- KPIs ------------------------------------------------------------------------------------------------------

Status = Literal["ok", "warning", "problem", "pending"]


@dataclass(frozen=True)
class KpiResult:
    kpi: str  # timeliness, completeness, contents, responsiveness
    status: Status  # ok (green), warning (amber), problem (red), pending (grey)
    label: str  # e.g. "late by 12 days"
    reasons: tuple[str, ...]
    value: float | int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""
        return {
            "kpi": self.kpi,
            "status": self.status,
            "label": self.label,
            "value": self.value,
            "reasons": list(self.reasons),
        }


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def timeliness(*, due: dt.date, submitted: dt.date | None, today: dt.date) -> KpiResult:
    """On time, late by N days, missing (due and nothing submitted), or not yet due."""
    if submitted is None:
        if today > due:
            days = (today - due).days
            return KpiResult(
                "timeliness",
                "problem",
                f"missing, {_days(days)} overdue",
                (f"due {due}, nothing submitted by {today}",),
                days,
            )
        return KpiResult("timeliness", "pending", "not yet due", (f"due {due}",), (due - today).days)
    if submitted <= due:
        return KpiResult("timeliness", "ok", "on time", (f"submitted {submitted}, due {due}",), 0)
    days = (submitted - due).days
    return KpiResult(
        "timeliness", "warning", f"late by {_days(days)}", (f"submitted {submitted}, due {due}",), days
    )


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def site_list_completeness(sites: Sequence[Mapping[str, Any]], explanation: str = "") -> KpiResult:
    """Share of sites with name, address and country; an explanation is required when the list is incomplete."""
    if not sites:
        reason = "no production site listed"
        if _has_text(explanation):
            return KpiResult(
                "completeness", "warning", "0% complete, explained", (reason, "explanation given"), 0.0
            )
        return KpiResult("completeness", "problem", "no sites, no explanation", (reason,), 0.0)
    # one pass over the rows: a 20,000-row list is rated in linear time
    incomplete_rows = [
        i + 1
        for i, s in enumerate(sites)
        if not all(_has_text(s.get(k)) for k in ("name", "address", "country"))
    ]
    complete_count = len(sites) - len(incomplete_rows)
    share = round(100 * complete_count / len(sites), 1)
    reasons = [f"{complete_count} of {len(sites)} sites have a name, an address and a country"]
    if not incomplete_rows:
        return KpiResult("completeness", "ok", "100% complete", tuple(reasons), share)
    reasons.append("incomplete rows: " + ", ".join(str(r) for r in incomplete_rows[:20]))
    if _has_text(explanation):
        reasons.append("the supplier explains why the list is incomplete")
        return KpiResult("completeness", "warning", f"{share:g}% complete, explained", tuple(reasons), share)
    reasons.append("no explanation for the incomplete list (required by CC2)")
    return KpiResult("completeness", "problem", f"{share:g}% complete, not explained", tuple(reasons), share)


@dataclass(frozen=True)
class CheckItem:
    item: str
    met: bool
    detail: str


def contents_check(
    clause: str,
    checklist: Sequence[str],
    summary: Mapping[str, Any],
    minimums: Mapping[str, int] | None = None,
) -> tuple[KpiResult, tuple[CheckItem, ...]]:
    """Rate a submission's contents against its clause's checklist; `summary` is the structured part and
    `minimums` the counts to reach (CC1 takes award criterion 1's: 1 component, 2 raw materials, 1 country, 3 risks)."""
    need = {"components": 1, "raw_materials": 1, "countries": 1, "risks": 1} | dict(minimums or {})
    items: list[CheckItem] = []
    for item in checklist:
        if item == "components":
            n = len([c for c in summary.get("components", []) if _has_text(c)])
            items.append(
                CheckItem(
                    item, n >= need["components"], f"{n} component(s), at least {need['components']} required"
                )
            )
        elif item == "raw_materials":
            n = len([c for c in summary.get("raw_materials", []) if _has_text(c)])
            items.append(
                CheckItem(
                    item,
                    n >= need["raw_materials"],
                    f"{n} raw material(s), at least {need['raw_materials']} required",
                )
            )
        elif item == "sourcing_countries":
            n = len([c for c in summary.get("sourcing_countries", []) if _has_text(c)])
            items.append(
                CheckItem(
                    item,
                    n >= need["countries"],
                    f"{n} sourcing country(ies), at least {need['countries']} required",
                )
            )
        elif item == "risks":
            n = len([r for r in summary.get("risks", []) if _has_text(r)])
            items.append(
                CheckItem(item, n >= need["risks"], f"{n} risk(s), at least {need['risks']} required")
            )
        elif item == "site_list":
            n = len(summary.get("sites", []))
            items.append(CheckItem(item, n >= 1, f"{n} production site(s) listed"))
        elif item == "explanation_if_incomplete":
            sites = summary.get("sites", [])
            incomplete = any(
                not all(_has_text(s.get(k)) for k in ("name", "address", "country")) for s in sites
            )
            explained = _has_text(summary.get("explanation"))
            met = explained or (bool(sites) and not incomplete)
            detail = (
                "list complete"
                if sites and not incomplete
                else ("explained" if explained else "incomplete and not explained")
            )
            items.append(CheckItem(item, met, detail))
        elif item == "actions":
            n = int(summary.get("actions_count") or 0)
            items.append(CheckItem(item, n >= 1, f"{n} mitigating action(s) reported"))
        elif item == "stakeholder_engagement":
            evidenced = _has_text(summary.get("stakeholder_evidence"))
            items.append(
                CheckItem(
                    item,
                    evidenced,
                    "evidence of stakeholder engagement given"
                    if evidenced
                    else "no evidence of stakeholder engagement",
                )
            )
        elif item == "due_diligence_processes":
            described = _has_text(summary.get("processes"))
            items.append(
                CheckItem(item, described, "processes described" if described else "processes not described")
            )
        else:
            items.append(CheckItem(item, False, "unknown checklist item"))
    met_count = sum(1 for i in items if i.met)
    status: Status = "ok" if met_count == len(items) else ("warning" if met_count else "problem")
    reasons = tuple(f"{i.item}: {i.detail}" for i in items)
    return KpiResult("contents", status, f"{met_count} of {len(items)} items met", reasons, met_count), tuple(
        items
    )


@dataclass(frozen=True)
class InformationRequestState:
    asked: dt.date
    due: dt.date
    answered: dt.date | None


def responsiveness(requests: Sequence[InformationRequestState], *, today: dt.date) -> KpiResult:
    """Requests for more information: how many were asked and answered, days to answer, how many are overdue."""
    if not requests:
        return KpiResult(
            "responsiveness", "pending", "no request made", ("no request for more information",), None
        )
    answered = [r for r in requests if r.answered is not None]
    overdue = [r for r in requests if r.answered is None and today > r.due]
    late_answers = [r for r in answered if r.answered and r.answered > r.due]
    days = [(r.answered - r.asked).days for r in answered if r.answered]
    average = round(sum(days) / len(days), 1) if days else None
    reasons = [f"{len(requests)} asked, {len(answered)} answered"]
    if average is not None:
        reasons.append(f"{average:g} days to answer on average")
    if overdue:
        reasons.append(f"{len(overdue)} overdue (asked {', '.join(r.asked.isoformat() for r in overdue)})")
    if late_answers:
        reasons.append(f"{len(late_answers)} answered after the requested date")
    waiting = len(answered) < len(requests)  # open requests not yet due
    status: Status = (
        "problem" if overdue else ("warning" if late_answers else ("pending" if waiting else "ok"))
    )
    label = f"{len(answered)}/{len(requests)} answered" + (f", {len(overdue)} overdue" if overdue else "")
    return KpiResult("responsiveness", status, label, tuple(reasons), average)


def reminder_due(
    *, due: dt.date, today: dt.date, submitted: bool, days_before: Sequence[int], days_after: Sequence[int]
) -> str | None:
    """The reminder an unsubmitted obligation calls for today: the nearest threshold reached, e.g. 'before-7'
    from 7 days before the deadline, 'after-14' from 14 days after it; None when nothing is due or it was
    submitted. A stale earlier threshold is not sent late (the sender keeps one log entry per key)."""
    if submitted:
        return None
    if today <= due:
        reached = [d for d in days_before if today >= due - dt.timedelta(days=d)]
        return f"before-{min(reached)}" if reached else None
    passed = [d for d in days_after if today >= due + dt.timedelta(days=d)]
    return f"after-{max(passed)}" if passed else None


# --- one obligation's verdict ------------------------------------------------------------------------------------

STATUS_ORDER: Mapping[str, int] = {"problem": 3, "warning": 2, "pending": 1, "ok": 0}


def worst_status(kpis: Sequence[KpiResult]) -> Status:
    """The worst KPI status: problem > warning > pending > ok; pending when there is no KPI."""
    return max((k.status for k in kpis), key=STATUS_ORDER.__getitem__, default="pending")


@dataclass(frozen=True)
class ObligationVerdict:
    """Every KPI of one obligation with its reasons, the contents checklist, and the worst status of them."""

    status: Status
    kpis: tuple[KpiResult, ...]
    checklist: tuple[CheckItem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form kept with the obligation."""
        return {
            "status": self.status,
            "kpis": [k.as_dict() for k in self.kpis],
            "checklist": [{"item": c.item, "met": c.met, "detail": c.detail} for c in self.checklist],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObligationVerdict:
        """Read back the form `as_dict` returns."""
        return cls(
            status=data["status"],
            kpis=tuple(
                KpiResult(k["kpi"], k["status"], k["label"], tuple(k["reasons"]), k.get("value"))
                for k in data.get("kpis", [])
            ),
            checklist=tuple(CheckItem(c["item"], c["met"], c["detail"]) for c in data.get("checklist", [])),
        )


def status_changes_on(
    *,
    due: dt.date,
    first_submitted: dt.date | None,
    requests: Sequence[InformationRequestState] = (),
    rated_on: dt.date,
) -> dt.date | None:
    """The first day after `rated_on` on which the passing of time alone changes an obligation's status (its
    inputs unchanged): the day after its deadline while nothing is submitted, or the day after an open request's
    date; None when no day will. A verdict rated on `rated_on` keeps its status until then (its day counts, as in
    "3 days overdue", still move daily)."""
    days = []
    if first_submitted is None and due >= rated_on:
        days.append(due + dt.timedelta(days=1))
    days += [r.due + dt.timedelta(days=1) for r in requests if r.answered is None and r.due >= rated_on]
    return min(days, default=None)


def rate_obligation(
    *,
    clause: str,
    due: dt.date,
    first_submitted: dt.date | None,
    latest: Mapping[str, Any] | None,
    sites: Sequence[Mapping[str, Any]] = (),
    requests: Sequence[InformationRequestState] = (),
    today: dt.date,
    framework: TenderFramework,
) -> ObligationVerdict:
    """Rate one obligation's KPIs, as the framework lists them for its clause (manual 3.4, Lesson 1).

    `latest` is the structured part of the newest submission (None when nothing was submitted) and `sites` the
    rows of its site list (name, address, country); timeliness counts from the first submission."""
    criterion = framework.criterion(clause)
    named = {k.kpi for k in criterion.kpis}  # the KPIs the framework lists for this clause
    kpis = [timeliness(due=due, submitted=first_submitted, today=today)]
    checklist: tuple[CheckItem, ...] = ()
    if latest is not None:
        summary = {**latest, "sites": list(sites)}
        if "completeness" in named:
            kpis.append(site_list_completeness(summary["sites"], str(latest.get("explanation") or "")))
        if criterion.contents:
            kpi, checklist = contents_check(
                clause, criterion.contents, summary, criterion.minimums(framework)
            )
            kpis.append(kpi)
    if requests or "responsiveness" in named:
        kpis.append(responsiveness(requests, today=today))
    return ObligationVerdict(worst_status(kpis), tuple(kpis), checklist)
