"""Pages for procurements: the list, and one purchase as the thread through the four steps."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from hrdd.core.forms import form_create, form_write
from hrdd.procurements import selectors, services
from hrdd.procurements.forms import ProcurementEditForm, ProcurementForm, ProcurementListForm


@login_required
def procurement_list_page(request: HttpRequest) -> HttpResponse:
    form = ProcurementForm(request.POST if request.method == "POST" else None)
    opened = _("Procurement opened. Start with step 1: its product's risks.")
    created = form_create(
        request, form, partial(services.procurement_create, actor=request.user), success=opened
    )
    if created is not None:
        return created
    list_form = ProcurementListForm(request.GET)
    page = list_form.paginate(
        selectors.procurement_list(
            user=request.user,
            query=list_form.value("q") or "",
            status=list_form.value("status") or "",
            product_category=list_form.value("product_category") or "",
        )
    )
    return render(
        request,
        "procurements/list.html",
        {"page": page, "list_form": list_form, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def procurement_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    procurement = selectors.procurement_get(user=request.user, public_id=public_id)
    initial = {
        "title": procurement.title,
        "product_category": procurement.product_category,
        "reference": procurement.reference,
        "status": procurement.status,
    }
    form = ProcurementEditForm(
        request.POST if request.method == "POST" else None, initial=initial, version=procurement.version
    )
    write = partial(services.procurement_update, actor=request.user, procurement=procurement)
    if form_write(request, form, write, success=_("Procurement saved.")) is not None:
        return redirect(procurement)
    return render(
        request,
        "procurements/detail.html",
        {"thread": selectors.procurement_thread(procurement), "procurement": procurement, "form": form},
        status=409 if form.saved_version else 400 if form.errors else 200,
    )
