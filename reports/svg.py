"""Static SVG charts for reports, as pure functions: plain data and translated labels in, SVG
markup out. No browser and no network: the same markup goes into the HTML and, through
WeasyPrint, into the PDF. Each chart has a table beside it in the report, so the table is its
accessible alternative; the SVG carries a short label only."""

import math
import re
from collections.abc import Callable
from html import escape

from reports.dashboards.charts import (
    ACTUAL,
    BASELINE,
    EARLIER_STYLES,
    EXPECTED,
    FLAGGED_SYMBOL,
    MILESTONE,
    RATING_ORDER,
    REGION,
    TREND,
    PartSeries,
    Value,
    YearValue,
    _runs,
    expected_path,
    trend_line,
)

# The PDF's fonts (static/reports/print.css); Chinese first where the report is in Chinese.
FONTS = {
    "zh-hans": "Noto Sans CJK SC, Liberation Sans, sans-serif",
    "default": "Liberation Sans, DejaVu Sans, Noto Sans CJK SC, sans-serif",
}


def font_for(language: str) -> str:
    return FONTS.get(language, FONTS["default"])


INK, MUTED, GRID = "#1b2733", "#4f5b66", "#dde3e8"

# The dashboards' rating colours (static/css/site.css, .seg-*), so a report reads like the site.
RATING_COLOURS = {
    "achieved": "#1b5e20",
    "on_track": "#43a047",
    "improving": "#81c784",
    "for_attention": "#f9a825",
    "slow_improvement": "#fdd835",
    "not_yet_achieved": "#ffe082",
    "off_track": "#e53935",
    "stagnant": "#ef9a9a",
    "regressing": "#b71c1c",
    "worsening": "#8e1b1b",
    "not_achieved": "#6d0f0f",
    "cannot_assess": "#90a4ae",
    "no_data": "#cfd8dc",
}
DARK_SEGMENTS = {"achieved", "on_track", "off_track", "regressing", "worsening", "not_achieved"}


def text_width(text: str, size: float) -> float:
    """Roughly how wide a text is drawn: CJK characters are square, Latin and Cyrillic narrower."""
    return sum(size if ord(c) >= 0x2E80 else 0.6 * size for c in text)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks, tick = [], start
    while tick <= high + step * 1e-9:
        ticks.append(round(tick, 10))
        tick += step
    if ticks[-1] < high:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _marker(shape: str, x: float, y: float, size: float, colour: str) -> str:
    """A point's marker. A shape named "<shape>-open" (plotly's name, charts.EARLIER_STYLES) is
    hollow, its outline in the colour: an earlier part's series, told from the part's own filled
    markers by shape as well as colour."""
    h, hollow = size / 2, shape.endswith("-open")
    if hollow:
        shape, h = shape.removesuffix("-open"), h - 0.75  # the outline drawn inside the size
        paint = f'fill="#ffffff" stroke="{colour}" stroke-width="1.5"'
    else:
        paint = f'fill="{colour}"'
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{h:.1f}" {paint}/>'
    if shape == "square":
        return f'<rect x="{x - h:.1f}" y="{y - h:.1f}" width="{2 * h:.1f}" height="{2 * h:.1f}" {paint}/>'
    if shape == "star":  # a flagged value: dark-edged, so that it stands out on its own line too
        corners = [(h if i % 2 == 0 else h * 0.45, math.pi * i / 5) for i in range(10)]
        points = " ".join(f"{x + r * math.sin(a):.1f},{y - r * math.cos(a):.1f}" for r, a in corners)
        return f'<polygon points="{points}" fill="{colour}" stroke="{INK}" stroke-width="1"/>'
    if shape == "diamond":
        points = f"{x:.1f},{y - h:.1f} {x + h:.1f},{y:.1f} {x:.1f},{y + h:.1f} {x - h:.1f},{y:.1f}"
    elif shape == "triangle-up":
        points = f"{x:.1f},{y - h:.1f} {x + h:.1f},{y + h:.1f} {x - h:.1f},{y + h:.1f}"
    else:  # triangle-down
        points = f"{x - h:.1f},{y - h:.1f} {x + h:.1f},{y - h:.1f} {x:.1f},{y + h:.1f}"
    edge = "" if hollow else ' stroke="#ffffff" stroke-width="1"'
    return f'<polygon points="{points}" {paint}{edge}/>'


