"""What the landing page reads: the user's open procurements and what needs their attention, each counted in the
database (a fixed number of queries however many records there are)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import DateTimeField, Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrdd.accounts.models import User
from hrdd.accounts.selectors import member_invitation_list
from hrdd.consultations.models import Consultation, Invitation
from hrdd.contracts.models import Obligation
from hrdd.procurements.models import Procurement
from hrdd.procurements.selectors import procurement_list
from hrdd.programmes.cases import may_see_cases
from hrdd.programmes.certifications import expiry_warning_count
from hrdd.programmes.models import (
    ChildLabourCase,
    DiligenceAssessment,
    Enrolment,
    Gap,
    JoinRequest,
    Milestone,
    NgoResponse,
    Programme,
    SupplierTier,
    Tier,
)
from hrdd.tenders.models import BidDraft, BidEvaluation, Tender

RECENT_PROCUREMENTS = 5
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)  # the latest evaluation of a tender never evaluated


@dataclass(frozen=True)
class Attention:
    """One thing to look at: how many, what they are, and the page that lists them."""

    key: str
    count: int
    label: str
    hint: str
    url: str


@dataclass(frozen=True)
class Overview:
    open_procurements: int
    recent: list[Procurement]  # the newest open procurements, with the count of each step's records
    attention: list[Attention]  # in the order the user's role looks at them
    invitations_waiting: int | None  # for an organisation's administrator; None for others


def overview(*, user: User, today: dt.date | None = None) -> Overview:
    """The user's procurements and what needs attention in the organisation they work in now."""
    today = today or timezone.localdate()
    open_procurements = procurement_list(user=user, status=Procurement.Status.OPEN)
    overdue = (
        Obligation.objects.visible_to(user).filter(submitted_on__isnull=True, due_date__lt=today).count()
    )
    unanswered = Invitation.objects.filter(consultation=OuterRef("pk")).exclude(
        status=Invitation.Status.SUBMITTED
    )
    awaiting = (
        Consultation.objects.owned_by(user).filter(deadline__gte=today).filter(Exists(unanswered)).count()
    )
    # bids entered (or changed) since the tender's latest evaluation, or never evaluated at all
    last_evaluated = (
        BidEvaluation.objects.filter(tender=OuterRef("pk")).order_by("-created_at").values("created_at")
    )
    entered_since = BidDraft.objects.filter(tender=OuterRef("pk"), updated_at__gt=OuterRef("last_evaluated"))
    to_evaluate = (
        Tender.objects.visible_to(user)
        .annotate(
            last_evaluated=Coalesce(Subquery(last_evaluated[:1]), Value(NEVER, output_field=DateTimeField()))
        )
        .filter(Exists(entered_since))
        .count()
    )
    attention = [
        Attention(
            "overdue",
            overdue,
            ngettext("overdue supplier report", "overdue supplier reports", overdue),
            _("Contract obligations past their due date with nothing submitted."),
            reverse("contracts:dashboard") + "?" + urlencode({"when": "overdue"}),
        ),
        Attention(
            "awaiting",
            awaiting,
            ngettext("consultation awaiting answers", "consultations awaiting answers", awaiting),
            _("Open consultations with suppliers who have not answered yet."),
            reverse("consultations:list") + "?" + urlencode({"state": "open", "sort": "deadline"}),
        ),
        Attention(
            "evaluate",
            to_evaluate,
            ngettext("tender with bids to evaluate", "tenders with bids to evaluate", to_evaluate),
            _("Tenders with bids entered or changed since their latest evaluation."),
            reverse("tenders:list"),
        ),
    ]
    if user.role == User.Role.CONTRACT_MANAGER:
        attention.sort(key=lambda a: a.key != "overdue")
    return Overview(
        open_procurements=open_procurements.count(),
        recent=list(open_procurements[:RECENT_PROCUREMENTS]),
        attention=attention,
        invitations_waiting=member_invitation_list(user=user).count() if user.is_organisation_admin else None,
    )


@dataclass(frozen=True)
class SourcingOverview:
    """A company's responsible-sourcing landing: its programmes and what needs attention."""

    programmes: list[Programme]
    attention: list[Attention]
    invitations_waiting: int | None  # for an organisation's administrator; None for others


# An NGO answer due within this many days is on the overview (and every one past its date).
NGO_DUE_SOON_DAYS = 30
ASSESSMENT_FRESH_DAYS = 365  # a high-risk supplier's latest completed assessment counts for a year


