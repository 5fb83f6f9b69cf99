"""The one way a page form is drawn and told what went wrong.

Every page form is a `PageForm` (or mixes `PageFormMixin` into one of Django's own forms). Its fields are drawn by
web/forms/field.html; each error sits beside its field in a list whose id the field's aria-describedby names, and
a summary with role="alert" opens the form (web/forms/_summary.html). Django 5.2 already marks a field in error
with aria-invalid="true" and points aria-describedby at "<id>_error" and "<id>_helptext"; the templates here keep
those ids and add what Django leaves out: the summary, the error styles and labels without a trailing colon.

`add_service_error` puts a refused write's message (an exception with a `field`, as every service raises) on the
field that `field` names, so a page says the same thing as the API and the command line, next to the input.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrdd.core.errors import InputError
from hrdd.core.ids import new_token
from hrdd.core.inputs import refused_character, refused_character_message
from hrdd.core.models import FormSubmission
from hrdd.core.uploads import upload_hint
from hrdd.domain.countries import (
    UnknownCountry,
    display_name,
    display_names,
    resolve_country,
    unknown_country_text,
)


class PageFormRenderer(DjangoTemplates):
    """Draw forms and fields with hrdd's templates (the widgets stay Django's own)."""

    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"


# One renderer for every form of the process: Django makes a new renderer (with a new template engine, which parses
# its templates again) for each form whose default_renderer is a class, so an instance is given instead.
PAGE_FORM_RENDERER = PageFormRenderer()


class FieldErrorList(ErrorList):
    """A field's errors, with the id its aria-describedby points at."""

    template_name = "web/forms/errors.html"


class PageFormMixin:
    """Errors beside their fields, a summary on top, and service errors attached to the field they name."""

    default_renderer = PAGE_FORM_RENDERER
    # A service's name for an input -> the form field that holds it, where the two differ (weights.AC3 -> weight_AC3).
    service_fields: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_class", FieldErrorList)
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def __getitem__(self, name: str) -> forms.BoundField:
        """The field drawn by that name; a file box says what it takes and the size limit, before the upload
        (fields added after __init__ too)."""
        field = self.fields[name]  # type: ignore[attr-defined]
        if isinstance(field, forms.FileField) and not field.help_text:
            accept = [e.strip() for e in str(field.widget.attrs.get("accept", "")).split(",")]
            field.help_text = upload_hint([e for e in accept if e.startswith(".")])
        return super().__getitem__(name)  # type: ignore[misc]

    def full_clean(self) -> None:
        """Clean as Django does, then refuse typed text no field may hold: a character that cannot be stored (a line
        break too, outside a text area), or more than HRDD_MAX_TEXT_CHARS characters where the field sets no limit."""
        super().full_clean()  # type: ignore[misc]
        if not self.is_bound or self.empty_permitted and not self.has_changed():  # type: ignore[attr-defined]
            return
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            problem = self._typed_text_problem(field, self[name].data)
            if problem:
                if name in self.errors:  # type: ignore[attr-defined]
                    del self.errors[name]  # type: ignore[attr-defined]
                self.add_error(name, problem)  # type: ignore[attr-defined]

    @staticmethod
    def _typed_text_problem(field: forms.Field, data: Any) -> str:
        """What is wrong with the text typed in one field ('' when nothing): see full_clean."""
        if isinstance(field, forms.FileField) or field.disabled:
            return ""
        values = data if isinstance(data, list | tuple) else [data]
        # a text area, or a hidden input carrying on what was typed in one
        multiline = isinstance(field.widget, forms.Textarea | forms.HiddenInput)
        limit = int(settings.HRDD_MAX_TEXT_CHARS)
        for value in values:
            if not isinstance(value, str):
                continue
            character = refused_character(value, multiline=multiline)
            if character is not None:
                return refused_character_message(str(field.label or ""), character)
            if getattr(field, "max_length", None) is None and len(value) > limit:
                return gettext("Write at most %(limit)d characters (%(count)d now).") % {
                    "limit": limit,
                    "count": len(value),
                }
        return ""

    def field_for(self, path: str) -> tuple[str | None, bool]:
        """Return the form field a service's field path names, and whether it names that field exactly.

        'months' names the field months exactly; 'bids[0].price' names a part of the field bids.
        """
        fields: Mapping[str, Any] = self.fields  # type: ignore[attr-defined]
        if not path:
            return None, False
        if path in self.service_fields:
            return self.service_fields[path], True
        if path in fields:
            return path, True
        root = re.split(r"[.\[]", path, maxsplit=1)[0]
        name = self.service_fields.get(root, root)
        return (name, False) if name in fields else (None, False)

    def add_service_error(self, exc: Exception) -> None:
        """Show a refused write's message beside the field its `field` names, else at the top of the form."""
        path = str(getattr(exc, "field", "") or "")
        message = str(exc)
        name, exact = self.field_for(path)
        if name is not None and exact and message.startswith(f"{path}: "):
            message = message[len(path) + 2 :]  # the field's label already says which input
        self.add_error(name, message)  # type: ignore[attr-defined]

    def refuse_stale(self, message: str, *, current: Any, field: str = "version") -> None:
        """Show a stale save's refusal on top of the form, keep what was typed, and put the version now stored in
        the hidden `field`: saving again goes over that version knowingly."""
        self.add_error(None, message)  # type: ignore[attr-defined]
        self.data = self.data.copy()
        self.data[self.add_prefix(field)] = str(current)  # type: ignore[attr-defined]


