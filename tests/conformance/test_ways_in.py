"""The conformance table: every input goes through all four ways in (the entry grid, the bulk
upload, the REST API and the loader of published figures) and gets the same outcome and the same
message from each, in the language it was given in.

Two differences are by design, and stated in the table: the grid has no cell for an input it
cannot express (an unknown code, a country value of a region-only part, a country that was not a
member that year), and the loader records
published figures, so it loads into a year never opened for entry, and not into one that is open
(the other ways run with 2023 and 2025 open, the loader with them published)."""

import html
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from clusters.models import Country
from imports.services import upload_create, upload_process
from indicators.models import IndicatorPart, Observation, ReportingYear
from tests import factories
from workflow.loading import published_observations_import
from workflow.models import Role

pytestmark = pytest.mark.django_db

ROAD = ("TRP OP 1", "ROAD_BCP_TIME")  # region only, hours, 0 to 2000
SPEED = ("TRP OC 1", "ROAD_SWD")  # region only, km/h, 0 to 200
EXPORTS = ("TRD OC 1.1", "EXPORT_GROWTH")  # by country, percent change, -100 to 1000
GOODS = ("TRD OC 1.2", "GOODS_TRADE")  # by country, USD million, no upper limit
BODIES = ("TRD OP 3", "BODIES_FUNCTIONING")  # yes/no
LEVEL = ("AGR OC 1", "COMPLIANCE_LEVEL")  # ordinal: very_limited, limited, partial, full
FORUMS = ("EFS OP 1", "POLICY_FORUMS")  # count
RANK = ("TSM OC 1", "TTCI_RANK")  # rank, by country
ECD = ("ECD OC 1", "COUNTRIES_ECD_CONCEPT")  # set of countries
OK = None
NOT_FOR_GRID = "no grid cell"


@dataclass
class Case:
    name: str
    language: str
    part: tuple[str, str]
    value: str
    expected: object  # OK, or (column, a fragment of the message in that language)
    country: str = "CAREC"
    year: object = 2023
    stored: object = None  # for OK: (availability, number, boolean, text, qualifier, countries)
    grid: str | None = None  # NOT_FOR_GRID where the grid has no cell for the input
    loader: object = "same"  # the loader's outcome where it differs by design


def number(text, qualifier=""):
    return ("value", Decimal(text), None, "", qualifier, [])


