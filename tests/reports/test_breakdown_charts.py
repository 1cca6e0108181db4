"""Flags and breaks on the reports' charts (reports.svg): a flagged value is a star with its
footnote mark (or its flag's name) above it and its flag in a tooltip, never told apart by colour
alone; a break in series splits the line. The styles of the marks and footnotes go only into a
report that has some, so an edition without them renders as it did."""

import datetime
import re

import pytest

from clusters.models import Sector
from indicators.models import Observation
from reports import svg
from reports.dashboards.charts import ACTUAL, REGION, Flag, PartSeries, Value, YearValue
from reports.render import report_render
from reports.selectors import edition_content, edition_previous_content
from reports.services import report_edition_create
from tests import factories
from workflow.entry import Entry

LABELS = {
    "actual": "Actual (region)",
    "baseline": "Baseline",
    "expected": "Expected path",
    "trend": "Trend",
    "milestone_exact": "Milestone",
    "milestone_at_least": "Milestone (at least)",
    "milestone_at_most": "Milestone (at most)",
    "region": "CAREC region",
    "country": "Kazakhstan",
    "flagged": "Flagged value (see the notes)",
}
ESTIMATED = Flag("estimate", "Estimated", "From a survey.")
BREAK = Flag("break", "Break in series", "New method.")


def _series(*values: tuple[int, float, Flag | None]) -> PartSeries:
    return PartSeries(
        code="X",
        name="x",
        unit="persons",
        value_type="number",
        baseline=None,
        milestones=[],
        actuals=[YearValue(year, Value(number, flag=flag)) for year, number, flag in values],
    )


def _lines(markup: str, colour: str) -> list[list[tuple[float, float]]]:
    """The points of each line drawn in `colour`."""
    found = re.findall(rf'<polyline points="([^"]+)" fill="none" stroke="{colour}"', markup)
    return [[tuple(map(float, pair.split(","))) for pair in points.split()] for points in found]


def _stars(markup: str) -> list[str]:
    """The flagged points: 10-cornered polygons (a star), each with its tooltip."""
    return re.findall(r"<g><title>([^<]*)</title><polygon points=\"(?:[-\d.]+,[-\d.]+ ){9}[-\d.]+,[-\d.]+\"", markup)


def _flag_texts(markup: str) -> list[str]:
    return re.findall(r'class="point-flag">([^<]*)</text>', markup)


def test_a_break_in_series_splits_the_line_into_two_segments():
    markup = svg.part_chart(
        _series((2018, 10, None), (2019, 12, None), (2020, 30, BREAK), (2021, 32, None)),
        labels=LABELS,
        fmt=str,
        title="x",
    )
    lines = _lines(markup, ACTUAL)
    assert [len(points) for points in lines] == [2, 2]  # 2018-2019, then 2020-2021: nothing across the break
    assert lines[0][1][0] < lines[1][0][0]
    assert _stars(markup) == ["2020: Break in series: New method."]


def test_a_series_without_a_break_is_one_line_even_with_other_flags():
    markup = svg.part_chart(
        _series((2018, 10, None), (2019, 12, ESTIMATED), (2020, 13, None)), labels=LABELS, fmt=str, title="x"
    )
    assert [len(points) for points in _lines(markup, ACTUAL)] == [3]


def test_a_flagged_point_is_a_star_with_the_tables_footnote_mark_and_the_legend_names_it():
    marked = Flag("estimate", "Estimated", "From a survey.", mark="a")
    markup = svg.part_chart(_series((2018, 10, None), (2019, 12, marked)), labels=LABELS, fmt=str, title="x")
    assert _stars(markup) == ["2019: Estimated: From a survey."]
    assert _flag_texts(markup) == ["a"]
    assert markup.count("<circle ") == 2  # the unflagged point, and the legend's line; the star replaces the other
    assert ">Flagged value (see the notes)</text>" in markup


def test_without_a_table_beside_it_a_flagged_point_is_labelled_with_its_flag():
    markup = svg.part_chart(_series((2018, 10, None), (2019, 12, ESTIMATED)), labels=LABELS, fmt=str, title="x")
    assert _flag_texts(markup) == ["Estimated"]


def test_a_label_at_the_charts_edge_stays_inside_it():
    markup = svg.part_chart(_series((2018, 10, None), (2030, 50, BREAK)), labels=LABELS, fmt=str, title="x", width=400)
    x = float(re.search(r'<text x="([\d.]+)"[^>]*class="point-flag"', markup).group(1))
    assert x + svg.text_width("Break in series", svg.FLAG_SIZE) / 2 <= 400


