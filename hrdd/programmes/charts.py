"""Server-drawn SVG of a KPI: its figure per year against its targets and the trajectory (no script, no chart
library). The SVG is an image with a title and a description; the page puts a table of the same numbers beside it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hrdd.core.texts import localize
from hrdd.domain.programmes import COUNT, PERCENT
from hrdd.programmes.kpis import said_figure

WIDTH, HEIGHT = 420, 190
LEFT, RIGHT, TOP, BOTTOM = 44, 24, 14, 30
VALUE_COLOUR = "#1d3557"
TARGET_COLOUR = "#b25b00"
PATH_COLOUR = "#6b7785"


def _ceiling(values: list[Decimal], unit: str) -> Decimal:
    """The top of the value axis: 100 for a percentage; for a count a round even number a little above the
    largest, at least 2 (so that the middle line is a whole number too)."""
    if unit == PERCENT:
        return Decimal(100)
    top = max(values, default=Decimal(0)) * Decimal("1.1")
    if top <= 2:
        return Decimal(2)
    step = Decimal(10) ** max(len(str(int(top))) - 1, 0)
    rounded = (top / step).to_integral_value(rounding="ROUND_CEILING") * step
    return rounded + (rounded % 2)


def kpi_chart_svg(
    *,
    name: str,
    unit: str,
    first_year: int,
    last_year: int,
    values: list[tuple[int, Decimal]],
    targets: list[tuple[int, Decimal]],
    trajectory: list[tuple[int, Decimal]],
    chart_id: str,
) -> SafeString:
    """The KPI's values per year (a line with dots), its targets (diamonds) and the trajectory (dashed)."""
    years = list(range(first_year, last_year + 1))
    if not years:
        return mark_safe("")  # noqa: S308 - empty
    everything = [v for _y, v in values + targets + trajectory]
    top = _ceiling(everything, unit if unit in (PERCENT, COUNT) else COUNT)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(years) - 1, 1)

    def x(year: int) -> float:
        return round(LEFT + (year - first_year) * step if len(years) > 1 else LEFT + plot_w / 2, 1)

    def y(value: Decimal) -> float:
        share = float(value / top) if top else 0.0
        return round(TOP + plot_h * (1 - min(max(share, 0.0), 1.0)), 1)

    shown = [(yr, v) for yr, v in values if first_year <= yr <= last_year]
    described = "; ".join(f"{yr}: {said_figure(v, unit)}" for yr, v in shown) or _("no figure yet")
    target_words = "; ".join(f"{yr}: {said_figure(v, unit)}" for yr, v in targets) or _("none set")
    title = _("%(name)s, %(first)d to %(last)d") % {"name": name, "first": first_year, "last": last_year}
    desc = _("Figures: %(values)s. Targets: %(targets)s. The dashed line is the trajectory.") % {
        "values": described,
        "targets": target_words,
    }
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart kpi-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
    ]
    for fraction in (0, 0.5, 1):
        level = top * Decimal(str(fraction))
        yy = y(level)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{yy}" y2="{yy}" stroke="#dde2e8" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{yy + 4}" font-size="11" text-anchor="end" fill="#4a5561">'
            f"{escape(said_figure(level.normalize() if level else level, unit))}</text>"
        )
    label_every = 1 if len(years) <= 8 else 2
    for i, yr in enumerate(years):
        if i % label_every == 0 or yr == last_year:
            parts.append(
                f'<text x="{x(yr)}" y="{HEIGHT - 10}" font-size="11" text-anchor="middle" fill="#4a5561">{yr}</text>'
            )
    path = [(yr, v) for yr, v in trajectory if first_year <= yr <= last_year]
    if len(path) > 1:
        points = " ".join(f"{x(yr)},{y(v)}" for yr, v in path)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{PATH_COLOUR}" stroke-width="1.5" '
            f'stroke-dasharray="5 4"/>'
        )
    for yr, v in targets:
        if first_year <= yr <= last_year:
            cx, cy = x(yr), y(v)
            parts.append(
                f'<polygon points="{cx},{cy - 6} {cx + 6},{cy} {cx},{cy + 6} {cx - 6},{cy}" fill="#fff" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2"><title>'
                f"{escape(_('Target for %(year)d: %(value)s') % {'year': yr, 'value': said_figure(v, unit)})}"
                "</title></polygon>"
            )
    if len(shown) > 1:
        points = " ".join(f"{x(yr)},{y(v)}" for yr, v in shown)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{VALUE_COLOUR}" stroke-width="2.5"/>')
    for yr, v in shown:
        parts.append(
            f'<circle cx="{x(yr)}" cy="{y(v)}" r="4.5" fill="{VALUE_COLOUR}"><title>'
            f"{escape(f'{yr}: {said_figure(v, unit)}')}</title></circle>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def chart_for(view: Any) -> SafeString:
    """The chart of a selectors.KpiView."""
    kpi = view.kpi
    programme = kpi.programme
    return kpi_chart_svg(
        name=localize(kpi.name),
        unit=kpi.unit,
        first_year=min(programme.start_year, view.spec.baseline_year or programme.start_year),
        last_year=programme.end_year,
        values=[(y.year, y.figure.value) for y in view.years if y.figure.value is not None],
        targets=list(view.spec.sorted_targets()),
        trajectory=list(view.trajectory),
        chart_id=f"chart-{kpi.public_id}",
    )