CASES = [
    Case("plain number", "en", ROAD, "13.1", OK, stored=number("13.1")),
    Case("English thousands", "en", ROAD, "1,234.5", OK, stored=number("1234.5")),
    Case("decimal comma in English", "en", ROAD, "1.234,5", ("value", "use a point for decimals")),
    Case("ambiguous comma in English", "en", ROAD, "1,5", ("value", "use a point for decimals")),
    Case("Russian thousands", "ru", ROAD, "1 234,5", OK, stored=number("1234.5")),
    Case("Russian decimal comma", "ru", ROAD, "1,5", OK, stored=number("1.5")),
    Case("lone point in Russian", "ru", ROAD, "1.5", OK, stored=number("1.5")),
    Case("Russian point thousands", "ru", ROAD, "1.234,5", OK, stored=number("1234.5")),
    Case("English format in Russian", "ru", ROAD, "1,234.5", ("value", "запятую")),
    Case("Chinese thousands", "zh-hans", ROAD, "1,234.5", OK, stored=number("1234.5")),
    Case("ambiguous comma in Chinese", "zh-hans", ROAD, "1,5", ("value", "1,5")),
    Case("less than", "en", ROAD, "<1", OK, stored=number("1", "<")),
    Case("at least, with a sign", "en", ROAD, "≥ 70", OK, stored=number("70", ">=")),
    Case("about", "en", ROAD, "~5", OK, stored=number("5", "~")),
    Case("percent sign", "en", ROAD, "12%", OK, stored=number("12")),
    Case("not available", "en", ROAD, "N/A", OK, stored=("not_available", None, None, "", "", [])),
    Case("not available in Russian", "ru", ROAD, "н/д", OK, stored=("not_available", None, None, "", "", [])),
    Case("not applicable in Chinese", "zh-hans", ROAD, "不适用", OK, stored=("not_applicable", None, None, "", "", [])),
    Case("a word", "en", ROAD, "fast", ("value", "is not a number")),
    Case("above the unit's range", "en", ROAD, "2500", ("value", "outside the plausible range")),
    Case("5000 km/h", "en", SPEED, "5000", ("value", "outside the plausible range")),
    Case("negative speed", "en", SPEED, "-5", ("value", "outside the plausible range")),
    Case("negative speed in Russian", "ru", SPEED, "-5", ("value", "за пределы")),
    Case("overflow", "en", GOODS, "1e15", ("value", "too large"), country="KAZ"),
    Case("20 digits", "en", GOODS, "123456789012345678901", ("value", "too large"), country="KAZ"),
    Case("more decimals than stored", "en", GOODS, "12.1234567", OK, country="KAZ", stored=number("12.123457")),
    Case("infinity", "en", GOODS, "Infinity", ("value", "is not a number"), country="KAZ"),
    Case("country value", "en", EXPORTS, "5.1", OK, country="KAZ", year=2025, stored=number("5.1")),
    Case("country value, Russian", "ru", EXPORTS, "-3,2", OK, country="UZB", year=2025, stored=number("-3.2")),
    Case(
        "region-only part for KAZ",
        "en",
        ROAD,
        "13",
        ("country", "only for the whole region"),
        country="KAZ",
        grid=NOT_FOR_GRID,
    ),
    Case("unknown country", "en", EXPORTS, "5", ("country", "Unknown country"), country="XXX", grid=NOT_FOR_GRID),
    Case(
        "Afghanistan after its membership",
        "en",
        EXPORTS,
        "5",
        ("country", "was not a CAREC member"),
        country="AFG",
        grid=NOT_FOR_GRID,
    ),
    Case("unknown indicator", "en", ("ZZZ OC 9", "X"), "5", ("indicator", "Unknown indicator"), grid=NOT_FOR_GRID),
    Case("unknown part", "en", ("TRP OP 1", "RAIL"), "5", ("part", "has no part"), grid=NOT_FOR_GRID),
    Case("locked year", "en", ROAD, "13", ("year", "is locked"), year=2022),
    Case("year never opened", "en", ROAD, "13", ("year", "is not open for entry"), year=2024, loader=OK),
    Case("future year", "en", ROAD, "13", ("year", "outside the framework's years"), year=2031),
    Case("year before the framework", "en", ROAD, "13", ("year", "outside the framework's years"), year=1990),
    Case("yes", "en", BODIES, "yes", OK, stored=("value", None, True, "", "", [])),
    Case("yes in Russian", "ru", BODIES, "да", OK, stored=("value", None, True, "", "", [])),
    Case("no in Chinese", "zh-hans", BODIES, "否", OK, stored=("value", None, False, "", "", [])),
    Case("maybe", "en", BODIES, "maybe", ("value", "Expected yes or no")),
    Case("a level", "en", LEVEL, "partial", OK, stored=("value", None, None, "partial", "", [])),
    Case("not a level", "en", LEVEL, "great", ("value", "is not a level of this scale")),
    Case("a count", "en", FORUMS, "3", OK, stored=number("3")),
    Case("half a forum", "en", FORUMS, "2.5", ("value", "whole number")),
    Case("rank zero", "en", RANK, "0", ("value", "1 or more"), country="KAZ"),
    Case("rank", "en", RANK, "70", OK, country="KAZ", stored=number("70")),
    Case(
        "set of countries",
        "en",
        ECD,
        "CHN, KAZ, KGZ",
        OK,
        stored=("value", Decimal(3), None, "", "", ["CHN", "KAZ", "KGZ"]),
    ),
    Case("unknown country in a set", "en", ECD, "CHN, XXX", ("value", "Unknown country codes")),
    Case("a country twice", "en", ECD, "CHN, CHN", ("value", "listed twice")),
]


@pytest.fixture
def secretariat(db):
    factories.source()
    ReportingYear.objects.update_or_create(year=2022, defaults={"status": "locked"})
    ReportingYear.objects.filter(year=2024).delete()
    return factories.user("sec", groups=(Role.SECRETARIAT,))


class _Rollback(Exception):
    pass


def _in_savepoint(function):
    """Run one way in and undo what it wrote, so that every way starts from the same data."""
    result = {}
    try:
        with transaction.atomic():
            result["outcome"] = function()
            raise _Rollback
    except _Rollback:
        pass
    return result["outcome"]


def _stored(case):
    row = (
        Observation.objects.filter(
            part__indicator__code=case.part[0],
            part__code=case.part[1],
            country__code=None if case.country == "CAREC" else case.country,
            year=case.year,
        )
        .exclude(status="superseded")
        .order_by("-id")
        .first()
    )
    return (
        row.availability,
        row.value_number,
        row.value_boolean,
        row.value_text,
        row.qualifier,
        sorted(c.code for c in row.countries.all()),
    )


