#!/usr/bin/env python3
"""Build the curated knowledge-base CSVs in hrdd/knowledge/ from the sourced reference data.

Usage::

    python tools/build_knowledge.py [--reference PATH] [--output PATH]

The reference folder (default: ``shared/reference`` beside the repository) is only read here, at build
time; the product reads the curated copies in ``hrdd/knowledge/``. Standard library only.

Rules followed:
- figures are copied exactly as strings, never recomputed or estimated; where the reference has no figure,
  the cell stays empty;
- every output row carries its source and its year (``n.d.`` in bill_of_materials.csv where the source states
  no date);
- output is deterministic: sorted rows, UTF-8, header row, ``\\n`` line endings.

After writing, the script checks the invariants (sources, years, product coverage, producing countries of the
key minerals) and exits with status 1 if one fails.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DEFAULT_OUTPUT = REPO / "hrdd" / "knowledge"

MATERIAL_IDS = frozenset(
    {
        "aluminium",
        "antimony",
        "beryllium",
        "boron",
        "bromine",
        "chromium",
        "cobalt",
        "copper",
        "gallium",
        "germanium",
        "gold",
        "graphite",
        "hafnium",
        "indium",
        "iron",
        "lead",
        "lithium",
        "magnesium",
        "manganese",
        "mica",
        "nickel",
        "palladium",
        "phosphorus",
        "platinum",
        "polymers",
        "rare-earths",
        "rhodium",
        "silicon",
        "silver",
        "tantalum",
        "tin",
        "tungsten",
        "zinc",
        "arsenic",
        # USGS MCS 2025 series that no shipped bill of materials uses yet
        "bismuth",
        "cadmium",
        "fluorspar",
        "molybdenum",
        "niobium",
        "selenium",
        "tellurium",
        "titanium",
        "vanadium",
    }
)
PRODUCT_IDS = (
    "notebook",
    "desktop",
    "display",
    "smartphone",
    "tablet",
    "server",
    "storage",
    "network-equipment",
    "lithium-ion-battery",
    "memory",
)
# Minerals that must have >= 3 producing countries with a share in the latest year.
KEY_MINERALS = ("cobalt", "tin", "tantalum", "tungsten", "gold", "lithium", "copper", "graphite")

# --------------------------------------------------------------------------------------------------------------
# Material names
# --------------------------------------------------------------------------------------------------------------

# Exact names used in the reference files (USGS series names, bill-of-materials raw_material) -> material id.
MATERIAL_ALIASES = {
    "aluminium": "aluminium",
    "aluminum": "aluminium",  # USGS smelter series
    "alumina": "aluminium",  # USGS refinery stage of aluminium
    "bauxite": "aluminium",  # USGS mine stage of aluminium
    "graphite (natural)": "graphite",
    "magnesium metal": "magnesium",
    "mica (scrap and flake)": "mica",
    "mica (sheet)": "mica",
    "rare earths": "rare-earths",
    "neodymium": "rare-earths",
    "praseodymium": "rare-earths",
    "dysprosium": "rare-earths",
    "cerium": "rare-earths",
    "yttrium": "rare-earths",
    "silicon metal": "silicon",
    "silicon (ferrosilicon content)": "silicon",
    "steel (iron)": "iron",
    # USGS MCS 2025 series names
    "arsenic (arsenic trioxide)": "arsenic",
    "boron (all types)": "boron",
    "chromium (chromite ore, gross weight)": "chromium",
    "iron ore (iron content)": "iron",
    "phosphate rock": "phosphorus",
    "titanium mineral concentrates (ilmenite)": "titanium",
    "titanium sponge": "titanium",
}

# USGS series that are NOT shipped, because another series already stands for the same material and stage: two
# series of one material at one stage would count the same countries twice. Each with the reason.
EXCLUDED_SERIES = {
    "alumina": "aluminium refining: the smelter series 'aluminum' stands for the refining_smelting stage "
    "(metal, the form used in ICT); alumina refining is the step before it",
    "silicon (ferrosilicon content)": "ferrosilicon is an alloy for steel making, not the silicon metal from "
    "which polysilicon and ICT silicon are made; 'silicon metal' stands for silicon",
    "iron ore (usable ore)": "same mines as 'iron ore (iron content)', which stands for iron (metal content, as "
    "for the other ores)",
    "mica (sheet)": "same mining stage as 'mica (scrap and flake)', which stands for mica (sheet mica is mostly "
    "NA in the source)",
    "titanium mineral concentrates (rutile)": "same mining stage as the ilmenite series, which stands for "
    "titanium mining",
}

# Materials of the bill of materials without any USGS world-production series: the reason, with its source.
USGS_2025_FILE = (
    "USGS Mineral Commodity Summaries 2025 Data Release, MCS2025_World_Data.csv (doi:10.5066/P13XCP3R)"
)
PRODUCTION_GAPS = [
    (
        "hafnium",
        "no world production by country: USGS MCS 2025 world data have no hafnium series (hafnium is a "
        "by-product of zirconium refining and USGS publishes no country figures for it)",
        "2025",
        USGS_2025_FILE + ": no hafnium series among its 48 series",
    ),
    (
        "rhodium",
        "no world production by country: USGS MCS 2025 world data give platinum and palladium mine production "
        "only, not rhodium (a platinum-group by-product)",
        "2025",
        USGS_2025_FILE + ": platinum-group series are platinum and palladium only",
    ),
    (
        "polymers",
        "not a mineral commodity: plastics are made from oil and gas feedstock in chemical plants, outside "
        "USGS Mineral Commodity Summaries",
        "2025",
        USGS_2025_FILE + ": no polymer or plastics series (mineral commodities only)",
    ),
]
# Prefixes for names that list their elements, e.g. "rare earths (lanthanum, gadolinium, ...)".
MATERIAL_PREFIXES = (
    ("rare earths (", "rare-earths"),
    ("polymers (", "polymers"),
)


def material_id(name: str) -> str:
    """Map a reference material name to a material id; raise for names not covered."""
    key = name.strip().lower()
    if key in MATERIAL_ALIASES:
        return MATERIAL_ALIASES[key]
    for prefix, mid in MATERIAL_PREFIXES:
        if key.startswith(prefix):
            return mid
    if key in MATERIAL_IDS:
        return key
    raise ValueError(f"unmapped material name: {name!r}")


# --------------------------------------------------------------------------------------------------------------
# CSV helpers
# --------------------------------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> int:
    """Write rows sorted by the header's column order; return the row count."""
    for row in rows:
        missing = set(header) - set(row)
        extra = set(row) - set(header)
        if missing or extra:
            raise ValueError(f"{path.name}: bad row keys (missing {missing}, extra {extra}): {row}")
    ordered = sorted(rows, key=lambda r: tuple(r[c] for c in header))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(ordered)
    return len(ordered)


