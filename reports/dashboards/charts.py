"""Plotly figures and the tables behind them, as pure functions: plain data in, a figure dict or a
table out. No request, no database, no active language: the caller passes every label already
translated and the number separators of the reader's language. The same data feeds the chart
and its table, so the table is always the chart's accessible alternative."""

from dataclasses import dataclass, field

from progress.method import Rating

# Okabe-Ito colours: told apart with the common colour-vision deficiencies; every trace also
# differs in line style or marker shape, and has its name in the legend.
ACTUAL, EXPECTED, TREND, BASELINE, MILESTONE, REGION = "#0072B2", "#007A5A", "#5F5F5F", "#1B2733", "#C24A00", "#8A5A00"
MILESTONE_SYMBOLS = {"exact": "diamond", "at_least": "triangle-up", "at_most": "triangle-down"}
SET_KINDS = tuple(MILESTONE_SYMBOLS)

# The order of ratings in summaries: best first, then the unrated.
RATING_ORDER = (
    Rating.ACHIEVED,
    Rating.ON_TRACK,
    Rating.IMPROVING,
    Rating.FOR_ATTENTION,
    Rating.SLOW_IMPROVEMENT,
    Rating.NOT_YET_ACHIEVED,
    Rating.OFF_TRACK,
    Rating.STAGNANT,
    Rating.REGRESSING,
    Rating.WORSENING,
    Rating.NOT_ACHIEVED,
    Rating.CANNOT_ASSESS,
    Rating.NO_DATA,
)
ON_TRACK_RATINGS = (Rating.ACHIEVED, Rating.ON_TRACK)


@dataclass(frozen=True)
class Value:
    """A number as the chart plots it, with its qualifier ("<1") and, for a value that is not a
    plain number, the label a reader sees instead (an ordinal level, yes/no)."""

    number: float | None
    qualifier: str = ""
    label: str = ""
    status: str = ""  # shown beside a value the public does not see yet (staff pages only)


@dataclass(frozen=True)
class YearValue:
    year: int
    value: Value


@dataclass(frozen=True)
class MilestoneValue:
    year: int
    kind: str  # exact, at_least, at_most, not_set, not_applicable
    kind_label: str
    value: Value | None


@dataclass
class PartSeries:
    """What a part's chart shows: the current baseline, the milestones, the regional actuals."""

    code: str
    name: str
    unit: str
    value_type: str
    baseline: YearValue | None
    milestones: list[MilestoneValue]
    actuals: list[YearValue]
    # ordinal parts: rank -> label; yes/no parts: 0/1 -> no/yes
    ticks: dict[int, str] = field(default_factory=dict)

    def set_milestones(self) -> list[MilestoneValue]:
        return [
            m for m in self.milestones if m.kind in SET_KINDS and m.value is not None and m.value.number is not None
        ]


@dataclass(frozen=True)
class Table:
    """Headers and rows of cells: int (a year), str, Value or None."""

    headers: list[str]
    rows: list[list]


# --------------------------------------------------------------------------------------------
# Lines derived from the data


def expected_path(series: PartSeries) -> list[tuple[int, float]]:
    """The straight line from the baseline through the set milestones (the method's E_t)."""
    baseline = series.baseline
    if series.value_type == "boolean" or baseline is None or baseline.value.number is None:
        return []
    targets = [m for m in series.set_milestones() if m.year > baseline.year]
    if not targets:
        return []
    return [(baseline.year, baseline.value.number)] + [(m.year, m.value.number) for m in targets]


def trend_line(series: PartSeries) -> list[tuple[int, float]]:
    """The trend the method's outlook uses: from the baseline through the latest actual,
    extended to the final milestone's year."""
    baseline = series.baseline
    if series.value_type == "boolean" or baseline is None or baseline.value.number is None:
        return []
    after = [a for a in series.actuals if a.year > baseline.year and a.value.number is not None]
    if not after:
        return []
    latest = max(after, key=lambda a: a.year)
    slope = (latest.value.number - baseline.value.number) / (latest.year - baseline.year)
    points = [(baseline.year, baseline.value.number), (latest.year, latest.value.number)]
    final_year = max((m.year for m in series.set_milestones()), default=latest.year)
    if final_year > latest.year:
        points.append((final_year, latest.value.number + slope * (final_year - latest.year)))
    return points


# --------------------------------------------------------------------------------------------
# Figures


def _layout(*, separators: str, y_title: str, x_title: str, height: int, ticks: dict[int, str]) -> dict:
    yaxis = {
        "title": {"text": y_title},
        "zeroline": False,
        "gridcolor": "#dde3e8",
        "automargin": True,
        "color": "#1b2733",
        "fixedrange": True,
    }
    if ticks:
        yaxis |= {"tickmode": "array", "tickvals": list(ticks), "ticktext": list(ticks.values())}
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "separators": separators,
        "font": {"family": 'system-ui, "Noto Sans", "Noto Sans CJK SC", sans-serif', "size": 13, "color": "#1b2733"},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "hovermode": "closest",
        "showlegend": True,
        # No zooming: it adds nothing to a few yearly points, and plotly's zoom hint is English.
        "dragmode": False,
        # Below everything, measured from the figure's bottom edge: plotly then makes room for it
        # under the axis title at any width (a legend placed relative to the plot met the year
        # labels and the axis title on a phone). static/js/charts.js fits the rest to the width.
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"},
        "xaxis": {
            "title": {"text": x_title},
            "tickformat": "d",
            "dtick": 1,
            "tickangle": 0,  # a turned year is cut at the edge; charts.js labels every n-th year instead
            "gridcolor": "#eef2f5",
            "automargin": True,
            "color": "#1b2733",
            "fixedrange": True,
        },
        "yaxis": yaxis,
    }


