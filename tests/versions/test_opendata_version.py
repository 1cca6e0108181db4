"""The open data carry the framework version in force: SDMX as the dataflow's version (read back
by sdmx1), the data package as its own version, the tidy JSON and XLSX beside their rows. A draft
changes nothing of it; an endorsed revision changes it, at the same cost in queries."""

import csv
import io
import json

import pytest
import sdmx
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from clusters.models import Framework
from tests import factories
from tests.versions.test_revision import _draft, _endorse
from workflow.models import Role

pytestmark = pytest.mark.django_db

FILES = ("observations.csv", "observations.json", "sdmx/data.csv", "sdmx/data.json", "datapackage.json")


@pytest.fixture(autouse=True)
def _fresh_cache():
    caches["default"].clear()  # the public page cache and the feeds' memo: endorsement clears them on commit


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def secretariat(db):
    return factories.user("sec-opendata", groups=(Role.SECRETARIAT,))


@pytest.fixture
def framework(db):
    return Framework.objects.get(code="CAREC2030")


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _revised(secretariat, framework):
    _endorse(secretariat, _draft(secretariat, framework))
    caches["default"].clear()


def _sdmx_read_back(anon, tmp_path):
    """The structure and the SDMX-CSV data as a reader keeps them, read with sdmx1."""
    structure = tmp_path / "structure.xml"
    structure.write_bytes(anon.get("/api/v1/data/sdmx/structure.xml").content)
    message = sdmx.read_sdmx(structure)
    flow = message.dataflow["CAREC_PRF"]
    data = tmp_path / "data.csv"
    data.write_bytes(_body(anon.get("/api/v1/data/sdmx/data.csv")))
    structure_ids = {row["STRUCTURE_ID"] for row in csv.DictReader(io.StringIO(data.read_text()))}
    dataset = sdmx.read_sdmx(data, structure=flow).data[0]
    return message, flow, structure_ids, dataset


def test_sdmx_names_the_version_in_force_as_the_dataflow_version(anon, tmp_path):
    message, flow, structure_ids, dataset = _sdmx_read_back(anon, tmp_path)
    assert flow.version == "2020" and flow.structure.version == "2020"
    assert message.structure["DSD_CAREC_PRF"].version == "2020"
    assert structure_ids == {"CAREC:CAREC_PRF(2020)"}
    road = [o for o in dataset.obs if str(o.dimension["PART"].value) == "ROAD_BCP_TIME"]
    assert road and all(o.value is not None for o in road)
    body = json.loads(anon.get("/api/v1/data/sdmx/data.json").content)
    assert body["structure"]["links"][0]["urn"].endswith("Dataflow=CAREC:CAREC_PRF(2020)")
    assert len(sdmx.read_sdmx(io.BytesIO(anon.get("/api/v1/data/sdmx/data.json").content)).data[0].obs) == len(
        dataset.obs
    )


def test_the_data_package_and_tidy_files_name_the_version(anon):
    package = anon.get("/api/v1/data/datapackage.json").json()
    assert package["version"] == "2020" and "version 2020" in package["description"]
    tidy_json = json.loads(_body(anon.get("/api/v1/data/observations.json")))
    assert tidy_json["framework_version"] == "2020" and tidy_json["observations"]
    workbook = load_workbook(io.BytesIO(anon.get("/api/v1/data/observations.xlsx").content))
    assert workbook.properties.version == "2020"
    tidy_csv = anon.get("/api/v1/data/observations.csv")
    assert tidy_csv["Link"].endswith('/api/v1/data/datapackage.json>; rel="describedby"')
    header = next(csv.reader(io.StringIO(_body(tidy_csv).decode("utf-8-sig"))))
    assert "framework_version" not in header  # the columns stay as pinned


def test_a_draft_changes_nothing_of_the_open_data(anon, secretariat, framework, tmp_path):
    _draft(secretariat, framework)
    caches["default"].clear()
    _message, flow, structure_ids, _dataset = _sdmx_read_back(anon, tmp_path)
    assert (flow.version, structure_ids) == ("2020", {"CAREC:CAREC_PRF(2020)"})
    assert anon.get("/api/v1/data/datapackage.json").json()["version"] == "2020"


def test_an_endorsed_revision_is_the_new_dataflow_version_and_sdmx1_reads_it_back(
    anon, secretariat, framework, tmp_path
):
    _revised(secretariat, framework)
    message, flow, structure_ids, dataset = _sdmx_read_back(anon, tmp_path)
    assert flow.version == "2027" and structure_ids == {"CAREC:CAREC_PRF(2027)"}
    # the revision's code lists: the split parts are there, and the retired part's code stays for its values
    parts = {code.id for code in message.codelist["CL_PART"]}
    assert {"ROAD_SWD_EW", "ROAD_SWD_NS", "ROAD_SWD"} <= parts
    assert {str(o.dimension["TIME_PERIOD"].value) for o in dataset.obs} >= {"2021"}
    package = anon.get("/api/v1/data/datapackage.json").json()
    assert package["version"] == "2027" and "version 2027" in package["description"]
    assert json.loads(_body(anon.get("/api/v1/data/observations.json")))["framework_version"] == "2027"


def test_the_version_costs_no_query_more_after_a_revision(anon, secretariat, framework):
    def counts() -> dict[str, int]:
        found = {}
        for path in FILES:
            caches["default"].clear()
            with CaptureQueriesContext(connection) as captured:
                _body(anon.get(f"/api/v1/data/{path}"))
            found[path] = len(captured)
        return found

    before = counts()
    _revised(secretariat, framework)
    assert counts() == before
    # the tidy CSV still costs what tests/api/test_opendata.py pins
    assert before["observations.csv"] <= 8


def test_an_endorsement_changes_the_open_datas_etag(secretariat, framework, client):
    from django.core.cache import caches

    from tests.versions.test_revision import _draft, _endorse

    caches["default"].clear()
    before = client.get("/api/v1/data/observations.csv")
    tag = before["ETag"]
    assert client.get("/api/v1/data/observations.csv", HTTP_IF_NONE_MATCH=tag).status_code == 304
    _endorse(secretariat, _draft(secretariat, framework))
    caches["default"].clear()
    assert client.get("/api/v1/data/observations.csv", HTTP_IF_NONE_MATCH=tag).status_code == 200
