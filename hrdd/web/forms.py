"""The forms of the pages every user sees: logging in, and switching organisation in the header."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import PageForm, PageFormMixin


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
