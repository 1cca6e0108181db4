"""Charts to take away (SVG and PNG with their title, source and date drawn in), the indicator
fact sheet (one A4 page in every language) and the embeddable part page (the one page other
sites may frame)."""

import re
import struct
import subprocess
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import translation

from indicators.models import Indicator, IndicatorPart
from progress.method import Movement
from progress.models import RegionalValue
from progress.services import progress_recompute
from reports import svg
from reports.dashboards.charts import Value
from reports.formatting import long_date

LANGUAGES = ("en", "zh-hans", "ru")
SERIES = "/{lang}/indicators/TRD-OC-1/FUEL_CAREC/series.{fmt}?year=2021"


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


def svg_size(markup: str) -> tuple[int, int]:
    found = re.match(r'<svg [^>]*?width="(\d+)" height="(\d+)"', markup)
    return int(found.group(1)), int(found.group(2))


def squashed(text: str) -> str:
    """Text without white space or hyphens: pdftotext breaks lines (and drops the hyphen a line
    ends with), and Chinese has no spaces."""
    return re.sub(r"[\s\-\u00ad]+", "", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_part_chart_downloads_as_svg_with_its_title_source_and_date_in_the_language(rated, client, language):
    part = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_CAREC")
    changed = RegionalValue.objects.filter(part=part).aggregate(last=Max("updated_at"))["last"]
    response = client.get(SERIES.format(lang=language, fmt="svg"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert f'filename="TRD-OC-1_FUEL_CAREC_{language}.svg"' in response["Content-Disposition"]
    markup = response.content.decode()
    with translation.override(language):
        caption = translation.gettext("%(part)s: baseline, milestones, actual values, expected path and trend") % {
            "part": part.name
        }
        source = translation.gettext("Source: %(source)s") % {"source": ""}
        dated = translation.gettext("Data as of %(date)s") % {"date": long_date(changed.date())}
        actual = translation.gettext("Actual (region)")
    text = squashed(re.sub(r"<[^>]+>", " ", markup))  # the words as drawn, however they are wrapped
    assert squashed(caption) in text
    assert squashed(source) in text and squashed(dated) in text
    assert squashed(actual) in text  # the legend, in the language
    assert f"<title>{caption}</title>" in markup.replace("&#x27;", "'")
    assert markup.count("<polyline") >= 2  # the actual values and the expected path are drawn


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_part_chart_downloads_as_a_png_twice_the_size_of_its_svg(rated, client, language):
    drawn = svg_size(client.get(SERIES.format(lang=language, fmt="svg")).content.decode())
    response = client.get(SERIES.format(lang=language, fmt="png"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert png_size(response.content) == (2 * drawn[0], 2 * drawn[1])
    assert 20_000 < len(response.content) < 600_000


@pytest.mark.parametrize(("language", "one", "other"), [("zh-hans", "中国", "贸易"), ("ru", "Доля", "Жизнь")])
def test_chinese_and_cyrillic_letters_are_drawn_in_the_png_not_empty_boxes(language, one, other):
    """A font without the glyphs draws the same box for every letter: two different words of the
    same length would then give the same picture."""
    chart = svg.country_bars([("A", Value(1.0))], fmt=str, title="x")
    font = svg.font_for(language)

    def picture(word: str) -> bytes:
        return svg.png(svg.framed(chart, title=word, source=word, dated=word, font=font))

    assert picture(one) != picture(other)


def test_the_country_breakdown_downloads_as_a_bar_chart(rated, client):
    response = client.get("/ru/indicators/TRD-OC-1.1/EXPORT_GROWTH/countries.svg?year=2021")
    assert response.status_code == 200
    markup = response.content.decode()
    assert "Казахстан" in markup  # the countries' names in the language
    assert "2020" in markup  # the year of the breakdown, in the title
    assert markup.count('fill="#0072B2"') >= 3  # a bar per country
    png = client.get("/ru/indicators/TRD-OC-1.1/EXPORT_GROWTH/countries.png?year=2021")
    assert png_size(png.content) == tuple(2 * n for n in svg_size(markup))


def test_the_indicator_page_links_each_chart_to_its_svg_and_png_and_to_the_fact_sheet(rated, client):
    html = client.get("/en/indicators/TRD-OC-1/?year=2021").content.decode()
    for part in ("FUEL_CAREC", "FUEL_WORLD", "NONFUEL_CAREC", "NONFUEL_WORLD"):
        assert f'href="/en/indicators/TRD-OC-1/{part}/series.svg?year=2021" download' in html
        assert f'href="/en/indicators/TRD-OC-1/{part}/series.png?year=2021" download' in html
        assert f'href="/en/embed/TRD-OC-1/{part}/"' in html
    assert 'href="/en/indicators/TRD-OC-1/factsheet.pdf?year=2021"' in html
    html = client.get("/en/indicators/TRD-OC-1.1/?year=2021").content.decode()
    assert 'href="/en/indicators/TRD-OC-1.1/EXPORT_GROWTH/countries.png?year=2021" download' in html
    # a part with nothing to plot offers no picture
    html = client.get("/en/indicators/EFS/").content.decode()
    assert "series.svg" not in html and "countries.svg" not in html


def test_charts_that_do_not_exist_are_404(rated, client):
    assert client.get("/en/indicators/TRD-OC-1/NOPE/series.svg").status_code == 404
    assert client.get("/en/indicators/NOPE/FUEL_CAREC/series.png").status_code == 404
    assert client.get("/en/indicators/TRD-OC-1/FUEL_CAREC/countries.svg").status_code == 404  # no country data
    assert client.get("/en/indicators/EFS/GOVERNMENT_DEBT/series.svg").status_code == 404  # nothing to plot
    assert client.get("/en/indicators/TRD-OC-1/FUEL_CAREC/series.gif").status_code == 404
    assert client.get("/en/embed/TRD-OC-1/NOPE/").status_code == 404
    assert client.get("/en/embed/NOPE/FUEL_CAREC/").status_code == 404
    assert client.get("/en/indicators/NOPE/factsheet.pdf").status_code == 404


def test_a_repeated_chart_download_is_answered_304_and_says_when_its_data_changed(rated, client):
    url = SERIES.format(lang="en", fmt="png")
    first = client.get(url)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get(SERIES.format(lang="ru", fmt="png"))["ETag"] != first["ETag"]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The indicator page's reads (13 on the loaded PRF), nothing more.
CHART_QUERIES = EMBED_QUERIES = FACTSHEET_QUERIES = 16


def test_downloads_embeds_and_fact_sheets_take_the_same_queries_for_one_part_or_ten(
    rated, client, django_assert_num_queries
):
    small = Indicator.objects.get(code="TRD OC 1.1")
    assert small.parts.count() < Indicator.objects.get(code="TRP OP 2").parts.count() == 10
    for url, pinned in (
        ("/en/indicators/TRD-OC-1/FUEL_CAREC/series.svg", CHART_QUERIES),
        ("/en/indicators/TRD-OC-1.1/EXPORT_GROWTH/series.png", CHART_QUERIES),
        ("/en/indicators/TRD-OC-1.1/EXPORT_GROWTH/countries.svg", CHART_QUERIES),
        ("/en/embed/TRD-OC-1/FUEL_CAREC/", EMBED_QUERIES),
        ("/en/embed/TRP-OP-2/C1_SWD/", EMBED_QUERIES),
        ("/en/indicators/TRD-OC-1.1/factsheet.pdf", FACTSHEET_QUERIES),
        ("/en/indicators/TRP-OP-2/factsheet.pdf", FACTSHEET_QUERIES),
    ):
        with django_assert_num_queries(pinned):
            assert client.get(url).status_code == 200, url


# ---------------------------------------------------------------------------------------------
# The embeddable page


def test_the_embeddable_page_shows_the_chart_table_title_source_and_a_link_back(rated, client):
    response = client.get("/ru/embed/TRD-OC-1/FUEL_CAREC/?year=2021")
    html = response.content.decode()
    part = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_CAREC")
    assert part.name_ru in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html  # drawn on the server: no script needed
    assert "<script" not in html
    assert "<table>" in html and "2017" in html
    assert 'href="http://testserver/ru/indicators/TRD-OC-1/"' in html


def test_by_default_no_site_may_frame_the_embeddable_page_and_no_page_is_framed_at_all(rated, client):
    embed = client.get("/en/embed/TRD-OC-1/FUEL_CAREC/")
    assert "frame-ancestors 'none'" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed  # the CSP decides, and says none
    for url in ("/en/indicators/TRD-OC-1/", "/en/", SERIES.format(lang="en", fmt="svg")):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


@override_settings(EMBED_ALLOWED_ORIGINS=["https://partner.example.org", "https://*.adb.org"])
def test_the_sites_named_in_the_setting_may_frame_the_embeddable_page_only(rated, client):
    embed = client.get("/en/embed/TRD-OC-1/FUEL_CAREC/")
    policy = embed["Content-Security-Policy"]
    assert "frame-ancestors https://partner.example.org https://*.adb.org" in policy
    assert "'none'" not in policy.split("frame-ancestors")[1].split(";")[0]
    assert "X-Frame-Options" not in embed
    page = client.get("/en/indicators/TRD-OC-1/")
    assert page["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in page["Content-Security-Policy"]


@override_settings(EMBED_ALLOWED_ORIGINS=["https://partner.example.org"])
def test_a_cached_embeddable_page_keeps_its_frame_ancestors(rated, client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "takeaway"},
    }
    first = client.get("/en/embed/TRD-OC-1/FUEL_WORLD/")
    second = client.get("/en/embed/TRD-OC-1/FUEL_WORLD/")
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert "frame-ancestors https://partner.example.org" in second["Content-Security-Policy"]
    assert "X-Frame-Options" not in second


def test_a_malformed_embed_origin_stops_the_settings_with_its_name(monkeypatch):
    monkeypatch.setenv("EMBED_ALLOWED_ORIGINS", "https://ok.example.org,'unsafe-inline'")
    result = subprocess.run(
        [".venv/bin/python", "-c", "import carec_prf.settings.base"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "EMBED_ALLOWED_ORIGINS" in result.stderr


# ---------------------------------------------------------------------------------------------
# The fact sheet

# poppler-utils (pdfinfo, pdftotext) is installed by scripts/test-deps.sh, as for tests/reports/test_pdf.py.


def _pdf(path, body: bytes) -> tuple[int, str]:
    path.write_bytes(body)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1)), text


def _statement(indicator: Indicator, language: str) -> str:
    with translation.override(language):
        return indicator.statement


# One part with a country breakdown; four parts with charts; ten parts; five parts and the
# longest Russian statement of the PRF.
REPRESENTATIVE = ("TRD-OC-1.1", "TRD-OC-1", "TRP-OP-2", "EFS")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("slug", REPRESENTATIVE)
def test_the_fact_sheet_is_one_page_with_the_statement_in_the_language(rated, client, tmp_path, language, slug):
    response = client.get(f"/{language}/indicators/{slug}/factsheet.pdf?year=2021")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="{slug}_factsheet_{language}.pdf"' in response["Content-Disposition"]
    pages, text = _pdf(tmp_path / "sheet.pdf", response.content)
    assert pages == 1
    indicator = Indicator.objects.get(code=slug.replace("-", " "))
    assert squashed(_statement(indicator, language)) in squashed(text)
    with translation.override(language):
        for part in indicator.parts.all():
            assert squashed(part.name)[:30] in squashed(text)  # the scorecard names every part
        assert squashed(translation.gettext("Table of the chart's values")) in squashed(text)


def test_the_fact_sheet_shows_the_scorecard_row_the_chart_and_the_sources(rated, client, tmp_path):
    response = client.get("/en/indicators/TRD-OC-1/factsheet.pdf?year=2021")
    _pages, text = _pdf(tmp_path / "sheet.pdf", response.content)
    flat = " ".join(text.split())
    assert "0.48 (2017)" in flat  # FUEL_CAREC's baseline, with its year
    assert "target 0.84 by 2023" in flat  # its final milestone
    assert "Off track" in flat or "Regressing" in flat or "On track" in flat  # the ratings, in words
    assert "Source:" in flat and "Data as of" in flat
    assert "http://testserver/en/indicators/TRD-OC-1/" in flat
    assert flat.count("Actual (region)") >= 4  # each part's chart legend and the table's rows
    assert any(Movement.text(code) in flat for code in Movement.ALL)  # the arrow of the change


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_prf_fact_sheet_fits_one_page(rated, client, tmp_path, language):
    for indicator in Indicator.objects.filter(level="prf"):
        response = client.get(f"/{language}/indicators/{indicator.slug}/factsheet.pdf")
        pages, text = _pdf(tmp_path / "sheet.pdf", response.content)
        assert pages == 1, indicator.code
        assert squashed(_statement(indicator, language)) in squashed(text), indicator.code


# ---------------------------------------------------------------------------------------------
# In a browser: a partner's page frames the embeddable page only when the setting names it


@pytest.fixture
def site(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    call_command("load_framework", verbosity=0)
    progress_recompute()
    return live_server.url


@contextmanager
def _partner_site(embed: str):
    """A partner's site on another origin (127.0.0.1, another port), its page framing `embed`.
    A real server on loopback: Chromium refuses to let a page it answered itself, taken for a
    public one, frame a loopback address."""
    body = f'<!DOCTYPE html><title>Partner</title><iframe src="{embed}"></iframe>'.encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _framed_by_partner(site: str, settings, allowed: bool) -> tuple[bool, list[str]]:
    """Open the partner's page that frames the embeddable page: is the chart shown inside the
    frame? Also the download links under the indicator page's charts."""
    from tests.browser import chromium_page

    embed = f"{site}/en/embed/TRD-OC-1/FUEL_CAREC/"
    with _partner_site(embed) as partner, chromium_page() as page:
        settings.EMBED_ALLOWED_ORIGINS = [partner] if allowed else []
        page.goto(f"{partner}/")
        page.wait_for_timeout(1500)
        frame = next((f for f in page.frames if f.url == embed), None)
        shown = frame is not None and frame.locator("figure svg").count() == 1
        page.goto(f"{site}/en/indicators/TRD-OC-1/?year=2021")
        links = page.locator("figure.chart p.downloads a").all_inner_texts()
    return shown, links


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_partner_named_in_the_setting_frames_the_embed_page_and_others_cannot(site, settings):
    shown, links = _framed_by_partner(site, settings, allowed=False)
    assert not shown  # frame-ancestors 'none': Chromium refuses to show it
    assert links.count("SVG") == 4 and links.count("PNG") == 4
    shown, _links = _framed_by_partner(site, settings, allowed=True)
    assert shown
