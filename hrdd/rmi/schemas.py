"""The API's shapes for smelter lists: campaigns, supplier requests, uploads with their problems, consolidated
smelters and the facility list."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema

from hrdd.core.schemas import InputSchema


class CampaignIn(InputSchema):
    title: str
    templates: list[str] = ["CMRT", "EMRT"]
    deadline: dt.date | None = None
    message: str = ""


class CampaignOut(Schema):
    id: uuid.UUID
    title: str
    templates: list[str]
    deadline: dt.date | None
    closed: bool
    closed_at: dt.datetime | None


class RequestIn(InputSchema):
    supplier_name: str = ""
    email: str = ""
    contract: uuid.UUID | None = None
    invitation: int | None = None  # a consultation invitation's id, as /consultations gives it
    send: bool = False


class ProblemOut(Schema):
    code: str
    severity: str
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    metal: str | None = None
    cid: str | None = None
    message: str


class UploadOut(Schema):
    id: uuid.UUID
    number: int
    filename: str
    status: str
    template_type: str
    template_version: str
    company_name: str
    minerals: list[str]
    refused: str
    errors: int
    warnings: int
    problems: list[ProblemOut]
    uploaded_at: dt.datetime
    current: bool


class RequestOut(Schema):
    id: uuid.UUID
    campaign: uuid.UUID
    supplier_name: str
    email: str
    contract: uuid.UUID | None
    invitation: int | None
    # the secret link the supplier uploads through, without an account: only in the answer that created or
    # re-issued it (stored hashed, never shown again: hrdd.core.linktokens); null elsewhere
    link: str | None = None
    link_issued_at: dt.datetime | None = None
    link_expires_on: dt.date | None = None
    link_revoked_at: dt.datetime | None = None
    current_upload: UploadOut | None
    uploads: int


class CampaignDetailOut(CampaignOut):
    requests: list[RequestOut]


class SmelterOut(Schema):
    metal: str
    name: str
    country_iso3: str
    cid: str
    site: uuid.UUID | None
    identified: bool
    rmap: str
    rmap_status: str
    cahra: bool
    cahra_reasons: list[str]
    suppliers: list[dict[str, Any]]


class SmelterListOut(Schema):
    summary: list[dict[str, Any]]
    smelters: list[SmelterOut]


class FacilityListOut(Schema):
    id: uuid.UUID
    filename: str
    format: str
    rows: int
