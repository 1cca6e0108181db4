"""Load benchmark: gunicorn on loopback with the production settings, a bounded wrk run (30 s, 50
connections by default) on the home page, an indicator page and the observations API, and in the
same run a bare Django view (/ping) as the framework's floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec .venv/bin/python bench/load.py

Needs wrk (apt-get install wrk), PostgreSQL with the framework loaded (make stack does it) and
Redis for the cache. Traffic goes only to 127.0.0.1.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", 30))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 50))
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", 2 * (os.cpu_count() or 1)))
TARGETS = [
    ("bare Django view (floor)", "/ping"),
    ("home page", "/en/"),
    ("indicator page", "/en/indicators/TRD-OC-1/"),
    ("observations API", "/api/v1/observations/?indicator=TRD+OC+1.1&page_size=100"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50"),
        "p99": ms("99"),
        "errors": errors + (int(non_2xx.group(1)) if non_2xx else 0),
    }


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carec_prf.settings.production",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec"),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "10000000/minute",
        "DATABASE_CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(ROOT / "staticfiles"),
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "carec_prf.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/ping", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        for _label, path in TARGETS:  # warm the caches and connections
            for _ in range(3):
                urllib.request.urlopen(base + path, timeout=30).read()
        print(f"gunicorn with {WORKERS} workers; wrk {SECONDS} s at {CONNECTIONS} connections per target\n")
        results = {}
        for label, path in TARGETS:
            results[label] = r = wrk(base + path)
            print(
                f"{label:26} {r['rps']:8.0f} req/s   p50 {r['p50']:7.1f} ms   p99 {r['p99']:7.1f} ms"
                f"   errors {r['errors']}"
            )
        floor = results[TARGETS[0][0]]
        print()
        for label, _path in TARGETS[1:]:
            r = results[label]
            print(f"{label:26} floor / this = {floor['rps'] / r['rps']:.1f}x   (goal: within 3x; p99 under 300 ms)")
    finally:
        server.terminate()
        server.wait(20)


if __name__ == "__main__":
    main()
