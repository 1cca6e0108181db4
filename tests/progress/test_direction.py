"""The scorecard's arrow (progress.engine.direction_since), worked by hand: the latest value against
the previous data point (or the baseline), in exact decimals, with the method's "about the same"
cut-off, each indicator on its own cadence, censored values read conservatively."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progress.engine import Point, direction_since
from progress.method import MethodSettings, Movement

UP, DOWN = 1, -1
ONE_PERCENT = MethodSettings()  # same_within = 0.01, the default


def test_the_default_cut_off_for_about_the_same_is_one_percent():
    assert MethodSettings().same_within == 0.01


def test_no_value_has_no_arrow():
    assert direction_since([], Point(2017, 10.0), UP, ONE_PERCENT) is None


def test_one_value_without_a_baseline_has_nothing_to_compare_with():
    assert direction_since([Point(2019, 10.0)], None, UP, ONE_PERCENT) is None


def test_values_only_after_the_report_year_have_no_arrow():
    assert direction_since([Point(2021, 12.0)], Point(2017, 10.0), UP, ONE_PERCENT, as_of=2020) is None


def test_the_first_value_after_the_baseline_is_compared_with_the_baseline():
    # 10 -> 12: +20 %, higher is better
    assert direction_since([Point(2019, 12.0)], Point(2017, 10.0), UP, ONE_PERCENT) == Movement.IMPROVING


def test_the_latest_value_is_compared_with_the_previous_one_not_the_baseline():
    # baseline 10, 2019: 15, 2020: 14. Against the baseline it gained 40 %; since 2019 it fell 6.7 %.
    points = [Point(2019, 15.0), Point(2020, 14.0)]
    assert direction_since(points, Point(2017, 10.0), UP, ONE_PERCENT) == Movement.WORSENING


def test_where_lower_is_better_a_fall_is_improving():
    # border crossing time 15.1 h (2020) -> 13.6 h (2021): -9.9 %
    points = [Point(2020, 15.1), Point(2021, 13.6)]
    assert direction_since(points, Point(2017, 20.0), DOWN, ONE_PERCENT) == Movement.IMPROVING
    assert direction_since(points, Point(2017, 20.0), UP, ONE_PERCENT) == Movement.WORSENING


def test_a_change_of_exactly_the_cut_off_is_about_the_same_in_exact_decimals():
    # 1.1 -> 1.111 is +1 % exactly; binary floats make it 1.0000000000000009 %
    assert 1.111 / 1.1 - 1 > 0.01
    assert direction_since([Point(2019, 1.1), Point(2020, 1.111)], None, UP, ONE_PERCENT) == Movement.SAME
    assert direction_since([Point(2019, 1.1), Point(2020, 1.089)], None, UP, ONE_PERCENT) == Movement.SAME


def test_just_past_the_cut_off_is_a_change():
    assert direction_since([Point(2019, 1.1), Point(2020, 1.1111)], None, UP, ONE_PERCENT) == Movement.IMPROVING
    assert direction_since([Point(2019, 1.1), Point(2020, 1.0889)], None, UP, ONE_PERCENT) == Movement.WORSENING


def test_the_cut_off_is_a_setting_of_the_method():
    # 100 -> 104: +4 %: a change at 1 %, about the same at 5 %
    points = [Point(2019, 100.0), Point(2020, 104.0)]
    assert direction_since(points, None, UP, ONE_PERCENT) == Movement.IMPROVING
    assert direction_since(points, None, UP, MethodSettings(same_within=0.05)) == Movement.SAME
    assert direction_since([Point(2019, 100.0), Point(2020, 100.0)], None, UP, MethodSettings(same_within=0)) == (
        Movement.SAME
    )


def test_from_zero_any_change_counts():
    assert direction_since([Point(2019, 0.0), Point(2020, 0.001)], None, UP, ONE_PERCENT) == Movement.IMPROVING
    assert direction_since([Point(2019, 0.0), Point(2020, 0.0)], None, UP, ONE_PERCENT) == Movement.SAME
    assert direction_since([Point(2019, 0.0), Point(2020, -0.5)], None, UP, ONE_PERCENT) == Movement.WORSENING


def test_the_change_is_relative_to_the_size_of_the_earlier_value_whatever_its_sign():
    # a growth rate of -2 % moving to -1 %: +50 % of |-2|, better where higher is better
    assert direction_since([Point(2019, -2.0), Point(2020, -1.0)], None, UP, ONE_PERCENT) == Movement.IMPROVING


def test_a_survey_every_three_years_is_compared_with_the_previous_survey():
    # values in 2017 and 2020 only: the 2020 value is compared with 2017's, not "no data" for 2019
    points = [Point(2017, 40.0), Point(2020, 46.0)]
    assert direction_since(points, Point(2014, 50.0), UP, ONE_PERCENT) == Movement.IMPROVING


def test_the_latest_survey_keeps_its_arrow_in_the_years_between_surveys():
    points = [Point(2017, 40.0), Point(2020, 36.0), Point(2023, 50.0)]
    for as_of in (2020, 2021, 2022):
        assert direction_since(points, Point(2014, 30.0), UP, ONE_PERCENT, as_of=as_of) == Movement.WORSENING
    assert direction_since(points, Point(2014, 30.0), UP, ONE_PERCENT, as_of=2023) == Movement.IMPROVING


def test_a_value_in_the_baseline_year_is_the_one_compared_with():
    # the 2017 actual (12) and the 2017 baseline (10): 2018's 12 is the same as the 2017 value
    points = [Point(2017, 12.0), Point(2018, 12.0)]
    assert direction_since(points, Point(2017, 10.0), UP, ONE_PERCENT) == Movement.SAME


def test_a_baseline_newer_than_the_earlier_values_is_the_one_compared_with():
    # a baseline revised to 2018 (20): 2019's 15 fell from it, though it rose from 2016's 10
    points = [Point(2016, 10.0), Point(2019, 15.0)]
    assert direction_since(points, Point(2018, 20.0), UP, ONE_PERCENT) == Movement.WORSENING


def test_a_censored_latest_value_that_may_flatter_is_taken_at_its_worst():
    # renewable share "<1" (higher is better) after 0.8: at worst 0 (the unit's lowest), so worsening
    points = [Point(2019, 0.8), Point(2020, 1.0, "<")]
    assert direction_since(points, None, UP, ONE_PERCENT, plausible=(0.0, 100.0)) == Movement.WORSENING
    # with no lower limit the value may be as bad as any: worsening
    assert direction_since(points, None, UP, ONE_PERCENT) == Movement.WORSENING


def test_a_censored_value_that_cannot_flatter_is_taken_as_printed():
    # "<1" where lower is better: the true value is at most 1, so the fall from 2 is sure
    points = [Point(2019, 2.0), Point(2020, 1.0, "<")]
    assert direction_since(points, None, DOWN, ONE_PERCENT, plausible=(0.0, 100.0)) == Movement.IMPROVING


def test_a_censored_earlier_value_is_taken_at_its_best():
    # ">5" earlier where higher is better: it may have been as high as 100, so 6 is no sure gain
    points = [Point(2019, 5.0, ">"), Point(2020, 6.0)]
    assert direction_since(points, None, UP, ONE_PERCENT, plausible=(0.0, 100.0)) == Movement.WORSENING
    # "<5" earlier where higher is better cannot flatter the change: 5 -> 6 is a gain
    points = [Point(2019, 5.0, "<"), Point(2020, 6.0)]
    assert direction_since(points, None, UP, ONE_PERCENT, plausible=(0.0, 100.0)) == Movement.IMPROVING


def test_a_yes_no_moves_only_when_it_flips():
    no, yes = 0.0, 1.0
    assert direction_since([Point(2020, yes)], Point(2017, no), UP, ONE_PERCENT, value_type="boolean") == (
        Movement.IMPROVING
    )
    assert direction_since([Point(2019, yes), Point(2020, yes)], None, UP, ONE_PERCENT, value_type="boolean") == (
        Movement.SAME
    )
    assert direction_since([Point(2019, yes), Point(2020, no)], None, UP, ONE_PERCENT, value_type="boolean") == (
        Movement.WORSENING
    )
    # a regional share of "yes" (0.6 and 0.9) reads as yes both times
    assert direction_since([Point(2019, 0.6), Point(2020, 0.9)], None, UP, ONE_PERCENT, value_type="boolean") == (
        Movement.SAME
    )


def test_a_level_on_a_scale_compares_its_ranks():
    # "very limited" (rank 1) -> "partial" (rank 3)
    assert direction_since([Point(2020, 3.0)], Point(2017, 1.0), UP, ONE_PERCENT, value_type="ordinal") == (
        Movement.IMPROVING
    )


@pytest.mark.parametrize("bad", [-0.01, 1, 1.5, "1%", None, True])
def test_the_cut_off_must_be_a_fraction_from_zero_to_below_one(bad):
    with pytest.raises(ValueError, match="same_within"):
        MethodSettings.from_dict({"same_within": bad})


def test_stored_settings_written_before_the_cut_off_existed_still_load_with_the_default():
    stored = MethodSettings().to_dict()
    del stored["same_within"]
    assert MethodSettings.from_dict(stored).same_within == 0.01


def _by_hand(before: str, now: str, d: int, cut_off: str) -> str:
    """The rule in exact decimals, as a reader would work it."""
    b, n, c = Fraction(Decimal(before)), Fraction(Decimal(now)), Fraction(Decimal(cut_off))
    change = d * (n - b)
    if change == 0 or (b != 0 and abs(change) <= c * abs(b)):
        return Movement.SAME
    return Movement.IMPROVING if change > 0 else Movement.WORSENING


_decimals = st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False).map(str)


@settings(max_examples=300, deadline=None, database=None)
@given(
    before=_decimals,
    scale=st.sampled_from(["1", "1.01", "0.99", "1.001", "1.1", "0.5", "-1", "0"]),
    d=st.sampled_from([UP, DOWN]),
    cut_off=st.sampled_from(["0", "0.01", "0.001", "0.1"]),
)
def test_the_arrow_is_the_exact_decimal_answer_also_right_at_the_cut_off(before, scale, d, cut_off):
    # values near the cut-off (x 1.01, x 0.99 at 1 %) reach the exact path; others the quick one
    now = str((Decimal(before) * Decimal(scale)).quantize(Decimal("0.000001")))
    points = [Point(2019, float(before)), Point(2020, float(now))]
    method = MethodSettings(same_within=float(cut_off))
    assert direction_since(points, None, d, method) == _by_hand(before, now, d, cut_off)
