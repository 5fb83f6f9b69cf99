"""The forms of the pages every user sees: logging in, switching organisation in the header, the audit log's
filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import IsoDateField, PageForm, PageFormMixin
from hrdd.core.lists import ListForm, Sort


class LoginForm(PageFormMixin, AuthenticationForm):
    """Django's login form, drawn the hrdd way; the user name is the e-mail address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.label = _("E-mail address")
        username.widget.input_type = "email"


class OrganisationSwitchForm(PageForm):
    """Which of the user's organisations to work in (the service refuses one they do not belong to)."""

    organisation = forms.CharField(label=_("Organisation"))


class AuditListForm(ListForm):
    """The audit log's filters and order (a GET query)."""

    sorts = (
        Sort("newest", _("Newest first"), ("-at", "-id")),
        Sort("oldest", _("Oldest first"), ("at", "id")),
    )
    per_page = 50

    action = forms.CharField(
        label=_("Action starts with"),
        required=False,
        max_length=100,
        help_text=_("e.g. contract. or response.submit"),
    )
    who = forms.CharField(label=_("Who"), required=False, max_length=200)
    since = IsoDateField(label=_("From (UTC)"), required=False)
    until = IsoDateField(label=_("To (UTC)"), required=False)
