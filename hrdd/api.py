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
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError

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
    UnknownProduct: 404,
    NotFound: 404,
    Http404: 404,
    PermissionDenied: 403,
}

# django-ninja puts the body parameter's name after "body" in an error's location; the caller never wrote it.
SOURCES_WITH_PARAMETER_NAME = ("body",)

api = NinjaAPI(
    title="hrdd API",
    version="1",
    description="Human-rights due diligence for ICT procurement: questionnaire scoring, market readiness, "
    "consultations, product risks, tenders, contracts.\n\n"
    "Every error answers {detail, field, errors}. Refused input is 422 and names the field at fault (a property "
    "the operation does not know is refused too); a record that does not exist or belongs to another "
    "organisation is 404; a write your role does not allow is 403.",
    urls_namespace="api",
    docs=local_swagger(),
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
    if isinstance(exc, SchemaError):
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
