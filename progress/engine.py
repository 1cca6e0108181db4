"""The progress engine: regional aggregation and the rating method (../shared/DOMAIN.md, "Rating
progress") as pure functions over plain values and pandas frames. Nothing here touches the
database or a request; progress/services.py loads the frames, calls these and stores the result.

Values arrive as floats in one column whatever the part's type: a yes/no is 1.0/0.0, a level of
an ordinal scale is its rank (1 = worst), a set of countries is its count."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise

import numpy as np
import pandas as pd

from progress.method import MethodSettings, Movement, Rating

EXACT, AT_LEAST, AT_MOST = "exact", "at_least", "at_most"
LOWER_BOUND_QUALIFIERS = (">", ">=")  # the true value is at least the printed one
UPPER_BOUND_QUALIFIERS = ("<", "<=")  # the true value is at most the printed one


# --------------------------------------------------------------------------------------------
# Aggregation: country values into the region


def regional_values(observations: pd.DataFrame, parts: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """One regional value per part and year.

    observations: part_id, country_id (NA for the region), year, value, qualifier.
    parts: part_id, aggregation, weight_part_id, condition_part_id, condition_operator,
    condition_value.
    memberships: country_id, first_year, last_year (NA while a member).

    Returns part_id, year, value, qualifier, origin ("reported" or "aggregated"), contributors
    (sorted tuple of country ids), n_contributors, n_members. A value reported for the whole
    region wins over the aggregate of its countries."""
    columns = ["part_id", "year", "value", "qualifier", "origin", "contributors", "n_contributors", "n_members"]
    members_per_year = _members_per_year(memberships, observations["year"].unique() if len(observations) else [])

    reported = observations[observations["country_id"].isna()]
    reported = reported.assign(origin="reported", contributors=[()] * len(reported), n_contributors=pd.NA)
    reported = reported.merge(members_per_year, on="year", how="left")

    members = _members_only(observations[observations["country_id"].notna()], memberships)
    columns_used = ["part_id", "aggregation", "weight_part_id", "condition_operator", "condition_value"]
    countries = members.merge(parts[columns_used], on="part_id")
    countries = countries[~countries["aggregation"].isin(["region_only", "count_meeting"])]
    # A count of countries meeting a condition tests the country values of its condition part
    # (TSM OC 1 counts the countries whose tourism competitiveness rank is 70 or better).
    counting = parts[parts["aggregation"] == "count_meeting"]
    if len(counting):
        tested_part = counting["condition_part_id"].fillna(counting["part_id"]).astype("int64")
        counted = members.merge(
            counting.assign(tested_part_id=tested_part.to_numpy())[[*columns_used, "tested_part_id"]].rename(
                columns={"part_id": "counting_part_id"}
            ),
            left_on="part_id",
            right_on="tested_part_id",
        )
        counted = counted.drop(columns=["part_id", "tested_part_id"]).rename(columns={"counting_part_id": "part_id"})
        countries = pd.concat([countries, counted], ignore_index=True)
    pieces = [
        _aggregate(group, rule, members) for rule, group in countries.groupby("aggregation", sort=False) if len(group)
    ]
    aggregated = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=columns)
    if len(aggregated):
        aggregated = aggregated.merge(members_per_year, on="year", how="left")
        aggregated["origin"] = "aggregated"
        # the region's own figure wins
        key = pd.MultiIndex.from_frame(reported[["part_id", "year"]])
        aggregated = aggregated[~pd.MultiIndex.from_frame(aggregated[["part_id", "year"]]).isin(key)]
    out = pd.concat([reported[columns], aggregated.reindex(columns=columns)], ignore_index=True)
    return out.sort_values(["part_id", "year"], ignore_index=True)


def _members_per_year(memberships: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    years = np.array(sorted({int(y) for y in years}), dtype="int64")
    first = memberships["first_year"].to_numpy(dtype="float64", na_value=np.nan)
    last = memberships["last_year"].to_numpy(dtype="float64", na_value=np.inf)  # NA: still a member
    active = (first[None, :] <= years[:, None]) & (last[None, :] >= years[:, None])
    return pd.DataFrame({"year": years, "n_members": active.sum(axis=1).astype("int64")})


def _members_only(countries: pd.DataFrame, memberships: pd.DataFrame) -> pd.DataFrame:
    """A country contributes to a year only if it was a member during that year."""
    merged = countries.merge(memberships[["country_id", "first_year", "last_year"]], on="country_id", how="inner")
    active = (merged["first_year"] <= merged["year"]) & (
        merged["last_year"].isna() | (merged["last_year"] >= merged["year"])
    )
    return merged[active].drop(columns=["first_year", "last_year"])


_SIMPLE = {"sum": "sum", "mean": "mean", "median": "median", "min": "min", "max": "max"}
_COMPARE = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "=": np.equal,
}


def _aggregate(group: pd.DataFrame, rule: str, members: pd.DataFrame) -> pd.DataFrame:
    """Aggregate one rule's rows; members holds every member country's value of every part
    loaded, where weighted means find their weights."""
    keys = ["part_id", "year"]
    if rule == "weighted_mean":
        weights = members[["part_id", "country_id", "year", "value"]].rename(
            columns={"part_id": "weight_part_id", "value": "weight"}
        )
        group = group.merge(weights, on=["weight_part_id", "country_id", "year"], how="inner")
        group = group[group["weight"] > 0]
        group = group.assign(weighted=group["value"] * group["weight"])
        grouped = group.groupby(keys, sort=False)
        out = grouped.agg(weighted=("weighted", "sum"), weight=("weight", "sum")).reset_index()
        out["value"] = out["weighted"] / out["weight"]
    elif rule == "count_meeting":
        meets = np.zeros(len(group), dtype=bool)
        for operator, compare in _COMPARE.items():
            mask = (group["condition_operator"] == operator).to_numpy()
            meets[mask] = compare(group["value"].to_numpy()[mask], group["condition_value"].to_numpy(dtype=float)[mask])
        group = group.assign(meets=meets)
        grouped = group.groupby(keys, sort=False)
        out = grouped.agg(value=("meets", "sum")).reset_index()
        out["value"] = out["value"].astype(float)
    elif rule in _SIMPLE:
        grouped = group.groupby(keys, sort=False)
        out = grouped.agg(value=("value", _SIMPLE[rule])).reset_index()
    else:
        raise ValueError(f"Unknown aggregation rule {rule!r}")
    out = out.merge(_coverage(group, rule), on=keys)
    return out[["part_id", "year", "value", "qualifier", "contributors", "n_contributors"]]


def _coverage(group: pd.DataFrame, rule: str) -> pd.DataFrame:
    """Per part and year: the contributing countries and the combined qualifier. Vectorised:
    a Python function per group would cost seconds on a million rows."""
    ordered = group.sort_values(["part_id", "year", "country_id"])
    keys = ordered[["part_id", "year"]].to_numpy()
    starts = np.flatnonzero(np.r_[True, (keys[1:] != keys[:-1]).any(axis=1)])
    # each group's countries as a slice of one list: np.split makes an array per group, and
    # turning 90,000 arrays into tuples costs a tenth of a second
    bounds = np.r_[starts, len(ordered)].tolist()
    flat = ordered["country_id"].to_numpy(dtype="int64").tolist()
    qualifiers = ordered["qualifier"].fillna("").to_numpy(dtype=object)
    upper = np.add.reduceat(np.isin(qualifiers, UPPER_BOUND_QUALIFIERS).astype(int), starts)
    lower = np.add.reduceat(np.isin(qualifiers, LOWER_BOUND_QUALIFIERS).astype(int), starts)
    other = np.add.reduceat(np.isin(qualifiers, ["~"]).astype(int), starts)
    combined = np.where(
        (upper > 0) & (lower == 0) & (other == 0),
        "<=",
        np.where((lower > 0) & (upper == 0) & (other == 0), ">=", np.where(upper + lower + other > 0, "~", "")),
    )
    if rule == "count_meeting":
        combined[:] = ""
    return pd.DataFrame(
        {
            "part_id": keys[starts, 0].astype("int64"),
            "year": keys[starts, 1].astype("int64"),
            "contributors": [tuple(flat[a:b]) for a, b in pairwise(bounds)],
            "n_contributors": np.diff(bounds),
            "qualifier": combined,
        }
    )


# --------------------------------------------------------------------------------------------
# Rating one part
#
# Values are decimals in the database and reach the engine as floats. Every comparison with a
# milestone or a threshold is made on the decimals themselves, exactly: 1.65 to 2.5 with 1.905
# three years in gives R = 0.6 exactly, which binary floats would make 0.5999... The figures
# become floats only when returned for display and storage, correctly rounded.
#
# The exact figures are plain integer pairs (numerator, denominator > 0), never reduced: a
# recompute rates tens of thousands of parts and years, and Fraction objects (a gcd and a type
# check per step) cost seconds there. Comparisons cross-multiply; int / int is correctly rounded
# in Python, so shown() gives the float that the same fraction in lowest terms would give.

Exact = tuple[int, int]


@lru_cache(maxsize=65536)
def exact(value: float) -> Fraction:
    """The decimal a float was written from (its shortest repr), as an exact fraction."""
    return Fraction(repr(float(value)))


@lru_cache(maxsize=65536)
def _pair(value: float) -> Exact:
    """exact(value) as an integer pair."""
    return exact(value).as_integer_ratio()


def shown(value: Fraction | Exact) -> float:
    """An exact figure as the float returned for display and storage (infinite past its range,
    as float arithmetic would have it)."""
    n, d = value if isinstance(value, tuple) else value.as_integer_ratio()
    try:
        return n / d
    except OverflowError:
        return math.inf if n > 0 else -math.inf


def _sub(a: Exact, b: Exact) -> Exact:
    return a[0] * b[1] - b[0] * a[1], a[1] * b[1]


def _ge(a: Exact, b: Exact) -> bool:
    return a[0] * b[1] >= b[0] * a[1]


@dataclass(frozen=True)
class Point:
    year: int
    value: float
    qualifier: str = ""


@dataclass(frozen=True)
class Target:
    year: int
    kind: str  # exact, at_least, at_most
    value: float


@dataclass
class PartRating:
    rating: str
    latest_year: int | None = None
    actual: float | None = None
    expected: float | None = None
    ratio: float | None = None
    growth: float | None = None
    milestone: Target | None = None
    outlook: str | None = None  # "likely", "unlikely", or None
    projected: float | None = None
    flags: set = field(default_factory=set)

    @property
    def basis(self) -> str:
        return rating_basis(self.rating, self.ratio)


def rating_basis(rating: str, ratio: float | None) -> str:
    """Which step of the method decided the rating."""
    if rating in Rating.TREND_FAMILY:
        return "trend"
    if ratio is not None or rating in Rating.TARGET_FAMILY:
        return "target"
    return "status"


def _line(year: int, baseline_year: int, baseline: Exact, targets: Sequence[Target]) -> Exact:
    """E_t exactly: a straight line from the baseline through the set milestones after it; flat
    after the last one."""
    x0, (n0, d0) = baseline_year, baseline
    for target in targets:
        if target.year <= x0:
            continue
        n1, d1 = _pair(target.value)
        if year <= target.year:
            # y0 + (y1 - y0) * (year - x0) / (target.year - x0)
            span = d0 * d1 * (target.year - x0)
            return n0 * d1 * (target.year - x0) + (n1 * d0 - n0 * d1) * (year - x0), span
        x0, n0, d0 = target.year, n1, d1
    return n0, d0


def expected_value(year: int, baseline: Point, targets: Sequence[Target]) -> float:
    """E_t: a straight line from the baseline through the set milestones; flat after the last."""
    return shown(_line(year, baseline.year, _pair(baseline.value), targets))


def _meets(value: Exact, target: Target, direction: int, tolerance: float) -> bool:
    """value >= goal - tolerance * |goal| for an "at least" target (at most: <= goal + ...)."""
    gn, gd = _pair(target.value)
    tn, td = _pair(tolerance) if tolerance else (0, 1)
    # the bound with its slack, (gn * td -+ tn * |gn|) / (gd * td)
    kind = target.kind if target.kind != EXACT else AT_LEAST if direction > 0 else AT_MOST
    if kind == AT_LEAST:
        return _ge(value, (gn * td - tn * abs(gn), gd * td))
    return _ge((gn * td + tn * abs(gn), gd * td), value)


def milestone_met(actual: Point, target: Target, direction: int, tolerance: float) -> bool:
    """Whether an actual meets a target, allowing a tolerance; a censored actual whose true
    value may be worse than printed never counts as meeting it."""
    if _optimistic(actual.qualifier, direction):
        return False
    return _meets(_pair(actual.value), target, direction, tolerance)


def _optimistic(qualifier: str, direction: int) -> bool:
    """A printed bound that may flatter the value: "<1" where higher is better, ">5" where
    lower is better."""
    return (direction > 0 and qualifier in UPPER_BOUND_QUALIFIERS) or (
        direction < 0 and qualifier in LOWER_BOUND_QUALIFIERS
    )


Plausible = tuple[float | None, float | None]  # the unit's lowest and highest plausible values


def plausible_range(value_type: str, unit_min, unit_max, ranks: Iterable[int] = ()) -> Plausible:
    """How far a censored value may lie from its printed bound: the unit's plausible range
    (either end may be unset: None or NaN), or for a level on a scale, its ranks."""
    if value_type == "ordinal":
        ranks = list(ranks)
        return (float(min(ranks)), float(max(ranks))) if ranks else (None, None)
    limits = [None if limit is None or limit != limit else float(limit) for limit in (unit_min, unit_max)]
    return limits[0], limits[1]


def worst_case(point: Point, direction: int, plausible: Plausible, *, baseline: bool = False) -> Fraction | None:
    """The value the method rates: the worst one the printed qualifier allows. A plain value, or
    a bound that cannot flatter ("<1" where lower is better), is taken as printed. A bound that
    may flatter is taken at the worst end of the unit's plausible range: "<1" where higher is
    better at the lowest value, ">14" where lower is better at the highest. For a baseline the
    worst side is the other one (a higher baseline leaves less progress where higher is better).
    None: the unit sets no limit on that side, so the value may be as bad as any."""
    value = _worst(point, direction, plausible, baseline)
    return None if value is None else Fraction(*value)


def _worst(point: Point, direction: int, plausible: Plausible, baseline: bool = False) -> Exact | None:
    """worst_case as an integer pair."""
    value = _pair(point.value)
    side = -direction if baseline else direction
    if not point.qualifier or not _optimistic(point.qualifier, side):
        return value
    low, high = plausible
    limit = low if side > 0 else high
    if limit is None:
        return None
    limit_value = _pair(limit)
    if side > 0:  # the lower of the two
        return value if _ge(limit_value, value) else limit_value
    return value if _ge(value, limit_value) else limit_value


def rate_part(
    *,
    value_type: str,
    direction: int,
    baseline: Point | None,
    targets: Sequence[Target],
    actuals: Sequence[Point],
    as_of: int,
    settings: MethodSettings,
    final_year: int | None = None,
    plausible: Plausible = (None, None),
) -> PartRating:
    """Rate one part as of a report year from its current baseline, its set milestones and its
    actual values. targets holds only milestones whose value is set, sorted by year; plausible
    is the unit's range, which bounds how bad a censored value can be."""
    latest = None  # the latest actual up to as_of (after the baseline, unless a yes/no)
    after = -math.inf if baseline is None or value_type == "boolean" else baseline.year
    for point in actuals:
        if after < point.year <= as_of and (latest is None or point.year > latest.year):
            latest = point
    if latest is None:
        return PartRating(Rating.NO_DATA)
    rating = PartRating(Rating.NO_DATA, latest_year=latest.year, actual=latest.value)
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
    actual = _worst(latest, d, plausible)
    base = _worst(baseline, d, plausible, baseline=True)

    if targets:
        due = [t for t in targets if t.year <= latest.year]
        final = targets[-1]
        met = [
            t
            for t in ([due[-1]] if due else []) + [final]
            if actual is not None and _meets(actual, t, d, settings.achieved_tolerance)
        ]
        if met:
            rating.rating = Rating.ACHIEVED
            rating.milestone = met[0]
            return rating
        rating.milestone = due[-1] if due else targets[0]
        if base is None:
            rating.rating = Rating.REGRESSING  # the baseline may be as high as any: no progress is sure
            return rating
        expected = _line(latest.year, baseline.year, base, targets)
        rating.expected = shown(expected)
        if actual is None:
            rating.rating = Rating.REGRESSING  # the actual may be as low as any
            return rating
        cn, cd = _sub(actual, base)  # the change, d * cn / cd
        en, ed = _sub(expected, base)  # the expected change
        if en == 0:
            # a "maintain" target: holding the baseline is on track
            rating.rating = Rating.ON_TRACK if d * cn >= 0 else Rating.REGRESSING
        else:
            ratio = d * cn * ed, cd * abs(en)
            rating.ratio = shown(ratio)
            rating.rating = _target_label(ratio, settings)
        if settings.outlook:
            rating.projected, rating.outlook = _outlook(baseline.year, base, latest.year, actual, final, d, settings)
        return rating

    if actual is None or base is None:
        rating.rating = Rating.WORSENING  # a value on the bad side may be as bad as any
        return rating
    cn, cd = _sub(actual, base)
    change = d * cn
    if base[0] == 0:
        rating.rating = Rating.IMPROVING if change > 0 else Rating.WORSENING if change < 0 else Rating.STAGNANT
    else:
        growth = change * base[1], cd * abs(base[0]) * (latest.year - baseline.year)
        rating.growth = shown(growth)
        rating.rating = _trend_label(growth, settings)
    return rating


