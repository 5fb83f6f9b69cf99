"""Pages for contract management: thin; they parse, call a service or selector, and render."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrdd.contracts import calendars, charts, selectors, services, sitelists
from hrdd.contracts.forms import (
    SUMMARY_FIELDS,
    AnswerForm,
    ContractForm,
    InformationRequestForm,
    ObligationFilterForm,
    SubmissionForm,
    SupplierPostForm,
)
from hrdd.contracts.models import Contract, Obligation, Submission
from hrdd.core.archive import SHOW_ALL
from hrdd.core.downloads import attachment, filename_from_title, open_stored
from hrdd.core.errors import InputError
from hrdd.core.forms import form_create
from hrdd.core.languages import supplier_page_language
from hrdd.core.links import absolute_url
from hrdd.core.models import TaskRun
from hrdd.core.tasks import task_run_retry, task_runs_of
from hrdd.core.texts import localize
from hrdd.core.views import task_run_context, task_run_fragment
from hrdd.domain.contracts import due_diligence_elements, summary_disagrees
from hrdd.domain.tender import TenderInputError, get_tender_framework
from hrdd.procurements.selectors import procurement_get, procurement_latest_steps
from hrdd.tenders.selectors import tender_get, tender_newest, tender_winner


def _contract_form(request: HttpRequest) -> ContractForm:
    """The new-contract form, bound to a POST, with what the link it came from names pre-filled."""
    tenders = list(tender_newest(user=request.user))  # the select offers the newest, and the one pre-selected
    # the award report's link names the winner as `award_to`: `supplier` filters the obligations listed below
    initial = {"tender": request.GET.get("tender", ""), "supplier_name": request.GET.get("award_to", "")}
    if request.GET.get("procurement"):  # from the procurement's page: its newest tender
        procurement = procurement_get(user=request.user, public_id=request.GET["procurement"])
        tender = procurement_latest_steps(procurement)["tender"]
        initial |= {"procurement": str(procurement.public_id), "title": procurement.title}
        if tender is not None and not initial["tender"]:  # the tender's winner is the usual supplier
            initial |= {
                "tender": str(tender.public_id),
                "supplier_name": initial["supplier_name"] or tender_winner(tender),
            }
    if initial["tender"] and initial["tender"] not in {str(t.public_id) for t in tenders}:
        tenders.append(tender_get(user=request.user, public_id=initial["tender"]))
    return ContractForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        tenders=tenders,
        auto_id="contract_%s",
        initial=initial,
    )


def _contract_create(request: HttpRequest, form: ContractForm) -> HttpResponse | None:
    """Create the contract a valid form describes and go to it; None to show the form again."""

    def created(contract: Contract) -> str:
        count = contract.obligations.count()
        return (
            ngettext("Contract created with %d obligation.", "Contract created with %d obligations.", count)
            % count
        )

    def check_dates(contract: Contract) -> None:
        for warning in contract.schedule_warnings:  # type: ignore[attr-defined]
            messages.warning(request, _("Check the dates: %s.") % localize(warning))
        # the supplier's link is shown this once (hrdd.core.linktokens); a new one is issued from the contract
        messages.info(
            request,
            _("Send the supplier its link (no account needed; shown only now): %(link)s")
            % {"link": absolute_url(contract.get_supplier_url())},
        )

    return form_create(
        request,
        form,
        partial(services.contract_create, actor=request.user),
        success=created,
        after=check_dates,
        refusals=(TenderInputError,),
    )


@login_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    # The new-contract form is drawn when asked for (the page's "New contract" link, an award report's or a
    # procurement's link, a form sent back with its errors): rendering its fields and their choices cost as much
    # as the rest of the dashboard, which a contract manager opens far more often than they create a contract.
    asked = request.method == "POST" or any(
        request.GET.get(k) for k in ("new", "tender", "procurement", "award_to")
    )
    form = _contract_form(request) if asked else None
    if form is not None:
        sent = _contract_create(request, form)
        if sent is not None:
            return sent
    clauses = [
        (c.id, f"{c.id} {localize(c.title)}") for c in get_tender_framework().criteria if c.kind == "clause"
    ]
    filter_form = ObligationFilterForm(request.GET, clauses=clauses)
    filters = selectors.ObligationFilter(**filter_form.values())
    board = selectors.dashboard(user=request.user, filters=filters, number=request.GET.get("page"))
    show_archived = request.GET.get("archived") == SHOW_ALL
    contracts = selectors.contract_page(
        user=request.user, number=request.GET.get("contracts"), archived=SHOW_ALL if show_archived else ""
    )
    feed = selectors.calendar_feed_of(request.user)
    return render(
        request,
        "contracts/dashboard.html",
        {
            "board": board,
            "contracts": contracts,
            "contracts_pager": _pager(request, contracts, "contracts", "contracts"),
            "obligations_pager": _pager(request, board.page, "page", "obligations"),
            "filter_form": filter_form,
            "filtered": filters != selectors.ObligationFilter(),
            "chart": charts.on_time_trend_svg(board.trend),
            "form": form,
            "show_archived": show_archived,
            "archived_count": selectors.contract_archived_count(user=request.user),
            "calendar_feed": feed,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _pager(request: HttpRequest, page: Any, param: str, anchor: str) -> dict[str, Any]:
    """The links of one list's pager: the query string kept, `param` set to the page wanted."""

    def url(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}#{anchor}"

    return {
        "page": page,
        "first": url(1) if page.has_previous() else "",
        "previous": url(page.previous_page_number()) if page.has_previous() else "",
        "next": url(page.next_page_number()) if page.has_next() else "",
        "last": url(page.paginator.num_pages) if page.has_next() else "",
    }


