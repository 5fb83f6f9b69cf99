"""The API's documentation page (Swagger UI) served from the files django-ninja ships, with nothing from a CDN.

django-ninja renders its docs page with its own templates and static files only when "ninja" is an installed app,
and installing it imports the whole package (pydantic, django.test, ...) whenever Django starts: about 0.1 s for
every command of the command line and every worker. This app config installs the package's templates and static
files by their folder instead, without importing the package, and `LocalSwagger` renders the page with them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

if TYPE_CHECKING:
    from ninja import NinjaAPI


def _ninja_folder() -> str:
    spec = importlib.util.find_spec("ninja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("django-ninja is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))))


class ApiDocsConfig(AppConfig):
    """django-ninja's templates (ninja/swagger.html) and static files (ninja/swagger-ui-bundle.js), by folder."""

    name = "hrdd.core.apidocs"
    label = "ninja_docs_assets"
    verbose_name = "API documentation assets"
    path = _ninja_folder()


def local_swagger() -> Any:
    """django-ninja's Swagger page, always rendered with the installed templates and static files."""
    from ninja.openapi.docs import Swagger, _csrf_needed

    class LocalSwagger(Swagger):
        def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
            self.settings["url"] = self.get_openapi_url(api, kwargs)
            context = {
                "swagger_settings": json.dumps(self.settings, indent=1),
                "api": api,
                "add_csrf": _csrf_needed(api),
            }
            return render(request, self.template, context)

    return LocalSwagger()