def _rate_yes_no(
    rating: PartRating, latest: Point, targets: Sequence[Target], as_of: int, final_year: int | None
) -> PartRating:
    """Step 2. A "no" is Not achieved once its target year is over: reported for that year or
    later, or, with nothing newer, once the report year is past it. The outlook then says the
    target was missed, and a "no" older than the target year is flagged outdated."""
    if latest.value >= 0.5:
        rating.rating = Rating.ACHIEVED
        return rating
    # A yes/no part has one possible target, "yes"; without a set milestone, its final year.
    target = targets[0] if targets else None if final_year is None else Target(final_year, EXACT, 1.0)
    rating.milestone = target
    if target is None or (latest.year < target.year and as_of <= target.year):
        rating.rating = Rating.NOT_YET_ACHIEVED
        return rating
    rating.rating = Rating.NOT_ACHIEVED
    rating.outlook = "unlikely"
    if latest.year < target.year:
        rating.flags.add("outdated")
    return rating


def _target_label(ratio: Exact, settings: MethodSettings) -> str:
    if _ge(ratio, _pair(settings.on_track_min)):
        return Rating.ON_TRACK
    if _ge(ratio, _pair(settings.for_attention_min)):
        return Rating.FOR_ATTENTION
    if _ge(ratio, _pair(settings.off_track_min)):
        return Rating.OFF_TRACK
    return Rating.REGRESSING


