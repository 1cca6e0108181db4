"""Recomputation against the database: the loaded PRF gets its ratings, an incremental run
touches only what depends on the change, and running twice changes nothing."""

from decimal import Decimal

import pytest

from clusters.models import Country
from indicators.models import IndicatorPart, Observation
from progress.models import IndicatorRating, PartRating, RecomputeRun, RegionalValue
from progress.services import progress_recompute, rating_method_default

pytestmark = pytest.mark.django_db


def part(indicator: str, code: str) -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code=indicator, code=code)


def rating(indicator: str, code: str, as_of: int) -> PartRating:
    return PartRating.objects.get(part=part(indicator, code), as_of=as_of, method=rating_method_default())


def test_full_recompute_rates_the_seeds_values():
    run = progress_recompute()
    assert run.status == "done" and run.full and run.n_parts == IndicatorPart.objects.count()
    # fuel trade within CAREC: B 0.48 (2017), 2023 target 0.84, A 0.55 in 2020
    # E_2020 = 0.48 + 0.36 * 3/6 = 0.66; R = 0.07 / 0.18 = 0.389 -> Off track
    fuel = rating("TRD OC 1", "FUEL_CAREC", 2021)
    assert fuel.rating == "off_track"
    assert fuel.ratio == pytest.approx(0.07 / 0.18)
    assert fuel.expected == pytest.approx(0.66)
    assert (fuel.latest_year, fuel.baseline_year) == (2020, 2017)
    assert "baseline_revised" in fuel.flags
    # border crossing 16.9 h (2017) -> 13.6 h (2021), lower is better, no target:
    # g = 3.3 / (16.9 * 4) = 4.9 % a year -> Improving
    road = rating("TRP OP 1", "ROAD_BCP_TIME", 2022)
    assert road.rating == "improving" and road.growth == pytest.approx(3.3 / (16.9 * 4))
    assert rating("ECD OC 1", "COUNTRIES_ECD_CONCEPT", 2022).rating == "improving"
    assert rating("TRD OP 3", "BODIES_FUNCTIONING", 2022).rating == "achieved"
    assert rating("TRP OC 1", "ROAD_SWD", 2022).rating == "no_data"


def test_every_indicator_gets_a_rating_for_every_report_year():
    progress_recompute()
    years = set(PartRating.objects.values_list("as_of", flat=True))
    from indicators.models import Indicator

    assert IndicatorRating.objects.count() == Indicator.objects.count() * len(years)
    assert {2018, 2021, 2024} <= years


def test_regional_values_say_whether_reported_or_aggregated_and_their_coverage():
    progress_recompute()
    goods = RegionalValue.objects.get(part=part("TRD OC 1.2", "GOODS_TRADE"), year=2020)
    assert (goods.origin, goods.value) == ("reported", 4920258.0)  # the printed CAREC row wins
    exports = RegionalValue.objects.get(part=part("TRD OC 1.1", "EXPORT_GROWTH"), year=2019)
    assert exports.origin == "aggregated"  # the report publishes the region's growth for 2020-2021 only
    assert exports.n_contributors == 10 and exports.n_members == 11  # no AFG row
    assert exports.partial_coverage


def test_forecasts_do_not_count_as_progress():
    progress_recompute()
    exports = part("TRD OC 1.1", "EXPORT_GROWTH")
    assert not RegionalValue.objects.filter(part=exports, year__gte=2022).exists()
    # 2021 holds country forecasts only: its regional value is the one the report publishes
    assert RegionalValue.objects.get(part=exports, year=2021).origin == "reported"


def test_a_country_contributes_only_while_a_member():
    gdp = part("TRD OC 1.4", "GDP_GROWTH")
    afg = Country.objects.get(code="AFG")
    for year in (2021, 2022):
        Observation.objects.create(
            part=gdp, country=afg, year=year, value_type="percent", value_number=Decimal("-20"), status="approved"
        )
    progress_recompute(part_ids=[gdp.pk])
    in_2021 = RegionalValue.objects.get(part=gdp, year=2021)
    assert Country.objects.get(code="AFG").pk in in_2021.contributors
    assert in_2021.n_members == 11
    assert not RegionalValue.objects.filter(part=gdp, year=2022).exists()  # 2022 holds forecasts only


