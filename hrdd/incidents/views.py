"""Pages of incidents, grievances and remedy: the register, an incident with its exposure and remediation plan,
its record and status forms, the organisation's grievance channels and exposure sharing, the public grievance
form and receipt page (no account), the supplier's progress on a step through its contract link, and the
notices' mark-as-read. Thin: reads through hrdd.incidents.selectors, writes through hrdd.incidents.services."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import open_stored
from hrdd.core.errors import InputError, NotFound
from hrdd.core.forms import form_create, form_write
from hrdd.core.links import absolute_url
from hrdd.core.models import active_organisation_id
from hrdd.domain.incidents import severity_reasons_said
from hrdd.incidents import selectors, services
from hrdd.incidents.forms import (
    ChannelForm,
    GrievanceForm,
    IncidentCreateForm,
    IncidentEditForm,
    IncidentForm,
    IncidentListForm,
    ProgressForm,
    ReceiptForm,
    StepEditForm,
    StepForm,
    TransitionForm,
    VerifyForm,
)
from hrdd.incidents.models import GrievanceChannel, Incident, Notice, RemediationStep, StepProgress

GROUP_CHOICES = 1000
COMPANY_CHOICES = 500
RECEIPT_SESSION_KEY = "incidents.receipt"
STEP_STALE = _(
    "Someone changed this step after you opened it (a colleague, or the supplier reporting progress), so nothing "
    "was saved. Its saved version is shown below the form, your typing is kept: check it and save again."
)
STALE = _(
    "Someone else changed this incident after you opened it, so nothing was saved. The form now shows their "
    "version with your typing kept: check it and save again."
)


# -- the register ------------------------------------------------------------------------------------------------


@login_required
def register_page(request: HttpRequest) -> HttpResponse:
    """The incidents the user's organisation may see, filtered, one page at a time."""
    form = IncidentListForm(request.GET, choices=selectors.incident_filter_choices(user=request.user))
    incidents = selectors.incident_list(
        user=request.user,
        query=form.value("q") or "",
        status=form.value("status") or "",
        category=form.value("category") or "",
        country=form.value("country") or "",
        group=form.value("group") or None,
        exposure=form.value("exposure") or "",
        channel=form.value("channel") or None,
    )
    page = form.paginate(incidents)
    return render(
        request,
        "incidents/register.html",
        {
            "page": page,
            "list_form": form,
            "organisation_id": active_organisation_id(request.user),
            "sharing": selectors.is_sharing(active_organisation_id(request.user)),
        },
    )


# -- one incident ------------------------------------------------------------------------------------------------


def _find_site(user: Any, public_id: uuid.UUID) -> Any:
    from hrdd.supplier_sites.selectors import site_get

    try:
        return site_get(user=user, public_id=public_id)
    except NotFound:
        return None


def _find_group(user: Any, public_id: str) -> Any:
    from hrdd.supplier_sites.selectors import group_get

    return group_get(user=user, public_id=public_id)


def _find_company(user: Any, public_id: str) -> Any:
    from hrdd.companies.selectors import company_get

    return company_get(user=user, public_id=public_id)


def _incident_form(
    request: HttpRequest, form_class: type[IncidentForm], incident: Incident | None = None, **kwargs: Any
) -> IncidentForm:
    from hrdd.companies.selectors import company_list
    from hrdd.supplier_sites.selectors import group_list

    groups = [(str(g.public_id), g.name) for g in group_list()[:GROUP_CHOICES]]
    companies = [
        (str(c.public_id), c.legal_name)
        for c in company_list(user=request.user).order_by("legal_name")[:COMPANY_CHOICES]
    ]
    if incident is not None:
        kwargs.setdefault("initial", form_class.initial_for(incident))
        if incident.group_id and all(k != str(incident.group.public_id) for k, _n in groups):
            groups.append((str(incident.group.public_id), incident.group.name))
        if incident.company_id and all(k != str(incident.company.public_id) for k, _n in companies):
            companies.append((str(incident.company.public_id), incident.company.legal_name))
    else:
        kwargs.setdefault("initial", {"source": "", "confidentiality": "owner_only"})
    return form_class(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        groups=groups,
        companies=companies,
        find_site=partial(_find_site, request.user),
        find_group=partial(_find_group, request.user),
        find_company=partial(_find_company, request.user),
        **kwargs,
    )


