"""Tender criteria and clauses by market maturity, and the evaluation of bids on them (CFIT manual 3.3).

`build_tender` selects the baseline and the criteria and clauses of scenario 1, 2 or 3 from the tender
framework, with the buyer's parameters. `evaluate_bids` scores bids exactly as the framework announces:
a fraction of each criterion's weight, with the reason behind every fraction.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from hrdd.domain.text_data import text_data, text_from_data
from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml


def number_text(value: float) -> str:
    """Write a price, weight or score in full: 1234567 and 106.6505, never 1.23457e+06."""
    return f"{value:.12g}"


def joined(items: Sequence[str], *, alternatives: bool = False) -> str:
    """Items as a sentence lists them: "a, b, c", or with `alternatives` "a, or b, or c". Texts among them stay
    Texts, and so does the list, so that it is said in the reader's language."""
    items = list(items)
    if len(items) <= 1:
        return items[0] if items else ""
    rest = joined(items[1:], alternatives=alternatives)
    if alternatives:
        return Text(gettext_noop("%(first)s, or %(rest)s"), first=items[0], rest=rest)
    return Text(gettext_noop("%(first)s, %(rest)s"), first=items[0], rest=rest)


class TenderFrameworkError(ValueError):
    """The tender framework file breaks a rule of its format."""


class TenderInputError(ValueError):
    """Bad tender parameters or bids; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(f"{field}: {message}" if field else message)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Kpi(_Frozen):
    kpi: Literal["timeliness", "completeness", "contents", "responsiveness"]
    text: str


class Rule(_Frozen):
    model_config = ConfigDict(frozen=True, extra="allow")
    type: Literal[
        "label", "risk_assessment", "site_list", "policy_commitment", "action_plan", "due_diligence", "clause"
    ]


class Schedule(_Frozen):
    type: Literal["after_award", "anniversaries"]


class SubmissionSpec(_Frozen):
    """What a supplier hands in for a clause: a risk-assessment document, a production-site list, or a report
    whose `fields` are the short answers asked beside the document."""

    kind: Literal["risk_assessment", "site_list", "report"]
    fields: tuple[Literal["actions_count", "processes", "stakeholder_evidence"], ...] = ()
    source: str

    @model_validator(mode="after")
    def _fields_for_reports_only(self) -> SubmissionSpec:
        if self.kind == "report" and not self.fields:
            raise ValueError("a report names the fields asked beside it")
        if self.kind != "report" and self.fields:
            raise ValueError(f"a {self.kind} submission asks no fields")
        if len(set(self.fields)) != len(self.fields):
            raise ValueError("a field is named twice")
        return self


class Reminders(_Frozen):
    days_before: tuple[int, ...]
    days_after: tuple[int, ...]
    due_soon_days: int


class Criterion(_Frozen):
    id: str
    kind: Literal["label", "selection", "award", "clause"]
    title: str
    requirement: str
    requirement_by_scenario: dict[int, str] = {}
    verification: str
    scoring: str
    rule: Rule
    kpis: tuple[Kpi, ...]
    legal: tuple[str, ...]
    source: str
    note: str | None = None
    schedule: Schedule | None = None  # clauses: when the obligation falls due
    submission: SubmissionSpec | None = None  # clauses: what the supplier hands in
    contents: tuple[str, ...] = ()  # clauses: the contents checklist of a submission (KPI "contents")
    minimums_from: str | None = None  # clauses: the criterion whose rule gives the checklist's minimums

    def minimums(self, framework: TenderFramework) -> dict[str, int]:
        """The minimum counts a submission's contents must reach (e.g. CC1 takes AC1's)."""
        if self.minimums_from is None:
            return {}
        extra = framework.criterion(self.minimums_from).rule.model_extra or {}
        return {k: int(v) for k, v in extra.items() if isinstance(v, int) and not isinstance(v, bool)}

    def requirement_for(self, scenario: int, *, months: int) -> str:
        """The requirement text for a scenario, with the buyer's parameters filled in."""
        text = self.requirement_by_scenario.get(scenario, self.requirement)
        return fill_months(text, months)

    def requirement_template(self, scenario: int) -> str:
        """The requirement text for a scenario before the buyer's parameters are filled in (the framework's text,
        which its translations are keyed by)."""
        return self.requirement_by_scenario.get(scenario, self.requirement)


def fill_months(text: str, months: int) -> str:
    """A framework text with the buyer's months filled in ({months}); a text without them stays as it is."""
    return text.replace("{months}", str(months)) if "{months}" in text else text


