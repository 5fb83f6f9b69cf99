"""The product-risk page's map: the producing countries, shaded by how salient their risks are.

A country's shade is its highest risk score in the assessment. The score already multiplies the country's
share of world production (exposure) by likelihood and severity, so one colour says "share and salience"
together; the tooltip and the list beside the map give the shares themselves. Scores are compared within one
assessment (see the page's "What does a risk score mean?"), so the classes are fractions of the assessment's
highest score, not fixed numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.core.countries import country_name
from hrdd.core.maps import NEUTRAL_FILL, Shade, world_map_svg
from hrdd.domain.risk import RiskAssessment, RiskMethod
from hrdd.risks.titles import number, said, stage_word

# Classes, darkest first: a country's highest score as a fraction of the assessment's highest score.
LEVEL_FLOORS = (0.5, 0.2, 0.05, 0.0)
# ColorBrewer's OrRd (Cynthia Brewer, colorbrewer2.org), four steps: one hue family growing darker, so the
# order reads without telling red from green and survives a black-and-white printout.
LEVEL_FILLS = ("#b30000", "#e34a33", "#fc8d59", "#fdcc8a")
LEVEL_NAMES = (
    gettext_lazy("Highest: at least half the top score"),
    gettext_lazy("High: a fifth to half of the top score"),
    gettext_lazy("Medium: a twentieth to a fifth of the top score"),
    gettext_lazy("Lower: under a twentieth of the top score"),
)
SHARES_IN_TOOLTIP = 6


@dataclass(frozen=True)
class CountryShading:
    """One producing country on the map: its class, its highest-rated risk and its shares."""

    iso3: str
    name: str
    level: int  # 0 (darkest: at least half the top score) .. 3
    top_score: float
    top_risk: str  # "Forced labour, cobalt mining"
    shares: tuple[str, ...]  # "cobalt mining 74%", "assembly (share unknown)", most first

    @property
    def fill(self) -> str:
        return LEVEL_FILLS[self.level]

    def tooltip(self) -> str:
        shown = self.shares[:SHARES_IN_TOOLTIP]
        more = len(self.shares) - len(shown)
        lines = [
            _("%(country)s: highest risk score %(score)s (%(risk)s)")
            % {"country": self.name, "score": number(self.top_score), "risk": self.top_risk},
            _("Share of world production: %(shares)s") % {"shares": "; ".join(shown)},
        ]
        if more:
            lines[-1] += " " + _("and %(n)d more") % {"n": more}
        return "\n".join(lines)


@dataclass(frozen=True)
class MapLevel:
    """One class of the legend: its colour, its range of scores and the countries in it."""

    level: int
    fill: str
    low: float  # the lowest score in the class (inclusive)
    high: float | None  # the class's upper bound (exclusive); None for the top class
    countries: tuple[CountryShading, ...]

    @property
    def name(self) -> str:
        return str(LEVEL_NAMES[self.level])

    @property
    def scores(self) -> str:
        return level_label(self)


def _level(score: float, top: float) -> int:
    ratio = score / top if top > 0 else 0.0
    return next(i for i, floor in enumerate(LEVEL_FLOORS) if ratio >= floor)


def country_shading(assessment: RiskAssessment, method: RiskMethod) -> tuple[CountryShading, ...]:
    """Return every country the assessment rates, by highest score, with its class and shares."""
    top_risk: dict[str, tuple[float, str]] = {}
    for risk in assessment.risks:  # sorted by score, highest first
        if risk.country_iso3 not in top_risk:
            stage = stage_word(method, risk.stage)
            where = risk.material or stage
            label = f"{said(risk.category_title)}, {where}" + (f" {stage}" if risk.material else "")
            top_risk[risk.country_iso3] = (risk.score, label)
    shares: dict[str, list[tuple[float, str]]] = {}
    for material in assessment.raw_materials:
        for share in material.countries:
            what = material.name
            if share.series and share.series not in material.name:
                what = f"{material.name} ({share.series})"
            stage = stage_word(method, share.stage)
            if share.share_pct is None:
                text = _("%(what)s %(stage)s (share unknown)") % {"what": what, "stage": stage}
            else:
                text = f"{what} {stage} {number(share.share_pct)}%"
                if share.year:
                    text += f" ({share.year})"
            shares.setdefault(share.country_iso3, []).append((share.share_pct or 0.0, text))
    for share in assessment.manufacturing:
        text = _("%(stage)s (share unknown)") % {"stage": stage_word(method, share.stage)}
        if share.share_pct is not None:
            text = f"{stage_word(method, share.stage)} {number(share.share_pct)}%"
        shares.setdefault(share.country_iso3, []).append((share.share_pct or 0.0, text))

    highest = max((score for score, _label in top_risk.values()), default=0.0)
    shading = []
    for iso3, (score, label) in top_risk.items():
        ordered = sorted(shares.get(iso3, ()), key=lambda s: -s[0])
        shading.append(
            CountryShading(
                iso3=iso3,
                name=country_name(iso3),
                level=_level(score, highest),
                top_score=score,
                top_risk=label,
                shares=tuple(dict.fromkeys(text for _share, text in ordered)),
            )
        )
    shading.sort(key=lambda c: (-c.top_score, c.name))
    return tuple(shading)


def map_levels(shading: tuple[CountryShading, ...]) -> tuple[MapLevel, ...]:
    """Group the countries by class, with each class's score range (for the legend in words)."""
    top = max((c.top_score for c in shading), default=0.0)
    levels = []
    for level, floor in enumerate(LEVEL_FLOORS):
        ceiling = LEVEL_FLOORS[level - 1] if level else None
        levels.append(
            MapLevel(
                level=level,
                fill=LEVEL_FILLS[level],
                low=round(top * floor, 3),
                high=round(top * ceiling, 3) if ceiling is not None else None,
                countries=tuple(c for c in shading if c.level == level),
            )
        )
    return tuple(levels)


