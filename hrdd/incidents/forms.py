"""Page forms of incidents, grievances and remedy: the register's filters, an incident's record and status, the
remediation plan's steps, the public grievance form and the receipt lookup, the grievance channels and the
exposure-sharing opt-in. Forms only parse; the services check and write (their refusals go beside the field)."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.conf import global_settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import CountryField, IsoDateField, OnceFormMixin, PageForm
from hrdd.core.lists import ListForm, Sort
from hrdd.core.texts import localize
from hrdd.core.uploads import format_size
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain import incidents as rules
from hrdd.domain.countries import country_name
from hrdd.incidents.models import Confidentiality, Source, risk_category_choices
from hrdd.incidents.services import DOCUMENT_EXTENSIONS, GRIEVANCE_MAX_BYTES

ANY = ("", _("any"))
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
DOCUMENT_ACCEPT = ",".join(DOCUMENT_EXTENSIONS)
CONFIDENTIALITY_HELP = {
    Confidentiality.OWNER_ONLY: _("Only your organisation sees it."),
    Confidentiality.SHARED: _(
        "Also the organisations that share their exposure and whose suppliers name the site or group. They see "
        "the incident, never who reported it."
    ),
    Confidentiality.PUBLIC: _("Every organisation of this installation; never who reported it."),
}


def _rating_choices(labels: dict[int, str]) -> list[tuple[str, str]]:
    # the meanings are the domain's Texts, said in the language active when the form is built
    return [("", _("not rated yet")), *((str(n), f"{n} — {localize(text)}") for n, text in labels.items())]


def reporter_languages() -> list[tuple[str, str]]:
    """Every language Django knows, each in its own name (a reporter picks theirs, whatever the page's)."""
    found = []
    for code, name in global_settings.LANGUAGES:
        local = LANG_INFO.get(code, {}).get("name_local") or str(name)
        found.append((code, f"{local} ({name})" if local != str(name) else local))
    return sorted(found, key=lambda c: c[1].lower())


class IncidentListForm(ListForm):
    """The register's search, filters and sort (a GET query)."""

    sorts = (
        Sort("newest", _("Newest first"), ("-created_at", "-id")),
        Sort("oldest", _("Oldest first"), ("created_at", "id")),
        Sort("occurred", _("Date of the events"), ("-occurred_on", "-created_at", "-id")),
    )
    per_page = 25

    q = forms.CharField(
        label=_("Find"), required=False, max_length=200, help_text=_("Part of the title or the site's name.")
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    category = forms.ChoiceField(label=_("Risk category"), required=False, choices=())
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    group = forms.ChoiceField(label=_("Group"), required=False, choices=())
    exposure = forms.ChoiceField(label=_("Which incidents"), required=False, choices=())
    channel = forms.ChoiceField(label=_("Received through"), required=False, choices=())

    def __init__(self, *args: Any, choices: dict[str, list[tuple[str, str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [ANY, *choices["statuses"]]
        self.fields["category"].choices = [ANY, *choices["categories"]]
        self.fields["country"].choices = [
            ANY,
            *sorted(((c, country_name(c) or c) for c, _label in choices["countries"]), key=lambda c: c[1]),
        ]
        self.fields["group"].choices = [ANY, *choices["groups"]]
        self.fields["exposure"].choices = [
            ("", _("all we may see")),
            ("exposed", _("touching our contracts")),
            ("own", _("recorded by us")),
        ]
        self.fields["channel"].choices = [("", _("any way")), *choices.get("channels", [])]
        if not choices.get("channels"):
            self.fields["channel"].widget = forms.HiddenInput()


class IncidentForm(PageForm):
    """An incident's record. `seen` holds the moment of the version the form was opened on: a save over a newer
    version is refused (someone else changed the incident meanwhile)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    source_url = forms.CharField(
        label=_("Link to the source"),
        required=False,
        max_length=1000,
        help_text=_("The report, article or audit online, starting with https://"),
    )
    document = forms.FileField(
        label=_("Document"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    occurred_on = IsoDateField(label=_("Date of the events"), required=False)
    category = forms.ChoiceField(label=_("Risk category"), required=False, choices=())
    site = forms.CharField(
        label=_("Site"),
        required=False,
        max_length=300,
        help_text=_("Paste the address of the site's page in the registry (Sites), or leave empty."),
    )
    group = forms.ChoiceField(label=_("Or a corporate group"), required=False, choices=())
    company = forms.ChoiceField(label=_("Or one of your companies"), required=False, choices=())
    subject_text = forms.CharField(
        label=_("Site or company as reported"),
        required=False,
        max_length=500,
        help_text=_("The words of the source, while no registry record is chosen."),
    )
    country = CountryField(label=_("Country"), required=False)
    scale = forms.ChoiceField(label=_("Scale: how grave"), required=False, choices=())
    scope = forms.ChoiceField(label=_("Scope: how many people"), required=False, choices=())
    irremediability = forms.ChoiceField(label=_("Can it be put right?"), required=False, choices=())
    confidentiality = forms.ChoiceField(
        label=_("Who may see it"), choices=Confidentiality.choices, widget=forms.RadioSelect
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=200)
    reporter_contact = forms.CharField(
        label=_("Reporter's contact"),
        required=False,
        max_length=300,
        help_text=_("Seen only by your organisation. Leave both empty for an anonymous report."),
    )
    external_reference = forms.CharField(label=_("Reference"), required=False, max_length=100)
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[str, str]],
        companies: list[tuple[str, str]],
        find_site: Any,
        find_group: Any,
        find_company: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.find_site, self.find_group, self.find_company = find_site, find_group, find_company
        self.fields["category"].choices = [("", _("not known yet")), *risk_category_choices()]
        self.fields["group"].choices = [("", "—"), *groups]
        self.fields["company"].choices = [("", "—"), *companies]
        self.fields["scale"].choices = _rating_choices(rules.SCALE_LABELS)
        self.fields["scope"].choices = _rating_choices(rules.SCOPE_LABELS)
        self.fields["irremediability"].choices = _rating_choices(rules.IRREMEDIABILITY_LABELS)
        self.fields["confidentiality"].choices = [
            (value, f"{label} — {CONFIDENTIALITY_HELP[value]}") for value, label in Confidentiality.choices
        ]

    def clean_site(self) -> Any:
        text = self.cleaned_data.get("site") or ""
        if not text.strip():
            return None
        found = _UUID.search(text)
        site = self.find_site(uuid.UUID(found.group(0))) if found else None
        if site is None:
            raise forms.ValidationError(_("No site of the registry has that address or id."))
        return site

    def clean_group(self) -> Any:
        value = self.cleaned_data.get("group")
        return self.find_group(value) if value else None

    def clean_company(self) -> Any:
        value = self.cleaned_data.get("company")
        return self.find_company(value) if value else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("scale", "scope", "irremediability"):
            if name in data:
                data[name] = int(data[name]) if data[name] else None
        return data

    @staticmethod
    def initial_for(incident: Any) -> dict[str, Any]:
        return {
            "title": incident.title,
            "description": incident.description,
            "source": incident.source,
            "source_url": incident.source_url,
            "occurred_on": incident.occurred_on,
            "category": incident.category,
            "site": incident.site.get_absolute_url() if incident.site_id else "",
            "group": str(incident.group.public_id) if incident.group_id else "",
            "company": str(incident.company.public_id) if incident.company_id else "",
            "subject_text": incident.subject_text,
            "country": incident.country_iso3,
            "scale": str(incident.scale or ""),
            "scope": str(incident.scope or ""),
            "irremediability": str(incident.irremediability or ""),
            "confidentiality": incident.confidentiality,
            "reporter_name": incident.reporter_name,
            "reporter_contact": incident.reporter_contact,
            "external_reference": incident.external_reference,
            "seen": incident.updated_at.isoformat(),
        }


class IncidentEditForm(VersionedFormMixin, IncidentForm):
    """An incident's record as saved, with the version it was read at (a stale save is refused)."""

    def saved_values(self, saved: Any) -> dict[str, Any]:
        values = {k: v for k, v in self.initial_for(saved).items() if k in self.fields and k != "seen"}
        values["site"] = saved.site.name if saved.site_id else ""
        values["group"] = saved.group.name if saved.group_id else ""
        values["company"] = saved.company.legal_name if saved.company_id else ""
        return values


class IncidentCreateForm(OnceFormMixin, IncidentForm):
    """A new incident, sent once."""


class TransitionForm(PageForm):
    """A move of the incident's status, among those the workflow allows from where it is."""

    status = forms.ChoiceField(label=_("New status"), choices=(), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note for the file"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why: what was checked, with whom. Seen by your organisation."),
    )
    public_note = forms.CharField(
        label=_("Note for the reporter"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown with the receipt code; write nothing that could identify the reporter."),
    )

    def __init__(self, *args: Any, allowed: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = allowed


class StepForm(PageForm):
    """A corrective-action step of the remediation plan."""

    action = forms.CharField(label=_("Corrective action"), max_length=500)
    responsible = forms.CharField(
        label=_("Who acts"), max_length=200, help_text=_("The supplier, a site manager, your organisation...")
    )
    deadline = IsoDateField(label=_("Deadline"))
    evidence = forms.CharField(
        label=_("Evidence to deliver"),
        required=False,
        max_length=500,
        help_text=_("e.g. payroll records showing the back pay, the new policy signed."),
    )
    contract = forms.ChoiceField(
        label=_("Under contract"),
        required=False,
        choices=(),
        help_text=_("The contract's supplier then reports progress on this step through its contract link."),
    )

    def __init__(
        self, *args: Any, contracts: list[tuple[str, str]], find_contract: Any, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", "step_%s")
        super().__init__(*args, **kwargs)
        self.find_contract = find_contract
        self.fields["contract"].choices = [("", _("none")), *contracts]

    def clean_contract(self) -> Any:
        value = self.cleaned_data.get("contract")
        return self.find_contract(value) if value else None


class StepEditForm(VersionedFormMixin, StepForm):
    """A step corrected after it was set. `seen` holds the moment of the version the form was opened on: a save
    over a newer version (a colleague's edit, the supplier's report) is refused."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(step: Any) -> dict[str, Any]:
        return {
            "action": step.action,
            "responsible": step.responsible,
            "deadline": step.deadline,
            "evidence": step.evidence,
            "contract": str(step.contract.public_id) if step.contract_id else "",
            "seen": step.updated_at.isoformat(),
        }


class ProgressForm(PageForm):
    """Progress reported on a step: what was done, and a file of evidence."""

    text = forms.CharField(
        label=_("What was done"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    upload = forms.FileField(
        label=_("Evidence file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )


class VerifyForm(PageForm):
    """The check of a step's evidence."""

    note = forms.CharField(
        label=_("What was checked"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChannelForm(PageForm):
    """A new public grievance channel of the organisation."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("Shown at the top of the form."))
    slug = forms.SlugField(
        label=_("Address"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens: the form is found at /report/<address>/."),
    )
    introduction = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you are, what happens to a report, how long an answer takes."),
    )


class GrievanceForm(PageForm):
    """The public grievance form: no account; `website` is a trap for robots (hidden from people) and `stamp`
    the signed time the form was drawn."""

    description = forms.CharField(
        label=_("What happened?"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What, when, to whom. Write in your own language."),
    )
    site_text = forms.CharField(
        label=_("Where? The factory, mine or workplace"),
        required=False,
        max_length=500,
        help_text=_("Its name and town, as you know it."),
    )
    country = CountryField(
        label=_("Country"), required=False, help_text=_("The country where it happened, in any language.")
    )
    occurred_on = IsoDateField(label=_("When did it happen?"), required=False)
    category = forms.ChoiceField(label=_("What is it about?"), required=False, choices=())
    reporter_name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=200,
        help_text=_("Leave it empty to stay anonymous."),
    )
    reporter_contact = forms.CharField(
        label=_("How to reach you (optional)"),
        required=False,
        max_length=300,
        help_text=_("A phone number or e-mail, only if you want an answer in person."),
    )
    document = forms.FileField(
        label=_("A document (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
    language = forms.ChoiceField(label=_("Your language"), required=False, choices=())
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("I am not sure")), *risk_category_choices()]
        self.fields["language"].choices = reporter_languages()
        self.fields["document"].help_text = _(
            "A PDF, Word (.docx) or text file, at most %(size)s. A photo can be sent inside a PDF or Word file."
        ) % {"size": format_size(GRIEVANCE_MAX_BYTES)}


class ReceiptForm(PageForm):
    """A receipt code typed back by the reporter."""

    code = forms.CharField(
        label=_("Your receipt code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