def _trend_label(growth: Exact, settings: MethodSettings) -> str:
    if _ge(growth, _pair(settings.improving_min)):
        return Rating.IMPROVING
    if _ge(growth, _pair(settings.slow_improvement_min)):
        return Rating.SLOW_IMPROVEMENT
    if _ge(growth, _pair(settings.stagnant_min)):
        return Rating.STAGNANT
    return Rating.WORSENING


def _outlook(
    baseline_year: int, base: Exact, latest_year: int, actual: Exact, final: Target, d: int, settings
) -> tuple[float | None, str | None]:
    """Step 7: the straight trend from the baseline through the latest actual, extended to the
    final milestone's year."""
    if final.year <= latest_year:
        return None, None
    # actual + (actual - base) / (latest_year - baseline_year) * (final.year - latest_year)
    cn, cd = _sub(actual, base)
    years = latest_year - baseline_year
    projected = actual[0] * cd * years + cn * actual[1] * (final.year - latest_year), actual[1] * cd * years
    met = _meets(projected, final, d, settings.achieved_tolerance)
    return shown(projected), "likely" if met else "unlikely"


# --------------------------------------------------------------------------------------------
# Combining parts into an indicator rating


def combine_parts(ratings: Sequence[str], settings: MethodSettings) -> tuple[str, float | None]:
    """Step 8: an indicator is Achieved only when every part is; otherwise the worst rated part,
    or the mean of the rated parts' scores rounded down to a label of their family (so the label
    is never kinder than the parts): yes/no labels when every part is yes/no, trend labels when
    every part was rated on its trend, target labels otherwise."""
    rated = [r for r in ratings if r not in Rating.UNRATED]
    if not rated:
        return (Rating.NO_DATA if all(r == Rating.NO_DATA for r in ratings) else Rating.CANNOT_ASSESS), None
    if len(rated) == len(ratings) and all(r == Rating.ACHIEVED for r in rated):
        return Rating.ACHIEVED, float(settings.scores[Rating.ACHIEVED])
    yes_no_only = (Rating.NOT_YET_ACHIEVED, Rating.NOT_ACHIEVED)
    if all(r in Rating.YES_NO_FAMILY for r in rated) and any(r in yes_no_only for r in rated):
        family = Rating.YES_NO_FAMILY
    elif all(r in Rating.TREND_FAMILY for r in rated):
        family = Rating.TREND_FAMILY
    else:
        family = Rating.TARGET_FAMILY
    if settings.combine == "worst":
        worst = min(rated, key=lambda r: settings.scores[r])
        score = float(settings.scores[worst])
        if worst != Rating.ACHIEVED:
            return worst, score
    else:
        score = sum(settings.scores[r] for r in rated) / len(rated)
    # Achieved is reserved for all parts achieved: the best label otherwise is the next one.
    candidates = sorted((r for r in family if r != Rating.ACHIEVED), key=lambda r: -settings.scores[r])
    for label in candidates:
        if settings.scores[label] <= score:
            return label, score
    return candidates[-1], score


