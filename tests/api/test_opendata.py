"""Open data downloads: tidy CSV, XLSX, JSON, a data package, and SDMX that sdmx1 reads back."""

import csv
import io
import json

import pytest
import sdmx
from openpyxl import load_workbook
from rest_framework.test import APIClient

from indicators.models import Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon():
    return APIClient()


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_tidy_csv_has_one_row_per_part_place_and_year(anon):
    response = anon.get("/api/v1/data/observations.csv")
    rows = list(csv.DictReader(io.StringIO(_content(response).decode("utf-8-sig"))))
    assert len(rows) == Observation.objects.filter(status="approved").count()
    road = [r for r in rows if r["part"] == "ROAD_BCP_TIME" and r["year"] == "2021"]
    assert road == [road[0]] and road[0]["value"] == "13.6" and road[0]["country"] == "CAREC"
    assert road[0]["unit"] == "hours" and road[0]["status"] == "approved"
    tkm = next(r for r in rows if r["part"] == "EXPORT_GROWTH" and r["country"] == "TKM" and r["year"] == "2020")
    assert (tkm["value"], tkm["availability"]) == ("", "not_available")


def test_names_follow_the_language(anon):
    text = _content(anon.get("/api/v1/data/observations.csv", HTTP_ACCEPT_LANGUAGE="ru")).decode("utf-8-sig")
    assert "Казахстан" in text


def test_cells_that_would_run_as_formulas_are_neutralised(anon):
    Observation.objects.filter(part__code="ROAD_BCP_TIME", year=2021).update(
        citation='=HYPERLINK("http://evil")', note="@SUM(A1)", note_en="@SUM(A1)"
    )
    text = _content(anon.get("/api/v1/data/observations.csv")).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    negative = next(r for r in csv.DictReader(io.StringIO(text)) if r["value"].startswith("-"))
    assert float(negative["value"]) < 0  # numbers stay numbers
    sheet = load_workbook(io.BytesIO(anon.get("/api/v1/data/observations.xlsx").content)).active
    sources = [row[13] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil")' in sources


def test_json_and_datapackage(anon):
    data = json.loads(_content(anon.get("/api/v1/data/observations.json")))
    assert len(data["observations"]) == Observation.objects.filter(status="approved").count()
    package = anon.get("/api/v1/data/datapackage.json").json()
    resource = package["resources"][0]
    assert resource["path"].endswith("/api/v1/data/observations.csv")
    assert [f["name"] for f in resource["schema"]["fields"]][:4] == ["indicator", "indicator_name", "part", "part_name"]


def test_sdmx_csv_and_json_parse_with_sdmx1(anon, tmp_path):
    structure = tmp_path / "structure.xml"
    structure.write_bytes(anon.get("/api/v1/data/sdmx/structure.xml").content)
    message = sdmx.read_sdmx(structure)
    dsd = message.structure["DSD_CAREC_PRF"]
    # every dimension of the code lists is a series dimension, before the time
    dimensions = ["INDICATOR", "PART", "REF_AREA", "SEX", "AGE", "URBANISATION", "TIME_PERIOD"]
    assert [d.id for d in dsd.dimensions] == dimensions
    data_csv = tmp_path / "data.csv"
    data_csv.write_bytes(_content(anon.get("/api/v1/data/sdmx/data.csv")))
    dataset = sdmx.read_sdmx(data_csv, structure=message.dataflow["CAREC_PRF"]).data[0]
    values = {
        (
            str(o.dimension["PART"].value),
            str(o.dimension["REF_AREA"].value),
            str(o.dimension["TIME_PERIOD"].value),
        ): o.value
        for o in dataset.obs
    }
    assert float(values[("ROAD_BCP_TIME", "CAREC", "2021")]) == 13.6
    data_json = tmp_path / "data.json"
    data_json.write_bytes(anon.get("/api/v1/data/sdmx/data.json").content)
    parsed = sdmx.read_sdmx(data_json).data[0]
    assert len(parsed.obs) == len(dataset.obs)
    kaz = [
        o
        for o in parsed.obs
        if str(o.dimension["PART"].value) == "GDP_GROWTH"
        and str(o.dimension["REF_AREA"].value) == "KAZ"
        and str(o.dimension["TIME_PERIOD"].value) == "2021"
    ]
    assert kaz[0].value == 4.0


def test_downloads_page_lists_every_format(client):
    html = client.get("/en/data/").content.decode()
    for path in (
        "observations.csv",
        "observations.xlsx",
        "observations.json",
        "datapackage.json",
        "sdmx/data.csv",
        "sdmx/data.json",
        "sdmx/structure.xml",
    ):
        assert f"/api/v1/data/{path}" in html


def test_downloads_cost_a_fixed_number_of_queries(anon, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        _content(anon.get("/api/v1/data/observations.csv"))
