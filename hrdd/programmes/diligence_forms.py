"""Page forms of supplier due diligence: the suppliers list's filter, a sourcing link, a tier set by hand, an
assessment's start and its sections, a gap's mitigation, an enrolment and its milestones. Forms only parse; the
services in hrdd.programmes.diligence check and write (their refusals go beside the field they name)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hrdd.core.forms import CountryField, IsoDateField, OnceFormMixin, PageForm
from hrdd.core.lists import ListForm, Sort
from hrdd.core.texts import localize
from hrdd.domain.assessment_framework import AssessmentFramework, Section
from hrdd.programmes.models import DiligenceAssessment, Enrolment, Gap, Tier

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class SupplierListForm(ListForm):
    """The suppliers page's tier filter and sort."""

    sorts = (
        Sort("name", _("Name"), ("legal_name", "id")),
        Sort("assessed", _("Least recently assessed first"), ("latest_on", "legal_name", "id")),
        Sort("gaps", _("Most open gaps first"), ("-open_gaps", "legal_name", "id")),
    )
    per_page = 25

    tier = forms.ChoiceField(label=_("Risk tier"), required=False, choices=[("", _("any")), *Tier.choices])


def _lookup(find: Callable[[str], Any] | None, value: str, field: str) -> Any:
    if not value:
        return None
    found = find(value) if find else None
    if found is None:
        raise forms.ValidationError(_("Unknown %(what)s.") % {"what": field})
    return found


