"""Reads for incidents, exposure, remediation plans and notices. Every read is walled: `incident_list` and
`incident_get` return only the incidents in the user's audience (see hrdd.incidents.models), and the exposure
names only the viewer's own contracts, suppliers and procurements; of other organisations it gives counts.

For the pages:
- register: `incident_list(user=..., status=, category=, country=, group=, exposure=, query=)` (a queryset to
  paginate) and `incident_filter_choices(user=...)`;
- incident page: `incident_get`, `incident_exposure`, `plan_steps`, `status_history`, `may_edit`,
  `reporter_visible` (whether to show the reporter's name and contact);
- grievance intake: `grievance_channel_by_key` (slug or secret token), `receipt_status` (by receipt code);
- supplier link: `steps_for_supplier(contract=...)`;
- landing page: `notices_for(user)`, `notice_unread_count(user)`;
- contracts (dashboard, calendar feeds, KPIs): `plan_steps_for_contracts`, `overdue_steps`, `steps_due_between`,
  `contract_remediation`, `supplier_remediation_record`.
Each costs a fixed number of queries, whatever the number of incidents, sites or contracts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from hrdd.accounts.models import User
from hrdd.core.errors import NotFound
from hrdd.core.ids import public_uuid
from hrdd.core.linktokens import lookup_digest
from hrdd.core.models import active_organisation_id, visible_condition
from hrdd.domain import incidents as rules
from hrdd.incidents.models import (
    Confidentiality,
    ExposureSharing,
    GrievanceChannel,
    Incident,
    Notice,
    RemediationStep,
    StatusChange,
    risk_category_choices,
)

# How many exposed sites the exposure lists by name (the counts cover them all).
SITES_LISTED = 200


# -- groups and sharing ------------------------------------------------------------------------------------------


def sharing_organisation_ids() -> set[int]:
    """The organisations that opted into sharing their exposure (one query)."""
    return set(ExposureSharing.objects.values_list("organisation_id", flat=True))


def is_sharing(organisation_id: int | None) -> bool:
    """Whether the organisation opted into sharing its exposure."""
    return bool(organisation_id) and ExposureSharing.objects.filter(organisation_id=organisation_id).exists()


def _group_parents() -> dict[int, int | None]:
    from hrdd.supplier_sites.models import SiteGroup

    return dict(SiteGroup.objects.values_list("pk", "parent_id"))


def _ancestors(group_ids: set[int], parents: dict[int, int | None]) -> set[int]:
    found: set[int] = set()
    for start in group_ids:
        current: int | None = start
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return found


def _descendants(root: int, parents: dict[int, int | None]) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in parents.items():
        children[parent].append(pk)
    found: set[int] = set()
    todo = [root]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def exposed_group_ids(organisation_id: int) -> set[int]:
    """The group entities an organisation depends on: the operators of the sites its lists name and the groups
    its companies are tied to, with every group above them (three queries)."""
    from hrdd.supplier_sites.models import CompanyGroupLink, SiteMention

    operators = set(
        SiteMention.objects.filter(organisation_id=organisation_id)
        .exclude(site__operator=None)
        .order_by()
        .values_list("site__operator_id", flat=True)
        .distinct()
    )
    linked = set(
        CompanyGroupLink.objects.filter(organisation_id=organisation_id).values_list("group_id", flat=True)
    )
    if not operators and not linked:
        return set()
    return _ancestors(operators | linked, _group_parents())


def _exposes(organisation_id: int) -> Q:
    """Incidents whose subject the organisation depends on (through its mentions or its companies)."""
    from hrdd.supplier_sites.models import SiteMention

    ours = SiteMention.objects.filter(organisation_id=organisation_id)
    condition = Q(Exists(ours.filter(site_id=OuterRef("site_id")))) | Q(
        Exists(ours.filter(site_id=OuterRef("site__merged_into_id")))
    )
    groups = exposed_group_ids(organisation_id)
    if groups:
        condition |= Q(group_id__in=groups) | Q(company__site_group_link__group_id__in=groups)
    return condition


def audience_filter(organisation_id: int) -> Q:
    """The incidents an organisation may see: its own, the public ones, those another organisation shared with it
    by name or through a group (never a confidential one: hrdd.core.models.shared_condition), and, when it
    shares its exposure, those shared with the buyers they expose."""
    condition = visible_condition(Incident, organisation_id) | Q(confidentiality=Confidentiality.PUBLIC)
    if is_sharing(organisation_id):
        condition |= Q(confidentiality=Confidentiality.SHARED) & _exposes(organisation_id)
    return condition


# -- incidents ---------------------------------------------------------------------------------------------------


def incident_list(
    *,
    user: User,
    status: str = "",
    category: str = "",
    country: str = "",
    group: Any = None,
    exposure: str = "",
    confidentiality: str = "",
    channel: Any = None,
    query: str = "",
) -> QuerySet[Incident]:
    """The incidents in the user's audience, newest first. `group` (a SiteGroup or its public id) keeps those about
    the group, anything under it or a site it operates; `exposure` "exposed" keeps those touching the user's
    organisation's site lists or companies, "own" those it recorded; `channel` (a grievance channel of the
    organisation or its public id) keeps the reports received through it. Fixed number of queries."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return Incident.objects.none()
    incidents = Incident.objects.filter(audience_filter(organisation_id)).select_related(
        "site", "group", "company", "organisation"
    )
    if status:
        incidents = incidents.filter(status=status)
    if category:
        incidents = incidents.filter(category=category)
    if country:
        incidents = incidents.filter(country_iso3=country.upper())
    if confidentiality:
        incidents = incidents.filter(confidentiality=confidentiality)
    if channel not in (None, ""):
        # a channel's reports are the owner's: another organisation's channel id finds nothing
        channel_id = public_uuid(channel)
        if channel_id is None:
            return incidents.none()
        incidents = incidents.filter(channel__public_id=channel_id, organisation_id=organisation_id)
    if group not in (None, ""):
        from hrdd.supplier_sites.models import SiteGroup

        group_id = public_uuid(group)
        root = (
            SiteGroup.objects.filter(public_id=group_id).values_list("pk", flat=True).first()
            if group_id
            else None
        )
        if root is None:
            return incidents.none()
        tree = _descendants(root, _group_parents())
        incidents = incidents.filter(
            Q(group_id__in=tree)
            | Q(site__operator_id__in=tree)
            | Q(company__site_group_link__group_id__in=tree)
        )
    if exposure == "exposed":
        incidents = incidents.filter(_exposes(organisation_id) | Q(company__organisation_id=organisation_id))
    elif exposure == "own":
        incidents = incidents.filter(organisation_id=organisation_id)
    text = " ".join((query or "").split())
    if text:
        incidents = incidents.filter(
            Q(title__icontains=text) | Q(site__name__icontains=text) | Q(subject_text__icontains=text)
        )
    return incidents.distinct().order_by("-created_at", "-id")


