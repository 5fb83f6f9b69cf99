"""The JSON API (django-ninja), with its OpenAPI document at /api/v1/openapi.json."""

from ninja import NinjaAPI

from hrdd.consultations.api import respond_router, scoring_router
from hrdd.consultations.api import router as consultations_router
from hrdd.risks.api import router as risks_router
from hrdd.risks.api import saved_router as saved_risks_router
from hrdd.tenders.api import router as tenders_router

api = NinjaAPI(
    title="hrdd API",
    version="1",
    description="Human-rights due diligence for ICT procurement: questionnaire scoring, market readiness, "
    "consultations, product risks, tenders.",
    urls_namespace="api",
)
api.add_router("/", scoring_router)
api.add_router("/consultations", consultations_router)
api.add_router("/responses", respond_router)
api.add_router("/risks", risks_router)
api.add_router("/risk-assessments", saved_risks_router)
api.add_router("/tenders", tenders_router)
