"""Recomputing regional values and ratings: load the frames, call the pure engine, replace the
stored results in one transaction. Safe to run twice or at the same time: runs for the same
method queue behind a row lock, and every run replaces whole sets of rows."""

import logging
import math
from collections import defaultdict

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from carec_prf.bulk import rows_sync
from carec_prf.collector import collector_paused
from clusters.cache import page_cache_clear
from indicators.models import IndicatorPart
from progress.engine import (
    PartInput,
    combine_parts,
    plausible_range,
    rate_part_years,
    rating_basis,
    regional_values,
)
from progress.loading import Frames, rating_periods, report_years
from progress.method import DEFAULT_METHOD_DESCRIPTION, DEFAULT_METHOD_NAME, MethodSettings, Rating
from progress.models import IndicatorRating, PartRating, RatingMethod, RecomputeRequest, RecomputeRun, RegionalValue

logger = logging.getLogger(__name__)


def rating_method_default() -> RatingMethod:
    """The default method; version 1 (the DOMAIN method) is created if the database has none,
    as after a test flush."""
    method = RatingMethod.objects.filter(is_default=True).first()
    if method is not None:
        return method
    fields = {f"name_{lang}": text for lang, text in DEFAULT_METHOD_NAME.items()}
    fields |= {f"description_{lang}": text for lang, text in DEFAULT_METHOD_DESCRIPTION.items()}
    method, _created = RatingMethod.objects.get_or_create(
        version=1, defaults={"settings": MethodSettings().to_dict(), "is_default": True, **fields}
    )
    return method


def recompute_request(*, part_ids: list[int]) -> None:
    """Ask for the parts' ratings to be recomputed once the current transaction commits. The
    request is stored first; if the broker cannot be reached, the beat task picks it up later."""
    RecomputeRequest.objects.create(part_ids=sorted(set(part_ids)))
    transaction.on_commit(_enqueue_pending)


def _enqueue_pending() -> None:
    from progress.tasks import ratings_recompute_pending

    try:
        ratings_recompute_pending.delay()
    except Exception:  # the broker is down: the stored request waits for the beat task
        logger.warning("Could not queue the recompute; it stays pending until the broker is back.", exc_info=True)


def recompute_pending() -> int:
    """Recompute every pending request at once and remove them, in one transaction; requests
    that arrive meanwhile wait for the next run. Returns the number of requests served."""
    with transaction.atomic():
        requests = list(
            RecomputeRequest.objects.select_for_update(skip_locked=True).order_by("id").values_list("id", "part_ids")
        )
        if not requests:
            return 0
        part_ids = sorted({pid for _id, ids in requests for pid in ids})
        progress_recompute(part_ids=part_ids)
        RecomputeRequest.objects.filter(id__in=[rid for rid, _ids in requests]).delete()
    return len(requests)


def _affected_parts(part_ids: set[int]) -> list[int]:
    """The changed parts, the parts weighted by them, and every part of the indicators these
    belong to (an indicator's rating combines all its parts)."""
    weighted = set(IndicatorPart.objects.filter(weight_part_id__in=part_ids).values_list("id", flat=True))
    indicators = IndicatorPart.objects.filter(id__in=part_ids | weighted).values("indicator_id")
    return list(IndicatorPart.objects.filter(indicator_id__in=indicators).values_list("id", flat=True))


def progress_recompute(*, part_ids: list[int] | None = None, method: RatingMethod | None = None) -> RecomputeRun:
    """Recompute everything (part_ids=None) or only what depends on the given parts."""
    run = RecomputeRun.objects.create(full=part_ids is None)
    try:
        with transaction.atomic():
            method = RatingMethod.objects.select_for_update().get(pk=(method or rating_method_default()).pk)
            scope = None if part_ids is None else _affected_parts(set(part_ids))
            with collector_paused():
                n_parts = _recompute(method, scope)
    except Exception as error:
        RecomputeRun.objects.filter(pk=run.pk).update(
            status=RecomputeRun.Status.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
        )
        raise
    run.status, run.finished_at, run.n_parts = RecomputeRun.Status.DONE, timezone.now(), n_parts
    RecomputeRun.objects.filter(pk=run.pk).update(status=run.status, finished_at=run.finished_at, n_parts=n_parts)
    page_cache_clear()
    return run


# the columns of a part rating row, in the order _recompute builds them
PART_COLUMNS = (
    "part_id",
    "as_of",
    "rating",
    "basis",
    "latest_year",
    "actual",
    "actual_qualifier",
    "baseline_year",
    "baseline_value",
    "baseline_qualifier",
    "expected",
    "ratio",
    "growth",
    "milestone_year",
    "milestone_kind",
    "milestone_value",
    "outlook",
    "projected",
    "origin",
    "n_contributors",
    "n_members",
    "flags",
    "movement",
)


