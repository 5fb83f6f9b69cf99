"""Pages of child-labour cases: the list (administrators and responsible-sourcing managers) or the counts
(everyone else of the organisation), a case's page with its follow-ups, its form (new and edit), a follow-up,
and the export without identity. Thin: reads and writes through hrdd.programmes.cases."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import attachment
from hrdd.core.errors import NotFound
from hrdd.core.forms import form_create, form_write
from hrdd.core.models import active_organisation_id
from hrdd.programmes import cases as services
from hrdd.programmes.certification_forms import CaseCreateForm, CaseForm, CaseListForm, FollowUpForm
from hrdd.programmes.certification_views import company_choices, find_company, find_site
from hrdd.programmes.models import ChildLabourCase


def _organisation_id(request: HttpRequest) -> int:
    organisation_id = active_organisation_id(request.user)
    if organisation_id is None:
        raise NotFound("organisation")
    return organisation_id


@login_required
def cases_page(request: HttpRequest) -> HttpResponse:
    """The organisation's cases for the two roles that may see them; counts with small cells hidden for others."""
    organisation_id = _organisation_id(request)
    aggregates = services.case_aggregates(organisation_id)
    if not services.may_see_cases(request.user):
        return render(
            request,
            "programmes/case_aggregates.html",
            {"aggregates": aggregates},
        )
    form = CaseListForm(request.GET, choices=services.case_filter_choices(organisation_id))
    cases = services.case_list(
        user=request.user,
        status=form.value("status") or "",
        country=form.value("country") or "",
        partner=form.value("partner") or "",
        overdue=bool(form.value("overdue")),
    )
    page = form.paginate(cases)
    today = timezone.localdate()
    return render(
        request,
        "programmes/case_list.html",
        {
            "page": page,
            "rows": [(c, services.is_overdue(c, today)) for c in page.object_list],
            "list_form": form,
            "aggregates": aggregates,
            "support_labels": dict(services.support_choices()),
            "overdue_count": services.case_list(user=request.user, overdue=True).count(),
        },
    )


def _form(
    request: HttpRequest, form_class: type[CaseForm], case: ChildLabourCase | None = None, **kwargs: Any
) -> CaseForm:
    return form_class(
        request.POST if request.method == "POST" else None,
        companies=company_choices(request.user, case.company if case else None),
        support=services.support_choices(),
        find_company=partial(find_company, request.user),
        find_site=partial(find_site, request.user),
        **kwargs,
    )


@login_required
def case_create_page(request: HttpRequest) -> HttpResponse:
    if not services.may_see_cases(request.user):
        raise PermissionDenied(
            _("Only administrators and responsible-sourcing managers record child-labour cases.")
        )
    form = _form(request, CaseCreateForm, initial={"status": "identified"})

    def write(**data: Any) -> ChildLabourCase:
        data.pop("version", None)
        return services.case_create(actor=request.user, **data)

    sent = form_create(request, form, write, success=_("The case is recorded."))
    if sent is not None:
        return sent
    return render(
        request,
        "programmes/case_form.html",
        {"form": form, "case": None},
        status=400 if form.errors else 200,
    )


@login_required
def case_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One case with its identity notes, support and follow-ups: the two case roles of the owner only (404 for
    everyone else, with no hint that it exists)."""
    case = services.case_get(user=request.user, public_id=public_id)
    return _render_case(request, case)


def _render_case(
    request: HttpRequest, case: ChildLabourCase, follow_up_form: FollowUpForm | None = None, status: int = 200
) -> HttpResponse:
    support_labels = dict(services.support_choices())
    response = render(
        request,
        "programmes/case_detail.html",
        {
            "case": case,
            "support": [support_labels.get(k, k) for k in case.support],
            "follow_ups": services.case_follow_ups(case),
            "overdue": services.is_overdue(case),
            "follow_up_form": follow_up_form or FollowUpForm(initial={"on": timezone.localdate()}),
            "counted": case.status in services.COUNTED_STATUSES and case.supported_on is not None,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"  # the identity notes are not kept in a browser's or proxy's cache
    return response


@login_required
def case_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = services.case_get(user=request.user, public_id=public_id)
    form = _form(request, CaseForm, case, initial=CaseForm.initial_for(case))
    if request.method == "POST" and form.is_valid():

        def write(**data: Any) -> ChildLabourCase:
            version = data.pop("version", None)
            return services.case_update(actor=request.user, case=case, version=version, **data)

        saved = form_write(request, form, write, success=_("The case is saved."))
        if saved is not None:
            return redirect(saved)
    response = render(
        request,
        "programmes/case_form.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def case_follow_up(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    case = services.case_get(user=request.user, public_id=public_id)
    form = FollowUpForm(request.POST)

    def write(**data: Any) -> Any:
        return services.case_follow_up_add(actor=request.user, case=case, **data)

    if form_write(request, form, write, success=_("The follow-up is added.")) is not None:
        return redirect(f"{case.get_absolute_url()}#follow-ups")
    return _render_case(request, case, form, status=400)


@login_required
def case_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The cases as XLSX or CSV, without identity notes or follow-up notes (the two case roles only)."""
    if not services.may_see_cases(request.user):
        raise PermissionDenied(_("Only administrators and responsible-sourcing managers export cases."))
    if fmt not in ("csv", "xlsx"):
        raise Http404("format")
    day = timezone.localdate().isoformat()
    if fmt == "csv":
        return attachment(services.case_export_csv(user=request.user), f"child-labour-cases-{day}.csv")
    return attachment(services.case_export_xlsx(user=request.user), f"child-labour-cases-{day}.xlsx")
