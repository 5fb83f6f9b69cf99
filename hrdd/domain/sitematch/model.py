"""The probabilistic model of site matching: which fields are compared, at which levels, with which weights.

A Fellegi-Sunter model as Splink runs it: each field of a pair of sites falls into one level of its comparison
(exact, close, differs, missing ...); each level carries m (how often a true pair shows it) and u (how often a
pair of different sites does); log2(m/u) is the level's weight, the sum of the weights and the prior gives the
match probability. The levels are written here in SQL for Splink's DuckDB backend; string similarities are
rapidfuzz's (registered in DuckDB as functions). Fields and levels, with the sentence a reviewer reads, are code;
the m and u values are data (`parameters.json` beside this file), fixed and shipped, so every run gives the same
result and nothing is trained when matching. `estimate_parameters` (hrdd.domain.sitematch.index) turns labelled
pairs (a reviewer's decisions, or the benchmark's synthetic truth) into new values.

m is counted on true pairs, u on random pairs of sites in one country (Splink's definition): the levels then
say how rare an agreement is by chance, and a name's exact agreement is weighed by how common that name is in
the registry at hand (Splink's term-frequency adjustment: "Foxconn" in a registry with forty Foxconn campuses
says little, a name held by one site says much). The prior follows the registry too: the share of incoming
records expected to be known (`share_known`) spread over the sites of one country an incoming record is
compared with, so a name held by one site weighs the same in a registry of ten thousand sites as in one of a
million.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

# Each comparison: (column shown to the reviewer, output name, levels). A level: (label, SQL condition, is null
# level). Levels are tried in order; the last is the catch-all. `rf_*` are rapidfuzz scorers (0-100).
NAME_NUMBERS_DIFFER = "name_numbers_l <> '' AND name_numbers_r <> '' AND name_numbers_l <> name_numbers_r"

COMPARISONS: tuple[tuple[str, str, tuple[tuple[str, str, bool], ...]], ...] = (
    (
        "name",
        "name",
        (
            ("exact", "name_in_country_l = name_in_country_r", False),  # weighed by the name's frequency
            ("very close", "rf_token_set(name_l, name_r) >= 95 OR rf_ratio(name_compact_l, name_compact_r) >= 92", False),
            ("close", "rf_ratio(name_distinct_l, name_distinct_r) >= 85 OR rf_token_set(name_l, name_r) >= 90", False),
            ("partly alike", "rf_ratio(name_distinct_l, name_distinct_r) >= 70", False),
            ("differs", "ELSE", False),
        ),
    ),
    (
        "numbers in the name",
        "name_numbers",
        (
            ("same", "name_numbers_l <> '' AND name_numbers_l = name_numbers_r", False),
            ("none", "name_numbers_l = '' AND name_numbers_r = ''", False),
            ("on one side only", "name_numbers_l = '' OR name_numbers_r = ''", False),
            ("differ", "ELSE", False),
        ),
    ),
    (
        "city",
        "city",
        (
            ("missing", "city_l IS NULL OR city_r IS NULL", True),
            ("same", "city_l = city_r", False),
            ("close", "jaro_winkler_similarity(city_l, city_r) >= 0.9", False),
            ("differs", "ELSE", False),
        ),
    ),
    (
        "address",
        "address",
        (
            ("missing", "address_l IS NULL OR address_r IS NULL", True),
            ("very close", "rf_token_set(address_l, address_r) >= 92", False),
            ("close", "rf_token_set(address_l, address_r) >= 75", False),
            ("same street", "address_key_l = address_key_r", False),
            ("differs", "ELSE", False),
        ),
    ),
    (
        "numbers in the address",
        "address_numbers",
        (
            ("missing", "address_numbers_l IS NULL OR address_numbers_r IS NULL", True),
            ("same", "address_numbers_l = address_numbers_r", False),
            (
                "overlap",
                "len(list_intersect(string_split(address_numbers_l, ' '), string_split(address_numbers_r, ' '))) > 0",
                False,
            ),
            ("differ", "ELSE", False),
        ),
    ),
    (
        "postal code",
        "postal_code",
        (
            ("missing", "postal_code_l IS NULL OR postal_code_r IS NULL", True),
            ("same", "postal_code_l = postal_code_r", False),
            ("differs", "ELSE", False),
        ),
    ),
)  # fmt: skip

# Blocking: which registry sites an incoming record is compared with at all. Always within one country; then a
# distinctive word of the name in the same city, the whole name anywhere in the country, or the same street and
# number in the same city (a site renamed, or written under its group's other name).
# The whole name alone is a blocking key only where few sites hold it (`name_block`: NULL in the registry for a
# name more than COMMON_NAME sites of its country hold, such as a group's): a record without a city is still
# compared with the one site named so, and a group's record is not compared with all its campuses in the country.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("country", "name_key1", "city"),
    ("country", "name_key2", "city"),
    ("country", "name_block"),
    ("country", "name_prefix", "city", "address_key"),
    ("country", "city", "address_key", "address_numbers"),
    ("country", "name_key1", "address_key"),
)
COMMON_NAME = 20
# A word of the name is a blocking key in its city only where few sites of that city hold it (`name_key1` and
# `name_key2` are NULL in the registry for a word more than COMMON_WORD sites of the city hold): a word every
# tenth site of a city carries ("optoelectronic", a trade no generic-word list names) would compare a record
# with thousands of sites that only share its trade, and none of them is found by that word alone. The record
# still meets them by its other word, its whole name or its street.
COMMON_WORD = 100

PARAMETERS_FILE = "parameters.json"


@dataclass(frozen=True)
class LevelParameters:
    m: float
    u: float

    @property
    def weight(self) -> float:
        """log2(m/u): the evidence the level gives for (+) or against (-) a match, in bits."""
        return math.log2(self.m / self.u)


@dataclass(frozen=True)
class ModelParameters:
    """m and u per (comparison, level label), the expected share of incoming records the registry knows, and how
    the values were obtained."""

    share_known: float
    levels: dict[str, dict[str, LevelParameters]]
    source: str = ""
    pairs: int = 0  # how many labelled pairs the values rest on
    extra: dict[str, Any] = field(default_factory=dict)

    def level(self, comparison: str, label: str) -> LevelParameters:
        return self.levels[comparison][label]

    def to_json(self) -> str:
        data = {
            "source": self.source,
            "pairs": self.pairs,
            "share_known": self.share_known,
            "levels": {
                comparison: {label: {"m": p.m, "u": p.u} for label, p in levels.items()}
                for comparison, levels in self.levels.items()
            },
            **self.extra,
        }
        return json.dumps(data, indent=2, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ModelParameters:
        data = json.loads(text)
        levels = {
            comparison: {label: LevelParameters(float(v["m"]), float(v["u"])) for label, v in values.items()}
            for comparison, values in data["levels"].items()
        }
        extra = {k: v for k, v in data.items() if k not in {"source", "pairs", "share_known", "levels"}}
        return cls(
            float(data["share_known"]), levels, str(data.get("source", "")), int(data.get("pairs", 0)), extra
        )


@cache
def shipped_parameters() -> ModelParameters:
    """The parameters shipped with hrdd (see `source` in the file for how they were obtained)."""
    text = resources.files("hrdd.domain.sitematch").joinpath(PARAMETERS_FILE).read_text(encoding="utf-8")
    return ModelParameters.from_json(text)


def parameters_path() -> Path:
    """Where the shipped parameters live in the source tree (the training script writes there)."""
    return Path(__file__).with_name(PARAMETERS_FILE)


def neutral_parameters() -> ModelParameters:
    """Untrained parameters (every level neutral, except the obvious signs) to find candidate pairs for training."""
    levels: dict[str, dict[str, LevelParameters]] = {}
    for _title, comparison, comparison_levels in COMPARISONS:
        n = len(comparison_levels)
        levels[comparison] = {
            label: LevelParameters(m=(n - i) / sum(range(1, n + 1)), u=(i + 1) / sum(range(1, n + 1)))
            for i, (label, _sql, _null) in enumerate(comparison_levels)
        }
    return ModelParameters(share_known=0.5, levels=levels, source="neutral: for finding candidate pairs only")


TF_COLUMN = "name_in_country"  # the country and the compact name: how common a name is in its country


# A registry smaller than this is read as if it were this large, in the same proportions: a name its few sites
# hold once is not thereby rarer than in a registry of ten thousand (the size the parameters were trained at).
MIN_REGISTRY = 10_000


def registry_scale(size: int) -> float:
    """The factor a registry's size is multiplied by for name frequencies and the prior (1 from MIN_REGISTRY)."""
    return max(1.0, MIN_REGISTRY / max(size, 1))


