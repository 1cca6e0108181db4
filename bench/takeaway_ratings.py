"""Benchmark of the dashboards' rating summaries to take away (SVG, PNG of the PRF's, a cluster's
and a sector's bar), in-process (Django's test client, no HTTP), against their floor: the
summary's selector alone (framework_pages.rating_summary_page), which a picture reads in the
same five queries before it draws its bar.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_h7 .venv/bin/python bench/takeaway_ratings.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads
the PRF and rates it. Medians of BENCH_RUNS runs each (default 15).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_h7")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.synthetic import recreate_database  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def _median(run) -> float:
    run()  # warm: the first run loads translations, fonts and templates
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation

    from progress.services import progress_recompute
    from reports.dashboards.framework_pages import rating_summary_page

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0)
    progress_recompute()
    client = Client()

    def get(url: str):
        def run():
            response = client.get(url, HTTP_HOST="127.0.0.1")
            assert response.status_code == 200, (url, response.status_code)

        return run

    def selector():
        with translation.override("en"):
            assert rating_summary_page(of="cluster", code="C2", as_of=2021)["counts"]

    floor = _median(selector)
    print(f"floor: the rating summary's selector (cluster C2, 2021), median {floor * 1000:.1f} ms")
    for label, url in (
        ("cluster page, en (context)", "/en/clusters/C2/?year=2021"),
        ("PRF SVG, en", "/en/ratings.svg?year=2021"),
        ("cluster SVG, en", "/en/clusters/C2/ratings.svg?year=2021"),
        ("sector SVG, ru", "/ru/sectors/TRD/ratings.svg?year=2021"),
        ("cluster PNG, en", "/en/clusters/C2/ratings.png?year=2021"),
        ("PRF PNG, zh-hans", "/zh-hans/ratings.png?year=2021"),
        ("sector PNG, ru", "/ru/sectors/TRD/ratings.png?year=2021"),
    ):
        seconds = _median(get(url))
        print(f"{label}: median {seconds * 1000:.1f} ms ({seconds / floor:.1f}x the floor)")


if __name__ == "__main__":
    main()
