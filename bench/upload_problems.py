"""Benchmark of a refused file with a million problems, on PostgreSQL.

Generates a 1,000,000-row CSV with a bad value on every row, uploads it and runs the real check
in a child process (so that its peak memory is the check's alone), then prints:
- the check's time and peak memory (resource.getrusage), against reading the same rows with
  Python's csv module and a child that loads Django and does nothing;
- what the upload stores for its problems (in the table and the problems file);
- the median time and size of the progress poll, the list page, the API list and the API's
  detail, against a bare Django view (/ping) through the same client;
- the problems file's streamed size, time to first byte and time to the last byte.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_problems .venv/bin/python bench/upload_problems.py

The database named in DATABASE_URL is dropped and created again; the files go to a temporary
MEDIA_ROOT removed at the end. BENCH_ROWS changes the number of rows, BENCH_RUNS the requests
timed for each page; BENCH_XLSX=0 leaves out the same rows as a workbook.
"""

import csv
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_problems")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.local")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ["DEBUG"] = "0"  # no list of every query kept in memory
os.environ["UPLOAD_MAX_BYTES"] = str(500 * 1024 * 1024)
os.environ["UPLOAD_MAX_INFLATED_BYTES"] = str(1024 * 1024 * 1024)  # the workbook of a million rows inflates to ~290 MB
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
RUNS = int(os.environ.get("BENCH_RUNS", 21))
YEAR = 2023
XLSX = os.environ.get("BENCH_XLSX", "1") == "1"  # the workbook too (a few minutes more)