def _recompute(method: RatingMethod, scope: list[int] | None) -> int:
    settings = MethodSettings.from_dict(method.settings)
    frames = Frames(scope)
    if not frames.part_ids:
        return 0
    regional = regional_values(frames.observations, frames.parts, frames.memberships)
    regional = regional[regional["part_id"].isin(frames.part_ids)]
    years = report_years()

    # the regional values as plain Python columns: a row at a time through pandas, or a dict per
    # row, would cost seconds
    n_contributors = regional["n_contributors"].to_numpy(dtype="float64", na_value=math.nan)
    regional_columns = {
        "part_id": regional["part_id"].astype("int64").tolist(),
        "year": regional["year"].astype("int64").tolist(),
        "value": regional["value"].astype("float64").tolist(),
        "qualifier": regional["qualifier"].fillna("").tolist(),
        "origin": regional["origin"].tolist(),
        "contributors": regional["contributors"].tolist(),  # tuples: stored as JSON arrays
        "n_contributors": [None if n != n else int(n) for n in n_contributors.tolist()],  # NaN: none
        "n_members": regional["n_members"].astype("int64").tolist(),
    }
    # a revision re-sets baselines and milestones, retires and adds parts from the first year it
    # governs: each period of years is rated against the framework then in force
    part_columns: dict[str, list] = {name: [] for name in (*PART_COLUMNS, "method_id")}
    indicator_rows: list[dict] = []
    for period in rating_periods(years):
        columns, rows = _ratings(method, settings, frames, regional_columns, period)
        for name, values in columns.items():
            part_columns.setdefault(name, []).extend(values)
        indicator_rows += rows
    indicator_ids = {int(i) for i in frames.parts["indicator_id"]}  # the scope holds every part of these
    _replace(method, frames.part_ids, indicator_ids, regional_columns, part_columns, indicator_rows, scope is None)
    return len(frames.part_ids)


