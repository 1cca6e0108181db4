"""In a browser: a focal point approves one value and returns another with a comment; the
secretariat then sees both outcomes."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import IndicatorPart, Observation
from tests import factories
from tests.browser import ARTIFACTS, chromium_page
from workflow.models import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    page.goto(f"{base}/en/accounts/login/?next=/en/work/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-only")
    page.click("button[type=submit]")


def test_focal_point_approves_one_value_and_returns_another(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server and Playwright share the thread
    call_command("load_framework", verbosity=0)
    factories.open_year(2023)
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    factories.focal_point("trp-fp", "TRP")
    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    rail = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="RAIL_BCP_TIME")
    for part, value in ((road, "14.2"), (rail, "31.0")):
        Observation.objects.create(
            part=part,
            year=2023,
            value_type="number",
            value_number=Decimal(value),
            status="submitted",
            created_by=secretariat,
            updated_by=secretariat,
        )
    base = live_server.url
    with chromium_page() as page:
        sign_in(page, base, "trp-fp")
        assert "2 values wait for your review" in page.content()
        road_row = page.locator("tr", has_text="Road").filter(has=page.locator("button"))
        road_row.get_by_role("button", name="Approve").click()
        page.wait_for_load_state()
        rail_row = page.locator("tr", has_text="Rail").filter(has=page.locator("button"))
        rail_row.get_by_placeholder("Comment (required to return)").fill("The CPMM table gives 29.5 h")
        rail_row.get_by_role("button", name="Return").click()
        page.wait_for_load_state()
        page.screenshot(path=str(ARTIFACTS / "review-focal-point.png"), full_page=True)
        page.context.clear_cookies()

        sign_in(page, base, "sec")
        content = page.content()
        assert "1 value was returned to you" in content
        assert "The CPMM table gives 29.5 h" in content
        page.goto(f"{base}/en/work/entry/TRP-OP-1/2023/")
        grid = page.content()
        page.screenshot(path=str(ARTIFACTS / "review-secretariat-grid.png"), full_page=True)
    assert "approved" in grid and "returned" in grid
    assert Observation.objects.get(part=road, year=2023, status="approved").value_number == Decimal("14.2")
    assert Observation.objects.get(part=rail, year=2023).status == "returned"
