"""Which risks a listed production site carries (CFIT manual 3.3.4, contract clause 2 in scenario 3).

A supplier's site list names each site's country and type; the risk method's `site_types` table turns the type
into a supply-chain stage. The site then carries the highest-rated risks the buyer's product risk assessment
found for that country and stage, one per risk category, at most `risks_per_site` of them. A site whose type
names no stage carries the highest-rated risks of its country at any stage.

The assessment's risks are indexed by (country, stage) once, and the pick for each place is made once, so
linking n sites to r risks costs O(n + r log r), not O(n * r).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hrdd.domain.countries import display_name
from hrdd.domain.labels import lower_title
from hrdd.domain.risk import SiteTypes, normalise_site_type
from hrdd.domain.texts import Text, gettext_noop


@dataclass(frozen=True)
class ListedSite:
    """A production site as a supplier listed it."""

    key: int  # the caller's id for the site: a row number or a record's key
    country_iso3: str
    site_type: str = ""


@dataclass(frozen=True)
class RatedRisk:
    """One risk of the product risk assessment: a category at a stage in a country, with its score."""

    category: str
    title: str
    country_iso3: str
    stage: str
    score: float
    material: str | None = None


@dataclass(frozen=True)
class SiteRiskVerdict:
    """The risks one site carries, and why: which stage its type named, which country and stage matched."""

    site: ListedSite
    stage: str | None  # None when the site's type names no stage
    risks: tuple[RatedRisk, ...]
    candidates: int  # how many risks of the assessment matched the site's country and stage
    reasons: tuple[str, ...]
    source: str


def site_stage(site_type: str, site_types: SiteTypes) -> str | None:
    """Return the supply-chain stage a site type names, or None when the method does not list the type."""
    return site_types.stages.get(normalise_site_type(site_type))


def _top_by_category(ranked: Iterable[RatedRisk], limit: int) -> tuple[RatedRisk, ...]:
    """Keep the first risk of each category from a list ranked highest first, up to `limit` of them."""
    seen: set[str] = set()
    picked: list[RatedRisk] = []
    for risk in ranked:
        if risk.category in seen:
            continue
        seen.add(risk.category)
        picked.append(risk)
        if len(picked) == limit:
            break
    return tuple(picked)


# The reasons are Texts (issue 16): English here, said in the reader's language on pages; a country is a parameter
# named `country`, which pages say in their language.


def _country(site: ListedSite, blank: str) -> str:
    return display_name(site.country_iso3) if site.country_iso3 else Text(blank)


def _score(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _stage_reason(site: ListedSite, stage: str | None) -> str:
    if stage is not None:
        return Text(
            gettext_noop("site type %(site_type)s is the stage %(stage)s"),
            site_type=repr(site.site_type.strip()),
            stage=lower_title(stage, "stage"),
        )
    if not site.site_type.strip():
        return Text(
            gettext_noop("no site type given, so the risks of every stage in %(country)s apply"),
            country=_country(site, gettext_noop("its country")),
        )
    return Text(
        gettext_noop(
            "site type %(site_type)s names no stage, so the risks of every stage in %(country)s apply"
        ),
        site_type=repr(site.site_type.strip()),
        country=_country(site, gettext_noop("its country")),
    )


def _match_reason(site: ListedSite, stage: str | None, picked: Sequence[RatedRisk], candidates: int) -> str:
    country = _country(site, gettext_noop("no country"))
    place = (
        Text(
            gettext_noop("%(country)s at the stage %(stage)s"),
            country=country,
            stage=lower_title(stage, "stage"),
        )
        if stage
        else Text(gettext_noop("%(country)s at any stage"), country=country)
    )
    if not candidates:
        return Text(gettext_noop("the risk assessment rates no risk for %(place)s"), place=place)
    risks = [
        Text(
            gettext_noop("%(category)s at %(stage)s (%(score)s)"),
            category=lower_title(r.category, "category"),
            stage=lower_title(r.stage, "stage"),
            score=_score(r.score),
        )
        for r in picked
    ]
    listed = (
        Text(
            ", ".join(f"%(part{i})s" for i in range(len(risks))),
            **{f"part{i}": r for i, r in enumerate(risks)},
        )
        if risks
        else ""
    )
    return Text(
        gettext_noop("%(count)s risk rated for %(place)s; the highest-rated, one per category: %(risks)s")
        if candidates == 1
        else gettext_noop(
            "%(count)s risks rated for %(place)s; the highest-rated, one per category: %(risks)s"
        ),
        count=candidates,
        place=place,
        risks=listed,
    )


def site_reasons_said(
    stored: Sequence[str], *, site: ListedSite, stage: str | None, risks: Sequence[RatedRisk], candidates: int
) -> tuple[str, ...]:
    """The reasons stored with a site's risk links (English), each as the Text that wrote it when the link's own
    stage, risks and count write it again, so that pages say it in the reader's language; a reason the rule no
    longer writes is kept as stored."""
    fresh = (_stage_reason(site, stage), _match_reason(site, stage, risks, candidates))
    texts = {str(reason): reason for reason in fresh}
    return tuple(texts.get(reason, reason) for reason in stored)


def link_sites_to_risks(
    sites: Sequence[ListedSite], risks: Sequence[RatedRisk], site_types: SiteTypes
) -> tuple[SiteRiskVerdict, ...]:
    """Link each listed site to the risks of its country and stage; one verdict per site, in the order given."""
    # highest score first; equal scores keep the assessment's order
    ranked = sorted(risks, key=lambda r: -r.score)
    by_place: dict[tuple[str, str | None], list[RatedRisk]] = {}
    for risk in ranked:
        by_place.setdefault((risk.country_iso3, risk.stage), []).append(risk)
        by_place.setdefault((risk.country_iso3, None), []).append(risk)
    picks: dict[tuple[str, str | None], tuple[tuple[RatedRisk, ...], int]] = {}
    verdicts = []
    for site in sites:
        stage = site_stage(site.site_type, site_types)
        place = (site.country_iso3, stage)
        if place not in picks:
            matching = by_place.get(place, [])
            picks[place] = (_top_by_category(matching, site_types.risks_per_site), len(matching))
        picked, candidates = picks[place]
        verdicts.append(
            SiteRiskVerdict(
                site=site,
                stage=stage,
                risks=picked,
                candidates=candidates,
                reasons=(_stage_reason(site, stage), _match_reason(site, stage, picked, candidates)),
                source=site_types.source,
            )
        )
    return tuple(verdicts)
