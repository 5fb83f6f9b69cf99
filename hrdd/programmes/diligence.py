"""Supplier due diligence (issue 14): sourcing links, the stored risk tier with its reasons, enhanced-due-diligence
assessments scored from a framework, the gaps they find with the mitigation assigned, capacity-building enrolments
with milestones, and the two KPIs computed from these records.

Writes (each one transaction with an audit event; bad input raises DiligenceError naming the field, a write outside
the actor's role PermissionDenied, another organisation's record NotFound):
- sourcing links: `sourcing_link_add`, `sourcing_link_update`, `sourcing_link_delete` (each refreshes the tier);
- tiers: `tier_refresh(company)` stores the tier computed by hrdd.domain.supplier_tiers when an input changes (the
  links above; registry sites, group links and RMI uploads through the signals of `connect_signals`), `tiers_refresh`
  for a whole organisation, `tier_override` / `tier_override_clear` (a person's tier with a written reason; the
  computed one stays visible), `tiers_stale` (what a fresh computation would change, for a verify command);
- assessments: `assessment_start`, `assessment_save` (a draft, one section at a time, or completed: scored, stored
  with every point's reason, its gaps become Gap records); a save over a newer version is refused (StaleEdit);
- gaps: `gap_update` (mitigation strategy, owner, deadline, status, closing note);
- enrolments: `enrolment_create`, `enrolment_update`, `milestone_add`, `milestone_update`, `milestone_delete`.

Reads: `supplier_list`, `supplier_get`, `supplier_dossier`, `assessment_get`, `gap_get`, `enrolment_get`,
`sourcing_link_get`, `milestone_get`, `latest_assessment`.

KPIs (hrdd.programmes.kpis protocol): HIGH_RISK_SUPPLIERS_ASSESSED and CAPACITY_BUILDING_ENROLLED.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from hrdd.accounts.models import User
from hrdd.audit.services import audit_record
from hrdd.companies.models import Company
from hrdd.core.errors import InputError
from hrdd.core.inputs import clean_choice, clean_date, clean_text
from hrdd.core.models import active_organisation_id, require_owner_writable, require_writable
from hrdd.core.texts import localize
from hrdd.domain import supplier_tiers as tiers
from hrdd.domain.assessment_framework import (
    DEFAULT_ASSESSMENT_FRAMEWORK,
    AssessmentFramework,
    InvalidAnswers,
    get_assessment_framework,
    parse_answers,
    score_assessment,
)
from hrdd.domain.countries import UnknownCountry, resolve_country, to_iso3
from hrdd.domain.knowledge import KnowledgeBase
from hrdd.domain.questionnaire_framework import FrameworkError
from hrdd.domain.texts import Text
from hrdd.programmes.kpis import Computation, Computed, CountedRecord
from hrdd.programmes.models import (
    DiligenceAssessment,
    Enrolment,
    Gap,
    Milestone,
    Programme,
    SourcingLink,
    SupplierTier,
    Tier,
)

# The companies the suppliers page lists: these kinds, and any company with a stored tier (one with sourcing links).
SUPPLIER_KINDS = (Company.Kind.SUPPLIER, Company.Kind.MANUFACTURER, Company.Kind.SMELTER)
MAX_TEXT = 4000
MAX_SITES = 500  # registry sites of one group read for a tier


class DiligenceError(InputError):
    """Input about supplier due diligence was refused; `field` names it."""


class StaleEdit(DiligenceError):
    """The record changed since the form was opened: nothing was saved."""

    def __init__(self, what: str) -> None:
        super().__init__(
            _(
                "Someone changed this %(what)s after you opened it, so nothing was saved. The form now shows the "
                "saved version with your typing kept: check it and save again."
            )
            % {"what": what},
            field="version",
        )


# -- helpers -----------------------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _writer(actor: User, organisation_id: int) -> None:
    """Refuse unless the actor works in the record's organisation (else NotFound) with a writer role."""
    require_owner_writable(actor, organisation_id)


def _text(value: Any, field: str, limit: int, *, required: bool = False) -> str:
    return clean_text(value, field, limit, required=required, error=DiligenceError)


def _date(value: Any, field: str, *, required: bool = False) -> dt.date | None:
    return clean_date(value, field, future=True, required=required, error=DiligenceError)


def _choice(value: Any, field: str, choices: Iterable[tuple[str, Any]]) -> str:
    return clean_choice(value, field, choices, error=DiligenceError)


def _check_version(record: Any, version: Any, what: str) -> None:
    if version in (None, ""):
        return
    try:
        seen = int(version)
    except (TypeError, ValueError) as exc:
        raise DiligenceError(_("version must be a whole number"), field="version") from exc
    if seen != record.version:
        raise StaleEdit(what)


def _supplier_url(company: Company) -> str:
    return reverse("programmes:supplier", args=[company.public_id])


def knowledge() -> KnowledgeBase:
    """The knowledge base in force (an imported edition replaces the shipped table)."""
    from hrdd.risks.selectors import knowledge_current

    return knowledge_current()


def material_choices() -> list[tuple[str, str]]:
    """The knowledge base's materials, for a sourcing link's select."""
    return [(m, m.replace("-", " ").capitalize()) for m in tiers.materials(knowledge())]


# -- sourcing links and the tier ----------------------------------------------------------------------------------


def _link_state(link: SourcingLink) -> dict[str, Any]:
    return {
        "company": str(link.company.public_id),
        "material": link.material,
        "country_iso3": link.country_iso3,
        "region": link.region,
        "is_asm": link.is_asm,
        "site": str(link.site.public_id) if link.site_id else None,
        "source": link.source,
    }


