"""Series continue across versions on the public indicator page: a part split from another shows
the earlier series up to the break, a merged part each of its sources, a rebased part a note,
and a retired part or indicator what became of it (issue 16)."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import translation

from progress.services import progress_recompute
from reports.dashboards.indicator_pages import indicator_page
from tests.versions.test_revision import REASONS, _corridor_part, _draft, _endorse, framework, secretariat  # noqa: F401
from versions import services
from workflow.loading import published_observations_import

# The indicator page's queries, pinned in tests/dashboards/test_queries.py and
# tests/indicators/test_indicator_page.py: two of them read the versions' lineage and retirements.
INDICATOR_PAGE = 16

ROAD = {2019: 21.5, 2020: 22.0, 2021: 22.4, 2022: 23.1, 2023: 23.6, 2024: 24.0, 2025: 24.8, 2026: 25.3}
EAST_WEST = {2027: 31.0, 2028: 32.5}


def _regional(indicator: str, part: str, values: dict[int, float]) -> list[dict]:
    """Published regional figures, as the loader takes them (workflow.loading)."""
    return [
        {"indicator": indicator, "part": part, "country": "CAREC", "year": year, "value": value, "source": "PRF2020"}
        for year, value in values.items()
    ]


def _load(*groups: list[dict]) -> None:
    published_observations_import(data={"observations": [row for group in groups for row in group]})
    progress_recompute()


def _get(client, language: str, slug: str):
    with translation.override(language):
        url = reverse("indicator_detail", args=[slug])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _figure(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{chart_id}-data">(.*?)</script>', html, re.S)
    assert found, chart_id
    return json.loads(found.group(1))


def _traces(figure: dict, name: str) -> list[dict]:
    return [trace for trace in figure["data"] if trace.get("name") == name]


@pytest.fixture
def revised(secretariat, framework):  # noqa: F811
    version = _endorse(secretariat, _draft(secretariat, framework))
    _load(_regional("TRP OC 1", "ROAD_SWD", ROAD), _regional("TRP OC 1", "ROAD_SWD_EW", EAST_WEST))
    return version


def test_split_part_shows_the_old_road_series_up_to_the_break(revised, client):
    figure = _figure(_get(client, "en", "TRP-OC-1"), "part-road_swd_ew")

    earlier = _traces(figure, "ROAD_SWD before version 2027")
    lines = [t for t in earlier if t["mode"] == "lines+markers"]
    assert [(t["x"], t["y"]) for t in lines] == [(list(ROAD), list(ROAD.values()))]
    assert lines[0]["line"]["dash"] == "dash"
    own = [t for t in _traces(figure, "Actual (region)") if t["mode"] == "lines+markers"]
    assert [(t["x"], t["y"]) for t in own] == [(list(EAST_WEST), list(EAST_WEST.values()))]
    # the first value of the new series is a break: a star, its flag in the tooltip
    stars = [t for t in _traces(figure, "Actual (region)") if t["mode"] == "markers"]
    assert [(t["x"], t["marker"]["symbol"]) for t in stars] == [([2027], "star")]
    assert "break in series" in stars[0]["customdata"][0][2]
    assert figure["layout"]["xaxis"]["range"][0] == 2018.5
    # the other corridor, without values of its own yet, still shows the road series
    other = _figure(_get(client, "en", "TRP-OC-1"), "part-road_swd_ns")
    assert _traces(other, "ROAD_SWD before version 2027")


def test_split_part_table_shows_the_earlier_values_with_a_footnote(revised, client):
    with translation.override("en"):
        page = indicator_page(slug="TRP-OC-1")
    part = next(p for p in page["parts"] if p.code == "ROAD_SWD_EW")
    table = part.shown_table
    column = table.headers.index("ROAD_SWD before version 2027")
    actual = table.headers.index("Actual (region)")
    rows = {row[0]: row for row in table.rows}
    assert {year: rows[year][column].number for year in ROAD} == ROAD
    assert all(rows[year][actual] is None for year in ROAD)
    assert rows[2027][column] is None and rows[2027][actual].number == EAST_WEST[2027]
    notes = {note.mark: note for note in part.table_notes}
    earlier, broken = rows[2019][column].flag, rows[2027][actual].flag
    assert (notes[earlier.mark].label, notes[earlier.mark].note) == (
        "Series before version 2027",
        "Road: speed with delay (ROAD_SWD), split into ROAD_SWD_EW and ROAD_SWD_NS",
    )
    assert all(rows[year][column].flag.mark == earlier.mark for year in ROAD)  # one note for the column
    assert notes[broken.mark].label == "break in series" and "ROAD_SWD" in notes[broken.mark].note
    assert rows[2028][actual].flag is None
    # the page says where the series comes from, and the download carries the same columns
    assert any("Split from Road: speed with delay (ROAD_SWD) in version 2027" in line for line in part.lineage_notes)
    html = _get(client, "en", "TRP-OC-1")
    assert "Series before version 2027" in html and "split into ROAD_SWD_EW and ROAD_SWD_NS" in html
    csv = client.get(reverse("indicator_download", args=["TRP-OC-1", "ROAD_SWD_EW", "series", "csv"])).content
    assert "ROAD_SWD before version 2027" in csv.decode("utf-8-sig").splitlines()[0]


def test_retired_part_says_which_parts_continue_it(revised, client):
    html = _get(client, "en", "TRP-OC-1")
    road = html[html.index('id="part-ROAD_SWD"') : html.index('id="part-ROAD_SWD_EW"')]
    assert "Retired in version 2027." in road and REASONS["split"]["en"] in road
    assert 'href="#part-ROAD_SWD_EW"' in road and 'href="#part-ROAD_SWD_NS"' in road
    assert "/en/framework/changes/?to=2027&amp;from=2020" in road
    # the road part keeps its own values, without a break
    figure = _figure(html, "part-road_swd")
    assert not [t for t in figure["data"] if t.get("marker", {}).get("symbol") == "star"]


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_retired_indicator_shows_the_retirement_in_each_language(revised, client, language):
    html = _get(client, language, "TRD-OC-1.1")
    assert 'class="notice retired"' in html
    notice = html[html.index('class="notice retired"') :]
    notice = notice[: notice.index("</div>")]
    assert "2027" in notice and REASONS["retire"][language] in notice
    assert f"/{language}/framework/changes/?to=2027&amp;from=2020" in notice
    # still reachable with its values, and the list marks it retired
    assert 'id="part-export_growth-data"' in html
    with translation.override(language):
        listed = client.get(reverse("indicator_index")).content.decode()
    row = listed[listed.index("TRD OC 1.1") :]
    assert 'class="tag retired"' in row[: row.index("</th>")]
    assert 'class="tag retired"' not in listed[: listed.index("TRD OC 1.1")]


def test_an_indicator_in_force_has_no_notice(revised, client):
    html = _get(client, "en", "TRD-OC-1.2")
    assert "notice retired" not in html and "before version" not in html


def test_rebased_part_keeps_its_values_with_a_note(revised, client):
    html = _get(client, "en", "TRD-OC-1")
    fuel = html[html.index('id="part-FUEL_WORLD"') :]
    assert "Baseline re-set in version 2027: multiplied by 1.1." in fuel
    assert "Series rebased" in fuel
    # its values before 2027 are drawn on the new basis (tests/versions/test_rebased_series.py)
    figure = _figure(html, "part-fuel_world")
    assert _traces(figure, "FUEL_WORLD before version 2027, on the new basis")


def test_merged_part_shows_each_source_as_its_own_line(secretariat, framework, client):  # noqa: F811
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    merged = _corridor_part("ALL_SWOD", "All modes: speed without delay", "所有方式：无延误速度", "Все виды")
    services.change_add(
        user=secretariat,
        version=version,
        kind="merge_parts",
        reason=REASONS["split"],
        payload={"indicator": "TRP OC 1", "parts": ["ROAD_SWOD", "RAIL_SWOD"], "into": merged},
    )
    _endorse(secretariat, version)
    _load(
        _regional("TRP OC 1", "ROAD_SWOD", {2024: 40.0, 2025: 41.0}),
        _regional("TRP OC 1", "RAIL_SWOD", {2025: 20.0, 2026: 21.0}),
        _regional("TRP OC 1", "ALL_SWOD", {2027: 35.0}),
    )

    figure = _figure(_get(client, "en", "TRP-OC-1"), "part-all_swod")

    road = [t for t in _traces(figure, "ROAD_SWOD before version 2027") if t["mode"] == "lines+markers"]
    rail = [t for t in _traces(figure, "RAIL_SWOD before version 2027") if t["mode"] == "lines+markers"]
    assert [(t["x"], t["y"]) for t in road] == [([2024, 2025], [40.0, 41.0])]
    assert [(t["x"], t["y"]) for t in rail] == [([2025, 2026], [20.0, 21.0])]
    assert road[0]["line"]["color"] != rail[0]["line"]["color"]
    with translation.override("en"):
        part = next(p for p in indicator_page(slug="TRP-OC-1")["parts"] if p.code == "ALL_SWOD")
    assert {n.note for n in part.table_notes} >= {
        "Road: speed without delay (ROAD_SWOD), merged into ALL_SWOD",
        "Rail: speed without delay (RAIL_SWOD), merged into ALL_SWOD",
    }


def test_the_indicator_page_costs_the_same_with_a_history(secretariat, framework, client, django_assert_num_queries):  # noqa: F811
    progress_recompute()
    with django_assert_num_queries(INDICATOR_PAGE):
        _get(client, "en", "TRP-OC-1")
    _endorse(secretariat, _draft(secretariat, framework))
    _load(_regional("TRP OC 1", "ROAD_SWD", ROAD), _regional("TRP OC 1", "ROAD_SWD_EW", EAST_WEST))
    for slug in ("TRP-OC-1", "TRD-OC-1.1", "TRD-OC-1"):  # split, retired, rebased
        with django_assert_num_queries(INDICATOR_PAGE):
            _get(client, "en", slug)
