from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from hrdd.audit.selectors import audit_event_list


def home(request: HttpRequest) -> HttpResponse:
    return redirect("consultations:list" if request.user.is_authenticated else "login")


@login_required
def audit_page(request: HttpRequest) -> HttpResponse:
    events = audit_event_list(organisation=request.user.organisation)
    return render(request, "web/audit.html", {"events": events})