def incident_get(*, user: User, public_id: Any) -> Incident:
    """One incident in the user's audience, or NotFound (also for one that exists outside it)."""
    organisation_id = active_organisation_id(user)
    incident_id = public_uuid(public_id)
    if organisation_id is None or incident_id is None:
        raise NotFound("incident")
    found = (
        Incident.objects.filter(audience_filter(organisation_id), public_id=incident_id)
        .select_related("site", "site__operator", "group", "company", "organisation", "channel")
        .first()
    )
    if found is None:
        raise NotFound("incident")
    return found


def incident_get_owned(*, user: User, public_id: Any) -> Incident:
    """One incident recorded by the user's organisation (for writes only the owner may do), or NotFound."""
    incident: Incident = Incident.objects.select_related(
        "site", "group", "company", "organisation"
    ).get_owned(user, public_id=public_uuid(public_id))
    return incident


def reporter_visible(user: User, incident: Incident) -> bool:
    """Whether the user may read who reported the incident: only inside the owner organisation."""
    return active_organisation_id(user) == incident.organisation_id


def may_edit(user: User, incident: Incident) -> bool:
    """Whether the user may change the incident (a writer of the owner organisation)."""
    return active_organisation_id(user) == incident.organisation_id and user.can_write_in(
        incident.organisation_id
    )