# --------------------------------------------------------------------------------------------
# The scorecard's second signal: which way the value moved since the previous data point


def direction_since(
    points: Sequence[Point],
    baseline: Point | None,
    direction: int,
    settings: MethodSettings,
    *,
    as_of: int | None = None,
    value_type: str = "number",
    plausible: Plausible = (None, None),
) -> str | None:
    """Improving, about the same or worsening: the latest value up to `as_of` against the previous
    data point, or against the baseline when no earlier value is newer than it. None where there is
    no value, or nothing earlier to compare with.

    The previous data point is the latest earlier year that has a value, whatever the gap: a survey
    run every three years is compared with the previous survey, and its latest value keeps its
    arrow in the years between, until the next one. A relative change of at most
    `settings.same_within` either way (a fraction of the earlier value; from zero, any change counts)
    is about the same. d says which way is better, so where lower is better a fall is improving.
    Censored values compare conservatively (worst_case): the latest at its worst, the earlier value
    at its best; a bound that may be as bad as any is worsening. A yes/no moves only when it flips."""
    latest = previous = None  # one pass: the two latest values up to as_of
    for point in points:
        if as_of is not None and point.year > as_of:
            continue
        if latest is None or point.year > latest.year:
            latest, previous = point, latest
        elif point.year < latest.year and (previous is None or point.year > previous.year):
            previous = point
    if latest is None:
        return None
    if baseline is not None and baseline.year < latest.year and (previous is None or baseline.year > previous.year):
        previous = baseline  # a value of the baseline's own year wins over the baseline
    if previous is None:
        return None
    d = 1 if direction > 0 else -1
    if value_type == "boolean":
        now, before = Fraction(int(latest.value >= 0.5)), Fraction(int(previous.value >= 0.5))
    elif not (latest.qualifier or previous.qualifier) and (quick := _quick_movement(latest, previous, d, settings)):
        return quick
    else:
        now = worst_case(latest, d, plausible)
        before = worst_case(previous, d, plausible, baseline=True)  # the earlier value at its best
        if now is None or before is None:
            return Movement.WORSENING  # one side may be as bad as any: no gain is sure
    change = d * (now - before)
    if change == 0 or (before != 0 and abs(change) <= exact(settings.same_within) * abs(before)):
        return Movement.SAME
    return Movement.IMPROVING if change > 0 else Movement.WORSENING


