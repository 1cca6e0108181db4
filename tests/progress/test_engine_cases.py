"""The rating method of ../shared/DOMAIN.md ("Rating progress", steps 1-8), one hand-worked case per
step and per data case of the seeds. Every case states its numbers and the ratio, growth or
expected value worked out by hand; the engine must reproduce both the number and the rating."""

import pytest

from progress.engine import Point, Target, combine_parts, expected_value, milestone_met, rate_part
from progress.method import MethodSettings, Rating

UP, DOWN = 1, -1
DEFAULT = MethodSettings()
UNCHECKED = object()  # a field the case does not speak about


def case(
    case_id,
    *,
    rating,
    baseline,
    actuals,
    targets=(),
    direction=UP,
    value_type="number",
    as_of=2024,
    settings=DEFAULT,
    final_year=None,
    plausible=(None, None),
    ratio=UNCHECKED,
    growth=UNCHECKED,
    expected=UNCHECKED,
    milestone=UNCHECKED,
    flags=UNCHECKED,
):
    given = {
        "value_type": value_type,
        "direction": direction,
        "baseline": baseline,
        "targets": tuple(targets),
        "actuals": tuple(actuals),
        "as_of": as_of,
        "settings": settings,
        "final_year": final_year,
        "plausible": plausible,
    }
    then = {
        "rating": rating,
        "ratio": ratio,
        "growth": growth,
        "expected": expected,
        "milestone": milestone,
        "flags": flags,
    }
    return pytest.param(given, then, id=case_id)


def check(given, then):
    result = rate_part(**given)
    assert result.rating == then["rating"]
    for name in ("ratio", "growth", "expected"):
        want = then[name]
        if want is UNCHECKED:
            continue
        got = getattr(result, name)
        if want is None:
            assert got is None, f"{name} should be None, is {got}"
        else:
            assert got == pytest.approx(want, rel=1e-9), name
    if then["milestone"] is not UNCHECKED:
        assert result.milestone == then["milestone"]
    if then["flags"] is not UNCHECKED:
        assert result.flags == set(then["flags"])
    return result


# --------------------------------------------------------------------------------------------
# Step 1: no data, cannot assess, outdated

ROAD_SWD_2017 = Point(2017, 22.2)  # TRP OC 1, road speed with delay, km/h (PRF 2017 baseline)

STATUS_CASES = [
    # No actual at all: No data, whatever else is known.
    case(
        "no_actual_is_no_data",
        rating=Rating.NO_DATA,
        baseline=ROAD_SWD_2017,
        actuals=[],
        targets=[Target(2023, "exact", 28.05)],
    ),
    # Neither baseline nor actual: step 1 looks at the actual first.
    case("no_actual_and_no_baseline_is_no_data", rating=Rating.NO_DATA, baseline=None, actuals=[]),
    # An actual in the baseline year itself is no progress since the baseline (t - 2017 would be 0).
    case(
        "actual_only_in_the_baseline_year_is_no_data",
        rating=Rating.NO_DATA,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2017, 22.2)],
    ),
    # A value dated after the report year is not yet known to that report.
    case(
        "actual_after_the_report_year_is_ignored",
        rating=Rating.NO_DATA,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2022, 23.0)],
        as_of=2021,
    ),
    # An actual of 25.0 km/h in 2021 but no baseline: Cannot assess.
    case(
        "no_baseline_is_cannot_assess",
        rating=Rating.CANNOT_ASSESS,
        baseline=None,
        actuals=[Point(2021, 25.0)],
        targets=[Target(2023, "exact", 28.05)],
        as_of=2021,
    ),
    # Latest 2020, report 2024: 4 years old > window 3 -> flagged, and still rated:
    # g = (23.5 - 22.2) / (22.2 * 3) = 0.0195 >= 0.015 -> Improving
    case(
        "value_older_than_the_window_is_rated_and_flagged_outdated",
        rating=Rating.IMPROVING,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2020, 23.5)],
        as_of=2024,
        growth=(23.5 - 22.2) / (22.2 * 3),
        flags={"outdated"},
    ),
    # Latest 2021, report 2024: exactly 3 years old, not older than the window -> not flagged.
    # g = (23.5 - 22.2) / (22.2 * 4) = 0.01464 -> Slow improvement
    case(
        "value_exactly_window_years_old_is_not_outdated",
        rating=Rating.SLOW_IMPROVEMENT,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 23.5)],
        as_of=2024,
        growth=(23.5 - 22.2) / (22.2 * 4),
        flags=set(),
    ),
    # The window is a setting: 5 years lets a 2020 value pass in 2024.
    case(
        "outdated_window_is_a_setting",
        rating=Rating.IMPROVING,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2020, 23.5)],
        as_of=2024,
        settings=MethodSettings(outdated_window_years=5),
        growth=(23.5 - 22.2) / (22.2 * 3),
        flags=set(),
    ),
    # Only the latest actual counts: 2019 (24.0) is superseded by 2021 (22.0).
    # g = (22.0 - 22.2) / (22.2 * 4) = -0.00225 -> Worsening
    case(
        "only_the_latest_actual_is_rated",
        rating=Rating.WORSENING,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 22.0), Point(2019, 24.0)],
        as_of=2021,
        growth=(22.0 - 22.2) / (22.2 * 4),
    ),
]


