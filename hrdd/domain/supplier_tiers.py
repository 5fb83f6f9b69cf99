"""A supplier's risk tier and the reasons behind it (issue 14, supplier due diligence).

A supplier is **high** risk when what it supplies carries one of the OECD Minerals Guidance's red flags: it
sources (a) from a conflict-affected or high-risk area (CAHRA), (b) from artisanal and small-scale mining (ASM),
or (c) a material from a country where the knowledge base lists that good as made with child or forced labour;
the site registry (the mines and refiners of the supplier's group) and the smelters named in its RMI templates
count as well. **Standard** when its sourcing is known and none of these is found; **unknown** when nothing is
known. The rules are data (hrdd/frameworks/supplier-tiers.yaml); the lists come from the knowledge base, and every
reason cites the list and edition behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from hrdd.domain.countries import display_name
from hrdd.domain.knowledge import CahraListing, KnowledgeBase, LabourListing
from hrdd.domain.questionnaire_framework import FRAMEWORK_PACKAGE, FrameworkError
from hrdd.domain.yamltext import load_yaml

HIGH = "high"
STANDARD = "standard"
UNKNOWN = "unknown"
RULES_FILE = "supplier-tiers.yaml"
FLAG_WORDS = {
    "child_labour": "child labour",
    "forced_labour": "forced labour",
    "forced_child_labour": "forced child labour",
    "derived_labour_exploitation": "labour exploitation in its inputs",
}
SITE_TYPE_WORDS = {"mine": "mine", "raw_material_processing": "smelter or refiner"}

# -- the rules file -----------------------------------------------------------------------------------------------


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CahraList(_Frozen):
    name_starts_with: str
    materials: Literal["all"] | tuple[str, ...]
    note: str | None = None

    def covers(self, material: str | None) -> bool:
        """Whether the list counts for this material (None: a site whose material is not known)."""
        if self.materials == "all":
            return True
        return material is not None and material in self.materials


class CahraRule(_Frozen):
    source: str
    lists: tuple[CahraList, ...]
    site_types: tuple[str, ...]


class AsmRule(_Frozen):
    source: str
    note: str | None = None


class LabourRule(_Frozen):
    source: str
    flags: tuple[
        Literal["child_labour", "forced_labour", "forced_child_labour", "derived_labour_exploitation"], ...
    ]


class Cited(_Frozen):
    source: str


class TierRules(_Frozen):
    kind: Literal["supplier_tiers"]
    id: str
    version: str
    title: str
    source: str
    cahra: CahraRule
    asm: AsmRule
    labour_goods: LabourRule
    standard: Cited
    unknown: Cited


def parse_tier_rules(data: Any, *, origin: str = "<data>") -> TierRules:
    """Validate parsed YAML as tier rules; an unknown or misspelled key is refused by name."""
    try:
        return TierRules.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise FrameworkError(f"{origin}: {problems}") from exc


@cache
def shipped_tier_rules() -> TierRules:
    """The tier rules shipped in hrdd/frameworks/supplier-tiers.yaml."""
    text = resources.files(FRAMEWORK_PACKAGE).joinpath(RULES_FILE).read_text(encoding="utf-8")
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise FrameworkError(f"{RULES_FILE}: {exc}") from exc
    return parse_tier_rules(data, origin=RULES_FILE)


# -- what is known of a supplier ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcingFact:
    """A sourcing link: a material from a country (and region), with or without ASM."""

    material: str
    country_iso3: str
    region: str = ""
    is_asm: bool = False


@dataclass(frozen=True)
class SiteFact:
    """A registry site tied to the supplier: operated by its group, or named on one of its sourcing links."""

    name: str
    country_iso3: str
    site_type: str
    is_artisanal: bool = False
    via: str = ""  # how it is tied to the supplier, e.g. "operated by Kamoto Group"


@dataclass(frozen=True)
class SmelterFact:
    """A smelter or refiner the supplier named in its current RMI template."""

    name: str
    metal: str
    country_iso3: str
    mine_countries: tuple[str, ...] = ()
    via: str = ""  # e.g. "CMRT 2025 campaign"


@dataclass(frozen=True)
class SupplierFacts:
    links: tuple[SourcingFact, ...] = ()
    sites: tuple[SiteFact, ...] = ()
    smelters: tuple[SmelterFact, ...] = ()

    @property
    def known(self) -> bool:
        return bool(self.links or self.sites or self.smelters)


@dataclass(frozen=True)
class TierReason:
    code: str
    text: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text, "source": self.source}


@dataclass(frozen=True)
class TierVerdict:
    tier: str
    reasons: tuple[TierReason, ...]

    def reasons_as_dicts(self) -> list[dict[str, str]]:
        return [r.as_dict() for r in self.reasons]


# -- the rules ---------------------------------------------------------------------------------------------------


def _place(country_iso3: str, region: str = "") -> str:
    name = display_name(country_iso3) or country_iso3
    return f"{region}, {name}" if region else name


def _edition(listing: CahraListing | LabourListing, list_name: str) -> str:
    return f"{list_name} ({listing.year}); {listing.source}"


def _cahra_hits(
    rules: TierRules, knowledge: KnowledgeBase, country_iso3: str, material: str | None
) -> list[CahraListing]:
    hits: list[CahraListing] = []
    for listing in knowledge.cahra:
        if listing.country_iso3 != country_iso3:
            continue
        for rule in rules.cahra.lists:
            if listing.list_name.startswith(rule.name_starts_with) and rule.covers(material):
                hits.append(listing)
                break
    return hits


def _labour_hits(
    rules: TierRules, knowledge: KnowledgeBase, material: str, country_iso3: str
) -> list[tuple[LabourListing, tuple[str, ...]]]:
    hits: list[tuple[LabourListing, tuple[str, ...]]] = []
    for listing in knowledge.labour_goods:
        if listing.material != material or listing.country_iso3 != country_iso3:
            continue
        flags = tuple(f for f in listing.flags() if f in rules.labour_goods.flags)
        if flags:
            hits.append((listing, flags))
    return hits


def _metal(metal: str) -> str:
    """A template's metal name as a knowledge-base material id ("Tin" -> "tin")."""
    return metal.strip().lower()