def status_history(incident: Incident) -> list[StatusChange]:
    """The incident's status changes, oldest first."""
    return list(incident.status_changes.select_related("changed_by"))


def incident_filter_choices(*, user: User) -> dict[str, list[tuple[str, str]]]:
    """The register's filter choices: statuses, risk categories, countries of the visible incidents, groups, the
    organisation's grievance forms."""
    from hrdd.supplier_sites.models import SiteGroup

    organisation_id = active_organisation_id(user)
    countries: list[str] = []
    if organisation_id is not None:
        countries = list(
            Incident.objects.filter(audience_filter(organisation_id))
            .exclude(country_iso3="")
            .order_by("country_iso3")
            .values_list("country_iso3", flat=True)
            .distinct()
        )
    return {
        "statuses": [(s.value, str(s.label)) for s in Incident.Status],
        "categories": list(risk_category_choices()),
        "countries": [(c, c) for c in countries],
        "groups": [
            (str(pk), name)
            for pk, name in SiteGroup.objects.order_by("name").values_list("public_id", "name")[:1000]
        ],
        "exposure": [("exposed", "Touching our contracts"), ("own", "Recorded by us")],
        "confidentiality": [(c.value, str(c.label)) for c in Confidentiality],
        "channels": [
            (str(pk), title)
            for pk, title in GrievanceChannel.objects.filter(organisation_id=organisation_id)
            .order_by("title", "pk")
            .values_list("public_id", "title")
        ]
        if organisation_id is not None
        else [],
    }


# -- exposure ----------------------------------------------------------------------------------------------------


def incident_site_ids(incident: Incident, parents: dict[int, int | None] | None = None) -> list[int]:
    """The registry sites an incident is about: its site, or every listed site operated anywhere in its group's tree
    (a company's tied group for a company), at most two queries."""
    from hrdd.supplier_sites.models import Site

    if incident.site_id:
        ids = [incident.site_id]
        merged_into = (
            Site.objects.filter(pk=incident.site_id).values_list("merged_into_id", flat=True).first()
        )
        return ids + ([merged_into] if merged_into else [])
    tree = incident_group_ids(incident, parents)
    if not tree:
        return []
    return list(
        Site.objects.exclude(status=Site.Status.MERGED)
        .filter(operator_id__in=tree)
        .values_list("pk", flat=True)
    )


def incident_group_ids(incident: Incident, parents: dict[int, int | None] | None = None) -> set[int]:
    """The group entities an incident reaches: its group and everything under it (or the tree of the group its
    company is tied to); empty for a site."""
    root: int | None = incident.group_id
    if root is None and incident.company_id:
        from hrdd.supplier_sites.models import CompanyGroupLink

        root = (
            CompanyGroupLink.objects.filter(company_id=incident.company_id)
            .values_list("group_id", flat=True)
            .first()
        )
    if root is None:
        return set()
    return _descendants(root, parents if parents is not None else _group_parents())


@dataclass(frozen=True)
class ExposedSite:
    """One exposed site with its collective leverage. The contracts' value is not recorded by hrdd (contracts have
    no value field), so `contract_value` stays None: shown as unknown, never guessed."""

    site: Any
    buyers: int
    contracts: int
    own_contracts: int
    contract_value: None = None