# The dash of an earlier part's series (plotly's "dash", as the indicator page draws it).
EARLIER_DASH = "6 4"
MILESTONE_SHAPES = {"exact": "diamond", "at_least": "triangle-up", "at_most": "triangle-down"}


def year_points(values: list[YearValue]) -> list[tuple[int, float]]:
    """The (year, number) points of a series that a chart can draw: values without a number (not
    available, not applicable) have no place on it."""
    return [(v.year, v.value.number) for v in values if v.value.number is not None]


def _polyline(pts, sx, sy, colour: str, dash: str = "", stroke: float = 2.0) -> str:
    coords = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in pts)
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{stroke}"{dashed}/>'


FLAG_SIZE = 9  # the size of a flagged point's mark written beside it


def _series_drawn(
    values: list[YearValue], sx, sy, *, colour: str, shape: str, width: int, dash: str = "", stroke: float = 2.0
) -> tuple[list[str], list[str]]:
    """A series' lines and markers, and the marks of its flagged points to write over them. A
    value flagged as a break in series starts a new line (dashboards.charts' rule): no line
    crosses a break. A flagged value is a star, whatever the series' marker, with its footnote
    mark above it (the table's, where the chart has a table beside it; else the flag's name) and
    the flag with its comment as its tooltip: never told apart by colour alone."""
    points = [v for v in values if v.value.number is not None]
    out = [
        _polyline([(p.year, p.value.number) for p in run], sx, sy, colour, dash, stroke)
        for run in _runs(points)
        if len(run) > 1
    ]
    marks = []
    for point in points:
        x, y, flag = sx(point.year), sy(point.value.number), point.value.flag
        if flag is None:
            out.append(_marker(shape, x, y, 7, colour))
            continue
        tooltip = escape(f"{point.year}: {flag.text()}")
        out.append(f"<g><title>{tooltip}</title>{_marker(FLAGGED_SYMBOL, x, y, 13, colour)}</g>")
        text = flag.mark or flag.label
        half = text_width(text, FLAG_SIZE) / 2 + 2
        x = min(max(x, half), width - half)  # inside the chart, even at its edges
        y = y - 10 if y > 10 + FLAG_SIZE else y + 10 + FLAG_SIZE  # above the star, else below it
        marks.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{FLAG_SIZE}" font-weight="bold" '
            f'fill="{INK}" class="point-flag">{escape(text)}</text>'
        )
    return out, marks


def _flagged_legend(values: list[YearValue], labels: dict[str, str]) -> list[tuple[str, str, str, str]]:
    """The legend's star, where a flagged value is drawn and the caller names it."""
    if "flagged" in labels and any(v.value.flag is not None and v.value.number is not None for v in values):
        return [(FLAGGED_SYMBOL, "#ffffff", labels["flagged"], "")]
    return []