class SourcingLinkForm(OnceFormMixin, PageForm):
    """What a supplier supplies from where (its tier is computed from these)."""

    material = forms.ChoiceField(label=_("Material"), choices=())
    country_iso3 = CountryField(label=_("Country of origin"))
    region = forms.CharField(
        label=_("Region or mine area"),
        required=False,
        max_length=200,
        help_text=_("e.g. Lualaba, Haut-Katanga."),
    )
    is_asm = forms.BooleanField(
        label=_("Artisanal and small-scale mining (ASM) is part of it"), required=False
    )
    site = forms.ChoiceField(
        label=_("Registry site (mine or refiner)"),
        required=False,
        choices=(),
        help_text=_("Optional: the mine or refiner in the site registry this material comes from."),
    )
    source = forms.CharField(
        label=_("How we know"),
        required=False,
        max_length=300,
        help_text=_("e.g. the supplier's CMRT 2025, a site visit, the purchase contract."),
    )

    def __init__(
        self,
        *args: Any,
        materials: list[tuple[str, str]],
        sites: list[Any],
        find_site: Callable[[str], Any] | None = None,
        once: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not once:
            del self.fields["form_key"]
        self.fields["material"].choices = [("", "—"), *materials]
        self.fields["site"].choices = [
            ("", _("none")),
            *((str(s.public_id), f"{s.name} ({s.country_iso3})") for s in sites),
        ]
        self.find_site = find_site

    def clean_site(self) -> Any:
        return _lookup(self.find_site, self.cleaned_data.get("site") or "", "registry site")

    @staticmethod
    def initial_for(link: Any) -> dict[str, Any]:
        return {
            "material": link.material,
            "country_iso3": link.country_iso3,
            "region": link.region,
            "is_asm": link.is_asm,
            "site": str(link.site.public_id) if link.site_id else "",
            "source": link.source,
        }


class TierOverrideForm(PageForm):
    """A tier set by hand, with the reason why."""

    tier = forms.ChoiceField(label=_("Risk tier"), choices=Tier.choices)
    reason = forms.CharField(
        label=_("Why"),
        widget=TEXTAREA,
        max_length=4000,
        help_text=_("Kept with the tier and in the audit log; the computed tier stays shown beside it."),
    )


class AssessmentStartForm(OnceFormMixin, PageForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=DiligenceAssessment.Stage.choices)
    assessed_on = IsoDateField(label=_("Assessed on"), required=False, help_text=_("Today when left empty."))
    framework_key = forms.ChoiceField(label=_("Framework"), choices=())

    def __init__(self, *args: Any, frameworks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework_key"].choices = frameworks
        if len(frameworks) == 1:
            self.fields["framework_key"].widget = forms.HiddenInput()
            self.fields["framework_key"].initial = frameworks[0][0]


def _answer_field(question: Any) -> forms.Field:
    choices = [(o.id, str(localize(o.text))) for o in question.options]
    if question.select == "single":
        return forms.ChoiceField(
            label=localize(question.prompt),
            required=False,
            choices=choices,
            widget=forms.RadioSelect,
            help_text=question.source,
        )
    return forms.MultipleChoiceField(
        label=localize(question.prompt),
        required=False,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=question.source,
    )


class AssessmentSectionForm(PageForm):
    """One section of an assessment: an answer and a note per question, and the version it was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, framework: AssessmentFramework, section: Section, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.service_fields = {}
        for question in section.questions:
            self.fields[f"q_{question.id}"] = _answer_field(question)
            self.fields[f"note_{question.id}"] = forms.CharField(
                label=_("Note on “%(title)s”") % {"title": localize(question.title)},
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.service_fields[f"answers.{question.id}"] = f"q_{question.id}"
            self.service_fields[f"notes.{question.id}"] = f"note_{question.id}"

    @staticmethod
    def initial_for(assessment: DiligenceAssessment, section: Section) -> dict[str, Any]:
        initial: dict[str, Any] = {"version": assessment.version}
        for question in section.questions:
            given = assessment.answers.get(question.id) or []
            initial[f"q_{question.id}"] = (
                (given[0] if given else "") if question.select == "single" else given
            )
            initial[f"note_{question.id}"] = assessment.notes.get(question.id, "")
        return initial

    def blocks(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        """Each question with its answer's and its note's field, for the page."""
        return [(q, self[f"q_{q.id}"], self[f"note_{q.id}"]) for q in self.section.questions]

    def answers(self) -> dict[str, Any]:
        return {q.id: self.cleaned_data.get(f"q_{q.id}") for q in self.section.questions}

    def notes(self) -> dict[str, str]:
        return {q.id: self.cleaned_data.get(f"note_{q.id}") or "" for q in self.section.questions}


class GapForm(PageForm):
    """A gap's mitigation: strategy, owner, deadline, status and, to close it, how it was closed."""

    strategy = forms.CharField(
        label=_("Mitigation strategy"), required=False, widget=TEXTAREA, max_length=4000
    )
    owner = forms.CharField(
        label=_("Owner"), required=False, max_length=200, help_text=_("Who acts: a person or a team.")
    )
    deadline = IsoDateField(label=_("Deadline"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=Gap.Status.choices)
    closing_note = forms.CharField(
        label=_("How it was closed"),
        required=False,
        widget=TEXTAREA,
        max_length=4000,
        help_text=_("Needed to close the gap."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(gap: Gap) -> dict[str, Any]:
        return {
            "strategy": gap.strategy,
            "owner": gap.owner,
            "deadline": gap.deadline,
            "status": gap.status,
            "closing_note": gap.closing_note,
            "version": gap.version,
        }


def _programme_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Programme"), required=False, choices=())


class EnrolmentForm(OnceFormMixin, PageForm):
    goal = forms.CharField(label=_("Goal"), max_length=300, help_text=_("e.g. Copper Mark by 2027."))
    enrolled_on = IsoDateField(label=_("Enrolled on"), required=False, help_text=_("Today when left empty."))
    programme = _programme_field()

    def __init__(
        self, *args: Any, programmes: list[Any], find_programme: Callable[[str], Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [
            ("", _("none")),
            *((str(p.public_id), p.title) for p in programmes),
        ]
        self.find_programme = find_programme

    def clean_programme(self) -> Any:
        return _lookup(self.find_programme, self.cleaned_data.get("programme") or "", "programme")


class EnrolmentEditForm(EnrolmentForm):
    status = forms.ChoiceField(label=_("Status"), choices=Enrolment.Status.choices)
    ended_on = IsoDateField(
        label=_("Ended on"),
        required=False,
        help_text=_("For a completed enrolment or one left; today when empty."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["form_key"]
        self.fields["enrolled_on"].required = True
        self.fields["enrolled_on"].help_text = ""

    @staticmethod
    def initial_for(enrolment: Enrolment) -> dict[str, Any]:
        return {
            "goal": enrolment.goal,
            "enrolled_on": enrolment.enrolled_on,
            "programme": str(enrolment.programme.public_id) if enrolment.programme_id else "",
            "status": enrolment.status,
            "ended_on": enrolment.ended_on,
            "version": enrolment.version,
        }


class MilestoneForm(OnceFormMixin, PageForm):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = IsoDateField(label=_("Due on"))


class MilestoneEditForm(PageForm):
    title = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = IsoDateField(label=_("Due on"))
    done_on = IsoDateField(label=_("Done on"), required=False)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=1000,
        help_text=_("A link, a document's name, or what was seen."),
    )

    @staticmethod
    def initial_for(milestone: Any) -> dict[str, Any]:
        return {
            "title": milestone.title,
            "due_on": milestone.due_on,
            "done_on": milestone.done_on,
            "evidence": milestone.evidence,
        }
