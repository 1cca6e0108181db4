"""The edition page's downloads in a browser, served the way `make run` serves them (Celery eager:
the request to render returns only once the file is made): the bar moves through the steps, in
words, and the page says plainly when the file is ready or why it failed."""

import re

import pytest
from django.core.management import call_command

from progress.services import progress_recompute
from reports.models import ReportEdition
from tests import factories
from tests.browser import ARTIFACTS, chromium_page
from workflow.models import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server, monkeypatch, settings, tmp_path):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    settings.MEDIA_ROOT = tmp_path
    call_command("load_framework", verbosity=0)
    progress_recompute()
    ReportEdition.objects.all().delete()
    call_command("load_demo_editions", no_files=True, verbosity=0)
    factories.user("downloads-sec", groups=(Role.SECRETARIAT,))
    return live_server.url


def _watch(page, cell, seconds=120):
    """The texts the rendering's status shows, read every 200 ms until it has ended."""
    seen = []
    for _ in range(seconds * 5):
        text = cell.locator(".render-status").inner_text()
        if text and (not seen or seen[-1] != text):
            seen.append(text)
        if text.startswith(("✓", "✗")):
            return seen
        page.wait_for_timeout(200)
    raise AssertionError(f"the rendering never ended: {seen}")


def test_a_draft_pdf_shows_its_steps_as_it_renders_then_says_it_is_ready(site):
    with chromium_page() as page:
        page.goto(f"{site}/en/accounts/login/?next=/en/reports/2024/")
        page.fill("#id_username", "downloads-sec")
        page.fill("#id_password", "pw-for-tests-only")
        page.click("main button[type=submit]")
        page.wait_for_url("**/en/reports/2024/")
        assert "a few seconds" not in page.content()
        cell = page.locator("table.downloads tr:has(th[lang='en']) td").nth(1)
        cell.get_by_role("button", name="PDF").click()
        seen = _watch(page, cell)
        page.locator(".edition-bar").screenshot(path=ARTIFACTS / "reports-download-ready-en.png")

        # the steps in words, the bar moving page by page, then plainly ready with the file's link
        assert any(text.startswith("Laying out page") for text in seen), seen
        assert any(text.startswith("Drawing page") for text in seen), seen
        percents = [int(m.group(1)) for text in seen if (m := re.search(r"(\d+)\s%", text))]
        assert len(set(percents)) >= 3 and percents == sorted(percents), seen
        assert seen[-1] == "✓ Ready"
        link = cell.get_by_role("link", name="PDF").get_attribute("href")
        response = page.request.get(f"{site}{link}")
        assert response.ok and response.body()[:4] == b"%PDF"


def test_a_failed_rendering_says_why_and_can_be_tried_again(site, monkeypatch):
    from reports import render

    monkeypatch.setattr(render, "cjk_fonts", lambda: [])  # the server has no Chinese font
    with chromium_page() as page:
        page.goto(f"{site}/en/accounts/login/?next=/en/reports/2024/")
        page.fill("#id_username", "downloads-sec")
        page.fill("#id_password", "pw-for-tests-only")
        page.click("main button[type=submit]")
        page.wait_for_url("**/en/reports/2024/")
        cell = page.locator("table.downloads tr:has(th[lang='zh-hans']) td").nth(1)
        cell.get_by_role("button", name="PDF").click()
        seen = _watch(page, cell)
        page.locator(".edition-bar").screenshot(path=ARTIFACTS / "reports-download-failed-en.png")
        assert seen[-1].startswith("✗ No font with Chinese characters is installed on the server"), seen
        assert "apt-get install fonts-noto-cjk" in seen[-1]
        assert cell.get_by_role("button", name="PDF").is_enabled()
