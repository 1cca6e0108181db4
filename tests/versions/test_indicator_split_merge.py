"""A revision splits a whole indicator into several, or merges several into one, and each new part
says where its series comes from: the old part it continues ("from"), the parts merged into it,
or none (a new series). The old indicators are retired, saying which parts continue them."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clusters.models import Result
from indicators.models import Indicator, IndicatorPart
from reports.dashboards.indicator_pages import indicator_page
from tests.versions.test_revision import (  # noqa: F401
    _corridor_part,
    _endorse,
    _endorse_one_change,
    framework,
    secretariat,
)
from tests.versions.test_series import _load, _regional
from versions import services
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from versions.selectors import parts_in_force, version_in_force

pytestmark = pytest.mark.django_db

REASONS = {
    "split": {
        "en": "Road and rail are reported by different agencies.",
        "zh-hans": "公路和铁路由不同机构报告。",
        "ru": "Данные по автомобильному и железнодорожному транспорту представляют разные ведомства.",
    },
    "merge": {
        "en": "Trade and investment flows are read together.",
        "zh-hans": "贸易和投资流量合并解读。",
        "ru": "Торговые и инвестиционные потоки рассматриваются вместе.",
    },
}
ROAD_STATEMENT = {
    "en": "Average road speed along the corridors",
    "zh-hans": "各走廊公路平均速度",
    "ru": "Средняя скорость автомобильного транспорта на коридорах",
}
RAIL_STATEMENT = {
    "en": "Average rail speed along the corridors",
    "zh-hans": "各走廊铁路平均速度",
    "ru": "Средняя скорость железнодорожного транспорта на коридорах",
}
FLOWS_STATEMENT = {
    "en": "Goods trade and foreign direct investment of CAREC countries",
    "zh-hans": "CAREC国家的货物贸易和外国直接投资",
    "ru": "Товарная торговля и прямые иностранные инвестиции стран ЦАРЭС",
}
DATA_SOURCES = {"en": "CPMM reports", "zh-hans": "CPMM报告", "ru": "Отчёты CPMM"}
OLD_PARTS = ["ROAD_SWD", "ROAD_SWOD", "RAIL_SWD", "RAIL_SWOD"]


def _part(code: str, en: str, zh: str, ru: str, source=None) -> dict:
    part = _corridor_part(code, en, zh, ru)
    return part if source is None else {**part, "from": source}


def _road() -> dict:
    return {
        "code": "TRP OC 1.1",
        "statement": ROAD_STATEMENT,
        "data_sources": DATA_SOURCES,
        "parts": [
            _part(
                "ROAD_SWD",
                "Road: speed with delay",
                "公路：有延误速度",
                "Автомобиль: скорость с задержками",
                "ROAD_SWD",
            ),
            _part(
                "ROAD_SWOD",
                "Road: speed without delay",
                "公路：无延误速度",
                "Автомобиль: скорость без задержек",
                "ROAD_SWOD",
            ),
        ],
    }


def _rail() -> dict:
    return {
        "code": "TRP OC 1.2",
        "result": "TRP OC 1",
        "statement": RAIL_STATEMENT,
        "data_sources": DATA_SOURCES,
        "parts": [
            _part(
                "RAIL_SWD", "Rail: speed with delay", "铁路：有延误速度", "Железная дорога: с задержками", "RAIL_SWD"
            ),
            _part(
                "RAIL_SWOD",
                "Rail: speed without delay",
                "铁路：无延误速度",
                "Железная дорога: без задержек",
                "RAIL_SWOD",
            ),
            _part("RAIL_DWELL", "Rail: border dwell time", "铁路：边境停留时间", "Железная дорога: простой на границе"),
        ],
    }


def _flows() -> dict:
    def money(code, en, zh, ru, sources=None):
        part = {**_corridor_part(code, en, zh, ru), "unit": "usd_million", "value_type": "money", "aggregation": "sum"}
        return part if sources is None else {**part, "from": sources}

    return {
        "code": "TRD OC 1.5",
        "level": "sector",
        "statement": FLOWS_STATEMENT,
        "data_sources": DATA_SOURCES,
        "parts": [
            money(
                "FLOWS",
                "Goods trade and FDI inflows",
                "货物贸易和外国直接投资流入",
                "Товарная торговля и приток ПИИ",
                [
                    {"indicator": "TRD OC 1.2", "part": "GOODS_TRADE"},
                    {"indicator": "TRD OC 1.3", "part": "FDI_INFLOWS"},
                ],
            ),
            money(
                "GOODS",
                "Goods trade",
                "货物贸易",
                "Товарная торговля",
                [{"indicator": "TRD OC 1.2", "part": "GOODS_TRADE"}],
            ),
            money("SERVICES", "Services trade", "服务贸易", "Торговля услугами"),
        ],
    }


def _split(**overrides) -> dict:
    return {"indicator": "TRP OC 1", "into": [_road(), _rail()], **overrides}


def _merge(**overrides) -> dict:
    return {"indicators": ["TRD OC 1.2", "TRD OC 1.3"], "into": _flows(), **overrides}


def _drafted(user, framework) -> FrameworkVersion:  # noqa: F811
    return services.version_draft_create(user=user, framework=framework, label="2027", applies_from=2027)


def _add(user, version, kind, payload) -> Change:
    reason = REASONS["split" if kind == "split_indicator" else "merge"]
    return services.change_add(user=user, version=version, kind=kind, payload=payload, reason=reason)


def _revised(user, framework) -> FrameworkVersion:  # noqa: F811
    version = _drafted(user, framework)
    _add(user, version, "split_indicator", _split())
    _add(user, version, "merge_indicators", _merge())
    return _endorse(user, version)


def _lineage(version, indicator: str, part: str) -> tuple[str, set[tuple[str, str]], int | None]:
    new = IndicatorPart.objects.get(indicator__code=indicator, code=part)
    lineage = PartLineage.objects.get(version=version, part=new)
    return lineage.origin, {(s.indicator.code, s.code) for s in lineage.sources.all()}, new.in_force_from


def test_an_indicator_split_in_two_continues_each_part_in_the_new_indicators(secretariat, framework):  # noqa: F811
    old = Indicator.objects.get(framework=framework, code="TRP OC 1")
    old_parts = list(old.parts.all())
    assert sorted(p.code for p in old_parts) == sorted(OLD_PARTS)
    draft = _drafted(secretariat, framework)
    _add(secretariat, draft, "split_indicator", _split())
    assert not Indicator.objects.filter(code="TRP OC 1.1").exists()  # a draft changes nothing

    version = _endorse(secretariat, draft)

    road = Indicator.objects.get(framework=framework, code="TRP OC 1.1")
    rail = Indicator.objects.get(framework=framework, code="TRP OC 1.2")
    assert road.result.code == rail.result.code == "TRP OC 1"  # the old one's by default, or named
    assert road.statement_ru == ROAD_STATEMENT["ru"] and rail.statement_zh_hans == RAIL_STATEMENT["zh-hans"]
    new_parts = list(IndicatorPart.objects.filter(indicator__in=[road, rail]))
    assert len(new_parts) == 5
    retirement = Retirement.objects.get(indicator=old)
    assert (retirement.version, retirement.fate, retirement.change.kind) == (version, "split", "split_indicator")
    assert set(retirement.successors.all()) == set(new_parts)
    assert {p.code: p.in_force_until for p in old.parts.all()} == dict.fromkeys(OLD_PARTS, 2026)
    for code in OLD_PARTS:
        indicator = "TRP OC 1.1" if code.startswith("ROAD") else "TRP OC 1.2"
        assert _lineage(version, indicator, code) == ("split", {("TRP OC 1", code)}, 2027)
    assert _lineage(version, "TRP OC 1.2", "RAIL_DWELL") == ("new", set(), 2027)
    in_force = parts_in_force(version)
    assert set(in_force.filter(indicator__in=[old, road, rail])) == set(new_parts)
    assert set(parts_in_force(version_in_force(framework, 2026)).filter(indicator=old)) == set(old_parts)
    # the parts the revision made have one lineage each, not a second "same" one
    assert PartLineage.objects.filter(version=version, part__in=new_parts).count() == 5
    # what the draft recorded: the old indicator with its parts, the new ones with their sources
    change = version.changes.get()
    assert change.before["code"] == "TRP OC 1" and [p["code"] for p in change.before["parts"]] == [
        p.code for p in sorted(old_parts, key=lambda p: (p.order, p.pk))
    ]
    rail_after = change.after["indicators"][1]
    assert rail_after["code"] == "TRP OC 1.2" and rail_after["statement"] == RAIL_STATEMENT
    assert [(p["code"], p["from"]) for p in rail_after["parts"]] == [
        ("RAIL_SWD", [{"indicator": "TRP OC 1", "code": "RAIL_SWD"}]),
        ("RAIL_SWOD", [{"indicator": "TRP OC 1", "code": "RAIL_SWOD"}]),
        ("RAIL_DWELL", []),
    ]


def test_two_indicators_merged_into_one_keep_their_parts_series(secretariat, framework):  # noqa: F811
    old = list(Indicator.objects.filter(framework=framework, code__in=["TRD OC 1.2", "TRD OC 1.3"]))
    old_parts = list(IndicatorPart.objects.filter(indicator__in=old))
    draft = _drafted(secretariat, framework)
    _add(secretariat, draft, "merge_indicators", _merge())

    version = _endorse(secretariat, draft)

    flows = Indicator.objects.get(framework=framework, code="TRD OC 1.5")
    assert flows.result.code == "TRD OC 1" and flows.level == "sector"
    new_parts = list(flows.parts.all())
    assert [p.code for p in new_parts] == ["FLOWS", "GOODS", "SERVICES"]
    retirements = Retirement.objects.filter(indicator__in=old)
    assert {(r.indicator.code, r.fate) for r in retirements} == {("TRD OC 1.2", "merged"), ("TRD OC 1.3", "merged")}
    assert all(set(r.successors.all()) == set(new_parts) for r in retirements)
    assert set(IndicatorPart.objects.filter(indicator__in=old).values_list("in_force_until", flat=True)) == {2026}
    assert _lineage(version, "TRD OC 1.5", "FLOWS") == (
        "merged",
        {("TRD OC 1.2", "GOODS_TRADE"), ("TRD OC 1.3", "FDI_INFLOWS")},
        2027,
    )
    assert _lineage(version, "TRD OC 1.5", "GOODS") == ("split", {("TRD OC 1.2", "GOODS_TRADE")}, 2027)
    assert _lineage(version, "TRD OC 1.5", "SERVICES") == ("new", set(), 2027)
    in_force = parts_in_force(version)
    assert set(in_force.filter(indicator__in=[*old, flows])) == set(new_parts)
    assert set(parts_in_force(version_in_force(framework, 2026)).filter(indicator__in=old)) == set(old_parts)
    change = version.changes.get()
    assert [i["code"] for i in change.before["indicators"]] == ["TRD OC 1.2", "TRD OC 1.3"]
    assert change.after["code"] == "TRD OC 1.5" and change.after["result"] == "TRD OC 1"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_what_changed_lists_the_split_and_the_merge_with_their_reasons(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    client,
    language,
):
    suffix = language.replace("-", "_")
    old = {i.code: getattr(i, f"statement_{suffix}") for i in Indicator.objects.filter(framework=framework)}
    _revised(secretariat, framework)

    page = client.get(f"/{language}/framework/changes/", {"from": "2020", "to": "2027"})

    assert page.status_code == 200
    html = unescape(page.content.decode())
    split = html[html.index('id="split"') : html.index("</section>", html.index('id="split"'))]
    merged = html[html.index('id="merged"') : html.index("</section>", html.index('id="merged"'))]
    assert 'class="change change-split_indicator"' in split and REASONS["split"][language] in split
    assert f"TRP OC 1: {old['TRP OC 1']}" in split
    assert f"TRP OC 1.1: {ROAD_STATEMENT[language]}" in split and f"TRP OC 1.2: {RAIL_STATEMENT[language]}" in split
    assert "TRP OC 1 · RAIL_SWOD" in split  # where the rail part's series comes from
    assert 'class="change change-merge_indicators"' in merged and REASONS["merge"][language] in merged
    assert f"TRD OC 1.2: {old['TRD OC 1.2']}" in merged and f"TRD OC 1.3: {old['TRD OC 1.3']}" in merged
    assert f"TRD OC 1.5: {FLOWS_STATEMENT[language]}" in merged
    assert "TRD OC 1.2 · GOODS_TRADE, TRD OC 1.3 · FDI_INFLOWS" in merged
    with translation.override(language):
        kinds = {str(Change.Kind.SPLIT_INDICATOR.label), str(Change.Kind.MERGE_INDICATORS.label)}
    assert all(kind in html for kind in kinds)


def test_what_changed_costs_the_same_queries_with_splits_and_merges_of_indicators(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    client,
    django_assert_num_queries,
):
    _endorse_one_change(secretariat, framework)
    with CaptureQueriesContext(connection) as one_change:
        assert client.get("/en/framework/changes/", {"from": "2020", "to": "2024"}).status_code == 200
    _revised(secretariat, framework)
    with django_assert_num_queries(len(one_change.captured_queries)):
        assert client.get("/en/framework/changes/", {"from": "2024", "to": "2027"}).status_code == 200


def test_the_old_indicator_page_links_to_the_indicators_that_continue_it(secretariat, framework, client):  # noqa: F811
    """What the indicator pages draw of a split of indicators. The old indicator's page says it
    was split and links each successor on its own indicator's page. Not covered here, because
    reports/dashboards/lineage.py and versions/series.py read the sources of a split or a merged
    part only among the parts of its own indicator: the new indicator's page draws no earlier
    series for a part split or merged from another indicator's part, and names no source."""
    _load(_regional("TRP OC 1", "RAIL_SWD", {2024: 15.0, 2025: 15.5}))
    _revised(secretariat, framework)
    _load(_regional("TRP OC 1.2", "RAIL_SWD", {2027: 16.0}))

    with translation.override("en"):
        html = unescape(client.get(reverse("indicator_detail", args=["TRP-OC-1"])).content.decode())
        rail_page = reverse("indicator_detail", args=["TRP-OC-1.2"])
        page = indicator_page(slug="TRP-OC-1.2")
    assert "Retired in version 2027." in html and REASONS["split"]["en"] in html
    assert f"{rail_page}#part-RAIL_SWD" in html and f"{rail_page}#part-RAIL_DWELL" in html
    rail = next(p for p in page["parts"] if p.code == "RAIL_SWD")
    assert [(a.year, a.value.number) for a in rail.series.actuals] == [(2027, 16.0)]
    assert client.get(rail_page).status_code == 200


