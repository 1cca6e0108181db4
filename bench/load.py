"""Load benchmark: gunicorn on loopback with the production settings, a bounded wrk run (30 s, 50
connections by default) on the home page, an indicator page and the observations API, and in the
same run a bare Django view (/ping) as the framework's floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/carec_load .venv/bin/python bench/load.py

Runs on a fresh machine: it creates the database if it does not exist, migrates it, loads the
framework and recomputes when it holds no indicator, collects the static files into a temporary
STATIC_ROOT (the production settings serve them from there, with a manifest) and starts its own
redis-server for the cache on a free port. It needs wrk and redis-server (apt-get install wrk
redis-server) and PostgreSQL. Traffic goes only to 127.0.0.1.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import dj_database_url
import psycopg

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


def prepare_database(url: str, env: dict) -> None:
    """Create the database if it is missing, migrate it, and load the framework (with the
    progress values) and recompute when it holds no indicator yet."""
    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone() is None:
        admin.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()
    manage(env, "migrate", "--noinput", "-v0")
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM indicators_indicator)").fetchone()[0]
    if empty:
        print("empty database: loading the framework and recomputing")
        manage(env, "load_framework", "-v0")
        manage(env, "recompute_progress")


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"no answer from {url}")


def main() -> None:
    missing = [tool for tool in ("wrk", "redis-server") if shutil.which(tool) is None]
    if missing:
        sys.exit(f"{' and '.join(missing)} not installed: apt-get install {' '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="carec-load-") as scratch:
        run(Path(scratch))


def run(scratch: Path) -> None:
    redis_port, port = free_port(), free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=scratch,
        stdout=subprocess.DEVNULL,
    )
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/carec_load")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carec_prf.settings.production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_ANON_RATE": "10000000/minute",
        "DATABASE_CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(scratch / "media"),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        prepare_database(url, env)
        manage(env, "collectstatic", "--noinput", "-v0")
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
        wait_for(base + "/ping")
        for _label, path in TARGETS:  # warm the caches and connections; a page that fails stops here
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
        for process in (server, redis):
            if process is not None:
                process.terminate()
                process.wait(20)


if __name__ == "__main__":
    main()
