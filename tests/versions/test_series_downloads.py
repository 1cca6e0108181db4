"""Series continue across versions in the charts taken away and the embeddable page, as on the
indicator page (tests/versions/test_series.py): a part split from another draws the earlier
part's series up to the break as a dashed line of its own, named in the legend in the chart's
language, from the same lineage the page reads, in the same number of queries."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import Observation
from reports import svg
from reports.dashboards.charts import ACTUAL, EARLIER_STYLES, EarlierSeries, PartSeries, Value, YearValue
from tests.dashboards.test_takeaway import CHART_QUERIES, EMBED_QUERIES, png_size, svg_size
from tests.versions.test_revision import framework, secretariat  # noqa: F401
from tests.versions.test_series import ROAD, revised  # noqa: F401

LABEL = {"en": "ROAD_SWD before version 2027", "ru": "ROAD_SWD до версии 2027"}
ROAD_COLOUR = EARLIER_STYLES[0][0]


def _url(name: str, language: str, *args: str) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def _points(polyline: str) -> list[tuple[float, float]]:
    found = re.search(r'points="([^"]+)"', polyline)
    return [tuple(map(float, pair.split(","))) for pair in found.group(1).split()]


def _lines(markup: str, colour: str) -> list[str]:
    return re.findall(rf'<polyline points="[^"]+" fill="none" stroke="{colour}"[^>]*/>', markup)


def _earlier(markup: str, part: str) -> str:
    """The group an earlier part's series is drawn in."""
    found = re.search(rf'<g class="earlier" data-part="{part}">(.*?)</g>', markup, re.S)
    assert found, part
    return found.group(1)


def _year_x(markup: str) -> dict[int, float]:
    """Where the chart writes each year under its axis."""
    return {
        int(year): float(x) for x, year in re.findall(r'<text x="([-\d.]+)" y="[-\d.]+" [^>]*>(\d{4})</text>', markup)
    }


