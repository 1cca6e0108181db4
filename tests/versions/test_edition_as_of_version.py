"""A draft edition under an earlier framework version, built after a later revision was endorsed,
tells its own version's framework: the texts as they read then (versions.editions.texts_as_of),
its baselines and milestones, its parts; a draft under the revision tells the revision's."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import Indicator, IndicatorPart
from reports.content import content_build
from reports.models import ReportEdition
from reports.render import report_render
from reports.selectors import edition_content, edition_scope
from tests.versions.test_editions import _draft_2027, _draft_edition, _parts, _retarget
from tests.versions.test_revision import (
    NEW_OUTCOME,
    REASONS,
    _draft,
    _endorse,
    _endorse_one_change,
    framework,  # noqa: F401
    secretariat,  # noqa: F401
)
from versions import services
from versions.editions import texts_as_of
from versions.selectors import version_in_force

LANGUAGES = ("en", "zh-hans", "ru")
# The PRF's texts (fixtures/carec2030_prf.yaml) that the revisions below reword
OLD_OUTCOME = {
    "en": "Improved economic connectivity and sustainability of regional transport infrastructure",
    "zh-hans": "区域交通运输基础设施经济连通性和可持续性得到提升",
    "ru": "Повышение экономической взаимосвязанности и устойчивости региональной транспортной инфраструктуры",
}
OLD_INDICATOR = {
    "en": "Average speed with delay (SWD) and speed without delay (SWOD) along the corridors",
    "zh-hans": "各走廊有延误速度（SWD）和无延误速度（SWOD）的平均速度",
    "ru": "Средняя скорость на коридорах с учётом задержек (SWD) и без учёта задержек (SWOD)",
}
OLD_RAIL = {
    "en": "Rail: speed with delay",
    "zh-hans": "铁路：有延误速度",
    "ru": "Железнодорожный транспорт: скорость с учётом задержек",
}
# A 2030 revision's texts
OUTCOME_2030 = {
    "en": "Connected, green and safe regional transport",
    "zh-hans": "互联、绿色、安全的区域交通",
    "ru": "Связанный, экологичный и безопасный региональный транспорт",
}
INDICATOR_2030 = {
    "en": "Average speed along the corridors, with and without delay",
    "zh-hans": "走廊平均速度（有延误和无延误）",
    "ru": "Средняя скорость на коридорах с задержками и без них",
}
MEETING_2030 = {
    "en": "28th Ministerial Conference",
    "zh-hans": "第二十八届部长级会议",
    "ru": "28-я Министерская конференция",
}
RAIL_2030 = {
    "en": "Rail: average speed with delay",
    "zh-hans": "铁路：有延误平均速度",
    "ru": "Железнодорожный транспорт: средняя скорость с учётом задержек",
}


def _draft_2024(secretariat) -> ReportEdition:  # noqa: F811
    """The 2024 DEfR: three years to its cut-off year 2023, under the PRF of 2020."""
    return _draft_edition(secretariat, "2024", first_year=2021, cut_off=2023)


def _draft_2030(secretariat) -> ReportEdition:  # noqa: F811
    return _draft_edition(secretariat, "2030", first_year=2028, cut_off=2030)


def _revision_2030(user, framework) -> None:  # noqa: F811
    """A second revision, applying from 2030, that rewords the outcome again, the indicator of
    the same code and its rail part."""
    version = services.version_draft_create(user=user, framework=framework, label="2030", applies_from=2030)
    rewordings = [
        {"target": "result", "code": "TRP OC 1", "field": "statement", "text": OUTCOME_2030},
        {"target": "indicator", "code": "TRP OC 1", "field": "statement", "text": INDICATOR_2030},
        {"target": "part", "indicator": "TRP OC 1", "code": "RAIL_SWD", "field": "name", "text": RAIL_2030},
    ]
    for payload in rewordings:
        services.change_add(user=user, version=version, kind="reword", payload=payload, reason=REASONS["reword"])
    services.version_submit(user=user, version=version)
    services.version_endorse(user=user, version=version, endorsed_on=datetime.date(2029, 11, 15), meeting=MEETING_2030)


def _outcome(content: dict, code: str = "TRP OC 1") -> dict:
    return next(
        link["outcome"]
        for cluster in content["clusters"]
        for sector in cluster["sectors"]
        for link in sector["chain"]
        if link["outcome"] and link["outcome"]["code"] == code
    )


def _indicator(content: dict, code: str) -> dict:
    return next(i for i in content["indicators"] if i["code"] == code)


def _render(edition: ReportEdition, language: str, user) -> str:
    edition = ReportEdition.objects.get(pk=edition.pk)
    return report_render(edition_content(edition, user), None, language=language, format="html").decode()


def test_a_2024_draft_built_after_the_revision_tells_the_framework_of_2020(secretariat, framework):  # noqa: F811
    fuel = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_WORLD")
    old_fuel = fuel.baselines.current().get().value_number
    rail_before = {
        m["year"]: m
        for m in _parts(content_build(edition_scope(_draft_2024(secretariat)), secretariat))[("TRP OC 1", "RAIL_SWD")][
            "milestones"
        ]
    }
    assert rail_before[2029]["kind"] != "exact"
    edition = ReportEdition.objects.get(code="2024")
    version = _draft(secretariat, framework)
    _retarget(secretariat, version)
    _endorse(secretariat, version)

    content = edition_content(edition, secretariat)

    assert content["version"]["label"] == "2020"
    assert _outcome(content)["statement"] == OLD_OUTCOME
    parts = _parts(content)
    baseline = parts[("TRD OC 1", "FUEL_WORLD")]["baseline"]
    assert Decimal(str(baseline["value"]["n"])) == old_fuel
    assert ("TRP OC 1", "ROAD_SWD") in parts
    assert not {("TRP OC 1", "ROAD_SWD_EW"), ("TRP OC 1", "ROAD_SWD_NS")} & set(parts)
    rail = {m["year"]: m for m in parts[("TRP OC 1", "RAIL_SWD")]["milestones"]}
    assert rail == rail_before  # the retarget governs from 2027 only
    for language in LANGUAGES:
        html = _render(edition, language, secretariat)
        assert OLD_OUTCOME[language] in html and NEW_OUTCOME[language] not in html
        assert "ROAD_SWD_EW" not in html

    # a 2027 draft reports the revision: the new text, the rebased baseline, the new milestone
    later = edition_content(_draft_2027(secretariat), secretariat)
    assert later["version"]["label"] == "2027"
    assert _outcome(later)["statement"] == NEW_OUTCOME
    later_parts = _parts(later)
    rebased = Decimal(str(later_parts[("TRD OC 1", "FUEL_WORLD")]["baseline"]["value"]["n"]))
    assert rebased == (old_fuel * Decimal("1.1")).quantize(Decimal("0.000001"))
    assert {m["year"]: m for m in later_parts[("TRP OC 1", "RAIL_SWD")]["milestones"]}[2029]["kind"] == "exact"
    assert ("TRP OC 1", "ROAD_SWD") not in later_parts and ("TRP OC 1", "ROAD_SWD_EW") in later_parts
    for language in LANGUAGES:
        assert NEW_OUTCOME[language] in _render(ReportEdition.objects.get(code="2027"), language, secretariat)


def test_each_edition_takes_the_texts_of_its_own_version_across_two_revisions(secretariat, framework):  # noqa: F811
    _endorse(secretariat, _draft(secretariat, framework))
    _revision_2030(secretariat, framework)

    first, middle, last = (
        edition_content(draft(secretariat), secretariat) for draft in (_draft_2024, _draft_2027, _draft_2030)
    )

    assert [c["version"]["label"] for c in (first, middle, last)] == ["2020", "2027", "2030"]
    # the outcome, reworded twice: each edition the text of its version (2020's, not 2027's)
    assert _outcome(first)["statement"] == OLD_OUTCOME
    assert _outcome(middle)["statement"] == NEW_OUTCOME
    assert _outcome(last)["statement"] == OUTCOME_2030
    # the indicator of the same code as the outcome, and its part, reworded once
    for content in (first, middle):
        assert _indicator(content, "TRP OC 1")["statement"] == OLD_INDICATOR
        assert _parts(content)[("TRP OC 1", "RAIL_SWD")]["name"] == OLD_RAIL
    assert _indicator(last, "TRP OC 1")["statement"] == INDICATOR_2030
    assert _parts(last)[("TRP OC 1", "RAIL_SWD")]["name"] == RAIL_2030
    # what no revision reworded reads as it is stored
    road = IndicatorPart.objects.get(indicator__code="TRP OC 1", code="ROAD_SWD")
    assert _parts(first)[("TRP OC 1", "ROAD_SWD")]["name"]["ru"] == road.name_ru
    other = Indicator.objects.get(framework=framework, code="TRD OC 1")
    assert _indicator(first, "TRD OC 1")["statement"]["zh-hans"] == other.statement_zh_hans


def test_texts_as_of_keys_each_reworded_text_by_target(secretariat, framework):  # noqa: F811
    _endorse(secretariat, _draft(secretariat, framework))
    _revision_2030(secretariat, framework)

    assert texts_as_of(version_in_force(framework, 2030)) == {}
    as_of_2027 = texts_as_of(version_in_force(framework, 2027))
    assert as_of_2027 == {
        ("result", "TRP OC 1", None, "statement"): NEW_OUTCOME,
        ("indicator", "TRP OC 1", None, "statement"): OLD_INDICATOR,
        ("part", "RAIL_SWD", "TRP OC 1", "name"): OLD_RAIL,
    }
    assert texts_as_of(version_in_force(framework, 2023))[("result", "TRP OC 1", None, "statement")] == OLD_OUTCOME


def test_the_content_of_an_earlier_edition_takes_the_same_queries_whatever_the_rewords(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    django_assert_num_queries,
):
    _endorse_one_change(secretariat, framework)  # 2024: no text reworded
    scope = edition_scope(_draft_2024(secretariat))
    content_build(scope, secretariat)  # warm the caches
    with CaptureQueriesContext(connection) as none_reworded:
        assert _outcome(content_build(scope, secretariat))["statement"] == OLD_OUTCOME

    _endorse(secretariat, _draft(secretariat, framework))
    _revision_2030(secretariat, framework)

    with django_assert_num_queries(len(none_reworded.captured_queries)):
        content = content_build(scope, secretariat)
    assert _outcome(content)["statement"] == OLD_OUTCOME
    assert _parts(content)[("TRP OC 1", "RAIL_SWD")]["name"] == OLD_RAIL


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_old_outcome_is_in_the_2024_draft_in_every_language(secretariat, framework, language):  # noqa: F811
    edition = _draft_2024(secretariat)
    _endorse(secretariat, _draft(secretariat, framework))
    _revision_2030(secretariat, framework)

    html = _render(edition, language, secretariat)

    assert OLD_OUTCOME[language] in html and OLD_RAIL[language] in html
    assert NEW_OUTCOME[language] not in html and OUTCOME_2030[language] not in html
