"""Long work of the programmes area, run by the task queue with visible progress (hrdd.core.tasks): computing every
supplier's risk tier again (a few milliseconds a supplier: seconds for thousands, too long for a request)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django_tasks import task

from hrdd.core.models import TaskRun, active_organisation_id, require_writable
from hrdd.core.tasks import Outcome, Progress, task_run_create, task_run_execute
from hrdd.domain.texts import Text, gettext_noop
from hrdd.programmes import diligence


@task()
def tiers_refresh_task(task_run_id: int) -> dict[str, Any]:
    """Compute every supplier's tier of the run's organisation again."""
    return task_run_execute(task_run_id, run_tiers_refresh)


def tiers_refresh_start(*, actor: Any, enqueue: bool = True) -> TaskRun:
    """Queue "compute every tier again" for the actor's organisation (a writer's action)."""
    organisation_id = active_organisation_id(actor)
    require_writable(actor, organisation_id)
    return task_run_create(
        organisation=actor.organisation,
        task=tiers_refresh_task,
        label=Text(gettext_noop("Computing every supplier's risk tier again")),
        created_by=actor,
        subject=f"programmes.tiers:{organisation_id}",
        params={"actor": actor.pk},
        enqueue=enqueue,
    )


def run_tiers_refresh(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `tiers_refresh_task`: every supplier's tier, audited as the person who asked for it."""
    from hrdd.accounts.models import User

    actor = User.objects.filter(pk=run.params.get("actor")).first()
    progress.say(Text(gettext_noop("Computing the tiers…")))
    changed = diligence.tiers_refresh(
        organisation_id=run.organisation_id,
        actor=actor,
        progress=lambda done, total: progress.update(done, total=total),
    )
    return Outcome(
        message=Text(gettext_noop("The tiers were computed again: %(n)s changed."), n=changed)
        if changed
        else Text(gettext_noop("The tiers were computed again: none changed.")),
        result_url=reverse("programmes:suppliers"),
        result_label=Text(gettext_noop("The suppliers and their tiers")),
        value={"changed": changed},
    )
