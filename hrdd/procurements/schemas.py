"""The API's shapes for procurements."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Field, Schema

from hrdd.core.schemas import InputSchema


class ProcurementIn(InputSchema):
    title: str
    product_category: str = ""
    reference: str = ""


class ProcurementUpdateIn(InputSchema):
    title: str | None = None
    product_category: str | None = None
    reference: str | None = None
    status: str | None = None
    # the version read (or send it as If-Match); a procurement saved by someone since answers 409
    version: int | None = Field(default=None, ge=1)


class ProcurementOut(Schema):
    id: uuid.UUID
    title: str
    product_category: str
    reference: str
    status: str
    created_at: dt.datetime
    version: int


class PagedProcurementOut(Schema):
    items: list[ProcurementOut]
    count: int


class StepRecordOut(Schema):
    id: uuid.UUID
    title: str


class StepOut(Schema):
    number: int
    title: str
    done: bool
    next_action: str
    records: list[StepRecordOut]


class ProcurementDetailOut(ProcurementOut):
    steps: list[StepOut]
