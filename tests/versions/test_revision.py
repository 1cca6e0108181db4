"""A revision of the shipped PRF, drafted, endorsed and compared: issue 16's done-when, on the
foundation (the framework's tables, lineage, retirements, the "what changed" page and API)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Framework, Result
from indicators.models import Baseline, Indicator, IndicatorPart, Observation
from tests import factories
from versions import services
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from versions.selectors import parts_in_force, version_in_force
from workflow.models import AuditEntry, Role

ENDORSED_ON = datetime.date(2026, 11, 20)
MEETING = {
    "en": "25th Ministerial Conference",
    "zh-hans": "第二十五届部长级会议",
    "ru": "25-я Министерская конференция",
}
REASONS = {
    "retire": {
        "en": "Export growth is reported by the trade agenda.",
        "zh-hans": "出口增长由贸易议程报告。",
        "ru": "Рост экспорта отражается в торговой повестке.",
    },
    "split": {
        "en": "Corridors are measured one by one.",
        "zh-hans": "各走廊分别测量。",
        "ru": "Коридоры измеряются по отдельности.",
    },
    "reword": {
        "en": "The mid-term review narrows the outcome.",
        "zh-hans": "中期审查缩小了成果范围。",
        "ru": "Среднесрочный обзор сужает конечный результат.",
    },
    "rebase": {
        "en": "The source revised its fuel trade series.",
        "zh-hans": "来源修订了燃料贸易数据系列。",
        "ru": "Источник пересмотрел ряд торговли топливом.",
    },
    "add": {
        "en": "The digital strategy adds a sector indicator.",
        "zh-hans": "数字战略增加了一个行业指标。",
        "ru": "Цифровая стратегия добавляет секторальный показатель.",
    },
}
NEW_OUTCOME = {
    "en": "Faster and greener regional transport corridors",
    "zh-hans": "更快、更绿色的区域交通走廊",
    "ru": "Более быстрые и экологичные региональные транспортные коридоры",
}


def _milestones(source="PRF2020"):
    return [{"year": year, "kind": "not_set", "source": source} for year in (2020, 2023, 2026, 2029)]


def _corridor_part(code: str, en: str, zh: str, ru: str) -> dict:
    return {
        "code": code,
        "name": {"en": en, "zh-hans": zh, "ru": ru},
        "unit": "km_h",
        "value_type": "number",
        "direction": "increase",
        "aggregation": "region_only",
        "baseline": {"year": 2017, "availability": "not_available", "source": "PRF2020"},
        "milestones": _milestones(),
    }


NEW_INDICATOR = {
    "code": "TRP OC 1.9",
    "level": "sector",
    "statement": {
        "en": "Corridor sections with digital traffic monitoring",
        "zh-hans": "配备数字交通监测的走廊路段",
        "ru": "Участки коридоров с цифровым мониторингом движения",
    },
    "data_sources": {"en": "CPMM reports", "zh-hans": "CPMM报告", "ru": "Отчёты CPMM"},
    "parts": [
        {
            "code": "SECTIONS_MONITORED",
            "name": {"en": "Sections monitored", "zh-hans": "受监测路段", "ru": "Участки под мониторингом"},
            "unit": "count",
            "value_type": "count",
            "direction": "increase",
            "baseline": {"year": 2025, "availability": "value", "value": 3, "source": "PRF2020"},
            "milestones": _milestones(),
        }
    ],
}


@pytest.fixture
def secretariat(db):
    return factories.user("sec-versions", groups=(Role.SECRETARIAT,))


@pytest.fixture
def framework(db):
    return Framework.objects.get(code="CAREC2030")


def _draft(user, framework) -> FrameworkVersion:
    """The issue's revision: five changes, each with its reason in three languages."""
    version = services.version_draft_create(user=user, framework=framework, label="2027", applies_from=2027)
    add = services.change_add
    add(
        user=user,
        version=version,
        kind="retire_indicator",
        payload={"indicator": "TRD OC 1.1"},
        reason=REASONS["retire"],
    )
    add(
        user=user,
        version=version,
        kind="split_part",
        payload={
            "indicator": "TRP OC 1",
            "part": "ROAD_SWD",
            "into": [
                _corridor_part(
                    "ROAD_SWD_EW",
                    "Road, east–west corridors: speed with delay",
                    "公路（东西走廊）：有延误速度",
                    "Автомобильный транспорт, коридоры восток – запад: скорость с учётом задержек",
                ),
                _corridor_part(
                    "ROAD_SWD_NS",
                    "Road, north–south corridors: speed with delay",
                    "公路（南北走廊）：有延误速度",
                    "Автомобильный транспорт, коридоры север – юг: скорость с учётом задержек",
                ),
            ],
        },
        reason=REASONS["split"],
    )
    add(
        user=user,
        version=version,
        kind="reword",
        payload={"target": "result", "code": "TRP OC 1", "field": "statement", "text": NEW_OUTCOME},
        reason=REASONS["reword"],
    )
    add(
        user=user,
        version=version,
        kind="rebase",
        payload={
            "indicator": "TRD OC 1",
            "part": "FUEL_WORLD",
            "factor": "1.1",
            "note": {"en": "Series rebased", "zh-hans": "数据系列已重新定基", "ru": "Ряд пересчитан"},
        },
        reason=REASONS["rebase"],
    )
    add(
        user=user,
        version=version,
        kind="add_indicator",
        payload={"result": "TRP OC 1", "indicator": NEW_INDICATOR},
        reason=REASONS["add"],
    )
    return version