def _values(data: dict[str, Any]) -> dict[str, Any]:
    """A bound incident form's cleaned data as the services name it."""
    values = {k: v for k, v in data.items() if k not in ("seen", "document")}
    document = data.get("document")
    return values | ({"document": document} if document else {})


@login_required
def incident_create_page(request: HttpRequest) -> HttpResponse:
    """Record an incident: an allegation or finding from a monitoring report, the media, an audit..."""
    if not request.user.can_write:
        raise PermissionDenied(_("Your role may read incidents but not record them."))
    form = _incident_form(request, IncidentCreateForm)

    def write(**data: Any) -> Incident:
        return services.incident_create(actor=request.user, **_values(data))

    sent = form_create(request, form, write, success=_("The incident is recorded."))
    if sent is not None:
        return sent
    return render(
        request, "incidents/edit.html", {"form": form, "incident": None}, status=400 if form.errors else 200
    )


@login_required
def incident_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct an incident's record (its status moves on the incident's page). A save over a newer version is
    refused: the form keeps the typing and shows the other person's version underneath."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    if not selectors.may_edit(request.user, incident):
        raise PermissionDenied(
            _("Only writers of the organisation that recorded the incident may change it.")
        )
    form = _incident_form(request, IncidentEditForm, incident, version=incident.version)
    if request.method == "POST" and form.is_valid():
        seen = str(form.cleaned_data.get("seen") or "")
        if seen and seen != incident.updated_at.isoformat():
            form.add_error(None, STALE)
            form.data = form.data.copy()
            form.data["seen"] = incident.updated_at.isoformat()
        else:

            def write(**data: Any) -> Incident:
                return services.incident_update(actor=request.user, incident=incident, **_values(data))

            saved = form_write(request, form, write, success=_("The incident is saved."))
            if saved is not None:
                return redirect(saved)
    return render(
        request,
        "incidents/edit.html",
        {"form": form, "incident": incident},
        status=400 if form.errors else 200,
    )


def _contract_choices(exposure: Any) -> list[tuple[str, str]]:
    return [(str(c.public_id), f"{c.title} — {c.supplier.legal_name}") for c in exposure.contracts]


def _find_contract(user: Any, public_id: str) -> Any:
    from hrdd.contracts.selectors import contract_get

    try:
        return contract_get(user=user, public_id=public_id)
    except NotFound as exc:
        raise InputError(_("no such contract"), field="contract") from exc


