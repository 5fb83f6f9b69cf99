"""Reads for product risks: the current knowledge base and saved assessments (scoped to the organisation)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import Http404

from hrdd.accounts.models import User
from hrdd.domain.knowledge import KnowledgeBase, build_knowledge, shipped_knowledge
from hrdd.risks.models import KnowledgeEdition, ProductRiskAssessment

_CACHE: dict[tuple[tuple[int, str], ...], KnowledgeBase] = {}


def knowledge_current() -> KnowledgeBase:
    """Return the knowledge base: the shipped tables, replaced by any imported edition that is active."""
    try:
        editions = list(KnowledgeEdition.objects.filter(is_active=True).order_by("table"))
    except DatabaseError:  # not migrated yet (e.g. the command line before `hrdd migrate`)
        return shipped_knowledge()
    if not editions:
        return shipped_knowledge()
    key = tuple((e.pk, e.imported_at.isoformat()) for e in editions)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = build_knowledge(
            {e.table: e.csv_text for e in editions}, editions={e.table: e.label for e in editions}
        )
    return _CACHE[key]


def knowledge_edition_list() -> QuerySet[KnowledgeEdition]:
    """Return every imported edition, newest first per table."""
    return KnowledgeEdition.objects.select_related("imported_by")


def risk_assessment_list(*, user: User) -> QuerySet[ProductRiskAssessment]:
    """Return the saved risk assessments of the user's organisation."""
    return ProductRiskAssessment.objects.filter(organisation_id=user.organisation_id).select_related(
        "consultation"
    )


def risk_assessment_get(*, user: User, public_id: uuid.UUID | str) -> ProductRiskAssessment:
    """Return one saved assessment of the user's organisation, or 404."""
    try:
        return ProductRiskAssessment.objects.get(public_id=public_id, organisation_id=user.organisation_id)
    except (ProductRiskAssessment.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("risk assessment not found") from exc
