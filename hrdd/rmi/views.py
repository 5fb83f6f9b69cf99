"""Pages for smelter lists: the smelters in the supply chain (the seed's question: which refiners of a metal,
through which suppliers, which are RMAP-conformant), campaigns and their suppliers' files with the problems found,
the facility list import, and the supplier's upload page reached by a secret link (no account). The buyer sees a
request's link once, when the request is added or its link re-issued (hrdd.core.linktokens); a closed link answers
410 (hrdd.core.throttle.SupplierLinkMiddleware)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import attachment
from hrdd.core.errors import InputError, NotFound
from hrdd.core.forms import form_write
from hrdd.core.links import absolute_url
from hrdd.core.linktokens import LinkClosed, reissued_message
from hrdd.core.views import task_run_context, task_run_fragment
from hrdd.rmi import exports, links, selectors, services
from hrdd.rmi.forms import CampaignForm, FacilityListForm, RequestForm, SmelterFilterForm, UploadForm
from hrdd.rmi.models import SupplierRequest, Upload
from hrdd.rmi.tasks import upload_start

PAGE_SIZE = 100


def _filters(request: HttpRequest) -> tuple[SmelterFilterForm, dict[str, Any]]:
    form = SmelterFilterForm(request.GET, metals=selectors.metals_known(user=request.user))
    values = form.cleaned_data if form.is_valid() else {}
    return form, {
        "metal": values.get("metal", ""),
        "rmap": values.get("rmap", ""),
        "cahra": bool(values.get("cahra")),
        "query": values.get("q", ""),
    }


@login_required
def smelters_page(request: HttpRequest) -> HttpResponse:
    """The smelters and refiners of the supply chain, per metal, with their suppliers and RMAP standing."""
    form, filters = _filters(request)
    smelters = selectors.smelter_list(user=request.user, **filters)
    page = Paginator(smelters, PAGE_SIZE).get_page(request.GET.get("page"))
    summaries = selectors.metal_summaries(user=request.user)
    if filters["metal"]:
        summaries = [s for s in summaries if s.metal.lower() == filters["metal"].lower()]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rmi/smelters.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "summaries": summaries,
            "facility_list": selectors.facility_list_current(user=request.user),
            "facility_form": FacilityListForm(),
            "query": query.urlencode(),
        },
    )


@login_required
def smelters_export(request: HttpRequest) -> HttpResponse:
    _form, filters = _filters(request)
    smelters = selectors.smelter_list(user=request.user, **filters)
    suffix = f"-{filters['metal'].lower()}" if filters["metal"] else ""
    return attachment(
        exports.smelters_xlsx(smelters), f"smelters{suffix}.xlsx", content_type=exports.XLSX_TYPE
    )


@login_required
def smelter_list_export(request: HttpRequest) -> HttpResponse:
    template = request.GET.get("template", "CMRT").upper()
    if template not in services.TEMPLATES:
        raise Http404("unknown template")
    _form, filters = _filters(request)
    smelters = selectors.smelter_list(user=request.user, **filters)
    key, content = exports.smelter_list_workbook(smelters, template=template)
    return attachment(content, f"smelter-list-{key.replace(' ', '-')}.xlsx", content_type=exports.XLSX_TYPE)


@login_required
@require_POST
def facility_list_import(request: HttpRequest) -> HttpResponse:
    form = FacilityListForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = services.facility_list_import(
                actor=request.user, filename=upload.name, content=upload.read(services.max_upload_bytes() + 1)
            )
        except (InputError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Facility list %(file)s imported: %(rows)d facilities.")
                % {"file": imported.filename, "rows": imported.rows},
            )
    else:
        messages.error(request, _("Choose the facility list file to import."))
    return redirect("rmi:smelters")


@login_required
@require_POST
def consolidation_refresh(request: HttpRequest) -> HttpResponse:
    try:
        count = services.consolidation_refresh(actor=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Consolidated again: %d smelters.") % count)
    return redirect("rmi:smelters")


# campaigns


@login_required
def campaigns_page(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        campaign = form_write(
            request,
            form,
            lambda **data: services.campaign_create(actor=request.user, **data),
            success=_("Campaign created."),
        )
        if campaign is not None:
            return redirect(campaign)
    return render(
        request, "rmi/campaigns.html", {"form": form, "campaigns": selectors.campaign_list(user=request.user)}
    )


def _contract_choices(user: Any) -> list[tuple[str, str]]:
    from hrdd.contracts.selectors import contract_list

    return [
        (str(c.public_id), f"{c.title} — {c.supplier_name}")
        for c in contract_list(user=user).select_related("supplier")[:500]
    ]


def _campaign(request: HttpRequest, public_id: Any) -> Any:
    try:
        return selectors.campaign_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404("campaign") from exc


@login_required
def campaign_page(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = _campaign(request, public_id)
    form = RequestForm(
        request.POST or None,
        contracts=_contract_choices(request.user),
        invitations=selectors.invitation_choices(user=request.user),
    )

    def add(
        *, supplier_name: str, email: str, contract: str, send: bool, invitation: str = ""
    ) -> SupplierRequest:
        found = None
        if contract:
            from hrdd.contracts.selectors import contract_get

            try:
                found = contract_get(user=request.user, public_id=contract)
            except NotFound as exc:
                raise InputError(_("Unknown contract."), field="contract") from exc
        invited = None
        if invitation:
            try:
                invited = selectors.invitation_get(user=request.user, pk=invitation)
            except NotFound as exc:
                raise InputError(_("Unknown consultation invitation."), field="invitation") from exc
        return services.request_add(
            actor=request.user,
            campaign=campaign,
            supplier_name=supplier_name,
            email=email,
            contract=found,
            invitation=invited,
            send=send,
        )

    if request.method == "POST":
        added = form_write(request, form, add, success=_("Supplier added."))
        if added is not None:
            # the supplier's link is shown this once (hrdd.core.linktokens); a new one is issued from the request
            messages.info(
                request,
                _("Send the supplier its link (no account needed; shown only now): %(link)s")
                % {"link": absolute_url(added.get_supplier_url())},
            )
            return redirect(campaign)
    requests = list(selectors.campaign_requests(campaign))
    return render(
        request,
        "rmi/campaign.html",
        {"campaign": campaign, "requests": requests, "form": form},
    )


@login_required
@require_POST
def campaign_close(request: HttpRequest, public_id: str) -> HttpResponse:
    campaign = _campaign(request, public_id)
    try:
        services.campaign_close(actor=request.user, campaign=campaign)
    except (InputError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Campaign closed: the suppliers' links take no more files. What was received stays.")
        )
    return redirect(campaign)


def _request(request: HttpRequest, public_id: Any) -> SupplierRequest:
    try:
        return selectors.request_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404("supplier request") from exc


@login_required
def request_page(request: HttpRequest, public_id: str) -> HttpResponse:
    supplier_request = _request(request, public_id)
    upload = supplier_request.current_upload
    uploads = list(selectors.request_uploads(supplier_request))
    reading = next((u for u in uploads if u.status == "reading"), None)
    run_context = None
    if reading is not None and reading.task_run is not None:
        run_context = task_run_context(
            reading.task_run, progress_url=reverse("tasks:progress", args=[reading.task_run.public_id])
        )
    return render(
        request,
        "rmi/request.html",
        {
            "req": supplier_request,
            "upload": upload,
            "uploads": uploads,
            **(run_context or {}),
            "reading": reading,
        },
    )


@login_required
@require_POST
def request_send(request: HttpRequest, public_id: str, what: str) -> HttpResponse:
    supplier_request = _request(request, public_id)
    try:
        if what == "problems":
            services.problems_send(actor=request.user, request=supplier_request)
            messages.success(
                request, _("The problems were e-mailed to %s with the upload link.") % supplier_request.email
            )
        else:
            services.request_send_link(actor=request.user, request=supplier_request)
            messages.success(request, _("The upload link was e-mailed to %s.") % supplier_request.email)
    except (InputError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect(supplier_request)


@login_required
@require_POST
def request_link_reissue(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new link for the supplier (the old one stops working), e-mailed to them and shown once in the message.
    Writers of the owner only (a viewer gets 403)."""
    supplier_request = _request(request, public_id)
    try:
        fresh = links.request_link_reissue(actor=request.user, request=supplier_request)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, reissued_message(email=fresh.email, link=absolute_url(fresh.get_supplier_url()))
        )
    return redirect(supplier_request)


