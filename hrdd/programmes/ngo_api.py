"""API operations of the ngo area (mounted under /api/v1/programmes by hrdd/programmes/api.py): thin, calling the
same services and selectors as the pages. Errors are answered by the one handler in hrdd/api.py.

- GET /ngo/frameworks: the NGO assessment frameworks one may answer, with their criteria and rating scale;
- GET /ngo/responses: your organisation's answers (paginated); GET /ngo/responses/{id}: one, with per criterion
  the answer, the rating (who and when) and the evidence with its snapshotted figure, and the review summary;
- GET /ngo/responses/{id}/letter.docx and /table.xlsx: the exports, as on the answer's page."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.security import django_auth

from hrdd.core.downloads import attachment, filename_from_title
from hrdd.core.errors import InputError
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, Pagination
from hrdd.programmes import ngo
from hrdd.programmes.models import NgoResponse
from hrdd.programmes.ngo_exports import letter_docx, table_xlsx

router = Router(tags=["programmes"], auth=django_auth)


class NgoRatingLevelOut(Schema):
    key: str
    label: str
    meaning: str


class NgoCriterionOut(Schema):
    key: str
    number: str
    title: str
    question: str
    origin: str
    source: str
    evidence: list[str]
    guidance: str


class NgoFrameworkOut(Schema):
    key: str
    version: str
    ngo: str
    title: str
    source: str
    scale_owner: str
    scale_title: str
    scale_source: str
    levels: list[NgoRatingLevelOut]
    criteria: list[NgoCriterionOut]


class NgoEvidenceOut(Schema):
    id: uuid.UUID
    kind: str
    title: str
    link: str
    page: str
    figure: str
    snapshot: dict[str, Any]
    added_by: str
    added_at: dt.datetime


class NgoAnswerOut(Schema):
    criterion: str
    number: str
    title: str
    text: str
    rating: str
    rating_label: str
    review_note: str
    reviewed_by: str
    reviewed_at: dt.datetime | None
    evidence: list[NgoEvidenceOut]


class NgoReviewOut(Schema):
    verdict: str
    reasons: list[str]
    criteria: int
    answered: int
    rated: int
    ready: bool
    ratings: dict[str, int]
    without_evidence: list[str]


class NgoResponseOut(Schema):
    id: uuid.UUID
    title: str
    framework: str
    framework_version: str
    status: str
    addressee: str
    reference: str
    received_on: dt.date | None
    respond_by: dt.date | None
    created_at: dt.datetime
    answered: int | None = None


class NgoResponseDetailOut(NgoResponseOut):
    introduction: str
    signatory: str
    answers: list[NgoAnswerOut]
    review: NgoReviewOut


class PagedNgoResponseOut(Schema):
    items: list[NgoResponseOut]
    count: int


def _framework_out(key: str) -> dict[str, Any]:
    framework = ngo.framework_for(key)
    return {
        "key": framework.key,
        "version": framework.version,
        "ngo": framework.ngo,
        "title": framework.title,
        "source": framework.source,
        "scale_owner": framework.scale.owner,
        "scale_title": framework.scale.title,
        "scale_source": framework.scale.source,
        "levels": [level.model_dump() for level in framework.scale.levels],
        "criteria": [
            {**c.model_dump(exclude={"evidence"}), "evidence": list(c.evidence)} for c in framework.criteria
        ],
    }


def _response_out(response: NgoResponse) -> dict[str, Any]:
    return {
        "id": response.public_id,
        "title": response.title,
        "framework": response.framework_key,
        "framework_version": response.framework_version,
        "status": response.status,
        "addressee": response.addressee,
        "reference": response.reference,
        "received_on": response.received_on,
        "respond_by": response.respond_by,
        "created_at": response.created_at,
        "answered": getattr(response, "answered", None),
    }


@router.get("/ngo/frameworks", response={200: list[NgoFrameworkOut]})
def ngo_framework_list(request: HttpRequest) -> list[dict[str, Any]]:
    """The NGO assessment frameworks one may answer, with criteria and rating scale."""
    return [_framework_out(key) for key, _title in ngo.framework_choices()]


@router.get("/ngo/responses", response={200: PagedNgoResponseOut, **INPUT_ERRORS})
def ngo_response_list(
    request: HttpRequest, page: Query[Pagination.Input], status: str = ""
) -> dict[str, Any]:
    """Your organisation's answers to NGO assessments, newest first; `status` (draft, in_review, final) narrows."""
    if status and status not in NgoResponse.Status.values:
        raise InputError("status must be one of " + ", ".join(NgoResponse.Status.values), field="status")
    responses = ngo.ngo_response_list(user=request.user, status=status).order_by("-created_at", "-id")  # type: ignore[arg-type]
    listed = Pagination().paginate_queryset(responses, page, request)
    return {"items": [_response_out(r) for r in listed["items"]], "count": listed["count"]}


@router.get("/ngo/responses/{uuid:public_id}", response={200: NgoResponseDetailOut, **READ_ERRORS})
def ngo_response_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One answer with, per criterion, the answer, the rating and the evidence (with its snapshotted figure)."""
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)  # type: ignore[arg-type]
    framework = ngo.framework_of(response)
    rows = ngo.ngo_rows(response, framework)
    review = ngo.ngo_review(framework, rows)
    answers = []
    for row in rows:
        answer = row.answer
        label = ""
        if answer and answer.rating:
            try:
                label = framework.scale.level(answer.rating).label
            except KeyError:
                label = ""
        answers.append(
            {
                "criterion": row.criterion.key,
                "number": row.criterion.number,
                "title": row.criterion.title,
                "text": answer.text if answer else "",
                "rating": answer.rating if answer else "",
                "rating_label": label,
                "review_note": answer.review_note if answer else "",
                "reviewed_by": answer.reviewed_by.email if answer and answer.reviewed_by else "",
                "reviewed_at": answer.reviewed_at if answer else None,
                "evidence": [
                    {
                        "id": e.public_id,
                        "kind": e.kind,
                        "title": e.title,
                        "link": ngo.evidence_link(e),
                        "page": e.page,
                        "figure": ngo.evidence_figure(e),
                        "snapshot": e.snapshot or {},
                        "added_by": e.added_by.email if e.added_by else "",
                        "added_at": e.added_at,
                    }
                    for e in row.evidence
                ],
            }
        )
    return {
        **_response_out(response),
        "introduction": response.introduction,
        "signatory": response.signatory,
        "answers": answers,
        "review": {
            "verdict": review.verdict,
            "reasons": list(review.reasons),
            "criteria": review.criteria,
            "answered": review.answered,
            "rated": review.rated,
            "ready": review.ready,
            "ratings": {level.key: level.count for level in review.ratings},
            "without_evidence": list(review.without_evidence),
        },
    }


@router.get("/ngo/responses/{uuid:public_id}/letter.docx", response={200: None, **READ_ERRORS})
def ngo_response_letter(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The response letter's draft (DOCX)."""
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)  # type: ignore[arg-type]
    framework = ngo.framework_of(response)
    body = letter_docx(response, framework, ngo.ngo_rows(response, framework))
    return attachment(body, filename_from_title(response.title, "-letter.docx", default="ngo-letter"))


@router.get("/ngo/responses/{uuid:public_id}/table.xlsx", response={200: None, **READ_ERRORS})
def ngo_response_table(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The table of answers, ratings and evidence (XLSX)."""
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)  # type: ignore[arg-type]
    framework = ngo.framework_of(response)
    body = table_xlsx(response, framework, ngo.ngo_rows(response, framework))
    return attachment(body, filename_from_title(response.title, "-answers.xlsx", default="ngo-answers"))
