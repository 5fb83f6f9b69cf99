"""Writes for tenders: create, change parameters, evaluate bids. Each is audited."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pycountry
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.accounts.services import require_writer, writer_organisation
from hrdd.audit.services import audit_record
from hrdd.companies.services import company_resolve
from hrdd.consultations.joint import is_co_owner
from hrdd.consultations.models import Consultation
from hrdd.consultations.selectors import consultation_market
from hrdd.core.countries import country_catalogue
from hrdd.core.errors import InputError
from hrdd.core.texts import localize
from hrdd.core.versions import claim_version
from hrdd.domain.countries import country_name
from hrdd.domain.risk import get_risk_method
from hrdd.domain.tender import (
    Evaluation,
    TenderAnnex,
    TenderFramework,
    TenderInputError,
    build_tender,
    check_fields,
    evaluate_bids,
    evaluation_fields,
    get_tender_framework,
)
from hrdd.domain.tender_choices import TenderChoices, choose
from hrdd.procurements.models import Procurement
from hrdd.procurements.services import procurement_of_step
from hrdd.risks.models import ProductRiskAssessment
from hrdd.tenders.documents import document_language, lowered
from hrdd.tenders.models import Bid, BidEvaluation, Tender

RISK_NOTES = 5


def plain_country(iso3: str, language: str = "en") -> str:
    """A country's name as a sentence writes it: 'the Democratic Republic of the Congo', 'South Korea'; in
    another language, pycountry's translation ('Zuid-Korea', 'République démocratique du Congo')."""
    name = country_name(iso3)
    country = pycountry.countries.get(alpha_3=iso3) if iso3 else None
    common = getattr(country, "common_name", None)
    if language != "en" and country is not None:
        names = country_catalogue(language)  # loaded once per language
        if names is not None:
            head, comma, tail = names.gettext(str(common or country.name)).partition(", ")
            return f"{tail} {head}" if comma else head
    if common:
        return str(common)
    head, comma, tail = name.partition(", ")
    if not comma:
        return name
    tail = tail[0].lower() + tail[1:] if tail.startswith("The ") else tail
    return f"{tail} {head}"


_SIGNAL = re.compile(r"^\+[0-9.]+: ")
_SHARE = re.compile(r"(\d+(?:\.\d+)?)% of world production in (\d{4})")


def risk_notes(assessment: ProductRiskAssessment | None) -> tuple[str, ...]:
    """The most salient risks of a saved risk assessment in plain words, one sentence each, to give the tender its
    context: the risk, where in the chain and in which country, and why it stands out (no scores, no codes).
    Written in the language active now (the framework's titles and signals in their translations)."""
    if assessment is None:
        return ()
    language = document_language()
    method = get_risk_method()
    categories = {c.id: c.title for c in method.categories}
    notes: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for risk in assessment.result.get("risks", []):
        key = (risk["category"], risk["country_iso3"], risk["stage"])
        if key in seen:
            continue
        seen.add(key)
        stage = lowered(localize(method.stage_title(risk["stage"])))
        if risk.get("material"):
            where = _("%(material)s %(stage)s") % {"material": risk["material"], "stage": stage}
        elif risk.get("component"):
            where = _("%(stage)s (%(component)s)") % {"stage": stage, "component": risk["component"]}
        else:
            where = stage
        category = categories.get(risk["category"])
        note = _("%(risk)s in %(where)s in %(country)s") % {
            "risk": localize(category) if category else risk["category"].replace("_", " "),
            "where": where,
            "country": plain_country(risk["country_iso3"], language),
        }
        reasons = [str(r) for r in risk.get("reasons", [])]
        share = next((m for m in map(_SHARE.search, reasons) if m), None)
        if share is not None:
            note += " " + _("(about %(share)s%% of world production in %(year)s)") % {
                "share": f"{float(share.group(1)):.0f}",
                "year": share.group(2),
            }
        signals = [localize(_SIGNAL.sub("", r)) for r in reasons if _SIGNAL.match(r)]
        note += (": " + "; ".join(signals[:3]) + ".") if signals else "."
        notes.append(note)
        if len(notes) == RISK_NOTES:
            break
    return tuple(notes)


def tender_choices(tender: Tender) -> TenderChoices:
    """The buyer's choices stored on a tender (hrdd's defaults where none is stored)."""
    return TenderChoices.from_dict(tender.choices, require_label=tender.require_label)


def tender_framework(tender: Tender) -> TenderFramework:
    """The tender framework as the buyer chose it: what its annex announces and its evaluation applies."""
    return choose(get_tender_framework(tender.framework_id), tender_choices(tender))


