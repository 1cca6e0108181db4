"""The public reporting-status page: its counts match the database, counted another way, and its
queries do not grow with the data."""

import pytest
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import translation

from clusters.models import Country, Sector
from indicators.models import IndicatorPart, Observation, ReportingYear
from tests import factories
from workflow import services
from workflow.entry import Entry
from workflow.models import Role

pytestmark = pytest.mark.django_db


def url(language="en", **query):
    with translation.override(language):
        path = reverse("reporting_status")
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def counted_by_hand(year: int, sector: Sector) -> tuple[int, int, int]:
    """Expected, approved and pending values of a sector in a year, counted one part at a time."""
    members = Country.objects.members_in(year).count()
    expected = approved = pending = 0
    for part in IndicatorPart.objects.filter(indicator__result__sector=sector):
        expected += 1 if part.aggregation == IndicatorPart.Aggregation.REGION_ONLY else 1 + members
        cells = Observation.objects.filter(part=part, year=year).exclude(status="superseded")
        approved_cells = cells.filter(status="approved")
        approved += approved_cells.values("country_id").distinct().count()
        pending += (
            cells.exclude(status="approved")
            .exclude(Exists(approved_cells.filter(country_id=OuterRef("country_id"))))
            .values("country_id")
            .distinct()
            .count()
        )
    return expected, approved, pending


@pytest.fixture
def entered(db):
    factories.open_year(2025)
    secretariat = factories.user("sec", groups=(Role.SECRETARIAT,))
    focal = factories.focal_point("trd-fp", "TRD")
    written = services.entries_save(
        user=secretariat,
        entries=[
            Entry(indicator="TRD OC 1.2", part="GOODS_TRADE_CAREC_SHARE", country=c, year=2025, value="30", ref=c)
            for c in ("KAZ", "UZB", "KGZ")
        ],
    ).observations
    for observation in written.values():
        services.observation_submit(user=secretariat, observation=observation)
    services.observation_approve(user=focal, observation=written["KAZ"])
    return written


def test_the_counts_match_the_database(client, entered):
    response = client.get(url(year=2025))
    assert response.status_code == 200
    context = response.context
    assert context["year"] == 2025
    for sector, cells in context["rows"]:
        if sector is None:
            continue
        expected = sum(c.expected for _name, c in cells)
        approved = sum(c.approved for _name, c in cells)
        pending = sum(c.pending for _name, c in cells)
        assert (expected, approved, pending) == counted_by_hand(2025, sector), sector.code
    trd = next(cells for sector, cells in context["rows"] if sector and sector.code == "TRD")
    by_place = dict(trd)
    assert by_place["Kazakhstan"].approved == 1 and by_place["Uzbekistan"].pending == 1
    assert "Afghanistan" not in by_place  # not a member in 2025: nothing expected of it
    html = response.content.decode()
    assert "Reporting status" in html and 'class="data heatmap"' in html


def test_every_reporting_year_is_counted(client, entered):
    opened = set(ReportingYear.objects.values_list("year", flat=True))
    loaded = set(Observation.objects.filter(status="approved").values_list("year", flat=True))
    by_year = {y: c for y, c, _status in client.get(url()).context["by_year"]}
    assert list(by_year) == sorted(opened | loaded)  # opened here, or published figures loaded
    assert client.get(url()).context["year"] == max(loaded - opened)  # the latest year the public reads
    total = by_year[2025]
    hand = [counted_by_hand(2025, s) for s in Sector.objects.all()]
    assert total.approved == sum(h[1] for h in hand) and total.pending == sum(h[2] for h in hand)


def test_in_three_languages_and_a_fixed_number_of_queries(client, entered, django_assert_max_num_queries):
    assert "Статус отчётности" in client.get(url("ru")).content.decode()
    assert "报告状态" in client.get(url("zh-hans")).content.decode()
    with django_assert_max_num_queries(12) as few:
        client.get(url(year=2025))
    factories.open_year(2024)
    secretariat = factories.user("sec2", groups=(Role.SECRETARIAT,))
    services.entries_save(
        user=secretariat,
        entries=[
            Entry(indicator="TRD OC 1.2", part="GOODS_TRADE_CAREC_SHARE", country=c, year=2024, value="31", ref=c)
            for c in ("KAZ", "UZB", "KGZ", "TJK", "MNG", "PAK")
        ],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(year=2025))


def test_every_page_links_to_it(client, db):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{url()}"' in html
