"""Page forms of certifications and child-labour cases: the lists' filters, a certification's record, a case's
record and a follow-up. Forms only parse; the services check and write (their refusals go beside the field)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import CountryField, IsoDateField, OnceFormMixin, PageForm
from hrdd.core.lists import ListForm, Sort
from hrdd.core.texts import localize
from hrdd.domain import certifications as rules
from hrdd.programmes.certifications import DOCUMENT_EXTENSIONS
from hrdd.programmes.models import ChildLabourCase

ANY = ("", _("any"))
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")


def scheme_choices() -> list[tuple[str, str]]:
    """The schemes by title, in the reader's language."""
    return [(s.key, localize(s.title)) for s in rules.get_schemes().schemes]


def status_choices() -> list[tuple[str, Any]]:
    """Every scheme's statuses, grouped by scheme (the service checks the status belongs to the scheme chosen)."""
    return [("", "—")] + [
        (localize(s.title), [(st.key, localize(st.label)) for st in s.statuses])
        for s in rules.get_schemes().schemes
    ]


def level_choices() -> list[tuple[str, Any]]:
    return [("", _("none"))] + [
        (localize(s.title), [(lv.key, localize(lv.label)) for lv in s.levels])
        for s in rules.get_schemes().schemes
        if s.levels
    ]


