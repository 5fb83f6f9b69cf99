"""The buyer's buttons for a supplier's consultation link (issue 17): re-issue it (the new link is e-mailed to the
supplier and shown once, in the message on the next page) or revoke it. Writers only (a viewer gets 403); the
link is never shown on the buyer's pages otherwise."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.consultations import links, services
from hrdd.consultations.lifecycle_views import _invitation, _response_url
from hrdd.core.archive import act
from hrdd.core.errors import InputError
from hrdd.core.linktokens import reissued_message


@login_required
@require_POST
def invitation_link_reissue(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    _consultation, invitation = _invitation(request, public_id, pk)  # 403 for a viewer, 404 if not ours
    try:
        fresh = links.invitation_link_reissue(actor=request.user, invitation=invitation)
    except (InputError, services.ConsultationError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, reissued_message(email=fresh.email, link=services.supplier_link(fresh)))
    return redirect(_response_url(invitation))


@login_required
@require_POST
def invitation_link_revoke(request: HttpRequest, public_id: str, pk: int) -> HttpResponse:
    _consultation, invitation = _invitation(request, public_id, pk)
    return act(
        request,
        lambda: links.invitation_link_revoke(actor=request.user, invitation=invitation),
        done=_("The supplier's link no longer works. Issue a new one when they need it again."),
        back=_response_url(invitation),
        refusals=(services.ConsultationError,),
    )
