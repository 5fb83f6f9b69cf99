from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.accounts.models import User
from hrdd.accounts.services import membership_switch, user_language_set
from hrdd.audit.selectors import audit_event_list
from hrdd.audit.tasks import (
    AuditExportQuery,
    audit_export,
    audit_export_start,
    export_count,
    export_file,
    export_filename,
    export_in_request,
    export_organisation,
    export_runs,
)
from hrdd.core.downloads import attachment
from hrdd.core.errors import InputError
from hrdd.core.languages import language_choice
from hrdd.core.views import task_run_context
from hrdd.web.context_processors import works_on_sourcing
from hrdd.web.forms import AuditListForm, OrganisationSwitchForm
from hrdd.web.selectors import overview, sourcing_overview


def home(request: HttpRequest) -> HttpResponse:
    """Where a user lands (after logging in too): a contract manager on the contracts, anyone else on the
    overview of what needs attention."""
    if not request.user.is_authenticated:
        return redirect("login")
    if request.user.role == User.Role.CONTRACT_MANAGER:
        return redirect("contracts:dashboard")
    return redirect("overview")


@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    """The user's open procurements and what needs attention, each a count with the page that lists them; for a
    company's responsible sourcing, its programmes and what needs attention in its supplier due diligence."""
    if works_on_sourcing(request.user):
        return render(
            request, "web/sourcing_overview.html", {"overview": sourcing_overview(user=request.user)}
        )
    return render(request, "web/overview.html", {"overview": overview(user=request.user)})


@login_required
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """Work in another of the user's organisations; every page then shows that organisation's records."""
    form = OrganisationSwitchForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError(_("Choose an organisation."), field="organisation")
        organisation = membership_switch(
            user=request.user, organisation_public_id=form.cleaned_data["organisation"]
        )
    except InputError as exc:  # the switch sits in every page's header: its refusal is told as a message
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You now work in %s.") % organisation.name)
    return redirect("home")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Read hrdd in another language: remembered in a cookie for everyone, and on the account of a user who is
    logged in; back to the page the switch was used on (`next`, else the Referer of the same site)."""
    # back to the page the switch was used on (its address is not written into the page: a "not found" page must
    # read the same whatever was asked for)
    back = str(request.POST.get("next") or request.META.get("HTTP_REFERER") or "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    try:
        code = language_choice(request.POST.get("language"), required=True)
    except InputError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=code)
    response = redirect(back)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    list_form = AuditListForm(request.GET)
    page = list_form.paginate(
        audit_event_list(
            organisation=request.user.organisation,
            action=list_form.value("action") or "",
            who=list_form.value("who") or "",
            since=list_form.value("since"),
            until=list_form.value("until"),
        )
    )
    return render(
        request,
        "web/audit.html",
        {"page": page, "events": page, "list_form": list_form, "export_url": _audit_export_url(request)},
    )


def _audit_export_url(request: HttpRequest) -> str:
    """The export of the events the page's filters choose (its query string, without the page number)."""
    query = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    return str(reverse("audit_export")) + (f"?{urlencode(query)}" if query else "")


def _audit_export_query(list_form: AuditListForm) -> AuditExportQuery:
    return AuditExportQuery(
        action=list_form.value("action") or "",
        who=list_form.value("who") or "",
        since=list_form.value("since"),
        until=list_form.value("until"),
        oldest_first=list_form.chosen_sort().key == "oldest",
    )


@login_required
def audit_export_page(request: HttpRequest) -> HttpResponse:
    """The events the audit page's filters choose, as a workbook: at once when they are few; when many, a
    background run writes it (POST starts it, its page shows the progress) and `?run=` downloads what it kept."""
    if request.GET.get("run"):
        stored = export_file(user=request.user, run_public_id=request.GET["run"])
        return attachment(bytes(stored.content), stored.name, content_type=stored.content_type)
    organisation = export_organisation(request.user)  # members only, as the audit page
    query = _audit_export_query(AuditListForm(request.GET))
    if request.method == "POST":
        run = audit_export_start(actor=request.user, query=query)
        return redirect("tasks:detail", public_id=run.public_id)
    if export_in_request(organisation, query):
        return attachment(audit_export(organisation, query), export_filename(organisation))
    return render(
        request,
        "web/audit_export.html",
        {
            "events": export_count(organisation, query),
            "filters": query.described(),
            "export_url": _audit_export_url(request),
            "runs": [
                task_run_context(run, progress_url=reverse("tasks:progress", args=[run.public_id]))
                for run in export_runs(organisation)
            ],
        },
    )
