"""API endpoints for the site registry: thin; they call the same services and selectors as the pages and the
command line. Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.security import django_auth

from hrdd.core.errors import InputError, NotFound
from hrdd.core.schemas import INPUT_ERRORS, READ_ERRORS, WRITE_ERRORS, ErrorOut, Pagination
from hrdd.core.tasks import task_run_get
from hrdd.supplier_sites import exports, selectors, services
from hrdd.supplier_sites.models import Site, SiteGroup, SiteMention, SiteMerge
from hrdd.supplier_sites.schemas import (
    DecisionIn,
    GroupIn,
    GroupOut,
    GroupUpdateIn,
    ImportOut,
    MentionIn,
    MentionOut,
    MentionUpdateIn,
    MergeIn,
    MergeOut,
    PagedMentionOut,
    PagedSiteOut,
    SiteIn,
    SiteOut,
    SiteUpdateIn,
)
from hrdd.supplier_sites.tasks import site_import_start

router = Router(tags=["sites"], auth=django_auth)


def site_out(site: Site) -> dict[str, Any]:
    return {
        "id": site.public_id,
        **{name: getattr(site, name) for name in ("name", "other_names", "address", "city", "postal_code")},
        **{
            name: getattr(site, name)
            for name in ("country_iso3", "latitude", "longitude", "site_type", "is_artisanal", "stage")
        },
        "operator": site.operator.public_id if site.operator_id else None,
        "operator_name": site.operator.name if site.operator_id else "",
        **{name: getattr(site, name) for name in ("os_id", "rmi_cid", "lei", "status")},
        "moved_to": site.moved_to.public_id if site.moved_to_id else None,
        "merged_into": site.merged_into.public_id if site.merged_into_id else None,
        "mentions_here": getattr(site, "mentions_here", None),
        "updated_at": site.updated_at.isoformat(),
    }


def mention_out(m: SiteMention) -> dict[str, Any]:
    return {
        "id": m.public_id,
        "site": m.site.public_id if m.site_id else None,
        "contract": m.contract.public_id if m.contract_id else None,
        "supplier": m.supplier.public_id if m.supplier_id else None,
        "supplier_name": m.supplier.legal_name if m.supplier_id else "",
        **{
            name: getattr(m, name)
            for name in (
                "source", "mentioned_on", "row", "raw", "name", "address", "city", "postal_code", "country_iso3",
                "site_type", "products", "group_name", "status", "score", "reason", "candidates",
            )
        },
        "updated_at": m.updated_at.isoformat(),
    }  # fmt: skip


def group_out(g: SiteGroup) -> dict[str, Any]:
    return {
        "id": g.public_id,
        **{name: getattr(g, name) for name in ("name", "other_names", "kind", "role", "country_iso3", "lei")},
        "parent": g.parent.public_id if g.parent_id else None,
        "updated_at": g.updated_at.isoformat(),
    }


def merge_out(merge: SiteMerge) -> dict[str, Any]:
    return {
        "id": merge.public_id,
        "kept": merge.kept.public_id,
        "merged": merge.merged.public_id,
        "merged_at": merge.merged_at,
        "undone_at": merge.undone_at,
    }


def _site(request: HttpRequest, public_id: Any, field: str) -> Site | None:
    if public_id is None:
        return None
    try:
        return selectors.site_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise InputError("no such site", field=field) from exc


def _group(request: HttpRequest, public_id: Any, field: str) -> SiteGroup | None:
    if public_id is None:
        return None
    try:
        return selectors.group_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise InputError("no such group", field=field) from exc


def _contract(request: HttpRequest, public_id: Any) -> Any:
    if public_id is None:
        return None
    from hrdd.contracts.selectors import contract_get

    try:
        return contract_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise InputError("no such contract", field="contract") from exc


# A write may carry the version it was made on (`updated_at`); a record changed since answers 409.
VERSIONED_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 409: ErrorOut}


def _versioned(write: Any, values: dict[str, Any], **kwargs: Any) -> Any:
    """Call an update service with the version the client read; a stale one is answered 409 (nothing saved)."""
    expected = values.pop("updated_at", None)
    try:
        return write(expected_updated_at=expected, **kwargs, **values)
    except services.StaleRecord as exc:
        return Status(
            409,
            {"detail": str(exc), "field": exc.field, "errors": [{"field": exc.field, "message": str(exc)}]},
        )


def _out(result: Any, out: Any) -> Any:
    return result if isinstance(result, Status) else out(result)


def _page(request: HttpRequest, queryset: Any, page: Pagination.Input, out: Any) -> dict[str, Any]:
    listed = Pagination().paginate_queryset(queryset, page, request)
    return {"items": [out(r) for r in listed["items"]], "count": listed["count"]}


# the registry's fixed paths come before /{uuid:public_id}


@router.get("/mentions", response={200: PagedMentionOut, **INPUT_ERRORS})
def mention_list(
    request: HttpRequest,
    page: Query[Pagination.Input],
    status: str = "",
    site: uuid.UUID | None = None,
    contract: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The mentions of your organisation, newest first; `status` (auto, review, new, confirmed, rejected), `site`
    and `contract` narrow them."""
    mentions = selectors.mention_list(
        user=request.user, site=_site(request, site, "site"), status=status, contract=contract
    )
    return _page(request, mentions, page, mention_out)


