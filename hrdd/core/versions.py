"""Optimistic locking: a record a person edits from a form carries a `version` that every save moves on, and a save
made from a form opened on an older version is refused (StaleEdit) instead of silently overwriting what another
person saved in between (issue 17, "nothing lost").

The one mechanism, used by every service that changes an editable record:

- `claim_version(record, expected)` runs inside the service's transaction, before anything is written:
  ``UPDATE ... SET version = version + 1 WHERE pk = ... AND version = <expected>``. The statement is atomic on
  SQLite and PostgreSQL and takes the row's write lock, so of two saves made on the same version exactly one
  matches; the other finds no row and is refused with both versions. With no expected version (a client that sent
  none) the version still moves, so that the next stale form is caught.
- `save_if_unchanged(model, pk, expected_version, changes)` does the same for a plain change of columns in one
  statement.
- Page forms mix in `VersionedFormMixin` (a hidden "version" field; a refusal keeps what was typed, shows what is
  saved now and carries the saved version, so saving again is a knowing choice).
- The API takes the version from an ``If-Match`` header or a "version" property (`api_version`) and answers 409
  (hrdd/api.py maps StaleEdit) with both versions in the message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db import connection, models, transaction
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrdd.core.errors import InputError
from hrdd.core.forms import ONCE_FIELD

VERSION_FIELD = "version"


def version_field() -> models.PositiveIntegerField:
    """The model field every editable record carries (moved by `claim_version` on each save). The database holds
    the default too, so that a row written without the field (raw SQL, an older migration state) starts at 1."""
    return models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)


class StaleEdit(InputError):
    """A save made on a version of the record that is no longer the saved one: nothing was written.

    `expected` is the version the form or client was opened on, `current` the version saved now, and `saved` the
    record as it is stored now (None when it could not be read)."""

    def __init__(self, *, what: str, expected: int, current: int, saved: Any = None) -> None:
        self.what = what
        self.expected = expected
        self.current = current
        self.saved = saved
        super().__init__(
            gettext(
                "This %(what)s was changed by someone else since you opened it: you opened version %(expected)d, "
                "version %(current)d is saved now. Nothing was saved. Compare what you entered with what is "
                "saved now, then save again to replace it."
            )
            % {"what": what, "expected": expected, "current": current},
            field=VERSION_FIELD,
        )


def parse_version(value: Any, *, field: str = VERSION_FIELD) -> int | None:
    """A version as a client or form sent it (an int, "3", an ETag '"3"' or 'W/"3"'); None when none was sent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InputError(gettext("%r is not a version number") % value, field=field)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if text.startswith("W/"):
            text = text[2:]
        if text.startswith('"') or text.endswith('"'):
            text = text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else ""
        if not text.isdigit():
            raise InputError(gettext("%r is not a version number") % str(value)[:40], field=field)
        number = int(text)
    if number < 1:
        raise InputError(gettext("a version number is 1 or more"), field=field)
    return number


def _label(model: type[models.Model], what: str | None) -> str:
    return what or str(model._meta.verbose_name)


def _refuse(model: type[models.Model], pk: Any, expected: int, what: str | None) -> StaleEdit:
    saved = model._base_manager.filter(pk=pk).first()
    current = saved.version if saved is not None else 0  # type: ignore[attr-defined]
    return StaleEdit(what=_label(model, what), expected=expected, current=current, saved=saved)


def _require_transaction() -> None:
    if (
        not connection.in_atomic_block
    ):  # the version would move while the change it guards might not be written
        raise RuntimeError("claim_version must run inside the service's transaction")


def claim_version(
    record: models.Model, expected: Any, *, what: str | None = None, refresh: bool = False
) -> int:
    """Move the stored version of `record` on by one if it is still `expected` (None: whatever it is), holding
    the row's write lock until the transaction ends; StaleEdit when another save came first. Sets and returns
    the record's new version (`refresh`: reads the whole record again, as it is stored now, under the lock).
    Call it inside the service's transaction, before writing anything."""
    _require_transaction()
    model = type(record)
    seen = parse_version(expected)
    rows = model._base_manager.filter(pk=record.pk)
    if seen is not None:
        rows = rows.filter(version=seen)
    if rows.update(version=F("version") + 1) != 1:
        raise _refuse(model, record.pk, seen or 0, what)
    if refresh:
        record.refresh_from_db()
        return int(record.version)  # type: ignore[attr-defined]
    new = model._base_manager.filter(pk=record.pk).values_list("version", flat=True).get()
    record.version = new  # type: ignore[attr-defined]
    return int(new)


