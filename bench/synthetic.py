"""Shared by the benchmarks: a fresh PostgreSQL database and a synthetic framework in it."""

import datetime

import dj_database_url
import psycopg


def recreate_database(url: str) -> None:
    """Drop and create the database named in url (it must be a benchmark database)."""
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


def build_framework(*, indicators: int, parts_per_indicator: int, rules=("mean", "sum", "median")):
    """Migrate, load the real units, sources and countries, then add a sector of synthetic
    indicators with baselines and milestones. Returns the parts."""
    from django.core.management import call_command

    from clusters.models import Cluster, Framework, Result, Sector
    from indicators.models import Baseline, Indicator, IndicatorPart, Milestone, Source, Unit

    call_command("migrate", verbosity=0)
    call_command("load_framework", "--no-progress", verbosity=0)
    fw = Framework.objects.create(code="bench", name="Bench", version="1", endorsed_on=datetime.date(2020, 1, 1))
    cluster = Cluster.objects.create(framework=fw, number=1, code="B1", name="B", outcome="B")
    sector = Sector.objects.create(framework=fw, cluster=cluster, code="BEN", name="B")
    results = Result.objects.bulk_create(
        Result(framework=fw, sector=sector, code=f"BEN OC {i}", level="outcome", statement="b")
        for i in range(indicators)
    )
    created = Indicator.objects.bulk_create(
        Indicator(framework=fw, result=r, code=r.code, statement="b") for r in results
    )
    unit = Unit.objects.get(code="pct")
    parts = IndicatorPart.objects.bulk_create(
        IndicatorPart(
            indicator=ind,
            code=f"P{k}",
            name="b",
            unit=unit,
            value_type="number",
            direction=1 if k != 1 else -1,
            aggregation=rules[k % len(rules)],
        )
        for ind in created
        for k in range(parts_per_indicator)
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
    return parts


def prf_loaded(url: str) -> None:
    """A fresh database holding the CAREC PRF as `make run` loads it, rated (the take-away
    benchmarks' data)."""
    recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command

    from progress.services import progress_recompute

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0)
    progress_recompute()


def median_seconds(run, runs: int) -> float:
    """The median time of `runs` calls of run(), after one call to warm translations, fonts and
    templates."""
    import statistics
    import time

    run()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def getter(client, url: str):
    """A call that fetches url through Django's test client and insists on a 200."""

    def run():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, (url, response.status_code)

    return run
