"""Pages for tenders: thin; they parse, call a service or the domain, and render."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.consultations.selectors import consultation_get, consultation_list, consultation_results
from hrdd.domain.tender import Evaluation, TenderInputError, get_tender_framework
from hrdd.risks.selectors import risk_assessment_get, risk_assessment_list
from hrdd.tenders import documents, selectors, services
from hrdd.tenders.forms import BidsUploadForm, int_from_post, read_json_upload, weights_from_post

ANNEX_FORMATS = {
    "docx": (documents.DOCX_CONTENT_TYPE, "docx"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "json": ("application/json", "json"),
    "ocds": ("application/json", "ocds.json"),
}


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def tender_list_page(request: HttpRequest) -> HttpResponse:
    framework = get_tender_framework()
    consultation = None
    recommended = None
    if request.GET.get("consultation"):
        consultation = consultation_get(user=request.user, public_id=request.GET["consultation"])
        market = consultation_results(consultation=consultation).market
        recommended = market.recommended_scenario if market else None
    status = 200
    if request.method == "POST":
        try:
            linked_consultation = (
                consultation_get(user=request.user, public_id=request.POST["consultation"])
                if request.POST.get("consultation")
                else None
            )
            linked_risks = (
                risk_assessment_get(user=request.user, public_id=request.POST["risk_assessment"])
                if request.POST.get("risk_assessment")
                else None
            )
            tender = services.tender_create(
                actor=request.user,
                title=request.POST.get("title", ""),
                scenario=int_from_post(request.POST, "scenario", 0),
                months=int_from_post(request.POST, "months", framework.parameters.default_months),
                require_label=request.POST.get("require_label") == "on",
                consultation=linked_consultation,
                risk_assessment=linked_risks,
            )
        except (TenderInputError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, _("Tender created. Adjust the weights, then download the annex."))
            return redirect(tender)
    default_risks = consultation.risk_assessments.first() if consultation is not None else None
    return render(
        request,
        "tenders/list.html",
        {
            "tenders": selectors.tender_list(user=request.user),
            "framework": framework,
            "consultations": consultation_list(user=request.user),
            "risk_assessments": risk_assessment_list(user=request.user),
            "consultation": consultation,
            "recommended": recommended,
            "default_risks": default_risks,
        },
        status=status,
    )


@login_required
def tender_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    annex = services.tender_annex(tender)
    fmt = request.GET.get("format", "")
    if fmt in ANNEX_FORMATS:
        content_type, extension = ANNEX_FORMATS[fmt]
        name = slugify(tender.title) or "tender"
        if fmt == "docx":
            body: str | bytes = documents.annex_docx(annex, title=tender.title)
        elif fmt == "md":
            body = documents.annex_markdown(annex, title=tender.title)
        elif fmt == "html":
            body = documents.annex_html(annex, title=tender.title)
        elif fmt == "json":
            body = documents.annex_json(annex)
        else:
            release = documents.annex_ocds(
                annex, title=tender.title, tender_id=str(tender.public_id), buyer=tender.organisation.name
            )
            body = json.dumps(release, indent=2, ensure_ascii=False)
        return _download(body, content_type, f"{name}-human-rights-annex.{extension}")
    status = 200
    if request.method == "POST":
        try:
            services.tender_update(
                actor=request.user,
                tender=tender,
                months=int_from_post(request.POST, "months", tender.months),
                weights=weights_from_post(request.POST, [i.criterion.id for i in annex.of_kind("award")]),
                require_label=request.POST.get("require_label") == "on",
            )
        except (TenderInputError, PermissionDenied) as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, _("Parameters saved."))
            return redirect(tender)
    sections = [
        (kind, _(documents.KIND_TITLES[kind]), annex.of_kind(kind))
        for kind in documents.KINDS
        if annex.of_kind(kind)
    ]
    return render(
        request,
        "tenders/detail.html",
        {
            "tender": tender,
            "annex": annex,
            "sections": sections,
            "title": tender.title,
            "upload_form": BidsUploadForm(),
            "evaluations": tender.evaluations.all(),
            "formats": ANNEX_FORMATS,
        },
        status=status,
    )


@login_required
@require_POST
def bids_evaluate(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    form = BidsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a JSON file with the bids."))
        return redirect(tender)
    try:
        bids = read_json_upload(form.cleaned_data["bids"], limit=settings.HRDD_MAX_UPLOAD_BYTES)
        stored, _evaluation = services.bid_evaluation_create(actor=request.user, tender=tender, bids=bids)
    except (TenderInputError, PermissionDenied) as exc:
        messages.error(request, _("The bids were not evaluated: %s") % exc)
        return redirect(tender)
    return redirect("tenders:evaluation", public_id=tender.public_id, pk=stored.pk)


@login_required
def evaluation_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    stored = selectors.bid_evaluation_get(tender=tender, pk=pk)
    evaluation = Evaluation.from_dict(stored.result)  # as it was made, whatever the framework says today
    fmt = request.GET.get("format", "")
    name = slugify(tender.title) or "tender"
    if fmt == "docx":
        return _download(
            documents.evaluation_docx(evaluation, title=_("Evaluation: %s") % tender.title),
            documents.DOCX_CONTENT_TYPE,
            f"{name}-evaluation.docx",
        )
    if fmt == "xlsx":
        return _download(
            documents.evaluation_xlsx(evaluation), documents.XLSX_CONTENT_TYPE, f"{name}-evaluation.xlsx"
        )
    if fmt:
        raise Http404("unknown format")
    ranked = sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder))
    return render(
        request,
        "tenders/evaluation.html",
        {"tender": tender, "stored": stored, "evaluation": evaluation, "ranked": ranked},
    )
