"""Server-drawn SVG charts: no JavaScript and no network, so they work on offline installations."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hrdd.domain.maturity import MarketAssessment
from hrdd.domain.questionnaire_framework import QuestionnaireFramework

LEVEL_COLOURS = ["#c0392b", "#e6a700", "#1e8449", "#2c6fbb", "#7d3c98"]


def maturity_distribution_svg(market: MarketAssessment, framework: QuestionnaireFramework) -> SafeString:
    """Draw one horizontal stacked bar per dimension (and overall): how many suppliers reach each level."""
    titles = {"overall": _("Overall maturity")} | {d.id: d.title for d in framework.dimensions}
    bar_width, label_width, row_height = 420, 160, 34
    rows = list(market.distribution.items())
    height = row_height * len(rows) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" width="{label_width + bar_width + 20}" '
        f'height="{height}" viewBox="0 0 {label_width + bar_width + 20} {height}">',
        f"<title>{escape(_('Maturity distribution of the respondents'))}</title>",
    ]
    total = market.respondents
    for i, (name, counts) in enumerate(rows):
        y = i * row_height + 4
        parts.append(f'<text x="0" y="{y + 18}" font-size="13">{escape(titles.get(name, name))}</text>')
        x = float(label_width)
        for level_index, level in enumerate(framework.levels):
            count = counts.get(level, 0)
            if not count:
                continue
            width = bar_width * count / total
            colour = LEVEL_COLOURS[level_index % len(LEVEL_COLOURS)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="24" fill="{colour}">'
                f"<title>{escape(f'{titles.get(name, name)}: {count} {level}')}</title></rect>"
                f'<text x="{x + width / 2:.1f}" y="{y + 17}" font-size="12" fill="#fff" '
                f'text-anchor="middle">{count}</text>'
            )
            x += width
    legend_y = len(rows) * row_height + 20
    x = float(label_width)
    for level_index, level in enumerate(framework.levels):
        colour = LEVEL_COLOURS[level_index % len(LEVEL_COLOURS)]
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{legend_y + 11}" font-size="12">{escape(level)}</text>'
        )
        x += 90
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
