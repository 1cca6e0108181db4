"""Configuration comes only from the environment, and production refuses a half-configured one."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from carec_prf.env import env_bool, env_int


def _load_production(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "carec_prf.settings.production", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _load_production({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = _load_production({"SECRET_KEY": "x" * 60, "DEBUG": "1"})
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_starts_when_configured():
    result = _load_production({"SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr


def test_a_bad_boolean_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG='maybe' is not a boolean"):
        env_bool("SOME_FLAG", False)


def test_a_bad_integer_names_the_variable(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER='ten' is not an integer"):
        env_int("SOME_NUMBER", 1)