def _render_incident(
    request: HttpRequest,
    incident: Incident,
    *,
    transition_form: TransitionForm | None = None,
    step_form: StepForm | None = None,
    failed_step: tuple[int, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    exposure = selectors.incident_exposure(user=user, incident=incident)
    steps = selectors.plan_steps(incident)
    organisation_id = active_organisation_id(user)
    writer = user.can_write_in(organisation_id)
    owner = selectors.reporter_visible(user, incident)
    may_edit = selectors.may_edit(user, incident)
    allowed = [(s, str(Incident.Status(s).label)) for s in incident.allowed_statuses]
    if may_edit and transition_form is None and allowed:
        transition_form = TransitionForm(allowed=allowed, auto_id="status_%s")
    if writer and step_form is None:
        step_form = StepForm(contracts=_contract_choices(exposure), find_contract=None)
    rows = []
    for step in steps:
        mine = writer and step.organisation_id == organisation_id
        progress_form = verify_form = None
        if failed_step and failed_step[0] == step.pk:
            progress_form = failed_step[1] if isinstance(failed_step[1], ProgressForm) else None
            verify_form = failed_step[1] if isinstance(failed_step[1], VerifyForm) else None
        rows.append(
            {
                "step": step,
                "mine": mine,
                "overdue": step.verified_on is None and step.deadline < timezone.localdate(),
                "progress": list(step.progress.all()),
                "progress_form": progress_form or ProgressForm(auto_id=f"progress_{step.pk}_%s"),
                "verify_form": verify_form or VerifyForm(auto_id=f"verify_{step.pk}_%s"),
            }
        )
    return render(
        request,
        "incidents/incident.html",
        {
            "incident": incident,
            "exposure": exposure,
            "steps": rows,
            "history": selectors.status_history(incident),
            "owner": owner,
            "may_edit": may_edit,
            "writer": writer,
            "allowed": allowed,
            "transition_form": transition_form,
            "step_form": step_form,
            "severity_reasons": _severity_reasons(incident),
        },
        status=status,
    )


def _severity_reasons(incident: Incident) -> tuple[str, ...]:
    """The stored severity reasons, each as the Text that wrote it, so that the page says them in its language."""
    if None in (incident.scale, incident.scope, incident.irremediability):
        return tuple(incident.severity_reasons or ())
    return severity_reasons_said(
        incident.severity_reasons or (),
        scale=incident.scale,  # type: ignore[arg-type]
        scope=incident.scope,  # type: ignore[arg-type]
        irremediability=incident.irremediability,  # type: ignore[arg-type]
    )


@login_required
def incident_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    return _render_incident(request, incident)


@login_required
@require_POST
def incident_transition(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Move the incident's status along its workflow, with a note for the file and one for the reporter."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    if not selectors.may_edit(request.user, incident):
        raise PermissionDenied(
            _("Only writers of the organisation that recorded the incident may change it.")
        )
    allowed = [(s, str(Incident.Status(s).label)) for s in incident.allowed_statuses]
    form = TransitionForm(request.POST, allowed=allowed, auto_id="status_%s")

    def write(**data: Any) -> Incident:
        return services.incident_transition(actor=request.user, incident=incident, **data)

    moved = form_write(request, form, write, success=_("The status is changed."))
    if moved is not None:
        return redirect(moved)
    return _render_incident(request, incident, transition_form=form, status=400)


@login_required
def incident_document(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The incident's document, for the organisation that recorded it (a grievance's file may name its author)."""
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    if not selectors.reporter_visible(request.user, incident) or not incident.document:
        raise Http404("document")
    return FileResponse(
        open_stored(incident.document, incident.document_name),
        as_attachment=True,
        filename=incident.document_name,
    )


# -- the remediation plan ----------------------------------------------------------------------------------------


@login_required
@require_POST
def step_add(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    incident = selectors.incident_get(user=request.user, public_id=public_id)
    exposure = selectors.incident_exposure(user=request.user, incident=incident)
    form = StepForm(
        request.POST,
        contracts=_contract_choices(exposure),
        find_contract=partial(_find_contract, request.user),
    )

    def write(**data: Any) -> RemediationStep:
        return services.step_add(actor=request.user, incident=incident, **data)

    if form_write(request, form, write, success=_("The step is added to the plan.")) is not None:
        return redirect(reverse("incidents:detail", args=[incident.public_id]) + "#plan")
    return _render_incident(request, incident, step_form=form, status=400)


def _step(request: HttpRequest, step_id: uuid.UUID) -> RemediationStep:
    return selectors.step_get(user=request.user, public_id=step_id)


@login_required
@require_POST
def step_progress(request: HttpRequest, step_id: uuid.UUID) -> HttpResponse:
    """A buyer records progress on one of its steps (evidence received by e-mail, a visit)."""
    step = _step(request, step_id)
    form = ProgressForm(request.POST, request.FILES, auto_id=f"progress_{step.pk}_%s")

    def write(text: str, upload: Any) -> Any:
        return services.step_progress_add(actor=request.user, step=step, text=text, upload=upload)

    if form_write(request, form, write, success=_("The progress is recorded.")) is not None:
        return redirect(step.get_absolute_url())
    return _render_incident(request, step.incident, failed_step=(step.pk, form), status=400)


@login_required
@require_POST
def step_verify(request: HttpRequest, step_id: uuid.UUID) -> HttpResponse:
    """Record that a step's evidence was checked."""
    step = _step(request, step_id)
    form = VerifyForm(request.POST, auto_id=f"verify_{step.pk}_%s")

    def write(note: str) -> Any:
        return services.step_verify(actor=request.user, step=step, note=note)

    if form_write(request, form, write, success=_("The step is verified.")) is not None:
        return redirect(step.get_absolute_url())
    return _render_incident(request, step.incident, failed_step=(step.pk, form), status=400)


@login_required
def step_edit_page(request: HttpRequest, step_id: uuid.UUID) -> HttpResponse:
    """Correct a step of the plan: what, who, by when, the evidence to deliver, the contract. A save over a newer
    version is refused with the typing kept and the saved version shown."""
    step = _step(request, step_id)
    organisation_id = active_organisation_id(request.user)
    if step.organisation_id != organisation_id or not request.user.can_write_in(organisation_id):
        raise PermissionDenied(_("Only writers of the organisation that set the step may change it."))
    back = step.get_absolute_url()
    if step.verified_on is not None:
        messages.info(request, _("This step is verified: it stays as it was checked."))
        return redirect(back)
    contracts = _contract_choices(selectors.incident_exposure(user=request.user, incident=step.incident))
    if step.contract_id and all(k != str(step.contract.public_id) for k, _n in contracts):
        contracts.append((str(step.contract.public_id), step.contract.title))
    form = StepEditForm(
        request.POST if request.method == "POST" else None,
        initial=StepEditForm.initial_for(step),
        contracts=contracts,
        find_contract=partial(_find_contract, request.user),
        version=step.version,
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        seen = str(form.cleaned_data.get("seen") or "")
        if seen and seen != step.updated_at.isoformat():
            stale = True
            form.add_error(None, STEP_STALE)
            form.data = form.data.copy()
            form.data["seen"] = step.updated_at.isoformat()
        else:

            def write(**data: Any) -> RemediationStep:
                data.pop("seen", None)
                return services.step_update(actor=request.user, step=step, **data)

            if form_write(request, form, write, success=_("The step is saved.")) is not None:
                return redirect(back)
    return render(
        request,
        "incidents/step_edit.html",
        {"step": step, "form": form, "stale": stale, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def step_delete(request: HttpRequest, step_id: uuid.UUID) -> HttpResponse:
    step = _step(request, step_id)
    incident = step.incident
    try:
        services.step_delete(actor=request.user, step=step)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The step is removed."))
    return redirect(reverse("incidents:detail", args=[incident.public_id]) + "#plan")


@login_required
def progress_file(request: HttpRequest, progress_id: int) -> FileResponse:
    """An evidence file reported on a step, for the organisation that set the step."""
    progress = StepProgress.objects.select_related("step", "step__incident").filter(pk=progress_id).first()
    if progress is None or not progress.file:
        raise Http404("file")
    step = selectors.step_get(user=request.user, public_id=progress.step.public_id)
    if step.organisation_id != active_organisation_id(request.user):
        raise Http404("file")
    return FileResponse(
        open_stored(progress.file, progress.filename), as_attachment=True, filename=progress.filename
    )


# -- channels and sharing ----------------------------------------------------------------------------------------


def _render_settings(request: HttpRequest, form: ChannelForm | None = None) -> HttpResponse:
    # a channel's secret link is not shown here: only once, in the message after it was issued (hrdd.core.linktokens)
    channels = list(selectors.grievance_channel_list(user=request.user))
    for channel in channels:
        channel.public_url = absolute_url(channel.get_absolute_url())  # type: ignore[attr-defined]
    response = render(
        request,
        "incidents/settings.html",
        {
            "channels": channels,
            "form": form or ChannelForm(),
            "sharing": selectors.is_sharing(active_organisation_id(request.user)),
            "receipt_url": absolute_url(reverse("incidents:receipt")),
        },
        status=400 if form is not None and form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the message that shows a new secret link is drawn on this page
    return response


def _show_secret_link_once(request: HttpRequest, channel: GrievanceChannel) -> None:
    """Show the writer who just issued a channel's secret link that link, this once."""
    messages.info(
        request,
        _("The secret link of “%(title)s” (shown only now; give it to one partner only): %(link)s")
        % {"title": channel.title, "link": absolute_url(channel.get_secret_url())},
    )


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The organisation's grievance channels (open one; close, reopen or renew its secret link) and whether it
    shares its exposure with the other organisations of the installation."""
    if request.method != "POST":
        return _render_settings(request)
    form = ChannelForm(request.POST)

    def write(**data: Any) -> GrievanceChannel:
        return services.grievance_channel_create(actor=request.user, **data)

    channel = form_write(request, form, write, success=_("The grievance form is open."))
    if channel is not None:
        _show_secret_link_once(request, channel)
        return redirect("incidents:settings")
    return _render_settings(request, form)


@login_required
@require_POST
def channel_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    channel = GrievanceChannel.objects.get_visible(request.user, public_id=public_id)
    action = request.POST.get("action", "")
    changes: dict[str, Any] = {
        "close": {"is_open": False},
        "reopen": {"is_open": True},
        "new_link": {"new_link": True},
    }.get(action, {})
    if not changes:
        raise Http404("no such action")
    channel = services.grievance_channel_update(actor=request.user, channel=channel, **changes)
    messages.success(
        request,
        {
            "close": _("The form is closed: its addresses answer “not found”."),
            "reopen": _("The form is open again."),
            "new_link": _("The secret link is renewed; the old one no longer works."),
        }[action],
    )
    if action == "new_link":
        _show_secret_link_once(request, channel)
    return redirect(reverse("incidents:settings") + f"#channel-{channel.public_id}")


@login_required
@require_POST
def sharing_set(request: HttpRequest) -> HttpResponse:
    """An administrator opts the organisation into sharing its exposure, or out of it."""
    share = request.POST.get("share") == "yes"
    services.exposure_sharing_set(actor=request.user, share=share)
    messages.success(
        request,
        _("Your organisation now shares its exposure.")
        if share
        else _("Your organisation no longer shares its exposure."),
    )
    return redirect(reverse("incidents:settings") + "#sharing")


# -- notices -----------------------------------------------------------------------------------------------------


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=False):
        return target
    return default


@login_required
@require_POST
def notice_read(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    notice = Notice.objects.filter(public_id=public_id, user=request.user).first()
    if notice is None:
        raise Http404("notice")
    services.notice_mark_read(user=request.user, notice=notice)
    return redirect(_next(request, reverse("home")))


@login_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    services.notices_mark_all_read(user=request.user)
    return redirect(_next(request, reverse("home")))


# -- the public grievance form and receipt page (no account) -----------------------------------------------------


def _client(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _reporter_language(request: HttpRequest) -> str:
    """The language the reporter asked for (?lang= or the form's), else the one their browser prefers."""
    asked = str(request.POST.get("language") or request.GET.get("lang") or "").strip()[:20]
    return asked or getattr(request, "LANGUAGE_CODE", "") or settings.LANGUAGE_CODE


def _rate_limited(response: HttpResponse) -> HttpResponse:
    """A use over the intake's limits: HTTP 429, the page drawn again with what was typed and the reason."""
    response.status_code = 429
    response["Retry-After"] = "3600"
    return response


def grievance_page(request: HttpRequest, key: str) -> HttpResponse:
    """The public grievance form of one organisation, by its address or its secret link: no account, in the
    reporter's language, never cached; sent, it redirects to the page that shows the receipt code once."""
    channel = selectors.grievance_channel_by_key(key)
    language = _reporter_language(request)
    limited = False
    page_language = language if language in {c for c, _n in settings.LANGUAGES} else None
    with translation.override(page_language or translation.get_language()):
        if request.method == "POST":
            form = GrievanceForm(request.POST, request.FILES)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    services.check_honeypot(data.get("website"))
                    services.check_fill_time(data.get("stamp") or "")
                    receipt = services.grievance_submit(
                        channel=channel,
                        client_address=_client(request),
                        language=data.get("language") or language,
                        description=data["description"],
                        site_text=data.get("site_text") or "",
                        country=data.get("country") or "",
                        occurred_on=data.get("occurred_on"),
                        category=data.get("category") or "",
                        reporter_name=data.get("reporter_name") or "",
                        reporter_contact=data.get("reporter_contact") or "",
                        document=data.get("document"),
                    )
                except services.RateLimited as exc:
                    form.add_error(None, str(exc))
                    limited = True
                except InputError as exc:
                    form.add_service_error(exc)
                else:
                    request.session[RECEIPT_SESSION_KEY] = receipt.code
                    return redirect("incidents:grievance_sent", key=key)
            form.data = form.data.copy()
            form.data["stamp"] = services.intake_form_stamp()  # a fresh stamp: the next send is judged anew
        else:
            form = GrievanceForm(initial={"stamp": services.intake_form_stamp(), "language": language})
        response = render(
            request,
            "incidents/grievance.html",
            {"channel": channel, "form": form, "key": key},
            status=400 if form.errors else 200,
        )
        response["Cache-Control"] = "no-store"  # also set for every link page by hrdd.core.throttle
        return _rate_limited(response) if limited else response


def grievance_sent_page(request: HttpRequest, key: str) -> HttpResponse:
    """The receipt code of the grievance just sent, shown once (it is not stored, only its hash)."""
    channel = selectors.grievance_channel_by_key(key)
    code = request.session.pop(RECEIPT_SESSION_KEY, None)
    response = render(
        request,
        "incidents/grievance_sent.html",
        {"channel": channel, "code": code, "receipt_url": reverse("incidents:receipt")},
    )
    response["Cache-Control"] = "no-store"
    return response


def receipt_page(request: HttpRequest) -> HttpResponse:
    """A reporter types their receipt code and reads the status of their report: dates, statuses and the notes
    written for them, nothing about who handles it or who they are."""
    found = None
    status = 200
    limited = False
    if request.method == "POST":
        form = ReceiptForm(request.POST)
        if form.is_valid():
            try:
                found = services.receipt_check(
                    code=form.cleaned_data["code"], client_address=_client(request)
                )
            except services.RateLimited as exc:
                form.add_error(None, str(exc))
                limited = True
            except NotFound:
                form.add_error(
                    "code", _("No report has this code. Check it letter by letter (dashes do not matter).")
                )
                status = 404
        else:
            status = 400
    else:
        form = ReceiptForm()
    response = render(request, "incidents/receipt.html", {"form": form, "found": found}, status=status)
    response["Cache-Control"] = "no-store"
    return _rate_limited(response) if limited else response


# -- the supplier's progress through its contract link -----------------------------------------------------------


def supplier_progress(request: HttpRequest, token: str, step_id: uuid.UUID) -> HttpResponse:
    """The supplier reports progress on a step tied to its contract, through the contract's secret link."""
    from hrdd.contracts.selectors import contract_get_by_token

    contract = contract_get_by_token(token=token)
    step = next((s for s in selectors.steps_for_supplier(contract=contract) if s.public_id == step_id), None)
    if step is None:
        raise Http404("step")
    back = reverse("contracts:supplier", args=[token]) + f"#step-{step.public_id}"
    if request.method != "POST":
        return redirect(back)
    form = ProgressForm(request.POST, request.FILES, auto_id=f"progress_{step.pk}_%s")
    if form.is_valid():
        try:
            services.step_progress_report(
                contract=contract,
                step=step,
                text=form.cleaned_data["text"],
                upload=form.cleaned_data.get("upload"),
            )
        except InputError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Thank you: your progress is sent to %s.") % contract.organisation)
            return redirect(back)
    return render(
        request,
        "incidents/supplier_step.html",
        {"contract": contract, "step": step, "form": form, "back": back, "token": token},
        status=400,
    )
