"""The stored verdicts of contract management: each obligation's KPIs and each listed site's risk links.

Pages read what is stored here; it is written when an input changes (a submission, a request or its answer, a
new contract, a deadline passing) by `obligation_verdicts_refresh`, the one function that rates obligations for
storage, always through hrdd.domain.contracts.rate_obligation. A verdict is rated for a day (`verdict_on`):
what depends on the date (not yet due -> missing, an open request -> overdue) is refreshed daily by
`hrdd remind` and, on read, for the obligations whose deadline passed since (`obligation_verdicts_catch_up`).
`verdicts_stale` rates everything afresh and reports what differs (`hrdd verify`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from hrdd.audit.services import audit_record
from hrdd.contracts.models import Contract, InformationRequest, Obligation, ProductionSite, Submission
from hrdd.contracts.versions import contracts_changed
from hrdd.domain.contracts import InformationRequestState, rate_obligation, status_changes_on
from hrdd.domain.risk import get_risk_method
from hrdd.domain.sites import ListedSite, RatedRisk, SiteRiskVerdict, link_sites_to_risks, site_reasons_said
from hrdd.domain.tender import TenderFramework, get_tender_framework

# Raise when what is stored changes meaning: every fingerprint then differs and `hrdd verify` says so.
VERDICT_VERSION = 3  # 2: a risk assessment (CC1) is counted on its document, its typed summary a hint; 3: the
# labels, reasons and details keep their templates and parameters (label_text, reasons_texts, checklist_texts) to
# be said in the reader's language; a verdict stored before reads back in English until `hrdd verify --refresh`
CHUNK = 500  # obligations rated per round of queries
# The stored verdict's fields the dashboard counts: a change to one moves the organisation's contracts version.
COUNTED_FIELDS = ("status", "timeliness", "submitted_on")
VERDICT_FIELDS = [
    "status",
    "timeliness",
    "submitted_on",
    "kpis",
    "checklist",
    "verdict_on",
    "verdict_inputs",
    "rerate_on",
]


@dataclass(frozen=True)
class VerdictInputs:
    """Everything an obligation's verdict is rated from, but the day."""

    clause: str
    due: dt.date
    first_submitted: dt.date | None
    latest: dict[str, Any] | None  # the newest submission's summary
    sites: tuple[dict[str, str], ...]  # the newest site list's rows: name, address, country
    requests: tuple[InformationRequestState, ...]

    def fingerprint(self, framework: TenderFramework) -> str:
        """A digest of the inputs, the framework and the stored form's version: equal inputs, equal digest."""
        digest = hashlib.sha256()
        head = {
            "version": VERDICT_VERSION,
            "framework": f"{framework.id} {framework.version}",
            "clause": self.clause,
            "due": self.due.isoformat(),
            "first_submitted": self.first_submitted.isoformat() if self.first_submitted else None,
            "latest": self.latest,
            "requests": [
                [r.asked.isoformat(), r.due.isoformat(), r.answered.isoformat() if r.answered else None]
                for r in self.requests
            ],
        }
        digest.update(json.dumps(head, sort_keys=True, default=str).encode())
        for site in self.sites:
            digest.update(b"\x1e" + "\x1f".join((site["name"], site["address"], site["country"])).encode())
        return digest.hexdigest()


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def site_list_clauses(framework: TenderFramework) -> set[str]:
    """The clauses a supplier answers with a production-site list."""
    return {
        c.id
        for c in framework.criteria
        if c.kind == "clause" and c.submission is not None and c.submission.kind == "site_list"
    }


