"""What every page's header needs: the organisations the user can switch between."""

from typing import Any

from django.http import HttpRequest


def memberships(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"memberships": []}
    return {"memberships": user.memberships.select_related("organisation")}
