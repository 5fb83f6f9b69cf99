from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.accounts.services import membership_switch
from hrdd.audit.selectors import audit_event_list
from hrdd.core.errors import InputError
from hrdd.web.forms import AuditListForm, OrganisationSwitchForm


def home(request: HttpRequest) -> HttpResponse:
    return redirect("procurements:list" if request.user.is_authenticated else "login")


@login_required
@require_POST
def organisation_switch(request: HttpRequest) -> HttpResponse:
    """Work in another of the user's organisations; every page then shows that organisation's records."""
    form = OrganisationSwitchForm(request.POST)
    try:
        if not form.is_valid():
            raise InputError(_("Choose an organisation."), field="organisation")
        organisation = membership_switch(
            user=request.user, organisation_public_id=form.cleaned_data["organisation"]
        )
    except InputError as exc:  # the switch sits in every page's header: its refusal is told as a message
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You now work in %s.") % organisation.name)
    return redirect("home")


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    list_form = AuditListForm(request.GET)
    page = list_form.paginate(
        audit_event_list(
            organisation=request.user.organisation,
            action=list_form.value("action") or "",
            who=list_form.value("who") or "",
            since=list_form.value("since"),
            until=list_form.value("until"),
        )
    )
    return render(request, "web/audit.html", {"page": page, "events": page, "list_form": list_form})
