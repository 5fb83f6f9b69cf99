"""Pages for product risks: thin; they parse, call the domain or a service, and render."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import attachment, filename_from_title
from hrdd.core.errors import InputError
from hrdd.core.forms import form_create
from hrdd.core.text import DOCUMENT_EXTENSIONS, extract_text
from hrdd.core.uploads import accept_upload
from hrdd.domain.risk import (
    Adjustments,
    InvalidAdjustment,
    UnknownProduct,
    get_risk_method,
)
from hrdd.domain.risk_check import RiskAssessmentCheck
from hrdd.risks import reports, selectors, services
from hrdd.risks.checks import CRITERION, DEFAULT_KIND, check_text, language_name, not_counted_why
from hrdd.risks.forms import (
    AdjustForm,
    AssessForm,
    CheckForm,
    RiskAssessmentListForm,
    RiskSaveForm,
    adjustments_query,
)
from hrdd.risks.maps import risk_map_context
from hrdd.risks.titles import product_title, stage_titles, stage_words

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
    products = [(p, product_title(method, p)) for p in selectors.knowledge_current().products()]
    list_form = RiskAssessmentListForm(request.GET, products=products)
    saved = list_form.paginate(
        selectors.risk_assessment_list(
            user=request.user,
            query=list_form.value("q") or "",
            product=list_form.value("product") or "",
            with_result=False,
        )
    )
    return render(
        request,
        "risks/home.html",
        {
            "products": products,
            "assess_form": AssessForm(products=products, auto_id="assess_%s"),
            "saved": saved,
            "page": saved,
            "list_form": list_form,
            "check_form": CheckForm(),
        },
    )


def _assess(request: HttpRequest, product: str, adjustments: Adjustments):  # type: ignore[no-untyped-def]
    return selectors.product_risk(product, adjustments)


def _unknown_product(request: HttpRequest, exc: UnknownProduct) -> HttpResponse:
    messages.error(
        request,
        _("Unknown product category %(product)r. Choose one of: %(known)s.")
        % {"product": exc.product, "known": ", ".join(exc.known)},
    )
    return redirect("risks:home")


@login_required
def risk_assess_page(request: HttpRequest) -> HttpResponse:
    form = AdjustForm(request.GET, user=request.user, auto_id="adjust_%s")
    valid = form.is_valid()  # refused adjustments: the product as it stands, the form as typed, 400
    try:
        assessment = _assess(request, form.cleaned_data.get("product", ""), form.adjustments)
    except UnknownProduct as exc:
        return _unknown_product(request, exc)
    saved = form.cleaned_data.get("saved")
    if not valid:
        return _render_assessment(request, assessment, saved=saved, adjusting=True, adjust_form=form)
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        return render_report(assessment, fmt, title=saved.title if saved else "")
    return _render_assessment(request, assessment, saved=saved, adjusting=saved is not None)


def _render_assessment(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    assessment,
    *,
    saved,
    adjusting: bool = False,
    adjust_form: AdjustForm | None = None,
    save_form: RiskSaveForm | None = None,
) -> HttpResponse:
    """The assessment page; the Adjust and Save forms as given (400 when one holds errors), else filled from
    the assessment's adjustments and the saved record."""
    method = get_risk_method()
    query = urlencode([("product", assessment.product), *adjustments_query(assessment.adjustments)])
    adjusted = AdjustForm.initial_for(assessment.adjustments, product=assessment.product)
    if adjust_form is None:
        adjust_form = AdjustForm(
            user=request.user,
            auto_id="adjust_%s",
            initial={**adjusted, "saved": str(saved.public_id) if saved else ""},
        )
    adjust_form.show_choices(
        [c.name for c in assessment.components], [m.name for m in assessment.raw_materials]
    )
    if save_form is None:
        procurement = saved.procurement.public_id if saved is not None else request.GET.get("procurement", "")
        save_form = RiskSaveForm(
            user=request.user,
            auto_id="save_%s",
            version=saved.version if saved is not None else None,
            initial={
                **adjusted,
                "assessment": str(saved.public_id) if saved else "",
                "title": saved.title
                if saved
                else _("%s — risk assessment") % product_title(method, assessment.product),
                "procurement": str(procurement),
            },
        )
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
            "stage_titles": stage_titles(method),  # in the page's language
            "stage_words": stage_words(method),  # the same inside a sentence ('mining')
            **risk_map_context(assessment, method),  # the producing countries on a world map
            "adjust_form": adjust_form,
            "save_form": save_form,
        },
        status=400 if adjust_form.errors or save_form.errors else 200,
    )


@login_required
@require_POST
def risk_save(request: HttpRequest) -> HttpResponse:
    form = RiskSaveForm(request.POST, user=request.user, auto_id="save_%s")
    try:  # saved once: the same form sent again leads to what it saved
        created = form_create(
            request,
            form,
            lambda **data: services.risk_assessment_save(
                assessment=data["assessment"],
                actor=request.user,
                title=data["title"],
                product=data["product"],
                adjustments=form.adjustments,
                procurement=data["procurement"],
                version=data.get("version"),
            ),
            success=_("Risk assessment saved."),
            refusals=(InvalidAdjustment, services.RiskAssessmentError),
        )
    except UnknownProduct as exc:
        return _unknown_product(request, exc)
    if created is not None:
        return created
    try:
        assessment = _assess(request, form.cleaned_data.get("product", ""), form.adjustments)
    except UnknownProduct as exc:
        return _unknown_product(request, exc)
    existing = form.cleaned_data.get("assessment")
    return _render_assessment(request, assessment, saved=existing, adjusting=True, save_form=form)


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
    kind = DEFAULT_KIND
    status = 200
    if request.method == "POST":
        if form.is_valid():
            kind = form.cleaned_data["kind"]
            try:
                document = accept_upload(
                    form.cleaned_data["document"], allowed=DOCUMENT_EXTENSIONS, field="document"
                )
                text = extract_text(document)
            except InputError as exc:
                form.add_error("document", str(exc))
            else:
                result = check_text(text, kind)
        if form.errors:
            status = 400
    context: dict[str, Any] = {"form": form, "result": result, "kind": kind, "criterion": CRITERION[kind]}
    if isinstance(result, RiskAssessmentCheck):
        context["not_counted"] = [(f, not_counted_why(f)) for f in result.risks_not_counted]
    if result is not None:
        context["language"] = language_name(result.language)
    return render(request, "risks/check.html", context, status=status)


@login_required
def knowledge_page(request: HttpRequest) -> HttpResponse:
    knowledge = selectors.knowledge_current()
    return render(
        request,
        "risks/knowledge.html",
        {"tables": knowledge.status(), "editions": selectors.knowledge_edition_list()},
    )