def _link_values(values: Mapping[str, Any]) -> dict[str, Any]:
    material = str(values.get("material") or "").strip().lower()
    if material not in tiers.materials(knowledge()):
        raise DiligenceError(_("choose a material of the knowledge base"), field="material")
    country = str(values.get("country_iso3") or values.get("country") or "").strip()
    if not country:
        raise DiligenceError(_("the country of origin is required"), field="country_iso3")
    try:
        country = resolve_country(country)
    except UnknownCountry as exc:
        raise DiligenceError(str(exc), field="country_iso3") from exc
    site = values.get("site")
    if site is not None and not hasattr(site, "site_type"):
        raise DiligenceError(_("unknown registry site"), field="site")
    return {
        "material": material,
        "country_iso3": country,
        "region": _text(values.get("region"), "region", 200),
        "is_asm": bool(values.get("is_asm")),
        "site": site,
        "source": _text(values.get("source"), "source", 300),
    }


@transaction.atomic
def sourcing_link_add(*, actor: User, company: Company, **values: Any) -> SourcingLink:
    """Record what a supplier supplies from where; its tier is computed again."""
    _writer(actor, company.organisation_id)
    link = SourcingLink.objects.create(company=company, **_link_values(values))
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="sourcing_link.add",
        target=link,
        after=_link_state(link),
    )
    tier_refresh(company, actor=actor)
    return link


@transaction.atomic
def sourcing_link_update(*, actor: User, link: SourcingLink, **values: Any) -> SourcingLink:
    """Correct a sourcing link; the supplier's tier is computed again."""
    _writer(actor, link.company.organisation_id)
    before = _link_state(link)
    for name, value in _link_values(values).items():
        setattr(link, name, value)
    link.save()
    audit_record(
        actor=actor,
        organisation=link.company.organisation,
        action="sourcing_link.update",
        target=link,
        before=before,
        after=_link_state(link),
    )
    tier_refresh(link.company, actor=actor)
    return link


@transaction.atomic
def sourcing_link_delete(*, actor: User, link: SourcingLink) -> None:
    """Remove a sourcing link; the supplier's tier is computed again."""
    company = link.company
    _writer(actor, company.organisation_id)
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="sourcing_link.delete",
        target=link,
        before=_link_state(link),
    )
    link.delete()
    tier_refresh(company, actor=actor)


def _group_ids(group_id: int) -> list[int]:
    """A registry group and every entity below it, any depth (one query per level)."""
    from hrdd.supplier_sites.models import SiteGroup

    found = [group_id]
    frontier = [group_id]
    for _level in range(20):
        frontier = [
            pk
            for pk in SiteGroup.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            if pk not in found
        ]
        if not frontier:
            break
        found.extend(frontier)
    return found


RELEVANT_SITE = Q(site_type__in=["mine", "raw_material_processing"]) | Q(is_artisanal=True)


def supplier_facts(company: Company) -> tiers.SupplierFacts:
    """What is known of a supplier's sourcing: its links, the mines and refiners of its registry group (and those
    its links name), and the smelters of its current RMI templates."""
    from hrdd.rmi.models import Upload, UploadSmelter
    from hrdd.supplier_sites.models import CompanyGroupLink, Site

    links = list(company.sourcing_links.select_related("site").order_by("material", "country_iso3", "id"))
    facts = [tiers.SourcingFact(x.material, x.country_iso3, x.region, x.is_asm) for x in links]
    sites: list[tiers.SiteFact] = []
    for link in links:
        if link.site_id:
            site = link.site
            sites.append(
                tiers.SiteFact(
                    site.name,
                    site.country_iso3,
                    site.site_type,
                    site.is_artisanal,
                    via=Text(gettext_noop("named on its %(material)s sourcing link"), material=link.material),
                )
            )
    group_link = CompanyGroupLink.objects.filter(company=company).select_related("group").first()
    if group_link is not None:
        operators = _group_ids(group_link.group_id)
        rows = (
            Site.objects.filter(operator_id__in=operators)
            .filter(RELEVANT_SITE)
            .exclude(status=Site.Status.MERGED)
            .select_related("operator")
            .order_by("name", "id")[:MAX_SITES]
        )
        for site in rows:
            via = Text(
                gettext_noop("operated by %(group)s"),
                group=site.operator.name if site.operator else group_link.group.name,
            )
            sites.append(
                tiers.SiteFact(site.name, site.country_iso3, site.site_type, site.is_artisanal, via=via)
            )
    smelters = []
    rows_rmi = (
        UploadSmelter.objects.filter(
            upload__request__company=company,
            upload__request__current_upload=F("upload"),
            upload__status__in=(Upload.Status.ACCEPTED, Upload.Status.NEEDS_CORRECTION),
        )
        .exclude(metal="")
        .values_list("name", "metal", "country_iso3", "mine_country", "site__country_iso3", "upload__request__campaign__title")
        .order_by("metal", "name", "row")
    )  # fmt: skip
    for name, metal, country, mine_country, site_country, campaign in rows_rmi:
        mines = (to_iso3(mine_country) or "",) if mine_country else ()
        smelters.append(
            tiers.SmelterFact(
                name or Text(gettext_noop("(no name)")),
                metal,
                country or site_country or "",
                tuple(m for m in mines if m),
                via=Text(gettext_noop("named in its smelter list for %(campaign)s"), campaign=campaign),
            )
        )
    return tiers.SupplierFacts(links=tuple(facts), sites=tuple(sites), smelters=tuple(smelters))


def _tier_state(tier: SupplierTier) -> dict[str, Any]:
    return {
        "tier": tier.tier,
        "computed_tier": tier.computed_tier,
        "reasons": [r.get("code") for r in tier.reasons],
        "override_reason": tier.override_reason,
    }