# --------------------------------------------------------------------------------------------------------------
# 1. bill_of_materials.csv
# --------------------------------------------------------------------------------------------------------------

BOM_HEADER = [
    "product",
    "component",
    "material",
    "basis",
    "note",
    "source",
    "source_url",
    "source_type",
    "year",
]

# Reference product_category -> (kind, name). Products map to product ids; the two components are only used as
# component rows of the products that contain them.
BOM_CATEGORIES = {
    "smartphone": ("product", "smartphone"),
    "notebook": ("product", "notebook"),
    "desktop": ("product", "desktop"),
    "display": ("product", "display"),
    "server": ("product", "server"),
    "lithium-ion battery": ("product", "lithium-ion-battery"),
    "RAM/memory": ("product", "memory"),
    "printed circuit board": ("component", "printed circuit board"),
    "hard disk drive": ("component", "hard disk drive"),
}

# (target product, reference category, component name used in the target, note) for proxy rows.
# component None keeps the source's own component names (whole-product proxy).
BOM_PROXIES = [
    ("tablet", "smartphone", None, "no tablet-specific source; smartphone bill of materials used as proxy"),
    (
        "storage",
        "hard disk drive",
        "hard disk drive",
        "no storage-specific source (none for SSD/flash); hard disk drive source used as proxy",
    ),
    (
        "storage",
        "printed circuit board",
        "printed circuit board",
        "no storage-specific source; printed circuit board source used as proxy",
    ),
    (
        "network-equipment",
        "printed circuit board",
        "printed circuit board",
        "no network-equipment-specific source; printed circuit board source used as proxy",
    ),
    (
        "desktop",
        "printed circuit board",
        "printed circuit board",
        "no desktop-specific source for this component; printed circuit board source used as proxy",
    ),
    (
        "desktop",
        "hard disk drive",
        "hard disk drive",
        "no desktop-specific source for this component; hard disk drive source used as proxy",
    ),
    (
        "notebook",
        "printed circuit board",
        "printed circuit board",
        "no notebook-specific source for this component; printed circuit board source used as proxy, as for "
        "desktops (it brings the tantalum of the capacitors)",
    ),
    (
        "notebook",
        "lithium-ion battery",
        "battery",
        "no notebook-specific source for this battery material; lithium-ion battery source used as proxy",
    ),
    (
        "notebook",
        "display",
        "display",
        "no notebook-specific source for this display material; display source used as proxy",
    ),
    (
        "server",
        "printed circuit board",
        "printed circuit board",
        "no server-specific source for this component; printed circuit board source used as proxy (it brings "
        "the tantalum of the capacitors)",
    ),
    (
        "server",
        "hard disk drive",
        "hard disk drive",
        "no server-specific source for this component; hard disk drive source used as proxy",
    ),
    (
        "server",
        "RAM/memory",
        "memory",
        "no server-specific source for this component; memory source used as proxy",
    ),
    (
        "memory",
        "printed circuit board",
        "printed circuit board",
        "no memory-specific source for this component; printed circuit board source used as proxy",
    ),
]

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
# Publication-date patterns in the source text. Only dates written as a publication date count: a bare year in a
# name (e.g. "EU Horizon 2020 expert network") is not a publication year.
SOURCE_YEAR_PATTERNS = [
    re.compile(r"\(((?:19|20)\d{2})\)"),  # "(2015)"
    re.compile(r"\(((?:19|20)\d{2})-\d{2}-\d{2}\)"),  # "(2024-03-05)"
    re.compile(rf"\((?:(?:{MONTHS})/)?(?:{MONTHS}) ((?:19|20)\d{{2}})\)"),  # "(Nov/Dec 2010)"
    re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) ((?:19|20)\d{{2}})\b"),  # "24 Jan 2021"
]
# A date path segment in the URL, e.g. ".../20210124/...".
URL_YEAR_PATTERN = re.compile(r"/((?:19|20)\d{2})(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])/")

