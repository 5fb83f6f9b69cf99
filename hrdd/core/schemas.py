"""What every API operation shares: the request-body base that refuses unknown properties, the one error shape,
the error answers an operation declares, and pagination."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import ConfigDict

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


class InputSchema(Schema):
    """A request body: a property the operation does not know is refused by name (422), never ignored."""

    model_config = ConfigDict(extra="forbid")


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error answer: a sentence for people, the field at fault ('' when none), and every problem found."""

    detail: str
    field: str = ""
    errors: list[FieldErrorOut] = []


# The error answers operations declare in the OpenAPI document (the handler in hrdd/api.py gives them).
READ_ERRORS: dict[int, Any] = {404: ErrorOut}
INPUT_ERRORS: dict[int, Any] = {422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# an edit that may meet a newer version (hrdd.core.versions): 409 with both versions
EDIT_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: ErrorOut}


class Pagination(LimitOffsetPagination):
    """?limit=&offset= on a list; the answer is {"items": [...], "count": total}."""

    class Input(Schema):
        limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
        offset: int = Field(0, ge=0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_PAGE_SIZE, **kwargs)
