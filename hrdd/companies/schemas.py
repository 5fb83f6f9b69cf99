"""The API's shapes for companies."""

from __future__ import annotations

import uuid

from ninja import Field, Schema

from hrdd.core.schemas import InputSchema


class CompanyIn(InputSchema):
    legal_name: str
    other_names: list[str] = []
    kind: str = "supplier"
    country_iso3: str = ""
    website: str = ""
    lei: str = ""
    registration_number: str = ""
    duns: str = ""
    rmi_cid: str = ""
    os_id: str = ""
    parent: uuid.UUID | None = None


class CompanyUpdateIn(InputSchema):
    legal_name: str | None = None
    other_names: list[str] | None = None
    kind: str | None = None
    country_iso3: str | None = None
    website: str | None = None
    lei: str | None = None
    registration_number: str | None = None
    duns: str | None = None
    rmi_cid: str | None = None
    os_id: str | None = None
    parent: uuid.UUID | None = None
    # the version read (or send it as If-Match); a company saved by someone since answers 409
    version: int | None = Field(default=None, ge=1)


class CompanyOut(Schema):
    id: uuid.UUID
    legal_name: str
    other_names: list[str]
    kind: str
    country_iso3: str
    website: str
    lei: str
    registration_number: str
    duns: str
    rmi_cid: str
    os_id: str
    parent: uuid.UUID | None
    version: int


class PagedCompanyOut(Schema):
    items: list[CompanyOut]
    count: int