@login_required
def contract_page(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    return _contract_page(request, contract)


def _contract_page(
    request: HttpRequest, contract: Contract, *, posted: tuple[int, InformationRequestForm] | None = None
) -> HttpResponse:
    """The contract's page; `posted` is an obligation's refused request form, shown as sent with 400."""
    statuses = selectors.contract_statuses(contract)
    request_forms = {
        item.obligation.pk: posted[1]
        if posted is not None and posted[0] == item.obligation.pk
        else InformationRequestForm(auto_id=f"ob{item.obligation.pk}_%s")
        for item in statuses
    }
    site_links = {}
    site_pagers = {}
    due_diligence = {}  # a report on due diligence: the elements its document describes
    for item in statuses:
        if item.submission and item.submission.kind == "site_list" and item.latest is not None:
            param = f"sites{item.obligation.pk}"
            item.sites_page = selectors.site_page(item.latest, number=request.GET.get(param))
            item.sites = selectors.sites_with_links(item.sites_page)
            site_pagers[item.obligation.pk] = _pager(
                request, item.sites_page, param, f"obligation-{item.obligation.pk}"
            )
            linked = {site.pk: list(v.risks) for site, v in item.sites if v is not None}
            item.sites_linked = bool(linked)
            if linked:
                site_links[item.obligation.pk] = linked
        if item.submission and item.submission.kind == "risk_assessment" and item.latest is not None:
            item.disagreement = [
                (str(SUMMARY_FIELDS[name][0]) if name in SUMMARY_FIELDS else name, entries)
                for name, entries in summary_disagrees(item.latest.summary).items()
            ]
        if item.submission and item.submission.kind == "report" and item.latest is not None:
            elements = due_diligence_elements(item.latest.summary)  # none before reports were read
            if elements:
                due_diligence[item.obligation.pk] = elements
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "statuses": statuses,
            "site_links": site_links,
            "site_pagers": site_pagers,
            "due_diligence": due_diligence,
            "today": timezone.localdate(),
            "request_forms": request_forms,
            "schedule_warnings": selectors.contract_schedule_warnings(contract),
        },
        status=400 if posted is not None else 200,
    )


@login_required
@require_POST
def request_create(request: HttpRequest, public_id: str, obligation_id: int) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    form = InformationRequestForm(request.POST, auto_id=f"ob{obligation.pk}_%s")
    if form.is_valid():
        try:
            services.information_request_create(
                actor=request.user, obligation=obligation, **form.cleaned_data
            )
        except (services.SubmissionError, InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Request sent to %s.") % contract.supplier_email)
            return redirect(contract)
    return _contract_page(request, contract, posted=(obligation.pk, form))


@login_required
@require_POST
def remind_now(request: HttpRequest, public_id: str, obligation_id: int) -> HttpResponse:
    """E-mail the supplier the reminder of one unsubmitted obligation now (writers only; once a day)."""
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    obligation = _obligation(contract, obligation_id)
    try:
        services.reminder_send_now(actor=request.user, obligation=obligation)
    except services.ReminderRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Reminder of %(clause)s (due %(due)s) sent to %(email)s.")
            % {
                "clause": obligation.clause,
                "due": obligation.due_date.isoformat(),
                "email": contract.supplier_email,
            },
        )
    return redirect(f"{contract.get_absolute_url()}#obligation-{obligation.pk}")


