"""Benchmark of rendering a full report edition: the CAREC PRF as `make run` loads it.

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads the
framework and the seeds' values, rates them, publishes the demo editions, then prints the median
of several end-to-end renderings of the whole 2021 edition (content read, document built, laid
out, written) per language and format, and of building the 2024 draft's content live.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_reports .venv/bin/python bench/render_report.py

Goal: a full edition's PDF under 20 s on this 2-core machine.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_reports")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.local")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"

from bench.synthetic import recreate_database  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 5))
GOAL_SECONDS = 20.0


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
    from django.core.management import call_command

    from progress.services import progress_recompute
    from reports.content import content_build
    from reports.models import ReportEdition
    from reports.render import report_render
    from reports.selectors import edition_content, edition_previous_content, edition_scope

    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0)
    progress_recompute()
    call_command("load_demo_editions", verbosity=0)
    print(f"loaded the PRF, rated it and published the demo editions in {time.perf_counter() - start:.1f} s")

    published = ReportEdition.objects.get(code="2021")
    draft = ReportEdition.objects.get(code="2024")

    def render(edition, language, fmt):
        # end to end, as the Celery task does it: read the content, build, render
        edition = ReportEdition.objects.select_related("method", "sector", "previous").get(pk=edition.pk)
        return report_render(edition_content(edition), edition_previous_content(edition), language=language, format=fmt)

    rows = []
    for fmt in ("pdf", "html", "xlsx"):
        for language in ("en", "zh-hans", "ru"):
            runs = RUNS if fmt == "pdf" else max(RUNS, 5)
            times = timed(lambda fmt=fmt, language=language: render(published, language, fmt), runs)
            rows.append((f"2021 edition, {fmt.upper():4} {language:7}", statistics.median(times), len(times)))
    times = timed(lambda: render(draft, "en", "pdf"), RUNS)
    rows.append(("2024 draft (live), PDF  en     ", statistics.median(times), len(times)))
    times = timed(lambda: content_build(edition_scope(draft)), max(RUNS, 5))
    rows.append(("2024 draft, content read live   ", statistics.median(times), len(times)))
    for label, median, n in rows:
        print(f"{label}: median {median:7.3f} s over {n} runs")
    worst_pdf = max(m for label, m, _n in rows if "PDF" in label)
    verdict = "within" if worst_pdf < GOAL_SECONDS else "OVER"
    print(f"slowest full-edition PDF: {worst_pdf:.1f} s, {verdict} the goal of {GOAL_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
