"""The JSON API (django-ninja), with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

from hrdd.consultations.api import respond_router, scoring_router
from hrdd.consultations.api import router as consultations_router

api = NinjaAPI(
    title="hrdd API",
    version="1",
    description="Human-rights due diligence for ICT procurement: questionnaire scoring, market readiness, "
    "consultations.",
    urls_namespace="api",
)
api.add_router("/", scoring_router)
api.add_router("/consultations", consultations_router)
api.add_router("/responses", respond_router)