def tender_annex(tender: Tender) -> TenderAnnex:
    """Build the annex of a stored tender (its scenario, parameters and risk context)."""
    choices = tender_choices(tender)
    annex = build_tender(
        scenario=tender.scenario,
        framework=tender_framework(tender),
        months=tender.months,
        weights=tender.weights or None,
        require_label=True,  # a label that is no requirement stays in the annex, as a recommendation
        product=tender.consultation.product_category if tender.consultation else "",
        risk_notes=risk_notes(tender.risk_assessment),
    )
    return replace(annex, require_label=choices.require_label)


def _state(tender: Tender) -> dict[str, Any]:
    return (
        {
            "title": tender.title,
            "scenario": tender.scenario,
            "months": tender.months,
            "require_label": tender.require_label,
            "weights": tender.weights,
        }
        | ({"choices": tender.choices} if tender.choices else {})
        | _language_state(tender.language)
    )


def _language_state(language: str) -> dict[str, str]:
    """The documents' language in an audit record: named when it is not the site's default (English), as the
    buyer's choices are when made, so a record of a change says what it was and what it became."""
    return {"language": language} if language != settings.LANGUAGE_CODE else {}


def tender_language(value: object) -> str:
    """A language the tender documents can be written in (en, nl, fr, de); TenderInputError names the field."""
    code = str(value or "").strip().lower()
    if code not in dict(settings.LANGUAGES):
        raise TenderInputError(
            _("Unknown language %(code)r; choose one of %(known)s.")
            % {"code": code[:20], "known": ", ".join(dict(settings.LANGUAGES))},
            field="language",
        )
    return code


def default_language(actor: User) -> str:
    """The language of a new tender's documents: the one its creator reads hrdd in (set on their account, else
    the one their pages are shown in now), else the site's."""
    for code in (getattr(actor, "language", ""), (translation.get_language() or "").split("-")[0]):
        if code in dict(settings.LANGUAGES):
            return code
    return settings.LANGUAGE_CODE


def _recommended_now(consultation: Consultation | None) -> int | None:
    """The scenario the consultation recommends now (kept with the tender, whose page warns if it changes)."""
    market = consultation_market(consultation=consultation) if consultation is not None else None
    return market.recommended_scenario if market is not None else None


@transaction.atomic
def tender_create(
    *,
    actor: User,
    title: str,
    scenario: int,
    months: int | None = None,
    weights: dict[str, Any] | None = None,
    require_label: bool = True,
    consultation: Consultation | None = None,
    risk_assessment: ProductRiskAssessment | None = None,
    procurement: Procurement | None = None,
    language: str | None = None,
) -> Tender:
    """Create a tender for a scenario; the parameters are checked by building its annex first.

    The tender joins the procurement of its consultation and risk assessment (they must share one), or the
    procurement given, or a new one named after it. Its documents are written in `language` (default: the
    creator's language).
    """
    organisation = writer_organisation(actor)
    title = (title or "").strip()
    if not title or len(title) > 200:
        raise TenderInputError(_("a title of 1 to 200 characters is required"), field="title")
    language = tender_language(language) if language else default_language(actor)
    # a consultation the organisation co-owns (issue 16) is built on too; its procurement stays its owner's
    joint = (
        consultation is not None
        and consultation.organisation_id != organisation.pk
        and is_co_owner(consultation, organisation.pk)
    )
    for linked, name in (
        (None if joint else consultation, "consultation"),
        (risk_assessment, "risk_assessment"),
    ):
        if linked is not None and linked.organisation_id != organisation.pk:
            raise TenderInputError(_("not found"), field=name)
    framework = get_tender_framework()
    annex = build_tender(
        scenario=scenario, framework=framework, months=months, weights=weights, require_label=require_label
    )
    try:
        procurement = procurement_of_step(
            actor=actor,
            procurement=procurement,
            parts=[None if joint else consultation, risk_assessment],
            title=title,
            product_category=consultation.product_category if consultation else "",
        )
    except InputError as exc:
        raise TenderInputError(str(exc), field=exc.field) from exc
    tender = Tender.objects.create(
        organisation=organisation,
        procurement=procurement,
        title=title,
        consultation=consultation,
        risk_assessment=risk_assessment,
        framework_id=framework.id,
        scenario=annex.scenario.scenario,
        months=annex.months,
        require_label=require_label,
        weights={"price": annex.price_weight}
        | {i.criterion.id: i.weight for i in annex.items if i.weight is not None},
        recommended_scenario=_recommended_now(consultation),
        language=language,
        created_by=actor,
    )
    audit_record(
        actor=actor, organisation=organisation, action="tender.create", target=tender, after=_state(tender)
    )
    return tender