@router.post("/mentions", response={201: MentionOut, **WRITE_ERRORS})
def mention_add(request: HttpRequest, payload: MentionIn) -> Status[dict[str, Any]]:
    """Add one site a list forgot (matched at once), optionally under one of your contracts."""
    values = payload.model_dump(exclude={"contract", "mentioned_on"})
    mention = services.mention_add(
        actor=request.user,
        contract=_contract(request, payload.contract),
        mentioned_on=payload.mentioned_on,
        **values,
    )
    return Status(201, mention_out(mention))


@router.get("/mentions/{uuid:public_id}", response={200: MentionOut, **READ_ERRORS})
def mention_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One mention of your organisation, with its stored verdict and candidates."""
    return mention_out(selectors.mention_get(user=request.user, public_id=public_id))


@router.patch("/mentions/{uuid:public_id}", response={200: MentionOut, **VERSIONED_ERRORS})
def mention_correct(request: HttpRequest, public_id: uuid.UUID, payload: MentionUpdateIn) -> Any:
    """Correct one row without re-uploading its list: it is matched again. With `updated_at` (as read), a row
    changed since is refused (409)."""
    mention = selectors.mention_get(user=request.user, public_id=public_id)
    values = payload.model_dump(exclude_unset=True)
    result = _versioned(services.mention_correct, values, actor=request.user, mention=mention)
    return _out(result, mention_out)


@router.delete("/mentions/{uuid:public_id}", response={204: None, **WRITE_ERRORS})
def mention_delete(request: HttpRequest, public_id: uuid.UUID) -> Status[None]:
    """Remove one mention (the site stays in the registry)."""
    services.mention_delete(
        actor=request.user, mention=selectors.mention_get(user=request.user, public_id=public_id)
    )
    return Status(204, None)


@router.post("/mentions/{uuid:public_id}/confirm", response={200: MentionOut, **WRITE_ERRORS})
def mention_confirm(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn) -> dict[str, Any]:
    """Confirm the mention names the site (its best candidate unless `site` is given); remembered for every later
    upload of the same record."""
    mention = selectors.mention_get(user=request.user, public_id=public_id)
    site = _site(request, payload.site, "site")
    return mention_out(services.mention_confirm(actor=request.user, mention=mention, site=site))


@router.post("/mentions/{uuid:public_id}/reject", response={200: MentionOut, **WRITE_ERRORS})
def mention_reject(request: HttpRequest, public_id: uuid.UUID, payload: DecisionIn) -> dict[str, Any]:
    """Reject a candidate (the best one unless `site` is given); never proposed again for the same record."""
    mention = selectors.mention_get(user=request.user, public_id=public_id)
    site = _site(request, payload.site, "site")
    return mention_out(services.mention_reject(actor=request.user, mention=mention, site=site))


@router.get("/review", response={200: PagedMentionOut, **INPUT_ERRORS})
def review_queue(request: HttpRequest, page: Query[Pagination.Input]) -> dict[str, Any]:
    """The mentions of your organisation waiting for review, oldest first, each with its candidates."""
    return _page(request, selectors.review_queue(user=request.user), page, mention_out)


@router.get("/groups", response={200: list[GroupOut]})
def group_list(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    """The group tree's entities (groups and legal entities), alphabetically, each with its parent."""
    return [group_out(g) for g in selectors.group_list(query=q)[:5000]]


@router.post("/groups", response={201: GroupOut, **WRITE_ERRORS})
def group_create(request: HttpRequest, payload: GroupIn) -> Status[dict[str, Any]]:
    """Record a group or legal entity; the same name and country as a recorded one is refused (422)."""
    values = payload.model_dump(exclude={"parent"}) | {"parent": _group(request, payload.parent, "parent")}
    return Status(201, group_out(services.site_group_create(actor=request.user, **values)))


@router.patch("/groups/{uuid:public_id}", response={200: GroupOut, **VERSIONED_ERRORS})
def group_update(request: HttpRequest, public_id: uuid.UUID, payload: GroupUpdateIn) -> Any:
    """Change a group; a parent inside its own tree is refused (422), a group changed since the `updated_at`
    given (409)."""
    group = selectors.group_get(user=request.user, public_id=public_id)
    values = payload.model_dump(exclude_unset=True)
    if "parent" in values:
        values["parent"] = _group(request, values["parent"], "parent")
    return _out(_versioned(services.site_group_update, values, actor=request.user, group=group), group_out)


@router.post("/merges", response={201: MergeOut, **WRITE_ERRORS})
def site_merge(request: HttpRequest, payload: MergeIn) -> Status[dict[str, Any]]:
    """Fold the `merged` site into the `kept` one (its names become other names; undo with /merges/{id}/undo)."""
    kept = _site(request, payload.kept, "kept")
    merged = _site(request, payload.merged, "merged")
    return Status(201, merge_out(services.site_merge(actor=request.user, kept=kept, merged=merged)))