# Figures quoted in the reference `role` text: "855 g/t", "22.9% of magnet mass", "about eight grams of cobalt".
FIGURE_PATTERN = re.compile(
    r"(?:about )?(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)\s?(?:g/t|%|grams?)"
    r"(?: of [a-z ]+?)?(?=\s+per source|\s*\(per source|\)|,|;|$)"
)


def publication_year(source: str, url: str) -> str:
    years = set()
    for pattern in SOURCE_YEAR_PATTERNS:
        years.update(pattern.findall(source))
    if not years:
        years.update(URL_YEAR_PATTERN.findall(url))
    if len(years) > 1:
        raise ValueError(f"ambiguous publication year {sorted(years)} in source {source!r}")
    return years.pop() if years else "n.d."


# The reference names no primary publication behind these low-authority web sources (news aggregators, a metals
# trader's blog); their rows stay, and their source says so plainly.
SECONDARY_NOTE = (
    " [secondary, low-authority web source: the reference names no primary publication behind it]"
)


CITING_NOTE = " [secondary copy: a media infographic of another body's data; the reference names no primary publication]"


def _plain_source(source: str, source_type: str) -> str:
    if "low authority" in source_type:
        return source + SECONDARY_NOTE
    if "citing" in source_type:
        return source + CITING_NOTE
    return source


