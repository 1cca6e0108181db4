"""A revision adds and retires results, not only indicators and parts: a new outcome of a sector
that a later change of the same draft gives an indicator, and an outcome retired with every
indicator it still measures."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Result
from indicators.models import Indicator, IndicatorPart
from tests.versions.test_revision import (  # noqa: F401
    NEW_INDICATOR,
    _endorse,
    _endorse_one_change,
    framework,
    secretariat,
)
from versions import services
from versions.models import Change, FrameworkVersion, Retirement
from versions.selectors import parts_in_force, version_in_force

pytestmark = pytest.mark.django_db

NEW_OUTCOME = {
    "en": "Safer roads along the CAREC corridors",
    "zh-hans": "CAREC走廊沿线道路更加安全",
    "ru": "Более безопасные дороги вдоль коридоров ЦАРЭС",
}
NEW_OUTPUT = {
    "en": "Road safety audits of corridor sections",
    "zh-hans": "走廊路段的道路安全审计",
    "ru": "Аудит безопасности дорожного движения на участках коридоров",
}
REASONS = {
    "add_result": {
        "en": "The road safety strategy adds an outcome.",
        "zh-hans": "道路安全战略增加了一个成果。",
        "ru": "Стратегия безопасности дорожного движения добавляет конечный результат.",
    },
    "add_output": {
        "en": "Audits deliver the new outcome.",
        "zh-hans": "审计实现新的成果。",
        "ru": "Аудиты обеспечивают новый конечный результат.",
    },
    "add_indicator": {
        "en": "Road deaths measure the new outcome.",
        "zh-hans": "道路死亡人数衡量新的成果。",
        "ru": "Число погибших на дорогах измеряет новый конечный результат.",
    },
    "retire_result": {
        "en": "Tourism leaves the programme's results.",
        "zh-hans": "旅游不再列入计划的成果。",
        "ru": "Туризм исключается из результатов программы.",
    },
}
SAFETY_INDICATOR = {
    **NEW_INDICATOR,
    "code": "TRP OC 2.1",
    "statement": {
        "en": "Road deaths per 100,000 people",
        "zh-hans": "每十万人道路死亡人数",
        "ru": "Число погибших на дорогах на 100 000 человек",
    },
}
RETIRED = "TSM OC 1"


def _add(user, version, kind, payload, reason=None):
    return services.change_add(
        user=user, version=version, kind=kind, payload=payload, reason=reason or REASONS["add_result"]
    )


def _draft(user, framework, version: FrameworkVersion | None = None) -> FrameworkVersion:  # noqa: F811
    """The results revision; its changes are added to `version` when given (another draft)."""
    if version is None:
        version = services.version_draft_create(user=user, framework=framework, label="2027", applies_from=2027)
    _add(
        user,
        version,
        "add_result",
        {"sector": "TRP", "level": "outcome", "code": "TRP OC 2", "statement": NEW_OUTCOME},
        REASONS["add_result"],
    )
    _add(
        user,
        version,
        "add_result",
        {"sector": "TRP", "level": "output", "code": "TRP OP 3", "statement": NEW_OUTPUT, "outcome": "TRP OC 2"},
        REASONS["add_output"],
    )
    # the outcome added by the first change is there for the third, tried in order
    _add(
        user,
        version,
        "add_indicator",
        {"result": "TRP OC 2", "indicator": SAFETY_INDICATOR},
        REASONS["add_indicator"],
    )
    _add(user, version, "retire_result", {"result": RETIRED}, REASONS["retire_result"])
    return version


def test_a_revision_adds_an_outcome_with_an_indicator_and_retires_another(secretariat, framework):  # noqa: F811
    retired = list(Indicator.objects.filter(framework=framework, result__code=RETIRED))
    assert retired
    retired_parts = list(IndicatorPart.objects.filter(indicator__in=retired))
    others = set(Result.objects.filter(sector__code="TRP").values_list("order", flat=True))
    draft = _draft(secretariat, framework)
    assert not Result.objects.filter(code="TRP OC 2").exists()  # a draft changes nothing

    version = _endorse(secretariat, draft)

    outcome = Result.objects.get(framework=framework, code="TRP OC 2")
    assert (outcome.sector.code, outcome.level, outcome.parent) == ("TRP", "outcome", None)
    assert (outcome.statement_en, outcome.statement_zh_hans, outcome.statement_ru) == tuple(NEW_OUTCOME.values())
    assert outcome.order > max(others)
    output = Result.objects.get(framework=framework, code="TRP OP 3")
    assert (output.level, output.parent, output.statement_ru) == ("output", outcome, NEW_OUTPUT["ru"])
    indicator = Indicator.objects.get(framework=framework, code="TRP OC 2.1")
    assert indicator.result == outcome and indicator.statement_zh_hans == SAFETY_INDICATOR["statement"]["zh-hans"]
    assert parts_in_force(version).filter(indicator=indicator).exists()
    assert not output.indicators.exists()
    # the new results are stated from the version's first year; the retired one up to the year before
    assert (outcome.in_force_from, outcome.in_force_until) == (version.applies_from, None)
    assert (output.in_force_from, output.in_force_until) == (version.applies_from, None)
    retired_result = Result.objects.get(framework=framework, code=RETIRED)
    assert (retired_result.in_force_from, retired_result.in_force_until) == (None, version.applies_from - 1)
    assert set(Result.objects.in_force(2026).filter(code__in=[RETIRED, "TRP OC 2"]).values_list("code", flat=True)) == {
        RETIRED
    }
    assert set(Result.objects.in_force(2027).filter(code__in=[RETIRED, "TRP OC 2"]).values_list("code", flat=True)) == {
        "TRP OC 2"
    }
    # every indicator of the retired outcome, discontinued from 2027
    retirements = Retirement.objects.filter(indicator__in=retired)
    assert retirements.count() == len(retired)
    assert {(r.version, r.fate, r.change.kind) for r in retirements} == {
        (version, Retirement.Fate.DISCONTINUED, Change.Kind.RETIRE_RESULT)
    }
    assert set(IndicatorPart.objects.filter(indicator__in=retired).values_list("in_force_until", flat=True)) == {
        version.applies_from - 1
    }
    assert not parts_in_force(version).filter(indicator__in=retired).exists()
    first = version_in_force(framework, 2026)
    assert parts_in_force(first).filter(pk__in=[p.pk for p in retired_parts]).count() == len(retired_parts)
    # what the draft recorded: the outcome's texts and the indicators it retired
    change = version.changes.get(kind="retire_result")
    assert change.before["code"] == RETIRED and change.after == {}
    assert [i["code"] for i in change.before["indicators"]] == [i.code for i in sorted(retired, key=lambda i: i.order)]
    added = version.changes.filter(kind="add_result").first()
    assert added.before == {} and added.after["statement"] == NEW_OUTCOME


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans"])
def test_what_changed_shows_the_added_and_the_retired_result_with_their_reasons(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    client,
    language,
):
    outcome = Result.objects.get(framework=framework, code=RETIRED)
    statement = getattr(outcome, f"statement_{language.replace('-', '_')}")
    indicators = list(outcome.indicators.values_list("code", flat=True))
    _endorse(secretariat, _draft(secretariat, framework))

    page = client.get(f"/{language}/framework/changes/", {"from": "2020", "to": "2027"})

    assert page.status_code == 200
    html = unescape(page.content.decode())
    added = html[html.index('id="added"') : html.index("</section>", html.index('id="added"'))]
    retired = html[html.index('id="retired"') : html.index("</section>", html.index('id="retired"'))]
    assert "TRP OC 2" in added and NEW_OUTCOME[language] in added and REASONS["add_result"][language] in added
    assert NEW_OUTPUT[language] in added and REASONS["add_output"][language] in added
    assert 'class="change change-add_result"' in added
    assert RETIRED in retired and REASONS["retire_result"][language] in retired
    assert 'class="change change-retire_result"' in retired
    assert statement and statement in retired  # the outcome's own text, in the page's language
    assert indicators and all(code in retired for code in indicators)


def test_what_changed_costs_the_same_queries_with_result_changes(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    client,
    django_assert_num_queries,
):
    _endorse_one_change(secretariat, framework)
    with CaptureQueriesContext(connection) as one_change:
        assert client.get("/en/framework/changes/", {"from": "2020", "to": "2024"}).status_code == 200
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    _add(
        secretariat,
        version,
        "add_result",
        {"sector": "TRP", "level": "outcome", "code": "TRP OC 2", "statement": NEW_OUTCOME},
    )
    _add(secretariat, version, "retire_result", {"result": RETIRED})
    _endorse(secretariat, version)
    with django_assert_num_queries(len(one_change.captured_queries)):
        assert client.get("/en/framework/changes/", {"from": "2024", "to": "2027"}).status_code == 200


def _outcome(**overrides) -> dict:
    return {"sector": "TRP", "level": "outcome", "code": "TRP OC 2", "statement": NEW_OUTCOME, **overrides}


@pytest.mark.parametrize(
    ("kind", "payload", "named"),
    [
        ("add_result", _outcome(sector="XYZ"), "No sector or pillar “XYZ” in this framework."),
        ("add_result", _outcome(code="TRP OC 1"), "The code “TRP OC 1” is already used by a result."),
        ("add_result", _outcome(level="impact"), "A new result is an outcome or an output, not “impact”."),
        ("add_result", _outcome(statement={"en": "Safer roads", "zh-hans": "更安全"}), "has no text in ru."),
        ("add_result", _outcome(statement=None), "The result's statement must give a text in each language"),
        (
            "add_result",
            _outcome(level="output", outcome="TRP OC 9"),
            "An output serves an outcome of this framework; “TRP OC 9” is not one.",
        ),
        (
            "add_result",
            _outcome(level="output", outcome="TRP OP 1"),
            "An output serves an outcome of this framework; “TRP OP 1” is not one.",
        ),
        ("add_result", _outcome(outcome="TRP OC 1"), "An outcome serves no other result"),
        ("retire_result", {"result": "TRP OC 7"}, "No outcome or output “TRP OC 7” in this framework."),
        ("retire_result", {"result": "IMPACT"}, "No outcome or output “IMPACT” in this framework."),
    ],
)
def test_a_result_change_that_would_not_apply_is_refused_naming_the_value(
    secretariat,  # noqa: F811
    framework,  # noqa: F811
    kind,
    payload,
    named,
):
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    with pytest.raises(ValidationError) as refused:
        _add(secretariat, version, kind, payload)
    assert any(named in message for message in refused.value.messages), refused.value.messages
    assert not version.changes.exists() and not Result.objects.filter(code="TRP OC 2").exists()


def test_a_result_with_no_indicator_in_force_cannot_be_retired(secretariat, framework):  # noqa: F811
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    _add(secretariat, version, "add_result", _outcome())
    for code in Indicator.objects.filter(framework=framework, result__code=RETIRED).values_list("code", flat=True):
        _add(secretariat, version, "retire_indicator", {"indicator": code})
    for code in ("TRP OC 2", RETIRED):  # new and empty; emptied earlier in the same draft
        with pytest.raises(ValidationError) as refused:
            _add(secretariat, version, "retire_result", {"result": code})
        assert f"The result “{code}” has no indicator in force to retire." in refused.value.messages[0]
    assert not version.changes.filter(kind="retire_result").exists()


def test_a_change_naming_a_result_added_later_in_the_draft_is_refused(secretariat, framework):  # noqa: F811
    version = services.version_draft_create(user=secretariat, framework=framework, label="2027", applies_from=2027)
    with pytest.raises(ValidationError) as refused:
        _add(secretariat, version, "add_indicator", {"result": "TRP OC 2", "indicator": SAFETY_INDICATOR})
    assert "No outcome or output “TRP OC 2” in this framework." in refused.value.messages[0]