def sourcing_overview(*, user: User, today: dt.date | None = None) -> SourcingOverview:
    """What a responsible-sourcing manager looks at first, each counted in the database (a fixed number of queries
    however many records there are). Child-labour follow-ups are counted only for the people who may see cases."""
    today = today or timezone.localdate()
    assessed_recently = DiligenceAssessment.objects.filter(
        company=OuterRef("company"),
        status=DiligenceAssessment.Status.COMPLETED,
        assessed_on__gt=today - dt.timedelta(days=ASSESSMENT_FRESH_DAYS),
    )
    unassessed = (
        SupplierTier.objects.visible_to(user)
        .filter(tier=Tier.HIGH)
        .exclude(Exists(assessed_recently))
        .count()
    )
    gaps_overdue = (
        Gap.objects.visible_to(user).exclude(status=Gap.Status.CLOSED).filter(deadline__lt=today).count()
    )
    milestones_overdue = (
        Milestone.objects.visible_to(user)
        .filter(done_on__isnull=True, due_on__lt=today, enrolment__status=Enrolment.Status.ACTIVE)
        .count()
    )
    expiring = expiry_warning_count(user.organisation_id, today)
    ngo_due = (
        NgoResponse.objects.visible_to(user)
        .exclude(status=NgoResponse.Status.FINAL)
        .filter(respond_by__lte=today + dt.timedelta(days=NGO_DUE_SOON_DAYS))
        .count()
    )
    joins = JoinRequest.objects.visible_to(user).filter(handled_at__isnull=True).count()
    # the requests are listed on their programme's page: go there when they all belong to one programme
    asked = list(
        JoinRequest.objects.visible_to(user)
        .filter(handled_at__isnull=True)
        .values_list("programme__public_id", flat=True)
        .distinct()[:2]
    )
    joins_url = (
        reverse("programmes:detail", args=[asked[0]]) + "#join-requests"
        if len(asked) == 1
        else reverse("programmes:list")
    )
    attention = [
        Attention(
            "unassessed",
            unassessed,
            ngettext(
                "high-risk supplier without a recent assessment",
                "high-risk suppliers without a recent assessment",
                unassessed,
            ),
            _(
                "High-risk suppliers with no completed enhanced-due-diligence assessment in the past 12 months."
            ),
            reverse("programmes:suppliers") + "?" + urlencode({"tier": Tier.HIGH}),
        ),
        Attention(
            "gaps",
            gaps_overdue,
            ngettext("gap past its deadline", "gaps past their deadline", gaps_overdue),
            _("Gaps found in assessments whose mitigation is not closed by its deadline."),
            reverse("programmes:suppliers") + "?" + urlencode({"sort": "gaps"}),
        ),
        Attention(
            "milestones",
            milestones_overdue,
            ngettext(
                "capacity-building milestone overdue",
                "capacity-building milestones overdue",
                milestones_overdue,
            ),
            _("Milestones of suppliers enrolled in capacity building, past their date and not done."),
            reverse("programmes:suppliers"),
        ),
        Attention(
            "certifications",
            expiring,
            ngettext("certification expired or expiring", "certifications expired or expiring", expiring),
            _("Certifications, memberships and ratings past or near the end of their validity."),
            reverse("programmes:certifications"),
        ),
        Attention(
            "ngo",
            ngo_due,
            ngettext("NGO assessment to answer soon", "NGO assessments to answer soon", ngo_due),
            _("Answers to NGO assessments not final, due within 30 days or past their date."),
            reverse("programmes:ngo_list"),
        ),
        Attention(
            "joins",
            joins,
            ngettext("business partner asking to join", "business partners asking to join", joins),
            _("Messages sent through a public programme page's form, not yet handled."),
            joins_url,
        ),
    ]
    if may_see_cases(user):
        follow_ups = (
            ChildLabourCase.objects.visible_to(user)
            .filter(next_follow_up__lt=today)
            .exclude(status__in=[ChildLabourCase.Status.CLOSED, ChildLabourCase.Status.LOST])
            .count()
        )
        attention.append(
            Attention(
                "follow_ups",
                follow_ups,
                ngettext(
                    "child-labour case follow-up overdue", "child-labour case follow-ups overdue", follow_ups
                ),
                _("Cases whose next follow-up date has passed."),
                reverse("programmes:cases") + "?" + urlencode({"overdue": "on"}),
            )
        )
    return SourcingOverview(
        programmes=list(
            Programme.objects.visible_to(user).order_by("-start_year", "title")[:RECENT_PROCUREMENTS]
        ),
        attention=attention,
        invitations_waiting=member_invitation_list(user=user).count() if user.is_organisation_admin else None,
    )
