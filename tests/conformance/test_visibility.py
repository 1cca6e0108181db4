"""The visibility table: who sees a value in each state, asked of every way out. Each role gets
the same answer from the indicator page, the country page, the API, every open-data format and
the report builder, because they all ask workflow.permissions.observations_visible."""

import csv
import datetime
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from openpyxl import load_workbook
from rest_framework.test import APIClient

from indicators.models import Observation, ReportingYear, Source
from progress.models import RatingMethod
from reports.content import ReportScope, content_build
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import Role

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "reader", "focal point of the sector", "focal point of another sector", "secretariat"]
STATES = ["draft", "submitted", "approved in an open year", "approved in a published year"]
YEAR, VALUE, SOURCE = 2025, "77.7", "VISIBILITY-TEST"

# Who may see a value in each state: the one rule, written out.
SEES = {
    "anonymous": {"approved in a published year"},
    "reader": {"approved in an open year", "approved in a published year"},
    "focal point of the sector": set(STATES),
    "focal point of another sector": {"approved in a published year"},
    "secretariat": set(STATES),
}


@pytest.fixture
def people(db):
    return {
        "anonymous": AnonymousUser(),
        "reader": factories.user("reader", groups=(Role.VIEWER,)),
        "focal point of the sector": factories.focal_point("trd-fp", "TRD"),
        "focal point of another sector": factories.focal_point("trp-fp", "TRP"),
        "secretariat": factories.user("sec", groups=(Role.SECRETARIAT,)),
    }


def _value_in(state: str, people) -> Observation:
    """A KAZ export growth of 77.7 for 2025, brought to the state through the services."""
    ReportingYear.objects.update_or_create(year=YEAR, defaults={"status": "open"})
    entry = Entry(indicator="TRD OC 1.1", part="EXPORT_GROWTH", country="KAZ", year=YEAR, value=VALUE, ref="v")
    observation = services.entries_save(user=people["secretariat"], entries=[entry]).observations["v"]
    source = Source.objects.create(code=SOURCE, name="Visibility test source")
    Observation.objects.filter(pk=observation.pk).update(source=source)  # so that the report cites it
    if state != "draft":
        observation = services.observation_submit(user=people["secretariat"], observation=observation)
    if state.startswith("approved"):
        observation = services.observation_approve(user=people["focal point of the sector"], observation=observation)
    if state == "approved in a published year":
        services.reporting_year_set(user=people["secretariat"], year=YEAR, status="published")
    return observation


def _client(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


def in_indicator_page(client, user) -> bool:
    page = _client(client, user).get(f"/en/indicators/TRD-OC-1.1/?year={YEAR}").content.decode()
    return f">{VALUE}" in page


def in_country_page(client, user) -> bool:
    page = _client(client, user).get("/en/countries/KAZ/").content.decode()
    return f">{VALUE}" in page


def in_api(client, user) -> bool:
    api = APIClient()
    if user.is_authenticated:
        api.force_authenticate(user)
    body = api.get("/api/v1/observations/", {"indicator": "TRD OC 1.1", "country": "KAZ", "year": YEAR}).json()
    return any(row["value"] == float(VALUE) for row in body["results"])


def _download(client, user, name: str) -> bytes:
    response = _client(client, user).get(f"/api/v1/data/{name}")
    assert response.status_code == 200, (name, response.status_code)
    return b"".join(response.streaming_content) if response.streaming else response.content


def _kaz_2025(rows) -> bool:
    return any(
        r.get("country", r.get("REF_AREA")) == "KAZ"
        and str(r.get("year", r.get("TIME_PERIOD"))) == str(YEAR)
        and str(r.get("value", r.get("OBS_VALUE"))) == VALUE
        for r in rows
    )


def in_csv(client, user) -> bool:
    text = _download(client, user, "observations.csv").decode("utf-8-sig")
    return _kaz_2025(csv.DictReader(io.StringIO(text)))


def in_json(client, user) -> bool:
    return _kaz_2025(json.loads(_download(client, user, "observations.json"))["observations"])


def in_xlsx(client, user) -> bool:
    sheet = load_workbook(io.BytesIO(_download(client, user, "observations.xlsx")), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return _kaz_2025(dict(zip(rows[0], row, strict=True)) for row in rows[1:])


def in_sdmx_csv(client, user) -> bool:
    text = _download(client, user, "sdmx/data.csv").decode("utf-8-sig")
    return _kaz_2025(csv.DictReader(io.StringIO(text)))


def in_sdmx_json(client, user) -> bool:
    body = json.loads(_download(client, user, "sdmx/data.json"))
    dimensions = body["structure"]["dimensions"]["observation"]
    names = {d["id"]: [v["id"] for v in d["values"]] for d in dimensions}
    order = [d["id"] for d in dimensions]
    for key, values in body["dataSets"][0]["observations"].items():
        where = {dim: names[dim][int(i)] for dim, i in zip(order, key.split(":"), strict=True)}
        if where["REF_AREA"] == "KAZ" and where["TIME_PERIOD"] == str(YEAR) and str(values[0]) == VALUE:
            return True
    return False


def in_report_builder(client, user) -> bool:
    scope = ReportScope(
        code="visibility",
        kind="defr",
        title={"en": "Visibility"},
        period_start=datetime.date(2024, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        cut_off=YEAR,
        method=RatingMethod.objects.get(is_default=True),
        sector_code="TRD",
    )
    with translation.override("en"):
        content = content_build(scope, user if user.is_authenticated else None)
    return SOURCE in json.dumps(content, ensure_ascii=False)


WAYS_OUT = [
    in_indicator_page,
    in_country_page,
    in_api,
    in_csv,
    in_json,
    in_xlsx,
    in_sdmx_csv,
    in_sdmx_json,
    in_report_builder,
]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_every_way_out_gives_the_same_answer(role, state, people, client):
    _value_in(state, people)
    user = people[role]
    answers = {way.__name__: way(client, user) for way in WAYS_OUT}
    expected = state in SEES[role]
    assert answers == dict.fromkeys(answers, expected)
