"""Archived records and confirmed changes, the same on every page: a list hides archived records unless its
"Archived" filter asks for them, and a change that cannot be taken back quietly (delete, reopen, withdraw) is
sent with a ticked confirmation box, never a script's confirm dialog.

A record that can be archived has an `archived_at` field (None while in use); its app's services set and clear it,
audited, and the record's page offers to restore it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from hrdd.core.errors import InputError
from hrdd.core.forms import PageForm

SHOW_ACTIVE, SHOW_ALL, SHOW_ARCHIVED = "", "all", "archived"


def archived_filter() -> forms.ChoiceField:
    """A list form's "Archived" filter: hidden by default, shown too, or only the archived."""
    return forms.ChoiceField(
        label=_("Archived"),
        required=False,
        choices=[
            (SHOW_ACTIVE, _("hide archived")),
            (SHOW_ALL, _("show archived too")),
            (SHOW_ARCHIVED, _("archived only")),
        ],
    )


def filter_archived(queryset: QuerySet[Any], show: str | None) -> QuerySet[Any]:
    """Keep the records in use, or all, or only the archived ones, as the list's filter says."""
    if show == SHOW_ALL:
        return queryset
    if show == SHOW_ARCHIVED:
        return queryset.filter(archived_at__isnull=False)
    return queryset.filter(archived_at__isnull=True)


class ConfirmForm(PageForm):
    """A change that needs a yes: the box must be ticked (its label says what will happen)."""

    confirm = forms.BooleanField(
        label=_("Yes, I understand what this does."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args: Any, label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


def confirm_page(
    request: Any,
    *,
    form: ConfirmForm,
    heading: str,
    back_url: str,
    back_label: str,
    action_label: str,
    explanation: list[str] | tuple[str, ...] = (),
    blockers: list[str] | tuple[str, ...] = (),
    refused_title: str = "",
    alternative_url: str = "",
    alternative_label: str = "",
    danger: bool = True,
) -> HttpResponse:
    """The page that asks for a yes (core/confirm.html): 400 when the box was not ticked, 409 when something
    stands in the way (then it shows what, and the way out instead of the form)."""
    status = 409 if blockers else 400 if form.errors else 200
    return render(
        request,
        "core/confirm.html",
        {
            "form": form,
            "heading": heading,
            "back_url": back_url,
            "back_label": back_label,
            "action_label": action_label,
            "explanation": list(explanation),
            "blockers": list(blockers),
            "refused_title": refused_title,
            "alternative_url": alternative_url,
            "alternative_label": alternative_label,
            "danger": danger,
        },
        status=status,
    )


def edit_page(
    request: Any, *, form: Any, heading: str, back_url: str, back_label: str, hints: list[str] | None = None
) -> HttpResponse:
    """A record's edit form (core/edit.html), 400 when it holds errors, 409 when it was saved by someone else
    since it was opened (hrdd.core.versions)."""
    return render(
        request,
        "core/edit.html",
        {
            "form": form,
            "heading": heading,
            "back_url": back_url,
            "back_label": back_label,
            "hints": hints or [],
        },
        status=409 if getattr(form, "saved_version", None) else 400 if form.errors else 200,
    )


def act(
    request: HttpRequest,
    change: Callable[[], Any],
    *,
    done: str,
    back: str,
    refusals: tuple[type[Exception], ...] = (),
) -> HttpResponse:
    """Make a change that needs no form (archive, restore, resend, withdraw) and go back to the page it came from,
    saying it was done, or why it was refused (an InputError, or one of `refusals`: an app's own input errors)."""
    try:
        change()
    except (InputError, *refusals) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(back)