def _years_chart(
    *,
    points: list[tuple[float, float]],
    ticks: dict[int, str],
    fmt: Callable[[float], str],
    legend_items: list[tuple[str, str, str, str]],
    draw: Callable[[Callable[[float], float], Callable[[float], float]], list[str]],
    title: str,
    font: str,
    width: int,
    height: int,
) -> str:
    """A chart over years: the value axis (the given ticks, else round ones) with its grid, the
    years below it, what `draw(sx, sy)` marks on it, and the legend under it, wrapped onto as
    many rows as it needs. A legend item is (shape, colour, label, dash); a shape is a marker's
    or "line" or "line-<marker>"."""
    years = [x for x, _y in points]
    values = [y for _x, y in points]
    first, last = min(years), max(years)
    if ticks:
        tick_values = sorted(ticks)
        low, high = min(tick_values + values), max(tick_values + values)
        tick_values = [t for t in tick_values if low <= t <= high]
    else:
        tick_values = nice_ticks(min(values), max(values))
        low, high = tick_values[0], tick_values[-1]
    tick_text = {t: ticks.get(int(t), fmt(t)) if ticks else fmt(t) for t in tick_values}

    size = 11
    left = 12 + max(text_width(t, size) for t in tick_text.values()) + 6
    rows, row, row_width = [], [], 0.0
    for item in legend_items:
        w = 26 + text_width(item[2], size) + 18
        if row and row_width + w > width - left:
            rows.append(row)
            row, row_width = [], 0.0
        row.append((item, w))
        row_width += w
    if row:
        rows.append(row)
    legend_height = 18 * len(rows) + 4
    top, right, bottom = 10, 14, 26 + legend_height
    plot_w, plot_h = width - left - right, height - top - bottom

    def sx(year: float) -> float:
        if first == last:
            return left + plot_w / 2
        return left + 14 + (year - first) / (last - first) * (plot_w - 28)

    def sy(value: float) -> float:
        if math.isclose(high, low):
            return top + plot_h / 2
        return top + plot_h - (value - low) / (high - low) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{font}" font-size="{size}" class="chart">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for t in tick_values:
        y = sy(t)
        out.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{width - right:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{MUTED}">{escape(tick_text[t])}</text>'
        )
    step = 1 if last - first <= 14 else 2
    for year in range(first, last + 1, step):
        out.append(
            f'<text x="{sx(year):.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle" fill="{MUTED}">{year}</text>'
        )
    out.append(
        f'<line x1="{left:.1f}" y1="{top + plot_h:.1f}" x2="{width - right:.1f}" y2="{top + plot_h:.1f}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    out.extend(draw(sx, sy))

    y = top + plot_h + 34
    for legend_row in rows:
        x = left
        for (shape, colour, label, dash), w in legend_row:
            if shape.startswith("line"):
                dashed = f' stroke-dasharray="{dash}"' if dash else ""
                out.append(
                    f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 20:.1f}" y2="{y - 4:.1f}" stroke="{colour}" '
                    f'stroke-width="2.5"{dashed}/>'
                )
                if shape.startswith("line-"):
                    out.append(_marker(shape.removeprefix("line-"), x + 10, y - 4, 7, colour))
            else:
                out.append(_marker(shape, x + 10, y - 4, 11 if shape == "square" else 12, colour))
            out.append(f'<text x="{x + 26:.1f}" y="{y:.1f}" fill="{INK}">{escape(label)}</text>')
            x += w
        y += 18
    out.append("</svg>")
    return "".join(out)


