"""Each persona's journey in a real browser, in its language, with screenshots in tests/artifacts/:

- the secretariat (English, desktop) reaches the upload in one click from the header, My work and
  the grid, sees an upload end plainly (imported, or refused with named rows), enters a value and
  writes a narrative, both sent for review;
- a focal point (Russian, desktop) reviews them with their context, approves the value (the
  message names it), returns the narrative with a comment, and reads the history in Russian;
- an official (Chinese, on a 390x844 phone) reads the cluster, sector, country and indicator pages
  and the published report: no table or chart wider than its box without a scroll cue, the charts
  drawn, the header compact.

Every page passes axe-core with no serious or critical violation, the staff pages included."""

import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import IndicatorPart, Observation
from progress.services import progress_recompute
from tests import factories
from tests.browser import ARTIFACTS, AXE, axe_violations, chromium_page, overflow_problems
from workflow.models import Narrative, NotificationPreference, Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

YEAR = 2025


@pytest.fixture
def site(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    call_command("load_framework", verbosity=0)
    progress_recompute()
    call_command("load_demo_editions", verbosity=0, no_files=True)
    factories.open_year(YEAR)
    factories.user("sec", groups=(Role.SECRETARIAT,))
    focal = factories.focal_point("trp-fp", "TRP")
    NotificationPreference.objects.update_or_create(user=focal, defaults={"language": "ru"})
    return live_server.url


def sign_in(page, base, username, language):
    page.context.clear_cookies()
    page.goto(f"{base}/{language}/accounts/login/?next=/{language}/work/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def upload(page, name, row):
    """Upload a one-row CSV from the upload page and wait until it says how it ended."""
    data = f"indicator,part,country,year,value\n{row}\n".encode()
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    page.locator("main form").get_by_role("button", name="Upload").click()
    page.wait_for_selector("p.outcome")


class Journey:
    """A page with axe loaded, that collects script errors and each page's axe violations."""

    def __init__(self, page, name):
        self.page, self.name, self.errors, self.violations = page, name, [], {}
        page.context.add_init_script(path=str(AXE))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))

    def look(self, step):
        """Check the page as it is now with axe, and keep a screenshot of it."""
        self.page.wait_for_load_state()
        found = axe_violations(self.page)
        if found:
            self.violations[step] = found
        self.page.screenshot(path=str(ARTIFACTS / f"persona-{self.name}-{step}.png"), full_page=True)

    def done(self):
        assert not self.errors, self.errors
        assert not self.violations, json.dumps(self.violations, indent=1, ensure_ascii=False)


