"""The programmes' API under /api/v1/programmes: one router per area, each in its own module."""

from ninja import Router

from hrdd.programmes import certification_api, diligence_api, ngo_api, programme_api

router = Router()
router.add_router("", programme_api.router)
router.add_router("", diligence_api.router)
router.add_router("", certification_api.router)
router.add_router("", ngo_api.router)
