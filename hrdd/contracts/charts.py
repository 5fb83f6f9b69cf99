"""Server-drawn SVG: on-time delivery per supplier and year (the KPI trend of the dashboard)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def on_time_trend_svg(trend: dict[str, dict[int, tuple[int, int]]]) -> SafeString:
    """One row per supplier, one bar per year: the share of obligations delivered on time (with counts)."""
    if not trend:
        return mark_safe("")  # noqa: S308 - empty
    years = sorted({y for per_year in trend.values() for y in per_year})
    label_width, bar_width, row_height = 180, 56, 46
    width = label_width + bar_width * len(years) + 20
    height = row_height * len(trend) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart trend" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(_("Obligations delivered on time, per supplier and year"))}</title>'
    ]
    for i, year in enumerate(years):
        parts.append(f'<text x="{label_width + i * bar_width + 4}" y="14" font-size="12">{year}</text>')
    for row, (supplier, per_year) in enumerate(trend.items()):
        y = 24 + row * row_height
        parts.append(f'<text x="0" y="{y + 22}" font-size="13">{escape(supplier[:26])}</text>')
        for i, year in enumerate(years):
            if year not in per_year:
                continue
            on_time, due = per_year[year]
            share = on_time / due if due else 0
            bar = int(34 * share)
            colour = "#1e8449" if share >= 0.999 else ("#e6a700" if share >= 0.5 else "#c0392b")
            x = label_width + i * bar_width
            said = _("%(supplier)s %(year)s: %(on_time)s of %(due)s on time") % {
                "supplier": supplier,
                "year": year,
                "on_time": on_time,
                "due": due,
            }
            parts.append(
                f'<rect x="{x}" y="{y}" width="44" height="34" fill="#eee"/>'
                f'<rect x="{x}" y="{y + 34 - bar}" width="44" height="{bar}" fill="{colour}">'
                f"<title>{escape(said)}</title></rect>"
                f'<text x="{x + 4}" y="{y + 46}" font-size="10">{on_time}/{due}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
