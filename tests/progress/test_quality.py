"""Data-quality checks: one anomaly of each kind is planted, and each one is found, shown beside
the value to its reviewer and in the grid, listed on the sector's page, and can be followed up.
The checks themselves are pure functions, tested on hand-worked numbers."""

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorPart, Observation, ReportingYear
from progress.models import QualityWarning, RegionalValue
from progress.quality import (
    COVERAGE,
    OUTDATED,
    QualitySettings,
    check_change,
    check_coverage,
    check_near_limit,
    check_outdated,
    quality_run,
)
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import Role

S = QualitySettings(change_share=0.5, near_limit_share=0.02, coverage_share=0.6, outdated_years=3)


def test_each_check_on_hand_worked_numbers():
    # 16.9 h then 45 h: (45 - 16.9) / 16.9 = +166% > 50%
    assert check_change(45.0, (2021, 16.9), S).details["change"] == pytest.approx(1.6627, abs=1e-4)
    assert check_change(25.0, (2021, 16.9), S) is None  # +48%
    assert check_change(5.0, None, S) is None and check_change(5.0, (2021, 0.0), S) is None
    # percent 0–100: 98.5 is within 2 points of 100; 97.9 is not; zero is a natural floor
    assert check_near_limit(98.5, 0.0, 100.0, "%", S).details["limit"] == 100.0
    assert check_near_limit(97.9, 0.0, 100.0, "%", S) is None
    assert check_near_limit(0.5, 0.0, 100.0, "%", S) is None
    assert check_near_limit(-99.0, -100.0, 1000.0, "%", S) is not None  # 1 point above -100 of a 1,100 range
    # 5 of 10 members is under 60%; 6 of 10 is not
    assert check_coverage(5, 10, S).details == {"contributors": 5, "members": 10}
    assert check_coverage(6, 10, S) is None and check_coverage(None, 10, S) is None
    # a 2020 value for a 2025 edition is 5 years old, more than 3
    assert check_outdated(2020, 2025, S).details == {"year": 2020, "edition": 2025, "years": 3}
    assert check_outdated(2022, 2025, S) is None


@pytest.fixture
def planted(db):
    """One anomaly of each kind in an open 2025, entered through the one way in."""
    factories.open_year(2025)
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    factories.focal_point("trp-fp", "TRP")
    factories.focal_point("trd-fp", "TRD")
    entries = [
        # change: road border crossing time, last approved 2021, now almost three times as long
        Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2025, value="45", ref="change"),
        # near the limit: a share of goods trade within CAREC of 99.5%
        Entry(
            indicator="TRD OC 1.2", part="GOODS_TRADE_CAREC_SHARE", country="KAZ", year=2025, value="99.5", ref="near"
        ),
        # an ordinary value: nothing to say about it
        Entry(indicator="TRD OC 1.2", part="GOODS_TRADE_CAREC_SHARE", country="UZB", year=2025, value="34", ref="fine"),
    ]
    written = services.entries_save(user=secretariat, entries=entries).observations
    for observation in written.values():
        services.observation_submit(user=secretariat, observation=observation)
    share = IndicatorPart.objects.get(code="GOODS_TRADE_CAREC_SHARE")
    # coverage: a regional value aggregated from 3 of the 10 members
    RegionalValue.objects.update_or_create(
        part=share,
        year=2024,
        defaults={"value": 30.0, "origin": "aggregated", "n_contributors": 3, "n_members": 10, "contributors": []},
    )
    # outdated: the regional values of the road time end in 2021, four years before 2025
    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    RegionalValue.objects.filter(part=road).delete()
    RegionalValue.objects.create(part=road, year=2021, value=16.0, origin="reported", n_members=10)
    return {"written": written, "share": share, "road": road}


def test_every_planted_anomaly_is_found_and_nothing_else_in_those_values(planted):
    quality_run()
    written, share, road = planted["written"], planted["share"], planted["road"]
    found = {(w.kind, w.part_id, w.country_id, w.year) for w in QualityWarning.objects.all()}
    assert ("change", road.pk, None, 2025) in found
    assert ("near_limit", share.pk, written["near"].country_id, 2025) in found
    assert (COVERAGE, share.pk, None, 2024) in found
    assert (OUTDATED, road.pk, None, 2021) in found
    assert not QualityWarning.objects.filter(observation=written["fine"]).exists()
    assert ReportingYear.objects.order_by("-year").first().year == 2025  # the edition year the check used


