"""A real streaming standby of the machine's PostgreSQL (pg_basebackup -R on a free port): the
public pages read from it, staff read the primary, writes reach it, and the pages keep answering
from the primary once it is stopped.

The proof that a page came from the standby: its WAL replay is paused, a cluster is renamed on the
primary, and the visitor's page still shows the old name while a signed-in reader's shows the new
one. The standby is made from the whole cluster after the test's own database is loaded, and
removed whatever happens. It needs `host replication all 127.0.0.1/32 trust` in pg_hba.conf, which
`.ci/run` adds."""

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.server import free_port, live_site

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.slow
PRIMARY = "postgresql://postgres@127.0.0.1:5432"
# the settings a hot standby needs at least as high as its primary's
STANDBY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _wait(what: str, condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up waiting for {what} after {seconds} s")
        time.sleep(0.2)


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _query(url: str, sql: str, *params):
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as db:
        cursor = db.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


@contextmanager
def _database():
    """A database of the test's own on the primary, migrated and loaded like `make run`'s."""
    name = f"replica_{uuid.uuid4().hex[:8]}"
    _query(f"{PRIMARY}/postgres", f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"{PRIMARY}/{name}", "DJANGO_SETTINGS_MODULE": "carec_prf.settings.test"}
    try:
        for command in (["migrate", "-v0"], ["load_framework", "-v0"]):
            subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
        code = (
            "import django; django.setup();"
            "from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY;"
            "from django.contrib.sessions.backends.db import SessionStore;"
            "from rest_framework.authtoken.models import Token;"
            "from tests import factories; from workflow.models import Role;"
            "factories.open_year(2023);"
            "staff = factories.user('sec', groups=(Role.SECRETARIAT,));"
            "session = SessionStore();"
            "session[SESSION_KEY] = str(staff.pk);"
            "session[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend';"
            "session[HASH_SESSION_KEY] = staff.get_session_auth_hash();"
            "session.create();"
            "print(Token.objects.create(user=staff).key, session.session_key)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        ).stdout
        token, session = out.strip().splitlines()[-1].split()
        yield name, token, session
    finally:
        _query(f"{PRIMARY}/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _standby():
    """A hot standby of the whole primary cluster, streaming, on a free port in a temp dir; yields
    (port, pg_ctl command prefix)."""
    major = int(_query(f"{PRIMARY}/postgres", "SHOW server_version_num")[0][0]) // 10000
    bin_dir = Path(f"/usr/lib/postgresql/{major}/bin")
    if not bin_dir.is_dir():
        bin_dir = Path(shutil.which("pg_ctl") or "pg_ctl").parent
    minimums = {name: _query(f"{PRIMARY}/postgres", f"SHOW {name}")[0][0] for name in STANDBY_MINIMUMS}
    top = Path(tempfile.mkdtemp(prefix="carec-standby-"))
    data = top / "data"
    port = free_port()
    application = f"carec_standby_{port}"
    pg_ctl = _as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data)])
    started = False
    try:
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(top, account.pw_uid, account.pw_gid)
        backup = subprocess.run(
            _as_postgres(
                [
                    str(bin_dir / "pg_basebackup"),
                    "--dbname",
                    f"host=127.0.0.1 port=5432 user=postgres application_name={application}",
                    "--pgdata",
                    str(data),
                    "--write-recovery-conf",
                    "--wal-method=stream",
                    "--checkpoint=fast",
                    "--no-sync",  # a throwaway copy: no need to wait for the disk
                ]
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if backup.returncode != 0:
            raise RuntimeError(
                "pg_basebackup could not copy the primary at 127.0.0.1:5432. It needs "
                "`host replication all 127.0.0.1/32 trust` first in pg_hba.conf (`.ci/run` adds it) "
                f"and wal_level=replica:\n{backup.stderr}"
            )
        # Debian keeps the primary's configuration outside its data directory: the standby gets its own.
        config = {
            "port": str(port),
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{top}'",
            "hot_standby": "on",
            "fsync": "off",
            "ssl": "off",
            "logging_collector": "off",
            "shared_buffers": "'32MB'",
            **minimums,
        }
        with open(data / "postgresql.conf", "a") as conf:
            conf.writelines(f"\n{key} = {value}" for key, value in config.items())
        (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        (data / "pg_ident.conf").touch()
        if os.geteuid() == 0:
            for path in (data / "postgresql.conf", data / "pg_hba.conf", data / "pg_ident.conf"):
                os.chown(path, account.pw_uid, account.pw_gid)
        subprocess.run([*pg_ctl, "-l", str(top / "standby.log"), "-w", "-t", "120", "start"], check=True)
        started = True
        _wait(
            "the standby to stream from the primary",
            lambda: (
                _query(
                    f"{PRIMARY}/postgres",
                    "SELECT state FROM pg_stat_replication WHERE application_name = %s",
                    application,
                )
                == [("streaming",)]
            ),
        )
        yield port, pg_ctl
    finally:
        if started:
            subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, check=False)
        shutil.rmtree(top, ignore_errors=True)


def _get(url: str, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _post(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode()}


def test_public_pages_read_the_standby_staff_the_primary_and_a_stopped_standby_is_not_noticed():
    with _database() as (name, token, session), _standby() as (port, pg_ctl):
        primary, standby = f"{PRIMARY}/{name}", f"postgresql://postgres@127.0.0.1:{port}/{name}"
        staff_api = {"Authorization": f"Token {token}"}
        staff_page = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}
        site_env = {
            "DATABASE_URL": primary,
            "DATABASE_REPLICA_URL": standby,
            "DATABASE_CONN_MAX_AGE": "0",
            "API_ANON_RATE": "100000/minute",
            # checked once, at the first visit: the stop below is found by a request in the middle of its view
            "DATABASE_REPLICA_CHECK_SECONDS": "3600",
        }
        with live_site(site_env) as base:
            home, cluster = f"{base}/en/", f"{base}/api/v1/clusters/C1/?lang=en"
            original = _query(primary, "SELECT name_en FROM clusters_cluster WHERE code = 'C1'")[0][0]
            assert original in _get(home)[1]

            # Given a standby that stops applying the primary's changes, and a cluster renamed on the primary
            _query(standby, "SELECT pg_wal_replay_pause()")
            _wait(
                "the replay to pause",
                lambda: _query(standby, "SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
            )
            renamed = f"Renamed on the primary {uuid.uuid4().hex[:6]}"
            _query(primary, "UPDATE clusters_cluster SET name_en = %s WHERE code = 'C1'", renamed)

            # then a visitor's page and API answer come from the standby: the old name
            for url in (home, cluster):
                status, text = _get(url)
                assert status == 200
                assert original in text
                assert renamed not in text
            # and staff read the primary, signed in or with a token
            for url, headers in ((home, staff_page), (cluster, staff_api)):
                status, text = _get(url, headers)
                assert status == 200
                assert renamed in text
            # staff see their own write at once, though the standby does not have it yet
            status, created = _post(
                f"{base}/api/v1/observations/",
                {
                    "indicator": "TRD OC 1.4",
                    "part": "GDP_GROWTH",
                    "country": "KAZ",
                    "year": 2023,
                    "value": 4.5,
                    "version": None,
                },
                staff_api,
            )
            assert status == 201, created
            observation = created["id"]
            assert _get(f"{base}/api/v1/observations/{observation}/", staff_api)[0] == 200
            assert _query(standby, "SELECT count(*) FROM indicators_observation WHERE id = %s", observation) == [(0,)]

            # When the replay resumes, the writes reach the standby and the visitor's page shows them
            _query(standby, "SELECT pg_wal_replay_resume()")
            _wait("the renamed cluster on the visitor's page", lambda: renamed in _get(home)[1], seconds=30)
            assert _query(standby, "SELECT count(*) FROM indicators_observation WHERE id = %s", observation) == [(1,)]

            # When the standby stops, the pages answer from the primary at once; the request that
            # finds it stopped is answered again from the primary, and the rest do not try it
            subprocess.run([*pg_ctl, "-m", "fast", "-w", "stop"], check=True, capture_output=True)
            after = f"Renamed after the standby stopped {uuid.uuid4().hex[:6]}"
            _query(primary, "UPDATE clusters_cluster SET name_en = %s WHERE code = 'C1'", after)
            for _ in range(3):
                for url in (home, cluster):
                    status, text = _get(url)
                    assert status == 200, text[:2000]
                    assert after in text
            log = Path(ROOT / "tests" / "artifacts" / f"server-{base.rsplit(':', 1)[1]}.log").read_text()
            assert log.count("The replica did not answer") == 1
            assert "Traceback" not in log
            assert " 500 " not in log
