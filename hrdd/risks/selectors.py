"""Reads for product risks: the current knowledge base and saved assessments (scoped to the organisation)."""

from __future__ import annotations

import uuid

from django.db import DatabaseError
from django.db.models import QuerySet

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
    """Return the saved risk assessments the user may see."""
    return ProductRiskAssessment.objects.visible_to(user).select_related("procurement")


def risk_assessment_get(*, user: User, public_id: uuid.UUID | str) -> ProductRiskAssessment:
    """Return one saved assessment the user may see, or NotFound."""
    return ProductRiskAssessment.objects.select_related("procurement").get_visible(user, public_id=public_id)
