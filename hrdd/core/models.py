"""The owned-model base and the wall: every read goes through `visible_to(user)`, every write through
`require_writable(user, organisation)`. Sharing between organisations will be added here, in one place."""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from hrdd.core.errors import NotFound


def active_organisation_id(user: Any) -> int | None:
    """The organisation the user works in now (None for anonymous users and users without one)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "organisation_id", None)


def require_writable(user: Any, organisation: Any) -> None:
    """Refuse unless the user's role in this organisation allows changes."""
    if active_organisation_id(user) is None or not user.can_write_in(organisation):
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))


def require_owner_writable(user: Any, organisation_id: int | None, what: str = "record") -> None:
    """Refuse a write to a record of `organisation_id`: NotFound (`what`) when the user works in another
    organisation (no hint that the record exists), PermissionDenied when their role allows no changes."""
    if active_organisation_id(user) != organisation_id:
        raise NotFound(what)
    require_writable(user, organisation_id)


class OwnedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Rows reached through the owning organisation (`Model.owner_path`, e.g. "contract__organisation")."""

    def visible_to(self, user: Any) -> Self:
        """The rows the user may see: those of the organisation they work in now."""
        organisation_id = active_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(**{f"{self.model.owner_path}_id": organisation_id})

    def get_visible(self, user: Any, **lookup: Any) -> Any:
        """One row the user may see, or NotFound (also for malformed ids: no hint that a row exists)."""
        try:
            return self.visible_to(user).get(**lookup)
        except (self.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
            raise NotFound(str(self.model._meta.verbose_name)) from exc


OwnedManager = models.Manager.from_queryset(OwnedQuerySet)


class OwnedModel(models.Model):
    """A record that belongs to one organisation, with an unguessable public id and who made it when."""

    owner_path = "organisation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    class Meta:
        abstract = True


class TaskRun(OwnedModel):
    """One piece of long work run by the task queue, and what people see of it: done of total, a message, and at
    the end a link to the result or the error (a failed run can be retried from its kept inputs)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    # The dotted path of the django-tasks task that does the work, e.g. "hrdd.contracts.tasks.site_list_import".
    kind = models.CharField(max_length=200)
    # What the work is about, e.g. "contracts.obligation:12": the page of that record lists its runs.
    subject = models.CharField(max_length=100, blank=True, db_index=True)
    label = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    result_label = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queue_id = models.CharField(max_length=64, blank=True)  # the queue backend's id of the latest attempt
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        """Done as a whole percentage, or None while the total is not known."""
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class TaskInput(models.Model):
    """A file a task reads, kept in the database so that a worker on another machine reads it too; deleted when
    the run is done, kept after a failure for the retry."""

    owner_path = "task_run__organisation"

    task_run = models.ForeignKey(TaskRun, on_delete=models.CASCADE, related_name="inputs")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=255)
    content = models.BinaryField()

    objects = OwnedManager()

    class Meta:
        ordering = ["task_run", "position"]

    def __str__(self) -> str:
        return self.name


class TaskResultFile(models.Model):
    """The file a run made for people to download (e.g. a big export), kept in the database like its inputs, so
    that a worker on another machine hands it to the web server; read only by the run's organisation."""

    owner_path = "task_run__organisation"

    task_run = models.OneToOneField(TaskRun, on_delete=models.CASCADE, related_name="result_file")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OwnedManager()

    def __str__(self) -> str:
        return self.name


class FormSubmission(models.Model):
    """A create form's one-time key, stored when the form created something: the same form sent again (back and
    resubmit, a double click) leads to the record it created instead of creating a second (hrdd.core.forms)."""

    key = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=200)
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}… → {self.label}"
