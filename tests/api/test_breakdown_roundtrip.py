"""Issue 15's "done when": sex-disaggregated values of HLT OP 2 with their flags and comments go
in through the API or as an uploaded file, and come back unchanged through the API, the tidy CSV (Open SDG's
disaggregation columns), SDMX-CSV read with sdmx1, and the data package that frictionless
validates."""

import csv
import io
import json

import frictionless
import pytest
import sdmx
from django.core.cache import caches
from openpyxl import Workbook
from rest_framework.test import APIClient

from imports.services import upload_create, upload_process
from indicators.models import Observation
from tests import factories
from workflow.models import Role
from workflow.services import reporting_year_set

pytestmark = pytest.mark.django_db

TRAINED = {"indicator": "HLT OP 2", "part": "OFFICIALS_TRAINED", "country": "CAREC"}
PROVISIONAL_NOTE = "Two training centres have not reported yet"
BREAK_NOTE = "Training counted by course from 2023, by person before"
MISSING_NOTE = "Not collected by sex in 2023"

# What goes in: (year, breakdown, value, availability, kind, note)
VALUES = [
    (2023, "", 90.0, "value", "break", BREAK_NOTE),
    (2023, "SEX=F", None, "not_available", "missing", MISSING_NOTE),
    (2024, "", 120.0, "value", "actual", ""),
    (2024, "SEX=F", 70.0, "value", "provisional", PROVISIONAL_NOTE),
    (2024, "SEX=M", 50.0, "value", "actual", ""),
]
EXPECTED = {(year, key): (value, kind, note) for year, key, value, _availability, kind, note in VALUES}
STATUS_CODES = {"actual": "A", "provisional": "P", "break": "B", "missing": "M"}
NAMES = {"en": ("Sex", {"F": "Female", "M": "Male"}), "ru": ("Пол", {"F": "Женщины", "M": "Мужчины"})}


@pytest.fixture(autouse=True)
def _no_throttle_carry_over():
    caches["default"].clear()  # the anonymous throttle and the public page cache


