"""Pages for background work: a run's progress (a page, and the fragment its page polls), retry, the list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from hrdd.core import tasks
from hrdd.core.errors import InputError, NotFound
from hrdd.core.models import TaskRun


def task_run_context(
    run: TaskRun, *, progress_url: str, retry_url: str = "", result_url: str | None = None
) -> dict[str, Any]:
    """What the `core/_task_run.html` fragment needs; other apps pass their own URLs (e.g. a secret link's)."""
    return {
        "run": run,
        "progress_url": progress_url,
        "retry_url": retry_url,
        "result_url": run.result_url if result_url is None else result_url,
    }


def task_run_fragment(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The fragment alone, as the polling script fetches it (never cached: it changes every second)."""
    response = render(request, "core/_task_run.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _visible_run(request: HttpRequest, public_id: Any) -> TaskRun:
    try:
        return tasks.task_run_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404("task not found") from exc


def _context(request: HttpRequest, run: TaskRun) -> dict[str, Any]:
    can_retry = request.user.can_write_in(run.organisation_id)  # type: ignore[union-attr]
    return task_run_context(
        run,
        progress_url=reverse("tasks:progress", args=[run.public_id]),
        retry_url=reverse("tasks:retry", args=[run.public_id]) if can_retry else "",
    )


@login_required
def task_list_page(request: HttpRequest) -> HttpResponse:
    return render(request, "core/task_list.html", {"runs": tasks.task_run_list(user=request.user)})


@login_required
def task_page(request: HttpRequest, public_id: str) -> HttpResponse:
    run = _visible_run(request, public_id)
    return render(request, "core/task.html", _context(request, run))


@login_required
def task_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    run = _visible_run(request, public_id)
    return task_run_fragment(request, _context(request, run))


@login_required
@require_POST
def task_retry(request: HttpRequest, public_id: str) -> HttpResponse:
    run = _visible_run(request, public_id)
    try:
        tasks.task_run_retry(run=run, actor=request.user)
    except (InputError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("tasks:detail", public_id=run.public_id)
