"""The chart and table builders are pure: plain data in, a plotly figure or a table out."""

import csv
import io

import plotly.io
from openpyxl import load_workbook

from reports.dashboards import charts
from reports.dashboards.charts import MilestoneValue, PartSeries, Value, YearValue

LABELS = {
    "actual": "Actual",
    "baseline": "Baseline",
    "expected": "Expected path",
    "trend": "Trend",
    "year": "Year",
    "milestone_exact": "Milestone",
    "milestone_at_least": "Milestone (at least)",
    "milestone_at_most": "Milestone (at most)",
    "milestone_kind": "Milestone kind",
    "milestone": "Milestone",
    "country": "Country",
    "region": "Region",
    "value": "Value",
}


def _series(**changes) -> PartSeries:
    data = {
        "code": "FUEL",
        "name": "Fuel trade",
        "unit": "% of GDP",
        "value_type": "percent",
        "baseline": YearValue(2017, Value(0.48)),
        "milestones": [
            MilestoneValue(2020, "not_set", "not set", None),
            MilestoneValue(2023, "exact", "exact", Value(0.84)),
            MilestoneValue(2029, "at_least", "at least", Value(1.2)),
        ],
        "actuals": [YearValue(2019, Value(0.71)), YearValue(2020, Value(0.55))],
    }
    return PartSeries(**(data | changes))


def test_the_expected_path_runs_from_the_baseline_through_the_set_milestones():
    assert charts.expected_path(_series()) == [(2017, 0.48), (2023, 0.84), (2029, 1.2)]


def test_no_expected_path_without_a_baseline_or_a_set_milestone():
    assert charts.expected_path(_series(baseline=None)) == []
    assert charts.expected_path(_series(milestones=[MilestoneValue(2023, "not_set", "not set", None)])) == []


def test_the_trend_runs_through_the_latest_value_to_the_final_set_milestone():
    line = charts.trend_line(_series())
    assert line[:2] == [(2017, 0.48), (2020, 0.55)]
    year, value = line[2]
    assert year == 2029
    assert abs(value - (0.55 + (0.07 / 3) * 9)) < 1e-9


def test_the_figure_draws_every_series_with_its_name_and_the_language_separators():
    figure = charts.part_figure(_series(), labels=LABELS, separators=", ")
    names = [trace["name"] for trace in figure["data"]]
    assert names == ["Expected path", "Trend", "Actual", "Baseline", "Milestone", "Milestone (at least)"]
    assert figure["layout"]["separators"] == ", "
    assert figure["layout"]["yaxis"]["title"]["text"] == "% of GDP"
    milestones = [t for t in figure["data"] if t["name"].startswith("Milestone")]
    assert [t["marker"]["symbol"] for t in milestones] == ["diamond", "triangle-up"]
    plotly.io.to_json(figure, validate=True)  # a valid plotly figure


def test_a_yes_no_part_has_named_ticks_and_no_lines_to_extrapolate():
    series = _series(
        value_type="boolean",
        baseline=YearValue(2017, Value(0.0, label="no")),
        milestones=[],
        actuals=[YearValue(2022, Value(1.0, label="yes"))],
        ticks={0: "no", 1: "yes"},
    )
    figure = charts.part_figure(series, labels=LABELS, separators=".,")
    assert [t["name"] for t in figure["data"]] == ["Actual", "Baseline"]
    assert figure["layout"]["yaxis"]["ticktext"] == ["no", "yes"]
    assert "customdata[1]" in figure["data"][0]["hovertemplate"]


def test_the_table_has_a_row_for_every_year_the_chart_shows():
    table = charts.part_table(_series(), headers=LABELS)
    assert table.headers == ["Year", "Baseline", "Actual", "Milestone kind", "Milestone", "Expected path", "Trend"]
    years = [row[0] for row in table.rows]
    assert years == [2017, 2019, 2020, 2023, 2029]
    row_2017 = table.rows[0]
    assert row_2017[1] == Value(0.48) and row_2017[5] == Value(0.48)
    assert table.rows[2][2] == Value(0.55)
    assert table.rows[2][3] == "not set"


def test_csv_and_xlsx_hold_plain_numbers_and_keep_qualifiers_and_labels():
    table = charts.Table(
        ["Year", "Value", "Level"], [[2020, Value(0.5), Value(2.0, label="partial")], [2021, Value(1, "<"), None]]
    )
    text = charts.table_csv(table).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Year", "Value", "Level"],
        ["2020", "0.5", "partial"],
        ["2021", "<1", ""],
    ]
    sheet = load_workbook(io.BytesIO(charts.table_xlsx(table, title="TRD-OC-1 [fuel]"))).active
    assert sheet.title == "TRD-OC-1 fuel"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Year", "Value", "Level"],
        [2020, 0.5, "partial"],
        [2021, "<1", None],
    ]


def test_the_country_breakdown_puts_the_largest_value_first_in_the_table_and_on_top_of_the_chart():
    rows = [("Georgia", Value(3.0)), ("Mongolia", Value(7.5)), ("Pakistan", Value(None, label="not available"))]
    table = charts.country_table(rows, year=2020, headers=LABELS)
    assert [r[0] for r in table.rows] == ["Mongolia", "Georgia", "Pakistan"]
    figure = charts.country_figure(rows, unit="%", separators=".,", ticks={})
    assert figure["data"][0]["y"] == ["Georgia", "Mongolia"]  # plotly draws the first bar at the bottom


def test_rating_segments_follow_the_rating_order_and_add_up_to_the_whole():
    segments = charts.rating_segments({"no_data": 2, "on_track": 1, "achieved": 1}, {"achieved": "Achieved"})
    assert [s.rating for s in segments] == ["achieved", "on_track", "no_data"]
    assert segments[0].label == "Achieved" and segments[2].count == 2
    assert sum(s.percent for s in segments) == 100
    assert charts.rating_segments({}, {}) == []
    assert charts.on_track_count({"achieved": 1, "on_track": 2, "improving": 5}) == (3, 8)


def test_charts_do_not_zoom_so_plotly_shows_no_english_hint():
    layout = charts.part_figure(_series(), labels=LABELS, separators=".,")["layout"]
    assert layout["dragmode"] is False
    assert layout["xaxis"]["fixedrange"] and layout["yaxis"]["fixedrange"]