class Scenario(_Frozen):
    scenario: int
    title: str
    aim: str
    criteria: tuple[str, ...]
    source: str


class Parameters(_Frozen):
    default_months: int
    default_price_weight: float
    default_quality_weight: float
    abnormally_low_share: float
    abnormally_low_source: str


class TenderFramework(_Frozen):
    kind: Literal["tender"]
    id: str
    version: str
    title: str
    source: str
    legal_bases: dict[str, str]
    criteria: tuple[Criterion, ...]
    scenarios: tuple[Scenario, ...]
    reminders: Reminders
    parameters: Parameters
    # plain titles of the words the clauses use inside, shown instead of them
    kpi_titles: dict[str, str] = {}
    content_titles: dict[str, str] = {}
    submission_titles: dict[str, str] = {}

    @model_validator(mode="after")
    def _consistent(self) -> TenderFramework:
        ids = [c.id for c in self.criteria]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate criterion ids")
        for criterion in self.criteria:
            unknown = set(criterion.legal) - set(self.legal_bases)
            if unknown:
                raise ValueError(f"criterion {criterion.id}: unknown legal basis {sorted(unknown)}")
        for criterion in self.criteria:
            if criterion.kind == "clause" and criterion.schedule is None:
                raise ValueError(f"clause {criterion.id}: a schedule is required")
            if criterion.kind == "clause" and criterion.submission is None:
                raise ValueError(f"clause {criterion.id}: a submission is required")
            kpis = {k.kpi for k in criterion.kpis}
            # the completeness KPI rates a site list (CFIT 3.4 Lesson 1, contract clause 2)
            if "completeness" in kpis and (
                criterion.submission is None or criterion.submission.kind != "site_list"
            ):
                raise ValueError(f"clause {criterion.id}: the completeness KPI needs a site_list submission")
        for scenario in self.scenarios:
            unknown = set(scenario.criteria) - set(ids)
            if unknown:
                raise ValueError(f"scenario {scenario.scenario}: unknown criteria {sorted(unknown)}")
        return self

    def criterion(self, criterion_id: str) -> Criterion:
        """Return a criterion by id."""
        return next(c for c in self.criteria if c.id == criterion_id)

    def scenarios_with_months(self) -> tuple[int, ...]:
        """The scenarios with a clause due some months after the award (CC1): the only ones the months apply to."""
        after_award = {
            c.id for c in self.criteria if c.schedule is not None and c.schedule.type == "after_award"
        }
        return tuple(s.scenario for s in self.scenarios if after_award & set(s.criteria))

    def clause_submission(self, clause_id: str) -> SubmissionSpec:
        """Return what the supplier hands in for a contract clause; KeyError for an id that is no clause."""
        for criterion in self.criteria:
            if criterion.id == clause_id and criterion.submission is not None:
                return criterion.submission
        raise KeyError(f"{clause_id!r} is not a contract clause of {self.id}")

    def scenario(self, number: int) -> Scenario:
        """Return a scenario by number; TenderInputError names the known ones."""
        for scenario in self.scenarios:
            if scenario.scenario == number:
                return scenario
        known = ", ".join(str(s.scenario) for s in self.scenarios)
        raise TenderInputError(f"unknown scenario {number!r}; expected one of {known}", field="scenario")


@cache
def get_tender_framework(framework_id: str = "cfit-2025-tender") -> TenderFramework:
    """Return the shipped tender framework."""
    resource = resources.files("hrdd.frameworks").joinpath(f"{framework_id}.yaml")
    if not resource.is_file():
        raise TenderFrameworkError(f"unknown tender framework {framework_id!r}")
    try:
        return TenderFramework.model_validate(load_yaml(resource.read_text(encoding="utf-8")))
    except ValidationError as exc:
        raise TenderFrameworkError(f"{framework_id}: {exc}") from exc


# --- the tender annex -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnexItem:
    criterion: Criterion
    requirement: str
    weight: float | None  # award criteria only
    legal: tuple[str, ...]  # full texts of the legal bases
    kpis: tuple[tuple[str, str], ...] = ()  # (kpi, text) with the buyer's parameters filled in
    # the framework's texts before the buyer's parameters are filled in: what their translations are keyed by
    requirement_template: str = ""
    kpi_templates: tuple[str, ...] = ()


