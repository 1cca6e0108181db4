"""The site served by a separate process against the test database, for tools that need a real
server (schemathesis, load and fault tests)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from tests.worker import ROOT, _database_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_site(extra_env: dict | None = None):
    """runserver (no reloader) on a free port; yields the base URL."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "carec_prf.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        **(extra_env or {}),
    }
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "tests" / "artifacts" / f"server-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
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
                urllib.request.urlopen(base + "/api/v1/frameworks/", timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"The site did not start; see {log.name}") from None
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(20)
        log.close()
