"""The language a supplier reads hrdd in, behind a secret link and in the e-mails sent to them (issue 16).

A supplier has no account to remember a choice on. The language of their pages is, in this order: the one they
chose with the switch in the page's header (the language cookie), else the one the buyer set for them (an
invitation's or a contract's language), else the browser's (what the locale middleware made active). Their
e-mails have no browser to ask: they are written in the language the buyer set, else the site's default."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError


def shipped(code: object) -> str:
    """The language code if hrdd ships it ('en', 'nl', 'fr', 'de'), else ''."""
    value = str(code or "").strip().lower()
    return value if value in dict(settings.LANGUAGES) else ""


def language_choice(value: object, *, field: str = "language", required: bool = False) -> str:
    """A language a buyer sets for a supplier: a shipped code, or '' for none (the supplier's browser decides) unless
    `required`; anything else raises InputError naming the field."""
    code = str(value or "").strip().lower()
    if (code or required) and not shipped(code):
        known = ", ".join(dict(settings.LANGUAGES))
        raise InputError(
            _("Unknown language %(code)r; choose one of %(known)s.") % {"code": code[:20], "known": known},
            field=field,
        )
    return code


def active_language() -> str:
    """The language active now (the page's or the buyer's), as a shipped code; '' outside any known language."""
    return shipped((translation.get_language() or "").split("-")[0])


def page_language(request: HttpRequest, preferred: str = "") -> str:
    """The language of a supplier's page: the one chosen with the header's switch (the cookie), else `preferred`
    (the one the buyer set), else the one the middleware made active (the browser's)."""
    return (
        shipped(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        or shipped(preferred)
        or active_language()
        or settings.LANGUAGE_CODE
    )


def mail_language(preferred: str = "") -> str:
    """The language of an e-mail to a supplier: the one the buyer set, else the site's default."""
    return shipped(preferred) or settings.LANGUAGE_CODE


@contextmanager
def supplier_page_language(request: HttpRequest, preferred: str = "") -> Iterator[SupplierPage]:
    """Render a supplier's page in its language (`page_language`): messages and templates inside the block are
    said in it; `page.answer(response)` marks the response with it (Content-Language, varying by cookie)."""
    page = SupplierPage(page_language(request, preferred))
    previous = getattr(request, "LANGUAGE_CODE", None)
    with translation.override(page.language):
        request.LANGUAGE_CODE = page.language  # type: ignore[attr-defined]
        try:
            yield page
        finally:
            if previous is not None:
                request.LANGUAGE_CODE = previous  # type: ignore[attr-defined]


class SupplierPage:
    """The language a supplier's page is rendered in, and the marks its response carries."""

    def __init__(self, language: str) -> None:
        self.language = language

    def answer(self, response: HttpResponse) -> HttpResponse:
        """The response, marked with the page's language; caches keep one copy per cookie and browser."""
        response.headers["Content-Language"] = self.language
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response