def _endorse_one_change(user, framework) -> FrameworkVersion:
    """A revision of a single change (2024: TRD OC 1.4 retired), for comparisons of one change
    against many."""
    small = services.version_draft_create(user=user, framework=framework, label="2024", applies_from=2024)
    services.change_add(
        user=user, version=small, kind="retire_indicator", payload={"indicator": "TRD OC 1.4"}, reason=REASONS["retire"]
    )
    return _endorse(user, small)


def _endorse(user, version) -> FrameworkVersion:
    services.version_submit(user=user, version=version)
    return services.version_endorse(user=user, version=version, endorsed_on=ENDORSED_ON, meeting=MEETING)


def test_shipped_prf_is_version_2020_endorsed_at_the_19th_ministerial_conference(framework):
    first = version_in_force(framework, 2024)
    assert (first.label, first.status, first.endorsed_on) == ("2020", "endorsed", datetime.date(2020, 12, 7))
    assert first.meeting_en == "19th Ministerial Conference" and first.meeting_ru and first.meeting_zh_hans


def test_revision_endorsed_changes_the_framework_and_keeps_the_history(secretariat, framework):
    road = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="ROAD_SWD")
    retired = Indicator.objects.get(framework=framework, code="TRD OC 1.1")
    retired_values = Observation.objects.filter(part__indicator=retired).count()
    assert retired_values > 0
    fuel = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_WORLD")
    old_baseline = fuel.baselines.current().get()

    version = _endorse(secretariat, _draft(secretariat, framework))

    assert version.status == FrameworkVersion.Status.ENDORSED and version.meeting_ru == MEETING["ru"]
    assert version_in_force(framework, 2026).label == "2020"
    assert version_in_force(framework, 2027) == version
    # (1) retired, kept with its values, out of the new version only
    assert Retirement.objects.get(indicator=retired).version == version
    assert Observation.objects.filter(part__indicator=retired).count() == retired_values
    first = version_in_force(framework, 2021)
    assert parts_in_force(first).filter(indicator=retired).exists()
    assert not parts_in_force(version).filter(indicator=retired).exists()
    # (2) split: new parts born in 2027 from the road series; the road part is kept, retired
    corridors = IndicatorPart.objects.filter(indicator__code="TRP OC 1", code__in=["ROAD_SWD_EW", "ROAD_SWD_NS"])
    assert corridors.count() == 2
    for part in corridors:
        lineage = PartLineage.objects.get(part=part, version=version)
        assert lineage.origin == PartLineage.Origin.SPLIT and list(lineage.sources.all()) == [road]
        assert part.milestones.current().count() == 4
    road_retirement = Retirement.objects.get(part=road)
    assert road_retirement.fate == Retirement.Fate.SPLIT and set(road_retirement.successors.all()) == set(corridors)
    assert IndicatorPart.objects.filter(pk=road.pk).exists()
    assert set(parts_in_force(version).filter(indicator__code="TRP OC 1").values_list("code", flat=True)) >= {
        "ROAD_SWD_EW",
        "ROAD_SWD_NS",
    }
    assert not parts_in_force(version).filter(pk=road.pk).exists()
    assert parts_in_force(first).filter(pk=road.pk).exists() and not parts_in_force(first).filter(code="ROAD_SWD_EW")
    # (3) reworded in every language
    outcome = Result.objects.get(framework=framework, code="TRP OC 1")
    assert (outcome.statement_en, outcome.statement_zh_hans, outcome.statement_ru) == tuple(NEW_OUTCOME.values())
    # (4) rebased: a new current baseline, the old one kept as a revision
    current = fuel.baselines.current().get()
    assert current.value_number == (old_baseline.value_number * Decimal("1.1")).quantize(Decimal("0.000001"))
    assert current.revised_on == ENDORSED_ON and current.reason_ru == REASONS["rebase"]["ru"]
    assert Baseline.objects.get(pk=old_baseline.pk).is_current is False
    rebased = PartLineage.objects.get(part=fuel, version=version)
    assert (rebased.origin, rebased.factor) == (PartLineage.Origin.REBASED, Decimal("1.1"))
    # (5) a sector-level indicator, new in 2027
    added = Indicator.objects.get(framework=framework, code="TRP OC 1.9")
    assert added.level == "sector" and added.statement_ru == NEW_INDICATOR["statement"]["ru"]
    new_part = added.parts.get()
    assert new_part.baselines.current().get().revised_on == ENDORSED_ON
    assert PartLineage.objects.get(part=new_part, version=version).origin == PartLineage.Origin.NEW
    assert not parts_in_force(first).filter(pk=new_part.pk).exists()
    # every other part continues its own series
    untouched = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="RAIL_SWD")
    assert PartLineage.objects.get(part=untouched, version=version).origin == PartLineage.Origin.SAME
    # the audit trail
    audit = AuditEntry.objects.filter(actor=secretariat)
    assert audit.filter(action="approve", object_id=version.pk, content_type__model="frameworkversion").exists()
    assert audit.filter(action="submit", object_id=version.pk).exists()
    assert audit.filter(action="update", content_type__model="result", object_id=outcome.pk).exists()
    assert audit.filter(action="create", content_type__model="retirement").count() == 2
    assert audit.filter(action="create", content_type__model="change").count() == 5


