"""The API's shapes for the site registry: sites, mentions with their stored verdicts, review decisions, groups,
merges and imports."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import StrictFloat, StrictInt

from hrdd.core.schemas import InputSchema

Number = StrictInt | StrictFloat


class SiteIn(InputSchema):
    name: str
    other_names: list[str] = []
    address: str = ""
    city: str = ""
    postal_code: str = ""
    country_iso3: str
    latitude: Number | None = None
    longitude: Number | None = None
    site_type: str = ""
    operator: uuid.UUID | None = None
    os_id: str = ""
    rmi_cid: str = ""
    lei: str = ""


class SiteUpdateIn(InputSchema):
    name: str | None = None
    other_names: list[str] | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country_iso3: str | None = None
    latitude: Number | None = None
    longitude: Number | None = None
    site_type: str | None = None
    operator: uuid.UUID | None = None
    os_id: str | None = None
    rmi_cid: str | None = None
    lei: str | None = None
    status: Literal["active", "closed", "moved"] | None = None
    moved_to: uuid.UUID | None = None
    # the version the change is made on (`updated_at` as read): a record changed since is refused with 409
    updated_at: dt.datetime | None = None


class SiteOut(Schema):
    id: uuid.UUID
    name: str
    other_names: list[str]
    address: str
    city: str
    postal_code: str
    country_iso3: str
    latitude: float | None
    longitude: float | None
    site_type: str
    is_artisanal: bool
    stage: str | None
    operator: uuid.UUID | None
    operator_name: str
    os_id: str
    rmi_cid: str
    lei: str
    status: str
    moved_to: uuid.UUID | None
    merged_into: uuid.UUID | None
    mentions_here: int | None = None  # mentions of your organisation (in lists)
    # the version (ISO moment, to the microsecond): send it back with a change; a record changed since is 409
    updated_at: str


class PagedSiteOut(Schema):
    items: list[SiteOut]
    count: int


class CandidateOut(Schema):
    site: str
    score: float
    agreements: list[dict[str, Any]]


class MentionOut(Schema):
    id: uuid.UUID
    site: uuid.UUID | None
    source: str
    contract: uuid.UUID | None
    supplier: uuid.UUID | None
    supplier_name: str
    mentioned_on: dt.date
    row: int | None
    raw: dict[str, Any]
    name: str
    address: str
    city: str
    postal_code: str
    country_iso3: str
    site_type: str
    products: str
    group_name: str
    status: str
    score: float
    reason: str
    candidates: list[CandidateOut]
    # the version (ISO moment, to the microsecond): send it back with a change; a record changed since is 409
    updated_at: str


class PagedMentionOut(Schema):
    items: list[MentionOut]
    count: int


class MentionIn(InputSchema):
    name: str
    country: str
    address: str = ""
    city: str = ""
    postal_code: str = ""
    site_type: str = ""
    products: str = ""
    group_name: str = ""
    contract: uuid.UUID | None = None
    mentioned_on: dt.date | None = None


class MentionUpdateIn(InputSchema):
    name: str | None = None
    country: str | None = None
    address: str | None = None
    city: str | None = None
    postal_code: str | None = None
    site_type: str | None = None
    products: str | None = None
    group_name: str | None = None
    # the version the change is made on (`updated_at` as read): a record changed since is refused with 409
    updated_at: dt.datetime | None = None


class DecisionIn(InputSchema):
    """The site confirmed or rejected; without it, the mention's best candidate."""

    site: uuid.UUID | None = None


class GroupIn(InputSchema):
    name: str
    other_names: list[str] = []
    kind: Literal["group", "legal_entity"] = "group"
    role: str = ""
    country_iso3: str = ""
    lei: str = ""
    parent: uuid.UUID | None = None


class GroupUpdateIn(InputSchema):
    name: str | None = None
    other_names: list[str] | None = None
    kind: Literal["group", "legal_entity"] | None = None
    role: str | None = None
    country_iso3: str | None = None
    lei: str | None = None
    parent: uuid.UUID | None = None
    # the version the change is made on (`updated_at` as read): a record changed since is refused with 409
    updated_at: dt.datetime | None = None


class GroupOut(Schema):
    id: uuid.UUID
    name: str
    other_names: list[str]
    kind: str
    role: str
    country_iso3: str
    lei: str
    parent: uuid.UUID | None
    # the version (ISO moment, to the microsecond): send it back with a change; a record changed since is 409
    updated_at: str


class MergeIn(InputSchema):
    kept: uuid.UUID
    merged: uuid.UUID


class MergeOut(Schema):
    id: uuid.UUID
    kept: uuid.UUID
    merged: uuid.UUID
    merged_at: dt.datetime
    undone_at: dt.datetime | None


class ImportOut(Schema):
    """A registry import: its background run (poll it) and, once done, its counts and refused rows."""

    task: uuid.UUID
    status: str
    done: int
    total: int
    message: str
    error: str
    import_id: uuid.UUID | None = None
    counts: dict[str, int] = {}
    rejected_rows: list[dict[str, Any]] = []
