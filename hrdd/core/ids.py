"""Public ids and secret tokens: unguessable, so that knowing one record's address tells nothing about another."""

from __future__ import annotations

import secrets
import uuid

TOKEN_BYTES = 32  # 256 random bits; 43 URL-safe characters


def new_token() -> str:
    """Return a new secret token for a link that works without an account (a supplier's link). It never starts
    with '-', so that a command line never reads a token given to it as an option."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def new_public_id() -> uuid.UUID:
    """Return a new random public id for a record's address."""
    return uuid.uuid4()


def public_uuid(value: object) -> uuid.UUID | None:
    """The public id a value names: a UUID, its text, or a record with a `public_id`; None for nothing or for a
    malformed id (a filter on it then finds nothing, with no hint whether such a record exists)."""
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(getattr(value, "public_id", value)))
    except ValueError:
        return None