def test_what_changed_lists_each_change_with_its_reason_in_every_language(secretariat, framework, client):
    _endorse(secretariat, _draft(secretariat, framework))
    for language in ("en", "zh-hans", "ru"):
        page = client.get(f"/{language}/framework/changes/", {"from": "2020", "to": "2027"})
        assert page.status_code == 200
        html = page.content.decode()
        for reason in REASONS.values():
            assert reason[language] in html
        assert NEW_OUTCOME[language] in html  # the reworded outcome, after
        for subject in ("TRD OC 1.1", "TRP OC 1 · ROAD_SWD", "TRD OC 1 · FUEL_WORLD", "TRP OC 1.9"):
            assert subject in html
        assert MEETING[language] in html
        # the first version's endorsement date, as the language writes a date
        assert {"en": "7 December 2020", "zh-hans": "2020年12月7日", "ru": "7 декабря 2020 г."}[
            language
        ] in html.replace("\xa0", " ")
    default = client.get("/en/framework/changes/")  # the latest endorsed version against the one it revised
    assert REASONS["split"]["en"] in default.content.decode()


def test_public_sees_nothing_of_a_draft(secretariat, framework, client):
    version = _draft(secretariat, framework)
    services.version_submit(user=secretariat, version=version)

    assert client.get("/en/framework/changes/", {"to": "2027"}).status_code == 404
    page = client.get("/en/framework/changes/").content.decode()
    assert "2027" not in page and REASONS["split"]["en"] not in page
    assert client.get("/api/v1/versions/2027/changes/").status_code == 404
    assert [v["label"] for v in client.get("/api/v1/versions/").json()] == ["2020"]
    # nothing of the framework has changed yet
    assert Result.objects.get(framework=framework, code="TRP OC 1").statement_en != NEW_OUTCOME["en"]
    assert not Retirement.objects.exists() and not PartLineage.objects.exists()
    assert not Indicator.objects.filter(code="TRP OC 1.9").exists()
    # the secretariat may review it
    client.force_login(secretariat)
    staff = client.get("/en/framework/changes/", {"to": "2027"}).content.decode()
    assert all(reason["en"] in staff for reason in REASONS.values())


