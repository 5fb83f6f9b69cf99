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
from hrdd.domain.text_data import text_data, text_from_data
from hrdd.domain.texts import Text, gettext_noop
from hrdd.domain.yamltext import load_yaml

HIGH = "high"
STANDARD = "standard"
UNKNOWN = "unknown"
RULES_FILE = "supplier-tiers.yaml"
FLAG_WORDS = {
    "child_labour": Text(gettext_noop("child labour")),
    "forced_labour": Text(gettext_noop("forced labour")),
    "forced_child_labour": Text(gettext_noop("forced child labour")),
    "derived_labour_exploitation": Text(gettext_noop("labour exploitation in its inputs")),
}
# a site of this type, with its article: "a mine"
SITE_TYPE_WORDS = {
    "mine": Text(gettext_noop("a mine")),
    "raw_material_processing": Text(gettext_noop("a smelter or refiner")),
}

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
    text: str  # a Text: said in the reader's language on pages
    source: str

    def as_dict(self) -> dict[str, Any]:
        """The stored form: the English text, and beside it ("said") its template and parameters, so that a page
        can say the stored reason in the reader's language (hrdd.domain.text_data)."""
        found: dict[str, Any] = {"code": self.code, "text": str(self.text), "source": self.source}
        said = text_data(self.text)
        if said is not None:
            found["said"] = said
        return found


@dataclass(frozen=True)
class TierVerdict:
    tier: str
    reasons: tuple[TierReason, ...]

    def reasons_as_dicts(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.reasons]


# -- the rules ---------------------------------------------------------------------------------------------------


def _place(country_iso3: str, region: str = "") -> str:
    name = display_name(country_iso3) or country_iso3
    return Text(gettext_noop("%(region)s, %(country)s"), region=region, country=name) if region else name


def _and(words: Iterable[str]) -> str:
    """Words joined by "and": "child labour and forced labour"."""
    found = list(words)
    joined = found[0] if found else ""
    for word in found[1:]:
        joined = Text(gettext_noop("%(first)s and %(next)s"), first=joined, next=word)
    return joined


def _joined(parts: Iterable[str], template: str) -> str:
    """Parts joined by a separator template ("%(first)s, %(next)s" or "%(first)s; %(next)s")."""
    found = list(parts)
    joined = found[0] if found else ""
    for part in found[1:]:
        joined = Text(template, first=joined, next=part)
    return joined


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
        what = Text(
            gettext_noop("%(material)s from %(place)s"),
            material=link.material,
            place=_place(link.country_iso3, link.region),
        )
        for listing in _cahra_hits(rules, knowledge, link.country_iso3, link.material):
            add(
                "cahra_sourcing",
                Text(
                    gettext_noop("Sources %(what)s, which is on the “%(list)s” (%(year)s)."),
                    what=what,
                    list=listing.list_name,
                    year=listing.year,
                ),
                f"{rules.cahra.source}; {_edition(listing, listing.list_name)}",
            )
        if link.is_asm:
            add(
                "asm_sourcing",
                Text(gettext_noop("Sources %(what)s from artisanal and small-scale mining."), what=what),
                rules.asm.source,
            )
        for good, flags in _labour_hits(rules, knowledge, link.material, link.country_iso3):
            add(
                "labour_goods",
                Text(
                    gettext_noop(
                        "Sources %(what)s: the US DOL lists “%(good)s” from %(country)s as produced with "
                        "%(flags)s (%(year)s)."
                    ),
                    what=what,
                    good=good.good,
                    country=_place(link.country_iso3),
                    flags=_and(FLAG_WORDS[f] for f in flags),
                    year=good.year,
                ),
                f"{rules.labour_goods.source}; {good.source}",
            )
    for site in facts.sites:
        place = _place(site.country_iso3)
        if site.is_artisanal and site.site_type == "mine":
            if site.via:
                asm = Text(
                    gettext_noop("%(site)s, an artisanal or small-scale mine in %(country)s (%(via)s)."),
                    site=site.name,
                    country=place,
                    via=site.via,
                )
            else:
                asm = Text(
                    gettext_noop("%(site)s, an artisanal or small-scale mine in %(country)s."),
                    site=site.name,
                    country=place,
                )
            add("asm_site", asm, rules.asm.source)
        if site.site_type in rules.cahra.site_types:
            kind = SITE_TYPE_WORDS.get(site.site_type) or Text(
                gettext_noop("a %(type)s"), type=site.site_type
            )
            for listing in _cahra_hits(rules, knowledge, site.country_iso3, None):
                if site.via:
                    listed = Text(
                        gettext_noop(
                            "%(site)s, %(kind)s in %(country)s (%(via)s): on the “%(list)s” (%(year)s)."
                        ),
                        site=site.name,
                        kind=kind,
                        country=place,
                        via=site.via,
                        list=listing.list_name,
                        year=listing.year,
                    )
                else:
                    listed = Text(
                        gettext_noop("%(site)s, %(kind)s in %(country)s: on the “%(list)s” (%(year)s)."),
                        site=site.name,
                        kind=kind,
                        country=place,
                        list=listing.list_name,
                        year=listing.year,
                    )
                add("cahra_site", listed, f"{rules.cahra.source}; {_edition(listing, listing.list_name)}")
    for smelter in facts.smelters:
        material = _metal(smelter.metal)
        places = [(smelter.country_iso3, True)] + [(c, False) for c in smelter.mine_countries]
        for country, located in places:
            if not country:
                continue
            for listing in _cahra_hits(rules, knowledge, country, material):
                add(
                    "cahra_smelter",
                    _smelter_reason(smelter, located, _place(country), listing),
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
                Text(
                    gettext_noop(
                        "No sourcing link, registry site or smelter list is known for this supplier yet."
                    )
                ),
                rules.unknown.source,
            ),
        ),
    )