def assess_supplier_tier(
    facts: SupplierFacts, *, knowledge: KnowledgeBase, rules: TierRules | None = None
) -> TierVerdict:
    """Put a supplier in a tier from what is known of its sourcing, sites and smelters, with every reason."""
    rules = rules or shipped_tier_rules()
    reasons: list[TierReason] = []
    seen: set[tuple[str, str]] = set()

    def add(code: str, text: str, source: str) -> None:
        if (code, text) not in seen:
            seen.add((code, text))
            reasons.append(TierReason(code, text, source))

    for link in facts.links:
        what = f"{link.material} from {_place(link.country_iso3, link.region)}"
        for listing in _cahra_hits(rules, knowledge, link.country_iso3, link.material):
            add(
                "cahra_sourcing",
                f"Sources {what}, which is on the “{listing.list_name}” ({listing.year}).",
                f"{rules.cahra.source}; {_edition(listing, listing.list_name)}",
            )
        if link.is_asm:
            add(
                "asm_sourcing",
                f"Sources {what} from artisanal and small-scale mining.",
                rules.asm.source,
            )
        for good, flags in _labour_hits(rules, knowledge, link.material, link.country_iso3):
            words = " and ".join(FLAG_WORDS[f] for f in flags)
            add(
                "labour_goods",
                f"Sources {what}: the US DOL lists “{good.good}” from {_place(link.country_iso3)} as produced "
                f"with {words} ({good.year}).",
                f"{rules.labour_goods.source}; {good.source}",
            )
    for site in facts.sites:
        via = f" ({site.via})" if site.via else ""
        if site.is_artisanal and site.site_type == "mine":
            add(
                "asm_site",
                f"{site.name}, an artisanal or small-scale mine in {_place(site.country_iso3)}{via}.",
                rules.asm.source,
            )
        if site.site_type in rules.cahra.site_types:
            for listing in _cahra_hits(rules, knowledge, site.country_iso3, None):
                kind = SITE_TYPE_WORDS.get(site.site_type, site.site_type)
                add(
                    "cahra_site",
                    f"{site.name}, a {kind} in {_place(site.country_iso3)}{via}: on the “{listing.list_name}” "
                    f"({listing.year}).",
                    f"{rules.cahra.source}; {_edition(listing, listing.list_name)}",
                )
    for smelter in facts.smelters:
        material = _metal(smelter.metal)
        via = f" ({smelter.via})" if smelter.via else ""
        places = [(smelter.country_iso3, "in")] + [
            (c, "sourcing from a mine in") for c in smelter.mine_countries
        ]
        for country, words in places:
            if not country:
                continue
            for listing in _cahra_hits(rules, knowledge, country, material):
                add(
                    "cahra_smelter",
                    f"{smelter.metal} smelter or refiner {smelter.name} {words} {_place(country)}{via}: on the "
                    f"“{listing.list_name}” ({listing.year}).",
                    f"{rules.cahra.source}; {_edition(listing, listing.list_name)}",
                )
    if reasons:
        return TierVerdict(HIGH, tuple(reasons))
    if facts.known:
        return TierVerdict(STANDARD, (_standard_reason(facts, rules),))
    return TierVerdict(
        UNKNOWN,
        (
            TierReason(
                "nothing_known",
                "No sourcing link, registry site or smelter list is known for this supplier yet.",
                rules.unknown.source,
            ),
        ),
    )


def _standard_reason(facts: SupplierFacts, rules: TierRules) -> TierReason:
    parts = []
    if facts.links:
        parts.append(", ".join(sorted({f"{x.material} from {_place(x.country_iso3)}" for x in facts.links})))
    if facts.sites:
        parts.append(_count(len(facts.sites), "registry site"))
    if facts.smelters:
        parts.append(_count(len(facts.smelters), "smelter or refiner", "smelters or refiners"))
    return TierReason(
        "no_red_flag",
        f"No red flag found in {'; '.join(parts)}: no conflict-affected or high-risk area, no artisanal mining and "
        f"no good listed for child or forced labour.",
        rules.standard.source,
    )


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def cahra_countries(knowledge: KnowledgeBase, rules: TierRules | None = None) -> frozenset[str]:
    """The countries on a CAHRA list the rules count for every material (for a site whose material is unknown)."""
    rules = rules or shipped_tier_rules()
    return frozenset(
        listing.country_iso3
        for listing in knowledge.cahra
        if any(listing.list_name.startswith(r.name_starts_with) and r.covers(None) for r in rules.cahra.lists)
    )


def materials(knowledge: KnowledgeBase) -> tuple[str, ...]:
    """The knowledge base's material ids (what a sourcing link may name)."""
    found: set[str] = {link.material for link in knowledge.bill_of_materials}
    found.update(p.material for p in knowledge.mineral_production)
    found.update(g.material for g in knowledge.labour_goods if g.material)
    return tuple(sorted(found))


def reasons_from(data: Iterable[Any]) -> tuple[TierReason, ...]:
    """Stored reasons ([{"code", "text", "source"}]) as TierReasons."""
    return tuple(TierReason(str(d["code"]), str(d["text"]), str(d["source"])) for d in data)
