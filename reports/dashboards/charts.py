"""Plotly figures and the tables behind them, as pure functions: plain data in, a figure dict or a
table out. No request, no database, no active language: the caller passes every label already
translated and the number separators of the reader's language. The same data feeds the chart
and its table, so the table is always the chart's accessible alternative."""

from dataclasses import dataclass, field, replace

from progress.method import Rating

# Okabe-Ito colours: told apart with the common colour-vision deficiencies; every trace also
# differs in line style or marker shape, and has its name in the legend.
ACTUAL, EXPECTED, TREND, BASELINE, MILESTONE, REGION = "#0072B2", "#007A5A", "#5F5F5F", "#1B2733", "#C24A00", "#8A5A00"
MILESTONE_SYMBOLS = {"exact": "diamond", "at_least": "triangle-up", "at_most": "triangle-down"}
SET_KINDS = tuple(MILESTONE_SYMBOLS)
# A series per category beside the total: colours from Paul Tol's muted scheme, none of them the
# total's, each with its own marker shape. A flagged value is a star whatever its series, so its
# shape tells it apart without colour; its flag and comment are in the tooltip and the table.
CATEGORY_STYLES = (
    ("#AA3377", "triangle-right"),
    ("#332288", "hexagon"),
    ("#117733", "pentagon"),
    ("#882255", "hourglass"),
    ("#44AA99", "cross"),
    ("#999933", "triangle-left"),
)
FLAGGED_SYMBOL = "star"
BREAK = "break"  # the flag that splits a series: the values before it are not comparable
EARLIER = "earlier"  # the note on a value of an earlier part's series (EarlierSeries), in a table
# An earlier part's series that a part continues (a split or a merge, or its own values before a
# rebase, converted; versions.series): a dashed line of its own, with hollow markers, ending
# before the break.
EARLIER_STYLES = (("#56B4E9", "circle-open"), ("#CC79A7", "square-open"), ("#E69F00", "diamond-open"))

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
class Flag:
    """A value's observation status other than normal (SDMX's OBS_STATUS) with its comment
    (COMMENT_OBS), in the reader's language; note_lang is the note's language where it is not
    the page's (an English fallback). A table gives it a footnote mark."""

    kind: str  # Observation.Kind: estimate, forecast, provisional, break, imputed, missing
    label: str
    note: str = ""
    note_lang: str = ""
    mark: str = ""

    def text(self) -> str:
        return f"{self.label}: {self.note}" if self.note else self.label


@dataclass(frozen=True)
class Value:
    """A number as the chart plots it, with its qualifier ("<1") and, for a value that is not a
    plain number, the label a reader sees instead (an ordinal level, yes/no)."""

    number: float | None
    qualifier: str = ""
    label: str = ""
    status: str = ""  # shown beside a value the public does not see yet (staff pages only)
    flag: Flag | None = None


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


@dataclass(frozen=True)
class CategorySeries:
    """The regional values of one category (or combination of categories, one per dimension) of
    a part broken down. group is what the chart's selector shows together: the dimensions."""

    key: str  # the breakdown key, "SEX=F"
    label: str  # "Female"
    group: str  # "SEX"
    group_label: str  # "Sex"
    actuals: list[YearValue]


@dataclass(frozen=True)
class EarlierSeries:
    """The values of an earlier part that a part's series continues, before the version that
    made the part (split from it, or merged from it and others), or a rebased part's own values
    before its new basis, converted to it. note: the flag every value carries in the table, whose
    footnote says where the values come from."""

    key: str  # the earlier part's code
    label: str  # "ROAD_SWD before version 2027", "FUEL_WORLD before version 2027, on the new basis"
    actuals: list[YearValue]
    note: Flag | None = None


