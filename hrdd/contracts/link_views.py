"""The buyer's buttons for a contract's supplier link (issue 17): re-issue it (the new link is e-mailed to the
supplier and shown once, in the message on the next page) or revoke it. Writers only (a viewer gets 403); the
link is never shown on the buyer's pages otherwise."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.contracts import links
from hrdd.contracts.lifecycle_views import _contract
from hrdd.core.archive import act
from hrdd.core.errors import InputError
from hrdd.core.links import absolute_url


@login_required
@require_POST
def contract_link_reissue(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = _contract(request, public_id)  # 403 for a viewer, 404 if not ours
    try:
        fresh = links.contract_link_reissue(actor=request.user, contract=contract)
    except InputError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "New link issued and e-mailed to %(email)s; the old one no longer works. Shown only now: %(link)s"
            )
            % {"email": fresh.supplier_email, "link": absolute_url(fresh.get_supplier_url())},
        )
    return redirect(contract.get_absolute_url())


@login_required
@require_POST
def contract_link_revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    contract = _contract(request, public_id)
    return act(
        request,
        lambda: links.contract_link_revoke(actor=request.user, contract=contract),
        done=_("The supplier's link no longer works. Issue a new one when they need it again."),
        back=contract.get_absolute_url(),
    )
