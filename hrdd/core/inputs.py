"""Cleaning one input value for a service: a text, a date, a choice, a web address. Each returns the cleaned value
or raises `error` (an InputError subclass the caller names) carrying the field, with the same wording everywhere.
A field's name is shown with its underscores as spaces ("identity_notes" reads "identity notes")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.core.errors import InputError

URL_SCHEMES = ("http", "https")
MAX_URL = 1000

# Characters no input may hold: the C0 control characters and DEL (never typed; NUL cannot even be stored in
# PostgreSQL's text, and the others can hide or garble what a reader sees) and unpaired UTF-16 surrogates (a JSON
# string may spell one, "\ud800", but no database encoding can store it). Tab, line feed and carriage return are
# allowed where text may run over several lines (a text area, a JSON string).
_REFUSED_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_REFUSED_IN_LINE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _label(field: str) -> str:
    return field.replace("_", " ")


def refused_character(text: str, *, multiline: bool = True) -> str | None:
    """The first character of `text` that no input may hold (see above), or None when there is none."""
    found = (_REFUSED_IN_TEXT if multiline else _REFUSED_IN_LINE).search(text)
    return found.group() if found else None


def refused_character_message(field: str, character: str) -> str:
    """What a person is told about a refused character in `field` (a label, or a name as the client wrote it):
    which field, which character, what to do."""
    return _(
        "%(field)s contains a control character (U+%(code)04X) that cannot be stored; remove it and send again"
    ) % {"field": field or _("the input"), "code": ord(character)}


def check_characters(
    value: str, field: str, *, multiline: bool = True, error: type[InputError] = InputError
) -> None:
    """Refuse a text holding a character no input may hold (tab and line breaks only when `multiline`)."""
    character = refused_character(value, multiline=multiline)
    if character is not None:
        raise error(refused_character_message(_label(field), character), field=field)


def clean_text(
    value: Any, field: str, limit: int, *, required: bool = False, error: type[InputError] = InputError
) -> str:
    """Return the value stripped; refuse it when empty but required, or longer than `limit` characters."""
    text = str(value or "").strip()
    if required and not text:
        raise error(_("%s is required") % _label(field), field=field)
    check_characters(text, field, error=error)
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
