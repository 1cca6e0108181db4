"""The dashboards' rating summaries to take away: the PRF's bar on the home page, a cluster's and a
sector's, as SVG and PNG drawn by reports.svg.rating_bars with the page's heading, the framework
and the rating method as source, and when the ratings last changed, in the page's language."""

import datetime
import re
import struct

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clusters.models import Cluster, Framework, Sector
from indicators.models import Indicator
from progress.models import IndicatorRating, RatingMethod
from progress.selectors import rating_summary
from reports import svg
from reports.dashboards.charts import RATING_ORDER
from reports.dashboards.indicator_pages import report_scope
from reports.formatting import long_date
from tests.dashboards.test_queries import _grow_trade_cluster
from tests.dashboards.test_takeaway_country import drawn_text, png_chunks, squashed, svg_size

LANGUAGES = ("en", "zh-hans", "ru")
URLS = {
    "prf": "/{lang}/ratings.{fmt}",
    "cluster": "/{lang}/clusters/C2/ratings.{fmt}",
    "sector": "/{lang}/sectors/TRD/ratings.{fmt}",
}
YEAR = 2021
# the report scope (two), what the bar belongs to, the counts (one GROUP BY), when they changed
RATING_QUERIES = 5


def _url(of: str, language: str = "en", fmt: str = "svg", year: int | None = YEAR) -> str:
    return URLS[of].format(lang=language, fmt=fmt) + (f"?year={year}" if year else "")


def _rows(of: str):
    rows = IndicatorRating.objects.filter(method__is_default=True, as_of=YEAR)
    return {
        "prf": rows.filter(indicator__level=Indicator.Level.PRF),
        "cluster": rows.filter(indicator__result__sector__cluster__code="C2"),
        "sector": rows.filter(indicator__result__sector__code="TRD"),
    }[of]


def _counts(of: str) -> dict[str, int]:
    method = RatingMethod.objects.get(is_default=True)
    summary = rating_summary(as_of=YEAR, method=method, level=Indicator.Level.PRF if of == "prf" else None)
    return {"prf": summary["framework"], "cluster": summary["clusters"]["C2"], "sector": summary["sectors"]["TRD"]}[of]


def _dated(of: str) -> datetime.datetime:
    """Give the bar's ratings distinct times of change; the latest is the picture's date."""
    rows = _rows(of)
    first = rows.order_by("pk").first()
    rows.update(updated_at=datetime.datetime(2024, 1, 10, 8, 0, tzinfo=datetime.UTC))
    IndicatorRating.objects.filter(pk=first.pk).update(
        updated_at=datetime.datetime(2025, 2, 14, 16, 30, tzinfo=datetime.UTC)
    )
    return datetime.datetime(2025, 2, 14, 16, 30, tzinfo=datetime.UTC)


def _heading(of: str) -> tuple[str, str]:
    """The title and subtitle the page gives the bar, in the active language."""
    if of == "prf":
        counts = _counts("prf")
        on_track = counts.get("achieved", 0) + counts.get("on_track", 0)
        total = sum(counts.values())
        title = translation.ngettext(
            "%(n)s of %(counter)s PRF indicator is achieved or on track (%(year)s).",
            "%(n)s of %(counter)s PRF indicators are achieved or on track (%(year)s).",
            total,
        ) % {"n": on_track, "counter": total, "year": YEAR}
        return title, ""
    title = translation.gettext("Indicators per rating")
    if of == "cluster":
        cluster = Cluster.objects.get(code="C2")
        return title, translation.gettext("Cluster %(number)s: %(name)s") % {
            "number": cluster.number,
            "name": cluster.name,
        }
    sector = Sector.objects.get(code="TRD")
    return title, f"{sector.name} ({sector.code})"