@router.post("/merges/{uuid:public_id}/undo", response={200: MergeOut, **WRITE_ERRORS})
def site_merge_undo(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """Undo a merge: the merged site comes back with what it had."""
    merge = SiteMerge.objects.select_related("kept", "merged").filter(public_id=public_id).first()
    if merge is None:
        raise NotFound("merge")
    return merge_out(services.site_merge_undo(actor=request.user, merge=merge))


def _import_out(request: HttpRequest, run: Any) -> dict[str, Any]:
    found = getattr(run, "site_import", None) if run.status == run.Status.DONE else None
    return {
        "task": run.public_id,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "message": run.message,
        "error": run.error,
        "import_id": found.public_id if found else None,
        "counts": found.counts if found else {},
        "rejected_rows": found.rejected_rows if found else [],
    }


@router.post("/imports", response={202: ImportOut, 413: ErrorOut, **WRITE_ERRORS})
def site_import(
    request: HttpRequest,
    file: File[UploadedFile],
    supplier: Form[str] = "",
    contract: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Start the import of a registry list (CSV or XLSX; the CC2 columns or Open Supply Hub's, up to 20,000
    sites) as background work; poll /imports/{task} for progress and the counts."""
    run = site_import_start(actor=request.user, upload=file, supplier=supplier, contract=contract or None)
    return Status(202, _import_out(request, run))


@router.get("/imports/{uuid:task_id}", response={200: ImportOut, **READ_ERRORS})
def site_import_status(request: HttpRequest, task_id: uuid.UUID) -> dict[str, Any]:
    """How far an import got; when done, its counts (linked, review, new, rejected) and refused rows."""
    from hrdd.supplier_sites.tasks import site_import_task

    run = task_run_get(user=request.user, public_id=task_id)
    if run.kind != site_import_task.module_path:
        raise NotFound("import")
    return _import_out(request, run)


@router.get("/export", response={200: None, **INPUT_ERRORS})
def site_export(
    request: HttpRequest,
    format: str = "csv",
    q: str = "",
    country: str = "",
    supplier: uuid.UUID | None = None,
    contract: uuid.UUID | None = None,
) -> HttpResponse:
    """The registry (or the sites one supplier or contract of yours names) as CSV, XLSX or JSON, with Open Supply
    Hub's columns among them."""
    from hrdd.core.downloads import attachment

    sites = selectors.site_list(
        user=request.user, query=q, country_iso3=country, supplier=supplier, contract=contract
    )
    content = exports.registry_export(request.user, sites, format=format)
    return attachment(content, exports.export_filename(format), content_type=exports.CONTENT_TYPES[format])


@router.get("/", response={200: PagedSiteOut, **INPUT_ERRORS})
def site_list(
    request: HttpRequest,
    page: Query[Pagination.Input],
    q: str = "",
    country: str = "",
    site_type: str = "",
    group: uuid.UUID | None = None,
    supplier: uuid.UUID | None = None,
    contract: uuid.UUID | None = None,
    status: str = "",
) -> dict[str, Any]:
    """Search the registry: `q` in names and identifiers; `country` (ISO alpha-3), `site_type`, `group` (anywhere
    in its tree), `supplier` and `contract` (yours) narrow it."""
    sites = selectors.site_list(
        user=request.user,
        query=q,
        country_iso3=country.upper(),
        site_type=site_type,
        group=group,
        supplier=supplier,
        contract=contract,
        status=status,
    ).order_by("name", "id")
    return _page(request, sites, page, site_out)


@router.post("/", response={201: SiteOut, **WRITE_ERRORS})
def site_create(request: HttpRequest, payload: SiteIn) -> Status[dict[str, Any]]:
    """Record a site by hand."""
    values = payload.model_dump(exclude={"operator"}) | {
        "operator": _group(request, payload.operator, "operator")
    }
    return Status(201, site_out(services.site_create(actor=request.user, **values)))


@router.get("/{uuid:public_id}", response={200: SiteOut, **READ_ERRORS})
def site_get(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    """One site of the registry."""
    return site_out(selectors.site_get(user=request.user, public_id=public_id))


@router.patch("/{uuid:public_id}", response={200: SiteOut, **VERSIONED_ERRORS})
def site_update(request: HttpRequest, public_id: uuid.UUID, payload: SiteUpdateIn) -> Any:
    """Correct a site (shared by the installation: every change is audited); status moved needs `moved_to`; a
    site changed since the `updated_at` given is refused (409)."""
    site = selectors.site_get(user=request.user, public_id=public_id)
    values = payload.model_dump(exclude_unset=True)
    if "operator" in values:
        values["operator"] = _group(request, values["operator"], "operator")
    if "moved_to" in values:
        values["moved_to"] = _site(request, values["moved_to"], "moved_to")
    return _out(_versioned(services.site_update, values, actor=request.user, site=site), site_out)