class CertificationListForm(ListForm):
    """The certifications list's filters and sort."""

    sorts = (
        Sort("ends", _("Ending first"), ("valid_until", "id")),
        Sort("scheme", _("Scheme"), ("scheme", "-valid_until", "id")),
        Sort("newest", _("Newest record first"), ("-created_at", "-id")),
    )
    per_page = 25

    scheme = forms.ChoiceField(label=_("Scheme"), required=False, choices=())
    validity = forms.ChoiceField(
        label=_("Validity today"),
        required=False,
        choices=[
            ANY,
            ("valid", _("valid (in force today)")),
            ("expiring", _("expiring soon")),
            ("expired", _("expired")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [ANY, *scheme_choices()]


def _find_uuid(text: str) -> uuid.UUID | None:
    found = _UUID.search(text or "")
    return uuid.UUID(found.group(0)) if found else None


class _HolderForm(PageForm):
    """A record held by a supplier chosen from `companies` or by a registry site pasted as its address or id
    (`find_company(public_id)`, `find_site(uuid)` return the record or None)."""

    def __init__(
        self,
        *args: Any,
        companies: list[tuple[str, str]],
        find_company: Callable[[str], Any],
        find_site: Callable[[uuid.UUID], Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.find_company, self.find_site = find_company, find_site
        self.fields["company"].choices = [("", "—"), *companies]

    def clean_company(self) -> Any:
        value = self.cleaned_data.get("company")
        return self.find_company(value) if value else None

    def clean_site(self) -> Any:
        text = self.cleaned_data.get("site") or ""
        if not text.strip():
            return None
        found = _find_uuid(text)
        site = self.find_site(found) if found else None
        if site is None:
            raise forms.ValidationError(_("No site of the registry has that address or id."))
        return site


class CertificationForm(_HolderForm):
    """A certification's record. `version` is the one the form was opened on: a save over a newer one is refused."""

    company = forms.ChoiceField(label=_("Company"), required=False, choices=())
    site = forms.CharField(
        label=_("Or a registry site"),
        required=False,
        max_length=300,
        help_text=_(
            "Paste the address of the site's page in the registry (Sites): a mine, smelter or refinery."
        ),
    )
    scheme = forms.ChoiceField(label=_("Scheme"), choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        choices=(),
        help_text=_("Statuses are listed per scheme; choose one of the scheme chosen above."),
    )
    level = forms.ChoiceField(
        label=_("Level or medal"),
        required=False,
        choices=(),
        help_text=_("IRMA achievement level, EPEAT tier or EcoVadis medal; empty for the other schemes."),
    )
    score = forms.CharField(
        label=_("Score"),
        required=False,
        max_length=10,
        help_text=_("EcoVadis only: the score from 0 to 100."),
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    reference = forms.CharField(label=_("Certificate or member number"), required=False, max_length=100)
    valid_from = IsoDateField(
        label=_("Valid from"), required=False, help_text=_("For a rating: the date of the scorecard.")
    )
    valid_until = IsoDateField(label=_("Valid until"), required=False)
    evidence_url = forms.CharField(
        label=_("Link to the evidence"),
        required=False,
        max_length=1000,
        help_text=_("The scheme's public list or the certificate online, starting with https://"),
    )
    document = forms.FileField(
        label=_("Certificate or scorecard (document)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(DOCUMENT_EXTENSIONS)}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheme"].choices = [("", "—"), *scheme_choices()]
        self.fields["status"].choices = status_choices()
        self.fields["level"].choices = level_choices()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            not data.get("company")
            and not data.get("site")
            and "company" not in self.errors
            and "site" not in self.errors
        ):
            self.add_error("company", _("Choose the company, or paste a registry site's address below."))
        return data

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if not data.get("document"):
            data.pop("document", None)
        return data

    @staticmethod
    def initial_for(certification: Any) -> dict[str, Any]:
        return {
            "company": str(certification.company.public_id) if certification.company_id else "",
            "site": certification.site.get_absolute_url() if certification.site_id else "",
            "scheme": certification.scheme,
            "status": certification.status,
            "level": certification.level,
            "score": "" if certification.score is None else f"{certification.score.normalize():f}",
            "reference": certification.reference,
            "valid_from": certification.valid_from,
            "valid_until": certification.valid_until,
            "evidence_url": certification.evidence_url,
            "note": certification.note,
            "version": certification.version,
        }


class CertificationCreateForm(OnceFormMixin, CertificationForm):
    """A new record, sent once."""


class CertificationEditForm(CertificationForm):
    remove_document = forms.BooleanField(label=_("Remove the document"), required=False)


# -- child-labour cases ------------------------------------------------------------------------------------------


class CaseListForm(ListForm):
    """The cases list's filters and sort."""

    sorts = (
        Sort("follow_up", _("Next follow-up first"), ("next_follow_up", "reference", "id")),
        Sort("newest", _("Newest identified first"), ("-identified_on", "-id")),
        Sort("reference", _("Reference"), ("reference", "id")),
    )
    per_page = 25

    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    partner = forms.ChoiceField(label=_("Remediation partner"), required=False, choices=())
    overdue = forms.ChoiceField(
        label=_("Follow-up"), required=False, choices=[ANY, ("on", _("overdue only"))]
    )

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [ANY, *ChildLabourCase.Status.choices]
        self.fields["country"].choices = [ANY, *choices["countries"]]
        self.fields["partner"].choices = [ANY, *choices["partners"]]


class CaseForm(_HolderForm):
    """A case's record. `version` is the one the form was opened on: a save over a newer one is refused."""

    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        help_text=_("A code, never a name (e.g. KOL-2026-014)."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ChildLabourCase.Status.choices)
    age_band = forms.ChoiceField(label=_("Age"), choices=ChildLabourCase.AgeBand.choices)
    site = forms.CharField(
        label=_("ASM site"),
        required=False,
        max_length=300,
        help_text=_("Paste the address of the mine's page in the registry (Sites), or leave empty."),
    )
    company = forms.ChoiceField(label=_("Or the supplier concerned"), required=False, choices=())
    country = CountryField(
        label=_("Country"), required=False, help_text=_("Taken from the site when one is chosen.")
    )
    identified_on = IsoDateField(label=_("Identified on"))
    remediation_partner = forms.CharField(
        label=_("Remediation partner"),
        max_length=200,
        help_text=_("The organisation that supports the child."),
    )
    support = forms.MultipleChoiceField(
        label=_("Support provided"), required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )
    supported_on = IsoDateField(
        label=_("Supported since"),
        required=False,
        help_text=_(
            "The day the child was out of child labour and receiving support; the KPI counts from it."
        ),
    )
    next_follow_up = IsoDateField(label=_("Next follow-up"), required=False)
    identity_notes = forms.CharField(
        label=_("Identity (confidential)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Only what the partner needs to find the child again. Shown only on this page to administrators and "
            "responsible-sourcing managers; never exported, e-mailed, counted or written to the audit log."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, support: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["support"].choices = support

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data

    @staticmethod
    def initial_for(case: Any) -> dict[str, Any]:
        return {
            "reference": case.reference,
            "status": case.status,
            "age_band": case.age_band,
            "site": case.site.get_absolute_url() if case.site_id else "",
            "company": str(case.company.public_id) if case.company_id else "",
            "country": case.country_iso3,
            "identified_on": case.identified_on,
            "remediation_partner": case.remediation_partner,
            "support": list(case.support),
            "supported_on": case.supported_on,
            "next_follow_up": case.next_follow_up,
            "identity_notes": case.identity_notes,
            "version": case.version,
        }


class CaseCreateForm(OnceFormMixin, CaseForm):
    """A new case, sent once."""


class FollowUpForm(PageForm):
    on = IsoDateField(label=_("Date of the follow-up"))
    note = forms.CharField(
        label=_("What was found"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("School attendance, health, the family's situation... No names."),
    )
    next_follow_up = IsoDateField(label=_("Next follow-up"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "followup_%s")
        super().__init__(*args, **kwargs)
