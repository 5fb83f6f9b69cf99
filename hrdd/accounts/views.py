"""Account pages, without Django's admin: one's own account and password, an organisation's members and its
invitations to join (managed by its administrators), accepting an invitation, and a forgotten password."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.accounts import selectors, services
from hrdd.accounts.forms import (
    GroupForm,
    GroupMemberForm,
    InvitationListForm,
    InviteForm,
    JoinForm,
    MemberListForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    RoleForm,
    SharedListForm,
    ShareForm,
)
from hrdd.accounts.models import Organisation, Role
from hrdd.accounts.tokens import InvitationUnusable, invitation_from_token, invitation_lifetime
from hrdd.core import links
from hrdd.core.errors import InputError
from hrdd.core.forms import form_write


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    """The user's own account: their address, their organisations and roles, and the way to a new password."""
    return render(request, "accounts/account.html", {"memberships": selectors.memberships_of(request.user)})


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this session logged in; others end with the old password
        messages.success(self.request, _("Your password was changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetRequestForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        # the link points at the installation's own address (HRDD_BASE_URL), not at whatever Host was asked
        self.extra_email_context = {"base_url": links.base_url()}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- members ---------------------------------------------------------------------------------------------------


def _admin(request: HttpRequest) -> bool:
    return bool(request.user.is_organisation_admin)


@login_required
def members_page(request: HttpRequest) -> HttpResponse:
    """The members of the organisation the user works in, a page at a time; administrators manage them."""
    list_form = MemberListForm(request.GET)
    page = list_form.paginate(
        selectors.member_list(
            user=request.user,
            query=list_form.value("q") or "",
            role=list_form.value("role") or "",
            state=list_form.value("state") or "",
        )
    )
    return render(
        request,
        "accounts/members.html",
        {
            "page": page,
            "list_form": list_form,
            "is_admin": _admin(request),
            "pending": selectors.member_invitation_list(user=request.user).count(),
        },
    )


@login_required
def member_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One member: their role (an administrator changes it) and deactivation."""
    membership = selectors.member_get(user=request.user, public_id=public_id)
    form = RoleForm(request.POST if request.method == "POST" else None, initial={"role": membership.role})
    if request.method == "POST":
        if not _admin(request):
            raise PermissionDenied(_("Only an administrator of the organisation may manage its members."))
        write = partial(services.member_role_change, actor=request.user, membership=membership)
        changed = form_write(request, form, write, success=_("Role changed."))
        if changed is not None:
            return redirect("accounts:member", public_id=membership.public_id)
    return render(
        request,
        "accounts/member.html",
        {
            "member": membership,
            "form": form,
            "is_admin": _admin(request),
            "is_self": membership.user_id == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


def _member_action(request: HttpRequest, public_id: str, action: Any, success: str) -> HttpResponse:
    membership = selectors.member_get(user=request.user, public_id=public_id)
    try:
        action(actor=request.user, membership=membership)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success % {"email": membership.user.email})
    return redirect("accounts:member", public_id=membership.public_id)


@login_required
@require_POST
def member_deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _member_action(
        request, public_id, services.member_deactivate, _("%(email)s no longer works in this organisation.")
    )


@login_required
@require_POST
def member_reactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    return _member_action(
        request, public_id, services.member_reactivate, _("%(email)s works in this organisation again.")
    )


# --- invitations to join -----------------------------------------------------------------------------------------


@login_required
def invitations_page(request: HttpRequest) -> HttpResponse:
    """Invite a colleague (administrators), and the invitations still waiting for an answer."""
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not _admin(request):
            raise PermissionDenied(_("Only an administrator of the organisation may manage its members."))
        invited = form_write(
            request,
            form,
            partial(services.member_invite, actor=request.user),
            success=_("Invitation sent."),
        )
        if invited is not None:
            return redirect("accounts:invitations")
    list_form = InvitationListForm(request.GET)
    page = list_form.paginate(selectors.member_invitation_list(user=request.user))
    return render(
        request,
        "accounts/invitations.html",
        {
            "form": form,
            "page": page,
            "list_form": list_form,
            "is_admin": _admin(request),
            "days": invitation_lifetime().days,
        },
        status=400 if form.errors else 200,
    )


def _invitation_action(request: HttpRequest, public_id: str, action: Any, success: str) -> HttpResponse:
    invitation = selectors.member_invitation_get(user=request.user, public_id=public_id)
    try:
        action(actor=request.user, invitation=invitation)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success % {"email": invitation.email})
    return redirect("accounts:invitations")


@login_required
@require_POST
def invitation_resend(request: HttpRequest, public_id: str) -> HttpResponse:
    return _invitation_action(
        request,
        public_id,
        services.member_invitation_resend,
        _("The invitation was sent again to %(email)s; the earlier link no longer works."),
    )


@login_required
@require_POST
def invitation_withdraw(request: HttpRequest, public_id: str) -> HttpResponse:
    return _invitation_action(
        request,
        public_id,
        services.member_invitation_withdraw,
        _("The invitation to %(email)s was withdrawn."),
    )


def join_page(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation's link opens: a new colleague chooses a password; someone with an account logs in
    as the invited address and joins."""
    try:
        invitation = invitation_from_token(token)
    except InvitationUnusable as exc:
        return render(request, "accounts/join_closed.html", {"reason": str(exc)}, status=410)
    existing = selectors.user_by_email(invitation.email)
    context: dict[str, Any] = {
        "invitation": invitation,
        "role": Role(invitation.role).label,
        "existing": existing,
        "login_url": f"{reverse('login')}?next={request.path}",
    }
    if existing is None:
        form = JoinForm(request.POST if request.method == "POST" else None, email=invitation.email)
        accept = partial(services.member_invitation_accept, invitation=invitation)
        if request.method == "POST" and form.is_valid():
            try:
                member = accept(password=form.cleaned_data["password1"])
            except InputError as exc:
                form.add_service_error(exc)
            else:
                login(request, member, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request, _("Welcome to %s. Your account is ready.") % invitation.organisation.name
                )
                return redirect("home")
        context["form"] = form
        return render(request, "accounts/join.html", context, status=400 if form.errors else 200)
    signed_in_as_invitee = request.user.is_authenticated and request.user.pk == existing.pk
    if request.method == "POST" and signed_in_as_invitee:
        try:
            services.member_invitation_accept(invitation=invitation, user=request.user)
        except (InputError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You now work in %s.") % invitation.organisation.name)
            return redirect("home")
    context["signed_in_as_invitee"] = signed_in_as_invitee
    return render(request, "accounts/join.html", context)


# --- sharing records with other organisations (issue 16) ---------------------------------------------------------


def _share_back(record: Any) -> str:
    return f"{record.get_absolute_url()}#sharing"


@login_required
@require_POST
def share_create(request: HttpRequest) -> HttpResponse:
    """The share panel of a record's page: share it with the organisations and/or the group chosen."""
    try:
        record = selectors.shareable_record(
            user=request.user, kind=request.POST.get("kind", ""), public_id=request.POST.get("record", "")
        )
    except InputError as exc:  # a kind of record no page offers to share: nothing to share here
        raise Http404(str(exc)) from exc
    form = ShareForm(
        request.POST,
        organisations=selectors.organisation_choices(user=request.user),
        groups=selectors.group_choices(user=request.user),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_share_back(record))
    chosen = form.cleaned_data
    organisations = list(
        selectors.organisation_choices(user=request.user).filter(public_id__in=chosen["organisations"])
    )
    group = (
        selectors.group_choices(user=request.user).filter(public_id=chosen["group"]).first()
        if chosen["group"]
        else None
    )
    try:
        shares = services.shares_create(
            actor=request.user, record=record, organisations=organisations, group=group, note=chosen["note"]
        )
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(str(share.grantee) for share in shares)
        messages.success(request, _("Shared read-only with %(names)s.") % {"names": names})
    return redirect(_share_back(record))


@login_required
@require_POST
def share_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    """Stop sharing a record with one organisation or group, at once."""
    share = selectors.share_get(user=request.user, public_id=public_id)
    try:
        share = services.share_revoke(actor=request.user, share=share)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(grantee)s no longer sees it.") % {"grantee": share.grantee})
    record = selectors.shared_records(user=request.user, shares=[share]).get(
        (share.record_type, share.record_id)
    )
    return redirect(_share_back(record) if record is not None else "accounts:shared_by_us")


def _kind_choices() -> list[tuple[str, Any]]:
    return [(kind.key, kind.plural) for kind in selectors.SHARE_KINDS]


def _shared_rows(request: HttpRequest, page: Any) -> list[dict[str, Any]]:
    """Each share of a page with its record, seen through the wall (a fixed number of queries per page)."""
    records = selectors.shared_records(user=request.user, shares=page)
    kinds = selectors.KIND_BY_TYPE
    return [
        {
            "share": share,
            "kind": kinds.get(share.record_type),
            "record": records.get((share.record_type, share.record_id)),
        }
        for share in page
    ]


@login_required
def shared_with_us_page(request: HttpRequest) -> HttpResponse:
    """The records other organisations share with the user's organisation, read-only, a page at a time."""
    list_form = SharedListForm(request.GET, kinds=_kind_choices())
    page = list_form.paginate(
        selectors.shares_received(user=request.user, kind=list_form.value("kind") or "")
    )
    return render(
        request,
        "accounts/shared.html",
        {"page": page, "rows": _shared_rows(request, page), "list_form": list_form, "direction": "received"},
    )


@login_required
def shared_by_us_page(request: HttpRequest) -> HttpResponse:
    """The records the user's organisation shares now, with whom and since when, a page at a time."""
    list_form = SharedListForm(request.GET, kinds=_kind_choices())
    page = list_form.paginate(selectors.shares_given(user=request.user, kind=list_form.value("kind") or ""))
    return render(
        request,
        "accounts/shared.html",
        {"page": page, "rows": _shared_rows(request, page), "list_form": list_form, "direction": "given"},
    )


@login_required
def groups_page(request: HttpRequest) -> HttpResponse:
    """The groups of organisations the user's organisation owns or belongs to; administrators create groups."""
    form = GroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not _admin(request):
            raise PermissionDenied(_("Only an administrator of the organisation may create a group."))
        group = form_write(
            request, form, partial(services.group_create, actor=request.user), success=_("Group created.")
        )
        if group is not None:
            return redirect("accounts:group", public_id=group.public_id)
    return render(
        request,
        "accounts/groups.html",
        {"groups": selectors.group_list(user=request.user), "form": form, "is_admin": _admin(request)},
        status=400 if form.errors else 200,
    )


@login_required
def group_page(request: HttpRequest, public_id: str) -> HttpResponse:
    """One group: its members; the owner's administrators add and remove organisations."""
    group = selectors.group_get(user=request.user, public_id=public_id)
    manages = _admin(request) and group.owner_id == request.user.organisation_id
    members = list(group.members.all())
    candidates = Organisation.objects.exclude(pk__in=[m.pk for m in members]).order_by("name")
    form = GroupMemberForm(request.POST if request.method == "POST" else None, organisations=candidates)
    if request.method == "POST":
        if not manages:
            raise PermissionDenied(_("Only an administrator of %s may manage this group.") % group.owner.name)

        def add(organisation: str) -> Any:
            chosen = candidates.filter(public_id=organisation).first()
            if chosen is None:
                raise InputError(_("Choose an organisation."), field="organisation")
            return services.group_member_add(actor=request.user, group=group, organisation=chosen)

        if form_write(request, form, add, success=_("Organisation added to the group.")) is not None:
            return redirect("accounts:group", public_id=group.public_id)
    return render(
        request,
        "accounts/group.html",
        {"group": group, "members": members, "form": form, "manages": manages},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def group_member_remove(request: HttpRequest, public_id: str, organisation_id: str) -> HttpResponse:
    group = selectors.group_get(user=request.user, public_id=public_id)
    organisation = group.members.filter(public_id=organisation_id).first()
    if organisation is None:
        raise Http404("member")
    try:
        services.group_member_remove(actor=request.user, group=group, organisation=organisation)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(organisation)s left the group: it no longer sees what is shared with the group.")
            % {"organisation": organisation.name},
        )
    return redirect("accounts:group", public_id=group.public_id)