@dataclass
class PartSeries:
    """What a part's chart shows: the current baseline, the milestones, the regional actuals, and
    the regional values of each category where the part is broken down."""

    code: str
    name: str
    unit: str
    value_type: str
    baseline: YearValue | None
    milestones: list[MilestoneValue]
    actuals: list[YearValue]
    # ordinal parts: rank -> label; yes/no parts: 0/1 -> no/yes
    ticks: dict[int, str] = field(default_factory=dict)
    categories: list[CategorySeries] = field(default_factory=list)
    categories_add_up: bool = False
    earlier: list[EarlierSeries] = field(default_factory=list)
    # A rebased part's values as stored before its new basis: the table keeps them in the actual
    # column, the as-reported figures; the chart draws them converted, as an earlier series.
    stored_before: list[YearValue] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        """Whether the chart has a value to draw: the part's own, or an earlier part's that its
        series continues (a part just split from another shows the series it came from)."""
        return any(a.value.number is not None for s in (self, *self.earlier) for a in s.actuals)

    def category_groups(self) -> dict[str, list[CategorySeries]]:
        """The categories by the dimensions they break the total down by, in the order given."""
        groups: dict[str, list[CategorySeries]] = {}
        for category in self.categories:
            groups.setdefault(category.group, []).append(category)
        return groups

    def set_milestones(self) -> list[MilestoneValue]:
        return [
            m for m in self.milestones if m.kind in SET_KINDS and m.value is not None and m.value.number is not None
        ]


@dataclass(frozen=True)
class Table:
    """Headers and rows of cells: int (a year), str, Value or None. A download gives each column
    holding a flagged value a column of flags beside it, headed flag_header % {"column": ...}."""

    headers: list[str]
    rows: list[list]
    flag_header: str = "%(column)s: OBS_STATUS"


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


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _hover(name: str, labelled: bool) -> str:
    """Hover text: the label of an ordinal or yes/no value, else the number with its qualifier,
    formatted with the layout's separators; then the value's flag and comment, if any."""
    shown = "%{customdata[1]}" if labelled else "%{customdata[0]}%{y:,.4~f}"
    return "%{x}: " + shown + "%{customdata[2]}<extra>" + _escaped(name) + "</extra>"


def _flag_text(value: Value) -> str:
    """A flag and its comment as tooltip lines under the value (plotly reads them as HTML)."""
    return "" if value.flag is None else "<br>" + wrap_label(value.flag.text(), 30)


def _custom(values: list[Value]) -> list[list[str]]:
    return [[v.qualifier, v.label, _flag_text(v)] for v in values]


def _runs(points: list[YearValue]) -> list[list[YearValue]]:
    """The points a line may join: a value flagged as a break in series starts a new run, so that
    no line crosses the break."""
    runs: list[list[YearValue]] = []
    for point in points:
        if not runs or (point.value.flag is not None and point.value.flag.kind == BREAK):
            runs.append([])
        runs[-1].append(point)
    return runs


def _line_traces(
    points: list[YearValue],
    *,
    name: str,
    group: str,
    colour: str,
    symbol: str,
    width: int,
    labelled: bool,
    dash: str = "",
    **extra,
) -> list[dict]:
    """A series as one line per run (one legend entry for them all), and its flagged values as
    stars over their points, with the flag and comment in the tooltip."""
    points = [p for p in points if p.value.number is not None]
    common = {"type": "scatter", "name": name, "legendgroup": group, "hovertemplate": _hover(name, labelled), **extra}
    traces = [
        common
        | {
            "mode": "lines+markers",
            "showlegend": n == 0,
            "x": [p.year for p in run],
            "y": [p.value.number for p in run],
            "customdata": _custom([p.value for p in run]),
            "line": {"color": colour, "width": width} | ({"dash": dash} if dash else {}),
            "marker": {"color": colour, "size": 8, "symbol": symbol},
        }
        for n, run in enumerate(_runs(points))
    ]
    flagged = [p for p in points if p.value.flag is not None]
    if flagged:
        traces.append(
            common
            | {
                "mode": "markers",
                "showlegend": False,
                "x": [p.year for p in flagged],
                "y": [p.value.number for p in flagged],
                "customdata": _custom([p.value for p in flagged]),
                "marker": {
                    "color": colour,
                    "size": 16,
                    "symbol": FLAGGED_SYMBOL,
                    "line": {"color": "#1b2733", "width": 1},
                },
            }
        )
    return traces