def _smelter_reason(smelter: SmelterFact, located: bool, place: str, listing: CahraListing) -> Text:
    """A smelter in (`located`), or sourcing from a mine in, a place on a CAHRA list."""
    values = {
        "metal": smelter.metal,
        "smelter": smelter.name,
        "country": place,
        "list": listing.list_name,
        "year": listing.year,
    }
    if located and smelter.via:
        template = gettext_noop(
            "%(metal)s smelter or refiner %(smelter)s in %(country)s (%(via)s): on the “%(list)s” (%(year)s)."
        )
    elif located:
        template = gettext_noop(
            "%(metal)s smelter or refiner %(smelter)s in %(country)s: on the “%(list)s” (%(year)s)."
        )
    elif smelter.via:
        template = gettext_noop(
            "%(metal)s smelter or refiner %(smelter)s sourcing from a mine in %(country)s (%(via)s): on the "
            "“%(list)s” (%(year)s)."
        )
    else:
        template = gettext_noop(
            "%(metal)s smelter or refiner %(smelter)s sourcing from a mine in %(country)s: on the “%(list)s” "
            "(%(year)s)."
        )
    if smelter.via:
        values["via"] = smelter.via
    return Text(template, **values)


def _standard_reason(facts: SupplierFacts, rules: TierRules) -> TierReason:
    parts: list[str] = []
    if facts.links:
        found = {
            Text(
                gettext_noop("%(material)s from %(place)s"), material=x.material, place=_place(x.country_iso3)
            )
            for x in facts.links
        }
        parts.append(_joined(sorted(found), gettext_noop("%(first)s, %(next)s")))
    if facts.sites:
        if len(facts.sites) == 1:
            parts.append(Text(gettext_noop("1 registry site")))
        else:
            parts.append(Text(gettext_noop("%(count)s registry sites"), count=len(facts.sites)))
    if facts.smelters:
        if len(facts.smelters) == 1:
            parts.append(Text(gettext_noop("1 smelter or refiner")))
        else:
            parts.append(Text(gettext_noop("%(count)s smelters or refiners"), count=len(facts.smelters)))
    return TierReason(
        "no_red_flag",
        Text(
            gettext_noop(
                "No red flag found in %(found)s: no conflict-affected or high-risk area, no artisanal mining and no "
                "good listed for child or forced labour."
            ),
            found=_joined(parts, gettext_noop("%(first)s; %(next)s")),
        ),
        rules.standard.source,
    )


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
    """Stored reasons ([{"code", "text", "source", "said"}]) as TierReasons, each text said again in the reader's
    language where its template is stored ("said") and still gives the stored English."""
    return tuple(
        TierReason(str(d["code"]), text_from_data(str(d["text"]), d.get("said")), str(d["source"]))
        for d in data
    )
