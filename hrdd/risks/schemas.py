"""The API's shapes for product risks: the assessment (as `hrdd risk assess --json` prints it), the supplier
check, the knowledge base and saved assessments."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from hrdd.core.schemas import InputSchema


class ProductOut(Schema):
    id: str
    title: str


class AdjustmentsIn(InputSchema):
    exclude_components: list[str] = []
    extra_components: dict[str, list[str]] = {}
    exclude_materials: list[str] = []
    extra_materials: list[str] = []
    exclude_countries: list[str] = []
    extra_countries: dict[str, list[str]] = {}
    manufacturing_countries: list[str] | None = None


class AssessmentQuery(Schema):
    exclude_material: list[str] = []
    add_material: list[str] = []
    exclude_component: list[str] = []
    exclude_country: list[str] = []
    manufacturing_country: list[str] = []


class AdjustmentsOut(Schema):
    exclude_components: list[str]
    extra_components: dict[str, list[str]]
    exclude_materials: list[str]
    extra_materials: list[str]
    exclude_countries: list[str]
    extra_countries: dict[str, list[str]]
    manufacturing_countries: list[str] | None


class ComponentOut(Schema):
    name: str
    raw_materials: list[str]


class CountryShareOut(Schema):
    country_iso3: str
    country: str
    share_pct: float | None  # None: the source gives no share
    stage: str
    year: int | None
    source: str


class FoldOut(Schema):
    """The countries shown for one stage, and the long tail folded with its total share."""

    stage: str
    top: list[str]
    other_countries: int
    other_share_pct: float | None
    text: str


class RawMaterialOut(Schema):
    name: str
    countries: list[CountryShareOut]  # every producing country
    note: str
    shown: list[FoldOut]


class RiskOut(Schema):
    category: str
    stage: str
    material: str | None
    component: str | None
    country_iso3: str
    score: float
    share_known: bool
    reasons: list[str]
    sources: list[str]


class AssessmentOut(Schema):
    product: str
    method: str
    components: list[ComponentOut]
    raw_materials: list[RawMaterialOut]
    manufacturing: list[CountryShareOut]
    risks: list[RiskOut]
    gaps: list[str]
    adjustments: AdjustmentsOut


class RequirementOut(Schema):
    name: str
    required: int
    found: int
    met: bool


class FindingOut(Schema):
    id: str
    matched: list[str]
    sentences: list[str]


class NotCountedOut(FindingOut):
    reason: str = Field(
        description="Why it is not counted: 'negated' (the text denies it: 'there is no child labour') or "
        "'policy' (a code of conduct's or policy's wording forbids it: 'suppliers shall not use child labour')"
    )


class RiskCheckOut(Schema):
    """A risk assessment read against award criterion 1's minimum contents."""

    kind: Literal["risk-assessment"]
    meets_minimum: bool
    requirements: list[RequirementOut]
    components: list[FindingOut]
    raw_materials: list[FindingOut]
    countries: list[FindingOut]
    risks: list[FindingOut]
    risks_not_counted: list[NotCountedOut] = Field(
        description="Risks the text names but denies or only forbids; they do not count towards the minimum"
    )
    language: str = Field(description="The language the text was read in: en, nl, fr or de")
    source: str


class ElementOut(Schema):
    id: str
    label: str
    points: int = Field(description="The element's points when found; 0: reported, not scored")
    found: bool
    matched: list[str]
    sentences: list[str]


class DocumentCheckOut(Schema):
    """A policy commitment or supplier code of conduct (award criterion 2) or a due-diligence description (award
    criterion 7) read element by element."""

    kind: Literal["policy-commitment", "due-diligence"]
    title: str
    language: str = Field(description="The language the text was read in: en, nl, fr or de")
    score: int = Field(description="The points of the elements found")
    out_of: int
    elements: list[ElementOut]
    source: str


CheckOut = Annotated[RiskCheckOut | DocumentCheckOut, Field(discriminator="kind")]


class TableOut(Schema):
    table: str
    title: str
    edition: str
    rows: int
    years: list[str]
    sources: list[str]


class SavedIn(InputSchema):
    """A saved assessment joins the procurement given, or the consultation's, or a new one named after it."""

    title: str
    product: str
    procurement: uuid.UUID | None = None
    consultation: uuid.UUID | None = None
    adjustments: AdjustmentsIn = AdjustmentsIn()


class SavedSummaryOut(Schema):
    id: uuid.UUID
    title: str
    product: str
    procurement: uuid.UUID
    method: str
    updated_at: datetime.datetime
    url: str  # the whole assessment, with its result


class SavedOut(SavedSummaryOut):
    result: AssessmentOut


class PagedSavedOut(Schema):
    items: list[SavedSummaryOut]
    count: int
