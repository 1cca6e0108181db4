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

    # the regional values as plain Python columns: a row at a time through pandas would cost seconds
    regional_rows = [
        {
            "part_id": part_id,
            "year": year,
            "value": value,
            "qualifier": qualifier or "",
            "origin": origin,
            "contributors": list(contributors),
            "n_contributors": None if n_contributors != n_contributors else int(n_contributors),  # NaN: none
            "n_members": n_members,
        }
        for part_id, year, value, qualifier, origin, contributors, n_contributors, n_members in zip(
            regional["part_id"].astype("int64").tolist(),
            regional["year"].astype("int64").tolist(),
            regional["value"].astype("float64").tolist(),
            regional["qualifier"].tolist(),
            regional["origin"].tolist(),
            regional["contributors"].tolist(),
            regional["n_contributors"].to_numpy(dtype="float64", na_value=math.nan).tolist(),
            regional["n_members"].astype("int64").tolist(),
            strict=True,
        )
    ]
    series: dict[int, list[Point]] = defaultdict(list)
    coverage: dict[tuple[int, int], tuple] = {}
    for row in regional_rows:
        series[row["part_id"]].append(Point(row["year"], row["value"], row["qualifier"]))
        coverage[(row["part_id"], row["year"])] = (row["origin"], row["n_contributors"], row["n_members"])

    ranks = defaultdict(list)
    for (part_id, _code), rank in frames.ranks.items():
        ranks[part_id].append(rank)
    part_rows, by_indicator = [], defaultdict(lambda: defaultdict(list))
    for part in frames.parts.itertuples(index=False):
        baseline = baselines.get(part.part_id)
        by_year = {point.year: point for point in series.get(part.part_id, ())}
        plausible = plausible_range(part.value_type, part.unit_min, part.unit_max, ranks.get(part.part_id, ()))
        for as_of in years:
            result = rate_part(
                value_type=part.value_type,
                direction=int(part.direction),
                baseline=baseline,
                targets=targets.get(part.part_id, []),
                actuals=series.get(part.part_id, []),
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
            part_rows.append(
                {
                    "method_id": method.pk,
                    "part_id": part.part_id,
                    "as_of": as_of,
                    "rating": result.rating,
                    "basis": result.basis,
                    "latest_year": result.latest_year,
                    "actual": result.actual,
                    "actual_qualifier": latest.qualifier if latest else "",
                    "baseline_year": baseline.year if baseline else None,
                    "baseline_value": baseline.value if baseline else None,
                    "baseline_qualifier": baseline.qualifier if baseline else "",
                    "expected": result.expected,
                    "ratio": result.ratio,
                    "growth": result.growth,
                    "milestone_year": result.milestone.year if result.milestone else None,
                    "milestone_kind": result.milestone.kind if result.milestone else "",
                    "milestone_value": result.milestone.value if result.milestone else None,
                    "outlook": result.outlook or "",
                    "projected": result.projected,
                    "origin": origin,
                    "n_contributors": n_contributors,
                    "n_members": n_members,
                    "flags": sorted(flags),
                    "movement": direction_since(
                        series.get(part.part_id, []),
                        baseline,
                        int(part.direction),
                        settings,
                        as_of=as_of,
                        value_type=part.value_type,
                        plausible=plausible,
                    )
                    or "",
                }
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

    indicator_ids = {int(i) for i in frames.parts["indicator_id"]}  # the scope holds every part of these
    _replace(method, frames.part_ids, indicator_ids, regional_rows, part_rows, indicator_rows, scope is None)
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
