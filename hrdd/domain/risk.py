"""Product risk identification (CFIT manual 3.1): product -> components -> materials -> countries -> risks.

Method (also in `hrdd/frameworks/risk-method-2025.yaml`, and shown to the user):
for each material, stage and producing country, exposure = the country's share of world production;
likelihood per risk category = a baseline plus the signals that apply (an ILAB listing of that good in that
country, a conflict-affected area, weak rule of law, ...), capped at 1; salience = exposure x likelihood x the
category's severity. Factories count too: component-manufacturing and assembly countries are rated the same
way; where their share is unknown the risk is listed with "share unknown". Every number carries the source row
it comes from. Same inputs, same output.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hrdd.domain.knowledge import KnowledgeBase, LabourListing, Production
from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

ADDED_BY_THE_BUYER = Text(
    gettext_noop("added by the buyer")
)  # the source of a component or country the buyer adds
SET_BY_THE_BUYER = Text(gettext_noop("set by the buyer"))


class RiskMethodError(ValueError):
    """The risk method file breaks a rule of its format."""


class InvalidAdjustment(ValueError):
    """A buyer's adjustment names something that cannot be; `field` says which."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class UnknownProduct(ValueError):
    """The product category is not in the knowledge base."""

    def __init__(self, product: str, known: Sequence[str]) -> None:
        self.product = product
        self.known = tuple(known)
        super().__init__(f"unknown product category {product!r}; known: {', '.join(known)}")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Stage(_Frozen):
    id: str
    title: str


def normalise_site_type(site_type: str) -> str:
    """Write a site type the way the method lists it: lower case, single spaces."""
    return " ".join(site_type.lower().split())


class SiteTypes(_Frozen):
    """The site types of a production-site list and the stage each one names (contract clause 2)."""

    source: str
    risks_per_site: int = Field(ge=1)
    stages: dict[str, str]

    @model_validator(mode="after")
    def _types_written_as_matched(self) -> SiteTypes:
        for site_type in self.stages:
            if normalise_site_type(site_type) != site_type:
                raise ValueError(f"site type {site_type!r}: write it in lower case with single spaces")
        return self


class Category(_Frozen):
    id: str
    title: str
    severity: float = Field(gt=0)
    stages: tuple[str, ...]
    summary: str
    source: str


class SignalCondition(_Frozen):
    labour_flag: (
        Literal["child_labour", "forced_labour", "forced_child_labour", "derived_labour_exploitation"] | None
    ) = None
    cahra: bool | None = None
    indicator: str | None = None
    below: float | None = None
    not_below: float | None = None
    values: tuple[str, ...] | None = None  # the indicator's value as written, e.g. ITUC ratings "5" and "5+"
    stages: tuple[str, ...] | None = None


class Signal(_Frozen):
    id: str
    when: SignalCondition
    adds: dict[str, float]
    text: str
    source: str = ""  # the publication the signal reads; the weight is hrdd's choice


class Parameters(_Frozen):
    countries_per_material: int = Field(ge=1)
    unknown_share_exposure: float = Field(gt=0, le=1)
    report_risks: int = Field(ge=1)


class ProductInfo(_Frozen):
    id: str
    title: str


class ManufacturedGood(_Frozen):
    good: str
    products: tuple[str, ...]


