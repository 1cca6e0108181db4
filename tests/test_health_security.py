"""Health check and the security measures: login rate limits, CSP with only our own scripts, no
inline script in any template, uploads never under the static root."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    body = client.get("/healthz").json()
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["mode"].startswith("eager")
    assert set(body["checks"]) == {"database", "broker", "worker", "last_recompute"}
    assert body["status"] in ("ok", "degraded")


@pytest.mark.django_db
def test_healthz_says_down_with_503_when_the_broker_is_unreachable(client, settings, monkeypatch):
    from carec_prf.celery import app

    # Celery reads its settings from Django's once, on first use: read them now, before this test
    # changes Django's, so that the tasks of later tests still run eagerly.
    assert app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False  # what /healthz reads
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app, "_pool", None)  # a pool for the unreachable broker; the shared one stays open
    try:
        response = client.get("/healthz")
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False


@pytest.mark.django_db
def test_failed_logins_are_rate_limited(client):
    factories.user("sec", groups=())
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "sec", "password": "wrong"})
    locked = client.post(url, {"username": "sec", "password": "pw-for-tests-only"})
    assert locked.status_code == 429
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_every_page_sends_a_csp_allowing_only_our_scripts(client):
    header = client.get("/en/").headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", header).group(1).split()
    assert script_src == ["'self'"]
    assert "frame-ancestors 'none'" in header


def test_no_template_has_an_inline_script():
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for tag in re.findall(r"<script\b[^>]*>", template.read_text(encoding="utf-8")):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.relative_to(ROOT)}: {tag}")
    assert offenders == []


@pytest.mark.django_db
def test_swagger_ui_runs_without_inline_scripts(client):
    html = client.get("/api/docs/").content.decode()
    assert not [t for t in re.findall(r"<script\b[^>]*>", html) if "src=" not in t]


def test_uploads_live_outside_the_static_root():
    media, static = Path(settings.MEDIA_ROOT).resolve(), Path(settings.STATIC_ROOT).resolve()
    assert static not in media.parents and media != static
    from carec_prf import urls

    assert not any("media" in str(p.pattern) for p in urls.urlpatterns)  # never served directly


def test_the_admin_path_is_configurable(monkeypatch):
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.urls import reverse; from django.utils import translation;"
        "translation.activate('en'); print(reverse('admin:index'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={
            **__import__("os").environ,
            "ADMIN_URL": "back-office-7f3/",
            "DJANGO_SETTINGS_MODULE": "carec_prf.settings.test",
        },
    )
    assert result.stdout.strip() == "/en/back-office-7f3/"


def test_production_cookies_are_secure_and_check_deploy_passes():
    import os
    import secrets
    import subprocess
    import sys

    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # a test-only switch
        "DJANGO_SETTINGS_MODULE": "carec_prf.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DEBUG": "0",
    }
    code = (
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == ["True", "True", "True"]
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
