"""The API's shapes for programmes, their KPIs' figures and statuses, and entered values. Request bodies refuse
unknown properties (InputSchema)."""

from __future__ import annotations

import datetime as dt
import uuid

from ninja import Schema
from pydantic import Field

from hrdd.core.schemas import InputSchema


class ProgrammeIn(InputSchema):
    template_key: str = Field(description="A shipped template: ixm or oecd-five-steps.")
    title: str = Field("", max_length=200)
    start_year: int
    end_year: int


class KpiValueIn(InputSchema):
    year: int
    value: str | None = Field(
        None,
        description="A number; for a percentage it may be left out when numerator and denominator are given.",
    )
    numerator: int | None = None
    denominator: int | None = None
    evidence_url: str = ""
    evidence_page: str = Field("", max_length=100)
    evidence_note: str = ""
    seen: str = Field("", description="The stored value's entered_at when correcting it; '' for a new value.")


class FigureOut(Schema):
    value: str | None
    unit: str
    period_start: dt.date
    period_end: dt.date
    text: str
    computed: bool
    source: str
    numerator: int | None = None
    denominator: int | None = None
    missing: str = ""
    entered_by: str = ""
    entered_at: dt.datetime | None = None


class TargetOut(Schema):
    year: int
    value: str


class StatusOut(Schema):
    status: str
    label: str
    year: int
    value: str | None
    target: TargetOut | None
    expected: str | None
    reasons: list[str]


class KpiYearOut(Schema):
    year: int
    to_date: bool
    figure: FigureOut
    status: StatusOut


class KpiOut(Schema):
    id: uuid.UUID
    key: str
    name: str
    description: str
    unit: str
    direction: str
    computation: str
    objective: str | None
    baseline_value: str | None
    baseline_year: int | None
    targets: dict[str, str]
    years: list[KpiYearOut]


class ObjectiveOut(Schema):
    key: str
    text: str
    target_year: int


class ProgrammeOut(Schema):
    id: uuid.UUID
    title: str
    template_key: str
    template_version: str
    commitment: str
    start_year: int
    end_year: int
    is_public: bool
    version: int


class ProgrammeDetailOut(ProgrammeOut):
    objectives: list[ObjectiveOut]
    kpis: list[KpiOut]


class PagedProgrammeOut(Schema):
    items: list[ProgrammeOut]
    count: int


class KpiValueOut(Schema):
    id: uuid.UUID
    kpi: uuid.UUID
    period_start: dt.date
    period_end: dt.date
    value: str
    numerator: int | None
    denominator: int | None
    evidence_url: str
    evidence_page: str
    evidence_note: str
    document_name: str
    entered_by: str
    entered_at: dt.datetime