def _flagged_legend(name: str, year: int) -> dict:
    """A legend entry for the stars, which draws nothing: a point with no value (plotly leaves a
    trace without points out of the legend)."""
    return {
        "type": "scatter",
        "mode": "markers",
        "name": name,
        "x": [year],
        "y": [None],
        "hoverinfo": "skip",
        "marker": {
            "color": "#ffffff",
            "size": 14,
            "symbol": FLAGGED_SYMBOL,
            "line": {"color": "#1b2733", "width": 1.5},
        },
    }


def part_figure(series: PartSeries, *, labels: dict[str, str], separators: str) -> dict:
    """A part's chart: actual regional values, a line per category where the part is broken down,
    a dashed line per earlier part whose series it continues, baseline, milestones as markers, the
    expected path and the trend. labels: actual, baseline, expected, trend, year, flagged, and
    milestone_<kind>."""
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
    labelled = bool(series.ticks)
    for n, earlier in enumerate(series.earlier):
        colour, symbol = EARLIER_STYLES[n % len(EARLIER_STYLES)]
        data += _line_traces(
            earlier.actuals,
            name=earlier.label,
            group=f"earlier-{earlier.key}",
            colour=colour,
            symbol=symbol,
            width=2,
            labelled=labelled,
            dash="dash",
        )
    data += _line_traces(
        series.actuals, name=labels["actual"], group="total", colour=ACTUAL, symbol="circle", width=3, labelled=labelled
    )
    for n, category in enumerate(series.categories):
        colour, symbol = CATEGORY_STYLES[n % len(CATEGORY_STYLES)]
        data += _line_traces(
            category.actuals,
            name=category.label,
            group=category.key,
            colour=colour,
            symbol=symbol,
            width=2,
            labelled=labelled,
            # what the page's selector (static/js/charts.js) shows or hides
            meta={"group": category.group, "key": category.key},
        )
    lines = [series.actuals, *(c.actuals for c in series.categories), *(e.actuals for e in series.earlier)]
    drawn = [p for line in lines for p in line]
    stars = [p.year for p in drawn if p.value.flag is not None and p.value.number is not None]
    if stars:
        data.append(_flagged_legend(labels["flagged"], min(stars)))
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
                + "%{customdata[2]}<extra></extra>",
                # a flagged value's bar is hatched: told apart by more than its colour
                "marker": {
                    "color": ACTUAL,
                    "pattern": {
                        "shape": ["/" if value.flag else "" for _name, value in rows],
                        "fgcolor": "#ffffff",
                    },
                },
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


def _noted(value: Value, note: Flag | None) -> Value:
    """A value of an earlier series as its table shows it: with the series' note, unless the value
    has a flag of its own (which its footnote explains)."""
    return value if note is None or value.flag is not None else replace(value, flag=note)


def part_table(series: PartSeries, *, headers: dict[str, str]) -> Table:
    """One row per year that has anything to show: baseline, actual (with a rebased part's values
    as stored before its new basis), a column per category where the part is broken down, a column
    per earlier part whose series it continues, milestone, expected, trend. headers: year,
    baseline, actual, milestone_kind, milestone, expected, trend, flag."""
    expected = dict(expected_path(series))
    trend = dict(trend_line(series))
    actual = {a.year: a.value for a in (*series.stored_before, *series.actuals)}
    by_category = [{a.year: a.value for a in category.actuals} for category in series.categories]
    by_category += [{a.year: _noted(a.value, e.note) for a in e.actuals} for e in series.earlier]
    milestones = {m.year: m for m in series.milestones}
    baseline = series.baseline
    years = sorted(
        set(expected)
        | set(trend)
        | set(actual)
        | set(milestones)
        | ({baseline.year} if baseline else set())
        | {year for values in by_category for year in values}
    )
    rows = []
    for year in years:
        milestone = milestones.get(year)
        rows.append(
            [
                year,
                baseline.value if baseline and baseline.year == year else None,
                actual.get(year),
                *(values.get(year) for values in by_category),
                milestone.kind_label if milestone else None,
                milestone.value if milestone else None,
                Value(expected[year]) if year in expected else None,
                Value(trend[year]) if year in trend else None,
            ]
        )
    names = [headers[k] for k in ("year", "baseline", "actual")] + [c.label for c in series.categories]
    names += [e.label for e in series.earlier]
    names += [headers[k] for k in ("milestone_kind", "milestone", "expected", "trend")]
    return Table(names, rows, flag_header=headers.get("flag", Table.flag_header))


