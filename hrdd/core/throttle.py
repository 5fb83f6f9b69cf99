"""Limits on what anyone may ask without an account (issue 17): the supplier links (a page, the API, a calendar
feed), the anonymous risk check, and login attempts (django-axes, whose lockout answers through `login_locked`).

`SupplierLinkMiddleware` (in MIDDLEWARE, after hrdd.core.middleware.NotFoundMiddleware so that its answer to a
closed link comes first) counts each client's requests per rule in a fixed window of the cache, and answers 429
with Retry-After and a message once a rule's limit is reached. The pages of a link are sent with Cache-Control:
no-store and Referrer-Policy: same-origin, so that neither a shared cache nor another site visited next learns
the secret address; a link that was revoked or is past its last day answers 410 with whom to ask.

The counts live in the cache named by HRDD_THROTTLE_CACHE (Django's "default": in-process memory unless CACHES
says otherwise). Several server processes each count on their own unless that cache is shared (the database or
Redis cache), which the production settings should set."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hrdd.core.linktokens import LinkClosed

# The paths a secret link opens (pages, API operations, calendar feeds, downloads).
LINK_PATH = re.compile(
    r"^/(?:respond|contracts/supplier|contracts/feeds|profiles/(?:manage|keep)|smelters/supplier"
    r"|incidents/supplier|report|api/v1/(?:responses|profiles|incidents/public))/"
)
# A calendar feed is polled by calendar programs that keep its ETag: it is not sent no-store.
FEED_PATH = re.compile(r"^/contracts/feeds/")
# What anyone may ask without logging in that costs work: the anonymous risk check (page and API).
ANONYMOUS_PATH = re.compile(r"^/(?:api/v1/risks/check|risks/check/)")


@dataclass(frozen=True)
class Rule:
    """At most `limit` requests per `window` seconds from one client on the paths `pattern` matches."""

    name: str
    pattern: re.Pattern[str]
    limit: int
    window: int
    anonymous_only: bool = False

    def applies(self, request: HttpRequest) -> bool:
        if not self.pattern.match(request.path):
            return False
        return not (self.anonymous_only and getattr(request, "user", None) and request.user.is_authenticated)


def rules() -> list[Rule]:
    """The rules in force, from the settings (read at each request, so that tests may change them)."""
    window = int(getattr(settings, "HRDD_THROTTLE_WINDOW", 60))
    return [
        Rule("link", LINK_PATH, int(getattr(settings, "HRDD_THROTTLE_LINK_LIMIT", 120)), window),
        Rule(
            "anonymous",
            ANONYMOUS_PATH,
            int(getattr(settings, "HRDD_THROTTLE_ANONYMOUS_LIMIT", 20)),
            window,
            anonymous_only=True,
        ),
    ]


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or, behind HRDD_THROTTLE_PROXY_HOPS trusted proxies, the address the
    outermost of them saw (X-Forwarded-For read from the right, so that a client cannot choose it)."""
    hops = int(getattr(settings, "HRDD_THROTTLE_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def throttle_wait(rule: Rule, client: str, *, now: float | None = None) -> int:
    """Count one request of `client` under `rule`; 0 when it is allowed, else the seconds until the window
    ends (the Retry-After)."""
    now = time.time() if now is None else now
    window_start = int(now // rule.window) * rule.window
    key = f"hrdd-throttle:{rule.name}:{client}:{window_start}"
    cache = caches[getattr(settings, "HRDD_THROTTLE_CACHE", "default")]
    cache.add(key, 0, timeout=rule.window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=rule.window + 1)
        count = 1
    if count <= rule.limit:
        return 0
    return max(1, math.ceil(window_start + rule.window - now))


def too_many(request: HttpRequest, *, wait: int, message: str) -> HttpResponse:
    """A 429 answer with Retry-After and a message: JSON in the API's error shape, a page elsewhere."""
    if request.path.startswith("/api/"):
        answer: HttpResponse = JsonResponse(
            {"detail": message, "field": "", "errors": [{"field": "", "message": message}]}, status=429
        )
    else:
        answer = render(request, "core/too_many.html", {"message": message}, status=429)
    answer["Retry-After"] = str(wait)
    return answer


def link_closed_page(request: HttpRequest, closed: LinkClosed) -> HttpResponse:
    """The page of a link that no longer works (410): why, and whom to ask for a new one."""
    return render(
        request,
        "core/link_closed.html",
        {
            "expired": closed.reason == LinkClosed.EXPIRED,
            "buyer": closed.buyer,
            "title": closed.title,
            "day": closed.on.isoformat() if closed.on else "",
        },
        status=410,
    )


class SupplierLinkMiddleware:
    """Throttle anonymous paths, keep secret links out of caches and other sites' Referer headers, answer closed links 410."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if getattr(settings, "HRDD_THROTTLE_ENABLED", True):
            for rule in rules():
                if rule.applies(request):
                    wait = throttle_wait(rule, client_address(request))
                    if wait:
                        return self._secret(
                            request,
                            too_many(
                                request,
                                wait=wait,
                                message=_(
                                    "Too many requests from your address. Please wait %(seconds)d seconds and "
                                    "try again."
                                )
                                % {"seconds": wait},
                            ),
                        )
        return self._secret(request, self.get_response(request))

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LinkClosed):
            return self._secret(request, link_closed_page(request, exception))
        return None

    @staticmethod
    def _secret(request: HttpRequest, answer: HttpResponse) -> HttpResponse:
        if LINK_PATH.match(request.path):
            if not FEED_PATH.match(request.path):
                answer["Cache-Control"] = "no-store"
            # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the page's own
            # forms, which CSRF protection rightly refuses; another site still never receives the address
            answer["Referrer-Policy"] = "same-origin"
        return answer


def login_locked(request: HttpRequest, original_response: Any, credentials: Any) -> HttpResponse:
    """django-axes' answer once an address has failed to log in too often (AXES_LOCKOUT_CALLABLE): 429 with
    Retry-After and what to do."""
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    seconds = int(cool_off.total_seconds()) if cool_off is not None else 3600
    minutes = max(1, math.ceil(seconds / 60))
    message = _(
        "Too many failed log-in attempts for this e-mail address from your address. Try again in %(minutes)d "
        "minutes, or reset your password."
    ) % {"minutes": minutes}
    return too_many(request, wait=seconds, message=message)
