"""The consultation pages' forms: a new consultation, an invitation, an imported workbook, the supplier's
questionnaire and the buyer's reopen button."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from hrdd.companies.selectors import company_names
from hrdd.consultations.models import Invitation, product_category_choices
from hrdd.core.archive import ConfirmForm, archived_filter
from hrdd.core.forms import OnceFormMixin, PageForm, SuggestionsInput
from hrdd.core.languages import active_language
from hrdd.core.lists import ListForm, Sort
from hrdd.core.texts import localize
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain.labels import word_of
from hrdd.domain.maturity import InvalidResponse
from hrdd.domain.questionnaire_framework import Question, QuestionnaireFramework
from hrdd.procurements.selectors import procurement_choices, procurement_get


def _deadline_field() -> forms.DateField:
    return forms.DateField(
        label=gettext_lazy("Deadline for answers"),
        help_text=gettext_lazy("Today or later. Answers that come after it are still accepted, marked late."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ConsultationEditForm(VersionedFormMixin, PageForm):
    """A consultation's plain fields, as the buyer corrects them."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    product_category = forms.ChoiceField(
        label=gettext_lazy("Product category"), choices=product_category_choices
    )
    deadline = _deadline_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()


class ConsultationForm(OnceFormMixin, PageForm):
    procurement = forms.CharField(label=gettext_lazy("Procurement"), required=False, widget=forms.Select)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    product_category = forms.ChoiceField(
        label=gettext_lazy("Product category"), choices=product_category_choices
    )
    deadline = _deadline_field()

    def __init__(self, *args: Any, user: Any, procurement: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].widget.attrs["min"] = timezone.localdate().isoformat()
        self.user = user
        self.fields["procurement"].widget.choices = procurement_choices(
            user=user,
            blank=gettext_lazy("— a new procurement named after the consultation —"),
            keep=procurement,
        )

    def clean_procurement(self) -> Any:
        public_id = self.cleaned_data.get("procurement")
        return procurement_get(user=self.user, public_id=public_id) if public_id else None  # 404 if not ours


def supplier_language_field() -> forms.ChoiceField:
    """The language of the supplier's pages and e-mails, as the buyer sets it (empty: the supplier's browser)."""
    return forms.ChoiceField(
        label=gettext_lazy("Supplier's language"),
        required=False,
        choices=[("", gettext_lazy("— the supplier's browser decides —")), *settings.LANGUAGES],
        help_text=gettext_lazy(
            "The invitation e-mail and the questionnaire are shown in it; the supplier can switch on the page."
        ),
    )


class InvitationForm(OnceFormMixin, PageForm):
    email = forms.EmailField(label=gettext_lazy("Supplier e-mail address"))
    company = forms.CharField(
        label=gettext_lazy("Company (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Companies already recorded are offered as you type."),
    )
    language = supplier_language_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].widget = SuggestionsInput(suggestions=company_names(user=user))
        self.fields["language"].initial = active_language()  # the buyer's own, unless they choose another


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files chosen in one box; cleaned to the list of them."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        clean_one = super().clean
        return [clean_one(f, initial) for f in files]


class ImportForm(PageForm):
    file = MultipleFileField(
        label=gettext_lazy("Filled questionnaires (XLSX, one or more)"),
        widget=MultipleFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": gettext_lazy("Choose a filled questionnaire (XLSX) to import.")},
    )


class InvitationEditForm(PageForm):
    """An invitation's e-mail address and company, as the buyer corrects them (the link stays the same)."""

    email = forms.EmailField(label=gettext_lazy("Supplier e-mail address"), required=False)
    company = forms.CharField(label=gettext_lazy("Company (optional)"), max_length=200, required=False)
    language = supplier_language_field()

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].widget = SuggestionsInput(suggestions=company_names(user=user))