def build_bill_of_materials(reference: Path) -> list[dict[str, str]]:
    ref = read_csv(reference / "ict_bill_of_materials.csv")
    by_category: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in ref:
        if r["product_category"] not in BOM_CATEGORIES:
            raise ValueError(f"unmapped product_category: {r['product_category']!r}")
        by_category[r["product_category"]].append(r)

    # Candidate rows: dict with keys of BOM_HEADER except note, plus note parts.
    candidates: list[dict] = []

    def candidate(r: dict[str, str], product: str, component: str, basis: str, proxy_note: str, part: str):
        raw = r["raw_material"].strip()
        mid = material_id(raw)
        figures = FIGURE_PATTERN.findall(r["role"])
        if raw.lower() != mid:  # say which element of a grouped material the figure is for
            figures = [f"{raw}: {f}" for f in figures]
        candidates.append(
            {
                "product": product,
                "component": component,
                "material": mid,
                "basis": basis,
                "source": _plain_source(r["source"], r["source_type"]),
                "source_url": r["source_url"],
                "source_type": r["source_type"],
                "year": publication_year(r["source"], r["source_url"]),
                "_proxy_note": proxy_note,
                "_parts": {part} if part and part != component else set(),
                "_names": {raw} if raw.lower() != mid else set(),
                "_figures": set(figures),
            }
        )

    # Direct rows: the source speaks of the product itself.
    for category, (kind, name) in BOM_CATEGORIES.items():
        if kind != "product":
            continue
        for r in by_category[category]:
            candidate(r, name, r["component"], "direct", "", "")
    # Notebook display rows of the display sources are direct for notebooks too.
    for r in by_category["display"]:
        if "notebook display" in r["component"]:
            candidate(r, "notebook", "display", "direct", "", r["component"])
    # Proxy rows.
    for product, category, component, note in BOM_PROXIES:
        for r in by_category[category]:
            if product == "notebook" and category == "display" and "notebook display" in r["component"]:
                continue  # already direct above
            candidate(
                r, product, component or r["component"], "proxy", note, r["component"] if component else ""
            )

    # Deduplicate identical (product, component, material, source); a direct row wins over proxy rows.
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for c in candidates:
        groups[(c["product"], c["component"], c["material"], c["source"])].append(c)
    rows = []
    for group in groups.values():
        direct = [c for c in group if c["basis"] == "direct"]
        keep = direct or group
        first = keep[0]
        parts = sorted(set().union(*(c["_parts"] for c in keep)))
        names = sorted(set().union(*(c["_names"] for c in keep)))
        figures = sorted(set().union(*(c["_figures"] for c in keep)))
        proxy_notes = sorted({c["_proxy_note"] for c in keep if c["_proxy_note"]})
        note_bits = list(proxy_notes)
        if parts:
            note_bits.append("source part: " + " | ".join(parts))
        if names:
            note_bits.append("source material: " + " | ".join(names))
        if figures:
            note_bits.append("figure in source: " + " | ".join(figures))
        row = {k: first[k] for k in BOM_HEADER if k != "note"}
        row["note"] = "; ".join(note_bits)
        rows.append(row)
    return rows


# --------------------------------------------------------------------------------------------------------------
# 2. mineral_production.csv
# --------------------------------------------------------------------------------------------------------------

PRODUCTION_GAPS_HEADER = ["material", "reason", "year", "source"]
PRODUCTION_HEADER = [
    "material",
    "series",
    "stage",
    "country_iso3",
    "country",
    "year",
    "quantity",
    "unit",
    "world_total",
    "share_pct",
    "estimated",
    "note",
    "source",
]