def wrap_label(text: str, width: int = 20) -> str:
    """A label broken into lines of about `width` characters at spaces, joined with plotly's <br>.
    Words are never cut; the text is escaped, as plotly reads labels as HTML."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(line.replace("&", "&amp;").replace("<", "&lt;") for line in lines) or text


def _with_year_range(figure: dict) -> dict:
    """The year axis spans the years drawn, half a year either side: plotly's own range around a
    single year shows the years before and after, empty, the later one cut at the edge."""
    years = [x for trace in figure["data"] for x in trace.get("x", [])]
    if years:
        figure["layout"]["xaxis"]["range"] = [min(years) - 0.5, max(years) + 0.5]
    return figure


def _hover(name: str, labelled: bool) -> str:
    """Hover text: the label of an ordinal or yes/no value, else the number with its qualifier,
    formatted with the layout's separators."""
    shown = "%{customdata[1]}" if labelled else "%{customdata[0]}%{y:,.4~f}"
    return "%{x}: " + shown + "<extra>" + name.replace("<", "&lt;") + "</extra>"


def _custom(values: list[Value]) -> list[list[str]]:
    return [[v.qualifier, v.label] for v in values]


def part_figure(series: PartSeries, *, labels: dict[str, str], separators: str) -> dict:
    """A part's chart: actual regional values, baseline, milestones as markers, the expected
    path and the trend. labels: actual, baseline, expected, trend, year, and milestone_<kind>."""
    data: list[dict] = []
    expected = expected_path(series)
    if expected:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": labels["expected"],
                "x": [x for x, _y in expected],
                "y": [y for _x, y in expected],
                "line": {"color": EXPECTED, "dash": "dash", "width": 2},
                "hoverinfo": "skip",
            }
        )
    trend = trend_line(series)
    if trend:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": labels["trend"],
                "x": [x for x, _y in trend],
                "y": [y for _x, y in trend],
                "line": {"color": TREND, "dash": "dot", "width": 2},
                "hoverinfo": "skip",
            }
        )
    actuals = [a for a in series.actuals if a.value.number is not None]
    if actuals:
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": labels["actual"],
                "x": [a.year for a in actuals],
                "y": [a.value.number for a in actuals],
                "customdata": _custom([a.value for a in actuals]),
                "hovertemplate": _hover(labels["actual"], bool(series.ticks)),
                "line": {"color": ACTUAL, "width": 3},
                "marker": {"color": ACTUAL, "size": 8, "symbol": "circle"},
            }
        )
    baseline = series.baseline
    if baseline is not None and baseline.value.number is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": labels["baseline"],
                "x": [baseline.year],
                "y": [baseline.value.number],
                "customdata": _custom([baseline.value]),
                "hovertemplate": _hover(labels["baseline"], bool(series.ticks)),
                "marker": {"color": BASELINE, "size": 12, "symbol": "square"},
            }
        )
    for kind in SET_KINDS:
        points = [m for m in series.set_milestones() if m.kind == kind]
        if not points:
            continue
        name = labels[f"milestone_{kind}"]
        data.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [m.year for m in points],
                "y": [m.value.number for m in points],
                "customdata": _custom([m.value for m in points]),
                "hovertemplate": _hover(name, bool(series.ticks)),
                "marker": {
                    "color": MILESTONE,
                    "size": 14,
                    "symbol": MILESTONE_SYMBOLS[kind],
                    "line": {"color": "#ffffff", "width": 1},
                },
            }
        )
    return _with_year_range(
        {
            "data": data,
            "layout": _layout(
                separators=separators, y_title=series.unit, x_title=labels["year"], height=340, ticks=series.ticks
            ),
        }
    )


def country_figure(rows: list[tuple[str, Value]], *, unit: str, separators: str, ticks: dict[int, str]) -> dict:
    """Horizontal bars, one per country, for one year, largest at the top."""
    rows = sorted((r for r in rows if r[1].number is not None), key=lambda r: r[1].number)
    names = [name for name, _value in rows]
    # Long names ("People's Republic of China") take two lines rather than half of a phone's width.
    labels = [wrap_label(name) for name in names]
    row_height = 36 if any("<br>" in label for label in labels) else 28
    layout = _layout(
        separators=separators, y_title="", x_title=unit, height=60 + row_height * max(len(rows), 1), ticks={}
    )
    layout["xaxis"] |= {"tickformat": "", "dtick": None}
    if ticks:
        layout["xaxis"] |= {"tickmode": "array", "tickvals": list(ticks), "ticktext": list(ticks.values())}
    layout["showlegend"] = False
    layout["yaxis"] |= {"tickmode": "array", "tickvals": names, "ticktext": labels}
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [value.number for _name, value in rows],
                "y": [name for name, _value in rows],
                "customdata": _custom([value for _name, value in rows]),
                "hovertemplate": "%{y}: "
                + ("%{customdata[1]}" if ticks else "%{customdata[0]}%{x:,.4~f}")
                + "<extra></extra>",
                "marker": {"color": ACTUAL},
            }
        ],
        "layout": layout,
    }


