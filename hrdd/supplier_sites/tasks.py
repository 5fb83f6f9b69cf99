"""Background work for the site registry: importing a registry list (CSV or XLSX, up to 20,000 sites) and
matching it into mentions, with progress. The file is read and matched outside any transaction (progress is
visible); the import record, new sites and mentions are then stored in one transaction: a failure stores nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.urls import NoReverseMatch, reverse
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
    task_run_inputs,
    task_runs_of,
)
from hrdd.core.uploads import CSV, accept_content, accept_upload
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
        label=_("Site registry import %s") % file.name,
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
    progress.say(_("Reading the rows of %s…") % name)
    read = read_site_file(file, progress=lambda done, total: progress.update(done, total=total))
    progress.update(
        0, total=len(read.records), message=_("Matching %d sites with the registry…") % len(read.records)
    )
    verdicts = match_listed(read.records, progress=lambda done, total: progress.update(done, total=total))
    progress.say(_("Storing the sites…"))
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
    message = _(
        "%(file)s: %(linked)d linked to known sites, %(review)d waiting for review, %(new)d new sites, "
        "%(rejected)d rows refused."
    ) % {"file": name, **counts.as_dict()}
    review = _url("supplier_sites:review")
    return Outcome(
        message=message,
        result_url=review if counts.review and review else _url("supplier_sites:registry"),
        result_label=_("Review the sites") if counts.review else _("Show the registry"),
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
