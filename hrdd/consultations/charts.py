"""Server-drawn SVG charts: no JavaScript and no network, so they work on offline installations."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hrdd.core.texts import localize
from hrdd.domain.labels import word_of
from hrdd.domain.maturity import MarketAssessment
from hrdd.domain.maturity_results import level_rank
from hrdd.domain.questionnaire_framework import QuestionnaireFramework

# The ladder's colours from its lowest level to its highest (the page's --low, --medium and --high); a framework
# with more or fewer levels gets colours spread evenly along the same ladder.
LADDER = ((0xC0, 0x39, 0x2B), (0xE6, 0xA7, 0x00), (0x1E, 0x84, 0x49))


def level_colour(level: str, framework: QuestionnaireFramework) -> str:
    """Return the fill for a level: red for the framework's lowest, green for its highest, amber between."""
    top = len(framework.levels) - 1
    position = level_rank(level, framework) / top if top else 0.5
    scaled = position * (len(LADDER) - 1)
    index = min(int(scaled), len(LADDER) - 2)
    share = scaled - index
    low, high = LADDER[index], LADDER[index + 1]
    red, green, blue = (round(a + (b - a) * share) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def maturity_distribution_svg(market: MarketAssessment, framework: QuestionnaireFramework) -> SafeString:
    """Draw one horizontal stacked bar per dimension (and overall): how many suppliers reach each level, its
    titles and levels in the page's language."""
    titles = {"overall": _("Overall maturity")} | {d.id: str(localize(d.title)) for d in framework.dimensions}
    colours = {level: level_colour(level, framework) for level in framework.levels}
    said = {level: str(localize(word_of(level))) for level in framework.levels}
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
        for level in framework.levels:
            count = counts.get(level, 0)
            if not count:
                continue
            width = bar_width * count / total
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="24" fill="{colours[level]}">'
                f"<title>{escape(f'{titles.get(name, name)}: {count} {said[level]}')}</title></rect>"
                f'<text x="{x + width / 2:.1f}" y="{y + 17}" font-size="12" fill="#fff" '
                f'text-anchor="middle">{count}</text>'
            )
            x += width
    legend_y = len(rows) * row_height + 20
    x = float(label_width)
    for level in framework.levels:
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colours[level]}"/>'
            f'<text x="{x + 16}" y="{legend_y + 11}" font-size="12">{escape(said[level])}</text>'
        )
        x += 30 + 7 * len(said[level])  # room for the level's name at 12px
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