def _load(ids: Sequence[int], framework: TenderFramework) -> list[tuple[Obligation, VerdictInputs]]:
    """The obligations with these ids and their inputs, in five queries whatever their number."""
    submissions = Submission.objects.filter(obligation=OuterRef("pk"))
    obligations = list(
        Obligation.objects.filter(pk__in=ids)
        .select_related("contract")
        .only("contract", "contract__title", "contract__organisation", "clause", "due_date", *VERDICT_FIELDS)
        .annotate(
            first_at=Subquery(submissions.order_by("submitted_at").values("submitted_at")[:1]),
            latest_id=Subquery(submissions.order_by("-version").values("pk")[:1]),
        )
        .order_by("pk")
    )
    latest_ids = [o.latest_id for o in obligations if o.latest_id is not None]  # type: ignore[attr-defined]
    summaries = dict(Submission.objects.filter(pk__in=latest_ids).values_list("pk", "summary"))
    site_lists = site_list_clauses(framework)
    listed = [o.latest_id for o in obligations if o.latest_id is not None and o.clause in site_lists]  # type: ignore[attr-defined]
    sites: dict[int, list[dict[str, str]]] = defaultdict(list)
    for submission_id, name, address, country in (
        ProductionSite.objects.filter(submission_id__in=listed)
        .order_by("submission_id", "row", "pk")
        .values_list("submission_id", "name", "address", "country_iso3")
        .iterator(chunk_size=5000)
    ):
        sites[submission_id].append({"name": name, "address": address, "country": country})
    requests: dict[int, list[InformationRequestState]] = defaultdict(list)
    for obligation_id, asked, due, answered in (
        InformationRequest.objects.filter(obligation_id__in=ids)
        .order_by("asked_on", "id")
        .values_list("obligation_id", "asked_on", "due_on", "answered_on")
    ):
        requests[obligation_id].append(InformationRequestState(asked, due, answered))
    loaded = []
    for o in obligations:
        latest_id = o.latest_id  # type: ignore[attr-defined]
        first_at = o.first_at  # type: ignore[attr-defined]
        summary = summaries.get(latest_id) if latest_id is not None else None
        loaded.append(
            (
                o,
                VerdictInputs(
                    clause=o.clause,
                    due=o.due_date,
                    first_submitted=first_at.date() if first_at else None,
                    latest={k: v for k, v in summary.items() if k != "sites"}
                    if summary is not None
                    else None,
                    sites=tuple(sites.get(latest_id, ())) if latest_id is not None else (),
                    requests=tuple(requests.get(o.pk, ())),
                ),
            )
        )
    return loaded


def verdict_fields(inputs: VerdictInputs, *, today: dt.date, framework: TenderFramework) -> dict[str, Any]:
    """The values of an obligation's verdict fields, rated as of `today` by the domain's rate_obligation."""
    verdict = rate_obligation(
        clause=inputs.clause,
        due=inputs.due,
        first_submitted=inputs.first_submitted,
        latest=inputs.latest,
        sites=inputs.sites,
        requests=inputs.requests,
        today=today,
        framework=framework,
    )
    stored = verdict.as_dict()
    return {
        "status": verdict.status,
        "timeliness": verdict.kpis[0].status,
        "submitted_on": inputs.first_submitted,
        "kpis": stored["kpis"],
        "checklist": stored["checklist"],
        "verdict_on": today,
        "verdict_inputs": inputs.fingerprint(framework),
        "rerate_on": status_changes_on(
            due=inputs.due, first_submitted=inputs.first_submitted, requests=inputs.requests, rated_on=today
        ),
    }


@dataclass(frozen=True)
class StatusChange:
    obligation: Obligation
    before: str
    after: str


def _ids(obligations: QuerySet[Obligation] | Iterable[Obligation | int]) -> list[int]:
    if isinstance(obligations, QuerySet):
        return list(obligations.order_by().values_list("pk", flat=True).distinct())
    return sorted({o if isinstance(o, int) else o.pk for o in obligations})


def obligation_verdicts_refresh(
    *, obligations: QuerySet[Obligation] | Iterable[Obligation | int], today: dt.date | None = None
) -> list[StatusChange]:
    """Rate these obligations afresh and store their verdicts; return the ones whose overall status changed.

    The one writer of the verdict fields: services call it when an input changes, `hrdd remind` daily."""
    today = today or timezone.localdate()
    framework = get_tender_framework()
    changes: list[StatusChange] = []
    for chunk in _chunks(_ids(obligations)):
        with transaction.atomic():
            changes += _refresh_chunk(chunk, today=today, framework=framework)
    return changes


