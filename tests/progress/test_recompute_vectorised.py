"""The full recompute rates every part-year at once (engine.rate_part_years): its rows must be
the very ones that rate_part and direction_since give a part and a year at a time, thresholds
included, in the engine and as stored by a recompute (on PostgreSQL and on SQLite)."""

from collections import defaultdict
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.models import IndicatorPart, Observation
from progress.engine import (
    EXACT,
    PartInput,
    Point,
    Target,
    combine_parts,
    direction_since,
    plausible_range,
    rate_part,
    rate_part_years,
    rating_basis,
    regional_values,
)
from progress.loading import Frames, report_years
from progress.method import MethodSettings, Movement, Rating
from progress.models import IndicatorRating, PartRating, RegionalValue
from progress.services import progress_recompute, rating_method_default
from tests.progress.test_engine_exact import CHECKS
from tests.progress.test_engine_exact import parts as generated_parts

YEARS = list(range(2012, 2036))


def one_at_a_time(inputs: list[PartInput], points: list[list[Point]], years, settings) -> list[tuple]:
    """The reference: rate_part and direction_since for each part and year."""
    rows = []
    for part, actuals in zip(inputs, points, strict=True):
        for as_of in years:
            r = rate_part(
                value_type=part.value_type,
                direction=part.direction,
                baseline=part.baseline,
                targets=part.targets,
                actuals=actuals,
                as_of=as_of,
                settings=settings,
                final_year=part.final_year,
                plausible=part.plausible,
            )
            movement = direction_since(
                actuals,
                part.baseline,
                part.direction,
                settings,
                as_of=as_of,
                value_type=part.value_type,
                plausible=part.plausible,
            )
            figures = (r.latest_year, r.actual, r.expected, r.ratio, r.growth, r.projected)
            rows.append((r.rating, r.basis, r.milestone, r.outlook, frozenset(r.flags), movement, repr(figures)))
    return rows


def all_at_once(inputs: list[PartInput], points: list[list[Point]], years, settings) -> list[tuple]:
    actuals = {
        "part": np.array([i for i, series in enumerate(points) for _p in series], dtype=np.int64),
        "year": np.array([p.year for series in points for p in series], dtype=np.int64),
        "value": np.array([p.value for series in points for p in series], dtype=np.float64),
        "qualifier": np.array([p.qualifier for series in points for p in series] + [""], dtype=object)[:-1],
    }
    rated = rate_part_years(inputs, actuals, years, settings)
    flat = [p for series in points for p in series]
    rows = []
    for row, point in enumerate(rated.point.tolist()):
        latest = flat[point] if point >= 0 else None
        figures = (
            latest.year if latest else None,
            latest.value if latest else None,
            rated.expected[row],
            rated.ratio[row],
            rated.growth[row],
            rated.projected[row],
        )
        rows.append(
            (
                rated.rating[row],
                rating_basis(rated.rating[row], rated.ratio[row]),
                rated.milestone[row],
                rated.outlook[row],
                rated.flags[row],
                rated.movement[row],
                repr(figures),
            )
        )
    return rows


def by_year(actuals: list[Point]) -> list[Point]:
    """One value per year, sorted, as regional values come."""
    first = {}
    for point in actuals:
        first.setdefault(point.year, point)
    return [first[year] for year in sorted(first)]


@CHECKS
@given(
    drawn=st.lists(generated_parts(), min_size=1, max_size=5),
    extra=st.lists(st.tuples(st.integers(2012, 2034), st.integers(-3, 3)), max_size=6),
)
def test_every_part_year_at_once_equals_rate_part_and_direction_since_one_at_a_time(drawn, extra):
    settings = drawn[0]["settings"]
    inputs, points = [], []
    for i, part in enumerate(drawn):
        inputs.append(
            PartInput(
                part["value_type"],
                part["direction"],
                part["baseline"],
                part["targets"],
                part["final_year"],
                part["plausible"],
            )
        )
        # a longer series: values near the generated ones, so that movements fall near their cut-off
        near = [Point(year, part["actuals"][0].value * (1 + step / 100)) for year, step in extra if i % 2 == 0]
        points.append(by_year(part["actuals"] + near))
    assert all_at_once(inputs, points, YEARS, settings) == one_at_a_time(inputs, points, YEARS, settings)


