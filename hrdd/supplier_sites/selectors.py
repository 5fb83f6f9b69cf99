"""Reads for the site registry. Sites and groups are installation-wide; mentions are read only through
`SiteMention.objects.owned_by(user)` (the organisation the user works in now), so nothing here shows one
organisation who else named a site, beyond a count; except the rows another organisation chose to share with it
by sharing the site (`SiteMention.objects.visible_to(user)`, issue 16), shown apart, with who shared them.

For the pages: `site_list` (the registry, filtered; paginate it with hrdd.core.lists.ListForm.paginate),
`site_get` + `site_detail` (a site's page), `review_queue` + `review_items` (the review queue, candidates side by
side), `group_tree` (the group tree), `site_filter_choices` (the filters' choices).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from hrdd.accounts.models import User
from hrdd.core.errors import NotFound
from hrdd.core.ids import public_uuid
from hrdd.core.models import active_organisation_id
from hrdd.domain.companies import normalise_company_name
from hrdd.domain.sites import ListedSite, RatedRisk, site_reasons_said
from hrdd.supplier_sites.models import (
    MentionStatus,
    Site,
    SiteGroup,
    SiteImport,
    SiteMention,
    SiteMerge,
)


def _organisation_id(user: User) -> int:
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        raise NotFound("site")
    return organisation_id


# sites


def site_list(
    *,
    user: User,
    query: str = "",
    country_iso3: str = "",
    site_type: str = "",
    group: Any = None,
    supplier: Any = None,
    contract: Any = None,
    status: str = "",
    mentioned_only: bool = False,
) -> QuerySet[Site]:
    """The registry's listed sites, with `mentions_here` (how many mentions of the user's organisation name each).

    `query` keeps names (or other names, identifiers) containing it; `group` (a SiteGroup or its public id) the
    sites operated anywhere in its tree; `supplier` / `contract` (records or public ids of the user's organisation)
    the sites its mentions name under them; `mentioned_only` the sites the organisation names at all. The number
    of queries does not depend on the number of sites."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return Site.objects.none()
    sites = Site.objects.exclude(status=Site.Status.MERGED).select_related("operator")
    ours = SiteMention.objects.filter(site=OuterRef("pk"), organisation_id=organisation_id)
    sites = sites.annotate(
        mentions_here=Coalesce(
            Subquery(
                ours.order_by().values("site").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        )
    )
    text = " ".join((query or "").split())
    if text:
        plain = normalise_company_name(text)
        condition = Q(os_id__iexact=text) | Q(rmi_cid__iexact=text) | Q(other_names__icontains=text)
        if plain:
            condition |= Q(normalised_name__contains=plain)
        sites = sites.filter(condition)
    if country_iso3:
        sites = sites.filter(country_iso3=country_iso3)
    if site_type:
        sites = sites.filter(site_type=site_type)
    if status:
        sites = sites.filter(status=status)
    if group not in (None, ""):
        group_id = public_uuid(group)
        root = (
            SiteGroup.objects.filter(public_id=group_id).values_list("pk", flat=True).first()
            if group_id
            else None
        )
        sites = sites.filter(operator_id__in=group_descendant_ids(root)) if root else sites.none()
    if supplier not in (None, ""):
        supplier_id = public_uuid(supplier)
        sites = (
            sites.filter(Exists(ours.filter(supplier__public_id=supplier_id)))
            if supplier_id
            else sites.none()
        )
    if contract not in (None, ""):
        contract_id = public_uuid(contract)
        sites = (
            sites.filter(Exists(ours.filter(contract__public_id=contract_id)))
            if contract_id
            else sites.none()
        )
    if mentioned_only:
        sites = sites.filter(Exists(ours))
    return sites


def site_get(*, user: User, public_id: Any) -> Site:
    """One site of the registry (a merged one too: its page says where it went), or NotFound."""
    _organisation_id(user)
    site_id = public_uuid(public_id)
    site = (
        Site.objects.select_related("operator", "moved_to", "merged_into").filter(public_id=site_id).first()
        if site_id
        else None
    )
    if site is None:
        raise NotFound("site")
    return site


def group_chain(group: SiteGroup | None) -> list[SiteGroup]:
    """A group entity and its parents up to the top of its group, nearest first (one query per level)."""
    chain: list[SiteGroup] = []
    seen: set[int] = set()
    current = group
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


@dataclass
class SiteDetail:
    """What a site's page shows: the site, its group chain (operator first), the mentions of the user's
    organisation with their contracts, suppliers and products, how many other organisations name it (a count,
    never who), the merges into it that can be undone, and the sites that moved to it."""

    site: Site
    group_chain: list[SiteGroup]
    mentions: list[SiteMention]
    contracts: list[Any]
    suppliers: list[Any]
    products: list[str]
    other_organisations: int
    merges: list[SiteMerge]
    moved_from: list[Site]
    mentions_total: int = 0
    stage: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def site_detail(*, user: User, site: Site, mentions_limit: int = 200) -> SiteDetail:
    """The site page's contents for the user (a fixed number of queries whatever the number of mentions)."""
    organisation_id = _organisation_id(user)
    ours = SiteMention.objects.owned_by(user).filter(site=site)
    mentions = list(
        ours.select_related("contract", "supplier", "submission__obligation", "site_import").order_by(
            "-mentioned_on", "row", "id"
        )[:mentions_limit]
    )
    contracts = {m.contract.pk: m.contract for m in mentions if m.contract_id}
    suppliers = {m.supplier.pk: m.supplier for m in mentions if m.supplier_id}
    products = sorted({p.strip() for m in mentions for p in m.products.split(";") if p.strip()})
    others = (
        SiteMention.objects.filter(site=site)
        .exclude(organisation_id=organisation_id)
        .values("organisation_id")
        .distinct()
        .count()
    )
    return SiteDetail(
        site=site,
        group_chain=group_chain(site.operator),
        mentions=mentions,
        contracts=list(contracts.values()),
        suppliers=list(suppliers.values()),
        products=products,
        other_organisations=others,
        merges=list(
            SiteMerge.objects.filter(kept=site, undone_at__isnull=True).select_related("merged", "merged_by")
        ),
        moved_from=list(Site.objects.filter(moved_to=site)),
        mentions_total=ours.count(),
        stage=site.stage,
    )


def site_filter_choices(*, user: User) -> dict[str, list[tuple[str, str]]]:
    """The choices of the registry's filters: countries of listed sites, the organisation's suppliers and contracts
    that name sites, and the top groups."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return {"countries": [], "suppliers": [], "contracts": [], "groups": []}
    ours = SiteMention.objects.filter(organisation_id=organisation_id)
    countries = (
        Site.objects.exclude(status=Site.Status.MERGED)
        .order_by("country_iso3")
        .values_list("country_iso3", flat=True)
        .distinct()
    )
    suppliers = (
        ours.exclude(supplier=None)
        .order_by("supplier__legal_name")
        .values_list("supplier__public_id", "supplier__legal_name")
        .distinct()
    )
    contracts = (
        ours.exclude(contract=None)
        .order_by("contract__title")
        .values_list("contract__public_id", "contract__title")
        .distinct()
    )
    groups = SiteGroup.objects.order_by("name").values_list("public_id", "name")
    return {
        "countries": [(c, c) for c in countries],
        "suppliers": [(str(pk), name) for pk, name in suppliers],
        "contracts": [(str(pk), title) for pk, title in contracts],
        "groups": [(str(pk), name) for pk, name in groups[:1000]],
    }


# mentions


def mention_list(
    *,
    user: User,
    site: Site | None = None,
    status: str = "",
    contract: Any = None,
    supplier: Any = None,
    site_import: SiteImport | None = None,
) -> QuerySet[SiteMention]:
    """The mentions of the user's organisation, newest first, filtered."""
    mentions = SiteMention.objects.owned_by(user).select_related("site", "contract", "supplier")
    if site is not None:
        mentions = mentions.filter(site=site)
    if status:
        mentions = mentions.filter(status=status)
    if contract not in (None, ""):
        mentions = mentions.filter(contract__public_id=public_uuid(contract))
    if supplier not in (None, ""):
        mentions = mentions.filter(supplier__public_id=public_uuid(supplier))
    if site_import is not None:
        mentions = mentions.filter(site_import=site_import)
    return mentions.order_by("-mentioned_on", "row", "id")


def mention_get(*, user: User, public_id: Any, include_shared: bool = False) -> SiteMention:
    """One mention of the user's organisation, or NotFound; with `include_shared`, also one another organisation
    shares with it by sharing its site (read-only)."""
    mentions = SiteMention.objects.select_related("site", "contract", "supplier", "organisation")
    if include_shared:
        return mentions.get_visible(user, public_id=public_id)  # type: ignore[no-any-return]
    return mentions.get_owned(user, public_id=public_id)  # type: ignore[no-any-return]


def shared_mentions(*, user: User, site: Site, limit: int = 200) -> dict[Any, list[SiteMention]]:
    """The rows naming the site that other organisations share with the user's (by sharing the site), by
    organisation: never a supplier's site list (hrdd.core.models.shared_condition). Two queries."""
    organisation_id = _organisation_id(user)
    rows = (
        SiteMention.objects.visible_to(user)
        .filter(site=site)
        .exclude(organisation_id=organisation_id)
        .select_related("organisation")
        .order_by("organisation__name", "-mentioned_on", "row", "id")[:limit]
    )
    found: dict[Any, list[SiteMention]] = defaultdict(list)
    for mention in rows:
        found[mention.organisation].append(mention)
    return dict(found)


# review


def review_queue(*, user: User) -> QuerySet[SiteMention]:
    """The mentions of the user's organisation waiting for review, oldest first (paginate, then `review_items`)."""
    return (
        SiteMention.objects.owned_by(user)
        .filter(status=MentionStatus.REVIEW)
        .select_related("contract", "supplier")
        .order_by("matched_at", "id")
    )


def review_count(*, user: User) -> int:
    """How many mentions wait for review in the user's organisation."""
    return review_queue(user=user).count()


@dataclass(frozen=True)
class ReviewCandidate:
    site: Site
    score: float
    agreements: list[dict[str, Any]]


@dataclass(frozen=True)
class ReviewItem:
    """A mention waiting for review beside its candidate sites (best first), with the fields that agreed."""

    mention: SiteMention
    candidates: list[ReviewCandidate]


def review_items(mentions: Any) -> list[ReviewItem]:
    """The mentions (e.g. one page of `review_queue`) with their candidate sites loaded in one query."""
    mentions = list(mentions)
    keys = {c["site"] for m in mentions for c in m.candidates}
    sites = {
        str(s.public_id): s
        for s in Site.objects.filter(public_id__in=[k for k in keys if public_uuid(k)]).select_related(
            "operator"
        )
    }
    items = []
    for m in mentions:
        candidates = [
            ReviewCandidate(sites[c["site"]], float(c["score"]), list(c.get("agreements", [])))
            for c in m.candidates
            if c["site"] in sites
        ]
        items.append(ReviewItem(m, candidates))
    return items


# groups


def group_descendant_ids(group_id: int | None) -> list[int]:
    """The ids of a group entity and of everything under it, at any depth (one query)."""
    if group_id is None:
        return []
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in SiteGroup.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found, todo = [], [group_id]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def group_get(*, user: User, public_id: Any) -> SiteGroup:
    """One group entity of the installation-wide tree, or NotFound."""
    _organisation_id(user)
    group_id = public_uuid(public_id)
    group = (
        SiteGroup.objects.select_related("parent").filter(public_id=group_id).first() if group_id else None
    )
    if group is None:
        raise NotFound("group")
    return group


def group_list(*, query: str = "") -> QuerySet[SiteGroup]:
    """The group entities, alphabetically; `query` keeps those whose name contains it."""
    groups = SiteGroup.objects.select_related("parent")
    plain = normalise_company_name(query or "")
    if plain:
        groups = groups.filter(normalised_name__contains=plain)
    return groups


def group_sites(group: SiteGroup) -> QuerySet[Site]:
    """The listed sites operated anywhere in a group's tree (for exposure through a group, issue 12)."""
    return Site.objects.exclude(status=Site.Status.MERGED).filter(
        operator_id__in=group_descendant_ids(group.pk)
    )


@dataclass
class GroupNode:
    group: SiteGroup
    children: list[GroupNode]
    sites: int  # sites operated by this entity itself
    sites_in_tree: int = 0  # ... and by everything under it


def group_tree() -> list[GroupNode]:
    """The whole group tree, top groups first, each with its children and site counts (two queries)."""
    counts = dict(
        Site.objects.exclude(status=Site.Status.MERGED)
        .exclude(operator=None)
        .order_by()
        .values("operator_id")
        .annotate(n=Count("pk"))
        .values_list("operator_id", "n")
    )
    groups = list(SiteGroup.objects.order_by("name", "id"))
    nodes = {g.pk: GroupNode(g, [], counts.get(g.pk, 0)) for g in groups}
    roots = []
    for g in groups:
        if g.parent_id is not None and g.parent_id in nodes:
            nodes[g.parent_id].children.append(nodes[g.pk])
        else:
            roots.append(nodes[g.pk])

    def total(node: GroupNode, seen: frozenset[int]) -> int:
        node.sites_in_tree = node.sites + sum(
            total(child, seen | {node.group.pk}) for child in node.children if child.group.pk not in seen
        )
        return node.sites_in_tree

    for root in roots:
        total(root, frozenset())
    return roots


# exposure (for incidents, issue 12): installation-wide, the caller applies the walls and the sharing


def mentions_of_sites(site_ids: list[int]) -> QuerySet[SiteMention]:
    """Every organisation's mentions of these sites, with contract and supplier (not walled: the caller decides
    what each user may see of them, e.g. only counts of other organisations')."""
    return SiteMention.objects.filter(site_id__in=site_ids).select_related(
        "contract", "supplier", "organisation"
    )


@dataclass(frozen=True)
class Exposure:
    """Who depends on a set of sites, as one user may see it: the contracts, suppliers and products of the user's
    organisation by name; of the other organisations only how many there are and how many contracts they have."""

    sites: int
    contracts: list[Any]
    suppliers: list[Any]
    products: list[str]
    other_organisations: int
    other_contracts: int


def exposure_of_sites(*, user: User, sites: QuerySet[Site]) -> Exposure:
    """The exposure of the user's organisation (and the counts of others') to these sites through the mentions in
    submitted site lists and imports (a fixed number of queries)."""
    organisation_id = _organisation_id(user)
    site_ids = sites.values("pk")
    ours = list(
        SiteMention.objects.filter(site_id__in=site_ids, organisation_id=organisation_id).select_related(
            "contract", "supplier"
        )
    )
    others = SiteMention.objects.filter(site_id__in=site_ids).exclude(organisation_id=organisation_id)
    return Exposure(
        sites=sites.count(),
        contracts=list({m.contract.pk: m.contract for m in ours if m.contract_id}.values()),
        suppliers=list({m.supplier.pk: m.supplier for m in ours if m.supplier_id}.values()),
        products=sorted({p.strip() for m in ours for p in m.products.split(";") if p.strip()}),
        other_organisations=others.values("organisation_id").distinct().count(),
        other_contracts=others.exclude(contract=None).values("contract_id").distinct().count(),
    )


def exposure_of_group(*, user: User, group: SiteGroup) -> Exposure:
    """The exposure to every site operated anywhere in a group's tree."""
    return exposure_of_sites(user=user, sites=group_sites(group))


# imports


def site_import_get(*, user: User, public_id: Any) -> SiteImport:
    """One registry import of the user's organisation, or NotFound."""
    found: SiteImport = SiteImport.objects.select_related("task_run", "supplier").get_visible(
        user, public_id=public_id
    )
    return found


def site_import_list(*, user: User, limit: int = 20) -> list[SiteImport]:
    """The latest registry imports of the user's organisation."""
    return list(SiteImport.objects.visible_to(user).select_related("task_run", "supplier")[:limit])


# for the pages (added by the pages of issue 11)


def review_alike_counts(mentions: Any) -> dict[int, int]:
    """For each mention, how many other mentions of the same record wait for review in the whole installation
    (a count only: one decision answers them all, whoever uploaded them). One query."""
    mentions = list(mentions)
    waiting = dict(
        SiteMention.objects.filter(
            fingerprint__in={m.fingerprint for m in mentions}, status=MentionStatus.REVIEW
        )
        .order_by()
        .values("fingerprint")
        .annotate(n=Count("pk"))
        .values_list("fingerprint", "n")
    )
    return {
        m.pk: max(0, waiting.get(m.fingerprint, 0) - (1 if m.status == MentionStatus.REVIEW else 0))
        for m in mentions
    }


def _link_reasons(link: dict[str, Any], country_iso3: str, site_type: str) -> list[str]:
    """A stored risk link's reasons, said again as the domain's Texts where they still read as stored (issue 16)."""
    stored = list(link.get("reasons", []))
    try:
        return list(
            site_reasons_said(
                stored,
                site=ListedSite(key=0, country_iso3=country_iso3 or "", site_type=site_type or ""),
                stage=link.get("stage"),
                risks=[RatedRisk(**r) for r in link.get("risks", [])],
                candidates=int(link.get("candidates", 0)),
            )
        )
    except (TypeError, ValueError):  # a link stored in an older shape: its English as stored
        return stored


def site_risks(*, user: User, site: Site) -> list[dict[str, Any]]:
    """The risks of the site's country and stage, as the user's organisation's supplier site lists linked them to
    the tenders' product risk assessments (contracts' ProductionSite.risk_link): one per category and country
    and stage, highest score first, with the reasons of the link. One query."""
    links = (
        SiteMention.objects.owned_by(user)
        .filter(site=site)
        .exclude(production_site=None)
        .exclude(production_site__risk_link=None)
        .values_list(
            "production_site__risk_link", "production_site__country_iso3", "production_site__site_type"
        )[:200]
    )
    risks: dict[tuple[str, str, str], dict[str, Any]] = {}
    for link, country_iso3, site_type in links:
        for risk in (link or {}).get("risks", []):
            key = (risk.get("category", ""), risk.get("country_iso3", ""), risk.get("stage", ""))
            if key not in risks or risk.get("score", 0) > risks[key].get("score", 0):
                risks[key] = {
                    **risk,
                    "reasons": _link_reasons(link, country_iso3, site_type),
                    "source": link.get("source", ""),
                }
    return sorted(risks.values(), key=lambda r: (-float(r.get("score") or 0), str(r.get("title", ""))))