@pytest.mark.parametrize(
    ("kind", "payload", "named"),
    [
        ("split_indicator", _split(into=[_road()]), "An indicator is split into two or more new indicators."),
        ("split_indicator", _split(indicator="TRP OC 7"), "No indicator “TRP OC 7” is in force in this framework."),
        (
            "split_indicator",
            _split(into=[_road(), {**_rail(), "parts": [{**_rail()["parts"][0], "from": "FUEL_WORLD"}]}]),
            "Indicator “TRP OC 1” has no part “FUEL_WORLD” in force.",
        ),
        (
            "split_indicator",
            _split(into=[_road(), {**_rail(), "parts": [{**_rail()["parts"][0], "from": ["RAIL_SWD"]}]}]),
            "“from” of part RAIL_SWD names one part of indicator TRP OC 1",
        ),
        (
            "split_indicator",
            _split(into=[_road(), {**_rail(), "code": "TRP OC 1.1"}]),
            "The code “TRP OC 1.1” is already used by an indicator.",
        ),
        (
            "split_indicator",
            _split(into=[_road(), {**_rail(), "code": "TRP OC 1"}]),
            "The code “TRP OC 1” is already used by an indicator.",
        ),
        (
            "split_indicator",
            _split(into=[_road(), {**_rail(), "result": "TRP OC 9"}]),
            "No outcome or output “TRP OC 9” in this framework.",
        ),
        (
            "split_indicator",
            _split(into=[_road(), {**_rail(), "statement": {"en": "Rail"}}]),
            "The indicator's statement has no text in",
        ),
        ("merge_indicators", _merge(indicators=["TRD OC 1.2"]), "Two or more indicators are merged into one."),
        (
            "merge_indicators",
            _merge(indicators=["TRD OC 1.2", "TRD OC 1.3", "TRD OC 1.2"]),
            "The indicator “TRD OC 1.2” is named twice.",
        ),
        ("merge_indicators", _merge(indicators=["TRD OC 1.2", "TRD OC 9"]), "No indicator “TRD OC 9” is in force"),
        (
            "merge_indicators",
            _merge(
                into={
                    **_flows(),
                    "parts": [{**_flows()["parts"][1], "from": [{"indicator": "TRD OC 1.4", "part": "X"}]}],
                }
            ),
            "“TRD OC 1.4” is not one of the indicators merged (TRD OC 1.2, TRD OC 1.3).",
        ),
        (
            "merge_indicators",
            _merge(
                into={
                    **_flows(),
                    "parts": [{**_flows()["parts"][1], "from": [{"indicator": "TRD OC 1.3", "part": "GOODS_TRADE"}]}],
                }
            ),
            "Indicator “TRD OC 1.3” has no part “GOODS_TRADE” in force.",
        ),
        (
            "merge_indicators",
            _merge(into={**_flows(), "parts": [{**_flows()["parts"][1], "from": "GOODS_TRADE"}]}),
            "“from” of part GOODS lists parts of the merged indicators",
        ),
        ("merge_indicators", _merge(into={**_flows(), "code": "TRD OC 1.4"}), "The code “TRD OC 1.4” is already used"),
    ],
)
def test_a_split_or_merge_that_would_not_apply_is_refused_naming_the_value(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    kind,
    payload,
    named,
):
    version = _drafted(secretariat, framework)
    with pytest.raises(ValidationError) as refused:
        _add(secretariat, version, kind, payload)
    assert any(named in message for message in refused.value.messages), refused.value.messages
    assert not version.changes.exists()
    assert not Indicator.objects.filter(code__in=["TRP OC 1.1", "TRP OC 1.2", "TRD OC 1.5"]).exists()
    assert not Retirement.objects.exists() and not Result.objects.filter(code="TRP OC 9").exists()


def test_an_indicator_split_earlier_in_the_draft_cannot_be_merged(secretariat, framework):  # noqa: F811
    version = _drafted(secretariat, framework)
    _add(secretariat, version, "split_indicator", _split())
    with pytest.raises(ValidationError) as refused:
        _add(secretariat, version, "merge_indicators", _merge(indicators=["TRP OC 1", "TRD OC 1.2"]))
    assert "No indicator “TRP OC 1” is in force in this framework." in refused.value.messages[0]
    assert list(version.changes.values_list("kind", flat=True)) == ["split_indicator"]