def _quick_movement(latest: Point, previous: Point, d: int, settings: MethodSettings) -> str | None:
    """The same answer in floats where they cannot be wrong (a recompute asks tens of thousands of
    times): None when the change lies so near the cut-off that only exact decimals can tell."""
    now, before = latest.value, previous.value
    if now == before:
        return Movement.SAME
    change = d * (now - before)  # a float difference of two unequal floats keeps its sign
    if before != 0:
        margin = abs(change) - settings.same_within * abs(before)
        if abs(margin) <= 1e-9 * (abs(now) + abs(before)):
            return None
        if margin <= 0:
            return Movement.SAME
    return Movement.IMPROVING if change > 0 else Movement.WORSENING


# --------------------------------------------------------------------------------------------
# Every part as of every report year at once
#
# A full recompute rates tens of thousands of part-years, and a Python call of rate_part and of
# direction_since for each costs seconds. rate_part_years gives the same rows with NumPy over all
# of them: the exact figures are the same integer pairs, combined by the same formulas as above,
# held in arrays of Python integers (dtype object: no overflow), so every label and every figure
# is the one rate_part gives. The rows the arrays leave out (yes/no parts, censored values, no
# baseline, a movement too near its cut-off for floats) go through rate_part and direction_since.

_BOUNDS = UPPER_BOUND_QUALIFIERS + LOWER_BOUND_QUALIFIERS


@dataclass(frozen=True)
class PartInput:
    """What rate_part needs of a part besides its actual values."""

    value_type: str
    direction: int
    baseline: Point | None
    targets: Sequence[Target]
    final_year: int | None = None
    plausible: Plausible = (None, None)


@dataclass
class PartYears:
    """rate_part_years' rows: part after part and, within a part, year after year. point is the
    row's latest actual, an index into the actual values given (-1: none); movement is
    direction_since's answer."""

    rating: list
    point: np.ndarray
    expected: list
    ratio: list
    growth: list
    milestone: list
    outlook: list
    projected: list
    flags: list  # frozensets
    movement: list


