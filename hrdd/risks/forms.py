"""The product-risk forms: the buyer's adjustments (from a query string, a page form or the command line, naming
the field at fault), saving an assessment, choosing a product and checking a supplier's document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.core.forms import OnceFormMixin, PageForm
from hrdd.core.lists import ListForm, Sort
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain.risk import Adjustments, InvalidAdjustment
from hrdd.domain.risk_adjustments import parse_adjustments
from hrdd.procurements.selectors import procurement_choices, procurement_get
from hrdd.risks import selectors
from hrdd.risks.checks import CHECK_KINDS, DEFAULT_KIND, CheckKind, parse_kind


def adjustments_from_query(data: Any) -> Adjustments:
    """Build checked Adjustments from GET/POST data (hrdd.domain.risk_adjustments.parse_adjustments), with its
    messages in the reader's language. Raises InvalidAdjustment."""
    return parse_adjustments(data.getlist, gettext=_)


def adjustments_query(adjustments: Adjustments) -> list[tuple[str, str]]:
    """Return the adjustments as query parameters (the inverse of adjustments_from_query)."""
    params = [("exclude_component", c) for c in sorted(adjustments.exclude_components)]
    params += [
        ("add_component", f"{component}: {', '.join(materials)}")
        for component, materials in sorted(adjustments.extra_components.items())
    ]
    params += [("exclude_material", m) for m in sorted(adjustments.exclude_materials)]
    params += [("add_material", m) for m in adjustments.extra_materials]
    params += [("exclude_country", c) for c in sorted(adjustments.exclude_countries)]
    params += [
        ("add_country", f"{material}:{code}")
        for material, codes in sorted(adjustments.extra_countries.items())
        for code in codes
    ]
    if adjustments.manufacturing_countries is not None:
        params.append(("manufacturing_countries", ",".join(adjustments.manufacturing_countries)))
    return params


