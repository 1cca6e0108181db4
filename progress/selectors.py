"""Reads of computed results."""

from collections import defaultdict

from django.db.models import Count

from progress.models import IndicatorRating, RatingMethod


def rating_summary(*, as_of: int, method: RatingMethod, level: str | None = None) -> dict:
    """Counts of indicators per rating for the framework, each cluster and each sector, from one
    GROUP BY query. level="prf" counts only PRF indicators."""
    rows = IndicatorRating.objects.filter(method=method, as_of=as_of)
    if level:
        rows = rows.filter(indicator__level=level)
    grouped = (
        rows.order_by()
        .values("indicator__result__sector__cluster__code", "indicator__result__sector__code", "rating")
        .annotate(n=Count("id"))
    )
    framework: dict[str, int] = defaultdict(int)
    clusters: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    sectors: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in grouped:
        cluster, sector, rating, n = (
            row["indicator__result__sector__cluster__code"],
            row["indicator__result__sector__code"],
            row["rating"],
            row["n"],
        )
        framework[rating] += n
        if cluster:
            clusters[cluster][rating] += n
            sectors[sector][rating] += n
    return {
        "framework": dict(framework),
        "clusters": {code: dict(counts) for code, counts in clusters.items()},
        "sectors": {code: dict(counts) for code, counts in sectors.items()},
    }