def rate_part_years(
    parts: Sequence[PartInput],
    actuals: dict[str, np.ndarray],
    years: Sequence[int],
    settings: MethodSettings,
) -> PartYears:
    """rate_part and direction_since for every part as of every year. actuals holds columns
    part (the index of the value's part in parts), year, value and qualifier, sorted by part and
    year, with at most one value per part and year (as regional_values gives them)."""
    n_parts, n_years = len(parts), len(years)
    part = np.repeat(np.arange(n_parts, dtype=np.int64), n_years)
    as_of = np.tile(np.asarray(years, dtype=np.int64), n_parts)
    of, year = actuals["part"].astype(np.int64), actuals["year"].astype(np.int64)
    value, qualifier = actuals["value"].astype(np.float64), np.asarray(actuals["qualifier"], dtype=object)
    table = _PartTable(parts, [*year.tolist(), *years])

    # the latest value up to each row's year (of any part: `own` says whether it is the row's part)
    key = of * table.span + (year - table.low)
    if len(key) > 1 and not (np.diff(key) > 0).all():
        raise ValueError("The actual values must be sorted by part and year, one per part and year.")
    if not len(key):  # a sentinel value of no part, so that every lookup below finds something
        of, year, value, qualifier = np.array([-1]), np.array([table.low]), np.array([0.0]), np.array([""], object)
        key = np.array([-1], dtype=np.int64)
    at = np.searchsorted(key, part * table.span + (as_of - table.low), side="right") - 1
    own = (at >= 0) & (of[np.maximum(at, 0)] == part)
    at = np.maximum(at, 0)
    latest = own & (year[at] > table.after[part])

    out = PartYears(
        rating=_objects([Rating.NO_DATA] * len(part)),
        point=np.where(latest, at, -1),
        expected=np.full(len(part), None, dtype=object),
        ratio=np.full(len(part), None, dtype=object),
        growth=np.full(len(part), None, dtype=object),
        milestone=np.full(len(part), None, dtype=object),
        outlook=np.full(len(part), None, dtype=object),
        projected=np.full(len(part), None, dtype=object),
        flags=_objects([frozenset()] * len(part)),
        movement=np.full(len(part), None, dtype=object),
    )
    plain = latest & table.plain[part] & ~np.isin(qualifier[at], _BOUNDS)
    numerators, denominators = _pairs(value)
    rows = np.flatnonzero(plain)
    outdated = (as_of[rows] - year[at[rows]]) > settings.outdated_window_years
    out.flags[rows[outdated]] = _objects([frozenset({"outdated"})] * int(outdated.sum()))
    _rate_plain(out, rows, part[rows], year[at[rows]], numerators[at[rows]], denominators[at[rows]], table, settings)

    series = _Series(parts, of, year, value, qualifier)
    for row in np.flatnonzero(latest & ~plain).tolist():
        p = parts[part[row]]
        result = rate_part(
            value_type=p.value_type,
            direction=p.direction,
            baseline=p.baseline,
            targets=p.targets,
            actuals=series.points(part[row]),
            as_of=int(as_of[row]),
            settings=settings,
            final_year=p.final_year,
            plausible=p.plausible,
        )
        out.rating[row], out.expected[row], out.ratio[row] = result.rating, result.expected, result.ratio
        out.growth[row], out.milestone[row], out.outlook[row] = result.growth, result.milestone, result.outlook
        out.projected[row], out.flags[row] = result.projected, frozenset(result.flags)

    _movements(out, parts, part, as_of, at, own, (of, year, value, qualifier), table, series, settings)
    for name in ("rating", "expected", "ratio", "growth", "milestone", "outlook", "projected", "flags", "movement"):
        setattr(out, name, getattr(out, name).tolist())
    return out


class _PartTable:
    """The parts' baselines and milestones as flat arrays, for lookups by part and year."""

    def __init__(self, parts: Sequence[PartInput], years: list[int]) -> None:
        base = [p.baseline for p in parts]
        targets = [t for p in parts for t in p.targets]
        # the line from each baseline through the milestones after it (_line's turning points)
        anchors: list[tuple[int, int, float]] = []
        for i, (p, b) in enumerate(zip(parts, base, strict=True)):
            if b is None:
                continue
            anchors.append((i, b.year, b.value))
            for t in p.targets:
                if t.year > anchors[-1][1]:
                    anchors.append((i, t.year, t.value))
        every_year = [*years, *(b.year for b in base if b), *(t.year for t in targets)]
        self.low = min(every_year, default=0)
        self.span = max(every_year, default=0) - self.low + 2
        boolean = np.array([p.value_type == "boolean" for p in parts], dtype=bool)
        has_base = np.array([b is not None for b in base], dtype=bool)
        self.base_year = np.array([b.year if b else 0 for b in base], dtype=np.int64)
        self.base_value = np.array([b.value if b else 0.0 for b in base], dtype=np.float64)
        self.base_qualifier = np.array([b.qualifier if b else "" for b in base], dtype=object)
        self.base_n, self.base_d = _pairs(self.base_value)
        # a yes/no part and a part without a baseline count any value; the others, those after it
        self.after = np.where(has_base & ~boolean, self.base_year, np.iinfo(np.int64).min)
        self.has_base, self.boolean = has_base, boolean
        self.plain = has_base & ~boolean & ~np.isin(self.base_qualifier, _BOUNDS)
        self.d = np.array([1 if p.direction > 0 else -1 for p in parts], dtype=np.int64)
        self.targets = np.array([*targets, None], dtype=object)[:-1]  # Target objects, not tuples
        self.t_part = np.repeat(np.arange(len(parts)), [len(p.targets) for p in parts])
        self.t_year = np.array([t.year for t in targets], dtype=np.int64)
        self.t_n, self.t_d = _pairs(np.array([t.value for t in targets], dtype=np.float64))
        self.t_kind = np.array([t.kind for t in targets], dtype=object)
        self.t_key = self.t_part * self.span + (self.t_year - self.low)
        self.t_start = np.searchsorted(self.t_part, np.arange(len(parts)), side="left")
        self.t_end = np.searchsorted(self.t_part, np.arange(len(parts)), side="right")
        a_part = np.array([a[0] for a in anchors], dtype=np.int64)
        self.a_year = np.array([a[1] for a in anchors], dtype=np.int64)
        self.a_n, self.a_d = _pairs(np.array([a[2] for a in anchors], dtype=np.float64))
        self.a_key = a_part * self.span + (self.a_year - self.low)
        self.a_end = np.searchsorted(a_part, np.arange(len(parts)), side="right")