def gap_tables(series: PartSeries, *, headers: dict[str, str]) -> list[tuple[str, Table]]:
    """The gap between categories, year by year, for each dimension broken into two (female and
    male): both values, the first minus the second and, where the categories add up to the total,
    the first's share of the total (the two categories' sum where no total is given).
    headers: year, total, gap and share, the last two with %(first)s, %(second)s placeholders."""
    total = {a.year: a.value.number for a in series.actuals}
    tables = []
    for group in series.category_groups().values():
        if len(group) != 2:
            continue
        first, second = ({a.year: a.value for a in c.actuals} for c in group)
        names = {"first": group[0].label, "second": group[1].label}
        rows = []
        for year in sorted(set(first) & set(second)):
            a, b = first[year].number, second[year].number
            gap = Value(a - b) if a is not None and b is not None else None
            row = [year, Value(total[year]) if total.get(year) is not None else None, first[year], second[year], gap]
            if series.categories_add_up:
                whole = total.get(year) or ((a + b) if a is not None and b is not None else None)
                row.append(Value(100 * a / whole) if a is not None and whole else None)
            rows.append(row)
        if not rows:
            continue
        columns = [headers["year"], headers["total"], group[0].label, group[1].label, headers["gap"] % names]
        if series.categories_add_up:
            columns.append(headers["share"] % names)
        tables.append((group[0].group_label, Table(columns, rows, flag_header=headers.get("flag", Table.flag_header))))
    return tables


# --------------------------------------------------------------------------------------------
# Footnotes: a table marks each flagged value and explains the mark under it


@dataclass(frozen=True)
class Footnote:
    mark: str
    label: str
    note: str
    note_lang: str


class Footnotes:
    """Marks for the flagged values of one table, numbered in reading order; the values with the
    same flag and comment share a mark."""

    def __init__(self) -> None:
        self.notes: list[Footnote] = []

    def marked(self, cell):
        if not isinstance(cell, Value) or cell.flag is None:
            return cell
        flag = cell.flag
        found = next((f for f in self.notes if (f.label, f.note) == (flag.label, flag.note)), None)
        if found is None:
            found = Footnote(str(len(self.notes) + 1), flag.label, flag.note, flag.note_lang)
            self.notes.append(found)
        return replace(cell, flag=replace(flag, mark=found.mark))

    def table(self, table: Table) -> Table:
        return replace(table, rows=[[self.marked(cell) for cell in row] for row in table.rows])


def footnoted(table: Table) -> tuple[Table, list[Footnote]]:
    """The table with its flagged values marked, and the footnotes that go under it."""
    notes = Footnotes()
    return notes.table(table), notes.notes


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


def _with_flags(table: Table) -> tuple[list[str], list[list]]:
    """Headers and plain cells, with a column of flags (and their comments) beside each column
    that holds a flagged value: the numbers stay numbers in a spreadsheet."""
    flagged = {
        i for row in table.rows for i, cell in enumerate(row) if isinstance(cell, Value) and cell.flag is not None
    }
    headers = []
    for i, header in enumerate(table.headers):
        headers += [header, table.flag_header % {"column": header}] if i in flagged else [header]
    rows = []
    for row in table.rows:
        out = []
        for i, cell in enumerate(row):
            out.append(_plain(cell))
            if i in flagged:
                out.append(cell.flag.text() if isinstance(cell, Value) and cell.flag else None)
        rows.append(out)
    return headers, rows


def table_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read Chinese and Russian."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    headers, rows = _with_flags(table)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(table: Table, *, title: str) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    # a sheet title is at most 31 characters and excludes []:*?/\
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "data"
    headers, rows = _with_flags(table)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
