"""An official on a phone (390x844 in Chromium): on the cluster, sector, country, indicator and
report pages every table and chart fits its box, or its box shows the scroll cue; the header stays
under a fifth of the screen and its menu opens from the keyboard; the charts' year labels stay clear
of each other and of the legend. Screenshots go to tests/artifacts/phone-*.png.

Also, without a browser: the site serves the basic plotly bundle, compressed."""

import gzip
import itertools
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from progress.services import progress_recompute
from reports.dashboards import charts
from tests.browser import ARTIFACTS, chromium_page, overflow_problems

PHONE = {"width": 390, "height": 844}
PAGES = {
    "cluster": "clusters/C2/",
    "sector": "sectors/TRD/",
    "country": "countries/KAZ/",
    "indicator": "indicators/TRD-OC-1/",
    "indicator-countries": "indicators/TRD-OC-1.1/",
    "report": "reports/2021/",
}

# Plotly's SVG: the year labels, the axis title and the legend of each drawn chart, as boxes.
CHART_BOXES = """() => Array.from(document.querySelectorAll(".plot[data-drawn]")).map((plot) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const svg = plot.querySelector("svg.main-svg");
  return {
    id: plot.getAttribute("data-figure"),
    svg: box(svg),
    ticks: Array.from(plot.querySelectorAll("g.xtick text"))
      .filter((t) => t.textContent)
      .map((t) => [t.textContent, box(t)]),
    title: Array.from(plot.querySelectorAll("text.xtitle")).map(box),
    legend: Array.from(plot.querySelectorAll("g.legend g.traces")).map(box),
  };
})"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


def _wait_for_charts(page) -> int:
    """The number of charts on the page, once every one is drawn. (Locators poll from Playwright's
    own world: a polled wait_for_function would need eval, which the site's CSP refuses.)"""
    page.locator("[data-figure]:not([data-drawn])").first.wait_for(state="detached", timeout=20000)
    return page.locator("[data-figure]").count()


@pytest.fixture
def site(live_server, monkeypatch):
    """The PRF rated, served live."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    call_command("load_framework", verbosity=0)
    progress_recompute()
    return live_server.url


@pytest.fixture
def site_with_report(site):
    """And the published 2021 report (publishing renders its files: kept to the test that needs it)."""
    call_command("load_demo_editions", verbosity=0, no_files=True)
    return site


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_every_table_and_chart_fits_its_box_or_shows_the_scroll_cue(site_with_report):
    site = site_with_report
    problems, cues = {}, 0
    with chromium_page() as page:
        page.set_viewport_size(PHONE)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        for language in ("zh-hans", "en", "ru"):
            for name, path in PAGES.items():
                response = page.goto(f"{site}/{language}/{path}")
                assert response.status == 200, (language, name, response.status)
                drawn = _wait_for_charts(page)
                if name.startswith("indicator") or name == "country":
                    assert drawn > 0, (language, name)
                # the tables behind the charts too
                page.evaluate("document.querySelectorAll('main details').forEach((d) => { d.open = true; })")
                page.wait_for_timeout(100)  # the boxes' ResizeObserver runs after the next layout
                # the rule the persona journeys check too: a box that scrolls shows its cue
                found = overflow_problems(page)
                if found:
                    problems[(language, name)] = found
                cues += page.locator(".scroll.is-scrollable > .scroll-cue:visible").count()
                page.screenshot(path=str(ARTIFACTS / f"phone-{name}-{language}.png"), full_page=True)
        assert not errors, errors
    assert not problems, problems
    # the report's table of counts per rating is wider than a phone: the cue is there, and seen
    assert cues > 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_indicators_table_stacks_into_labelled_cards(site):
    with chromium_page() as page:
        page.set_viewport_size(PHONE)
        page.goto(f"{site}/en/sectors/TRD/")
        table = page.locator("table.indicators").first
        assert table.evaluate("(t) => t.getBoundingClientRect().width") <= PHONE["width"]
        cell = table.locator("td[data-label]").nth(1)
        label = cell.evaluate("(td) => getComputedStyle(td, '::before').content")
        assert label == '"Baseline"'
        # the rating is on screen, not to the right of it
        badge = table.locator("td[data-label='Rating'] .badge").first.bounding_box()
        assert badge["x"] + badge["width"] <= PHONE["width"]
        page.set_viewport_size({"width": 1280, "height": 900})
        assert table.locator("thead").is_visible()  # a plain table on a wide screen
        page.locator(".scroll.is-scrollable").first.wait_for(state="detached")
        assert page.locator(".scroll-cue:visible").count() == 0  # and no cue where nothing scrolls


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_header_is_compact_and_its_menu_opens_from_the_keyboard(site):
    with chromium_page() as page:
        page.set_viewport_size(PHONE)
        page.goto(f"{site}/zh-hans/sectors/TRD/")
        header = page.locator("header.site")
        menu = page.locator("#site-menu")
        toggle = page.locator("header.site .menu-toggle")
        assert header.bounding_box()["height"] < 0.2 * PHONE["height"]
        assert not menu.is_visible() and toggle.is_visible()
        page.screenshot(path=str(ARTIFACTS / "phone-header-closed.png"))

        page.keyboard.press("Tab")  # the skip link
        page.keyboard.press("Tab")  # the brand
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")
        page.keyboard.press("Enter")
        assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        assert page.get_by_role("navigation", name="语言").get_by_role("link", name="Русский").is_visible()
        page.screenshot(path=str(ARTIFACTS / "phone-header-open.png"))
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
        page.keyboard.press("Escape")
        assert not menu.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

        page.set_viewport_size({"width": 1280, "height": 900})
        assert menu.is_visible() and not toggle.is_visible()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [390, 1280])
def test_chart_year_labels_stay_whole_and_clear_of_each_other_and_of_the_legend(site, width):
    problems = []
    with chromium_page() as page:
        page.set_viewport_size({"width": width, "height": 844})
        for language, path in (
            ("en", "indicators/TRD-OC-1/"),
            ("ru", "countries/KAZ/"),
            ("zh-hans", "indicators/TRD-OC-1.1/"),
        ):
            page.goto(f"{site}/{language}/{path}")
            assert _wait_for_charts(page) > 0
            charts = page.evaluate(CHART_BOXES)
            for chart in charts:
                ticks = [box for _text, box in chart["ticks"]]
                where = (language, path, chart["id"])
                if chart["legend"]:
                    assert ticks, where  # a chart with years has its year labels
                for text, box in chart["ticks"]:
                    if box[0] < chart["svg"][0] - 0.5 or box[2] > chart["svg"][2] + 0.5:
                        problems.append((where, text, "cut at the edge"))
                    problems += [
                        (where, text, "under the legend") for legend in chart["legend"] if _overlap(box, legend)
                    ]
                problems += [
                    (where, "axis title under the legend")
                    for t in chart["title"]
                    for lg in chart["legend"]
                    if _overlap(t, lg)
                ]
                problems += [(where, "year labels overlap") for a, b in itertools.pairwise(ticks) if _overlap(a, b)]
            page.screenshot(path=str(ARTIFACTS / f"phone-charts-{language}-{width}.png"), full_page=True)
    assert not problems, problems


def test_the_site_serves_the_basic_plotly_bundle_compressed(client):
    """scripts/vendor.sh copies the bundle from npm and writes its .gz and .br; WhiteNoise sends
    them to browsers that accept them (in production, collectstatic writes the same)."""
    html = Path(settings.BASE_DIR, "templates", "_charts_scripts.html").read_text()
    assert "vendor/plotly/plotly-basic.min.js" in html
    served = Path(settings.BASE_DIR, "static", "vendor", "plotly", "plotly-basic.min.js")
    assert served.with_name(served.name + ".gz").exists(), "run `scripts/vendor.sh --compress` (make does)"
    response = client.get("/static/vendor/plotly/plotly-basic.min.js", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    body = b"".join(response.streaming_content)
    assert len(body) < served.stat().st_size / 2
    assert gzip.decompress(body) == served.read_bytes()


def test_long_country_names_take_two_lines_beside_the_bars_and_stay_whole_in_the_hover():
    rows = [("People's Republic of China", charts.Value(3.0)), ("Georgia", charts.Value(1.0))]
    figure = charts.country_figure(rows, unit="%", separators=".,", ticks={})
    yaxis = figure["layout"]["yaxis"]
    assert yaxis["tickvals"] == ["Georgia", "People's Republic of China"]
    assert yaxis["ticktext"] == ["Georgia", "People's Republic of<br>China"]
    assert figure["data"][0]["y"] == yaxis["tickvals"]


def test_a_chart_of_one_year_spans_that_year_alone():
    one = [charts.YearValue(2020, charts.Value(1.0))]
    figure = charts.country_series_figure(
        one, one, labels={"country": "Kazakhstan", "region": "CAREC", "year": "Year"}, unit="%", separators=".,"
    )
    assert figure["layout"]["xaxis"]["range"] == [2019.5, 2020.5]
