"""With a real Celery worker and the Redis broker: approving a value changes the rating once its
year is published (ratings are made of what the public may see)."""

import time
from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import IndicatorPart, Observation
from progress.models import PartRating
from progress.services import progress_recompute
from tests import factories
from tests.worker import celery_worker, redis_broker
from workflow.services import observation_approve, reporting_year_set

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _wait_for(check, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def test_approving_a_value_recomputes_its_rating_on_the_worker():
    call_command("load_framework", verbosity=0)  # transactional tests start from an empty database
    progress_recompute()
    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    assert PartRating.objects.get(part=road, as_of=2023).rating == "improving"
    factories.open_year(2022)
    reviewer = factories.focal_point("trp-focal", "TRP")
    # given a submitted 2022 border crossing time worse than the 2017 baseline (16.9 h)
    submitted = Observation.objects.create(
        part=road, year=2022, country=None, value_type="number", value_number=Decimal("25.0"), status="submitted"
    )
    secretariat = factories.user("sec", groups=("secretariat",))
    with redis_broker() as broker, celery_worker(broker):
        # when a reviewer approves it, and the secretariat publishes the year
        observation_approve(user=reviewer, observation=submitted)
        reporting_year_set(user=secretariat, year=2022, status="published")
        # then the worker recomputes the part: g = -(25 - 16.9) / (16.9 * 5) < 0 -> Worsening
        assert _wait_for(lambda: PartRating.objects.get(part=road, as_of=2023).rating == "worsening")
    rating = PartRating.objects.get(part=road, as_of=2023)
    assert rating.latest_year == 2022
    assert rating.growth == pytest.approx(-(25 - 16.9) / (16.9 * 5))