class RiskMethod(_Frozen):
    kind: Literal["risk-method"]
    id: str
    version: str
    title: str
    source: str
    stages: tuple[Stage, ...]
    production_stages: dict[str, str]
    site_types: SiteTypes
    categories: tuple[Category, ...]
    baseline: float = Field(ge=0, le=1)
    signals: tuple[Signal, ...]
    parameters: Parameters
    products: tuple[ProductInfo, ...]
    manufactured_goods: tuple[ManufacturedGood, ...]
    indicators: dict[str, str] = {}  # the knowledge base's country indicators -> their plain titles

    @model_validator(mode="after")
    def _consistent(self) -> RiskMethod:
        stage_ids = {s.id for s in self.stages}
        category_ids = {c.id for c in self.categories}
        for name, stage in self.production_stages.items():
            if stage not in stage_ids:
                raise ValueError(f"production stage {name}: unknown stage {stage}")
        for site_type, stage in self.site_types.stages.items():
            if stage not in stage_ids:
                raise ValueError(f"site type {site_type!r}: unknown stage {stage}")
        for category in self.categories:
            unknown = set(category.stages) - stage_ids
            if unknown:
                raise ValueError(f"category {category.id}: unknown stage(s) {sorted(unknown)}")
        for signal in self.signals:
            unknown = set(signal.adds) - category_ids - {"all"}
            if unknown:
                raise ValueError(f"signal {signal.id}: unknown category {sorted(unknown)}")
            if signal.when.stages and set(signal.when.stages) - stage_ids:
                raise ValueError(f"signal {signal.id}: unknown stage")
        return self

    def stage_title(self, stage_id: str) -> str:
        """Return the title of a stage."""
        return next((s.title for s in self.stages if s.id == stage_id), stage_id)

    def product_title(self, product_id: str) -> str:
        """Return the title of a product category."""
        return next((p.title for p in self.products if p.id == product_id), product_id)

    def indicator_title(self, indicator: str) -> str:
        """Return the plain title of a country indicator (its id as words where none is written)."""
        return self.indicators.get(indicator) or indicator.replace("_", " ")


@cache
def get_risk_method(method_id: str = "risk-method-2025") -> RiskMethod:
    """Return a shipped risk method by id."""
    resource = resources.files("hrdd.frameworks").joinpath(f"{method_id}.yaml")
    if not resource.is_file():
        raise RiskMethodError(f"unknown risk method {method_id!r}")
    return parse_risk_method(load_yaml(resource.read_text(encoding="utf-8")), origin=method_id)


def parse_risk_method(data: Any, *, origin: str = "<data>") -> RiskMethod:
    """Validate a parsed YAML document as a risk method."""
    try:
        return RiskMethod.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RiskMethodError(f"{origin}: {problems}") from exc


