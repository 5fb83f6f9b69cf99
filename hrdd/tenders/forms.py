"""The tender pages' forms: a new tender, its parameters and the uploaded bids."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.consultations.selectors import consultation_choices, consultation_get
from hrdd.core.archive import archived_filter
from hrdd.core.errors import InputError
from hrdd.core.forms import OnceFormMixin, PageForm, WholeNumberField
from hrdd.core.lists import ListForm, Sort
from hrdd.core.text import decode_utf8
from hrdd.core.texts import localize
from hrdd.core.uploads import accept_upload
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain.tender import TenderFramework, TenderInputError, get_tender_framework, number_text
from hrdd.procurements.selectors import procurement_choices, procurement_get
from hrdd.risks.selectors import risk_assessment_choices, risk_assessment_get
from hrdd.tenders.annex_forms import LanguageField
from hrdd.tenders.services import default_language

LANGUAGE_HELP = gettext_lazy(
    "The annex and the award report are written in it, whatever language you read hrdd in; a download can ask "
    "for another."
)


def read_json_upload(upload) -> Any:  # type: ignore[no-untyped-def]
    """Read an uploaded JSON file (accepted by the kernel's upload rules); TenderInputError says what is wrong."""
    try:
        file = accept_upload(upload, allowed=(".json",), field="bids")
        text = decode_utf8(file.content, name=file.name, field="bids")
    except InputError as exc:
        raise TenderInputError(str(exc), field="bids") from exc
    try:
        return json.loads(text)
    except RecursionError as exc:  # arrays or objects nested thousands deep
        raise TenderInputError(_("the JSON nests lists or objects too deeply"), field="bids") from exc
    except json.JSONDecodeError as exc:
        raise TenderInputError(
            _("malformed JSON at line %(line)d, column %(column)d: %(msg)s")
            % {"line": exc.lineno, "column": exc.colno, "msg": exc.msg},
            field="bids",
        ) from exc


class DecimalCommaField(forms.Field):
    """A number typed with a decimal point or comma (12,5); a refusal quotes what was typed. Empty gives None."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> float | None:
        raw = str(value if value is not None else "").strip().replace(",", ".")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError as exc:
            raise ValidationError(
                _("%(value)r is not a number"), code="invalid", params={"value": raw}
            ) from exc


def months_help(framework: TenderFramework) -> str:
    """Which scenarios the months after the award apply to, said beside the box that asks for them."""
    scenarios = ", ".join(str(n) for n in framework.scenarios_with_months())
    return _("Only for the risk assessment due after the award (clause CC1, scenario %(scenarios)s).") % {
        "scenarios": scenarios
    }


class TenderForm(OnceFormMixin, PageForm):
    """A new tender: its title, the procurement's consultation and risk assessment, scenario, months and label."""

    procurement = forms.CharField(
        label=gettext_lazy("Procurement"),
        required=False,
        widget=forms.Select,
        help_text=gettext_lazy(
            "Empty: the procurement of the consultation or risk assessment below, or a new one named after the tender."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    consultation = forms.CharField(
        label=gettext_lazy("Market consultation (its recommendation pre-selects the scenario)"),
        required=False,
        widget=forms.Select,
    )
    risk_assessment = forms.CharField(
        label=gettext_lazy("Risk assessment (its salient risks give the annex its context)"),
        required=False,
        widget=forms.Select,
    )
    scenario = WholeNumberField(label=gettext_lazy("Scenario"), widget=forms.RadioSelect)
    months = WholeNumberField(
        label=gettext_lazy("Months after award for the risk assessment (clause CC1)"), required=False
    )
    require_label = forms.BooleanField(
        label=gettext_lazy(
            "Require TCO Certified or EPEAT-registered products, or equivalent (baseline, Article 43)"
        ),
        required=False,
        initial=True,
    )
    language = LanguageField(label=gettext_lazy("Language of the tender documents"), help_text=LANGUAGE_HELP)

    def __init__(
        self,
        *args: Any,
        user: Any,
        framework: TenderFramework,
        recommended: int | None,
        selected: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.user = user
        self.framework = framework
        selected = selected or {}
        # the selects offer the newest records, and the one pre-selected (from a procurement's page) however old
        self.fields["procurement"].widget.choices = procurement_choices(
            user=user, blank="—", keep=selected.get("procurement")
        )
        self.fields["consultation"].widget.choices = consultation_choices(
            user=user, keep=selected.get("consultation")
        )
        self.fields["risk_assessment"].widget.choices = risk_assessment_choices(
            user=user, keep=selected.get("risk_assessment")
        )
        self.fields["scenario"].widget.choices = [
            (
                s.scenario,
                format_html(
                    '<span><strong>{}</strong> — {} <small class="hint">({})</small></span>',
                    localize(s.title),
                    localize(s.aim),
                    ", ".join(s.criteria),
                ),
            )
            for s in framework.scenarios
        ]
        if recommended:
            self.fields["scenario"].help_text = (
                _("The market consultation recommends scenario %d; it is pre-selected.") % recommended
            )
        self.fields["months"].initial = framework.parameters.default_months
        self.fields["months"].help_text = months_help(framework)
        self.fields["language"].initial = default_language(user)

    def clean_procurement(self) -> Any:
        public_id = self.cleaned_data.get("procurement")
        return procurement_get(user=self.user, public_id=public_id) if public_id else None  # 404 if not ours

    def clean_consultation(self) -> Any:
        public_id = self.cleaned_data.get("consultation")
        # 404 unless ours or one we co-own (issue 16)
        return consultation_get(user=self.user, public_id=public_id, joint=True) if public_id else None

    def clean_risk_assessment(self) -> Any:
        public_id = self.cleaned_data.get("risk_assessment")
        return risk_assessment_get(user=self.user, public_id=public_id) if public_id else None

    def clean_months(self) -> int:
        months = self.cleaned_data.get("months")
        return self.framework.parameters.default_months if months is None else months


class TenderParametersForm(VersionedFormMixin, PageForm):
    """A tender's months, label rule and award-criterion weights (weight_price, weight_AC3, ...)."""

    months = WholeNumberField(
        label=gettext_lazy("Months after award for the risk assessment (CC1)"), required=False
    )
    require_label = forms.BooleanField(
        label=gettext_lazy("Require TCO Certified or EPEAT, or equivalent"), required=False
    )
    language = LanguageField(label=gettext_lazy("Language of the tender documents"), help_text=LANGUAGE_HELP)

    def __init__(self, *args: Any, tender: Any, annex: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.fields["months"].initial = tender.months
        self.fields["language"].initial = tender.language
        # a scenario without a clause due after the award (CC1) has no use for the months: not asked
        self.asks_months = (
            tender.scenario in get_tender_framework(tender.framework_id).scenarios_with_months()
        )
        self.fields["require_label"].initial = tender.require_label
        self.fields["weight_price"] = DecimalCommaField(label=_("Weight: price"), required=False)
        self.initial["weight_price"] = number_text(annex.price_weight)
        self.criteria: list[str] = []
        for item in annex.items:
            if item.weight is None:
                continue
            key = item.criterion.id
            self.criteria.append(key)
            self.fields[f"weight_{key}"] = DecimalCommaField(
                label=_("Weight: %(id)s %(title)s") % {"id": key, "title": localize(item.criterion.title)},
                required=False,
            )
            self.initial[f"weight_{key}"] = number_text(item.weight)
        # the service names a weight weights.<criterion>
        self.service_fields = {f"weights.{key}": f"weight_{key}" for key in ["price", *self.criteria]}

    def clean_months(self) -> int:
        months = self.cleaned_data.get("months")
        return self.tender.months if months is None else months

    def saved_values(self, saved: Any) -> dict[str, Any]:
        values = super().saved_values(saved)
        for key in ["price", *self.criteria]:
            values[f"weight_{key}"] = number_text(saved.weights[key]) if key in saved.weights else ""
        return values

    def weight_fields(self) -> list[forms.BoundField]:
        """The weight boxes, price first."""
        return [self[f"weight_{key}"] for key in ["price", *self.criteria]]

    def weights(self) -> dict[str, float]:
        """The weights given (empty boxes left out), keyed as the service reads them."""
        given = {key: self.cleaned_data.get(f"weight_{key}") for key in ["price", *self.criteria]}
        return {key: value for key, value in given.items() if value is not None}


class BidsUploadForm(PageForm):
    bids = forms.FileField(
        label=gettext_lazy('Bids (JSON: a list of bids, or an object with "bids")'),
        widget=forms.FileInput(attrs={"accept": ".json"}),
        error_messages={"required": gettext_lazy("Choose a JSON file with the bids.")},
    )

    def clean_bids(self) -> Any:
        """The bids as read from the JSON file."""
        try:
            return read_json_upload(self.cleaned_data["bids"])
        except TenderInputError as exc:
            raise ValidationError(str(exc).removeprefix("bids: ")) from exc


class TenderListForm(ListForm):
    """The tenders list's filters and sort (a GET query); the scenarios offered are the framework's."""

    sorts = (
        Sort("updated", gettext_lazy("Latest changed first"), ("-updated_at", "-id")),
        Sort("oldest", gettext_lazy("Oldest first"), ("created_at", "id")),
        Sort("title", gettext_lazy("Title A–Z"), ("title", "id")),
        Sort("scenario", gettext_lazy("Scenario"), ("scenario", "-updated_at", "-id")),
    )
    carry = (
        "procurement",
        "consultation",
    )  # from a procurement's or consultation's page: they pre-fill a tender

    q = forms.CharField(label=gettext_lazy("Title contains"), required=False, max_length=200)
    scenario = forms.TypedChoiceField(
        label=gettext_lazy("Scenario"), required=False, coerce=int, empty_value=None, choices=()
    )
    archived = archived_filter()

    def __init__(self, *args: Any, framework: TenderFramework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = [
            ("", gettext_lazy("any")),
            *((str(s.scenario), localize(s.title)) for s in framework.scenarios),
        ]


class EvaluationListForm(ListForm):
    """The filter and sort of a tender's evaluations."""

    sorts = (
        Sort("newest", gettext_lazy("Newest first"), ("-created_at", "-id")),
        Sort("oldest", gettext_lazy("Oldest first"), ("created_at", "id")),
        Sort("bids", gettext_lazy("Most bids first"), ("-n_bids", "-created_at", "-id")),
    )
    per_page = 20

    bidder = forms.CharField(label=gettext_lazy("With a bid of"), required=False, max_length=200)


class PriceField(forms.Field):
    """A price as people write it (412000, 412 000,50, 412,000.50); an ambiguous 412,000 is refused, not guessed."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> float | None:
        from hrdd.tenders.bids import PriceError, parse_price

        if value in (None, "") or not str(value).strip():
            return None
        try:
            return parse_price(value)
        except PriceError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class BidDraftForm(PageForm):
    """One bid, as the tender's scenario asks for it: a field per input of `bid_parts`, an evidence file per part
    (with a box to remove the one attached), and the version the form was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, parts: Any, files_attached: Any = (), **kwargs: Any) -> None:
        from hrdd.tenders.bids import CHOICE, LINES, LONG, PARAGRAPHS, PRICE, READ_FROM, TEXT

        super().__init__(*args, **kwargs)
        self.parts = parts
        attached = {f.part: f for f in files_attached}
        self.attached = attached
        for part in parts:
            for entry in part.entries:
                common = {"label": entry.form_label, "required": entry.required, "help_text": entry.help}
                if entry.kind == PRICE:
                    field: forms.Field = PriceField(**common)
                elif entry.kind == CHOICE:
                    field = forms.ChoiceField(choices=[("", "—"), *entry.choices], **common)
                elif entry.kind == TEXT:
                    field = forms.CharField(max_length=500, **common)
                else:
                    rows = {LONG: 3, LINES: 3, PARAGRAPHS: 4}[entry.kind]
                    field = forms.CharField(
                        max_length=5000, widget=forms.Textarea(attrs={"rows": rows}), **common
                    )
                if entry.required:
                    field.error_messages["required"] = _("%s is required.") % entry.form_label
                self.fields[entry.name] = field
            if part.evidence:
                self.fields[f"file_{part.key}"] = forms.FileField(
                    label=part.evidence_label or _("Evidence file"),
                    required=False,
                    widget=forms.FileInput(attrs={"accept": ",".join(part.evidence)}),
                )
                if part.key in attached:
                    self.fields[f"remove_{part.key}"] = forms.BooleanField(
                        label=_("Remove %s") % attached[part.key].filename, required=False
                    )

        for part_key, read_from in READ_FROM.items():
            # a choice between hrdd's reading of a document and the typed answers needs a document hrdd read
            checked = part_key in attached and attached[part_key].check_result
            if read_from in self.fields and not checked:
                del self.fields[read_from]

    def groups(self) -> list[dict[str, Any]]:
        """The parts with their bound fields, to draw one fieldset each."""
        from hrdd.tenders.bids import document_check_view

        return [
            {
                "part": part,
                "fields": [
                    self[e.name]
                    for e in part.entries
                    if e.name in self.fields and not e.name.startswith(("action_", "justification_"))
                ],
                "pairs": [
                    (self[f"action_{n}"], self[f"justification_{n}"])
                    for n in range(1, len(part.entries) // 2 + 1)
                ]
                if part.key == "actions"
                else [],
                "file": self[f"file_{part.key}"] if part.evidence else None,
                "remove": self[f"remove_{part.key}"] if f"remove_{part.key}" in self.fields else None,
                "attached": self.attached.get(part.key),
                "document_check": document_check_view(self.attached.get(part.key)),
            }
            for part in self.parts
        ]

    def entries(self) -> dict[str, Any]:
        """The inputs given, keyed as `compose_bid` reads them."""
        names = [e.name for part in self.parts for e in part.entries if e.name in self.fields]
        return {name: self.cleaned_data.get(name) for name in names}

    def uploads(self) -> dict[str, Any]:
        """The evidence files chosen, by part."""
        return {
            part.key: self.cleaned_data.get(f"file_{part.key}")
            for part in self.parts
            if part.evidence and self.cleaned_data.get(f"file_{part.key}")
        }

    def removals(self) -> list[str]:
        """The parts whose attached file the user asked to remove."""
        return [part.key for part in self.parts if self.cleaned_data.get(f"remove_{part.key}")]

    def add_entry_errors(self, problems: Any) -> None:
        """Put each (input, message) of a refused bid beside its input."""
        for name, message in problems:
            self.add_error(name if name in self.fields else None, message)


class BidImportForm(PageForm):
    file = forms.FileField(
        label=gettext_lazy("Filled bid template (XLSX)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": gettext_lazy("Choose the filled bid template.")},
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the bids already entered for the same bidders"), required=False
    )


class BidDraftListForm(ListForm):
    """The sort of a tender's bid drafts."""

    sorts = (
        Sort("bidder", gettext_lazy("Bidder A–Z"), ("bidder", "id")),
        Sort("price", gettext_lazy("Lowest price first"), ("price", "bidder", "id")),
        Sort("updated", gettext_lazy("Latest saved first"), ("-updated_at", "-id")),
    )
    per_page = 25
