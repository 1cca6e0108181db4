"""Each page renders with a fixed number of SQL queries, however many clusters, sectors,
indicators, parts and values it shows."""

import datetime

import pytest

from clusters.models import Cluster, Result, Sector
from indicators.models import Baseline, Indicator, IndicatorPart, Milestone, Observation, Unit
from progress.services import progress_recompute
from tests import factories

pytestmark = pytest.mark.django_db

# Measured on the loaded PRF; pinned so that an added query is a visible decision.
HOME, CLUSTER, SECTOR, LIST, COUNTRY = 18, 16, 15, 15, 4  # home: +9 for the PRF scorecard


def _grow_trade_cluster(n_indicators: int) -> Sector:
    """A new sector in cluster 2 with outcomes, outputs and indicators of two parts, each with a
    baseline, milestones and values."""
    cluster = Cluster.objects.get(code="C2")
    sector = Sector.objects.create(
        framework=cluster.framework, cluster=cluster, code="NEW", name="New sector", name_ru="Новый сектор", order=9
    )
    unit = Unit.objects.get(code="pct")
    source = factories.source()
    outcome = Result.objects.create(
        framework=cluster.framework, sector=sector, code="NEW OC 1", level="outcome", statement="Outcome"
    )
    for n in range(n_indicators):
        result = Result.objects.create(
            framework=cluster.framework,
            sector=sector,
            parent=outcome,
            code=f"NEW OP {n}",
            level="output",
            statement=f"Output {n}",
            order=n,
        )
        indicator = Indicator.objects.create(
            framework=cluster.framework, result=result, code=f"NEW OP {n}", statement=f"Indicator {n}"
        )
        for k in range(2):
            part = IndicatorPart.objects.create(
                indicator=indicator, code=f"P{k}", name=f"Part {k}", unit=unit, value_type="percent", direction=1
            )
            Baseline.objects.create(
                part=part,
                year=2017,
                value_type="percent",
                value_number=10,
                revised_on=datetime.date(2020, 12, 7),
                source=source,
            )
            Milestone.objects.create(
                part=part,
                year=2023,
                kind="exact",
                value_type="percent",
                value_number=20,
                set_on=datetime.date(2020, 12, 7),
                source=source,
            )
            for year in (2019, 2020):
                Observation.objects.create(
                    part=part,
                    year=year,
                    value_type="percent",
                    value_number=12 + year - 2019,
                    status="approved",
                    source=source,
                )
    progress_recompute()
    return sector


def test_the_home_page_does_not_grow_with_sectors_and_indicators(client, django_assert_num_queries):
    progress_recompute()
    with django_assert_num_queries(HOME):
        assert client.get("/en/").status_code == 200
    _grow_trade_cluster(12)
    with django_assert_num_queries(HOME):
        assert "New sector" in client.get("/en/").content.decode()


def test_the_sector_page_costs_the_same_for_a_small_and_a_large_sector(client, django_assert_num_queries):
    progress_recompute()
    with django_assert_num_queries(SECTOR):
        client.get("/en/sectors/ECD/")
    with django_assert_num_queries(SECTOR):
        client.get("/en/sectors/TRD/")
    _grow_trade_cluster(15)
    with django_assert_num_queries(SECTOR):
        html = client.get("/ru/sectors/NEW/").content.decode()
    assert html.count("Part 1") == 2 * 15  # in the results chain and in the scorecard


def test_the_cluster_page_costs_the_same_with_one_sector_or_many(client, django_assert_num_queries):
    progress_recompute()
    with django_assert_num_queries(CLUSTER):
        client.get("/en/clusters/C1/")
    _grow_trade_cluster(10)
    with django_assert_num_queries(CLUSTER):
        client.get("/en/clusters/C2/")  # four sectors now


def test_the_indicator_list_costs_the_same_filtered_or_not(client, django_assert_num_queries):
    progress_recompute()
    with django_assert_num_queries(LIST):
        client.get("/en/indicators/?sector=EFS")
    _grow_trade_cluster(10)
    with django_assert_num_queries(LIST):
        client.get("/en/indicators/")
    with django_assert_num_queries(LIST):
        html = client.get("/en/indicators/?theme=CC&level=prf&cluster=C3&rating=no_data").content.decode()
    assert "ENG OC 1" in html


def test_the_country_page_costs_the_same_with_few_or_many_values(client, django_assert_num_queries):
    progress_recompute()
    with django_assert_num_queries(COUNTRY):
        client.get("/en/countries/TKM/")
    with django_assert_num_queries(COUNTRY):
        client.get("/en/countries/KAZ/")


def test_the_indicator_page_costs_the_same_with_more_country_values(client, django_assert_num_queries):
    progress_recompute()
    with django_assert_num_queries(16) as before:
        client.get("/en/indicators/TRD-OC-1.1/")
    n_queries = len(before.captured_queries)
    part = IndicatorPart.objects.get(indicator__code="TRD OC 1.1", code="EXPORT_GROWTH")
    Observation.objects.filter(part=part, year=2021).update(kind="actual")
    with django_assert_num_queries(n_queries):
        client.get("/en/indicators/TRD-OC-1.1/")