def test_thresholds_and_cut_offs_hit_exactly_give_the_same_rows():
    """Checked by hand: 1.65 to 2.5 by 2020 (R = 0.95, 0.6 and 0 exactly at 2.4575, 2.16 and
    1.65); a growth of exactly 1.5 % a year from 1.05; a "maintain" target; a baseline of zero;
    a milestone before the baseline; movements of exactly 1 % (about the same) and just over."""
    settings = MethodSettings()
    ratio_part = PartInput("number", 1, Point(2016, 1.65), [Target(2014, EXACT, 9.0), Target(2020, EXACT, 2.5)])
    cases = [
        *((ratio_part, [Point(2020, actual)]) for actual in (2.4575, 2.16, 2.1599, 1.65, 1.6499)),
        (PartInput("number", 1, Point(2016, 1.05), []), [Point(2019, 1.09725), Point(2020, 1.09724)]),
        (PartInput("number", -1, Point(2016, 40.0), [Target(2025, EXACT, 40.0)]), [Point(2018, 40.0)]),
        (PartInput("number", 1, Point(2016, 0.0), []), [Point(2017, 0.0), Point(2018, 0.5), Point(2019, -1.0)]),
        (PartInput("number", 1, Point(2016, 100.0), []), [Point(2017, 101.0), Point(2018, 102.0101)]),
        (PartInput("number", -1, Point(2016, 100.0), []), [Point(2017, 99.0), Point(2018, 97.9)]),
        (PartInput("boolean", 1, None, [], 2020), [Point(2018, 0.0), Point(2021, 1.0)]),
        (PartInput("number", 1, Point(2016, 5.0, "<"), [Target(2022, EXACT, 9.0)], None, (0.0, 10.0)), []),
    ]
    inputs, points = [c[0] for c in cases], [c[1] for c in cases]
    got = all_at_once(inputs, points, YEARS, settings)
    assert got == one_at_a_time(inputs, points, YEARS, settings)
    as_of_2020 = [got[i * len(YEARS) + YEARS.index(2020)] for i in range(5)]
    labels = [Rating.ON_TRACK, Rating.FOR_ATTENTION, Rating.OFF_TRACK, Rating.OFF_TRACK, Rating.REGRESSING]
    assert [row[0] for row in as_of_2020] == labels
    assert [eval(as_of_2020[i][6])[3] for i in (0, 1, 3)] == [0.95, 0.6, 0.0]  # the figures' own repr
    assert Rating.IMPROVING in {row[0] for row in got}
    assert {Movement.SAME, Movement.IMPROVING, Movement.WORSENING} <= {row[5] for row in got}


# --------------------------------------------------------------------------------------------
# Through the database


