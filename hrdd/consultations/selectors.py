"""Reads for consultations, always scoped to the reader's organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from hrdd.accounts.models import User
from hrdd.consultations.models import Consultation, Invitation
from hrdd.core.errors import NotFound
from hrdd.domain.maturity import (
    InvalidResponse,
    MarketAssessment,
    ResponseScore,
    assess_market,
    score_raw_response,
)
from hrdd.domain.maturity_results import DimensionResult, dimension_results, level_tone
from hrdd.domain.questionnaire_framework import QuestionnaireFramework, get_framework


def consultation_list(*, user: User) -> QuerySet[Consultation]:
    """Return the consultations the user may see, with response counts."""
    return (
        Consultation.objects.visible_to(user)
        .select_related("procurement")
        .annotate(
            invited=Count("invitations"),
            submitted=Count("invitations", filter=Q(invitations__status=Invitation.Status.SUBMITTED)),
        )
    )


def consultation_get(*, user: User, public_id: uuid.UUID | str) -> Consultation:
    """Return one consultation the user may see, or NotFound (another organisation's is not found)."""
    return Consultation.objects.select_related("organisation", "procurement").get_visible(
        user, public_id=public_id
    )


def invitation_get(*, user: User, consultation: Consultation, pk: int) -> Invitation:
    """Return one invitation of a consultation the user may see, or NotFound."""
    return Invitation.objects.select_related("company").get_visible(user, consultation=consultation, pk=pk)


def invitation_get_by_token(*, token: str) -> Invitation:
    """Return the invitation behind a supplier link, or 404."""
    try:
        return Invitation.objects.select_related("consultation", "consultation__organisation", "company").get(
            token=token
        )
    except Invitation.DoesNotExist as exc:
        raise NotFound("link") from exc


@dataclass(frozen=True)
class ScoredInvitation:
    invitation: Invitation
    score: ResponseScore | None
    error: str = ""  # a stored submission that no longer validates (e.g. after a framework change)
    dimensions: tuple[DimensionResult, ...] = ()  # the score by the framework's own dimensions
    overall_tone: str = ""


@dataclass(frozen=True)
class ConsultationResults:
    consultation: Consultation
    framework: QuestionnaireFramework
    rows: tuple[ScoredInvitation, ...]
    market: MarketAssessment | None

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.score is not None)


def consultation_results(*, consultation: Consultation) -> ConsultationResults:
    """Score every submitted response and assess the market, from the stored answers."""
    framework = get_framework(consultation.framework_id)
    rows = []
    for invitation in consultation.invitations.all():
        if invitation.status != Invitation.Status.SUBMITTED:
            rows.append(ScoredInvitation(invitation, None))
            continue
        try:
            score = score_raw_response(invitation.as_raw_response(), framework)
        except InvalidResponse as exc:
            rows.append(ScoredInvitation(invitation, None, error=str(exc)))
            continue
        rows.append(
            ScoredInvitation(
                invitation,
                score,
                dimensions=dimension_results(score, framework),
                overall_tone=level_tone(score.overall, framework),
            )
        )
    scores = [r.score for r in rows if r.score is not None]
    market = assess_market(scores, framework) if scores else None
    return ConsultationResults(
        consultation=consultation, framework=framework, rows=tuple(rows), market=market
    )
