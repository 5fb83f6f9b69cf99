"""Pages for companies: the list with a search, one company with its group, identifiers and where it is named."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrdd.companies import selectors, services
from hrdd.companies.forms import CompanyForm
from hrdd.core.errors import InputError

PAGE_SIZE = 50
PARENT_CHOICES = 1000


@login_required
def company_list_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    parents = list(selectors.company_list(user=request.user)[:PARENT_CHOICES])
    form = CompanyForm(parents=parents)
    if request.method == "POST":
        form = CompanyForm(request.POST, parents=parents)
        if form.is_valid():
            try:
                company = services.company_create(actor=request.user, **form.cleaned_data)
            except (InputError, PermissionDenied) as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Company recorded."))
                return redirect(company)
    page = Paginator(selectors.company_list(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "companies/list.html",
        {"page": page, "form": form, "query": query},
        status=400 if form.errors else 200,
    )


@login_required
def company_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    company = selectors.company_get(user=request.user, public_id=public_id)
    parents = [c for c in selectors.company_list(user=request.user)[:PARENT_CHOICES] if c.pk != company.pk]
    form = CompanyForm(initial=CompanyForm.initial_for(company), parents=parents)
    if request.method == "POST":
        form = CompanyForm(request.POST, parents=parents)
        if form.is_valid():
            try:
                services.company_update(actor=request.user, company=company, **form.cleaned_data)
            except (InputError, PermissionDenied) as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, _("Company saved."))
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
        status=400 if form.errors else 200,
    )
