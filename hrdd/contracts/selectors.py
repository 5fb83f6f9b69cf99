"""Reads for contracts, scoped to the user's organisation: the stored verdicts of obligations (never rated again
on a read, except those a passed deadline changed), the dashboard's counts in SQL, one page of a list at a time."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.contracts.models import (
    CalendarFeed,
    Contract,
    ContractsVersion,
    InformationRequest,
    Obligation,
    ProductionSite,
    ReminderSent,
    Submission,
)
from hrdd.contracts.verdicts import obligation_verdicts_catch_up, risk_link_verdict
from hrdd.contracts.versions import contracts_version, stored_summary
from hrdd.core.archive import filter_archived
from hrdd.core.errors import NotFound
from hrdd.core.linktokens import LinkClosed, lookup_digest
from hrdd.core.models import active_organisation_id
from hrdd.domain.contracts import (
    STATUS_ORDER,
    CheckItem,
    KpiResult,
    ObligationVerdict,
    obligation_reason,
    plan_schedule,
)
from hrdd.domain.sites import SiteRiskVerdict
from hrdd.domain.tender import SubmissionSpec, get_tender_framework

# below the counts and the overdue and due-soon lists: a page a person reads at once
OBLIGATIONS_PER_PAGE = 25
CONTRACTS_PER_PAGE = 20
SITES_PER_PAGE = 100
DASHBOARD_ITEMS = 10  # overdue and due-soon obligations shown on the dashboard; the list has the rest
TREND_SUPPLIERS = 12  # suppliers in the on-time chart: those with the most deadlines passed
STATUSES = ("problem", "warning", "pending", "ok")


def contract_list(*, user: User, archived: str = "") -> QuerySet[Contract]:
    """Return the contracts the user may see; archived ones only when `archived` asks for them."""
    contracts = Contract.objects.visible_to(user).select_related("tender", "supplier", "procurement")
    return filter_archived(contracts, archived)


def contract_archived_count(*, user: User) -> int:
    """How many of the user's contracts are archived (the dashboard offers to show them)."""
    return Contract.objects.visible_to(user).filter(archived_at__isnull=False).count()


def contract_page(
    *, user: User, number: Any = 1, per_page: int = CONTRACTS_PER_PAGE, archived: str = ""
) -> Page[Contract]:
    """One page of the user's contracts, newest first, each with its obligations counted per status (counted
    for that page's contracts only, not for every contract before the page is cut)."""
    contracts = contract_list(user=user, archived=archived).order_by("-created_at", "-pk")
    page = Paginator(contracts, per_page).get_page(number)
    page.object_list = list(page.object_list)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for contract_id, status, n in (
        Obligation.objects.filter(contract__in=[c.pk for c in page.object_list])
        .order_by()
        .values("contract_id", "status")
        .annotate(n=Count("pk"))
        .values_list("contract_id", "status", "n")
    ):
        counts[contract_id][status] = n
    for contract in page.object_list:
        for status in STATUSES:
            setattr(contract, f"count_{status}", counts[contract.pk].get(status, 0))
    return page


def contract_get(*, user: User, public_id: uuid.UUID | str) -> Contract:
    """Return one contract the user may see, or NotFound."""
    return Contract.objects.select_related("organisation", "tender", "supplier", "procurement").get_visible(
        user, public_id=public_id
    )


def contract_get_by_token(*, token: str) -> Contract:
    """Return the contract behind a supplier link, found by the token's digest, or 404; LinkClosed (410) when
    the buyer revoked the link or it is past its last day."""
    digest = lookup_digest(token)
    try:
        if digest is None:
            raise Contract.DoesNotExist
        contract: Contract = Contract.objects.select_related("organisation", "tender", "supplier").get(
            token_hash=digest
        )
    except Contract.DoesNotExist as exc:
        raise NotFound("link") from exc
    contract_link_check(contract)
    contract.opened_with(token.strip())
    return contract


def contract_link_check(contract: Contract, *, today: dt.date | None = None) -> None:
    """Raise LinkClosed when the contract's supplier link was revoked or is past its last day."""
    buyer = contract.organisation.name
    if contract.link_revoked_at is not None:
        raise LinkClosed(reason=LinkClosed.REVOKED, buyer=buyer, title=contract.title)
    last_day = contract.link_expires_on
    if (today or timezone.localdate()) > last_day:
        raise LinkClosed(reason=LinkClosed.EXPIRED, buyer=buyer, title=contract.title, on=last_day)


def stored_verdict(obligation: Obligation) -> ObligationVerdict:
    """The verdict kept with the obligation."""
    return ObligationVerdict.from_dict(
        {"status": obligation.status, "kpis": obligation.kpis, "checklist": obligation.checklist}
    )