def part_chart(
    series: PartSeries,
    *,
    labels: dict[str, str],
    fmt: Callable[[float], str],
    title: str,
    font: str = FONTS["default"],
    width: int = 640,
    height: int = 240,
) -> str:
    """A part's chart: actual regional values, baseline, milestones, the expected path and the
    trend (the same lines as the dashboards' chart), and, for a part a version split or merged
    from others, each earlier part's series up to the break (series.earlier, built once for the
    indicator page by reports.dashboards.lineage): a dashed line with hollow markers in the
    page's colours, named in the legend by its label ("ROAD_SWD before version 2027"). Flagged
    values are stars with their mark, and a break in series splits the line (_series_drawn);
    labels["flagged"], where given, names the star in the legend. Empty when there is nothing to
    plot."""
    expected = expected_path(series)
    trend = trend_line(series)
    actuals = year_points(series.actuals)
    earlier = [
        (e, EARLIER_STYLES[n % len(EARLIER_STYLES)], year_points(e.actuals)) for n, e in enumerate(series.earlier)
    ]
    earlier = [(e, style, points) for e, style, points in earlier if points]
    before = [point for _e, _s, points in earlier for point in points]
    baseline = series.baseline
    base = [(baseline.year, baseline.value.number)] if baseline and baseline.value.number is not None else []
    milestones = [(m.year, m.value.number, m.kind) for m in series.set_milestones()]
    if not actuals and not before:  # a baseline alone says nothing a table does not
        return ""

    legend_items = [("line-circle", ACTUAL, labels["actual"], "")] if actuals else []
    legend_items += [(f"line-{shape}", colour, e.label, EARLIER_DASH) for e, (colour, shape), _p in earlier]
    if base:
        legend_items.append(("square", BASELINE, labels["baseline"], ""))
    for kind in MILESTONE_SHAPES:
        if any(k == kind for _x, _y, k in milestones):
            legend_items.append((MILESTONE_SHAPES[kind], MILESTONE, labels[f"milestone_{kind}"], ""))
    if expected:
        legend_items.append(("line", EXPECTED, labels["expected"], "6 4"))
    if trend:
        legend_items.append(("line", TREND, labels["trend"], "2 3"))
    legend_items += _flagged_legend([*series.actuals, *(a for e, _s, _p in earlier for a in e.actuals)], labels)

    def draw(sx, sy) -> list[str]:
        out, marks = [], []
        if len(expected) > 1:
            out.append(_polyline(expected, sx, sy, EXPECTED, "6 4"))
        if len(trend) > 1:
            out.append(_polyline(trend, sx, sy, TREND, "2 3"))
        for e, (colour, shape), _points in earlier:  # under the part's own line, which they lead up to
            drawn, flagged = _series_drawn(
                e.actuals, sx, sy, colour=colour, shape=shape, width=width, dash=EARLIER_DASH
            )
            out.append(f'<g class="earlier" data-part="{escape(e.key)}"><title>{escape(e.label)}</title>')
            out.extend([*drawn, "</g>"])
            marks.extend(flagged)
        drawn, flagged = _series_drawn(series.actuals, sx, sy, colour=ACTUAL, shape="circle", width=width, stroke=2.5)
        out.extend(drawn)
        marks.extend(flagged)
        out.extend(_marker("square", sx(x), sy(y), 10, BASELINE) for x, y in base)
        out.extend(_marker(MILESTONE_SHAPES[k], sx(x), sy(y), 13, MILESTONE) for x, y, k in milestones)
        return out + marks

    return _years_chart(
        points=actuals + before + base + [(x, y) for x, y, _k in milestones] + expected + trend,
        ticks=series.ticks,
        fmt=fmt,
        legend_items=legend_items,
        draw=draw,
        title=title,
        font=font,
        width=width,
        height=height,
    )


def country_series_chart(
    country: list[YearValue],
    region: list[YearValue],
    *,
    labels: dict[str, str],
    fmt: Callable[[float], str],
    title: str,
    font: str = FONTS["default"],
    width: int = 640,
    height: int = 240,
) -> str:
    """A member's values against the region's, year by year (the country page's chart): the
    country a solid line with circles, the region a dashed line with squares, as the dashboards
    draw them; flagged values and breaks as part_chart draws them. labels: country (its name),
    region, and flagged (optional). Empty when neither has a number."""
    mine, theirs = year_points(country), year_points(region)
    if not mine and not theirs:
        return ""
    lines = [
        (values, colour, dash, stroke, shape, label)
        for values, points, colour, dash, stroke, shape, label in (
            (region, theirs, REGION, "6 4", 2.0, "square", labels["region"]),
            (country, mine, ACTUAL, "", 2.5, "circle", labels["country"]),
        )
        if points
    ]

    def draw(sx, sy) -> list[str]:
        out, marks = [], []
        for values, colour, dash, stroke, shape, _label in lines:  # the country drawn over the region
            drawn, flagged = _series_drawn(
                values, sx, sy, colour=colour, shape=shape, width=width, dash=dash, stroke=stroke
            )
            out.extend(drawn)
            marks.extend(flagged)
        return out + marks

    return _years_chart(
        points=mine + theirs,
        ticks={},
        fmt=fmt,
        legend_items=[(f"line-{shape}", colour, label, dash) for _v, colour, dash, _s, shape, label in reversed(lines)]
        + _flagged_legend(country + region, labels),
        draw=draw,
        title=title,
        font=font,
        width=width,
        height=height,
    )


