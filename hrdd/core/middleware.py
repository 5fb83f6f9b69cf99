"""The middleware hrdd adds to Django's: a selector's NotFound answered as Http404, the user's saved language, and
the limits every request keeps before any view sees it (its size, and no character that cannot be stored)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from hrdd.core.errors import NotFound, StoredFileMissing
from hrdd.core.inputs import refused_character, refused_character_message
from hrdd.core.languages import shipped
from hrdd.core.uploads import format_size, max_upload_bytes

API_PREFIX = "/api/"
# What a multipart body carries besides its files: the form's other fields, the parts' headers and boundaries.
MULTIPART_OVERHEAD_BYTES = 1024 * 1024
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, StoredFileMissing):  # the one 404 whose message the page shows: what to do
            return render(request, "404.html", {"message": str(exception)}, status=404)
        if isinstance(exception, NotFound):
            raise Http404(str(exception)) from exception
        return None


class UserLanguageMiddleware:
    """A logged-in user's saved language wins over the browser's guess (LocaleMiddleware, which runs first, reads
    the language cookie and then Accept-Language): the choice made once in the header follows them to any device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and shipped(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)


def body_limit(content_type: str) -> int:
    """The largest body accepted: a file upload's limit plus its form for a multipart body, else HRDD_MAX_FORM_BYTES."""
    if content_type.startswith("multipart/"):
        return max_upload_bytes() + MULTIPART_OVERHEAD_BYTES
    return int(settings.HRDD_MAX_FORM_BYTES)


def _fields(request: HttpRequest) -> Iterable[tuple[str, str]]:
    """(field, value) for everything of a request a view may read as text: its path, its query's names and values,
    and a form body's names, values and file names."""
    yield "path", request.path
    sources = [request.GET]
    if request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
        sources.append(request.POST)
    for data in sources:
        for name, values in data.lists():
            yield name, name
            for value in values:
                yield name, value
    if request.method == "POST" and request.content_type == "multipart/form-data":
        for name, uploads in request.FILES.lists():
            for upload in uploads:
                yield name, str(upload.name or "")


class RequestLimitMiddleware:
    """Refuse a request a view should never see, with a message that says what to do: a body over the size limit
    (413) or of unknown length (411), checked before it is read; a path, query or form value holding a character no
    input may hold (hrdd.core.inputs: NUL, control characters), naming the field (400 on a page, 422 from the API
    as for any refused input). A page form refuses the line breaks of a one-line field itself (hrdd.core.forms)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        """The answer refusing the request, or None to let it through."""
        declared = str(request.META.get("CONTENT_LENGTH") or "").strip()
        chunked = "chunked" in str(request.META.get("HTTP_TRANSFER_ENCODING", "")).lower()
        if not declared and chunked:
            return self.refuse(
                request,
                411,
                _(
                    "Send the request with its length (a Content-Length header): a body sent in chunks is refused."
                ),
            )
        if declared:
            size = int(declared) if declared.isdigit() else -1
            if size < 0:
                return self.refuse(
                    request, 400, _("The request's Content-Length header is not a number of bytes.")
                )
            limit = body_limit(str(request.META.get("CONTENT_TYPE", "")))
            if size > limit:
                return self.refuse(
                    request,
                    413,
                    _(
                        "The request is too large (%(size)s; at most %(limit)s is accepted). Send a smaller file, "
                        "fewer files at once, or less text."
                    )
                    % {"size": format_size(size), "limit": format_size(limit)},
                )
        for field, value in _fields(request):
            character = refused_character(value)
            if character is not None:
                api = request.path.startswith(API_PREFIX)
                return self.refuse(
                    request, 422 if api else 400, refused_character_message(field, character), field
                )
        return None

    @staticmethod
    def refuse(request: HttpRequest, status: int, message: str, field: str = "") -> HttpResponse:
        """Answer the API in its error shape (hrdd.core.schemas.ErrorOut), a person with a page."""
        if request.path.startswith(API_PREFIX):
            errors = [{"field": field, "message": message}] if field else []
            return JsonResponse({"detail": message, "field": field, "errors": errors}, status=status)
        return render(request, "core/request_refused.html", {"message": message}, status=status)


class ApiErrorShapeMiddleware:
    """An error the API answers outside django-ninja keeps the API's error shape (hrdd.core.schemas.ErrorOut) and
    its status: no address matches (an id in the path that is no UUID), a method the operation does not take,
    Django's own error pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = str(response.get("Content-Type", "")).split(";")[0].strip()
        if (
            not request.path.startswith(API_PREFIX)
            or response.status_code < 400
            or content_type == "application/json"
        ):
            return response
        detail = _("not found") if response.status_code == 404 else str(response.reason_phrase)
        shaped = JsonResponse({"detail": detail, "field": "", "errors": []}, status=response.status_code)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                shaped[header] = response[header]
        return shaped
