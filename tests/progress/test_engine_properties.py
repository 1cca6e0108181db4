"""Properties the rating method must keep for any numbers: progress toward the target never lowers
the rating, and the method does not care which way "better" points."""

import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from progress.engine import AT_LEAST, AT_MOST, EXACT, Point, Target, rate_part
from progress.method import MethodSettings, Rating

FAST = settings(max_examples=200, deadline=None, database=None)  # no .hypothesis/ left in the repo
SCORES = MethodSettings().scores

values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
qualifiers = st.sampled_from(["", "", "", "<", "<=", ">", ">="])
tolerances = st.sampled_from([0.0, 0.0, 0.05, 0.1])
MIRRORED_QUALIFIER = {"": "", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
MIRRORED_KIND = {EXACT: EXACT, AT_LEAST: AT_MOST, AT_MOST: AT_LEAST}


@st.composite
def parts(draw, *, with_targets, consistent_kinds):
    """A rated numeric part: baseline, 0-4 set milestones after it, and one or two actuals after it."""
    direction = draw(st.sampled_from([1, -1]))
    baseline_year = draw(st.integers(2015, 2020))
    baseline = Point(baseline_year, draw(values), draw(qualifiers))
    targets = []
    if with_targets:
        years = draw(st.lists(st.integers(baseline_year + 1, baseline_year + 14), min_size=1, max_size=4, unique=True))
        if consistent_kinds:
            kinds = st.sampled_from([EXACT, AT_LEAST if direction > 0 else AT_MOST])
        else:
            kinds = st.sampled_from([EXACT, AT_LEAST, AT_MOST])
        targets = [Target(year, draw(kinds), draw(values)) for year in sorted(years)]
    latest_year = draw(st.integers(baseline_year + 1, baseline_year + 14))
    actuals = [Point(latest_year, draw(values), draw(qualifiers))]
    if latest_year > baseline_year + 1 and draw(st.booleans()):
        actuals.append(Point(draw(st.integers(baseline_year + 1, latest_year - 1)), draw(values), draw(qualifiers)))
    return {
        "value_type": "number",
        "direction": direction,
        "baseline": baseline,
        "targets": targets,
        "actuals": actuals,
        "as_of": latest_year + draw(st.integers(0, 5)),
        "settings": MethodSettings(achieved_tolerance=draw(tolerances)),
    }


def with_latest(part, value):
    latest, *earlier = part["actuals"]
    return {**part, "actuals": [Point(latest.year, value, latest.qualifier), *earlier]}


def score(rating):
    assert rating not in Rating.UNRATED
    return SCORES[rating]


# --------------------------------------------------------------------------------------------
# (a) moving the latest actual toward the target never lowers the rating


@FAST
@given(part=parts(with_targets=True, consistent_kinds=True), step=st.floats(0, 1))
def test_moving_the_latest_actual_toward_the_final_target_never_lowers_the_rating(part, step):
    final = part["targets"][-1].value
    actual = part["actuals"][0].value
    # An actual printed at or past the target gains nothing by moving back to it (and a censored one
    # that flatters is not Achieved there, so moving back would rightly lower its ratio).
    assume(part["direction"] * (actual - final) < 0)
    moved = actual + step * (final - actual)
    moved = min(max(moved, min(actual, final)), max(actual, final))  # stay between them despite rounding
    before = rate_part(**part)
    after = rate_part(**with_latest(part, moved))
    assert score(after.rating) >= score(before.rating), (before, after)


@FAST
@given(part=parts(with_targets=True, consistent_kinds=True), gain=st.floats(0, 1e4))
def test_improving_the_latest_actual_never_lowers_a_target_rating(part, gain):
    # Any move in the better direction, past the target or not.
    actual = part["actuals"][0].value
    before = rate_part(**part)
    after = rate_part(**with_latest(part, actual + part["direction"] * gain))
    assert score(after.rating) >= score(before.rating), (before, after)


@FAST
@given(part=parts(with_targets=False, consistent_kinds=True), gain=st.floats(0, 1e4))
def test_improving_the_latest_actual_never_lowers_a_trend_rating(part, gain):
    actual = part["actuals"][0].value
    before = rate_part(**part)
    after = rate_part(**with_latest(part, actual + part["direction"] * gain))
    assert before.rating in Rating.TREND_FAMILY
    assert score(after.rating) >= score(before.rating), (before, after)


@FAST
@given(
    latest_year=st.integers(2018, 2029),
    target_year=st.integers(2020, 2029),
    as_of_gap=st.integers(0, 5),
)
def test_yes_no_moving_from_no_to_yes_never_lowers_the_rating(latest_year, target_year, as_of_gap):
    common = {
        "value_type": "boolean",
        "direction": 1,
        "baseline": Point(2017, 0.0),
        "targets": [Target(target_year, EXACT, 1.0)],
        "as_of": latest_year + as_of_gap,
        "settings": MethodSettings(),
    }
    no = rate_part(actuals=[Point(latest_year, 0.0)], **common)
    yes = rate_part(actuals=[Point(latest_year, 1.0)], **common)
    assert yes.rating == Rating.ACHIEVED
    assert score(yes.rating) >= score(no.rating)


# --------------------------------------------------------------------------------------------
# (b) "lower is better" is "higher is better" seen in a mirror


def mirrored(part):
    def point(p):
        return Point(p.year, -p.value, MIRRORED_QUALIFIER[p.qualifier])

    return {
        **part,
        "direction": -part["direction"],
        "baseline": point(part["baseline"]),
        "targets": [Target(t.year, MIRRORED_KIND[t.kind], -t.value) for t in part["targets"]],
        "actuals": [point(p) for p in part["actuals"]],
    }


def same_number(a, b, *, negated=False):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, -b if negated else b, rel_tol=1e-9, abs_tol=1e-12)


@FAST
@given(part=parts(with_targets=True, consistent_kinds=False))
def test_mirroring_values_and_direction_keeps_a_target_rating(part):
    original, mirror = rate_part(**part), rate_part(**mirrored(part))
    assert mirror.rating == original.rating
    assert same_number(mirror.ratio, original.ratio)
    assert same_number(mirror.expected, original.expected, negated=True)
    assert same_number(mirror.projected, original.projected, negated=True)
    assert mirror.outlook == original.outlook
    assert mirror.flags == original.flags


@FAST
@given(part=parts(with_targets=False, consistent_kinds=False))
def test_mirroring_values_and_direction_keeps_a_trend_rating(part):
    original, mirror = rate_part(**part), rate_part(**mirrored(part))
    assert mirror.rating == original.rating
    assert same_number(mirror.growth, original.growth)
    assert mirror.flags == original.flags