def reference_rows(method) -> tuple[dict, dict]:
    """The stored rows a recompute should leave, computed the plain way: a part and a year at a
    time, as the recompute did before it rated everything at once."""
    settings = MethodSettings.from_dict(method.settings)
    frames = Frames(None)
    regional = regional_values(frames.observations, frames.parts, frames.memberships)
    regional = regional[regional["part_id"].isin(frames.part_ids)]
    series, coverage = defaultdict(list), {}
    for row in regional.itertuples(index=False):
        series[row.part_id].append(Point(int(row.year), float(row.value), row.qualifier or ""))
        n_in = None if pd.isna(row.n_contributors) else int(row.n_contributors)
        coverage[(row.part_id, row.year)] = (row.origin, n_in, int(row.n_members))
    first = report_years()[0]  # the framework is not revised here: one baseline and set of milestones
    baselines, revised = frames.baselines(first)
    targets, final_years = frames.targets(first)
    ranks = defaultdict(list)
    for (part_id, _code), rank in frames.ranks.items():
        ranks[part_id].append(rank)
    parts, indicators = {}, defaultdict(lambda: defaultdict(list))
    for part in frames.parts.itertuples(index=False):
        plausible = plausible_range(part.value_type, part.unit_min, part.unit_max, ranks.get(part.part_id, ()))
        baseline, points = baselines.get(part.part_id), series.get(part.part_id, [])
        for as_of in report_years():
            kwargs = {"value_type": part.value_type, "plausible": plausible}
            r = rate_part(
                direction=int(part.direction),
                baseline=baseline,
                targets=targets.get(part.part_id, []),
                actuals=points,
                as_of=as_of,
                settings=settings,
                final_year=final_years.get(part.part_id),
                **kwargs,
            )
            origin, n_in, n_members = coverage.get((part.part_id, r.latest_year), ("", None, None))
            flags = set(r.flags)
            if origin == RegionalValue.Origin.AGGREGATED and n_in is not None and n_in < n_members:
                flags.add("partial_coverage")
            if part.part_id in revised:
                flags.add("baseline_revised")
            latest = {p.year: p for p in points}.get(r.latest_year)
            m = r.milestone
            parts[(part.part_id, as_of)] = {
                "rating": r.rating,
                "basis": r.basis,
                "latest_year": r.latest_year,
                "actual": r.actual,
                "actual_qualifier": latest.qualifier if latest else "",
                "baseline_year": baseline.year if baseline else None,
                "baseline_value": baseline.value if baseline else None,
                "baseline_qualifier": baseline.qualifier if baseline else "",
                "expected": r.expected,
                "ratio": r.ratio,
                "growth": r.growth,
                "milestone_year": m.year if m else None,
                "milestone_kind": m.kind if m else "",
                "milestone_value": m.value if m else None,
                "outlook": r.outlook or "",
                "projected": r.projected,
                "origin": origin,
                "n_contributors": n_in,
                "n_members": n_members,
                "flags": sorted(flags),
                "movement": direction_since(points, baseline, int(part.direction), settings, as_of=as_of, **kwargs)
                or "",
            }
            indicators[int(part.indicator_id)][as_of].append((r.rating, flags))
    combined = {}
    for indicator_id, per_year in indicators.items():
        for as_of, entries in per_year.items():
            label, score = combine_parts([rating for rating, _f in entries], settings)
            combined[(indicator_id, as_of)] = {
                "rating": label,
                "score": score,
                "n_parts": len(entries),
                "n_rated": sum(r not in Rating.UNRATED for r, _f in entries),
                "flags": sorted(set().union(*(f for _r, f in entries))),
            }
    return parts, combined


def stored(queryset, key: tuple[str, str], fields) -> dict:
    return {tuple(row[k] for k in key): {f: row[f] for f in fields} for row in queryset.values()}


@pytest.mark.django_db
def test_a_full_recompute_stores_what_rate_part_gives_one_part_and_year_at_a_time():
    # values placed on the thresholds: fuel trade within CAREC, 0.48 (2017) to 0.84 by 2023;
    # 0.588 in 2020 gives R = 0.6 exactly, 0.804 in 2022 gives R = 0.95 exactly
    fuel = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_CAREC")
    Observation.objects.filter(part=fuel, year=2020, country=None).update(value_number=Decimal("0.588"))
    Observation.objects.filter(part=fuel, year__gt=2020).delete()
    progress_recompute()
    method = rating_method_default()
    parts, indicators = reference_rows(method)
    part_fields = list(next(iter(parts.values())))
    got = stored(PartRating.objects.filter(method=method), ("part_id", "as_of"), part_fields)
    assert got == parts
    got = stored(
        IndicatorRating.objects.filter(method=method),
        ("indicator_id", "as_of"),
        ["rating", "score", "n_parts", "n_rated", "flags"],
    )
    assert got == indicators
    assert got and len(parts) == IndicatorPart.objects.count() * len(report_years())
    assert parts[(fuel.pk, 2021)]["ratio"] == 0.6 and parts[(fuel.pk, 2021)]["rating"] == Rating.FOR_ATTENTION
    kinds = {(row["rating"], row["basis"]) for row in parts.values()}
    assert len(kinds) > 6  # the seeds reach many steps of the method: yes/no, targets, trends, no data
    assert any("censored" in row["flags"] for row in parts.values())  # and the rows rated one at a time
