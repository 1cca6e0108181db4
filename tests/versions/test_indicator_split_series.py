"""A part of an indicator split from another, or merged from others, continues the old indicator's
part on the new indicator's page as a part split within its indicator does
(tests/versions/test_series.py): the old part's regional values up to the break, dashed, labelled
and footnoted, named with the old indicator's code, read in the page's queries."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import IndicatorPart, Observation
from progress.models import RegionalValue
from progress.services import progress_recompute
from reports.dashboards.indicator_pages import indicator_page
from tests.dashboards.test_takeaway import CHART_QUERIES
from tests.versions.test_indicator_split_merge import _revised
from tests.versions.test_revision import framework, secretariat  # noqa: F401
from tests.versions.test_series import INDICATOR_PAGE, _figure, _get, _load, _regional, _traces
from tests.versions.test_series_downloads import _earlier

pytestmark = pytest.mark.django_db

OLD_RAIL = {2019: 30.1, 2020: 30.4, 2021: 31.0, 2022: 31.2, 2023: 31.9, 2024: 32.4, 2025: 33.0, 2026: 33.5}
NEW_RAIL = {2027: 36.0, 2028: 37.5}
GOODS_TRADE = {2024: 500.0, 2025: 520.0, 2026: 540.0}
FDI_INFLOWS = {2025: 80.0, 2026: 85.0}
FLOWS = {2027: 640.0}
# The earlier series' label in each language: the old part named with its indicator's code.
LABEL = {"en": "TRP OC 1 · RAIL_SWD before version 2027", "ru": "TRP OC 1 · RAIL_SWD до версии 2027"}
EARLIER = {"en": "Series before version 2027", "ru": "Ряд до версии 2027"}


@pytest.fixture
def split(secretariat, framework):  # noqa: F811
    """The split and the merge of indicators endorsed, the old rail part's values loaded before
    it and the new rail part's after."""
    _load(
        _regional("TRP OC 1", "RAIL_SWD", OLD_RAIL),
        _regional("TRD OC 1.2", "GOODS_TRADE", GOODS_TRADE),
        _regional("TRD OC 1.3", "FDI_INFLOWS", FDI_INFLOWS),
    )
    version = _revised(secretariat, framework)
    _load(_regional("TRP OC 1.2", "RAIL_SWD", NEW_RAIL), _regional("TRD OC 1.5", "FLOWS", FLOWS))
    return version


def _values_before(indicator: str, code: str, year: int) -> tuple[list[int], list[float]]:
    """An old part's regional values before a year (the framework's own and those loaded here)."""
    rows = RegionalValue.objects.filter(part__indicator__code=indicator, part__code=code, year__lt=year)
    pairs = sorted(rows.values_list("year", "value"))
    return [year for year, _value in pairs], [value for _year, value in pairs]


