"""The API's shapes for scoring, market readiness, consultations and the supplier link."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Field, Schema

from hrdd.consultations.models import Consultation
from hrdd.core.schemas import InputSchema
from hrdd.domain.questionnaire_framework import DEFAULT_FRAMEWORK_ID

# An answer: one option id, a list of option ids, or a free text (the framework says which).
Answer = str | list[str]


class ResponseIn(InputSchema):
    # Left optional: the questionnaire's own rules say what is missing, naming the field, as in the CLI.
    company: str | None = None
    role: str | None = None
    answers: dict[str, Answer] | None = None


class ScoringIn(InputSchema):
    framework: str = DEFAULT_FRAMEWORK_ID
    responses: list[ResponseIn]


class ReasonOut(Schema):
    subject: str
    text: str
    source: str


class ScoreOut(Schema):
    company: str
    role: str
    scores: dict[str, int | float]
    levels: dict[str, str]
    overall: str
    warnings: list[str]
    reasons: list[ReasonOut]


class CheckOut(Schema):
    scenario: int
    at_least: str
    count: int
    met: bool


class MarketOut(Schema):
    respondents: int
    distribution: dict[str, dict[str, int]]
    quorum: int
    recommended_scenario: int
    explanation: str
    baseline_advice: str
    checks: list[CheckOut]
    sources: list[str]


class ConsultationIn(InputSchema):
    title: str
    product_category: str
    deadline: dt.date


class ConsultationOut(Schema):
    id: uuid.UUID
    title: str
    product_category: str
    deadline: dt.date
    framework: str

    @staticmethod
    def resolve_id(consultation: Consultation) -> uuid.UUID:
        return consultation.public_id

    @staticmethod
    def resolve_framework(consultation: Consultation) -> str:
        return consultation.framework_id


class ConsultationQuery(Schema):
    q: str = ""  # part of the title
    product_category: str = ""
    state: Literal["open", "closed"] | None = None  # still taking answers, or past the deadline


class InvitationIn(InputSchema):
    email: str
    company: str = ""
    # The language of the supplier's e-mail and pages (en, nl, fr, de); "" for none (the supplier's browser
    # decides the pages); left out: the language the request is answered in (the buyer's).
    language: str | None = None


class InvitationOut(Schema):
    id: int
    email: str
    company: str
    language: str  # the supplier's language set by the buyer; "" for none
    role: str
    status: str
    # the supplier's secret link: only in the answer that created or re-issued it (stored hashed, never shown
    # again: hrdd.core.linktokens); null elsewhere
    link: str | None = None
    link_issued_at: dt.datetime | None = None
    link_expires_on: dt.date | None = None
    link_revoked_at: dt.datetime | None = None


class RowOut(Schema):
    invitation: InvitationOut
    score: ScoreOut | None  # the verdict stored when the response was submitted; None before
    # a co-owner's row whose answers were submitted before it joined: not shared with it, no score (issue 16)
    withheld: bool = False


class PagedRowOut(Schema):
    items: list[RowOut]
    count: int


class ResponseQuery(Schema):
    q: str = ""  # part of the company's name or the e-mail address
    status: Literal["invited", "draft", "submitted"] | None = None
    overall: str = ""  # the stored overall maturity level


class ResponseCountsOut(Schema):
    all: int
    invited: int
    draft: int
    submitted: int


class ResultsOut(Schema):
    consultation: ConsultationOut
    counts: ResponseCountsOut  # the invitations in each state
    responses: str  # where the API gives each supplier's response and scores, a page at a time
    market: MarketOut | None


class DraftIn(InputSchema):
    company: str = ""
    role: str = ""
    answers: dict[str, Answer] = {}
    # The response's version the answers were typed on (as read; or send it as If-Match): another save since is
    # answered 409 with both versions, nothing saved. Left out, the save goes over whatever is stored.
    version: int | None = Field(default=None, ge=1)


class SupplierViewOut(Schema):
    consultation: str
    buyer: str
    deadline: dt.date
    framework: str
    company: str
    role: str
    status: str
    answers: dict[str, Answer]
    version: int


# a consultation several buyers run together (issue 16)


class CoOwnersIn(InputSchema):
    organisations: list[uuid.UUID] = []  # organisations of the installation, by id
    group: uuid.UUID | None = None  # or every organisation of a group the owner owns or belongs to


class CoOwnerOut(Schema):
    id: uuid.UUID
    consultation: uuid.UUID
    consultation_title: str
    owner: str  # the organisation that owns the consultation
    organisation: str
    organisation_id: uuid.UUID
    status: Literal["invited", "accepted", "declined", "left"]
    via_group: str  # the group it was invited through; "" when named
    invited_at: dt.datetime
    answered_at: dt.datetime | None
    joined_at: dt.datetime | None
    left_at: dt.datetime | None


class ScenarioIn(InputSchema):
    scenario: int  # 1, 2 or 3
    note: str = ""


class ChoiceOut(Schema):
    organisation: str
    owner: bool  # the organisation that owns the consultation
    scenario: int | None  # None: not chosen yet
    note: str
    chosen_at: dt.datetime | None


class ScenarioOut(Schema):
    agreed: bool
    scenario: int | None  # the agreed scenario; None until every organisation chose the same
    agreed_at: dt.datetime | None
    reason: str  # why it is agreed or not yet
    waiting: list[str]  # the organisations that have not chosen yet
    choices: list[ChoiceOut]
