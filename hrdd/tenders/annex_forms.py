"""The tender page's forms for publishing: the buyer's choices where the manual leaves room, and the annex's
number and date asked when it is downloaded."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pycountry
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.core.forms import IsoDateField, PageForm, WholeNumberField
from hrdd.domain.tender_choices import FIRST_TCO_GENERATION, LAST_TCO_GENERATION, TenderChoices


def label_role_choices() -> list[tuple[str, str]]:
    return [
        ("admission", _("Admission requirement: a bid without it is not admitted")),
        ("award", _("Award criterion: points for it, with a weight you set")),
        ("recommendation", _("Recommendation: named in the annex, not scored")),
    ]


def epeat_choices() -> list[tuple[str, str]]:
    return [
        (
            "rsc-2025",
            _("EPEAT under the 2025 Responsible Supply Chains criteria (in force from November 2025)"),
        ),
        ("any", _("Any EPEAT registration")),
        ("none", _("Not EPEAT on its own: TCO Certified or an equivalent label")),
    ]


def due_diligence_choices() -> list[tuple[str, str]]:
    return [
        (
            "per_element",
            _("%(share)s of the points for each of the five elements described") % {"share": "20%"},
        ),
        ("all_elements", _("All the points only when all five elements are described")),
    ]


class TenderChoicesForm(PageForm):
    """The buyer's choices where the manual leaves room; each field says what the manual says and hrdd suggests."""

    service_fields = {
        "choices.label_role": "label_role",
        "choices.tco_generation": "tco_generation",
        "choices.epeat": "epeat",
        "choices.due_diligence": "due_diligence",
        "choices.currency": "currency",
    }

    label_role = forms.ChoiceField(
        label=gettext_lazy("The label (TCO Certified, EPEAT or equivalent) is"),
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "The manual calls certified products a good starting point whatever the market's maturity, and leaves "
            "the rest to you. hrdd suggests an admission requirement."
        ),
    )
    tco_generation = WholeNumberField(
        label=gettext_lazy("Oldest TCO Certified generation accepted"),
        required=False,
        help_text=gettext_lazy(
            "The manual names generation 9 as the one that brought in social requirements. hrdd suggests 9."
        ),
    )
    epeat = forms.ChoiceField(
        label=gettext_lazy("EPEAT registrations accepted"),
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "The manual: products certified under EPEAT's criteria in force from November 2025 are also a good "
            "starting point. hrdd suggests those."
        ),
    )
    due_diligence = forms.ChoiceField(
        label=gettext_lazy("Scoring of the due-diligence processes (AC7)"),
        widget=forms.RadioSelect,
        required=False,
        help_text=gettext_lazy(
            "The manual: 'depending on completeness: 0-100%' over five elements. hrdd suggests 20% per element."
        ),
    )
    currency = forms.CharField(
        label=gettext_lazy("Currency of the bid prices"),
        required=False,
        help_text=gettext_lazy("An ISO 4217 code such as EUR, SEK or DKK; shown with every price."),
    )

    def __init__(self, *args: Any, choices: TenderChoices, ask_due_diligence: bool, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "choices_%s")
        super().__init__(*args, **kwargs)
        self.current = choices
        self.fields["label_role"].choices = label_role_choices()
        self.fields["epeat"].choices = epeat_choices()
        self.fields["due_diligence"].choices = due_diligence_choices()
        self.fields["tco_generation"].widget.attrs.update(
            {"min": FIRST_TCO_GENERATION, "max": LAST_TCO_GENERATION}
        )
        if not ask_due_diligence:  # only scenario 3 has award criterion 7
            del self.fields["due_diligence"]
        for name in self.fields:
            self.initial.setdefault(name, getattr(choices, name))

    def clean_tco_generation(self) -> int:
        value = self.cleaned_data.get("tco_generation")
        if value is None:
            return self.current.tco_generation
        if not FIRST_TCO_GENERATION <= value <= LAST_TCO_GENERATION:
            raise ValidationError(
                _("Give a generation from %(first)d to %(last)d."),
                params={"first": FIRST_TCO_GENERATION, "last": LAST_TCO_GENERATION},
            )
        return int(value)

    def clean_currency(self) -> str:
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if not code:
            return self.current.currency
        if pycountry.currencies.get(alpha_3=code) is None:
            raise ValidationError(_("%(code)r is not a currency code such as EUR."), params={"code": code})
        return code

    def given(self) -> bool:
        """Whether the form was sent with the choices (a post of the parameters alone keeps them)."""
        return self.is_bound and any(name in self.data for name in self.fields)

    def choices(self) -> TenderChoices:
        """The choices given; a choice not sent (AC7's scoring when the scenario has no AC7) stays as it was."""
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return replace(self.current, **data)


