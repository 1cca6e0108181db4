"""The edge cases of issue #18 through the database: the recompute rates a censored value at the
worst case its unit allows and a ratio on a threshold as the threshold says, and the indicator
page explains both with the numbers used."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from indicators.models import IndicatorPart, Observation
from progress.models import PartRating
from progress.services import progress_recompute, rating_method_default

pytestmark = pytest.mark.django_db


def fuel_2020(**change):
    """TRD OC 1 fuel trade within CAREC (% of GDP, plausible 0-400, higher is better):
    B 0.48 (2017), 0.84 by 2023, the region's 0.55 in 2020."""
    fuel = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_CAREC")
    assert Observation.objects.filter(part=fuel, year=2020, country=None).update(**change) == 1
    progress_recompute(part_ids=[fuel.pk])
    return PartRating.objects.get(part=fuel, as_of=2021, method=rating_method_default())


def page(client) -> str:
    with translation.override("en"):
        url = reverse("indicator_detail", args=["TRD-OC-1"])
    return client.get(url, {"year": 2021}).content.decode()


def test_a_ratio_on_the_threshold_is_rated_and_explained_as_the_threshold_says(client):
    # 0.588 in 2020: E_2020 = 0.48 + 0.36 * 3 / 6 = 0.66; R = 0.108 / 0.18 = 0.6 -> For attention
    rating = fuel_2020(value_number=Decimal("0.588"))
    assert (rating.rating, rating.ratio) == ("for_attention", 0.6)
    assert "R = (0.588 − 0.48) / |0.66 − 0.48| = 0.6." in page(client)


def test_a_censored_value_is_rated_at_its_worst_case_and_the_page_says_so(client):
    # "<0.55" where higher is better: as low as the unit's 0. R = (0 - 0.48) / 0.18 = -2.667 -> Regressing
    rating = fuel_2020(qualifier="<")
    assert rating.rating == "regressing"
    assert rating.ratio == pytest.approx(-0.48 / 0.18)
    assert (rating.actual, rating.actual_qualifier) == (0.55, "<")  # the printed value is kept
    html = page(client)
    assert "may be as low as 0, the lowest plausible value of its unit" in html
    assert "R = (0 − 0.48) / |0.66 − 0.48| = -2.667." in html
