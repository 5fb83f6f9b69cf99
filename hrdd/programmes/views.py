"""Pages of the programme area: the organisation's programmes, a programme's dashboard (commitment, objectives,
each KPI's latest figure, status with reasons and chart), its edit forms, a KPI's page (figures per year, the
records counted and not counted, entered values with their evidence), and the public page with its "join the
programme" form (no account). Thin: reads through hrdd.programmes.selectors, writes through
hrdd.programmes.services."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import open_stored
from hrdd.core.errors import InputError
from hrdd.core.forms import form_create, form_write
from hrdd.core.models import active_organisation_id
from hrdd.core.texts import localize
from hrdd.programmes import charts, selectors, services
from hrdd.programmes.forms import (
    JoinForm,
    KpiForm,
    KpiValueForm,
    ObjectiveForm,
    ProgrammeCreateForm,
    ProgrammeForm,
)
from hrdd.programmes.models import Kpi, Programme

PER_PAGE = 25
JOIN_SESSION_KEY = "programmes.joined"


def _writer(request: HttpRequest, programme: Programme) -> bool:
    user: Any = request.user
    return active_organisation_id(user) == programme.organisation_id and user.can_write_in(
        programme.organisation_id
    )


def _require_writer(request: HttpRequest, programme: Programme) -> None:
    if not _writer(request, programme):
        raise PermissionDenied(_("Your role may read the programme but not change it."))


def _page(request: HttpRequest, rows: Any, name: str = "page") -> Any:
    return Paginator(rows, PER_PAGE).get_page(request.GET.get(name))


# -- the list and a new programme -------------------------------------------------------------------------------


@login_required
def programme_list_page(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.programme_list(user=request.user).order_by("-start_year", "title", "id"))
    return render(request, "programmes/programme_list.html", {"page": page, "nav": "programmes"})


@login_required
def programme_create_page(request: HttpRequest) -> HttpResponse:
    """Make a programme from a template: IXM's example or the OECD five steps."""
    if not request.user.can_write:  # type: ignore[union-attr]
        raise PermissionDenied(_("Your role may read programmes but not create them."))
    year = timezone.localdate().year
    form = ProgrammeCreateForm(
        request.POST if request.method == "POST" else None,
        initial={"template_key": "ixm", "start_year": year, "end_year": max(year + 2, 2028)},
    )

    def write(**data: Any) -> Programme:
        return services.programme_create(actor=request.user, **data)  # type: ignore[arg-type]

    sent = form_create(request, form, write, success=_("The programme is created. Set its targets next."))
    if sent is not None:
        return sent
    return render(
        request,
        "programmes/programme_create.html",
        {"form": form, "nav": "programmes"},
        status=400 if form.errors else 200,
    )


# -- the dashboard ------------------------------------------------------------------------------------------------


def _dashboard_context(programme: Programme) -> dict[str, Any]:
    objectives = selectors.programme_dashboard(programme)
    for block in objectives:
        for view in block.kpis:
            view.chart = charts.chart_for(view)  # type: ignore[attr-defined]
    return {"programme": programme, "objectives": objectives}


@login_required
def programme_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    context = _dashboard_context(programme)
    context |= {
        "writer": _writer(request, programme),
        "requests": _page(request, selectors.join_requests(programme), "requests"),
        "public_url": request.build_absolute_uri(reverse("programmes:public", args=[programme.public_id])),
        "template_title": _template_title(programme.template_key),
        "nav": "programmes",
    }
    return render(request, "programmes/programme_detail.html", context)


def _template_title(key: str) -> str:
    """The title of the shipped template a programme was made from (its key when no longer shipped)."""
    if not key:
        return ""
    from hrdd.domain.programmes import ProgrammeTemplateError, get_programme_template

    try:
        return get_programme_template(key).title
    except ProgrammeTemplateError:
        return key


