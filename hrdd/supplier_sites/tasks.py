"""Background work for the site registry: importing a registry list (CSV or XLSX, up to 20,000 sites) and
matching it into mentions, with progress. The file is read and matched outside any transaction (progress is
visible); the import record, new sites and mentions are then stored in one transaction: a failure stores nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_tasks import task

from hrdd.accounts.models import User
from hrdd.accounts.services import writer_organisation
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.core.csvfiles import decode_text
from hrdd.core.errors import InputError
from hrdd.core.models import TaskRun
from hrdd.core.tasks import (
    Outcome,
    Progress,
    task_run_create,
    task_run_execute,
    task_run_file_get,
    task_run_file_store,
    task_run_inputs,
    task_runs_of,
)
from hrdd.core.uploads import CSV, accept_content, accept_upload
from hrdd.domain.texts import Text, gettext_noop
from hrdd.supplier_sites.models import SiteImport, SiteMention
from hrdd.supplier_sites.services import count_verdicts, match_listed, mentions_record
from hrdd.supplier_sites.sitefiles import REJECTED_KEPT, read_site_file

EXTENSIONS = (".csv", ".xlsx")
SUBJECT = "supplier_sites.import"


def _url(name: str) -> str:
    """The address of a registry page, '' while the pages are not there."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _contract_of(organisation: Any, contract: Any) -> Any:
    if contract in (None, ""):
        return None
    from hrdd.contracts.models import Contract

    public_id = getattr(contract, "public_id", contract)
    try:
        return Contract.objects.select_related("supplier").get(
            organisation=organisation, public_id=uuid.UUID(str(public_id))
        )
    except (ValueError, Contract.DoesNotExist) as exc:
        raise InputError(_("Unknown contract."), field="contract") from exc


@task()
def site_import_task(task_run_id: int) -> dict[str, Any]:
    """Read the registry list a run keeps, match its rows into the registry and store them as mentions."""
    return task_run_execute(task_run_id, run_site_import)


def site_import_start(
    *, actor: User, upload: Any, supplier: str = "", contract: Any = None, enqueue: bool = True
) -> TaskRun:
    """Accept a registry list at once (type, size, real format, text encoding) and queue its import; `supplier`
    names the company the list is from (recorded on first sight), `contract` (public id) the contract it is for."""
    organisation = writer_organisation(actor)
    if upload is None:
        raise InputError(_("A site list (CSV or XLSX) is required."), field="file")
    file = accept_upload(upload, allowed=EXTENSIONS, field="file")
    if file.kind == CSV:
        decode_text(file.content, name=file.name, field="file")
    found = _contract_of(organisation, contract)
    return task_run_create(
        organisation=organisation,
        task=site_import_task,
        label=Text(gettext_noop("Site registry import %(file)s"), file=file.name),
        created_by=actor,
        subject=SUBJECT,
        params={
            "supplier": " ".join((supplier or "").split())[:200],
            "contract": str(found.public_id) if found else "",
        },
        inputs=[(file.name, file.content)],
        enqueue=enqueue,
    )


