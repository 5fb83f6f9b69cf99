"""Page forms of the site registry: the registry's search, a site's correction and merge, one mention's
correction, and the upload of a registry list."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import CountryField, PageForm, SuggestionsInput
from hrdd.core.lists import ListForm, Sort
from hrdd.domain.countries import country_name
from hrdd.supplier_sites.models import Site, SiteGroup, SiteType

_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def public_id_in(text: str) -> uuid.UUID | None:
    """The public id a pasted page address (or the id alone) names, or None."""
    found = _UUID.search(text or "")
    return uuid.UUID(found.group(0)) if found else None


def _site_named(find_site: Callable[[uuid.UUID], Site | None], text: str) -> Site:
    public_id = public_id_in(text)
    found = find_site(public_id) if public_id else None
    if found is None:
        raise forms.ValidationError(_("No site of the registry has that address or id."))
    return found


class SiteListForm(ListForm):
    """The registry's search, filters and sort (a GET query)."""

    sorts = (
        Sort("name", _("Name A–Z"), ("name", "id")),
        Sort("country", _("Country, then name"), ("country_iso3", "name", "id")),
        Sort("named", _("Most named by us"), ("-mentions_here", "name", "id")),
        Sort("newest", _("Newest first"), ("-created_at", "-id")),
    )
    per_page = 50

    q = forms.CharField(
        label=_("Find a site"),
        required=False,
        max_length=200,
        help_text=_("Part of its name or another name, or its Open Supply Hub or RMI id."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    site_type = forms.ChoiceField(label=_("Type"), required=False, choices=())
    group = forms.ChoiceField(label=_("Group"), required=False, choices=())
    supplier = forms.ChoiceField(label=_("Named by supplier"), required=False, choices=())
    contract = forms.ChoiceField(label=_("Named under contract"), required=False, choices=())
    mine = forms.BooleanField(label=_("Only sites our suppliers name"), required=False)

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anything = ("", _("any"))
        self.fields["country"].choices = [
            anything,
            *sorted(((c, country_name(c) or c) for c, _label in choices["countries"]), key=lambda c: c[1]),
        ]
        self.fields["site_type"].choices = [anything, *SiteType.choices]
        self.fields["group"].choices = [anything, *choices["groups"]]
        self.fields["supplier"].choices = [anything, *choices["suppliers"]]
        self.fields["contract"].choices = [anything, *choices["contracts"]]


class SiteForm(PageForm):
    """A correction of a site of the shared registry. `seen` is the moment of the version the form was opened
    with: a save over a newer version is refused (someone else changed the site meanwhile)."""

    name = forms.CharField(label=_("Name"), max_length=300)
    other_names = forms.CharField(
        label=_("Other names"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: other spellings, former names, the name in the local script."),
    )
    address = forms.CharField(label=_("Street address"), max_length=500, required=False)
    city = forms.CharField(label=_("City"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country_iso3 = CountryField(label=_("Country"))
    latitude = forms.CharField(
        label=_("Latitude"),
        max_length=30,
        required=False,
        help_text=_(
            "Degrees north, e.g. 5.3567 (south is negative). Leave both coordinates empty if unknown."
        ),
    )
    longitude = forms.CharField(
        label=_("Longitude"),
        max_length=30,
        required=False,
        help_text=_("Degrees east, e.g. 100.3013 (west is negative)."),
    )
    site_type = forms.ChoiceField(label=_("Type of site"), required=False, choices=())
    is_artisanal = forms.BooleanField(
        label=_("Artisanal or small-scale mine (ASM)"),
        required=False,
        help_text=_("A mine worked by individuals, families or cooperatives with little machinery."),
    )
    operator = forms.ChoiceField(
        label=_("Operated by"),
        required=False,
        choices=(),
        help_text=_("The legal entity or group that runs the site (see the group tree)."),
    )
    os_id = forms.CharField(label=_("Open Supply Hub id"), max_length=20, required=False)
    rmi_cid = forms.CharField(
        label=_("RMI facility id"),
        max_length=15,
        required=False,
        help_text=_("CID and six digits, for smelters."),
    )
    lei = forms.CharField(
        label=_("LEI"), max_length=30, required=False, help_text=_("20 characters (ISO 17442).")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=(
            (Site.Status.ACTIVE, _("Active")),
            (Site.Status.CLOSED, _("Closed")),
            (Site.Status.MOVED, _("Moved to another site")),
        ),
    )
    moved_to = forms.CharField(
        label=_("Moved to"),
        max_length=300,
        required=False,
        help_text=_("When it moved: the address of the new site's page in this registry (or its id)."),
    )
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        groups: list[SiteGroup],
        find_site: Callable[[uuid.UUID], Site | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._find_site = partial(_site_named, find_site)
        self.fields["site_type"].choices = [("", _("not known")), *SiteType.choices]
        self._groups = {str(g.public_id): g for g in groups}
        self.fields["operator"].choices = [
            ("", _("not known")),
            *((k, f"{g.name} ({g.get_kind_display().lower()})") for k, g in self._groups.items()),
        ]

    def clean_other_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["other_names"].splitlines() if line.strip()]

    def clean_operator(self) -> SiteGroup | None:
        return self._groups.get(self.cleaned_data["operator"] or "")

    def clean_moved_to(self) -> Site | None:
        text = self.cleaned_data["moved_to"].strip()
        return self._find_site(text) if text else None

    @staticmethod
    def initial_for(site: Site) -> dict[str, Any]:
        return {
            "name": site.name,
            "other_names": "\n".join(site.other_names),
            "address": site.address,
            "city": site.city,
            "postal_code": site.postal_code,
            "country_iso3": site.country_iso3,
            "latitude": "" if site.latitude is None else f"{site.latitude:g}",
            "longitude": "" if site.longitude is None else f"{site.longitude:g}",
            "site_type": site.site_type,
            "is_artisanal": site.is_artisanal,
            "operator": str(site.operator.public_id) if site.operator_id else "",
            "os_id": site.os_id,
            "rmi_cid": site.rmi_cid,
            "lei": site.lei,
            "status": site.status if site.status != Site.Status.MERGED else Site.Status.ACTIVE,
            "moved_to": site.moved_to.get_absolute_url() if site.moved_to_id else "",
            "seen": site.updated_at.isoformat(),
        }


class MergeForm(PageForm):
    """Another site of the registry found to be this one: it is folded into this one (undoable)."""

    other = forms.CharField(
        label=_("The duplicate's page address or id"),
        max_length=300,
        help_text=_(
            "Open the other site's page in the registry and copy its address here. Its names become other "
            "names of this site, and its mentions move here. You can undo the merge."
        ),
    )

    def __init__(self, *args: Any, find_site: Callable[[uuid.UUID], Site | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._find_site = partial(_site_named, find_site)

    def clean_other(self) -> Site:
        return self._find_site(self.cleaned_data["other"])


class MentionForm(PageForm):
    """One row of a list corrected without uploading the list again (the row as typed is kept)."""

    name = forms.CharField(label=_("Name"), max_length=300)
    address = forms.CharField(label=_("Street address"), max_length=500, required=False)
    city = forms.CharField(label=_("City"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    country = CountryField(label=_("Country"))
    site_type = forms.CharField(
        label=_("Type of site"),
        max_length=100,
        required=False,
        help_text=_("As the supplier would write it, e.g. final assembly, components, smelter, mine."),
    )
    products = forms.CharField(
        label=_("Products or components"),
        max_length=500,
        required=False,
        help_text=_("Separated by semicolons."),
    )
    group_name = forms.CharField(label=_("Group"), max_length=200, required=False)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(mention: Any) -> dict[str, Any]:
        return {
            "name": mention.name,
            "address": mention.address,
            "city": mention.city,
            "postal_code": mention.postal_code,
            "country": mention.country_iso3,
            "site_type": mention.site_type,
            "products": mention.products,
            "group_name": mention.group_name,
            "seen": mention.updated_at.isoformat(),
        }


class ImportForm(PageForm):
    """A registry list to upload: the file, and whose list it is."""

    file = forms.FileField(
        label=_("Site list (CSV or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    supplier = forms.CharField(
        label=_("Supplier whose list it is"),
        max_length=200,
        required=False,
        help_text=_("Optional. A new name is recorded as a company."),
    )
    contract = forms.ChoiceField(label=_("Contract it is for"), required=False, choices=())

    def __init__(
        self, *args: Any, suppliers: list[str], contracts: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].widget = SuggestionsInput(suggestions=suppliers)
        self.fields["contract"].choices = [("", _("none")), *contracts]
