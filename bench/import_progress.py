"""Benchmark of the bulk upload on PostgreSQL.

Generates 100,000 valid rows (CSV) for a synthetic framework, then checks and imports them the
way an upload is processed, and prints rows per second; in the same run it loads the same
rows with PostgreSQL's COPY into a plain table, the floor, and prints the ratio. Medians of
several runs; each run starts from an empty year.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench .venv/bin/python bench/import_progress.py

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

ROWS = int(os.environ.get("BENCH_ROWS", 100_000))
RUNS = int(os.environ.get("BENCH_RUNS", 3))
YEAR = 2023
PLACES = 11  # the region and the 10 members of 2023


def main() -> None:
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from clusters.models import Country
    from imports.services import upload_create, upload_process
    from indicators.models import Observation, ReportingYear
    from workflow.models import AuditEntry, Role

    parts_needed = -(-ROWS // PLACES)
    parts = build_framework(indicators=-(-parts_needed // 3), parts_per_indicator=3)
    ReportingYear.objects.create(year=YEAR, status="open")
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "not-used-anywhere-123")
    user.groups.create(name=Role.SECRETARIAT)
    # the region and the countries that are members in YEAR (the one way in refuses the others)
    places = ["CAREC", *Country.objects.members_in(YEAR).order_by("order").values_list("code", flat=True)]
    lines = ["indicator,part,country,year,value,qualifier,unit,source,note"]
    for i, part in enumerate(parts):
        for place in places:
            if len(lines) > ROWS:
                break
            code = part.indicator.code if hasattr(part, "indicator") else None
            lines.append(f"{code},{part.code},{place},{YEAR},{40 + (i * 7 + len(place)) % 50}.5,,pct,bench,")
    data = ("\n".join(lines) + "\n").encode()
    n = len(lines) - 1
    print(f"framework of {len(parts):,} parts; file of {n:,} rows, {len(data) / 1e6:.1f} MB")

    # parts were bulk-created: fetch their indicator codes once for the file
    if "None," in lines[1]:
        from indicators.models import IndicatorPart

        codes = dict(IndicatorPart.objects.values_list("id", "indicator__code"))
        lines = [lines[0]]
        for i, part in enumerate(parts):
            for place in places:
                if len(lines) > ROWS:
                    break
                lines.append(
                    f"{codes[part.id]},{part.code},{place},{YEAR},{40 + (i * 7 + len(place)) % 50}.5,,pct,bench,"
                )
        data = ("\n".join(lines) + "\n").encode()

    # The data-quality checks of the written parts are a worker's job once the upload commits;
    # they are timed apart, so that the import's figure is what the user waits for.
    import workflow.entry
    from progress.quality import quality_run

    queued: list[list[int]] = []
    workflow.entry.quality_request = lambda *, part_ids: queued.append(part_ids)

    imports, copies, quality = [], [], []
    for run in range(RUNS):
        Observation.objects.filter(year=YEAR).delete()
        start = time.perf_counter()
        upload = upload_process(
            upload=upload_create(user=user, name=f"bench-{run}.csv", data=data, dry_run=False, language="en")
        )
        imports.append(time.perf_counter() - start)
        assert upload.status == "done" and upload.created == n, (upload.status, upload.message, upload.errors[:3])
        assert AuditEntry.objects.filter(action="create", object_repr__startswith="observation").count() >= n
        start = time.perf_counter()
        quality_run(part_ids=queued.pop())
        quality.append(time.perf_counter() - start)

        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_copy")
            cursor.execute(
                "CREATE TABLE bench_copy (indicator text, part text, country text, year int, value numeric,"
                " qualifier text, unit text, source text, note text)"
            )
            start = time.perf_counter()
            with cursor.copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
            copies.append(time.perf_counter() - start)

    # What PostgreSQL itself costs for the same rows in the real table: its indexes and the checks
    # of its foreign keys at commit, with no reading, no check and no audit.
    country_ids = dict(Country.objects.values_list("code", "id"))
    cells = [(part.id, country_ids.get(place)) for part in parts for place in places][:n]
    real = []
    for _run in range(RUNS):
        Observation.objects.filter(year=YEAR).delete()
        now = timezone.now()
        fixed = ("percent", "40.5", "", "", "value", "actual", "submitted", "", 1, now, now, "bench", "", "", "")
        fixed += ("copy", user.pk, user.pk, "")
        start = time.perf_counter()
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.copy(
                "COPY indicators_observation (part_id, country_id, year, value_type, value_number, value_text,"
                " qualifier, availability, kind, status, note, version, created_at, updated_at, citation,"
                " evidence_url, review_comment, revision_reason, batch, created_by_id, updated_by_id, breakdown)"
                " FROM STDIN"
            ) as copy,
        ):
            for part_id, country_id in cells:
                copy.write_row((part_id, country_id, YEAR, *fixed))
        real.append(time.perf_counter() - start)

    imported, copied = statistics.median(imports), statistics.median(copies)
    print(
        f"upload (check + import): median {imported:6.2f} s over {RUNS} runs = {n / imported:,.0f} rows/s"
        "   (goal: under 10 s)"
    )
    print(f"floor, COPY into a table: median {copied:6.2f} s over {RUNS} runs = {n / copied:,.0f} rows/s")
    print(f"upload / COPY = {imported / copied:.1f}x   (goal: within 5x)")
    in_table = statistics.median(real)
    print(
        f"for reference, COPY into the observations table itself (its indexes, its foreign keys checked at commit):"
        f" median {in_table:6.2f} s = {imported / in_table:.1f}x of it"
    )
    checks = statistics.median(quality)
    print(f"the data-quality checks of the written parts, a worker's job after the upload: median {checks:6.2f} s")


if __name__ == "__main__":
    main()
