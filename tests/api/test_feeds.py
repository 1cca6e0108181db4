"""Feeds that Power BI, Excel and scripts poll: no redirects, `updated_since`, ETag and
Last-Modified with 304 answers, and a CSV whose column order is stated once and documented."""

import csv
import datetime
import io
import re
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import timezone
from rest_framework.test import APIClient

from indicators.models import Indicator, IndicatorPart, Observation
from progress.models import IndicatorRating, PartRating, RegionalValue
from progress.services import progress_recompute
from reports import opendata
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]

# Every data URL: the API's lists (and a detail), and the open-data files.
FEEDS = [
    "/api/v1/observations",
    "/api/v1/aggregates",
    "/api/v1/part-ratings",
    "/api/v1/ratings",
    "/api/v1/data/observations.csv",
    "/api/v1/data/observations.json",
    "/api/v1/data/observations.xlsx",
    "/api/v1/data/datapackage.json",
    "/api/v1/data/sdmx/data.csv",
    "/api/v1/data/sdmx/data.json",
    "/api/v1/data/sdmx/structure.xml",
]
OTHER_LISTS = [
    "/api/v1/frameworks",
    "/api/v1/clusters",
    "/api/v1/sectors",
    "/api/v1/results",
    "/api/v1/countries",
    "/api/v1/indicators",
    "/api/v1/baselines",
    "/api/v1/milestones",
    "/api/v1/rating-methods",
    "/api/v1/editions",
]
LISTS_WITH_SINCE = ["/api/v1/observations", "/api/v1/aggregates", "/api/v1/part-ratings", "/api/v1/ratings"]


@pytest.fixture(autouse=True)
def _no_throttle_carry_over():
    caches["default"].clear()  # the anonymous throttle counts in the default cache
    yield


@pytest.fixture
def anon():
    return APIClient()


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _road() -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code="TRP OP 1", code="ROAD_BCP_TIME")


def _a_moment_passes() -> datetime.datetime:
    """A moment strictly between what was written before and what is written after."""
    time.sleep(0.01)
    moment = timezone.now()
    time.sleep(0.01)
    return moment


@pytest.mark.parametrize("slash", ["", "/"])
@pytest.mark.parametrize("url", FEEDS + OTHER_LISTS)
def test_no_data_url_redirects_with_or_without_a_trailing_slash(anon, url, slash):
    response = anon.get(url + slash)
    assert response.status_code == 200, (url + slash, response.status_code, response.get("Location"))


def test_a_detail_url_answers_without_a_redirect(anon):
    progress_recompute()
    pk = Observation.objects.filter(status="approved").values_list("pk", flat=True).first()
    for url in (f"/api/v1/observations/{pk}", f"/api/v1/observations/{pk}/", "/api/v1/indicators/TRP-OP-1"):
        assert anon.get(url).status_code == 200, url


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_the_open_data_page_links_to_urls_that_do_not_redirect(client, anon, language):
    page = client.get(f"/{language}/data/")
    assert page.status_code == 200
    links = set(re.findall(r'href="(/api/[^"]+)"', page.content.decode()))
    assert len(links) >= 7
    for link in links:
        assert anon.get(link).status_code == 200, link
    # the address to paste into Excel or Power BI is absolute and answers as it is
    pasted = re.search(r'<code class="feed-url">(http[^<]+)</code>', page.content.decode()).group(1)
    assert anon.get(pasted.replace("http://testserver", "")).status_code == 200


@pytest.mark.parametrize("url", FEEDS)
def test_a_repeated_request_is_answered_304_by_etag_and_by_last_modified(anon, url):
    first = anon.get(url)
    _body(first)
    assert first.status_code == 200 and first["ETag"].startswith('"') and first["Last-Modified"]
    by_etag = anon.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert by_etag.status_code == 304 and by_etag["ETag"] == first["ETag"]
    assert anon.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert anon.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_etag_depends_on_the_query_and_the_language(anon):
    plain = anon.get("/api/v1/observations")["ETag"]
    assert anon.get("/api/v1/observations?year=2021")["ETag"] != plain
    assert anon.get("/api/v1/observations", HTTP_ACCEPT_LANGUAGE="ru")["ETag"] != plain


def test_a_change_to_one_value_changes_the_etag_and_last_modified(anon):
    progress_recompute()
    before = {url: anon.get(url) for url in ("/api/v1/observations", "/api/v1/data/observations.csv")}
    aggregates = anon.get("/api/v1/aggregates")["ETag"]
    _a_moment_passes()
    changed = Observation.objects.get(part=_road(), year=2021, country=None, status="approved")
    Observation.objects.filter(pk=changed.pk).update(value_number=Decimal("14.2"), updated_at=timezone.now())
    for url, response in before.items():
        after = anon.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert after.status_code == 200 and after["ETag"] != response["ETag"], url
    assert anon.get("/api/v1/aggregates")["ETag"] == aggregates  # not recomputed yet: nothing changed there
    progress_recompute(part_ids=[_road().pk])
    assert anon.get("/api/v1/aggregates", HTTP_IF_NONE_MATCH=aggregates).status_code == 200