@dataclass(frozen=True)
class Adjustments:
    """The buyer's changes to what the knowledge base proposes."""

    exclude_components: frozenset[str] = frozenset()
    extra_components: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # component -> materials
    exclude_materials: frozenset[str] = frozenset()
    extra_materials: tuple[str, ...] = ()
    exclude_countries: frozenset[str] = frozenset()  # ISO3, at every stage
    extra_countries: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # material -> ISO3 (share unknown)
    manufacturing_countries: tuple[str, ...] | None = None  # replaces the shipped list when given

    def validate(self) -> None:
        """Refuse country codes that are not ISO 3166-1 alpha-3 (InvalidAdjustment names the field)."""
        fields: list[tuple[str, Sequence[str]]] = [
            ("exclude_countries", sorted(self.exclude_countries)),
            ("manufacturing_countries", self.manufacturing_countries or ()),
            *((f"extra_countries.{m}", codes) for m, codes in self.extra_countries.items()),
        ]
        for name, codes in fields:
            for code in codes:
                if not isinstance(code, str) or pycountry.countries.get(alpha_3=code.upper()) is None:
                    raise InvalidAdjustment(f"{code!r} is not an ISO 3166-1 alpha-3 country code", field=name)

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready form (stored with a saved assessment)."""
        return {
            "exclude_components": sorted(self.exclude_components),
            "extra_components": {k: list(v) for k, v in sorted(self.extra_components.items())},
            "exclude_materials": sorted(self.exclude_materials),
            "extra_materials": list(self.extra_materials),
            "exclude_countries": sorted(self.exclude_countries),
            "extra_countries": {k: list(v) for k, v in sorted(self.extra_countries.items())},
            "manufacturing_countries": (
                list(self.manufacturing_countries) if self.manufacturing_countries is not None else None
            ),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Adjustments:
        """Build adjustments from their JSON form."""
        data = data or {}
        manufacturing = data.get("manufacturing_countries")
        return cls(
            exclude_components=frozenset(data.get("exclude_components") or ()),
            extra_components={k: tuple(v) for k, v in (data.get("extra_components") or {}).items()},
            exclude_materials=frozenset(data.get("exclude_materials") or ()),
            extra_materials=tuple(data.get("extra_materials") or ()),
            exclude_countries=frozenset(c.upper() for c in data.get("exclude_countries") or ()),
            extra_countries={
                k: tuple(c.upper() for c in v) for k, v in (data.get("extra_countries") or {}).items()
            },
            manufacturing_countries=(
                tuple(c.upper() for c in manufacturing) if manufacturing is not None else None
            ),
        )


@dataclass(frozen=True)
class Component:
    name: str
    raw_materials: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class CountryShare:
    country_iso3: str
    country: str
    share_pct: float | None  # None: share unknown
    stage: str  # the method's stage id
    year: int | None
    source: str
    series: str = ""
    # Where the share is unknown but the stage has published shares: the most this country can produce (the
    # smallest share the source names, or the part of the world total it leaves to unnamed countries, if less).
    share_bound_pct: float | None = None


def unnamed_share_bound(known: Sequence[float]) -> float | None:
    """The most a country the production source does not name can hold of a stage, in percent: the source names
    the leading producers, so no more than the smallest share it gives, nor more than what its named countries
    leave of the world total (when that is positive; rounded totals can sum past 100%). None: no share known."""
    if not known:
        return None
    bound = min(known)
    rest = round(100 - sum(known), 2)
    if 0 < rest < bound:
        bound = rest
    return bound


@dataclass(frozen=True)
class Fold:
    """One stage of a material as shown: the top producing countries, and the long tail folded with its share."""

    stage: str
    shown: tuple[CountryShare, ...]
    others: int  # countries folded into "N other countries"
    others_share_pct: float | None  # their shares summed, where known (None: no share known)

    def others_text(self) -> str:
        """E.g. "12 other countries, together 8.4%"; empty when nothing is folded."""
        if not self.others:
            return ""
        if self.others_share_pct is None:
            if self.others == 1:
                return Text(gettext_noop("1 other country, share unknown"))
            return Text(gettext_noop("%(count)s other countries, share unknown"), count=self.others)
        if self.others == 1:
            return Text(gettext_noop("1 other country, together %(share)s%%"), share=self.others_share_pct)
        return Text(
            gettext_noop("%(count)s other countries, together %(share)s%%"),
            count=self.others,
            share=self.others_share_pct,
        )


@dataclass(frozen=True)
class RawMaterial:
    name: str
    countries: tuple[CountryShare, ...]  # every producing country the knowledge base names
    note: str = ""  # e.g. "no production data"
    folds: tuple[Fold, ...] = ()  # the same countries as shown: top ones per stage, the rest folded


def fold_countries(countries: Sequence[CountryShare], limit: int) -> tuple[Fold, ...]:
    """Per stage, the `limit` largest producers (known shares first) and the rest folded with their total share."""
    by_stage: dict[str, list[CountryShare]] = {}
    for c in countries:
        by_stage.setdefault(c.stage, []).append(c)
    folds = []
    for stage, shares in by_stage.items():
        ranked = sorted(shares, key=lambda c: (c.share_pct is None, -(c.share_pct or 0), c.country_iso3))
        rest = ranked[limit:]
        known = [c.share_pct for c in rest if c.share_pct is not None]
        folds.append(
            Fold(
                stage=stage,
                shown=tuple(ranked[:limit]),
                others=len(rest),
                others_share_pct=round(sum(known), 2) if known else None,
            )
        )
    return tuple(folds)


@dataclass(frozen=True)
class Risk:
    category: str
    category_title: str
    stage: str
    material: str | None  # None for factory stages
    component: str | None
    country_iso3: str
    country: str
    score: float
    exposure: float
    share_known: bool
    likelihood: float
    severity: float
    reasons: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RiskAssessment:
    product: str
    product_title: str
    method: str
    components: tuple[Component, ...]
    raw_materials: tuple[RawMaterial, ...]
    manufacturing: tuple[CountryShare, ...]
    risks: tuple[Risk, ...]
    gaps: tuple[str, ...]
    adjustments: Adjustments

    def as_dict(self) -> dict[str, Any]:
        """Return the JSON shape printed by `hrdd risk assess PRODUCT --json`."""
        return {
            "product": self.product,
            "method": self.method,
            "components": [{"name": c.name, "raw_materials": list(c.raw_materials)} for c in self.components],
            "raw_materials": [
                {
                    "name": m.name,
                    "countries": [_share_dict(c) for c in m.countries],
                    "note": m.note,
                    "shown": [
                        {
                            "stage": f.stage,
                            "top": [c.country_iso3 for c in f.shown],
                            "other_countries": f.others,
                            "other_share_pct": f.others_share_pct,
                            "text": f.others_text(),
                        }
                        for f in m.folds
                    ],
                }
                for m in self.raw_materials
            ],
            "manufacturing": [_share_dict(c) for c in self.manufacturing],
            "risks": [
                {
                    "category": r.category,
                    "stage": r.stage,
                    "material": r.material,
                    "component": r.component,
                    "country_iso3": r.country_iso3,
                    "score": r.score,
                    "share_known": r.share_known,
                    "reasons": list(r.reasons),
                    "sources": list(r.sources),
                }
                for r in self.risks
            ],
            "gaps": list(self.gaps),
            "adjustments": self.adjustments.as_dict(),
        }

    def salient(self, limit: int) -> tuple[Risk, ...]:
        """Return the highest-scoring risks, at most one per category, country and stage."""
        seen: set[tuple[str, str, str]] = set()
        picked = []
        for risk in self.risks:
            key = (risk.category, risk.country_iso3, risk.stage)
            if key in seen:
                continue
            seen.add(key)
            picked.append(risk)
            if len(picked) == limit:
                break
        return tuple(picked)


def _share_dict(c: CountryShare) -> dict[str, Any]:
    return {
        "country_iso3": c.country_iso3,
        "country": c.country,
        "share_pct": c.share_pct,
        "stage": c.stage,
        "year": c.year,
        "source": c.source,
    }


def _producing_countries(
    rows: Sequence[Production], method: RiskMethod, exclude: frozenset[str]
) -> tuple[tuple[CountryShare, ...], list[str]]:
    """Per series and stage, the latest year that has shares, and every producing country in it.

    One entry per stage and country: where two series of a material reach the same stage (an imported older
    edition may carry alumina beside aluminium, or ferrosilicon beside silicon metal), the country is counted
    once, with its larger share, and a gap says so.
    """
    by_series: dict[tuple[str, str], list[Production]] = {}
    for row in rows:
        by_series.setdefault((row.series, row.stage), []).append(row)
    result: list[CountryShare] = []
    for (series, stage), series_rows in sorted(by_series.items()):
        kept = [r for r in series_rows if r.country_iso3 not in exclude]
        with_share = [r for r in kept if r.share_pct is not None]
        # A series whose source gives no share at all (e.g. USGS germanium, all "NA") still names the
        # producing countries: list them with "share unknown" rather than dropping them.
        candidates = with_share or kept
        if not candidates:
            continue
        year = max(r.year for r in candidates)
        latest = sorted(
            (r for r in candidates if r.year == year), key=lambda r: (-(r.share_pct or 0), r.country_iso3)
        )
        for r in latest:
            result.append(
                CountryShare(
                    country_iso3=r.country_iso3,
                    country=r.country,
                    share_pct=r.share_pct,
                    stage=method.production_stages.get(stage, stage),
                    year=r.year,
                    source=f"{r.source} ({series}, {stage}, {r.year}{', estimate' if r.estimated else ''})",
                    series=series,
                )
            )
    once: dict[tuple[str, str], CountryShare] = {}
    double: list[str] = []
    for share in result:
        key = (share.stage, share.country_iso3)
        other = once.get(key)
        if other is None:
            once[key] = share
            continue
        if (share.share_pct or 0) > (other.share_pct or 0):
            once[key] = share
        double.append(
            Text(
                gettext_noop(
                    "%(country)s: series “%(first)s” and “%(second)s” are both at the %(stage)s stage; counted once "
                    "(%(kept)s)"
                ),
                country=share.country_iso3,
                first=other.series,
                second=share.series,
                stage=method.stage_title(
                    share.stage
                ).lower(),  # a framework title: said in the reader's language
                kept=once[key].series,
            )
        )
    return tuple(once.values()), double


def _likelihood(
    *,
    method: RiskMethod,
    category_id: str,
    stage: str,
    listings: Sequence[LabourListing],
    cahra: Sequence[Any],
    indicators: Mapping[str, Any],
) -> tuple[float, list[str], list[str]]:
    value = method.baseline
    reasons: list[str] = [
        Text(
            gettext_noop("baseline likelihood %(baseline)s (risk present at this stage, manual 2.2)"),
            baseline=method.baseline,
        )
    ]
    sources: list[str] = []
    for signal in method.signals:
        weight = signal.adds.get(category_id, 0.0) + signal.adds.get("all", 0.0)
        if not weight:
            continue
        when = signal.when
        if when.stages and stage not in when.stages:
            continue
        evidence: list[str] = []
        if when.labour_flag:
            for listing in listings:
                if getattr(listing, when.labour_flag):
                    evidence.append(
                        listing.source + f" ({listing.good}, {listing.country_iso3}, {listing.year})"
                    )
        elif when.cahra:
            evidence = [f"{c.source} ({c.list_name}, {c.year})" for c in cahra]
        elif when.indicator:
            indicator = indicators.get(when.indicator)
            if indicator is not None and when.values is not None:
                written = f"{indicator.value:g}" if isinstance(indicator.value, float) else indicator.value
                if written in when.values:
                    title = method.indicator_title(indicator.indicator)
                    evidence = [f"{indicator.source} ({title}: {written}, {indicator.year})"]
            elif indicator is not None and isinstance(indicator.value, float):
                below_ok = when.below is None or indicator.value < when.below
                above_ok = when.not_below is None or indicator.value >= when.not_below
                if below_ok and above_ok:
                    title = method.indicator_title(indicator.indicator)
                    evidence = [f"{indicator.source} ({title}: {indicator.value:g}, {indicator.year})"]
        if evidence:
            value += weight
            reasons.append(Text(gettext_noop("+%(weight)s: %(signal)s"), weight=weight, signal=signal.text))
            sources.extend(evidence)
    if value > 1:
        reasons.append(Text(gettext_noop("likelihood capped at 1 (sum %(sum)s)"), sum=value))
        value = 1.0
    return value, reasons, sources


def assess_product_risk(
    product: str,
    knowledge: KnowledgeBase,
    method: RiskMethod,
    adjustments: Adjustments | None = None,
) -> RiskAssessment:
    """Rate the human-rights risks of a product category from the knowledge base, with reasons and sources."""
    adjustments = adjustments or Adjustments()
    known = knowledge.products()
    if product not in known:
        raise UnknownProduct(product, known)
    # Step 1, material scoping: components and their raw materials.
    materials_of: dict[str, list[str]] = {}
    component_sources: dict[str, list[str]] = {}
    for link in knowledge.bill_of_materials:
        if link.product != product or link.component in adjustments.exclude_components:
            continue
        materials = materials_of.setdefault(link.component, [])
        if link.material not in materials:
            materials.append(link.material)
        note = f"; {link.note}" if link.note else ""
        source = f"{link.source} ({link.year}{note})"
        if source not in component_sources.setdefault(link.component, []):
            component_sources[link.component].append(source)
    for added, extra in adjustments.extra_components.items():
        materials = materials_of.setdefault(added, [])
        materials.extend(m for m in extra if m not in materials)
        component_sources.setdefault(added, []).append(ADDED_BY_THE_BUYER)
    components = tuple(
        Component(
            name=name,
            raw_materials=tuple(m for m in mats if m not in adjustments.exclude_materials),
            sources=tuple(component_sources[name]),
        )
        for name, mats in sorted(materials_of.items())
    )
    material_names: list[str] = []
    for component in components:
        material_names.extend(m for m in component.raw_materials if m not in material_names)
    material_names.extend(m for m in adjustments.extra_materials if m not in material_names)
    material_names = sorted(m for m in material_names if m not in adjustments.exclude_materials)

    # Step 2, geographical scoping: producing countries per material and stage.
    production_by_material: dict[str, list[Production]] = {}
    for row in knowledge.mineral_production:
        production_by_material.setdefault(row.material, []).append(row)
    country_names = {r.country_iso3: r.country for r in knowledge.mineral_production}
    country_names.update({i.country_iso3: i.country for i in knowledge.country_indicators})
    raw_materials = []
    gaps: list[str] = []
    listings_by_material: dict[str, list[LabourListing]] = {}
    for listing in knowledge.labour_goods:
        if listing.material:
            listings_by_material.setdefault(listing.material, []).append(listing)
    gap_reasons = {g.material: g for g in knowledge.production_gaps}
    for material in material_names:
        produced, double = _producing_countries(
            production_by_material.get(material, ()), method, adjustments.exclude_countries
        )
        shares = list(produced)
        gaps.extend(
            Text(gettext_noop("%(material)s: %(note)s"), material=material, note=text) for text in double
        )
        # Countries listed by ILAB for this material count too, even without a production share (e.g. the
        # artisanal gold of Ghana, Mali or Peru): they enter with "share unknown" and the listing as source.
        present = {(s.stage, s.country_iso3) for s in shares}
        known_by_stage: dict[str, list[float]] = {}
        for s in shares:
            if s.share_pct is not None:
                known_by_stage.setdefault(s.stage, []).append(s.share_pct)
        for listing in sorted(listings_by_material.get(material, ()), key=lambda x: x.country_iso3):
            key = (listing.stage, listing.country_iso3)
            if key in present or listing.country_iso3 in adjustments.exclude_countries:
                continue
            present.add(key)
            shares.append(
                CountryShare(
                    country_iso3=listing.country_iso3,
                    country=listing.country,
                    share_pct=None,
                    stage=listing.stage,
                    year=listing.year,
                    source=f"{listing.source} ({listing.good}, {listing.year}; listed by ILAB, no production share)",
                    share_bound_pct=unnamed_share_bound(known_by_stage.get(listing.stage, ())),
                )
            )
        for iso3 in adjustments.extra_countries.get(material, ()):
            if iso3 not in {s.country_iso3 for s in shares}:
                shares.append(
                    CountryShare(
                        iso3, country_names.get(iso3, iso3), None, "mining", None, ADDED_BY_THE_BUYER
                    )
                )
        note = ""
        if not shares:
            reason = gap_reasons.get(material)
            if reason is not None:
                note = Text(
                    gettext_noop("no production figures: %(reason)s (%(source)s, %(year)s)"),
                    reason=reason.reason,
                    source=reason.source,
                    year=reason.year,
                )
                gaps.append(Text(gettext_noop("%(material)s: %(note)s"), material=material, note=note))
            else:
                note = Text(gettext_noop("no data: no production figures in the knowledge base"))
                gaps.append(Text(gettext_noop("%(material)s: no production data"), material=material))
        raw_materials.append(
            RawMaterial(
                name=material,
                countries=tuple(shares),
                note=note,
                folds=fold_countries(shares, method.parameters.countries_per_material),
            )
        )

    manufacturing_rows = [
        m
        for m in knowledge.manufacturing_countries
        if m.product in ("*", product) and m.country_iso3 not in adjustments.exclude_countries
    ]
    manufacturing: list[CountryShare] = []
    if adjustments.manufacturing_countries is not None:
        for iso3 in adjustments.manufacturing_countries:
            for stage in ("component_manufacturing", "assembly"):
                manufacturing.append(
                    CountryShare(iso3, country_names.get(iso3, iso3), None, stage, None, SET_BY_THE_BUYER)
                )
    else:
        seen: dict[tuple[str, str], list[str]] = {}
        for m in manufacturing_rows:
            seen.setdefault((m.stage, m.country_iso3), []).append(f"{m.source} ({m.year})")
        names = {m.country_iso3: m.country for m in manufacturing_rows}
        for (stage, iso3), sources in sorted(seen.items()):
            manufacturing.append(
                CountryShare(iso3, names[iso3] or iso3, None, stage, None, "; ".join(sorted(set(sources))))
            )
    if manufacturing:
        gaps.append(Text(gettext_noop("component manufacturing and assembly: shares by country unknown")))

    # Step 3, risk scoping.
    labour_by_key: dict[tuple[str, str], list[LabourListing]] = {}
    for listing in knowledge.labour_goods:
        labour_by_key.setdefault((listing.material or listing.good, listing.country_iso3), []).append(listing)
    cahra_by_country: dict[str, list[Any]] = {}
    for c in knowledge.cahra:
        cahra_by_country.setdefault(c.country_iso3, []).append(c)
    goods_for_factories = [
        g.good for g in method.manufactured_goods if "*" in g.products or product in g.products
    ]
    risks: list[Risk] = []

    def rate(share: CountryShare, material: str | None, component: str | None, where: str) -> None:
        if material is not None:
            listings = [
                lst
                for lst in labour_by_key.get((material, share.country_iso3), ())
                if lst.stage == share.stage
            ]
        else:
            listings = [
                lst
                for good in goods_for_factories
                for lst in labour_by_key.get((good, share.country_iso3), ())
            ]
        share_known = share.share_pct is not None
        if share.share_pct is not None:
            exposure = share.share_pct / 100
            exposure_reason = Text(
                gettext_noop("%(where)s: %(share)s%% of world production in %(year)s"),
                where=where,
                share=share.share_pct,
                year=share.year,
            )
        elif share.share_bound_pct is not None:
            exposure = min(share.share_bound_pct / 100, method.parameters.unknown_share_exposure)
            exposure_reason = Text(
                gettext_noop(
                    "%(where)s: share not published (the production source names the leading producers only); "
                    "ranked with %(share)s%% of world production, the most an unnamed producer can hold: the "
                    "smallest share named at this stage, or what the named countries leave if less (a method "
                    "assumption, not a figure)"
                ),
                where=where,
                share=float(f"{exposure * 100:.4g}"),
            )
        else:
            exposure = method.parameters.unknown_share_exposure
            exposure_reason = Text(
                gettext_noop(
                    "%(where)s: share unknown; ranked with the method's assumed exposure %(exposure)s (a method "
                    "parameter, not a figure)"
                ),
                where=where,
                exposure=method.parameters.unknown_share_exposure,
            )
        for category in method.categories:
            if share.stage not in category.stages:
                continue
            likelihood, reasons, sources = _likelihood(
                method=method,
                category_id=category.id,
                stage=share.stage,
                listings=listings,
                cahra=cahra_by_country.get(share.country_iso3, ()),
                indicators=knowledge.indicators_for(share.country_iso3),
            )
            score = round(exposure * likelihood * category.severity, 4)
            risks.append(
                Risk(
                    category=category.id,
                    category_title=category.title,
                    stage=share.stage,
                    material=material,
                    component=component,
                    country_iso3=share.country_iso3,
                    country=share.country,
                    score=score,
                    exposure=round(exposure, 4),
                    share_known=share_known,
                    likelihood=round(likelihood, 4),
                    severity=category.severity,
                    reasons=(
                        exposure_reason,
                        *reasons,
                        Text(
                            gettext_noop("severity %(severity)s (%(category)s; %(source)s)"),
                            severity=category.severity,
                            category=category.title,
                            source=category.source,
                        ),
                        Text(
                            gettext_noop(
                                "salience = %(exposure)s x %(likelihood)s x %(severity)s = %(score)s"
                            ),
                            exposure=float(f"{exposure:.4g}"),
                            likelihood=float(f"{likelihood:.4g}"),
                            severity=category.severity,
                            score=score,
                        ),
                    ),
                    sources=tuple(dict.fromkeys([share.source, *sources, category.source])),
                )
            )

    for raw_material in raw_materials:
        for share in raw_material.countries:
            where = Text(
                gettext_noop("%(material)s %(stage)s in %(country)s"),
                material=raw_material.name,
                stage=method.stage_title(share.stage).lower(),
                country=share.country or share.country_iso3,
            )
            rate(share, raw_material.name, None, where)
    for share in manufacturing:
        where = Text(
            gettext_noop("%(stage)s in %(country)s"),
            stage=method.stage_title(share.stage).lower(),
            country=share.country or share.country_iso3,
        )
        rate(share, None, "factories", where)

    risks.sort(key=lambda r: (-r.score, r.category, r.material or "", r.country_iso3, r.stage))
    return RiskAssessment(
        product=product,
        product_title=method.product_title(product),
        method=f"{method.id} {method.version}",
        components=components,
        raw_materials=tuple(raw_materials),
        manufacturing=tuple(manufacturing),
        risks=tuple(risks),
        gaps=tuple(gaps),
        adjustments=adjustments,
    )


def assessment_json(assessment: RiskAssessment) -> str:
    """The assessment as JSON text, non-ASCII letters as they are: the download and `hrdd risk assess --json`."""
    return json.dumps(assessment.as_dict(), indent=2, ensure_ascii=False)