def _refresh_chunk(chunk: Sequence[int], *, today: dt.date, framework: TenderFramework) -> list[StatusChange]:
    # The rows are locked before their inputs are read, as a submission locks its obligation before storing:
    # a page's catch-up never overwrites the verdict of a submission stored meanwhile with an older one.
    list(Obligation.objects.select_for_update().filter(pk__in=chunk).order_by("pk").values_list("pk"))
    changes: list[StatusChange] = []
    rated = []
    counted_changed: set[int] = set()  # organisations whose dashboard counts this changes
    for obligation, inputs in _load(chunk, framework):
        before = obligation.status if obligation.verdict_on is not None else None
        counted = [getattr(obligation, name) for name in COUNTED_FIELDS]
        fresh = verdict_fields(inputs, today=today, framework=framework)
        for name, value in fresh.items():
            setattr(obligation, name, value)
        rated.append(obligation)
        if counted != [getattr(obligation, name) for name in COUNTED_FIELDS]:
            counted_changed.add(obligation.contract.organisation_id)
        if before is not None and before != obligation.status:
            changes.append(StatusChange(obligation, before, obligation.status))
    Obligation.objects.bulk_update(rated, VERDICT_FIELDS, batch_size=CHUNK)
    if counted_changed:
        contracts_changed(counted_changed)
    return changes


def obligation_verdict_refresh(*, obligation: Obligation, today: dt.date | None = None) -> Obligation:
    """Rate one obligation afresh and store its verdict (after a submission, a request or an answer)."""
    obligation_verdicts_refresh(obligations=[obligation], today=today)
    obligation.refresh_from_db(fields=VERDICT_FIELDS)
    return obligation


def _dated_since(today: dt.date) -> Q:
    """Verdicts that a day has changed since they were rated: never rated, rated for a later day (`--today`),
    or whose status-changing day (a deadline passing: `rerate_on`) has come. Each part is indexed."""
    return Q(verdict_on__isnull=True) | Q(verdict_on__gt=today) | Q(rerate_on__lte=today)


def _record_changes(changes: list[StatusChange], today: dt.date) -> None:
    """One audit event per contract whose obligations changed status because a day passed."""
    by_contract: dict[int, list[StatusChange]] = defaultdict(list)
    for change in changes:
        by_contract[change.obligation.contract_id].append(change)
    if not by_contract:
        return
    for contract in (
        Contract.objects.filter(pk__in=by_contract).select_related("organisation").only("pk", "organisation")
    ):
        audit_record(
            actor=None,
            actor_label="system (deadlines passed)",
            organisation=contract.organisation,
            action="obligation.status",
            target=contract,
            after={
                "on": today.isoformat(),
                "changes": [
                    {
                        "obligation": c.obligation.pk,
                        "clause": c.obligation.clause,
                        "due": c.obligation.due_date.isoformat(),
                        "before": c.before,
                        "after": c.after,
                    }
                    for c in by_contract[contract.pk]
                ],
            },
        )


def obligation_verdicts_catch_up(
    *, obligations: QuerySet[Obligation], today: dt.date | None = None
) -> list[StatusChange]:
    """Before a page reads stored verdicts: rate again those of `obligations` whose deadline passed since they
    were rated (one filtered query when there is none)."""
    today = today or timezone.localdate()
    due = list(obligations.filter(_dated_since(today)).order_by().values_list("pk", flat=True))
    if not due:
        return []
    changes = obligation_verdicts_refresh(obligations=due, today=today)
    _record_changes(changes, today)
    return changes


def obligation_verdicts_refresh_daily(*, today: dt.date | None = None) -> int:
    """Rate again every verdict the day changes (nothing submitted yet, or an open request) that was rated for
    another day; return how many. Run daily by `hrdd remind`; a second run the same day rates nothing."""
    today = today or timezone.localdate()
    open_request = Exists(
        InformationRequest.objects.filter(obligation=OuterRef("pk"), answered_on__isnull=True)
    )
    dated = Obligation.objects.filter(
        Q(verdict_on__isnull=True) | (~Q(verdict_on=today) & (Q(submitted_on__isnull=True) | Q(open_request)))
    )
    ids = list(dated.order_by().values_list("pk", flat=True))
    if ids:
        _record_changes(obligation_verdicts_refresh(obligations=ids, today=today), today)
    return len(ids)


