"""/healthz: is the database answering, is the broker reachable, is a worker alive, and when
did the last recompute finish. 200 when the site can serve and queue work, 503 otherwise."""

import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _check(function) -> dict:
    start = time.monotonic()
    try:
        detail = function()
        return {"ok": True, "ms": round((time.monotonic() - start) * 1000, 1), **(detail or {})}
    except Exception as error:  # a health check reports every failure instead of raising it
        return {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _broker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager (tasks run in the web process)"}
    from carec_prf.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return {"mode": "broker"}


def _worker() -> dict:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"mode": "eager", "workers": 0}
    from carec_prf.celery import app

    replies = app.control.ping(timeout=1.0) or []
    if not replies:
        raise RuntimeError("no worker answered within 1 s")
    return {"workers": len(replies)}


def _last_recompute() -> dict:
    from progress.models import RecomputeRequest, RecomputeRun

    run = RecomputeRun.objects.filter(status=RecomputeRun.Status.DONE).order_by("-finished_at").first()
    return {
        "finished_at": run.finished_at.isoformat() if run else None,
        "full": run.full if run else None,
        "pending_requests": RecomputeRequest.objects.count(),
    }


@never_cache
def healthz(request):
    checks = {
        "database": _check(_database),
        "broker": _check(_broker),
        "worker": _check(_worker),
        "last_recompute": _check(_last_recompute),
    }
    serving = checks["database"]["ok"] and checks["broker"]["ok"]
    status = "ok" if serving and checks["worker"]["ok"] else "degraded" if serving else "down"
    return JsonResponse({"status": status, "checks": checks}, status=200 if serving else 503)


def ping(request):
    """Liveness, and the bare Django view the load benchmark measures as its floor."""
    return HttpResponse("ok", content_type="text/plain")