# MCS 2026 figures (partial copy: cobalt, gallium, lithium, rare earths) replace MCS 2025's for the years they give:
# 2024 (revised) and 2025 (estimate). MCS 2025's 2023 rows of these series stay.
MCS2026_SERIES = frozenset({"cobalt", "gallium", "lithium", "rare earths"})


def _production_row(r: dict[str, str]) -> dict[str, str]:
    note_bits = [f"USGS basis: {r['usgs_type']}"] if r["usgs_type"] else []
    if r["note"]:
        note_bits.append(r["note"])
    return {
        "material": material_id(r["mineral"]),
        "series": r["mineral"],
        "stage": r["stage"],
        "country_iso3": r["country_iso3"],
        "country": r["country"],
        "year": r["year"],
        "quantity": r["quantity"],
        "unit": r["unit"],
        "world_total": r["world_total"],
        "share_pct": r["share_pct"],
        "estimated": r["estimated"],
        "note": "; ".join(note_bits),
        "source": r["source"],
    }


def build_mineral_production(reference: Path) -> list[dict[str, str]]:
    newer = [r for r in read_csv(reference / "2026" / "mineral_production_mcs2026_partial.csv")]
    newer_years = {(r["mineral"], r["year"]) for r in newer}
    if {m for m, _ in newer_years} != MCS2026_SERIES:
        raise ValueError(f"MCS 2026 partial series changed: {sorted({m for m, _ in newer_years})}")
    rows = []
    for r in [*read_csv(reference / "2026" / "mineral_production_mcs2025.csv"), *newer]:
        if not r["country_iso3"].strip():
            continue  # USGS "Other countries" group
        if r["mineral"] in EXCLUDED_SERIES:
            continue
        if (r["mineral"], r["year"]) in newer_years and "Mineral Commodity Summaries 2025" in r["source"]:
            continue  # revised in MCS 2026
        rows.append(_production_row(r))
    seen = set()
    for r in rows:
        key = (r["material"], r["stage"], r["country_iso3"], r["year"])
        if key in seen:
            raise ValueError(f"mineral_production: {key} would be counted twice")
        seen.add(key)
    return rows


def build_production_gaps() -> list[dict[str, str]]:
    return [
        {"material": m, "reason": reason, "year": year, "source": source}
        for m, reason, year, source in PRODUCTION_GAPS
    ]


# --------------------------------------------------------------------------------------------------------------
# 3. labour_goods.csv
# --------------------------------------------------------------------------------------------------------------

LABOUR_HEADER = [
    "good",
    "material",
    "stage",
    "country_iso3",
    "country",
    "child_labour",
    "forced_labour",
    "forced_child_labour",
    "derived_labour_exploitation",
    "year",
    "source",
]

# ILAB good -> (material id or "", stage). Goods not listed here (coal, diamonds, gems, stones, gravel, salt...)
# are not ICT materials and are left out.
LABOUR_GOODS = {
    "cobalt ore (heterogenite)": ("cobalt", "mining"),
    "copper": ("copper", "mining"),
    "gold": ("gold", "mining"),
    "iron": ("iron", "mining"),
    "mica": ("mica", "mining"),
    "silver": ("silver", "mining"),
    "tantalum ore (coltan)": ("tantalum", "mining"),
    "tin": ("tin", "mining"),
    "tin ore (cassiterite)": ("tin", "mining"),
    "tungsten ore (wolframite)": ("tungsten", "mining"),
    "zinc": ("zinc", "mining"),
    "polysilicon": ("silicon", "refining"),
    # new in the 2024 list
    "nickel": ("nickel", "mining"),  # DOL sector "Mining"
    "aluminum": ("aluminium", "refining"),  # DOL sector not stated; aluminium metal is made in smelters
    "electronics": ("", "component_manufacturing"),
    "lithium-ion batteries": ("", "component_manufacturing"),
}


LABOUR_FLAGS = ("child_labour", "forced_labour", "forced_child_labour", "derived_labour_exploitation")


