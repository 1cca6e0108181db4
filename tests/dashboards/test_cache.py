"""Public pages are cached whole; a finished recompute clears them."""

import pytest
from django.core.cache import caches
from django.utils import timezone

from indicators.models import Observation
from progress.services import progress_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    """The pages cache switched on (tests run with it off, see carec_prf/settings/test.py)."""
    settings.CACHES = settings.CACHES | {
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dashboards-tests"}
    }
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


def test_a_cached_page_is_served_without_a_query(rated, client, page_cache, django_assert_num_queries):
    first = client.get("/en/sectors/TRD/?year=2021")
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/en/sectors/TRD/?year=2021")
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_each_language_and_query_string_has_its_own_entry(rated, client, page_cache):
    client.get("/en/sectors/TRD/?year=2021")
    assert client.get("/ru/sectors/TRD/?year=2021")["X-Page-Cache"] == "miss"
    assert client.get("/en/sectors/TRD/?year=2022")["X-Page-Cache"] == "miss"
    assert 'lang="ru"' in client.get("/ru/sectors/TRD/?year=2021").content.decode()


def test_a_finished_recompute_clears_the_cache(rated, client, page_cache):
    assert "0.55" in client.get("/en/indicators/TRD-OC-1/?year=2021").content.decode()
    Observation.objects.filter(part__code="FUEL_CAREC", year=2020, country__isnull=True).update(value_number="0.77")
    assert client.get("/en/indicators/TRD-OC-1/?year=2021")["X-Page-Cache"] == "hit"  # until the recompute
    progress_recompute()
    response = client.get("/en/indicators/TRD-OC-1/?year=2021")
    assert response["X-Page-Cache"] == "miss"
    assert "0.77" in response.content.decode()


def test_a_missing_page_is_not_cached(rated, client, page_cache):
    assert client.get("/en/sectors/NOPE/").status_code == 404
    assert "X-Page-Cache" not in client.get("/en/sectors/NOPE/")


def test_downloads_and_the_translation_status_are_not_cached(rated, client, page_cache):
    assert "X-Page-Cache" not in client.get("/en/indicators/TRD-OC-1/FUEL_CAREC/series.csv")
    assert "X-Page-Cache" not in client.get("/en/translations/")


def test_signed_in_readers_get_fresh_pages(rated, client, page_cache, admin_client_user):
    client.force_login(admin_client_user)
    assert "X-Page-Cache" not in client.get("/en/sectors/TRD/")
    assert "X-Page-Cache" not in client.get("/en/sectors/TRD/")


def test_a_cached_feed_answers_with_its_etag_without_a_query_until_the_data_change(
    rated, client, page_cache, django_assert_num_queries
):
    url = "/api/v1/observations/?indicator=TRD+OC+1&page_size=100"
    first = client.get(url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):  # the data version too comes from the cache
        second = client.get(url)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second["X-Page-Cache"] == "hit" and second["ETag"] == first["ETag"]
    assert not_modified.status_code == 304
    Observation.objects.filter(status="approved", part__indicator__code="TRD OC 1").update(
        value_number=1, updated_at=timezone.now()
    )
    progress_recompute()  # what follows an approval: the cache is cleared, the version read again
    third = client.get(url)
    assert third["X-Page-Cache"] == "miss" and third["ETag"] != first["ETag"]