def test_a_recompute_that_changes_nothing_keeps_the_etag_and_every_timestamp(anon):
    progress_recompute()
    etags = {url: anon.get(url)["ETag"] for url in LISTS_WITH_SINCE[1:]}
    stamps = {m: sorted(m.objects.values_list("pk", "updated_at")) for m in (RegionalValue, PartRating)}
    stamps = {m: {t for _pk, t in rows} for m, rows in stamps.items()}
    progress_recompute()
    progress_recompute(part_ids=[_road().pk])
    for url, etag in etags.items():
        assert anon.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url
    for model, before in stamps.items():
        assert set(model.objects.values_list("updated_at", flat=True)) == before


def _content(model, key):
    skip = {"id", "updated_at"}
    return {
        tuple(row[k] for k in key): {k: v for k, v in row.items() if k not in skip} for row in model.objects.values()
    }


def _all(anon, url, **params):
    response = anon.get(url, {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["next"] is None
    return body["results"]


def test_updated_since_returns_exactly_the_rows_changed_after_it(anon, django_capture_on_commit_callbacks):
    """One value is revised, approved and recomputed: only the observation, the regional values
    and the ratings it moved come back."""
    reviewer = factories.focal_point("feeds-trp", "TRP")
    factories.open_year(2022)
    progress_recompute()
    road = _road()
    submitted = Observation.objects.create(
        part=road, year=2022, value_type="number", value_number=Decimal("25.0"), status="submitted"
    )
    keys = {
        RegionalValue: ("part_id", "year"),
        PartRating: ("method_id", "part_id", "as_of"),
        IndicatorRating: ("method_id", "indicator_id", "as_of"),
    }
    before = {model: _content(model, key) for model, key in keys.items()}
    since = _a_moment_passes()
    with django_capture_on_commit_callbacks(execute=True):
        from workflow.services import observation_approve

        observation_approve(user=reviewer, observation=submitted)  # its recompute runs on commit

    # the observation: a viewer reads every approved value, so exactly the approved one comes back
    viewer = APIClient()
    viewer.force_authenticate(factories.user("feeds-viewer", groups=("viewer",)))
    rows = _all(viewer, "/api/v1/observations", updated_since=since.isoformat())
    assert [r["id"] for r in rows] == [submitted.pk]
    # the public does not see an open year: nothing of it has changed for them
    assert _all(anon, "/api/v1/observations", updated_since=since.isoformat()) == []

    # computed results: exactly the rows whose content the recompute changed (2022 is not
    # published, so only what the approval itself moved; publish it to move more)
    secretariat = factories.user("feeds-sec", groups=("secretariat",))
    from workflow.services import reporting_year_set

    with django_capture_on_commit_callbacks(execute=True):
        reporting_year_set(user=secretariat, year=2022, status="published")
    after = {model: _content(model, key) for model, key in keys.items()}
    changed = {model: {k for k, row in after[model].items() if before[model].get(k) != row} for model in keys}
    assert (road.pk, 2022) in changed[RegionalValue] and len(changed[RegionalValue]) < len(after[RegionalValue])
    assert changed[PartRating] and len(changed[PartRating]) < len(after[PartRating])
    assert changed[IndicatorRating]
    parts = dict(IndicatorPart.objects.values_list("pk", "code"))
    got = {
        "/api/v1/aggregates": {(r["part"], r["year"]) for r in _all(anon, "/api/v1/aggregates", updated_since=since)},
        "/api/v1/part-ratings": {
            (r["part"], r["as_of"]) for r in _all(anon, "/api/v1/part-ratings", updated_since=since)
        },
        "/api/v1/ratings": {(r["indicator"], r["as_of"]) for r in _all(anon, "/api/v1/ratings", updated_since=since)},
    }
    assert got["/api/v1/aggregates"] == {(parts[p], y) for p, y in changed[RegionalValue]}
    assert got["/api/v1/part-ratings"] == {(parts[p], a) for _m, p, a in changed[PartRating]}
    indicators = dict(Indicator.objects.values_list("pk", "code"))
    assert got["/api/v1/ratings"] == {(indicators[i], a) for _m, i, a in changed[IndicatorRating]}
    assert ("TRP OP 1", 2023) in got["/api/v1/ratings"] and len(changed[IndicatorRating]) < len(after[IndicatorRating])

    # published now: for the public, the values of 2022 are what changed
    public_2022 = set(Observation.objects.public().filter(year=2022).values_list("pk", flat=True))
    assert submitted.pk in public_2022
    assert {r["id"] for r in _all(anon, "/api/v1/observations", updated_since=since)} == public_2022
    # and the CSV takes updated_since too
    text = _body(anon.get("/api/v1/data/observations.csv", {"updated_since": since.isoformat()})).decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(text)))) == len(public_2022)