def save_if_unchanged(
    model: type[models.Model],
    pk: Any,
    expected_version: Any,
    changes: Mapping[str, Any],
    *,
    what: str | None = None,
) -> int:
    """Write `changes` to the row `pk` in one UPDATE only if its version is still `expected_version`, moving the
    version on; StaleEdit (nothing written) otherwise. Returns the new version."""
    seen = parse_version(expected_version)
    with transaction.atomic():
        rows = model._base_manager.filter(pk=pk)
        if seen is not None:
            rows = rows.filter(version=seen)
        if rows.update(**changes, version=F("version") + 1) != 1:
            raise _refuse(model, pk, seen or 0, what)
        return int(model._base_manager.filter(pk=pk).values_list("version", flat=True).get())


def api_version(request: Any, given: Any = None) -> int | None:
    """The version an API client read: the "version" property it sent, else its If-Match header (the ETag of a
    read, e.g. '"3"'); None when it sent neither (the save then goes over whatever is stored)."""
    if given not in (None, ""):
        return parse_version(given)
    header = request.headers.get("If-Match", "") if request is not None else ""
    if not header or header.strip() == "*":
        return None
    return parse_version(header.split(",")[0], field="If-Match")


def etag(version: int) -> str:
    """The ETag a record's version is sent as (a client sends it back in If-Match)."""
    return f'"{version}"'


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _choice_label(field: forms.Field, value: Any) -> Any:
    """A stored code as the choice's label the form shows ('notebook' -> 'Notebook computer')."""
    choices = getattr(field, "choices", None)
    if not choices or not isinstance(value, str | int):
        return value
    try:
        labels = {str(key): label for key, label in choices if not isinstance(label, list | tuple)}
    except (TypeError, ValueError):  # grouped or lazy choices the form draws itself
        return value
    return labels.get(str(value), value)


class VersionedFormMixin:
    """A page form that carries the version it was opened on in a hidden "version" field (put it before the
    form class, after PageFormMixin's users: ``class EditForm(VersionedFormMixin, PageForm)``).

    The view passes `version=record.version` when it draws the form; the field comes back with the POST and the
    service gets it with the rest of the cleaned data. A StaleEdit given to `add_service_error` keeps what was
    typed, says both versions on top of the form, lists what is saved now (`saved_now`, drawn by the form's
    summary) and carries the saved version, so that saving again replaces it knowingly."""

    creates_too = False  # True: the form also creates records, once (it keeps core.forms.OnceFormMixin's key)

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # an edit form changes a record that exists: the one-time key of a create form (core.forms.form_create)
        # has no use there, and its services do not take it; a form that creates or changes keeps it
        if not self.creates_too:
            self.fields.pop(ONCE_FIELD, None)  # type: ignore[attr-defined]
        self.fields[VERSION_FIELD] = forms.IntegerField(  # type: ignore[attr-defined]
            widget=forms.HiddenInput, required=False, min_value=1, initial=version
        )
        self.saved_now: list[tuple[str, str]] = []
        self.saved_version: int | None = None

    def saved_values(self, saved: Any) -> dict[str, Any]:
        """The saved record's value of each field of the form, by field name (fields it has no value for are
        left out). Forms whose fields are not the record's attributes override it."""
        fields: Mapping[str, Any] = self.fields  # type: ignore[attr-defined]
        return {
            name: getattr(saved, name)
            for name in fields
            if name != VERSION_FIELD and hasattr(saved, name) and not callable(getattr(saved, name))
        }

    def refuse_stale_edit(self, exc: StaleEdit) -> None:
        """Show a stale save's refusal: what was typed stays, what is saved now is listed, the version moves."""
        self.refuse_stale(str(exc), current=exc.current)  # type: ignore[attr-defined]
        self.saved_version = exc.current
        if exc.saved is None:
            return
        fields: Mapping[str, Any] = self.fields  # type: ignore[attr-defined]
        self.saved_now = [
            (str(fields[name].label or name), _shown(_choice_label(fields[name], value)))
            for name, value in self.saved_values(exc.saved).items()
            if name in fields
        ]

    def add_service_error(self, exc: Exception) -> None:
        if isinstance(exc, StaleEdit):
            self.refuse_stale_edit(exc)
            return
        super().add_service_error(exc)  # type: ignore[misc]
