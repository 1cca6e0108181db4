"""The admin is the secretariat's first tool: it shows the whole PRF in each language, loads
nothing from the network, and refuses bad values with a message instead of an error page."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from clusters.models import Result, Sector
from indicators.models import Indicator, IndicatorPart, Observation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_client_user):
    client.force_login(admin_client_user)
    return client


def _url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_indicator_list_shows_every_indicator(admin_client, language, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = admin_client.get(_url("admin:indicators_indicator_changelist", language), {"all": ""})
    assert response.status_code == 200
    html = response.content.decode()
    for code in Indicator.objects.values_list("code", flat=True):
        assert f">{code}<" in html


@pytest.mark.parametrize("language", ["en", "zh-hans", "ru"])
def test_indicator_page_has_parts_baselines_and_milestones_in_every_language(admin_client, language):
    indicator = Indicator.objects.get(code="TRD OC 1")
    response = admin_client.get(_url("admin:indicators_indicator_change", language, indicator.pk))
    assert response.status_code == 200
    html = response.content.decode()
    for part in IndicatorPart.objects.filter(indicator=indicator):
        assert part.code in html
        assert part.name_zh_hans in html and part.name_ru in html
    assert 'name="parts-0-baselines-0-year"' in html
    assert 'name="parts-0-milestones-0-year"' in html


def test_admin_loads_no_script_or_style_from_the_network(admin_client):
    indicator = Indicator.objects.get(code="TRP OP 2")
    html = admin_client.get(_url("admin:indicators_indicator_change", "en", indicator.pk)).content.decode()
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="((?:https?:)?//[^"]+)"', html)
    assert external == []
    assert "vendor/jquery-ui/jquery-ui.min.js" in html


def test_indicators_filter_by_cluster_and_sector(admin_client):
    sector = Sector.objects.get(code="TRP")
    response = admin_client.get(
        _url("admin:indicators_indicator_changelist", "en"), {"result__sector__id__exact": sector.pk}
    )
    html = response.content.decode()
    assert ">TRP OC 1<" in html and ">TRD OC 1<" not in html


def test_search_finds_an_indicator_by_part_name(admin_client):
    response = admin_client.get(_url("admin:indicators_indicator_changelist", "en"), {"q": "speed with delay"})
    html = response.content.decode()
    assert ">TRP OC 1<" in html and ">EFS<" not in html


def test_result_list_and_sector_pages_open(admin_client):
    for name, obj in [
        ("admin:clusters_result_change", Result.objects.get(code="HLT OP 2")),
        ("admin:clusters_sector_change", Sector.objects.get(code="ECD")),
    ]:
        assert admin_client.get(_url(name, "ru", obj.pk)).status_code == 200


def test_observation_admin_is_read_only_values_come_through_the_one_way_in(admin_client):
    part = IndicatorPart.objects.get(indicator__code="TRD OP 3", code="BODIES_FUNCTIONING")
    before = Observation.objects.count()
    response = admin_client.post(
        _url("admin:indicators_observation_add", "en"),
        {"part": part.pk, "year": 2023, "availability": "value", "value_boolean": "true", "status": "approved"},
    )
    assert response.status_code == 403
    assert Observation.objects.count() == before
    observation = Observation.objects.first()
    page = admin_client.get(_url("admin:indicators_observation_change", "en", observation.pk))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_narrative_admin_is_read_only_narratives_go_through_review(admin_client):
    from workflow.models import Narrative

    indicator = Indicator.objects.get(code="TRP OP 1")
    response = admin_client.post(
        _url("admin:workflow_narrative_add", "en"),
        {"indicator": indicator.pk, "year": 2023, "text_en": "x", "status": "approved"},
    )
    assert response.status_code == 403
    assert not Narrative.objects.exists()