@pytest.mark.parametrize(("given", "then"), STATUS_CASES)
def test_step_1_no_data_cannot_assess_and_outdated(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Step 2: yes/no (AGR OC 1 "started adopting international standards (yes/no)", 2020 and 2023)

AGR_NO_2017 = Point(2017, 0.0)
YES_2020, YES_2023 = Target(2020, "exact", 1.0), Target(2023, "exact", 1.0)

YES_NO_CASES = [
    case(
        "yes_is_achieved",
        rating=Rating.ACHIEVED,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[Point(2021, 1.0)],
        targets=[YES_2020, YES_2023],
    ),
    case(
        "no_before_the_target_year_is_not_yet_achieved",
        rating=Rating.NOT_YET_ACHIEVED,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[Point(2021, 0.0)],
        targets=[YES_2023],
        as_of=2021,
    ),
    case(
        "no_after_the_target_year_is_not_achieved",
        rating=Rating.NOT_ACHIEVED,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[Point(2021, 0.0)],
        targets=[YES_2020, YES_2023],
        as_of=2021,
    ),
    # "no" reported for the target year itself: the year is over and it was not achieved.
    case(
        "no_in_the_target_year_is_not_achieved",
        rating=Rating.NOT_ACHIEVED,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[Point(2023, 0.0)],
        targets=[YES_2023],
    ),
    # No milestone set ("#"): the final milestone year (2029) is the target year.
    case(
        "no_without_a_set_milestone_uses_the_final_year",
        rating=Rating.NOT_YET_ACHIEVED,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[Point(2021, 0.0)],
        final_year=2029,
    ),
    # A later "yes" replaces an earlier "no".
    case(
        "yes_after_an_earlier_no_is_achieved",
        rating=Rating.ACHIEVED,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[Point(2020, 0.0), Point(2022, 1.0)],
        targets=[YES_2020, YES_2023],
    ),
    case(
        "yes_no_without_any_value_is_no_data",
        rating=Rating.NO_DATA,
        value_type="boolean",
        baseline=AGR_NO_2017,
        actuals=[],
        targets=[YES_2023],
    ),
]


@pytest.mark.parametrize(("given", "then"), YES_NO_CASES)
def test_step_2_yes_no(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Step 3: the expected value, a straight line from the baseline through the set milestones.
# Road SWD 22.2 (2017) with milestones 24.0 (2020), 27.0 (2023), 30.0 (2026).

ROAD_MILESTONES = [Target(2020, "exact", 24.0), Target(2023, "exact", 27.0), Target(2026, "exact", 30.0)]


@pytest.mark.parametrize(
    ("year", "hand"),
    [
        pytest.param(2017, 22.2, id="at_the_baseline_year_is_the_baseline"),
        pytest.param(2019, 22.2 + (24.0 - 22.2) * 2 / 3, id="between_baseline_and_first_milestone_23_4"),
        pytest.param(2020, 24.0, id="at_a_milestone_is_the_milestone"),
        pytest.param(2021, 24.0 + (27.0 - 24.0) * 1 / 3, id="between_2020_and_2023_milestones_25_0"),
        pytest.param(2022, 24.0 + (27.0 - 24.0) * 2 / 3, id="between_2020_and_2023_milestones_26_0"),
        pytest.param(2025, 27.0 + (30.0 - 27.0) * 2 / 3, id="between_2023_and_2026_milestones_29_0"),
        pytest.param(2029, 30.0, id="after_the_last_milestone_stays_at_it"),
    ],
)
def test_step_3_expected_value_is_interpolated_through_the_milestones(year, hand):
    assert expected_value(year, ROAD_SWD_2017, ROAD_MILESTONES) == pytest.approx(hand, rel=1e-12)


def test_step_3_milestone_not_set_is_skipped_by_the_line():
    # Only 2023 set (2020 is "#"): E_2021 = 22.2 + (28.05 - 22.2) * 4 / 6 = 26.1
    assert expected_value(2021, ROAD_SWD_2017, [Target(2023, "exact", 28.05)]) == pytest.approx(26.1)


EXPECTED_CASES = [
    # The 2019 actual (30.0) is not used to draw the line: E_2021 = 25.0 from the milestones alone.
    # The 2020 milestone (24.0) is due by t = 2021 and not met by 23.9.
    # R = (23.9 - 22.2) / |25.0 - 22.2| = 1.7 / 2.8 = 0.607 -> For attention
    case(
        "actuals_are_never_interpolated",
        rating=Rating.FOR_ATTENTION,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2019, 30.0), Point(2021, 23.9)],
        targets=ROAD_MILESTONES,
        as_of=2021,
        expected=25.0,
        ratio=(23.9 - 22.2) / (25.0 - 22.2),
    ),
    case(
        "same_rating_without_the_earlier_actual",
        rating=Rating.FOR_ATTENTION,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 23.9)],
        targets=ROAD_MILESTONES,
        as_of=2021,
        expected=25.0,
        ratio=(23.9 - 22.2) / (25.0 - 22.2),
    ),
]


@pytest.mark.parametrize(("given", "then"), EXPECTED_CASES)
def test_step_3_rating_uses_the_interpolated_target_and_the_latest_actual(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Step 4: a met milestone is Achieved.
# TRD OC 1 fuel trade within CAREC, % of GDP: 0.48 (2017), 0.71 (2019), 0.55 (2020), target 0.84 (2023).

FUEL_CAREC_2017 = Point(2017, 0.48)
FUEL_CAREC_2023 = Target(2023, "exact", 0.84)

MILESTONE_CASES = [
    # 0.86 in 2022 already beats the final milestone 0.84 -> Achieved
    case(
        "final_milestone_met_early_is_achieved",
        rating=Rating.ACHIEVED,
        baseline=FUEL_CAREC_2017,
        actuals=[Point(2022, 0.86)],
        targets=[FUEL_CAREC_2023],
        milestone=FUEL_CAREC_2023,
    ),
    # Road SWD: 24.5 in 2021 meets the 2020 milestone (24.0) due by t, though E_2021 = 25.0 -> Achieved
    case(
        "milestone_due_by_t_met_is_achieved",
        rating=Rating.ACHIEVED,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 24.5)],
        targets=ROAD_MILESTONES,
        milestone=ROAD_MILESTONES[0],
    ),
    # Tolerance 5 %: 0.80 >= 0.84 - 0.05 * 0.84 = 0.798 -> Achieved
    case(
        "milestone_met_within_the_tolerance_is_achieved",
        rating=Rating.ACHIEVED,
        baseline=FUEL_CAREC_2017,
        actuals=[Point(2022, 0.80)],
        targets=[FUEL_CAREC_2023],
        settings=MethodSettings(achieved_tolerance=0.05),
        milestone=FUEL_CAREC_2023,
    ),
    # Tolerance 5 %: 0.79 < 0.798, not met. E_2022 = 0.48 + 0.36 * 5 / 6 = 0.78
    # R = (0.79 - 0.48) / |0.78 - 0.48| = 1.033 -> On track
    case(
        "milestone_missed_beyond_the_tolerance_is_rated_by_r",
        rating=Rating.ON_TRACK,
        baseline=FUEL_CAREC_2017,
        actuals=[Point(2022, 0.79)],
        targets=[FUEL_CAREC_2023],
        settings=MethodSettings(achieved_tolerance=0.05),
        expected=0.78,
        ratio=(0.79 - 0.48) / (0.78 - 0.48),
    ),
    # Without tolerance 0.80 is not met: R = (0.80 - 0.48) / |0.78 - 0.48| = 1.067 -> On track
    case(
        "without_tolerance_near_miss_is_not_achieved",
        rating=Rating.ON_TRACK,
        baseline=FUEL_CAREC_2017,
        actuals=[Point(2022, 0.80)],
        targets=[FUEL_CAREC_2023],
        expected=0.78,
        ratio=(0.80 - 0.48) / (0.78 - 0.48),
    ),
    # An exact milestone where lower is better is met by any value at or below it.
    # Road border crossing time 16.9 h (2017), milestone 14.0 h (2023), 13.6 h in 2021 -> Achieved
    case(
        "exact_milestone_lower_is_better_met_from_below",
        rating=Rating.ACHIEVED,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2021, 13.6)],
        targets=[Target(2023, "exact", 14.0)],
    ),
]