@dataclass
class IncidentExposure:
    """What depends on an incident's subject, as one organisation may see it."""

    sites: int
    exposed_sites: list[ExposedSite]
    contracts: list[Any]  # the viewer's own, by name
    suppliers: list[Any]
    products: list[str]
    procurements: list[Any]
    other_organisations: int  # counts only
    other_contracts: int
    organisations: int  # buyers exposed in all (the viewer's included)
    contract_value_known: bool = False
    # organisation id -> its exposed contract ids (for notifications; never shown to another organisation)
    by_organisation: dict[int, set[int]] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sites": self.sites,
            "exposed_sites": [
                {
                    "site": str(s.site.public_id),
                    "name": s.site.name,
                    "country_iso3": s.site.country_iso3,
                    "buyers": s.buyers,
                    "contracts": s.contracts,
                    "own_contracts": s.own_contracts,
                    "contract_value": s.contract_value,
                }
                for s in self.exposed_sites
            ],
            "contracts": [
                {"id": str(c.public_id), "title": c.title, "supplier": c.supplier.legal_name}
                for c in self.contracts
            ],
            "suppliers": [{"id": str(s.public_id), "name": s.legal_name} for s in self.suppliers],
            "products": list(self.products),
            "procurements": [{"id": str(p.public_id), "title": p.title} for p in self.procurements],
            "other_organisations": self.other_organisations,
            "other_contracts": self.other_contracts,
            "organisations": self.organisations,
            "contract_value_known": self.contract_value_known,
        }


def _exposure_rows(
    incident: Incident, counted: set[int] | None
) -> tuple[list[int], list[rules.MentionFacts], list[tuple[int, int, int | None, str]], set[tuple[int, int]]]:
    """The raw exposure of an incident: its sites, the mentions of them (site, organisation, contract), each
    mention's supplier and products, and the contracts exposed directly through their supplier (organisation,
    contract). `counted` limits the organisations (None: all). Five queries at most."""
    from hrdd.contracts.models import Contract
    from hrdd.supplier_sites.models import SiteMention

    parents = _group_parents() if (incident.group_id or incident.company_id) else {}
    site_ids = incident_site_ids(incident, parents)
    mentions = SiteMention.objects.filter(site_id__in=site_ids) if site_ids else SiteMention.objects.none()
    if counted is not None:
        mentions = mentions.filter(organisation_id__in=counted)
    facts: list[rules.MentionFacts] = []
    details: list[tuple[int, int, int | None, str]] = []
    for site, organisation, contract, supplier, products in mentions.order_by().values_list(
        "site_id", "organisation_id", "contract_id", "supplier_id", "products"
    ):
        facts.append(rules.MentionFacts(site, organisation, contract))
        details.append((organisation, contract or 0, supplier, products))
    direct: set[tuple[int, int]] = set()
    tree = incident_group_ids(incident, parents) if (incident.group_id or incident.company_id) else set()
    condition = Q(supplier__site_group_link__group_id__in=tree) if tree else Q()
    if incident.company_id:
        condition |= Q(supplier_id=incident.company_id)
    if tree or incident.company_id:
        contracts = Contract.objects.filter(condition)
        if counted is not None:
            contracts = contracts.filter(organisation_id__in=counted)
        direct = set(contracts.order_by().values_list("organisation_id", "pk"))
    return site_ids, facts, details, direct


def exposed_contracts_by_organisation(incident: Incident) -> dict[int, set[int]]:
    """Every organisation counted in the incident's exposure (the owner and those sharing) with its exposed
    contract ids: for notifications and the contracts' stored counts, never for display."""
    counted = sharing_organisation_ids() | {incident.organisation_id}
    _sites, facts, _details, direct = _exposure_rows(incident, counted)
    found: dict[int, set[int]] = defaultdict(set)
    for m in facts:
        if m.contract is not None:
            found[m.organisation].add(m.contract)
    for organisation, contract in direct:
        found[organisation].add(contract)
    return dict(found)