# --- the stale check -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaleVerdict:
    """A stored verdict that differs from the one the rules give now, and why it may differ."""

    obligation: Obligation
    stored: dict[str, Any]
    fresh: dict[str, Any]
    why: str

    @property
    def fields(self) -> list[str]:
        """The stored fields that differ."""
        return [k for k in self.fresh if k not in ("verdict_on",) and self.stored.get(k) != self.fresh[k]]

    def describe(self) -> str:
        o = self.obligation
        return (
            f"{o.contract.title} {o.clause} due {o.due_date} (obligation {o.pk}): "
            f"{', '.join(self.fields)} differ; stored {self.stored.get('status')}, "
            f"fresh {self.fresh['status']}; {self.why}"
        )


def verdicts_stale(*, today: dt.date | None = None) -> tuple[list[StaleVerdict], int]:
    """Rate every obligation afresh, as of `today`, and compare with what is stored; return the differing ones
    and how many were checked. Nothing is written."""
    today = today or timezone.localdate()
    framework = get_tender_framework()
    ids = list(Obligation.objects.order_by("pk").values_list("pk", flat=True))
    stale: list[StaleVerdict] = []
    for chunk in _chunks(ids):
        for obligation, inputs in _load(chunk, framework):
            fresh = verdict_fields(inputs, today=today, framework=framework)
            fingerprint = fresh["verdict_inputs"]
            stored = {name: getattr(obligation, name) for name in VERDICT_FIELDS}
            if all(stored[k] == fresh[k] for k in fresh if k != "verdict_on"):
                continue
            if stored["verdict_on"] is None:
                why = "never rated"
            elif stored["verdict_inputs"] != fingerprint:
                why = f"its inputs changed since it was rated on {stored['verdict_on']}"
            elif stored["verdict_on"] != today:
                why = f"rated on {stored['verdict_on']}; a deadline or the count of days changed it since"
            else:
                why = "the stored verdict is not what the rules give for the same inputs"
            stale.append(StaleVerdict(obligation, stored, fresh, why))
    return stale, len(ids)


# --- site risk links -------------------------------------------------------------------------------------------


def _rated_risks(result: dict[str, Any]) -> list[RatedRisk]:
    titles = {c.id: c.title for c in get_risk_method().categories}
    return [
        RatedRisk(
            category=r["category"],
            title=titles.get(r["category"], r["category"]),
            country_iso3=r["country_iso3"],
            stage=r["stage"],
            score=r["score"],
            material=r.get("material"),
        )
        for r in result.get("risks", [])
    ]


def risk_link_as_dict(verdict: SiteRiskVerdict) -> dict[str, Any]:
    """The JSON form of a site's risk links kept on the ProductionSite."""
    return {
        "stage": verdict.stage,
        "risks": [
            {
                "category": r.category,
                "title": r.title,
                "country_iso3": r.country_iso3,
                "stage": r.stage,
                "score": r.score,
                "material": r.material,
            }
            for r in verdict.risks
        ],
        "candidates": verdict.candidates,
        "reasons": list(verdict.reasons),
        "source": verdict.source,
    }


def risk_link_verdict(site: ProductionSite) -> SiteRiskVerdict | None:
    """A stored site's risk links read back (None when no risk assessment was linked to the tender)."""
    link = site.risk_link
    if link is None:
        return None
    listed = ListedSite(key=site.pk, country_iso3=site.country_iso3, site_type=site.site_type)
    risks = tuple(RatedRisk(**r) for r in link["risks"])
    return SiteRiskVerdict(
        site=listed,
        stage=link["stage"],
        risks=risks,
        candidates=link["candidates"],
        # said again as the Texts that wrote them, so that the contract page reads in the reader's language
        reasons=site_reasons_said(
            link["reasons"], site=listed, stage=link["stage"], risks=risks, candidates=link["candidates"]
        ),
        source=link["source"],
    )


