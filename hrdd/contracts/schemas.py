"""The API's shapes for contract management: contracts and their obligations, KPI statuses with reasons, the
supplier's submissions (without their files or sites: a site list is read a page at a time) and the buyer's requests
for more information."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.urls import reverse
from ninja import Schema
from pydantic import StrictBool, StrictInt

from hrdd.contracts.models import Contract, Obligation, Submission
from hrdd.core.links import absolute_url
from hrdd.core.schemas import InputSchema
from hrdd.domain.contracts import ObligationVerdict


class ContractIn(InputSchema):
    """A contract from a tender (its scenario and months are taken unless given) or directly (scenario required)."""

    title: str
    supplier_name: str
    supplier_country: str = ""  # ISO 3166-1 alpha-3; with the name, it finds or makes the supplier's company
    supplier_email: str
    # The language of the supplier's page and e-mails (en, nl, fr, de); "" for none (the supplier's browser
    # decides the page); left out: the language the request is answered in (the buyer's).
    supplier_language: str | None = None
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
    supplier_language: str  # "" when none was set
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
    # the secret link the supplier reports through, without an account: only in the answer that created or
    # re-issued it (stored hashed, never shown again: hrdd.core.linktokens); null elsewhere
    supplier_link: str | None = None
    link_issued_at: dt.datetime | None = None
    link_expires_on: dt.date | None = None
    link_revoked_at: dt.datetime | None = None
    obligations: list[ObligationOut]

    @staticmethod
    def resolve_supplier_link(contract: Contract) -> str | None:
        if not getattr(contract, "link_issued_now", False):
            return None
        return absolute_url(contract.get_supplier_url())

    @staticmethod
    def resolve_link_issued_at(contract: Contract) -> dt.datetime | None:
        return contract.token_issued_at

    @staticmethod
    def resolve_link_expires_on(contract: Contract) -> dt.date:
        return contract.link_expires_on

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


def _verdict(obligation: Obligation) -> ObligationVerdict:
    """The verdict stored with the obligation (read, never rated again here)."""
    return ObligationVerdict.from_dict(
        {"status": obligation.status, "kpis": obligation.kpis, "checklist": obligation.checklist}
    )


# An obligation with its stored verdict (the list annotates `submission_count` and `latest_version` in SQL).
class ObligationStatusOut(ObligationOut):
    status: KpiStatus  # the worst of its KPIs
    kpis: list[KpiOut]
    checklist: list[CheckItemOut]  # the clause's contents, checked on the latest submission
    submissions: int
    latest_version: int | None

    @staticmethod
    def resolve_kpis(obligation: Obligation) -> list[dict[str, object]]:
        return [k.as_dict() for k in _verdict(obligation).kpis]

    @staticmethod
    def resolve_checklist(obligation: Obligation) -> list[dict[str, object]]:
        return [{"item": c.item, "met": c.met, "detail": c.detail} for c in _verdict(obligation).checklist]

    @staticmethod
    def resolve_submissions(obligation: Obligation) -> int:
        return int(obligation.submission_count)


class SiteOut(Schema):
    row: int
    name: str
    address: str
    country_iso3: str
    site_type: str
    products: str


# One version the supplier submitted (the list annotates `site_count` and `contract_public_id` in SQL).
class SubmissionOut(Schema):
    id: int
    version: int
    submitted_at: dt.datetime
    filename: str
    content_type: str
    size: int
    site_count: int  # the production sites read from a site list (CC2); 0 for documents
    sites: str  # where the API gives its sites, a page at a time
    download: str  # where the API gives the file

    @staticmethod
    def resolve_sites(submission: Submission) -> str:
        return _submission_url("api:contract_submission_sites", submission)

    @staticmethod
    def resolve_download(submission: Submission) -> str:
        return _submission_url("api:contract_submission_file", submission)


def _submission_url(name: str, submission: Submission) -> str:
    contract = submission.contract_public_id
    return reverse(name, kwargs={"public_id": contract, "submission_id": submission.pk})


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
