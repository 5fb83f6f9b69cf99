"""The API's shapes for contract management: contracts and their obligations, KPI statuses with reasons, the
supplier's submissions (without their files) and the buyer's requests for more information."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import StrictBool, StrictInt

from hrdd.contracts.models import Contract, Obligation
from hrdd.core.links import absolute_url
from hrdd.core.schemas import InputSchema


class ContractIn(InputSchema):
    """A contract from a tender (its scenario and months are taken unless given) or directly (scenario required)."""

    title: str
    supplier_name: str
    supplier_country: str = ""  # ISO 3166-1 alpha-3; with the name, it finds or makes the supplier's company
    supplier_email: str
    award_date: dt.date
    start_date: dt.date
    end_date: dt.date
    tender: uuid.UUID | None = None
    procurement: uuid.UUID | None = None  # without it: the tender's procurement, or a new one
    scenario: StrictInt | None = None
    months: StrictInt | None = None
    first_delivery: dt.date | None = None
    risk_assessment_in_tender: StrictBool = False


class ContractOut(Schema):
    id: uuid.UUID
    title: str
    procurement: uuid.UUID
    tender: uuid.UUID | None
    supplier: uuid.UUID  # the supplier's company
    supplier_name: str
    supplier_email: str
    scenario: int
    award_date: dt.date
    start_date: dt.date
    end_date: dt.date
    first_delivery: dt.date | None
    months: int
    risk_assessment_in_tender: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_id(contract: Contract) -> uuid.UUID:
        return contract.public_id

    @staticmethod
    def resolve_procurement(contract: Contract) -> uuid.UUID:
        return contract.procurement.public_id

    @staticmethod
    def resolve_tender(contract: Contract) -> uuid.UUID | None:
        return contract.tender.public_id if contract.tender else None

    @staticmethod
    def resolve_supplier(contract: Contract) -> uuid.UUID:
        return contract.supplier.public_id


class ObligationOut(Schema):
    id: int
    clause: str
    title: str
    due_date: dt.date
    reason: str


class ContractDetailOut(ContractOut):
    supplier_link: str  # the secret link the supplier reports through, without an account
    obligations: list[ObligationOut]

    @staticmethod
    def resolve_supplier_link(contract: Contract) -> str:
        return absolute_url(contract.get_supplier_url())

    @staticmethod
    def resolve_obligations(contract: Contract) -> list[Obligation]:
        return list(contract.obligations.all())


KpiStatus = Literal["ok", "warning", "problem", "pending"]


class KpiOut(Schema):
    kpi: str
    status: KpiStatus
    label: str
    value: int | float | None
    reasons: list[str]


class CheckItemOut(Schema):
    item: str
    met: bool
    detail: str


class ObligationStatusOut(ObligationOut):
    status: KpiStatus  # the worst of its KPIs
    kpis: list[KpiOut]
    checklist: list[CheckItemOut]  # the clause's contents, checked on the latest submission
    submissions: int
    latest_version: int | None


class SiteOut(Schema):
    row: int
    name: str
    address: str
    country_iso3: str
    site_type: str
    products: str


class SubmissionOut(Schema):
    id: int
    version: int
    submitted_at: dt.datetime
    filename: str
    content_type: str
    size: int
    sites: list[SiteOut]  # the production sites read from a site list (CC2); empty for documents
    download: str  # where the API gives the file


class InformationRequestIn(InputSchema):
    question: str
    due_on: dt.date


class InformationRequestOut(Schema):
    id: int
    question: str
    asked_on: dt.date
    due_on: dt.date
    answer: str
    answered_on: dt.date | None
