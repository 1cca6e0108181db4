"""Faults on the real stack: a worker killed in the middle of an upload or a recompute, and Redis
stopped while values are approved."""

import os
import signal
import subprocess
import time

import pytest
from django.core.management import call_command

from imports.models import Upload
from imports.services import upload_create
from imports.tasks import upload_process_task
from indicators.models import IndicatorPart, Observation
from progress.models import PartRating, RecomputeRequest, RecomputeRun
from progress.services import progress_recompute
from progress.tasks import ratings_recompute, ratings_recompute_pending
from tests import factories
from tests.faults.locks import writes_blocked
from tests.worker import _free_port, celery_worker
from workflow.models import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
FAST_REDELIVERY = {"CELERY_VISIBILITY_TIMEOUT": "3"}


def _wait(check, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


class PrivateRedis:
    """A redis-server of our own that the test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        import redis

        assert _wait(lambda: _pings(redis, self.url), 20)
        return self

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def _pings(redis, url):
    try:
        return redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def broker():
    server = PrivateRedis().start()
    yield server
    if server.process.poll() is None:
        server.stop()


def _framework():
    call_command("load_framework", verbosity=0)
    factories.open_year(2023)
    return factories.user("sec", groups=(Role.SECRETARIAT,))


def _big_file(rows: int) -> bytes:
    parts = list(
        IndicatorPart.objects.filter(aggregation__in=["mean", "sum", "weighted_mean"]).select_related("indicator")
    )
    countries = ["AZE", "CHN", "GEO", "KAZ", "KGZ", "MNG", "PAK", "TJK", "TKM", "UZB"]
    lines = ["indicator,part,country,year,value"]
    for part in parts:
        for country in countries:
            lines.append(f"{part.indicator.code},{part.code},{country},2023,{len(lines) % 40}.5")
    body = lines[1:]
    return ("\n".join([lines[0], *(body * (rows // len(body) + 1))[: len(body)]]) + "\n").encode()


def _received(worker) -> bool:
    with open(worker.log_path, encoding="utf-8") as log:
        return "received" in log.read()


def _kill_mid_task(worker, table: str, send) -> None:
    """Block the task's writes, send it, kill the worker once it holds the task, unblock."""
    with writes_blocked(table):
        send()
        assert _wait(lambda: _received(worker), 60)
        time.sleep(1.5)  # the task is now waiting on the lock, in the middle of its work
        os.killpg(os.getpgid(worker.pid), signal.SIGKILL)
        worker.wait(10)


def test_a_worker_killed_during_an_upload_finishes_it_after_restart_without_duplicates(broker):
    user = _framework()
    data = _big_file(110)
    upload = upload_create(user=user, name="big.csv", data=data, dry_run=False, language="en")
    with celery_worker(broker.url, extra_env=FAST_REDELIVERY, queue="faults") as worker:
        _kill_mid_task(worker, "indicators_observation", lambda: upload_process_task.delay(upload.pk))
    assert not Upload.objects.get(pk=upload.pk).finished
    assert not Observation.objects.filter(year=2023, status="submitted").exists()  # nothing half-written
    with celery_worker(broker.url, extra_env=FAST_REDELIVERY, queue="faults"):  # the same queue again
        assert _wait(lambda: Upload.objects.get(pk=upload.pk).finished, 120)
    upload.refresh_from_db()
    assert upload.status == "done", (upload.message, upload.errors[:3])
    written = Observation.objects.filter(year=2023, status="submitted")
    assert written.count() == upload.created == len(data.decode().strip().splitlines()) - 1
    keys = list(written.values_list("part_id", "country_id"))
    assert len(keys) == len(set(keys))


def test_a_worker_killed_during_a_recompute_finishes_it_after_restart(broker):
    _framework()
    progress_recompute()
    before = RecomputeRun.objects.filter(status="done").count()
    with celery_worker(broker.url, extra_env=FAST_REDELIVERY, queue="faults") as worker:
        _kill_mid_task(worker, "progress_partrating", lambda: ratings_recompute.delay())
    assert RecomputeRun.objects.filter(status="done").count() == before
    assert PartRating.objects.exists()  # the old results are intact
    with celery_worker(broker.url, extra_env=FAST_REDELIVERY, queue="faults"):
        assert _wait(lambda: RecomputeRun.objects.filter(status="done").count() > before, 120)


def test_approvals_while_redis_is_down_are_saved_and_recomputed_when_it_is_back(broker):
    from decimal import Decimal

    from indicators.models import ReportingYear
    from workflow.services import observation_approve

    _framework()
    progress_recompute()
    reviewer = factories.focal_point("trp-fp", "TRP")
    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    factories.open_year(2022)
    submitted = Observation.objects.create(
        part=road, year=2022, value_type="number", value_number=Decimal("25"), status="submitted"
    )
    with celery_worker(broker.url):
        broker.stop()
        observation_approve(user=reviewer, observation=submitted)  # the broker is down
        assert Observation.objects.get(pk=submitted.pk).status == "approved"
        assert RecomputeRequest.objects.count() == 1
        ReportingYear.objects.filter(year=2022).update(status="published")  # ratings show published years
        broker.start()
        ratings_recompute_pending.delay()  # what beat sends every minute
        assert _wait(lambda: not RecomputeRequest.objects.exists(), 90)
    assert PartRating.objects.get(part=road, as_of=2023).rating == "worsening"
