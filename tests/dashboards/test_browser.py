"""In a real browser (Debian's Chromium driven by Playwright): every main page in every
language draws its charts and passes axe-core with no serious or critical violation; the
language switcher and the keyboard work. Screenshots go to tests/artifacts/."""

import json

import pytest
from django.core.management import call_command

from progress.services import progress_recompute
from tests.browser import ARTIFACTS, AXE, axe_violations, chromium_page

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PAGES = {
    "home": "",
    "cluster": "clusters/C2/",
    "sector": "sectors/TRD/",
    "indicator": "indicators/TRD-OC-1/",
    "indicator-countries": "indicators/TRD-OC-1.1/",
    "country": "countries/KAZ/",
    "list": "indicators/?cluster=C2&level=prf",
}


@pytest.fixture
def site(live_server, monkeypatch):
    """The PRF with its ratings, served live (transactional tests start from an empty database)."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    call_command("load_framework", verbosity=0)
    progress_recompute()
    return live_server.url


def _charts_drawn(page) -> tuple[int, int]:
    expected = page.locator("[data-figure]").count()
    if expected:
        page.wait_for_function(
            "document.querySelectorAll('[data-drawn]').length === document.querySelectorAll('[data-figure]').length",
            timeout=20000,
        )
    drawn = page.locator("[data-drawn] svg.main-svg").count()
    return expected, drawn


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_every_main_page_draws_its_charts_and_passes_axe(site, language):
    assert AXE.exists(), "run `npm ci` to install axe-core"
    problems = {}
    with chromium_page() as page:
        page.context.add_init_script(path=str(AXE))
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
        # a Content-Security-Policy refusal, a missing file, a script error
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        for name, path in PAGES.items():
            response = page.goto(f"{site}/{language}/{path}")
            assert response.status == 200, (name, response.status)
            assert page.get_attribute("html", "lang") == language
            expected, drawn = _charts_drawn(page)
            if name.startswith("indicator") or name == "country":
                assert expected > 0, name
            # each chart is one plotly drawing with two SVG layers (the plot and its overlay)
            assert drawn >= expected, (name, expected, drawn)
            violations = axe_violations(page)
            if violations:
                problems[name] = violations
            page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}-{language}.png"), full_page=True)
        assert not errors, errors
    assert not problems, json.dumps(problems, indent=1)


def test_the_language_switcher_keeps_the_reader_on_the_same_page(site):
    with chromium_page() as page:
        page.goto(f"{site}/en/sectors/TRD/?year=2021")
        page.get_by_role("navigation", name="Language").get_by_role("link", name="Русский").click()
        page.wait_for_load_state()
        assert page.url == f"{site}/ru/sectors/TRD/?year=2021"
        assert page.get_attribute("html", "lang") == "ru"
        page.get_by_role("link", name="简体中文").click()
        page.wait_for_load_state()
        assert page.url == f"{site}/zh-hans/sectors/TRD/?year=2021"
        page.screenshot(path=str(ARTIFACTS / "dashboard-switched-zh-hans.png"), full_page=False)


def test_the_browsers_language_picks_the_default(site):
    with chromium_page(locale="ru-RU") as page:
        page.goto(f"{site}/")
        assert page.url == f"{site}/ru/"
        assert "ЦАРЭС" in page.content()


def test_the_keyboard_reaches_the_content_the_filters_and_a_chart_table(site):
    with chromium_page() as page:
        page.goto(f"{site}/en/indicators/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to content"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.focus("#id_sector")
        page.select_option("#id_sector", "ECD")
        visited = []
        while page.evaluate("document.activeElement.tagName") != "BUTTON" and len(visited) < 10:
            page.keyboard.press("Tab")
            visited.append(page.evaluate("document.activeElement.id"))
        assert visited == ["id_rating", "id_level", "id_theme", "id_country", "id_year", ""]  # then "Filter"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "sector=ECD" in page.url
        assert page.locator("table.indicators tbody").count() == 3

        page.goto(f"{site}/en/indicators/TRD-OC-1/")
        summary = page.locator("details.chart-table summary").first
        summary.focus()
        page.keyboard.press("Enter")
        assert page.locator("details.chart-table").first.get_attribute("open") is not None
        page.screenshot(path=str(ARTIFACTS / "dashboard-chart-table-open.png"), full_page=False)