@dataclass(frozen=True)
class TenderAnnex:
    framework: str
    scenario: Scenario
    months: int
    require_label: bool
    price_weight: float
    items: tuple[AnnexItem, ...]
    product: str = ""
    risk_notes: tuple[str, ...] = ()  # salient risks from the buyer's risk assessment, as context

    def of_kind(self, kind: str) -> tuple[AnnexItem, ...]:
        """Return the items of one kind (label, selection, award, clause)."""
        return tuple(i for i in self.items if i.criterion.kind == kind)

    def as_dict(self) -> dict[str, Any]:
        """Return the annex as plain JSON."""
        return {
            "framework": self.framework,
            "scenario": self.scenario.scenario,
            "title": self.scenario.title,
            "aim": self.scenario.aim,
            "months": self.months,
            "require_label": self.require_label,
            "product": self.product,
            "weights": {"price": self.price_weight}
            | {i.criterion.id: i.weight for i in self.items if i.weight is not None},
            "risk_notes": list(self.risk_notes),
            "items": [
                {
                    "id": i.criterion.id,
                    "kind": i.criterion.kind,
                    "title": i.criterion.title,
                    "requirement": i.requirement,
                    "verification": i.criterion.verification,
                    "scoring": i.criterion.scoring,
                    "weight": i.weight,
                    "kpis": [{"kpi": kpi, "text": text} for kpi, text in i.kpis],
                    "legal_basis": list(i.legal),
                    "source": i.criterion.source,
                    "note": i.criterion.note,
                }
                for i in self.items
            ],
        }


def default_weights(scenario: Scenario, framework: TenderFramework) -> dict[str, float]:
    """The framework's starting weights: price, and the quality share split equally among the award criteria."""
    parameters = framework.parameters
    awards = [c for c in scenario.criteria if framework.criterion(c).kind == "award"]
    if not awards:
        return {"price": parameters.default_price_weight + parameters.default_quality_weight}
    share = round(parameters.default_quality_weight / len(awards), 4)
    return {"price": parameters.default_price_weight} | dict.fromkeys(awards, share)