class PageForm(PageFormMixin, forms.Form):
    """A page form drawn the hrdd way."""


def record_choices(records: Any, *, blank: str = "—") -> list[tuple[str, str]]:
    """Choices for a select of records named by their public id: an empty choice, then each record's title."""
    return [("", blank), *((str(r.public_id), str(r.title)) for r in records)]


class WholeNumberField(forms.Field):
    """A whole number typed in a text box; a refusal quotes what was typed. Empty gives None."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        raw = str(value if value is not None else "").strip()
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError as exc:
            raise ValidationError(
                _("%(value)r is not a whole number"), code="invalid", params={"value": raw}
            ) from exc


class IsoDateField(forms.Field):
    """A date written YYYY-MM-DD (what a browser's date box sends); a refusal quotes what was typed."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    default_error_messages = {"required": _("a date is required")}

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        raw = str(value or "").strip()
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValidationError(
                _("%(value)r is not a date (YYYY-MM-DD)"), code="invalid", params={"value": raw}
            ) from exc


class SuggestionsInput(forms.TextInput):
    """A text box that offers known values while the user types (an HTML datalist); any other value is allowed."""

    template_name = "web/forms/widgets/suggestions.html"

    def __init__(self, attrs: dict[str, Any] | None = None, suggestions: list[str] | None = None) -> None:
        super().__init__(attrs)
        self.suggestions = list(suggestions or [])

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["list_id"] = f"{widget['attrs'].get('id') or name}_suggestions"
        widget["attrs"]["list"] = widget["list_id"]
        widget["attrs"].setdefault("autocomplete", "off")
        widget["suggestions"] = self.suggestions
        return context


class CountryField(forms.CharField):
    """A country written as its name in any language or its ISO code (DE, DEU); cleans to the ISO 3166-1
    alpha-3 code ('' when left empty). The box offers the English names while the user types, and a value
    no country answers to is refused with the field's name and the closest names (hrdd.domain.countries)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault(
            "help_text", _("Its name in any language, or its ISO code (e.g. Germany, Deutschland, DE).")
        )
        kwargs.setdefault("widget", SuggestionsInput(suggestions=list(display_names())))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        text = str(value or "")
        if len(text) == 3 and text.isupper():  # a stored code is shown as the name a person would write
            return display_name(text)
        return value

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return resolve_country(text)
        except UnknownCountry as exc:
            raise ValidationError(unknown_country_message(exc), code="unknown_country") from exc


def unknown_country_message(exc: UnknownCountry) -> str:
    """What a person is told about a value no country answers to, in the reader's language
    (hrdd.domain.countries.unknown_country_text)."""
    return unknown_country_text(exc, gettext)


def form_write(request: Any, form: PageFormMixin, write: Callable[..., Any], *, success: str) -> Any | None:
    """Call a service with a bound form's cleaned data; a refusal (InputError, PermissionDenied) goes beside the
    field it names. Returns what the service returned (the page redirects to it), or None to show the form again."""
    if not form.is_bound or not form.is_valid():  # type: ignore[attr-defined]
        return None
    try:
        record = write(**form.cleaned_data)  # type: ignore[attr-defined]
    except (InputError, PermissionDenied) as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, success)
    return record


# Sent once: a create form carries a one-time key drawn with it; the record it created is remembered under that key
# (core.FormSubmission), so that the same form sent again (back and resubmit, a double click, a reload of the POST)
# leads to that record instead of creating a second one.
ONCE_FIELD = "form_key"


def new_form_key() -> str:
    """A fresh one-time key for a create form."""
    return new_token()


class OnceKeyInput(forms.HiddenInput):
    """The one-time key, drawn as a hidden text box rather than an <input type="hidden">: a browser puts a text
    box's changed value back when the person goes back to the page (hrdd/once.js marks the key as changed), so
    the form sent again carries the same key; an <input type="hidden"> would get the new key of the page drawn
    again."""

    input_type = "text"
    is_hidden = True  # drawn with the hidden fields, without a label
    template_name = "core/widgets/once_key.html"  # with hrdd/once.js, which lets the browser keep the key

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # hidden, which the pages' stylesheet keeps above its rule that shows every text box as a block (no style
        # attribute: the Content Security Policy refuses them)
        hidden = {"hidden": True, "tabindex": "-1", "aria-hidden": "true"}
        super().__init__(hidden | (attrs or {}))


class OnceFormMixin:
    """A create form with a hidden one-time key (see `form_create`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[ONCE_FIELD] = forms.CharField(  # type: ignore[attr-defined]
            widget=OnceKeyInput, required=False, max_length=64, initial=new_form_key
        )


def form_create(
    request: Any,
    form: PageFormMixin,
    write: Callable[..., Any],
    *,
    success: str | Callable[[Any], str],
    redirect_to: Callable[[Any], str] | None = None,
    refusals: tuple[type[Exception], ...] = (),
    after: Callable[[Any], None] | None = None,
) -> HttpResponse | None:
    """Create a record from a bound form, once: post/redirect/get, and a second POST of the same form (its
    one-time key already used) redirects to what the first created. `write` gets the cleaned data (without the
    key); its refusals (InputError, PermissionDenied and the `refusals` given) go beside their field; `after` is
    told of the new record once its success message is given. Returns the redirect, or None to show the form
    again."""
    if not form.is_bound:  # type: ignore[attr-defined]
        return None
    key = str(form.data.get(ONCE_FIELD) or "").strip()[:64]  # type: ignore[attr-defined]
    if key:
        earlier = FormSubmission.objects.filter(key=key).first()
        if earlier is not None and earlier.user_id == request.user.pk:
            messages.info(
                request,
                _("This form was already sent and created %(record)s; nothing was created twice.")
                % {"record": earlier.label},
            )
            return HttpResponseRedirect(earlier.url)
        if earlier is not None:  # another person's key: never lead to their record
            form.add_error(None, _("This form has expired. Reload the page and send it again."))  # type: ignore[attr-defined]
            return None
    if not form.is_valid():  # type: ignore[attr-defined]
        return None
    data = {k: v for k, v in form.cleaned_data.items() if k != ONCE_FIELD}  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            record = write(**data)
            url = redirect_to(record) if redirect_to else record.get_absolute_url()
            if key:
                FormSubmission.objects.create(key=key, user=request.user, label=str(record)[:200], url=url)
    except (
        IntegrityError
    ):  # the same key, sent twice at the same moment: the other request created the record
        earlier = FormSubmission.objects.filter(key=key, user=request.user).first()
        if earlier is None:
            raise
        return HttpResponseRedirect(earlier.url)
    except (InputError, PermissionDenied, *refusals) as exc:
        form.add_service_error(exc)
        return None
    messages.success(request, success(record) if callable(success) else success)
    if after is not None:
        after(record)
    return HttpResponseRedirect(url)
