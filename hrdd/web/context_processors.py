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

# The account pages about sharing records with other organisations (issue 16).
SHARING_PAGES = frozenset({"shared", "shared_by_us", "groups", "group"})


def memberships(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"memberships": []}
    from hrdd.accounts.selectors import memberships_of

    return {"memberships": memberships_of(user)}


# The programme pages' parts, by the start of their URL name (the first that matches; the rest are "programmes").
PROGRAMME_SECTIONS = (
    ("ngo", "ngo"),
    ("certification", "certifications"),
    ("case", "cases"),
    ("supplier", "suppliers"),
    ("sourcing", "suppliers"),
    ("tier", "suppliers"),
    ("assessment", "suppliers"),
    ("gap", "suppliers"),
    ("enrolment", "suppliers"),
    ("milestone", "suppliers"),
)


def works_on_sourcing(user: Any) -> bool:
    """Whether the user's navigation is a company's responsible sourcing (programme, suppliers, certifications,
    smelters, incidents, NGO answers) rather than a buyer's four procurement steps: a member of a company, or a
    responsible-sourcing manager wherever they work."""
    from hrdd.accounts.models import Organisation, Role

    organisation = getattr(user, "organisation", None)
    if organisation is not None and organisation.kind == Organisation.Kind.COMPANY:
        return True
    return getattr(user, "role", None) == Role.SOURCING_MANAGER


def _section(match: Any) -> str:
    if match.namespace == "accounts" and match.url_name in MEMBER_PAGES:
        return "members"
    if match.namespace == "accounts" and match.url_name in SHARING_PAGES:
        return "shared"
    if match.namespace == "programmes":
        name = match.url_name or ""
        return next(
            (section for start, section in PROGRAMME_SECTIONS if name.startswith(start)), "programmes"
        )
    return NAV_SECTIONS.get(match.namespace or match.url_name or "", "")


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    sourcing = bool(user is not None and user.is_authenticated and works_on_sourcing(user))
    match = getattr(request, "resolver_match", None)
    return {"nav": _section(match) if match is not None else "", "nav_sourcing": sourcing}