@pytest.mark.parametrize("of", ["prf", "cluster", "sector"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rating_summary_downloads_as_svg_with_its_heading_source_method_and_date_in_the_language(
    rated, client, language, of
):
    changed = _dated(of)
    response = client.get(_url(of, language))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    code = {"prf": "PRF", "cluster": "C2", "sector": "TRD"}[of]
    assert f'filename="ratings_{code}_{YEAR}_{language}.svg"' in response["Content-Disposition"]
    markup = response.content.decode()
    with translation.override(language):
        title, subtitle = _heading(of)
        method = RatingMethod.objects.get(is_default=True)
        source = translation.gettext("Source: %(source)s") % {"source": Framework.objects.get().name}
        method_text = translation.gettext("Method: %(name)s, version %(version)s.") % {
            "name": method.name,
            "version": method.version,
        }
        dated = translation.gettext("Data as of %(date)s") % {"date": long_date(changed.date())}
        labels = report_scope(YEAR).labels()
    text = drawn_text(markup)
    if language != "en":  # the texts are the language's, none left in English
        with translation.override("en"):
            english = [*_heading(of), translation.gettext("Indicators per rating"), "Data as of", "Method:"]
        assert not [words for words in english if words and squashed(words) in text]
    for words in (title, subtitle, source, method_text, dated):
        assert squashed(words) in text, words
    assert f"<title>{title}</title>" in markup.replace("&#x27;", "'")
    # one bar, labelled with its report year, a segment per rating in the dashboards' colours,
    # each count written in it, and the legend in the language
    counts = _counts(of)
    assert f">{YEAR}</text>" in markup
    for rating in counts:
        assert f'fill="{svg.RATING_COLOURS[rating]}"' in markup
        assert f">{labels[rating]}</text>" in markup.replace("&#x27;", "'"), rating
    assert markup.count('stroke="#ffffff" stroke-width="0.5"/>') == len(counts)  # the bar's segments
    written = [int(n) for n in re.findall(r'text-anchor="middle" fill="[^"]+">(\d+)</text>', markup)]
    assert written and set(written) <= set(counts.values())


def _segments(markup: str) -> list[tuple[str, float]]:
    """The bar's segments, left to right: (colour, width)."""
    return [
        (colour, float(width))
        for width, colour in re.findall(
            r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="18" fill="([^"]+)" stroke="#ffffff"', markup
        )
    ]


def test_the_picture_draws_the_counts_of_the_pages_year_and_falls_back_like_the_page(rated, client):
    method = RatingMethod.objects.get(is_default=True)
    years = report_scope().years
    drawn = {}
    for year in years:
        markup = client.get(_url("sector", year=year)).content.decode()
        counts = rating_summary(as_of=year, method=method)["sectors"].get("TRD", {})
        if not counts:
            continue
        drawn[year] = _segments(markup)
        assert f">{year}</text>" in markup
        # a segment per rating in the dashboards' order, as wide as its share of the bar
        ordered = [r for r in RATING_ORDER if counts.get(r)]
        assert [colour for colour, _w in drawn[year]] == [svg.RATING_COLOURS[r] for r in ordered]
        total_w = sum(w for _c, w in drawn[year])
        for (_colour, width), rating in zip(drawn[year], ordered, strict=True):
            assert width == pytest.approx(total_w * counts[rating] / sum(counts.values()), abs=0.2)
    assert len(set(map(tuple, drawn.values()))) >= 2  # the years' bars differ
    # a year without ratings is the page's default year, as the page shows it
    fallback = report_scope(1900).as_of
    assert f">{fallback}</text>" in client.get(_url("sector", year=1900)).content.decode()
    assert f"ratings_TRD_{fallback}_en.svg" in client.get(_url("sector", year=None))["Content-Disposition"]


def test_a_pictures_bar_keeps_the_frames_margin_and_the_reports_bar_does_not_move():
    rows = [("2021", {"on_track": 2, "no_data": 1})]
    plain = svg.rating_bars(rows, labels={}, title="t")
    padded = svg.rating_bars(rows, labels={}, title="t", pad=12)
    assert '<text x="0" y="' in plain and '<text x="12" y="' in padded  # the year, and the legend
    assert '<text x="0" y="' not in padded
    right = [
        float(x) + float(w)
        for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="18"', padded)
    ]
    assert max(right) == pytest.approx(640 - 12 - 4, abs=0.2)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rating_summary_downloads_as_a_valid_png_twice_the_size_of_its_svg(rated, client, language, tmp_path):
    for of in ("prf", "cluster", "sector"):
        drawn = svg_size(client.get(_url(of, language)).content.decode())
        response = client.get(_url(of, language, "png"))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].endswith(f'_{YEAR}_{language}.png"')
        chunks = png_chunks(response.content)
        assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
        assert struct.unpack(">II", chunks[0][1][:8]) == (2 * drawn[0], 2 * drawn[1])
        assert 10_000 < len(response.content) < 400_000  # text and bars drawn, not a blank page


