"""Page forms for companies."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.companies.models import Company
from hrdd.core.forms import CountryField, OnceFormMixin, PageForm
from hrdd.core.lists import ListForm, Sort
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain.countries import country_name


class CompanyForm(OnceFormMixin, PageForm):
    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    other_names = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: trade names, former names, the name in the local script."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Company.Kind.choices)
    country_iso3 = CountryField(label=_("Country"), required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    lei = forms.CharField(
        label=_("LEI"), max_length=30, required=False, help_text=_("20 characters (ISO 17442).")
    )
    registration_number = forms.CharField(
        label=_("VAT or chamber-of-commerce number"), max_length=30, required=False
    )
    duns = forms.CharField(
        label=_("D-U-N-S number"), max_length=15, required=False, help_text=_("Nine digits.")
    )
    rmi_cid = forms.CharField(
        label=_("RMI facility id"),
        max_length=15,
        required=False,
        help_text=_("CID and six digits, for smelters."),
    )
    os_id = forms.CharField(label=_("Open Supply Hub id"), max_length=20, required=False)
    parent = forms.ChoiceField(label=_("Parent company"), required=False, choices=())

    def __init__(self, *args: object, parents: list[Company] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._parents = {str(c.public_id): c for c in parents or []}
        self.fields["parent"].choices = [("", "—"), *((k, c.legal_name) for k, c in self._parents.items())]

    def clean_other_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["other_names"].splitlines() if line.strip()]

    def clean_parent(self) -> Company | None:
        return self._parents.get(self.cleaned_data["parent"] or "")

    @staticmethod
    def initial_for(company: Company) -> dict[str, object]:
        return {
            "legal_name": company.legal_name,
            "other_names": "\n".join(company.other_names),
            "kind": company.kind,
            "country_iso3": company.country_iso3,
            "website": company.website,
            "lei": company.lei,
            "registration_number": company.registration_number,
            "duns": company.duns,
            "rmi_cid": company.rmi_cid,
            "os_id": company.os_id,
            "parent": str(company.parent.public_id) if company.parent_id else "",
        }


class CompanyEditForm(VersionedFormMixin, CompanyForm):
    """A company's fields as saved, with the version they were read at (a stale save is refused)."""

    def saved_values(self, saved: Any) -> dict[str, Any]:
        values = self.initial_for(saved)
        values["parent"] = saved.parent.legal_name if saved.parent_id else ""
        return values


class CompanyListForm(ListForm):
    """The companies list's search, filters and sort (a GET query); the countries offered are those recorded."""

    sorts = (
        Sort("name", _("Name A–Z"), ("legal_name", "id")),
        Sort("name_desc", _("Name Z–A"), ("-legal_name", "-id")),
        Sort("newest", _("Newest first"), ("-created_at", "-id")),
        Sort("country", _("Country"), ("country_iso3", "legal_name", "id")),
    )
    per_page = 50

    q = forms.CharField(label=_("Find a company"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=())
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())

    def __init__(self, *args: object, countries: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [("", _("any")), *Company.Kind.choices]
        self.fields["country"].choices = [("", _("any")), *((c, country_name(c) or c) for c in countries)]
