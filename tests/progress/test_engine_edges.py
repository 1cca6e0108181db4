"""Ratings right at the edges (issue #18): a ratio or an annual change that lands exactly on a
threshold, censored values rated at the worst case their qualifier allows, and a yes/no "no"
that outlives its target year. Every case is worked by hand in its comment; the explanation
shows the numbers the rating used."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from progress.engine import Point, Target, milestone_met, plausible_range, rate_part, worst_case
from progress.explain import explain_part
from progress.method import MethodSettings, Rating

UP, DOWN = 1, -1
DEFAULT = MethodSettings()
PERCENT = (0.0, 100.0)  # the plausible range of the unit "%"
HOURS = (0.0, 2000.0)  # of "hours"


def rate(*, baseline, actuals, targets=(), direction=UP, as_of=2021, plausible=(None, None), **extra):
    return rate_part(
        value_type=extra.pop("value_type", "number"),
        direction=direction,
        baseline=baseline,
        targets=list(targets),
        actuals=list(actuals),
        as_of=as_of,
        settings=extra.pop("settings", DEFAULT),
        final_year=extra.pop("final_year", None),
        plausible=plausible,
    )


def explained(result, *, baseline, as_of=2021, actual_qualifier=""):
    """An engine result as services store it."""
    return SimpleNamespace(
        rating=result.rating,
        basis=result.basis,
        as_of=as_of,
        latest_year=result.latest_year,
        actual=result.actual,
        actual_qualifier=actual_qualifier,
        baseline_year=baseline.year if baseline else None,
        baseline_value=baseline.value if baseline else None,
        baseline_qualifier=baseline.qualifier if baseline else "",
        expected=result.expected,
        ratio=result.ratio,
        growth=result.growth,
        milestone_year=result.milestone.year if result.milestone else None,
        milestone_value=result.milestone.value if result.milestone else None,
        outlook=result.outlook,
        projected=result.projected,
        n_contributors=None,
        n_members=None,
        flags=sorted(result.flags),
    )


def sentences(result, *, baseline, actual_qualifier="", lower_is_better=False, plausible=(None, None), as_of=2021):
    stored = explained(result, baseline=baseline, as_of=as_of, actual_qualifier=actual_qualifier)
    with translation.override("en"):
        return " ".join(explain_part(stored, DEFAULT, lower_is_better=lower_is_better, plausible=plausible))


# --------------------------------------------------------------------------------------------
# 1. Exactly on a threshold


def test_ratio_exactly_on_the_for_attention_threshold_is_for_attention():
    # Baseline 1.65 (2017), 2.5 by 2023, 1.905 in 2020.
    # E_2020 = 1.65 + (2.5 - 1.65) * 3 / 6 = 1.65 + 0.425 = 2.075
    # R = (1.905 - 1.65) / |2.075 - 1.65| = 0.255 / 0.425 = 0.6 exactly -> For attention
    # (binary floats give 0.5999999999999999, which read as Off track)
    assert (1.905 - 1.65) / (2.075 - 1.65) < 0.6  # the trap
    result = rate(baseline=Point(2017, 1.65), targets=[Target(2023, "exact", 2.5)], actuals=[Point(2020, 1.905)])
    assert result.rating == Rating.FOR_ATTENTION
    assert result.ratio == 0.6
    assert result.expected == 2.075


def test_ratio_exactly_on_the_on_track_threshold_where_lower_is_better_is_on_track():
    # Lower is better: 10.0 h (2017), at most 8.0 h by 2023, 9.05 h in 2020.
    # E_2020 = 10 - 2 * 3 / 6 = 9.0; R = -(9.05 - 10) / |9 - 10| = 0.95 exactly -> On track
    # (floats: 0.9499999999999993, For attention)
    result = rate(
        direction=DOWN,
        baseline=Point(2017, 10.0),
        targets=[Target(2023, "at_most", 8.0)],
        actuals=[Point(2020, 9.05)],
    )
    assert result.rating == Rating.ON_TRACK
    assert result.ratio == 0.95


def test_ratio_on_a_threshold_through_a_line_of_thirds_is_exact():
    # Road SWD 22.2 (2017), milestones 24.0 (2020) and 27.0 (2023); 22.92 in 2019.
    # E_2019 = 22.2 + 1.8 * 2 / 3 = 23.4; R = (22.92 - 22.2) / (23.4 - 22.2) = 0.72 / 1.2 = 0.6 -> For attention
    result = rate(
        baseline=Point(2017, 22.2),
        targets=[Target(2020, "exact", 24.0), Target(2023, "exact", 27.0)],
        actuals=[Point(2019, 22.92)],
    )
    assert result.rating == Rating.FOR_ATTENTION
    assert result.ratio == 0.6
    assert result.expected == 23.4


def test_ratio_just_below_a_threshold_stays_below_it():
    # 1.9049 instead of 1.905: R = 0.2549 / 0.425 = 0.59976... -> Off track
    result = rate(baseline=Point(2017, 1.65), targets=[Target(2023, "exact", 2.5)], actuals=[Point(2020, 1.9049)])
    assert result.rating == Rating.OFF_TRACK
    assert result.ratio == pytest.approx(0.2549 / 0.425)


def test_annual_change_exactly_on_the_improving_threshold_is_improving():
    # No milestone: 20.0 (2017) to 21.2 (2021). g = (21.2 - 20) / (20 * 4) = 1.2 / 80 = 0.015 -> Improving
    # (floats: 0.01499999999999999, Slow improvement)
    result = rate(baseline=Point(2017, 20.0), actuals=[Point(2021, 21.2)])
    assert result.rating == Rating.IMPROVING
    assert result.growth == 0.015


def test_annual_change_exactly_on_the_slow_improvement_threshold_is_slow_improvement():
    # 22.2 (2017) to 22.533 (2020). g = 0.333 / (22.2 * 3) = 0.333 / 66.6 = 0.005 -> Slow improvement
    result = rate(baseline=Point(2017, 22.2), actuals=[Point(2020, 22.533)])
    assert result.rating == Rating.SLOW_IMPROVEMENT
    assert result.growth == 0.005


def test_outlook_landing_exactly_on_the_final_milestone_is_likely():
    # 0.3 (2017), 0.4 by 2022, 0.36 in 2020. Slope (0.36 - 0.3) / 3 = 0.02 a year;
    # projected 2022 = 0.36 + 0.02 * 2 = 0.4 = the milestone -> likely (floats: 0.39999999999999997)
    # E_2020 = 0.3 + 0.1 * 3 / 5 = 0.36; R = 0.06 / 0.06 = 1 -> On track
    result = rate(baseline=Point(2017, 0.3), targets=[Target(2022, "exact", 0.4)], actuals=[Point(2020, 0.36)])
    assert result.rating == Rating.ON_TRACK
    assert result.outlook == "likely"
    assert result.projected == 0.4


def test_tolerance_is_applied_exactly():
    # At least 0.7 with a 10 % tolerance: met from 0.7 - 0.07 = 0.63 on, not at 0.6299
    target = Target(2023, "at_least", 0.7)
    assert milestone_met(Point(2022, 0.63), target, UP, tolerance=0.1)
    assert not milestone_met(Point(2022, 0.6299), target, UP, tolerance=0.1)


def test_explanation_shows_the_exact_numbers_behind_a_ratio_on_the_threshold():
    baseline = Point(2017, 1.65)
    result = rate(baseline=baseline, targets=[Target(2023, "exact", 2.5)], actuals=[Point(2020, 1.905)])
    text = sentences(result, baseline=baseline)
    assert "R = (1.905 − 1.65) / |2.075 − 1.65| = 0.6." in text
    assert "at least 0.6 for attention" in text


def test_explanation_shows_enough_digits_to_stay_beside_the_threshold():
    # R = 0.2549 / 0.425 = 0.59976: three places would print 0.6 beside an Off track
    baseline = Point(2017, 1.65)
    result = rate(baseline=baseline, targets=[Target(2023, "exact", 2.5)], actuals=[Point(2020, 1.9049)])
    text = sentences(result, baseline=baseline)
    assert "|2.075 − 1.65| = 0.5998." in text


def test_explanation_of_an_annual_change_on_the_threshold():
    baseline = Point(2017, 20.0)
    result = rate(baseline=baseline, actuals=[Point(2021, 21.2)])
    assert "g = 1.5 % a year" in sentences(result, baseline=baseline)


# --------------------------------------------------------------------------------------------
# 2. Censored values at the worst case their qualifier allows


@pytest.mark.parametrize(
    ("point", "direction", "plausible", "is_baseline", "worst"),
    [
        # "<1" where higher is better: at most 1, so as low as the unit allows
        pytest.param(Point(2020, 1.0, "<"), UP, PERCENT, False, 0.0, id="upper_bound_higher_better_to_the_floor"),
        # ">14" where lower is better: at least 14, so as high as the unit allows
        pytest.param(Point(2020, 14.0, ">"), DOWN, HOURS, False, 2000.0, id="lower_bound_lower_better_to_the_ceiling"),
        # bounds that cannot flatter are taken as printed
        pytest.param(Point(2020, 1.0, ">"), UP, PERCENT, False, 1.0, id="lower_bound_higher_better_as_printed"),
        pytest.param(Point(2020, 14.0, "<"), DOWN, HOURS, False, 14.0, id="upper_bound_lower_better_as_printed"),
        # no limit on the bad side: as bad as any
        pytest.param(Point(2020, 1.0, "<"), UP, (None, None), False, None, id="no_floor_is_unbounded"),
        # a baseline's worst side is the other one: a higher baseline leaves less progress
        pytest.param(Point(2017, 1.0, "<"), UP, PERCENT, True, 1.0, id="baseline_upper_bound_as_printed"),
        pytest.param(Point(2017, 50.0, ">"), UP, PERCENT, True, 100.0, id="baseline_lower_bound_to_the_ceiling"),
    ],
)
def test_worst_case_of_a_censored_value(point, direction, plausible, is_baseline, worst):
    got = worst_case(point, direction, plausible, baseline=is_baseline)
    assert (None if got is None else float(got)) == worst


def test_censored_actual_is_rated_at_the_floor_of_its_unit():
    # Zero baseline: 0 countries (2017), 6 by 2023, "<1" in 2021 where the unit's floor is 0.
    # Worst case A = 0. E_2021 = 6 * 4 / 6 = 4; R = (0 - 0) / 4 = 0 -> Off track (not Regressing:
    # the share cannot fall below 0), flagged censored
    result = rate(
        baseline=Point(2017, 0.0),
        targets=[Target(2023, "exact", 6.0)],
        actuals=[Point(2021, 1.0, "<")],
        plausible=PERCENT,
    )
    assert result.rating == Rating.OFF_TRACK
    assert result.ratio == 0.0
    assert result.flags == {"censored"}


def test_censored_actual_at_the_printed_bound_would_have_been_on_track():
    # Same part, printed 3 with no qualifier: R = 3 / 4 = 0.75 -> For attention; "<3" rates at 0.
    plain = rate(baseline=Point(2017, 0.0), targets=[Target(2023, "exact", 6.0)], actuals=[Point(2021, 3.0)])
    bound = rate(
        baseline=Point(2017, 0.0),
        targets=[Target(2023, "exact", 6.0)],
        actuals=[Point(2021, 3.0, "<")],
        plausible=PERCENT,
    )
    assert (plain.rating, plain.ratio) == (Rating.FOR_ATTENTION, 0.75)
    assert (bound.rating, bound.ratio) == (Rating.OFF_TRACK, 0.0)


def test_censored_actual_without_a_limit_is_regressing_or_worsening():
    # A plain number with no plausible range: "<3" may be any lower value, so the ratio is unbounded
    # below -> Regressing with no ratio; without a milestone -> Worsening with no growth.
    with_target = rate(baseline=Point(2017, 2.0), targets=[Target(2023, "exact", 4.0)], actuals=[Point(2021, 3.0, "<")])
    assert (with_target.rating, with_target.ratio, with_target.outlook) == (Rating.REGRESSING, None, None)
    assert with_target.expected == pytest.approx(2 + 2 * 4 / 6)
    trend = rate(baseline=Point(2017, 2.0), actuals=[Point(2021, 3.0, "<")])
    assert (trend.rating, trend.growth) == (Rating.WORSENING, None)


def test_censored_baseline_that_may_flatter_is_rated_at_its_worst_case():
    # Higher is better, baseline ">50%" (2017): as high as 100. 80 by 2023, 60 in 2020.
    # E_2020 = 100 + (80 - 100) * 3 / 6 = 90; R = (60 - 100) / |90 - 100| = -4 -> Regressing
    result = rate(
        baseline=Point(2017, 50.0, ">"),
        targets=[Target(2023, "exact", 80.0)],
        actuals=[Point(2020, 60.0)],
        plausible=PERCENT,
    )
    assert (result.rating, result.ratio, result.expected) == (Rating.REGRESSING, -4.0, 90.0)


def test_unbounded_baseline_still_lets_a_met_milestone_count():
    # Baseline ">50" with no plausible ceiling: progress since it is never sure, but 85 meets "at least 80"
    # (step 4 comes before the ratio) -> Achieved; 60 does not -> Regressing, no ratio; no milestone -> Worsening
    common = {"baseline": Point(2017, 50.0, ">"), "targets": [Target(2023, "at_least", 80.0)]}
    assert rate(actuals=[Point(2020, 85.0)], **common).rating == Rating.ACHIEVED
    missed = rate(actuals=[Point(2020, 60.0)], **common)
    assert (missed.rating, missed.ratio, missed.expected) == (Rating.REGRESSING, None, None)
    trend = rate(baseline=Point(2017, 50.0, ">"), actuals=[Point(2020, 60.0)])
    assert (trend.rating, trend.growth) == (Rating.WORSENING, None)


def test_bound_that_cannot_flatter_meets_its_target_as_printed():
    # Lower is better, "<14 h" in 2021 against "at most 14 h": the true value is below 14 -> Achieved
    result = rate(
        direction=DOWN,
        baseline=Point(2017, 16.9),
        targets=[Target(2023, "at_most", 14.0)],
        actuals=[Point(2021, 14.0, "<")],
        plausible=HOURS,
    )
    assert result.rating == Rating.ACHIEVED


def test_explanation_says_which_worst_case_was_rated():
    # E_2020 = 0.75; R = (0 - 0.5) / |0.75 - 0.5| = -2
    baseline = Point(2017, 0.5)
    result = rate(
        baseline=baseline, targets=[Target(2023, "at_least", 1.0)], actuals=[Point(2020, 1.0, "<")], plausible=PERCENT
    )
    text = sentences(result, baseline=baseline, actual_qualifier="<", plausible=PERCENT)
    assert "latest value <1 (2020)" in text
    assert "may be as low as 0, the lowest plausible value of its unit" in text
    assert "R = (0 − 0.5) / |0.75 − 0.5| = -2." in text.replace("−2.", "-2.")


def test_explanation_of_a_worst_case_where_lower_is_better():
    baseline = Point(2017, 16.9)
    result = rate(
        direction=DOWN,
        baseline=baseline,
        targets=[Target(2023, "at_most", 14.0)],
        actuals=[Point(2021, 14.0, ">")],
        plausible=HOURS,
    )
    text = sentences(result, baseline=baseline, actual_qualifier=">", lower_is_better=True, plausible=HOURS)
    assert "may be as high as 2000, the highest plausible value of its unit" in text
    assert "R = −(2000 − 16.9)" in text


def test_explanation_of_an_unbounded_worst_case():
    baseline = Point(2017, 2.0)
    result = rate(baseline=baseline, targets=[Target(2023, "exact", 4.0)], actuals=[Point(2021, 3.0, "<")])
    text = sentences(result, baseline=baseline, actual_qualifier="<")
    assert "printed as <3, which allows any worse value" in text
    assert "worst case, regressing" in text
    assert "R =" not in text


def test_explanation_of_an_unbounded_worst_case_without_a_milestone():
    baseline = Point(2017, 2.0)
    result = rate(baseline=baseline, actuals=[Point(2021, 3.0, "<")])
    text = sentences(result, baseline=baseline, actual_qualifier="<")
    assert "printed as <3, which allows any worse value" in text and "worst case, worsening." in text
    assert "g =" not in text


def test_explanation_of_an_unbounded_baseline():
    baseline = Point(2017, 50.0, ">")
    result = rate(baseline=baseline, targets=[Target(2023, "at_least", 80.0)], actuals=[Point(2020, 60.0)])
    text = sentences(result, baseline=baseline)
    assert "The baseline is printed as >50" in text and "worst case, regressing" in text


def test_the_explanation_reads_the_range_the_way_the_rating_does():
    # An ordinal scale's range is its ranks; a unit's range may be open on either side.
    assert plausible_range("ordinal", None, None, [3, 1, 2]) == (1.0, 3.0)
    assert plausible_range("percent", 0, None) == (0.0, None)
    assert plausible_range("number", float("nan"), 5) == (None, 5.0)


# --------------------------------------------------------------------------------------------
# 3. A yes/no "no" that outlives its target year

NO_2019 = [Point(2019, 0.0)]
YES_BY_2021 = Target(2021, "exact", 1.0)


def yes_no(as_of, *, actuals=NO_2019, targets=(YES_BY_2021,), final_year=None):
    return rate(
        value_type="boolean",
        baseline=Point(2017, 0.0),
        targets=targets,
        actuals=actuals,
        as_of=as_of,
        final_year=final_year,
    )


def test_no_older_than_the_target_year_is_not_yet_achieved_until_that_year_is_over():
    # "no" in 2019, "yes" due by 2021, report 2021: the year is not over -> Not yet achieved
    result = yes_no(2021)
    assert result.rating == Rating.NOT_YET_ACHIEVED
    assert result.flags == set() and result.outlook is None


def test_no_older_than_the_target_year_is_not_achieved_once_the_report_year_is_past_it():
    # Report 2022, nothing since the 2019 "no": the 2021 target is missed -> Not achieved,
    # the outlook says missed ("unlikely") and the value is flagged outdated (older than the target year,
    # though only 3 years old, within the window)
    result = yes_no(2022)
    assert result.rating == Rating.NOT_ACHIEVED
    assert result.outlook == "unlikely"
    assert result.flags == {"outdated"}
    assert result.milestone == YES_BY_2021


def test_no_reported_after_the_target_year_is_not_achieved_and_not_outdated():
    result = yes_no(2022, actuals=[Point(2022, 0.0)])
    assert (result.rating, result.outlook, result.flags) == (Rating.NOT_ACHIEVED, "unlikely", set())


def test_no_without_a_set_milestone_is_not_achieved_after_the_final_year():
    # No value set for the milestones ("#"); the final milestone year 2023 is the target year.
    before = yes_no(2023, targets=(), final_year=2023)
    after = yes_no(2024, targets=(), final_year=2023)
    assert before.rating == Rating.NOT_YET_ACHIEVED
    assert (after.rating, after.milestone, after.flags) == (
        Rating.NOT_ACHIEVED,
        Target(2023, "exact", 1.0),
        {"outdated"},
    )


def test_yes_after_the_target_year_is_still_achieved():
    assert yes_no(2024, actuals=[Point(2019, 0.0), Point(2023, 1.0)]).rating == Rating.ACHIEVED


def test_explanation_of_a_yes_says_yes_even_without_a_baseline():
    result = rate(value_type="boolean", baseline=None, actuals=[Point(2020, 1.0)], targets=[YES_BY_2021])
    stored = explained(result, baseline=None)
    with translation.override("en"):
        assert explain_part(stored, DEFAULT, lower_is_better=False) == ["The latest report (2020) says yes: achieved."]


def test_explanation_of_a_no_that_outlived_its_target_year():
    result = yes_no(2022)
    stored = explained(result, baseline=Point(2017, 0.0), as_of=2022)
    with translation.override("en"):
        text = " ".join(explain_part(stored, DEFAULT, lower_is_better=False))
    assert "The latest report (2019) says no, and the target year (2021) has passed with no newer report" in text
    assert "Outlook: the target year (2021) has passed without a “yes”, so the target was missed." in text
    assert "Outdated: nothing has been reported since the target year (2021)." in text
