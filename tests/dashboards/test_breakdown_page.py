"""The indicator page of a part broken down by sex, with flagged values: a series per category
beside the total with a selector, flags as stars with their name and comment, a break that
splits the line, footnotes under the tables, the categories folded under each year's total, the
gap between women and men, and the same fixed number of queries with or without categories."""

import csv
import io
import json
import re

import pytest

from reports.dashboards import charts
from reports.dashboards.charts import Flag, PartSeries, Value, YearValue
from tests.dashboards.breakdown_data import SLUG, category_values, trained_values
from tests.dashboards.test_charts import LABELS

pytestmark = pytest.mark.django_db

CHART = "part-officials_trained"


def _figure(html: str, chart_id: str = CHART) -> dict:
    found = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _lines(figure: dict, group: str) -> list[list[int]]:
    """The years of each line drawn for a series (its runs between breaks)."""
    return [t["x"] for t in figure["data"] if t.get("legendgroup") == group and t["mode"] == "lines+markers"]


def _part_html(html: str) -> str:
    return html[html.index('id="part-OFFICIALS_TRAINED"') : html.index('id="part-WOMEN_SHARE"')]


def test_the_page_shows_a_series_per_category_beside_the_total_with_a_selector(client):
    trained_values()
    html = _part_html(client.get(f"/en/indicators/{SLUG}/").content.decode())
    figure = _figure(html)
    names = [t["name"] for t in figure["data"] if t.get("showlegend", True)]
    assert names[:3] == ["Actual (region)", "Female", "Male"]
    female = next(t for t in figure["data"] if t["name"] == "Female")
    assert female["meta"] == {"group": "SEX", "key": "SEX=F"}
    assert '<select id="part-officials_trained-select" data-series-select="part-officials_trained">' in html
    assert '<optgroup label="Sex">' in html and '<option value="key:SEX=F">The total and Female</option>' in html
    # the chart's table has a column per category
    assert '<th scope="col">Actual (region)</th><th scope="col">Female</th><th scope="col">Male</th>' in html


def test_a_break_in_series_splits_the_total_and_the_categories_lines(client):
    trained_values()
    figure = _figure(client.get(f"/en/indicators/{SLUG}/").content.decode())
    assert _lines(figure, "total") == [[2019, 2020, 2021], [2022, 2023]]
    assert _lines(figure, "SEX=F") == [[2019, 2020, 2021], [2022, 2023]]
    # one legend entry for the runs of a series
    assert [t["showlegend"] for t in figure["data"] if t.get("legendgroup") == "total"] == [True, False, False]


def test_flagged_points_are_stars_with_the_flag_and_comment_in_the_tooltip_in_the_page_language(client):
    trained_values()
    for language, estimated in (("en", "estimated"), ("ru", None)):
        figure = _figure(client.get(f"/{language}/indicators/{SLUG}/").content.decode())
        stars = next(t for t in figure["data"] if t.get("legendgroup") == "total" and t["mode"] == "markers")
        assert stars["marker"]["symbol"] == charts.FLAGGED_SYMBOL
        assert stars["x"] == [2020, 2022]
        tooltip = stars["customdata"][0][2]
        assert tooltip.startswith("<br>")
        tooltip = tooltip.replace("<br>", " ")  # wrapped in lines
        if estimated:
            assert estimated in tooltip and "Two courses did not report attendance." in tooltip
        else:
            assert "Два курса не сообщили о посещаемости." in tooltip
        # a legend entry says what a star is
        legend = [t for t in figure["data"] if t["y"] == [None]]
        assert [t["marker"]["symbol"] for t in legend] == [charts.FLAGGED_SYMBOL]
        # an unflagged run's points are plain markers
        assert next(t for t in figure["data"] if t.get("legendgroup") == "total")["marker"]["symbol"] == "circle"


def test_tables_mark_flagged_values_and_explain_the_marks_under_them(client):
    trained_values()
    html = _part_html(client.get(f"/en/indicators/{SLUG}/").content.decode())
    note = '<span class="visually-hidden">note </span>'
    mark = f'<sup class="fn"><a href="#part-officials_trained-note-1">{note}1</a></sup>'
    assert f"<td>120{mark}</td>" in html
    assert (
        '<li id="part-officials_trained-note-1"><span class="flag-name">estimated</span>: '
        "<span>Two courses did not report attendance.</span></li>"
    ) in html
    assert '<span class="flag-name">break in series</span>' in html
    assert '<span class="flag-name">provisional</span>' in html  # women's 2023 value only


def test_a_comment_missing_in_the_page_language_is_marked_as_english(client):
    trained_values()
    html = _part_html(client.get(f"/ru/indicators/{SLUG}/").content.decode())
    assert '<span lang="en">From 2022 online courses are counted.</span>' in html
    assert "<span>Два курса не сообщили о посещаемости.</span>" in html


