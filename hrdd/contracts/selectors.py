"""Reads for contracts: obligations with their KPI statuses, the dashboard, site-risk links (scoped)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.contracts.models import Contract, InformationRequest, Obligation, Submission
from hrdd.core.errors import NotFound
from hrdd.domain.contracts import (
    InformationRequestState,
    KpiResult,
    contents_check,
    responsiveness,
    site_list_completeness,
    timeliness,
)
from hrdd.domain.risk import get_risk_method
from hrdd.domain.sites import ListedSite, RatedRisk, SiteRiskVerdict, link_sites_to_risks
from hrdd.domain.tender import SubmissionSpec, get_tender_framework


def contract_list(*, user: User) -> QuerySet[Contract]:
    """Return the contracts the user may see."""
    return Contract.objects.visible_to(user).select_related("tender", "supplier", "procurement")


def contract_get(*, user: User, public_id: uuid.UUID | str) -> Contract:
    """Return one contract the user may see, or NotFound."""
    return Contract.objects.select_related(
        "organisation", "tender", "tender__risk_assessment", "supplier", "procurement"
    ).get_visible(user, public_id=public_id)


def contract_get_by_token(*, token: str) -> Contract:
    """Return the contract behind a supplier link, or 404."""
    try:
        return Contract.objects.select_related(
            "organisation", "tender", "tender__risk_assessment", "supplier"
        ).get(token=token)
    except Contract.DoesNotExist as exc:
        raise NotFound("link") from exc


@dataclass
class ObligationStatus:
    obligation: Obligation
    submissions: list[Submission]
    kpis: list[KpiResult]
    checklist: list[Any] = field(default_factory=list)
    submission: SubmissionSpec | None = None  # what the clause asks the supplier to hand in
    sites: list[tuple[Any, SiteRiskVerdict | None]] = field(default_factory=list)  # a site list's rows

    @property
    def latest(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None

    @property
    def status(self) -> str:
        """The worst KPI status: problem > warning > pending > ok."""
        order = {"problem": 3, "warning": 2, "pending": 1, "ok": 0}
        return max((k.status for k in self.kpis), key=order.__getitem__, default="pending")


def _obligations(contracts: QuerySet[Contract] | list[Contract]) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(contract__in=contracts)
        .select_related("contract")
        .prefetch_related(
            Prefetch(
                "submissions", queryset=Submission.objects.order_by("-version").prefetch_related("sites")
            ),
            Prefetch("requests", queryset=InformationRequest.objects.order_by("asked_on")),
        )
    )


def obligation_status(obligation: Obligation, *, today: dt.date) -> ObligationStatus:
    """Rate one obligation's KPIs from its submissions and requests."""
    framework = get_tender_framework()
    submissions = list(obligation.submissions.all())
    first = min((s.submitted_at for s in submissions), default=None)
    kpis = [timeliness(due=obligation.due_date, submitted=first.date() if first else None, today=today)]
    checklist: list[Any] = []
    latest = submissions[0] if submissions else None
    criterion = framework.criterion(obligation.clause)
    named = {k.kpi for k in criterion.kpis}  # the KPIs the framework lists for this clause
    if latest is not None:
        if "completeness" in named:
            kpis.append(
                site_list_completeness(latest.summary.get("sites", []), latest.summary.get("explanation", ""))
            )
        if criterion.contents:
            kpi, items = contents_check(
                obligation.clause, criterion.contents, latest.summary, criterion.minimums(framework)
            )
            kpis.append(kpi)
            checklist = list(items)
    requests = list(obligation.requests.all())
    if requests or "responsiveness" in named:
        kpis.append(
            responsiveness(
                [InformationRequestState(r.asked_on, r.due_on, r.answered_on) for r in requests], today=today
            )
        )
    return ObligationStatus(obligation, submissions, kpis, checklist, criterion.submission)


def contract_statuses(contract: Contract, *, today: dt.date | None = None) -> list[ObligationStatus]:
    """Every obligation of a contract with its KPI statuses."""
    today = today or timezone.localdate()
    return [obligation_status(o, today=today) for o in _obligations([contract])]


@dataclass(frozen=True)
class Dashboard:
    statuses: list[ObligationStatus]
    due_soon: list[ObligationStatus]
    overdue: list[ObligationStatus]
    trend: dict[str, dict[int, tuple[int, int]]]  # supplier -> year -> (on time, due)
    due_soon_days: int


def dashboard(*, user: User, today: dt.date | None = None) -> Dashboard:
    """All contracts' obligations: what is due soon, what is overdue, and on-time delivery per supplier and year."""
    today = today or timezone.localdate()
    days = get_tender_framework().reminders.due_soon_days
    statuses = [obligation_status(o, today=today) for o in _obligations(contract_list(user=user))]
    due_soon = [
        s
        for s in statuses
        if not s.submissions and today <= s.obligation.due_date <= today + dt.timedelta(days=days)
    ]
    overdue = [s for s in statuses if not s.submissions and s.obligation.due_date < today]
    trend: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for s in statuses:
        if s.obligation.due_date > today:
            continue
        counts = trend[s.obligation.contract.supplier_name][s.obligation.due_date.year]
        counts[1] += 1
        if s.kpis[0].status == "ok":
            counts[0] += 1
    return Dashboard(
        statuses=statuses,
        due_soon=due_soon,
        overdue=overdue,
        trend={k: {y: (c[0], c[1]) for y, c in sorted(v.items())} for k, v in sorted(trend.items())},
        due_soon_days=days,
    )


def site_risks(contract: Contract, sites: list[Any]) -> dict[int, SiteRiskVerdict]:
    """CC2 in scenario 3: each site linked to the risks of its country and stage in the product risk assessment."""
    assessment = contract.tender.risk_assessment if contract.tender else None
    if assessment is None:
        return {}
    method = get_risk_method()
    titles = {c.id: c.title for c in method.categories}
    risks = [
        RatedRisk(
            category=r["category"],
            title=titles.get(r["category"], r["category"]),
            country_iso3=r["country_iso3"],
            stage=r["stage"],
            score=r["score"],
            material=r.get("material"),
        )
        for r in assessment.result.get("risks", [])
    ]
    listed = [ListedSite(key=s.pk, country_iso3=s.country_iso3, site_type=s.site_type or "") for s in sites]
    return {v.site.key: v for v in link_sites_to_risks(listed, risks, method.site_types)}
