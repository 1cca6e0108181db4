"""Reads of the framework structure, in a fixed number of queries."""

from django.db.models import Prefetch

from clusters.models import Cluster, Framework, Result, Sector
from indicators.models import Indicator


def framework_tree(framework_code: str | None = None) -> dict:
    """The framework with its clusters, sectors, results and indicators (five queries)."""
    frameworks = Framework.objects.order_by("code")
    framework = frameworks.filter(code=framework_code).first() if framework_code else frameworks.first()
    if framework is None:
        return {"framework": None, "clusters": [], "impact": None}
    results = (
        Result.objects.filter(framework=framework)
        .order_by("level", "order")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order")))
    )
    clusters = Cluster.objects.filter(framework=framework).prefetch_related(
        Prefetch(
            "sectors",
            queryset=Sector.objects.order_by("order").prefetch_related(Prefetch("results", queryset=results)),
        )
    )
    return {
        "framework": framework,
        "impact": Result.objects.filter(framework=framework, level=Result.Level.IMPACT).first(),
        "clusters": list(clusters),
    }
