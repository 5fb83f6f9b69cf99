"""API operations for supplier profiles (issue 16): the export behind a profile's management token, and an import
of a file in the open format (docs/supplier-profile.md). Suppliers have no accounts: the token is the proof for
the export; an import is tied to an e-mail address and offered on no request before the link e-mailed there is
opened. Errors are answered by the one handler in hrdd/api.py (bad input 422 naming the path at fault)."""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS
from hrdd.profiles import selectors, services
from hrdd.profiles.format import SCHEMA_ID
from hrdd.profiles.schemas import ProfileImportOut

router = Router(tags=["supplier profiles"])

DOCUMENT = {
    "description": f"A supplier profile in the open format (JSON Schema {SCHEMA_ID}, docs/supplier-profile.md).",
    "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
}


@router.get(
    "/{token}/export",
    response={200: dict[str, Any], **READ_ERRORS},
    url_name="profile_export",
    openapi_extra={"responses": {200: DOCUMENT}},
)
def profile_export(request: HttpRequest, token: str) -> dict[str, Any]:
    """The profile behind a management token, in the open format: the company and every version of its answers,
    nothing of a buyer."""
    return selectors.profile_export(selectors.profile_get_by_token(token=token))


@router.post(
    "/import",
    response={201: ProfileImportOut, **INPUT_ERRORS},
    url_name="profile_import",
    openapi_extra={"requestBody": {"required": True, **DOCUMENT}},
)
def profile_import(request: HttpRequest, email: str) -> Status[dict[str, Any]]:
    """Import a profile file (the body, at most 10 MiB) tied to `email`: checked against the published schema
    (refused naming the path of the first error, nothing stored), then the link to manage it is e-mailed to that
    address; it is offered on the address's requests once that link is opened."""
    profile = services.profile_import_file(content=request.body, email=email, actor_label="API import")
    versions = list(profile.versions.order_by("number").values_list("number", flat=True))
    return Status(
        201,
        {
            "email": profile.email,
            "company": profile.company_as_given,
            "versions": versions,
            "detail": f"Imported; the link to manage the profile was e-mailed to {profile.email}.",
        },
    )
