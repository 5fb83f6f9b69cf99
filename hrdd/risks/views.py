"""Pages for product risks: thin; they parse, call the domain or a service, and render."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.consultations.selectors import consultation_get, consultation_list
from hrdd.core.downloads import attachment, filename_from_title
from hrdd.core.errors import InputError
from hrdd.core.text import DOCUMENT_EXTENSIONS, extract_text
from hrdd.core.uploads import accept_upload
from hrdd.domain.risk import (
    Adjustments,
    InvalidAdjustment,
    UnknownProduct,
    assess_product_risk,
    get_risk_method,
)
from hrdd.domain.risk_check import check_risk_assessment
from hrdd.risks import reports, selectors, services
from hrdd.risks.forms import CheckForm, adjustments_from_query, adjustments_query

FORMATS = ("md", "json", "docx", "xlsx")  # the report's downloads, named by their extension


def render_report(assessment, fmt: str, *, title: str = "") -> HttpResponse:  # type: ignore[no-untyped-def]
    """Return the assessment as a download in one of FORMATS."""
    method = get_risk_method()
    if fmt == "md":
        body: str | bytes = reports.to_markdown(assessment, method, title=title)
    elif fmt == "json":
        body = reports.to_json(assessment)
    elif fmt == "docx":
        body = reports.to_docx(assessment, method, title=title)
    else:
        body = reports.to_xlsx(assessment, method)
    return attachment(
        body, filename_from_title(title, f".{fmt}", default=f"risk-assessment-{assessment.product}")
    )


@login_required
def risk_home(request: HttpRequest) -> HttpResponse:
    method = get_risk_method()
    knowledge = selectors.knowledge_current()
    return render(
        request,
        "risks/home.html",
        {
            "products": [(p, method.product_title(p)) for p in knowledge.products()],
            "saved": selectors.risk_assessment_list(user=request.user),
            "check_form": CheckForm(),
        },
    )


def _assess(request: HttpRequest, product: str, adjustments: Adjustments):  # type: ignore[no-untyped-def]
    return assess_product_risk(product, selectors.knowledge_current(), get_risk_method(), adjustments)


@login_required
def risk_assess_page(request: HttpRequest) -> HttpResponse:
    product = request.GET.get("product", "")
    try:
        adjustments = adjustments_from_query(request.GET)
        assessment = _assess(request, product, adjustments)
    except UnknownProduct as exc:
        messages.error(
            request,
            _("Unknown product category %(product)r. Choose one of: %(known)s.")
            % {"product": exc.product, "known": ", ".join(exc.known)},
        )
        return redirect("risks:home")
    except InvalidAdjustment as exc:
        messages.error(request, str(exc))
        return redirect(f"{request.path}?{urlencode({'product': product})}")
    saved = None
    if request.GET.get("saved"):
        saved = selectors.risk_assessment_get(user=request.user, public_id=request.GET["saved"])
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return render_report(assessment, fmt, title=saved.title if saved else "")
    return _render_assessment(request, assessment, saved=saved, adjusting=saved is not None)


def _render_assessment(  # type: ignore[no-untyped-def]
    request: HttpRequest, assessment, *, saved, adjusting: bool = False
) -> HttpResponse:
    method = get_risk_method()
    query = urlencode([("product", assessment.product), *adjustments_query(assessment.adjustments)])
    return render(
        request,
        "risks/assessment.html",
        {
            "assessment": assessment,
            "method": method,
            "salient": assessment.salient(method.parameters.report_risks),
            "query": query,
            "saved": saved,
            "adjusting": adjusting,  # a saved assessment recalculated with changes not yet saved
            "consultations": consultation_list(user=request.user),
            "stage_titles": {s.id: s.title for s in method.stages},
            "adjust": assessment.adjustments,
        },
    )


@login_required
@require_POST
def risk_save(request: HttpRequest) -> HttpResponse:
    product = request.POST.get("product", "")
    consultation = None
    try:
        adjustments = adjustments_from_query(request.POST)
        if request.POST.get("consultation"):
            consultation = consultation_get(user=request.user, public_id=request.POST["consultation"])
        existing = None
        if request.POST.get("assessment"):
            existing = selectors.risk_assessment_get(user=request.user, public_id=request.POST["assessment"])
        saved = services.risk_assessment_save(
            assessment=existing,
            actor=request.user,
            title=request.POST.get("title", ""),
            product=product,
            adjustments=adjustments,
            consultation=consultation,
        )
    except (InvalidAdjustment, services.RiskAssessmentError, UnknownProduct, PermissionDenied) as exc:
        messages.error(request, str(exc))
        query = urlencode([("product", product)])
        return redirect(f"{request.build_absolute_uri('/risks/assess/')}?{query}")
    messages.success(request, _("Risk assessment saved."))
    return redirect(saved)


@login_required
def risk_saved_page(request: HttpRequest, public_id: str) -> HttpResponse:
    saved = selectors.risk_assessment_get(user=request.user, public_id=public_id)
    assessment = _assess(request, saved.product, Adjustments.from_dict(saved.adjustments))
    fmt = request.GET.get("format", "")
    if fmt == "snapshot":  # the result exactly as it was saved, whatever the knowledge base says today
        return attachment(
            json.dumps(saved.result, indent=2, ensure_ascii=False),
            filename_from_title(saved.title, "-as-saved.json", default="risk-assessment"),
        )
    if fmt in FORMATS:
        return render_report(assessment, fmt, title=saved.title)
    return _render_assessment(request, assessment, saved=saved)


@login_required
def risk_check_page(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                document = accept_upload(
                    form.cleaned_data["document"], allowed=DOCUMENT_EXTENSIONS, field="document"
                )
                text = extract_text(document)
            except InputError as exc:
                form.add_error("document", str(exc))
            else:
                result = check_risk_assessment(text)
        if form.errors:
            status = 400
    return render(request, "risks/check.html", {"form": form, "result": result}, status=status)


@login_required
def knowledge_page(request: HttpRequest) -> HttpResponse:
    knowledge = selectors.knowledge_current()
    return render(
        request,
        "risks/knowledge.html",
        {"tables": knowledge.status(), "editions": selectors.knowledge_edition_list()},
    )