def peak_mb() -> float:
    """This process's peak resident memory. getrusage's ru_maxrss, except in a child started with
    fork and exec: Linux carries the parent's peak over exec, so the child reads its own high-water
    mark, VmHWM, which starts afresh with the new program."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def child(upload_id: int, idle: bool) -> None:
    """Run in a fresh process: check the upload (or, for the floor, only load Django)."""
    import django

    django.setup()
    from imports.models import Upload
    from imports.services import upload_process

    upload = Upload.objects.get(pk=upload_id)
    started = time.perf_counter()
    if not idle:
        upload = upload_process(upload=upload)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_mb(), "status": upload.status}))


def run_child(upload_id: int, idle: bool = False) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(upload_id), "--idle" if idle else "--check"],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    if out.returncode:
        sys.exit(f"the child process failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(client, path: str) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
        size = len(body)
    return statistics.median(times), size


def xlsx_check(user) -> None:
    """The same rows as a workbook: read as a stream, checked and refused, in a child process."""
    from openpyxl import Workbook, load_workbook

    from imports.services import upload_create

    path = os.path.join(os.environ["MEDIA_ROOT"], "million.xlsx")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(["indicator", "part", "country", "year", "value"])
    for n in range(ROWS):
        sheet.append(["TRP OP 1", "ROAD_BCP_TIME", "CAREC", YEAR, f"fast{n}"])
    book.save(path)
    with open(path, "rb") as workbook:
        data = workbook.read()
    started = time.perf_counter()
    rows = sum(1 for _row in load_workbook(path, read_only=True)["data"].iter_rows(values_only=True))
    floor_read = time.perf_counter() - started
    upload = upload_create(user=user, name="million.xlsx", data=data, dry_run=False, language="en")
    del data
    checked = run_child(upload.pk)
    upload.refresh_from_db()
    assert upload.status == "refused" and upload.problems_total == ROWS, (upload.status, upload.message)
    print(
        f"\nthe same rows as XLSX ({os.path.getsize(path) / 1e6:.1f} MB): check, refuse and write the problems "
        f"workbook {checked['seconds']:.1f} s; floor, openpyxl reading the {rows - 1:,} rows: {floor_read:.1f} s; "
        f"peak memory {checked['peak_mb']:.0f} MB (goal: under 800 MB)"
    )


def main() -> None:
    from bench.synthetic import build_framework, recreate_database

    recreate_database(os.environ["DATABASE_URL"])
    media = tempfile.mkdtemp(prefix="bench-problems-")
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from imports.services import upload_create
    from indicators.models import ReportingYear
    from workflow.models import Role

    build_framework(indicators=1, parts_per_indicator=1)
    ReportingYear.objects.get_or_create(year=YEAR, defaults={"status": "open"})
    ReportingYear.objects.filter(year=YEAR).update(status="open")
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "not-used-anywhere-123")
    user.groups.create(name=Role.SECRETARIAT)

    lines = ["indicator,part,country,year,value"]
    lines += [f"TRP OP 1,ROAD_BCP_TIME,CAREC,{YEAR},fast{n}" for n in range(ROWS)]
    data = ("\n".join(lines) + "\n").encode()
    del lines
    print(f"file of {ROWS:,} rows, each with a value that is not a number: {len(data) / 1e6:.1f} MB")

    started = time.perf_counter()
    rows = sum(1 for _row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    floor_read = time.perf_counter() - started
    upload = upload_create(user=user, name="million.csv", data=data, dry_run=False, language="en")
    del data
    client = Client()
    client.force_login(user)
    with translation.override("en"):
        pages = [
            ("bare Django view (floor)", "/ping"),
            ("progress poll", reverse("imports:progress", args=[upload.pk])),
            ("upload list page", reverse("imports:upload")),
            ("API list", "/api/v1/uploads/"),
            ("API detail", f"/api/v1/uploads/{upload.pk}/"),
            ("detail page", reverse("imports:detail", args=[upload.pk])),
        ]
        problems_path = reverse("imports:errors", args=[upload.pk])
    before = {label: timed(client, path) for label, path in pages}

    idle = run_child(upload.pk, idle=True)
    checked = run_child(upload.pk)
    upload.refresh_from_db()
    assert upload.status == "refused" and upload.problems_total == ROWS, (upload.status, upload.message)
    print(
        f"\ncheck, refuse and write the problems file: {checked['seconds']:.1f} s   "
        f"floor, Python's csv module reading the {rows - 1:,} rows: {floor_read:.2f} s "
        f"({checked['seconds'] / floor_read:.0f}x)"
    )
    print(
        f"peak memory of the check: {checked['peak_mb']:.0f} MB   "
        f"floor, a process that loads Django and checks nothing: {idle['peak_mb']:.0f} MB   (goal: under 500 MB)"
    )
    if XLSX:
        xlsx_check(user)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT octet_length(errors::text), pg_column_size(problem_kinds), pg_column_size(t.*) "
            "FROM imports_upload t WHERE id = %s",
            [upload.pk],
        )
        errors_bytes, kinds_bytes, row_bytes = cursor.fetchone()
    file_bytes = upload.problems_file.size
    print(
        f"\nstored: {len(upload.errors):,} problems kept ({errors_bytes / 1e3:.0f} kB of JSON), "
        f"{len(upload.problem_kinds)} kinds counted ({kinds_bytes} B), "
        f"the whole row {row_bytes / 1e3:.0f} kB as stored (compressed); "
        f"the problems file with all {upload.problems_total:,}: {file_bytes / 1e6:.1f} MB on disk"
    )

    print(
        f"\nmedians of {RUNS} requests through Django's test client, while the upload waits (no problems) "
        f"and once it is refused with {upload.problems_total:,}:"
    )
    floor = None
    for label, path in pages:
        seconds, size = timed(client, path)
        floor = floor or seconds
        was_seconds, was_size = before[label]
        print(
            f"  {label:26} {was_seconds * 1e3:7.1f} ms {was_size / 1e3:7.1f} kB  ->  {seconds * 1e3:7.1f} ms "
            f"{size / 1e3:7.1f} kB   this / bare view = {seconds / floor:5.1f}x"
        )

    firsts, totals, size = [], [], 0
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(problems_path)
        chunks = iter(response.streaming_content)
        size = len(next(chunks))
        firsts.append(time.perf_counter() - started)
        size += sum(len(chunk) for chunk in chunks)
        totals.append(time.perf_counter() - started)
        response.close()
    print(
        f"\nproblems file, streamed: {size / 1e6:.1f} MB; first byte after {statistics.median(firsts) * 1e3:.1f} ms "
        f"(floor, the bare view: {floor * 1e3:.1f} ms); last byte after {statistics.median(totals):.2f} s"
    )
    print(
        f"peak memory of this process (file generated, pages and stream included): "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    import shutil

    shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), idle=sys.argv[3] == "--idle")
    else:
        main()
