"""Writes for tenders: create, change parameters, evaluate bids. Each is audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.consultations.models import Consultation
from hrdd.consultations.selectors import consultation_market
from hrdd.core.errors import InputError
from hrdd.domain.tender import (
    Evaluation,
    TenderAnnex,
    TenderInputError,
    build_tender,
    check_fields,
    evaluate_bids,
    evaluation_fields,
    get_tender_framework,
)
from hrdd.procurements.models import Procurement
from hrdd.procurements.services import procurement_of_step
from hrdd.risks.models import ProductRiskAssessment
from hrdd.tenders.models import Bid, BidEvaluation, Tender

RISK_NOTES = 5


def risk_notes(assessment: ProductRiskAssessment | None) -> tuple[str, ...]:
    """The most salient risks of a saved risk assessment, one line each, to give the tender its context."""
    if assessment is None:
        return ()
    notes: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for risk in assessment.result.get("risks", []):
        key = (risk["category"], risk["country_iso3"], risk["stage"])
        if key in seen:
            continue
        seen.add(key)
        what = risk.get("material") or risk.get("component") or ""
        notes.append(
            f"{risk['category'].replace('_', ' ')}: {what} {risk['stage'].replace('_', ' ')} in "
            f"{risk['country_iso3']} (score {risk['score']:g})"
        )
        if len(notes) == RISK_NOTES:
            break
    return tuple(notes)


def tender_annex(tender: Tender) -> TenderAnnex:
    """Build the annex of a stored tender (its scenario, parameters and risk context)."""
    return build_tender(
        scenario=tender.scenario,
        framework=get_tender_framework(tender.framework_id),
        months=tender.months,
        weights=tender.weights or None,
        require_label=tender.require_label,
        product=tender.consultation.product_category if tender.consultation else "",
        risk_notes=risk_notes(tender.risk_assessment),
    )


def _state(tender: Tender) -> dict[str, Any]:
    return {
        "title": tender.title,
        "scenario": tender.scenario,
        "months": tender.months,
        "require_label": tender.require_label,
        "weights": tender.weights,
    }


def _recommended_now(consultation: Consultation | None) -> int | None:
    """The scenario the consultation recommends now (kept with the tender, whose page warns if it changes)."""
    market = consultation_market(consultation=consultation) if consultation is not None else None
    return market.recommended_scenario if market is not None else None


@transaction.atomic
def tender_create(
    *,
    actor: User,
    title: str,
    scenario: int,
    months: int | None = None,
    weights: dict[str, Any] | None = None,
    require_label: bool = True,
    consultation: Consultation | None = None,
    risk_assessment: ProductRiskAssessment | None = None,
    procurement: Procurement | None = None,
) -> Tender:
    """Create a tender for a scenario; the parameters are checked by building its annex first.

    The tender joins the procurement of its consultation and risk assessment (they must share one), or the
    procurement given, or a new one named after it.
    """
    organisation = writer_organisation(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise TenderInputError(_("a title of 1 to 200 characters is required"), field="title")
    for linked, name in ((consultation, "consultation"), (risk_assessment, "risk_assessment")):
        if linked is not None and linked.organisation_id != organisation.pk:
            raise TenderInputError(_("not found"), field=name)
    framework = get_tender_framework()
    annex = build_tender(
        scenario=scenario, framework=framework, months=months, weights=weights, require_label=require_label
    )
    try:
        procurement = procurement_of_step(
            actor=actor,
            procurement=procurement,
            parts=[consultation, risk_assessment],
            title=title,
            product_category=consultation.product_category if consultation else "",
        )
    except InputError as exc:
        raise TenderInputError(str(exc), field=exc.field) from exc
    tender = Tender.objects.create(
        organisation=organisation,
        procurement=procurement,
        title=title,
        consultation=consultation,
        risk_assessment=risk_assessment,
        framework_id=framework.id,
        scenario=annex.scenario.scenario,
        months=annex.months,
        require_label=require_label,
        weights={"price": annex.price_weight}
        | {i.criterion.id: i.weight for i in annex.items if i.weight is not None},
        recommended_scenario=_recommended_now(consultation),
        created_by=actor,
    )
    audit_record(
        actor=actor, organisation=organisation, action="tender.create", target=tender, after=_state(tender)
    )
    return tender


@transaction.atomic
def tender_update(
    *, actor: User, tender: Tender, months: int, weights: dict[str, Any], require_label: bool
) -> Tender:
    """Change a tender's parameters (months for CC1, weights, label requirement)."""
    require_writer(actor, tender.organisation)
    annex = build_tender(
        scenario=tender.scenario,
        framework=get_tender_framework(tender.framework_id),
        months=months,
        weights=weights,
        require_label=require_label,
    )
    before = _state(tender)
    tender.months = annex.months
    tender.require_label = require_label
    tender.weights = {"price": annex.price_weight} | {
        i.criterion.id: i.weight for i in annex.items if i.weight is not None
    }
    tender.save()
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.update",
        target=tender,
        before=before,
        after=_state(tender),
    )
    return tender


def evaluation_request(tender: Tender, bids: Any) -> dict[str, Any]:
    """The evaluation input for a stored tender: its scenario, weights and label rule, and the bids."""
    if isinstance(bids, dict):  # a whole request: its other fields must be known too
        check_fields(bids, evaluation_fields(get_tender_framework(tender.framework_id)))
        bids = bids.get("bids")
    return {
        "scenario": tender.scenario,
        "weights": tender.weights,
        "require_label": tender.require_label,
        "bids": bids,
    }


@transaction.atomic
def bid_evaluation_create(*, actor: User, tender: Tender, bids: Any) -> tuple[BidEvaluation, Evaluation]:
    """Evaluate the bids received for a tender and keep the input and the result."""
    require_writer(actor, tender.organisation)
    request = evaluation_request(tender, bids)
    evaluation = evaluate_bids(request, get_tender_framework(tender.framework_id))
    stored = BidEvaluation.objects.create(
        tender=tender, request=request, result=evaluation.as_dict(), created_by=actor
    )
    Bid.objects.bulk_create(
        Bid(
            evaluation=stored,
            bidder=bid.bidder[:200],
            company=company_resolve(
                organisation=tender.organisation, name=bid.bidder, actor=actor, field="bidder"
            ),
        )
        for bid in evaluation.bids
    )
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.evaluate_bids",
        target=stored,
        after={
            "bids": len(evaluation.bids),
            "ranking": [
                b.bidder for b in sorted((b for b in evaluation.bids if b.rank), key=lambda b: b.rank or 0)
            ],
        },
    )
    return stored, evaluation