@dataclass
class ObligationStatus:
    """An obligation with its stored verdict, and on the contract's pages its submissions and sites."""

    obligation: Obligation
    submissions: list[Submission] = field(default_factory=list)
    kpis: list[KpiResult] = field(default_factory=list)
    checklist: list[CheckItem] = field(default_factory=list)
    submission: SubmissionSpec | None = None  # what the clause asks the supplier to hand in
    sites: list[tuple[ProductionSite, SiteRiskVerdict | None]] = field(
        default_factory=list
    )  # one page of them
    sites_page: Page[ProductionSite] | None = None
    sites_linked: bool = False  # whether the page's sites are linked to the tender's risk assessment
    disagreement: list[tuple[str, list[str]]] = field(
        default_factory=list
    )  # a risk assessment's summary vs file

    @property
    def latest(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None

    @property
    def status(self) -> str:
        """The worst KPI status (problem > warning > pending > ok), as stored."""
        return self.obligation.status

    @property
    def reason(self) -> str:
        """Why the obligation falls due on its day, as the schedule's rule wrote it (a Text, said in the page's
        language), else as stored."""
        return obligation_reason(self.obligation.reason)


def obligation_status(
    obligation: Obligation, *, submissions: list[Submission] | None = None
) -> ObligationStatus:
    """An obligation with its stored KPI statuses, reasons and checklist."""
    verdict = stored_verdict(obligation)
    return ObligationStatus(
        obligation,
        submissions=submissions or [],
        kpis=list(verdict.kpis),
        checklist=list(verdict.checklist),
        submission=get_tender_framework().clause_submission(obligation.clause),
    )


def contract_statuses(contract: Contract, *, today: dt.date | None = None) -> list[ObligationStatus]:
    """Every obligation of a contract with its stored verdict, its submissions (newest first) and requests."""
    today = today or timezone.localdate()
    obligation_verdicts_catch_up(obligations=contract.obligations.all(), today=today)
    obligations = (
        Obligation.objects.filter(contract=contract)
        .select_related("contract")
        .prefetch_related(
            Prefetch("submissions", queryset=Submission.objects.order_by("-version")),
            Prefetch("requests", queryset=InformationRequest.objects.order_by("asked_on", "id")),
            Prefetch("reminders", queryset=ReminderSent.objects.order_by("-sent_at", "-pk")),
        )
    )
    return [obligation_status(o, submissions=list(o.submissions.all())) for o in obligations]


def contract_schedule_warnings(contract: Contract) -> list[str]:
    """What the buyer should check about the contract's dates (e.g. a CC1 due after the end), from its stored
    dates by the schedule's rules (the months are the contract's own, so never warned about here)."""
    return list(
        plan_schedule(
            scenario=contract.scenario,
            award=contract.award_date,
            start=contract.start_date,
            end=contract.end_date,
            framework=get_tender_framework(),
            default_months=contract.months,
            first_delivery=contract.first_delivery,
            risk_assessment_in_tender=contract.risk_assessment_in_tender,
        ).warnings
    )


def calendar_feed_of(user: User) -> CalendarFeed | None:
    """The user's live calendar address of the organisation they work in now, or None."""
    if user.organisation_id is None:
        return None
    return CalendarFeed.objects.filter(
        user=user, organisation_id=user.organisation_id, revoked_at__isnull=True
    ).first()


def site_page(
    submission: Submission, *, number: Any = 1, per_page: int = SITES_PER_PAGE
) -> Page[ProductionSite]:
    """One page of a submitted site list's sites, in the order of their rows, with their stored risk links."""
    total = submission.summary.get("site_count") if isinstance(submission.summary, dict) else None
    sites = ProductionSite.objects.filter(submission=submission).order_by("row", "pk")
    paginator = Paginator(sites, per_page)
    if isinstance(total, int):  # the count kept with the submission spares a COUNT query
        paginator.count = total  # type: ignore[misc]
    return paginator.get_page(number)


def sites_with_links(page: Page[ProductionSite]) -> list[tuple[ProductionSite, SiteRiskVerdict | None]]:
    """Each site of a page with its stored risk links (None when no risk assessment was linked)."""
    return [(site, risk_link_verdict(site)) for site in page.object_list]


# --- the dashboard ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObligationFilter:
    """What the dashboard's list of obligations shows: a status, a supplier's name (part of it), a clause, an
    order by due date (`due` soonest first, `-due` latest first) and which deadlines (`overdue`, `soon`)."""

    status: str = ""
    supplier: str = ""
    clause: str = ""
    sort: str = "due"
    when: str = ""


@dataclass(frozen=True)
class Dashboard:
    statuses: list[ObligationStatus]  # the page of the obligations list
    page: Page[Obligation]
    counts: dict[str, int]  # obligations per status
    total: int
    due_soon: list[ObligationStatus]  # the first DASHBOARD_ITEMS of them
    due_soon_count: int
    overdue: list[ObligationStatus]
    overdue_count: int
    trend: dict[str, dict[int, tuple[int, int]]]  # supplier -> year -> (on time, due)
    trend_suppliers: int  # suppliers with a deadline passed, of which the chart shows TREND_SUPPLIERS
    due_soon_days: int
    # corrective-action steps of incidents (hrdd.incidents) past their deadline and not verified: the first few
    steps_overdue: list[Any] = field(default_factory=list)
    steps_overdue_count: int = 0


def _visible_obligations(user: User) -> QuerySet[Obligation]:
    """The obligations of the user's contracts in use (an archived contract's are left off the dashboard)."""
    return Obligation.objects.visible_to(user).filter(contract__archived_at__isnull=True)


def _when(when: str, today: dt.date, days: int) -> Q:
    """Which deadlines: `overdue` (passed, nothing submitted), `soon` (within `days`, nothing submitted), or all."""
    if when == "overdue":
        return Q(submitted_on__isnull=True, due_date__lt=today)
    if when == "soon":
        return Q(
            submitted_on__isnull=True, due_date__gte=today, due_date__lte=today + dt.timedelta(days=days)
        )
    return Q()


def _open(obligations: QuerySet[Obligation], when: str, today: dt.date, days: int) -> QuerySet[Obligation]:
    return obligations.filter(_when(when, today, days))


def obligation_list(
    *, user: User, filters: ObligationFilter, today: dt.date | None = None, days: int | None = None
) -> QuerySet[Obligation]:
    """The user's obligations, filtered and ordered by due date, with their contract and supplier."""
    today = today or timezone.localdate()
    days = get_tender_framework().reminders.due_soon_days if days is None else days
    obligations = _open(_visible_obligations(user), filters.when, today, days)
    if filters.status:
        obligations = obligations.filter(status=filters.status)
    if filters.clause:
        obligations = obligations.filter(clause=filters.clause)
    if filters.supplier:
        obligations = obligations.filter(contract__supplier__legal_name__icontains=filters.supplier)
    order = ("-due_date", "-clause", "-pk") if filters.sort == "-due" else ("due_date", "clause", "pk")
    return obligations.select_related("contract", "contract__supplier").order_by(*order)


def _statuses(obligations: QuerySet[Obligation] | list[Obligation]) -> list[ObligationStatus]:
    return [obligation_status(o) for o in obligations]


def _trend(
    obligations: QuerySet[Obligation], today: dt.date
) -> tuple[dict[str, dict[int, tuple[int, int]]], int]:
    """On-time delivery per supplier and year, counted in SQL (one query), for the suppliers with the most
    deadlines passed; and how many suppliers have a deadline passed."""
    rows = (
        obligations.filter(due_date__lte=today)
        .annotate(year=ExtractYear("due_date"))
        .values("contract__supplier_id", "contract__supplier__legal_name", "year")
        .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(timeliness="ok")))
        .order_by()
    )
    per_supplier: dict[int, dict[str, Any]] = {}
    for row in rows:
        supplier = per_supplier.setdefault(
            row["contract__supplier_id"],
            {"name": row["contract__supplier__legal_name"], "due": 0, "years": {}},
        )
        supplier["due"] += row["due"]
        supplier["years"][row["year"]] = (row["on_time"], row["due"])
    busiest = sorted(per_supplier.items(), key=lambda item: (-item[1]["due"], item[0]))[:TREND_SUPPLIERS]
    trend = {
        supplier["name"]: dict(sorted(supplier["years"].items()))
        for _, supplier in sorted(busiest, key=lambda item: item[1]["name"])
    }
    return trend, len(per_supplier)