class ReopenForm(ConfirmForm):
    """The buyer's confirmation that a supplier may change a submitted response again."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "label",
            gettext_lazy("Yes, reopen it: the answers stop counting until the supplier submits them again."),
        )
        super().__init__(*args, **kwargs)


def _picked(answers: dict[str, Any], question_id: str) -> list[str]:
    picked = answers.get(question_id) or []
    return [picked] if isinstance(picked, str) else [str(p) for p in picked]


# A framework's text (a question, an option, a role) said in the language active when the page is rendered, not
# when the form is built (hrdd.core.texts.localize; English when no translation is shipped).
_said = lazy(localize, str)


class QuestionnaireForm(VersionedFormMixin, PageForm):
    """The supplier's answers behind the secret link: company, role, and one field per question and text box.

    Every field may be left empty here: a draft may be partial, and the domain says what a submission lacks
    (InvalidResponse), which `add_response_errors` puts beside the questions concerned.
    """

    company = forms.CharField(label=gettext_lazy("Company name"), max_length=200, required=False)
    role = forms.ChoiceField(label=gettext_lazy("We are a"), required=False, widget=forms.RadioSelect)

    def __init__(
        self,
        *args: Any,
        framework: QuestionnaireFramework,
        raw: dict[str, Any] | None = None,
        disabled: bool = False,
        consent: str = "",
        **kwargs: Any,
    ) -> None:
        raw = raw or {}
        answers = dict(raw.get("answers") or {})
        initial = {"company": raw.get("company") or "", "role": raw.get("role") or ""}
        super().__init__(*args, initial=initial, **kwargs)
        self.framework = framework
        self.fields["role"].choices = [(r.id, _said(r.label)) for r in framework.roles]
        for question in framework.questions:
            choices = [(o.id, _said(o.text)) for o in question.options]
            picked = _picked(answers, question.id)
            if question.select == "single":
                self.fields[question.id] = forms.ChoiceField(
                    label=_said(question.title),
                    help_text=_said(question.prompt),
                    choices=choices,
                    required=False,
                    widget=forms.RadioSelect,
                )
                self.initial[question.id] = picked[0] if picked else ""
            else:
                self.fields[question.id] = forms.MultipleChoiceField(
                    label=_said(question.title),
                    help_text=_said(question.prompt),
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
                self.initial[question.id] = picked
            for text_field in question.text_fields:
                name = f"text_{text_field.id}"
                self.fields[name] = forms.CharField(
                    label=_said(text_field.label), required=False, widget=forms.Textarea(attrs={"rows": 2})
                )
                self.initial[name] = answers.get(text_field.id) or ""
        # answers the supplier shares from elsewhere (their profile) are saved only with this box ticked
        if consent:
            self.fields["share_consent"] = forms.BooleanField(
                label=consent,
                error_messages={
                    "required": gettext_lazy(
                        "Tick this box to let the buyer see these answers, or answer yourself."
                    )
                },
            )
        if disabled:
            for form_field in self.fields.values():
                form_field.disabled = True

    def saved_values(self, saved: Any) -> dict[str, Any]:
        """The saved response's company, role and answers, by the name of the field that shows each."""
        raw = saved.as_raw_response()
        answers = dict(raw.get("answers") or {})
        roles = {r.id: _said(r.label) for r in self.framework.roles}
        role = raw.get("role") or ""
        values: dict[str, Any] = {"company": raw.get("company") or "", "role": str(roles.get(role, role))}
        for question in self.framework.questions:
            options = {o.id: _said(o.text) for o in question.options}
            values[question.id] = [str(options.get(p, p)) for p in _picked(answers, question.id)]
            for text_field in question.text_fields:
                values[f"text_{text_field.id}"] = answers.get(text_field.id) or ""
        return values

    def submitting(self) -> bool:
        """Whether the supplier pressed "Submit answers" rather than "Save draft"."""
        return self.data.get("action") == "submit"

    def question_groups(self) -> list[tuple[Question, forms.BoundField, list[forms.BoundField]]]:
        """Each question with its choice field and its text boxes, in the framework's order."""
        return [
            (question, self[question.id], [self[f"text_{f.id}"] for f in question.text_fields])
            for question in self.framework.questions
        ]

    def raw_response(self) -> dict[str, Any]:
        """The answers in the raw response shape the domain reads (call after is_valid())."""
        data = self.cleaned_data
        answers: dict[str, object] = {}
        for question in self.framework.questions:
            value = data.get(question.id)
            picked = [value] if isinstance(value, str) else list(value or [])
            picked = [p for p in picked if p]
            if picked:
                answers[question.id] = picked
            for text_field in question.text_fields:
                text = (data.get(f"text_{text_field.id}") or "").strip()
                if text:
                    answers[text_field.id] = text
        return {
            "company": (data.get("company") or "").strip(),
            "role": data.get("role") or "",
            "answers": answers,
        }

    def add_response_errors(self, exc: InvalidResponse) -> None:
        """Put each of the domain's complaints beside the question or box it names."""
        texts = {f.id: f"text_{f.id}" for q in self.framework.questions for f in q.text_fields}
        for error in exc.errors:
            path = error.field
            key = path.removeprefix("answers.")
            if path in ("company", "role"):
                name: str | None = path
            elif path.startswith("answers.") and key in self.fields:
                name = key
            elif path.startswith("answers.") and key in texts:
                name = texts[key]
            else:
                name = None
            # The message keeps the field's path: it is the name the spreadsheet and the API use too; the rest is
            # said in the page's language (the domain's Text).
            self.add_error(name, localize(error.said))