def check_weights(
    weights: Mapping[str, Any], scenario: Scenario, framework: TenderFramework
) -> dict[str, float]:
    """Validate weights: 'price' and the scenario's award criteria only, each a number >= 0."""
    awards = {c for c in scenario.criteria if framework.criterion(c).kind == "award"}
    checked: dict[str, float] = {}
    for key, value in weights.items():
        if key != "price" and key not in awards:
            other = f"; scenario {scenario.scenario} has {', '.join(sorted(awards))}" if awards else ""
            raise TenderInputError(
                f"{key!r} is not an award criterion of this scenario{other}", field="weights"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise TenderInputError(f"must be a number >= 0, got {value!r}", field=f"weights.{key}")
        checked[key] = float(value)
    return checked


def build_tender(
    *,
    scenario: int,
    framework: TenderFramework,
    months: int | None = None,
    weights: Mapping[str, Any] | None = None,
    require_label: bool = True,
    product: str = "",
    risk_notes: Sequence[str] = (),
) -> TenderAnnex:
    """Select the baseline and the scenario's criteria and clauses, with the buyer's parameters."""
    if isinstance(scenario, bool) or not isinstance(scenario, int):
        raise TenderInputError(f"must be 1, 2 or 3, got {scenario!r}", field="scenario")
    chosen = framework.scenario(scenario)
    months = framework.parameters.default_months if months is None else months
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise TenderInputError(f"must be a whole number of months >= 1, got {months!r}", field="months")
    given = check_weights(weights, chosen, framework) if weights else {}
    weights_ = default_weights(chosen, framework) | given
    items = []
    for criterion_id in chosen.criteria:
        criterion = framework.criterion(criterion_id)
        if criterion.kind == "label" and not require_label:
            continue
        items.append(
            AnnexItem(
                criterion=criterion,
                requirement=criterion.requirement_for(chosen.scenario, months=months),
                weight=weights_.get(criterion.id) if criterion.kind == "award" else None,
                legal=tuple(framework.legal_bases[key] for key in criterion.legal),
                kpis=tuple((k.kpi, fill_months(k.text, months)) for k in criterion.kpis),
                requirement_template=criterion.requirement_template(chosen.scenario),
                kpi_templates=tuple(k.text for k in criterion.kpis),
            )
        )
    return TenderAnnex(
        framework=f"{framework.id} {framework.version}",
        scenario=chosen,
        months=months,
        require_label=require_label,
        price_weight=weights_["price"],
        items=tuple(items),
        product=product,
        risk_notes=tuple(risk_notes),
    )


# --- evaluating bids ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BidResult:
    bidder: str
    price: float
    admitted: bool
    reasons: tuple[str, ...]
    fractions: Mapping[str, float]
    fraction_reasons: Mapping[str, str]
    points: Mapping[str, float]
    total: float | None
    rank: int | None
    abnormally_low: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape printed by `hrdd tender evaluate --json`."""
        return {
            "bidder": self.bidder,
            "price": self.price,
            "admitted": self.admitted,
            "reasons": list(self.reasons),
            "fractions": dict(self.fractions),
            "fraction_reasons": dict(self.fraction_reasons),
            "points": dict(self.points),
            "total": self.total,
            "rank": self.rank,
            "abnormally_low": self.abnormally_low,
        }


@dataclass(frozen=True)
class Evaluation:
    scenario: int
    weights: Mapping[str, float]
    require_label: bool
    bids: tuple[BidResult, ...]
    framework: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], texts: Mapping[str, Any] | None = None) -> Evaluation:
        """Rebuild an evaluation from its stored JSON, exactly as it was made; with the `texts` stored beside it
        (`Evaluation.texts`), its reasons and notes are Texts again, to be said in the reader's language."""
        said = texts or {}
        said_bids = list(said.get("bids") or [])
        said_bids += [{}] * (len(data["bids"]) - len(said_bids))

        def again(english: str, data: Any) -> str:
            return text_from_data(english, data)

        def listed(values: Sequence[str], datas: Any) -> tuple[str, ...]:
            datas = list(datas or []) + [None] * len(values)
            return tuple(again(value, datas[i]) for i, value in enumerate(values))

        return cls(
            scenario=data["scenario"],
            weights=dict(data["weights"]),
            require_label=data["require_label"],
            framework=data["framework"],
            notes=listed(data.get("notes", ()), said.get("notes")),
            bids=tuple(
                BidResult(
                    bidder=b["bidder"],
                    price=b["price"],
                    admitted=b["admitted"],
                    reasons=listed(b["reasons"], s.get("reasons")),
                    fractions=dict(b["fractions"]),
                    fraction_reasons={
                        k: again(v, (s.get("fraction_reasons") or {}).get(k))
                        for k, v in b["fraction_reasons"].items()
                    },
                    points=dict(b["points"]),
                    total=b["total"],
                    rank=b["rank"],
                    abnormally_low=b.get("abnormally_low", False),
                )
                for b, s in zip(data["bids"], said_bids, strict=False)
            ),
        )

    def texts(self) -> dict[str, Any]:
        """The template and parameters of each reason and note (hrdd.domain.texts.Text) as plain JSON, in the
        places `as_dict` gives their English: stored beside it, they let a page say a stored evaluation in its
        reader's language (`from_dict`)."""
        return {
            "notes": [text_data(n) for n in self.notes],
            "bids": [
                {
                    "reasons": [text_data(r) for r in b.reasons],
                    "fraction_reasons": {k: text_data(v) for k, v in b.fraction_reasons.items()},
                }
                for b in self.bids
            ],
        }

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape printed by `hrdd tender evaluate --json`."""
        return {
            "scenario": self.scenario,
            "weights": dict(self.weights),
            "require_label": self.require_label,
            "framework": self.framework,
            "notes": list(self.notes),
            "bids": [b.as_dict() for b in self.bids],
        }


def _text(value: Any) -> bool:
    """A text field counts only when it holds non-blank text."""
    return isinstance(value, str) and bool(value.strip())


def _object(value: Any, name: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TenderInputError("must be an object", field=name)
    return value


def _list(value: Any, name: str) -> Sequence[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TenderInputError("must be a list", field=name)
    return value


def _objects(value: Any, name: str) -> Sequence[Mapping[str, Any]]:
    items = _list(value, name)
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise TenderInputError("must be an object", field=f"{name}[{index}]")
    return items


def _risk_assessment(rule: Rule, bid: Mapping[str, Any], name: str) -> tuple[float, str]:
    ra = _object(bid.get("risk_assessment"), f"{name}.risk_assessment")
    need = rule.model_extra or {}
    components = [c for c in _list(ra.get("components"), f"{name}.risk_assessment.components") if _text(c)]
    materials = [
        m for m in _list(ra.get("raw_materials"), f"{name}.risk_assessment.raw_materials") if _text(m)
    ]
    countries = [
        c
        for c in _list(ra.get("sourcing_countries"), f"{name}.risk_assessment.sourcing_countries")
        if _text(c)
    ]
    risks = [
        r
        for r in _objects(ra.get("risks"), f"{name}.risk_assessment.risks")
        if _text(r.get("description"))  # "at least three risks with a description"
    ]
    counts = {
        "components": len(components),
        "raw_materials": len(materials),
        "countries": len(countries),
        "risks": len(risks),
    }
    missing = [
        Text(gettext_noop("%(what)s %(found)s < %(needed)s"), what=k, found=counts[k], needed=need[k])
        for k in ("components", "raw_materials", "countries", "risks")
        if counts[k] < need[k]
    ]
    found: str = Text(
        gettext_noop(
            "%(components)s component(s), %(raw_materials)s raw material(s), %(countries)s sourcing "
            "country(ies), %(risks)s risk(s) with a description"
        ),
        **counts,
    )
    found = _with_source(found, ra, f"{name}.risk_assessment")
    if missing:
        return 0.0, Text(
            gettext_noop("%(found)s; missing: %(missing)s"), found=found, missing=joined(missing)
        )
    return 1.0, Text(gettext_noop("%(found)s: all minimum contents present"), found=found)


def _with_source(text: str, block: Mapping[str, Any], name: str) -> str:
    """A reason with where the bid's answer comes from (a document's check, the buyer's reading), when given."""
    source = block.get("source")
    if source is not None and not isinstance(source, str):
        raise TenderInputError("must be text", field=f"{name}.source")
    if isinstance(source, str) and source.strip():
        return Text(gettext_noop("%(text)s (%(source)s)"), text=text, source=source.strip())
    return text


def _site_list(rule: Rule, bid: Mapping[str, Any], name: str) -> tuple[float, str]:
    extra = rule.model_extra or {}
    key = extra["field"]
    block = _object(bid.get(key), f"{name}.{key}")
    sites = _objects(block.get("sites"), f"{name}.{key}.sites")
    complete = [s for s in sites if _text(s.get("name")) and _text(s.get("address"))]
    if complete:
        return float(extra.get("list", 1.0)), Text(
            gettext_noop("%(field)s: a list with %(count)s site(s) with name and address"),
            field=key,
            count=len(complete),
        )
    plan = _object(block.get("plan"), f"{name}.{key}.plan")
    parts = ("timeline", "deliverables", "challenges", "supplier_engagement")
    missing = [p for p in parts if not _text(plan.get(p))]
    if not missing:
        return float(extra.get("plan", 0.7)), Text(
            gettext_noop("%(field)s: no complete site, but a plan with all four parts"), field=key
        )
    return 0.0, Text(
        gettext_noop("%(field)s: no site with name and address, and the plan lacks %(parts)s"),
        field=key,
        parts=", ".join(missing),
    )


def _policy(rule: Rule, bid: Mapping[str, Any], name: str) -> tuple[float, str]:
    extra = rule.model_extra or {}
    policy = _object(bid.get("policy_commitment"), f"{name}.policy_commitment")
    written = policy.get("written") is True or _text(policy.get("written"))
    communicated = policy.get("communicated_to_suppliers") is True or _text(
        policy.get("communicated_to_suppliers")
    )
    if written and communicated:
        fraction, text = (
            float(extra["written"] + extra["communicated"]),
            Text(gettext_noop("written commitment, communicated to suppliers")),
        )
    elif written:
        fraction, text = (
            float(extra["written"]),
            Text(gettext_noop("written commitment, not shown to be communicated to suppliers")),
        )
    elif communicated:
        fraction, text = (
            0.0,
            Text(gettext_noop("communicated to suppliers but no written commitment: nothing to score")),
        )
    else:
        fraction, text = 0.0, Text(gettext_noop("no written commitment"))
    return fraction, _with_source(text, policy, f"{name}.policy_commitment")


def _actions(rule: Rule, bid: Mapping[str, Any], name: str) -> tuple[float, str]:
    fractions = {int(k): float(v) for k, v in (rule.model_extra or {})["fractions"].items()}
    actions = _objects(bid.get("actions"), f"{name}.actions")
    justified = [a for a in actions if _text(a.get("action")) and _text(a.get("justification"))]
    count = len(justified)
    step = max(k for k in fractions if k <= count)
    return fractions[step], Text(
        gettext_noop("%(count)s action(s) with a justification (%(given)s given)"),
        count=count,
        given=len(actions),
    )


def _due_diligence(rule: Rule, bid: Mapping[str, Any], name: str) -> tuple[float, str]:
    extra = rule.model_extra or {}
    dd = _object(bid.get("due_diligence"), f"{name}.due_diligence")
    present = [e for e in extra["elements"] if _text(dd.get(e))]
    missing = [e for e in extra["elements"] if e not in present]
    fraction = round(extra["per_element"] * len(present), 4)
    if extra.get(
        "all_required"
    ):  # the buyer's choice: all five elements or nothing (hrdd.domain.tender_choices)
        fraction = 0.0 if missing else 1.0
    text = _with_source(
        Text(
            gettext_noop("%(present)s of %(total)s elements described"),
            present=len(present),
            total=len(extra["elements"]),
        ),
        dd,
        f"{name}.due_diligence",
    )
    if missing:
        return fraction, Text(
            gettext_noop("%(found)s; missing: %(elements)s"), found=text, elements=", ".join(missing)
        )
    return fraction, text


def _label(rule: Rule, bid: Mapping[str, Any], name: str) -> tuple[float, str]:
    """The label as an award criterion (the buyer's choice, hrdd.domain.tender_choices): all or nothing."""
    label = bid.get("label")
    if label is not None and not isinstance(label, str):
        raise TenderInputError("must be text", field=f"{name}.label")
    if _text(label):
        return 1.0, label_given(str(label))
    return 0.0, Text(gettext_noop("no label given"))


def label_given(label: str) -> str:
    """The reason a bid's label is read: the label it names."""
    return Text(gettext_noop("label: %(label)s"), label=label.strip())


_RULES = {
    "label": _label,
    "risk_assessment": _risk_assessment,
    "site_list": _site_list,
    "policy_commitment": _policy,
    "action_plan": _actions,
    "due_diligence": _due_diligence,
}


# --- the accepted fields ---------------------------------------------------------------------------------------
#
# A shape says which names an object may hold: a dict of name -> the shape of its value, a one-item list for a list
# of objects of that shape, None for a value the readers check themselves. A name outside the shape is refused:
# read as missing, a misspelled field (`risk_assesment`) would silently change the ranking.

Shape = Mapping[str, Any] | list[Any] | None

_RISK = {"category": None, "description": None}
_SITE = {"name": None, "address": None, "country": None}
SITE_PLAN_PARTS = ("timeline", "deliverables", "challenges", "supplier_engagement")


def _rule_fields(rule: Rule) -> dict[str, Shape]:
    """The bid fields a criterion's rule reads, with their shapes."""
    extra = rule.model_extra or {}
    if rule.type == "label":
        return {"label": None}
    if rule.type == "risk_assessment":
        return {
            "risk_assessment": {
                "components": None,
                "raw_materials": None,
                "sourcing_countries": None,
                "risks": [_RISK],
                "source": None,  # where the lists come from (a document's check, the buyer's reading)
            }
        }
    if rule.type == "site_list":
        return {extra["field"]: {"sites": [_SITE], "plan": dict.fromkeys(SITE_PLAN_PARTS)}}
    if rule.type == "policy_commitment":
        return {"policy_commitment": {"written": None, "communicated_to_suppliers": None, "source": None}}
    if rule.type == "action_plan":
        return {"actions": [{"action": None, "justification": None}]}
    if rule.type == "due_diligence":
        return {"due_diligence": dict.fromkeys([*extra["elements"], "source"])}
    return {}  # clauses bind the contract, not the bid


def bid_fields(framework: TenderFramework, scenario: Scenario | None = None) -> dict[str, Shape]:
    """The fields a bid may hold: bidder, price and what the criteria read (of one scenario, or of any)."""
    ids = scenario.criteria if scenario is not None else tuple(c.id for c in framework.criteria)
    fields: dict[str, Shape] = {"bidder": None, "price": None}
    for criterion_id in ids:
        fields |= _rule_fields(framework.criterion(criterion_id).rule)
    return fields


def evaluation_fields(framework: TenderFramework) -> dict[str, Shape]:
    """The fields of an evaluation request: scenario, weights, label rule and the bids."""
    return {"scenario": None, "weights": None, "require_label": None, "bids": [bid_fields(framework)]}


def closest_name(name: str, known: Sequence[str]) -> str | None:
    """The known name a misspelled one most probably means (None when none is close)."""
    folded = {k.casefold(): k for k in known}
    typed = str(name).casefold().strip()
    matches = difflib.get_close_matches(typed, list(folded), n=1, cutoff=0.6)
    if matches:
        return folded[matches[0]]
    started = [k for k in folded if len(typed) >= 3 and k.startswith(typed)]  # an abbreviation: "desc"
    return folded[started[0]] if len(started) == 1 else None


class UnknownField(TenderInputError):
    """A field the rules do not read; `parts` is its path (e.g. ("bids", 0, "risk_assesment"))."""

    def __init__(self, parts: Sequence[str | int], known: Sequence[str]) -> None:
        self.parts = tuple(parts)
        self.suggestion = closest_name(str(parts[-1]), known)
        if self.suggestion is not None:
            self.message = f"unknown field; did you mean {self.suggestion}?"
        else:
            self.message = f"unknown field; expected one of {', '.join(known)}"
        super().__init__(self.message, field=field_path(self.parts))


def field_path(parts: Sequence[str | int]) -> str:
    """Write a path as the messages do: bids[0].risk_assessment.risks[2]."""
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def check_fields(value: Any, shape: Shape, parts: Sequence[str | int] = ()) -> None:
    """Refuse the first field, at any depth, that the shape does not know (UnknownField names it and suggests the
    field meant). Values are left to the readers: a list where an object belongs is their refusal to make."""
    if isinstance(shape, Mapping) and isinstance(value, Mapping):
        for key, item in value.items():
            if key not in shape:
                raise UnknownField([*parts, str(key)], list(shape))
            check_fields(item, shape[key], [*parts, key])
    elif isinstance(shape, list) and isinstance(value, list):
        for index, item in enumerate(value):
            check_fields(item, shape[0], [*parts, index])


def _unread_notes(bids: Sequence[Any], scenario: Scenario, framework: TenderFramework) -> list[str]:
    """A note for each known field the scenario does not read, so that nobody expects points for it."""
    read = bid_fields(framework, scenario)
    counts: dict[str, int] = {}
    for bid in bids:
        if isinstance(bid, Mapping):
            for key, value in bid.items():
                if key not in read and value not in (None, [], {}, ""):
                    counts[key] = counts.get(key, 0) + 1
    return [
        Text(
            gettext_noop(
                "%(field)s is given in %(count)s bid(s) but no criterion of scenario %(scenario)s reads it"
            ),
            field=key,
            count=count,
            scenario=scenario.scenario,
        )
        for key, count in counts.items()
    ]


def _price(value: Any, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise TenderInputError(f"must be a number greater than 0, got {value!r}", field=f"{name}.price")
    return float(value)


def evaluate_bids(request: Any, framework: TenderFramework) -> Evaluation:
    """Score bids on the scenario's criteria: admission, fractions with reasons, points, totals and ranks."""
    if not isinstance(request, Mapping):
        raise TenderInputError("the evaluation file must hold an object with scenario, weights and bids")
    check_fields(request, evaluation_fields(framework))
    number = request.get("scenario")
    if isinstance(number, bool) or not isinstance(number, int):
        raise TenderInputError(f"must be 1, 2 or 3, got {number!r}", field="scenario")
    scenario = framework.scenario(number)
    weights = check_weights(_object(request.get("weights"), "weights"), scenario, framework)
    if "price" not in weights:
        raise TenderInputError("a weight for 'price' is required", field="weights")
    require_label = request.get("require_label", True)
    if not isinstance(require_label, bool):
        raise TenderInputError(f"must be true or false, got {require_label!r}", field="require_label")
    raw_bids = request.get("bids")
    if not isinstance(raw_bids, list) or not raw_bids:
        raise TenderInputError("must be a non-empty list of bids", field="bids")
    criteria = [framework.criterion(c) for c in scenario.criteria]
    notes: list[str] = []
    for criterion in criteria:
        if criterion.kind == "award" and criterion.id not in weights:
            notes.append(
                Text(
                    gettext_noop("no weight given for %(criterion)s: it counts 0 points"),
                    criterion=criterion.id,
                )
            )
    notes.extend(_unread_notes(raw_bids, scenario, framework))
    seen: set[str] = set()
    partial = []
    for index, bid in enumerate(raw_bids):
        name = f"bids[{index}]"
        if not isinstance(bid, Mapping):
            raise TenderInputError("must be an object", field=name)
        bidder = bid.get("bidder")
        if not _text(bidder):
            raise TenderInputError("a bidder name is required", field=f"{name}.bidder")
        bidder = str(bidder).strip()
        if bidder in seen:
            raise TenderInputError(f"{bidder!r} appears twice", field=f"{name}.bidder")
        seen.add(bidder)
        price = _price(bid.get("price"), name)
        label = bid.get("label")
        if label is not None and not isinstance(label, str):
            raise TenderInputError("must be text", field=f"{name}.label")
        reasons: list[str] = []
        admitted = True
        fractions: dict[str, float] = {}
        why: dict[str, str] = {}
        for criterion in criteria:
            if criterion.kind == "label":
                if not require_label:
                    continue
                if _text(label):
                    why[criterion.id] = label_given(str(label))
                else:
                    admitted = False
                    reasons.append(
                        Text(
                            gettext_noop("%(criterion)s not met: no label given (%(title)s; Article 43)"),
                            criterion=criterion.id,
                            title=criterion.title,
                        )
                    )
                continue
            if criterion.kind == "clause":
                continue
            fraction, reason = _RULES[criterion.rule.type](criterion.rule, bid, name)
            why[criterion.id] = reason
            if criterion.kind == "selection":
                passed = fraction > 0
                fractions[criterion.id] = 1.0 if passed else 0.0
                if not passed:
                    admitted = False
                    reasons.append(
                        Text(
                            gettext_noop("%(criterion)s not met (%(title)s): %(reason)s"),
                            criterion=criterion.id,
                            title=criterion.title,
                            reason=reason,
                        )
                    )
            else:
                fractions[criterion.id] = fraction
        if admitted:
            reasons.append(
                Text(gettext_noop("admitted: every selection criterion and the label requirement met"))
                if require_label
                else Text(gettext_noop("admitted: every selection criterion met"))
            )
        partial.append((bidder, price, admitted, reasons, fractions, why))

    admitted_prices = [p for _, p, ok, *_ in partial if ok]
    lowest = min(admitted_prices) if admitted_prices else None
    results: list[BidResult] = []
    prices = [p for _, p, *_ in partial]
    for i, (bidder, price, admitted, reasons, fractions, why) in enumerate(partial):
        others = prices[:i] + prices[i + 1 :]
        abnormal = False
        if others:
            # Decimal on the written prices: 24.99 against 35.70 is exactly 30% below, not more.
            mean = sum((Decimal(str(p)) for p in others), Decimal(0)) / len(others)
            share = Decimal(str(framework.parameters.abnormally_low_share))
            if Decimal(str(price)) < (1 - share) * mean:
                abnormal = True
                reasons = [
                    *reasons,
                    Text(
                        gettext_noop(
                            "possibly abnormally low: %(price)s is more than %(share)s%% below the mean of the other "
                            "bids (%(mean)s); ask for an explanation (%(source)s). The score is unchanged."
                        ),
                        price=number_text(price),
                        share=int(f"{framework.parameters.abnormally_low_share * 100:.0f}"),
                        mean=number_text(float(round(mean, 2))),
                        source=framework.parameters.abnormally_low_source,
                    ),
                ]
        points: dict[str, float] = {}
        total = None
        if admitted and lowest is not None:
            points["price"] = round(weights["price"] * lowest / price, 4)
            why["price"] = Text(
                gettext_noop("%(weight)s x lowest admitted price %(lowest)s / %(price)s"),
                weight=number_text(weights["price"]),
                lowest=number_text(lowest),
                price=number_text(price),
            )
            for criterion_id, fraction in fractions.items():
                if framework.criterion(criterion_id).kind == "award":
                    points[criterion_id] = round(weights.get(criterion_id, 0.0) * fraction, 4)
            total = round(sum(points.values()), 4)
        results.append(
            BidResult(
                bidder=bidder,
                price=price,
                admitted=admitted,
                reasons=tuple(reasons),
                fractions=fractions,
                fraction_reasons=why,
                points=points,
                total=total,
                rank=None,
                abnormally_low=abnormal,
            )
        )
    ranked = sorted((r for r in results if r.admitted), key=lambda r: (-(r.total or 0.0), r.bidder))
    ranks = {r.bidder: position for position, r in enumerate(ranked, start=1)}
    final = tuple(BidResult(**{**r.__dict__, "rank": ranks.get(r.bidder)}) for r in results)
    return Evaluation(
        scenario=scenario.scenario,
        weights=weights,
        require_label=require_label,
        bids=final,
        framework=f"{framework.id} {framework.version}",
        notes=tuple(notes),
    )