def test_a_revision_approved_brings_back_the_value_it_supersedes_to_the_secretariat(
    django_capture_on_commit_callbacks,
):
    from workflow.services import observation_approve

    reviewer = factories.focal_point("feeds-trp2", "TRP")
    factories.open_year(2022)
    road = _road()
    first = Observation.objects.create(
        part=road, year=2022, value_type="number", value_number=Decimal("25.0"), status="submitted"
    )
    with django_capture_on_commit_callbacks(execute=True):
        observation_approve(user=reviewer, observation=first)
    revision = Observation.objects.create(
        part=road, year=2022, value_type="number", value_number=Decimal("24.0"), status="submitted", version=2
    )
    since = _a_moment_passes()
    with django_capture_on_commit_callbacks(execute=True):
        observation_approve(user=reviewer, observation=revision)
    secretariat = APIClient()
    secretariat.force_authenticate(factories.user("feeds-sec2", groups=("secretariat",)))
    rows = _all(secretariat, "/api/v1/observations", updated_since=since.isoformat())
    assert {(r["id"], r["status"]) for r in rows} == {(first.pk, "superseded"), (revision.pk, "approved")}


@pytest.mark.parametrize(
    "value", ["2025-01-31", "2025-01-31T14:30:00", "2025-01-31T14:30:00Z", "2025-01-31T14:30:00+05:00"]
)
def test_updated_since_takes_dates_and_times_with_or_without_a_timezone(anon, value):
    assert anon.get("/api/v1/part-ratings", {"updated_since": value}).status_code == 200


def test_an_offset_whose_plus_became_a_space_in_the_url_still_reads(anon):
    assert anon.get("/api/v1/aggregates?updated_since=2025-01-31T14:30:00+05:00").status_code == 200


@pytest.mark.parametrize("url", [*LISTS_WITH_SINCE, "/api/v1/data/observations.csv", "/api/v1/data/observations.json"])
def test_a_bad_updated_since_is_a_400_naming_the_parameter_and_an_example(anon, url):
    response = anon.get(url, {"updated_since": "last tuesday"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    message = response.json()["updated_since"][0]
    assert "last tuesday" in message and "updated_since" in message and "2025-01-31" in message


@pytest.mark.parametrize(
    "url, model, queries",
    [
        ("/api/v1/observations", Observation, 5),  # and the sets of countries, the framework versions
        ("/api/v1/aggregates", RegionalValue, 3),
        ("/api/v1/part-ratings", PartRating, 3),
        ("/api/v1/ratings", IndicatorRating, 3),
    ],
)
def test_lists_with_updated_since_use_a_fixed_number_of_queries(anon, url, model, queries, django_assert_num_queries):
    progress_recompute()
    later = timezone.now() + datetime.timedelta(days=1)
    rows = model.objects.filter(status="approved") if model is Observation else model.objects.all()
    model.objects.filter(pk=rows.order_by("pk")[0].pk).update(updated_at=later)
    counts = {}
    for since in ((later - datetime.timedelta(hours=1)).isoformat(), "2000-01-01"):
        # the data version, the count, the page
        with django_assert_num_queries(queries) as captured:
            response = anon.get(url, {"updated_since": since, "page_size": 1000})
        assert response.status_code == 200
        counts[len(response.json()["results"])] = len(captured)
    assert 1 in counts and len(counts) == 2  # one row, then many, in the same number of queries


def test_the_csv_column_order_is_pinned():
    expected = [
        "indicator",
        "indicator_name",
        "part",
        "part_name",
        "country",
        "country_name",
        "year",
        "value",
        "qualifier",
        "availability",
        "unit",
        "kind",
        "status",
        "source",
        "note",
    ]
    assert expected == opendata.COLUMNS


def test_every_file_and_the_data_package_follow_the_stated_order(anon):
    header = next(csv.reader(io.StringIO(_body(anon.get("/api/v1/data/observations.csv")).decode("utf-8-sig"))))
    assert header == opendata.COLUMNS
    package = anon.get("/api/v1/data/datapackage.json").json()
    assert [f["name"] for f in package["resources"][0]["schema"]["fields"]] == opendata.COLUMNS


def test_the_readme_documents_the_columns_as_stated():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- opendata-columns:start -->\n", 1)[1].split("\n<!-- opendata-columns:end -->", 1)[0]
    assert block == opendata.columns_markdown(), (
        "README's column table is out of date; replace it with:\n" + opendata.columns_markdown()
    )


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_the_open_data_page_shows_the_columns_and_how_to_connect(client, language):
    html = client.get(f"/{language}/data/").content.decode()
    positions = [html.index(f"<code>{name}</code>") for name in opendata.COLUMNS]
    assert positions == sorted(positions)
    assert "Web.Contents(" in html and "pd.read_csv(" in html
    assert f"&quot;Accept-Language&quot; = &quot;{language}&quot;" in html


@pytest.mark.parametrize(
    "moment", ["0021-11-21T12:13:00.749-19:53", "0001-01-01T00:00:00+05:00", "2025-01-31T10:00+23:59"]
)
def test_any_offset_iso_8601_allows_is_read_not_only_those_the_database_takes(client, moment):
    from urllib.parse import quote

    for path in ("/api/v1/ratings/", "/api/v1/observations/", "/api/v1/aggregates/"):
        assert client.get(f"{path}?updated_since={quote(moment)}").status_code == 200, path
