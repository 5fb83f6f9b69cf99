"""The forms of the NGO answer pages: the list's filters, a new answer, the letter's details, one criterion's answer,
a rating, evidence of each kind, and the status moves. Each form keeps what was typed; a service's refusal goes
beside the field it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import IsoDateField, OnceFormMixin, PageForm, WholeNumberField
from hrdd.core.lists import ListForm, Sort
from hrdd.programmes.models import NgoEvidence, NgoResponse

DOCUMENT_ACCEPT = ".pdf,.docx,.xlsx,.txt"


class NgoListForm(ListForm):
    sorts = (
        Sort("newest", _("newest first"), ("-created_at", "-id")),
        Sort("due", _("answer by, soonest first"), ("respond_by", "-created_at", "-id")),
        Sort("title", _("title"), ("title", "id")),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any")), *NgoResponse.Status.choices]
    )


class LetterFieldsMixin(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_("For you, e.g. “Amnesty cobalt 2017”.")
    )
    addressee = forms.CharField(
        label=_("Addressee"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Name, position, organisation and address, as the letter heads them."),
    )
    reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    received_on = IsoDateField(label=_("Their letter received on"), required=False)
    respond_by = IsoDateField(label=_("Answer by"), required=False)


class NgoCreateForm(OnceFormMixin, PageForm, LetterFieldsMixin):
    framework_key = forms.ChoiceField(label=_("Assessment framework"))
    field_order = ["framework_key", "title", "addressee", "reference", "received_on", "respond_by"]

    def __init__(self, *args: Any, frameworks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework_key"].choices = frameworks
        self.order_fields(self.field_order)


class NgoLetterForm(PageForm, LetterFieldsMixin):
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Opens the letter, before the answers per criterion. Blank lines start new paragraphs."),
    )
    signatory = forms.CharField(
        label=_("Signed by"), max_length=200, required=False, help_text=_("Name and position.")
    )
    version = WholeNumberField(widget=forms.HiddenInput, required=False)


class AnswerForm(PageForm):
    text = forms.CharField(
        label=_("Our answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=20_000,
    )
    version = WholeNumberField(widget=forms.HiddenInput, required=False)


class RatingForm(PageForm):
    rating = forms.ChoiceField(label=_("Reviewer's rating"), required=False)
    note = forms.CharField(
        label=_("Reviewer's note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    version = WholeNumberField(widget=forms.HiddenInput, required=False)
    service_fields = {"note": "note"}

    def __init__(self, *args: Any, levels: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = [("", _("— not rated —")), *levels]


class TransitionForm(PageForm):
    status = forms.ChoiceField(choices=NgoResponse.Status.choices, widget=forms.HiddenInput)
    version = WholeNumberField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Why reopen it?"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class EvidenceForm(PageForm):
    """Evidence of one kind: the fields that kind needs (a record to pick, a file, or a link), a title and the
    page or section."""

    kind = forms.ChoiceField(choices=NgoEvidence.Kind.choices, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title in the letter"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the record's name."),
    )
    page = forms.CharField(label=_("Page or section"), max_length=100, required=False)

    def __init__(
        self, *args: Any, kind: str, choices: dict[str, list[tuple[str, str]]], **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"ev_{kind}_%s")
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["kind"].initial = kind
        record_label = {
            "kpi": _("KPI"),
            "programme": _("Programme"),
            "incident": _("Incident"),
            "certification": _("Certification or rating"),
        }
        if kind in record_label:
            self.fields[kind] = forms.ChoiceField(
                label=record_label[kind], choices=[("", "—"), *choices.get(kind, [])]
            )
            self.order_fields([kind, "title", "page"])
        if kind == "kpi":
            self.fields["period_end"] = IsoDateField(
                label=_("Figure on"),
                required=False,
                help_text=_(
                    "The day the figure is taken for (the year's figure up to that day); today if empty."
                ),
            )
            self.order_fields(["kpi", "period_end", "title", "page"])
        if kind == "document":
            self.fields["document"] = forms.FileField(
                label=_("Document"), widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT})
            )
            self.order_fields(["document", "title", "page"])
        if kind == "link":
            self.fields["url"] = forms.CharField(
                label=_("Web address"),
                max_length=1000,
                widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://"}),
            )
            self.order_fields(["url", "title", "page"])
        if kind in ("smelters",):
            self.fields.pop("page")
