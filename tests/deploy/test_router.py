"""The replica router's choices, against stand-in connections: a visitor's GET reads from the
replica; staff, API clients with a token, writes, transactions and a replica that does not answer
read from the primary. tests/deploy/test_replica.py proves it on a real standby."""

import contextlib
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory

from carec_prf import db_router
from carec_prf.db_router import PRIMARY, REPLICA, PublicReadRouter, PublicReadsMiddleware

router = PublicReadRouter()


class FakeConnection:
    def __init__(self):
        self.up = True
        self.checks = 0
        self.closed = 0
        self.in_atomic_block = False
        self.errors_occurred = False

    def ensure_connection(self):
        self.checks += 1
        if not self.up:
            self.errors_occurred = True
            raise OperationalError("connection refused")

    def cursor(self):
        return contextlib.nullcontext(self)

    def execute(self, sql):
        pass

    def close(self):
        self.closed += 1


class FakeConnections(dict):
    @property
    def settings(self):
        return self


class Clock:
    now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(db_router.time, "monotonic", clock)
    monkeypatch.setattr(db_router, "_state", db_router._ReplicaState())
    return clock


@pytest.fixture
def databases(monkeypatch, clock):
    fake = FakeConnections({PRIMARY: FakeConnection(), REPLICA: FakeConnection()})
    monkeypatch.setattr(db_router, "connections", fake)
    return fake


def _read_alias(request) -> str:
    return PublicReadsMiddleware(lambda request: HttpResponse(router.db_for_read(None)))(request).content.decode()


def test_without_a_replica_a_visitors_reads_go_to_the_primary(clock):
    assert "replica" not in settings.DATABASES
    assert _read_alias(RequestFactory().get("/en/")) == PRIMARY


def test_a_visitors_get_reads_from_the_replica(databases):
    assert _read_alias(RequestFactory().get("/en/")) == REPLICA
    assert _read_alias(RequestFactory().head("/api/v1/clusters/")) == REPLICA


def _signed_in():
    request = RequestFactory().get("/en/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session"
    return request


@pytest.mark.parametrize(
    "make_request",
    [
        _signed_in,
        lambda: RequestFactory().get("/api/v1/observations/", HTTP_AUTHORIZATION="Token abc"),
        lambda: RequestFactory().post("/api/v1/observations/"),
    ],
    ids=["signed-in", "api-token", "post"],
)
def test_staff_api_clients_and_writes_read_from_the_primary(databases, make_request):
    assert _read_alias(make_request()) == PRIMARY


def test_outside_a_request_reads_go_to_the_primary(databases):
    assert router.db_for_read(None) == PRIMARY  # Celery tasks, commands


def test_once_a_public_request_wrote_its_reads_go_to_the_primary(databases):
    def view(request):
        before = router.db_for_read(None)
        assert router.db_for_write(None) == PRIMARY
        return HttpResponse(f"{before} {router.db_for_read(None)}")

    response = PublicReadsMiddleware(view)(RequestFactory().get("/en/reports/"))
    assert response.content.decode() == f"{REPLICA} {PRIMARY}"


def test_reads_inside_a_transaction_on_the_primary_go_to_the_primary(databases):
    databases[PRIMARY].in_atomic_block = True
    assert _read_alias(RequestFactory().get("/en/")) == PRIMARY


def test_a_replica_is_checked_at_most_every_few_seconds(databases, clock):
    for _ in range(3):
        assert _read_alias(RequestFactory().get("/en/")) == REPLICA
    assert databases[REPLICA].checks == 1
    clock.now += settings.DATABASE_REPLICA_CHECK_SECONDS
    assert _read_alias(RequestFactory().get("/en/")) == REPLICA
    assert databases[REPLICA].checks == 2


def test_a_replica_that_does_not_answer_is_left_alone_for_a_while(databases, clock):
    databases[REPLICA].up = False
    assert _read_alias(RequestFactory().get("/en/")) == PRIMARY
    clock.now += db_router.DOWN_SECONDS - 1
    assert _read_alias(RequestFactory().get("/en/")) == PRIMARY
    assert databases[REPLICA].checks == 1  # one failed connection, not one per request
    databases[REPLICA].up = True
    clock.now += 1
    assert _read_alias(RequestFactory().get("/en/")) == REPLICA
    assert databases[REPLICA].checks == 2


def test_a_replica_that_fails_during_the_view_is_left_and_the_view_answered_from_the_primary(databases):
    request = RequestFactory().get("/en/")
    answers = []

    def view(request):
        alias = router.db_for_read(None)
        answers.append(alias)
        if alias == REPLICA:  # the standby stops in the middle of the request
            databases[REPLICA].errors_occurred = True
            response = middleware.process_exception(request, OperationalError("terminating connection"))
            assert response is not None
            return response
        return HttpResponse(alias)

    middleware = PublicReadsMiddleware(view)
    assert middleware(request).content.decode() == PRIMARY
    assert answers == [REPLICA, PRIMARY]
    assert databases[REPLICA].closed == 1
    assert _read_alias(RequestFactory().get("/en/")) == PRIMARY  # and stays left for a while


def test_a_wrong_query_or_a_primary_failure_is_not_answered_again(databases):
    middleware = PublicReadsMiddleware(lambda request: HttpResponse())
    request = RequestFactory().get("/en/")
    token = db_router._public_read.set(db_router._PublicRead())
    try:
        assert middleware.process_exception(request, OperationalError("primary gone")) is None
        databases[REPLICA].errors_occurred = True
        assert middleware.process_exception(request, ValueError("a bug")) is None
    finally:
        db_router._public_read.reset(token)


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate(PRIMARY, "indicators") is True
    assert router.allow_migrate(REPLICA, "indicators") is False


def test_a_replica_url_that_is_not_postgres_stops_the_process():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={"DJANGO_SETTINGS_MODULE": "carec_prf.settings.test", "DATABASE_REPLICA_URL": "sqlite:///replica.db"},
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must be a postgres:// URL" in result.stderr