def incident_exposure(*, user: User, incident: Incident) -> IncidentExposure:
    """Every contract, supplier, product and procurement of the user's organisation that depends on the incident's
    subject, the other sharing organisations' exposure as counts, and per exposed site its collective leverage
    (buyers, contracts). A fixed number of queries whatever the number of contracts or mentions."""
    from hrdd.companies.models import Company
    from hrdd.contracts.models import Contract
    from hrdd.supplier_sites.models import Site

    viewer = active_organisation_id(user)
    if viewer is None:
        raise NotFound("incident")
    counted = sharing_organisation_ids() | {incident.organisation_id, viewer}
    site_ids, facts, details, direct = _exposure_rows(incident, counted)
    by_organisation: dict[int, set[int]] = defaultdict(set)
    for m in facts:
        by_organisation.setdefault(m.organisation, set())
        if m.contract is not None:
            by_organisation[m.organisation].add(m.contract)
    for organisation, contract in direct:
        by_organisation[organisation].add(contract)
    own_contract_ids = by_organisation.get(viewer, set())
    supplier_ids = {supplier for org, _c, supplier, _p in details if org == viewer and supplier}
    products = sorted(
        {
            p.strip()
            for org, _c, _s, text in details
            if org == viewer
            for p in (text or "").split(";")
            if p.strip()
        }
    )
    contracts = list(
        Contract.objects.filter(pk__in=own_contract_ids, organisation_id=viewer)
        .select_related("supplier", "procurement")
        .order_by("title", "pk")
    )
    supplier_ids |= {c.supplier_id for c in contracts}
    suppliers = list(
        Company.objects.filter(pk__in=supplier_ids, organisation_id=viewer).order_by("legal_name")
    )
    procurements = list({c.procurement.pk: c.procurement for c in contracts}.values())
    leverage = rules.collective_leverage(facts, viewer=viewer)
    listed = {s.pk: s for s in Site.objects.filter(pk__in=[r.site for r in leverage[:SITES_LISTED]])}
    others = {org: ids for org, ids in by_organisation.items() if org != viewer}
    return IncidentExposure(
        sites=len(site_ids),
        exposed_sites=[
            ExposedSite(listed[r.site], r.buyers, r.contracts, r.own_contracts)
            for r in leverage
            if r.site in listed
        ],
        contracts=contracts,
        suppliers=suppliers,
        products=products,
        procurements=procurements,
        other_organisations=len(others),
        other_contracts=sum(len(ids) for ids in others.values()),
        organisations=len(by_organisation),
        by_organisation=dict(by_organisation),
    )


def incidents_about_mentioned_sites(mentions: QuerySet[Any]) -> QuerySet[Incident]:
    """The incidents still calling for action (not closed, not unsubstantiated) whose subject the mentioned sites
    are: one of the sites (or a site merged into it), a group above one of their operators, or a company tied to
    such a group. Three queries, whatever the number of mentions."""
    from hrdd.supplier_sites.models import Site

    site_ids = mentions.exclude(site=None).order_by().values("site_id")
    condition = Q(site_id__in=site_ids) | Q(site__merged_into_id__in=site_ids)
    operators = set(
        Site.objects.filter(pk__in=site_ids)
        .exclude(operator=None)
        .order_by()
        .values_list("operator_id", flat=True)
        .distinct()
    )
    if operators:
        groups = _ancestors(operators, _group_parents())
        condition |= Q(group_id__in=groups) | Q(company__site_group_link__group_id__in=groups)
    return (
        Incident.objects.filter(condition)
        .exclude(status__in=[rules.CLOSED, rules.UNSUBSTANTIATED])
        .select_related("site", "group", "company", "organisation")
        .distinct()
        .order_by("pk")
    )


# -- remediation plans -------------------------------------------------------------------------------------------


def plan_steps(incident: Incident) -> list[RemediationStep]:
    """The incident's corrective-action steps in order, with their contracts and progress reports (two queries)."""
    return list(
        incident.steps.select_related("contract", "verified_by", "organisation").prefetch_related("progress")
    )