def _obligation(contract, obligation_id: int) -> Obligation:  # type: ignore[no-untyped-def]
    try:
        return contract.obligations.get(pk=obligation_id)
    except Obligation.DoesNotExist as exc:
        raise Http404("obligation not found") from exc


@login_required
def submission_file(request: HttpRequest, public_id: str, submission_id: int) -> FileResponse:
    contract = selectors.contract_get(user=request.user, public_id=public_id)
    submission = Submission.objects.filter(pk=submission_id, obligation__contract=contract).first()
    if submission is None or not submission.file:
        raise Http404("file not found")
    return attachment(
        open_stored(submission.file, submission.filename),
        submission.filename,
        content_type=submission.content_type,
    )


@login_required
def contract_calendar(request: HttpRequest, public_id: str) -> HttpResponse:
    """The contract's deadlines as an iCalendar feed; 304 when the calendar program holds them already."""
    contract = calendars.contract_for_feed(user=request.user, public_id=public_id)
    return calendars.feed_response(
        request,
        contract.obligations.all(),
        organisation_id=contract.organisation_id,
        contract_id=contract.pk,
        name=str(contract),
        filename=filename_from_title(contract.title, ".ics", default="contract"),
    )


@login_required
def organisation_calendar(request: HttpRequest) -> HttpResponse:
    """Every deadline of the organisation's contracts as an iCalendar feed; 304 when nothing changed."""
    return calendars.feed_response(
        request,
        calendars.organisation_obligations(request.user.organisation_id),
        organisation_id=request.user.organisation_id,
        name=str(request.user.organisation),
        filename="obligations.ics",
    )


def site_list_template(request: HttpRequest, extension: str) -> HttpResponse:
    """The site list to fill in, as XLSX (site types as a drop-down, explained) or CSV; the same for everyone,
    so neither an account nor a supplier link is needed."""
    if extension == "xlsx":
        body = sitelists.site_list_template_xlsx()
    elif extension == "csv":
        body = sitelists.site_list_template_csv()
    else:
        raise Http404("no such template")
    return attachment(body, f"{sitelists.TEMPLATE_NAME}.{extension}")


def feed_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """A user's secret calendar address: their organisation's deadlines and requests, for calendar programs that
    subscribe without a login (the token is the permission; a revoked one is not found)."""
    feed = calendars.feed_by_token(token)
    return calendars.feed_response(
        request,
        calendars.organisation_obligations(feed.organisation_id),
        organisation_id=feed.organisation_id,
        name=str(feed.organisation),
        filename="obligations.ics",
        language=feed.user.language,  # the account's language; none set: the calendar program's
    )


@login_required
@require_POST
def calendar_link_renew(request: HttpRequest) -> HttpResponse:
    """A new secret calendar address for the user; the old one stops working."""
    had = selectors.calendar_feed_of(request.user) is not None
    feed = services.calendar_feed_renew(actor=request.user)
    # shown this once (hrdd.core.linktokens): the dashboard says only when the link was made
    messages.success(
        request,
        (
            _(
                "Here is your new calendar link; the old one no longer works. Subscribe to the new one (shown "
                "only now): %(link)s"
            )
            if had
            else _(
                "Here is your calendar link: subscribe to it in your calendar program (shown only now): %(link)s"
            )
        )
        % {"link": absolute_url(feed.get_absolute_url())},
    )
    return redirect(reverse("contracts:dashboard") + "#calendar-link")


@login_required
@require_POST
def calendar_link_revoke(request: HttpRequest) -> HttpResponse:
    """Stop the user's secret calendar address."""
    if services.calendar_feed_revoke(actor=request.user) is not None:
        messages.success(request, _("Your calendar link no longer works."))
    return redirect(reverse("contracts:dashboard") + "#calendar-link")


def supplier_page(request: HttpRequest, token: str) -> HttpResponse:
    """The supplier's page behind the secret link: obligations, uploads, requests. No account needed. Said in the
    supplier's language (hrdd.core.languages.page_language: their choice on the page, else the contract's, else
    the browser's)."""
    contract = selectors.contract_get_by_token(token=token)
    with supplier_page_language(request, contract.supplier_language) as page:
        return page.answer(_supplier_page(request, contract))