def run_site_import(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `site_import_task`: read (progress per row), match (progress per country), store (one
    transaction)."""
    inputs = task_run_inputs(run)
    if not inputs:
        raise InputError(_("The uploaded file is no longer kept; upload it again."), field="file")
    name, content = inputs[0]
    actor = run.created_by
    organisation = run.organisation
    if actor is None or not actor.can_write_in(organisation):
        raise InputError(_("The person who started the import may no longer change data here."), field="file")
    file = accept_content(name, content, allowed=EXTENSIONS)
    progress.say(Text(gettext_noop("Reading the rows of %(file)s…"), file=name))
    read = read_site_file(file, progress=lambda done, total: progress.update(done, total=total))
    progress.update(
        0,
        total=len(read.records),
        message=Text(gettext_noop("Matching %(count)s sites with the registry…"), count=len(read.records)),
    )
    verdicts = match_listed(read.records, progress=lambda done, total: progress.update(done, total=total))
    progress.say(Text(gettext_noop("Storing the sites…")))
    with transaction.atomic():
        contract = _contract_of(organisation, run.params.get("contract"))
        supplier = (
            company_resolve(
                organisation=organisation, name=run.params.get("supplier", ""), actor=actor, field="supplier"
            )
            if run.params.get("supplier")
            else (contract.supplier if contract is not None else None)
        )
        counts = count_verdicts(verdicts, rejected=len(read.rejected))
        site_import = SiteImport.objects.create(
            organisation=organisation,
            created_by=actor,
            filename=name[:255],
            supplier=supplier,
            contract=contract,
            task_run=run,
            rows=read.rows,
            counts=counts.as_dict(),
            rejected_rows=[r.as_dict() for r in read.rejected[:REJECTED_KEPT]],
        )
        mentions_record(
            organisation=organisation,
            records=read.records,
            verdicts=verdicts,
            source=SiteMention.Source.IMPORT,
            mentioned_on=run.created_at.date(),
            actor=actor,
            contract=contract,
            supplier=supplier,
            site_import=site_import,
        )
        audit_record(
            actor=actor,
            organisation=organisation,
            action="site_import.create",
            target=site_import,
            after={"file": site_import.filename, "rows": read.rows, **counts.as_dict()},
        )
    message = Text(
        gettext_noop(
            "%(file)s: %(linked)s linked to known sites, %(review)s waiting for review, %(new)s new sites, "
            "%(rejected)s rows refused."
        ),
        file=name,
        **counts.as_dict(),
    )
    review = _url("supplier_sites:review")
    return Outcome(
        message=message,
        result_url=review if counts.review and review else _url("supplier_sites:registry"),
        result_label=Text(gettext_noop("Review the sites"))
        if counts.review
        else Text(gettext_noop("Show the registry")),
        value={
            "import": str(site_import.public_id),
            **counts.as_dict(),
            "rejected_rows": [r.as_dict() for r in read.rejected[:50]],
        },
    )


def site_import_runs(*, user: User, limit: int = 5) -> list[TaskRun]:
    """The latest registry imports of the user's organisation, newest first (for a page's progress list)."""
    if user.organisation is None:
        return []
    return task_runs_of(organisation=user.organisation, subject=SUBJECT, limit=limit)


# exports too big for a request

EXPORT_SUBJECT = (
    "supplier_sites.export"  # one kept export per organisation: a newer one replaces the file before
)
FILTERS = ("q", "country", "site_type", "group", "supplier", "contract", "mine")


def export_filters(data: Any) -> dict[str, str]:
    """The registry page's filters in a query (a QueryDict or a dict), as a run keeps them."""
    return {name: str(data.get(name) or "") for name in FILTERS if data.get(name)}


def filtered_sites(user: User, filters: dict[str, str]) -> Any:
    """The sites the registry page's filters find for `user` (unknown or foreign choices are left out, as the
    page leaves them out)."""
    from hrdd.supplier_sites import selectors
    from hrdd.supplier_sites.forms import SiteListForm

    form = SiteListForm(filters, choices=selectors.site_filter_choices(user=user))
    return selectors.site_list(
        user=user,
        query=form.value("q") or "",
        country_iso3=form.value("country") or "",
        site_type=form.value("site_type") or "",
        group=form.value("group") or None,
        supplier=form.value("supplier") or None,
        contract=form.value("contract") or None,
        mentioned_only=bool(form.value("mine")),
    )


def export_in_request(user: User, filters: dict[str, str]) -> bool:
    """Whether the export is small enough to write inside the request (HRDD_EXPORT_IN_REQUEST_MAX sites)."""
    return not filtered_sites(user, filters)[settings.HRDD_EXPORT_IN_REQUEST_MAX :].exists()


@task()
def site_export_task(task_run_id: int) -> dict[str, Any]:
    """Write the registry's sites that the run's filters find, and keep the file for the run's result link."""
    return task_run_execute(task_run_id, write_site_export)


def site_export_start(*, actor: User, filters: dict[str, str], format: str, enqueue: bool = True) -> TaskRun:
    """Queue an export of the registry as the actor sees it (reading needs no writer's role)."""
    from hrdd.supplier_sites import exports

    if format not in exports.FORMATS:
        raise InputError(_("Unknown format %r.") % format, field="format")
    if actor.organisation is None:
        raise InputError(_("Only a member of an organisation can export the registry."), field="format")
    return task_run_create(
        organisation=actor.organisation,
        task=site_export_task,
        label=Text(gettext_noop("Site registry export (%(format)s)"), format=format.upper()),
        created_by=actor,
        subject=EXPORT_SUBJECT,
        params={"filters": export_filters(filters), "format": format},
        enqueue=enqueue,
    )


