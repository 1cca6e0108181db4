"""The report's charts to take away: the edition's page links each chart to its SVG and PNG,
drawn by the same code as the report, with the edition's title, the source and the date of its
data in the picture."""

import re
import struct

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tests.reports.conftest import TITLES_2021

pytestmark = pytest.mark.django_db

LANGUAGES = ("en", "zh-hans", "ru")


def _words(markup: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", " ", markup))


def test_the_edition_page_links_the_summary_chart_and_each_part_chart(edition_2021, client):
    html = client.get("/en/reports/2021/").content.decode()
    assert 'href="/en/reports/2021/charts/summary.svg" download' in html
    assert 'href="/en/reports/2021/charts/summary.png" download' in html
    assert 'href="/en/reports/2021/charts/TRD-OC-1/FUEL_CAREC.svg" download' in html
    links = set(re.findall(r'href="(/en/reports/2021/charts/[^"]+\.svg)"', html))
    assert len(links) > 10
    for link in sorted(links)[:5]:
        assert client.get(link).status_code == 200, link


def test_the_standalone_report_file_has_no_links_to_the_site(edition_2021):
    from reports import selectors
    from reports.render import report_render

    html = report_render(selectors.edition_content(edition_2021), None, language="en", format="html").decode()
    assert "/charts/summary.svg" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_report_chart_carries_the_edition_source_and_publication_date_in_the_language(edition_2021, client, language):
    from reports.formatting import long_date

    response = client.get(f"/{language}/reports/2021/charts/TRD-OC-1/FUEL_CAREC.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    words = _words(response.content.decode())
    with translation.override(language):
        dated = translation.gettext("Data as of %(date)s") % {
            "date": long_date(edition_2021.published_at.date(), language)
        }
        source = translation.gettext("Source: %(source)s") % {"source": ""}
    assert re.sub(r"\s+", "", TITLES_2021[language]) in words
    assert re.sub(r"\s+", "", dated) in words and re.sub(r"\s+", "", source) in words
    summary = client.get(f"/{language}/reports/2021/charts/summary.png")
    assert summary.status_code == 200 and summary.content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", summary.content[16:24])
    assert width == 2 * 640 and height > 200


def test_report_charts_take_the_same_queries_whatever_the_chart(edition_2021, client):
    counts = set()
    for url in ("/en/reports/2021/charts/summary.svg", "/en/reports/2021/charts/TRD-OC-1/FUEL_CAREC.png"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.add(len(captured))
    assert counts == {2}  # the edition, its frozen snapshot


def test_unknown_report_charts_and_drafts_are_404_for_the_public(draft_2024, client):
    assert client.get("/en/reports/2021/charts/TRD-OC-1/NOPE.svg").status_code == 404
    assert client.get("/en/reports/2021/charts/NOPE/FUEL_CAREC.svg").status_code == 404
    assert client.get("/en/reports/1999/charts/summary.svg").status_code == 404
    assert client.get("/en/reports/2024/charts/summary.svg").status_code == 404  # a draft: not public
