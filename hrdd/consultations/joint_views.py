"""Pages' buttons for a consultation several buyers run together (issue 16): thin, they parse, call the audited
services of consultations.joint and go back to the page with a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.accounts.selectors import group_choices
from hrdd.consultations import joint, selectors
from hrdd.consultations.forms import CoOwnerInviteForm, ScenarioChoiceForm
from hrdd.core.archive import ConfirmForm, confirm_page
from hrdd.core.errors import InputError
from hrdd.domain.tender import get_tender_framework


def _back(consultation) -> str:  # type: ignore[no-untyped-def]
    return f"{consultation.get_absolute_url()}#joint"


def _say_errors(request: HttpRequest, form) -> None:  # type: ignore[no-untyped-def]
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@login_required
@require_POST
def co_owners_invite(request: HttpRequest, public_id: str) -> HttpResponse:
    """The owner invites organisations, or a group's, to co-own the consultation."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)  # the owner's only
    candidates = selectors.co_owner_candidates(consultation=consultation)
    form = CoOwnerInviteForm(request.POST, organisations=candidates, groups=group_choices(user=request.user))
    if not form.is_valid():
        _say_errors(request, form)
        return redirect(_back(consultation))
    chosen = form.cleaned_data
    group = (
        group_choices(user=request.user).filter(public_id=chosen["group"]).first()
        if chosen["group"]
        else None
    )
    try:
        rows = joint.co_owners_invite(
            actor=request.user,
            consultation=consultation,
            organisations=list(candidates.filter(public_id__in=chosen["organisations"])),
            group=group,
        )
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Invited to co-own this consultation: %(names)s. They see it once they accept.")
            % {"names": ", ".join(r.organisation.name for r in rows)},
        )
    return redirect(_back(consultation))


def _answer(request: HttpRequest, public_id: str, write, done: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    row = selectors.co_owner_get(user=request.user, public_id=public_id)
    try:
        write(actor=request.user, row=row)
    except InputError as exc:
        messages.error(request, str(exc))
        return redirect("consultations:list")
    messages.success(
        request, done % {"title": row.consultation.title, "owner": row.consultation.organisation.name}
    )
    return redirect(row.consultation) if write is joint.co_owner_accept else redirect("consultations:list")


@login_required
@require_POST
def co_owner_accept(request: HttpRequest, public_id: str) -> HttpResponse:
    return _answer(
        request,
        public_id,
        joint.co_owner_accept,
        _("You now run %(title)s with %(owner)s: you see the answers submitted from now on."),
    )


@login_required
@require_POST
def co_owner_decline(request: HttpRequest, public_id: str) -> HttpResponse:
    return _answer(request, public_id, joint.co_owner_decline, _("You declined to co-own %(title)s."))


@login_required
@require_POST
def co_owner_leave(request: HttpRequest, public_id: str) -> HttpResponse:
    return _answer(
        request,
        public_id,
        joint.co_owner_leave,
        _("Your organisation left %(title)s: it no longer sees the consultation."),
    )


def _owners_row(request: HttpRequest, public_id: str, row_id: str):  # type: ignore[no-untyped-def]
    """The consultation (its owner's only) and one row of its co-owners; the reader must speak for the owner."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id)
    if request.user.role not in joint.JOINT_ROLES:
        raise PermissionDenied(
            _(
                "Only an administrator or a procurement officer may act for the organisation in a joint consultation."
            )
        )
    return consultation, joint.co_owner_of(consultation=consultation, public_id=row_id)


@login_required
def co_owner_withdraw_page(request: HttpRequest, public_id: str, row_id: str) -> HttpResponse:
    """The owner withdraws an invitation not answered yet, after a yes."""
    consultation, row = _owners_row(request, public_id, row_id)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, withdraw the invitation of %s.") % row.organisation.name,
    )
    blockers = [refusal] if (refusal := joint.withdraw_refusal(row)) else []
    if form.is_bound and form.is_valid() and not blockers:
        try:
            joint.co_owner_withdraw(actor=request.user, row=row)
        except InputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Withdrew the invitation of %s to co-own this consultation.") % row.organisation.name,
            )
            return redirect(_back(consultation))
    return confirm_page(
        request,
        form=form,
        heading=_("Withdraw the invitation of %s?") % row.organisation.name,
        back_url=_back(consultation),
        back_label=consultation.title,
        action_label=_("Withdraw the invitation"),
        explanation=[
            _(
                "%(organisation)s has not answered yet. Withdrawn, the invitation is gone from its consultations "
                "page and it can no longer accept it; you can invite it again later. The audit log keeps a record."
            )
            % {"organisation": row.organisation.name}
        ],
        blockers=blockers,
        refused_title=_("This invitation cannot be withdrawn:"),
        danger=False,
    )


@login_required
def co_owner_remove_page(request: HttpRequest, public_id: str, row_id: str) -> HttpResponse:
    """The owner removes a co-owner, after a yes."""
    consultation, row = _owners_row(request, public_id, row_id)
    form = ConfirmForm(
        request.POST if request.method == "POST" else None,
        label=_("Yes, remove %s from the co-owners.") % row.organisation.name,
    )
    blockers = [refusal] if (refusal := joint.remove_refusal(row)) else []
    if form.is_bound and form.is_valid() and not blockers:
        try:
            joint.co_owner_remove(actor=request.user, row=row)
        except InputError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%s no longer co-owns this consultation: it no longer sees it or its answers.")
                % row.organisation.name,
            )
            return redirect(_back(consultation))
    return confirm_page(
        request,
        form=form,
        heading=_("Remove %s from the co-owners?") % row.organisation.name,
        back_url=_back(consultation),
        back_label=consultation.title,
        action_label=_("Remove the co-owner"),
        explanation=[
            _(
                "From its next page on, %(organisation)s no longer sees this consultation, its invitations or the "
                "suppliers' answers. Its scenario choice is dropped and the agreement is judged again among the "
                "organisations that stay. Its administrators are told by e-mail; you can invite it again later."
            )
            % {"organisation": row.organisation.name}
        ],
        blockers=blockers,
        refused_title=_("This organisation cannot be removed:"),
    )


@login_required
@require_POST
def scenario_choose(request: HttpRequest, public_id: str) -> HttpResponse:
    """The owner or a co-owner records the scenario it wants."""
    consultation = selectors.consultation_get(user=request.user, public_id=public_id, joint=True)
    form = ScenarioChoiceForm(request.POST, scenarios=get_tender_framework().scenarios)
    if not form.is_valid():
        _say_errors(request, form)
        return redirect(_back(consultation))
    try:
        joint.scenario_choose(
            actor=request.user,
            consultation=consultation,
            scenario=form.cleaned_data["scenario"],
            note=form.cleaned_data["note"],
        )
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        consultation.refresh_from_db(fields=["agreed_scenario", "agreed_at"])
        if consultation.agreed_scenario is not None:
            messages.success(
                request, _("Agreed: every organisation chose scenario %d.") % consultation.agreed_scenario
            )
        else:
            messages.success(request, _("Your choice is recorded."))
    return redirect(reverse("consultations:detail", args=[consultation.public_id]) + "#joint")
