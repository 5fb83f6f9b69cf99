"""Pages for companies: the list with a search, one company with its group, identifiers and where it is named."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrdd.companies import selectors, services
from hrdd.companies.forms import CompanyForm, CompanyListForm
from hrdd.core.forms import form_write

PARENT_CHOICES = 1000


@login_required
def company_list_page(request: HttpRequest) -> HttpResponse:
    parents = selectors.company_parent_choices(user=request.user, limit=PARENT_CHOICES)
    form = CompanyForm(request.POST if request.method == "POST" else None, parents=parents)
    company = form_write(
        request, form, partial(services.company_create, actor=request.user), success=_("Company recorded.")
    )
    if company is not None:
        return redirect(company)
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
        {"page": page, "list_form": list_form, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def company_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    company = selectors.company_get(user=request.user, public_id=public_id)
    parents = [
        c
        for c in selectors.company_parent_choices(user=request.user, limit=PARENT_CHOICES)
        if c.pk != company.pk
    ]
    form = CompanyForm(
        request.POST if request.method == "POST" else None,
        initial=CompanyForm.initial_for(company),
        parents=parents,
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
        status=400 if form.errors else 200,
    )
