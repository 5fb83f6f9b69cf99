"""Pages of the answers to NGO assessments: the list, a new answer, the answer's page (per criterion the question,
guidance, our answer, its evidence and the reviewer's rating), the letter's details, the evidence page, the status
moves and both exports. Thin: reads and writes through hrdd.programmes.ngo."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hrdd.core.downloads import attachment, filename_from_title, open_stored
from hrdd.core.errors import InputError, NotFound
from hrdd.core.forms import form_create
from hrdd.core.models import active_organisation_id
from hrdd.core.texts import localize
from hrdd.programmes import ngo
from hrdd.programmes.models import NgoAnswer, NgoEvidence, NgoResponse
from hrdd.programmes.ngo_exports import letter_docx, table_xlsx
from hrdd.programmes.ngo_forms import (
    AnswerForm,
    EvidenceForm,
    NgoCreateForm,
    NgoLetterForm,
    NgoListForm,
    RatingForm,
    TransitionForm,
)
from hrdd.rmi.selectors import metal_summaries

EVIDENCE_KINDS = [k for k, _label in NgoEvidence.Kind.choices]
MOVE_LABELS = {
    NgoResponse.Status.IN_REVIEW: gettext_lazy("Send for review"),
    NgoResponse.Status.DRAFT: gettext_lazy("Back to draft"),
    NgoResponse.Status.FINAL: gettext_lazy("Mark final"),
}


def _writer_or_403(request: HttpRequest, response: NgoResponse) -> None:
    if not request.user.can_write_in(response.organisation_id):  # type: ignore[union-attr]
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))


# -- list and create ---------------------------------------------------------------------------------------------


@login_required
def ngo_list_page(request: HttpRequest) -> HttpResponse:
    form = NgoListForm(request.GET)
    page = form.paginate(ngo.ngo_response_list(user=request.user, status=form.value("status") or ""))
    titles = dict(ngo.framework_choices())
    return render(
        request,
        "programmes/ngo_list.html",
        {
            "page": page,
            "list_form": form,
            "titles": titles,
            "can_write": request.user.can_write_in(active_organisation_id(request.user)),  # type: ignore[union-attr]
        },
    )


@login_required
def ngo_create_page(request: HttpRequest) -> HttpResponse:
    if not request.user.can_write_in(active_organisation_id(request.user)):  # type: ignore[union-attr]
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))
    frameworks = ngo.framework_choices()
    form = NgoCreateForm(
        request.POST if request.method == "POST" else None,
        frameworks=frameworks,
        initial={"framework_key": request.GET.get("framework", "")},
    )

    def write(**data: Any) -> NgoResponse:
        return ngo.ngo_response_create(actor=request.user, **data)  # type: ignore[arg-type]

    sent = form_create(request, form, write, success=_("The answer is begun as a draft."))
    if sent is not None:
        return sent
    frameworks_shown = [ngo.framework_for(key) for key, _title in frameworks]
    return render(
        request,
        "programmes/ngo_create.html",
        {"form": form, "frameworks": frameworks_shown},
        status=400 if form.errors else 200,
    )


# -- the answer's page -------------------------------------------------------------------------------------------


def _levels(framework: Any) -> list[tuple[str, str]]:
    return [(level.key, localize(level.label)) for level in framework.scale.levels]


def _response_page(
    request: HttpRequest,
    response: NgoResponse,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Draw the answer's page; `bound` holds a refused form to show in place of its fresh one:
    {"answer": key, "form": form, "saved": NgoAnswer} | {"rate": key, "form": form} | {"status": form}."""
    bound = bound or {}
    framework = ngo.framework_of(response)
    rows = ngo.ngo_rows(response, framework)
    review = ngo.ngo_review(framework, rows)
    writable = ngo.may_write(request.user, response)
    can_write = request.user.can_write_in(response.organisation_id)  # type: ignore[union-attr]
    criteria = []
    for row in rows:
        key = row.criterion.key
        answer = row.answer
        version = answer.version if answer else None
        answer_form = (
            bound["form"]
            if bound.get("answer") == key
            else AnswerForm(
                initial={"text": answer.text if answer else "", "version": version}, auto_id=f"a_{key}_%s"
            )
        )
        rating_form = (
            bound["form"]
            if bound.get("rate") == key
            else RatingForm(
                initial={
                    "rating": answer.rating if answer else "",
                    "note": answer.review_note if answer else "",
                    "version": version,
                },
                levels=_levels(framework),
                auto_id=f"r_{key}_%s",
            )
        )
        level = None
        if answer and answer.rating:
            try:
                level = framework.scale.level(answer.rating)
            except KeyError:
                level = None
        criteria.append(
            {
                "row": row,
                "criterion": row.criterion,
                "answer": answer,
                "level": level,
                "answer_form": answer_form,
                "rating_form": rating_form,
                "saved": bound.get("saved") if bound.get("answer") == key else None,
                "evidence": [
                    (e, ngo.evidence_link(e), ngo.evidence_figure(e), ngo.KIND_SHORT.get(e.kind, e.kind))
                    for e in row.evidence
                ],
                "evidence_kinds": [NgoEvidence.Kind(k).label for k in row.criterion.evidence],
            }
        )
    moves = [
        (move, MOVE_LABELS[move])
        for move in ngo.MOVES.get(response.status, ())
        if can_write and (move != NgoResponse.Status.FINAL or review.ready)
    ]
    return render(
        request,
        "programmes/ngo_response.html",
        {
            "response": response,
            "framework": framework,
            "criteria": criteria,
            "review": review,
            "writable": writable,
            "can_write": can_write,
            "moves": moves,
            "status_form": bound.get("status") or TransitionForm(initial={"version": response.version}),
        },
        status=status,
    )


