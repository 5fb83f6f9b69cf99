"""The forms of the account pages: inviting a colleague, their role, joining, and passwords (Django's own forms,
drawn the hrdd way, whose writes go through the audited services)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from hrdd.accounts.models import Role, User
from hrdd.accounts.services import user_password_reset_requested, user_password_set
from hrdd.core.forms import PageForm, PageFormMixin
from hrdd.core.lists import ListForm, Sort

ROLE_HELP = _(
    "Administrator: everything, and manages the members. Procurement officer: risk assessments, consultations "
    "and tenders. Contract manager: contracts and suppliers' reports (starts on the contracts). "
    "Responsible-sourcing manager: companies and supply chains. Viewer: reads everything, changes nothing."
)


def password_rules() -> str:
    """The installation's password rules in one sentence each (Django's own texts), as plain text."""
    return " ".join(password_validation.password_validators_help_texts())


class InviteForm(PageForm):
    email = forms.EmailField(label=_("Colleague's e-mail address"), max_length=254)
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.PROCUREMENT_OFFICER, help_text=ROLE_HELP
    )


class RoleForm(PageForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, help_text=ROLE_HELP)


class MemberListForm(ListForm):
    """The members list's filters and order (a GET query)."""

    sorts = (
        Sort("email", _("E-mail A–Z"), ("user__email", "id")),
        Sort("newest", _("Joined most recently"), ("-created_at", "-id")),
        Sort("role", _("Role"), ("role", "user__email", "id")),
    )
    per_page = 50

    q = forms.CharField(label=_("E-mail or name contains"), required=False, max_length=200)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("any")), *Role.choices])
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("active or deactivated")),
            ("active", _("active")),
            ("deactivated", _("deactivated")),
        ],
    )


class InvitationListForm(ListForm):
    sorts = (
        Sort("newest", _("Sent most recently"), ("-sent_at", "-id")),
        Sort("email", _("E-mail A–Z"), ("email", "id")),
    )
    per_page = 50


class _NewPasswordFields(PageForm):
    """A new password typed twice and checked by the installation's password rules."""

    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["password1"].help_text = password_rules()

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2", "")
        if first and first != second:
            raise forms.ValidationError(_("The two passwords differ."), code="password_mismatch")
        if second:
            password_validation.validate_password(second, User(email=self.email))
        return second


class JoinForm(_NewPasswordFields):
    """A new colleague chooses their password when accepting an invitation."""


class PasswordResetRequestForm(PageFormMixin, auth_forms.PasswordResetForm):
    """Django's form that e-mails a reset link to an active account's address (and says the same whether or not
    one exists); each link sent is recorded in the audit log."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
        user_password_reset_requested(user=context["user"])


class NewPasswordForm(PageFormMixin, auth_forms.SetPasswordForm):
    """Django's form behind the reset link; the password is set by the audited service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules()

    def save(self, commit: bool = True) -> User:
        return user_password_set(user=self.user, password=self.cleaned_data["new_password1"], reason="reset")


class PasswordChangeForm(PageFormMixin, auth_forms.PasswordChangeForm):
    """Django's form that asks for the old password, then a new one twice; set by the audited service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules()

    def save(self, commit: bool = True) -> User:
        return user_password_set(user=self.user, password=self.cleaned_data["new_password1"], reason="change")


# --- sharing (issue 16) -------------------------------------------------------------------------------------------


class ShareForm(PageForm):
    """A record's share panel: the organisations and/or the group to share it with, and a note for them."""

    organisations = forms.MultipleChoiceField(
        label=_("Organisations"), required=False, widget=forms.CheckboxSelectMultiple
    )
    group = forms.ChoiceField(label=_("Or a group of organisations"), required=False)
    note = forms.CharField(
        label=_("Note for them (optional)"),
        required=False,
        max_length=500,
        help_text=_("Say why you share it, e.g. “a joint supplier: let us follow up together”."),
    )

    def __init__(
        self, *args: Any, organisations: Iterable[Any] = (), groups: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "share_%s")
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(str(o.public_id), o.name) for o in organisations]  # type: ignore[attr-defined]
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(g.public_id), _group_label(g)) for g in groups),
        ]


def _group_label(group: Any) -> str:
    return f"{group.name} ({group.owner.name})"


class SharedListForm(ListForm):
    """The "shared with us" and "shared by us" lists' filter (a kind of record) and order."""

    sorts = (
        Sort("newest", _("Shared most recently"), ("-shared_at", "-id")),
        Sort("oldest", _("Shared longest ago"), ("shared_at", "id")),
    )
    per_page = 25

    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, kinds: Iterable[tuple[str, Any]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("any")), *kinds]


class GroupForm(PageForm):
    name = forms.CharField(
        label=_("Name of the group"),
        max_length=200,
        help_text=_("E.g. “Buyers of the central purchasing body”."),
    )


class GroupMemberForm(PageForm):
    organisation = forms.ChoiceField(label=_("Organisation to add"))

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(o.public_id), o.name) for o in organisations),
        ]