def write_site_export(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `site_export_task`: count the sites, write them (progress every chunk), keep the file."""
    from hrdd.supplier_sites import exports

    user = run.created_by
    if user is None:
        raise InputError(_("The person who asked for the export is no longer here."), field="format")
    format = str(run.params.get("format") or "csv")
    sites = filtered_sites(user, dict(run.params.get("filters") or {}))
    progress.say(Text(gettext_noop("Counting the sites…")))
    total = sites.count()
    progress.update(0, total=total, message=Text(gettext_noop("Writing %(count)s sites…"), count=total))
    content = exports.registry_export(
        user, sites, format=format, progress=lambda done: progress.update(min(done, total), total=total)
    )
    progress.update(total, total=total, message=Text(gettext_noop("Storing the file…")))
    task_run_file_store(
        run,
        name=exports.export_filename(format),
        content=content,
        content_type=exports.CONTENT_TYPES[format],
    )
    link = _url("supplier_sites:export_file")
    return Outcome(
        message=Text(
            gettext_noop("Exported %(count)s sites (%(size)s KiB)."),
            count=total,
            size=max(1, len(content) // 1024),
        ),
        result_url=f"{link}?{urlencode({'run': str(run.public_id)})}" if link else "",
        result_label=Text(gettext_noop("Download the file")),
        value={"sites": total, "bytes": len(content), "format": format},
    )


def site_export_runs(*, user: User, limit: int = 5) -> list[TaskRun]:
    """The latest registry exports of the user's organisation, newest first."""
    if user.organisation is None:
        return []
    return task_runs_of(organisation=user.organisation, subject=EXPORT_SUBJECT, limit=limit)


def site_export_file(*, user: User, run_public_id: str) -> Any:
    """The file a finished registry export kept, if the user may see it (else NotFound)."""
    return task_run_file_get(
        user=user, run_public_id=run_public_id, kind=site_export_task.module_path, subject=EXPORT_SUBJECT
    )


# a supplier's long site list, matched after its submission is stored

SUBMISSION_SUBJECT = "supplier_sites.submission"


@task()
def submission_match_task(task_run_id: int) -> dict[str, Any]:
    """Match the production sites of a supplier's site-list submission into the registry."""
    return task_run_execute(task_run_id, run_submission_match)


def submission_match_start(*, submission: Any) -> TaskRun:
    """Queue the matching of a submission's production sites (in the caller's transaction: with the database
    queue, the run is seen by a worker only once the submission is stored)."""
    contract = submission.obligation.contract
    return task_run_create(
        organisation=contract.organisation,
        task=submission_match_task,
        label=Text(gettext_noop("Matching the site list of %(supplier)s"), supplier=contract.supplier_name),
        subject=SUBMISSION_SUBJECT,
        params={"submission": submission.pk},
    )


def run_submission_match(run: TaskRun, progress: Progress) -> Outcome:
    """The work of `submission_match_task`: match outside any transaction (with progress), store in one."""
    from hrdd.contracts.models import Submission
    from hrdd.supplier_sites.services import submission_mentions_store, submission_records

    submission = (
        Submission.objects.select_related("obligation__contract__supplier")
        .filter(pk=run.params.get("submission"), obligation__contract__organisation=run.organisation)
        .first()
    )
    if submission is None:
        raise InputError(_("The site list is no longer there."), field="submission")
    if SiteMention.objects.filter(submission=submission).exists():  # matched already (a retry)
        return Outcome(message=Text(gettext_noop("The site list was matched already.")))
    records, _rows = submission_records(submission)
    progress.update(
        0,
        total=len(records),
        message=Text(gettext_noop("Matching %(count)s sites with the registry…"), count=len(records)),
    )
    verdicts = match_listed(records, progress=lambda done, total: progress.update(done, total=total))
    progress.say(Text(gettext_noop("Storing the sites…")))
    with transaction.atomic():
        counts = submission_mentions_store(submission=submission, verdicts=verdicts)
    review = _url("supplier_sites:review")
    return Outcome(
        message=Text(
            gettext_noop(
                "%(linked)s linked to known sites, %(review)s waiting for review, %(new)s new sites."
            ),
            linked=counts.linked,
            review=counts.review,
            new=counts.new,
        ),
        result_url=review if counts.review and review else _url("supplier_sites:registry"),
        result_label=Text(gettext_noop("Review the sites"))
        if counts.review
        else Text(gettext_noop("Show the registry")),
        value=counts.as_dict(),
    )
