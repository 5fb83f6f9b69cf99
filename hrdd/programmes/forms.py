"""Forms of the programme pages: create a programme from a template, edit it, edit a KPI (baseline and targets per
year), enter a KPI's value with its evidence, and the public "join the programme" form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import OnceFormMixin, PageForm, WholeNumberField
from hrdd.core.texts import localize
from hrdd.domain import programmes as rules
from hrdd.programmes.models import Kpi, Programme
from hrdd.programmes.services import DOCUMENT_EXTENSIONS


def template_choices() -> list[tuple[str, str]]:
    return [
        (key, localize(rules.get_programme_template(key).title)) for key in rules.programme_template_keys()
    ]


class ProgrammeCreateForm(OnceFormMixin, PageForm):
    template_key = forms.ChoiceField(
        label=_("Start from"),
        widget=forms.RadioSelect,
        help_text=_(
            "The template gives the commitment, objectives and KPIs; you can change them afterwards."
        ),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Empty: the template's title.")
    )
    start_year = WholeNumberField(label=_("First year"))
    end_year = WholeNumberField(label=_("Target year"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_key"].choices = template_choices()


class ProgrammeForm(PageForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    commitment = forms.CharField(
        label=_("Commitment"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    start_year = WholeNumberField(label=_("First year"))
    end_year = WholeNumberField(label=_("Target year"))
    is_public = forms.BooleanField(
        label=_("Public page"),
        required=False,
        help_text=_(
            "Anyone with the address sees the title, commitment, objectives and the KPIs' figures and charts "
            "(never the records behind them), and can ask to join the programme."
        ),
    )
    join_invitation = forms.CharField(
        label=_("Invitation to business partners"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    join_contact_email = forms.EmailField(
        label=_("E-mail for join requests"),
        required=False,
        help_text=_("Each request is also sent here. Requests are always listed on the programme's page."),
    )

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, Any]:
        return {
            "version": programme.version,
            "title": programme.title,
            "commitment": programme.commitment,
            "start_year": programme.start_year,
            "end_year": programme.end_year,
            "is_public": programme.is_public,
            "join_invitation": programme.join_invitation,
            "join_contact_email": programme.join_contact_email,
        }


class ObjectiveForm(PageForm):
    text = forms.CharField(label=_("Objective"), max_length=500)
    target_year = WholeNumberField(label=_("Target year"))


class KpiForm(PageForm):
    """A KPI's name, direction, objective, baseline and one target box per programme year (`target_<year>`)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=300)
    description = forms.CharField(
        label=_("How it is measured"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Kpi.Direction.choices)
    objective = forms.ChoiceField(label=_("Objective"), required=False)
    baseline_value = forms.CharField(label=_("Baseline value"), required=False, max_length=20)
    baseline_year = WholeNumberField(label=_("Baseline year"), required=False)

    def __init__(self, *args: Any, kpi: Kpi, objectives: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.fields["objective"].choices = [("", "—"), *objectives]
        unit = "%" if kpi.unit == Kpi.Unit.PERCENT else ""
        programme = kpi.programme
        self.target_names = []
        for year in range(programme.start_year, programme.end_year + 1):
            name = f"target_{year}"
            self.fields[name] = forms.CharField(
                label=f"{year}{' (%)' if unit else ''}", required=False, max_length=20
            )
            self.target_names.append(name)

    def target_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.target_names]

    @classmethod
    def initial_for(cls, kpi: Kpi) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": kpi.version,
            "name": kpi.name,
            "description": kpi.description,
            "direction": kpi.direction,
            "objective": kpi.objective.key if kpi.objective_id and kpi.objective else "",
            "baseline_value": ""
            if kpi.baseline_value is None
            else rules.format_kpi_value(kpi.baseline_value, "count"),
            "baseline_year": kpi.baseline_year,
        }
        for year, value in (kpi.targets or {}).items():
            initial[f"target_{year}"] = value
        return initial

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        targets = {name.removeprefix("target_"): data.pop(name, "") for name in self.target_names}
        data["targets"] = targets
        return data


class KpiValueForm(PageForm):
    """A value for a year; the page adds a hidden `seen_<year>` per year already holding a value (its stamp)."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=20,
        help_text=_("For a percentage you may give only how many were counted and out of how many."),
    )
    numerator = WholeNumberField(label=_("Counted"), required=False)
    denominator = WholeNumberField(label=_("Out of"), required=False)
    document = forms.FileField(
        label=_("Document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_EXTENSIONS)}),
    )
    evidence_url = forms.CharField(label=_("Link to the evidence"), required=False, max_length=1000)
    evidence_page = forms.CharField(label=_("Page or section"), required=False, max_length=100)
    evidence_note = forms.CharField(
        label=_("Note on the evidence"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, years: list[int], percent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, str(y)) for y in sorted(years, reverse=True)]
        if percent:
            self.fields["value"].label = _("Value (%)")
        else:
            del self.fields["numerator"]
            del self.fields["denominator"]
            self.fields["value"].help_text = ""


class JoinForm(PageForm):
    organisation_name = forms.CharField(label=_("Your organisation"), max_length=200)
    contact_name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail address"))
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    # a trap for robots: hidden from people (and from screen readers), filled in by scripts
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
