"""Forms of the smelter-list pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import IsoDateField, PageForm
from hrdd.rmi.models import TEMPLATE_CHOICES


class CampaignForm(PageForm):
    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("e.g. “Smelter lists 2025”"))
    templates = forms.MultipleChoiceField(
        label=_("Templates you ask for"),
        choices=TEMPLATE_CHOICES,
        initial=["CMRT", "EMRT"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "CMRT: tin, tantalum, tungsten, gold. EMRT: cobalt, mica, copper, graphite, lithium, nickel."
        ),
    )
    deadline = IsoDateField(label=_("Deadline"), required=False)
    message = forms.CharField(
        label=_("Message to the suppliers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestForm(PageForm):
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    email = forms.EmailField(label=_("Supplier's e-mail address"), required=False)
    contract = forms.ChoiceField(label=_("…or ask through a contract"), required=False)
    invitation = forms.ChoiceField(
        label=_("…or through a consultation invitation"),
        required=False,
        help_text=_("The supplier then also finds the upload on the page its questionnaire link opens."),
    )
    send = forms.BooleanField(label=_("E-mail the link now"), required=False, initial=True)

    def __init__(
        self,
        *args: object,
        contracts: list[tuple[str, str]] = (),  # type: ignore[assignment]
        invitations: list[tuple[str, str]] = (),  # type: ignore[assignment]
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "—"), *contracts]
        self.fields["invitation"].choices = [("", "—"), *invitations]
        if not invitations:
            del self.fields["invitation"]


class UploadForm(PageForm):
    file = forms.FileField(
        label=_("Your filled template (Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm"}),
    )


class FacilityListForm(PageForm):
    file = forms.FileField(
        label=_("RMI facility list (CSV, XML spreadsheet or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xml,.xlsx"}),
    )


class SmelterFilterForm(forms.Form):
    metal = forms.ChoiceField(label=_("Metal"), required=False)
    rmap = forms.ChoiceField(
        label=_("RMAP"),
        required=False,
        choices=[
            ("", _("any")),
            ("conformant", _("conformant")),
            ("active", _("active (being assessed)")),
            ("conformant_or_active", _("conformant or active")),
            ("none", _("neither")),
        ],
    )
    cahra = forms.BooleanField(label=_("only in conflict-affected or high-risk areas"), required=False)
    q = forms.CharField(label=_("Name or facility id"), required=False, max_length=100)

    def __init__(self, *args: object, metals: list[str] = (), **kwargs: object) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["metal"].choices = [("", _("all metals")), *((m, m) for m in metals)]
