"""The JSON API (django-ninja), with its OpenAPI document at /api/v1/openapi.json.

Errors are answered in one place, `error_answer` below, always in one shape (ErrorOut): `detail` is a sentence
that names the field at fault, `field` is its name ('' when no single field is at fault) and `errors` lists every
field at fault with its message.

- Refused input is 422: a body, query or path that breaks its schema (a missing or mistyped property, a property
  the operation does not know), and a value a domain rule or a service refuses (InputError and the domain's input
  errors). 422 rather than 400 because django-ninja answers 422 for a schema break: a client sees one status for
  "your input was refused" whichever layer refused it.
- A record that does not exist, or that another organisation owns, is 404 (NotFound, Http404); so is a product
  category the knowledge base does not know.
- A write the user's role does not allow is 403 (PermissionDenied).
- A supplier response that was already submitted is 409 until the buyer reopens it.
- A save made on a version of the record older than the saved one (StaleEdit: the "version" property or the
  If-Match header the client sent) is 409, nothing saved; the message names both versions.
- django-ninja's own errors keep their status in the same shape: 400 for a body that is not JSON, 401 without
  a login.
- A body is refused before it is read when it is over the size limit (413) or sent without its length (411), and
  a path, query or form value holding NUL or a control character is 422 naming it (hrdd.core.middleware); a JSON
  body nested deeper than HRDD_MAX_JSON_DEPTH is 400, a string in it holding a control character (other than tab
  and line breaks) or longer than HRDD_MAX_TEXT_CHARS is 422 naming its property (GuardedParser below).

Every operation declares in the OpenAPI document each status it can answer (`declare_error_answers`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.operation import Operation
from ninja.params.models import BodyModel, FileModel, FormModel, PathModel
from ninja.parser import Parser

from hrdd.accounts.api import router as shares_router
from hrdd.companies.api import router as companies_router
from hrdd.consultations.api import respond_router, scoring_router
from hrdd.consultations.api import router as consultations_router
from hrdd.consultations.services import AlreadySubmitted, ConsultationError
from hrdd.consultations.spreadsheets import SpreadsheetError
from hrdd.contracts.api import router as contracts_router
from hrdd.contracts.services import SubmissionError
from hrdd.contracts.sitelists import SiteListError
from hrdd.core.apidocs import local_swagger
from hrdd.core.errors import InputError, NotFound
from hrdd.core.inputs import refused_character, refused_character_message
from hrdd.core.linktokens import LinkClosed
from hrdd.core.schemas import ErrorOut
from hrdd.core.throttle import ANONYMOUS_PATH, LINK_PATH
from hrdd.core.uploads import FileTooLarge
from hrdd.core.versions import StaleEdit
from hrdd.domain.knowledge import KnowledgeError
from hrdd.domain.maturity import InvalidResponse, NoRespondents
from hrdd.domain.questionnaire_framework import FrameworkError
from hrdd.domain.risk import InvalidAdjustment, UnknownProduct
from hrdd.domain.tender import TenderInputError
from hrdd.incidents.api import public_router as grievances_router
from hrdd.incidents.api import router as incidents_router
from hrdd.procurements.api import router as procurements_router
from hrdd.profiles.api import router as profiles_router
from hrdd.programmes.api import router as programmes_router
from hrdd.risks.api import router as risks_router
from hrdd.risks.api import saved_router as saved_risks_router
from hrdd.risks.services import RiskAssessmentError
from hrdd.rmi.api import router as smelters_router
from hrdd.supplier_sites.api import router as sites_router
from hrdd.tenders.api import router as tenders_router

REFUSED_INPUT = 422

# The status of each error class; the most specific class an exception belongs to wins.
STATUS: dict[type[Exception], int] = {
    InputError: REFUSED_INPUT,
    FileTooLarge: 413,
    # the domain's input errors
    FrameworkError: REFUSED_INPUT,
    InvalidResponse: REFUSED_INPUT,
    NoRespondents: REFUSED_INPUT,
    TenderInputError: REFUSED_INPUT,
    InvalidAdjustment: REFUSED_INPUT,
    KnowledgeError: REFUSED_INPUT,
    # the apps' input errors (each is to become a subclass of InputError)
    ConsultationError: REFUSED_INPUT,
    SpreadsheetError: REFUSED_INPUT,
    RiskAssessmentError: REFUSED_INPUT,
    SiteListError: REFUSED_INPUT,
    SubmissionError: REFUSED_INPUT,
    AlreadySubmitted: 409,
    StaleEdit: 409,
    LinkClosed: 410,  # a supplier link revoked or past its last day (hrdd.core.linktokens)
    UnknownProduct: 404,
    NotFound: 404,
    Http404: 404,
    PermissionDenied: 403,
}

# django-ninja puts the body parameter's name after "body" in an error's location; the caller never wrote it.
SOURCES_WITH_PARAMETER_NAME = ("body",)


class RefusedBody(InputError):
    """A JSON body refused before its schema is checked: too deep (400), a string that cannot be stored or too
    long (422). django-ninja reports any parser error as "Cannot parse request body"; `error_answer` reads this
    one through it, to say what is wrong and where."""

    def __init__(self, message: str, *, field: str = "", status: int = REFUSED_INPUT) -> None:
        self.status = status
        super().__init__(message, field=field)


def _strings(data: Any, max_depth: int) -> Iterator[tuple[str, str]]:
    """(path, text) for every key and string value of parsed JSON, walked without recursion; refuses nesting
    deeper than `max_depth` levels."""
    stack: list[tuple[Any, str, int]] = [(data, "", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            yield path, value
            continue
        if isinstance(value, dict | list) and depth > max_depth:
            raise RefusedBody(
                _("The JSON body nests deeper than %(depth)d levels; send a flatter document.")
                % {"depth": max_depth},
                field=path,
                status=400,
            )
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f"{path}.{key}" if path else str(key)
                yield inner, str(key)
                stack.append((item, inner, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value))


class GuardedParser(Parser):
    """JSON bodies within the limits every input keeps: size, depth, characters, length of each text."""

    def parse_body(self, request: HttpRequest) -> Any:
        body = request.body
        if len(body) > int(settings.HRDD_MAX_FORM_BYTES):  # the middleware refuses it sooner, by its length
            raise RefusedBody(_("The request body is too large."), status=413)
        try:
            data = json.loads(body)
        except RecursionError as exc:
            raise RefusedBody(
                _("The JSON body nests deeper than %(depth)d levels; send a flatter document.")
                % {"depth": settings.HRDD_MAX_JSON_DEPTH},
                status=400,
            ) from exc
        limit = int(settings.HRDD_MAX_TEXT_CHARS)
        for path, text in _strings(data, int(settings.HRDD_MAX_JSON_DEPTH)):
            character = refused_character(text)
            if character is not None:
                raise RefusedBody(refused_character_message(path, character), field=path)
            if len(text) > limit:
                raise RefusedBody(
                    _("%(field)s is too long: at most %(limit)d characters")
                    % {"field": path, "limit": limit},
                    field=path,
                )
        return data


# The statuses every operation of a kind can answer, whatever its router declares (see declare_error_answers).
# A body: not JSON or nested too deep (400), sent without its length (411), too large (413).
PARSE_ERRORS = (400, 411, 413)


SERVED_AT = "/api/v1"  # where config/urls.py mounts the API
# The operations of a supplier link that closes (hrdd.core.linktokens: an invitation's, a contract's): 410 once closed.
CLOSING_LINK_PATH = re.compile(r"^/api/v1/(?:responses|incidents/public/supplier)/")


def served_address(prefix: str, path: str) -> str:
    """An address an operation answers, its path parameters filled in: /api/v1/responses/x/submit."""
    parts = [part.strip("/") for part in (SERVED_AT, prefix, path) if part.strip("/")]
    return re.sub(r"\{[^}]*\}", "x", "/" + "/".join(parts) + ("/" if path.endswith("/") else ""))


def declare_error_answers(operation: Operation, address: str) -> None:
    """Declare in the OpenAPI document every error status the operation can answer, all in the ErrorOut shape: 422
    (any input, a query too), 400/411/413 with a body, 404 with a record in its path, 401 behind a login, 403 for
    a write behind a login (the CSRF check of a session), 429 where hrdd.core.throttle counts the requests (the
    supplier links, the anonymous risk check) and 410 for a supplier link's token that was closed. The statuses a
    router declares itself (409) stay."""
    models = operation.models
    statuses = {REFUSED_INPUT}
    if LINK_PATH.match(address) or ANONYMOUS_PATH.match(address):
        statuses.add(429)
    if CLOSING_LINK_PATH.match(address):
        statuses.add(410)
    read_raw = "requestBody" in (operation.openapi_extra or {})  # a body the view reads itself (request.body)
    if read_raw or any(issubclass(m, BodyModel | FormModel | FileModel) for m in models):
        statuses.update(PARSE_ERRORS)
    if any(issubclass(m, PathModel) for m in models):
        statuses.add(404)
    if operation.auth_callbacks:
        statuses.add(401)
        if set(operation.methods) - {"GET", "HEAD", "OPTIONS"}:
            statuses.add(403)
    only = next(iter(operation.response_models)) if len(operation.response_models) == 1 else 200
    if 200 < only < 300:  # django-ninja answers a sole success status for a returned body: it must stay sole
        return
    for status in sorted(statuses - set(operation.response_models)):
        operation.response_models[status] = operation._create_response_model(ErrorOut)


class HrddAPI(NinjaAPI):
    """django-ninja's API, whose operations declare every error status they can answer once bound to it."""

    def _get_bound_routers(self) -> Any:
        binding = self._bound_routers_cache is None
        routers = super()._get_bound_routers()
        if binding:  # once, when the operations are first bound (for the URLs or the OpenAPI document)
            for router in routers:
                for path, path_view in router.path_operations.items():
                    for operation in path_view.operations:
                        declare_error_answers(operation, served_address(router.prefix, path))
        return routers