def test_the_categories_are_folded_under_each_years_total(client):
    trained_values()
    html = _part_html(client.get(f"/en/indicators/{SLUG}/").content.decode())
    regional = html[html.index('<table class="data regional-values">') :]
    first_year = regional[regional.index('<th scope="row">2019</th>') : regional.index('<th scope="row">2020</th>')]
    assert '<tr class="categories"><td colspan="4"><details>' in first_year  # closed: no "open"
    assert '<th scope="row">Female</th><td>38</td>' in first_year
    assert '<th scope="row">Male</th><td>62</td>' in first_year


def test_the_gap_between_women_and_men_over_the_years(client):
    trained_values()
    html = _part_html(client.get(f"/en/indicators/{SLUG}/").content.decode())
    assert "Gap between categories: Sex" in html
    gap = html[html.index('<table class="data gap"') :]
    gap = gap[: gap.index("</table>")]
    assert '<th scope="col">Female minus Male</th><th scope="col">Female, share of the total (%)</th>' in gap
    assert '<th scope="row">2019</th><td>100</td><td>38</td><td>62</td><td>-24</td><td>38</td>' in gap
    assert '<th scope="row">2023</th><td>170</td>' in gap and "<td>10</td><td>52.94</td>" in gap


def test_a_part_without_categories_has_no_selector_or_gap(client):
    trained_values(categories=False)
    html = _part_html(client.get(f"/en/indicators/{SLUG}/").content.decode())
    assert "data-series-select" not in html and "Gap between categories" not in html
    assert _lines(_figure(html), "total") == [[2019, 2020, 2021], [2022, 2023]]


def test_the_page_costs_the_same_queries_with_or_without_categories(client, django_assert_num_queries):
    with django_assert_num_queries(16) as empty:
        client.get(f"/en/indicators/{SLUG}/")
    n_queries = len(empty.captured_queries)
    trained_values(categories=False)
    with django_assert_num_queries(n_queries):
        client.get(f"/en/indicators/{SLUG}/?year=2023")
    category_values()  # the same part, now broken down
    with django_assert_num_queries(n_queries):
        html = client.get(f"/ru/indicators/{SLUG}/").content.decode()
    assert "Два курса" in html


def test_the_downloaded_table_has_a_column_of_flags_beside_the_values(client):
    trained_values()
    content = client.get(f"/en/indicators/{SLUG}/OFFICIALS_TRAINED/series.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    headers = rows[0]
    assert headers[2:6] == [
        "Actual (region)",
        "Actual (region): flag and comment",
        "Female",
        "Female: flag and comment",
    ]
    year_2020 = next(r for r in rows if r[0] == "2020")
    assert year_2020[2:4] == ["120", "estimated: Two courses did not report attendance."]


# --------------------------------------------------------------------------------------------
# The pure builders


def _flagged(number: float, kind: str) -> Value:
    return Value(number, flag=Flag(kind, kind, "why"))


def test_a_break_starts_a_new_line_and_the_stars_keep_their_tooltips():
    series = PartSeries(
        code="P",
        name="P",
        unit="persons",
        value_type="count",
        baseline=None,
        milestones=[],
        actuals=[
            YearValue(2019, Value(1)),
            YearValue(2020, _flagged(2, "estimate")),
            YearValue(2021, _flagged(3, "break")),
            YearValue(2022, Value(4)),
            YearValue(2023, _flagged(5, "break")),
        ],
    )
    figure = charts.part_figure(series, labels=LABELS | {"flagged": "Flagged"}, separators=".,")
    assert _lines(figure, "total") == [[2019, 2020], [2021, 2022], [2023]]
    stars = [t for t in figure["data"] if t.get("legendgroup") == "total" and t["mode"] == "markers"]
    assert stars[0]["x"] == [2020, 2021, 2023]
    assert [c[2] for c in stars[0]["customdata"]] == ["<br>estimate: why", "<br>break: why", "<br>break: why"]


def test_footnotes_number_flags_in_reading_order_and_share_a_mark_for_the_same_note():
    table = charts.Table(
        ["Year", "A", "B"],
        [[2019, _flagged(1, "estimate"), _flagged(2, "estimate")], [2020, Value(3), _flagged(4, "break")]],
    )
    marked, notes = charts.footnoted(table)
    assert [n.mark for n in notes] == ["1", "2"] and [n.label for n in notes] == ["estimate", "break"]
    assert [c.flag.mark for c in marked.rows[0][1:]] == ["1", "1"]
    assert marked.rows[1][2].flag.mark == "2" and marked.rows[1][1].flag is None
