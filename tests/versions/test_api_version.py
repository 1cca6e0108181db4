"""The REST API carries the framework version: each observation names the version governing its
year, parts say the years they are measured, and ?version=<label> lists what a version measures.
The API reads versions through the app registry (workflow sits below versions); these tests hold
it to versions.selectors."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from rest_framework.test import APIClient

from tests import factories
from tests.versions.test_revision import _draft, _endorse, framework, secretariat  # noqa: F401
from versions.selectors import parts_in_force, version_in_force, versions_visible
from workflow.entry import Entry

pytestmark = pytest.mark.django_db

BORDER = ("TRP OP 1", "ROAD_BCP_TIME")  # a part the revision leaves alone


@pytest.fixture(autouse=True)
def _fresh_cache():
    caches["default"].clear()  # the feeds' memo: an endorsement clears it only on commit


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def sec_client(secretariat):  # noqa: F811
    client = APIClient()
    client.force_authenticate(secretariat)
    return client


@pytest.fixture
def border_values(secretariat):  # noqa: F811
    """Approved, published region values of a part the revision keeps, either side of 2027."""
    factories.approved_values(secretariat, [Entry(*BORDER, "CAREC", year, "12.5") for year in (2026, 2027)])


def _revised(secretariat, framework):  # noqa: F811
    version = _endorse(secretariat, _draft(secretariat, framework))
    caches["default"].clear()
    return version


def _observations(client, **params) -> list[dict]:
    response = client.get("/api/v1/observations/", {"page_size": 1000, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _border_versions(client) -> dict[int, str]:
    rows = _observations(client, indicator=BORDER[0], part=BORDER[1], country="CAREC", year_from=2026)
    return {row["year"]: row["framework_version"] for row in rows}


def _indicator_codes(client, version: str) -> set[str]:
    response = client.get("/api/v1/indicators/", {"version": version, "page_size": 1000})
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


def _part_codes(client, code: str, **params) -> dict[str, dict]:
    response = client.get(f"/api/v1/indicators/{code.replace(' ', '-')}/", params)
    assert response.status_code == 200, response.content
    return {part["code"]: part for part in response.json()["parts"]}


def test_before_a_revision_every_observation_is_of_the_first_version(anon, border_values):
    rows = _observations(anon)
    assert len(rows) > 10 and {row["framework_version"] for row in rows} == {"2020"}
    assert min(row["year"] for row in rows) <= 2020 and max(row["year"] for row in rows) == 2027
    # `version` still counts a value's edits, as writers send it back
    assert all(isinstance(row["version"], int) for row in rows)


def test_after_a_revision_each_observation_names_the_version_governing_its_year(
    anon,
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    border_values,
):
    assert _border_versions(anon) == {2026: "2020", 2027: "2020"}

    _revised(secretariat, framework)

    assert _border_versions(anon) == {2026: "2020", 2027: "2027"}
    for year, label in _border_versions(anon).items():
        assert version_in_force(framework, year).label == label
    assert {row["framework_version"] for row in _observations(anon, year_to=2026)} == {"2020"}


def test_a_draft_changes_no_observation_version(anon, secretariat, framework, border_values):  # noqa: F811
    _draft(secretariat, framework)
    assert _border_versions(anon) == {2026: "2020", 2027: "2020"}


def test_observations_cost_the_same_queries_for_one_row_and_many(
    anon,
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    border_values,
    django_assert_num_queries,
):
    _revised(secretariat, framework)
    # the data version, the count, the page, the sets of countries, the versions
    with django_assert_num_queries(5):
        one = _observations(anon, indicator=BORDER[0], part=BORDER[1], country="CAREC", year=2027)
    with django_assert_num_queries(5):
        many = _observations(anon)
    assert len(one) == 1 and len(many) > 50
    assert one[0]["framework_version"] == "2027" and {"2020", "2027"} == {r["framework_version"] for r in many}


def test_parts_say_the_years_they_are_measured(anon, secretariat, framework):  # noqa: F811
    before = _part_codes(anon, "TRP OC 1")
    assert before["ROAD_SWD"]["in_force_from"] is None and before["ROAD_SWD"]["in_force_until"] is None

    _revised(secretariat, framework)

    parts = _part_codes(anon, "TRP OC 1")  # with no version asked, every part, retired ones too
    assert (parts["ROAD_SWD"]["in_force_from"], parts["ROAD_SWD"]["in_force_until"]) == (None, 2026)
    assert (parts["ROAD_SWD_EW"]["in_force_from"], parts["ROAD_SWD_EW"]["in_force_until"]) == (2027, None)
    assert (parts["ROAD_SWD_NS"]["in_force_from"], parts["ROAD_SWD_NS"]["in_force_until"]) == (2027, None)
    assert set(_part_codes(anon, "TRP OC 1", version="2020")) >= {"ROAD_SWD"}
    assert not {"ROAD_SWD_EW", "ROAD_SWD_NS"} & set(_part_codes(anon, "TRP OC 1", version="2020"))
    assert {"ROAD_SWD_EW", "ROAD_SWD_NS"} <= set(_part_codes(anon, "TRP OC 1", version="2027"))
    assert "ROAD_SWD" not in _part_codes(anon, "TRP OC 1", version="2027")


def test_indicators_of_a_version(anon, secretariat, framework):  # noqa: F811
    assert {"TRD OC 1.1", "TRP OC 1"} <= _indicator_codes(anon, "2020")

    version = _revised(secretariat, framework)

    first = _indicator_codes(anon, "2020")
    assert "TRD OC 1.1" in first and "TRP OC 1.9" not in first
    revised = _indicator_codes(anon, "2027")
    assert "TRD OC 1.1" not in revised and "TRP OC 1.9" in revised
    # the same parts as the versions app says each version measures
    for label, codes in (("2020", first), ("2027", revised)):
        measured = parts_in_force(version if label == "2027" else version.based_on)
        assert codes == set(measured.values_list("indicator__code", flat=True))
        listed = anon.get("/api/v1/indicators/", {"version": label, "page_size": 1000}).json()["results"]
        assert {p["code"] for row in listed for p in row["parts"]} == set(measured.values_list("code", flat=True))
    retired = anon.get("/api/v1/indicators/TRD-OC-1.1/", {"version": "2027"})
    assert retired.status_code == 404  # not in the version asked for


def test_indicators_of_a_version_cost_a_fixed_number_of_queries(
    anon,
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    django_assert_num_queries,
):
    _revised(secretariat, framework)
    # the version, a framework not yet versioned, the count, the page, then themes, parts, scale, dimensions
    with django_assert_num_queries(8):
        one = anon.get("/api/v1/indicators/", {"version": "2027", "sector": "TRP"}).json()["results"]
    with django_assert_num_queries(8):
        many = anon.get("/api/v1/indicators/", {"version": "2027", "page_size": 1000}).json()["results"]
    assert len(one) < len(many)


def test_a_draft_version_is_for_the_secretariat_only(anon, sec_client, secretariat, framework):  # noqa: F811
    _draft(secretariat, framework)

    hidden = anon.get("/api/v1/indicators/", {"version": "2027"})
    assert hidden.status_code == 400 and "2027" in hidden.json()["version"][0]
    # a draft changes nothing yet: it measures what it revises
    assert _indicator_codes(sec_client, "2027") == _indicator_codes(sec_client, "2020")
    assert "TRD OC 1.1" in _indicator_codes(sec_client, "2027")
    # the API lets through exactly the labels the versions app shows each of them
    assert {v.label for v in versions_visible(secretariat, framework)} == {"2020", "2027"}
    assert {v.label for v in versions_visible(AnonymousUser(), framework)} == {"2020"}


@pytest.mark.parametrize(
    "value",
    ["1999", "2020\x00", "x" * 41, "нет"],
    ids=["unknown", "nul-byte", "overlong", "unknown-cyrillic"],
)
@pytest.mark.parametrize("url", ["/api/v1/indicators/", "/api/v1/indicators/TRP-OC-1/"])
def test_a_bad_version_is_a_400_naming_the_parameter(anon, url, value):
    response = anon.get(url, {"version": value})
    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_a_withdrawn_version_is_unknown_even_to_the_secretariat(sec_client, secretariat, framework):  # noqa: F811
    draft = _draft(secretariat, framework)
    draft.status = "withdrawn"
    draft.save(update_fields=["status"])
    assert sec_client.get("/api/v1/indicators/", {"version": "2027"}).status_code == 400


def test_the_schema_documents_the_version(anon):
    schema = anon.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/indicators/"]["get"]["parameters"]}
    assert "version" in parameters
    one = {p["name"] for p in schema["paths"]["/api/v1/indicators/{code}/"]["get"]["parameters"]}
    assert "version" in one
    part = schema["components"]["schemas"]["Part"]["properties"]
    assert part["in_force_from"]["readOnly"] and part["in_force_until"]["nullable"]
    observation = schema["components"]["schemas"]["Observation"]["properties"]
    assert observation["framework_version"]["type"] == "string"


def test_baselines_and_milestones_say_the_years_they_govern(anon, secretariat, framework):  # noqa: F811
    """After a revision rebases FUEL_WORLD from 2027, ?governs= gives the row of each year, and
    every row says the years it governs."""
    _endorse(secretariat, _draft(secretariat, framework))

    def baselines(**params) -> list[dict]:
        response = anon.get("/api/v1/baselines/", {"indicator": "TRD OC 1", "part": "FUEL_WORLD", **params})
        assert response.status_code == 200, response.content
        body = response.json()
        return body["results"] if isinstance(body, dict) else body

    old, new = baselines(governs=2026), baselines(governs=2027)
    assert len(old) == len(new) == 1
    assert (old[0]["in_force_until"], new[0]["in_force_from"]) == (2026, 2027)
    assert new[0]["value"] == pytest.approx(old[0]["value"] * 1.1)
    assert {(row["in_force_from"], row["in_force_until"]) for row in baselines()} >= {(None, 2026), (2027, None)}
    milestones = anon.get("/api/v1/milestones/", {"indicator": "TRD OC 1", "part": "FUEL_WORLD", "governs": 2026})
    assert milestones.status_code == 200


@pytest.mark.parametrize("value", ["abc", "99999", "1899", "2026\x00"])
def test_a_bad_governs_year_is_a_400_naming_the_parameter(anon, value):
    response = anon.get("/api/v1/baselines/", {"governs": value})
    assert response.status_code == 400 and "governs" in response.json()
