"""Pages for companies: the list with a search, one company with its group, identifiers and where it is named."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from hrdd.companies import selectors, services
from hrdd.companies.forms import CompanyEditForm, CompanyForm, CompanyListForm
from hrdd.companies.tasks import (
    CompanyExportQuery,
    company_export,
    company_export_start,
    export_count,
    export_file,
    export_filename,
    export_in_request,
    export_organisation,
    export_runs,
)
from hrdd.core.downloads import attachment
from hrdd.core.forms import form_create, form_write
from hrdd.core.models import is_own, require_owner_writable
from hrdd.core.views import task_run_context

PARENT_CHOICES = 1000


@login_required
def company_list_page(request: HttpRequest) -> HttpResponse:
    parents = selectors.company_parent_choices(user=request.user, limit=PARENT_CHOICES)
    form = CompanyForm(request.POST if request.method == "POST" else None, parents=parents)
    created = form_create(
        request, form, partial(services.company_create, actor=request.user), success=_("Company recorded.")
    )
    if created is not None:
        return created
    list_form = CompanyListForm(request.GET, countries=selectors.company_countries(user=request.user))
    page = list_form.paginate(
        selectors.company_list(
            user=request.user,
            query=list_form.value("q") or "",
            kind=list_form.value("kind") or "",
            country_iso3=list_form.value("country") or "",
        )
    )
    return render(
        request,
        "companies/list.html",
        {"page": page, "list_form": list_form, "form": form, "export_url": _export_url(request)},
        status=400 if form.errors else 200,
    )


def _export_url(request: HttpRequest) -> str:
    """The export of the companies the list's search finds (its query string, without the page number)."""
    query = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    return str(reverse("companies:export")) + (f"?{urlencode(query)}" if query else "")


@login_required
def company_export_page(request: HttpRequest) -> HttpResponse:
    """The companies the list's search finds, as a workbook: at once when they are few; when many, a background
    run writes it (POST starts it, its page shows the progress) and `?run=` downloads what it kept."""
    if request.GET.get("run"):
        stored = export_file(user=request.user, run_public_id=request.GET["run"])
        return attachment(bytes(stored.content), stored.name, content_type=stored.content_type)
    organisation = export_organisation(request.user)
    list_form = CompanyListForm(request.GET, countries=selectors.company_countries(user=request.user))
    query = CompanyExportQuery(
        query=list_form.value("q") or "",
        kind=list_form.value("kind") or "",
        country_iso3=list_form.value("country") or "",
        sort=list_form.chosen_sort().key,
    )
    if request.method == "POST":
        run = company_export_start(actor=request.user, query=query)
        return redirect("tasks:detail", public_id=run.public_id)
    if export_in_request(organisation, query):
        return attachment(company_export(organisation, query), export_filename(organisation))
    return render(
        request,
        "companies/export.html",
        {
            "companies": export_count(organisation, query),
            "filters": query.described(),
            "export_url": _export_url(request),
            "runs": [
                task_run_context(run, progress_url=reverse("tasks:progress", args=[run.public_id]))
                for run in export_runs(organisation)
            ],
        },
    )


@login_required
def company_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    company = selectors.company_get(user=request.user, public_id=public_id, include_shared=True)
    if not is_own(request.user, company):
        # shared by another organisation (issue 16): read-only, without what names it there
        if request.method == "POST":
            require_owner_writable(request.user, company.organisation_id, "company")
        return render(
            request,
            "companies/detail.html",
            {"company": company, "shared": True, "tier": selectors.company_tier(company)},
        )
    parents = [
        c
        for c in selectors.company_parent_choices(user=request.user, limit=PARENT_CHOICES)
        if c.pk != company.pk
    ]
    form = CompanyEditForm(
        request.POST if request.method == "POST" else None,
        initial=CompanyForm.initial_for(company),
        parents=parents,
        version=company.version,
    )
    write = partial(services.company_update, actor=request.user, company=company)
    if form_write(request, form, write, success=_("Company saved.")) is not None:
        return redirect(company)
    return render(
        request,
        "companies/detail.html",
        {
            "company": company,
            "group": selectors.company_group(company),
            "mentions": selectors.company_mentions(company),
            "form": form,
        },
        status=409 if form.saved_version else 400 if form.errors else 200,
    )
