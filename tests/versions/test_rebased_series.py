"""A rebased part's series continues on its new basis (issue 16): the values stored before the
version are drawn converted (value × factor + offset, exactly) as a dashed earlier series of the
same part, its own line starts at the version with a break, and the table keeps the stored
values in the actual column beside the converted ones, footnoted with the numbers and the note.
A part that kept its series draws as it did before the revision."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorPart
from reports.dashboards.indicator_pages import indicator_page
from tests.dashboards.test_takeaway import CHART_QUERIES
from tests.versions.test_revision import _draft, _endorse, framework, secretariat  # noqa: F401
from tests.versions.test_series import INDICATOR_PAGE, _figure, _get, _load, _regional, _traces
from versions.models import PartLineage

# 21.5 × 1.1 is 23.650000000000002 in binary floats: the page shows the decimal 23.65.
BEFORE = {2019: 21.5, 2020: 22.0, 2021: 22.4, 2022: 23.1, 2023: 23.6, 2024: 24.0, 2025: 24.8, 2026: 25.3}
AFTER = {2027: 28.4, 2028: 29.0}
FUEL = BEFORE | AFTER
CONVERTED = {year: float(Decimal(str(value)) * Decimal("1.1")) for year, value in BEFORE.items()}
LABEL = "FUEL_WORLD before version 2027, on the new basis"


def _lines(figure: dict, name: str) -> list[tuple[list, list]]:
    return [(t["x"], t["y"]) for t in _traces(figure, name) if t["mode"] == "lines+markers"]


def _fuel(language: str):
    with translation.override(language):
        page = indicator_page(slug="TRD-OC-1")
    return next(p for p in page["parts"] if p.code == "FUEL_WORLD")


@pytest.fixture
def rebased(secretariat, framework):  # noqa: F811
    version = _endorse(secretariat, _draft(secretariat, framework))
    _load(_regional("TRD OC 1", "FUEL_WORLD", FUEL))
    return version


def test_converted_values_are_exact_decimals():
    assert CONVERTED[2019] == 23.65 != 21.5 * 1.1  # the test would catch float arithmetic


def test_rebased_part_draws_its_earlier_values_on_the_new_basis(rebased, client, django_assert_num_queries):
    with django_assert_num_queries(INDICATOR_PAGE):
        html = _get(client, "en", "TRD-OC-1")
    figure = _figure(html, "part-fuel_world")

    earlier = _lines(figure, LABEL)
    assert earlier == [(list(BEFORE), list(CONVERTED.values()))]
    assert [t["line"]["dash"] for t in _traces(figure, LABEL) if t["mode"] == "lines+markers"] == ["dash"]
    # its own line starts at the version, the first value a break in series (a star)
    assert _lines(figure, "Actual (region)") == [(list(AFTER), list(AFTER.values()))]
    stars = [t for t in _traces(figure, "Actual (region)") if t["mode"] == "markers"]
    assert [(t["x"], t["marker"]["symbol"]) for t in stars] == [([2027], "star")]
    assert "break in series" in stars[0]["customdata"][0][2] and "new basis" in stars[0]["customdata"][0][2]
    # the note under the heading says how the chart and table show the series
    fuel = html[html.index('id="part-FUEL_WORLD"') :]
    assert "Baseline re-set in version 2027: multiplied by 1.1." in fuel
    assert "The chart draws the values up to 2026 on the new basis" in fuel
    assert "The values are shown as stored" not in fuel


@pytest.mark.parametrize(
    ("language", "actual", "before", "factor", "note"),
    [
        ("en", "Actual (region)", "Series before version 2027", "multiplied by 1.1 in version 2027", "Series rebased"),
        ("ru", "Фактическое значение (регион)", "Ряд до версии 2027", "1,1", "Ряд пересчитан"),
    ],
)
def test_rebased_part_table_keeps_the_stored_values_beside_the_converted_ones(
    rebased, language, actual, before, factor, note
):
    part = _fuel(language)
    table = part.shown_table
    [earlier] = part.series.earlier
    label = earlier.label
    assert earlier.key == "FUEL_WORLD" and label.startswith("FUEL_WORLD") and "2027" in label
    column, stored = table.headers.index(label), table.headers.index(actual)
    assert column == stored + 1  # after the actual column, as a split part's earlier column
    rows = {row[0]: row for row in table.rows}
    # the converted values in their own column, the as-reported ones still in the actual column
    assert {year: rows[year][column].number for year in BEFORE} == CONVERTED
    assert {year: rows[year][stored].number for year in FUEL} == FUEL
    assert all(rows[year][column] is None for year in AFTER)
    # one footnote for the column: the stored values, the factor and the lineage's note
    notes = {n.mark: n for n in part.table_notes}
    marks = {rows[year][column].flag.mark for year in BEFORE}
    assert len(marks) == 1
    footnote = notes[marks.pop()]
    assert footnote.label == before
    assert factor in footnote.note and note in footnote.note
    # the stored values carry no mark: they are the figures as reported
    assert all(rows[year][stored].flag is None for year in BEFORE)
    assert rows[2027][stored].flag.kind == "break" and rows[2028][stored].flag is None


def test_rebased_part_table_footnote_names_the_conversion_in_english(rebased):
    part = _fuel("en")
    [footnote] = [n for n in part.table_notes if n.label == "Series before version 2027"]
    assert footnote.note == (
        "The values as stored (in the actual column), multiplied by 1.1 in version 2027. Series rebased"
    )


def test_rebased_part_download_keeps_both_columns(rebased, client):
    url = reverse("indicator_download", args=["TRD-OC-1", "FUEL_WORLD", "series", "csv"])
    lines = client.get(url).content.decode("utf-8-sig").splitlines()
    assert LABEL in lines[0] and "Actual (region)" in lines[0]
    row = next(line for line in lines if line.startswith("2019,"))
    assert "21.5" in row and "23.65" in row


def test_rebased_part_svg_draws_the_earlier_series_with_its_label(rebased, client, django_assert_num_queries):
    with translation.override("en"):
        url = reverse("indicator_chart", args=["TRD-OC-1", "FUEL_WORLD", "series", "svg"])
    with django_assert_num_queries(CHART_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    markup = response.content.decode()
    group = re.search(r'<g class="earlier" data-part="FUEL_WORLD">(.*?)</g>', markup, re.S)
    assert group and f"<title>{LABEL}</title>" in group.group(1)
    assert group.group(1).count("<circle") == len(BEFORE)
    assert f">{LABEL}</text>" in markup  # its legend entry


def test_a_part_that_kept_its_series_draws_as_before(secretariat, framework, client):  # noqa: F811
    other = IndicatorPart.objects.filter(indicator__code="TRD OC 1").exclude(code="FUEL_WORLD").first()
    _load(_regional("TRD OC 1", other.code, FUEL))
    chart_id = f"part-{other.code.lower()}"
    before = _figure(_get(client, "en", "TRD-OC-1"), chart_id)
    with translation.override("en"):
        table = next(p for p in indicator_page(slug="TRD-OC-1")["parts"] if p.pk == other.pk).shown_table

    version = _endorse(secretariat, _draft(secretariat, framework))

    assert PartLineage.objects.get(part=other, version=version).origin == PartLineage.Origin.SAME
    assert _figure(_get(client, "en", "TRD-OC-1"), chart_id) == before
    with translation.override("en"):
        part = next(p for p in indicator_page(slug="TRD-OC-1")["parts"] if p.pk == other.pk)
    assert part.shown_table == table and not part.series.earlier and not part.series.stored_before
