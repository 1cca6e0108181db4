"""A revision adds a part to an indicator in force, splits a result into new ones and merges
results into one. Nothing moves between results: the new results carry new indicators whose
parts continue the old parts' series, and the old results are retired with their indicators, so
that old editions keep their structure."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from clusters.models import Result
from indicators.models import Indicator, IndicatorPart
from tests.versions.test_preview import READ_QUERIES, _indicators, _keys, _parts, _read_queries, _results
from tests.versions.test_revision import (  # noqa: F401
    _corridor_part,
    _endorse,
    framework,
    secretariat,
)
from versions import services
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from versions.preview import version_preview
from versions.selectors import parts_in_force, version_in_force

pytestmark = pytest.mark.django_db

REASONS = {
    "add_part": {
        "en": "Air transport joins the corridor speeds.",
        "zh-hans": "航空运输纳入走廊速度。",
        "ru": "Воздушный транспорт добавляется к скоростям на коридорах.",
    },
    "split_result": {
        "en": "Trade and investment become separate outcomes.",
        "zh-hans": "贸易和投资成为独立的成果。",
        "ru": "Торговля и инвестиции становятся отдельными конечными результатами.",
    },
    "merge_results": {
        "en": "The tourism outputs are delivered together.",
        "zh-hans": "旅游产出合并交付。",
        "ru": "Результаты деятельности в сфере туризма достигаются совместно.",
    },
}
TRADE = {
    "en": "Expanded goods trade of CAREC countries",
    "zh-hans": "CAREC国家货物贸易扩大",
    "ru": "Расширение товарной торговли стран ЦАРЭС",
}
INVESTMENT = {
    "en": "More foreign direct investment in CAREC countries",
    "zh-hans": "CAREC国家的外国直接投资增加",
    "ru": "Рост прямых иностранных инвестиций в странах ЦАРЭС",
}
TOURISM = {
    "en": "Regional tourism projects and bodies in place",
    "zh-hans": "区域旅游项目和机构到位",
    "ru": "Региональные туристические проекты и органы созданы",
}
GOODS_STATEMENT = {"en": "Goods trade", "zh-hans": "货物贸易", "ru": "Товарная торговля"}
FDI_STATEMENT = {"en": "FDI inflows", "zh-hans": "外国直接投资流入", "ru": "Приток ПИИ"}
TOURISM_STATEMENT = {"en": "Tourism projects and meetings", "zh-hans": "旅游项目和会议", "ru": "Проекты и встречи"}
DATA_SOURCES = {"en": "CPMM reports", "zh-hans": "CPMM报告", "ru": "Отчёты CPMM"}
OLD = "TRD OC 1"
OLD_INDICATORS = ["TRD OC 1", "TRD OC 1.1", "TRD OC 1.2", "TRD OC 1.3", "TRD OC 1.4"]
MERGED = ["TSM OP 1", "TSM OP 2"]


def _part(code, en, zh, ru, source=None, unit="usd_million", value_type="money") -> dict:
    part = {**_corridor_part(code, en, zh, ru), "unit": unit, "value_type": value_type}
    return part if source is None else {**part, "from": source}


def _indicator(code, statement, *parts) -> dict:
    return {"code": code, "level": "sector", "statement": statement, "data_sources": DATA_SOURCES, "parts": list(parts)}


def _new_part() -> dict:
    return _corridor_part(
        "AIR_SWD", "Air: speed with delay", "航空：有延误速度", "Авиатранспорт: скорость с задержками"
    )


def _add_part(**overrides) -> dict:
    return {"indicator": "TRP OC 1", "part": _new_part(), **overrides}


def _trade() -> dict:
    return {
        "code": "TRD OC 2",
        "statement": TRADE,
        "indicators": [
            _indicator(
                "TRD OC 2.1",
                GOODS_STATEMENT,
                _part(
                    "GOODS",
                    "Goods trade",
                    "货物贸易",
                    "Товарная торговля",
                    {"indicator": "TRD OC 1.2", "part": "GOODS_TRADE"},
                ),
                _part(
                    "GOODS_SHARE",
                    "Intra-CAREC share of goods trade",
                    "CAREC内部货物贸易份额",
                    "Доля торговли внутри ЦАРЭС",
                    {"indicator": "TRD OC 1.2", "part": "GOODS_TRADE_CAREC_SHARE"},
                    unit="pct",
                    value_type="percent",
                ),
            )
        ],
    }


def _investment() -> dict:
    return {
        "code": "TRD OC 3",
        "level": "outcome",
        "statement": INVESTMENT,
        "indicators": [
            _indicator(
                "TRD OC 3.1",
                FDI_STATEMENT,
                _part(
                    "FDI",
                    "FDI inflows",
                    "外国直接投资流入",
                    "Приток ПИИ",
                    {"indicator": "TRD OC 1.3", "part": "FDI_INFLOWS"},
                ),
                _part("FDI_GREEN", "Greenfield FDI", "绿地投资", "Инвестиции с нуля"),
            )
        ],
    }


def _split(**overrides) -> dict:
    return {"result": OLD, "into": [_trade(), _investment()], **overrides}


def _tourism(**overrides) -> dict:
    count = {"unit": "count", "value_type": "count"}
    return {
        "code": "TSM OP 3",
        "statement": TOURISM,
        "indicators": [
            _indicator(
                "TSM OP 3",
                TOURISM_STATEMENT,
                _part(
                    "PROJECTS",
                    "Regional tourism projects",
                    "区域旅游项目",
                    "Региональные туристические проекты",
                    [
                        {"indicator": "TSM OP 1", "part": "REGIONAL_TA_PROJECTS"},
                        {"indicator": "TSM OP 1", "part": "TOURISM_PROJECTS_APPROVED"},
                    ],
                    **count,
                ),
                _part(
                    "MEETINGS",
                    "Expert group meetings",
                    "专家组会议",
                    "Заседания экспертной группы",
                    [{"indicator": "TSM OP 2", "part": "EXPERT_GROUP_MEETINGS"}],
                    **count,
                ),
            )
        ],
        **overrides,
    }


def _merge(**overrides) -> dict:
    return {"results": MERGED, "into": _tourism(), **overrides}


def _drafted(user, framework) -> FrameworkVersion:  # noqa: F811
    return services.version_draft_create(user=user, framework=framework, label="2027", applies_from=2027)


def _add(user, version, kind, payload) -> Change:
    return services.change_add(user=user, version=version, kind=kind, payload=payload, reason=REASONS[kind])


def _draft(user, framework) -> FrameworkVersion:  # noqa: F811
    version = _drafted(user, framework)
    _add(user, version, "add_part", _add_part())
    _add(user, version, "split_result", _split())
    _add(user, version, "merge_results", _merge())
    return version


def _lineage(version, indicator: str, part: str) -> tuple[str, set[tuple[str, str]], int | None]:
    new = IndicatorPart.objects.get(indicator__code=indicator, code=part)
    lineage = PartLineage.objects.get(version=version, part=new)
    return lineage.origin, {(s.indicator.code, s.code) for s in lineage.sources.all()}, new.in_force_from


def _codes(parts) -> set[tuple[str, str]]:
    return {(p.indicator.code, p.code) for p in parts}


def test_a_part_added_to_an_indicator_is_measured_from_the_revision(secretariat, framework):  # noqa: F811
    indicator = Indicator.objects.get(framework=framework, code="TRP OC 1")
    last = max(indicator.parts.values_list("order", flat=True))
    draft = _drafted(secretariat, framework)
    _add(secretariat, draft, "add_part", _add_part())
    assert not indicator.parts.filter(code="AIR_SWD").exists()  # a draft changes nothing

    version = _endorse(secretariat, draft)

    part = indicator.parts.get(code="AIR_SWD")
    assert (part.in_force_from, part.in_force_until, part.order) == (2027, None, last + 1)
    assert part.name_ru == _new_part()["name"]["ru"]
    assert _lineage(version, "TRP OC 1", "AIR_SWD") == ("new", set(), 2027)
    assert part in parts_in_force(version)
    assert part not in parts_in_force(version_in_force(framework, 2026))
    # the indicator's other parts go on, each with its own series
    assert set(parts_in_force(version).filter(indicator=indicator)) == set(indicator.parts.all())
    change = version.changes.get()
    assert change.before == {}
    assert (change.after["indicator"], change.after["code"]) == ("TRP OC 1", "AIR_SWD")
    assert change.after["statement"]["ru"] == indicator.statement_ru


def test_an_outcome_split_in_two_keeps_its_series_in_the_new_outcomes(secretariat, framework):  # noqa: F811
    old = Result.objects.get(framework=framework, code=OLD)
    old_indicators = list(old.indicators.order_by("order", "code"))
    assert [i.code for i in old_indicators] == OLD_INDICATORS
    old_parts = list(IndicatorPart.objects.filter(indicator__in=old_indicators))

    version = _endorse(secretariat, _draft(secretariat, framework))

    trade = Result.objects.get(framework=framework, code="TRD OC 2")
    investment = Result.objects.get(framework=framework, code="TRD OC 3")
    for result, statement in ((trade, TRADE), (investment, INVESTMENT)):
        assert (result.level, result.sector, result.parent) == ("outcome", old.sector, None)
        assert (result.in_force_from, result.in_force_until) == (2027, None)
        assert (result.statement_en, result.statement_zh_hans, result.statement_ru) == tuple(statement.values())
    goods = Indicator.objects.get(framework=framework, code="TRD OC 2.1")
    fdi = Indicator.objects.get(framework=framework, code="TRD OC 3.1")
    assert (goods.result, fdi.result) == (trade, investment)
    assert [p.code for p in goods.parts.order_by("order")] == ["GOODS", "GOODS_SHARE"]
    assert _lineage(version, "TRD OC 2.1", "GOODS") == ("split", {("TRD OC 1.2", "GOODS_TRADE")}, 2027)
    assert _lineage(version, "TRD OC 2.1", "GOODS_SHARE") == (
        "split",
        {("TRD OC 1.2", "GOODS_TRADE_CAREC_SHARE")},
        2027,
    )
    assert _lineage(version, "TRD OC 3.1", "FDI") == ("split", {("TRD OC 1.3", "FDI_INFLOWS")}, 2027)
    assert _lineage(version, "TRD OC 3.1", "FDI_GREEN") == ("new", set(), 2027)
    # the old outcome stays, with its indicators, up to the year before the revision
    old.refresh_from_db()
    assert (old.in_force_from, old.in_force_until) == (None, 2026)
    assert set(Result.objects.in_force(2026).filter(code__startswith="TRD OC").values_list("code", flat=True)) == {OLD}
    assert set(Result.objects.in_force(2027).filter(code__startswith="TRD OC").values_list("code", flat=True)) == {
        "TRD OC 2",
        "TRD OC 3",
    }
    assert old.indicators.count() == len(OLD_INDICATORS)  # nothing moved to the new results
    retirements = {r.indicator.code: r for r in Retirement.objects.filter(indicator__in=old_indicators)}
    assert set(retirements) == set(OLD_INDICATORS)
    assert {code: r.fate for code, r in retirements.items()} == {
        "TRD OC 1": "discontinued",
        "TRD OC 1.1": "discontinued",
        "TRD OC 1.2": "split",
        "TRD OC 1.3": "split",
        "TRD OC 1.4": "discontinued",
    }
    assert all(r.change.kind == "split_result" and r.version == version for r in retirements.values())
    assert _codes(retirements["TRD OC 1.2"].successors.all()) == {
        ("TRD OC 2.1", "GOODS"),
        ("TRD OC 2.1", "GOODS_SHARE"),
    }
    assert _codes(retirements["TRD OC 1.3"].successors.all()) == {("TRD OC 3.1", "FDI")}
    assert not retirements["TRD OC 1.1"].successors.exists()
    assert set(
        IndicatorPart.objects.filter(pk__in=[p.pk for p in old_parts]).values_list("in_force_until", flat=True)
    ) == {2026}
    assert not parts_in_force(version).filter(pk__in=[p.pk for p in old_parts]).exists()
    assert parts_in_force(version_in_force(framework, 2026)).filter(pk__in=[p.pk for p in old_parts]).count() == len(
        old_parts
    )
    # what the draft recorded: the old outcome with its indicators, the new ones with their sources
    change = version.changes.get(kind="split_result")
    assert change.before["code"] == OLD and [i["code"] for i in change.before["indicators"]] == OLD_INDICATORS
    trade_after, investment_after = change.after["results"]
    assert (trade_after["code"], trade_after["level"], trade_after["statement"]) == ("TRD OC 2", "outcome", TRADE)
    (fdi_after,) = investment_after["indicators"]
    assert [(p["code"], p["from"]) for p in fdi_after["parts"]] == [
        ("FDI", [{"indicator": "TRD OC 1.3", "code": "FDI_INFLOWS"}]),
        ("FDI_GREEN", []),
    ]


def test_two_outputs_of_an_outcome_merged_into_one(secretariat, framework):  # noqa: F811
    old = list(Result.objects.filter(framework=framework, code__in=MERGED).order_by("code"))
    outcome = old[0].parent
    assert {r.parent for r in old} == {outcome} and outcome.code == "TSM OC 1"

    version = _endorse(secretariat, _draft(secretariat, framework))

    merged = Result.objects.get(framework=framework, code="TSM OP 3")
    assert (merged.level, merged.parent, merged.sector) == ("output", outcome, old[0].sector)  # the first's outcome
    assert (merged.in_force_from, merged.statement_ru) == (2027, TOURISM["ru"])
    indicator = Indicator.objects.get(framework=framework, code="TSM OP 3")
    assert indicator.result == merged
    assert _lineage(version, "TSM OP 3", "PROJECTS") == (
        "merged",
        {("TSM OP 1", "REGIONAL_TA_PROJECTS"), ("TSM OP 1", "TOURISM_PROJECTS_APPROVED")},
        2027,
    )
    assert _lineage(version, "TSM OP 3", "MEETINGS") == ("split", {("TSM OP 2", "EXPERT_GROUP_MEETINGS")}, 2027)
    for result in old:
        result.refresh_from_db()
        assert result.in_force_until == 2026
    retirements = {r.indicator.code: r for r in Retirement.objects.filter(indicator__result__in=old)}
    assert {code: (r.fate, r.change.kind) for code, r in retirements.items()} == {
        "TSM OP 1": ("merged", "merge_results"),
        "TSM OP 2": ("merged", "merge_results"),
    }
    assert _codes(retirements["TSM OP 1"].successors.all()) == {("TSM OP 3", "PROJECTS")}
    assert _codes(retirements["TSM OP 2"].successors.all()) == {("TSM OP 3", "MEETINGS")}
    assert set(parts_in_force(version).filter(indicator__result__in=[*old, merged])) == set(indicator.parts.all())
    change = version.changes.get(kind="merge_results")
    assert [r["code"] for r in change.before["results"]] == MERGED
    assert (change.after["code"], change.after["outcome"]) == ("TSM OP 3", "TSM OC 1")


def _section(html: str, key: str) -> str:
    start = html.index(f'id="{key}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_what_changed_lists_the_added_part_and_the_split_and_merged_results_with_their_reasons(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    client,
    language,
):
    suffix = language.replace("-", "_")
    old = {r.code: getattr(r, f"statement_{suffix}") for r in Result.objects.filter(framework=framework)}
    _endorse(secretariat, _draft(secretariat, framework))

    page = client.get(f"/{language}/framework/changes/", {"from": "2020", "to": "2027"})

    assert page.status_code == 200
    html = unescape(page.content.decode())
    added, split, merged = _section(html, "added"), _section(html, "split"), _section(html, "merged")
    assert 'class="change change-add_part"' in added and REASONS["add_part"][language] in added
    assert "TRP OC 1 · AIR_SWD" in added and _new_part()["name"][language] in added
    assert 'class="change change-split_result"' in split and REASONS["split_result"][language] in split
    assert f"{OLD}: {old[OLD]}" in split
    assert f"TRD OC 2: {TRADE[language]}" in split and f"TRD OC 3: {INVESTMENT[language]}" in split
    assert f"TRD OC 3.1: {FDI_STATEMENT[language]}" in split
    assert "TRD OC 1.3 · FDI_INFLOWS" in split  # where the new part's series comes from
    assert 'class="change change-merge_results"' in merged and REASONS["merge_results"][language] in merged
    assert f"TSM OP 1: {old['TSM OP 1']}" in merged and f"TSM OP 2: {old['TSM OP 2']}" in merged
    assert f"TSM OP 3: {TOURISM[language]}" in merged
    assert "TSM OP 1 · REGIONAL_TA_PROJECTS, TSM OP 1 · TOURISM_PROJECTS_APPROVED" in merged
    with translation.override(language):
        kinds = [str(Change.Kind(kind).label) for kind in ("add_part", "split_result", "merge_results")]
    assert all(kind in html for kind in kinds)


def test_the_preview_marks_the_new_results_and_lists_the_retired_ones(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    monkeypatch,
):
    counts = _read_queries(monkeypatch)
    version = _draft(secretariat, framework)

    with translation.override("en"):
        preview = version_preview(user=secretariat, version=version)

    results = _results(preview)
    assert OLD not in results and "TSM OP 1" not in results
    for code in ("TRD OC 2", "TRD OC 3", "TSM OP 3"):
        assert _keys(results[code]) == ["new"], code
    assert results["TSM OP 3"]["serves"] == "TSM OC 1"
    assert _keys(_indicators(preview)["TRD OC 3.1"]) == ["new"]
    fdi = _parts(preview, "TRD OC 3.1")
    assert fdi["FDI"]["marks"][0]["sources"] == ["TRD OC 1.3 · FDI_INFLOWS"] and _keys(fdi["FDI_GREEN"]) == ["new"]
    assert _keys(_parts(preview, "TRP OC 1")["AIR_SWD"]) == ["new"]
    retired = {(item["what"], item["code"]): item for item in preview["retired"]}
    assert retired[("result", OLD)]["fate"] == "split into new results"
    assert retired[("result", OLD)]["went_to"] == ["TRD OC 2", "TRD OC 3"]
    assert retired[("result", "TSM OP 2")]["went_to"] == ["TSM OP 3"]
    assert retired[("indicator", "TRD OC 1.2")]["went_to"] == ["TRD OC 2.1 · GOODS", "TRD OC 2.1 · GOODS_SHARE"]
    assert retired[("indicator", "TRD OC 1.1")]["fate"] == "discontinued"
    assert counts and all(count <= READ_QUERIES for count in counts)
    assert not Result.objects.filter(code__in=["TRD OC 2", "TSM OP 3"]).exists()  # nothing is kept


@pytest.mark.parametrize(
    ("kind", "payload", "named"),
    [
        ("add_part", _add_part(indicator="TRP OC 7"), "No indicator “TRP OC 7” is in force in this framework."),
        ("add_part", _add_part(part={**_new_part(), "code": "ROAD_SWD"}), "already has a part “ROAD_SWD”"),
        ("add_part", _add_part(part={**_new_part(), "name": {"en": "Air"}}), "The name of part AIR_SWD has no text in"),
        ("add_part", {"indicator": "TRP OC 1"}, "This change needs part."),
        ("split_result", _split(into=[_trade()]), "A result is split into two or more new results."),
        ("split_result", _split(result="TRD OC 9"), "No outcome or output “TRD OC 9” in this framework."),
        (
            "split_result",
            _split(
                into=[
                    _trade(),
                    {
                        **_investment(),
                        "indicators": [
                            _indicator(
                                "TRD OC 3.1",
                                FDI_STATEMENT,
                                _part("FDI", "a", "b", "c", {"indicator": "TRP OC 1", "part": "ROAD_SWD"}),
                            )
                        ],
                    },
                ]
            ),
            "“TRP OC 1” is not an indicator in force of TRD OC 1.",
        ),
        (
            "split_result",
            _split(
                into=[
                    _trade(),
                    {
                        **_investment(),
                        "indicators": [
                            _indicator(
                                "TRD OC 3.1",
                                FDI_STATEMENT,
                                _part("FDI", "a", "b", "c", {"indicator": "TRD OC 1.3", "part": "GOODS_TRADE"}),
                            )
                        ],
                    },
                ]
            ),
            "Indicator “TRD OC 1.3” has no part “GOODS_TRADE” in force.",
        ),
        ("split_result", _split(into=[_trade(), {**_investment(), "code": "TRD OC 2"}]), "The code “TRD OC 2” is"),
        ("split_result", _split(into=[_trade(), {**_investment(), "code": "TRD OP 1"}]), "The code “TRD OP 1” is"),
        (
            "split_result",
            _split(
                into=[_trade(), {**_investment(), "indicators": [{**_trade()["indicators"][0], "code": "TRD OC 1.4"}]}]
            ),
            "The code “TRD OC 1.4” is already used by an indicator.",
        ),
        (
            "split_result",
            _split(into=[_trade(), {**_investment(), "level": "output", "outcome": OLD}]),
            "The new result TRD OC 3 cannot serve TRD OC 1: this change retires it.",
        ),
        ("split_result", _split(into=[_trade(), {**_investment(), "statement": {"en": "FDI"}}]), "has no text in"),
        ("merge_results", _merge(results=["TSM OP 1"]), "Two or more results are merged into one."),
        ("merge_results", _merge(results=[*MERGED, "TSM OP 1"]), "The result “TSM OP 1” is named twice."),
        ("merge_results", _merge(results=["TSM OP 1", "TSM OC 1"]), "must be all outcomes or all outputs."),
        ("merge_results", _merge(results=["TSM OP 1", "TSM OP 9"]), "No outcome or output “TSM OP 9”"),
        ("merge_results", _merge(into=_tourism(code="TSM OP 1")), "The code “TSM OP 1” is already used by a result."),
        (
            "merge_results",
            _merge(
                into=_tourism(
                    indicators=[
                        _indicator("TSM OP 3", TOURISM_STATEMENT, _part("X", "a", "b", "c", {"indicator": "TSM OC 1"}))
                    ]
                )
            ),
            "“TSM OC 1” is not an indicator in force of TSM OP 1, TSM OP 2.",
        ),
        (
            "merge_results",
            _merge(
                into=_tourism(indicators=[_indicator("TSM OP 3", TOURISM_STATEMENT, _part("X", "a", "b", "c", ["x"]))])
            ),
            "“from” of part X names parts of the indicators of TSM OP 1, TSM OP 2",
        ),
    ],
)
def test_a_change_that_would_not_apply_is_refused_naming_the_value_and_saves_nothing(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    kind,
    payload,
    named,
):
    results, indicators, parts = Result.objects.count(), Indicator.objects.count(), IndicatorPart.objects.count()
    version = _drafted(secretariat, framework)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _add(secretariat, version, kind, payload)
    assert any(named in message for message in refused.value.messages), refused.value.messages
    assert not version.changes.exists()
    assert (Result.objects.count(), Indicator.objects.count(), IndicatorPart.objects.count()) == (
        results,
        indicators,
        parts,
    )
    assert not Retirement.objects.exists() and not PartLineage.objects.filter(version=version).exists()
    assert not Result.objects.filter(in_force_until__isnull=False).exists()


def test_a_result_split_earlier_in_the_draft_cannot_be_merged(secretariat, framework):  # noqa: F811
    version = _drafted(secretariat, framework)
    _add(secretariat, version, "split_result", _split())
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _add(secretariat, version, "merge_results", _merge(results=[OLD, "TRD OC 2"]))
    assert "The result “TRD OC 1” has no indicator in force to retire." in refused.value.messages[0]
    assert list(version.changes.values_list("kind", flat=True)) == ["split_result"]