def plan_steps_for_contracts(contract_ids: Any) -> QuerySet[RemediationStep]:
    """The corrective-action steps tied to these contracts, by deadline (for the contract page and the calendar
    feed: each step's deadline is an event; the caller has walled the contract ids already)."""
    return (
        RemediationStep.objects.filter(contract_id__in=list(contract_ids))
        .select_related("incident", "contract")
        .order_by("deadline", "position", "id")
    )


def overdue_steps(organisation_id: int, today: dt.date) -> QuerySet[RemediationStep]:
    """The organisation's steps past their deadline and not verified (the contract dashboard's 'overdue')."""
    return (
        RemediationStep.objects.filter(organisation_id=organisation_id, verified_on=None, deadline__lt=today)
        .select_related("incident", "contract")
        .order_by("deadline", "id")
    )


def steps_due_between(organisation_id: int, start: dt.date, end: dt.date) -> QuerySet[RemediationStep]:
    """The organisation's open steps due from `start` to `end` inclusive (the dashboard's 'due soon', the
    organisation's calendar feed)."""
    return (
        RemediationStep.objects.filter(
            organisation_id=organisation_id, verified_on=None, deadline__gte=start, deadline__lte=end
        )
        .select_related("incident", "contract")
        .order_by("deadline", "id")
    )


def steps_for_supplier(*, contract: Any) -> list[RemediationStep]:
    """The steps a contract's supplier reports on through its link (tied to that contract), with the incident's
    title and category only: never the reporter, the source or the internal notes."""
    return list(
        RemediationStep.objects.filter(contract=contract)
        .select_related("incident")
        .prefetch_related("progress")
        .order_by("deadline", "position", "id")
    )


def step_get(*, user: User, public_id: Any) -> RemediationStep:
    """One step of an incident in the user's audience, or NotFound."""
    step_id = public_uuid(public_id)
    found = (
        RemediationStep.objects.select_related("incident", "contract", "organisation")
        .filter(public_id=step_id)
        .first()
        if step_id
        else None
    )
    if found is None:
        raise NotFound("step")
    incident_get(user=user, public_id=found.incident.public_id)  # walls: NotFound outside the audience
    return found


def _facts(steps: Any) -> list[rules.StepFacts]:
    return [rules.StepFacts(s.deadline, s.first_reported_on, s.verified_on) for s in steps]


def rate_steps(steps: Any, today: dt.date) -> rules.RemediationRating:
    """The KPI responsiveness of remediation over steps already read (no query)."""
    return rules.rate_remediation(_facts(steps), today)


def contract_remediation(contract_ids: Any, today: dt.date) -> dict[int, rules.RemediationRating]:
    """The KPI responsiveness of remediation per contract (one query, whatever the number of contracts): for the
    contract page and its KPIs.

    Not stored as the obligations' verdicts are (issue 9): the rule reads only the steps' deadline, first report
    and verification, which one indexed query brings (RemediationStep `step_contract_deadline`), and it depends
    on today; a stored copy would need refreshing daily and on every step write for no saved query."""
    steps: dict[int, list[Any]] = defaultdict(list)
    for s in RemediationStep.objects.filter(contract_id__in=list(contract_ids)).only(
        "contract_id", "deadline", "first_reported_on", "verified_on"
    ):
        steps[s.contract_id].append(s)
    return {cid: rules.rate_remediation(_facts(steps.get(cid, [])), today) for cid in contract_ids}


def supplier_remediation_record(
    *, organisation_id: int, company_ids: Any, today: dt.date
) -> dict[int, rules.RemediationRating]:
    """Per supplier (the organisation's companies), the responsiveness over every step tied to its contracts
    (one query): for the supplier's record."""
    steps: dict[int, list[Any]] = defaultdict(list)
    for s in (
        RemediationStep.objects.filter(
            contract__organisation_id=organisation_id, contract__supplier_id__in=list(company_ids)
        )
        .select_related("contract")
        .only("contract__supplier_id", "deadline", "first_reported_on", "verified_on")
    ):
        steps[s.contract.supplier_id].append(s)
    return {cid: rules.rate_remediation(_facts(steps.get(cid, [])), today) for cid in company_ids}