def level_label(level: MapLevel) -> str:
    """The legend's words for a class: its share of the top score and its range of scores."""
    if level.high is None:
        return str(_("score %(low)s or more") % {"low": number(level.low)})
    if level.low == 0:
        return str(_("scores below %(high)s") % {"high": number(level.high)})
    return str(_("scores %(low)s to %(high)s") % {"low": number(level.low), "high": number(level.high)})


def risk_map_svg(assessment: RiskAssessment, shading: tuple[CountryShading, ...]) -> SafeString:
    """Draw the producing countries shaded by class as an SVG for the page.

    The legend is the page's list under the map (swatch, words, countries), not drawn into the SVG: text
    inside an SVG shrinks with it, and would be unreadable on a phone."""
    svg = world_map_svg(
        {c.iso3: Shade(c.fill, c.tooltip()) for c in shading},
        title=_("Producing countries of %(product)s, shaded by their highest risk score")
        % {"product": said(assessment.product_title)},
        description=_(
            "Darker red: a higher risk score, which weighs the country's share of world production, the "
            "likelihood of the risk there and its severity. Grey: a country this assessment does not rate. "
            "The countries of each shade are listed under the map."
        ),
        id_prefix="risk-map",
        drawn_width=900,
    )
    return mark_safe(svg)  # noqa: S308 - hrdd.core.maps escapes every text it draws


def risk_map_context(assessment: RiskAssessment, method: RiskMethod) -> dict[str, object]:
    """What the assessment page needs for its map: the SVG and the classes with their countries."""
    shading = country_shading(assessment, method)
    return {
        "risk_map": risk_map_svg(assessment, shading) if shading else "",
        "risk_map_levels": [level for level in map_levels(shading) if level.countries],
        "risk_map_neutral": NEUTRAL_FILL,
    }
