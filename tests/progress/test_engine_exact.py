"""The rating's integer arithmetic against exact fractions: for generated baselines, milestones and
actuals, many of them placed exactly on a threshold (R = 0.95, 0.6 or 0; g = 1.5 %, 0.5 % or 0; a
milestone met with its tolerance to the last decimal), rate_part gives the same rating, milestone,
outlook, flags and the very same floats as the method written with Fraction objects (the engine's
previous code, kept here as the oracle)."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from progress.engine import (
    AT_LEAST,
    AT_MOST,
    EXACT,
    LOWER_BOUND_QUALIFIERS,
    UPPER_BOUND_QUALIFIERS,
    Point,
    Target,
    _rate_yes_no,
    rate_part,
)
from progress.engine import PartRating as Result
from progress.method import MethodSettings, Rating

CHECKS = settings(max_examples=400, deadline=None, database=None)  # no .hypothesis/ left in the repo
DEFAULTS = MethodSettings()

# --------------------------------------------------------------------------------------------
# The oracle: the method in Fraction arithmetic


def exact(value):
    return Fraction(repr(float(value)))


def shown(value):
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


def line(year, x0, y0, targets):
    for target in targets:
        if target.year <= x0:
            continue
        y1 = exact(target.value)
        if year <= target.year:
            return y0 + (y1 - y0) * Fraction(year - x0, target.year - x0)
        x0, y0 = target.year, y1
    return y0


def meets(value, target, direction, tolerance):
    goal = exact(target.value)
    slack = exact(tolerance) * abs(goal) if tolerance else 0
    kind = target.kind if target.kind != EXACT else AT_LEAST if direction > 0 else AT_MOST
    return value >= goal - slack if kind == AT_LEAST else value <= goal + slack


def worst(point, direction, plausible, baseline=False):
    value = exact(point.value)
    side = -direction if baseline else direction
    flatters = (side > 0 and point.qualifier in UPPER_BOUND_QUALIFIERS) or (
        side < 0 and point.qualifier in LOWER_BOUND_QUALIFIERS
    )
    if not flatters:
        return value
    limit = plausible[0] if side > 0 else plausible[1]
    if limit is None:
        return None
    return min(value, exact(limit)) if side > 0 else max(value, exact(limit))


def label(value, thresholds, labels):
    for threshold, name in zip(thresholds, labels, strict=False):
        if value >= exact(threshold):
            return name
    return labels[-1]


def oracle(
    *, value_type, direction, baseline, targets, actuals, as_of, settings, final_year=None, plausible=(None, None)
):
    after = [p for p in actuals if p.year <= as_of and (baseline is None or p.year > baseline.year)]
    if value_type == "boolean":
        after = [p for p in actuals if p.year <= as_of]
    if not after:
        return Result(Rating.NO_DATA)
    latest = max(after, key=lambda p: p.year)
    rating = Result(Rating.NO_DATA, latest_year=latest.year, actual=latest.value)
    if as_of - latest.year > settings.outdated_window_years:
        rating.flags.add("outdated")
    if latest.qualifier in UPPER_BOUND_QUALIFIERS + LOWER_BOUND_QUALIFIERS:
        rating.flags.add("censored")
    if value_type == "boolean":
        return _rate_yes_no(rating, latest, targets, as_of, final_year)
    if baseline is None:
        rating.rating = Rating.CANNOT_ASSESS
        return rating
    if baseline.qualifier in UPPER_BOUND_QUALIFIERS + LOWER_BOUND_QUALIFIERS:
        rating.flags.add("censored")
    d = 1 if direction > 0 else -1
    actual, base = worst(latest, d, plausible), worst(baseline, d, plausible, baseline=True)
    if targets:
        due = [t for t in targets if t.year <= latest.year]
        final = targets[-1]
        met = [
            t
            for t in ([due[-1]] if due else []) + [final]
            if actual is not None and meets(actual, t, d, settings.achieved_tolerance)
        ]
        if met:
            rating.rating, rating.milestone = Rating.ACHIEVED, met[0]
            return rating
        rating.milestone = due[-1] if due else targets[0]
        if base is None:
            rating.rating = Rating.REGRESSING
            return rating
        expected = line(latest.year, baseline.year, base, targets)
        rating.expected = shown(expected)
        if actual is None:
            rating.rating = Rating.REGRESSING
            return rating
        change = d * (actual - base)
        if expected == base:
            rating.rating = Rating.ON_TRACK if change >= 0 else Rating.REGRESSING
        else:
            ratio = change / abs(expected - base)
            rating.ratio = shown(ratio)
            rating.rating = label(
                ratio,
                [settings.on_track_min, settings.for_attention_min, settings.off_track_min],
                [Rating.ON_TRACK, Rating.FOR_ATTENTION, Rating.OFF_TRACK, Rating.REGRESSING],
            )
        if settings.outlook and final.year > latest.year:
            slope = (actual - base) / (latest.year - baseline.year)
            projected = actual + slope * (final.year - latest.year)
            rating.projected = shown(projected)
            rating.outlook = "likely" if meets(projected, final, d, settings.achieved_tolerance) else "unlikely"
        return rating
    if actual is None or base is None:
        rating.rating = Rating.WORSENING
        return rating
    change = d * (actual - base)
    if base == 0:
        rating.rating = Rating.IMPROVING if change > 0 else Rating.WORSENING if change < 0 else Rating.STAGNANT
    else:
        growth = change / (abs(base) * (latest.year - baseline.year))
        rating.growth = shown(growth)
        rating.rating = label(
            growth,
            [settings.improving_min, settings.slow_improvement_min, settings.stagnant_min],
            [Rating.IMPROVING, Rating.SLOW_IMPROVEMENT, Rating.STAGNANT, Rating.WORSENING],
        )
    return rating


# --------------------------------------------------------------------------------------------
# Generated parts, many exactly on a threshold

decimals = st.decimals(min_value=-5000, max_value=5000, places=3, allow_nan=False, allow_infinity=False)
qualifiers = st.sampled_from(["", "", "", "<", "<=", ">", ">="])
kinds = st.sampled_from([EXACT, AT_LEAST, AT_MOST])
plausibles = st.sampled_from([(None, None), (0.0, 100.0), (0.0, None), (None, 1e3), (-2.5, 7.25)])
R_THRESHOLDS = [Decimal("0.95"), Decimal("0.6"), Decimal("0"), Decimal("1")]
G_THRESHOLDS = [Decimal("0.015"), Decimal("0.005"), Decimal("0")]


def number(value: Decimal) -> float:
    return float(str(value))  # the float a decimal column is read as


@st.composite
def parts(draw):
    direction = draw(st.sampled_from([1, -1]))
    baseline_year = draw(st.integers(2015, 2020))
    base = draw(decimals)
    baseline = Point(baseline_year, number(base), draw(qualifiers))
    years = draw(st.lists(st.integers(baseline_year - 1, baseline_year + 12), max_size=4, unique=True))
    how = draw(st.sampled_from(["free", "ratio", "ratio", "growth", "tolerance"]))
    goals = [draw(decimals) for _year in years]
    targets = [Target(year, draw(kinds), number(goal)) for year, goal in sorted(zip(years, goals, strict=True))]
    latest_year = draw(st.integers(baseline_year - 1, baseline_year + 14))
    tolerance = draw(st.sampled_from([Decimal(0), Decimal(0), Decimal("0.05"), Decimal("0.1")]))
    actual = draw(decimals)
    after = [t for t in targets if t.year > baseline_year]
    if how == "ratio" and after:
        # R exactly on a threshold: A = B + d * r * (E - B), E reached at a milestone's year
        target = draw(st.sampled_from(after))
        latest_year = target.year
        actual = base + direction * draw(st.sampled_from(R_THRESHOLDS)) * abs(Decimal(repr(target.value)) - base)
    elif how == "growth" and latest_year > baseline_year:
        # g exactly on a threshold: A = B + d * g * |B| * years
        g = draw(st.sampled_from(G_THRESHOLDS))
        actual = base + direction * g * abs(base) * (latest_year - baseline_year)
    elif how == "tolerance" and targets:
        goal = Decimal(repr(draw(st.sampled_from(targets)).value))
        actual = goal + draw(st.sampled_from([1, -1])) * tolerance * abs(goal)
    on_threshold = how in ("ratio", "growth")  # kept plain, so that the threshold decides
    if on_threshold:
        baseline = Point(baseline_year, number(base))
    actuals = [Point(latest_year, number(actual), "" if on_threshold else draw(qualifiers))]
    if draw(st.booleans()):
        actuals.append(Point(draw(st.integers(2014, 2032)), number(draw(decimals)), draw(qualifiers)))
    return {
        "value_type": "number" if on_threshold else draw(st.sampled_from(["number", "number", "boolean"])),
        "direction": direction,
        "baseline": baseline if on_threshold else draw(st.sampled_from([baseline, baseline, None])),
        "targets": targets,
        "actuals": actuals,
        "as_of": latest_year + draw(st.integers(0 if on_threshold else -1, 5)),
        "settings": MethodSettings(achieved_tolerance=float(tolerance), outlook=draw(st.booleans())),
        "final_year": draw(st.sampled_from([None, 2030])),
        "plausible": draw(plausibles),
    }


def same(a: Result, b: Result) -> bool:
    figures = ("latest_year", "actual", "expected", "ratio", "growth", "projected")
    return (a.rating, a.milestone, a.outlook, a.flags, a.basis) == (
        b.rating,
        b.milestone,
        b.outlook,
        b.flags,
        b.basis,
    ) and all(
        repr(getattr(a, name)) == repr(getattr(b, name))
        for name in figures  # the very same float
    )


@CHECKS
@given(part=parts())
def test_rate_part_equals_the_method_in_exact_fractions(part):
    fast, slow = rate_part(**part), oracle(**part)
    assert same(fast, slow), (fast, slow)


@pytest.mark.parametrize(
    ("actual", "rating", "ratio"),
    [
        (2.4575, Rating.ON_TRACK, 0.95),  # 1.65 + 0.95 * 0.85
        (2.16, Rating.FOR_ATTENTION, 0.6),  # 1.65 + 0.6 * 0.85
        (2.1599, Rating.OFF_TRACK, None),
        (1.65, Rating.OFF_TRACK, 0.0),
        (1.6499, Rating.REGRESSING, None),
    ],
)
def test_a_ratio_on_a_threshold_gets_the_threshold_label_like_the_oracle(actual, rating, ratio):
    """Checked by hand: 1.65 to 2.5 by 2020. In binary floats (2.16 - 1.65) / (2.5 - 1.65) is
    0.6000000000000002 and 2.4575 gives 0.9500000000000001: the stored ratio would change."""
    part = {
        "value_type": "number",
        "direction": 1,
        "baseline": Point(2016, 1.65),
        "targets": [Target(2020, EXACT, 2.5)],
        "actuals": [Point(2020, actual)],
        "as_of": 2020,
        "settings": DEFAULTS,
    }
    got = rate_part(**part)
    assert got.rating == rating
    if ratio is not None:
        assert got.ratio == ratio
    assert same(got, oracle(**part))


def test_a_growth_on_a_threshold_gets_the_threshold_label_like_the_oracle():
    """g = (1.09725 - 1.05) / (1.05 * 3) = 0.04725 / 3.15 = 0.015 exactly (binary floats:
    0.015000000000000003)."""
    part = {
        "value_type": "number",
        "direction": 1,
        "baseline": Point(2016, 1.05),
        "targets": [],
        "actuals": [Point(2019, 1.09725)],
        "as_of": 2019,
        "settings": DEFAULTS,
    }
    got = rate_part(**part)
    assert (got.rating, got.growth) == (Rating.IMPROVING, 0.015)
    assert same(got, oracle(**part))
    below = rate_part(**{**part, "actuals": [Point(2019, 1.09724)]})
    assert below.rating == Rating.SLOW_IMPROVEMENT
