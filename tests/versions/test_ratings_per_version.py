"""Ratings are computed per version (issue 16): each report year is rated against the framework
in force then. A revision applying from 2027 leaves every rating up to 2026 as it was; from 2027
on, its re-set baselines and milestones count, the parts it retired are no longer rated and the
parts it added are, and an indicator combines only the parts measured in the year."""

import pytest

from indicators.models import Baseline, IndicatorPart, Milestone
from progress.engine import Point, Target, expected_value
from progress.models import IndicatorRating, PartRating, RecomputeRequest
from progress.services import progress_recompute
from tests.versions.test_editions import _retarget
from tests.versions.test_revision import _draft, _endorse, framework, secretariat  # noqa: F401
from tests.versions.test_series import EAST_WEST, _load, _regional

pytestmark = pytest.mark.django_db

RAIL = {2025: 24.0, 2027: 26.0, 2028: 27.5}
FUEL = {2027: 9.0, 2028: 9.4}
PART_FIELDS = ("rating", "basis", "actual", "baseline_year", "baseline_value", "expected", "ratio", "milestone_year")


def _part_rows() -> dict[tuple[str, str, int], tuple]:
    rows = PartRating.objects.select_related("part__indicator")
    return {(r.part.indicator.code, r.part.code, r.as_of): tuple(getattr(r, f) for f in PART_FIELDS) for r in rows}


def _indicator_rows() -> dict[tuple[str, int], tuple]:
    rows = IndicatorRating.objects.select_related("indicator")
    return {(r.indicator.code, r.as_of): (r.rating, r.score, r.n_parts, r.n_rated) for r in rows}


@pytest.fixture
def before_and_after(secretariat, framework):  # noqa: F811
    """The ratings before and after the issue's revision (with a new 2029 milestone for the rail
    part), with values reported into 2028."""
    _load(_regional("TRP OC 1", "RAIL_SWD", RAIL), _regional("TRD OC 1", "FUEL_WORLD", FUEL))
    before = _part_rows(), _indicator_rows()
    version = _draft(secretariat, framework)
    _retarget(secretariat, version)
    _endorse(secretariat, version)
    _load(_regional("TRP OC 1", "ROAD_SWD_EW", EAST_WEST))  # recomputes
    return before, (_part_rows(), _indicator_rows())


def test_ratings_up_to_the_revision_are_those_of_the_version_then_in_force(before_and_after):
    (parts_before, indicators_before), (parts_after, indicators_after) = before_and_after
    earlier = [key for key in parts_before if key[2] <= 2026]
    assert len(earlier) > 500  # every PRF part, every year
    assert {key: parts_after.get(key) for key in earlier} == {key: parts_before[key] for key in earlier}
    earlier = [key for key in indicators_before if key[1] <= 2026]
    assert {key: indicators_after.get(key) for key in earlier} == {key: indicators_before[key] for key in earlier}
    # nothing of the revision is rated before it applies
    assert not [key for key in parts_after if key[2] <= 2026 and key not in parts_before]
    assert not [key for key in indicators_after if key[1] <= 2026 and key not in indicators_before]


def test_retired_parts_stop_and_new_parts_start_being_rated_when_the_revision_applies(before_and_after):
    _before, (parts, indicators) = before_and_after
    years = lambda code, part: sorted(y for (i, p, y) in parts if (i, p) == (code, part))  # noqa: E731
    assert years("TRP OC 1", "ROAD_SWD")[-1] == 2026
    assert years("TRP OC 1", "ROAD_SWD_EW") == [2027, 2028]
    assert years("TRP OC 1", "ROAD_SWD_NS") == [2027, 2028]
    assert parts[("TRP OC 1", "ROAD_SWD_EW", 2028)][2] == EAST_WEST[2028]
    # the retired indicator has no rating once retired; the split indicator combines what is measured
    assert max(y for (code, y) in indicators if code == "TRD OC 1.1") == 2026
    trp = IndicatorPart.objects.filter(indicator__code="TRP OC 1")
    assert indicators[("TRP OC 1", 2026)][2] == trp.in_force(2026).count() == 4  # road split in two
    assert indicators[("TRP OC 1", 2027)][2] == trp.in_force(2027).count() == 5


def test_rebased_baseline_and_new_milestones_count_from_the_year_the_revision_applies(before_and_after):
    (parts_before, _), (parts, _) = before_and_after
    old = parts_before[("TRD OC 1", "FUEL_WORLD", 2026)]
    assert parts[("TRD OC 1", "FUEL_WORLD", 2026)][4] == old[4]
    assert parts[("TRD OC 1", "FUEL_WORLD", 2027)][4] == pytest.approx(old[4] * 1.1)
    assert "baseline_revised" in PartRating.objects.get(part__code="FUEL_WORLD", as_of=2027).flags

    # the rail part had no milestone set: it was rated on its trend; from 2027 the revision's
    # 2029 milestone sets the line it is rated against, not before
    rail = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="RAIL_SWD")
    year, value = parts[("TRP OC 1", "RAIL_SWD", 2028)][3:5]
    targets = Milestone.objects.in_force(2028).filter(part=rail, value_number__isnull=False)
    assert [(m.year, float(m.value_number)) for m in targets] == [(2029, 30.0)]
    assert not Milestone.objects.in_force(2026).filter(part=rail, value_number__isnull=False).exists()
    new_targets = [Target(m.year, m.kind, float(m.value_number)) for m in targets]
    line = expected_value(2028, Point(year, value, ""), new_targets)
    assert parts[("TRP OC 1", "RAIL_SWD", 2028)][5] == pytest.approx(line)
    assert parts_before[("TRP OC 1", "RAIL_SWD", 2028)][5] is None
    assert parts[("TRP OC 1", "RAIL_SWD", 2026)] == parts_before[("TRP OC 1", "RAIL_SWD", 2026)]


def test_endorsement_asks_for_every_part_to_be_recomputed(secretariat, framework):  # noqa: F811
    RecomputeRequest.objects.all().delete()
    _endorse(secretariat, _draft(secretariat, framework))
    asked = {pid for request in RecomputeRequest.objects.all() for pid in request.part_ids}
    assert asked == set(IndicatorPart.objects.filter(indicator__framework=framework).values_list("id", flat=True))


def test_an_incremental_recompute_rates_per_version_too(before_and_after):
    _before, (parts, _) = before_and_after
    road = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="ROAD_SWD_EW")
    PartRating.objects.filter(part__indicator=road.indicator).delete()
    progress_recompute(part_ids=[road.pk])
    assert _part_rows() == parts


def test_a_framework_with_no_baseline_has_no_year_to_rate_and_the_recompute_says_so_quietly(db):
    """No baseline, no report year, no period: the recompute stores nothing rather than failing
    on an empty set of periods."""
    Baseline.objects.all().delete()
    run = progress_recompute()
    assert run.status == "done" and not PartRating.objects.exists() and not IndicatorRating.objects.exists()