def _counts(obligations: QuerySet[Obligation], today: dt.date, days: int) -> tuple[dict[str, int], int, int]:
    """The obligations per status, how many are overdue and how many due soon: one aggregate query."""
    totals = obligations.order_by().aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in STATUSES},
        overdue=Count("pk", filter=_when("overdue", today, days)),
        soon=Count("pk", filter=_when("soon", today, days)),
        total=Count("pk"),
    )
    counts = {s: totals[s] for s in sorted(STATUSES, key=lambda s: -STATUS_ORDER.get(s, -1))}
    other = totals["total"] - sum(counts.values())  # a status the framework added since: counted, not hidden
    if other:
        counts |= dict(
            obligations.exclude(status__in=STATUSES)
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    return counts, totals["overdue"], totals["soon"]


def _summary(obligations: QuerySet[Obligation], today: dt.date, days: int) -> dict[str, Any]:
    """What the dashboard counts over all the organisation's obligations in use, as JSON (stored with the
    contracts version: hrdd.contracts.versions.stored_summary). Pairs, not objects: PostgreSQL's jsonb does not
    keep the order of an object's keys."""
    counts, overdue, soon = _counts(obligations, today, days)
    trend, suppliers = _trend(obligations, today)
    return {
        "counts": [[status, n] for status, n in counts.items()],
        "overdue": overdue,
        "soon": soon,
        "trend": [[name, [[year, *pair] for year, pair in years.items()]] for name, years in trend.items()],
        "trend_suppliers": suppliers,
    }


def _trend_from_json(rows: list[Any]) -> dict[str, dict[int, tuple[int, int]]]:
    return {name: {int(year): (on_time, due) for year, on_time, due in years} for name, years in rows}


def dashboard_summaries_stale() -> list[int]:
    """The organisations whose stored dashboard counts differ from counting again for the same day (`hrdd
    verify`): a writer that changed what the dashboard counts without moving the contracts version."""
    stale = []
    for version in ContractsVersion.objects.filter(summary__isnull=False).order_by("pk").iterator():
        key = version.summary.get("key", {})
        try:
            day, days = dt.date.fromisoformat(key["day"]), int(key["days"])
        except (KeyError, TypeError, ValueError):
            stale.append(version.pk)
            continue
        in_use = Obligation.objects.filter(
            contract__organisation_id=version.pk, contract__archived_at__isnull=True
        )
        if version.summary.get("counts") != _summary(in_use, day, days):
            stale.append(version.pk)
    return stale


def dashboard(
    *, user: User, filters: ObligationFilter | None = None, number: Any = 1, today: dt.date | None = None
) -> Dashboard:
    """The user's obligations at a glance: counts per status, what is overdue and due soon, on-time delivery per
    supplier and year (all counted in SQL from the stored verdicts), and one page of the filtered list."""
    today = today or timezone.localdate()
    filters = filters or ObligationFilter()
    days = get_tender_framework().reminders.due_soon_days
    visible = _visible_obligations(user)
    obligation_verdicts_catch_up(obligations=visible, today=today)  # may move the version: read it after
    version = contracts_version(active_organisation_id(user))
    summary = stored_summary(version, today, days, lambda: _summary(visible, today, days))
    counts = dict(summary["counts"])
    overdue_count, due_soon_count = summary["overdue"], summary["soon"]
    listed = obligation_list(user=user, filters=filters, today=today, days=days)
    paginator = Paginator(listed, OBLIGATIONS_PER_PAGE)
    if not (filters.status or filters.supplier or filters.clause):  # counted above already: no COUNT again
        counted = {"overdue": overdue_count, "soon": due_soon_count}.get(filters.when, sum(counts.values()))
        paginator.count = counted  # type: ignore[misc]
    page = paginator.get_page(number)
    overdue = _open(visible, "overdue", today, days).select_related("contract", "contract__supplier")
    due_soon = _open(visible, "soon", today, days).select_related("contract", "contract__supplier")
    ordered = ("due_date", "clause", "pk")
    if filters.supplier:  # the chart of the suppliers the list shows: counted for this request
        trend, trend_suppliers = _trend(
            visible.filter(contract__supplier__legal_name__icontains=filters.supplier), today
        )
    else:
        trend, trend_suppliers = _trend_from_json(summary["trend"]), summary["trend_suppliers"]
    return Dashboard(
        statuses=_statuses(page.object_list),
        page=page,
        counts=counts,
        total=sum(counts.values()),
        due_soon=_statuses(due_soon.order_by(*ordered)[:DASHBOARD_ITEMS]),
        due_soon_count=due_soon_count,
        overdue=_statuses(overdue.order_by(*ordered)[:DASHBOARD_ITEMS]),
        overdue_count=overdue_count,
        trend=trend,
        trend_suppliers=trend_suppliers,
        due_soon_days=days,
        **_overdue_steps(active_organisation_id(user), today),
    )


def _overdue_steps(organisation_id: int | None, today: dt.date) -> dict[str, Any]:
    """The organisation's remediation steps past their deadline and not verified: a count and the first
    DASHBOARD_ITEMS (two queries, whatever their number)."""
    if organisation_id is None:
        return {}
    from hrdd.incidents.selectors import overdue_steps  # the incidents app reads contracts: imported here

    steps = overdue_steps(organisation_id, today)
    first = list(steps[:DASHBOARD_ITEMS])
    count = len(first) if len(first) < DASHBOARD_ITEMS else steps.count()
    return {"steps_overdue": first, "steps_overdue_count": count}
