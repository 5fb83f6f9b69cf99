"""Parts of the incidents drawn on other apps' pages, so that those pages need one line and no view change: the
notices on a landing page, the corrective actions on a supplier's contract page, the remediation KPI on the
buyer's contract page and the supplier's record on a company's page. Each costs a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from hrdd.core.models import active_organisation_id
from hrdd.core.uploads import upload_hint
from hrdd.incidents import selectors
from hrdd.incidents.services import DOCUMENT_EXTENSIONS

register = template.Library()


@register.inclusion_tag("incidents/_notices.html", takes_context=True)
def incident_notices(context: Any) -> dict[str, Any]:
    """The user's notices (incidents touching their organisation's contracts), unread first: two queries."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notices": []}
    notices = selectors.notices_for(user, limit=10)
    unread = sum(1 for n in notices if not n.is_read)
    if unread == len(notices) == 10:
        unread = selectors.notice_unread_count(user)
    return {"notices": notices, "unread": unread, "request": request}


@register.inclusion_tag("incidents/_supplier_steps.html")
def supplier_remediation(contract: Any) -> dict[str, Any]:
    """The steps a contract's supplier reports on through its link (two queries)."""
    return {
        "contract": contract,
        "remediation_steps": selectors.steps_for_supplier(contract=contract),
        "today": timezone.localdate(),
        "upload_hint": upload_hint(list(DOCUMENT_EXTENSIONS)),
    }


# How many incidents the company page lists (the count covers them all).
RECORD_INCIDENTS = 10


def _title_shown(step: Any, organisation_id: int | None) -> bool:
    """Whether a step's incident may be named to the step's organisation: its own incident, or one shared beyond
    its owner (an incident made owner-only since the step was set keeps its title to its owner)."""
    incident = step.incident
    return incident.organisation_id == organisation_id or incident.confidentiality != "owner_only"


@register.inclusion_tag("incidents/_contract_remediation.html", takes_context=True)
def contract_remediation(context: Any, contract: Any) -> dict[str, Any]:
    """The buyer's contract page: the KPI responsiveness of remediation (how the supplier answers its corrective
    actions: on time, overdue, verified) with its reasons, and the steps tied to the contract (one query: the
    rating is computed from the same rows, so it is not stored; see selectors.contract_remediation)."""
    today = timezone.localdate()
    steps = list(selectors.plan_steps_for_contracts([contract.pk]).select_related("incident"))
    rating = selectors.rate_steps(steps, today)
    request = context.get("request")
    organisation_id = active_organisation_id(request.user) if request is not None else None
    rows = [
        {
            "step": s,
            "title_shown": _title_shown(s, organisation_id),
            "overdue": s.verified_on is None and s.deadline < today,
        }
        for s in steps
    ]
    return {"contract": contract, "rating": rating, "rows": rows}


@register.inclusion_tag("incidents/_supplier_record.html", takes_context=True)
def supplier_record(context: Any, company: Any) -> dict[str, Any]:
    """A company's page: the incidents in the viewer's audience that touch it (about it, its group or a site its
    lists name) and its remediation record over the corrective actions of its contracts (three queries)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    organisation_id = active_organisation_id(user) if user is not None else None
    if organisation_id is None or company.organisation_id != organisation_id:
        return {"company": company, "incidents": [], "record": None}
    found = list(selectors.supplier_incidents(user=user, company=company)[: RECORD_INCIDENTS + 1])
    record = selectors.supplier_remediation_record(
        organisation_id=organisation_id, company_ids=[company.pk], today=timezone.localdate()
    )[company.pk]
    return {
        "company": company,
        "incidents": found[:RECORD_INCIDENTS],
        "more": len(found) > RECORD_INCIDENTS,
        "record": record,
        "organisation_id": organisation_id,
    }
