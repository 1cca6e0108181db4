"""In a real browser: HLT OP 2's page draws the officials trained by sex beside the total, with the
flagged values as stars whose tooltip gives the flag and its comment, on a desktop and a phone
(390 px) in each language; the selector shows one category; axe finds nothing serious. The
screenshots go to $BREAKDOWN_SCREENSHOTS, else <tmp>/indicator-breakdown/."""

import json
import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser import AXE, axe_violations, chromium_page, overflow_problems
from tests.dashboards.breakdown_data import SLUG, trained_values

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("BREAKDOWN_SCREENSHOTS") or Path(tempfile.gettempdir()) / "indicator-breakdown")
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PLOT = '[data-figure="part-officials_trained-data"]'
NAMES = {"en": ("Female", "Male"), "zh-hans": ("女性", "男性"), "ru": ("Женщины", "Мужчины")}

# The drawn figure as plotly holds it: each trace's name, legend group, mode and visibility.
TRACES = f"""() => document.querySelector('{PLOT}').data.map((t) => ({{
  name: t.name, group: t.legendgroup || "", mode: t.mode, visible: t.visible === undefined ? true : t.visible,
  x: Array.from(t.x || []), symbol: t.marker && t.marker.symbol }}))"""


@pytest.fixture
def site(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    call_command("load_framework", verbosity=0)
    trained_values()
    SHOTS.mkdir(parents=True, exist_ok=True)
    return live_server.url


def _hover_first_star(page) -> str:
    """Hover the total's first flagged point (2020) and return the tooltip's text."""
    index = page.evaluate(
        f"""() => document.querySelector('{PLOT}').data.findIndex(
              (t) => t.legendgroup === "total" && t.mode === "markers")"""
    )
    page.evaluate(
        f"() => Plotly.Fx.hover(document.querySelector('{PLOT}'), [{{curveNumber: {index}, pointNumber: 0}}])"
    )
    page.wait_for_selector(f"{PLOT} g.hovertext", timeout=5000)
    return page.locator(f"{PLOT} g.hovertext").first.text_content()


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_the_indicator_page_shows_the_categories_and_the_flagged_points(site, language):
    female, male = NAMES[language]
    errors: list[str] = []
    for size, viewport in SIZES.items():
        with chromium_page(viewport=viewport) as page:
            page.context.add_init_script(path=str(AXE))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            assert page.goto(f"{site}/{language}/indicators/{SLUG}/").status == 200
            assert page.get_attribute("html", "lang") == language
            page.wait_for_selector(f"{PLOT}[data-drawn]", timeout=20000)
            traces = page.evaluate(TRACES)
            legend = page.locator(f"{PLOT} g.legend").text_content()
            assert female in legend and male in legend, legend
            # the break splits the total's line: two runs, one legend entry
            runs = [t["x"] for t in traces if t["group"] == "total" and t["mode"] == "lines+markers"]
            assert runs == [[2019, 2020, 2021], [2022, 2023]]
            stars = next(t for t in traces if t["group"] == "total" and t["mode"] == "markers")
            assert stars["symbol"] == "star" and stars["x"] == [2020, 2022]
            tooltip = _hover_first_star(page)
            assert {"en": "Two courses", "zh-hans": "有两门课程", "ru": "Два курса"}[language] in tooltip, tooltip
            assert not overflow_problems(page), overflow_problems(page)
            section = page.locator("section.part").first
            section.screenshot(path=str(SHOTS / f"hlt-op-2-{language}-{size}.png"))
            # the selector shows one category beside the total
            page.select_option("#part-officials_trained-select", "key:SEX=F")
            visible = {t["name"]: t["visible"] for t in page.evaluate(TRACES) if t["mode"] == "lines+markers"}
            assert visible[female] is True and visible[male] is False
            # the categories folded under the total, opened
            page.locator("table.regional-values tr.categories summary").first.click()
            page.locator("details.chart-table summary").first.click()
            section.screenshot(path=str(SHOTS / f"hlt-op-2-{language}-{size}-open.png"))
            violations = axe_violations(page)
            assert not violations, json.dumps(violations, indent=1)
    assert not errors, errors