def test_a_repeated_rating_summary_download_is_answered_304_and_says_when_the_ratings_changed(rated, client):
    _dated("cluster")
    url = _url("cluster", fmt="png")
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"] == "Fri, 14 Feb 2025 16:30:00 GMT"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(_url("cluster", "ru", "png"))["ETag"] != first["ETag"]  # another language
    assert client.get(_url("cluster", fmt="png", year=YEAR - 1))["ETag"] != first["ETag"]  # another year
    # a rating that changes changes the picture and its date
    IndicatorRating.objects.filter(pk=_rows("cluster").first().pk).update(
        rating="no_data", updated_at=datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed["Last-Modified"] == "Sat, 01 Mar 2025 09:00:00 GMT"


def test_rating_summaries_that_do_not_exist_are_404(rated, client):
    assert client.get("/en/clusters/C9/ratings.svg").status_code == 404  # no such cluster
    assert client.get("/en/sectors/NOPE/ratings.png").status_code == 404  # no such sector
    assert client.get("/en/sectors/TRD/ratings.gif").status_code == 404
    assert client.get("/en/ratings.pdf").status_code == 404
    IndicatorRating.objects.filter(indicator__result__sector__code="TRD").delete()
    assert client.get(_url("sector")).status_code == 404  # nothing rated: no bar on the page either
    assert client.get(_url("cluster")).status_code == 200  # its other sectors still are


def test_a_rating_summary_before_any_rating_is_404_not_an_error(client, db):
    IndicatorRating.objects.all().delete()
    for of in ("prf", "cluster", "sector"):
        assert client.get(_url(of, fmt="png")).status_code == 404


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


def test_a_rating_summary_takes_the_same_queries_for_a_small_or_a_large_bar(rated, client):
    for of in ("prf", "cluster", "sector"):
        for fmt in ("svg", "png"):
            assert _queries(client, _url(of, fmt=fmt)) == RATING_QUERIES
    before = sum(_counts("cluster").values())
    _grow_trade_cluster(12)  # a new sector of twelve rated indicators in cluster 2
    assert sum(_counts("cluster").values()) == before + 12
    assert _queries(client, "/en/clusters/C2/ratings.svg?year=2021") == RATING_QUERIES
    assert _queries(client, "/en/sectors/NEW/ratings.png?year=2021") == RATING_QUERIES
    assert _queries(client, "/en/ratings.svg?year=2021") == RATING_QUERIES


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+/ratings\.(?:svg|png)[^"]*)" download', html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_cluster_and_sector_pages_link_each_bar_to_its_svg_and_png(rated, client, language):
    clusters = list(Cluster.objects.order_by("number"))
    sectors = list(Sector.objects.order_by("code"))
    home = client.get(f"/{language}/?year={YEAR}").content.decode()
    q = f"?year={YEAR}"
    expected = {f"/{language}/ratings.{fmt}{q}" for fmt in ("svg", "png")}
    expected |= {f"/{language}/clusters/{c.code}/ratings.{fmt}{q}" for c in clusters for fmt in ("svg", "png")}
    rated_sectors = {s for s in sectors if _rows_of_sector(s.code)}
    expected |= {f"/{language}/sectors/{s.code}/ratings.{fmt}{q}" for s in rated_sectors for fmt in ("svg", "png")}
    assert set(_links(home)) == expected
    with translation.override(language):
        label = translation.gettext("Download the chart:")
        headline = _heading("prf")[0]
    assert f'<h2 id="headline">{headline}</h2>' in home  # the PRF's picture is titled as the page heads its bar
    assert home.count(f'<p class="downloads">{label} <a href="/{language}/') >= 1 + len(clusters) + len(rated_sectors)

    cluster = client.get(f"/{language}/clusters/C2/{q}").content.decode()
    mine = {s for s in rated_sectors if s.cluster.code == "C2"}
    assert set(_links(cluster)) == {f"/{language}/clusters/C2/ratings.{fmt}{q}" for fmt in ("svg", "png")} | {
        f"/{language}/sectors/{s.code}/ratings.{fmt}{q}" for s in mine for fmt in ("svg", "png")
    }
    sector = client.get(f"/{language}/sectors/TRD/{q}").content.decode()
    assert set(_links(sector)) == {f"/{language}/sectors/TRD/ratings.{fmt}{q}" for fmt in ("svg", "png")}
    for url in sorted(set(_links(sector)) | set(_links(cluster)))[:4]:
        assert client.get(url).status_code == 200, url  # the links answer


def _rows_of_sector(code: str) -> bool:
    return IndicatorRating.objects.filter(
        method__is_default=True, as_of=YEAR, indicator__result__sector__code=code
    ).exists()


def test_a_bar_with_nothing_rated_offers_no_picture(rated, client):
    IndicatorRating.objects.filter(indicator__result__sector__code="TRD").delete()
    html = client.get(f"/en/clusters/C2/?year={YEAR}").content.decode()
    assert "/sectors/TRD/ratings.svg" not in html
    assert f'href="/en/clusters/C2/ratings.svg?year={YEAR}" download' in html
