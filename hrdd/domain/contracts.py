"""Contract management (CFIT manual 3.3 clauses CC1-CC4 and 3.4 Lesson 1): obligations, deadlines and KPIs.

`schedule_obligations` turns a contract's scenario and dates into dated obligations, by the schedule rule each
clause carries in the tender framework. The KPI functions rate what the supplier submitted: timeliness,
completeness of the site list, contents per clause, responsiveness to requests, each with its reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import pycountry

from hrdd.domain.countries import display_name
from hrdd.domain.document_check import check_document, get_document_checks
from hrdd.domain.labels import lower_title, title_of
from hrdd.domain.risk_check import CheckVocabulary, RiskAssessmentCheck, check_risk_assessment
from hrdd.domain.tender import TenderFramework, TenderInputError
from hrdd.domain.text_data import text_data, text_from_data
from hrdd.domain.texts import PARAMETER, Text, gettext_noop, together


@dataclass(frozen=True)
class Obligation:
    clause: str
    title: str
    due: dt.date
    reason: str  # why it falls due on that day, in a sentence
    warnings: tuple[
        str, ...
    ] = ()  # what the buyer should check about this date (e.g. after the contract end)

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape printed by `hrdd contract schedule --json`: the date with its reason."""
        return {
            "clause": self.clause,
            "title": self.title,
            "due": self.due.isoformat(),
            "reason": self.reason,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Schedule:
    """A contract's dated obligations and the warnings about its dates (every obligation's, and the schedule's
    own, such as months given for a scenario without CC1)."""

    obligations: tuple[Obligation, ...]
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form."""
        return {"obligations": [o.as_dict() for o in self.obligations], "warnings": list(self.warnings)}


def add_months(day: dt.date, months: int) -> dt.date:
    """Add calendar months; a day past the end of the target month falls on its last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversary(start: dt.date, years: int) -> dt.date:
    """The n-th anniversary of a date; a 29 February start falls on 28 February in common years."""
    return add_months(start, 12 * years)


def _validate(
    *, award: dt.date, start: dt.date, end: dt.date, months: Any, first_delivery: dt.date | None
) -> None:
    if months is not None and (isinstance(months, bool) or not isinstance(months, int) or months < 1):
        raise TenderInputError(f"must be a whole number of months >= 1, got {months!r}", field="months")
    if end < start:
        raise TenderInputError(f"the end date {end} is before the start date {start}", field="end")
    if start < award:
        raise TenderInputError(f"the start date {start} is before the award date {award}", field="start")
    if first_delivery is not None and first_delivery < award:
        raise TenderInputError(
            f"the first delivery {first_delivery} is before the award date {award}", field="first_delivery"
        )


# Why an obligation falls due on its day: kept with it in English (hrdd.contracts Obligation.reason) and read back
# as the Text that wrote it by `obligation_reason`, so that a page says it in the reader's language.
AFTER_AWARD = gettext_noop("%(months)s months after the award on %(award)s")
BEFORE_DELIVERY = gettext_noop(
    "the day before the first delivery on %(delivery)s (the assessment comes before the goods are delivered), "
    "earlier than %(months)s months after the award on %(award)s"
)
ON_AWARD = gettext_noop("the award on %(award)s, as the first delivery is on the same day")
ANNIVERSARY = gettext_noop("anniversary %(years)s of the start on %(start)s")
FINAL_REPORT = gettext_noop(
    "the end of the contract on %(end)s: a final report for the last contract year, from anniversary %(years)s "
    "on %(anniversary)s (its anniversary falls after the end)"
)
ONLY_YEAR = gettext_noop(
    "the end of the contract on %(end)s: one report for the contract's only year, from the start on %(start)s "
    "(the contract ends before its first anniversary)"
)
SCHEDULE_REASONS = (AFTER_AWARD, BEFORE_DELIVERY, ON_AWARD, ANNIVERSARY, FINAL_REPORT, ONLY_YEAR)


def _reading(template: str) -> re.Pattern[str]:
    """A pattern that reads a schedule reason's English sentence back into its parameters (each a date or a
    number: a word without spaces)."""
    parts, last = [], 0
    for found in PARAMETER.finditer(template):
        parts += [re.escape(template[last : found.start()].replace("%%", "%")), f"(?P<{found['name']}>\\S+)"]
        last = found.end()
    parts.append(re.escape(template[last:].replace("%%", "%")))
    return re.compile("".join(parts))


_REASON_READINGS = tuple((template, _reading(template)) for template in SCHEDULE_REASONS)


def obligation_reason(stored: str) -> str:
    """The reason kept with an obligation, as the Text of the schedule's rule that wrote it (a whole number read
    back as a number), so that it can be said in the reader's language; a sentence no rule writes now (cut at the
    length kept, or written by an older rule) is returned as kept."""
    for template, reading in _REASON_READINGS:
        found = reading.fullmatch(stored)
        if found is None:
            continue
        params = {k: int(v) if v.isdigit() else v for k, v in found.groupdict().items()}
        text = Text(template, **params)
        if text == stored:
            return text
    return stored


def _risk_assessment_due(
    clause_id: str,
    title: str,
    *,
    award: dt.date,
    end: dt.date,
    months: int,
    first_delivery: dt.date | None,
) -> Obligation:
    """CC1 (manual 3.3.2): "at the latest, X months after the award of the contract, and in any case prior to
    the delivery of the goods" -- so the day before the first delivery when that comes first."""
    due = add_months(award, months)
    reason = Text(AFTER_AWARD, months=months, award=award.isoformat())
    warnings: list[str] = []
    if first_delivery is not None and first_delivery <= due:
        due = first_delivery - dt.timedelta(days=1)
        reason = Text(
            BEFORE_DELIVERY,
            delivery=first_delivery.isoformat(),
            months=months,
            award=award.isoformat(),
        )
        if due < award:
            due = award
            reason = Text(ON_AWARD, award=award.isoformat())
            warnings.append(
                Text(
                    gettext_noop(
                        "%(clause)s: the first delivery on %(delivery)s is on the award day, which leaves no day "
                        "before it for the risk assessment; it is due on the award day"
                    ),
                    clause=clause_id,
                    delivery=first_delivery.isoformat(),
                )
            )
    if due > end:
        warnings.append(
            Text(
                gettext_noop(
                    "%(clause)s: due on %(due)s, after the contract ends on %(end)s; choose fewer months after the "
                    "award or check the dates"
                ),
                clause=clause_id,
                due=due.isoformat(),
                end=end.isoformat(),
            )
        )
    return Obligation(clause_id, title, due, reason, tuple(warnings))


def _annual_reports(clause_id: str, title: str, *, start: dt.date, end: dt.date) -> list[Obligation]:
    """CC2-CC4 (manual 3.3.3, 3.3.4): a report on each anniversary of the start up to the end and, when the
    last contract year ends before its anniversary, a final report on the end date for that last part."""
    reports = []
    years = 1
    while (due := anniversary(start, years)) <= end:
        reason = Text(ANNIVERSARY, years=years, start=start.isoformat())
        reports.append(Obligation(clause_id, title, due, reason))
        years += 1
    if not reports or reports[-1].due < end:
        if reports:
            reason = Text(
                FINAL_REPORT,
                end=end.isoformat(),
                years=years - 1,
                anniversary=reports[-1].due.isoformat(),
            )
        else:
            reason = Text(ONLY_YEAR, end=end.isoformat(), start=start.isoformat())
        reports.append(Obligation(clause_id, title, end, reason))
    return reports


def plan_schedule(
    *,
    scenario: int,
    award: dt.date,
    start: dt.date,
    end: dt.date,
    framework: TenderFramework,
    months: int | None = None,
    default_months: int | None = None,
    first_delivery: dt.date | None = None,
    risk_assessment_in_tender: bool = False,
) -> Schedule:
    """Derive the dated obligations of a contract from its scenario's clauses, sorted by due date then clause,
    each with the reason for its date, and the warnings about the dates.

    `months` is what the buyer chose for CC1 (warned about when no CC1 applies); `default_months` the value to
    use when they chose none (a tender's), else the framework's."""
    chosen = framework.scenario(scenario)
    _validate(award=award, start=start, end=end, months=months, first_delivery=first_delivery)
    cc1_months = months if months is not None else (default_months or framework.parameters.default_months)
    obligations: list[Obligation] = []
    after_award = False
    for criterion_id in chosen.criteria:
        clause = framework.criterion(criterion_id)
        if clause.kind != "clause" or clause.schedule is None:
            continue
        if clause.schedule.type == "after_award":
            after_award = True
            if risk_assessment_in_tender:
                continue  # CC1 applies only when the risk assessment was not given in the tender
            obligations.append(
                _risk_assessment_due(
                    clause.id,
                    clause.title,
                    award=award,
                    end=end,
                    months=cc1_months,
                    first_delivery=first_delivery,
                )
            )
        else:
            obligations += _annual_reports(clause.id, clause.title, start=start, end=end)
    warnings: list[str] = []
    if months is not None and not after_award:
        warnings.append(
            Text(
                gettext_noop(
                    "months after the award (%(months)s) apply only to the risk assessment (CC1), which scenario "
                    "%(scenario)s does not include: they are ignored"
                ),
                months=months,
                scenario=scenario,
            )
        )
    elif months is not None and risk_assessment_in_tender:
        warnings.append(
            Text(
                gettext_noop(
                    "months after the award (%(months)s) are ignored: the risk assessment was given in the tender, "
                    "so no CC1 is due"
                ),
                months=months,
            )
        )
    ordered = tuple(sorted(obligations, key=lambda o: (o.due, o.clause)))
    return Schedule(ordered, (*warnings, *(w for o in ordered for w in o.warnings)))


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
    return plan_schedule(
        scenario=scenario,
        award=award,
        start=start,
        end=end,
        framework=framework,
        months=months,
        first_delivery=first_delivery,
        risk_assessment_in_tender=risk_assessment_in_tender,
    ).obligations


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


def _number(value: float) -> float | int:
    """A figure as a Text's parameter: a whole float as an int, so that 50.0 reads '50' in every language, as in
    English."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def timeliness(*, due: dt.date, submitted: dt.date | None, today: dt.date) -> KpiResult:
    """On time, late by N days, missing (due and nothing submitted), or not yet due."""
    if submitted is None:
        if today > due:
            days = (today - due).days
            label = (
                Text(gettext_noop("missing, 1 day overdue"))
                if days == 1
                else Text(gettext_noop("missing, %(days)s days overdue"), days=days)
            )
            reason = Text(
                gettext_noop("due %(due)s, nothing submitted by %(today)s"),
                due=due.isoformat(),
                today=today.isoformat(),
            )
            return KpiResult("timeliness", "problem", label, (reason,), days)
        return KpiResult(
            "timeliness",
            "pending",
            Text(gettext_noop("not yet due")),
            (Text(gettext_noop("due %(due)s"), due=due.isoformat()),),
            (due - today).days,
        )
    reason = Text(
        gettext_noop("submitted %(submitted)s, due %(due)s"),
        submitted=submitted.isoformat(),
        due=due.isoformat(),
    )
    if submitted <= due:
        return KpiResult("timeliness", "ok", Text(gettext_noop("on time")), (reason,), 0)
    days = (submitted - due).days
    label = (
        Text(gettext_noop("late by 1 day"))
        if days == 1
        else Text(gettext_noop("late by %(days)s days"), days=days)
    )
    return KpiResult("timeliness", "warning", label, (reason,), days)


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def site_list_completeness(sites: Sequence[Mapping[str, Any]], explanation: str = "") -> KpiResult:
    """Share of sites with name, address and country; an explanation is required when the list is incomplete."""
    if not sites:
        reason = Text(gettext_noop("no production site listed"))
        if _has_text(explanation):
            return KpiResult(
                "completeness",
                "warning",
                Text(gettext_noop("%(share)s%% complete, explained"), share=0),
                (reason, Text(gettext_noop("explanation given"))),
                0.0,
            )
        return KpiResult(
            "completeness", "problem", Text(gettext_noop("no sites, no explanation")), (reason,), 0.0
        )
    # one pass over the rows: a 20,000-row list is rated in linear time
    incomplete_rows = [
        i + 1
        for i, s in enumerate(sites)
        if not all(_has_text(s.get(k)) for k in ("name", "address", "country"))
    ]
    complete_count = len(sites) - len(incomplete_rows)
    share = round(100 * complete_count / len(sites), 1)
    reasons: list[str] = [
        Text(
            gettext_noop("%(complete)s of %(total)s sites have a name, an address and a country"),
            complete=complete_count,
            total=len(sites),
        )
    ]
    if not incomplete_rows:
        label = Text(gettext_noop("%(share)s%% complete"), share=100)
        return KpiResult("completeness", "ok", label, tuple(reasons), share)
    rows = ", ".join(str(r) for r in incomplete_rows[:20])  # row numbers, as the spreadsheet numbers them
    reasons.append(Text(gettext_noop("incomplete rows: %(rows)s"), rows=rows))
    if _has_text(explanation):
        reasons.append(Text(gettext_noop("the supplier explains why the list is incomplete")))
        label = Text(gettext_noop("%(share)s%% complete, explained"), share=_number(share))
        return KpiResult("completeness", "warning", label, tuple(reasons), share)
    reasons.append(Text(gettext_noop("no explanation for the incomplete list (required by CC2)")))
    label = Text(gettext_noop("%(share)s%% complete, not explained"), share=_number(share))
    return KpiResult("completeness", "problem", label, tuple(reasons), share)


# --- CC1: the risk assessment read from the document itself ---------------------------------------------------

# The summary fields of a risk assessment and the findings of hrdd.domain.risk_check that count for each.
RISK_ASSESSMENT_ITEMS: Mapping[str, str] = {
    "components": "components",
    "raw_materials": "raw_materials",
    "sourcing_countries": "countries",
    "risks": "risks",
}
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


def _fold_words(text: str) -> list[str]:
    """The words of a text in lower case without accents, so that 'Écran' matches 'ecran'."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return [w.strip("'-") for w in _WORD.findall(plain) if w.strip("'-")]


def _words_match(typed: str, written: str) -> bool:
    """A typed word matches a written one exactly, or as its start when it has 4 letters or more ('work' in
    'working', 'batter' in 'batteries')."""
    return typed == written or (len(typed) >= 4 and written.startswith(typed))


def _phrase_in(phrase: list[str], words: list[str]) -> bool:
    """Whether the words of `phrase` stand one after the other somewhere in `words`."""
    size = len(phrase)
    if not size:
        return False
    first = phrase[0]
    return any(
        _words_match(first, words[i])
        and all(_words_match(p, w) for p, w in zip(phrase, words[i : i + size], strict=True))
        for i in range(len(words) - size + 1)
    )


def _country_ids(entry: str) -> set[str]:
    """An ISO 3166 code or a country's name typed by the supplier, as the alpha-3 code (none when unknown)."""
    try:
        return {str(pycountry.countries.lookup(entry.strip()).alpha_3)}
    except LookupError:
        return set()


def _entry_ids(kind: str, entries: Sequence[str], vocabulary: CheckVocabulary | None) -> dict[str, set[str]]:
    """What the risk-assessment check recognises in each typed entry of one summary field (one entry a line)."""
    text = "\n".join(entries)
    check = check_risk_assessment(text, vocabulary)
    findings = getattr(check, RISK_ASSESSMENT_ITEMS[kind])
    ids: dict[str, set[str]] = {entry: set() for entry in entries}
    for finding in findings:
        for sentence in finding.sentences:
            for entry in entries:
                if sentence in entry:  # an entry with a full stop is split into sentences
                    ids[entry].add(finding.id)
    if kind == "sourcing_countries":
        for entry in entries:
            ids[entry] |= _country_ids(entry)
    return ids


def found_in_document(check: RiskAssessmentCheck) -> dict[str, list[str]]:
    """What the check found in a document, per summary field (components, raw_materials, ...)."""
    return {field: [f.id for f in getattr(check, attr)] for field, attr in RISK_ASSESSMENT_ITEMS.items()}


def read_risk_assessment(
    text: str, typed: Mapping[str, Sequence[str]], vocabulary: CheckVocabulary | None = None
) -> dict[str, Any]:
    """What a CC1 submission keeps, read once when it is uploaded: the document checked as in step 1 (award
    criterion 1), the supplier's typed summary (a hint; an empty field shows what the document gives) and the
    typed entries the document does not bear out.

    An entry is borne out when the check recognises in it something it also found in the document, or when
    its words stand in the document as typed."""
    check = check_risk_assessment(text, vocabulary)
    found = found_in_document(check)
    document_words = _fold_words(text)
    summary: dict[str, Any] = {}
    not_in_document: dict[str, list[str]] = {}
    for field in RISK_ASSESSMENT_ITEMS:
        entries = [e.strip() for e in typed.get(field, ()) if isinstance(e, str) and e.strip()]
        summary[field] = entries or found[field]
        if not entries:
            continue
        recognised = _entry_ids(field, entries, vocabulary)
        missing = [
            entry
            for entry in entries
            if not (recognised[entry] & set(found[field]))
            and not _phrase_in(_fold_words(entry), document_words)
        ]
        if missing:
            not_in_document[field] = missing
    summary["typed"] = {
        field: [e.strip() for e in typed.get(field, ()) if isinstance(e, str) and e.strip()]
        for field in RISK_ASSESSMENT_ITEMS
    }
    summary["found_in_document"] = found
    summary["not_in_document"] = not_in_document
    summary["document_meets_minimum"] = check.meets_minimum
    return summary


# --- CC4: the report on due diligence read from the document itself -------------------------------------------

# CC4 asks for a report on the "due-diligence processes to identify and mitigate human-rights risks ... and to
# monitor the results of its actions (see award criterion 7)" (manual 3.3.4): the three of award criterion 7's
# five elements that are those processes. The other two (policies, reporting) are reported, not required.
DUE_DILIGENCE_PROCESSES: tuple[str, ...] = ("risk_identification", "mitigation", "monitoring")
MAX_QUOTES = 5  # sentences kept per element found: enough to confirm it, not the whole report


def read_due_diligence_report(text: str, processes: str = "") -> dict[str, Any]:
    """What a report on due diligence (CC4) keeps, read once when it is uploaded with award criterion 7's check:
    the elements the document describes, each with the sentences it was found in (at most MAX_QUOTES, and how
    many more), the document's language and the check's source; and the elements the supplier's typed
    `processes` describe that the document does not (the typed text is a hint, the document counts)."""
    check = check_document(text, "due-diligence")
    found = {e.id: list(e.sentences[:MAX_QUOTES]) for e in check.elements if e.found}
    more = {e.id: len(e.sentences) - MAX_QUOTES for e in check.elements if len(e.sentences) > MAX_QUOTES}
    typed: list[str] = []
    if processes.strip():
        typed = [e.id for e in check_document(processes, "due-diligence").elements if e.found]
    return {
        "due_diligence_found": found,
        "due_diligence_more": more,
        "due_diligence_language": check.language,
        "due_diligence_source": check.source,
        "due_diligence_typed": typed,
        "due_diligence_not_in_document": [i for i in typed if i not in found],
    }


@dataclass(frozen=True)
class DueDiligenceElement:
    """One element of award criterion 7 as a report on due diligence describes it, for the page."""

    id: str
    label: str
    process: bool  # one of the processes CC4 names (identify, mitigate, monitor)
    found: bool
    sentences: tuple[str, ...]
    more: int  # sentences it was also found in, not kept
    in_summary_only: bool  # the supplier's typed text describes it; the document does not


def _due_diligence_labels() -> dict[str, str]:
    return {k: e.label for k, e in get_document_checks().checks["due-diligence"].elements.items()}


def due_diligence_elements(summary: Mapping[str, Any]) -> tuple[DueDiligenceElement, ...]:
    """The five elements of award criterion 7 as a report's stored reading found them, the processes CC4 names
    first; none for a report stored before reports were read (no `due_diligence_found`)."""
    found = summary.get("due_diligence_found")
    if not isinstance(found, Mapping):
        return ()
    more = summary.get("due_diligence_more") or {}
    typed_only = set(summary.get("due_diligence_not_in_document") or ())
    labels = _due_diligence_labels()
    order = [*DUE_DILIGENCE_PROCESSES, *(k for k in labels if k not in DUE_DILIGENCE_PROCESSES)]
    return tuple(
        DueDiligenceElement(
            id=element_id,
            label=labels.get(element_id, element_id.replace("_", " ")),
            process=element_id in DUE_DILIGENCE_PROCESSES,
            found=element_id in found,
            sentences=tuple(str(s) for s in found.get(element_id) or ()),
            more=int(more.get(element_id) or 0) if isinstance(more, Mapping) else 0,
            in_summary_only=element_id in typed_only,
        )
        for element_id in order
    )


@dataclass(frozen=True)
class CheckItem:
    item: str
    met: bool
    detail: str


_COUNTED: Mapping[str, tuple[str, str]] = {  # summary field -> (minimum's name, what is counted)
    "components": ("components", gettext_noop("component(s)")),
    "raw_materials": ("raw_materials", gettext_noop("raw material(s)")),
    "sourcing_countries": ("countries", gettext_noop("sourcing country(ies)")),
    "risks": ("risks", gettext_noop("risk(s)")),
}


def _found_name(item: str, found: str) -> str:
    """What the document check found, in words: a risk category's title, a country's name."""
    if item == "risks":
        return lower_title(found, "category")
    if item == "sourcing_countries":  # a parameter named `country`: said in the reader's language
        return Text("%(country)s", country=display_name(found))
    return found.replace("_", " ")


def _counted_item(item: str, summary: Mapping[str, Any], need: Mapping[str, int]) -> CheckItem:
    """A risk assessment's item: counted in the document when the document was read (the typed summary is then a
    hint, and what it names that the document does not is said), else in the summary."""
    minimum_name, counted_template = _COUNTED[item]
    counted = Text(counted_template)
    required = need[minimum_name]
    document = summary.get("found_in_document")
    if not isinstance(document, Mapping):
        n = len([c for c in summary.get(item, []) if _has_text(c)])
        detail = Text(
            gettext_noop("%(count)s %(counted)s, at least %(required)s required"),
            count=n,
            counted=counted,
            required=required,
        )
        return CheckItem(item, n >= required, detail)
    found = [_found_name(item, str(f)) for f in document.get(item, [])]  # child_labour -> child labour
    n = len(found)
    if found:
        counted_in_document = Text(
            gettext_noop("%(count)s %(counted)s in the document (%(found)s), at least %(required)s required"),
            count=n,
            counted=counted,
            found=together(found, ", "),
            required=required,
        )
    else:
        counted_in_document = Text(
            gettext_noop("%(count)s %(counted)s in the document, at least %(required)s required"),
            count=n,
            counted=counted,
            required=required,
        )
    parts = [counted_in_document]
    unsupported = (summary.get("not_in_document") or {}).get(item) or []
    if unsupported:
        parts.append(
            Text(
                gettext_noop("the supplier's summary also names %(entries)s, not found in the document"),
                entries=", ".join(unsupported),  # as the supplier typed them
            )
        )
    return CheckItem(item, n >= required, together(parts))


def _named(elements: Sequence[DueDiligenceElement]) -> str:
    return together([e.label for e in elements], ", ")


def _due_diligence_item(item: str, summary: Mapping[str, Any]) -> CheckItem:
    """CC4's processes: met when the document describes the three the clause names; the other elements of award
    criterion 7 are reported. A report stored before reports were read keeps the rule it was rated by: the
    supplier typed a description."""
    elements = due_diligence_elements(summary)
    if not elements:
        described = _has_text(summary.get("processes"))
        detail = (
            Text(gettext_noop("processes described"))
            if described
            else Text(gettext_noop("processes not described"))
        )
        return CheckItem(item, described, detail)
    processes = [e for e in elements if e.process]
    found = [e for e in processes if e.found]
    missing = [e for e in processes if not e.found]
    if found:
        counted = Text(
            gettext_noop(
                "the document describes %(found)s of the %(total)s processes the clause names: %(names)s"
            ),
            found=len(found),
            total=len(processes),
            names=_named(found),
        )
    else:
        counted = Text(
            gettext_noop("the document describes %(found)s of the %(total)s processes the clause names"),
            found=len(found),
            total=len(processes),
        )
    parts: list[str] = [counted]
    if missing:
        parts.append(Text(gettext_noop("not found: %(names)s"), names=_named(missing)))
    others = [e for e in elements if not e.process]
    if others:
        if others_found := [e for e in others if e.found]:
            parts.append(
                Text(
                    gettext_noop("other elements of award criterion 7: found %(names)s"),
                    names=_named(others_found),
                )
            )
        else:
            parts.append(Text(gettext_noop("other elements of award criterion 7: found none")))
        if not_found := [e for e in others if not e.found]:
            parts.append(Text(gettext_noop("not found %(names)s"), names=_named(not_found)))
    typed_only = [e for e in elements if e.in_summary_only]
    if typed_only:
        parts.append(
            Text(
                gettext_noop("the supplier's summary also describes %(names)s, not found in the document"),
                names=_named(typed_only),
            )
        )
    return CheckItem(item, not missing, together(parts))


def summary_disagrees(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """The typed entries of a risk assessment's summary that its document does not bear out, per field."""
    unsupported = summary.get("not_in_document") or {}
    return {k: list(v) for k, v in unsupported.items() if v} if isinstance(unsupported, Mapping) else {}


def contents_check(
    clause: str,
    checklist: Sequence[str],
    summary: Mapping[str, Any],
    minimums: Mapping[str, int] | None = None,
) -> tuple[KpiResult, tuple[CheckItem, ...]]:
    """Rate a submission's contents against its clause's checklist; `summary` is the structured part and
    `minimums` the counts to reach (CC1 takes award criterion 1's: 1 component, 2 raw materials, 1 country, 3 risks).

    A risk assessment whose document was read (`found_in_document`) is counted on the document; entries of the
    supplier's summary that the document does not bear out (`not_in_document`) are named, and lower a contents
    verdict that would be ok to a warning. A report on due diligence whose document was read
    (`due_diligence_found`) meets its processes item on the document; what its typed description adds is named."""
    need = {"components": 1, "raw_materials": 1, "countries": 1, "risks": 1} | dict(minimums or {})
    items: list[CheckItem] = []
    for item in checklist:
        if item in _COUNTED:
            items.append(_counted_item(item, summary, need))
        elif item == "site_list":
            n = len(summary.get("sites", []))
            listed = Text(gettext_noop("%(count)s production site(s) listed"), count=n)
            items.append(CheckItem(item, n >= 1, listed))
        elif item == "explanation_if_incomplete":
            sites = summary.get("sites", [])
            incomplete = any(
                not all(_has_text(s.get(k)) for k in ("name", "address", "country")) for s in sites
            )
            explained = _has_text(summary.get("explanation"))
            met = explained or (bool(sites) and not incomplete)
            if sites and not incomplete:
                detail = Text(gettext_noop("list complete"))
            elif explained:
                detail = Text(gettext_noop("explained"))
            else:
                detail = Text(gettext_noop("incomplete and not explained"))
            items.append(CheckItem(item, met, detail))
        elif item == "actions":
            n = int(summary.get("actions_count") or 0)
            reported = Text(gettext_noop("%(count)s mitigating action(s) reported"), count=n)
            items.append(CheckItem(item, n >= 1, reported))
        elif item == "stakeholder_engagement":
            evidenced = _has_text(summary.get("stakeholder_evidence"))
            evidence = (
                Text(gettext_noop("evidence of stakeholder engagement given"))
                if evidenced
                else Text(gettext_noop("no evidence of stakeholder engagement"))
            )
            items.append(CheckItem(item, evidenced, evidence))
        elif item == "due_diligence_processes":
            items.append(_due_diligence_item(item, summary))
        else:
            items.append(CheckItem(item, False, Text(gettext_noop("unknown checklist item"))))
    met_count = sum(1 for i in items if i.met)
    status: Status = "ok" if met_count == len(items) else ("warning" if met_count else "problem")
    reasons: list[str] = [
        Text(gettext_noop("%(item)s: %(detail)s"), item=title_of(i.item, "content"), detail=i.detail)
        for i in items
    ]
    label = Text(gettext_noop("%(met)s of %(total)s items met"), met=met_count, total=len(items))
    disagreement = summary_disagrees(summary) if any(i in _COUNTED for i in checklist) else {}
    if disagreement:
        named = sum(len(v) for v in disagreement.values())
        if named > 1:
            disagrees = Text(
                gettext_noop(
                    "the supplier's summary disagrees with the document: %(count)s of its entries are not found "
                    "in the document, which is what counts"
                ),
                count=named,
            )
        else:
            disagrees = Text(
                gettext_noop(
                    "the supplier's summary disagrees with the document: 1 of its entries is not found in the "
                    "document, which is what counts"
                )
            )
        reasons.append(disagrees)
        label = Text(
            gettext_noop("%(met)s of %(total)s items met, the summary disagrees with the document"),
            met=met_count,
            total=len(items),
        )
        if status == "ok":
            status = "warning"
    return KpiResult("contents", status, label, tuple(reasons), met_count), tuple(items)


@dataclass(frozen=True)
class InformationRequestState:
    asked: dt.date
    due: dt.date
    answered: dt.date | None


def responsiveness(requests: Sequence[InformationRequestState], *, today: dt.date) -> KpiResult:
    """Requests for more information: how many were asked and answered, days to answer, how many are overdue."""
    if not requests:
        return KpiResult(
            "responsiveness",
            "pending",
            Text(gettext_noop("no request made")),
            (Text(gettext_noop("no request for more information")),),
            None,
        )
    answered = [r for r in requests if r.answered is not None]
    overdue = [r for r in requests if r.answered is None and today > r.due]
    late_answers = [r for r in answered if r.answered and r.answered > r.due]
    days = [(r.answered - r.asked).days for r in answered if r.answered]
    average = round(sum(days) / len(days), 1) if days else None
    reasons: list[str] = [
        Text(
            gettext_noop("%(asked)s asked, %(answered)s answered"),
            asked=len(requests),
            answered=len(answered),
        )
    ]
    if average is not None:
        reasons.append(Text(gettext_noop("%(days)s days to answer on average"), days=_number(average)))
    if overdue:
        reasons.append(
            Text(
                gettext_noop("%(count)s overdue (asked %(dates)s)"),
                count=len(overdue),
                dates=", ".join(r.asked.isoformat() for r in overdue),
            )
        )
    if late_answers:
        reasons.append(
            Text(gettext_noop("%(count)s answered after the requested date"), count=len(late_answers))
        )
    waiting = len(answered) < len(requests)  # open requests not yet due
    status: Status = (
        "problem" if overdue else ("warning" if late_answers else ("pending" if waiting else "ok"))
    )
    if overdue:
        label = Text(
            gettext_noop("%(answered)s/%(asked)s answered, %(overdue)s overdue"),
            answered=len(answered),
            asked=len(requests),
            overdue=len(overdue),
        )
    else:
        label = Text(
            gettext_noop("%(answered)s/%(asked)s answered"), answered=len(answered), asked=len(requests)
        )
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


def _texts_from_data(english: Sequence[str], forms: Any) -> tuple[str, ...]:
    if not isinstance(forms, list) or len(forms) != len(english):
        return tuple(english)
    return tuple(text_from_data(e, f) for e, f in zip(english, forms, strict=True))


@dataclass(frozen=True)
class ObligationVerdict:
    """Every KPI of one obligation with its reasons, the contents checklist, and the worst status of them."""

    status: Status
    kpis: tuple[KpiResult, ...]
    checklist: tuple[CheckItem, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON-ready form kept with the obligation: each KPI's `as_dict` and, so that pages say them
        in the reader's language (issue 16), the template and parameters of its label (`label_text`) and reasons
        (`reasons_texts`), and in the contents KPI those of the checklist's details (`checklist_texts`); the
        checklist keeps its own shape (item, met, detail)."""
        kpis = []
        for k in self.kpis:
            stored = k.as_dict() | {
                "label_text": text_data(k.label),
                "reasons_texts": [text_data(r) for r in k.reasons],
            }
            if k.kpi == "contents" and self.checklist:
                stored["checklist_texts"] = [text_data(c.detail) for c in self.checklist]
            kpis.append(stored)
        return {
            "status": self.status,
            "kpis": kpis,
            "checklist": [{"item": c.item, "met": c.met, "detail": c.detail} for c in self.checklist],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ObligationVerdict:
        """Read back the form `as_dict` returns, its labels, reasons and details as Texts where their templates
        were stored (a verdict stored before they were reads back in English)."""
        kpis = tuple(
            KpiResult(
                k["kpi"],
                k["status"],
                text_from_data(k["label"], k.get("label_text")),
                _texts_from_data(k["reasons"], k.get("reasons_texts")),
                k.get("value"),
            )
            for k in data.get("kpis", [])
        )
        checklist = data.get("checklist", [])
        contents: Mapping[str, Any] = next(
            (k for k in data.get("kpis", []) if k.get("kpi") == "contents"), {}
        )
        details = _texts_from_data([c["detail"] for c in checklist], contents.get("checklist_texts"))
        return cls(
            status=data["status"],
            kpis=kpis,
            checklist=tuple(
                CheckItem(c["item"], c["met"], detail) for c, detail in zip(checklist, details, strict=True)
            ),
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
