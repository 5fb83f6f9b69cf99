"""Pages of supplier due diligence under /programmes/: the suppliers with their tiers, one supplier's due diligence
(tier and reasons, sourcing links, assessments, gaps, enrolments), an assessment section by section and its result,
a gap's mitigation, an enrolment with its milestones. Thin: reads and writes through hrdd.programmes.diligence."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.errors import InputError, NotFound
from hrdd.core.forms import form_create, form_write
from hrdd.core.texts import localize
from hrdd.domain.assessment_framework import assessment_framework_ids, get_assessment_framework
from hrdd.programmes import diligence as d
from hrdd.programmes.diligence_forms import (
    AssessmentSectionForm,
    AssessmentStartForm,
    EnrolmentEditForm,
    EnrolmentForm,
    GapForm,
    MilestoneEditForm,
    MilestoneForm,
    SourcingLinkForm,
    SupplierListForm,
    TierOverrideForm,
)
from hrdd.programmes.models import DiligenceAssessment, Programme
from hrdd.programmes.tasks import tiers_refresh_start


def _find_site(value: str) -> Any:
    from hrdd.supplier_sites.models import Site

    try:
        return Site.objects.exclude(status=Site.Status.MERGED).get(public_id=uuid.UUID(value))
    except (ValueError, Site.DoesNotExist):
        return None


def _find_programme(user: Any, value: str) -> Programme | None:
    try:
        return Programme.objects.get_visible(user, public_id=value)  # type: ignore[no-any-return]
    except NotFound:
        return None


def _frameworks() -> list[tuple[str, str]]:
    return [(key, localize(get_assessment_framework(key).title)) for key in assessment_framework_ids()]


# -- the suppliers --------------------------------------------------------------------------------------------------


@login_required
def suppliers_page(request: HttpRequest) -> HttpResponse:
    """The organisation's suppliers: tier, latest assessment, open gaps, enrolment; filtered by tier, paged."""
    form = SupplierListForm(request.GET)
    page = form.paginate(d.supplier_list(user=request.user, tier=form.value("tier") or ""))
    return render(
        request,
        "programmes/diligence_suppliers.html",
        {"page": page, "list_form": form, "nav": "suppliers"},
    )


@login_required
@require_POST
def suppliers_refresh(request: HttpRequest) -> HttpResponse:
    """Compute every supplier's tier again from its current inputs, in the background (its page shows the
    progress and leads back to the suppliers)."""
    run = tiers_refresh_start(actor=request.user)
    return redirect("tasks:detail", public_id=run.public_id)


def _supplier_forms(request: HttpRequest, company: Any, posted: str) -> dict[str, Any]:
    post = request.POST if request.method == "POST" else None
    materials = d.material_choices()
    return {
        "link_form": SourcingLinkForm(
            post if posted == "link" else None,
            materials=materials,
            sites=d.site_choices(),
            find_site=_find_site,
            prefix="link",
        ),
        "override_form": TierOverrideForm(post if posted == "override" else None, prefix="override"),
        "assess_form": AssessmentStartForm(
            post if posted == "assess" else None, frameworks=_frameworks(), prefix="assess"
        ),
        "enrol_form": EnrolmentForm(
            post if posted == "enrol" else None,
            programmes=d.programme_choices(user=request.user),
            find_programme=partial(_find_programme, request.user),
            prefix="enrol",
        ),
    }