def rating_bars(
    rows: list[tuple[str, dict[str, int]]],
    *,
    labels: dict[str, str],
    title: str,
    font: str = FONTS["default"],
    width: int = 640,
    pad: float = 0,
) -> str:
    """Stacked horizontal bars, one per row (the framework, each cluster), a segment per rating
    in the dashboards' order and colours, with the count written in each wide enough segment.
    `pad` leaves a margin left and right (a picture's, in line with framed()'s texts)."""
    rows = [(name, counts) for name, counts in rows if sum(counts.values())]
    if not rows:
        return ""
    size, bar_h, gap = 11, 18, 8
    label_w = max(text_width(name, size) for name, _c in rows) + 10
    present = [r for r in RATING_ORDER if any(c.get(r) for _n, c in rows)]
    legend, line, line_w = [], [], 0.0
    for rating in present:
        w = 18 + text_width(labels.get(rating, rating), size) + 16
        if line and line_w + w > width - 2 * pad - 4:
            legend.append(line)
            line, line_w = [], 0.0
        line.append((rating, w))
        line_w += w
    if line:
        legend.append(line)
    bars_h = len(rows) * (bar_h + gap)
    height = int(bars_h + 10 + 18 * len(legend) + 6)
    bar_w = width - label_w - 2 * pad - 4
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{font}" font-size="{size}" class="chart">'
    ]
    y = 2.0
    for name, counts in rows:
        total = sum(counts.values())
        out.append(f'<text x="{pad:g}" y="{y + bar_h - 5:.1f}" fill="{INK}">{escape(name)}</text>')
        x = pad + label_w
        for rating in RATING_ORDER:
            n = counts.get(rating, 0)
            if not n:
                continue
            w = bar_w * n / total
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{bar_h}" fill="{RATING_COLOURS[rating]}" '
                f'stroke="#ffffff" stroke-width="0.5"/>'
            )
            if w >= text_width(str(n), size) + 6:
                colour = "#ffffff" if rating in DARK_SEGMENTS else INK
                out.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + bar_h - 5:.1f}" text-anchor="middle" fill="{colour}">{n}</text>'
                )
            x += w
        y += bar_h + gap
    y += 12
    for line in legend:
        x = float(pad)
        for rating, w in line:
            out.append(
                f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="11" height="11" fill="{RATING_COLOURS[rating]}" '
                f'stroke="#9aa7b1" stroke-width="0.5"/>'
            )
            out.append(f'<text x="{x + 16:.1f}" y="{y:.1f}" fill="{INK}">{escape(labels.get(rating, rating))}</text>')
            x += w
        y += 18
    out.append("</svg>")
    return "".join(out)