def supplier_incidents(*, user: User, company: Any) -> QuerySet[Incident]:
    """The incidents in the user's audience touching one of their companies: about it, about its group or a group
    above it, or about a site that the company's site lists name (a fixed number of queries)."""
    from hrdd.supplier_sites.models import CompanyGroupLink, SiteMention

    named = SiteMention.objects.filter(supplier=company).exclude(site=None).values("site_id")
    condition = Q(company=company) | Q(site_id__in=named) | Q(site__merged_into_id__in=named)
    linked = CompanyGroupLink.objects.filter(company=company).values_list("group_id", flat=True).first()
    if linked is not None:
        condition |= Q(group_id__in=_ancestors({linked}, _group_parents()))
    return incident_list(user=user).filter(condition)


# -- grievances --------------------------------------------------------------------------------------------------


def grievance_channel_by_key(key: str) -> GrievanceChannel:
    """The open channel behind a public address (its slug) or secret link (found by its token's digest:
    hrdd.core.linktokens), or NotFound; a closed channel or a re-issued link is not found."""
    key = (key or "").strip()
    digest = lookup_digest(key)
    found = (
        GrievanceChannel.objects.select_related("organisation")
        .filter(Q(slug=key) | Q(token_hash=digest), is_open=True)
        .first()
        if digest
        else None
    )
    if found is None:
        raise NotFound("grievance channel")
    if found.slug != key:
        found.opened_with(key)
    return found


def grievance_channel_list(*, user: User) -> QuerySet[GrievanceChannel]:
    """The organisation's grievance channels."""
    return GrievanceChannel.objects.visible_to(user)


def receipt_hash(normalised_code: str) -> str:
    """The stored form of a receipt code (sha256 of its normalised form: the code has 100 random bits)."""
    return hashlib.sha256(normalised_code.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ReceiptView:
    """What a reporter sees with their receipt code: the status and its history's dates and public notes. Never
    who handles it, the subject as linked, nor any other incident."""

    status: str
    status_label: str
    received_on: dt.date
    language: str
    history: list[tuple[dt.date, str, str]]  # (day, status label, public note)


def receipt_status(code: str) -> ReceiptView:
    """The status behind a receipt code, or NotFound (a mistyped code and an unknown one answer the same)."""
    normalised = rules.normalise_receipt_code(code)
    if normalised is None:
        raise NotFound("receipt")
    incident = Incident.objects.filter(receipt_hash=receipt_hash(normalised)).first()
    if incident is None:
        raise NotFound("receipt")
    history = [
        (c.changed_at.date(), str(Incident.Status(c.after).label), c.public_note)
        for c in incident.status_changes.all()
    ]
    return ReceiptView(
        status=incident.status,
        status_label=str(Incident.Status(incident.status).label),
        received_on=incident.created_at.date(),
        language=incident.language,
        history=history,
    )


# -- notices -----------------------------------------------------------------------------------------------------


def notices_for(user: User, *, unread_only: bool = False, limit: int = 20) -> list[Notice]:
    """The user's notices in the organisation they work in now, unread first then newest (one query)."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return []
    notices = Notice.objects.filter(
        user=user,
        organisation_id=organisation_id,
        # an incident that left the organisation's audience since (made owner-only) takes its notice with it
        incident__in=Incident.objects.filter(audience_filter(organisation_id)).values("pk"),
    ).select_related("incident")
    if unread_only:
        notices = notices.filter(read_at=None)
    return list(notices.order_by(F("read_at").asc(nulls_first=True), "-created_at", "-id")[:limit])


def notice_unread_count(user: User) -> int:
    """How many unread notices the user has in the organisation they work in now."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return 0
    return Notice.objects.filter(
        user=user,
        organisation_id=organisation_id,
        read_at=None,
        incident__in=Incident.objects.filter(audience_filter(organisation_id)).values("pk"),
    ).count()