class _Series:
    """A part's actual values as Points, built only for the parts whose rows need them."""

    def __init__(self, parts, of, year, value, qualifier) -> None:
        self.columns = of, year, value, qualifier
        self.start = np.searchsorted(of, np.arange(len(parts)), side="left")
        self.end = np.searchsorted(of, np.arange(len(parts)), side="right")
        self.built: dict[int, list[Point]] = {}

    def points(self, part: int) -> list[Point]:
        if part not in self.built:
            _of, year, value, qualifier = self.columns
            window = slice(self.start[part], self.end[part])
            self.built[part] = [
                Point(y, v, q)
                for y, v, q in zip(
                    year[window].tolist(), value[window].tolist(), qualifier[window].tolist(), strict=True
                )
            ]
        return self.built[part]


def _objects(values: list) -> np.ndarray:
    """A list as a one-dimensional array of objects, whatever its items."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def _pairs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """_pair of every value, as two arrays of Python integers (each distinct value once)."""
    distinct, index = np.unique(values, return_inverse=True)
    pairs = [_pair(v) for v in distinct.tolist()]
    numerators = np.array([n for n, _d in pairs] + [0], dtype=object)[:-1]
    denominators = np.array([d for _n, d in pairs] + [1], dtype=object)[:-1]
    return numerators[index.reshape(-1)], denominators[index.reshape(-1)]


def _shown_all(numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """shown() of every pair."""
    try:
        return np.true_divide(numerators, denominators)
    except OverflowError:
        return np.array([shown((n, d)) for n, d in zip(numerators, denominators, strict=True)] + [0], object)[:-1]


def _ge_all(a: tuple[np.ndarray, np.ndarray], b: tuple) -> np.ndarray:
    """_ge, row by row."""
    return _mask(a[0] * b[1] >= b[0] * a[1])


def _mask(compared) -> np.ndarray:
    """A comparison of Python integers as a boolean array (~ of an object array would negate
    the integers)."""
    return np.asarray(compared, dtype=bool)


def _meets_all(value: tuple, target: np.ndarray, d: np.ndarray, table: _PartTable, tolerance: float) -> np.ndarray:
    """_meets, row by row; target holds indices into the table's milestones."""
    gn, gd = table.t_n[target], table.t_d[target]
    tn, td = _pair(tolerance) if tolerance else (0, 1)
    kind = table.t_kind[target]
    at_least = (kind == AT_LEAST) | ((kind == EXACT) & (d > 0))
    slack = tn * np.abs(gn)
    low, high = (gn * td - slack, gd * td), (gn * td + slack, gd * td)
    return np.where(at_least, _ge_all(value, low), _ge_all(high, value))


def _labels(figure: tuple, cuts: Sequence[tuple[float, str]], last: str) -> np.ndarray:
    """_target_label and _trend_label, row by row: the first cut the figure reaches."""
    labels = np.full(len(figure[0]), last, dtype=object)
    decided = np.zeros(len(figure[0]), dtype=bool)
    for cut, label in cuts:
        reached = ~decided & _ge_all(figure, _pair(cut))
        labels[reached] = label
        decided |= reached
    return labels