def test_api_offers_the_same_comparison(secretariat, framework, client):
    _endorse(secretariat, _draft(secretariat, framework))
    listed = client.get("/api/v1/versions/").json()
    assert [(v["label"], v["based_on"]) for v in listed] == [("2020", None), ("2027", "2020")]
    body = client.get("/api/v1/versions/2027/changes/", {"from": "2020", "lang": "ru"}).json()
    groups = {g["key"]: g["changes"] for g in body["groups"]}
    assert [c["reason"] for c in groups["retired"]] == [REASONS["retire"]["ru"]]
    assert [c["after"] for c in groups["reworded"]] == [[NEW_OUTCOME["ru"]]]
    assert len(groups["split"][0]["after"]) == 2 and groups["rebased"] and groups["added"]
    assert body["count"] == 5


def test_what_changed_page_queries_do_not_grow_with_the_changes(
    secretariat, framework, client, django_assert_num_queries
):
    _endorse_one_change(secretariat, framework)
    with CaptureQueriesContext(connection) as one_change:
        assert client.get("/en/framework/changes/", {"from": "2020", "to": "2024"}).status_code == 200
    big = _draft(secretariat, framework)
    _endorse(secretariat, big)
    with django_assert_num_queries(len(one_change.captured_queries)):
        assert client.get("/en/framework/changes/", {"from": "2020", "to": "2027"}).status_code == 200


def test_only_the_secretariat_revises(secretariat, framework):
    focal = factories.focal_point("trp-versions", "TRP")
    with pytest.raises(PermissionDenied):
        services.version_draft_create(user=focal, framework=framework, label="2027", applies_from=2027)
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    with pytest.raises(PermissionDenied):
        services.change_add(
            user=focal,
            version=version,
            kind="retire_indicator",
            payload={"indicator": "TRD OC 1.1"},
            reason=REASONS["retire"],
        )
    with pytest.raises(PermissionDenied):
        services.version_endorse(user=focal, version=version, endorsed_on=ENDORSED_ON, meeting=MEETING)


@pytest.mark.parametrize(
    ("kind", "payload", "reason", "named"),
    [
        ("retire_part", {"indicator": "TRP OC 1", "part": "ROAD_XYZ"}, REASONS["retire"], "ROAD_XYZ"),
        ("retire_indicator", {"indicator": "NOPE 1"}, REASONS["retire"], "NOPE 1"),
        ("retire_indicator", {"indicator": "TRD OC 1.1"}, {"en": "Only English", "zh-hans": "仅中文"}, "ru"),
        (
            "split_part",
            {"indicator": "TRP OC 1", "part": "ROAD_SWD", "into": [_corridor_part("ROAD_ONE", "a", "b", "c")]},
            REASONS["split"],
            "two or more",
        ),
        (
            "reword",
            {"target": "result", "code": "TRP OC 1", "field": "statement", "text": {"en": "x", "ru": "y"}},
            REASONS["reword"],
            "zh-hans",
        ),
        (
            "split_part",
            {
                "indicator": "TRP OC 1",
                "part": "ROAD_SWD",
                "into": [_corridor_part("RAIL_SWD", "a", "b", "c"), _corridor_part("ROAD_TWO", "d", "e", "f")],
            },
            REASONS["split"],
            "RAIL_SWD",
        ),
        ("rebase", {"indicator": "TRD OC 1", "part": "FUEL_WORLD", "note": MEETING}, REASONS["rebase"], "factor"),
        (
            "add_indicator",
            {"result": "TRP OC 1", "indicator": {**NEW_INDICATOR, "code": "TRP OC 1"}},
            REASONS["add"],
            "TRP OC 1",
        ),
        ("resurrect", {}, REASONS["add"], "resurrect"),
    ],
)
def test_bad_change_is_refused_naming_what_is_wrong(secretariat, framework, kind, payload, reason, named):
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    with pytest.raises(ValidationError) as refused:
        services.change_add(user=secretariat, version=version, kind=kind, payload=payload, reason=reason)
    assert named in " ".join(refused.value.messages)
    assert not Change.objects.filter(version=version).exists()
    assert not IndicatorPart.objects.filter(code__in=["ROAD_ONE", "ROAD_TWO"]).exists()


