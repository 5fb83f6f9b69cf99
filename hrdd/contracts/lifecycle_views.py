"""Pages that undo mistakes in a contract: correct it, archive, restore, delete (confirmed). Thin: they parse,
call hrdd.contracts.lifecycle and redirect; a viewer is refused with 403, another organisation's contract is 404."""

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
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from hrdd.accounts.services import require_writer
from hrdd.contracts import lifecycle, selectors
from hrdd.contracts.forms import supplier_language_field
from hrdd.contracts.models import Contract
from hrdd.core.archive import ConfirmForm, act, confirm_page, edit_page
from hrdd.core.errors import InputError
from hrdd.core.forms import PageForm
from hrdd.core.versions import VersionedFormMixin
from hrdd.domain.tender import TenderInputError


class ContractEditForm(VersionedFormMixin, PageForm):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    supplier_email = forms.EmailField(
        label=gettext_lazy("Supplier e-mail address"),
        help_text=gettext_lazy("Reminders and the supplier's link go to this address."),
    )
    supplier_language = supplier_language_field()


def _contract(request: HttpRequest, public_id: str) -> Contract:
    contract = selectors.contract_get(user=request.user, public_id=public_id)  # 404 if not ours
    require_writer(request.user, contract.organisation)  # 403 for a viewer
    return contract


def _act(request: HttpRequest, change: Callable[[], Any], *, done: str, back: str) -> HttpResponse:
    return act(request, change, done=done, back=back, refusals=(TenderInputError,))


@login_required
def contract_edit_page(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = _contract(request, public_id)
    initial = {
        "title": contract.title,
        "supplier_email": contract.supplier_email,
        "supplier_language": contract.supplier_language,
    }
    form = ContractEditForm(
        request.POST if request.method == "POST" else None, initial=initial, version=contract.version
    )
    if form.is_bound and form.is_valid():
        try:
            lifecycle.contract_update(actor=request.user, contract=contract, **form.cleaned_data)
        except (TenderInputError, InputError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Contract saved."))
            return redirect(contract)
    return edit_page(
        request,
        form=form,
        heading=_("Edit %s") % contract.title,
        back_url=contract.get_absolute_url(),
        back_label=contract.title,
        hints=[
            _(
                "The dates and the scenario set the obligations, so they are not changed here. A contract made "
                "with wrong dates can be deleted while the supplier has submitted nothing, and made again."
            )
        ],
    )


@login_required
@require_POST
def contract_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = _contract(request, public_id)
    return _act(
        request,
        lambda: lifecycle.contract_archive(actor=request.user, contract=contract),
        done=_("Archived: the contract and its obligations are hidden from the dashboard. Restore it here."),
        back=contract.get_absolute_url(),
    )


@login_required
@require_POST
def contract_restore(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = _contract(request, public_id)
    return _act(
        request,
        lambda: lifecycle.contract_restore(actor=request.user, contract=contract),
        done=_("Restored: the contract is back on the dashboard."),
        back=contract.get_absolute_url(),
    )


@login_required
def contract_delete_page(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = _contract(request, public_id)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, delete this contract and its obligations."),
    )
    blockers = lifecycle.contract_delete_blockers(contract)
    if form.is_bound and form.is_valid() and not blockers:
        try:
            lifecycle.contract_delete(actor=request.user, contract=contract)
        except TenderInputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Deleted the contract %s.") % contract.title)
            return redirect("contracts:dashboard")
    return confirm_page(
        request,
        form=form,
        heading=_("Delete %s?") % contract.title,
        back_url=contract.get_absolute_url(),
        back_label=contract.title,
        action_label=_("Delete the contract"),
        explanation=[
            ngettext(
                "Deleting removes the contract and its %(count)d obligation for good; the supplier's link stops "
                "working. The procurement, the tender and the supplier's company record stay. The audit log "
                "keeps a record of what was deleted.",
                "Deleting removes the contract and its %(count)d obligations for good; the supplier's link stops "
                "working. The procurement, the tender and the supplier's company record stay. The audit log "
                "keeps a record of what was deleted.",
                contract.obligations.count(),
            )
            % {"count": contract.obligations.count()}
        ],
        blockers=blockers,
        refused_title=_("This contract cannot be deleted:"),
        alternative_url=reverse("contracts:archive", args=[contract.public_id])
        if contract.archived_at is None
        else "",
        alternative_label=_("Archive it instead"),
    )