@pytest.mark.parametrize(("given", "then"), MILESTONE_CASES)
def test_step_4_met_milestone_is_achieved(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Step 5: R = d (A_t - B) / |E_t - B|, thresholds 0.95 / 0.6 / 0.
# Boundary series: B = 10 (2017), milestone 30 (2027), t = 2022 -> E_t = 20, |E_t - B| = 10.

B10 = Point(2017, 10.0)
T30 = [Target(2027, "exact", 30.0)]


def boundary(case_id, actual, rating):
    # R = (A - 10) / |20 - 10|
    return case(
        case_id,
        rating=rating,
        baseline=B10,
        actuals=[Point(2022, actual)],
        targets=T30,
        as_of=2022,
        expected=20.0,
        ratio=(actual - 10.0) / 10.0,
    )


RATIO_CASES = [
    boundary("r_exactly_0_95_is_on_track", 19.5, Rating.ON_TRACK),  # R = 9.5 / 10 = 0.95
    boundary("r_0_94_is_for_attention", 19.4, Rating.FOR_ATTENTION),  # R = 0.94
    boundary("r_exactly_0_6_is_for_attention", 16.0, Rating.FOR_ATTENTION),  # R = 6 / 10 = 0.6
    boundary("r_0_59_is_off_track", 15.9, Rating.OFF_TRACK),  # R = 0.59
    boundary("r_exactly_0_is_off_track", 10.0, Rating.OFF_TRACK),  # R = 0
    boundary("r_below_0_is_regressing", 9.9, Rating.REGRESSING),  # R = -0.01
    boundary("r_above_1_but_milestone_not_met_is_on_track", 25.0, Rating.ON_TRACK),  # R = 1.5
    # TRD OC 1 non-fuel within CAREC: 1.65 (2017) -> 2.41 (2020), target 4.17 (2023).
    # E_2020 = 1.65 + (4.17 - 1.65) * 3 / 6 = 2.91; R = (2.41 - 1.65) / |2.91 - 1.65| = 0.603 -> For attention
    case(
        "trade_non_fuel_within_carec_2020_for_attention",
        rating=Rating.FOR_ATTENTION,
        baseline=Point(2017, 1.65),
        actuals=[Point(2019, 2.5), Point(2020, 2.41)],
        targets=[Target(2023, "exact", 4.17)],
        as_of=2021,
        expected=2.91,
        ratio=(2.41 - 1.65) / (2.91 - 1.65),
    ),
    # TRD OC 1 fuel within CAREC 2020: E_2020 = 0.48 + 0.36 * 3 / 6 = 0.66
    # R = (0.55 - 0.48) / |0.66 - 0.48| = 0.389 -> Off track
    case(
        "trade_fuel_within_carec_2020_off_track",
        rating=Rating.OFF_TRACK,
        baseline=FUEL_CAREC_2017,
        actuals=[Point(2019, 0.71), Point(2020, 0.55)],
        targets=[FUEL_CAREC_2023],
        as_of=2021,
        expected=0.66,
        ratio=(0.55 - 0.48) / (0.66 - 0.48),
    ),
    # Same part as of 2019: E_2019 = 0.48 + 0.36 * 2 / 6 = 0.60; R = (0.71 - 0.48) / 0.12 = 1.917 -> On track
    case(
        "trade_fuel_within_carec_2019_on_track",
        rating=Rating.ON_TRACK,
        baseline=FUEL_CAREC_2017,
        actuals=[Point(2019, 0.71), Point(2020, 0.55)],
        targets=[FUEL_CAREC_2023],
        as_of=2019,
        expected=0.60,
        ratio=(0.71 - 0.48) / (0.60 - 0.48),
    ),
    # TRD OC 1 non-fuel with the rest of the world: 24.98 (2017) -> 29.50 (2020), target 31.52 (2023).
    # E_2020 = 24.98 + 6.54 / 2 = 28.25; R = 4.52 / 3.27 = 1.382 -> On track
    case(
        "trade_non_fuel_rest_of_world_2020_on_track",
        rating=Rating.ON_TRACK,
        baseline=Point(2017, 24.98),
        actuals=[Point(2019, 29.07), Point(2020, 29.50)],
        targets=[Target(2023, "exact", 31.52)],
        as_of=2021,
        expected=28.25,
        ratio=(29.50 - 24.98) / (28.25 - 24.98),
    ),
    # Road SWD 22.2 (2017), milestone 28.05 (2023): E_2021 = 22.2 + 5.85 * 4 / 6 = 26.1
    # R = (25 - 22.2) / |26.1 - 22.2| = 0.718 -> For attention
    case(
        "road_speed_with_delay_for_attention",
        rating=Rating.FOR_ATTENTION,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 25.0)],
        targets=[Target(2023, "exact", 28.05)],
        as_of=2021,
        expected=26.1,
        ratio=(25.0 - 22.2) / (26.1 - 22.2),
    ),
    # Thresholds are settings: with on_track_min 0.7, the same R = 0.718 is On track.
    case(
        "thresholds_are_settings",
        rating=Rating.ON_TRACK,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 25.0)],
        targets=[Target(2023, "exact", 28.05)],
        as_of=2021,
        settings=MethodSettings(on_track_min=0.7),
        expected=26.1,
        ratio=(25.0 - 22.2) / (26.1 - 22.2),
    ),
    # Ordinal (AGR OC 1 compliance scale, rank 1 = "very limited" in 2017), milestone rank 3 (2023),
    # rank 2 in 2021: E_2021 = 1 + 2 * 4 / 6 = 2.333; R = (2 - 1) / 1.333 = 0.75 -> For attention
    case(
        "ordinal_level_rated_by_its_rank",
        rating=Rating.FOR_ATTENTION,
        value_type="ordinal",
        baseline=Point(2017, 1.0),
        actuals=[Point(2021, 2.0)],
        targets=[Target(2023, "exact", 3.0)],
        expected=1 + 2 * 4 / 6,
        ratio=1 / (2 * 4 / 6),
    ),
]


