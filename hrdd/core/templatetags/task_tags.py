"""Template filters of the task pages."""

from __future__ import annotations

from django import template

from hrdd.core.models import TaskRun
from hrdd.core.tasks import task_run_said

register = template.Library()


@register.filter
def said(run: TaskRun, name: str) -> str:
    """What a task run says in `name` (label, message, result_label, error), in the page's language:
    `{{ run|said:"label" }}`."""
    return task_run_said(run, name)
