"""Two recomputations at the same time: both finish, and the results are those of one run."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from indicators.models import Indicator, IndicatorPart
from progress.models import IndicatorRating, PartRating, RecomputeRun
from progress.services import progress_recompute

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_concurrent_recomputes_never_leave_duplicates_or_half_results():
    call_command("load_framework", verbosity=0)
    progress_recompute()
    expected = sorted(PartRating.objects.values_list("part_id", "as_of", "rating"))
    errors = []

    def run(part_ids):
        try:
            progress_recompute(part_ids=part_ids)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    road = IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")
    threads = [threading.Thread(target=run, args=(None,)), threading.Thread(target=run, args=([road.pk],))]
    threads += [threading.Thread(target=run, args=(None,))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert sorted(PartRating.objects.values_list("part_id", "as_of", "rating")) == expected
    years = len({as_of for _part, as_of, _rating in expected})
    assert IndicatorRating.objects.count() == Indicator.objects.count() * years
    assert RecomputeRun.objects.filter(status="done").count() == 4
