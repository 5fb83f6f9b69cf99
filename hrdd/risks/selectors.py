"""Reads for product risks: the current knowledge base and saved assessments (scoped to the organisation)."""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict

from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.core.lists import newest_choices
from hrdd.domain.knowledge import KnowledgeBase, build_knowledge, shipped_knowledge
from hrdd.domain.risk import Adjustments, RiskAssessment, RiskMethod, assess_product_risk, get_risk_method
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


# The assessments made lately in this process, by product and adjustments: an assessment is a pure function of those,
# the knowledge base and the method (a frozen result, shared safely), and rating a product's 300 country-stage pairs
# costs 100-200 ms, which every view of a saved assessment paid again. An entry keeps the knowledge base and the
# method it was made from, so an imported edition (a new knowledge base) is never answered from an older one.
ASSESSMENTS_KEPT = 64
_ASSESSED: OrderedDict[tuple[int, int, str, str], tuple[KnowledgeBase, RiskMethod, RiskAssessment]] = (
    OrderedDict()
)
_ASSESSED_LOCK = threading.Lock()


def product_risk(product: str, adjustments: Adjustments | None = None) -> RiskAssessment:
    """The risk assessment of a product with the buyer's adjustments, from the current knowledge base and the
    risk method (UnknownProduct for a product the knowledge base does not know)."""
    adjustments = adjustments or Adjustments()
    knowledge, method = knowledge_current(), get_risk_method()
    key = (id(knowledge), id(method), product, json.dumps(adjustments.as_dict(), sort_keys=True))
    with _ASSESSED_LOCK:
        kept = _ASSESSED.get(key)
        if kept is not None and kept[0] is knowledge and kept[1] is method:
            _ASSESSED.move_to_end(key)
            return kept[2]
    result = assess_product_risk(product, knowledge, method, adjustments)
    with _ASSESSED_LOCK:
        _ASSESSED[key] = (knowledge, method, result)
        _ASSESSED.move_to_end(key)
        while len(_ASSESSED) > ASSESSMENTS_KEPT:
            _ASSESSED.popitem(last=False)
    return result


def knowledge_edition_list() -> QuerySet[KnowledgeEdition]:
    """Return every imported edition, newest first per table."""
    return KnowledgeEdition.objects.select_related("imported_by")


CHOICES = 200  # the newest assessments a form's select offers


def risk_assessment_list(
    *, user: User, query: str = "", product: str = "", with_result: bool = True
) -> QuerySet[ProductRiskAssessment]:
    """Return the saved risk assessments the user may see; `query` keeps those whose title contains it, `product`
    those of that product. Without `with_result` the saved results (large) are left unread: a list page's rows."""
    assessments = ProductRiskAssessment.objects.visible_to(user).select_related("procurement")
    if not with_result:
        assessments = assessments.defer("result", "adjustments")
    if query.strip():
        assessments = assessments.filter(title__icontains=query.strip())
    if product:
        assessments = assessments.filter(product=product)
    return assessments


def risk_assessment_choices(
    *, user: User, blank: str = "—", keep: ProductRiskAssessment | None = None
) -> list[tuple[str, str]]:
    """A select's choices: a blank one, then the user's newest saved assessments (and `keep`, when older), each
    with the day it was saved, so that two of the same title can be told apart."""
    newest = (
        ProductRiskAssessment.objects.visible_to(user)
        .only("public_id", "title", "updated_at")
        .order_by("-updated_at", "-id")
    )
    return newest_choices(newest, blank=blank, limit=CHOICES, keep=keep, label=saved_label)


def saved_label(assessment: ProductRiskAssessment) -> str:
    """A saved assessment as a choice names it: its title and the day it was last saved."""
    return _("%(title)s (saved %(day)s)") % {
        "title": assessment.title,
        "day": timezone.localtime(assessment.updated_at).date().isoformat(),
    }


def risk_assessment_get(*, user: User, public_id: uuid.UUID | str) -> ProductRiskAssessment:
    """Return one saved assessment the user may see, or NotFound."""
    return ProductRiskAssessment.objects.select_related("procurement").get_visible(user, public_id=public_id)
