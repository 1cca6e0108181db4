"""The public pages in each language: what officials and the public see."""

import re

import pytest

from clusters.models import Sector
from indicators.models import Indicator
from progress.models import IndicatorRating

pytestmark = pytest.mark.django_db
LANGUAGES = ["en", "zh-hans", "ru"]
PAGES = [
    ("home", ()),
    ("cluster_detail", ("C2",)),
    ("sector_detail", ("TRD",)),
    ("indicator_detail", ("TRD-OC-1",)),
    ("indicator_index", ()),
    ("country_index", ()),
    ("country_detail", ("KAZ",)),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_every_page_renders_in_every_language(rated, page, name, args, language):
    response = page(language, name, *args)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_root_redirects_to_the_browsers_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9").url == "/ru/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").url == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").url == "/en/"


def test_the_language_switcher_keeps_the_same_page_and_its_filters(rated, client):
    html = client.get("/en/indicators/?cluster=C2&year=2021").content.decode()
    assert 'href="/ru/indicators/?cluster=C2&amp;year=2021" hreflang="ru"' in html
    assert 'href="/zh-hans/indicators/?cluster=C2&amp;year=2021" hreflang="zh-hans"' in html
    html = client.get("/ru/sectors/TRD/").content.decode()
    assert 'href="/en/sectors/TRD/" hreflang="en"' in html
    assert re.search(r'href="/ru/sectors/TRD/"[^>]*aria-current="true"', html)


def test_no_page_references_an_external_script_or_stylesheet(rated, page):
    for name, args in PAGES:
        for language in LANGUAGES:
            html = page(language, name, *args).content.decode()
            assets = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"', html)
            assert assets, name
            assert all(a.startswith("/static/") for a in assets), (name, assets)
            assert "cdn" not in html.lower()


def test_the_home_page_counts_prf_indicators_on_track_for_the_chosen_year(rated, page):
    rows = IndicatorRating.objects.filter(as_of=2021, indicator__level="prf")
    on_track = rows.filter(rating__in=["achieved", "on_track"]).count()
    html = page("en", "home", year=2021).content.decode()
    assert f"{on_track} of {rows.count()} PRF indicators are achieved or on track (2021)." in html
    # each cluster and sector has its summary: a bar and its counts in words
    trade = IndicatorRating.objects.filter(as_of=2021, indicator__result__sector__code="TRD")
    improving = trade.filter(rating="improving").count()
    assert re.search(rf"Improving: <strong>{improving}</strong>", html)
    assert html.count('class="bar"') == 1 + 5 + Sector.objects.count()


def test_the_sector_page_shows_the_results_chain_with_each_indicators_values(rated, page):
    html = page("en", "sector_detail", "TRD", year=2021).content.decode()
    outcome, output = html.index("TRD OC 1</span>"), html.index("TRD OP 1</span>")
    assert outcome < output  # outcome, then the outputs that serve it
    row = re.search(r"Fuel trade within CAREC.*?</tr>", html, re.S).group(0)
    assert "0.48" in row and "(2017)" in row  # baseline
    assert "0.55" in row and "(2020)" in row  # latest value
    assert "2023: 0.84" in row  # next milestone
    assert 'class="badge rating-off_track">Off track<' in row  # colour and text


def test_numbers_follow_the_language(rated, page):
    assert "0,55" in page("ru", "sector_detail", "TRD", year=2021).content.decode()
    html = page("en", "sector_detail", "TRD", year=2021).content.decode()
    assert "4,920,258" in html  # grouped from 10,000
    assert "4\xa0920\xa0258" in page("ru", "sector_detail", "TRD", year=2021).content.decode()


def test_framework_text_not_yet_translated_is_marked_as_english(rated, page):
    Indicator.objects.filter(code="TRD OP 2").update(statement_ru="")
    html = page("ru", "sector_detail", "TRD").content.decode()
    english = Indicator.objects.get(code="TRD OP 2").statement_en
    assert f'<span lang="en">{english}</span> <span class="untranslated">' in html
    assert '<span class="untranslated">' not in page("zh-hans", "sector_detail", "TRD").content.decode()


def test_the_cluster_page_shows_each_sector_with_its_chain(rated, page):
    html = page("en", "cluster_detail", "C2").content.decode()
    for code in ("TRD", "TSM", "ECD"):
        assert f'id="sector-{code}"' in html
    assert "ECD OC 1</span>" in html


def test_the_indicator_page_draws_a_chart_per_part_with_its_table_and_downloads(rated, page):
    html = page("en", "indicator_detail", "TRD-OC-1", year=2021).content.decode()
    assert html.count('data-figure="part-') == 4
    assert html.count('<script type="application/json" id="part-') == 4
    assert '"name":"Expected path"' in html and '"name":"Trend"' in html and '"name":"Milestone"' in html
    assert "/en/indicators/TRD-OC-1/FUEL_CAREC/series.csv?year=2021" in html
    assert "/en/indicators/TRD-OC-1/FUEL_CAREC/series.xlsx?year=2021" in html
    assert "Baseline and its revisions" in html and "Risks" in html
    assert 'class="narrative"' not in html  # no narrative yet: nothing shown


def test_the_indicator_page_breaks_the_latest_year_down_by_country(rated, page):
    html = page("en", "indicator_detail", "TRD-OC-1.1", year=2021).content.decode()
    assert "By country, 2020" in html  # 2021 onward are forecasts, never shown as actuals
    assert 'data-figure="part-export_growth-countries-data"' in html
    assert "Kazakhstan" in html


