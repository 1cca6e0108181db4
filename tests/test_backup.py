"""A dump of the database restores into a fresh database with the same data."""

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(settings.BASE_DIR)
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

COUNTS = [
    "SELECT count(*) FROM indicators_indicator",
    "SELECT count(*) FROM indicators_baseline",
    "SELECT count(*) FROM indicators_observation",
    "SELECT sum(value_number) FROM indicators_observation",
    "SELECT string_agg(name_ru, '|' ORDER BY id) FROM clusters_sector",
]


def _url(name: str) -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def test_a_dump_restores_into_a_fresh_database_with_the_same_data(tmp_path):
    if connection.vendor != "postgresql":
        # The procedure is PostgreSQL's; on SQLite the backup is a file copy, checked here instead.
        import shutil
        import sqlite3

        call_command("load_framework", verbosity=0)
        copy = tmp_path / "copy.sqlite3"
        shutil.copy(connection.settings_dict["NAME"], copy)
        with sqlite3.connect(copy) as restored:
            assert restored.execute(COUNTS[0]).fetchone()[0] == 38
        return
    call_command("load_framework", verbosity=0)
    before = []
    with connection.cursor() as cursor:
        for query in COUNTS:
            cursor.execute(query)
            before.append(cursor.fetchone()[0])
    env = {**os.environ, "DATABASE_URL": _url(connection.settings_dict["NAME"]), "MEDIA_ROOT": str(tmp_path / "m")}
    dump = (
        subprocess.run(
            [str(ROOT / "scripts" / "backup.sh"), str(tmp_path)], env=env, capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    fresh = f"restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(_url("postgres"), autocommit=True)
    admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        subprocess.run(
            [str(ROOT / "scripts" / "restore.sh"), dump],
            env={**env, "DATABASE_URL": _url(fresh)},
            capture_output=True,
            text=True,
            check=True,
        )
        with psycopg.connect(_url(fresh)) as restored:
            after = [restored.execute(q).fetchone()[0] for q in COUNTS]
        assert after == before
        assert before[0] == 38
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        admin.close()