def _english(reasons: Any) -> list[tuple[Any, Any, Any]]:
    """Stored or fresh reasons as their English words (code, text, source): what a change of tier is judged on;
    the template kept beside each text ("said") is not."""
    return [(r.get("code"), r.get("text"), r.get("source")) for r in reasons or []]


def compute_tier(company: Company) -> tiers.TierVerdict:
    """The tier a fresh computation gives (nothing stored)."""
    return tiers.assess_supplier_tier(supplier_facts(company), knowledge=knowledge())


@transaction.atomic
def tier_refresh(company: Company, *, actor: User | None = None) -> SupplierTier:
    """Compute a supplier's tier from its current inputs and store it with its reasons (an override stays in
    force; the computed tier beside it is updated). Audited when the tier or its reasons change."""
    verdict = compute_tier(company)
    reasons = verdict.reasons_as_dicts()
    now = timezone.now()
    stored = SupplierTier.objects.select_for_update().filter(company=company).first()
    if stored is None:
        stored = SupplierTier.objects.create(
            organisation_id=company.organisation_id,
            company=company,
            tier=verdict.tier,
            computed_tier=verdict.tier,
            reasons=reasons,
            computed_at=now,
        )
        before = None
    elif stored.computed_tier == verdict.tier and _english(stored.reasons) == _english(reasons):
        # the same verdict; a tier stored before its reasons kept their templates gets them, unaudited
        SupplierTier.objects.filter(pk=stored.pk).update(computed_at=now, reasons=reasons)
        stored.reasons = reasons
        return stored
    else:
        before = _tier_state(stored)
        stored.computed_tier = verdict.tier
        stored.reasons = reasons
        stored.computed_at = now
        if not stored.override_reason:
            stored.tier = verdict.tier
        stored.save()
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="supplier_tier.compute",
        target=stored,
        before=before,
        after=_tier_state(stored),
    )
    return stored


def tier_recompute(*, actor: User, company: Company) -> SupplierTier:
    """A writer's "compute the tier again" on a supplier's page."""
    _writer(actor, company.organisation_id)
    return tier_refresh(company, actor=actor)


def tiers_refresh(
    *,
    organisation_id: int,
    actor: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute again the tier of every supplier of an organisation; returns how many tiers changed. Each tier is
    stored in its own transaction; `progress(done, total)` hears of every 50."""
    companies = Company.objects.filter(organisation_id=organisation_id).filter(
        Q(kind__in=SUPPLIER_KINDS) | Q(risk_tier__isnull=False)
    )
    total = companies.count()
    changed = 0
    for done, company in enumerate(companies.select_related("organisation").order_by("pk"), start=1):
        with transaction.atomic():
            before = (
                SupplierTier.objects.filter(company=company).values_list("computed_tier", "reasons").first()
            )
            after = tier_refresh(company, actor=actor)
        changed += before is None or (before[0], _english(before[1])) != (
            after.computed_tier,
            _english(after.reasons),
        )
        if progress is not None and (done % 50 == 0 or done == total):
            progress(done, total)
    return changed


def tiers_refresh_for(*, actor: User) -> int:
    """The suppliers page's "compute the tiers again": the actor's organisation (a writer's action, audited per
    changed tier)."""
    organisation_id = active_organisation_id(actor)
    if organisation_id is None:
        raise PermissionDenied(_("Your role does not allow changes in this organisation."))
    require_writable(actor, organisation_id)
    return tiers_refresh(organisation_id=organisation_id, actor=actor)


def tiers_stale(*, organisation_id: int | None = None) -> list[tuple[Company, str, str]]:
    """The stored tiers a fresh computation would change: (company, stored computed tier, fresh tier), for a
    verify command (`hrdd verify`); nothing is stored."""
    rows = SupplierTier.objects.select_related("company")
    if organisation_id is not None:
        rows = rows.filter(organisation_id=organisation_id)
    stale = []
    for stored in rows.order_by("pk"):
        verdict = compute_tier(stored.company)
        if verdict.tier != stored.computed_tier or _english(verdict.reasons_as_dicts()) != _english(
            stored.reasons
        ):
            stale.append((stored.company, stored.computed_tier, verdict.tier))
    return stale


@transaction.atomic
def tier_override(*, actor: User, company: Company, tier: str, reason: str) -> SupplierTier:
    """Set a supplier's tier by hand with a written reason (the computed tier and its reasons stay beside it)."""
    _writer(actor, company.organisation_id)
    tier = _choice(tier, "tier", Tier.choices)
    reason = _text(reason, "reason", MAX_TEXT, required=True)
    stored = SupplierTier.objects.select_for_update().filter(company=company).first() or tier_refresh(company)
    before = _tier_state(stored)
    stored.tier = tier
    stored.override_reason = reason
    stored.override_by = actor
    stored.save()
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="supplier_tier.override",
        target=stored,
        before=before,
        after=_tier_state(stored),
    )
    return stored


@transaction.atomic
def tier_override_clear(*, actor: User, company: Company) -> SupplierTier:
    """Go back to the computed tier."""
    _writer(actor, company.organisation_id)
    stored = SupplierTier.objects.select_for_update().filter(company=company).first()
    if stored is None or not stored.override_reason:
        return tier_refresh(company, actor=actor)
    before = _tier_state(stored)
    stored.tier = stored.computed_tier
    stored.override_reason = ""
    stored.override_by = None
    stored.save()
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="supplier_tier.override_clear",
        target=stored,
        before=before,
        after=_tier_state(stored),
    )
    return stored


# -- signals: inputs written by other apps ------------------------------------------------------------------------


