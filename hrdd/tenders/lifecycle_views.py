"""Pages that undo mistakes in a tender: rename, archive, restore, delete (confirmed). Thin: they parse, call
hrdd.tenders.lifecycle and redirect; a viewer is refused with 403, another organisation's tender is 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hrdd.accounts.services import require_writer
from hrdd.core.archive import ConfirmForm, act, confirm_page, edit_page
from hrdd.core.errors import InputError
from hrdd.core.forms import PageForm
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain.tender import TenderInputError
from hrdd.tenders import lifecycle, selectors
from hrdd.tenders.models import Tender


class TenderEditForm(VersionedFormMixin, PageForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)


def _tender(request: HttpRequest, public_id: str) -> Tender:
    tender = selectors.tender_get(user=request.user, public_id=public_id)  # 404 if not ours
    require_writer(request.user, tender.organisation)  # 403 for a viewer
    return tender


def _act(request: HttpRequest, change: Callable[[], Any], *, done: str, back: str) -> HttpResponse:
    return act(request, change, done=done, back=back, refusals=(TenderInputError,))


@login_required
def tender_edit_page(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = _tender(request, public_id)
    form = TenderEditForm(
        request.POST if request.method == "POST" else None,
        initial={"title": tender.title},
        version=tender.version,
    )
    if form.is_bound and form.is_valid():
        try:
            lifecycle.tender_rename(
                actor=request.user,
                tender=tender,
                title=form.cleaned_data["title"],
                version=form.cleaned_data["version"],
            )
        except (TenderInputError, InputError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Tender saved."))
            return redirect(tender)
    return edit_page(
        request,
        form=form,
        heading=_("Edit %s") % tender.title,
        back_url=tender.get_absolute_url(),
        back_label=tender.title,
        hints=[_("The months, weights and the buyer's choices are changed on the tender's page.")],
    )


@login_required
@require_POST
def tender_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = _tender(request, public_id)
    return _act(
        request,
        lambda: lifecycle.tender_archive(actor=request.user, tender=tender),
        done=_("Archived: the tender is hidden from the list. Restore it here at any time."),
        back=tender.get_absolute_url(),
    )


@login_required
@require_POST
def tender_restore(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = _tender(request, public_id)
    return _act(
        request,
        lambda: lifecycle.tender_restore(actor=request.user, tender=tender),
        done=_("Restored: the tender is back in the list."),
        back=tender.get_absolute_url(),
    )


@login_required
def tender_delete_page(request: HttpRequest, public_id: str) -> HttpResponse:
    tender = _tender(request, public_id)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, label=_("Yes, delete this tender.")
    )
    blockers = lifecycle.tender_delete_blockers(tender)
    if form.is_bound and form.is_valid() and not blockers:
        try:
            lifecycle.tender_delete(actor=request.user, tender=tender)
        except TenderInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Deleted the tender %s.") % tender.title)
            return redirect("tenders:list")
    return confirm_page(
        request,
        form=form,
        heading=_("Delete %s?") % tender.title,
        back_url=tender.get_absolute_url(),
        back_label=tender.title,
        action_label=_("Delete the tender"),
        explanation=[
            _(
                "Deleting removes the tender and its annex settings for good. The procurement, the consultation "
                "and the risk assessment stay. The audit log keeps a record of what was deleted."
            )
        ],
        blockers=blockers,
        refused_title=_("This tender cannot be deleted:"),
        alternative_url=reverse("tenders:archive", args=[tender.public_id])
        if tender.archived_at is None
        else "",
        alternative_label=_("Archive it instead"),
    )
