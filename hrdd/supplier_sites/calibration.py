"""The matching model calibrated on reviewers' decisions (issue 11: "the labelled pairs also retrain or calibrate
the model"): what a calibration would change, and the parameters the services pass to the engine.

Calibration is deliberate, never done at run time: `hrdd sites calibrate` shows the shipped weights beside the
calibrated ones, level by level, with how many confirmed pairs each rests on; `--apply` stores them
(`services.match_parameters_apply`) and new matches use them; verdicts already stored are not recomputed.

Only confirmed pairs are labelled examples here. A rejected pair is one a reviewer was shown because it looked
alike: the hardest cases, not a random sample of different sites, so counting them would skew the weights
against exactly the agreements that made them look alike (they still act as decisions: never proposed again).
With true pairs only, m (how often a true pair shows a level) moves and u (how often different sites do) stays
the shipped value, as `estimate_parameters` documents; u is taken from the shipped parameters so that its
smoothing, with no false pairs to count, cannot move it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.utils.translation import gettext as _
from rapidfuzz import fuzz

from hrdd.core.errors import InputError
from hrdd.domain.companies import normalise_company_name
from hrdd.domain.sitematch import ModelParameters, SiteRecord, estimate_parameters, shipped_parameters
from hrdd.domain.sitematch.index import normalise_record
from hrdd.domain.sitematch.model import COMPARISONS, LevelParameters
from hrdd.supplier_sites.models import MatchDecision, MatchParameters

DEFAULT_MIN_PAIRS = 200
# The shipped values count as this many confirmed pairs: a few decisions move the weights a little, many far.
BASE_PAIRS = 200.0


class TooFewPairs(InputError):
    """Fewer confirmed pairs than the minimum a calibration needs (nothing was estimated)."""


@dataclass(frozen=True)
class LevelChange:
    """One level of one comparison: its weight shipped and calibrated (bits) and how many confirmed pairs showed
    it (None when it could not be told). A null level ("missing") weighs nothing either way."""

    comparison: str
    level: str
    shipped: float
    calibrated: float
    pairs: int | None


@dataclass(frozen=True)
class Calibration:
    """Parameters estimated from the confirmed pairs, beside the shipped ones."""

    parameters: ModelParameters
    pairs: int
    rejected_left_out: int
    levels: tuple[LevelChange, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "pairs": self.pairs,
            "rejected_left_out": self.rejected_left_out,
            "levels": [
                {
                    "comparison": c.comparison,
                    "level": c.level,
                    "shipped_weight": round(c.shipped, 3),
                    "calibrated_weight": round(c.calibrated, 3),
                    "pairs": c.pairs,
                }
                for c in self.levels
            ],
        }


def _site_record(decision: MatchDecision) -> SiteRecord:
    """The site as the engine read it for this record: of its names, the one closest to the name typed (an
    alias row of the registry is compared like its main name, and the closest row is the one that counted)."""
    site = decision.site
    typed = normalise_company_name(str(decision.record.get("name", "")))
    names = [site.name, *(site.other_names or ())]
    name = max(names, key=lambda n: fuzz.token_set_ratio(typed, normalise_company_name(n)))
    return SiteRecord(str(site.public_id), name, site.address, site.city, site.postal_code, site.country_iso3)


def _typed_record(decision: MatchDecision) -> SiteRecord:
    r = decision.record
    return SiteRecord(
        f"d{decision.pk}",
        str(r.get("name", "")),
        str(r.get("address", "")),
        str(r.get("city", "")),
        str(r.get("postal_code", "")),
        str(r.get("country", "")),
    )


def confirmed_pairs() -> list[tuple[SiteRecord, SiteRecord, bool]]:
    """The labelled pairs: each confirmed decision's record as typed against the site it was confirmed as (a
    decision stored without the record, its name or its country, cannot be an example)."""
    decisions = MatchDecision.objects.filter(same=True).select_related("site").order_by("pk")
    return [
        (_typed_record(d), _site_record(d), True)
        for d in decisions
        if str(d.record.get("name") or "").strip() and str(d.record.get("country") or "").strip()
    ]


def calibration_estimate(*, min_pairs: int = DEFAULT_MIN_PAIRS) -> Calibration:
    """Estimate the model's parameters from the confirmed pairs; refuse below `min_pairs` of them."""
    if min_pairs < 1:
        raise InputError(_("The minimum number of pairs must be at least 1."), field="--min-pairs")
    pairs = confirmed_pairs()
    if len(pairs) < min_pairs:
        raise TooFewPairs(
            _(
                "Only %(n)d confirmed pairs: at least %(min)d are needed to calibrate the matching model "
                "(confirm more mentions in the review queue, or lower --min-pairs)."
            )
            % {"n": len(pairs), "min": min_pairs},
            field="--min-pairs",
        )
    shipped = shipped_parameters()
    estimated = estimate_parameters(
        pairs,
        base=shipped,
        base_pairs=BASE_PAIRS,
        source=f"{shipped.source}; m recalibrated on {len(pairs)} confirmed pairs (hrdd sites calibrate)",
    )
    parameters = ModelParameters(
        share_known=estimated.share_known,
        levels={
            comparison: {
                label: estimated.level(comparison, label)
                if is_null
                else LevelParameters(estimated.level(comparison, label).m, shipped.level(comparison, label).u)
                for label, _sql, is_null in levels
            }
            for _title, comparison, levels in COMPARISONS
        },
        source=estimated.source,
        pairs=estimated.pairs,
        extra=estimated.extra,
    )
    return Calibration(
        parameters=parameters,
        pairs=len(pairs),
        rejected_left_out=MatchDecision.objects.filter(same=False).count(),
        levels=_level_changes(shipped, estimated, parameters, pairs),
    )


