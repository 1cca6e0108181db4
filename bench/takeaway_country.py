"""Benchmark of the country pages' charts to take away (SVG, PNG), in-process (Django's test
client, no HTTP), against their floor: the country page's selector alone (framework_pages.
country_page), which a picture reads in the same queries before it draws one part.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_h6 .venv/bin/python bench/takeaway_country.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads
the PRF and rates it. Medians of BENCH_RUNS runs each (default 15), for Kazakhstan (nine parts).
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_h6")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.synthetic import getter, median_seconds, prf_loaded  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def main() -> None:
    prf_loaded(os.environ["DATABASE_URL"])
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client
    from django.utils import translation

    from reports.dashboards.framework_pages import country_page

    client = Client()

    def selector():
        with translation.override("en"):
            assert country_page(code="KAZ", user=AnonymousUser())["parts"]

    floor = median_seconds(selector, RUNS)
    print(f"floor: the country page's selector (KAZ, nine parts), median {floor * 1000:.1f} ms")
    chart = "/{lang}/countries/KAZ/TRD-OC-1.1/EXPORT_GROWTH.{fmt}"
    for label, url in (
        ("country page, en (context)", "/en/countries/KAZ/"),
        ("chart SVG, en", chart.format(lang="en", fmt="svg")),
        ("chart SVG, ru", chart.format(lang="ru", fmt="svg")),
        ("chart PNG, en", chart.format(lang="en", fmt="png")),
        ("chart PNG, zh-hans", chart.format(lang="zh-hans", fmt="png")),
    ):
        seconds = median_seconds(getter(client, url), RUNS)
        print(f"{label}: median {seconds * 1000:.1f} ms ({seconds / floor:.1f}x the floor)")


if __name__ == "__main__":
    main()
