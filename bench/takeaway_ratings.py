"""Benchmark of the dashboards' rating summaries to take away (SVG, PNG of the PRF's, a cluster's
and a sector's bar), in-process (Django's test client, no HTTP), against their floor: the
summary's selector alone (framework_pages.rating_summary_page), which a picture reads in the
same five queries before it draws its bar.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_h7 .venv/bin/python bench/takeaway_ratings.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads
the PRF and rates it. Medians of BENCH_RUNS runs each (default 15).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_h7")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.synthetic import getter, median_seconds, prf_loaded  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def main() -> None:
    prf_loaded(os.environ["DATABASE_URL"])
    from django.test import Client
    from django.utils import translation

    from reports.dashboards.framework_pages import rating_summary_page

    client = Client()

    def selector():
        with translation.override("en"):
            assert rating_summary_page(of="cluster", code="C2", as_of=2021)["counts"]

    floor = median_seconds(selector, RUNS)
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
        seconds = median_seconds(getter(client, url), RUNS)
        print(f"{label}: median {seconds * 1000:.1f} ms ({seconds / floor:.1f}x the floor)")


if __name__ == "__main__":
    main()
