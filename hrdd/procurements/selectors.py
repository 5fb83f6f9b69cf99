"""Reads for procurements: the user's list and one procurement with what each step holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hrdd.accounts.models import User
from hrdd.core.lists import newest_choices
from hrdd.procurements.models import Procurement


def _count(related: Any) -> Coalesce:
    """The number of a procurement's records of one step, as a subquery (no join that multiplies rows)."""
    counted = (
        related.objects.filter(procurement=OuterRef("pk"))
        .order_by()
        .values("procurement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def procurement_list(
    *, user: User, query: str = "", status: str = "", product_category: str = ""
) -> QuerySet[Procurement]:
    """The procurements of the organisation the user works in, newest first, with the count of each step;
    `query` keeps those whose title or reference contains it, `status` and `product_category` those with that
    value."""
    related = {r.related_model._meta.model_name: r.related_model for r in Procurement._meta.related_objects}
    procurements = Procurement.objects.visible_to(user)
    if query.strip():
        text = query.strip()
        procurements = procurements.filter(Q(title__icontains=text) | Q(reference__icontains=text))
    if status:
        procurements = procurements.filter(status=status)
    if product_category:
        procurements = procurements.filter(product_category=product_category)
    return procurements.annotate(
        n_risk_assessments=_count(related["productriskassessment"]),
        n_consultations=_count(related["consultation"]),
        n_tenders=_count(related["tender"]),
        n_contracts=_count(related["contract"]),
    ).order_by("-created_at", "-id")


def procurement_get(*, user: User, public_id: uuid.UUID | str) -> Procurement:
    """One procurement the user may see, or NotFound."""
    return Procurement.objects.get_visible(user, public_id=public_id)


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    records: list[Any]
    done: bool
    next_action: str  # what the buyer does next at this step ('' when done)
    start_url: str  # where to start or continue the step
    more: bool = False  # the step holds more records than the newest STEP_RECORDS listed


@dataclass(frozen=True)
class Thread:
    procurement: Procurement
    steps: list[Step]

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)


STEP_RECORDS = 20  # the newest records of each step a procurement's page lists


def procurement_thread(procurement: Procurement) -> Thread:
    """The procurement's four steps (manual chapter 3): what is done, and what comes next."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    # the newest records of each step (one more, to know whether there are others), without their large fields
    assessments = list(
        procurement.risk_assessments.defer("result", "adjustments").order_by("-updated_at", "-id")[
            : STEP_RECORDS + 1
        ]
    )
    consultations = list(procurement.consultations.order_by("-created_at", "-id")[: STEP_RECORDS + 1])
    tenders = list(procurement.tenders.order_by("-updated_at", "-id")[: STEP_RECORDS + 1])
    contracts = list(
        procurement.contracts.select_related("supplier").order_by("-created_at", "-id")[: STEP_RECORDS + 1]
    )
    answered = procurement.consultations.filter(invitations__status="submitted").exists()
    more = {
        "assessments": len(assessments) > STEP_RECORDS,
        "consultations": len(consultations) > STEP_RECORDS,
        "tenders": len(tenders) > STEP_RECORDS,
        "contracts": len(contracts) > STEP_RECORDS,
    }
    assessments, consultations = assessments[:STEP_RECORDS], consultations[:STEP_RECORDS]
    tenders, contracts = tenders[:STEP_RECORDS], contracts[:STEP_RECORDS]
    query = f"?procurement={procurement.public_id}"
    steps = [
        Step(
            1,
            _("Identify risks"),
            assessments,
            bool(assessments),
            _("Assess the product's risks and save the assessment with this procurement."),
            reverse("risks:assess")
            + f"?product={procurement.product_category}&procurement={procurement.public_id}",
            more["assessments"],
        ),
        Step(
            2,
            _("Assess market readiness"),
            consultations,
            answered,
            _("Consult the market: invite suppliers to answer the questionnaire.")
            if not consultations
            else _("Wait for the suppliers' answers."),
            reverse("consultations:list") + query,
            more["consultations"],
        ),
        Step(
            3,
            _("Integrate human rights in the tender"),
            tenders,
            bool(tenders),
            _("Build the tender annex for the recommended scenario."),
            reverse("tenders:list") + query,
            more["tenders"],
        ),
        Step(
            4,
            _("Manage the contract"),
            contracts,
            bool(contracts),
            _("Create the contract with the winning supplier; its clauses become obligations."),
            reverse("contracts:dashboard") + query,
            more["contracts"],
        ),
    ]
    return Thread(procurement, steps)


CHOICES = 200


def procurement_choices(*, user: User, blank: str, keep: Procurement | None = None) -> list[tuple[str, str]]:
    """A select's choices: a blank one (a new procurement), then the newest procurements the user may see (and
    `keep`, the one pre-selected, when it is older than those)."""
    newest = (
        Procurement.objects.visible_to(user)
        .only("public_id", "title", "reference")
        .order_by("-created_at", "-id")
    )
    return newest_choices(newest, blank=blank, limit=CHOICES, keep=keep)


def procurement_latest_steps(procurement: Procurement) -> dict[str, Any]:
    """The newest record of each step of a procurement (None where the step has none): what a next step builds on."""
    return {
        "risk_assessment": procurement.risk_assessments.order_by("-updated_at").first(),
        "consultation": procurement.consultations.order_by("-created_at").first(),
        "tender": procurement.tenders.order_by("-updated_at").first(),
    }
