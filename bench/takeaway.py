"""Benchmark of the charts to take away, the fact sheet and the embeddable page, in-process
(Django's test client, no HTTP), against their floor: the CSV of the same chart's table, which
reads the same indicator page in the same queries and only writes a few lines of text.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_takeaway .venv/bin/python bench/takeaway.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads
the PRF and rates it. Medians of BENCH_RUNS requests each (default 15); the fact sheets of the
indicator with four charts (TRD OC 1) and with ten parts (TRP OP 2), in English and Chinese.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_takeaway")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.test")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from bench.synthetic import getter, median_seconds, prf_loaded  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 15))


def main() -> None:
    prf_loaded(os.environ["DATABASE_URL"])
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    from django.test import Client

    client = Client()
    base = "/{lang}/indicators/TRD-OC-1/FUEL_CAREC/series.{fmt}?year=2021"
    floor = median_seconds(getter(client, base.format(lang="en", fmt="csv")), RUNS)
    print(f"floor: the chart's table as CSV, median {floor * 1000:.1f} ms")
    for label, url in (
        ("chart SVG, en", base.format(lang="en", fmt="svg")),
        ("chart PNG, en", base.format(lang="en", fmt="png")),
        ("chart PNG, zh-hans", base.format(lang="zh-hans", fmt="png")),
        ("embeddable page, ru", "/ru/embed/TRD-OC-1/FUEL_CAREC/"),
        ("fact sheet TRD OC 1 (4 charts), en", "/en/indicators/TRD-OC-1/factsheet.pdf?year=2021"),
        ("fact sheet TRD OC 1 (4 charts), zh-hans", "/zh-hans/indicators/TRD-OC-1/factsheet.pdf?year=2021"),
        ("fact sheet TRP OP 2 (10 parts), ru", "/ru/indicators/TRP-OP-2/factsheet.pdf?year=2021"),
    ):
        seconds = median_seconds(getter(client, url), RUNS)
        print(f"{label}: median {seconds * 1000:.1f} ms ({seconds / floor:.1f}x the floor)")


if __name__ == "__main__":
    main()