def _refresh_companies(company_ids: Iterable[int]) -> None:
    """Compute again the tiers of these companies (those still there), after the transaction that changed their
    inputs committed."""
    for company in Company.objects.filter(pk__in=set(company_ids)).select_related("organisation"):
        tier_refresh(company)


def _later(company_ids: Iterable[int]) -> None:
    ids = [pk for pk in company_ids if pk]
    if ids:
        transaction.on_commit(partial(_refresh_companies, ids))


def _ancestor_ids(group_id: int | None) -> list[int]:
    from hrdd.supplier_sites.models import SiteGroup

    found: list[int] = []
    while group_id is not None and group_id not in found and len(found) < 50:
        found.append(group_id)
        group_id = SiteGroup.objects.filter(pk=group_id).values_list("parent_id", flat=True).first()
    return found


def _on_site_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A registry mine or refiner changed: the suppliers whose group operates it, or whose links name it."""
    from hrdd.supplier_sites.models import CompanyGroupLink

    if not (instance.site_type in ("mine", "raw_material_processing") or instance.is_artisanal):
        return
    ids = list(SourcingLink.objects.filter(site_id=instance.pk).values_list("company_id", flat=True))
    if instance.operator_id:
        groups = _ancestor_ids(instance.operator_id)
        ids += list(CompanyGroupLink.objects.filter(group_id__in=groups).values_list("company_id", flat=True))
    _later(ids)


def _on_group_link_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    _later([instance.company_id])


def _on_upload_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """An RMI upload was read: its supplier's smelters may have changed (the request's current file is set in the
    same transaction, so the tier is computed once it committed)."""
    company_id = (
        type(instance).objects.filter(pk=instance.pk).values_list("request__company_id", flat=True).first()
    )
    _later([company_id] if company_id else [])


def connect_signals() -> None:
    """Keep stored tiers current when other apps change their inputs (called from ProgrammesConfig.ready)."""
    from django.db.models.signals import post_delete, post_save

    from hrdd.rmi.models import Upload
    from hrdd.supplier_sites.models import CompanyGroupLink, Site

    for signal in (post_save, post_delete):
        signal.connect(_on_site_change, sender=Site, dispatch_uid=f"diligence-site-{signal is post_save}")
        signal.connect(
            _on_group_link_change,
            sender=CompanyGroupLink,
            dispatch_uid=f"diligence-group-{signal is post_save}",
        )
    post_save.connect(_on_upload_saved, sender=Upload, dispatch_uid="diligence-rmi-upload")


# -- assessments ---------------------------------------------------------------------------------------------------


def assessment_framework(assessment: DiligenceAssessment) -> AssessmentFramework:
    """The framework an assessment is made against."""
    return get_assessment_framework(assessment.framework_key)


def _assessment_state(assessment: DiligenceAssessment) -> dict[str, Any]:
    return {
        "company": str(assessment.company.public_id),
        "framework": f"{assessment.framework_key} {assessment.framework_version}",
        "stage": assessment.stage,
        "status": assessment.status,
        "assessed_on": assessment.assessed_on.isoformat(),
        "answers": assessment.answers,
        "score": None if assessment.score is None else str(assessment.score),
        "max_score": None if assessment.max_score is None else str(assessment.max_score),
    }


@transaction.atomic
def assessment_start(
    *,
    actor: User,
    company: Company,
    stage: str,
    assessed_on: Any = None,
    framework_key: str = DEFAULT_ASSESSMENT_FRAMEWORK,
) -> DiligenceAssessment:
    """Open a draft assessment of a supplier against a framework, before or during the relationship."""
    _writer(actor, company.organisation_id)
    try:
        framework = get_assessment_framework(framework_key or DEFAULT_ASSESSMENT_FRAMEWORK)
    except FrameworkError as exc:
        raise DiligenceError(str(exc), field="framework_key") from exc
    day = _date(assessed_on, "assessed_on") or _today()
    if day > _today():
        raise DiligenceError(_("the date cannot be in the future"), field="assessed_on")
    assessment = DiligenceAssessment.objects.create(
        organisation_id=company.organisation_id,
        created_by=actor,
        assessor=actor,
        company=company,
        framework_key=framework.id,
        framework_version=framework.version,
        stage=_choice(stage, "stage", DiligenceAssessment.Stage.choices),
        assessed_on=day,
    )
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="diligence_assessment.start",
        target=assessment,
        after=_assessment_state(assessment),
    )
    return assessment


@transaction.atomic
def assessment_save(
    *,
    actor: User,
    assessment: DiligenceAssessment,
    answers: Mapping[str, Any],
    notes: Mapping[str, str] | None = None,
    version: Any = None,
    section: str = "",
    complete: bool = False,
) -> DiligenceAssessment:
    """Save answers (all of them, or one section's with `section`: the others stay as saved) as a draft; with
    `complete`, every question must be answered: the assessment is scored, its score and result stored with every
    point's reason, and each gap found becomes a Gap record. A completed assessment stays as it was scored."""
    _writer(actor, assessment.organisation_id)
    assessment = (
        DiligenceAssessment.objects.select_for_update().select_related("company").get(pk=assessment.pk)
    )
    if assessment.status == DiligenceAssessment.Status.COMPLETED:
        raise DiligenceError(
            _("this assessment is completed; start a new one to assess again"), field="status"
        )
    _check_version(assessment, version, _("assessment"))
    framework = assessment_framework(assessment)
    merged: dict[str, Any] = dict(assessment.answers)
    merged_notes: dict[str, str] = dict(assessment.notes)
    if section:
        keys = [q.id for s in framework.sections if s.id == section for q in s.questions]
        if not keys:
            raise DiligenceError(_("unknown section %r") % section, field="section")
    else:
        keys = [q.id for q in framework.questions]
    for key in keys:
        merged.pop(key, None)
        if notes is not None:  # notes not given stay as saved
            merged_notes.pop(key, None)
    for key, value in answers.items():
        if value not in (None, "", [], ()):
            merged[key] = value
    for key, text in (notes or {}).items():
        text = _text(text, f"notes.{key}", MAX_TEXT)
        if text:
            merged_notes[key] = text
    try:
        checked = parse_answers(merged, framework, partial=not complete)
    except InvalidAnswers as exc:
        raise DiligenceError(localize(exc.text), field=exc.field) from exc
    unknown_notes = sorted(set(merged_notes) - {q.id for q in framework.questions})
    if unknown_notes:
        raise DiligenceError(_("unknown question %r") % unknown_notes[0], field=f"notes.{unknown_notes[0]}")
    before = _assessment_state(assessment)
    assessment.answers = {k: list(v) for k, v in checked.items()}
    assessment.notes = merged_notes
    assessment.version += 1
    action = "diligence_assessment.save"
    if complete:
        score = score_assessment(checked, framework)
        assessment.score = Decimal(str(score.points))
        assessment.max_score = Decimal(str(score.max_points))
        assessment.result = score.as_dict()
        assessment.status = DiligenceAssessment.Status.COMPLETED
        assessment.completed_at = timezone.now()
        Gap.objects.bulk_create(
            Gap(assessment=assessment, question_key=g.question, description=g.text[:1000]) for g in score.gaps
        )
        action = "diligence_assessment.complete"
    assessment.save()
    audit_record(
        actor=actor,
        organisation=assessment.company.organisation,
        action=action,
        target=assessment,
        before=before,
        after=_assessment_state(assessment) | ({"gaps": len(assessment.result["gaps"])} if complete else {}),
    )
    return assessment


def assessment_result(assessment: DiligenceAssessment) -> dict[str, Any]:
    """A completed assessment's stored result, its sentences (every point's reason, the gap rule) as Texts to be
    said in the reader's language: scored again from the stored answers with the framework it was made against,
    and used when that gives the very English stored; else the stored result as it is."""
    stored = dict(assessment.result or {})
    try:
        framework = assessment_framework(assessment)
        if framework.version != assessment.framework_version:
            return stored
        fresh = score_assessment(parse_answers(assessment.answers, framework), framework)
    except (FrameworkError, InvalidAnswers, KeyError):
        return stored
    said = fresh.as_dict(plain=False)
    return said if said == stored else stored


# -- gaps ----------------------------------------------------------------------------------------------------------


def _gap_state(gap: Gap) -> dict[str, Any]:
    return {
        "description": gap.description,
        "strategy": gap.strategy,
        "owner": gap.owner,
        "deadline": gap.deadline.isoformat() if gap.deadline else None,
        "status": gap.status,
        "closed_on": gap.closed_on.isoformat() if gap.closed_on else None,
        "closing_note": gap.closing_note,
    }


@transaction.atomic
def gap_update(
    *,
    actor: User,
    gap: Gap,
    strategy: str = "",
    owner: str = "",
    deadline: Any = None,
    status: str = Gap.Status.OPEN,
    closing_note: str = "",
    closed_on: Any = None,
    version: Any = None,
) -> Gap:
    """Assign or change a gap's mitigation (strategy, owner, deadline) and its status; closing needs a note on
    how it was closed."""
    _writer(actor, gap.assessment.organisation_id)
    gap = Gap.objects.select_for_update().select_related("assessment__organisation").get(pk=gap.pk)
    _check_version(gap, version, _("gap"))
    before = _gap_state(gap)
    gap.strategy = _text(strategy, "strategy", MAX_TEXT)
    gap.owner = _text(owner, "owner", 200)
    gap.deadline = _date(deadline, "deadline")
    gap.status = _choice(status, "status", Gap.Status.choices)
    gap.closing_note = _text(closing_note, "closing_note", MAX_TEXT)
    if gap.status == Gap.Status.CLOSED:
        if not gap.closing_note:
            raise DiligenceError(_("say how the gap was closed"), field="closing_note")
        gap.closed_on = _date(closed_on, "closed_on") or gap.closed_on or _today()
    else:
        gap.closed_on = None
    if gap.status == Gap.Status.IN_PROGRESS and not gap.strategy:
        raise DiligenceError(_("a gap in progress needs its mitigation strategy"), field="strategy")
    gap.version += 1
    gap.save()
    audit_record(
        actor=actor,
        organisation=gap.assessment.organisation,
        action="gap.update",
        target=gap,
        before=before,
        after=_gap_state(gap),
    )
    return gap


def gap_is_overdue(gap: Gap, today: dt.date | None = None) -> bool:
    """Whether a gap still open is past its deadline."""
    return gap.status != Gap.Status.CLOSED and gap.deadline is not None and gap.deadline < (today or _today())


# -- enrolments and milestones -------------------------------------------------------------------------------------


def _enrolment_state(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "company": str(enrolment.company.public_id),
        "programme": str(enrolment.programme.public_id) if enrolment.programme_id else None,
        "goal": enrolment.goal,
        "enrolled_on": enrolment.enrolled_on.isoformat(),
        "ended_on": enrolment.ended_on.isoformat() if enrolment.ended_on else None,
        "status": enrolment.status,
    }


def _programme(value: Any, organisation_id: int) -> Programme | None:
    if value in (None, ""):
        return None
    if not isinstance(value, Programme) or value.organisation_id != organisation_id:
        raise DiligenceError(_("unknown programme"), field="programme")
    return value


@transaction.atomic
def enrolment_create(
    *, actor: User, company: Company, goal: str, enrolled_on: Any = None, programme: Any = None
) -> Enrolment:
    """Enrol a supplier in the capacity-building programme with its goal (e.g. "Copper Mark by 2027")."""
    _writer(actor, company.organisation_id)
    enrolment = Enrolment.objects.create(
        organisation_id=company.organisation_id,
        created_by=actor,
        company=company,
        programme=_programme(programme, company.organisation_id),
        goal=_text(goal, "goal", 300, required=True),
        enrolled_on=_date(enrolled_on, "enrolled_on") or _today(),
    )
    audit_record(
        actor=actor,
        organisation=company.organisation,
        action="enrolment.create",
        target=enrolment,
        after=_enrolment_state(enrolment),
    )
    return enrolment


@transaction.atomic
def enrolment_update(
    *,
    actor: User,
    enrolment: Enrolment,
    goal: str,
    enrolled_on: Any,
    status: str,
    ended_on: Any = None,
    programme: Any = None,
    version: Any = None,
) -> Enrolment:
    """Change an enrolment; one that is completed or left ends on `ended_on` (today when not given), one still
    running has no end date."""
    _writer(actor, enrolment.organisation_id)
    enrolment = (
        Enrolment.objects.select_for_update().select_related("company", "organisation").get(pk=enrolment.pk)
    )
    _check_version(enrolment, version, _("enrolment"))
    before = _enrolment_state(enrolment)
    enrolment.goal = _text(goal, "goal", 300, required=True)
    enrolment.enrolled_on = _date(enrolled_on, "enrolled_on", required=True)  # type: ignore[assignment]
    enrolment.status = _choice(status, "status", Enrolment.Status.choices)
    enrolment.programme = _programme(programme, enrolment.organisation_id)
    ended = _date(ended_on, "ended_on")
    if enrolment.status == Enrolment.Status.ACTIVE:
        if ended is not None:
            raise DiligenceError(_("an enrolment still running has no end date"), field="ended_on")
    else:
        ended = ended or _today()
        if ended < enrolment.enrolled_on:
            raise DiligenceError(_("the end date is before the enrolment date"), field="ended_on")
    enrolment.ended_on = ended
    enrolment.version += 1
    enrolment.save()
    audit_record(
        actor=actor,
        organisation=enrolment.organisation,
        action="enrolment.update",
        target=enrolment,
        before=before,
        after=_enrolment_state(enrolment),
    )
    return enrolment


def _milestone_state(milestone: Milestone) -> dict[str, Any]:
    return {
        "title": milestone.title,
        "due_on": milestone.due_on.isoformat(),
        "done_on": milestone.done_on.isoformat() if milestone.done_on else None,
        "evidence": milestone.evidence,
    }


@transaction.atomic
def milestone_add(*, actor: User, enrolment: Enrolment, title: str, due_on: Any) -> Milestone:
    """Add a milestone to an enrolment."""
    _writer(actor, enrolment.organisation_id)
    milestone = Milestone.objects.create(
        enrolment=enrolment,
        title=_text(title, "title", 300, required=True),
        due_on=_date(due_on, "due_on", required=True),
    )
    audit_record(
        actor=actor,
        organisation=enrolment.organisation,
        action="milestone.add",
        target=milestone,
        after=_milestone_state(milestone),
    )
    return milestone


@transaction.atomic
def milestone_update(
    *, actor: User, milestone: Milestone, title: str, due_on: Any, done_on: Any = None, evidence: str = ""
) -> Milestone:
    """Change a milestone, or mark it done with its evidence."""
    enrolment = milestone.enrolment
    _writer(actor, enrolment.organisation_id)
    before = _milestone_state(milestone)
    milestone.title = _text(title, "title", 300, required=True)
    milestone.due_on = _date(due_on, "due_on", required=True)  # type: ignore[assignment]
    milestone.done_on = _date(done_on, "done_on")
    if milestone.done_on is not None and milestone.done_on > _today():
        raise DiligenceError(_("the date cannot be in the future"), field="done_on")
    milestone.evidence = _text(evidence, "evidence", 1000)
    milestone.save()
    audit_record(
        actor=actor,
        organisation=enrolment.organisation,
        action="milestone.update",
        target=milestone,
        before=before,
        after=_milestone_state(milestone),
    )
    return milestone


@transaction.atomic
def milestone_delete(*, actor: User, milestone: Milestone) -> None:
    """Remove a milestone set by mistake."""
    enrolment = milestone.enrolment
    _writer(actor, enrolment.organisation_id)
    audit_record(
        actor=actor,
        organisation=enrolment.organisation,
        action="milestone.delete",
        target=milestone,
        before=_milestone_state(milestone),
    )
    milestone.delete()


def milestone_is_overdue(milestone: Milestone, today: dt.date | None = None) -> bool:
    return milestone.done_on is None and milestone.due_on < (today or _today())


# -- selectors ---------------------------------------------------------------------------------------------------


def _completed(company_ref: Any) -> QuerySet[DiligenceAssessment]:
    return DiligenceAssessment.objects.filter(
        company=company_ref, status=DiligenceAssessment.Status.COMPLETED
    ).order_by("-assessed_on", "-id")


def supplier_list(*, user: User, tier: str = "") -> QuerySet[Company]:
    """The organisation's suppliers with their stored tier, latest completed assessment (date, score, maximum,
    id), open and overdue gaps and whether one is enrolled now: one query, whatever the number of rows.
    `tier` keeps one tier ("unknown" includes suppliers whose tier was never computed)."""
    today = _today()
    latest = _completed(OuterRef("pk"))
    open_gaps = Gap.objects.filter(assessment__company=OuterRef("pk")).exclude(status=Gap.Status.CLOSED)
    companies = (
        Company.objects.owned_by(user)  # a supplier shared with us is under "Shared with us"
        .filter(Q(kind__in=SUPPLIER_KINDS) | Q(risk_tier__isnull=False))
        .select_related("risk_tier")
        .annotate(
            tier_value=Coalesce(F("risk_tier__tier"), Value(Tier.UNKNOWN)),
            latest_on=Subquery(latest.values("assessed_on")[:1]),
            latest_score=Subquery(latest.values("score")[:1]),
            latest_max=Subquery(latest.values("max_score")[:1]),
            latest_id=Subquery(latest.values("public_id")[:1]),
            open_gaps=Coalesce(
                Subquery(
                    open_gaps.values("assessment__company").annotate(n=Count("pk")).values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            overdue_gaps=Coalesce(
                Subquery(
                    open_gaps.filter(deadline__lt=today)
                    .values("assessment__company")
                    .annotate(n=Count("pk"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            enrolled=Exists(Enrolment.objects.filter(company=OuterRef("pk"), status=Enrolment.Status.ACTIVE)),
        )
    )
    if tier:
        companies = companies.filter(tier_value=tier)
    return companies


def supplier_get(*, user: User, public_id: uuid.UUID | str) -> Company:
    """One company of the user's organisation, or NotFound."""
    return Company.objects.select_related("risk_tier__override_by").get_owned(user, public_id=public_id)


def stored_tier(company: Company) -> SupplierTier | None:
    try:
        return company.risk_tier  # type: ignore[no-any-return]
    except SupplierTier.DoesNotExist:
        return None


def supplier_dossier(company: Company) -> dict[str, Any]:
    """Everything of a supplier's due diligence for its page: tier, links, assessments, gaps, enrolments (a fixed
    number of queries)."""
    today = _today()
    gaps = sorted(
        Gap.objects.filter(assessment__company=company).select_related("assessment"),
        key=lambda g: (g.status == Gap.Status.CLOSED, g.deadline or dt.date.max, g.pk),
    )
    for gap in gaps:
        gap.overdue = gap_is_overdue(gap, today)  # type: ignore[attr-defined]
    enrolments = list(
        company.enrolments.select_related("programme").prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id"))
        )
    )
    for enrolment in enrolments:
        for milestone in enrolment.milestones.all():
            milestone.overdue = milestone_is_overdue(milestone, today)  # type: ignore[attr-defined]
    return {
        "tier": stored_tier(company),
        "links": list(
            company.sourcing_links.select_related("site").order_by("material", "country_iso3", "id")
        ),
        "assessments": list(company.assessments.select_related("assessor").order_by("-assessed_on", "-id")),
        "gaps": gaps,
        "open_gaps": sum(1 for g in gaps if g.status != Gap.Status.CLOSED),
        "enrolments": enrolments,
    }


def latest_assessment(company: Company) -> DiligenceAssessment | None:
    """The supplier's latest completed assessment."""
    return _completed(company).first()


def assessment_get(*, user: User, public_id: uuid.UUID | str) -> DiligenceAssessment:
    return DiligenceAssessment.objects.select_related("company", "assessor").get_visible(
        user, public_id=public_id
    )


def gap_get(*, user: User, public_id: uuid.UUID | str) -> Gap:
    return Gap.objects.select_related("assessment__company").get_visible(user, public_id=public_id)


def enrolment_get(*, user: User, public_id: uuid.UUID | str) -> Enrolment:
    return Enrolment.objects.select_related("company", "programme").get_visible(user, public_id=public_id)


def sourcing_link_get(*, user: User, public_id: uuid.UUID | str) -> SourcingLink:
    return SourcingLink.objects.select_related("company", "site").get_visible(user, public_id=public_id)


def milestone_get(*, user: User, public_id: uuid.UUID | str) -> Milestone:
    return Milestone.objects.select_related("enrolment__company").get_visible(user, public_id=public_id)


def programme_choices(*, user: User) -> list[Programme]:
    return list(
        Programme.objects.visible_to(user).only("public_id", "title").order_by("-start_year", "title")[:100]
    )


def site_choices(limit: int = 300) -> list[Any]:
    """Registry mines and refiners a sourcing link may name (the first `limit` by name)."""
    from hrdd.supplier_sites.models import Site

    return list(
        Site.objects.filter(RELEVANT_SITE)
        .exclude(status=Site.Status.MERGED)
        .only("public_id", "name", "country_iso3")
        .order_by("name", "id")[:limit]
    )


# -- computed KPIs -------------------------------------------------------------------------------------------------


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _high_risk_method(start: dt.date, end: dt.date) -> str:
    return _(
        "The share of the suppliers whose risk tier is high that have a completed enhanced-due-diligence "
        "assessment dated within the 12 months up to the period's end (after %(start)s, up to and including "
        "%(end)s). The tiers are stored as they are now, not per period: a past period is counted with today's "
        "tiers."
    ) % {"start": start.isoformat(), "end": end.isoformat()}


def _high_risk_rows(organisation_id: int, period_end: dt.date) -> QuerySet[SupplierTier]:
    # by company only (its organisation is the tier's): the index on (company, status, assessed_on) answers each
    # row at once, where a filter on the organisation too let SQLite scan the organisation's assessments per row
    latest = DiligenceAssessment.objects.filter(
        company=OuterRef("company"),
        status=DiligenceAssessment.Status.COMPLETED,
        assessed_on__lte=period_end,
    ).order_by("-assessed_on", "-id")
    return (
        SupplierTier.objects.filter(organisation_id=organisation_id, tier=Tier.HIGH)
        .select_related("company")
        .annotate(
            last_on=Subquery(latest.values("assessed_on")[:1]),
            last_score=Subquery(latest.values("score")[:1]),
            last_max=Subquery(latest.values("max_score")[:1]),
        )
        .order_by("company__legal_name", "company_id")
    )


def _high_risk_compute(organisation_id: int, period_start: dt.date, period_end: dt.date) -> Computed:
    window = _year_before(period_end)
    method = _high_risk_method(window, period_end)
    recent = DiligenceAssessment.objects.filter(
        company=OuterRef("company"),
        status=DiligenceAssessment.Status.COMPLETED,
        assessed_on__gt=window,
        assessed_on__lte=period_end,
    )
    counts = SupplierTier.objects.filter(organisation_id=organisation_id, tier=Tier.HIGH).aggregate(
        total=Count("pk"), counted=Count("pk", filter=Q(Exists(recent)))
    )
    total, counted = counts["total"], counts["counted"]
    if not total:
        return Computed(None, 0, 0, method, missing=_("No supplier is in the high-risk tier."))
    value = (Decimal(100) * counted / total).quantize(Decimal("0.01"))
    return Computed(value=value, numerator=counted, denominator=total, method=method)


def _high_risk_records(
    organisation_id: int, period_start: dt.date, period_end: dt.date
) -> list[CountedRecord]:
    window = _year_before(period_end)
    found = []
    for row in _high_risk_rows(organisation_id, period_end):
        company = row.company
        tier = _("high risk (tier set by hand)") if row.override_reason else _("high risk")
        if row.last_on is None:
            counted, detail = (
                False,
                _("%(tier)s; no completed assessment up to %(end)s")
                % {"tier": tier, "end": period_end.isoformat()},
            )
        elif row.last_on <= window:
            counted, detail = (
                False,
                _("%(tier)s; latest completed assessment on %(day)s, more than 12 months before %(end)s")
                % {"tier": tier, "day": row.last_on.isoformat(), "end": period_end.isoformat()},
            )
        else:
            counted, detail = (
                True,
                _("%(tier)s; assessed on %(day)s (score %(score)s of %(max)s)")
                % {
                    "tier": tier,
                    "day": row.last_on.isoformat(),
                    "score": points_text(row.last_score),
                    "max": points_text(row.last_max),
                },
            )
        found.append(CountedRecord(company.legal_name, _supplier_url(company), counted, detail))
    return found


def points_text(value: Any) -> str:
    """A stored score as the page writes it: "7", "7.5" (in the reader's format)."""
    from django.utils.formats import number_format

    number = Decimal(value).normalize()
    return number_format(number.quantize(Decimal(1)) if number == number.to_integral_value() else number)


HIGH_RISK_SUPPLIERS_ASSESSED = Computation(
    key="high_risk_suppliers_assessed",
    title=gettext_noop("High-risk suppliers assessed in enhanced due diligence"),
    unit="percent",
    compute=_high_risk_compute,
    records=_high_risk_records,
)


def _enrolled_method() -> str:
    return _(
        "The suppliers enrolled in the capacity-building programme at any time in the period: an enrolment that "
        "started on or before the period's end and had not ended before its start. A supplier counts once."
    )


def _enrolments(organisation_id: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(organisation_id=organisation_id)
        .select_related("company")
        .order_by("company__legal_name", "company_id", "enrolled_on", "id")
    )


def _overlaps(enrolment: Enrolment, period_start: dt.date, period_end: dt.date) -> bool:
    return enrolment.enrolled_on <= period_end and (
        enrolment.ended_on is None or enrolment.ended_on >= period_start
    )


def _enrolled_compute(organisation_id: int, period_start: dt.date, period_end: dt.date) -> Computed:
    companies = {
        e.company_id for e in _enrolments_light(organisation_id) if _overlaps(e, period_start, period_end)
    }
    return Computed(
        value=Decimal(len(companies)), numerator=len(companies), denominator=None, method=_enrolled_method()
    )


def _enrolments_light(organisation_id: int) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(organisation_id=organisation_id).only(
        "company_id", "enrolled_on", "ended_on"
    )


def _enrolled_records(
    organisation_id: int, period_start: dt.date, period_end: dt.date
) -> list[CountedRecord]:
    per_company: dict[int, list[Enrolment]] = {}
    for enrolment in _enrolments(organisation_id):
        per_company.setdefault(enrolment.company_id, []).append(enrolment)
    found = []
    for enrolments in per_company.values():
        company = enrolments[0].company
        active = [e for e in enrolments if _overlaps(e, period_start, period_end)]

        def span(e: Enrolment) -> str:
            end = e.ended_on.isoformat() if e.ended_on else _("now")
            return _("“%(goal)s”, %(start)s to %(end)s") % {
                "goal": e.goal,
                "start": e.enrolled_on.isoformat(),
                "end": end,
            }

        if active:
            detail = _("enrolled in the period: %(spans)s") % {"spans": "; ".join(span(e) for e in active)}
            url = active[0].get_absolute_url()
        else:
            detail = _("not enrolled in the period: %(spans)s") % {
                "spans": "; ".join(span(e) for e in enrolments)
            }
            url = enrolments[-1].get_absolute_url()
        found.append(CountedRecord(company.legal_name, url, bool(active), detail))
    return found


CAPACITY_BUILDING_ENROLLED = Computation(
    key="capacity_building_enrolled",
    title=gettext_noop("Suppliers in the capacity-building programme"),
    unit="count",
    compute=_enrolled_compute,
    records=_enrolled_records,
)