@pytest.fixture
def anon():
    return APIClient()


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _uploaded(secretariat) -> list[int]:
    """The values as the secretariat uploads them: a sex column (blank for the total), a flag
    column with the flag's word or SDMX code, N/A for the missing value. An upload submits them."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    sheet.append(["indicator", "part", "country", "year", "sex", "value", "flag", "note"])
    for i, (year, key, value, _availability, kind, note) in enumerate(VALUES):
        flag = STATUS_CODES[kind] if i % 2 else kind  # both spellings the upload takes
        sex = key.partition("=")[2] or None
        sheet.append(
            [
                TRAINED["indicator"],
                TRAINED["part"],
                "CAREC",
                year,
                sex,
                "N/A" if value is None else value,
                flag,
                note or None,
            ]
        )
    data = io.BytesIO()
    workbook.save(data)
    upload = upload_process(
        upload=upload_create(user=secretariat, name="trained.xlsx", data=data.getvalue(), dry_run=False, language="en")
    )
    assert upload.status == "done", upload.errors
    return list(
        Observation.objects.filter(part__code="OFFICIALS_TRAINED", year__in=(2023, 2024)).values_list("pk", flat=True)
    )


@pytest.fixture(params=["api", "upload"])
def published(db, request):
    """The values entered through the API (categories as a key or a mapping) or uploaded as a
    file with a sex column, submitted, approved by the sector's focal point, and their years
    published."""
    for year in (2023, 2024):
        factories.open_year(year)
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    reviewer = factories.focal_point("hlt-fp", "HLT")
    writer, approver = _client(secretariat), _client(reviewer)
    if request.param == "upload":
        submitted = _uploaded(secretariat)
    else:
        submitted = []
        for i, (year, key, value, availability, kind, note) in enumerate(VALUES):
            breakdown = dict([key.split("=")]) if key and i % 2 else key  # both spellings the API takes
            body = {**TRAINED, "year": year, "breakdown": breakdown, "value": value, "availability": availability}
            created = writer.post("/api/v1/observations/", {**body, "kind": kind, "note": note}, format="json")
            assert created.status_code == 201, created.json()
            submitted.append(created.json()["id"])
            assert writer.post(f"/api/v1/observations/{submitted[-1]}/submit/").status_code == 200
    assert len(submitted) == len(VALUES)
    for pk in submitted:
        assert approver.post(f"/api/v1/observations/{pk}/approve/").status_code == 200
    for year in (2023, 2024):
        reporting_year_set(user=secretariat, year=year, status="published")
    caches["default"].clear()


def test_the_api_gives_back_the_categories_and_flags(published, anon):
    rows = anon.get("/api/v1/observations/", {"indicator": "HLT OP 2", "page_size": 1000}).json()["results"]
    got = {(r["year"], r["breakdown"]): (r["value"], r["kind"], r["note"]) for r in rows}
    assert got == EXPECTED
    for row in rows:
        assert row["categories"] == (dict([row["breakdown"].split("=")]) if row["breakdown"] else {})
        assert row["obs_status"] == STATUS_CODES[row["kind"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"breakdown": "SEX=F"}, {(2023, "SEX=F"), (2024, "SEX=F")}),
        ({"breakdown": "sex = f"}, {(2023, "SEX=F"), (2024, "SEX=F")}),
        ({"sex": "M"}, {(2024, "SEX=M")}),
        ({"sex": ["F", "M"], "year": 2024}, {(2024, "SEX=F"), (2024, "SEX=M")}),
        ({"sex": "_T"}, {(2023, ""), (2024, "")}),
        ({"total": "true"}, {(2023, ""), (2024, "")}),
        ({"total": "false", "kind": "provisional"}, {(2024, "SEX=F")}),
        ({"not_a_dimension": "F", "year": 2023}, {(2023, ""), (2023, "SEX=F")}),
    ],
)
def test_observations_filter_by_categories(published, anon, params, expected):
    rows = anon.get("/api/v1/observations/", {"indicator": "HLT OP 2", **params}).json()["results"]
    assert {(r["year"], r["breakdown"]) for r in rows} == expected


def test_a_malformed_breakdown_filter_is_a_clear_400(published, anon):
    response = anon.get("/api/v1/observations/", {"breakdown": "female"})
    assert response.status_code == 400 and "DIMENSION=CATEGORY" in json.dumps(response.json(), ensure_ascii=False)


def test_a_category_outside_the_code_list_is_refused_by_the_one_way_in(published):
    writer = _client(factories.user("sec2", groups=(Role.SECRETARIAT,)))
    factories.open_year(2025)
    body = {**TRAINED, "year": 2025, "value": 1, "breakdown": {"SEX": "X"}, "kind": "made_up"}
    response = writer.post("/api/v1/observations/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"breakdown", "kind"}


@pytest.mark.parametrize("language", ["en", "ru"])
def test_dimensions_and_parts_list_their_categories_in_the_language(anon, language):
    name, categories = NAMES[language]
    dimensions = anon.get("/api/v1/dimensions/", {"lang": language}).json()
    sex = next(d for d in dimensions if d["code"] == "SEX")
    assert sex["name"] == name
    assert {c["code"]: c["name"] for c in sex["categories"]} == categories
    indicator = anon.get("/api/v1/indicators/HLT-OP-2/").json()
    part = next(p for p in indicator["parts"] if p["code"] == "OFFICIALS_TRAINED")
    assert (part["dimensions"], part["categories_add_up"]) == (["SEX"], True)


def _tidy(anon, language="en") -> tuple[list[str], list[dict]]:
    text = _body(anon.get("/api/v1/data/observations.csv", HTTP_ACCEPT_LANGUAGE=language)).decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_tidy_csv_has_open_sdgs_disaggregation_columns_between_year_and_value(published, anon, language):
    header, rows = _tidy(anon, language)
    column, names = NAMES[language]
    assert header[header.index("year") + 1 : header.index("value")] == [column]
    codes = {name: code for code, name in names.items()}
    got = {
        (int(r["year"]), f"SEX={codes[r[column]]}" if r[column] else ""): (
            float(r["value"]) if r["value"] else None,
            r["kind"],
            r["note"],
        )
        for r in rows
        if r["indicator"] == "HLT OP 2"
    }
    if language == "en":
        assert got == EXPECTED
    else:  # the notes were written in English: a reader in Russian sees them as written
        assert {k: v[:2] for k, v in got.items()} == {k: v[:2] for k, v in EXPECTED.items()}
    # the totals of every other indicator stay one row each, their category blank
    assert all(r[column] == "" for r in rows if r["indicator"] != "HLT OP 2")


def test_the_tidy_json_and_xlsx_have_the_same_columns(published, anon):
    header, _rows = _tidy(anon)
    data = json.loads(_body(anon.get("/api/v1/data/observations.json")))
    assert list(data["observations"][0]) == header
    women = [r for r in data["observations"] if r["indicator"] == "HLT OP 2" and r["Sex"] == "Female"]
    assert {(r["year"], r["kind"]) for r in women} == {(2023, "missing"), (2024, "provisional")}


def test_sdmx_csv_reads_back_with_sdmx1(published, anon, tmp_path):
    structure = tmp_path / "structure.xml"
    structure.write_bytes(anon.get("/api/v1/data/sdmx/structure.xml").content)
    message = sdmx.read_sdmx(structure)
    codes = {c.id for c in message.codelist["CL_SEX"]}
    assert codes == {"_T", "F", "M"}
    assert {c.id for c in message.codelist["CL_OBS_STATUS"]} == {"A", "E", "F", "P", "B", "I", "M"}
    data = tmp_path / "data.csv"
    data.write_bytes(_body(anon.get("/api/v1/data/sdmx/data.csv")))
    dataset = sdmx.read_sdmx(data, structure=message.dataflow["CAREC_PRF"]).data[0]
    got = {}
    for obs in dataset.obs:
        key = {dim: str(value.value) for dim, value in obs.dimension.values.items()}
        if key["INDICATOR"] != "HLT_OP_2":
            continue
        assert (key["AGE"], key["URBANISATION"]) == ("_T", "_T")
        attributes = {name: str(value.value) for name, value in obs.attached_attribute.items()}
        value = None if obs.value in (None, "") else float(obs.value)
        breakdown = "" if key["SEX"] == "_T" else f"SEX={key['SEX']}"
        got[(int(key["TIME_PERIOD"]), breakdown)] = (value, attributes["OBS_STATUS"], attributes.get("COMMENT_OBS", ""))
    assert got == {k: (value, STATUS_CODES[kind], note) for k, (value, kind, note) in EXPECTED.items()}


def test_sdmx_json_carries_the_categories_and_flags(published, anon):
    body = json.loads(anon.get("/api/v1/data/sdmx/data.json").content)
    dims = body["structure"]["dimensions"]["observation"]
    attrs = body["structure"]["attributes"]["observation"]
    got = set()
    for key, (value, *indices) in body["dataSets"][0]["observations"].items():
        where = {d["id"]: d["values"][int(i)]["id"] for d, i in zip(dims, key.split(":"), strict=True)}
        flags = {a["id"]: a["values"][i]["id"] for a, i in zip(attrs, indices, strict=True)}
        if where["INDICATOR"] == "HLT_OP_2":
            got.add((int(where["TIME_PERIOD"]), where["SEX"], value, flags["OBS_STATUS"], flags["COMMENT_OBS"]))
    assert got == {
        (year, key.split("=")[1] if key else "_T", value, STATUS_CODES[kind], note)
        for (year, key), (value, kind, note) in EXPECTED.items()
    }


def test_the_data_package_describes_the_categories_and_frictionless_finds_it_valid(published, anon, tmp_path):
    package = anon.get("/api/v1/data/datapackage.json").json()
    observations = package["resources"][0]
    fields = {f["name"]: f for f in observations["schema"]["fields"]}
    assert fields["Sex"]["constraints"] == {"enum": ["Female", "Male"]}
    assert set(fields["kind"]["constraints"]["enum"]) >= {"actual", "provisional", "break", "missing"}
    assert observations["schema"]["primaryKey"] == ["indicator", "part", "country", "year", "Sex"]
    # the files as a reader keeps them: the package beside its CSV and XLSX
    (tmp_path / "observations.csv").write_bytes(_body(anon.get("/api/v1/data/observations.csv")))
    (tmp_path / "observations.xlsx").write_bytes(_body(anon.get("/api/v1/data/observations.xlsx")))
    tables = {"observations": "observations.csv", "observations-xlsx": "observations.xlsx"}
    package["resources"] = [r | {"path": tables[r["name"]]} for r in package["resources"] if r["name"] in tables]
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    # and what frictionless reads is what went in
    resource = frictionless.Package(str(tmp_path / "datapackage.json")).get_resource("observations")
    rows = [r for r in resource.read_rows() if r["indicator"] == "HLT OP 2"]
    codes = {"Female": "F", "Male": "M"}
    got = {
        (r["year"], f"SEX={codes[r['Sex']]}" if r["Sex"] else ""): (
            None if r["value"] is None else float(r["value"]),
            r["kind"],
            r["note"] or "",
        )
        for r in rows
    }
    assert got == EXPECTED


def test_the_open_data_files_cost_the_same_queries_with_categories(published, anon, django_assert_max_num_queries):
    for path in ("observations.csv", "sdmx/data.csv", "sdmx/data.json", "datapackage.json"):
        with django_assert_max_num_queries(9):
            _body(anon.get(f"/api/v1/data/{path}"))


def test_the_observations_list_costs_the_same_queries_whatever_its_size(published, anon):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = set()
    for params in ({"page_size": 1}, {"page_size": 1000}, {"total": "false", "page_size": 1000}):
        caches["default"].clear()
        with CaptureQueriesContext(connection) as captured:
            assert anon.get("/api/v1/observations/", params).status_code == 200
        counts.add(len(captured))
    assert len(counts) == 1
    caches["default"].clear()
    with CaptureQueriesContext(connection) as by_dimension:
        anon.get("/api/v1/observations/", {"sex": "F", "page_size": 1000})
    assert len(by_dimension) == counts.pop() + 1  # the code lists, read once


def test_the_open_data_page_lists_the_disaggregation_column_where_values_have_categories(published, client):
    html = client.get("/ru/data/").content.decode()
    assert html.index("<code>year</code>") < html.index("<code>Пол</code>") < html.index("<code>value</code>")


@pytest.mark.parametrize("year", [{"": [1]}, [2024]])
def test_a_year_given_as_a_json_object_or_list_is_a_400_not_a_crash(year):
    factories.open_year(2024)
    writer = _client(factories.user("sec3", groups=(Role.SECRETARIAT,)))
    response = writer.post("/api/v1/observations/", {**TRAINED, "year": year, "value": 1}, format="json")
    assert response.status_code == 400 and "year" in response.json()