@login_required
def supplier_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One supplier's due diligence; its writers add sourcing links, set the tier by hand, start an assessment
    and enrol it (each form posts here with its name in `form`)."""
    company = d.supplier_get(user=request.user, public_id=public_id)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    forms = _supplier_forms(request, company, posted) if request.user.can_write else {}
    here = reverse("programmes:supplier", args=[company.public_id])
    if posted == "link":
        done = form_create(
            request,
            forms["link_form"],
            partial(d.sourcing_link_add, actor=request.user, company=company),
            success=_("The sourcing link is added and the tier computed again."),
            redirect_to=lambda _link: here + "#tier",
        )
        if done is not None:
            return done
    elif posted == "override":
        if form_write(
            request,
            forms["override_form"],
            partial(d.tier_override, actor=request.user, company=company),
            success=_("The tier is set by hand."),
        ):
            return redirect(here + "#tier")
    elif posted == "clear":
        d.tier_override_clear(actor=request.user, company=company)
        messages.success(request, _("The computed tier is in force again."))
        return redirect(here + "#tier")
    elif posted == "refresh":
        d.tier_recompute(actor=request.user, company=company)
        messages.success(request, _("The tier was computed again."))
        return redirect(here + "#tier")
    elif posted == "assess":
        done = form_create(
            request,
            forms["assess_form"],
            partial(d.assessment_start, actor=request.user, company=company),
            success=_("The assessment is started: answer it section by section."),
        )
        if done is not None:
            return done
    elif posted == "enrol":
        done = form_create(
            request,
            forms["enrol_form"],
            partial(d.enrolment_create, actor=request.user, company=company),
            success=_("The supplier is enrolled."),
        )
        if done is not None:
            return done
    invalid = any(f.errors for f in forms.values())
    return render(
        request,
        "programmes/diligence_supplier.html",
        {"company": company, "nav": "suppliers", **d.supplier_dossier(company), **forms},
        status=400 if invalid else 200,
    )


@login_required
def sourcing_link_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct a sourcing link (writers)."""
    link = d.sourcing_link_get(user=request.user, public_id=public_id)
    if not request.user.can_write:
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))
    form = SourcingLinkForm(
        request.POST if request.method == "POST" else None,
        initial=SourcingLinkForm.initial_for(link),
        materials=d.material_choices(),
        sites=d.site_choices(),
        find_site=_find_site,
        once=False,
    )
    back = reverse("programmes:supplier", args=[link.company.public_id])
    write = partial(d.sourcing_link_update, actor=request.user, link=link)
    if form_write(request, form, write, success=_("The sourcing link is saved and the tier computed again.")):
        return redirect(back + "#tier")
    return render(
        request,
        "programmes/diligence_link.html",
        {"link": link, "form": form, "back": back, "nav": "suppliers"},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def sourcing_link_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    link = d.sourcing_link_get(user=request.user, public_id=public_id)
    company = link.company
    d.sourcing_link_delete(actor=request.user, link=link)
    messages.success(request, _("The sourcing link is removed and the tier computed again."))
    return redirect(reverse("programmes:supplier", args=[company.public_id]) + "#tier")


# -- assessments ------------------------------------------------------------------------------------------------------


@login_required
def assessment_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A draft assessment, one section at a time (save the draft, or complete it); a completed one's result, with
    the points of every question and their reasons, and the gaps found."""
    assessment = d.assessment_get(user=request.user, public_id=public_id)
    framework = d.assessment_framework(assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "framework": framework,
        "company": assessment.company,
        "nav": "suppliers",
    }
    if assessment.status == DiligenceAssessment.Status.COMPLETED:
        context["gaps"] = list(assessment.gaps.order_by("id"))
        result = d.assessment_result(assessment)
        result["questions"] = [
            q | {"note": assessment.notes.get(q["question"], "")} for q in result.get("questions", [])
        ]
        context["result"] = result
        return render(request, "programmes/diligence_assessment.html", context)
    sections = {s.id: s for s in framework.sections}
    section = sections.get(request.GET.get("section") or "", framework.sections[0])
    position = framework.sections.index(section)
    form = AssessmentSectionForm(
        request.POST if request.method == "POST" else None,
        initial=AssessmentSectionForm.initial_for(assessment, section),
        framework=framework,
        section=section,
    )
    here = reverse("programmes:assessment", args=[assessment.public_id])
    if request.method == "POST" and form.is_valid():
        complete = "complete" in request.POST
        try:
            d.assessment_save(
                actor=request.user,
                assessment=assessment,
                answers=form.answers(),
                notes=form.notes(),
                version=form.cleaned_data.get("version"),
                section=section.id,
            )
        except d.StaleEdit as exc:
            assessment.refresh_from_db()
            form.refuse_stale(str(exc), current=assessment.version)
        except (InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            if not complete:
                messages.success(request, _("The draft is saved."))
                following = framework.sections[min(position + 1, len(framework.sections) - 1)]
                return redirect(f"{here}?section={following.id}")
            try:
                done = d.assessment_save(
                    actor=request.user,
                    assessment=assessment,
                    answers=form.answers(),
                    notes=form.notes(),
                    section=section.id,
                    complete=True,
                )
            except InputError as exc:
                field = getattr(exc, "field", "")
                question = field.split(".", 1)[1] if field.startswith("answers.") else ""
                missing = next(
                    (s for s in framework.sections if any(q.id == question for q in s.questions)), section
                )
                messages.error(
                    request,
                    _("The draft is saved, but it cannot be completed yet: %(error)s") % {"error": exc},
                )
                return redirect(f"{here}?section={missing.id}#q-{question}")
            messages.success(
                request,
                _("The assessment is completed: %(score)s of %(max)s points, %(gaps)d gap(s) found.")
                % {
                    "score": d.points_text(done.score),
                    "max": d.points_text(done.max_score),
                    "gaps": len(done.result["gaps"]),
                },
            )
            return redirect(here)
    answered = {s.id: sum(1 for q in s.questions if assessment.answers.get(q.id)) for s in framework.sections}
    context |= {
        "form": form,
        "section": section,
        "position": position,
        "answered": answered,
        "is_last": position == len(framework.sections) - 1,
    }
    return render(
        request, "programmes/diligence_assessment.html", context, status=400 if form.errors else 200
    )


# -- gaps ---------------------------------------------------------------------------------------------------------------


@login_required
def gap_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A gap and its mitigation: strategy, owner, deadline, status, how it was closed."""
    gap = d.gap_get(user=request.user, public_id=public_id)
    form = GapForm(request.POST if request.method == "POST" else None, initial=GapForm.initial_for(gap))
    back = reverse("programmes:supplier", args=[gap.assessment.company.public_id]) + "#gaps"
    if request.method == "POST" and form.is_valid():
        try:
            d.gap_update(actor=request.user, gap=gap, **form.cleaned_data)
        except d.StaleEdit as exc:
            gap.refresh_from_db()
            form.refuse_stale(str(exc), current=gap.version)
        except (InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The gap's mitigation is saved."))
            return redirect(back)
    return render(
        request,
        "programmes/diligence_gap.html",
        {
            "gap": gap,
            "form": form,
            "back": back,
            "overdue": d.gap_is_overdue(gap),
            "question": _question(gap),
            "nav": "suppliers",
        },
        status=400 if form.errors else 200,
    )


def _question(gap: Any) -> Any:
    try:
        return d.assessment_framework(gap.assessment).question(gap.question_key)
    except Exception:  # noqa: BLE001 - a gap whose framework or question is gone still shows its text
        return None


# -- enrolments ----------------------------------------------------------------------------------------------------


@login_required
def enrolment_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """An enrolment: its goal, dates and status, and its milestones (add one; overdue ones highlighted)."""
    enrolment = d.enrolment_get(user=request.user, public_id=public_id)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    post = request.POST if request.method == "POST" else None
    edit = EnrolmentEditForm(
        post if posted == "edit" else None,
        initial=EnrolmentEditForm.initial_for(enrolment),
        programmes=d.programme_choices(user=request.user),
        find_programme=partial(_find_programme, request.user),
        prefix="edit",
    )
    add = MilestoneForm(post if posted == "milestone" else None, prefix="milestone")
    here = enrolment.get_absolute_url()
    if posted == "edit" and edit.is_valid():
        try:
            d.enrolment_update(actor=request.user, enrolment=enrolment, **edit.cleaned_data)
        except d.StaleEdit as exc:
            enrolment.refresh_from_db()
            edit.refuse_stale(str(exc), current=enrolment.version)
        except (InputError, PermissionDenied) as exc:
            edit.add_service_error(exc)
        else:
            messages.success(request, _("The enrolment is saved."))
            return redirect(here)
    elif posted == "milestone":
        done = form_create(
            request,
            add,
            partial(d.milestone_add, actor=request.user, enrolment=enrolment),
            success=_("The milestone is added."),
            redirect_to=lambda _m: here + "#milestones",
        )
        if done is not None:
            return done
    today = timezone.localdate()
    milestones = list(enrolment.milestones.order_by("due_on", "id"))
    for milestone in milestones:
        milestone.overdue = d.milestone_is_overdue(milestone, today)  # type: ignore[attr-defined]
    return render(
        request,
        "programmes/diligence_enrolment.html",
        {
            "enrolment": enrolment,
            "company": enrolment.company,
            "milestones": milestones,
            "edit_form": edit,
            "milestone_form": add,
            "nav": "suppliers",
        },
        status=400 if (edit.errors or add.errors) else 200,
    )


@login_required
def milestone_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change a milestone or mark it done with its evidence."""
    milestone = d.milestone_get(user=request.user, public_id=public_id)
    if not request.user.can_write:
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))
    form = MilestoneEditForm(
        request.POST if request.method == "POST" else None, initial=MilestoneEditForm.initial_for(milestone)
    )
    back = milestone.enrolment.get_absolute_url() + "#milestones"
    write = partial(d.milestone_update, actor=request.user, milestone=milestone)
    if form_write(request, form, write, success=_("The milestone is saved.")):
        return redirect(back)
    return render(
        request,
        "programmes/diligence_milestone.html",
        {"milestone": milestone, "form": form, "back": back, "nav": "suppliers"},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def milestone_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    milestone = d.milestone_get(user=request.user, public_id=public_id)
    back = milestone.enrolment.get_absolute_url() + "#milestones"
    d.milestone_delete(actor=request.user, milestone=milestone)
    messages.success(request, _("The milestone is removed."))
    return HttpResponseRedirect(back)
