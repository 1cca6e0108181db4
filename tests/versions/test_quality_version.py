"""The data-quality check for outdated values follows the version: a part a revision retired
before the next edition is not expected in it, so its old values raise no warning."""

import pytest

from progress.models import QualityWarning
from progress.quality import quality_run
from tests import factories
from tests.versions.test_revision import _draft, _endorse, framework, secretariat  # noqa: F401
from tests.versions.test_series import _load, _regional

pytestmark = pytest.mark.django_db


def test_a_retired_part_is_not_outdated_for_an_edition_after_it(secretariat, framework):  # noqa: F811
    _load(_regional("TRP OC 1", "ROAD_SWD", {2019: 21.5}), _regional("TRP OC 1", "ROAD_SWOD", {2019: 40.0}))
    factories.open_year(2027)  # the next edition reports on 2027
    quality_run()
    outdated = lambda: set(  # noqa: E731
        QualityWarning.objects.filter(kind="outdated", part__indicator__code="TRP OC 1").values_list(
            "part__code", flat=True
        )
    )
    assert {"ROAD_SWD", "ROAD_SWOD"} <= outdated()

    _endorse(secretariat, _draft(secretariat, framework))  # splits ROAD_SWD from 2027
    quality_run()
    assert "ROAD_SWD" not in outdated() and "ROAD_SWOD" in outdated()
