"""Holding a write lock from outside, so that a task blocks in the middle of its work and can be
killed there."""

import sqlite3
from contextlib import contextmanager

import psycopg
from django.db import connection


@contextmanager
def writes_blocked(table: str):
    """PostgreSQL: lock one table against writes; SQLite: hold the database's write lock."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        other = psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
        )
        other.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        try:
            yield
        finally:
            other.rollback()
            other.close()
    else:
        other = sqlite3.connect(settings["NAME"], isolation_level=None, timeout=30)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