api = HrddAPI(
    title="hrdd API",
    version="1",
    description="Human-rights due diligence for ICT procurement: questionnaire scoring, market readiness, "
    "consultations, product risks, tenders, contracts.\n\n"
    "Every error answers {detail, field, errors}. Refused input is 422 and names the field at fault (a property "
    "the operation does not know is refused too); a record that does not exist or belongs to another "
    "organisation is 404; a write your role does not allow is 403. A body that is not JSON or nests deeper "
    "than 32 levels is 400, one over the size limit 413 (refused before it is read); a text holding NUL or "
    "another control character is 422 naming it. Each operation lists every status it can answer.",
    urls_namespace="api",
    docs=local_swagger(),
    parser=GuardedParser(),
)


def _path(location: Sequence[str | int]) -> str:
    """Write a django-ninja error location as the field path the domain uses: bids[0].price, weights.AC3."""
    source, *parts = location
    if source in SOURCES_WITH_PARAMETER_NAME and len(parts) > 1:
        parts = parts[1:]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _problems(exc: Exception) -> list[tuple[str, str]]:
    """(field, message) for every problem an exception reports; field is '' when none is named."""
    if isinstance(exc, SchemaError):
        return [(_path(e["loc"]), str(e["msg"])) for e in exc.errors]
    if isinstance(exc, InvalidResponse):
        return [(e.field, e.message) for e in exc.errors]
    field = str(getattr(exc, "field", "") or "")
    message = str(exc)
    if field and message.startswith(f"{field}: "):
        message = message[len(field) + 2 :]
    if not message:
        message = "not found" if isinstance(exc, Http404) else "refused"
    return [(field, message)]