def _rate_plain(out: PartYears, rows, part, latest_year, an, ad, table: _PartTable, settings) -> None:
    """rate_part's steps for the rows of a part that is not yes/no, with an uncensored baseline
    and an uncensored latest value after it (so the worst case of each is the value itself)."""
    bn, bd, base_year, d = table.base_n[part], table.base_d[part], table.base_year[part], table.d[part]
    cn, cd = an * bd - bn * ad, ad * bd  # _sub(actual, base)
    targeted = table.t_end[part] > table.t_start[part]

    # milestones: achieved when the latest due one or the final one is met
    t = np.flatnonzero(targeted)
    p, ly, dt = part[t], latest_year[t], d[t]
    value = (an[t], ad[t])
    due = np.searchsorted(table.t_key, p * table.span + (ly - table.low), side="right") - 1
    has_due = due >= table.t_start[p]
    final = table.t_end[p] - 1
    meets_due = has_due & _meets_all(value, np.maximum(due, 0), dt, table, settings.achieved_tolerance)
    meets_final = _meets_all(value, final, dt, table, settings.achieved_tolerance)
    milestone = np.select([meets_due, meets_final, has_due], [due, final, due], table.t_start[p])
    out.milestone[rows[t]] = table.targets[milestone]
    achieved = meets_due | meets_final
    out.rating[rows[t[achieved]]] = Rating.ACHIEVED

    # the others against the expected value on the line through the milestones
    k = t[~achieved]
    p, ly, dk, final = part[k], latest_year[k].astype(object), d[k].astype(object), final[~achieved]
    bn_k, bd_k, cn_k, cd_k = bn[k], bd[k], cn[k], cd[k]
    j = np.searchsorted(table.a_key, p * table.span + (latest_year[k] - table.low), side="left")
    on_segment = j < table.a_end[p]
    j1 = np.where(on_segment, j, table.a_end[p] - 1)
    j0 = np.where(on_segment, j - 1, j1)
    x0, x1 = table.a_year[j0].astype(object), table.a_year[j1].astype(object)
    n0, d0, n1, d1 = table.a_n[j0], table.a_d[j0], table.a_n[j1], table.a_d[j1]
    en_line = np.where(on_segment, n0 * d1 * (x1 - x0) + (n1 * d0 - n0 * d1) * (ly - x0), n0)
    ed_line = np.where(on_segment, d0 * d1 * (x1 - x0), d0)
    out.expected[rows[k]] = _shown_all(en_line, ed_line)
    en, ed = en_line * bd_k - bn_k * ed_line, ed_line * bd_k  # _sub(expected, base)
    hold = _mask(en == 0)  # a "maintain" target: holding the baseline is on track
    rating = np.where(_mask(dk * cn_k >= 0), Rating.ON_TRACK, Rating.REGRESSING).astype(object)
    ratio = (dk * cn_k * ed, cd_k * np.abs(en))
    moving = np.flatnonzero(~hold)
    ratio = (ratio[0][moving], ratio[1][moving])
    out.ratio[rows[k[moving]]] = _shown_all(*ratio)
    cuts = [
        (settings.on_track_min, Rating.ON_TRACK),
        (settings.for_attention_min, Rating.FOR_ATTENTION),
        (settings.off_track_min, Rating.OFF_TRACK),
    ]
    rating[moving] = _labels(ratio, cuts, Rating.REGRESSING)
    out.rating[rows[k]] = rating
    if settings.outlook:  # _outlook: the trend through the latest value, to the final milestone's year
        ahead = np.flatnonzero(table.t_year[final] > latest_year[k])
        fy, ly = table.t_year[final[ahead]].astype(object), ly[ahead]
        span = ly - table.base_year[p[ahead]].astype(object)
        a_n, a_d, c_n, c_d = an[k[ahead]], ad[k[ahead]], cn_k[ahead], cd_k[ahead]
        projected = a_n * c_d * span + c_n * a_d * (fy - ly), a_d * c_d * span
        out.projected[rows[k[ahead]]] = _shown_all(*projected)
        likely = _meets_all(projected, final[ahead], dk[ahead], table, settings.achieved_tolerance)
        out.outlook[rows[k[ahead]]] = np.where(likely, "likely", "unlikely").astype(object)

    # without milestones, the yearly growth since the baseline
    g = np.flatnonzero(~targeted)
    change, base_zero = d[g].astype(object) * cn[g], _mask(bn[g] == 0)
    sign = np.where(_mask(change > 0), Rating.IMPROVING, np.where(_mask(change < 0), Rating.WORSENING, Rating.STAGNANT))
    rating = sign.astype(object)
    z = np.flatnonzero(~base_zero)
    years = (latest_year[g[z]] - base_year[g[z]]).astype(object)
    growth = change[z] * bd[g[z]], cd[g[z]] * np.abs(bn[g[z]]) * years
    out.growth[rows[g[z]]] = _shown_all(*growth)
    cuts = [
        (settings.improving_min, Rating.IMPROVING),
        (settings.slow_improvement_min, Rating.SLOW_IMPROVEMENT),
        (settings.stagnant_min, Rating.STAGNANT),
    ]
    rating[z] = _labels(growth, cuts, Rating.WORSENING)
    out.rating[rows[g]] = rating


def _movements(out, parts, part, as_of, at, own, actuals, table: _PartTable, series, settings) -> None:
    """direction_since for every row: _quick_movement's floats where neither value is qualified
    and the change is clear of the cut-off, direction_since itself for the rest."""
    of, year, value, qualifier = actuals
    safe = np.maximum(at, 0)
    before = np.maximum(at - 1, 0)
    has_previous = own & (at >= 1) & (of[before] == part) if len(of) else own
    b_year = table.base_year[part]
    by_base = table.has_base[part] & own & (b_year < year[safe]) & (~has_previous | (b_year > year[before]))
    compared = own & (has_previous | by_base)
    unqualified = (qualifier[safe] == "") & np.where(by_base, table.base_qualifier[part] == "", qualifier[before] == "")
    quick = compared & unqualified & ~table.boolean[part]
    now, then = value[safe], np.where(by_base, table.base_value[part], value[before])
    with np.errstate(all="ignore"):
        change = table.d[part] * (now - then)
        margin = np.abs(change) - settings.same_within * np.abs(then)
        unclear = (then != 0) & (np.abs(margin) <= 1e-9 * (np.abs(now) + np.abs(then)))
    same = (now == then) | ((then != 0) & ~unclear & (margin <= 0))
    movement = np.where(same, Movement.SAME, np.where(change > 0, Movement.IMPROVING, Movement.WORSENING))
    decided = quick & (same | ~unclear)
    out.movement[decided] = movement[decided].astype(object)
    for row in np.flatnonzero(compared & ~decided).tolist():
        p = parts[part[row]]
        out.movement[row] = direction_since(
            series.points(part[row]),
            p.baseline,
            p.direction,
            settings,
            as_of=int(as_of[row]),
            value_type=p.value_type,
            plausible=p.plausible,
        )
