"""Benchmark of the progress engine on PostgreSQL.

Builds a synthetic framework in its own database (2,000 indicators x 3 parts x 11 countries x
15 years, about a million approved observations), then prints the median of several runs of:
the full recompute, an incremental recompute after one changed observation, and, as the floor,
one SQL GROUP BY over the same rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench .venv/bin/python bench/recompute.py

The database named in DATABASE_URL is dropped and created again.
"""

import io
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

import dj_database_url  # noqa: E402
import psycopg  # noqa: E402

INDICATORS = int(os.environ.get("BENCH_INDICATORS", 2000))
PARTS = 3
YEARS = list(range(2016, 2031))
RUNS = int(os.environ.get("BENCH_RUNS", 3))


def recreate_database(url: str) -> None:
    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def build() -> None:
    import datetime

    from django.core.management import call_command
    from django.db import connection

    from clusters.models import Cluster, Country, Framework, Result, Sector
    from indicators.models import Baseline, Indicator, IndicatorPart, Milestone, Source, Unit

    call_command("migrate", verbosity=0)
    call_command("load_framework", "--no-progress", verbosity=0)  # units, sources, the 11 countries
    fw = Framework.objects.create(code="bench", name="Bench", version="1", endorsed_on=datetime.date(2020, 1, 1))
    cluster = Cluster.objects.create(framework=fw, number=1, code="B1", name="B", outcome="B")
    sector = Sector.objects.create(framework=fw, cluster=cluster, code="BEN", name="B")
    results = Result.objects.bulk_create(
        Result(framework=fw, sector=sector, code=f"BEN OC {i}", level="outcome", statement="b")
        for i in range(INDICATORS)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(framework=fw, result=r, code=r.code, statement="b") for r in results
    )
    unit = Unit.objects.get(code="pct")
    rules = ["mean", "sum", "median"]
    parts = IndicatorPart.objects.bulk_create(
        IndicatorPart(
            indicator=ind,
            code=f"P{k}",
            name="b",
            unit=unit,
            value_type="number",
            direction=1 if k != 1 else -1,
            aggregation=rules[k],
        )
        for ind in indicators
        for k in range(PARTS)
    )
    source = Source.objects.get(code="PRF2020")
    Baseline.objects.bulk_create(
        Baseline(part=p, year=2016, value_type="number", value_number=50, revised_on=fw.endorsed_on, source=source)
        for p in parts
    )
    Milestone.objects.bulk_create(
        Milestone(
            part=p,
            year=y,
            kind="exact" if i % 2 else "not_set",
            value_type="number",
            value_number=(60 if p.direction > 0 else 40) if i % 2 else None,
            set_on=fw.endorsed_on,
            source=source,
        )
        for i, p in enumerate(parts)
        for y in (2020, 2023, 2026, 2029)
    )
    countries = list(Country.objects.values_list("id", flat=True))
    now = datetime.datetime.now(datetime.UTC).isoformat()
    buffer = io.StringIO()
    for i, p in enumerate(parts):
        for c in countries:
            for y in YEARS:
                value = 50 + ((i * 7 + c * 3 + y) % 23) - 8
                buffer.write(
                    f"{p.id}\t{c}\t{y}\tnumber\t{value}\t\t\tvalue\tactual\tapproved\t1\t\t\t\t\t{now}\t{now}\n"
                )
    buffer.seek(0)
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY indicators_observation (part_id, country_id, year, value_type, value_number, value_text,"
            " qualifier, availability, kind, status, version, note, note_en, note_zh_hans, note_ru,"
            " created_at, updated_at) FROM STDIN"
        ) as copy:
            copy.write(buffer.read())
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
    print(f"full recompute:        median {f:7.3f} s over {len(full)} runs   (goal < 15 s)")
    print(f"incremental recompute: median {i:7.3f} s over {len(inc)} runs   (goal < 0.2 s)")
    print(f"floor, one GROUP BY:   median {g:7.3f} s over {len(floor)} runs")
    print(f"full recompute / GROUP BY = {f / g:.1f}x")


if __name__ == "__main__":
    main()
