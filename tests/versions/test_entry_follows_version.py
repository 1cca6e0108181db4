"""The ways in follow the framework version in force for the year being entered: after the 2027
revision (tests.versions.test_revision) the entry grid and the upload template of a year offer
the parts measured that year, and the one way in refuses a value of a part in a year outside its
years, whichever way it comes (grid, file, API), in the user's language, writing nothing."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clusters.models import in_force_holds
from imports.services import upload_create, upload_process
from indicators.expected import expected_places, members_by_year, parts_of
from indicators.models import IndicatorPart, Observation
from reports.dashboards.status import reporting_status
from tests import factories
from tests.versions.test_revision import _draft, _endorse, framework, secretariat  # noqa: F401
from workflow.entry import Entry, entries_check, facts_load

pytestmark = pytest.mark.django_db

CORRIDORS = {"ROAD_SWD_EW", "ROAD_SWD_NS"}
UNTIL = "Part %(part)s of %(indicator)s is not measured in %(year)s: a framework revision measures it until %(until)s."
FROM = "Part %(part)s of %(indicator)s is not measured in %(year)s: a framework revision measures it from %(from)s."


@pytest.fixture
def revised(secretariat, framework):  # noqa: F811
    for year in (2025, 2026, 2027):
        factories.open_year(year)
    return _endorse(secretariat, _draft(secretariat, framework))


@pytest.fixture
def signed_in(client, secretariat, revised):  # noqa: F811
    client.force_login(secretariat)
    return client


def part(code: str, indicator: str = "TRP OC 1") -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code=indicator, code=code)


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def retired_message(language: str, year: int = 2027) -> str:
    """The refusal of ROAD_SWD in a year after 2026, as the user reads it in their language."""
    with translation.override(language):
        return _(UNTIL) % {"part": "ROAD_SWD", "indicator": "TRP OC 1", "year": year, "until": 2026}


def added_message(language: str, code: str = "ROAD_SWD_EW", year: int = 2025) -> str:
    with translation.override(language):
        return _(FROM) % {"part": code, "indicator": "TRP OC 1", "year": year, "from": 2027}


def grid_parts(response) -> list[str]:
    return list(dict.fromkeys(cell.part.code for cell in response.context["rows"]))


def written(code: str, year: int) -> int:
    return Observation.objects.filter(part__indicator__code="TRP OC 1", part__code=code, year=year).count()


# --- the rule ---------------------------------------------------------------------------------


def test_the_python_rule_agrees_with_the_query_rule(revised):
    parts = list(IndicatorPart.objects.filter(indicator__code__in=["TRP OC 1", "TRD OC 1.1", "TRP OC 1.9"]))
    assert any(p.in_force_from for p in parts) and any(p.in_force_until for p in parts)
    for year in (2025, 2026, 2027, 2028):
        in_force = set(IndicatorPart.objects.in_force(year).filter(pk__in=[p.pk for p in parts]))
        assert {p for p in parts if in_force_holds(year, p.in_force_from, p.in_force_until)} == in_force


# --- the entry grid ---------------------------------------------------------------------------


def test_the_2027_grid_offers_the_corridors_and_not_the_road_part_it_split(signed_in):
    response = signed_in.get(url("workflow:entry_grid", "TRP-OC-1", 2027))
    assert response.status_code == 200
    shown = grid_parts(response)
    assert set(shown) >= CORRIDORS and "ROAD_SWD" not in shown
    assert "RAIL_SWD" in shown  # an untouched part goes on


def test_the_2026_grid_offers_the_road_part_and_not_the_corridors(signed_in):
    response = signed_in.get(url("workflow:entry_grid", "TRP-OC-1", 2026))
    assert response.status_code == 200
    shown = grid_parts(response)
    assert "ROAD_SWD" in shown and not CORRIDORS & set(shown)


def test_the_grid_shows_the_baseline_governing_its_year(signed_in):
    fuel = part("FUEL_WORLD", "TRD OC 1")
    old, new = fuel.baselines.get(in_force_until=2026), fuel.baselines.get(in_force_from=2027)
    assert old.value_number != new.value_number

    def baseline(year):
        response = signed_in.get(url("workflow:entry_grid", "TRD-OC-1", year))
        return next(cell.part.baseline for cell in response.context["rows"] if cell.part.code == "FUEL_WORLD")

    assert baseline(2026) == old and baseline(2027) == new


def test_the_grid_costs_the_same_queries_in_either_version(signed_in, django_assert_num_queries):
    signed_in.get(url("workflow:entry_grid", "TRP-OC-1", 2027))  # the session and caches warm
    with django_assert_num_queries(14) as before:
        signed_in.get(url("workflow:entry_grid", "TRP-OC-1", 2026))
    with django_assert_num_queries(len(before.captured_queries)):
        signed_in.get(url("workflow:entry_grid", "TRP-OC-1", 2027))


def test_a_retired_indicator_is_offered_for_2026_and_not_2027(signed_in):
    to_enter = signed_in.get(url("workflow:my_work")).context["to_enter"]
    offered = {(item.indicator.code, item.year.year) for _sector, items in to_enter for item in items}
    assert ("TRD OC 1.1", 2026) in offered and ("TRD OC 1.1", 2027) not in offered
    assert ("TRP OC 1.9", 2027) in offered and ("TRP OC 1.9", 2026) not in offered  # added from 2027
    assert ("TRP OC 1", 2026) in offered and ("TRP OC 1", 2027) in offered

    assert signed_in.get(url("workflow:entry_grid", "TRD-OC-1.1", 2026)).status_code == 200
    response = signed_in.get(url("workflow:entry_grid", "TRD-OC-1.1", 2027), follow=True)
    assert response.redirect_chain[-1][0] == url("workflow:my_work")
    assert "TRD OC 1.1 is not measured in 2027" in response.content.decode()


# --- the upload template ----------------------------------------------------------------------


def template(client, year: int, fmt: str):
    return client.get(url("imports:template"), {"sector": "TRP", "year": str(year), "format": fmt})


@pytest.mark.parametrize(
    ("year", "listed", "left_out"), [(2027, CORRIDORS, {"ROAD_SWD"}), (2026, {"ROAD_SWD"}, CORRIDORS)]
)
def test_the_csv_template_lists_the_parts_measured_that_year(signed_in, year, listed, left_out):
    rows = list(csv.DictReader(io.StringIO(template(signed_in, year, "csv").content.decode("utf-8-sig"))))
    codes = {row["part"] for row in rows if row["indicator"] == "TRP OC 1"}
    assert listed <= codes and not left_out & codes
    assert ("TRP OC 1.9" in {row["indicator"] for row in rows}) == (year == 2027)


def test_the_xlsx_template_lists_the_corridors_for_2027_and_not_the_road_part(signed_in):
    workbook = load_workbook(io.BytesIO(template(signed_in, 2027, "xlsx").content))
    data = workbook["data"]
    header = [cell.value for cell in data[1]]
    at_indicator, at_part = header.index("indicator"), header.index("part")
    codes = {row[at_part] for row in data.iter_rows(min_row=2, values_only=True) if row[at_indicator] == "TRP OC 1"}
    assert codes >= CORRIDORS and "ROAD_SWD" not in codes
    offered = {row[1] for row in workbook["lists"].iter_rows(values_only=True)}  # the drop-down of parts
    assert "ROAD_SWD_EW" in offered and "ROAD_SWD" not in offered


def test_the_template_costs_the_same_queries_in_either_version(signed_in, django_assert_max_num_queries):
    template(signed_in, 2027, "csv")  # the session and caches warm
    with django_assert_max_num_queries(20) as before:
        template(signed_in, 2026, "csv")
    with django_assert_max_num_queries(len(before.captured_queries)):
        template(signed_in, 2027, "csv")


# --- the one way in ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_the_grid_refuses_a_road_value_for_2027_posted_from_a_page_loaded_before(signed_in, language):
    road = part("ROAD_SWD")
    response = signed_in.post(
        url("workflow:entry_grid", "TRP-OC-1", 2027, language=language), {f"{road.pk}-R-value": "41.5", "save": ""}
    )
    assert response.status_code == 400
    assert escape(retired_message(language)) in response.content.decode()
    assert written("ROAD_SWD", 2027) == 0


def test_the_grid_saves_nothing_when_a_stale_road_value_comes_with_a_good_corridor_value(signed_in):
    road, east = part("ROAD_SWD"), part("ROAD_SWD_EW")
    response = signed_in.post(
        url("workflow:entry_grid", "TRP-OC-1", 2027),
        {f"{road.pk}-R-value": "41.5", f"{east.pk}-R-value": "44", "save": ""},
    )
    assert response.status_code == 400
    assert escape(retired_message("en")) in response.content.decode()
    assert written("ROAD_SWD", 2027) == written("ROAD_SWD_EW", 2027) == 0


def test_the_grid_accepts_the_road_part_for_2026_and_a_corridor_for_2027(signed_in):
    road, east = part("ROAD_SWD"), part("ROAD_SWD_EW")
    response = signed_in.post(url("workflow:entry_grid", "TRP-OC-1", 2026), {f"{road.pk}-R-value": "41.5", "save": ""})
    assert response.status_code == 302
    assert Observation.objects.get(part=road, year=2026, country=None).value_number == Decimal("41.5")
    response = signed_in.post(url("workflow:entry_grid", "TRP-OC-1", 2027), {f"{east.pk}-R-value": "44", "save": ""})
    assert response.status_code == 302
    assert Observation.objects.get(part=east, year=2027, country=None).value_number == Decimal("44")


def upload(user, rows: str, language: str):
    data = ("indicator,part,country,year,value\n" + rows).encode("utf-8")
    return upload_process(upload=upload_create(user=user, name="v.csv", data=data, dry_run=False, language=language))


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_an_uploaded_road_value_for_2027_is_refused_on_its_row_and_part(secretariat, revised, language):  # noqa: F811
    done = upload(secretariat, "TRP OC 1,ROAD_SWD_EW,CAREC,2027,44\nTRP OC 1,ROAD_SWD,CAREC,2027,41.5\n", language)
    assert done.status == "refused"
    assert [3, "part", retired_message(language)] in [error[:3] for error in done.errors]
    assert len(done.errors) == 1
    assert written("ROAD_SWD", 2027) == written("ROAD_SWD_EW", 2027) == 0


def test_an_uploaded_corridor_value_for_2025_is_refused_and_the_road_part_for_2026_accepted(
    secretariat,  # noqa: F811
    revised,
):
    done = upload(secretariat, "TRP OC 1,ROAD_SWD_NS,CAREC,2025,30\n", "ru")
    assert done.status == "refused"
    assert [error[:3] for error in done.errors] == [[2, "part", added_message("ru", "ROAD_SWD_NS")]]
    assert written("ROAD_SWD_NS", 2025) == 0
    done = upload(secretariat, "TRP OC 1,ROAD_SWD,CAREC,2026,41.5\n", "en")
    assert done.status == "done", done.errors
    assert written("ROAD_SWD", 2026) == 1


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


YEARS = (2025, 2026, 2027, 2028)
VALUE = {"indicator": "TRP OC 1", "part": "ROAD_SWD", "country": "CAREC", "year": 2027, "value": 41.5}


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_the_api_refuses_a_road_value_for_2027(secretariat, revised, language):  # noqa: F811
    response = api(secretariat).post(f"/api/v1/observations/?lang={language}", VALUE, format="json")
    assert response.status_code == 400
    assert response.json() == {"part": [retired_message(language)]}
    assert written("ROAD_SWD", 2027) == 0


def test_the_api_refuses_a_corridor_for_2025_and_accepts_the_road_part_for_2026(secretariat, revised):  # noqa: F811
    client = api(secretariat)
    response = client.post("/api/v1/observations/", VALUE | {"part": "ROAD_SWD_EW", "year": 2025}, format="json")
    assert response.status_code == 400 and response.json() == {"part": [added_message("en")]}
    response = client.post("/api/v1/observations/", VALUE | {"year": 2026}, format="json")
    assert response.status_code == 201, response.json()
    assert written("ROAD_SWD", 2026) == 1 and written("ROAD_SWD_EW", 2025) == 0


def test_the_check_reads_no_part_again_per_entry(secretariat, revised, django_assert_num_queries):  # noqa: F811
    facts = facts_load(user=secretariat)
    facts.can_enter(None, None)  # the user's rights, read once
    codes = ("ROAD_SWD", "ROAD_SWD_EW")
    entries = [Entry("TRP OC 1", code, "CAREC", year, "40", ref=(code, year)) for code in codes for year in YEARS] * 50
    with django_assert_num_queries(0):
        checked = entries_check(entries, facts, decimal_comma=False)
    refused = {ref for ref, column, _message in checked.errors if column == "part"}
    assert refused == {("ROAD_SWD", 2027), ("ROAD_SWD", 2028), ("ROAD_SWD_EW", 2025), ("ROAD_SWD_EW", 2026)}


# --- what is expected ---------------------------------------------------------------------------


def test_the_reporting_status_expects_values_only_of_the_parts_measured_each_year(revised):
    """The public status page and My work count the expected values with one rule
    (indicators.expected): the road part is expected up to 2026, the corridors from 2027."""
    members = members_by_year([2026, 2027])
    by_year = {year: counts for year, counts, _status in reporting_status(year=2027)["by_year"]}
    for year in (2026, 2027):
        measured = IndicatorPart.objects.in_force(year)
        places = {p.pk: 1 if p.aggregation == "region_only" else 1 + len(members[year]) for p in measured}
        assert by_year[year].expected == sum(places.values())
    parts = {p.pk: p for p in parts_of()}
    assert expected_places(parts[part("ROAD_SWD").pk], 2027, members[2027]) == []
    assert expected_places(parts[part("ROAD_SWD_EW").pk], 2026, members[2026]) == []
    assert expected_places(parts[part("ROAD_SWD_EW").pk], 2027, members[2027]) == [None]
