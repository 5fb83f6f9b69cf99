"""The registry page's world map: the sites the page's filters find, coloured by type.

Bounded whatever the registry's size. Up to MAX_POINTS sites are drawn one by one (a dot where the coordinates
are known, a ring at a point inside the country where only the country is), read in one query. Past that, one dot
per site would be an SVG of megabytes in which nobody could tell one dot from another, so the map shades the
countries by how many of the sites lie there instead (one GROUP BY query), and the page says so. Either way the
legend and the counts are also given in words under the map, so nothing is told by colour alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hrdd.core.maps import NEUTRAL_FILL, MapPoint, Shade, categorical_colour, world_map_svg
from hrdd.domain.countries import display_name
from hrdd.supplier_sites.models import Site, SiteType

MAX_POINTS = 500
UNKNOWN_TYPE = ""
# ColorBrewer's Blues (colorbrewer2.org), four steps, darkest first: more sites, darker.
COUNT_FILLS = ("#08519c", "#3182bd", "#6baed6", "#bdd7e7")


def type_colour(site_type: str) -> str:
    """One colour-blind-safe colour per site type (the palette's sixth for a type not known)."""
    values = list(SiteType.values)
    return categorical_colour(values.index(site_type) if site_type in values else len(values))


def type_label(site_type: str) -> str:
    return str(SiteType(site_type).label) if site_type in SiteType.values else _("Type not known")


@dataclass(frozen=True)
class TypeKey:
    colour: str
    label: str
    sites: int


@dataclass(frozen=True)
class CountryCount:
    iso3: str
    name: str
    sites: int
    fill: str


@dataclass(frozen=True)
class CountClass:
    fill: str
    label: str
    countries: tuple[CountryCount, ...]


def _count_classes(counts: dict[str, int]) -> tuple[list[CountryCount], list[CountClass]]:
    top = max(counts.values(), default=0)
    # floors as fractions of the country with the most sites
    floors = (0.5, 0.2, 0.05, 0.0)
    rows: list[CountryCount] = []
    for iso3, n in counts.items():
        level = next(i for i, f in enumerate(floors) if n >= top * f)
        rows.append(CountryCount(iso3, display_name(iso3) or iso3, n, COUNT_FILLS[level]))
    rows.sort(key=lambda r: (-r.sites, r.name))
    classes = []
    for fill in COUNT_FILLS:
        members = tuple(r for r in rows if r.fill == fill)
        if not members:
            continue
        low, high = min(r.sites for r in members), max(r.sites for r in members)
        label = (
            _("%(n)d sites") % {"n": low}
            if low == high
            else _("%(low)d to %(high)d sites") % {"low": low, "high": high}
        )
        classes.append(CountClass(fill, label, members))
    return rows, classes


def registry_map_context(sites: QuerySet[Site], *, total: int) -> dict[str, Any]:
    """The map of the sites a filtered registry finds (`total` of them: the list's count, already known)."""
    if total == 0:
        return {"site_map": ""}
    if total <= MAX_POINTS:
        rows = list(
            sites.order_by("country_iso3", "name", "id").values_list(
                "public_id", "name", "city", "country_iso3", "latitude", "longitude", "site_type"
            )[:MAX_POINTS]
        )
        points = []
        by_type: Counter[str] = Counter()
        approximate = 0
        for public_id, name, city, iso3, lat, lon, site_type in rows:
            where = ", ".join(p for p in (city, display_name(iso3) if iso3 else "") if p)
            exact = lat is not None and lon is not None
            approximate += not exact
            label = f"{name} ({type_label(site_type or '').lower()}; {where})"
            if not exact:
                label += " — " + _("placed in its country: coordinates not known")
            points.append(
                MapPoint(
                    lat=lat,
                    lon=lon,
                    country_iso3=iso3,
                    colour=type_colour(site_type or ""),
                    label=label,
                    href=reverse("supplier_sites:site", args=[public_id]),
                )
            )
            by_type[site_type or UNKNOWN_TYPE] += 1
        svg = world_map_svg(
            {},
            points,
            title=ngettext(
                "Where the site found lies, coloured by its type",
                "Where the %(n)d sites found lie, coloured by type",
                total,
            )
            % {"n": total},
            description=_(
                "A dot is a site at its coordinates; a ring is a site whose coordinates are not known, "
                "placed inside its country. The colours and the number of sites of each type are listed "
                "under the map."
            ),
            crop=True,
            id_prefix="site-map",
            drawn_width=900,
        )
        keys = [
            TypeKey(type_colour(t), type_label(t), by_type[t])
            for t in [*SiteType.values, UNKNOWN_TYPE]
            if by_type[t]
        ]
        return {
            "site_map": mark_safe(svg),  # noqa: S308 - hrdd.core.maps escapes every text it draws
            "site_map_mode": "points",
            "site_map_types": keys,
            "site_map_approximate": approximate,
            "site_map_exact": len(points) - approximate,
        }
    counts = dict(
        sites.order_by().values("country_iso3").annotate(n=Count("pk")).values_list("country_iso3", "n")
    )
    rows_by_country, classes = _count_classes(counts)
    svg = world_map_svg(
        {
            r.iso3: Shade(r.fill, _("%(country)s: %(n)d sites") % {"country": r.name, "n": r.sites})
            for r in rows_by_country
        },
        title=_("Where the %(n)d sites found lie: countries shaded by their number of sites") % {"n": total},
        description=_(
            "Darker blue: more of the sites found. Grey: none. The countries of each shade are listed under the "
            "map."
        ),
        crop=True,
        id_prefix="site-map",
        drawn_width=900,
    )
    return {
        "site_map": mark_safe(svg),  # noqa: S308 - hrdd.core.maps escapes every text it draws
        "site_map_mode": "countries",
        "site_map_classes": classes,
        "site_map_neutral": NEUTRAL_FILL,
        "site_map_max_points": MAX_POINTS,
    }
