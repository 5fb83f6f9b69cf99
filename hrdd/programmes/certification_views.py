"""Pages of certifications, schemes and ratings: the list with its expiry warnings, a record's page, its form
(new and edit), its deletion and its document. Thin: reads and writes through hrdd.programmes.certifications."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import open_stored
from hrdd.core.errors import InputError, NotFound
from hrdd.core.forms import form_create, form_write
from hrdd.core.models import active_organisation_id
from hrdd.domain import certifications as rules
from hrdd.programmes import certifications as services
from hrdd.programmes.certification_forms import (
    CertificationCreateForm,
    CertificationEditForm,
    CertificationForm,
    CertificationListForm,
)
from hrdd.programmes.models import Certification

COMPANY_CHOICES = 500
WARNINGS_SHOWN = 10


def find_site(user: Any, public_id: uuid.UUID) -> Any:
    from hrdd.supplier_sites.selectors import site_get

    try:
        return site_get(user=user, public_id=public_id)
    except NotFound:
        return None


def find_company(user: Any, public_id: str) -> Any:
    from hrdd.companies.selectors import company_get

    try:
        return company_get(user=user, public_id=public_id)
    except NotFound:
        return None


def company_choices(user: Any, keep: Any = None) -> list[tuple[str, str]]:
    from hrdd.companies.selectors import company_list

    found = [
        (str(c.public_id), f"{c.legal_name} ({c.get_kind_display().lower()})")
        for c in company_list(user=user).order_by("legal_name")[:COMPANY_CHOICES]
    ]
    if keep is not None and all(k != str(keep.public_id) for k, _n in found):
        found.append((str(keep.public_id), keep.legal_name))
    return found


@login_required
def certifications_page(request: HttpRequest) -> HttpResponse:
    """Every record of the organisation, filtered by scheme and validity, with the expiry warnings on top."""
    today = timezone.localdate()
    form = CertificationListForm(request.GET)
    records = services.certification_list(
        user=request.user,
        scheme=form.value("scheme") or "",
        validity=form.value("validity") or "",
        today=today,
    )
    page = form.paginate(records)
    organisation_id = active_organisation_id(request.user)
    warnings = (
        services.expiry_warnings(organisation_id, today, limit=WARNINGS_SHOWN + 1) if organisation_id else []
    )
    return render(
        request,
        "programmes/certification_list.html",
        {
            "page": page,
            "rows": services.certification_rows(list(page.object_list), today),
            "list_form": form,
            "warnings": warnings[:WARNINGS_SHOWN],
            "more_warnings": len(warnings) > WARNINGS_SHOWN,
            "schemes": rules.get_schemes(),
            "today": today,
        },
    )


@login_required
def certification_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """One record: its scheme's words, validity, warnings, evidence, and what it counts toward."""
    certification = services.certification_get(user=request.user, public_id=public_id)
    today = timezone.localdate()
    row = services.certification_row(certification, today)
    schemes = rules.get_schemes()
    groups = [
        (group, rules.counts_toward(schemes, group.key, services.facts_of(certification), today))
        for group in schemes.groups
    ]
    return render(
        request,
        "programmes/certification_detail.html",
        {
            "row": row,
            "certification": certification,
            "groups": groups,
            "may_edit": request.user.can_write,
            "today": today,
        },
    )


def _form(request: HttpRequest, form_class: type[CertificationForm], **kwargs: Any) -> CertificationForm:
    certification = kwargs.pop("certification", None)
    return form_class(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        companies=company_choices(request.user, certification.company if certification else None),
        find_company=partial(find_company, request.user),
        find_site=partial(find_site, request.user),
        **kwargs,
    )


@login_required
def certification_create_page(request: HttpRequest) -> HttpResponse:
    """Record a certification, a membership or a rating of a company or a registry site (?company= or ?site=
    pre-fill the holder)."""
    if not request.user.can_write:
        raise PermissionDenied(_("Your role may read certifications but not record them."))
    initial: dict[str, Any] = {}
    if request.GET.get("company"):
        initial["company"] = request.GET["company"]
    if request.GET.get("site"):
        site = find_site(request.user, request.GET["site"])
        if site is not None:
            initial["site"] = site.get_absolute_url()
    if request.GET.get("scheme"):
        initial["scheme"] = request.GET["scheme"]
    form = _form(request, CertificationCreateForm, initial=initial)

    def write(**data: Any) -> Certification:
        data.pop("remove_document", None)
        if not data.get("document"):
            data.pop("document", None)
        return services.certification_create(
            actor=request.user, **{k: v for k, v in data.items() if k != "version"}
        )

    sent = form_create(request, form, write, success=_("The record is saved."))
    if sent is not None:
        return sent
    return render(
        request,
        "programmes/certification_form.html",
        {"form": form, "certification": None, "schemes": rules.get_schemes()},
        status=400 if form.errors else 200,
    )


@login_required
def certification_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Correct a record; a save over a newer version is refused with the typing kept."""
    certification = services.certification_get(user=request.user, public_id=public_id)
    if not request.user.can_write:
        raise PermissionDenied(_("Your role may read certifications but not change them."))
    form = _form(
        request,
        CertificationEditForm,
        certification=certification,
        initial=CertificationForm.initial_for(certification),
    )
    if request.method == "POST" and form.is_valid():

        def write(**data: Any) -> Certification:
            version = data.pop("version", None)
            if not data.get("document"):
                data.pop("document", None)
            return services.certification_update(
                actor=request.user, certification=certification, version=version, **data
            )

        saved = form_write(request, form, write, success=_("The record is saved."))
        if saved is not None:
            return redirect(saved)
    return render(
        request,
        "programmes/certification_form.html",
        {
            "form": form,
            "certification": certification,
            "schemes": rules.get_schemes(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def certification_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    certification = services.certification_get(user=request.user, public_id=public_id)
    version = request.POST.get("version") or None
    try:
        services.certification_delete(
            actor=request.user, certification=certification, version=int(version) if version else None
        )
    except InputError as exc:
        messages.error(request, str(exc))
        return redirect(certification)
    messages.success(request, _("The record is deleted; the audit log keeps what it said."))
    return redirect("programmes:certifications")


@login_required
def certification_document(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    certification = services.certification_get(user=request.user, public_id=public_id)
    if not certification.document:
        raise Http404("document")
    return FileResponse(
        open_stored(certification.document, certification.document_name),
        as_attachment=True,
        filename=certification.document_name,
    )
