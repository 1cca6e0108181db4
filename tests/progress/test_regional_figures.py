"""Regional figures as the sources publish them: a value the source reports for the whole region
is stored as the region's value and wins over the aggregate of the country rows, and the
indicator page says which of the two it shows (reported by the source, or computed here and how).
Seed 001, paragraph 7: CAREC's merchandise exports and imports grew 30.1 % and 27.1 % in 2021,
after -7.3 % and -10.3 % in 2020; the simple mean of its table 2 gives -6.3 % and -12.0 % for 2020."""

import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorPart, Observation
from progress.models import RegionalValue
from progress.services import progress_recompute

pytestmark = pytest.mark.django_db

PUBLISHED = {
    ("EXPORT_GROWTH", 2020): Decimal("-7.3"),
    ("IMPORT_GROWTH", 2020): Decimal("-10.3"),
    ("EXPORT_GROWTH", 2021): Decimal("30.1"),
    ("IMPORT_GROWTH", 2021): Decimal("27.1"),
}
TRADE_REPORT = "ADB. CAREC Trade Sector Progress Report and Work Plan, July 2021–June 2022"


def part(indicator: str, code: str) -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code=indicator, code=code)


def page_text(client, slug: str, year: int) -> str:
    with translation.override("en"):
        url = reverse("indicator_detail", args=[slug])
    response = client.get(url, {"year": year})
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_fixture_stores_the_published_regional_growth_as_approved_region_values():
    for (code, year), value in PUBLISHED.items():
        row = Observation.objects.approved().regional().get(part=part("TRD OC 1.1", code), year=year)
        assert row.value_number == value
        assert row.source.code == "TRD_SOM_2022"
        assert row.kind != Observation.Kind.FORECAST  # a forecast would not count as the region's value


def test_the_published_figures_win_over_the_mean_of_the_country_rows():
    progress_recompute()
    for (code, year), value in PUBLISHED.items():
        regional = RegionalValue.objects.get(part=part("TRD OC 1.1", code), year=year)
        assert (regional.origin, regional.value) == ("reported", float(value))
        assert regional.contributors == []


def test_without_the_published_figure_the_region_is_the_simple_mean_of_table_2():
    exports = part("TRD OC 1.1", "EXPORT_GROWTH")
    Observation.objects.filter(part=exports, country=None, year=2020).delete()
    progress_recompute(part_ids=[exports.pk])
    regional = RegionalValue.objects.get(part=exports, year=2020)
    # AZE -30.1, PRC 4.6, GEO -12.4, KAZ -18.7, KGZ -3.4, MON -2.7, PAK -7.1, TAJ 19.8, UZB -6.8
    assert regional.origin == "aggregated" and regional.n_contributors == 9
    assert regional.value == pytest.approx(-56.8 / 9)  # -6.3: not what the report says


def test_the_indicator_page_shows_the_published_figures_as_reported_by_the_source(client):
    progress_recompute()
    text = page_text(client, "TRD-OC-1.1", 2021)
    for value in ("-7.3", "-10.3", "30.1", "27.1"):  # 2021's are estimates: a footnote mark follows them
        assert re.search(rf"<td>{re.escape(value)}(<sup class=\"fn\">.*?</sup>)?</td>", text)
    assert f"The regional values for 2020 and 2021 are reported by the source: {TRADE_REPORT}" in text
    # 2019 has no published regional figure: computed here, and the page says how
    assert (
        "The regional value for 2019 is computed here from the country values: "
        "the simple (unweighted) mean of the reporting member countries' values." in text
    )


def test_an_aggregated_part_says_it_is_computed_here_and_how(client):
    progress_recompute()
    text = page_text(client, "TRD-OC-1.4", 2021)  # GDP growth: the report gives no regional figure
    assert (
        "The regional values for 2020 and 2021 are computed here from the country values: "
        "the simple (unweighted) mean of the reporting member countries' values." in text
    )
    assert "reported by the source" not in text


def test_a_weighted_aggregate_names_its_weight(client):
    goods = part("TRD OC 1.2", "GOODS_TRADE")
    share = part("TRD OC 1.2", "GOODS_TRADE_CAREC_SHARE")
    Observation.objects.filter(part=share, country=None).delete()  # let the aggregate show
    progress_recompute(part_ids=[goods.pk, share.pk])
    assert RegionalValue.objects.get(part=share, year=2020).value == pytest.approx(2.773, abs=0.001)
    text = page_text(client, "TRD-OC-1.2", 2021)
    assert "The regional value for 2020 is reported by the source: ADB, Asia Regional Integration Center" in text
    assert (
        "The regional value for 2020 is computed here from the country values: the mean of the reporting "
        "member countries' values, weighted by their “Goods trade (exports plus imports)”." in text
    )
