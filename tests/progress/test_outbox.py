"""Approvals never lose their recompute: it is stored with the approval, queued after commit,
and served by the beat task if the broker was down."""

from decimal import Decimal

import pytest

from indicators.models import IndicatorPart, Observation, ReportingYear
from progress.models import PartRating, RecomputeRequest
from progress.services import progress_recompute, recompute_pending
from tests import factories
from workflow.services import observation_approve

pytestmark = pytest.mark.django_db


def test_an_approval_when_the_broker_is_down_is_saved_and_recomputed_later(
    monkeypatch, django_capture_on_commit_callbacks
):
    from progress import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.ratings_recompute_pending, "delay", broker_down)
    progress_recompute()
    factories.open_year(2022)
    reviewer = factories.focal_point("trp-fp", "TRP")
    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    submitted = Observation.objects.create(
        part=road, year=2022, value_type="number", value_number=Decimal("25"), status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        observation_approve(user=reviewer, observation=submitted)  # no exception reaches the reviewer
    assert Observation.objects.get(pk=submitted.pk).status == "approved"
    assert RecomputeRequest.objects.count() == 1
    assert PartRating.objects.get(part=road, as_of=2023).rating == "improving"  # not yet recomputed
    ReportingYear.objects.filter(year=2022).update(status="published")  # ratings show published values
    assert recompute_pending() == 1  # the beat task, once the broker is back
    assert PartRating.objects.get(part=road, as_of=2023).rating == "worsening"
    assert not RecomputeRequest.objects.exists()
    assert recompute_pending() == 0


def test_pending_recomputes_are_scheduled_on_beat():
    from carec_prf.celery import app

    app.loader.import_default_modules()
    assert app.conf.beat_schedule["ratings-recompute-pending"]["task"] in app.tasks
