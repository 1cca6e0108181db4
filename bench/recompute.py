"""Benchmark of the progress engine on PostgreSQL.

Builds a synthetic framework in its own database (2,000 indicators x 3 parts x 11 countries x
15 years, about a million approved observations), then prints the median of several runs of:
the full recompute, an incremental recompute after one changed observation, and, as the floor,
one SQL GROUP BY over the same rows. Then the same framework as if revised twice (a third of
the parts retired from 2023, a third added from then, the rest re-targeted from 2027): the
recompute rates each period of years against what was in force then.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench .venv/bin/python bench/recompute.py

The database named in DATABASE_URL is dropped and created again.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.local")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"

from bench.synthetic import build_framework, recreate_database  # noqa: E402

INDICATORS = int(os.environ.get("BENCH_INDICATORS", 2000))
PARTS = 3
YEARS = list(range(2016, 2031))
RUNS = int(os.environ.get("BENCH_RUNS", 3))


def build() -> None:
    from django.db import connection

    from carec_prf.bulk import insert_rows
    from clusters.models import Country
    from indicators.models import Observation

    parts = build_framework(indicators=INDICATORS, parts_per_indicator=PARTS)
    countries = list(Country.objects.values_list("id", flat=True))
    rows = [
        {
            "part_id": p.id,
            "country_id": c,
            "year": y,
            "value_type": "number",
            "value_number": 50 + ((i * 7 + c * 3 + y) % 23) - 8,
            "availability": "value",
            "kind": "actual",
            "status": "approved",
            "version": 1,
        }
        for i, p in enumerate(parts)
        for c in countries
        for y in YEARS
    ]
    insert_rows(Observation, rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection

    from indicators.models import Observation
    from progress.services import progress_recompute

    start = time.perf_counter()
    build()
    n = Observation.objects.count()
    print(f"built {INDICATORS} indicators x {PARTS} parts, {n:,} observations in {time.perf_counter() - start:.1f} s")

    def group_by():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT part_id, year, avg(value_number), count(*) FROM indicators_observation"
                " WHERE status = 'approved' GROUP BY part_id, year"
            )
            cursor.fetchall()

    full = timed(lambda: progress_recompute(), RUNS)
    one = Observation.objects.filter(country__isnull=False).order_by("id").first()

    def incremental():
        Observation.objects.filter(pk=one.pk).update(value_number=one.value_number + 1)
        progress_recompute(part_ids=[one.part_id])

    inc = timed(incremental, max(RUNS, 5))
    floor = timed(group_by, max(RUNS, 5))
    f, i, g = statistics.median(full), statistics.median(inc), statistics.median(floor)
    print(f"full recompute:        median {f:7.3f} s over {len(full)} runs   {_runs(full)}")
    print(f"incremental recompute: median {i:7.3f} s over {len(inc)} runs   {_runs(inc)}   (goal < 0.1 s)")
    print(f"floor, one GROUP BY:   median {g:7.3f} s over {len(floor)} runs   {_runs(floor)}")
    print(f"full recompute / GROUP BY = {f / g:.1f}x   (goal: within 10x)")

    revise()
    revised = timed(lambda: progress_recompute(), RUNS)
    floor = timed(group_by, max(RUNS, 5))
    r, g = statistics.median(revised), statistics.median(floor)
    print(f"revised framework, full recompute: median {r:7.3f} s over {len(revised)} runs   {_runs(revised)}")
    print(f"floor, one GROUP BY:               median {g:7.3f} s over {len(floor)} runs   {_runs(floor)}")
    print(f"revised full recompute / GROUP BY = {r / g:.1f}x   (three periods: 2017-2022, 2023-2026, 2027-)")


def revise() -> None:
    """What two endorsed revisions leave (versions.changes sets the same fields): parts retired
    from 2023, parts measured from 2023, milestones re-set from 2027."""
    from indicators.models import IndicatorPart, Milestone

    ids = list(IndicatorPart.objects.order_by("id").values_list("id", flat=True))
    IndicatorPart.objects.filter(id__in=ids[0::3]).update(in_force_until=2022)
    IndicatorPart.objects.filter(id__in=ids[1::3]).update(in_force_from=2023)
    Milestone.objects.filter(part_id__in=ids[2::3]).update(in_force_from=2027)


def _runs(times: list[float]) -> str:
    return "[" + ", ".join(f"{t:.3f}" for t in times) + "]"


if __name__ == "__main__":
    main()