def _level_changes(
    shipped: ModelParameters,
    estimated: ModelParameters,
    calibrated: ModelParameters,
    pairs: list[tuple[SiteRecord, SiteRecord, bool]],
) -> tuple[LevelChange, ...]:
    counts = _level_counts(shipped, estimated, pairs)
    return tuple(
        LevelChange(
            title,
            label,
            shipped.level(comparison, label).weight,
            calibrated.level(comparison, label).weight,
            counts.get((comparison, label)),
        )
        for title, comparison, levels in COMPARISONS
        for label, _sql, _null in levels
    )


def _level_counts(
    shipped: ModelParameters, estimated: ModelParameters, pairs: list[tuple[SiteRecord, SiteRecord, bool]]
) -> dict[tuple[str, str], int]:
    """How many pairs showed each level. `estimate_parameters` counts them but returns m only; m is
    (count + BASE_PAIRS * shipped m + 1/2) / (pairs compared on the field + BASE_PAIRS + levels / 2), so each
    count is read back from m, knowing from normalisation how many pairs had the field on both sides. A count
    that does not come out whole (another estimator) is left unknown rather than guessed."""
    normalised = [(normalise_record(r), normalise_record(s)) for r, s, _same in pairs]
    out: dict[tuple[str, str], int] = {}
    for _title, comparison, levels in COMPARISONS:
        null_label = next((label for label, _sql, is_null in levels if is_null), None)
        non_null = [label for label, _sql, is_null in levels if not is_null]
        if null_label is None:
            compared = len(pairs)
        else:
            compared = sum(1 for r, s in normalised if getattr(r, comparison) and getattr(s, comparison))
        denominator = compared + BASE_PAIRS + 0.5 * len(non_null)
        found = {}
        for label in non_null:
            raw = (
                estimated.level(comparison, label).m * denominator
                - BASE_PAIRS * shipped.level(comparison, label).m
                - 0.5
            )
            if abs(raw - round(raw)) > 0.05 or round(raw) < 0:
                break
            found[(comparison, label)] = round(raw)
        else:
            if sum(found.values()) == compared:
                out.update(found)
                if null_label is not None:
                    out[(comparison, null_label)] = len(pairs) - compared
    return out


# The active parameters, kept per process by the row's id: one small read per match call tells whether another
# process applied or reset a calibration since.
_active: tuple[int, ModelParameters] | None = None


def active_parameters() -> ModelParameters | None:
    """The calibrated parameters in force (None: the shipped ones)."""
    global _active
    pk = MatchParameters.objects.filter(active=True).values_list("pk", flat=True).first()
    if pk is None:
        return None
    cached = _active
    if cached is not None and cached[0] == pk:
        return cached[1]
    data = MatchParameters.objects.filter(pk=pk).values_list("parameters", flat=True).first()
    if data is None:  # reset in between
        return None
    parameters = ModelParameters.from_json(json.dumps(data))
    _active = (pk, parameters)
    return parameters


def weight_text(value: float) -> str:
    """A weight as the command prints it (bits, signed)."""
    return "0" if math.isclose(value, 0.0, abs_tol=5e-3) else f"{value:+.2f}"
