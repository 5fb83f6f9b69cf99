"""Cleaning one input value for a service: a text, a date, a choice, a web address. Each returns the cleaned value
or raises `error` (an InputError subclass the caller names) carrying the field, with the same wording everywhere.
A field's name is shown with its underscores as spaces ("identity_notes" reads "identity notes")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError

URL_SCHEMES = ("http", "https")
MAX_URL = 1000


def _label(field: str) -> str:
    return field.replace("_", " ")


def clean_text(
    value: Any, field: str, limit: int, *, required: bool = False, error: type[InputError] = InputError
) -> str:
    """Return the value stripped; refuse it when empty but required, or longer than `limit` characters."""
    text = str(value or "").strip()
    if required and not text:
        raise error(_("%s is required") % _label(field), field=field)
    if len(text) > limit:
        raise error(
            _("%(field)s is too long: at most %(limit)d characters")
            % {"field": _label(field), "limit": limit},
            field=field,
        )
    return text


def clean_date(
    value: Any, field: str, *, future: bool, required: bool = False, error: type[InputError] = InputError
) -> dt.date | None:
    """Return a date (a date, a datetime or text written YYYY-MM-DD) or None when empty and not required.

    `future=False` refuses a date after today (something that has already happened cannot be dated tomorrow).
    """
    if value in (None, ""):
        if required:
            raise error(_("a date is required"), field=field)
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise error(_("write the date as YYYY-MM-DD"), field=field) from exc
    if not future and day > timezone.localdate():
        raise error(_("the date cannot be in the future"), field=field)
    return day


def clean_choice(
    value: Any,
    field: str,
    choices: Iterable[tuple[str, Any]],
    *,
    blank: bool = False,
    error: type[InputError] = InputError,
) -> str:
    """Return the value if it is one of the choices' keys ('' too when `blank`); refuse it naming the known keys."""
    text = str(value or "").strip()
    if not text and blank:
        return ""
    known = [key for key, _label_text in choices]
    if text not in known:
        raise error(
            _("%(field)s must be one of %(known)s") % {"field": _label(field), "known": ", ".join(known)},
            field=field,
        )
    return text


def clean_url(
    value: Any,
    field: str,
    *,
    required: bool = False,
    limit: int = MAX_URL,
    error: type[InputError] = InputError,
) -> str:
    """Return a web address starting with http:// or https:// ('' when empty and not required)."""
    text = clean_text(value, field, limit, required=required, error=error)
    if text:
        try:
            URLValidator(schemes=list(URL_SCHEMES))(text)
        except ValidationError as exc:
            raise error(_("enter a web address starting with http:// or https://"), field=field) from exc
    return text