def test_the_tables_download_as_csv_and_xlsx(rated, client):
    response = client.get("/en/indicators/TRD-OC-1/FUEL_CAREC/series.csv?year=2021")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="TRD-OC-1_FUEL_CAREC.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Year,Baseline,Actual (region),Milestone kind,Milestone,Expected path,Trend"
    assert lines[1].startswith("2017,0.48,")
    response = client.get("/ru/indicators/TRD-OC-1.1/EXPORT_GROWTH/countries.xlsx")
    assert response.content[:2] == b"PK"
    assert client.get("/en/indicators/TRD-OC-1/FUEL_CAREC/countries.csv").status_code == 404  # no country data
    assert client.get("/en/indicators/TRD-OC-1/NOPE/series.csv").status_code == 404


def test_the_country_page_shows_the_members_values_in_indicators_with_country_data(rated, page):
    html = page("en", "country_detail", "KAZ").content.decode()
    assert html.count('data-figure="country-part-') == 9
    assert "TRD OC 1.1" in html and "Kazakhstan" in html
    assert page("en", "country_detail", "XYZ").status_code == 404
    html = page("en", "country_detail", "AFG").content.decode()
    assert "Member from" in html


def _listed(html: str) -> set[str]:
    return set(re.findall(r'<th scope="rowgroup"[^>]*>\s*<a href="/en/indicators/([^/]+)/', html))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"cluster": "C3"}, lambda: Indicator.objects.filter(result__sector__cluster__code="C3")),
        ({"sector": "ECD"}, lambda: Indicator.objects.filter(result__sector__code="ECD")),
        ({"level": "sector"}, lambda: Indicator.objects.filter(level="sector")),
        (
            {"theme": "CC"},
            lambda: (
                Indicator.objects.filter(themes__code="CC")
                | Indicator.objects.filter(result__sector__themes__code="CC")
            ),
        ),
        (
            {"country": "KAZ"},
            lambda: Indicator.objects.filter(
                parts__observations__country__code="KAZ", parts__observations__status="approved"
            ),
        ),
        (
            {"rating": "improving", "year": "2021"},
            lambda: Indicator.objects.filter(ratings__as_of=2021, ratings__rating="improving"),
        ),
    ],
)
def test_the_indicator_list_filters_with_shareable_urls(rated, client, params, expected):
    html = client.get("/en/indicators/", params).content.decode()
    assert _listed(html) == {i.slug for i in expected().distinct()}
    assert _listed(html)


def test_an_unknown_filter_value_is_ignored(rated, client):
    everything = _listed(client.get("/en/indicators/").content.decode())
    assert _listed(client.get("/en/indicators/?cluster=NOPE&sector=ECD").content.decode()) == {
        i.slug for i in Indicator.objects.filter(result__sector__code="ECD")
    }
    assert len(everything) == Indicator.objects.count()


def test_unknown_pages_are_404(rated, client):
    for url in ("/en/sectors/NOPE/", "/en/clusters/NOPE/", "/en/indicators/NOPE-1/"):
        assert client.get(url).status_code == 404


def test_the_approved_narrative_of_the_year_is_shown_and_a_draft_is_not(rated, page):
    from workflow.models import Narrative

    indicator = Indicator.objects.get(code="TRD OC 1")
    Narrative.objects.create(indicator=indicator, year=2021, text_en="Fuel trade fell in 2020.", status="approved")
    Narrative.objects.create(indicator=indicator, year=2022, text_en="Draft words.", status="draft")
    html = page("en", "indicator_detail", "TRD-OC-1", year=2021).content.decode()
    assert 'class="narrative"' in html and "Fuel trade fell in 2020." in html
    assert 'class="narrative"' not in page("en", "indicator_detail", "TRD-OC-1", year=2022).content.decode()
    ru = page("ru", "indicator_detail", "TRD-OC-1", year=2021).content.decode()
    assert '<span lang="en">Fuel trade fell in 2020.</span> <span class="untranslated">' in ru


def test_the_list_form_shows_the_year_it_rates_for(rated, client):
    from reports.dashboards.indicator_pages import report_scope

    year = report_scope().as_of
    html = client.get("/en/indicators/?cluster=C2").content.decode()
    assert f'<option value="{year}" selected>{year}</option>' in html and f"rated for {year}." in html
    html = client.get("/en/indicators/?cluster=C2&year=2021").content.decode()
    assert '<option value="2021" selected>2021</option>' in html


def test_an_untranslated_cluster_name_is_marked_on_the_home_page(rated, page):
    from clusters.models import Cluster

    Cluster.objects.filter(code="C4").update(name_zh_hans="")
    html = page("zh-hans", "home").content.decode()
    assert '<span lang="en">Agriculture and Water</span> <span class="untranslated">' in html


def test_the_home_page_shows_a_published_editions_cut_off_year(rated, page):
    import datetime

    from django.utils import timezone

    from progress.models import RatingMethod
    from reports.models import ReportEdition

    ReportEdition.objects.create(
        code="defr-2021",
        title_en="DEfR 2021",
        period_start=datetime.date(2018, 1, 1),
        period_end=datetime.date(2020, 12, 31),
        cut_off=2021,
        method=RatingMethod.objects.get(is_default=True),
        status="published",
        published_at=timezone.now(),
    )
    html = page("en", "home", edition="defr-2021").content.decode()
    assert "PRF indicators are achieved or on track (2021)." in html
    assert '<option value="defr-2021" selected>DEfR 2021</option>' in html
    assert '<option value="2021" selected>2021</option>' in html
