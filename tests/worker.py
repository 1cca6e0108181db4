"""A real Celery worker and Redis broker for the tests whose behaviour depends on them.

The worker is a separate process running the test settings against the test database (the
test run's database name is passed to it), listening on a queue of its own so that parallel
runs never take each other's tasks."""

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import redis
from django.db import connection

from carec_prf.celery import app

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def redis_broker():
    """The machine's Redis when it answers (TEST_REDIS_URL, default 127.0.0.1:6379/15), or a
    private redis-server on a free port."""
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        yield url
        return
    except redis.exceptions.ConnectionError:
        pass
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError(
            f"These tests need Redis: none answers at {url} and redis-server is not installed "
            "(apt-get install redis-server, or set TEST_REDIS_URL)."
        )
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(50):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _reset_connections() -> None:
    """Drop the app's broker connections (and everything that cached them) so that the next task
    or control message uses the current broker_url."""
    from kombu import pools

    pools.reset()  # kombu keeps pools per broker URL: a closed one would be handed out again
    app._pool = None
    app.amqp._producer_pool = None
    mailbox = app.control.mailbox
    mailbox._producer_pool = None
    for cached in ("backend",):
        app.__dict__.pop(cached, None)
    if hasattr(app, "_local") and hasattr(app._local, "backend"):
        del app._local.backend


def _database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@contextmanager
def celery_worker(broker_url: str, extra_env: dict | None = None, queue: str | None = None):
    """Start a worker, point this process's Celery app at it, and stop it afterwards. The
    process gets the log file's path as .log_path and runs in its own process group."""
    queue = queue or f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carec_prf.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_RESULT_BACKEND": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        **(extra_env or {}),
    }
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "tests" / "artifacts" / f"worker-{queue}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "carec_prf",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log_path = log.name
    saved = {k: app.conf[k] for k in ("broker_url", "result_backend", "task_always_eager", "task_default_queue")}
    app.conf.update(broker_url=broker_url, result_backend=broker_url, task_always_eager=False, task_default_queue=queue)
    _reset_connections()
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{queue}@{socket.gethostname()}"], timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not start; see {log.name}")
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(30)
        log.close()
        app.conf.update(saved)
        _reset_connections()