def test_three_personas_each_in_their_language(site):
    assert AXE.exists(), "run `npm ci` to install axe-core"
    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    rail = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="RAIL_BCP_TIME")

    # --- the secretariat, in English ------------------------------------------------------
    with chromium_page() as page:
        me = Journey(page, "secretariat-en")
        sign_in(page, site, "sec", "en")
        me.look("my-work")
        assert page.get_by_role("heading", name="My work").is_visible()
        header_upload = page.locator("header").get_by_role("link", name="Upload values")
        work_upload = page.locator("main").get_by_role("link", name="Upload values")
        assert header_upload.is_visible() and work_upload.is_visible()
        page.goto(f"{site}/en/work/entry/TRP-OP-1/{YEAR}/")
        assert page.locator("main").get_by_role("link", name="Upload a file instead").is_visible()
        # Afghanistan's membership ended in 2021: no row for it in 2025
        assert "Afghanistan" not in page.locator("main table").first.inner_text()
        page.locator("main").get_by_role("link", name="Upload a file instead").click()
        page.wait_for_load_state()
        assert page.url == f"{site}/en/work/uploads/"
        me.look("upload")

        # a refused file: it says so, names the row by indicator, part, place and year
        upload(page, "bad.csv", f"TRP OP 1,RAIL_BCP_TIME,CAREC,{YEAR},fast")
        refused = page.locator("p.outcome")
        assert "outcome-refused" in refused.get_attribute("class")
        assert f"TRP OP 1 · RAIL_BCP_TIME · CAREC · {YEAR}" in page.locator("main").inner_text()  # as the file has it
        assert page.locator("progress").count() == 0  # no full blue bar on a finished upload
        me.look("upload-refused")

        # a good file: imported, the summary said once with plural forms
        page.goto(f"{site}/en/work/uploads/")
        upload(page, "good.csv", f"TRP OP 1,RAIL_BCP_TIME,CAREC,{YEAR},29.5")
        assert "outcome-done" in page.locator("p.outcome").get_attribute("class")
        assert "1 new value, 0 changed, 0 unchanged" in page.locator("main").inner_text()
        me.look("upload-done")

        # the grid: a value, saved and submitted; then the narrative, submitted
        page.goto(f"{site}/en/work/entry/TRP-OP-1/{YEAR}/")
        page.fill(f"[name='{road.pk}-R-value']", "12.4")
        page.get_by_role("button", name="Save and submit for review").click()
        page.wait_for_load_state()
        me.look("grid-submitted")
        page.goto(f"{site}/en/work/indicators/TRP-OP-1/{YEAR}/")
        page.fill("#id_text_en", "Border crossing times by road fell for the third year.")
        page.fill("#id_text_zh_hans", "公路过境时间连续第三年缩短。")
        page.fill("#id_text_ru", "Время пересечения границы автотранспортом сокращается третий год подряд.")
        page.get_by_role("button", name="Save and submit for review").click()
        page.wait_for_load_state()
        assert "Narrative submitted" in page.locator("main").inner_text()
        me.look("narrative-submitted")
        me.done()
    assert Observation.objects.get(part=road, year=YEAR).status == "submitted"
    assert Observation.objects.get(part=rail, year=YEAR).status == "submitted"
    assert Narrative.objects.get(indicator__code="TRP OP 1", year=YEAR).status == "submitted"

    # --- the focal point, in Russian ------------------------------------------------------
    with chromium_page(locale="ru-RU") as page:
        me = Journey(page, "focal-point-ru")
        sign_in(page, site, "trp-fp", "ru")
        work = page.locator("main").inner_text()
        assert "2 значения ожидают вашего рассмотрения" in work  # ngettext: the Russian plural
        assert "1 пояснительный текст ожидает вашего рассмотрения" in work
        me.look("my-work")
        row = page.locator("main table.work tr", has_text="Автомобильн").filter(has=page.locator("button"))
        context = row.locator("ul.review-context").inner_text()
        assert "базовое: 16,9 (2017)" in context and "13,6 (2021)" in context  # baseline, last approved
        assert row.locator("svg.sparkline").count() == 1
        row.get_by_role("button", name="Утвердить").click()
        page.wait_for_load_state()
        message = page.locator("ul.messages").inner_text()
        assert re.search(r"TRP OP 1.*2025.*12,4", message), message  # names the value, Russian decimals
        me.look("approved")

        page.goto(f"{site}/ru/work/indicators/TRP-OP-1/{YEAR}/")
        assert "公路过境时间" in page.locator("main").inner_text()  # the reviewer reads all three texts
        page.fill("#narrative-comment", "Назовите пункты пропуска.")
        page.get_by_role("button", name="Вернуть на доработку").click()
        page.wait_for_load_state()
        me.look("narrative-returned")

        page.goto(f"{site}/ru/work/quality/TRP/")
        assert page.get_by_role("heading", level=1).inner_text().startswith("Качество данных")
        me.look("quality")

        page.goto(f"{site}/ru/work/indicators/TRP-OP-1/history/")
        history = page.locator("main").inner_text()
        assert "12,4" in history and "value_number" not in history and "reviewed_by_id" not in history
        me.look("history")
        me.done()
    assert Observation.objects.get(part=road, year=YEAR).status == "approved"
    narrative = Narrative.objects.get(indicator__code="TRP OP 1", year=YEAR)
    assert (narrative.status, narrative.review_comment) == ("returned", "Назовите пункты пропуска.")
    assert Observation.objects.get(part=road, year=YEAR).value_number == Decimal("12.4")

    # --- an official on a phone, in Chinese -----------------------------------------------
    with chromium_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True) as page:
        me = Journey(page, "official-zh-390")
        for step, path in [
            ("cluster", "clusters/C2/"),
            ("sector", "sectors/TRP/"),
            ("country", "countries/KAZ/"),
            ("indicator", "indicators/TRD-OC-1/"),
            ("report", "reports/2021/"),
            ("status", "status/"),
        ]:
            response = page.goto(f"{site}/zh-hans/{path}")
            assert response.status == 200, (step, response.status)
            assert page.get_attribute("html", "lang") == "zh-hans"
            expected = page.locator("[data-figure]").count()
            if expected:
                page.wait_for_function(
                    "document.querySelectorAll('[data-drawn]').length === "
                    "document.querySelectorAll('[data-figure]').length",
                    timeout=20000,
                )
            header = page.locator("body > header").bounding_box()
            assert header["height"] <= 0.2 * 844, (step, header["height"])
            assert overflow_problems(page) == [], step
            me.look(step)
        me.done()