def build_labour_goods(reference: Path) -> list[dict[str, str]]:
    """The 2022 list, with the ICT changes of the 2024 list applied (additions, flags named again, removals)."""
    by_key: dict[tuple[str, str], dict[str, str]] = {}
    for r in read_csv(reference / "goods_child_forced_labour.csv"):
        if r["ict_relevant"] != "true":
            continue
        mapped = LABOUR_GOODS.get(r["good"].strip().lower())
        if mapped is None:
            continue
        material, stage = mapped
        if material and material not in MATERIAL_IDS:
            raise ValueError(f"bad material id {material!r}")
        by_key[(r["good"].lower(), r["country_iso3"])] = {
            "good": r["good"],
            "material": material,
            "stage": stage,
            "country_iso3": r["country_iso3"],
            "country": r["country"],
            **{flag: r[flag] for flag in LABOUR_FLAGS},
            "year": r["edition"],
            "source": r["source"],
        }
    for r in read_csv(reference / "2026" / "goods_child_forced_labour_2024_ict_changes.csv"):
        key = (r["good"].lower(), r["country_iso3"])
        if r["change_vs_2022"].startswith("REMOVED"):
            by_key.pop(key, None)
            continue
        mapped = LABOUR_GOODS.get(r["good"].strip().lower())
        if mapped is None:
            continue
        material, stage = mapped
        old = by_key.get(key)
        # A flag the 2024 sources state is set; one they do not state keeps the 2022 value (empty if new).
        flags = {flag: r[flag] or (old[flag] if old else "") for flag in LABOUR_FLAGS}
        source = f"{r['source']} [2024 change: {r['change_vs_2022']}]"
        if old:
            source += f" | 2022 entry: {old['source']}"
        by_key[key] = {
            "good": r["good"],
            "material": material,
            "stage": stage,
            "country_iso3": r["country_iso3"],
            "country": r["country"],
            **flags,
            "year": "2024",
            "source": source,
        }
    return list(by_key.values())


# --------------------------------------------------------------------------------------------------------------
# 4. cahra.csv
# --------------------------------------------------------------------------------------------------------------

CAHRA_HEADER = ["country_iso3", "country", "list_name", "scope", "year", "source"]
YEAR_PATTERN = re.compile(r"\b((?:19|20)\d{2})\b")


def build_cahra(reference: Path) -> list[dict[str, str]]:
    """US Dodd-Frank covered countries and the current EU indicative CAHRA list (June 2026, with its regions)."""
    rows = []
    dodd_frank = [r for r in read_csv(reference / "cahra.csv") if "Dodd-Frank" in r["list_name"]]
    for r in [*dodd_frank, *read_csv(reference / "2026" / "cahra_eu_current.csv")]:
        # The first year named: "2010 Act / 2012 SEC final rule" -> 2010, "2026-06-27 (...)" -> 2026.
        match = YEAR_PATTERN.search(r["as_of"])
        rows.append(
            {
                "country_iso3": r["country_iso3"],
                "country": r["country"],
                "list_name": r["list_name"],
                "scope": r["scope"],
                "year": match.group(1) if match else "",
                "source": r["source"],
            }
        )
    return rows


# --------------------------------------------------------------------------------------------------------------
# 5. country_indicators.csv
# --------------------------------------------------------------------------------------------------------------

INDICATOR_HEADER = ["country_iso3", "country", "indicator", "year", "value", "unit", "source"]
INDICATORS = frozenset(
    {
        "wgi_rule_of_law_percentile_rank",
        "wgi_voice_accountability_percentile_rank",
        "wgi_political_stability_no_violence_percentile_rank",
        "wgi_control_of_corruption_percentile_rank",
        "ilab_working_children_share",
    }
)


