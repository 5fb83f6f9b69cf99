"""Pages of the site registry: the registry with its map, a site, one mention, the review queue, the group tree,
and the upload of a registry list with its progress and result. Reads go through the selectors, writes through
the services; sites and groups are shared by the installation, mentions and imports stay in their organisation."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hrdd.accounts.selectors import share_notices
from hrdd.core.downloads import attachment
from hrdd.core.errors import InputError, NotFound
from hrdd.core.forms import form_write
from hrdd.core.models import TaskRun, is_own
from hrdd.core.tasks import task_run_get
from hrdd.core.views import task_run_context
from hrdd.domain.countries import country_name
from hrdd.supplier_sites import exports, selectors, services
from hrdd.supplier_sites.forms import ImportForm, MentionForm, MergeForm, SiteForm, SiteListForm
from hrdd.supplier_sites.maps import registry_map_context
from hrdd.supplier_sites.models import MentionStatus, Site, SiteImport, SiteMention
from hrdd.supplier_sites.tasks import (
    export_filters,
    export_in_request,
    filtered_sites,
    site_export_file,
    site_export_runs,
    site_export_start,
    site_import_start,
    site_import_task,
)

GROUP_CHOICES = 1000
# An export in the request answers at once up to this many sites; more are written by `hrdd sites export`.
REVIEW_LIST = 20
IMPORT_MENTIONS = 50
GROUP_SITES = 50


def _find_site(user: Any, public_id: uuid.UUID) -> Site | None:
    try:
        return selectors.site_get(user=user, public_id=public_id)
    except NotFound:
        return None


# the registry


def _list_form(request: HttpRequest) -> SiteListForm:
    return SiteListForm(request.GET, choices=selectors.site_filter_choices(user=request.user))


def _filtered(request: HttpRequest, form: SiteListForm) -> Any:
    return selectors.site_list(
        user=request.user,
        query=form.value("q") or "",
        country_iso3=form.value("country") or "",
        site_type=form.value("site_type") or "",
        group=form.value("group") or None,
        supplier=form.value("supplier") or None,
        contract=form.value("contract") or None,
        mentioned_only=bool(form.value("mine")),
    )


def _query_without_page(request: HttpRequest) -> str:
    query = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    return urlencode(query)


@login_required
def registry_page(request: HttpRequest) -> HttpResponse:
    form = _list_form(request)
    sites = _filtered(request, form)
    page = form.paginate(sites)
    query = _query_without_page(request)
    return render(
        request,
        "supplier_sites/registry.html",
        {
            "page": page,
            "list_form": form,
            "review_count": selectors.review_count(user=request.user),
            "exports": [
                (label, reverse("supplier_sites:export", args=[fmt]) + (f"?{query}" if query else ""))
                for fmt, label in (("csv", "CSV"), ("xlsx", _("Excel (XLSX)")), ("json", "JSON"))
            ],
            "export_max": f"{settings.HRDD_EXPORT_IN_REQUEST_MAX:,}",
            **registry_map_context(sites, total=page.paginator.count),
        },
    )


@login_required
def registry_export(request: HttpRequest, format: str) -> HttpResponse:
    """The sites the registry's filters find, as CSV, XLSX or JSON (Open Supply Hub's columns among them): at once
    when they are HRDD_EXPORT_IN_REQUEST_MAX or fewer; when more, a page offers a background export (POST starts
    it, the task's page shows its progress, `export/file/?run=` downloads what it kept)."""
    if format not in exports.FORMATS:
        raise Http404("unknown format")
    filters = export_filters(request.GET)
    if request.method == "POST":
        run = site_export_start(actor=request.user, filters=filters, format=format)
        return redirect("tasks:detail", public_id=run.public_id)
    if export_in_request(request.user, filters):
        content = exports.registry_export(request.user, filtered_sites(request.user, filters), format=format)
        return attachment(
            content, exports.export_filename(format), content_type=exports.CONTENT_TYPES[format]
        )
    query = _query_without_page(request)
    return render(
        request,
        "supplier_sites/export.html",
        {
            "sites": filtered_sites(request.user, filters).count(),
            "format": format.upper(),
            "start_url": reverse("supplier_sites:export", args=[format]) + (f"?{query}" if query else ""),
            "back_url": reverse("supplier_sites:registry") + (f"?{query}" if query else ""),
            "runs": [
                task_run_context(run, progress_url=reverse("tasks:progress", args=[run.public_id]))
                for run in site_export_runs(user=request.user)
            ],
        },
    )


@login_required
def registry_export_file(request: HttpRequest) -> HttpResponse:
    """The file a finished background export kept."""
    try:
        stored = site_export_file(user=request.user, run_public_id=request.GET.get("run", ""))
    except (NotFound, ValueError, ValidationError) as exc:
        raise Http404("export not found") from exc
    return attachment(bytes(stored.content), stored.name, content_type=stored.content_type)


# a site


STALE = _(
    "Someone else changed this record after you opened it, so nothing was saved. The form now shows their "
    "version with your typing kept: check it and save again."
)


def _stale_as_form_error(write: Any, **kwargs: Any) -> Any:
    """Call a service that checks the version the form was opened on (under the row's lock); a stale save comes
    back as the page's sentence, at the top of the form."""
    try:
        return write(**kwargs)
    except services.StaleRecord as exc:
        raise InputError(str(STALE), field="") from exc


def _is_stale(form: Any) -> bool:
    return str(STALE) in form.non_field_errors()


def _show_version(form: Any, updated_at: dt.datetime) -> None:
    """Keep what was typed, with the current version in the hidden field: the next save is made on it."""
    form.data = form.data.copy()
    form.data["seen"] = updated_at.isoformat()


def _site_context(request: HttpRequest, site: Site) -> dict[str, Any]:
    detail = selectors.site_detail(user=request.user, site=site)
    return {
        "site": site,
        "detail": detail,
        "chain": list(reversed(detail.group_chain)),
        "risks": selectors.site_risks(user=request.user, site=site),
        "shared_rows": selectors.shared_mentions(user=request.user, site=site),
        "merged_by": next((m for m in site.merges_merged.all() if m.undone_at is None), None)
        if site.status == Site.Status.MERGED
        else None,
    }


def _site_form(request: HttpRequest, site: Site, data: Any = None) -> SiteForm:
    groups = list(selectors.group_list()[:GROUP_CHOICES])
    if site.operator_id and all(g.pk != site.operator_id for g in groups):
        groups.append(site.operator)
    return SiteForm(
        data,
        initial=SiteForm.initial_for(site),
        groups=groups,
        find_site=partial(_find_site, request.user),
    )


def _render_site(
    request: HttpRequest, site: Site, *, form: SiteForm | None = None, merge_form: MergeForm | None = None
) -> HttpResponse:
    form = form or _site_form(request, site)
    merge_form = merge_form or MergeForm(find_site=partial(_find_site, request.user), auto_id="merge_%s")
    failed = bool(form.errors or merge_form.errors)
    return render(
        request,
        "supplier_sites/site.html",
        {**_site_context(request, site), "form": form, "merge_form": merge_form},
        status=400 if failed else 200,
    )


@login_required
def site_page(request: HttpRequest, public_id: str) -> HttpResponse:
    site = selectors.site_get(user=request.user, public_id=public_id)
    if request.method != "POST":
        return _render_site(request, site)
    form = _site_form(request, site, request.POST)

    def write(seen: str, **values: Any) -> Site:
        return _stale_as_form_error(
            services.site_update, actor=request.user, site=site, expected_updated_at=seen or None, **values
        )

    if form_write(request, form, write, success=_("The site is saved.")) is not None:
        return redirect(site)
    if _is_stale(form):
        site.refresh_from_db()
        form.initial = _site_form(request, site).initial  # the hidden version becomes the current one
        _show_version(form, site.updated_at)
    return _render_site(request, site, form=form)


@login_required
@require_POST
def site_merge(request: HttpRequest, public_id: str) -> HttpResponse:
    site = selectors.site_get(user=request.user, public_id=public_id)
    form = MergeForm(request.POST, find_site=partial(_find_site, request.user), auto_id="merge_%s")

    def write(other: Site) -> Any:
        return services.site_merge(actor=request.user, kept=site, merged=other)

    merge = form_write(request, form, write, success=_("Merged: the duplicate is now part of this site."))
    if merge is not None:
        return redirect(site)
    return _render_site(request, site, merge_form=form)


@login_required
@require_POST
def merge_undo(request: HttpRequest, public_id: str, merge_id: str) -> HttpResponse:
    site = selectors.site_get(user=request.user, public_id=public_id)
    detail = selectors.site_detail(user=request.user, site=site, mentions_limit=0)
    merge = next((m for m in detail.merges if str(m.public_id) == str(merge_id)), None)
    if merge is None:
        raise Http404("merge not found")
    try:
        services.site_merge_undo(actor=request.user, merge=merge)
    except (InputError, PermissionDenied) as exc:
        messages.error(request, str(exc) or _("You may not change the registry."))
    else:
        messages.success(
            request, _("The merge is undone: %(site)s is a site of its own again.") % {"site": merge.merged}
        )
    return redirect(site)


# one mention


@login_required
def mention_page(request: HttpRequest, public_id: str) -> HttpResponse:
    if request.method == "GET":
        mention = selectors.mention_get(user=request.user, public_id=public_id, include_shared=True)
        if not is_own(request.user, mention):  # shared with the site by another organisation: read-only
            return render(
                request,
                "supplier_sites/mention.html",
                {
                    "mention": mention,
                    "shared": True,
                    "notices": [
                        n
                        for n in share_notices(user=request.user, record=mention.site)
                        if n.owner_id == mention.organisation_id
                    ],
                    "candidates": selectors.review_items([mention])[0].candidates,
                },
            )
    mention = selectors.mention_get(user=request.user, public_id=public_id)
    form = MentionForm(
        request.POST if request.method == "POST" else None, initial=MentionForm.initial_for(mention)
    )
    if form.is_bound:

        def write(seen: str, **values: Any) -> SiteMention:
            return _stale_as_form_error(
                services.mention_correct,
                actor=request.user,
                mention=mention,
                expected_updated_at=seen or None,
                **values,
            )

        saved = form_write(request, form, write, success=_("The row is corrected and matched again."))
        if saved is not None:
            return redirect("supplier_sites:mention", public_id=saved.public_id)
        if _is_stale(form):
            mention.refresh_from_db()
            _show_version(form, mention.updated_at)
    return render(
        request,
        "supplier_sites/mention.html",
        {"mention": mention, "form": form, "candidates": selectors.review_items([mention])[0].candidates},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def mention_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    mention = selectors.mention_get(user=request.user, public_id=public_id)
    back = mention.site.get_absolute_url() if mention.site_id else reverse("supplier_sites:registry")
    try:
        services.mention_delete(actor=request.user, mention=mention)
    except PermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("The row is removed; the site stays in the registry."))
    return redirect(back)


# the review queue


def _review_field_rows(item: Any) -> list[dict[str, Any]]:
    """The record as typed beside each candidate, one row per field (a field empty on every side is left out)."""
    m = item.mention
    fields = (
        (_("Name"), m.name, lambda s: s.name),
        (_("Other names"), "", lambda s: "; ".join(s.other_names)),
        (_("Street address"), m.address, lambda s: s.address),
        (_("City"), m.city, lambda s: s.city),
        (_("Postal code"), m.postal_code, lambda s: s.postal_code),
        (_("Country"), country_name(m.country_iso3) or m.country_iso3, lambda s: s.country_name),
        (_("Type of site"), m.site_type, lambda s: s.get_site_type_display() if s.site_type else ""),
        (_("Group"), m.group_name, lambda s: s.operator.name if s.operator_id else ""),
    )
    rows = []
    for label, typed, value in fields:
        values = [value(c.site) for c in item.candidates]
        if typed or any(values):
            rows.append({"label": label, "typed": typed, "values": values})
    return rows


@login_required
def review_page(request: HttpRequest) -> HttpResponse:
    """The organisation's mentions waiting for review: one shown in full (the oldest, or ?item=), the next ones
    listed; each decided with one key or one button."""
    queue = selectors.review_queue(user=request.user)
    total = queue.count()
    chosen = request.GET.get("item") or ""
    current = None
    if chosen:
        try:
            current = selectors.mention_get(user=request.user, public_id=chosen)
        except NotFound:
            current = None
        if current is not None and current.status != MentionStatus.REVIEW:
            messages.info(request, _("That row is decided already; here is the next one waiting."))
            current = None
    upcoming = list(queue[: REVIEW_LIST + 1])
    if current is None and upcoming:
        current = upcoming[0]
    listed = [m for m in upcoming if current is None or m.pk != current.pk][:REVIEW_LIST]
    item = selectors.review_items([current])[0] if current is not None else None
    alike = selectors.review_alike_counts([current]) if current is not None else {}
    return render(
        request,
        "supplier_sites/review.html",
        {
            "total": total,
            "item": item,
            "rows": _review_field_rows(item) if item else [],
            "alike": alike.get(current.pk, 0) if current is not None else 0,
            "listed": listed,
        },
    )


@login_required
@require_POST
def review_decide(request: HttpRequest, public_id: str, decision: str) -> HttpResponse:
    mention = selectors.mention_get(user=request.user, public_id=public_id)
    if decision not in ("confirm", "reject"):
        raise Http404("unknown decision")
    site = None
    if request.POST.get("site"):
        try:
            site = selectors.site_get(user=request.user, public_id=request.POST["site"])
        except NotFound:
            messages.error(request, _("That candidate site is no longer in the registry."))
            return redirect(reverse("supplier_sites:review") + f"?item={mention.public_id}")
    if mention.status != MentionStatus.REVIEW:
        messages.info(request, _("%(name)s was decided already.") % {"name": mention.name})
        return redirect("supplier_sites:review")
    others = selectors.review_alike_counts([mention]).get(mention.pk, 0)
    act = services.mention_confirm if decision == "confirm" else services.mention_reject
    try:
        decided = act(actor=request.user, mention=mention, site=site)
    except InputError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("supplier_sites:review") + f"?item={mention.public_id}")
    if decision == "confirm":
        text = _("Confirmed: %(typed)s is %(site)s.") % {"typed": mention.name, "site": decided.site}
    elif decided.status == MentionStatus.REVIEW:
        text = _("Rejected that candidate for %(typed)s; its next candidate waits below.") % {
            "typed": mention.name
        }
    else:
        text = _("Rejected: %(typed)s is recorded as a new site.") % {"typed": mention.name}
    if others:
        text += " " + ngettext(
            "The same answer was applied to %(n)d other upload of this row.",
            "The same answer was applied to %(n)d other uploads of this row.",
            others,
        ) % {"n": others}
    messages.success(request, text)
    return redirect("supplier_sites:review")


