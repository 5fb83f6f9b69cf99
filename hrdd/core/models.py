"""The owned-model base and the wall: every read goes through `visible_to(user)`, every write through
`require_writable(user, organisation)`.

Sharing between organisations is added here, in one place (issue 16). An organisation may share chosen records
read-only with named organisations or a group (`accounts.Share`, `accounts.OrganisationGroup`). A model opts in
with `share_root`: "" when a row is itself the shared record, or the path of the shared record it belongs to
("site" for a mention of a shared site). `visible_to(user)` then returns the organisation's own rows plus the rows
shared with it, directly or through a group it belongs to, and not revoked: one SQL query with an EXISTS
subquery, never a check per row. A share counts only for the rows of the organisation that made it, and
`share_limit` (a Q) keeps out the rows that never move (e.g. a confidential incident). Writes stay with the owner:
`require_owner_writable` refuses every other organisation, a grantee's too."""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from hrdd.core.errors import NotFound


def active_organisation_id(user: Any) -> int | None:
    """The organisation the user works in now (None for anonymous users and users without one)."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    return getattr(user, "organisation_id", None)


def require_writable(user: Any, organisation: Any) -> None:
    """Refuse unless the user works in this organisation now and their role there allows changes (a member of two
    organisations reading a record one shared with the other cannot change it from the other)."""
    organisation_id = getattr(organisation, "pk", organisation)
    if active_organisation_id(user) != organisation_id or not user.can_write_in(organisation):
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))


def require_owner_writable(user: Any, organisation_id: int | None, what: str = "record") -> None:
    """Refuse a write to a record of `organisation_id`: NotFound (`what`) when the user works in another
    organisation (no hint that the record exists), PermissionDenied when their role allows no changes."""
    if active_organisation_id(user) != organisation_id:
        raise NotFound(what)
    require_writable(user, organisation_id)


def shared_condition(model: type[models.Model], organisation_id: int) -> Q | None:
    """The rows of `model` shared with an organisation (directly or through a group it belongs to, not revoked),
    as a condition for one query; None when the model does not opt in with `share_root`."""
    root_path = getattr(model, "share_root", None)
    if root_path is None:
        return None
    share_model = apps.get_model("accounts", "Share")
    root = model if root_path == "" else model._meta.get_field(root_path).related_model
    shares = share_model.objects.filter(
        Q(grantee_organisation_id=organisation_id) | Q(grantee_group__members=organisation_id),
        record_type=root._meta.label_lower,  # type: ignore[union-attr]
        record_id=OuterRef("pk" if root_path == "" else f"{root_path}_id"),
        owner_id=OuterRef(f"{model.owner_path}_id"),  # type: ignore[attr-defined]
        revoked_at=None,
    )
    return Q(Exists(shares)) & getattr(model, "share_limit", Q())


def joint_condition(model: type[models.Model], organisation_id: int) -> Q | None:
    """The rows of records an organisation owns together with their owner (issue 16: a consultation several buyers
    co-own), as a condition for one query: the model's `joint_condition(organisation_id)`, or None without one."""
    hook = getattr(model, "joint_condition", None)
    return hook(organisation_id) if hook is not None else None


def visible_condition(model: type[models.Model], organisation_id: int) -> Q:
    """The rows of `model` an organisation may see: its own, those it co-owns (see `joint_condition`) and those
    shared with it (see `shared_condition`)."""
    seen = Q(**{f"{model.owner_path}_id": organisation_id})  # type: ignore[attr-defined]
    for extra in (joint_condition(model, organisation_id), shared_condition(model, organisation_id)):
        if extra is not None:
            seen |= extra
    return seen


def is_own(user: Any, record: Any) -> bool:
    """Whether the record belongs to the organisation the user works in now (not one shared with it)."""
    organisation_id = active_organisation_id(user)
    return organisation_id is not None and getattr(record, "organisation_id", None) == organisation_id


class OwnedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """Rows reached through the owning organisation (`Model.owner_path`, e.g. "contract__organisation")."""

    def visible_to(self, user: Any) -> Self:
        """The rows the user may see: those of the organisation they work in now, and those shared with it."""
        organisation_id = active_organisation_id(user)
        if organisation_id is None:
            return self.none()
        return self.filter(visible_condition(self.model, organisation_id))

    def joint_with(self, user: Any) -> Self:
        """The rows of the user's organisation and those it co-owns (see `joint_condition`), not those merely
        shared with it: what it works on with the owner."""
        organisation_id = active_organisation_id(user)
        if organisation_id is None:
            return self.none()
        own = Q(**{f"{self.model.owner_path}_id": organisation_id})
        joint = joint_condition(self.model, organisation_id)
        return self.filter(own if joint is None else own | joint)

    def owned_by(self, user: Any) -> Self:
        """Only the rows of the organisation the user works in now (what it may change or link to)."""
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

    def get_owned(self, user: Any, **lookup: Any) -> Any:
        """One row of the user's own organisation, or NotFound (a record shared with it too)."""
        try:
            return self.owned_by(user).get(**lookup)
        except (self.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
            raise NotFound(str(self.model._meta.verbose_name)) from exc


OwnedManager = models.Manager.from_queryset(OwnedQuerySet)


class OwnedModel(models.Model):
    """A record that belongs to one organisation, with an unguessable public id and who made it when."""

    owner_path = "organisation"
    # The shared record a row is seen through ("" for the row itself), or None: never shared (see shared_condition).
    share_root: str | None = None

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