def country_series_figure(
    country: list[YearValue], region: list[YearValue], *, labels: dict[str, str], unit: str, separators: str
) -> dict:
    """A member's values beside the region's, year by year."""
    data = []
    for name, points, colour, dash, symbol in (
        (labels["country"], country, ACTUAL, "solid", "circle"),
        (labels["region"], region, REGION, "dash", "square"),
    ):
        points = [p for p in points if p.value.number is not None]
        if not points:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [p.year for p in points],
                "y": [p.value.number for p in points],
                "customdata": _custom([p.value for p in points]),
                "hovertemplate": _hover(name, False),
                "line": {"color": colour, "dash": dash, "width": 2},
                "marker": {"color": colour, "size": 8, "symbol": symbol},
            }
        )
    return _with_year_range(
        {
            "data": data,
            "layout": _layout(separators=separators, y_title=unit, x_title=labels["year"], height=300, ticks={}),
        }
    )


# --------------------------------------------------------------------------------------------
# Tables behind the charts


def part_table(series: PartSeries, *, headers: dict[str, str]) -> Table:
    """One row per year that has anything to show: baseline, actual, milestone, expected, trend.
    headers: year, baseline, actual, milestone_kind, milestone, expected, trend."""
    expected = dict(expected_path(series))
    trend = dict(trend_line(series))
    actual = {a.year: a.value for a in series.actuals}
    milestones = {m.year: m for m in series.milestones}
    baseline = series.baseline
    years = sorted(
        set(expected) | set(trend) | set(actual) | set(milestones) | ({baseline.year} if baseline else set())
    )
    rows = []
    for year in years:
        milestone = milestones.get(year)
        rows.append(
            [
                year,
                baseline.value if baseline and baseline.year == year else None,
                actual.get(year),
                milestone.kind_label if milestone else None,
                milestone.value if milestone else None,
                Value(expected[year]) if year in expected else None,
                Value(trend[year]) if year in trend else None,
            ]
        )
    keys = ("year", "baseline", "actual", "milestone_kind", "milestone", "expected", "trend")
    return Table([headers[k] for k in keys], rows)


def country_table(rows: list[tuple[str, Value]], *, year: int, headers: dict[str, str]) -> Table:
    """The country breakdown's table, in the chart's order (largest first)."""
    ordered = sorted(rows, key=lambda r: (r[1].number is None, -(r[1].number or 0)))
    return Table([headers["country"], headers["year"], headers["value"]], [[n, year, v] for n, v in ordered])


def country_series_table(country: list[YearValue], region: list[YearValue], *, headers: dict[str, str]) -> Table:
    mine, theirs = {p.year: p.value for p in country}, {p.year: p.value for p in region}
    years = sorted(set(mine) | set(theirs))
    return Table(
        [headers["year"], headers["country"], headers["region"]], [[y, mine.get(y), theirs.get(y)] for y in years]
    )


# --------------------------------------------------------------------------------------------
# Rating summaries


@dataclass(frozen=True)
class Segment:
    rating: str
    label: str
    count: int
    percent: float


def rating_segments(counts: dict[str, int], labels: dict[str, str]) -> list[Segment]:
    """The stacked bar of a rating summary: one segment per rating present, in RATING_ORDER."""
    total = sum(counts.values())
    if not total:
        return []
    return [
        Segment(rating, labels.get(rating, rating), counts[rating], round(100 * counts[rating] / total, 2))
        for rating in RATING_ORDER
        if counts.get(rating)
    ]


def on_track_count(counts: dict[str, int]) -> tuple[int, int]:
    """(achieved or on track, total) for a headline."""
    return sum(counts.get(r, 0) for r in ON_TRACK_RATINGS), sum(counts.values())


# --------------------------------------------------------------------------------------------
# Downloads: the same tables as CSV and XLSX, with plain (not localised) numbers


def _plain(cell):
    if isinstance(cell, Value):
        if cell.status:
            return f"{_plain(Value(cell.number, cell.qualifier, cell.label)) or ''} ({cell.status})"
        if cell.label or cell.number is None:
            return cell.label or None
        return f"{cell.qualifier}{_number_text(cell.number)}" if cell.qualifier else _tidy(cell.number)
    return cell


def _tidy(number: float):
    return int(number) if float(number).is_integer() else round(number, 6)


def _number_text(number: float) -> str:
    return str(_tidy(number))


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Chinese and Russian."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if (v := _plain(cell)) is None else v for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table, *, title: str) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    # a sheet title is at most 31 characters and excludes []:*?/\
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "data"
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_plain(cell) for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