def _supplier_page(request: HttpRequest, contract: Contract) -> HttpResponse:
    token = contract.token
    statuses = selectors.contract_statuses(contract)
    posted: SubmissionForm | AnswerForm | None = None
    if request.method == "POST":
        route = SupplierPostForm(request.POST)
        if not route.is_valid():
            raise Http404("obligation not found")
        item = next((s for s in statuses if s.obligation.pk == route.cleaned_data["obligation"]), None)
        if item is None:
            raise Http404("obligation not found")
        obligation = item.obligation
        if route.answering():
            target = obligation.requests.filter(pk=route.cleaned_data["request"] or 0).first()
            if target is None:
                raise Http404("request not found")
            posted = AnswerForm(request.POST, request=target)
            if posted.is_valid():
                try:
                    services.information_request_answer(request=target, answer=posted.cleaned_data["answer"])
                except (services.SubmissionError, InputError) as exc:
                    posted.add_service_error(exc)
                else:
                    messages.success(request, _("Answer sent."))
                    return redirect("contracts:supplier", token=token)
        else:
            posted = SubmissionForm(request.POST, request.FILES, obligation=obligation, spec=item.submission)
            if posted.is_valid():
                data, upload = posted.cleaned_data, posted.cleaned_data.get("file")
                try:
                    if item.submission.kind == "site_list":
                        services.site_list_accept(obligation=obligation, data=data, upload=upload)
                        messages.success(
                            request,
                            _(
                                "Received %(file)s: its rows are being read; the progress is shown under %(clause)s."
                            )
                            % {"file": upload.name, "clause": obligation.clause},  # type: ignore[union-attr]
                        )
                    else:
                        submission = services.submission_create(
                            obligation=obligation, data=data, upload=upload
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
                except (services.SubmissionError, TenderInputError, InputError) as exc:
                    posted.add_service_error(exc)
                else:
                    return redirect("contracts:supplier", token=token)
    runs = {}
    for item in statuses:
        if services.takes_site_list(item.obligation):
            latest = task_runs_of(
                organisation=contract.organisation, subject=services.site_list_subject(item.obligation)
            )
            if latest:
                runs[item.obligation.pk] = _supplier_run_context(contract, latest[0])
    submission_forms = {
        s.obligation.pk: posted
        if isinstance(posted, SubmissionForm) and posted.initial.get("obligation") == s.obligation.pk
        else SubmissionForm(obligation=s.obligation, spec=s.submission)
        for s in statuses
    }
    answer_forms = {
        r.pk: posted
        if isinstance(posted, AnswerForm) and posted.initial.get("request") == r.pk
        else AnswerForm(request=r)
        for s in statuses
        for r in s.obligation.requests.all()
        if not r.answered_on
    }
    return render(
        request,
        "contracts/supplier.html",
        {
            "contract": contract,
            "statuses": statuses,
            "runs": runs,
            "submission_forms": submission_forms,
            "answer_forms": answer_forms,
        },
        status=400 if posted is not None and posted.errors else 200,
    )


def _supplier_run(contract: Contract, run_id: str) -> TaskRun:
    """A run reading a site list of this contract; any other is not found through this link."""
    subjects = [services.site_list_subject(o) for o in contract.obligations.all()]
    run = TaskRun.objects.filter(
        organisation=contract.organisation, public_id=run_id, subject__in=subjects
    ).first()
    if run is None:
        raise Http404("task not found")
    return run


def _supplier_run_context(contract: Contract, run: TaskRun) -> dict[str, Any]:
    page = reverse("contracts:supplier", args=[contract.token])
    number = run.params.get("obligation")
    return task_run_context(
        run,
        progress_url=reverse("contracts:supplier_task", args=[contract.token, run.public_id]),
        retry_url=reverse("contracts:supplier_task_retry", args=[contract.token, run.public_id]),
        result_url=f"{page}?task={run.public_id}#obligation-{number}",  # a new address: the page is reloaded
    )


def supplier_task_progress(request: HttpRequest, token: str, run_id: str) -> HttpResponse:
    """The progress of a site list's reading, as the supplier's page polls it."""
    contract = selectors.contract_get_by_token(token=token)
    run = _supplier_run(contract, run_id)
    with supplier_page_language(request, contract.supplier_language) as page:
        return page.answer(task_run_fragment(request, _supplier_run_context(contract, run)))


@require_POST
def supplier_task_retry(request: HttpRequest, token: str, run_id: str) -> HttpResponse:
    """Read a site list again whose reading failed (the secret link is the permission)."""
    contract = selectors.contract_get_by_token(token=token)
    run = _supplier_run(contract, run_id)
    with supplier_page_language(request, contract.supplier_language):  # the message is read on the page
        try:
            task_run_retry(run=run)
        except InputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Reading %s again.") % run.label)
    return redirect(
        reverse("contracts:supplier", args=[token]) + f"#obligation-{run.params.get('obligation')}"
    )