def _open(year_status):
    """2023 and 2025 are the years of entry: open for the grid, the upload and the API; published
    for the loader, which records published figures."""
    for year in (2023, 2025):
        ReportingYear.objects.update_or_create(year=year, defaults={"status": year_status})


def way_upload(case, user):
    _open("open")
    line = f'"{case.part[0]}","{case.part[1]}","{case.country}","{case.year}","{case.value}",,,,\n'
    data = ("indicator,part,country,year,value,qualifier,unit,source,note\n" + line).encode("utf-8")
    upload = upload_process(
        upload=upload_create(user=user, name="v.csv", data=data, dry_run=False, language=case.language)
    )
    if upload.status == "done":
        return True, [], _stored(case)
    assert upload.status == "refused", (upload.status, upload.message)
    return False, [(column, message) for _row, column, message, *_name in upload.errors], None


def way_api(case, user):
    _open("open")
    client = APIClient()
    client.force_authenticate(user)
    year = int(case.year) if str(case.year).isdigit() else case.year
    body = {"indicator": case.part[0], "part": case.part[1], "country": case.country, "year": year, "value": case.value}
    response = client.post("/api/v1/observations/", body, format="json", HTTP_ACCEPT_LANGUAGE=case.language)
    if response.status_code == 201:
        return True, [], _stored(case)
    assert response.status_code == 400, response.content
    return False, [(column, message) for column, messages in response.json().items() for message in messages], None


def way_loader(case, user):
    _open("published")
    item = {
        "indicator": case.part[0],
        "part": case.part[1],
        "country": case.country,
        "year": case.year,
        "value": case.value,
        "source": "TEST",
    }
    with translation.override(case.language):
        try:
            published_observations_import(data={"observations": [item]}, language=case.language)
        except ValidationError as error:
            problems = []
            for message in error.messages:
                match = re.match(r"observations\[0\] \([^)]*\): (\w+): (.*)$", message, re.S)
                assert match, message
                problems.append((match.group(1), match.group(2)))
            return False, problems, None
    return True, [], _stored(case)


def way_grid(case, user, client):
    _open("open")
    part = IndicatorPart.objects.get(indicator__code=case.part[0], code=case.part[1])
    country = None if case.country == "CAREC" else Country.objects.get(code=case.country)
    key = f"{part.pk}-{country.pk if country else 'R'}"
    with translation.override(case.language):
        address = reverse("workflow:entry_grid", args=[part.indicator.slug, case.year])
    client.force_login(user)
    response = client.post(address, {f"{key}-value": case.value}, follow=True)
    page = html.unescape(response.content.decode())
    if response.redirect_chain and response.redirect_chain[-1][0].endswith(address):
        return True, [], _stored(case)
    cell = re.search(rf'id="{key}-error" role="alert">([^<]*)<', page)
    if cell:
        return False, [(None, cell.group(1).strip())], None
    alert = re.findall(r'<li class="error">([^<]*)<', page)
    assert alert, page[:3000]
    return False, [(None, alert[0].strip())], None


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_every_way_in_gives_the_same_outcome_and_message(case, secretariat, client):
    outcomes = {
        "upload": _in_savepoint(lambda: way_upload(case, secretariat)),
        "api": _in_savepoint(lambda: way_api(case, secretariat)),
        "loader": _in_savepoint(lambda: way_loader(case, secretariat)),
    }
    if case.grid != NOT_FOR_GRID:
        outcomes["grid"] = _in_savepoint(lambda: way_grid(case, secretariat, client))
    for way, (accepted, problems, stored) in outcomes.items():
        expected = case.loader if way == "loader" and case.loader != "same" else case.expected
        if expected is OK:
            assert accepted, (way, problems)
            if case.stored is not None:
                assert stored == case.stored, way
        else:
            column, fragment = expected
            assert not accepted, way
            assert len(problems) == 1, (way, problems)
            found_column, message = problems[0]
            assert found_column in (column, None), (way, problems)
            assert fragment in message, (way, message)
    messages = {way: problems[0][1] for way, (accepted, problems, _s) in outcomes.items() if problems}
    if case.loader == "same":
        assert len(set(messages.values())) <= 1, messages  # word for word the same
    else:
        assert len({m for way, m in messages.items() if way != "loader"}) <= 1, messages


def test_the_table_is_large_enough_and_covers_every_value_type():
    assert len(CASES) >= 40
    value_types = set(
        IndicatorPart.objects.filter(
            indicator__code__in=[c.part[0] for c in CASES], code__in=[c.part[1] for c in CASES]
        ).values_list("value_type", flat=True)
    )
    assert value_types >= {"number", "percent", "money", "count", "rank", "boolean", "ordinal", "country_set"}
