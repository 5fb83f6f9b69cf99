"""Pages for contract management: thin; they parse, call a service or selector, and render."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.contracts import calendars, charts, selectors, services
from hrdd.contracts.models import Obligation
from hrdd.domain.tender import TenderInputError
from hrdd.tenders.forms import int_from_post
from hrdd.tenders.selectors import tender_get, tender_list


def _date(data, name: str, *, required: bool = True) -> dt.date | None:  # type: ignore[no-untyped-def]
    raw = (data.get(name) or "").strip()
    if not raw:
        if required:
            raise TenderInputError(_("a date is required"), field=name)
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise TenderInputError(_("%r is not a date (YYYY-MM-DD)") % raw, field=name) from exc


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    status = 200
    if request.method == "POST":
        try:
            tender = (
                tender_get(user=request.user, public_id=request.POST["tender"])
                if request.POST.get("tender")
                else None
            )
            contract = services.contract_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                supplier_name=request.POST.get("supplier_name", ""),
                supplier_email=request.POST.get("supplier_email", ""),
                award_date=_date(request.POST, "award_date"),  # type: ignore[arg-type]
                start_date=_date(request.POST, "start_date"),  # type: ignore[arg-type]
                end_date=_date(request.POST, "end_date"),  # type: ignore[arg-type]
                first_delivery=_date(request.POST, "first_delivery", required=False),
                scenario=int_from_post(request.POST, "scenario", None),
                months=int_from_post(request.POST, "months", None),
                risk_assessment_in_tender=request.POST.get("risk_assessment_in_tender") == "on",
                tender=tender,
            )
        except (TenderInputError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(
                request, _("Contract created with %d obligations.") % contract.obligations.count()
            )
            return redirect(contract)
    board = selectors.dashboard(user=request.user)
    return render(
        request,
        "contracts/dashboard.html",
        {
            "board": board,
            "contracts": selectors.contract_list(user=request.user),
            "tenders": tender_list(user=request.user),
            "chart": charts.on_time_trend_svg(board.trend),
            "preselected": request.GET.get("tender", ""),
            "supplier": request.GET.get("supplier", ""),
        },
        status=status,
    )


@login_required
def contract_page(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    statuses = selectors.contract_statuses(contract)
    site_links = {}
    for item in statuses:
        if item.submission and item.submission.kind == "site_list" and item.latest is not None:
            sites = list(item.latest.sites.all())
            verdicts = selectors.site_risks(contract, sites)
            item.sites = [(site, verdicts.get(site.pk)) for site in sites]
            if verdicts:
                site_links[item.obligation.pk] = {pk: list(v.risks) for pk, v in verdicts.items()}
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "statuses": statuses,
            "site_links": site_links,
            "supplier_link": settings.HRDD_BASE_URL.rstrip("/") + contract.get_supplier_url(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def request_create(request: HttpRequest, public_id: str, obligation_id: int) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    try:
        services.information_request_create(
            actor=request.user,
            obligation=obligation,
            question=request.POST.get("question", ""),
            due_on=_date(request.POST, "due_on"),  # type: ignore[arg-type]
        )
    except (services.SubmissionError, TenderInputError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Request sent to %s.") % contract.supplier_email)
    return redirect(contract)


def _obligation(contract, obligation_id: int) -> Obligation:  # type: ignore[no-untyped-def]
    try:
        return contract.obligations.get(pk=obligation_id)
    except Obligation.DoesNotExist as exc:
        raise Http404("obligation not found") from exc


@login_required
def submission_file(request: HttpRequest, public_id: str, submission_id: int) -> FileResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    submission = next(
        (s for o in contract.obligations.all() for s in o.submissions.all() if s.pk == submission_id), None
    )
    if submission is None or not submission.file:
        raise Http404("file not found")
    return FileResponse(submission.file.open("rb"), as_attachment=True, filename=submission.filename)


@login_required
def contract_calendar(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    body = calendars.obligations_calendar(
        contract.obligations.select_related("contract"),
        name=str(contract),
        base_url=settings.HRDD_BASE_URL.rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(contract.title) or "contract"}.ics"'
    return response


@login_required
def organisation_calendar(request: HttpRequest) -> HttpResponse:
    obligations = Obligation.objects.filter(
        contract__organisation_id=request.user.organisation_id
    ).select_related("contract")
    body = calendars.obligations_calendar(
        obligations, name=str(request.user.organisation), base_url=settings.HRDD_BASE_URL.rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="obligations.ics"'
    return response


def supplier_page(request: HttpRequest, token: str) -> HttpResponse:
    """The supplier's page behind the secret link: obligations, uploads, requests. No account needed."""
    contract = selectors.contract_get_by_token(token=token)
    status = 200
    errors: dict[int, str] = {}
    if request.method == "POST":
        try:
            number = int_from_post(request.POST, "obligation", 0) or 0
        except TenderInputError as exc:
            raise Http404("obligation not found") from exc
        obligation = _obligation(contract, number)
        try:
            if request.POST.get("action") == "answer":
                target = obligation.requests.filter(pk=int_from_post(request.POST, "request", 0) or 0).first()
                if target is None:
                    raise Http404("request not found")
                services.information_request_answer(request=target, answer=request.POST.get("answer", ""))
                messages.success(request, _("Answer sent."))
            else:
                submission = services.submission_create(
                    obligation=obligation, data=request.POST, upload=request.FILES.get("file")
                )
                messages.success(
                    request,
                    _("Received: %(clause)s, version %(version)d (%(file)s).")
                    % {
                        "clause": obligation.clause,
                        "version": submission.version,
                        "file": submission.filename,
                    },
                )
            return redirect("contracts:supplier", token=token)
        except (services.SubmissionError, TenderInputError) as exc:
            errors[obligation.pk] = str(exc)
            status = 400
    statuses = selectors.contract_statuses(contract)
    return render(
        request,
        "contracts/supplier.html",
        {"contract": contract, "statuses": statuses, "errors": errors},
        status=status,
    )
