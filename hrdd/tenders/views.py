"""Pages for tenders: thin; they parse, call a service or the domain, and render."""

from __future__ import annotations

import json
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.consultations.selectors import consultation_get, scenario_to_preselect
from hrdd.core.downloads import attachment, filename_from_title
from hrdd.core.errors import InputError
from hrdd.core.forms import form_create
from hrdd.domain.tender import Evaluation, TenderInputError, get_tender_framework
from hrdd.procurements.selectors import procurement_get, procurement_latest_steps
from hrdd.tenders import documents, ocds, selectors, services
from hrdd.tenders.annex_forms import AnnexDownloadForm, ReportDateForm, TenderChoicesForm
from hrdd.tenders.forms import (
    BidsUploadForm,
    EvaluationListForm,
    TenderForm,
    TenderListForm,
    TenderParametersForm,
)

# format -> the downloaded file's extension (its content type follows the extension)
ANNEX_FORMATS = {"docx": "docx", "md": "md", "html": "html", "json": "json", "ocds": "ocds.json"}


def _document(body: str | bytes, tender, suffix: str, language: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    """A tender's document as a download that says its language: in the Content-Language header, and in the file
    name when it is not the tender's own language (notebooks-human-rights-annex-fr.docx)."""
    if language != tender.language:
        stem, dot, extension = suffix.partition(".")
        suffix = f"{stem}-{language}{dot}{extension}"
    response = attachment(body, filename_from_title(tender.title, suffix, default="tender"))
    response["Content-Language"] = language
    return response


@login_required
def tender_list_page(request: HttpRequest) -> HttpResponse:
    framework = get_tender_framework()
    consultation = None
    recommended = None
    preselected_because = ""
    procurement = None
    if request.GET.get("procurement"):  # from the procurement's page: its newest consultation and assessment
        procurement = procurement_get(user=request.user, public_id=request.GET["procurement"])
        consultation = procurement_latest_steps(procurement)["consultation"]
    if request.GET.get("consultation"):  # its own, or one it co-owns (issue 16)
        consultation = consultation_get(user=request.user, public_id=request.GET["consultation"], joint=True)
    if consultation is not None:
        # a consultation co-owned with another organisation belongs to the owner's procurement, not this one's
        procurement = (
            consultation.procurement if consultation.organisation_id == request.user.organisation_id else None
        )
        # the scenario its co-owners agreed on, else the market's recommendation over the stored verdicts
        recommended, preselected_because = scenario_to_preselect(consultation)
    # the risk assessment of the procurement gives the annex its context
    default_risks = (
        procurement_latest_steps(procurement)["risk_assessment"] if procurement is not None else None
    )
    form = TenderForm(
        request.POST if request.method == "POST" else None,
        user=request.user,
        framework=framework,
        recommended=recommended,
        selected={"procurement": procurement, "consultation": consultation, "risk_assessment": default_risks},
        initial={
            "procurement": str(procurement.public_id) if procurement is not None else "",
            "title": consultation.title
            if consultation is not None
            else procurement.title
            if procurement
            else "",
            "consultation": str(consultation.public_id) if consultation is not None else "",
            "risk_assessment": str(default_risks.public_id) if default_risks is not None else "",
            "scenario": recommended or framework.scenarios[0].scenario,
        },
    )
    if consultation is not None and recommended and preselected_because == "agreed":
        form.fields["scenario"].help_text = _(
            "The organisations running the market consultation agreed on scenario %(scenario)d on %(date)s; it is "
            "pre-selected."
        ) % {"scenario": recommended, "date": timezone.localdate(consultation.agreed_at).isoformat()}
    created = form_create(
        request,
        form,
        partial(services.tender_create, actor=request.user),
        success=_("Tender created. Adjust the weights, then download the annex."),
        refusals=(TenderInputError,),
    )
    if created is not None:
        return created
    list_form = TenderListForm(request.GET, framework=framework)
    page = list_form.paginate(
        selectors.tender_list(
            user=request.user,
            query=list_form.value("q") or "",
            scenario=list_form.value("scenario"),
            archived=list_form.value("archived") or "",
        )
    )
    return render(
        request,
        "tenders/list.html",
        {
            "page": page,
            "list_form": list_form,
            "framework": framework,
            "recommended": recommended,
            "default_risks": default_risks,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def tender_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    annex = services.tender_annex(tender)
    fmt = request.GET.get("format", "")
    download_form = AnnexDownloadForm(request.GET if fmt else None, tender_language=tender.language)
    if fmt in ANNEX_FORMATS and not download_form.is_valid():
        return _detail_page(request, tender, annex, download_form=download_form)
    if fmt in ANNEX_FORMATS:
        # the annex as published, in the tender's language (or the one asked for) whatever the page's: the buyer,
        # the tender's reference, the number and date asked with the download
        language = download_form.language_value()
        with translation.override(language):
            annex = services.tender_annex(tender)  # its risk notes in that language
            header = documents.document_header(
                tender,
                number=download_form.number_value(),
                date=download_form.date_value(timezone.localdate()),
            )
            choices = services.tender_choices(tender)
            if fmt == "docx":
                body: str | bytes = documents.annex_docx(annex, header=header, choices=choices)
            elif fmt == "md":
                body = documents.annex_markdown(annex, header=header, choices=choices)
            elif fmt == "html":
                body = documents.annex_html(annex, header=header, choices=choices)
            elif fmt == "json":
                body = documents.annex_json(annex)
            else:
                package = ocds.tender_release_package(tender, annex=annex)
                body = json.dumps(package, indent=2, ensure_ascii=False)
        return _document(body, tender, f"-human-rights-annex.{ANNEX_FORMATS[fmt]}", language)
    form = TenderParametersForm(
        request.POST if request.method == "POST" else None,
        tender=tender,
        annex=annex,
        auto_id="parameters_%s",
        version=tender.version,
    )
    choices_form = _choices_form(tender, annex, request.POST if request.method == "POST" else None)
    if form.is_bound and all([form.is_valid(), choices_form.is_valid()]):
        choices = choices_form.choices() if choices_form.given() else None  # else the label's checkbox
        try:
            services.tender_update(
                actor=request.user,
                tender=tender,
                months=form.cleaned_data["months"],
                weights=form.weights(),
                require_label=form.cleaned_data["require_label"]
                if choices is None
                else choices.require_label,
                choices=choices,
                language=form.cleaned_data.get("language") or None,
                version=form.cleaned_data.get("version"),
            )
        except (TenderInputError, InputError, PermissionDenied) as exc:
            (
                choices_form if str(getattr(exc, "field", "")).startswith("choices.") else form
            ).add_service_error(exc)
        else:
            messages.success(request, _("Parameters saved."))
            return redirect(tender)
    return _detail_page(request, tender, annex, parameters_form=form, choices_form=choices_form)


def _choices_form(tender, annex, data=None) -> TenderChoicesForm:  # type: ignore[no-untyped-def]
    """The buyer's choices; AC7's scoring is asked only when the tender's scenario has AC7."""
    return TenderChoicesForm(
        data,
        choices=services.tender_choices(tender),
        ask_due_diligence=any(i.criterion.rule.type == "due_diligence" for i in annex.items),
    )


def _detail_page(  # type: ignore[no-untyped-def]
    request: HttpRequest,
    tender,
    annex,
    *,
    parameters_form: TenderParametersForm | None = None,
    upload_form: BidsUploadForm | None = None,
    choices_form: TenderChoicesForm | None = None,
    download_form: AnnexDownloadForm | None = None,
) -> HttpResponse:
    """The tender's page with its parameter and bid forms as given (400 when one holds errors)."""
    parameters_form = parameters_form or TenderParametersForm(
        tender=tender, annex=annex, auto_id="parameters_%s"
    )
    upload_form = upload_form or BidsUploadForm(auto_id="bids_%s")
    choices_form = choices_form or _choices_form(tender, annex)
    download_form = download_form or AnnexDownloadForm(tender_language=tender.language)
    # the annex as it will be published, with the buyer's notes the published one leaves out
    doc = documents.annex_document(
        annex,
        header=documents.document_header(tender, number=_("Annex 1")),
        choices=services.tender_choices(tender),
        published=False,
    )
    list_form = EvaluationListForm(request.GET)
    evaluations = list_form.paginate(
        selectors.bid_evaluation_list(tender=tender, bidder=list_form.value("bidder") or "")
    )
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
            "recommendation_change": selectors.tender_recommendation_change(tender),
            "annex": annex,
            "sections": sections,
            "title": tender.title,
            "parameters_form": parameters_form,
            "upload_form": upload_form,
            "evaluations": evaluations,
            "page": evaluations,
            "list_form": list_form,
            "formats": ANNEX_FORMATS,
            "doc": doc,
            "choices_form": choices_form,
            "download_form": download_form,
            "readings": documents.buyer_readings(tender, annex),
        },
        status=400
        if parameters_form.errors or upload_form.errors or choices_form.errors or download_form.errors
        else 200,
    )


@login_required
@require_POST
def bids_evaluate(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    form = BidsUploadForm(request.POST, request.FILES, auto_id="bids_%s")
    if form.is_valid():
        try:
            stored, _evaluation = services.bid_evaluation_create(
                actor=request.user, tender=tender, bids=form.cleaned_data["bids"]
            )
        except (TenderInputError, InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            return redirect("tenders:evaluation", public_id=tender.public_id, pk=stored.pk)
    return _detail_page(request, tender, services.tender_annex(tender), upload_form=form)


@login_required
def evaluation_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    stored = selectors.bid_evaluation_get(tender=tender, pk=pk)
    # as it was made, whatever the framework says today; its reasons said in the reader's language
    evaluation = Evaluation.from_dict(stored.result, stored.texts)
    fmt = request.GET.get("format", "")
    # the report's date (?date=YYYY-MM-DD; empty: today) and its language (?language=; empty: the tender's)
    date_form = ReportDateForm(request.GET, tender_language=tender.language)
    valid = date_form.is_valid()
    today = timezone.localdate()
    header = documents.document_header(tender, date=date_form.date_value(today) if valid else today)
    if fmt and not valid:
        fmt = ""  # the page says what is wrong with the date or the language instead of a download
    if fmt in ("docx", "xlsx"):
        language = date_form.language_value()
        with translation.override(language):  # the tender's documents, whatever the page's language
            if fmt == "docx":
                body = documents.evaluation_docx(evaluation, header=header, evaluated_at=stored.created_at)
            else:
                body = documents.evaluation_xlsx(evaluation)
        return _document(body, tender, f"-evaluation.{fmt}", language)
    if fmt:
        raise Http404("unknown format")
    ranked = sorted(evaluation.bids, key=lambda b: (b.rank is None, b.rank or 0, b.bidder))
    return render(
        request,
        "tenders/evaluation.html",
        {
            "tender": tender,
            "stored": stored,
            "evaluation": evaluation,
            "ranked": ranked,
            "report": documents.award_report(evaluation, header=header, evaluated_at=stored.created_at),
            "date_form": date_form,
        },
        status=200 if valid else 400,
    )