def _old_name(indicator: str, code: str, language: str) -> str:
    part = IndicatorPart.objects.get(indicator__code=indicator, code=code)
    with translation.override(language):
        return part.name


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_new_indicator_draws_the_old_indicators_part_up_to_the_break(split, client, language):
    figure = _figure(_get(client, language, "TRP-OC-1.2"), "part-rail_swd")

    earlier = [t for t in _traces(figure, LABEL[language]) if t["mode"] == "lines+markers"]
    assert [(t["x"], t["y"]) for t in earlier] == [(list(OLD_RAIL), list(OLD_RAIL.values()))]
    assert earlier[0]["line"]["dash"] == "dash"
    with translation.override(language):
        actual = str(_("Actual (region)"))
        broken = str(Observation.Kind.BREAK.label)
    own = [t for t in _traces(figure, actual) if t["mode"] == "lines+markers"]
    assert [(t["x"], t["y"]) for t in own] == [(list(NEW_RAIL), list(NEW_RAIL.values()))]
    stars = [t for t in _traces(figure, actual) if t["mode"] == "markers"]
    assert [(t["x"], t["marker"]["symbol"]) for t in stars] == [([2027], "star")]
    assert broken in stars[0]["customdata"][0][2]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_table_and_notes_name_the_old_part_with_its_indicator(split, client, language):
    with translation.override(language):
        page = indicator_page(slug="TRP-OC-1.2")
        headers = {"actual": _("Actual (region)"), "break": str(Observation.Kind.BREAK.label)}
    rail = next(p for p in page["parts"] if p.code == "RAIL_SWD")
    named = f"{_old_name('TRP OC 1', 'RAIL_SWD', language)} (TRP OC 1 · RAIL_SWD)"
    table = rail.shown_table
    column, actual = table.headers.index(LABEL[language]), table.headers.index(headers["actual"])
    rows = {row[0]: row for row in table.rows}
    assert {year: rows[year][column].number for year in OLD_RAIL} == OLD_RAIL
    assert all(rows[year][actual] is None for year in OLD_RAIL)
    assert rows[2027][column] is None and rows[2027][actual].number == NEW_RAIL[2027]
    notes = {note.mark: note for note in rail.table_notes}
    earlier, broken = notes[rows[2019][column].flag.mark], notes[rows[2027][actual].flag.mark]
    assert all(rows[year][column].flag.mark == rows[2019][column].flag.mark for year in OLD_RAIL)
    assert earlier.label == EARLIER[language]
    assert earlier.note.startswith(named) and earlier.note.endswith("RAIL_SWD")  # split into the new RAIL_SWD
    assert broken.label == headers["break"] and named in broken.note
    assert "TRP OC 1," in broken.note and "2027" in broken.note  # what it continues: the retired indicator
    assert rows[2028][actual].flag is None
    assert any(named in line and "2027" in line for line in rail.lineage_notes)
    if language == "en":
        assert rail.lineage_notes[0].startswith(
            "Split from Rail: speed with delay (TRP OC 1 · RAIL_SWD) in version 2027: the chart and its table "
            "show that series up to 2026"
        )
        assert broken.note == (
            "This part's series starts with version 2027; before it, the series it was split from: "
            "Rail: speed with delay (TRP OC 1 · RAIL_SWD). It continues indicator TRP OC 1, retired in version 2027."
        )
        assert earlier.note == "Rail: speed with delay (TRP OC 1 · RAIL_SWD), split into RAIL_SWD"
    # the part new in the split continues nothing
    dwell = next(p for p in page["parts"] if p.code == "RAIL_DWELL")
    assert not dwell.series.earlier and not dwell.lineage_notes
    # the page's own parts only: the old indicator's part is read, not shown as a part of its own
    assert [p.code for p in page["parts"]] == ["RAIL_SWD", "RAIL_SWOD", "RAIL_DWELL"]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_svg_of_the_new_part_draws_the_old_part_dashed(split, client, django_assert_num_queries, language):
    with translation.override(language):
        url = reverse("indicator_chart", args=["TRP-OC-1.2", "RAIL_SWD", "series", "svg"])
    with django_assert_num_queries(CHART_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    markup = response.content.decode()
    ET.fromstring(markup)
    group = _earlier(markup, "TRP OC 1 · RAIL_SWD")
    assert f"<title>{LABEL[language]}</title>" in group and 'stroke-dasharray="6 4"' in group
    assert group.count("<circle") == len(OLD_RAIL)


def test_the_merged_part_draws_each_old_indicators_part(split, client):
    figure = _figure(_get(client, "en", "TRD-OC-1.5"), "part-flows")

    goods = [t for t in _traces(figure, "TRD OC 1.2 · GOODS_TRADE before version 2027") if t["mode"] == "lines+markers"]
    fdi = [t for t in _traces(figure, "TRD OC 1.3 · FDI_INFLOWS before version 2027") if t["mode"] == "lines+markers"]
    assert [(t["x"], t["y"]) for t in goods] == [_values_before("TRD OC 1.2", "GOODS_TRADE", 2027)]
    assert [(t["x"], t["y"]) for t in fdi] == [_values_before("TRD OC 1.3", "FDI_INFLOWS", 2027)]
    assert _values_before("TRD OC 1.2", "GOODS_TRADE", 2027)[0][-3:] == list(GOODS_TRADE)  # the loaded ones
    assert goods[0]["line"]["color"] != fdi[0]["line"]["color"]
    with translation.override("en"):
        page = indicator_page(slug="TRD-OC-1.5")
    flows = next(p for p in page["parts"] if p.code == "FLOWS")
    goods_name = _old_name("TRD OC 1.2", "GOODS_TRADE", "en")
    fdi_name = _old_name("TRD OC 1.3", "FDI_INFLOWS", "en")
    notes = {n.note for n in flows.table_notes}
    # GOODS_TRADE went into FLOWS and GOODS, FDI_INFLOWS into FLOWS alone
    assert f"{goods_name} (TRD OC 1.2 · GOODS_TRADE), merged into FLOWS and GOODS" in notes
    assert f"{fdi_name} (TRD OC 1.3 · FDI_INFLOWS), merged into FLOWS" in notes
    assert any(
        note.endswith("It continues indicators TRD OC 1.2 and TRD OC 1.3, retired in version 2027.") for note in notes
    )
    assert flows.lineage_notes[0].startswith(
        f"Merged from {goods_name} (TRD OC 1.2 · GOODS_TRADE) and {fdi_name} (TRD OC 1.3 · FDI_INFLOWS) in version 2027"
    )
    # the part split from one of them draws that one only
    goods_part = next(p for p in page["parts"] if p.code == "GOODS")
    assert [e.label for e in goods_part.series.earlier] == ["TRD OC 1.2 · GOODS_TRADE before version 2027"]


def test_the_old_indicator_lists_its_successors_by_indicator(split):
    with translation.override("en"):
        notice = indicator_page(slug="TRP-OC-1")["retirement"]
    assert [link.url.rsplit("/", 2)[-2:] for link in notice["successors"]] == [
        ["TRP-OC-1.1", "#part-ROAD_SWD"],
        ["TRP-OC-1.1", "#part-ROAD_SWOD"],
        ["TRP-OC-1.2", "#part-RAIL_SWD"],
        ["TRP-OC-1.2", "#part-RAIL_SWOD"],
        ["TRP-OC-1.2", "#part-RAIL_DWELL"],
    ]
    assert notice["successors"][0].text.startswith("TRP OC 1.1 · ROAD_SWD: ")


def test_the_page_costs_the_same_queries_with_parts_of_other_indicators(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    client,
    django_assert_num_queries,
):
    progress_recompute()
    with django_assert_num_queries(INDICATOR_PAGE):
        _get(client, "en", "TRP-OC-1")  # not yet revised
    _load(_regional("TRP OC 1", "RAIL_SWD", OLD_RAIL), _regional("TRD OC 1.2", "GOODS_TRADE", GOODS_TRADE))
    _revised(secretariat, framework)
    _load(_regional("TRP OC 1.2", "RAIL_SWD", NEW_RAIL))
    for slug in ("TRP-OC-1.2", "TRD-OC-1.5", "TRP-OC-1"):  # split into, merged into, split
        with django_assert_num_queries(INDICATOR_PAGE):
            _get(client, "en", slug)
