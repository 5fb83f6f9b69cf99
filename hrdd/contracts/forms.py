"""The contract pages' forms: a new contract, a request for more information, and the supplier's uploads and
answers behind the secret link."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hrdd.companies.selectors import company_names
from hrdd.core.forms import (
    CountryField,
    IsoDateField,
    OnceFormMixin,
    PageForm,
    SuggestionsInput,
    WholeNumberField,
)
from hrdd.core.labels import STATUS_LABELS
from hrdd.core.languages import active_language
from hrdd.domain.tender import SubmissionSpec, get_tender_framework
from hrdd.procurements.selectors import procurement_choices, procurement_get
from hrdd.tenders.selectors import tender_get


def supplier_language_field() -> forms.ChoiceField:
    """The language of the supplier's page and of the e-mails to the supplier, as the buyer sets it."""
    return forms.ChoiceField(
        label=_("Supplier's language"),
        required=False,
        choices=[("", _("— the supplier's browser decides —")), *settings.LANGUAGES],
        help_text=_(
            "The supplier's page, the reminders and the requests are written in it; the supplier can switch on "
            "the page."
        ),
    )


class ContractForm(OnceFormMixin, PageForm):
    """A new contract, from a tender or with a scenario of its own."""

    procurement = forms.CharField(
        label=_("Procurement"),
        required=False,
        widget=forms.Select,
        help_text=_("Empty: the tender's procurement, or a new one named after the contract."),
    )
    tender = forms.CharField(
        label=_("From tender (its scenario, months and clauses)"), required=False, widget=forms.Select
    )
    scenario = WholeNumberField(
        label=_("Scenario (without a tender)"),
        required=False,
        widget=forms.Select(choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")]),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    supplier_name = forms.CharField(
        label=_("Supplier"),
        max_length=200,
        help_text=_("Companies already recorded are offered as you type."),
    )
    supplier_country = CountryField(
        label=_("Supplier's country (optional)"),
        required=False,
        help_text=_(
            "Its name in any language or its ISO code; needed only when two recorded companies share the name."
        ),
    )
    supplier_email = forms.CharField(label=_("Supplier e-mail address"), widget=forms.EmailInput)
    supplier_language = supplier_language_field()
    award_date = IsoDateField(label=_("Award date"))
    first_delivery = IsoDateField(label=_("First delivery (optional)"), required=False)
    start_date = IsoDateField(label=_("Start date"))
    end_date = IsoDateField(label=_("End date"))
    months = WholeNumberField(
        label=_("Months after award for the risk assessment (CC1; the tender's value when empty)"),
        required=False,
    )
    risk_assessment_in_tender = forms.BooleanField(
        label=_("The supplier already gave its risk assessment in the tender (no CC1)"), required=False
    )

    def __init__(self, *args: Any, user: Any, tenders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["procurement"].widget.choices = procurement_choices(user=user, blank="—")
        self.fields["supplier_name"].widget = SuggestionsInput(suggestions=company_names(user=user))
        self.fields["supplier_language"].initial = active_language()  # the buyer's own, unless they choose
        self.fields["tender"].widget.choices = [
            ("", _("— none: choose the scenario below")),
            *((str(t.public_id), f"{t.title} ({_('scenario')} {t.scenario})") for t in tenders),
        ]
        scenarios = ", ".join(str(n) for n in get_tender_framework().scenarios_with_months())
        self.fields["months"].help_text = _(
            "Only for the risk assessment due after the award (clause CC1, scenario %(scenarios)s)."
        ) % {"scenarios": scenarios}

    def clean_procurement(self) -> Any:
        public_id = self.cleaned_data.get("procurement")
        return procurement_get(user=self.user, public_id=public_id) if public_id else None  # 404 if not ours

    def clean_tender(self) -> Any:
        public_id = self.cleaned_data.get("tender")
        return tender_get(user=self.user, public_id=public_id) if public_id else None  # 404 if not ours


class InformationRequestForm(PageForm):
    """The buyer asks the supplier for more about an obligation, with a date for the answer."""

    # The service says when a question is missing; the box is marked required for the browser only.
    question = forms.CharField(
        label=_("Ask for more information"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )
    due_on = IsoDateField(label=_("Answer due"))


class SupplierPostForm(PageForm):
    """Which obligation, and which request, a post from the supplier's page is about."""

    obligation = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(required=False, widget=forms.HiddenInput)
    request = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def answering(self) -> bool:
        return self.cleaned_data.get("action") == "answer"


REPORT_FIELDS = {
    "actions_count": (
        _("Number of mitigating actions reported"),
        forms.TextInput(attrs={"inputmode": "numeric"}),
    ),
    "processes": (
        _("Due-diligence processes: how you identify, mitigate and monitor risks"),
        forms.Textarea(attrs={"rows": 3}),
    ),
    "stakeholder_evidence": (
        _("Evidence of engagement with (potentially) affected stakeholders: who, when, what"),
        forms.Textarea(attrs={"rows": 3}),
    ),
}
SUMMARY_FIELDS = {
    "components": (_("Key components"), 2),
    "raw_materials": (_("Raw materials"), 2),
    "sourcing_countries": (_("Sourcing countries"), 2),
    "risks": (_("Human-rights risks"), 3),
}


class SubmissionForm(PageForm):
    """What the supplier hands in for one obligation, as its clause's submission asks: a site list with an
    explanation, a risk assessment with its summary, or a report with its short answers.

    The text boxes are read by the service, which says what is wrong with them (a count that is not a whole
    number, a file of the wrong type); the file box is marked required for the browser only.
    """

    obligation = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, obligation: Any, spec: SubmissionSpec | None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"ob{obligation.pk}_%s")
        kwargs.setdefault("initial", {"obligation": obligation.pk, "action": "submit"})
        super().__init__(*args, **kwargs)
        self.spec = spec
        kind, asked = (spec.kind, spec.fields) if spec is not None else ("report", ())
        if kind == "site_list":
            self.fields["file"] = _file(_("Production-site list (CSV or XLSX)"), ".csv,.xlsx")
            self.fields["explanation"] = _text(
                _("If the list is incomplete: what you did to engage suppliers and your next steps"), rows=3
            )
            return
        self.fields["file"] = _file(_("Document (PDF, DOCX or TXT)"), ".pdf,.docx,.txt")
        if kind == "risk_assessment":
            for name, (label, rows) in SUMMARY_FIELDS.items():
                self.fields[name] = _text(label, rows=rows)
        for name in asked:
            label, widget = REPORT_FIELDS[name]
            self.fields[name] = forms.CharField(label=label, required=False, widget=widget)

    def summary_fields(self) -> list[forms.BoundField]:
        """The boxes beside the file, in the order they are asked."""
        return [self[name] for name in self.fields if name not in ("obligation", "action", "file")]


class AnswerForm(PageForm):
    """The supplier's answer to one of the buyer's requests."""

    obligation = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.CharField(required=False, widget=forms.HiddenInput)
    request = forms.IntegerField(widget=forms.HiddenInput)
    # The service says when the answer is empty; the box is marked required for the browser only.
    answer = forms.CharField(
        label=_("Answer"), required=False, widget=forms.Textarea(attrs={"rows": 3, "required": True})
    )

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"rq{request.pk}_%s")
        kwargs.setdefault(
            "initial", {"obligation": request.obligation_id, "action": "answer", "request": request.pk}
        )
        super().__init__(*args, **kwargs)


def _file(label: str, accept: str) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        widget=forms.FileInput(attrs={"accept": accept, "required": True}),
    )


def _text(label: str, *, rows: int) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class ObligationFilterForm(PageForm):
    """The dashboard's list of obligations: which status, supplier, clause and deadlines, in which order.

    Read from the query string; a value the form refuses is left out (the list shows unfiltered by it)."""

    STATUS_CHOICES = [("", _("any")), *STATUS_LABELS.items()]
    WHEN_CHOICES = [("", _("any")), ("overdue", _("overdue")), ("soon", _("due soon"))]
    SORT_CHOICES = [("due", _("due date, soonest first")), ("-due", _("due date, latest first"))]

    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    supplier = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    clause = forms.ChoiceField(label=_("Clause"), required=False)
    when = forms.ChoiceField(label=_("Deadline"), choices=WHEN_CHOICES, required=False)
    sort = forms.ChoiceField(label=_("Order"), choices=SORT_CHOICES, required=False)

    def __init__(self, data: Any = None, *, clauses: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(data, **kwargs)
        self.fields["clause"].choices = [("", _("any")), *clauses]

    def values(self) -> dict[str, str]:
        """The accepted values; a refused one is left out."""
        self.is_valid()
        accepted = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return {name: str(value or "").strip() for name, value in accepted.items() if value}