def test_the_country_chart_marks_and_splits_each_of_its_lines():
    country = [YearValue(2018, Value(1.0)), YearValue(2019, Value(2.0, flag=BREAK)), YearValue(2020, Value(3.0))]
    region = [YearValue(2018, Value(5.0)), YearValue(2019, Value(6.0, flag=ESTIMATED)), YearValue(2020, Value(7.0))]
    markup = svg.country_series_chart(country, region, labels=LABELS, fmt=str, title="x")
    assert [len(points) for points in _lines(markup, ACTUAL)] == [2]  # 2019-2020; 2018 stands alone
    assert [len(points) for points in _lines(markup, REGION)] == [3]
    assert sorted(_stars(markup)) == ["2019: Break in series: New method.", "2019: Estimated: From a survey."]
    assert sorted(_flag_texts(markup)) == ["Break in series", "Estimated"]


def test_a_chart_without_flags_draws_no_star_label_tooltip_or_legend_entry_for_them():
    markup = svg.part_chart(_series((2018, 10, None), (2019, 12, None)), labels=LABELS, fmt=str, title="x")
    assert [len(points) for points in _lines(markup, ACTUAL)] == [2]
    assert "<title>" not in markup and "point-flag" not in markup and "Flagged value" not in markup
    assert markup.count("<circle ") == 3  # two points and the legend's


def test_a_flagged_value_without_a_number_is_not_drawn():
    missing = Flag("missing", "Missing value")
    markup = svg.part_chart(_series((2018, 10, None), (2019, None, missing)), labels=LABELS, fmt=str, title="x")
    assert _stars(markup) == [] and "Flagged value" not in markup


# The reports: their styles, and the frozen 2021 edition

TRAINED = ("HLT OP 2", "OFFICIALS_TRAINED")


def _html(edition, language, user=None) -> str:
    content, previous = edition_content(edition, user), edition_previous_content(edition, user)
    return report_render(content, previous, language=language, format="html").decode()


@pytest.mark.django_db
def test_a_report_with_flagged_values_carries_the_styles_of_their_marks_and_footnotes(rated, secretariat):
    factories.approved_values(
        secretariat,
        [
            Entry(*TRAINED, "CAREC", 2022, "80", kind=Observation.Kind.BREAK, note={"note_en": "New count."}),
            Entry(*TRAINED, "CAREC", 2022, "50", breakdown="SEX=F"),
        ],
    )
    edition = report_edition_create(
        user=secretariat,
        code="hlt-2022",
        titles={"en": "Health 2022"},
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 12, 31),
        cut_off=2022,
        sector=Sector.objects.get(code="HLT"),
    )
    html = _html(edition, "en", secretariat)
    assert '<sup class="flag-mark">a</sup>' in html
    assert ".report sup.flag-mark {" in html and ".report .footnotes {" in html and "table.categories" in html


@pytest.mark.django_db
def test_the_2021_edition_has_neither_the_styles_nor_a_flag_and_is_unchanged_by_breaks_added_later(
    edition_2021, secretariat
):
    before = {language: _html(edition_2021, language) for language in ("en", "zh-hans", "ru")}
    for html in before.values():
        assert "flag-mark" not in html and "point-flag" not in html and "<g><title>" not in html
    # Given a break in series and flagged values by sex in its years, added after it was published
    factories.approved_values(
        secretariat,
        [
            Entry(*TRAINED, "CAREC", 2019, "70"),
            Entry(*TRAINED, "CAREC", 2020, "90", kind=Observation.Kind.BREAK, note={"note_en": "New count."}),
            Entry(*TRAINED, "CAREC", 2020, "55", breakdown="SEX=F", kind=Observation.Kind.ESTIMATE),
        ],
    )
    # then it renders the same, byte for byte, in every language
    assert {language: _html(edition_2021, language) for language in before} == before


@pytest.mark.django_db
def test_the_reports_chart_marks_a_flagged_value_as_its_table_does_and_splits_at_a_break(rated, secretariat):
    factories.approved_values(
        secretariat,
        [
            Entry(*TRAINED, "CAREC", 2021, "60"),
            Entry(*TRAINED, "CAREC", 2022, "80", kind=Observation.Kind.BREAK, note={"note_en": "New count."}),
            Entry(*TRAINED, "CAREC", 2023, "90"),
        ],
    )
    edition = report_edition_create(
        user=secretariat,
        code="hlt-2023",
        titles={"en": "Health 2023"},
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2023, 12, 31),
        cut_off=2023,
        sector=Sector.objects.get(code="HLT"),
    )
    html = _html(edition, "en", secretariat)
    assert '<td class="num">80<sup class="flag-mark">a</sup></td>' in html
    chart = next(c for c in re.findall(r"<svg .*?</svg>", html) if "Break in series" in c)
    assert _stars(chart) == ["2022: Break in series: New count."]
    assert _flag_texts(chart) == ["a"]
    assert [len(points) for points in _lines(chart, ACTUAL)] == [2]  # 2022-2023; 2021 stands alone before the break
