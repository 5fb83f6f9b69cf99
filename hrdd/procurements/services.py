"""Writes for procurements: create, update, and the one rule that keeps every step of a purchase together."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record, save_audited
from hrdd.core.errors import InputError
from hrdd.core.versions import claim_version
from hrdd.procurements.models import Procurement, product_category_choices


def _state(procurement: Procurement) -> dict[str, Any]:
    return {
        "title": procurement.title,
        "product_category": procurement.product_category,
        "reference": procurement.reference,
        "status": procurement.status,
    }


def _clean(*, title: str, product_category: str, reference: str, status: str) -> dict[str, str]:
    title = (title or "").strip()
    if not title:
        raise InputError(_("A title is required."), field="title")
    if len(title) > 200:
        raise InputError(_("The title is longer than 200 characters."), field="title")
    if product_category and product_category not in dict(product_category_choices()):
        raise InputError(_("Unknown product category %r.") % product_category, field="product_category")
    reference = (reference or "").strip()
    if len(reference) > 100:
        raise InputError(_("The reference is longer than 100 characters."), field="reference")
    if status not in Procurement.Status.values:
        raise InputError(_("Unknown status %r.") % status, field="status")
    return {"title": title, "product_category": product_category, "reference": reference, "status": status}


@transaction.atomic
def procurement_create(
    *,
    actor: User,
    title: str,
    product_category: str,
    reference: str = "",
    status: str = Procurement.Status.OPEN,
) -> Procurement:
    """Open a procurement (one purchase) in the organisation the actor works in."""
    organisation = writer_organisation(actor)
    values = _clean(title=title, product_category=product_category, reference=reference, status=status)
    procurement = Procurement.objects.create(organisation=organisation, created_by=actor, **values)
    audit_record(
        actor=actor, organisation=organisation, action="procurement.create", target=procurement, after=values
    )
    return procurement


@transaction.atomic
def procurement_update(
    *,
    actor: User,
    procurement: Procurement,
    title: str,
    product_category: str,
    reference: str,
    status: str,
    version: int | None = None,
) -> Procurement:
    """Change a procurement's title, category, reference or status; a change made on another `version` than the
    saved one is refused (StaleEdit)."""
    require_writer(actor, procurement.organisation)
    values = _clean(title=title, product_category=product_category, reference=reference, status=status)
    claim_version(procurement, version, what=_("procurement"), refresh=True)
    save_audited(actor=actor, record=procurement, values=values, action="procurement.update", state=_state)
    return procurement


def procurement_of_step(
    *, actor: User, procurement: Procurement | None, parts: list[Any], title: str, product_category: str
) -> Procurement:
    """The procurement a step's record joins: the one chosen, or the one its parts belong to, or a new one.

    Every part (a consultation, a risk assessment, a tender) must belong to the same procurement: a tender can
    not mix the consultation of one purchase with the risk assessment of another.
    """
    chosen = {p.procurement_id for p in parts if p is not None}
    if procurement is not None:
        if procurement.organisation_id != actor.organisation_id:
            raise InputError(_("Unknown procurement."), field="procurement")
        chosen.add(procurement.pk)
    if len(chosen) > 1:
        raise InputError(
            _("These records belong to different procurements; choose ones of the same procurement."),
            field="procurement",
        )
    if chosen:
        return procurement or Procurement.objects.get(pk=chosen.pop())
    category = product_category if product_category in dict(product_category_choices()) else ""
    return procurement_create(
        actor=actor, title=title or _("Untitled procurement"), product_category=category
    )
