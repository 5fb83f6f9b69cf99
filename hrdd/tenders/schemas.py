"""The API's shapes for tenders: the annex of a scenario (JSON and an OCDS 1.1 release package) and the evaluation
of bids (the bid file `hrdd tender evaluate` reads, e.g. hrdd/demo_data/bids-scenario-2.json)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.errors import ValidationError as SchemaError
from pydantic import AwareDatetime, StrictBool, StrictFloat, StrictInt, model_validator

from hrdd.core.schemas import InputSchema
from hrdd.domain.tender import UnknownField, check_fields, evaluation_fields, get_tender_framework

# Booleans and numbers are strict: "yes" is not true and "12" is not a price. The tender rules check the values
# (scenario known, weights >= 0, price > 0) and name the field as they do for the command line.


class AnnexIn(InputSchema):
    scenario: StrictInt
    months: StrictInt | None = None
    weights: dict[str, StrictFloat] | None = None
    require_label: StrictBool = True
    title: str = ""


class KpiOut(Schema):
    kpi: str
    text: str


class AnnexItemOut(Schema):
    id: str
    kind: str
    title: str
    requirement: str
    verification: str
    scoring: str
    weight: float | None
    kpis: list[KpiOut]
    legal_basis: list[str]
    source: str
    note: str | None


class AnnexOut(Schema):
    framework: str
    scenario: int
    title: str
    aim: str
    months: int
    require_label: bool
    product: str
    weights: dict[str, float]
    risk_notes: list[str]
    items: list[AnnexItemOut]


class TenderOut(Schema):
    """A stored tender: its parameters and the language its documents (annex, award report) are written in."""

    id: str
    title: str
    procurement: str
    scenario: int
    months: int
    require_label: bool
    weights: dict[str, float]
    language: str  # en, nl, fr or de
    archived: bool
    version: int


class TenderUpdateIn(InputSchema):
    """What the API changes on a stored tender: the language of its documents (en, nl, fr, de)."""

    language: str
    # the version read (or send it as If-Match); a tender saved by someone since answers 409
    version: int | None = Field(default=None, ge=1)


# The OCDS release package: property names as the OCDS 1.1 schema and its extensions spell them.


class OcdsAnnexIn(AnnexIn):
    """The annex as OCDS without a stored tender: the buyer (default: your organisation when logged in), your own
    reference for the tender (default: one made from the buyer and the title, so the ocid stays the same), the
    ocid prefix (default: the installation's HRDD_OCID_PREFIX) and the release date (default: now)."""

    buyer: str = ""
    tender_id: str = ""
    ocid_prefix: str = ""
    date: AwareDatetime | None = None


class OcdsSustainabilityOut(Schema):
    goal: str
    strategies: list[str] | None = None  # none for a label the buyer only recommends
    description: str


class OcdsSelectionCriterionOut(Schema):
    type: str
    description: str
    minimum: str
    appliesTo: list[str]
    verificationMethod: str


class OcdsSelectionCriteriaOut(Schema):
    criteria: list[OcdsSelectionCriterionOut]


class OcdsNumberOut(Schema):
    number: float
    weight: str


class OcdsAwardCriterionOut(Schema):
    type: str
    name: str
    description: str
    numbers: list[OcdsNumberOut]


class OcdsAwardCriteriaOut(Schema):
    criteria: list[OcdsAwardCriterionOut]


class OcdsLotOut(Schema):
    id: str
    title: str
    awardCriteria: OcdsAwardCriteriaOut


class OcdsMilestoneOut(Schema):
    id: str
    title: str
    type: str
    description: str
    dueDate: str | None = None


class OcdsPeriodOut(Schema):
    startDate: str
    endDate: str


class OcdsOrganisationReferenceOut(Schema):
    id: str
    name: str


class OcdsTenderOut(Schema):
    id: str
    title: str
    description: str
    procuringEntity: OcdsOrganisationReferenceOut
    mainProcurementCategory: str
    hasSustainability: bool | None = None
    sustainability: list[OcdsSustainabilityOut] | None = None
    selectionCriteria: OcdsSelectionCriteriaOut | None = None
    awardCriteria: str | None = None
    awardCriteriaDetails: str | None = None
    lots: list[OcdsLotOut] | None = None
    contractPeriod: OcdsPeriodOut | None = None
    milestones: list[OcdsMilestoneOut] | None = None


class OcdsPartyOut(Schema):
    id: str
    name: str
    roles: list[str]


class OcdsReleaseOut(Schema):
    ocid: str
    id: str
    date: str
    tag: list[str]
    initiationType: str
    language: str
    parties: list[OcdsPartyOut]
    buyer: OcdsOrganisationReferenceOut
    tender: OcdsTenderOut


class OcdsPublisherOut(Schema):
    name: str


class OcdsReleasePackageOut(Schema):
    uri: str
    version: str
    extensions: list[str]
    publishedDate: str
    publisher: OcdsPublisherOut
    releases: list[OcdsReleaseOut]


# The bids, as the tender framework's rules read them (cfit-2025-tender: AC1 to AC7 and SC1, SC2).


class BidRiskIn(InputSchema):
    category: str = ""
    description: str = ""


class BidRiskAssessmentIn(InputSchema):
    components: list[str] = []
    raw_materials: list[str] = []
    sourcing_countries: list[str] = []
    risks: list[BidRiskIn] = []
    source: str = ""  # where the lists come from, quoted in the reason (e.g. "hrdd's check of ra.pdf")


class BidSiteIn(InputSchema):
    name: str = ""
    address: str = ""
    country: str = ""


class BidSitePlanIn(InputSchema):
    timeline: str = ""
    deliverables: str = ""
    challenges: str = ""
    supplier_engagement: str = ""


class BidSitesIn(InputSchema):
    sites: list[BidSiteIn] = []
    plan: BidSitePlanIn | None = None


class BidPolicyIn(InputSchema):
    # true, or a text saying where and how
    written: StrictBool | str = False
    communicated_to_suppliers: StrictBool | str = False
    source: str = ""  # where the answers come from, quoted in the reason (e.g. "hrdd's check of policy.pdf")


class BidActionIn(InputSchema):
    action: str = ""
    justification: str = ""


class BidDueDiligenceIn(InputSchema):
    policies: str = ""
    risk_identification: str = ""
    monitoring: str = ""
    mitigation: str = ""
    reporting: str = ""
    source: str = ""  # where the elements come from, quoted in the reason


class BidIn(InputSchema):
    bidder: str
    price: StrictFloat
    label: str | None = None
    risk_assessment: BidRiskAssessmentIn | None = None
    policy_commitment: BidPolicyIn | None = None
    product_sites: BidSitesIn | None = None
    component_sites: BidSitesIn | None = None
    actions: list[BidActionIn] = []
    due_diligence: BidDueDiligenceIn | None = None


class EvaluationIn(InputSchema):
    """Bids to score on a scenario's criteria. A field hrdd does not read is refused with its path and the field it
    probably means ("bids[0].risk_assesment: unknown field; did you mean risk_assessment?"), never ignored."""

    scenario: StrictInt
    weights: dict[str, StrictFloat] = {}
    require_label: StrictBool = True
    bids: list[BidIn]

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data: Any) -> Any:
        """Refuse an unknown field by the tender rules' own check, naming it and the field it probably means.

        It runs before the types are read, so `prise` is answered "did you mean price?" rather than "price: field
        required". The refusal is raised as the API's schema error, which pydantic passes on untouched (it wraps
        only ValueError), at the field's own location in the body parameter `payload`."""
        try:
            check_fields(data, evaluation_fields(get_tender_framework()))
        except UnknownField as exc:
            raise SchemaError(
                [{"type": "unknown_field", "loc": ("body", "payload", *exc.parts), "msg": exc.message}]
            ) from exc
        return data


class BidResultOut(Schema):
    bidder: str
    price: float
    admitted: bool
    reasons: list[str]
    fractions: dict[str, float]
    fraction_reasons: dict[str, str]
    points: dict[str, float]
    total: float | None
    rank: int | None
    abnormally_low: bool


class EvaluationOut(Schema):
    scenario: int
    weights: dict[str, float]
    require_label: bool
    framework: str
    notes: list[str]
    bids: list[BidResultOut]
