"""Benchmark of the country pages' charts to take away (SVG, PNG), in-process (Django's test
client, no HTTP), against their floor: the country page's selector alone (framework_pages.
country_page), which a picture reads in the same queries before it draws one part.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_h6 .venv/bin/python bench/takeaway_country.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads
the PRF and rates it. Medians of BENCH_RUNS runs each (default 15), for Kazakhstan (nine parts).
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_h6")
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
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.test import Client
    from django.utils import translation

    from progress.services import progress_recompute
    from reports.dashboards.framework_pages import country_page

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
            assert country_page(code="KAZ", user=AnonymousUser())["parts"]

    floor = _median(selector)
    print(f"floor: the country page's selector (KAZ, nine parts), median {floor * 1000:.1f} ms")
    chart = "/{lang}/countries/KAZ/TRD-OC-1.1/EXPORT_GROWTH.{fmt}"
    for label, url in (
        ("country page, en (context)", "/en/countries/KAZ/"),
        ("chart SVG, en", chart.format(lang="en", fmt="svg")),
        ("chart SVG, ru", chart.format(lang="ru", fmt="svg")),
        ("chart PNG, en", chart.format(lang="en", fmt="png")),
        ("chart PNG, zh-hans", chart.format(lang="zh-hans", fmt="png")),
    ):
        seconds = _median(get(url))
        print(f"{label}: median {seconds * 1000:.1f} ms ({seconds / floor:.1f}x the floor)")


if __name__ == "__main__":
    main()
