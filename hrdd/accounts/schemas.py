"""The API's shapes for sharing records between organisations (issue 16)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema

from hrdd.core.schemas import InputSchema


class ShareIn(InputSchema):
    """Share one record of your organisation, read-only, with one organisation or one group."""

    kind: str  # consultation, company, site or incident
    record: uuid.UUID
    organisation: uuid.UUID | None = None
    group: uuid.UUID | None = None
    note: str = ""


class ShareOut(Schema):
    id: uuid.UUID
    kind: str
    record: uuid.UUID
    owner: str
    grantee_organisation: str | None
    grantee_group: str | None
    note: str
    shared_at: dt.datetime
    shared_by: str | None
    revoked_at: dt.datetime | None


class PagedShareOut(Schema):
    items: list[ShareOut]
    count: int
