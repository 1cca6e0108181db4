"""The dashboards of a report year show the framework in force that year: the transport
sector's page for 2026 lists the road part and the outcome a revision retired; for 2027, the
corridor parts, the new outcome and the rebased baseline, and nothing retired."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from reports.dashboards.framework_pages import home_page, sector_page
from tests.versions.test_result_changes import RETIRED
from tests.versions.test_result_changes import _draft as _draft_results
from tests.versions.test_revision import _draft, _endorse, framework, secretariat  # noqa: F401
from tests.versions.test_series import EAST_WEST, _load, _regional

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(secretariat, framework):  # noqa: F811
    """The issue's revision and the results revision in one version: changes of both drafts."""
    version = _draft(secretariat, framework)
    results = _draft_results(secretariat, framework, version=version)
    assert results == version
    _endorse(secretariat, version)
    _load(_regional("TRP OC 1", "ROAD_SWD_EW", EAST_WEST))  # so that 2027 and 2028 are report years
    return version


def _parts(page: dict) -> set[tuple[str, str]]:
    return {(i.code, p.code) for i in page["sector"].indicator_list for p in i.part_list}


def _results(page: dict) -> set[str]:
    codes = set()
    for link in page["sector"].chain:
        codes.update(r.code for r in [link["outcome"], *(o["result"] for o in link["outputs"])] if r)
    return codes


def test_the_transport_page_of_each_year_shows_that_years_framework(revised):
    before, after = sector_page(code="TRP", as_of=2026), sector_page(code="TRP", as_of=2027)
    assert ("TRP OC 1", "ROAD_SWD") in _parts(before) and ("TRP OC 1", "ROAD_SWD_EW") not in _parts(before)
    assert ("TRP OC 1", "ROAD_SWD") not in _parts(after)
    assert {("TRP OC 1", "ROAD_SWD_EW"), ("TRP OC 1", "ROAD_SWD_NS")} <= _parts(after)
    assert "TRP OC 2" in _results(after) and "TRP OC 2" not in _results(before)
    assert "TRP OC 1.9" in {i.code for i in after["sector"].indicator_list}
    assert "TRP OC 1.9" not in {i.code for i in before["sector"].indicator_list}


def test_the_trade_page_shows_the_baseline_governing_its_year(revised):
    def fuel(page):
        return next(p for i in page["sector"].indicator_list for p in i.part_list if p.code == "FUEL_WORLD")

    old, new = fuel(sector_page(code="TRD", as_of=2026)).baseline, fuel(sector_page(code="TRD", as_of=2027)).baseline
    assert new.year == old.year and float(new.value.number) == pytest.approx(float(old.value.number) * 1.1)
    assert "TRD OC 1.1" in {i.code for i in sector_page(code="TRD", as_of=2026)["sector"].indicator_list}
    assert "TRD OC 1.1" not in {i.code for i in sector_page(code="TRD", as_of=2027)["sector"].indicator_list}


def test_a_retired_outcome_leaves_its_sector_page_from_the_year_it_is_retired(revised):
    sector = RETIRED.split()[0]
    assert RETIRED in _results(sector_page(code=sector, as_of=2026))
    assert RETIRED not in _results(sector_page(code=sector, as_of=2027))


def test_the_sector_page_costs_the_same_queries_in_either_version(revised, client):
    with translation.override("en"):
        url = reverse("sector_detail", args=["TRP"])
    counts = []
    for year in (2026, 2027):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"year": year}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_home_scorecard_lists_the_prf_as_measured_in_its_year(revised):
    def scorecard_parts(as_of: int) -> set[tuple[str, str]]:
        groups = home_page(as_of=as_of)["scorecard"]["groups"]
        return {(row["indicator"].code, row["part"].code) for group in groups for row in group["rows"]}

    before, after = scorecard_parts(2025), scorecard_parts(2027)
    assert ("TRP OC 1", "ROAD_SWD") in before and ("TRP OC 1", "ROAD_SWD_EW") not in before
    assert ("TRP OC 1", "ROAD_SWD") not in after and ("TRP OC 1", "ROAD_SWD_EW") in after
