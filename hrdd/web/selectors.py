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
        Consultation.objects.visible_to(user).filter(deadline__gte=today).filter(Exists(unanswered)).count()
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