@pytest.mark.parametrize(("given", "then"), RATIO_CASES)
def test_step_5_share_of_required_progress(given, then):
    check(given, then)


MAINTAIN_CASES = [
    # TRP OC 1 rail SWD 14.8 km/h (2017), to be held in 2020, raised to 16.0 by 2026.
    # t = 2019: E_2019 = 14.8 = B (a "maintain" stretch); d (14.8 - 14.8) = 0 >= 0 -> On track
    case(
        "maintain_held_is_on_track",
        rating=Rating.ON_TRACK,
        baseline=Point(2017, 14.8),
        actuals=[Point(2019, 14.8)],
        targets=[Target(2020, "exact", 14.8), Target(2026, "exact", 16.0)],
        as_of=2019,
        expected=14.8,
    ),
    # d (15.2 - 14.8) = 0.4 >= 0 -> On track (2026 milestone 16.0 not met yet)
    case(
        "maintain_improved_is_on_track",
        rating=Rating.ON_TRACK,
        baseline=Point(2017, 14.8),
        actuals=[Point(2019, 15.2)],
        targets=[Target(2020, "exact", 14.8), Target(2026, "exact", 16.0)],
        as_of=2019,
        expected=14.8,
    ),
    # d (14.5 - 14.8) = -0.3 < 0 -> Regressing
    case(
        "maintain_slipped_is_regressing",
        rating=Rating.REGRESSING,
        baseline=Point(2017, 14.8),
        actuals=[Point(2019, 14.5)],
        targets=[Target(2020, "exact", 14.8), Target(2026, "exact", 16.0)],
        as_of=2019,
        expected=14.8,
    ),
    # Lower is better: border time 16.9 h held in 2020, 12.0 h by 2026; 16.5 h in 2019:
    # d (16.5 - 16.9) = -1 * -0.4 = 0.4 >= 0 -> On track
    case(
        "maintain_lower_is_better_on_track",
        rating=Rating.ON_TRACK,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2019, 16.5)],
        targets=[Target(2020, "exact", 16.9), Target(2026, "exact", 12.0)],
        as_of=2019,
        expected=16.9,
    ),
    # 17.2 h: d (17.2 - 16.9) = -0.3 < 0 -> Regressing
    case(
        "maintain_lower_is_better_regressing",
        rating=Rating.REGRESSING,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2019, 17.2)],
        targets=[Target(2020, "exact", 16.9), Target(2026, "exact", 12.0)],
        as_of=2019,
        expected=16.9,
    ),
]


