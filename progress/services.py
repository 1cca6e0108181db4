"""Recomputing regional values and ratings: load the frames, call the pure engine, replace the
stored results in one transaction. Safe to run twice or at the same time: runs for the same
method queue behind a row lock, and every run replaces whole sets of rows."""

import logging
import math
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from carec_prf.bulk import rows_sync
from clusters.cache import page_cache_clear
from indicators.models import IndicatorPart
from progress.engine import Point, combine_parts, direction_since, plausible_range, rate_part, regional_values
from progress.loading import Frames, report_years
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
    baselines, revised = frames.baselines()
    targets, final_years = frames.targets()
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
    series: dict[int, list[Point]] = defaultdict(list)
    coverage: dict[tuple[int, int], tuple] = {}
    for part_id, year, value, qualifier, origin, n_in, n_members in zip(
        *(regional_columns[name] for name in ("part_id", "year", "value", "qualifier", "origin")),
        regional_columns["n_contributors"],
        regional_columns["n_members"],
        strict=True,
    ):
        series[part_id].append(Point(year, value, qualifier))
        coverage[(part_id, year)] = (origin, n_in, n_members)

    ranks = defaultdict(list)
    for (part_id, _code), rank in frames.ranks.items():
        ranks[part_id].append(rank)
    part_rows, by_indicator = [], defaultdict(lambda: defaultdict(list))
    for part in frames.parts.itertuples(index=False):
        baseline = baselines.get(part.part_id)
        by_year = {point.year: point for point in series.get(part.part_id, ())}
        plausible = plausible_range(part.value_type, part.unit_min, part.unit_max, ranks.get(part.part_id, ()))
        points, part_targets, direction = (
            series.get(part.part_id, []),
            targets.get(part.part_id, []),
            int(part.direction),
        )
        baseline_year, baseline_value, baseline_qualifier = (
            (baseline.year, baseline.value, baseline.qualifier) if baseline else (None, None, "")
        )
        for as_of in years:
            result = rate_part(
                value_type=part.value_type,
                direction=direction,
                baseline=baseline,
                targets=part_targets,
                actuals=points,
                as_of=as_of,
                settings=settings,
                final_year=final_years.get(part.part_id),
                plausible=plausible,
            )
            flags = set(result.flags)
            origin, n_contributors, n_members = coverage.get((part.part_id, result.latest_year), ("", None, None))
            if origin == RegionalValue.Origin.AGGREGATED and n_contributors is not None and n_contributors < n_members:
                flags.add("partial_coverage")
            if part.part_id in revised:
                flags.add("baseline_revised")
            latest = by_year.get(result.latest_year)
            milestone = result.milestone
            part_rows.append(
                (
                    part.part_id,
                    as_of,
                    result.rating,
                    result.basis,
                    result.latest_year,
                    result.actual,
                    latest.qualifier if latest else "",
                    baseline_year,
                    baseline_value,
                    baseline_qualifier,
                    result.expected,
                    result.ratio,
                    result.growth,
                    milestone.year if milestone else None,
                    milestone.kind if milestone else "",
                    milestone.value if milestone else None,
                    result.outlook or "",
                    result.projected,
                    origin,
                    n_contributors,
                    n_members,
                    sorted(flags),
                    direction_since(
                        points,
                        baseline,
                        direction,
                        settings,
                        as_of=as_of,
                        value_type=part.value_type,
                        plausible=plausible,
                    )
                    or "",
                )
            )
            by_indicator[int(part.indicator_id)][as_of].append((result.rating, flags))

    indicator_rows = []
    for indicator_id, per_year in by_indicator.items():
        for as_of, entries in per_year.items():
            label, score = combine_parts([rating for rating, _flags in entries], settings)
            flags = sorted(set().union(*(f for _r, f in entries)))
            indicator_rows.append(
                {
                    "method_id": method.pk,
                    "indicator_id": indicator_id,
                    "as_of": as_of,
                    "rating": label,
                    "score": score,
                    "n_parts": len(entries),
                    "n_rated": sum(r not in Rating.UNRATED for r, _f in entries),
                    "flags": flags,
                }
            )

    part_columns = dict(
        zip(PART_COLUMNS, zip(*part_rows, strict=True) if part_rows else [()] * len(PART_COLUMNS), strict=True)
    )
    part_columns["method_id"] = [method.pk] * len(part_rows)
    indicator_ids = {int(i) for i in frames.parts["indicator_id"]}  # the scope holds every part of these
    _replace(method, frames.part_ids, indicator_ids, regional_columns, part_columns, indicator_rows, scope is None)
    return len(frames.part_ids)


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
