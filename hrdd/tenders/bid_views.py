"""Pages for entering bids without JSON: the tender's bid drafts, the bid form, the bid template and its import,
and the evaluation of the drafts. Thin: they parse, call hrdd.tenders.bids, and render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.core.downloads import attachment, filename_from_title, open_stored
from hrdd.core.errors import InputError
from hrdd.domain.tender import BidResult, Criterion, TenderInputError, number_text
from hrdd.tenders import bids, documents, selectors, services
from hrdd.tenders.forms import BidDraftForm, BidDraftListForm, BidImportForm
from hrdd.tenders.models import BidDraft, Tender


def _json_example(tender: Tender) -> str:
    example = bids.JSON_EXAMPLES.get(tender.scenario)
    return json.dumps(example, indent=2, ensure_ascii=False) if example else ""


def _cells(
    preview: BidResult | None, criteria: list[Criterion], *, marks: tuple[str, str] = ("✓", "✗")
) -> list[tuple[str, str]]:
    """What the rules read in one bid alone, per criterion: (what to show, the reason), written as the award
    report writes them: an award criterion's share in per cent, a requirement met or not, the reason a sentence."""
    if preview is None:
        return [("—", "") for _c in criteria]
    met, not_met = marks
    cells = []
    for criterion in criteria:
        reason = documents.sentence(preview.fraction_reasons.get(criterion.id, ""))
        fraction = preview.fractions.get(criterion.id)
        if criterion.kind == "award":
            cells.append((documents.share(fraction) if fraction is not None else "—", reason))
        elif criterion.kind == "selection":
            cells.append((met if fraction else not_met, reason))
        else:  # the label: read when given, else the reason the bid is not admitted
            missing = next((r for r in preview.reasons if r.startswith(criterion.id)), "")
            cells.append((not_met, documents.sentence(missing)) if missing else (met, reason))
    return cells


def _preview_context(tender: Tender, draft: BidDraft | None, parts: list[bids.Part]) -> dict[str, Any]:
    """What the rules read in a saved draft alone: its notes and a row per criterion, as sentences."""
    preview = bids.bid_preview(tender, draft.bid) if draft is not None else None
    if preview is None:
        return {"preview": None}
    criteria = [c for part in parts for c in part.criteria]
    # the abnormally-low flag compares the bids with each other: it waits for the evaluation
    notes = [documents.sentence(r) for r in preview.reasons if not r.startswith("possibly")]
    cells = _cells(preview, criteria, marks=(_("met"), _("not met")))
    return {
        "preview": preview,
        "preview_notes": notes,
        "preview_rows": list(zip(criteria, cells, strict=True)),
    }


def _bids_page(
    request: HttpRequest, tender: Tender, import_form: BidImportForm | None = None
) -> HttpResponse:
    import_form = import_form or BidImportForm(auto_id="import_%s")
    list_form = BidDraftListForm(request.GET)
    page = list_form.paginate(bids.bid_draft_list(tender=tender))
    parts = bids.bid_parts(tender)
    criteria = [c for part in parts for c in part.criteria]
    framework = services.tender_framework(tender)
    currency = services.tender_choices(tender).currency
    rows = []
    for draft in page:
        preview = bids.bid_preview(tender, draft.bid, framework)
        price = documents.money(draft.price, currency)
        rows.append((draft, price, preview.admitted if preview else None, _cells(preview, criteria)))
    return render(
        request,
        "tenders/bids.html",
        {
            "tender": tender,
            "page": page,
            "rows": rows,
            "criteria": criteria,
            "list_form": list_form,
            "import_form": import_form,
            "json_example": _json_example(tender),
            "json_fields": bids.JSON_FIELDS,
        },
        status=400 if import_form.errors else 200,
    )


@login_required
def bids_page(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    return _bids_page(request, tender)


def _draft_page(request: HttpRequest, tender: Tender, draft: BidDraft | None) -> HttpResponse:
    parts = bids.bid_parts(tender)
    files = list(draft.files.all()) if draft is not None else []
    initial: dict[str, Any] = {}
    if draft is not None:
        initial = {**draft.entries, "price": number_text(draft.price), "version": draft.version}
    form = BidDraftForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        parts=parts,
        files_attached=files,
        initial=initial,
        auto_id="bid_%s",
    )
    if form.is_bound and form.is_valid():
        try:
            saved = bids.bid_draft_save(
                actor=request.user,
                tender=tender,
                entries=form.entries(),
                draft=draft,
                version=form.cleaned_data.get("version"),
                uploads=form.uploads(),
                remove=form.removals(),
            )
        except bids.BidEntryError as exc:
            form.add_entry_errors(exc.problems)
        except bids.StaleDraft as exc:
            form.add_error(None, str(exc))
        except (TenderInputError, InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The bid of %s is saved as a draft.") % saved.bidder)
            if request.POST.get("then") == "another":
                return redirect("tenders:bid_new", public_id=tender.public_id)
            return redirect("tenders:bids", public_id=tender.public_id)
    return render(
        request,
        "tenders/bids_form.html",
        {
            "tender": tender,
            "draft": draft,
            "form": form,
            "groups": form.groups(),
            **_preview_context(tender, draft, parts),
        },
        status=400 if form.errors else 200,
    )


@login_required
def bid_new_page(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    return _draft_page(request, tender, None)


@login_required
def bid_page(request: HttpRequest, public_id: str, bid_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    return _draft_page(request, tender, bids.bid_draft_get(tender=tender, public_id=bid_id))


@login_required
@require_POST
def bid_delete(request: HttpRequest, public_id: str, bid_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    draft = bids.bid_draft_get(tender=tender, public_id=bid_id)
    bids.bid_draft_delete(actor=request.user, draft=draft)
    messages.success(request, _("The bid of %s is deleted.") % draft.bidder)
    return redirect("tenders:bids", public_id=tender.public_id)


@login_required
def bid_file(request: HttpRequest, public_id: str, bid_id: str, part: str) -> FileResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    draft = bids.bid_draft_get(tender=tender, public_id=bid_id)
    evidence = bids.bid_file_get(draft=draft, part=part)
    return attachment(
        open_stored(evidence.file, evidence.filename), evidence.filename, content_type=evidence.content_type
    )


@login_required
def bids_template(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    return attachment(
        bids.bid_template(tender), filename_from_title(tender.title, "-bid-template.xlsx", default="tender")
    )


@login_required
@require_POST
def bids_import(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    form = BidImportForm(request.POST, request.FILES, auto_id="import_%s")
    if form.is_valid():
        try:
            drafts = bids.bid_template_import(
                actor=request.user,
                tender=tender,
                upload=form.cleaned_data["file"],
                replace=form.cleaned_data["replace"],
            )
        except bids.BidImportError as exc:
            for problem in exc.problems:
                form.add_error("file", problem)
        except (TenderInputError, InputError, PermissionDenied) as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                _("%(count)d bid(s) imported as drafts: %(names)s.")
                % {"count": len(drafts), "names": ", ".join(d.bidder for d in drafts)},
            )
            return redirect("tenders:bids", public_id=tender.public_id)
    return _bids_page(request, tender, import_form=form)


@login_required
@require_POST
def bids_evaluate_drafts(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = selectors.tender_get(user=request.user, public_id=public_id)
    try:
        stored, _evaluation = bids.bid_drafts_evaluate(actor=request.user, tender=tender)
    except (TenderInputError, InputError) as exc:
        messages.error(request, str(exc))
        return redirect("tenders:bids", public_id=tender.public_id)
    return redirect("tenders:evaluation", public_id=tender.public_id, pk=stored.pk)