@pytest.mark.parametrize(("given", "then"), MAINTAIN_CASES)
def test_step_5_maintain_target(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Step 6: no milestone set -> g = d (A_t - B) / (|B| (t - baseline year)), thresholds 1.5 % / 0.5 % / 0.
# Boundary series: B = 100 (2017), t = 2019 -> g = (A - 100) / 200.

B100 = Point(2017, 100.0)


def trend(case_id, actual, rating):
    return case(
        case_id,
        rating=rating,
        baseline=B100,
        actuals=[Point(2019, actual)],
        as_of=2019,
        growth=(actual - 100.0) / 200.0,
    )


TREND_CASES = [
    trend("g_exactly_1_5_pct_is_improving", 103.0, Rating.IMPROVING),  # g = 3 / 200 = 0.015
    trend("g_1_45_pct_is_slow_improvement", 102.9, Rating.SLOW_IMPROVEMENT),  # g = 0.0145
    trend("g_exactly_0_5_pct_is_slow_improvement", 101.0, Rating.SLOW_IMPROVEMENT),  # g = 1 / 200 = 0.005
    trend("g_0_45_pct_is_stagnant", 100.9, Rating.STAGNANT),  # g = 0.0045
    trend("g_exactly_0_is_stagnant", 100.0, Rating.STAGNANT),  # g = 0
    trend("g_below_0_is_worsening", 99.9, Rating.WORSENING),  # g = -0.0005
    # TRP OP 1 road border crossing time, lower is better: 16.9 h (2017) -> 13.6 h (2021 CPMM), no milestone.
    # g = -1 * (13.6 - 16.9) / (16.9 * 4) = 3.3 / 67.6 = 0.0488 >= 0.015 -> Improving
    case(
        "lower_is_better_border_time_improving",
        rating=Rating.IMPROVING,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2020, 15.1), Point(2021, 13.6)],
        as_of=2021,
        growth=3.3 / 67.6,
        ratio=None,
        expected=None,
    ),
    # As of 2020: g = 1.8 / (16.9 * 3) = 0.0355 -> Improving
    case(
        "lower_is_better_border_time_2020_improving",
        rating=Rating.IMPROVING,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2020, 15.1), Point(2021, 13.6)],
        as_of=2020,
        growth=1.8 / (16.9 * 3),
    ),
    # A rising border time is worsening: 17.5 h in 2021, g = -0.6 / 67.6 = -0.0089 -> Worsening
    case(
        "lower_is_better_rising_is_worsening",
        rating=Rating.WORSENING,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2021, 17.5)],
        as_of=2021,
        growth=-0.6 / 67.6,
    ),
    # Road SWD fell (CPMM 2021): 21.0 km/h in 2021; g = (21.0 - 22.2) / (22.2 * 4) = -0.0135 -> Worsening
    case(
        "road_speed_falling_is_worsening",
        rating=Rating.WORSENING,
        baseline=ROAD_SWD_2017,
        actuals=[Point(2021, 21.0)],
        as_of=2021,
        growth=(21.0 - 22.2) / (22.2 * 4),
    ),
    # ECD OC 1, a set of countries counted: 4 (revised 2017 baseline) -> 7 in 2021.
    # g = (7 - 4) / (4 * 4) = 0.1875 -> Improving
    case(
        "country_set_count_improving",
        rating=Rating.IMPROVING,
        value_type="country_set",
        baseline=Point(2017, 4.0),
        actuals=[Point(2021, 7.0)],
        as_of=2021,
        growth=3 / 16,
    ),
    # Negative baseline uses |B|: Kazakhstan export growth -2.8 % (2019) -> 27.2 % (2021).
    # g = (27.2 - -2.8) / (2.8 * 2) = 5.357 -> Improving
    case(
        "negative_baseline_uses_its_absolute_value",
        rating=Rating.IMPROVING,
        baseline=Point(2019, -2.8),
        actuals=[Point(2021, 27.2)],
        as_of=2021,
        growth=30.0 / 5.6,
    ),
    # Same series, -18.7 % in 2020: g = (-18.7 + 2.8) / (2.8 * 1) = -5.679 -> Worsening
    case(
        "negative_baseline_falling_further_is_worsening",
        rating=Rating.WORSENING,
        baseline=Point(2019, -2.8),
        actuals=[Point(2020, -18.7)],
        as_of=2020,
        growth=-15.9 / 2.8,
    ),
    # Zero baseline (ECD OP 1 sector concepts, 0 in 2017): the sign of the change decides, g is undefined.
    case(
        "zero_baseline_rise_is_improving",
        rating=Rating.IMPROVING,
        baseline=Point(2017, 0.0),
        actuals=[Point(2021, 3.0)],
        as_of=2021,
        growth=None,
    ),
    case(
        "zero_baseline_no_change_is_stagnant",
        rating=Rating.STAGNANT,
        baseline=Point(2017, 0.0),
        actuals=[Point(2021, 0.0)],
        as_of=2021,
        growth=None,
    ),
    case(
        "zero_baseline_fall_is_worsening",
        rating=Rating.WORSENING,
        baseline=Point(2017, 0.0),
        actuals=[Point(2021, -1.0)],
        as_of=2021,
        growth=None,
    ),
    case(
        "zero_baseline_rise_where_lower_is_better_is_worsening",
        rating=Rating.WORSENING,
        direction=DOWN,
        baseline=Point(2017, 0.0),
        actuals=[Point(2021, 2.0)],
        as_of=2021,
        growth=None,
    ),
    # Rank, lower is better, no milestone: Kazakhstan TTCI rank 81 (2017) -> 74 (2021).
    # g = -1 * (74 - 81) / (81 * 4) = 0.0216 -> Improving
    case(
        "rank_lower_is_better_without_milestone_improving",
        rating=Rating.IMPROVING,
        value_type="rank",
        direction=DOWN,
        baseline=Point(2017, 81.0),
        actuals=[Point(2021, 74.0)],
        as_of=2021,
        growth=7 / 324,
    ),
    # Thresholds are settings: improving_min 5 % makes the border time's g = 0.0488 Slow improvement.
    case(
        "trend_thresholds_are_settings",
        rating=Rating.SLOW_IMPROVEMENT,
        direction=DOWN,
        baseline=Point(2017, 16.9),
        actuals=[Point(2021, 13.6)],
        as_of=2021,
        settings=MethodSettings(improving_min=0.05),
        growth=3.3 / 67.6,
    ),
]


