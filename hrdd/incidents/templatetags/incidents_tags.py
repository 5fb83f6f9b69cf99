"""Parts of the incidents drawn on other apps' pages, so that those pages need one line and no view change: the
notices on a landing page, and the corrective actions on a supplier's contract page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

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
