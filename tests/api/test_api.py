"""The REST API: languages, filters, constant query counts, the same rights as the pages for
writes, the schema and its documentation served locally."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from indicators.models import Observation
from progress.services import progress_recompute
from tests import factories
from workflow.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    return APIClient()


def test_indicators_in_the_requested_language(anon):
    ru = anon.get("/api/v1/indicators/TRP-OP-1/", {"lang": "ru"}).json()
    assert ru["code"] == "TRP OP 1" and "границ" in ru["statement"]
    zh = anon.get("/api/v1/indicators/TRP-OP-1/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh["statement"])
    both = anon.get("/api/v1/indicators/TRP-OP-1/", {"lang": "all"}).json()
    assert set(both["statement"]) == {"en", "zh-hans", "ru"}
    assert both["parts"][0]["code"] == "ROAD_BCP_TIME"


def test_an_unknown_language_is_a_clear_400(anon):
    response = anon.get("/api/v1/sectors/", {"lang": "fr"})
    assert response.status_code == 400 and "Unknown language" in response.json()["lang"]


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        ("/api/v1/sectors/", {"cluster": "C2"}, {"TRD", "TSM", "ECD"}),
        ("/api/v1/indicators/", {"sector": "TRP"}, {"TRP OC 1", "TRP OP 1", "TRP OP 2"}),
        ("/api/v1/results/", {"sector": "EFS", "level": "output"}, {"EFS OP 1", "EFS OP 2"}),
    ],
)
def test_filters(anon, path, params, expected):
    assert {row["code"] for row in anon.get(path, params).json()["results"]} == expected


def test_observations_filter_by_indicator_country_and_year(anon):
    rows = anon.get("/api/v1/observations/", {"indicator": "TRD OC 1.4", "country": "GEO", "year": 2021}).json()
    assert [(r["country"], r["year"], r["value"]) for r in rows["results"]] == [("GEO", 2021, 10.6)]
    region = anon.get("/api/v1/observations/", {"indicator": "TRP OP 1", "country": "CAREC"}).json()["results"]
    assert [(r["year"], r["value"]) for r in region] == [(2020, 15.1), (2021, 13.6)]


def test_baselines_with_revisions(anon):
    rows = anon.get("/api/v1/baselines/", {"indicator": "TRD OC 1", "part": "FUEL_WORLD"}).json()["results"]
    assert [(r["year"], r["value"], r["is_current"]) for r in rows] == [(2017, 31.52, True), (2016, 9.59, False)]


def test_ratings_by_year(anon):
    progress_recompute()
    rows = anon.get("/api/v1/part-ratings/", {"indicator": "TRD OC 1", "part": "FUEL_CAREC", "year": 2021}).json()
    assert rows["results"][0]["rating"] == "off_track"
    assert anon.get("/api/v1/ratings/", {"year": 2022, "sector": "TRP"}).json()["count"] == 3


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/indicators/",
        "/api/v1/observations/",
        "/api/v1/baselines/",
        "/api/v1/milestones/",
        "/api/v1/part-ratings/",
        "/api/v1/aggregates/",
    ],
)
def test_list_endpoints_cost_the_same_whatever_the_page_size(anon, path):
    progress_recompute()
    assert anon.get(path, {"page_size": 5}).status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        anon.get(path, {"page_size": 5})
    with CaptureQueriesContext(connection) as many:
        anon.get(path, {"page_size": 500})
    assert len(many.captured_queries) == len(few.captured_queries) <= 8


def test_anonymous_visitors_see_only_published_values(anon):
    factories.open_year(2023)
    sec = factories.user("sec", groups=(Role.SECRETARIAT,))
    client = APIClient()
    client.force_authenticate(sec)
    created = client.post(
        "/api/v1/observations/",
        {"indicator": "TRP OP 1", "part": "ROAD_BCP_TIME", "country": "CAREC", "year": 2023, "value": 12.9},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert anon.get(f"/api/v1/observations/{created.json()['id']}/").status_code == 404
    assert client.get(f"/api/v1/observations/{created.json()['id']}/").json()["status"] == "draft"


# --- writes: the permission matrix --------------------------------------------------------


@pytest.fixture
def people(db):
    factories.open_year(2023)
    return {
        "secretariat": factories.user("sec", groups=(Role.SECRETARIAT,)),
        "focal": factories.focal_point("trp-fp", "TRP"),
        "other_focal": factories.focal_point("trd-fp", "TRD"),
        "viewer": factories.user("official", groups=(Role.VIEWER,)),
    }


def as_user(user):
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


NEW = {"indicator": "TRP OP 1", "part": "ROAD_BCP_TIME", "country": "CAREC", "year": 2023, "value": 12.9}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("secretariat", 201), ("focal", 201), ("other_focal", 403), ("viewer", 403), (None, 401)],
)
def test_who_may_enter_a_value(people, role, expected):
    response = as_user(people.get(role)).post("/api/v1/observations/", NEW, format="json")
    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    ("role", "expected"), [("secretariat", 403), ("focal", 200), ("other_focal", 404), ("viewer", 404), (None, 401)]
)
def test_who_may_approve(people, role, expected):
    sec = as_user(people["secretariat"])
    pk = sec.post("/api/v1/observations/", NEW, format="json").json()["id"]
    assert sec.post(f"/api/v1/observations/{pk}/submit/").status_code == 200
    response = as_user(people.get(role)).post(f"/api/v1/observations/{pk}/approve/")
    assert response.status_code == expected, response.content
    assert (Observation.objects.get(pk=pk).status == "approved") == (expected == 200)


@pytest.mark.parametrize(("role", "expected"), [("focal", 200), ("secretariat", 403), ("other_focal", 404)])
def test_who_may_return(people, role, expected):
    sec = as_user(people["secretariat"])
    pk = sec.post("/api/v1/observations/", NEW, format="json").json()["id"]
    sec.post(f"/api/v1/observations/{pk}/submit/")
    response = as_user(people[role]).post(f"/api/v1/observations/{pk}/return/", {"comment": "check"}, format="json")
    assert response.status_code == expected


def test_returning_without_a_comment_is_a_400_with_the_reason(people):
    sec = as_user(people["secretariat"])
    pk = sec.post("/api/v1/observations/", NEW, format="json").json()["id"]
    sec.post(f"/api/v1/observations/{pk}/submit/")
    response = as_user(people["focal"]).post(f"/api/v1/observations/{pk}/return/", {}, format="json")
    assert response.status_code == 400 and "comment is required" in str(response.json())


def test_a_stale_version_is_a_400_conflict(people):
    sec = as_user(people["secretariat"])
    first = sec.post("/api/v1/observations/", NEW, format="json").json()
    sec.post("/api/v1/observations/", NEW | {"value": 13.0, "version": first["version"]}, format="json")
    stale = sec.post("/api/v1/observations/", NEW | {"value": 14.0, "version": first["version"]}, format="json")
    assert stale.status_code == 400 and "changed this value" in str(stale.json())


def test_a_value_of_the_wrong_type_is_a_400(people):
    response = as_user(people["secretariat"]).post("/api/v1/observations/", NEW | {"value": "fast"}, format="json")
    assert response.status_code == 400 and "is not a number" in str(response.json())


def test_anonymous_clients_are_throttled(anon, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    cache.clear()
    codes = [anon.get("/api/v1/frameworks/").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[-1] == 429


def test_schema_and_documentation_are_served_without_a_cdn(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/observations/{id}/approve/" in schema["paths"]
    docs = anon.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "swagger-ui" in docs
    redoc = anon.get("/api/redoc/").content.decode()
    assert "cdn" not in redoc.lower()


def test_editions_published_for_everyone_drafts_for_the_secretariat(anon):
    from django.core.management import call_command

    progress_recompute()
    call_command("load_demo_editions", verbosity=0, no_files=True)
    public = {e["code"]: e["status"] for e in anon.get("/api/v1/editions/").json()["results"]}
    assert public == {"2021": "published"}
    sec = APIClient()
    sec.force_authenticate(factories.user("sec", groups=(Role.SECRETARIAT,)))
    assert {e["code"] for e in sec.get("/api/v1/editions/").json()["results"]} >= {"2021", "2024"}
    edition = anon.get("/api/v1/editions/2021/", {"lang": "all"}).json()
    assert edition["cut_off"] == 2020 and set(edition["title"]) == {"en", "zh-hans", "ru"}