def compared_with(sites_per_country: dict[str, int]) -> float:
    """How many sites of its country an incoming record meets on average (a registry under MIN_REGISTRY scaled
    up): the denominator of the prior."""
    total = sum(sites_per_country.values())
    return max(1.0, sum(n * n for n in sites_per_country.values()) / max(total, 1) * registry_scale(total))


def name_frequency_base(sites_per_country: dict[str, int]) -> float:
    """The denominator of a name's frequency: the registry's size (scaled up under MIN_REGISTRY). A name held
    by k sites of its country counts as k in this many. It grows with the registry as the prior's denominator
    does, so a name one site holds weighs the same in a registry of any size; that it is the whole registry and
    not the sites of one country was chosen on the benchmark (it makes a name held once, with the same city and
    nothing against it, an automatic link, as reviewers would have it)."""
    total = sum(sites_per_country.values())
    return max(1.0, total * registry_scale(total))


def prior_for(parameters: ModelParameters, sites_per_country: dict[str, int]) -> float:
    """The probability that an incoming record and a site of its country, both picked at random, are one site:
    the share of records known, over the number of sites a record meets in its country on average."""
    return min(0.5, parameters.share_known / compared_with(sites_per_country))


def splink_settings(parameters: ModelParameters, *, prior: float = 0.001, tf: bool = True) -> dict[str, Any]:
    """The Splink settings dictionary of the model with the given parameters (link_only, registry to incoming);
    `tf` weighs an exact name by its frequency in the registry (a look-up table the caller registers)."""
    comparisons = []
    for title, comparison, comparison_levels in COMPARISONS:
        levels: list[dict[str, Any]] = []
        for label, sql, is_null in comparison_levels:
            level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
            if tf and comparison == "name" and label == "exact":
                level["tf_adjustment_column"] = TF_COLUMN
                level["tf_adjustment_weight"] = 1.0
            if is_null:
                level["is_null_level"] = True
            else:
                p = parameters.level(comparison, label)
                level["m_probability"] = p.m
                level["u_probability"] = p.u
            levels.append(level)
        comparisons.append(
            {"output_column_name": comparison, "comparison_description": title, "comparison_levels": levels}
        )
    return {
        "link_type": "link_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": " AND ".join(f"l.{c} = r.{c}" for c in rule)} for rule in BLOCKING_RULES
        ],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
    }