@login_required
def programme_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Edit the title, commitment, years and public page; each objective below has its own small form."""
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    _require_writer(request, programme)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None, initial=ProgrammeForm.initial_for(programme)
    )

    if request.method == "POST" and form.is_valid():
        try:
            saved = services.programme_update(actor=request.user, programme=programme, **form.cleaned_data)  # type: ignore[arg-type]
        except services.StaleSave as exc:
            programme.refresh_from_db()
            form.refuse_stale(str(exc), current=programme.version)
        except (InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect(saved)
    return _edit_page(request, programme, form, status=400 if form.errors else 200)


def _edit_page(
    request: HttpRequest,
    programme: Programme,
    form: ProgrammeForm,
    *,
    failed: tuple[str, ObjectiveForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    objectives = []
    for objective in programme.objectives.order_by("position", "id"):
        bound = failed[1] if failed and failed[0] == objective.key else None
        objectives.append(
            (
                objective,
                bound
                or ObjectiveForm(
                    initial={"text": objective.text, "target_year": objective.target_year},
                    auto_id=f"objective_{objective.pk}_%s",
                ),
            )
        )
    new = (
        failed[1]
        if failed and failed[0] == ""
        else ObjectiveForm(initial={"target_year": programme.end_year}, auto_id="new_objective_%s")
    )
    return render(
        request,
        "programmes/programme_edit.html",
        {
            "programme": programme,
            "form": form,
            "objectives": objectives,
            "new_objective": new,
            "nav": "programmes",
        },
        status=status,
    )


@login_required
@require_POST
def objective_edit(request: HttpRequest, public_id: uuid.UUID, key: str) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    _require_writer(request, programme)
    objective = programme.objectives.filter(key=key).first()
    if objective is None:
        raise Http404("objective")
    form = ObjectiveForm(request.POST, auto_id=f"objective_{objective.pk}_%s")

    def write(**data: Any) -> Any:
        return services.objective_update(actor=request.user, objective=objective, **data)  # type: ignore[arg-type]

    if form_write(request, form, write, success=_("The objective is saved.")) is not None:
        return redirect(reverse("programmes:edit", args=[programme.public_id]) + "#objectives")
    edit = ProgrammeForm(initial=ProgrammeForm.initial_for(programme))
    return _edit_page(request, programme, edit, failed=(key, form), status=400)


@login_required
@require_POST
def objective_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    programme = selectors.programme_get(user=request.user, public_id=public_id)
    _require_writer(request, programme)
    form = ObjectiveForm(request.POST, auto_id="new_objective_%s")

    def write(**data: Any) -> Any:
        return services.objective_add(actor=request.user, programme=programme, **data)  # type: ignore[arg-type]

    if form_write(request, form, write, success=_("The objective is added.")) is not None:
        return redirect(reverse("programmes:edit", args=[programme.public_id]) + "#objectives")
    edit = ProgrammeForm(initial=ProgrammeForm.initial_for(programme))
    return _edit_page(request, programme, edit, failed=("", form), status=400)


@login_required
@require_POST
def join_request_handle(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    join_request = selectors.join_request_get(user=request.user, public_id=public_id)
    handled = request.POST.get("handled", "1") == "1"
    services.join_request_mark_handled(actor=request.user, join_request=join_request, handled=handled)  # type: ignore[arg-type]
    messages.success(request, _("Marked handled.") if handled else _("Marked not handled."))
    return redirect(join_request.programme.get_absolute_url() + "#join-requests")


# -- a KPI -------------------------------------------------------------------------------------------------------


def _value_form(request: HttpRequest, kpi: Kpi, years: list[int], data: Any = None) -> KpiValueForm:
    return KpiValueForm(
        data,
        request.FILES if data is not None else None,
        years=years,
        percent=kpi.unit == Kpi.Unit.PERCENT,
        initial={"year": years[-1] if years else None},
        auto_id="value_%s",
    )


def _kpi_page(
    request: HttpRequest, kpi: Kpi, *, value_form: KpiValueForm | None = None, status: int = 200
) -> HttpResponse:
    view = selectors.kpi_page_view(kpi)
    view.chart = charts.chart_for(view)  # type: ignore[attr-defined]
    years = [y.year for y in view.years]
    try:
        chosen = int(request.GET.get("year") or (years[-1] if years else 0))
    except ValueError:
        chosen = years[-1] if years else 0
    if years and chosen not in years:
        chosen = years[-1]
    records, records_missing = ([], "")
    if kpi.computation and years:
        records, records_missing = selectors.kpi_records(kpi, chosen, user=request.user)
    counted = sum(1 for r in records if r.counted)
    writer = _writer(request, kpi.programme)
    if writer and not kpi.computation and value_form is None and years:
        value_form = _value_form(request, kpi, years)
    stamps = {str(y.year): y.value_record.entered_at.isoformat() for y in view.years if y.value_record}
    return render(
        request,
        "programmes/kpi_detail.html",
        {
            "kpi": kpi,
            "programme": kpi.programme,
            "view": view,
            "years_desc": list(reversed(view.years)),
            "chosen": chosen,
            "records": _page(request, records),
            "records_total": len(records),
            "records_counted": counted,
            "records_missing": records_missing,
            "writer": writer,
            "value_form": value_form,
            "stamps": stamps,
            "nav": "programmes",
        },
        status=status,
    )


@login_required
def kpi_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    kpi = selectors.kpi_get(user=request.user, public_id=public_id)
    return _kpi_page(request, kpi)


@login_required
@require_POST
def kpi_value_enter(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Enter or correct an entered KPI's value for a year, with its evidence."""
    kpi = selectors.kpi_get(user=request.user, public_id=public_id)
    _require_writer(request, kpi.programme)
    years = selectors.programme_years_so_far(kpi.programme, timezone.localdate())
    form = _value_form(request, kpi, years, request.POST)

    def write(**data: Any) -> Any:
        seen = request.POST.get(f"seen_{data.get('year')}", "")
        return services.kpi_value_enter(actor=request.user, kpi=kpi, seen=seen, **data)  # type: ignore[arg-type]

    if form_write(request, form, write, success=_("The value is saved.")) is not None:
        return redirect(kpi.get_absolute_url() + "#values")
    return _kpi_page(request, kpi, value_form=form, status=400)