@login_required
def ngo_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _response_page(request, ngo.ngo_response_get(user=request.user, public_id=public_id))


@login_required
@require_POST
def ngo_answer_save(request: HttpRequest, public_id: uuid.UUID, criterion_key: str) -> HttpResponse:
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)
    _writer_or_403(request, response)
    form = AnswerForm(request.POST, auto_id=f"a_{criterion_key}_%s")
    saved = None
    if form.is_valid():
        rated = response.answers.filter(criterion_key=criterion_key).exclude(rating="").exists()
        try:
            answer = ngo.ngo_answer_save(
                actor=request.user,  # type: ignore[arg-type]
                response=response,
                criterion_key=criterion_key,
                text=form.cleaned_data["text"],
                version=form.cleaned_data.get("version"),
            )
        except ngo.NgoStale as exc:
            saved = exc.saved
            form.refuse_stale(str(exc), current=saved.version)
        except InputError as exc:
            form.add_service_error(exc)
        else:
            if rated and not answer.rating:
                messages.success(
                    request,
                    _("The answer is saved. Its text changed, so its rating was withdrawn: rate it again."),
                )
            else:
                messages.success(request, _("The answer is saved."))
            return redirect(f"{response.get_absolute_url()}#criterion-{criterion_key}")
    return _response_page(
        request, response, bound={"answer": criterion_key, "form": form, "saved": saved}, status=400
    )


def _answer(request: HttpRequest, answer_id: uuid.UUID) -> NgoAnswer:
    return NgoAnswer.objects.select_related("response__organisation").get_visible(
        request.user, public_id=answer_id
    )


