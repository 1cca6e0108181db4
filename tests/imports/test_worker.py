"""An upload processed by a real Celery worker through the Redis broker."""

import time

import pytest
from django.core.management import call_command

from imports.models import Upload
from imports.services import upload_create
from imports.tasks import upload_process_task
from indicators.models import Observation
from tests import factories
from tests.worker import celery_worker, redis_broker
from workflow.models import Role

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_an_upload_is_processed_on_the_worker():
    call_command("load_framework", verbosity=0)
    factories.open_year(2023)
    user = factories.user("sec", groups=(Role.SECRETARIAT,))
    data = (
        b"indicator,part,country,year,value\n"
        b"TRP OP 1,ROAD_BCP_TIME,CAREC,2023,13.1\n"
        b"TRP OP 1,RAIL_BCP_TIME,CAREC,2023,n/a\n"
    )
    upload = upload_create(user=user, name="v.csv", data=data, dry_run=False, language="en")
    with redis_broker() as broker, celery_worker(broker):
        upload_process_task.delay(upload.pk)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Upload.objects.get(pk=upload.pk).finished:
            time.sleep(0.25)
    upload.refresh_from_db()
    assert upload.status == "done", (upload.message, upload.errors)
    assert (upload.created, upload.rows_validated) == (2, 2)
    assert Observation.objects.filter(year=2023, status="submitted", part__indicator__code="TRP OP 1").count() == 2