@login_required
def kpi_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A KPI's name, direction, objective, baseline and targets per year."""
    kpi = selectors.kpi_get(user=request.user, public_id=public_id)
    programme = kpi.programme
    _require_writer(request, programme)
    objectives = list(programme.objectives.order_by("position", "id"))
    form = KpiForm(
        request.POST if request.method == "POST" else None,
        kpi=kpi,
        objectives=[(o.key, localize(o.text)) for o in objectives],
        initial=KpiForm.initial_for(kpi),
    )
    if request.method == "POST" and form.is_valid():
        values = form.service_values()
        key = values.pop("objective", "")
        objective = next((o for o in objectives if o.key == key), None)
        try:
            saved = services.kpi_update(actor=request.user, kpi=kpi, objective=objective, **values)  # type: ignore[arg-type]
        except services.StaleSave as exc:
            kpi.refresh_from_db()
            form.refuse_stale(str(exc), current=kpi.version)
        except (InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The KPI is saved."))
            return redirect(saved)
    return render(
        request,
        "programmes/kpi_edit.html",
        {"kpi": kpi, "programme": programme, "form": form, "nav": "programmes"},
        status=400 if form.errors else 200,
    )


@login_required
def kpi_value_document(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    from hrdd.programmes.models import KpiValue

    value = (
        KpiValue.objects.select_related("kpi").filter(public_id=public_id).visible_to(request.user).first()
    )
    if value is None or not value.document:
        raise Http404("document")
    return FileResponse(
        open_stored(value.document, value.document_name), as_attachment=True, filename=value.document_name
    )


# -- the public page (no account) ---------------------------------------------------------------------------------


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def public_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A programme's public page: the commitment, objectives and the KPIs' figures and charts, and the form to join
    the programme. Never a list of records."""
    programme = selectors.public_programme_get(public_id=public_id)
    form = JoinForm(request.POST if request.method == "POST" else None, auto_id="join_%s")
    limited = False
    if request.method == "POST" and form.is_valid():
        try:
            services.join_request_submit(
                programme=programme, client_address=_client(request), **form.cleaned_data
            )
        except services.JoinRateLimited as exc:
            form.add_error(None, str(exc))
            limited = True
        except InputError as exc:
            form.add_service_error(exc)
        else:
            request.session[JOIN_SESSION_KEY] = str(programme.public_id)
            return redirect("programmes:public_thanks", public_id=programme.public_id)
    context = _dashboard_context(programme) | {"form": form}
    response = render(
        request, "programmes/public_programme.html", context, status=400 if form.errors else 200
    )
    if limited:
        response.status_code = 429
        response["Retry-After"] = "3600"
    return response


def public_thanks_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    programme = selectors.public_programme_get(public_id=public_id)
    return render(request, "programmes/public_thanks.html", {"programme": programme})
