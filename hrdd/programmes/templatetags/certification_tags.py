"""Parts of the certifications drawn on other apps' pages with one line and no view change: a company's
certifications, memberships and ratings on its page (one query)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from hrdd.programmes.certifications import company_certifications as company_records

register = template.Library()


@register.inclusion_tag("programmes/certification_company.html", takes_context=True)
def company_certifications(context: Any, company: Any) -> dict[str, Any]:
    """The company's records the viewer may see, with their validity and warnings today (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"rows": [], "company": company, "shown": False}
    return {
        "rows": company_records(user=user, company=company, today=timezone.localdate()),
        "company": company,
        "shown": True,
        "user": user,
    }