def contract_risk_result(contract: Contract) -> dict[str, Any] | None:
    """The saved result of the product risk assessment the contract's tender names, or None."""
    if contract.tender_id is None:
        return None
    # the one read of the assessment's (large) saved result: when a site list is stored, or by `hrdd verify`
    result = (
        Contract.objects.filter(pk=contract.pk)
        .values_list("tender__risk_assessment__result", flat=True)
        .first()
    )
    return result if isinstance(result, dict) else None


def link_site_rows(
    rows: Sequence[tuple[int, str, str]], result: dict[str, Any] | None
) -> dict[int, dict[str, Any] | None]:
    """The risk links of each (key, country, site type), by hrdd.domain.sites.link_sites_to_risks."""
    if result is None:
        return dict.fromkeys((key for key, _, _ in rows), None)
    method = get_risk_method()
    listed = [
        ListedSite(key=key, country_iso3=country, site_type=site_type) for key, country, site_type in rows
    ]
    return {
        v.site.key: risk_link_as_dict(v)
        for v in link_sites_to_risks(listed, _rated_risks(result), method.site_types)
    }


def site_links_refresh(*, risk_assessment_id: int) -> int:
    """Link again the listed sites of every contract whose tender names this risk assessment, after the
    assessment was saved again (its result changed); return how many sites were written."""
    contracts = Contract.objects.filter(tender__risk_assessment_id=risk_assessment_id).only("pk", "tender_id")
    written = 0
    for contract in contracts.order_by("pk"):
        result = contract_risk_result(contract)
        sites = ProductionSite.objects.filter(submission__obligation__contract=contract).only(
            "pk", "country_iso3", "site_type", "risk_link"
        )
        for chunk in _chunks(list(sites.order_by("pk").values_list("pk", flat=True)), 5000):
            rows = list(sites.filter(pk__in=chunk).order_by("pk"))
            links = link_site_rows([(s.pk, s.country_iso3, s.site_type) for s in rows], result)
            for site in rows:
                site.risk_link = links[site.pk]
            ProductionSite.objects.bulk_update(rows, ["risk_link"], batch_size=CHUNK)
            written += len(rows)
    return written


@dataclass(frozen=True)
class StaleSiteLinks:
    contract: Contract
    submission: Submission
    differing: int
    sites: int

    def describe(self) -> str:
        return (
            f"{self.contract.title} {self.submission.obligation.clause} v{self.submission.version}: "
            f"the risk links of {self.differing} of {self.sites} sites differ from the tender's risk assessment"
        )


def site_links_stale() -> tuple[list[StaleSiteLinks], int]:
    """Link every stored site list's sites again and compare with what is stored; nothing is written."""
    stale: list[StaleSiteLinks] = []
    checked = 0
    results: dict[int | None, dict[str, Any] | None] = {}
    submissions = (
        Submission.objects.filter(sites__isnull=False)
        .distinct()
        .select_related("obligation", "obligation__contract")
        .only(
            "pk",
            "version",
            "obligation__clause",
            "obligation__contract__title",
            "obligation__contract__tender_id",
        )
        .order_by("pk")
    )
    for submission in submissions:
        contract = submission.obligation.contract
        if contract.tender_id not in results:
            results[contract.tender_id] = contract_risk_result(contract)
        rows = list(
            ProductionSite.objects.filter(submission=submission)
            .order_by("row", "pk")
            .values_list("pk", "country_iso3", "site_type", "risk_link")
        )
        fresh = link_site_rows([(pk, c, t) for pk, c, t, _ in rows], results[contract.tender_id])
        differing = sum(1 for pk, _, _, stored in rows if stored != fresh[pk])
        checked += 1
        if differing:
            stale.append(StaleSiteLinks(contract, submission, differing, len(rows)))
    return stale, checked
