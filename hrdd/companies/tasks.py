"""Background work for companies: writing the export of the registry (the companies a search of the list page
finds) when there are too many to write inside a request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import task

from hrdd.accounts.models import Organisation, User
from hrdd.companies.forms import CompanyListForm
from hrdd.companies.models import Company
from hrdd.companies.selectors import company_list_of
from hrdd.companies.spreadsheets import XLSX_CONTENT_TYPE, company_workbook
from hrdd.core.downloads import filename_from_title
from hrdd.core.errors import NotFound
from hrdd.core.models import TaskResultFile, TaskRun, active_organisation_id
from hrdd.core.tasks import (
    Outcome,
    Progress,
    task_run_create,
    task_run_execute,
    task_run_file_get,
    task_run_file_store,
    task_runs_of,
)
from hrdd.domain.countries import country_name
from hrdd.domain.texts import Text, gettext_noop

CHUNK = 2000  # companies read from the database at a time


@dataclass(frozen=True)
class CompanyExportQuery:
    """Which companies an export writes, in which order: the list page's search, kept in the run's params."""

    query: str = ""
    kind: str = ""
    country_iso3: str = ""
    sort: str = ""  # a key of CompanyListForm.sorts ('' or an unknown one: the list's first order)

    def to_params(self) -> dict[str, Any]:
        return {"query": self.query, "kind": self.kind, "country_iso3": self.country_iso3, "sort": self.sort}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> CompanyExportQuery:
        return cls(
            **{name: str(params.get(name) or "") for name in ("query", "kind", "country_iso3", "sort")}
        )

    def order_by(self) -> tuple[Any, ...]:
        sorts = CompanyListForm.sorts
        return next((s for s in sorts if s.key == self.sort), sorts[0]).order_by

    def described(self) -> list[tuple[str, str]]:
        """The search given, as (label, value) lines for the workbook."""
        sorts = CompanyListForm.sorts
        order = next((s for s in sorts if s.key == self.sort), sorts[0]).label
        lines = [
            (_("Name contains"), self.query.strip()),
            (
                _("Kind"),
                str(Company.Kind(self.kind).label) if self.kind in Company.Kind.values else self.kind,
            ),
            (_("Country"), country_name(self.country_iso3) if self.country_iso3 else ""),
        ]
        return [(label, value) for label, value in lines if value] + [(_("Order"), str(order))]


@task()
def company_export_task(task_run_id: int) -> dict[str, Any]:
    """Write the workbook of the companies the run's search finds and keep it for the run's result link."""
    return task_run_execute(task_run_id, write_company_export)


EXPORT_SUBJECT = (
    "companies.export"  # one kept export per organisation: a newer one replaces the one before's file
)


def export_organisation(user: User) -> Organisation:
    """The organisation whose registry the user may export: the one they work in now (whose companies the list
    page shows them); NotFound otherwise."""
    if active_organisation_id(user) is None:
        raise NotFound("companies")
    organisation: Organisation = user.organisation
    return organisation


def export_filename(organisation: Organisation) -> str:
    return filename_from_title(organisation.name, "-companies.xlsx", default="companies")


def export_companies(organisation: Organisation, query: CompanyExportQuery) -> QuerySet[Company]:
    """The companies the export writes, in its order, each with its parent."""
    return company_list_of(
        organisation=organisation, query=query.query, kind=query.kind, country_iso3=query.country_iso3
    ).order_by(*query.order_by())


def export_count(organisation: Organisation, query: CompanyExportQuery) -> int:
    """How many companies the export writes: one line each."""
    return int(export_companies(organisation, query).count())


def export_in_request(organisation: Organisation, query: CompanyExportQuery) -> bool:
    """Whether the export is small enough to answer at once (HRDD_EXPORT_IN_REQUEST_MAX companies or fewer)."""
    return not export_companies(organisation, query)[settings.HRDD_EXPORT_IN_REQUEST_MAX :].exists()


def company_export(
    organisation: Organisation,
    query: CompanyExportQuery,
    *,
    total: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The workbook of the companies the query finds, streamed from the database CHUNK companies at a time (one
    query, whatever their number)."""
    return company_workbook(
        organisation=organisation.name,
        filters=query.described(),
        companies=export_companies(organisation, query).iterator(chunk_size=CHUNK),
        total=total,
        progress=progress,
    )


def company_export_start(*, actor: User, query: CompanyExportQuery, enqueue: bool = True) -> TaskRun:
    """Queue the export of the companies of the actor's organisation that the query finds (reading needs no
    writer's role)."""
    organisation = export_organisation(actor)
    return task_run_create(
        organisation=organisation,
        task=company_export_task,
        label=Text(gettext_noop("Company registry export")),
        created_by=actor,
        subject=EXPORT_SUBJECT,
        params=query.to_params(),
        enqueue=enqueue,
    )


def export_runs(organisation: Organisation, *, limit: int = 5) -> list[TaskRun]:
    """The latest company exports of the organisation, newest first."""
    return task_runs_of(organisation=organisation, subject=EXPORT_SUBJECT, limit=limit)


def export_file(*, user: User, run_public_id: str) -> TaskResultFile:
    """The workbook a finished company export kept, if the user may see it (else NotFound)."""
    return task_run_file_get(
        user=user,
        run_public_id=run_public_id,
        kind=company_export_task.module_path,
        subject=EXPORT_SUBJECT,
    )


def write_company_export(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `company_export_task`: count the companies, write them (with progress), keep the file. Only
    the newest company export of an organisation keeps its file."""
    organisation = run.organisation
    query = CompanyExportQuery.from_params(run.params)
    progress.say(Text(gettext_noop("Counting the companies…")))
    total = export_count(organisation, query)
    progress.update(0, total=total, message=Text(gettext_noop("Writing the companies…")))
    content = company_export(
        organisation,
        query,
        total=total,
        progress=lambda done, total: progress.update(done, total=total),
    )
    written = run.done  # the last progress report: companies recorded since the count are written too
    progress.say(Text(gettext_noop("Storing the workbook…")))
    task_run_file_store(
        run, name=export_filename(organisation), content=content, content_type=XLSX_CONTENT_TYPE
    )
    link = reverse("companies:export")
    return Outcome(
        message=Text(
            gettext_noop("Exported %(count)s company (%(size)s KiB).")
            if written == 1
            else gettext_noop("Exported %(count)s companies (%(size)s KiB)."),
            count=written,
            size=max(1, len(content) // 1024),
        ),
        result_url=f"{link}?{urlencode({'run': str(run.public_id)})}",
        result_label=Text(gettext_noop("Download the workbook")),
        value={"companies": written, "bytes": len(content)},
    )