def error_answer(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Answer every error the same way: the status of its class, and what is wrong with which field."""
    if isinstance(exc, HttpError) and isinstance(exc.__cause__, RefusedBody):
        exc = exc.__cause__  # what the parser refused, rather than django-ninja's "Cannot parse request body"
    if isinstance(exc, RefusedBody):
        status = exc.status
    elif isinstance(exc, SchemaError):
        status = REFUSED_INPUT
    elif isinstance(exc, HttpError):
        status = exc.status_code
    else:
        status = next(STATUS[cls] for cls in type(exc).__mro__ if cls in STATUS)
    problems = _problems(exc)
    return api.create_response(
        request,
        {
            "detail": "; ".join(f"{field}: {message}" if field else message for field, message in problems),
            "field": problems[0][0],
            "errors": [{"field": field, "message": message} for field, message in problems if field],
        },
        status=status,
    )


for error_class in (*STATUS, SchemaError, HttpError):
    api.add_exception_handler(error_class, error_answer)

api.add_router("/", scoring_router)
api.add_router("/procurements", procurements_router)
api.add_router("/companies", companies_router)
api.add_router("/consultations", consultations_router)
api.add_router("/responses", respond_router)
api.add_router("/risks", risks_router)
api.add_router("/risk-assessments", saved_risks_router)
api.add_router("/tenders", tenders_router)
api.add_router("/contracts", contracts_router)
api.add_router("/sites", sites_router)
api.add_router("/smelters", smelters_router)
api.add_router("/incidents", incidents_router)
api.add_router("/incidents/public", grievances_router)
api.add_router("/programmes", programmes_router)
api.add_router("/profiles", profiles_router)
api.add_router("/shares", shares_router)
