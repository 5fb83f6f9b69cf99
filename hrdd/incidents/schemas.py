"""The API's shapes for incidents, their exposure, remediation steps, notices, sharing and grievance channels.
Request bodies refuse unknown properties (InputSchema)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, StrictBool, StrictInt

from hrdd.core.schemas import InputSchema

Rating = StrictInt
SourceName = Literal["monitoring_report", "media", "ngo", "worker_grievance", "audit", "supplier_self_report"]
Level = Literal["owner_only", "shared", "public"]


class IncidentIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=10_000)
    source: SourceName
    source_url: str = ""
    occurred_on: dt.date | None = None
    category: str = ""
    site: uuid.UUID | None = None
    group: uuid.UUID | None = None
    company: uuid.UUID | None = None
    country: str = ""
    scale: Rating | None = None
    scope: Rating | None = None
    irremediability: Rating | None = None
    confidentiality: Level = "owner_only"
    reporter_name: str = ""
    reporter_contact: str = ""
    language: str = ""
    subject_text: str = ""
    external_reference: str = ""


class IncidentUpdateIn(InputSchema):
    title: str | None = None
    description: str | None = None
    source: SourceName | None = None
    source_url: str | None = None
    occurred_on: dt.date | None = None
    category: str | None = None
    site: uuid.UUID | None = None
    group: uuid.UUID | None = None
    company: uuid.UUID | None = None
    country: str | None = None
    scale: Rating | None = None
    scope: Rating | None = None
    irremediability: Rating | None = None
    confidentiality: Level | None = None
    reporter_name: str | None = None
    reporter_contact: str | None = None
    subject_text: str | None = None
    external_reference: str | None = None
    # the version read (or send it as If-Match); an incident saved by someone since answers 409
    version: int | None = Field(default=None, ge=1)


class IncidentTransitionIn(InputSchema):
    status: str
    note: str = ""
    public_note: str = ""


class IncidentOut(Schema):
    id: uuid.UUID
    title: str
    description: str
    subject_kind: str
    site: uuid.UUID | None
    site_name: str
    group: uuid.UUID | None
    group_name: str
    company: uuid.UUID | None
    company_name: str
    subject_text: str
    country_iso3: str
    source: str
    source_url: str
    document_name: str
    occurred_on: dt.date | None
    category: str
    category_title: str
    scale: int | None
    scope: int | None
    irremediability: int | None
    severity: str
    severity_reasons: list[str]
    status: str
    allowed_statuses: list[str]
    confidentiality: str
    language: str
    owned: bool
    organisation_name: str
    # only for the owner organisation; null elsewhere
    reporter_anonymous: bool | None
    reporter_name: str | None
    reporter_contact: str | None
    created_at: dt.datetime
    version: int


class PagedIncidentOut(Schema):
    items: list[IncidentOut]
    count: int


class IncidentExposureOut(Schema):
    sites: int
    exposed_sites: list[dict[str, Any]]
    contracts: list[dict[str, Any]]
    suppliers: list[dict[str, Any]]
    products: list[str]
    procurements: list[dict[str, Any]]
    other_organisations: int
    other_contracts: int
    organisations: int
    contract_value_known: bool


class RemediationStepIn(InputSchema):
    action: str = Field(max_length=500)
    responsible: str = Field(max_length=200)
    deadline: dt.date
    evidence: str = Field("", max_length=500)
    contract: uuid.UUID | None = None


class RemediationStepUpdateIn(InputSchema):
    action: str | None = None
    responsible: str | None = None
    deadline: dt.date | None = None
    evidence: str | None = None
    contract: uuid.UUID | None = None
    # the version read (or send it as If-Match); a step saved by someone since answers 409
    version: int | None = Field(default=None, ge=1)


class StepProgressIn(InputSchema):
    text: str = Field(max_length=10_000)


class StepVerifyIn(InputSchema):
    note: str = ""
    verified_on: dt.date | None = None


class StepProgressOut(Schema):
    reported_at: dt.datetime
    reported_by: str
    text: str
    filename: str


class RemediationStepOut(Schema):
    id: uuid.UUID
    incident: uuid.UUID
    position: int
    action: str
    responsible: str
    deadline: dt.date
    evidence: str
    contract: uuid.UUID | None
    status: str
    first_reported_on: dt.date | None
    verified_on: dt.date | None
    verified_by: str
    overdue: bool
    progress: list[StepProgressOut]
    version: int


class SupplierRemediationStepOut(Schema):
    id: uuid.UUID
    incident_title: str
    category_title: str
    action: str
    deadline: dt.date
    evidence: str
    status: str
    overdue: bool
    progress: list[StepProgressOut]


class IncidentNoticeOut(Schema):
    id: uuid.UUID
    incident: uuid.UUID
    message: str
    contracts: int
    created_at: dt.datetime
    read: bool


class ExposureSharingIn(InputSchema):
    share: StrictBool


class ExposureSharingOut(Schema):
    share: bool
    since: dt.datetime | None


class GrievanceChannelIn(InputSchema):
    slug: str = Field(max_length=60)
    title: str = Field(max_length=200)
    introduction: str = Field("", max_length=5000)


class GrievanceChannelUpdateIn(InputSchema):
    title: str | None = None
    introduction: str | None = None
    is_open: StrictBool | None = None
    new_link: StrictBool = False
    # the version read (or send it as If-Match); a channel saved by someone since answers 409
    version: int | None = Field(default=None, ge=1)


class GrievanceChannelOut(Schema):
    id: uuid.UUID
    slug: str
    # the secret link: only in the answer that opened the channel or re-issued the link (stored hashed, never
    # shown again: hrdd.core.linktokens); null elsewhere
    secret_link: str | None = None
    link_issued_at: dt.datetime | None = None
    title: str
    introduction: str
    is_open: bool
    version: int


class IntakeFormOut(Schema):
    title: str
    introduction: str
    organisation: str
    stamp: str
    categories: list[list[str]]


class GrievanceIn(InputSchema):
    description: str = Field(max_length=10_000)
    title: str = Field("", max_length=200)
    site_text: str = Field("", max_length=500)
    country: str = Field("", max_length=100)
    occurred_on: dt.date | None = None
    category: str = ""
    reporter_name: str = Field("", max_length=200)
    reporter_contact: str = Field("", max_length=300)
    language: str = Field("", max_length=20)
    stamp: str = Field(max_length=500)
    website: str = ""  # the honeypot: people leave it empty


class ReceiptOut(Schema):
    receipt_code: str
    message: str


class ReceiptIn(InputSchema):
    code: str = Field(max_length=100)


class ReceiptStatusOut(Schema):
    status: str
    status_label: str
    received_on: dt.date
    language: str
    history: list[dict[str, Any]]