def test_a_warning_that_still_holds_keeps_its_follow_up_and_one_that_no_longer_holds_goes(planted):
    quality_run()
    secretariat = factories.user("sec2", groups=(Role.SECRETARIAT,))
    change = QualityWarning.objects.get(kind="change", part=planted["road"], year=2025)
    services.quality_follow_up(user=secretariat, warning=change, followed_up=True, comment="CPMM confirms 45 h")
    quality_run()
    kept = QualityWarning.objects.get(kind="change", part=planted["road"], year=2025)
    assert (kept.pk, kept.followed_up, kept.follow_up_comment) == (change.pk, True, "CPMM confirms 45 h")
    near = planted["written"]["near"]
    services.entries_save(
        user=secretariat,
        entries=[
            Entry(
                indicator="TRD OC 1.2",
                part="GOODS_TRADE_CAREC_SHARE",
                country="KAZ",
                year=2025,
                value="35",
                ref="x",
                version=Observation.objects.get(pk=near.pk).version,
            )
        ],
    )
    quality_run()
    assert not QualityWarning.objects.filter(kind="near_limit", year=2025).exists()


def test_entering_values_runs_the_checks_on_their_parts(db, django_capture_on_commit_callbacks):
    factories.open_year(2025)
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    with django_capture_on_commit_callbacks(execute=True):
        services.entries_save(
            user=secretariat,
            entries=[
                Entry(indicator="TRP OP 1", part="ROAD_BCP_TIME", country="CAREC", year=2025, value="45", ref="v")
            ],
        )
    assert QualityWarning.objects.filter(kind="change", year=2025).count() == 1


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def test_the_reviewer_and_the_grid_show_the_warnings_and_the_sector_page_lists_them(
    client, planted, django_assert_max_num_queries
):
    quality_run()
    trd = factories.focal_point("trd-reviewer", "TRD")
    client.force_login(trd)
    work = client.get(url("workflow:my_work")).content.decode()
    assert "close to the limit of what % can plausibly be (100): check it" in work  # beside the value
    assert "warnings to follow up" in work or "warning to follow up" in work  # the sector's page, linked
    grid = client.get(url("workflow:entry_grid", "TRD-OC-1.2", 2025)).content.decode()
    assert "99.5 is close to the limit" in grid
    page = url("workflow:quality", "TRD")
    html = client.get(page).content.decode()
    assert "The regional value covers 3 of 10 member countries." in html
    assert "99.5 is close to the limit" in html
    warning = QualityWarning.objects.get(kind="near_limit", year=2025)
    client.post(page, {"warning": warning.pk, "followed_up": "yes", "comment": "Typo: 35.9 in the source"})
    warning.refresh_from_db()
    assert warning.followed_up and warning.followed_up_by == trd
    assert "Typo: 35.9 in the source" not in client.get(page).content.decode()  # only those to follow up
    assert "Typo: 35.9 in the source" in client.get(page + "?show=all").content.decode()
    ru = client.get(url("workflow:quality", "TRD", language="ru")).content.decode()
    assert "99,5" in ru  # numbers as Russian writes them
    # the page's queries do not grow with the warnings
    with django_assert_max_num_queries(20) as few:
        client.get(page)
    for year in range(2010, 2020):
        QualityWarning.objects.create(
            part=planted["share"], year=year, kind="outdated", details={"year": year, "edition": 2025, "years": 3}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(page)


def test_the_sector_page_is_for_the_secretariat_and_the_sectors_focal_points(client, planted):
    quality_run()
    client.force_login(factories.focal_point("eng-fp", "ENG"))
    assert client.get(url("workflow:quality", "TRD")).status_code == 403
    warning = QualityWarning.objects.get(kind="near_limit", year=2025)
    assert client.post(url("workflow:quality", "TRD"), {"warning": warning.pk, "followed_up": "yes"}).status_code == 403
    warning.refresh_from_db()
    assert not warning.followed_up
