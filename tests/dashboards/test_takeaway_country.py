"""The country pages' charts to take away: each part's chart (the member against the region) as
SVG and PNG, drawn by reports.svg with its title, source and date of the data in the image, in
the page's language."""

import datetime
import re
import struct
import zlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clusters.models import Country
from indicators.models import Indicator, IndicatorPart, Observation
from progress.models import RegionalValue
from reports import svg
from reports.dashboards.charts import ACTUAL, REGION, Value, YearValue
from reports.formatting import long_date

LANGUAGES = ("en", "zh-hans", "ru")
CHART = "/{lang}/countries/{country}/TRD-OC-1.1/EXPORT_GROWTH.{fmt}"
# The country page's reads (tests/dashboards/test_queries.py, COUNTRY), nothing more.
COUNTRY_QUERIES = 4


def png_chunks(body: bytes) -> list[tuple[bytes, bytes]]:
    """The PNG's chunks, each checked against its CRC: a truncated or corrupt file fails here."""
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(body):
        (length,) = struct.unpack(">I", body[at : at + 4])
        kind, data = body[at + 4 : at + 8], body[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", body[at + 8 + length : at + 12 + length])
        assert zlib.crc32(kind + data) == crc, kind
        chunks.append((kind, data))
        at += 12 + length
    return chunks


def svg_size(markup: str) -> tuple[int, int]:
    found = re.match(r'<svg [^>]*?width="(\d+)" height="(\d+)"', markup)
    return int(found.group(1)), int(found.group(2))


def drawn_text(markup: str) -> str:
    """The words drawn, without white space: the title and source are wrapped onto lines, and
    Chinese is broken between any two characters."""
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", markup)).replace("&#x27;", "'")


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _dated(part: IndicatorPart, country: Country) -> tuple[datetime.date, datetime.date]:
    """Give the member's values and the region's values of a part distinct dates of change."""
    own, region = datetime.date(2024, 3, 5), datetime.date(2023, 11, 20)
    Observation.objects.filter(part=part, country=country).update(
        updated_at=datetime.datetime(2024, 3, 5, 9, 0, tzinfo=datetime.UTC)
    )
    RegionalValue.objects.filter(part=part).update(
        updated_at=datetime.datetime(2023, 11, 20, 9, 0, tzinfo=datetime.UTC)
    )
    return own, region


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_country_chart_downloads_as_svg_with_its_title_source_and_date_in_the_language(rated, client, language):
    part = IndicatorPart.objects.get(indicator__code="TRD OC 1.1", code="EXPORT_GROWTH")
    kaz = Country.objects.get(code="KAZ")
    own, _region = _dated(part, kaz)
    response = client.get(CHART.format(lang=language, country="KAZ", fmt="svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert f'filename="KAZ_TRD-OC-1.1_EXPORT_GROWTH_{language}.svg"' in response["Content-Disposition"]
    markup = response.content.decode()
    with translation.override(language):
        caption = translation.gettext("%(part)s: %(country)s and the CAREC region, by year") % {
            "part": part.name,
            "country": kaz.name,
        }
        source = translation.gettext("Source: %(source)s") % {"source": part.indicator.data_sources}
        dated = translation.gettext("Data as of %(date)s") % {"date": long_date(own)}  # the later of the two
        region = translation.gettext("CAREC region")
        statement = part.indicator.statement
    assert part.indicator.data_sources  # the indicator names its sources in each language
    text = drawn_text(markup)
    assert squashed(caption) in text
    assert squashed(statement) in text
    assert squashed(source) in text and squashed(dated) in text
    assert f">{kaz.name}</text>" in markup and f">{region}</text>" in markup  # the legend, in the language
    assert f"<title>{caption}</title>" in markup.replace("&#x27;", "'")
    # the member's values a solid line with circles, the region's a dashed line with squares
    assert re.search(rf'<polyline [^>]*stroke="{ACTUAL}" stroke-width="2.5"/>', markup)
    assert re.search(rf'<polyline [^>]*stroke="{REGION}" stroke-width="2.0" stroke-dasharray="6 4"/>', markup)
    assert markup.count('<circle cx="') >= 2 + 1  # KAZ's two numbers, and its legend's marker


def test_the_source_falls_back_to_what_the_members_values_cite(rated, client):
    Indicator.objects.filter(code="TRD OC 1.1").update(data_sources_en="", data_sources_ru="", data_sources_zh_hans="")
    cited = Observation.objects.filter(
        part__indicator__code="TRD OC 1.1", part__code="EXPORT_GROWTH", country__code="KAZ"
    ).first()
    with translation.override("en"):
        name = cited.source.name if cited.source else cited.citation
    markup = client.get(CHART.format(lang="en", country="KAZ", fmt="svg")).content.decode()
    assert squashed(f"Source: {name}") in drawn_text(markup)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_country_chart_downloads_as_a_valid_png_twice_the_size_of_its_svg(rated, client, language):
    drawn = svg_size(client.get(CHART.format(lang=language, country="TKM", fmt="svg")).content.decode())
    response = client.get(CHART.format(lang=language, country="TKM", fmt="png"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert f'filename="TKM_TRD-OC-1.1_EXPORT_GROWTH_{language}.png"' in response["Content-Disposition"]
    chunks = png_chunks(response.content)
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    assert struct.unpack(">II", chunks[0][1][:8]) == (2 * drawn[0], 2 * drawn[1])
    assert 20_000 < len(response.content) < 600_000  # text and lines drawn, not a blank page


def test_a_repeated_country_chart_download_is_answered_304_and_says_when_its_data_changed(rated, client):
    part = IndicatorPart.objects.get(indicator__code="TRD OC 1.1", code="EXPORT_GROWTH")
    _dated(part, Country.objects.get(code="KAZ"))
    url = CHART.format(lang="en", country="KAZ", fmt="png")
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"] == "Tue, 05 Mar 2024 09:00:00 GMT"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(CHART.format(lang="ru", country="KAZ", fmt="png"))["ETag"] != first["ETag"]
    assert client.get(CHART.format(lang="en", country="TKM", fmt="png"))["ETag"] != first["ETag"]


def test_country_charts_that_do_not_exist_are_404(rated, client):
    assert client.get(CHART.format(lang="en", country="XYZ", fmt="svg")).status_code == 404  # no such country
    assert client.get(CHART.format(lang="en", country="AFG", fmt="svg")).status_code == 404  # no values there
    assert client.get("/en/countries/KAZ/TRD-OC-1.1/NOPE.svg").status_code == 404  # no such part
    assert client.get("/en/countries/KAZ/NOPE/EXPORT_GROWTH.png").status_code == 404  # no such indicator
    assert client.get("/en/countries/KAZ/TRD-OC-1/FUEL_CAREC.svg").status_code == 404  # reported for the region only
    assert client.get(CHART.format(lang="en", country="KAZ", fmt="gif")).status_code == 404
    # a part on the page with nothing to draw: no number for the member, and none for the region
    RegionalValue.objects.filter(part__indicator__code="TRD OP 1.1", part__code="SERVICES_EXPORTS").delete()
    assert client.get("/en/countries/TKM/TRD-OP-1.1/SERVICES_EXPORTS.svg").status_code == 404
    assert client.get("/en/countries/TKM/TRD-OP-1.1/SERVICES_IMPORTS.svg").status_code == 200  # the region's alone


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_a_country_chart_takes_the_country_pages_queries_for_one_part_or_nine(rated, client):
    kaz_parts = Observation.objects.filter(country__code="KAZ").values("part").distinct().count()
    Observation.objects.filter(country__code="TKM").exclude(
        part__indicator__code="TRD OC 1.1", part__code="EXPORT_GROWTH"
    ).delete()
    assert kaz_parts == 9 and Observation.objects.filter(country__code="TKM").values("part").distinct().count() == 1
    for fmt in ("svg", "png"):
        assert _queries(client, CHART.format(lang="en", country="TKM", fmt=fmt)) == COUNTRY_QUERIES
        assert _queries(client, CHART.format(lang="en", country="KAZ", fmt=fmt)) == COUNTRY_QUERIES
    assert _queries(client, "/en/countries/KAZ/") == COUNTRY_QUERIES


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_country_page_links_each_chart_to_its_svg_and_png(rated, client, language):
    html = client.get(f"/{language}/countries/KAZ/").content.decode()
    parts = IndicatorPart.objects.filter(observations__country__code="KAZ").select_related("indicator").distinct()
    assert len(parts) == 9
    for part in parts:
        for fmt in ("svg", "png"):
            url = f"/{language}/countries/KAZ/{part.indicator.slug}/{part.code}.{fmt}"
            assert f'href="{url}" download' in html, url
            assert client.get(url).status_code == 200, url  # each link answers
    with translation.override(language):
        label = translation.gettext("Download the chart:")
        caption = translation.gettext("%(part)s: %(country)s and the CAREC region, by year") % {
            "part": parts[0].name,
            "country": Country.objects.get(code="KAZ").name,
        }
    assert html.count(f'<p class="downloads">{label} <a href=') == 9
    assert "<figcaption" in html and caption.replace("'", "&#x27;") in html  # the page's caption is the picture's title


def test_a_part_with_nothing_to_draw_offers_no_picture_on_the_country_page(rated, client):
    RegionalValue.objects.filter(part__indicator__code="TRD OP 1.1", part__code="SERVICES_EXPORTS").delete()
    html = client.get("/en/countries/TKM/").content.decode()
    assert "TRD-OP-1.1/SERVICES_EXPORTS.svg" not in html
    assert 'href="/en/countries/TKM/TRD-OP-1.1/SERVICES_IMPORTS.svg" download' in html


# ---------------------------------------------------------------------------------------------
# The drawing (reports.svg.country_series_chart), without a database


def _chart(country: list[YearValue], region: list[YearValue]) -> str:
    return svg.country_series_chart(
        country, region, labels={"country": "Kazakhstan", "region": "CAREC region"}, fmt=str, title="t"
    )


def test_the_drawing_shows_the_region_alone_when_the_member_has_no_number_and_nothing_when_neither_has():
    none = [YearValue(2020, Value(None, label="not available"))]
    region = [YearValue(2019, Value(1.0)), YearValue(2020, Value(3.0))]
    alone = _chart(none, region)
    assert ">CAREC region</text>" in alone and ">Kazakhstan</text>" not in alone
    assert f'stroke="{ACTUAL}"' not in alone and alone.count("<polyline") == 1
    assert _chart(none, []) == "" and _chart([], []) == ""
    both = _chart([YearValue(2021, Value(2.5))], region)
    assert ">2021</text>" in both and ">2019</text>" in both  # the years of both series on the axis
    assert both.index(f'fill="{REGION}"') < both.index(f'fill="{ACTUAL}"')  # the member drawn over the region
