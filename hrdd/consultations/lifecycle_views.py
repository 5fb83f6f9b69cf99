"""Pages that undo mistakes in a consultation: edit, archive, restore, delete; an invitation's edit, resend,
withdraw, restore and delete; reopening a response (confirmed); replacing the answers of a refused import.

Thin: they parse, call hrdd.consultations.lifecycle and redirect (post/redirect/get). A refused change is shown
as a message (or beside its field); a viewer's attempt is refused with 403, another organisation's record is 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrdd.accounts.services import require_writer
from hrdd.consultations import lifecycle, selectors, services
from hrdd.consultations.forms import ConsultationEditForm, InvitationEditForm, ReopenForm
from hrdd.consultations.models import Consultation, Invitation
from hrdd.core.archive import ConfirmForm, act, confirm_page, edit_page
from hrdd.core.errors import InputError
from hrdd.core.tasks import task_run_get


def _consultation(request: HttpRequest, public_id: str, *, write: bool = True) -> Consultation:
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)  # 404 if not ours
    if write:
        require_writer(request.user, consultation.organisation)  # 403 for a viewer
    return consultation


def _invitation(request: HttpRequest, public_id: str, pk: int) -> tuple[Consultation, Invitation]:
    consultation = _consultation(request, public_id)
    return consultation, selectors.invitation_get(user=request.user, consultation=consultation, pk=pk)


def _act(request: HttpRequest, change: Callable[[], Any], *, done: str, back: str) -> HttpResponse:
    return act(request, change, done=done, back=back, refusals=(services.ConsultationError,))


def _response_url(invitation: Invitation) -> str:
    return reverse("consultations:response", args=[invitation.consultation.public_id, invitation.pk])


# the consultation


@login_required
def consultation_edit_page(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = _consultation(request, public_id)
    initial = {
        "title": consultation.title,
        "product_category": consultation.product_category,
        "deadline": consultation.deadline,
    }
    form = ConsultationEditForm(
        request.POST if request.method == "POST" else None, initial=initial, version=consultation.version
    )
    if form.is_bound and form.is_valid():
        try:
            lifecycle.consultation_update(actor=request.user, consultation=consultation, **form.cleaned_data)
        except (services.ConsultationError, InputError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Consultation saved."))
            return redirect(consultation)
    return edit_page(
        request,
        form=form,
        heading=_("Edit %s") % consultation.title,
        back_url=consultation.get_absolute_url(),
        back_label=consultation.title,
        hints=[
            _(
                "A new deadline must be today or later. Answers already submitted are marked late or on time "
                "again against it."
            )
        ],
    )


@login_required
@require_POST
def consultation_archive(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = _consultation(request, public_id)
    return _act(
        request,
        lambda: lifecycle.consultation_archive(actor=request.user, consultation=consultation),
        done=_("Archived: the consultation is hidden from the list. Restore it here at any time."),
        back=consultation.get_absolute_url(),
    )


@login_required
@require_POST
def consultation_restore(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = _consultation(request, public_id)
    return _act(
        request,
        lambda: lifecycle.consultation_restore(actor=request.user, consultation=consultation),
        done=_("Restored: the consultation is back in the list."),
        back=consultation.get_absolute_url(),
    )


@login_required
def consultation_delete_page(request: HttpRequest, public_id: str) -> HttpResponse:
    consultation = _consultation(request, public_id)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, delete this consultation and its invitations."),
    )
    blockers = lifecycle.consultation_delete_blockers(consultation)
    if form.is_bound and form.is_valid() and not blockers:
        try:
            lifecycle.consultation_delete(actor=request.user, consultation=consultation)
        except services.ConsultationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Deleted the consultation %s.") % consultation.title)
            return redirect("consultations:list")
    invited = consultation.invitations.count()
    return confirm_page(
        request,
        form=form,
        heading=_("Delete %s?") % consultation.title,
        back_url=consultation.get_absolute_url(),
        back_label=consultation.title,
        action_label=_("Delete the consultation"),
        explanation=[
            ngettext(
                "Deleting removes the consultation and its %(count)d invitation for good; its link stops working. "
                "The procurement stays. The audit log keeps a record of what was deleted.",
                "Deleting removes the consultation and its %(count)d invitations for good; their links stop "
                "working. The procurement stays. The audit log keeps a record of what was deleted.",
                invited,
            )
            % {"count": invited}
        ],
        blockers=blockers,
        refused_title=_("This consultation cannot be deleted:"),
        alternative_url=reverse("consultations:archive", args=[consultation.public_id])
        if consultation.archived_at is None
        else "",
        alternative_label=_("Archive it instead"),
    )


# invitations and responses


@login_required
def invitation_edit_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation, invitation = _invitation(request, public_id, pk)
    initial = {"email": invitation.email, "company": invitation.company_name, "language": invitation.language}
    form = InvitationEditForm(
        request.POST if request.method == "POST" else None, initial=initial, user=request.user
    )
    if form.is_bound and form.is_valid():
        try:
            lifecycle.invitation_update(actor=request.user, invitation=invitation, **form.cleaned_data)
        except (services.ConsultationError, InputError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Invitation saved. The supplier's link has not changed."))
            return redirect(_response_url(invitation))
    return edit_page(
        request,
        form=form,
        heading=_("Edit the invitation of %s") % invitation,
        back_url=_response_url(invitation),
        back_label=str(invitation),
        hints=[
            _(
                "The link stays the same. To e-mail it to a new address, save, then press “Send the link again”."
            )
        ],
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation, invitation = _invitation(request, public_id, pk)
    return _act(
        request,
        lambda: lifecycle.invitation_resend(actor=request.user, invitation=invitation),
        done=_("The link was e-mailed again to %s (the same link as before).") % invitation.email,
        back=_response_url(invitation),
    )


@login_required
def invitation_withdraw_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation, invitation = _invitation(request, public_id, pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, withdraw it: the link stops working and the answers stop counting."),
    )
    if form.is_bound and form.is_valid():
        try:
            lifecycle.invitation_withdraw(actor=request.user, invitation=invitation)
        except services.ConsultationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Withdrawn: %s's link no longer works. You can restore it.") % invitation
            )
            return redirect(_response_url(invitation))
    return confirm_page(
        request,
        form=form,
        heading=_("Withdraw the invitation of %s?") % invitation,
        back_url=_response_url(invitation),
        back_label=str(invitation),
        action_label=_("Withdraw"),
        explanation=[
            _("The supplier's link stops working; whoever opens it is told the invitation was withdrawn."),
            _(
                "Answers already given are kept but no longer count in the recommendation. Restoring the "
                "invitation undoes all of this."
            ),
        ],
    )


@login_required
@require_POST
def invitation_restore(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation, invitation = _invitation(request, public_id, pk)
    return _act(
        request,
        lambda: lifecycle.invitation_restore(actor=request.user, invitation=invitation),
        done=_("Restored: the link works again and submitted answers count again."),
        back=_response_url(invitation),
    )


@login_required
def invitation_delete_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation, invitation = _invitation(request, public_id, pk)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, label=_("Yes, delete this invitation.")
    )
    blockers = (
        [
            _(
                "The supplier has submitted answers: withdraw the invitation instead, so that they stop counting."
            )
        ]
        if invitation.is_submitted
        else []
    )
    if form.is_bound and form.is_valid() and not blockers:
        try:
            lifecycle.invitation_delete(actor=request.user, invitation=invitation)
        except services.ConsultationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Deleted the invitation of %s.") % invitation)
            return redirect(consultation)
    return confirm_page(
        request,
        form=form,
        heading=_("Delete the invitation of %s?") % invitation,
        back_url=_response_url(invitation),
        back_label=str(invitation),
        action_label=_("Delete the invitation"),
        explanation=[
            _("The link stops working and any draft the supplier saved is deleted with the invitation.")
        ],
        blockers=blockers,
        refused_title=_("This invitation cannot be deleted:"),
        alternative_url=reverse("consultations:withdraw", args=[consultation.public_id, invitation.pk])
        if not invitation.is_withdrawn
        else "",
        alternative_label=_("Withdraw it instead"),
    )


@login_required
def response_reopen_page(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    consultation, invitation = _invitation(request, public_id, pk)
    form = ReopenForm(request.POST if request.method == "POST" else None, auto_id="reopen_%s")
    if form.is_bound and form.is_valid():
        try:
            services.invitation_reopen(actor=request.user, invitation=invitation)
        except (services.ConsultationError, InputError) as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Reopened: %s can change and submit the answers again.") % invitation)
            return redirect(consultation)
    return confirm_page(
        request,
        form=form,
        heading=_("Reopen the answers of %s?") % invitation,
        back_url=_response_url(invitation),
        back_label=str(invitation),
        action_label=_("Reopen for changes"),
        explanation=[
            _(
                "The supplier can change the answers through the same link and must submit them again. Until "
                "then they no longer count in the recommendation."
            )
        ],
        danger=False,
    )


@login_required
@require_POST
def import_replace(request: HttpRequest, public_id: str, run_id: str) -> HttpResponse:
    consultation = _consultation(request, public_id)
    run = task_run_get(user=request.user, public_id=run_id)
    try:
        lifecycle.responses_import_replace(actor=request.user, consultation=consultation, run=run)
    except (services.ConsultationError, InputError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Importing again, replacing the earlier answers; the progress is shown below.")
        )
    return redirect(consultation)
