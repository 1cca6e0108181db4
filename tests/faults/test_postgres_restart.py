"""PostgreSQL restarted during a burst of requests: every answer is a page or a clean error,
and nothing is half-written (each value saved has its audit entry, each 201 its value)."""

import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.server import free_port

ROOT = Path(settings.BASE_DIR)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def _pg_url(name: str) -> str:
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


@contextmanager
def _database():
    """A PostgreSQL database of its own, migrated and loaded (the test database may be SQLite)."""
    name = f"fault_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(_pg_url("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": _pg_url(name), "DJANGO_SETTINGS_MODULE": "carec_prf.settings.test"}
    try:
        for command in (["migrate", "-v0"], ["load_framework", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        yield name
    finally:
        for _ in range(30):
            try:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(1)
                admin = psycopg.connect(_pg_url("postgres"), autocommit=True)
        admin.close()


def _setup_user(name: str) -> str:
    with psycopg.connect(_pg_url(name)) as db:
        env = {**os.environ, "DATABASE_URL": _pg_url(name), "DJANGO_SETTINGS_MODULE": "carec_prf.settings.test"}
        code = (
            "import django; django.setup();"
            "from tests import factories; from workflow.models import Role;"
            "from rest_framework.authtoken.models import Token;"
            "factories.open_year(2023);"
            "print(Token.objects.create(user=factories.user('sec', groups=(Role.SECRETARIAT,))).key)"
        )
        token = (
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        db.close()
    return token


def test_a_postgres_restart_during_a_burst_gives_clean_errors_and_no_partial_writes():
    connection.close()
    with _database() as name:
        token = _setup_user(name)
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": _pg_url(name),
            "DJANGO_SETTINGS_MODULE": "carec_prf.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "API_ANON_RATE": "1000000/minute",
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "CACHE_URL": "redis://127.0.0.1:6379/14",
            "LOG_LEVEL": "CRITICAL",
        }
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "carec_prf.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
                "--log-level",
                "critical",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        answers, lock, stop = [], threading.Lock(), threading.Event()

        def ask(request):
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                return error.code, error.read().decode("utf-8", "replace")
            except OSError as error:  # the connection itself failed
                return 0, str(error)

        def burst(worker: int):
            for i in range(10_000):
                if stop.is_set():
                    return
                if i % 2:
                    request = urllib.request.Request(f"{base}/api/v1/indicators/TRP-OP-1/")
                else:
                    country = ["AZE", "CHN", "GEO", "KAZ", "KGZ", "MNG", "PAK", "TJK", "TKM", "UZB"][(worker + i) % 10]
                    body = (
                        f'{{"indicator": "TRD OC 1.4", "part": "GDP_GROWTH", "country": "{country}",'
                        f' "year": 2023, "value": {worker}.{i}, "version": null}}'
                    ).encode()
                    request = urllib.request.Request(
                        f"{base}/api/v1/observations/",
                        data=body,
                        method="POST",
                        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
                    )
                status, text = ask(request)
                with lock:
                    answers.append((status, text))

        try:
            for _ in range(100):
                if ask(urllib.request.Request(base + "/ping"))[0] == 200:
                    break
                time.sleep(0.3)
            threads = [threading.Thread(target=burst, args=(n,)) for n in range(6)]
            for thread in threads:
                thread.start()
            time.sleep(2)
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "restart"], check=True)
            time.sleep(3)
            stop.set()
            for thread in threads:
                thread.join(60)
        finally:
            server.terminate()
            server.wait(20)
            for _ in range(30):
                if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
                    break
                time.sleep(1)

        statuses = {status for status, _text in answers}
        assert statuses <= {200, 201, 400, 500, 503}, statuses  # 400: a stale-version conflict
        errors = [text for status, text in answers if status in (500, 503)]
        assert errors, "the restart produced no error at all: it did not happen during the burst"
        assert all("temporarily unavailable" in text and "Traceback" not in text for text in errors)
        assert any(status == 201 for status, _text in answers)
        with psycopg.connect(_pg_url(name)) as db:
            entered = (
                "FROM indicators_observation o JOIN indicators_indicatorpart p ON p.id = o.part_id"
                " WHERE o.year = 2023 AND p.code = 'GDP_GROWTH'"
            )
            values = db.execute(f"SELECT count(*) {entered}").fetchone()[0]
            audited = db.execute(
                f"SELECT count(DISTINCT o.id) {entered} AND EXISTS (SELECT 1 FROM workflow_auditentry a"
                " WHERE a.object_id = o.id AND a.content_type_id = (SELECT id FROM django_content_type"
                " WHERE app_label = 'indicators' AND model = 'observation'))"
            ).fetchone()[0]
        assert values == audited > 0  # every value written has its audit entry: no partial write
    connection.close()