@login_required
@require_POST
def ngo_answer_rate(request: HttpRequest, answer_id: uuid.UUID) -> HttpResponse:
    answer = _answer(request, answer_id)
    response = answer.response
    _writer_or_403(request, response)
    framework = ngo.framework_of(response)
    form = RatingForm(request.POST, levels=_levels(framework), auto_id=f"r_{answer.criterion_key}_%s")
    if form.is_valid():
        try:
            ngo.ngo_answer_rate(
                actor=request.user,  # type: ignore[arg-type]
                answer=answer,
                rating=form.cleaned_data["rating"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data.get("version"),
            )
        except ngo.NgoStale as exc:
            form.refuse_stale(str(exc), current=exc.saved.version)
        except InputError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The rating is saved."))
            return redirect(f"{response.get_absolute_url()}#criterion-{answer.criterion_key}")
    return _response_page(request, response, bound={"rate": answer.criterion_key, "form": form}, status=400)


@login_required
@require_POST
def ngo_transition(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)
    _writer_or_403(request, response)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            moved = ngo.ngo_response_transition(
                actor=request.user,  # type: ignore[arg-type]
                response=response,
                status=form.cleaned_data["status"],
                version=form.cleaned_data.get("version"),
                reason=form.cleaned_data["reason"],
            )
        except ngo.NgoStale as exc:
            form.add_error(None, str(exc))
        except InputError as exc:
            if exc.field in form.fields:
                form.add_service_error(exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The answer is now: %s.") % NgoResponse.Status(moved.status).label.lower()
            )
            return redirect(moved)
    return _response_page(request, response, bound={"status": form}, status=400)


# -- the letter's details ----------------------------------------------------------------------------------------


@login_required
def ngo_edit_page(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)
    _writer_or_403(request, response)
    if response.status == NgoResponse.Status.FINAL:
        messages.info(request, _("This answer is final: reopen it to change the letter."))
        return redirect(response)
    initial = {name: getattr(response, name) for name in ngo.LETTER_FIELDS} | {"version": response.version}
    form = NgoLetterForm(request.POST if request.method == "POST" else None, initial=initial)
    stale = None
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            saved = ngo.ngo_response_update(actor=request.user, response=response, version=version, **data)  # type: ignore[arg-type]
        except ngo.NgoStale as exc:
            stale = exc.saved
            form.refuse_stale(
                str(exc) + " " + _("Their version is shown below; your typing is kept."),
                current=stale.version,
            )
        except InputError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The letter's details are saved."))
            return redirect(saved)
    return render(
        request,
        "programmes/ngo_edit.html",
        {"response": response, "form": form, "stale": stale},
        status=400 if form.errors else 200,
    )


# -- evidence ----------------------------------------------------------------------------------------------------


def _record(request: HttpRequest, kind: str, public_id: str) -> Any:
    getters = {
        "kpi": ngo.kpi_get,
        "programme": ngo.programme_get,
        "incident": ngo.incident_get,
        "certification": ngo.certification_get,
    }
    try:
        return getters[kind](user=request.user, public_id=public_id)  # type: ignore[operator]
    except NotFound:
        return None


@login_required
def ngo_evidence_page(request: HttpRequest, answer_id: uuid.UUID) -> HttpResponse:
    """Cite evidence for one criterion's answer: a record of hrdd (its figure is kept as it is now), a document or
    a link. Each kind has its own small form."""
    answer = _answer(request, answer_id)
    response = answer.response
    _writer_or_403(request, response)
    if response.status == NgoResponse.Status.FINAL:
        messages.info(request, _("This answer is final: reopen it to change its evidence."))
        return redirect(response)
    framework = ngo.framework_of(response)
    criterion = framework.criterion(answer.criterion_key)
    choices = ngo.evidence_choices(user=request.user)  # type: ignore[arg-type]
    posted_kind = request.POST.get("kind", "") if request.method == "POST" else ""
    forms = {}
    for kind in EVIDENCE_KINDS:
        if kind == posted_kind:
            forms[kind] = EvidenceForm(request.POST, request.FILES, kind=kind, choices=choices)
        else:
            forms[kind] = EvidenceForm(kind=kind, choices=choices)
    if posted_kind in forms:
        form = forms[posted_kind]
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("kind", None)
            if posted_kind in ("kpi", "programme", "incident", "certification"):
                data[posted_kind] = _record(request, posted_kind, data[posted_kind])
                if data[posted_kind] is None:
                    form.add_error(posted_kind, _("no such record"))
            if not form.errors:
                try:
                    ngo.ngo_evidence_add(actor=request.user, answer=answer, kind=posted_kind, **data)  # type: ignore[arg-type]
                except InputError as exc:
                    form.add_service_error(exc)
                else:
                    messages.success(request, _("The evidence is cited."))
                    return redirect(f"{response.get_absolute_url()}#criterion-{answer.criterion_key}")
    # the criterion's helpful kinds first, then the others
    order = [*criterion.evidence, *(k for k in EVIDENCE_KINDS if k not in criterion.evidence)]
    cards = [(kind, NgoEvidence.Kind(kind).label, forms[kind], kind in criterion.evidence) for kind in order]
    return render(
        request,
        "programmes/ngo_evidence.html",
        {
            "response": response,
            "answer": answer,
            "criterion": criterion,
            "cards": cards,
            "posted_kind": posted_kind,
            "cited": list(answer.evidence.all()),
            "smelters_empty": not metal_summaries(user=request.user),
        },
        status=400 if posted_kind and forms.get(posted_kind) and forms[posted_kind].errors else 200,
    )


@login_required
@require_POST
def ngo_evidence_remove(request: HttpRequest, evidence_id: uuid.UUID) -> HttpResponse:
    evidence = ngo.ngo_evidence_get(user=request.user, public_id=evidence_id)
    response = evidence.answer.response
    _writer_or_403(request, response)
    try:
        ngo.ngo_evidence_remove(actor=request.user, evidence=evidence)  # type: ignore[arg-type]
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The evidence is taken off the answer."))
    return redirect(f"{response.get_absolute_url()}#criterion-{evidence.answer.criterion_key}")


@login_required
def ngo_evidence_file(request: HttpRequest, evidence_id: uuid.UUID) -> FileResponse:
    evidence = ngo.ngo_evidence_get(user=request.user, public_id=evidence_id)
    if not evidence.document:
        raise Http404("document")
    return FileResponse(
        open_stored(evidence.document, evidence.document_name),
        as_attachment=True,
        filename=evidence.document_name,
    )


# -- exports -----------------------------------------------------------------------------------------------------


@login_required
def ngo_letter(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)
    framework = ngo.framework_of(response)
    body = letter_docx(response, framework, ngo.ngo_rows(response, framework))
    return attachment(body, filename_from_title(response.title, "-letter.docx", default="ngo-letter"))


@login_required
def ngo_table(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    response = ngo.ngo_response_get(user=request.user, public_id=public_id)
    framework = ngo.framework_of(response)
    body = table_xlsx(response, framework, ngo.ngo_rows(response, framework))
    return attachment(body, filename_from_title(response.title, "-answers.xlsx", default="ngo-answers"))