def test_incremental_recompute_touches_only_what_depends_on_the_change():
    progress_recompute()
    road = part("TRP OP 1", "ROAD_BCP_TIME")
    untouched = set(PartRating.objects.exclude(part__indicator=road.indicator).values_list("id", flat=True))
    Observation.objects.filter(part=road, year=2021).update(value_number=Decimal("20.0"))
    run = progress_recompute(part_ids=[road.pk])
    assert not run.full and run.n_parts == road.indicator.parts.count()
    assert rating("TRP OP 1", "ROAD_BCP_TIME", 2022).rating == "worsening"
    assert set(PartRating.objects.exclude(part__indicator=road.indicator).values_list("id", flat=True)) == untouched


def test_a_change_to_weights_recomputes_the_weighted_part():
    progress_recompute()
    goods = part("TRD OC 1.2", "GOODS_TRADE")
    Observation.objects.filter(part=goods, country=None).delete()  # let the aggregate show
    Observation.objects.filter(part=goods, country__code="CHN").update(value_number=Decimal("1"))
    progress_recompute(part_ids=[goods.pk])
    share = RegionalValue.objects.get(part=part("TRD OC 1.2", "GOODS_TRADE_CAREC_SHARE"), year=2020)
    assert share.origin == "reported"  # the printed regional 2.8 % still wins
    total = RegionalValue.objects.get(part=goods, year=2020)
    assert total.origin == "aggregated" and total.n_contributors == 10


def test_running_twice_gives_the_same_results():
    runs_before = RecomputeRun.objects.filter(status="done").count()
    progress_recompute()
    first = sorted(PartRating.objects.values_list("part_id", "as_of", "rating", "ratio", "growth"))
    progress_recompute()
    assert sorted(PartRating.objects.values_list("part_id", "as_of", "rating", "ratio", "growth")) == first
    assert RecomputeRun.objects.filter(status="done").count() == runs_before + 2


def test_the_full_recompute_is_scheduled_on_beat():
    from carec_prf.celery import app

    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["ratings-recompute-nightly"]
    assert entry["task"] in app.tasks


def test_approval_queues_a_recompute_of_the_part(django_capture_on_commit_callbacks):
    from tests import factories
    from workflow.services import observation_approve, reporting_year_set

    factories.open_year(2022)
    reviewer = factories.focal_point("trp-focal", "TRP")
    progress_recompute()
    road = part("TRP OP 1", "ROAD_BCP_TIME")
    submitted = Observation.objects.create(
        part=road, year=2022, value_type="number", value_number=Decimal("25.0"), status="submitted"
    )
    previous = Observation.objects.get(part=road, year=2021, country=None, status="approved")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        observation_approve(user=reviewer, observation=submitted)
    assert len(callbacks) == 1  # the recompute, queued once the approval commits
    # ratings are published figures: a value of a year still open does not move them yet
    assert rating("TRP OP 1", "ROAD_BCP_TIME", 2023).rating == "improving"
    secretariat = factories.user("sec", groups=("secretariat",))
    with django_capture_on_commit_callbacks(execute=True):
        reporting_year_set(user=secretariat, year=2022, status="published")
    assert rating("TRP OP 1", "ROAD_BCP_TIME", 2023).rating == "worsening"
    assert Observation.objects.get(pk=previous.pk).status == "approved"  # a different year is untouched


def test_summaries_count_indicators_per_rating_in_one_query(django_assert_num_queries):
    from progress.selectors import rating_summary

    progress_recompute()
    method = rating_method_default()
    with django_assert_num_queries(1):
        summary = rating_summary(as_of=2022, method=method)
    from indicators.models import Indicator

    assert sum(summary["framework"].values()) == Indicator.objects.count()
    assert sum(sum(c.values()) for c in summary["sectors"].values()) == Indicator.objects.count()
    assert summary["sectors"]["TRP"] == {"improving": 1, "no_data": 2}
    assert (
        sum(summary["clusters"]["C2"].values()) == Indicator.objects.filter(result__sector__cluster__code="C2").count()
    )
    prf = rating_summary(as_of=2022, method=method, level="prf")
    assert sum(prf["framework"].values()) == 31