class HelpedRadioSelect(forms.RadioSelect):
    """Radio buttons with a line of help under each choice, which the button's aria-describedby names."""

    option_template_name = "risks/widgets/helped_option.html"

    def __init__(self, *args: Any, helps: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helps = dict(helps)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(*args, **kwargs)
        option["help"] = self.helps.get(option["value"], "")
        if option["help"] and option["attrs"].get("id"):
            option["help_id"] = f"{option['attrs']['id']}_help"
            described = option["attrs"].get("aria-describedby", "")
            option["attrs"]["aria-describedby"] = f"{described} {option['help_id']}".strip()
        return option


# The three documents hrdd reads (hrdd.risks.checks), in plain words, each with a line of help.
CHECK_KIND_LABELS = {
    "risk-assessment": gettext_lazy("Risk assessment"),
    "policy-commitment": gettext_lazy("Policy commitment or supplier code of conduct"),
    "due-diligence": gettext_lazy("Description of the due-diligence process"),
}
CHECK_KIND_HELP = {
    "risk-assessment": gettext_lazy(
        "Award criterion 1: the components, raw materials, sourcing countries and human-rights risks it names."
    ),
    "policy-commitment": gettext_lazy(
        "Award criterion 2: a written commitment to respect human rights, and whether suppliers receive it."
    ),
    "due-diligence": gettext_lazy(
        "Award criterion 7: the policies, how risks are found, followed up and reduced, and how it reports."
    ),
}


class CheckForm(PageForm):
    """A supplier's document and what kind of document it is (a risk assessment when not said)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("What is the document?"),
        choices=[(kind, CHECK_KIND_LABELS[kind]) for kind in CHECK_KINDS],
        initial=DEFAULT_KIND,
        required=False,
        widget=HelpedRadioSelect(helps=CHECK_KIND_HELP),
    )
    document = forms.FileField(
        label=gettext_lazy("The supplier's document (DOCX, PDF or text)"),
        widget=forms.FileInput(attrs={"accept": ".docx,.pdf,.txt,.md"}),
    )

    def clean_kind(self) -> CheckKind:
        return parse_kind(self.cleaned_data["kind"] or DEFAULT_KIND)


class AssessForm(PageForm):
    """The risk home's choice of a product category (sent by GET to the assessment page)."""

    product = forms.ChoiceField(label=gettext_lazy("Product category"))

    def __init__(self, *args: Any, products: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = products


class TextListInput(forms.TextInput):
    """One text box; a query string may repeat its name, and the values are shown joined by commas."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def format_value(self, value: Any) -> str | None:
        values = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(v).strip() for v in values if v is not None and str(v).strip()) or None


class KeptTextInput(forms.TextInput):
    """Entries already given travel on as hidden inputs of the same name; the last one, the one being typed,
    is in the text box (an unbound form ends its list with an empty entry, so the box starts empty)."""

    template_name = "web/forms/widgets/repeated_text.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        values = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value or "")]
        context = super().get_context(name, values[-1] if values else "", attrs)
        context["widget"]["kept"] = [v for v in values[:-1] if v.strip()]
        return context


class TextListField(forms.Field):
    """Every value given under the field's name, as text."""

    widget = TextListInput

    def to_python(self, value: Any) -> list[str]:
        if value is None or value == "":
            return []
        return [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]


class TickListField(forms.MultipleChoiceField):
    """Boxes to tick. Any value is taken as given, like the query string and the CLI; the choices only draw
    the boxes, and the domain's check of the adjustments is the one rule."""

    widget = forms.CheckboxSelectMultiple

    def valid_value(self, value: str) -> bool:
        return True


ADJUSTMENT_FIELDS = (
    "exclude_component",
    "add_component",
    "exclude_material",
    "add_material",
    "add_country",
    "exclude_country",
    "manufacturing_countries",
)


class AdjustmentsForm(PageForm):
    """The buyer's adjustments to a product's assessment, read by adjustments_from_query (the one rule)."""

    product = forms.CharField(required=False, widget=forms.HiddenInput)
    exclude_component = TickListField(label=gettext_lazy("Components"), required=False)
    add_component = TextListField(
        label=gettext_lazy("Add a component and its raw materials (e.g. battery pack: cobalt, lithium)"),
        required=False,
        widget=KeptTextInput,
    )
    exclude_material = TickListField(label=gettext_lazy("Raw materials"), required=False)
    add_material = TextListField(label=gettext_lazy("Add raw materials (comma-separated)"), required=False)
    add_country = TextListField(
        label=gettext_lazy("Add a producing country of a material (material: country, e.g. cobalt: Zambia)"),
        required=False,
        widget=KeptTextInput,
    )
    exclude_country = TextListField(
        label=gettext_lazy("Leave out countries (names or ISO codes, comma-separated)"), required=False
    )
    manufacturing_countries = TextListField(
        label=gettext_lazy(
            "Main manufacturing and assembly countries, if you know them (names or ISO codes, comma-separated; "
            "replaces the list above)"
        ),
        required=False,
    )
    service_fields = {
        "exclude_components": "exclude_component",
        "extra_components": "add_component",
        "exclude_materials": "exclude_material",
        "extra_materials": "add_material",
        "extra_countries": "add_country",
        "exclude_countries": "exclude_country",
    }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.adjustments = Adjustments()

    @staticmethod
    def initial_for(adjustments: Adjustments, *, product: str) -> dict[str, Any]:
        """The fields' values for adjustments as they stand (the inverse of adjustments_from_query)."""
        initial: dict[str, Any] = {"product": product}
        for name, value in adjustments_query(adjustments):
            initial.setdefault(name, []).append(value)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        given = MultiValueDict({name: list(data.get(name) or []) for name in ADJUSTMENT_FIELDS})
        try:
            self.adjustments = adjustments_from_query(given)
        except InvalidAdjustment as exc:
            self.add_service_error(exc)
        return data

    def show_choices(self, components: list[str], materials: list[str]) -> None:
        """Draw a box for each component and material of the assessment shown, and one for each left out."""
        for name, shown in (("exclude_component", components), ("exclude_material", materials)):
            ticked = self[name].value() or []
            self.fields[name].choices = [
                *((item, _("leave out %(name)s") % {"name": item}) for item in shown),
                *(
                    (item, _("left out: %(name)s") % {"name": item})
                    for item in ticked
                    if item and item not in shown
                ),
            ]


class AdjustForm(AdjustmentsForm):
    """The assessment page's Adjust form (GET): recalculate with the buyer's changes."""

    saved = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("add_component", "add_country"):  # an empty box after the entries kept
            if not self.is_bound:
                self.initial[name] = [*self.initial.get(name, []), ""]

    def clean_saved(self) -> Any:
        public_id = self.cleaned_data.get("saved")
        return selectors.risk_assessment_get(user=self.user, public_id=public_id) if public_id else None


class RiskSaveForm(VersionedFormMixin, OnceFormMixin, AdjustmentsForm):
    """The assessment page's Save form: a title and a procurement, the adjustments carried as hidden fields."""

    creates_too = True  # a new assessment is saved once; a saved one carries its version

    assessment = forms.CharField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    procurement = forms.CharField(
        label=gettext_lazy("Procurement"),
        required=False,
        widget=forms.Select,
        help_text=gettext_lazy("Leave empty to open a new procurement named after this assessment."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ADJUSTMENT_FIELDS:
            self.fields[name].widget = forms.MultipleHiddenInput()
        self.fields["procurement"].widget.choices = procurement_choices(
            user=self.user, blank=gettext_lazy("— a new procurement —")
        )
        self.order_fields(["title", "procurement"])

    def clean_assessment(self) -> Any:
        public_id = self.cleaned_data.get("assessment")
        return selectors.risk_assessment_get(user=self.user, public_id=public_id) if public_id else None

    def clean_procurement(self) -> Any:
        public_id = self.cleaned_data.get("procurement")
        return procurement_get(user=self.user, public_id=public_id) if public_id else None  # 404 if not ours


class RiskAssessmentListForm(ListForm):
    """The saved risk assessments' filters and sort (a GET query on the risks home page)."""

    sorts = (
        Sort("updated", gettext_lazy("Latest saved first"), ("-updated_at", "-id")),
        Sort("oldest", gettext_lazy("Oldest first"), ("created_at", "id")),
        Sort("title", gettext_lazy("Title A–Z"), ("title", "id")),
        Sort("product", gettext_lazy("Product"), ("product", "-updated_at", "-id")),
    )

    q = forms.CharField(label=gettext_lazy("Title contains"), required=False, max_length=200)
    product = forms.ChoiceField(label=gettext_lazy("Product"), required=False, choices=())

    def __init__(self, *args: Any, products: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", gettext_lazy("any")), *products]
