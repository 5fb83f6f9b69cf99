"""What every page's header needs: the organisations the user can switch between, and which part of the
navigation the page belongs to (its link is marked aria-current="page")."""

from typing import Any

from django.http import HttpRequest

# The navigation's parts: a URL namespace (or a URL name outside any namespace) -> its link in base.html.
NAV_SECTIONS = {
    "overview": "overview",
    "procurements": "procurements",
    "risks": "risks",
    "consultations": "consultations",
    "tenders": "tenders",
    "contracts": "contracts",
    "companies": "companies",
    "supplier_sites": "sites",
    "incidents": "incidents",
    "rmi": "smelters",
    "audit": "audit",
    "audit_export": "audit",
    "accounts": "account",
}
# The account pages about the organisation's members (the rest are the user's own account).
MEMBER_PAGES = frozenset(
    {"members", "member", "deactivate", "reactivate", "invitations", "resend", "withdraw"}
)


def memberships(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"memberships": []}
    from hrdd.accounts.selectors import memberships_of

    return {"memberships": memberships_of(user)}


def navigation(request: HttpRequest) -> dict[str, Any]:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {"nav": ""}
    if match.namespace == "accounts" and match.url_name in MEMBER_PAGES:
        return {"nav": "members"}
    return {"nav": NAV_SECTIONS.get(match.namespace or match.url_name or "", "")}
