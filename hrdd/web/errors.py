"""Error answers of hrdd's own where Django would draw its technical ones (CSRF_FAILURE_VIEW in config.settings).

The other error pages (400, 403, 404, 500) are the templates of the same names, which Django's default handlers
draw when DEBUG is off."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: say what to do, never why the check failed (the reason is for the log)."""
    if request.path.startswith(API_PREFIX):
        message = _(
            "The request was refused: send the CSRF token of your session with it (X-CSRFToken header)."
        )
        return JsonResponse({"detail": message}, status=403)
    return render(request, "403_csrf.html", status=403)