def country_bars(
    rows: list[tuple[str, Value]],
    *,
    fmt: Callable[[float], str],
    title: str,
    ticks: dict[int, str] | None = None,
    font: str = FONTS["default"],
    width: int = 640,
) -> str:
    """Horizontal bars, one per country, largest at the top (the dashboards' country chart), each
    with its value written beside it. Empty when no country has a number."""
    rows = sorted((r for r in rows if r[1].number is not None), key=lambda r: -r[1].number)
    if not rows:
        return ""
    size, bar_h, gap = 11, 16, 6
    label_w = 12 + max(text_width(name, size) for name, _v in rows) + 10

    def shown(value: Value) -> str:
        return value.label or f"{value.qualifier}{fmt(value.number)}"

    value_w = max(text_width(shown(v), size) for _n, v in rows) + 8
    numbers = [v.number for _n, v in rows]
    low, high = min(0.0, *numbers), max(0.0, *numbers)
    if ticks:
        low, high = min(low, *ticks), max(high, *ticks)
    if math.isclose(low, high):
        high = low + 1
    plot_w = width - label_w - value_w - 4
    height = int(len(rows) * (bar_h + gap) + 6)

    def sx(value: float) -> float:
        return label_w + (value - low) / (high - low) * plot_w

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{font}" font-size="{size}" class="chart">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    zero = sx(0.0)
    y = 3.0
    for name, value in rows:
        start, end = sorted((zero, sx(value.number)))
        out.append(
            f'<text x="{label_w - 6:.1f}" y="{y + bar_h - 4:.1f}" text-anchor="end" fill="{INK}">{escape(name)}</text>'
        )
        out.append(
            f'<rect x="{start:.1f}" y="{y:.1f}" width="{max(end - start, 1):.1f}" height="{bar_h}" fill="{ACTUAL}"/>'
        )
        out.append(f'<text x="{end + 4:.1f}" y="{y + bar_h - 4:.1f}" fill="{INK}">{escape(shown(value))}</text>')
        y += bar_h + gap
    out.append(f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="{MUTED}" stroke-width="1"/>')
    out.append("</svg>")
    return "".join(out)


def wrap_text(text: str, size: float, width: float) -> list[str]:
    """Lines of at most `width` (as text_width measures them): broken at spaces, and between any
    two characters of a script written without spaces (Chinese)."""
    lines: list[str] = []
    line = ""
    for word in re.findall(r"[\u2e80-\u9fff\uf900-\uffef]|[^\s\u2e80-\u9fff\uf900-\uffef]+", text):
        cjk = ord(word[0]) >= 0x2E80
        joined = line + word if (cjk or not line or ord(line[-1]) >= 0x2E80) else f"{line} {word}"
        if line and text_width(joined, size) > width:
            lines.append(line)
            line = word
        else:
            line = joined
    if line:
        lines.append(line)
    return lines


def framed(
    chart: str,
    *,
    title: str,
    subtitle: str = "",
    source: str,
    dated: str,
    notes: tuple[str, ...] = (),
    font: str = FONTS["default"],
) -> str:
    """A chart to take away: its title above it, its source (and any `notes` on how its figures
    were made, such as the rating method) and the date of its data below it, drawn into the
    image, so that the picture still says what it shows once it is copied out of the page. The
    texts come translated; the chart is one of this module's charts."""
    found = re.match(r'<svg [^>]*?width="(\d+)" height="(\d+)"', chart)
    if not found:
        raise ValueError("not a chart of reports.svg")
    width, height = int(found.group(1)), int(found.group(2))
    pad, title_size, small = 12, 15, 10.5
    inner = width - 2 * pad
    title_lines = wrap_text(title, title_size, inner)
    sub_lines = wrap_text(subtitle, small + 1, inner) if subtitle else []
    foot_lines = [line for text in (source, *notes, dated) for line in wrap_text(text, small, inner)]
    head = pad + 18 * len(title_lines) + 15 * len(sub_lines) + 6
    total = int(head + height + 8 + 14 * len(foot_lines) + pad)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="{width}" height="{total}" '
        f'role="img" aria-label="{escape(title)}" font-family="{font}">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{total}" fill="#ffffff"/>',
    ]
    y = pad + title_size
    for line in title_lines:
        out.append(
            f'<text x="{pad}" y="{y:.1f}" font-size="{title_size}" font-weight="bold" fill="{INK}">'
            f"{escape(line)}</text>"
        )
        y += 18
    for line in sub_lines:
        out.append(f'<text x="{pad}" y="{y - 2:.1f}" font-size="{small + 1}" fill="{MUTED}">{escape(line)}</text>')
        y += 15
    # the chart keeps its own size and coordinates, moved down under the title
    out.append(f'<g transform="translate(0,{head:.1f})">{chart}</g>')
    y = head + height + 8 + small
    for line in foot_lines:
        out.append(f'<text x="{pad}" y="{y:.1f}" font-size="{small}" fill="{MUTED}">{escape(line)}</text>')
        y += 14
    out.append("</svg>")
    return "".join(out)


def png(markup: str, *, scale: float = 2.0) -> bytes:
    """The SVG as a PNG, drawn by Cairo at `scale` times its size (sharp on a slide). Text is
    drawn with the SVG's first font family that fontconfig finds, so a Chinese chart needs a CJK
    font first (font_for), and the fonts installed (reports.render.fonts_check)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=markup.encode("utf-8"), scale=scale, unsafe=False)