def _draws_the_road_series(markup: str, language: str) -> None:
    """The road's values as a dashed line through their years, in proportion to the values, with
    its legend entry (a dashed line in the same colour) named in the language."""
    group = _earlier(markup, "ROAD_SWD")
    assert f"<title>{LABEL[language]}</title>" in group
    [line] = _lines(group, ROAD_COLOUR)
    assert 'stroke-dasharray="6 4"' in line
    points = _points(line)
    years = _year_x(markup)
    assert [x for x, _y in points] == [years[year] for year in ROAD]
    values = list(ROAD.values())
    scale = (points[-1][1] - points[0][1]) / (values[-1] - values[0])
    assert scale < 0  # higher values drawn higher
    for (_x, y), value in zip(points, values, strict=True):
        assert y == pytest.approx(points[0][1] + scale * (value - values[0]), abs=0.15)
    assert group.count("<circle") == len(ROAD) and group.count('fill="#ffffff"') == len(ROAD)  # hollow markers
    legend = re.search(
        rf'<line [^>]*stroke="{ROAD_COLOUR}" stroke-width="2.5" stroke-dasharray="6 4"/>'
        rf"<circle [^>]*/><text [^>]*>{re.escape(LABEL[language])}</text>",
        markup,
    )
    assert legend, "legend entry"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_svg_of_a_split_part_draws_the_earlier_series_dashed_and_named_in_the_language(
    revised,  # noqa: F811
    client,
    django_assert_num_queries,
    language,
):
    url = _url("indicator_chart", language, "TRP-OC-1", "ROAD_SWD_EW", "series", "svg")
    with django_assert_num_queries(CHART_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    markup = response.content.decode()
    ET.fromstring(markup)  # well-formed, for the PNG and for whoever opens it
    _draws_the_road_series(markup, language)
    # the part's own values start at the break: their line does not join the road's
    own = [_points(line) for line in _lines(markup, ACTUAL)]
    years = _year_x(markup)
    assert [[x for x, _y in line] for line in own] == [[years[2027], years[2028]]]
    with translation.override(language):
        broken = str(Observation.Kind.BREAK.label)
    assert f"<title>2027: {broken}" in markup  # the first value of its own series is a break


def test_the_png_of_a_split_part_is_drawn_from_the_same_svg(revised, client):  # noqa: F811
    drawn = svg_size(
        client.get(_url("indicator_chart", "en", "TRP-OC-1", "ROAD_SWD_EW", "series", "svg")).content.decode()
    )
    response = client.get(_url("indicator_chart", "en", "TRP-OC-1", "ROAD_SWD_EW", "series", "png"))
    assert response.status_code == 200 and png_size(response.content) == (2 * drawn[0], 2 * drawn[1])


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_embed_page_of_a_split_part_carries_the_earlier_series_and_its_note(
    revised,  # noqa: F811
    client,
    django_assert_num_queries,
    language,
):
    url = _url("indicator_embed", language, "TRP-OC-1", "ROAD_SWD_EW")
    with django_assert_num_queries(EMBED_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    chart = html[html.index("<svg") : html.index("</svg>") + 6]
    _draws_the_road_series(chart, language)
    # the table has the road's column, its values footnoted with where they come from
    table = html[html.index("<table>") : html.index("</table>")]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table)
    assert LABEL[language] in headers
    column = headers.index(LABEL[language])
    rows = re.findall(r"<tr><th scope=\"row\">(\d{4})</th>(.*?)</tr>", table)
    cells = {int(year): re.findall(r"<td>(.*?)</td>", cells) for year, cells in rows}
    separator = "," if language == "ru" else "."
    assert cells[2019][column - 1].startswith(f"21{separator}5<sup")
    assert 'href="#embed-note-' in cells[2019][column - 1]
    notes = html[html.index('class="footnotes"') :]
    with translation.override(language):
        heading = translation.gettext("Series before version %(version)s") % {"version": "2027"}
    assert heading in notes and "ROAD_SWD_EW" in notes and "ROAD_SWD_NS" in notes
    if language == "ru":
        assert heading == "Ряд до версии 2027"


def test_a_split_part_without_values_of_its_own_still_draws_the_earlier_series(revised, client):  # noqa: F811
    """As on the page: the other corridor shows the road's series until its own values come."""
    markup = client.get(_url("indicator_chart", "en", "TRP-OC-1", "ROAD_SWD_NS", "series", "svg")).content.decode()
    _draws_the_road_series(markup, "en")
    assert not _lines(markup, ACTUAL)
    embed = client.get(_url("indicator_embed", "en", "TRP-OC-1", "ROAD_SWD_NS")).content.decode()
    assert '<g class="earlier" data-part="ROAD_SWD">' in embed and "No approved value yet." not in embed
    # and the page offers the picture it can draw (PartSeries.drawn, the one rule)
    page = client.get(_url("indicator_detail", "en", "TRP-OC-1")).content.decode()
    assert _url("indicator_chart", "en", "TRP-OC-1", "ROAD_SWD_NS", "series", "svg") in page


def test_a_part_without_lineage_draws_as_before(revised, client):  # noqa: F811
    """The road part itself continues nothing: its own line, no earlier series, no hollow marker."""
    markup = client.get(_url("indicator_chart", "en", "TRP-OC-1", "ROAD_SWD", "series", "svg")).content.decode()
    assert 'class="earlier"' not in markup and "before version" not in markup
    [line] = _lines(markup, ACTUAL)
    assert len(_points(line)) == len(ROAD) and "stroke-dasharray" not in line
    embed = client.get(_url("indicator_embed", "en", "TRP-OC-1", "ROAD_SWD")).content.decode()
    assert 'class="earlier"' not in embed and "before version" not in embed


def _merged(*sources: tuple[str, dict[int, float]]) -> PartSeries:
    return PartSeries(
        code="ALL",
        name="all",
        unit="km/h",
        value_type="number",
        baseline=None,
        milestones=[],
        actuals=[YearValue(2027, Value(35.0))],
        earlier=[
            EarlierSeries(code, f"{code} before version 2027", [YearValue(y, Value(v)) for y, v in values.items()])
            for code, values in sources
        ],
    )


def test_each_part_merged_is_its_own_dashed_line_in_its_own_colour_and_shape():
    labels = {"actual": "Actual (region)", "expected": "Expected path", "trend": "Trend", "baseline": "Baseline"}
    markup = svg.part_chart(
        _merged(("ROAD", {2024: 40.0, 2025: 41.0}), ("RAIL", {2025: 20.0, 2026: 21.0})),
        labels=labels,
        fmt=str,
        title="x",
    )
    road, rail = _earlier(markup, "ROAD"), _earlier(markup, "RAIL")
    (road_colour, road_shape), (rail_colour, rail_shape) = EARLIER_STYLES[:2]
    assert len(_lines(road, road_colour)) == 1 and len(_lines(rail, rail_colour)) == 1
    assert road_shape == "circle-open" and road.count("<circle") == 2
    assert rail_shape == "square-open" and rail.count("<rect") == 2
    assert ">ROAD before version 2027</text>" in markup and ">RAIL before version 2027</text>" in markup
    # the same chart without the earlier series is the chart as it was drawn before them
    alone = svg.part_chart(_merged(), labels=labels, fmt=str, title="x")
    assert "earlier" not in alone and "before version" not in alone and 'fill="#ffffff" stroke' not in alone