def test_endorsement_refuses_a_change_that_no_longer_applies(secretariat, framework):
    version = _draft(secretariat, framework)
    services.version_submit(user=secretariat, version=version)
    Result.objects.filter(framework=framework, code="TRP OC 1").update(statement_en="Edited meanwhile")

    with pytest.raises(ValidationError) as refused:
        services.version_endorse(user=secretariat, version=version, endorsed_on=ENDORSED_ON, meeting=MEETING)

    assert "changed since it was drafted" in " ".join(refused.value.messages)
    version.refresh_from_db()
    assert version.status == FrameworkVersion.Status.IN_REVIEW
    assert not Retirement.objects.exists() and not IndicatorPart.objects.filter(code="ROAD_SWD_EW").exists()


def test_merge_retarget_and_retire_with_successor(secretariat, framework, client):
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    merged = _corridor_part(
        "ALL_SWOD",
        "All modes: speed without delay",
        "所有方式：无延误速度",
        "Все виды транспорта: скорость без учёта задержек",
    )
    add = services.change_add
    add(
        user=secretariat,
        version=version,
        kind="merge_parts",
        reason=REASONS["split"],
        payload={"indicator": "TRP OC 1", "parts": ["ROAD_SWOD", "RAIL_SWOD"], "into": merged},
    )
    add(
        user=secretariat,
        version=version,
        kind="retarget",
        reason=REASONS["rebase"],
        payload={
            "indicator": "TRP OC 1",
            "part": "ROAD_SWD",
            "milestones": [{"year": 2029, "kind": "exact", "value": 30}],
        },
    )
    add(
        user=secretariat,
        version=version,
        kind="retire_part",
        reason=REASONS["retire"],
        payload={
            "indicator": "TRP OC 1",
            "part": "RAIL_SWD",
            "went_to": [{"indicator": "TRP OC 1", "part": "ROAD_SWD"}],
        },
    )
    # a later change sees what an earlier one did: a merged part is no longer in force
    with pytest.raises(ValidationError, match="RAIL_SWOD"):
        add(
            user=secretariat,
            version=version,
            kind="retire_part",
            reason=REASONS["retire"],
            payload={"indicator": "TRP OC 1", "part": "RAIL_SWOD"},
        )
    client.force_login(secretariat)
    body = client.get("/api/v1/versions/2027/changes/", {"from": "2020"}).json()
    assert body["count"] == 3  # the secretariat previews the draft

    _endorse(secretariat, version)

    all_swod = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="ALL_SWOD")
    lineage = PartLineage.objects.get(part=all_swod, version=version)
    assert lineage.origin == PartLineage.Origin.MERGED
    assert set(lineage.sources.values_list("code", flat=True)) == {"ROAD_SWOD", "RAIL_SWOD"}
    assert Retirement.objects.filter(fate=Retirement.Fate.MERGED, successors=all_swod).count() == 2
    road = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="ROAD_SWD")
    target = road.milestones.current().get(year=2029)
    assert (target.kind, target.value_number, target.set_on) == ("exact", Decimal(30), ENDORSED_ON)
    assert road.milestones.filter(year=2029, is_current=False, kind="not_set").exists()  # the PRF's kept
    rail = Retirement.objects.get(part__code="RAIL_SWD", part__indicator__code="TRP OC 1")
    assert rail.fate == Retirement.Fate.REPLACED and list(rail.successors.all()) == [road]


def test_withdrawn_draft_leaves_nothing_and_a_new_draft_may_start(secretariat, framework):
    version = _draft(secretariat, framework)
    services.version_withdraw(user=secretariat, version=version, reason="Superseded by the action plan.")
    assert not Retirement.objects.exists() and not Indicator.objects.filter(code="TRP OC 1.9").exists()
    again = services.version_draft_create(user=secretariat, framework=framework, label="2028", applies_from=2028)
    assert again.based_on.label == "2020"
    with pytest.raises(ValidationError):
        services.version_submit(user=secretariat, version=version)


def test_reloading_the_fixture_keeps_an_endorsed_revision(secretariat, framework):
    from io import StringIO

    from django.core.management import call_command

    _endorse(secretariat, _draft(secretariat, framework))
    out = StringIO()
    call_command("load_framework", "--no-progress", stdout=out)
    assert "has been revised since (version 2027 endorsed)" in out.getvalue()
    outcome = Result.objects.get(framework=framework, code="TRP OC 1")
    assert outcome.statement_en == NEW_OUTCOME["en"]  # not the first version's text again