@transaction.atomic
def tender_update(
    *,
    actor: User,
    tender: Tender,
    months: int,
    weights: dict[str, Any],
    require_label: bool,
    choices: TenderChoices | None = None,
    language: str | None = None,
    version: int | None = None,
) -> Tender:
    """Change a tender's parameters (months for CC1, weights, label requirement, the language of its documents)
    and the buyer's choices; a change made on another `version` than the saved one is refused (StaleEdit).

    With choices, the label's role among them decides whether the label is required; weights of criteria the
    choices leave out (the label's, when it is no longer an award criterion) are dropped. No `language`: it
    stays as it is.
    """
    require_writer(actor, tender.organisation)
    claim_version(tender, version, what=_("tender"), refresh=True)
    language = tender_language(language) if language is not None else tender.language
    stored = bool(tender.choices)
    if choices is not None:
        choices.check()
        require_label = choices.require_label
        stored = True
    else:  # the label's checkbox alone: required, or else kept as an award criterion or a recommendation
        choices = tender_choices(tender)
        if require_label:
            choices = replace(choices, label_role="admission")
        elif choices.label_role == "admission":
            choices = replace(choices, label_role="recommendation")
    framework = choose(get_tender_framework(tender.framework_id), choices)
    unscored = {c.id for c in framework.criteria if c.rule.type == "label" and c.kind != "award"}
    weights = {key: value for key, value in weights.items() if key not in unscored}
    annex = build_tender(
        scenario=tender.scenario,
        framework=framework,
        months=months,
        weights=weights,
        require_label=True,
    )
    before = _state(tender)
    tender.months = annex.months
    tender.require_label = require_label
    tender.language = language
    if stored:  # a tender that never had choices keeps none: its label's checkbox says it all
        tender.choices = choices.as_dict()
    tender.weights = {"price": annex.price_weight} | {
        i.criterion.id: i.weight for i in annex.items if i.weight is not None
    }
    tender.save()
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.update",
        target=tender,
        before=before,
        after=_state(tender),
    )
    return tender


@transaction.atomic
def tender_language_set(*, actor: User, tender: Tender, language: str, version: int | None = None) -> Tender:
    """Change the language a tender's documents are written in (the annex, the award report); a change made on
    another `version` than the saved one is refused (StaleEdit)."""
    require_writer(actor, tender.organisation)
    code = tender_language(language)
    claim_version(tender, version, what=_("tender"), refresh=True)
    if code != tender.language:
        before = {"language": tender.language}
        tender.language = code
        tender.save(update_fields=["language", "updated_at"])
        audit_record(
            actor=actor,
            organisation=tender.organisation,
            action="tender.update",
            target=tender,
            before=before,
            after={"language": code},
        )
    return tender


def evaluation_request(tender: Tender, bids: Any) -> dict[str, Any]:
    """The evaluation input for a stored tender: its scenario, weights and label rule, and the bids."""
    # a whole request: its other fields must be known ones too (the tender's own apply)
    if isinstance(bids, dict):
        check_fields(bids, evaluation_fields(get_tender_framework(tender.framework_id)))
        bids = bids.get("bids")
    return {
        "scenario": tender.scenario,
        "weights": tender.weights,
        "require_label": tender.require_label,
        "bids": bids,
    }


@transaction.atomic
def bid_evaluation_create(*, actor: User, tender: Tender, bids: Any) -> tuple[BidEvaluation, Evaluation]:
    """Evaluate the bids received for a tender and keep the input and the result."""
    require_writer(actor, tender.organisation)
    request = evaluation_request(tender, bids)
    evaluation = evaluate_bids(request, tender_framework(tender))
    stored = BidEvaluation.objects.create(
        tender=tender,
        request=request,
        result=evaluation.as_dict(),
        texts=evaluation.texts(),
        created_by=actor,
    )
    Bid.objects.bulk_create(
        Bid(
            evaluation=stored,
            bidder=bid.bidder[:200],
            company=company_resolve(
                organisation=tender.organisation, name=bid.bidder, actor=actor, field="bidder"
            ),
        )
        for bid in evaluation.bids
    )
    audit_record(
        actor=actor,
        organisation=tender.organisation,
        action="tender.evaluate_bids",
        target=stored,
        after={
            "bids": len(evaluation.bids),
            "ranking": [
                b.bidder for b in sorted((b for b in evaluation.bids if b.rank), key=lambda b: b.rank or 0)
            ],
        },
    )
    return stored, evaluation