# groups


@login_required
def groups_page(request: HttpRequest) -> HttpResponse:
    tree = selectors.group_tree()
    return render(
        request,
        "supplier_sites/groups.html",
        {"tree": tree, "groups": sum(1 for _ in _walk(tree)), "sites": sum(n.sites_in_tree for n in tree)},
    )


def _walk(nodes: list[Any]) -> Any:
    for node in nodes:
        yield node
        yield from _walk(node.children)


@login_required
def group_page(request: HttpRequest, public_id: str) -> HttpResponse:
    group = selectors.group_get(user=request.user, public_id=public_id)
    page = Paginator(
        selectors.group_sites(group).select_related("operator").order_by("name", "id"), GROUP_SITES
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "supplier_sites/group.html",
        {
            "group": group,
            "chain": list(reversed(selectors.group_chain(group))),
            "children": list(group.children.all()),
            "page": page,
        },
    )


# imports


def _import_form(request: HttpRequest, data: Any = None, files: Any = None) -> ImportForm:
    from hrdd.companies.selectors import company_names
    from hrdd.contracts.selectors import contract_list

    contracts = [(str(c.public_id), c.title) for c in contract_list(user=request.user)[:500]]
    return ImportForm(data, files, suppliers=company_names(user=request.user), contracts=contracts)


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    form = _import_form(
        request,
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_bound:
        if not request.user.can_write:
            raise PermissionDenied(_("You may read the registry, not upload to it."))

        def start(file: Any, supplier: str, contract: str) -> TaskRun:
            return site_import_start(
                actor=request.user, upload=file, supplier=supplier, contract=contract or None
            )

        run = form_write(
            request,
            form,
            start,
            success=_(
                "Received the list. This page shows how its rows are read and matched; you may leave it."
            ),
        )
        if run is not None:
            return redirect("supplier_sites:import_run", public_id=run.public_id)
    return render(
        request,
        "supplier_sites/import.html",
        {"form": form, "imports": selectors.site_import_list(user=request.user, limit=10)},
        status=400 if form.errors else 200,
    )


def _import_run(request: HttpRequest, public_id: str) -> TaskRun:
    try:
        run = task_run_get(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404("import not found") from exc
    if run.kind != site_import_task.module_path:
        raise Http404("import not found")
    return run


def _run_context(request: HttpRequest, run: TaskRun) -> dict[str, Any]:
    found: SiteImport | None = getattr(run, "site_import", None) if run.status == run.Status.DONE else None
    if found is not None and found.organisation_id != run.organisation_id:
        found = None
    can_retry = request.user.can_write_in(run.organisation_id)
    return {
        **task_run_context(
            run,
            progress_url=reverse("supplier_sites:import_progress", args=[run.public_id]),
            retry_url=reverse("tasks:retry", args=[run.public_id]) if can_retry else "",
            result_url="",
        ),
        "site_import": found,
    }


@login_required
def import_run_page(request: HttpRequest, public_id: str) -> HttpResponse:
    run = _import_run(request, public_id)
    return render(request, "supplier_sites/import_run.html", _run_context(request, run))


@login_required
def import_progress(request: HttpRequest, public_id: str) -> HttpResponse:
    """The fragment the run page polls: the progress while the import runs, then its result."""
    run = _import_run(request, public_id)
    response = render(request, "supplier_sites/_import_run.html", _run_context(request, run))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_detail_page(request: HttpRequest, public_id: str) -> HttpResponse:
    found = selectors.site_import_get(user=request.user, public_id=public_id)
    mentions = selectors.mention_list(user=request.user, site_import=found).order_by("row", "id")
    page = Paginator(mentions, IMPORT_MENTIONS).get_page(request.GET.get("page"))
    return render(
        request,
        "supplier_sites/import_detail.html",
        {"site_import": found, "page": page},
    )