class ConsultationListForm(ListForm):
    """The consultations list's filters and sort (a GET query)."""

    sorts = (
        Sort("newest", gettext_lazy("Newest first"), ("-created_at", "-id")),
        Sort("oldest", gettext_lazy("Oldest first"), ("created_at", "id")),
        Sort("deadline", gettext_lazy("Deadline, soonest first"), ("deadline", "id")),
        Sort("title", gettext_lazy("Title A–Z"), ("title", "id")),
        Sort("responses", gettext_lazy("Most responses first"), ("-submitted", "-invited", "-id")),
    )
    carry = ("procurement",)  # from a procurement's page: it pre-fills the new consultation

    q = forms.CharField(label=gettext_lazy("Title contains"), required=False, max_length=200)
    product_category = forms.ChoiceField(label=gettext_lazy("Product category"), required=False, choices=())
    state = forms.ChoiceField(
        label=gettext_lazy("Answers"),
        required=False,
        choices=[
            ("", gettext_lazy("open or closed")),
            ("open", gettext_lazy("still open")),
            ("closed", gettext_lazy("deadline passed")),
        ],
    )
    archived = archived_filter()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product_category"].choices = [("", gettext_lazy("any")), *product_category_choices()]


class ResponseListForm(ListForm):
    """The filters and sort of a consultation's suppliers table; the levels offered are its framework's."""

    sorts = (
        Sort("invited", gettext_lazy("In the order invited"), ("created_at", "id")),
        Sort("company", gettext_lazy("Company A–Z"), ("sort_name", "id")),
        Sort(
            "maturity",
            gettext_lazy("Most mature first"),
            (F("verdict__overall_rank").desc(nulls_last=True), "sort_name", "id"),
        ),
        Sort(
            "least_mature",
            gettext_lazy("Least mature first"),
            (F("verdict__overall_rank").asc(nulls_last=True), "sort_name", "id"),
        ),
        Sort(
            "submitted",
            gettext_lazy("Latest submitted first"),
            (F("submitted_at").desc(nulls_last=True), "id"),
        ),
    )
    per_page = 50

    q = forms.CharField(label=gettext_lazy("Company or e-mail contains"), required=False, max_length=200)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, choices=())
    overall = forms.ChoiceField(label=gettext_lazy("Overall maturity"), required=False, choices=())

    def __init__(self, *args: Any, framework: QuestionnaireFramework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", gettext_lazy("any")),
            *Invitation.Status.choices,
            ("late", gettext_lazy("Answered late")),
            ("withdrawn", gettext_lazy("Withdrawn")),
        ]
        self.fields["overall"].choices = [
            ("", gettext_lazy("any")),
            *((lv, _said(word_of(lv))) for lv in framework.levels),  # a level in the page's language
        ]


# --- a consultation several buyers run together (issue 16) ------------------------------------------------------


class CoOwnerInviteForm(PageForm):
    """The owner's choice of organisations (or a group) to invite as co-owners of a consultation."""

    organisations = forms.MultipleChoiceField(
        label=gettext_lazy("Organisations"), required=False, widget=forms.CheckboxSelectMultiple
    )
    group = forms.ChoiceField(label=gettext_lazy("Or every organisation of a group"), required=False)

    def __init__(self, *args: Any, organisations: Any = (), groups: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "coowner_%s")
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(str(o.public_id), o.name) for o in organisations]  # type: ignore[attr-defined]
        self.fields["group"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((str(g.public_id), f"{g.name} ({g.owner.name})") for g in groups),
        ]


class ScenarioChoiceForm(PageForm):
    """One organisation's choice of tender scenario for a joint consultation, with an optional note."""

    scenario = forms.TypedChoiceField(label=gettext_lazy("Our choice"), coerce=int, widget=forms.RadioSelect)
    note = forms.CharField(
        label=gettext_lazy("Note for the others (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, scenarios: Any = (), **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "scenario_%s")
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [(s.scenario, localize(s.title)) for s in scenarios]  # type: ignore[attr-defined]