class LanguageField(forms.ChoiceField):
    """The language a document is written in: one hrdd ships (en, nl, fr, de), each named in itself; an unknown
    one is refused naming the query parameter `language`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=settings.LANGUAGES, **kwargs)

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)
        if value and value not in dict(settings.LANGUAGES):
            raise ValidationError(
                _("Unknown language %(code)s for the parameter “language”; choose one of %(known)s."),
                code="invalid_choice",
                params={"code": repr(str(value)[:20]), "known": ", ".join(dict(settings.LANGUAGES))},
            )


def with_language(data: Any, language: str) -> Any:
    """A query without a language, given the tender's: the form shows (and the download uses) that one."""
    if data is None or data.get("language") or not language:
        return data
    data = data.copy()
    data["language"] = language
    return data


def language_name(code: str) -> str:
    """A language's name in itself ('Nederlands'), as the language switch writes it."""
    return str(dict(settings.LANGUAGES).get(code, code))


class AnnexDownloadForm(PageForm):
    """The annex's number, date and language, asked with its download (query parameters number, date and
    language; no language: the tender's)."""

    number = forms.CharField(
        label=gettext_lazy("Annex number"),
        max_length=60,
        required=False,
        help_text=gettext_lazy("As the tender documents name it; empty: Annex 1."),
    )
    date = IsoDateField(
        label=gettext_lazy("Date of the annex"), required=False, help_text=gettext_lazy("Empty: today.")
    )
    language = LanguageField(label=gettext_lazy("Language of the annex"))

    def __init__(self, data: Any = None, *, tender_language: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "download_%s")
        super().__init__(with_language(data, tender_language), **kwargs)
        self.tender_language = tender_language or settings.LANGUAGE_CODE
        self.fields["language"].initial = self.tender_language
        self.fields["language"].help_text = _(
            "Publish the annex in the tender's language. Another language gives a copy to read, with the language "
            "in its file name."
        )

    def number_value(self) -> str:
        return (self.cleaned_data.get("number") or "").strip() or _("Annex 1")

    def date_value(self, today: dt.date) -> dt.date:
        return self.cleaned_data.get("date") or today

    def language_value(self) -> str:
        """The language asked for, else the tender's."""
        return self.cleaned_data.get("language") or self.tender_language


class ReportDateForm(PageForm):
    """The award report's date and language, asked with its download (query parameters date and language; no
    language: the tender's)."""

    date = IsoDateField(
        label=gettext_lazy("Date of the report"), required=False, help_text=gettext_lazy("Empty: today.")
    )
    language = LanguageField(label=gettext_lazy("Language of the downloads"))

    def __init__(self, data: Any = None, *, tender_language: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "report_%s")
        super().__init__(with_language(data, tender_language), **kwargs)
        self.tender_language = tender_language or settings.LANGUAGE_CODE
        self.fields["language"].initial = self.tender_language
        self.fields["language"].help_text = _(
            "The tender's language is %(language)s. Another language gives a copy to read, with the language in "
            "its file name."
        ) % {"language": language_name(self.tender_language)}

    def date_value(self, today: dt.date) -> dt.date:
        return self.cleaned_data.get("date") or today

    def language_value(self) -> str:
        """The language asked for, else the tender's."""
        return self.cleaned_data.get("language") or self.tender_language
