"""Benchmark of what the indicator page costs a reader: the bytes transferred and the time until
its first chart is drawn (plotly's SVG is in the page), in headless Chromium at 390x844 with an
empty cache, median of several runs.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_page_weight .venv/bin/python bench/page_weight.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads the
framework and rates it, then serves it with runserver and the settings `make run` uses, twice:

- after: as the site is served now: plotly's basic bundle, compressed by WhiteNoise (the .gz and
  .br copies scripts/vendor.sh writes);
- before: as it was served until now: the full bundle (the npm package plotly.js-dist-min, kept in
  package.json for this comparison) sent uncompressed by runserver's own static handler;
- floor: a page with no chart (the country list) on the same server: the site's own HTML, CSS and
  script, what no plotly bundle can go below. Its time is until the page's load event.

Each is measured on the loopback and through Chromium's network throttling at the "fast 4G" preset
of its developer tools (9 Mbit/s down, 1.5 Mbit/s up, 60 ms latency), closer to a phone. Bytes are
what crossed the network, headers included (Chromium's encodedDataLength). Plain http on the
loopback: Chromium asks for gzip there, and for brotli (25% smaller again) only over https.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_page_weight")

from bench.synthetic import recreate_database  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 5))
INDICATOR = "/en/indicators/TRD-OC-1/"
FLOOR = "/en/countries/"
FULL_BUNDLE = ROOT / "node_modules" / "plotly.js-dist-min" / "plotly.min.js"
SERVED_BUNDLE = "vendor/plotly/plotly-basic.min.js"  # the path templates/_charts_scripts.html names
NETWORKS = {
    "loopback": None,
    "fast 4G": {"offline": False, "latency": 60, "downloadThroughput": 9e6 / 8, "uploadThroughput": 1.5e6 / 8},
}
CHART_DRAWN = """
new MutationObserver((changes, observer) => {
  if (document.querySelector(".plot svg.main-svg")) {
    window.__chartDrawnAt = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

# The "before" server: the settings `make run` uses, less WhiteNoise in runserver, with the full
# bundle found first under the served bundle's name.
BEFORE_SETTINGS = """
from carec_prf.settings.local import *  # noqa: F403
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "whitenoise.runserver_nostatic"]  # noqa: F405
STATICFILES_DIRS = [{static!r}, *STATICFILES_DIRS]  # noqa: F405
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(settings: str, pythonpath: str = ""):
    """runserver (no reloader) with the given settings module; yields its base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "PYTHONPATH": os.pathsep.join(filter(None, [pythonpath, str(ROOT)])),
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="page-weight-server-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + INDICATOR, timeout=5).read()  # also fills the page cache
                urllib.request.urlopen(base + FLOOR, timeout=5).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the site did not start; see {log.name}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(20)
        log.close()


def measure(browser, url: str, network: dict | None, *, chart: bool) -> tuple[int, float]:
    """One visit with an empty cache: (bytes transferred, seconds until the chart, or the load event)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.add_init_script(CHART_DRAWN)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        if network:
            cdp.send("Network.emulateNetworkConditions", network)
        sizes: dict[str, float] = {}
        cdp.on(
            "Network.loadingFinished", lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"])
        )
        page.goto(url, wait_until="load", timeout=120000)
        if chart:
            page.wait_for_function("window.__chartDrawnAt !== undefined", timeout=120000)
            seconds = page.evaluate("window.__chartDrawnAt") / 1000
        else:
            seconds = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
        page.wait_for_load_state("networkidle")
        return int(sum(sizes.values())), seconds
    finally:
        context.close()


def medians(browser, url: str, network: dict | None, *, chart: bool) -> tuple[int, float]:
    measure(browser, url, network, chart=chart)  # a first visit warms the server, not the browser
    results = [measure(browser, url, network, chart=chart) for _ in range(RUNS)]
    return int(statistics.median(r[0] for r in results)), statistics.median(r[1] for r in results)


def main() -> None:
    if not FULL_BUNDLE.exists():
        sys.exit("run `npm ci`: the 'before' figure needs the full bundle, plotly.js-dist-min")
    if not (ROOT / "static" / (SERVED_BUNDLE + ".gz")).exists():
        sys.exit("run `scripts/vendor.sh --compress` (make run does): the compressed copies are missing")
    recreate_database(os.environ["DATABASE_URL"])
    os.environ["DJANGO_SETTINGS_MODULE"] = "carec_prf.settings.local"
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "load_framework", "-v0"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "recompute_progress", "-v0"], cwd=ROOT, check=True)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="page-weight-") as tmp:
        before_static = Path(tmp, "static")
        (before_static / SERVED_BUNDLE).parent.mkdir(parents=True)
        shutil.copyfile(FULL_BUNDLE, before_static / SERVED_BUNDLE)
        Path(tmp, "page_weight_before.py").write_text(BEFORE_SETTINGS.format(static=str(before_static)))

        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            try:
                with served("carec_prf.settings.local") as after:
                    for network_name, network in NETWORKS.items():
                        rows.append(
                            (
                                network_name,
                                "floor: no chart (" + FLOOR + ")",
                                *medians(browser, after + FLOOR, network, chart=False),
                            )
                        )
                        rows.append(
                            (
                                network_name,
                                "after: basic bundle, compressed",
                                *medians(browser, after + INDICATOR, network, chart=True),
                            )
                        )
                with served("page_weight_before", pythonpath=tmp) as before:
                    for network_name, network in NETWORKS.items():
                        rows.append(
                            (
                                network_name,
                                "before: full bundle, uncompressed",
                                *medians(browser, before + INDICATOR, network, chart=True),
                            )
                        )
            finally:
                browser.close()

    print(f"The indicator page {INDICATOR} at 390x844, empty cache, median of {RUNS} runs")
    print(f"{'network':9} {'page':38} {'transferred':>12} {'time to chart':>14}")
    for network_name in NETWORKS:
        for net, label, size, seconds in sorted((r for r in rows if r[0] == network_name), key=lambda r: r[1]):
            print(f"{net:9} {label:38} {size / 1e6:9.3f} MB {seconds:12.2f} s")


if __name__ == "__main__":
    main()
