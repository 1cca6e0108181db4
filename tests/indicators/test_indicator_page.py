"""The indicator page explains each rating with the numbers behind it, in each language, in a
fixed number of queries."""

import pytest
from django.urls import reverse
from django.utils import translation

from progress.services import progress_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated():
    progress_recompute()


def _get(client, language: str, slug: str, **params):
    with translation.override(language):
        url = reverse("indicator_detail", args=[slug])
    return client.get(url, params)


def test_the_rating_is_explained_with_its_numbers(client, rated):
    html = _get(client, "en", "TRD-OC-1", year=2021).content.decode()
    assert "Off track" in html  # fuel trade within CAREC: R = 0.389
    assert "R = (0.55 − 0.48) / |0.66 − 0.48| = 0.389" in html
    assert "The baseline was revised" in html


@pytest.mark.parametrize(("language", "label"), [("en", "Improving"), ("zh-hans", "持续改善"), ("ru", "Улучшение")])
def test_the_explanation_reads_in_each_language(client, rated, language, label):
    response = _get(client, language, "TRP-OP-1", year=2022)
    html = response.content.decode()
    assert label in html
    assert "16.9" in html.replace(",", ".")  # the baseline behind the annual change


def test_a_lower_is_better_ratio_shows_its_sign(client, rated):
    html = _get(client, "en", "TRD-OP-1", year=2021).content.decode()
    assert "R = −(60.39 − 61.66)" in html


def test_unknown_indicator_is_a_404(client, rated):
    assert _get(client, "en", "XYZ-OC-9").status_code == 404


def test_a_year_outside_the_ratings_falls_back_to_the_latest(client, rated):
    assert _get(client, "en", "TRD-OC-1", year=1990).status_code == 200
    assert _get(client, "en", "TRD-OC-1", year="abc").status_code == 200


def test_query_count_does_not_grow_with_the_parts(client, rated, django_assert_num_queries):
    with django_assert_num_queries(16) as one_part:
        _get(client, "en", "TRD-OP-2")
    with django_assert_num_queries(len(one_part.captured_queries)):
        _get(client, "en", "TRP-OP-2")  # ten parts