@pytest.mark.parametrize(("given", "then"), TREND_CASES)
def test_step_6_trend_without_milestone(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Target kinds, lower is better, rank

KAZ_TTCI_2017 = Point(2017, 81.0)  # TSM OC 1-style rank, lower is better
TOP_70_BY_2023 = Target(2023, "at_most", 70.0)
BCP_2017 = Point(2017, 16.9)  # TRP OP 1 road border crossing time, hours
BCP_AT_MOST_14 = Target(2023, "at_most", 14.0)

KIND_CASES = [
    # TSM OC 1: "at least # CAREC countries in the top 70"; 2 countries in 2017 (PRC 15, Georgia 70),
    # milestone at least 4 by 2023. 4 in 2021 -> Achieved
    case(
        "at_least_target_reached_is_achieved",
        rating=Rating.ACHIEVED,
        value_type="count",
        baseline=Point(2017, 2.0),
        actuals=[Point(2021, 4.0)],
        targets=[Target(2023, "at_least", 4.0)],
    ),
    # 5 is more than at least 4 -> Achieved
    case(
        "at_least_target_exceeded_is_achieved",
        rating=Rating.ACHIEVED,
        value_type="count",
        baseline=Point(2017, 2.0),
        actuals=[Point(2021, 5.0)],
        targets=[Target(2023, "at_least", 4.0)],
    ),
    # 3 in 2021: E_2021 = 2 + 2 * 4 / 6 = 3.333; R = (3 - 2) / 1.333 = 0.75 -> For attention
    case(
        "at_least_target_short_is_rated_by_r",
        rating=Rating.FOR_ATTENTION,
        value_type="count",
        baseline=Point(2017, 2.0),
        actuals=[Point(2021, 3.0)],
        targets=[Target(2023, "at_least", 4.0)],
        expected=2 + 8 / 6,
        ratio=1 / (8 / 6),
    ),
    # Border time at most 14.0 h by 2023; 13.6 h in 2021 -> Achieved
    case(
        "at_most_target_reached_is_achieved",
        rating=Rating.ACHIEVED,
        direction=DOWN,
        baseline=BCP_2017,
        actuals=[Point(2021, 13.6)],
        targets=[BCP_AT_MOST_14],
        milestone=BCP_AT_MOST_14,
    ),
    # 15.1 h in 2020: E_2020 = 16.9 - 2.9 * 3 / 6 = 15.45; R = -(15.1 - 16.9) / |15.45 - 16.9| = 1.241 -> On track
    case(
        "at_most_target_ahead_of_the_line_is_on_track",
        rating=Rating.ON_TRACK,
        direction=DOWN,
        baseline=BCP_2017,
        actuals=[Point(2020, 15.1)],
        targets=[BCP_AT_MOST_14],
        as_of=2020,
        expected=15.45,
        ratio=1.8 / 1.45,
    ),
    # 16.0 h in 2021: E_2021 = 16.9 - 2.9 * 4 / 6 = 14.967; R = 0.9 / 1.933 = 0.466 -> Off track
    case(
        "lower_is_better_behind_the_line_is_off_track",
        rating=Rating.OFF_TRACK,
        direction=DOWN,
        baseline=BCP_2017,
        actuals=[Point(2021, 16.0)],
        targets=[BCP_AT_MOST_14],
        as_of=2021,
        expected=16.9 - 2.9 * 4 / 6,
        ratio=0.9 / (2.9 * 4 / 6),
    ),
    # 17.5 h in 2021: R = -(17.5 - 16.9) / 1.933 = -0.310 -> Regressing
    case(
        "lower_is_better_rising_is_regressing",
        rating=Rating.REGRESSING,
        direction=DOWN,
        baseline=BCP_2017,
        actuals=[Point(2021, 17.5)],
        targets=[BCP_AT_MOST_14],
        as_of=2021,
        expected=16.9 - 2.9 * 4 / 6,
        ratio=-0.6 / (2.9 * 4 / 6),
    ),
    # Rank, lower is better: Kazakhstan 81 (2017), top 70 (rank <= 70) by 2023.
    # 74 in 2021: E_2021 = 81 - 11 * 4 / 6 = 73.667; R = 7 / 7.333 = 0.955 -> On track
    case(
        "rank_lower_is_better_on_track",
        rating=Rating.ON_TRACK,
        value_type="rank",
        direction=DOWN,
        baseline=KAZ_TTCI_2017,
        actuals=[Point(2021, 74.0)],
        targets=[TOP_70_BY_2023],
        as_of=2021,
        expected=81 - 44 / 6,
        ratio=7 / (44 / 6),
    ),
    # 80 in 2019: E_2019 = 81 - 11 * 2 / 6 = 77.333; R = 1 / 3.667 = 0.273 -> Off track
    case(
        "rank_lower_is_better_off_track",
        rating=Rating.OFF_TRACK,
        value_type="rank",
        direction=DOWN,
        baseline=KAZ_TTCI_2017,
        actuals=[Point(2019, 80.0)],
        targets=[TOP_70_BY_2023],
        as_of=2019,
        expected=81 - 22 / 6,
        ratio=1 / (22 / 6),
    ),
    # 84 in 2019: R = -(84 - 81) / 3.667 = -0.818 -> Regressing (a higher rank number is worse)
    case(
        "rank_rising_number_is_regressing",
        rating=Rating.REGRESSING,
        value_type="rank",
        direction=DOWN,
        baseline=KAZ_TTCI_2017,
        actuals=[Point(2019, 84.0)],
        targets=[TOP_70_BY_2023],
        as_of=2019,
        expected=81 - 22 / 6,
        ratio=-3 / (22 / 6),
    ),
    # Rank 70 in 2021 is inside the top 70 -> Achieved
    case(
        "rank_reaching_the_top_70_is_achieved",
        rating=Rating.ACHIEVED,
        value_type="rank",
        direction=DOWN,
        baseline=KAZ_TTCI_2017,
        actuals=[Point(2021, 70.0)],
        targets=[TOP_70_BY_2023],
    ),
]


@pytest.mark.parametrize(("given", "then"), KIND_CASES)
def test_target_kinds_direction_and_rank(given, then):
    check(given, then)


# --------------------------------------------------------------------------------------------
# Censored values, zero baseline, baseline already past the target

RENEWABLES_2017 = Point(2017, 1.0, "<")  # ENG OC 1 renewable share "<1%" (PRF 2017 baseline)
PERCENT_RANGE = (0.0, 100.0)  # the plausible range of the unit "%"

EDGE_CASES = [
    # Renewables "<1%" (2017), no milestone set, 3 % in 2021: comparing with the bound 1 understates the
    # rise, which is the conservative side. g = (3 - 1) / (1 * 4) = 0.5 -> Improving, flagged censored
    case(
        "censored_baseline_below_1_pct_compared_at_its_bound",
        rating=Rating.IMPROVING,
        value_type="percent",
        baseline=RENEWABLES_2017,
        actuals=[Point(2021, 3.0)],
        as_of=2021,
        growth=0.5,
        flags={"censored"},
    ),
    # Still "<1%" in 2021: the worst case the qualifiers allow is a baseline at its bound 1 and an
    # actual at the lowest plausible percentage, 0. g = (0 - 1) / (1 * 4) = -0.25 -> Worsening, flagged
    case(
        "censored_baseline_and_actual_rated_at_their_worst_case",
        rating=Rating.WORSENING,
        value_type="percent",
        baseline=RENEWABLES_2017,
        actuals=[Point(2021, 1.0, "<")],
        as_of=2021,
        plausible=PERCENT_RANGE,
        growth=-0.25,
        flags={"censored"},
    ),
    # Baseline 0.5 % (2017), at least 1 % by 2023; 2020 reported as "<1%": the true share may be as low
    # as 0, so the milestone is not met and the ratio is taken at 0:
    # E_2020 = 0.5 + 0.5 * 3 / 6 = 0.75; R = (0 - 0.5) / 0.25 = -2.0 -> Regressing, flagged censored
    case(
        "censored_actual_below_the_target_does_not_count_as_met",
        rating=Rating.REGRESSING,
        value_type="percent",
        baseline=Point(2017, 0.5),
        actuals=[Point(2020, 1.0, "<")],
        targets=[Target(2023, "at_least", 1.0)],
        as_of=2021,
        plausible=PERCENT_RANGE,
        expected=0.75,
        ratio=-2.0,
        flags={"censored"},
    ),
    # A lower bound where higher is better cannot flatter: ">1%" meets "at least 1 %" -> Achieved
    case(
        "censored_lower_bound_meets_an_at_least_target",
        rating=Rating.ACHIEVED,
        value_type="percent",
        baseline=Point(2017, 0.5),
        actuals=[Point(2020, 1.0, ">")],
        targets=[Target(2023, "at_least", 1.0)],
        as_of=2021,
        flags={"censored"},
    ),
    # Lower is better: border time ">14 h" may be as high as the unit's plausible 2000 h, so "at most
    # 14 h" is not met and the ratio is taken at 2000:
    # E_2021 = 16.9 - 2.9 * 4 / 6 = 14.967; R = -(2000 - 16.9) / 1.933 = -1025.74 -> Regressing, flagged
    case(
        "censored_upper_side_actual_where_lower_is_better_does_not_count_as_met",
        rating=Rating.REGRESSING,
        direction=DOWN,
        baseline=BCP_2017,
        actuals=[Point(2021, 14.0, ">")],
        targets=[BCP_AT_MOST_14],
        as_of=2021,
        plausible=(0.0, 2000.0),
        expected=16.9 - 2.9 * 4 / 6,
        ratio=-(2000 - 16.9) / (2.9 * 4 / 6),
        flags={"censored"},
    ),
    # Zero baseline with a milestone: HLT OP 2 countries sharing data, 0 (2017), 6 by 2023, 3 in 2021.
    # E_2021 = 0 + 6 * 4 / 6 = 4; R = (3 - 0) / |4 - 0| = 0.75 -> For attention
    case(
        "zero_baseline_with_milestone_uses_r",
        rating=Rating.FOR_ATTENTION,
        value_type="count",
        baseline=Point(2017, 0.0),
        actuals=[Point(2021, 3.0)],
        targets=[Target(2023, "exact", 6.0)],
        as_of=2021,
        expected=4.0,
        ratio=0.75,
    ),
    # Baseline already past the target, lower is better: border time 16.9 h, "at most 18 h" by 2023.
    # 17.5 h in 2021 is worse than the baseline but meets the milestone -> Achieved (step 4 before step 5)
    case(
        "baseline_past_the_target_actual_meeting_it_is_achieved",
        rating=Rating.ACHIEVED,
        direction=DOWN,
        baseline=BCP_2017,
        actuals=[Point(2021, 17.5)],
        targets=[Target(2023, "at_most", 18.0)],
    ),
    # TRD OC 1 fuel trade with the rest of the world, revised "2017 baseline" 31.52, target 14.87 (2023),
    # higher is better: the baseline is already past the target. 15.0 in 2022 meets it -> Achieved
    case(
        "baseline_past_the_target_higher_is_better_achieved",
        rating=Rating.ACHIEVED,
        baseline=Point(2017, 31.52),
        actuals=[Point(2022, 15.0)],
        targets=[Target(2023, "exact", 14.87)],
    ),
    # 9.54 in 2020 misses 14.87. E_2020 = 31.52 + (14.87 - 31.52) * 3 / 6 = 23.195
    # R = (9.54 - 31.52) / |23.195 - 31.52| = -21.98 / 8.325 = -2.640 -> Regressing
    case(
        "baseline_past_the_target_falling_below_it_is_regressing",
        rating=Rating.REGRESSING,
        baseline=Point(2017, 31.52),
        actuals=[Point(2019, 13.65), Point(2020, 9.54)],
        targets=[Target(2023, "exact", 14.87)],
        as_of=2021,
        expected=23.195,
        ratio=-21.98 / 8.325,
    ),
    # The PRF's own baseline for that part: 9.59 in 2016 (CITA 2030). Its own baseline year:
    # E_2020 = 9.59 + (14.87 - 9.59) * 4 / 7 = 12.607; R = (9.54 - 9.59) / 3.017 = -0.0166 -> Regressing
    case(
        "baseline_year_2016_is_used_for_the_line",
        rating=Rating.REGRESSING,
        baseline=Point(2016, 9.59),
        actuals=[Point(2019, 13.65), Point(2020, 9.54)],
        targets=[Target(2023, "exact", 14.87)],
        as_of=2021,
        expected=9.59 + 5.28 * 4 / 7,
        ratio=-0.05 / (5.28 * 4 / 7),
    ),
]


@pytest.mark.parametrize(("given", "then"), EDGE_CASES)
def test_censored_zero_and_past_target_baselines(given, then):
    check(given, then)


@pytest.mark.parametrize(
    ("actual", "target", "direction", "met"),
    [
        pytest.param(Point(2020, 1.0), Target(2023, "at_least", 1.0), UP, True, id="plain_value_at_the_target"),
        pytest.param(Point(2020, 1.0, "<"), Target(2023, "at_least", 1.0), UP, False, id="upper_bound_higher_better"),
        pytest.param(Point(2020, 1.0, "<="), Target(2023, "exact", 1.0), UP, False, id="le_bound_higher_better"),
        pytest.param(Point(2020, 1.0, ">"), Target(2023, "at_least", 1.0), UP, True, id="lower_bound_higher_better"),
        pytest.param(Point(2020, 14.0, ">"), Target(2023, "at_most", 14.0), DOWN, False, id="lower_bound_lower_better"),
        pytest.param(Point(2020, 14.0, "<"), Target(2023, "at_most", 14.0), DOWN, True, id="upper_bound_lower_better"),
    ],
)
def test_censored_actual_meets_a_target_only_when_its_bound_cannot_flatter(actual, target, direction, met):
    assert milestone_met(actual, target, direction, tolerance=0.0) is met


# --------------------------------------------------------------------------------------------
# Step 7: outlook, the trend from the baseline through the latest actual to the final milestone


def test_step_7_outlook_unlikely_when_the_trend_falls_short():
    # Fuel within CAREC: slope (0.55 - 0.48) / 3 per year; projected 2023 = 0.55 + 0.07 = 0.62 < 0.84
    result = rate_part(
        value_type="number",
        direction=UP,
        baseline=FUEL_CAREC_2017,
        targets=[FUEL_CAREC_2023],
        actuals=[Point(2020, 0.55)],
        as_of=2021,
        settings=DEFAULT,
    )
    assert result.projected == pytest.approx(0.62)
    assert result.outlook == "unlikely"


def test_step_7_outlook_likely_when_the_trend_reaches_the_final_milestone():
    # Non-fuel rest of world: 24.98 -> 29.50 (2020); projected 2023 = 29.50 + 4.52 = 34.02 >= 31.52
    result = rate_part(
        value_type="number",
        direction=UP,
        baseline=Point(2017, 24.98),
        targets=[Target(2023, "exact", 31.52)],
        actuals=[Point(2020, 29.50)],
        as_of=2021,
        settings=DEFAULT,
    )
    assert result.projected == pytest.approx(34.02)
    assert result.outlook == "likely"


def test_step_7_outlook_is_optional():
    result = rate_part(
        value_type="number",
        direction=UP,
        baseline=FUEL_CAREC_2017,
        targets=[FUEL_CAREC_2023],
        actuals=[Point(2020, 0.55)],
        as_of=2021,
        settings=MethodSettings(outlook=False),
    )
    assert result.rating == Rating.OFF_TRACK
    assert result.outlook is None and result.projected is None


# --------------------------------------------------------------------------------------------
# Step 8: several parts

MEAN, WORST = MethodSettings(combine="mean"), MethodSettings(combine="worst")
A, OT, FA, OFF, REG = Rating.ACHIEVED, Rating.ON_TRACK, Rating.FOR_ATTENTION, Rating.OFF_TRACK, Rating.REGRESSING
IMP, SLOW, STAG, WORS = Rating.IMPROVING, Rating.SLOW_IMPROVEMENT, Rating.STAGNANT, Rating.WORSENING
ND, CA = Rating.NO_DATA, Rating.CANNOT_ASSESS
NYA, NA = Rating.NOT_YET_ACHIEVED, Rating.NOT_ACHIEVED


@pytest.mark.parametrize(
    ("parts", "settings", "rating", "score"),
    [
        # mean (3 + 1) / 2 = 2.0 -> For attention
        pytest.param([OT, OFF], MEAN, FA, 2.0, id="mean_on_track_and_off_track_is_for_attention"),
        # mean (3 + 2) / 2 = 2.5, rounded down to 2 -> For attention (never kinder than the parts)
        pytest.param([OT, FA], MEAN, FA, 2.5, id="mean_is_rounded_down"),
        # mean (4 + 3) / 2 = 3.5 -> On track: Achieved only when every part is
        pytest.param([A, OT], MEAN, OT, 3.5, id="mean_achieved_and_on_track_is_on_track"),
        pytest.param([A, A], MEAN, A, 4.0, id="every_part_achieved_is_achieved"),
        # mean (4 + 4 + 0) / 3 = 2.667 -> For attention
        pytest.param([A, A, REG], MEAN, FA, 8 / 3, id="mean_of_three_parts_rounded_down"),
        # No data is left out of the mean: (3 + 1) / 2 = 2.0 -> For attention
        pytest.param([OT, OFF, ND], MEAN, FA, 2.0, id="no_data_part_ignored_in_the_mean"),
        # Mean of the rated part is 4, but a part without data is not achieved -> On track
        pytest.param([A, ND], MEAN, OT, 4.0, id="achieved_with_a_no_data_part_is_not_achieved"),
        # TRP OC 1 road/rail x SWD/SWOD: For attention, On track, Off track, rail SWOD without data.
        # mean (2 + 3 + 1) / 3 = 2.0 -> For attention
        pytest.param([FA, OT, OFF, ND], MEAN, FA, 2.0, id="trp_oc_1_four_parts_mean"),
        pytest.param([FA, OT, OFF, ND], WORST, OFF, 1.0, id="trp_oc_1_four_parts_worst"),
        # Trend ratings stay in the trend family: (3 + 1) / 2 = 2 -> Slow improvement
        pytest.param([IMP, STAG], MEAN, SLOW, 2.0, id="mean_of_trend_parts"),
        # (3 + 2) / 2 = 2.5, rounded down -> Slow improvement
        pytest.param([IMP, SLOW], MEAN, SLOW, 2.5, id="mean_of_trend_parts_rounded_down"),
        pytest.param([OT, OFF], WORST, OFF, 1.0, id="worst_on_track_and_off_track_is_off_track"),
        pytest.param([A, FA], WORST, FA, 2.0, id="worst_achieved_and_for_attention"),
        pytest.param([A, A], WORST, A, 4.0, id="worst_of_all_achieved_is_achieved"),
        pytest.param([IMP, WORS, ND], WORST, WORS, 0.0, id="worst_ignores_no_data"),
        pytest.param([ND, ND], MEAN, ND, None, id="all_parts_without_data_is_no_data"),
        pytest.param([ND, CA], MEAN, CA, None, id="no_data_and_cannot_assess_is_cannot_assess"),
        # Two yes/no parts, one "no" before its target year: the worst part is Not yet achieved.
        pytest.param([A, NYA], WORST, NYA, 1.0, id="worst_of_yes_no_parts_is_the_worst_part"),
    ],
)
def test_step_8_several_parts_combined(parts, settings, rating, score):
    combined, combined_score = combine_parts(parts, settings)
    assert combined == rating
    if score is None:
        assert combined_score is None
    else:
        assert combined_score == pytest.approx(score)


@pytest.mark.parametrize("settings", [MEAN, WORST], ids=["mean", "worst"])
@pytest.mark.parametrize("rating", Rating.ALL)
def test_step_8_a_single_part_indicator_takes_its_part_rating(rating, settings):
    # One part: the mean and the worst of one rating is that rating (AGR OC 1 is a single yes/no part).
    assert combine_parts([rating], settings)[0] == rating


@pytest.mark.parametrize("settings", [MEAN, WORST], ids=["mean", "worst"])
@pytest.mark.parametrize("rating", [r for r in Rating.ALL if r not in Rating.UNRATED])
def test_step_8_parts_with_the_same_rating_combine_to_it(rating, settings):
    assert combine_parts([rating, rating], settings)[0] == rating
    if rating != Rating.ACHIEVED:  # with a part lacking data, Achieved is out of reach (see above)
        assert combine_parts([rating, rating, Rating.NO_DATA], settings)[0] == rating
