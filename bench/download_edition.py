"""Benchmark of a reader's download of a published edition: the time from the request to the first
byte of its PDF, over HTTP, against a bare Django view on the same server as the floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_bench_download .venv/bin/python bench/download_edition.py

Creates its own database (the one named in DATABASE_URL is dropped and created again), loads the
PRF, rates it and publishes the demo editions the way `make run` does: Celery eager, so publishing
renders the 2021 edition's nine files (three languages, three formats) before it returns. Then it
serves the site in this process (Django's threaded development server, DEBUG off, files in a
temporary MEDIA_ROOT) and measures, medians of several requests, each on a new connection:

- published: the PDF link of the edition page (a reader's click) until the first byte, and until
  the whole file;
- floor: a bare view (an empty 200 answer) behind the same middleware, what no download can beat;
- not rendered beforehand, as every first reader waited until now: asking the server to render
  the PDF (the page's button) until the first byte of the file. Eager Celery renders within the
  request, the way `make run` does; with a worker the reader waits as long, watching the bar.

Goal: a published edition's PDF starts in under a second.
"""

import atexit
import http.client
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import types
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_bench_download")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carec_prf.settings.local")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"
os.environ["DEBUG"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="carec-bench-media-")
atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

from bench.synthetic import recreate_database  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", 20))
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", 3))
GOAL_SECONDS = 1.0
FLOOR_PATH = "/bench-floor/"


def _serve():
    """The site plus the floor view, served from a thread; returns (host, port)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.http import HttpResponse
    from django.test.utils import override_settings
    from django.urls import path

    import carec_prf.urls

    def floor(request):
        return HttpResponse(b"", content_type="text/plain")

    urls = types.ModuleType("bench_download_urls")
    urls.urlpatterns = [path(FLOOR_PATH.strip("/") + "/", floor), *carec_prf.urls.urlpatterns]
    sys.modules[urls.__name__] = urls
    override_settings(ROOT_URLCONF=urls.__name__).enable()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    # reading only the first byte closes the connection under the server: not worth a line each
    logging.getLogger("django.server").setLevel(logging.CRITICAL)

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address


def _get(address, path: str, *, whole: bool = False, method: str = "GET", body=None, headers=None):
    """Seconds until the first byte of the answer's body (or of the whole body), the status and
    the body read."""
    connection = http.client.HTTPConnection(*address, timeout=600)
    start = time.perf_counter()
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    first = response.read(1)
    seconds = time.perf_counter() - start
    rest = response.read() if whole else b""
    if whole:
        seconds = time.perf_counter() - start
    headers_out = dict(response.getheaders())
    connection.close()
    return seconds, response.status, first + rest, headers_out


def _median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.1f} ms"


def main() -> None:
    recreate_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    from progress.services import progress_recompute
    from reports.models import RenderJob

    call_command("migrate", verbosity=0)
    call_command("load_framework", verbosity=0)
    progress_recompute()
    start = time.perf_counter()
    call_command("load_demo_editions", verbosity=0)
    published = time.perf_counter() - start
    files = RenderJob.objects.filter(edition__code="2021", frozen=True)
    done = files.filter(status=RenderJob.Status.DONE).count()
    print(f"published the demo editions and rendered {done} of {files.count()} files in {published:.1f} s")

    address = _serve()
    page = _get(address, "/en/reports/2021/", whole=True)[2].decode()
    job = files.get(language="en", format="pdf")
    link = f"/en/reports/jobs/{job.pk}/file/"
    assert f'href="{link}"' in page, "the edition page does not link the rendered PDF directly"

    first, whole, floor = [], [], []
    for _ in range(RUNS):
        seconds, status, body, _headers = _get(address, link)
        assert status == 200 and body == b"%", status
        first.append(seconds)
        seconds, _status, body, _headers = _get(address, link, whole=True)
        whole.append(seconds)
        floor.append(_get(address, FLOOR_PATH)[0])
    size = len(body)

    # As a first reader waited until now: the same PDF, not rendered beforehand (ru, which the
    # page links too, is forgotten before each run and asked for with the page's button).
    cold = []
    for _ in range(COLD_RUNS):
        files.filter(language="ru", format="pdf").delete()
        seconds, status, _body, headers = _get(address, "/ru/reports/2021/", whole=True)
        cookie = headers.get("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _body.decode()).group(1)
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "language": "ru", "format": "pdf"})
        start = time.perf_counter()
        _seconds, status, answer, _headers = _get(
            address,
            "/ru/reports/2021/render/",
            method="POST",
            body=form,
            headers={
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Referer": f"http://{address[0]}:{address[1]}/ru/reports/2021/",
            },
            whole=True,
        )
        assert status in (200, 202), (status, answer[:300])
        file_url = RenderJob.objects.get(edition__code="2021", language="ru", format="pdf", frozen=True)
        _seconds, status, _body, _headers = _get(address, f"/ru/reports/jobs/{file_url.pk}/file/")
        assert status == 200, status
        cold.append(time.perf_counter() - start)

    print(f"published edition, PDF en ({size / 1024:.0f} KB), first byte: median {_median_ms(first)} over {RUNS}")
    print(f"published edition, PDF en, whole file:          median {_median_ms(whole)} over {RUNS}")
    print(f"floor, a bare view behind the same middleware:  median {_median_ms(floor)} over {RUNS}")
    print(f"not rendered beforehand (PDF ru, ask then get): median {_median_ms(cold)} over {COLD_RUNS}")
    worst = statistics.median(first)
    verdict = "within" if worst < GOAL_SECONDS else "OVER"
    print(f"a published edition's PDF starts in {worst * 1000:.0f} ms, {verdict} the goal of {GOAL_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