def _ratings(method, settings: MethodSettings, frames: Frames, regional: dict[str, list], years: list[int]):
    """Every part's rating as of every year of a period, as columns (PART_COLUMNS), and each
    indicator's rows. The engine rates all the part-years at once (rate_part_years) against the
    baselines and milestones in force in the period; this adds what the stored rows say
    besides: the latest value's coverage, the baseline, the flags of both. A part not measured
    in the period (retired, or added by a later revision) has no rows, and its indicator
    combines only the parts measured."""
    baselines, revised = frames.baselines(years[0])
    targets, final_years = frames.targets(years[0])
    measured = frames.in_force(years[0])
    ranks = defaultdict(list)
    for (part_id, _code), rank in frames.ranks.items():
        ranks[part_id].append(rank)
    parts = frames.parts
    part_ids = parts["part_id"].astype("int64").tolist()
    inputs = [
        PartInput(
            value_type=part.value_type,
            direction=int(part.direction),
            baseline=baselines.get(part.part_id),
            targets=targets.get(part.part_id, []),
            final_year=final_years.get(part.part_id),
            plausible=plausible_range(part.value_type, part.unit_min, part.unit_max, ranks.get(part.part_id, ())),
        )
        for part in parts.itertuples(index=False)
    ]
    # the regional values by part (in the order of frames.parts) and year
    position = pd.Index(part_ids).get_indexer(regional["part_id"])
    order = np.lexsort((np.asarray(regional["year"], dtype="int64"), position))
    value = np.asarray(regional["value"], dtype="float64")
    qualifier = np.asarray(regional["qualifier"] + [""], dtype=object)[:-1]
    actuals = {"part": position[order], "year": np.asarray(regional["year"])[order], "value": value[order]}
    rated = rate_part_years(inputs, actuals | {"qualifier": qualifier[order]}, years, settings)

    n_years = len(years)
    source = np.where(rated.point >= 0, order[np.maximum(rated.point, 0)], -1).tolist()  # rows of `regional`
    empty = ("", None, None, None, None, "")
    latest = [
        empty
        if i < 0
        else (
            regional["origin"][i],
            regional["n_contributors"][i],
            regional["n_members"][i],
            regional["year"][i],
            regional["value"][i],
            regional["qualifier"][i],
        )
        for i in source
    ]
    origin, n_in, n_members, latest_year, actual, actual_qualifier = zip(*latest, strict=True) if latest else [()] * 6
    baseline = [baselines.get(part_id) for part_id in part_ids]
    baseline_columns = [(b.year, b.value, b.qualifier) if b else (None, None, "") for b in baseline]
    flag_lists: dict[tuple, list[str]] = {}
    flags = []
    for row, (found, n, members) in enumerate(zip(origin, n_in, n_members, strict=True)):
        partial = found == RegionalValue.Origin.AGGREGATED and n is not None and n < members
        key = (rated.flags[row], partial, part_ids[row // n_years] in revised)
        if key not in flag_lists:
            extra = {"partial_coverage"} if partial else set()
            flag_lists[key] = sorted(key[0] | extra | ({"baseline_revised"} if key[2] else set()))
        flags.append(flag_lists[key])
    milestones = [(m.year, m.kind, m.value) if m else (None, "", None) for m in rated.milestone]
    columns = {
        "part_id": [part_id for part_id in part_ids for _year in years],
        "as_of": years * len(part_ids),
        "rating": rated.rating,
        "basis": list(map(rating_basis, rated.rating, rated.ratio)),
        "latest_year": latest_year,
        "actual": actual,
        "actual_qualifier": actual_qualifier,
        "expected": rated.expected,
        "ratio": rated.ratio,
        "growth": rated.growth,
        "outlook": [o or "" for o in rated.outlook],
        "projected": rated.projected,
        "origin": origin,
        "n_contributors": n_in,
        "n_members": n_members,
        "flags": flags,
        "movement": [m or "" for m in rated.movement],
    }
    for i, name in enumerate(("baseline_year", "baseline_value", "baseline_qualifier")):
        columns[name] = [b[i] for b in baseline_columns for _year in years]
    for i, name in enumerate(("milestone_year", "milestone_kind", "milestone_value")):
        columns[name] = [m[i] for m in milestones]
    keep = [row for row, part_id in enumerate(columns["part_id"]) if part_id in measured]
    part_columns = {name: [columns[name][row] for row in keep] for name in PART_COLUMNS}
    part_columns["method_id"] = [method.pk] * len(keep)
    return part_columns, _indicator_rows(method, settings, parts, years, rated.rating, flags, measured)


def _indicator_rows(
    method, settings, parts, years, ratings: list[str], flags: list[list[str]], measured: set[int]
) -> list[dict]:
    """Each indicator as of each year, combining its measured parts' rows (parts are rows of
    frames.parts, each with a row per year, in that order); none for an indicator with no part
    measured in the years."""
    members = defaultdict(list)
    indicator_ids, part_ids = parts["indicator_id"].astype("int64").tolist(), parts["part_id"].astype("int64").tolist()
    for i, (indicator_id, part_id) in enumerate(zip(indicator_ids, part_ids, strict=True)):
        if part_id in measured:
            members[indicator_id].append(i)
    combined: dict[tuple[str, ...], tuple[str, float | None]] = {}  # the same labels combine the same way
    rows = []
    for indicator_id, indices in members.items():
        for y, as_of in enumerate(years):
            at = [i * len(years) + y for i in indices]
            labels = tuple(ratings[r] for r in at)
            if labels not in combined:
                combined[labels] = combine_parts(list(labels), settings)
            label, score = combined[labels]
            rows.append(
                {
                    "method_id": method.pk,
                    "indicator_id": indicator_id,
                    "as_of": as_of,
                    "rating": label,
                    "score": score,
                    "n_parts": len(at),
                    "n_rated": sum(r not in Rating.UNRATED for r in labels),
                    "flags": sorted(set().union(*(flags[r] for r in at))),
                }
            )
    return rows


def _replace(method, part_ids, indicator_ids, regional_rows, part_rows, indicator_rows, full: bool) -> None:
    """Make the stored results in scope the new rows. A row whose content is the same as before
    is not written and keeps its updated_at, so that feeds (`updated_since`, ETag,
    Last-Modified) see only what really changed; the comparison runs in the database."""
    if full:
        regional = RegionalValue.objects.all()
        parts = PartRating.objects.filter(method=method)
        indicators = IndicatorRating.objects.filter(method=method)
    else:
        regional = RegionalValue.objects.filter(part_id__in=part_ids)
        parts = PartRating.objects.filter(method=method, part_id__in=part_ids)
        indicators = IndicatorRating.objects.filter(method=method, indicator_id__in=indicator_ids)
    now = timezone.now()
    rows_sync(regional, regional_rows, key=("part_id", "year"), stamp="updated_at", now=now)
    rows_sync(parts, part_rows, key=("method_id", "part_id", "as_of"), stamp="updated_at", now=now)
    rows_sync(indicators, indicator_rows, key=("method_id", "indicator_id", "as_of"), stamp="updated_at", now=now)