def build_country_indicators(reference: Path) -> list[dict[str, str]]:
    """WGI 2024 update (data 2023), ILAB working children (2022 findings), ITUC Global Rights Index 2025 ratings."""
    rows = []
    for r in read_csv(reference / "2026" / "wgi_2024_update.csv"):
        if r["indicator"] in INDICATORS and r["value"].strip():
            rows.append({k: r[k] for k in INDICATOR_HEADER})
    for r in read_csv(reference / "country_indicators.csv"):
        if r["indicator"] == "ilab_working_children_share":
            rows.append({k: r[k] for k in INDICATOR_HEADER})
    for r in read_csv(reference / "2026" / "ituc_global_rights_index_2025.csv"):
        if r["indicator"] == "ituc_global_rights_index_rating":
            rows.append({k: r[k] for k in INDICATOR_HEADER})
    return rows


# --------------------------------------------------------------------------------------------------------------
# 6. manufacturing_countries.csv
# --------------------------------------------------------------------------------------------------------------

MANUFACTURING_HEADER = [
    "product",
    "component",
    "stage",
    "country_iso3",
    "country",
    "share_pct",
    "year",
    "source",
    "note",
]
CFIT_2_1 = "CFIT, Promoting Due Diligence through ICT Procurement (2025), section 2.1"
CFIT_2_2 = "CFIT, Promoting Due Diligence through ICT Procurement (2025), section 2.2"

# Hand-curated from the CFIT manual (KU Leuven HIVA for the Circular & Fair ICT Pact, 2025). Facts only; the
# manual names countries but gives no shares, so share_pct stays empty.
MANUAL_MANUFACTURING = [
    # 2.1: components are made by "manufacturing entities in countries like Malaysia or China".
    (
        "*",
        "",
        "component_manufacturing",
        "MYS",
        "Malaysia",
        "2025",
        CFIT_2_1,
        "named as an example country of component manufacturing",
    ),
    (
        "*",
        "",
        "component_manufacturing",
        "CHN",
        "China",
        "2025",
        CFIT_2_1,
        "named as an example country of component manufacturing",
    ),
    # 2.2 (4): China is "the main producer of a wide range of components and raw materials".
    (
        "*",
        "",
        "component_manufacturing",
        "CHN",
        "China",
        "2025",
        CFIT_2_2,
        "named as the main producer of a wide range of components and raw materials; regulatory constraints on "
        "unionisation (freedom of association risk)",
    ),
    # 2.2 (2): forced labour of migrant workers in factories in Malaysia and Taiwan.
    (
        "*",
        "",
        "component_manufacturing",
        "MYS",
        "Malaysia",
        "2025",
        CFIT_2_2,
        "forced labour risk: migrant workers in factories (withheld identity documents or wages, recruitment fees); "
        "the manual says 'factories' without naming the stage",
    ),
    (
        "*",
        "",
        "component_manufacturing",
        "TWN",
        "Taiwan",
        "2025",
        CFIT_2_2,
        "forced labour risk: migrant workers in factories (withheld identity documents or wages, recruitment fees); "
        "the manual says 'factories' without naming the stage",
    ),
    # 2.2 (1): underage students in assembly factories in China.
    (
        "*",
        "",
        "assembly",
        "CHN",
        "China",
        "2025",
        CFIT_2_2,
        "child labour risk: underage students employed in assembly factories",
    ),
]


def build_manufacturing_countries(labour_rows: list[dict[str, str]]) -> list[dict[str, str]]:
    rows = []
    for product, component, stage, iso3, country, year, source, note in MANUAL_MANUFACTURING:
        rows.append(
            {
                "product": product,
                "component": component,
                "stage": stage,
                "country_iso3": iso3,
                "country": country,
                "share_pct": "",  # the manual gives no shares
                "year": year,
                "source": source,
                "note": note,
            }
        )
    # ILAB list, Electronics rows (component manufacturing), derived from labour_goods.
    for r in labour_rows:
        if r["good"].strip().lower() != "electronics":
            continue
        flags = [
            label
            for key, label in (
                ("child_labour", "child labour"),
                ("forced_labour", "forced labour"),
                ("forced_child_labour", "forced child labour"),
                ("derived_labour_exploitation", "derived labour exploitation"),
            )
            if r[key] == "true"
        ]
        rows.append(
            {
                "product": "*",
                "component": "electronics",
                "stage": "component_manufacturing",
                "country_iso3": r["country_iso3"],
                "country": r["country"],
                "share_pct": "",
                "year": r["year"],
                "source": r["source"],
                "note": "listed by ILAB for Electronics: " + ", ".join(flags),
            }
        )
    seen = set()
    for r in rows:
        key = (r["stage"], r["country_iso3"], r["source"])
        if key in seen:
            raise ValueError(f"duplicate manufacturing row {key}")
        seen.add(key)
    return rows