@login_required
@require_POST
def request_link_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """Stop the supplier's link at once (writers of the owner only: a viewer gets 403)."""
    supplier_request = _request(request, public_id)
    try:
        links.request_link_revoke(actor=request.user, request=supplier_request)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The supplier's link no longer works. Issue a new one when they need it again.")
        )
    return redirect(supplier_request)


@login_required
def upload_download(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        upload = selectors.upload_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404("upload") from exc
    if upload.status == Upload.Status.FROM_PROFILE:
        return HttpResponse(
            _("Shared from the supplier's profile: there is no workbook to download."),
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    return attachment(bytes(upload.content), upload.filename, content_type=exports.XLSX_TYPE)


# the supplier's page (secret link, no account)


def _by_link(token: str) -> list[SupplierRequest]:
    try:
        return selectors.requests_by_link(token=token)
    except LinkClosed:
        raise  # answered 410 with whom to ask (hrdd.core.throttle.SupplierLinkMiddleware)
    except NotFound as exc:
        raise Http404("link") from exc


def supplier_page(request: HttpRequest, token: str) -> HttpResponse:
    found = _by_link(token)
    forms = {r.pk: UploadForm(prefix=f"r{r.pk}") for r in found}
    if request.method == "POST":
        target = next((r for r in found if str(r.public_id) == request.POST.get("request")), None)
        if target is None:
            raise Http404("request")
        form = UploadForm(request.POST, request.FILES, prefix=f"r{target.pk}")
        forms[target.pk] = form
        if form.is_valid():
            file = form.cleaned_data["file"]
            try:
                upload_start(
                    request=target, filename=file.name, content=file.read(services.max_upload_bytes() + 1)
                )
            except InputError as exc:
                form.add_service_error(exc)
            else:
                messages.success(
                    request,
                    _("Thank you: %s is being read. This page shows the result in a moment.") % file.name,
                )
                return redirect("rmi:supplier", token=token)
    items = []
    for r in found:
        upload = r.uploads.defer("content", "reading").select_related("task_run").first()
        run = upload.task_run if upload is not None and upload.status == "reading" else None
        items.append(
            {
                "req": r,
                "upload": upload,
                "form": forms[r.pk],
                "closed": services.closed_text(r.campaign) if r.campaign.closed_at else "",
                **(
                    {
                        "run_context": task_run_context(
                            run,
                            progress_url=reverse("rmi:supplier_task", args=[token, run.public_id]),
                            result_url=reverse("rmi:supplier", args=[token]),
                        )
                    }
                    if run is not None
                    else {}
                ),
            }
        )
    response = render(
        request, "rmi/supplier.html", {"items": items, "organisation": found[0].campaign.organisation}
    )
    # the secret link never leaves the site, nor stays in a cache (SupplierLinkMiddleware says so too)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response


def supplier_task(request: HttpRequest, token: str, run_id: str) -> HttpResponse:
    found = _by_link(token)
    for r in found:
        upload = r.uploads.select_related("task_run").filter(task_run__public_id=run_id).first()
        if upload is not None and upload.task_run is not None:
            context = task_run_context(
                upload.task_run,
                progress_url=reverse("rmi:supplier_task", args=[token, run_id]),
                result_url=reverse("rmi:supplier", args=[token]),
            )
            return task_run_fragment(request, context)
    raise Http404("task")