# --------------------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------------------


def check(outputs: dict[str, list[dict[str, str]]]) -> list[str]:
    problems = []
    for name, rows in outputs.items():
        for i, r in enumerate(rows):
            if not r.get("source", "").strip():
                problems.append(f"{name}: row {i} has no source: {r}")
            year = r.get("year", "").strip()
            if not year or (year == "n.d." and name != "bill_of_materials.csv"):
                problems.append(f"{name}: row {i} has no year: {r}")
            if "material" in r and r["material"] and r["material"] not in MATERIAL_IDS:
                problems.append(f"{name}: row {i} has unknown material {r['material']!r}")
    bom = outputs["bill_of_materials.csv"]
    for r in bom:
        if r["product"] not in PRODUCT_IDS:
            problems.append(f"bill_of_materials.csv: unknown product {r['product']!r}")
    for product in PRODUCT_IDS:
        comps = {r["component"] for r in bom if r["product"] == product}
        mats = {r["material"] for r in bom if r["product"] == product}
        if len(comps) < 1 or len(mats) < 2:
            problems.append(
                f"bill_of_materials.csv: {product} has {len(comps)} components, {len(mats)} materials"
            )
    production = outputs["mineral_production.csv"]
    produced = {r["material"] for r in production}
    explained = {r["material"] for r in outputs["production_gaps.csv"]}
    for material in sorted({r["material"] for r in bom}):
        if material not in produced and material not in explained:
            problems.append(
                f"{material}: in a bill of materials, without production rows or a sourced reason"
            )
        if material in produced and material in explained:
            problems.append(f"{material}: has production rows and a reason for having none")
    for mineral in KEY_MINERALS:
        latest = max(r["year"] for r in production if r["material"] == mineral)
        countries = {
            r["country_iso3"]
            for r in production
            if r["material"] == mineral and r["year"] == latest and r["share_pct"]
        }
        if len(countries) < 3:
            problems.append(
                f"mineral_production.csv: {mineral} has {len(countries)} countries with a share in {latest}"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--reference", type=Path, default=DEFAULT_REFERENCE, help="folder with the reference CSVs"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="knowledge folder to write")
    args = parser.parse_args(argv)

    reference: Path = args.reference
    if not (reference / "2026" / "mineral_production_mcs2025.csv").is_file():
        parser.error(f"no reference CSVs in {reference}")
    args.output.mkdir(parents=True, exist_ok=True)

    labour = build_labour_goods(reference)
    outputs = {
        "bill_of_materials.csv": (BOM_HEADER, build_bill_of_materials(reference)),
        "mineral_production.csv": (PRODUCTION_HEADER, build_mineral_production(reference)),
        "labour_goods.csv": (LABOUR_HEADER, labour),
        "production_gaps.csv": (PRODUCTION_GAPS_HEADER, build_production_gaps()),
        "cahra.csv": (CAHRA_HEADER, build_cahra(reference)),
        "country_indicators.csv": (INDICATOR_HEADER, build_country_indicators(reference)),
        "manufacturing_countries.csv": (MANUFACTURING_HEADER, build_manufacturing_countries(labour)),
    }
    for name, (header, rows) in outputs.items():
        count = write_csv(args.output / name, header, rows)
        print(f"{name:32} {count:5d} rows")

    problems = check({name: rows for name, (_, rows) in outputs.items()})
    for p in problems:
        print("CHECK FAILED:", p, file=sys.stderr)
    if not problems:
        print("checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
