"""The preview of a revision: the framework as it will read once the draft is endorsed, each item
marked with what the draft does to it, read while the draft's changes are applied and rolled back
after, so that nothing of the draft reaches the database."""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from clusters.models import Framework, Result
from indicators.models import Baseline, Indicator, IndicatorPart, Milestone
from tests import factories
from tests.versions.test_revision import NEW_INDICATOR, NEW_OUTCOME, REASONS, _draft, _endorse
from versions import preview as preview_module
from versions import services
from versions.initial import version_initial_ensure
from versions.models import Change, FrameworkVersion, PartLineage, Retirement
from versions.preview import version_preview
from workflow.models import AuditEntry, Role

pytestmark = pytest.mark.django_db

PAGE = "/{lang}/framework/revisions/{label}/preview/"
READ_QUERIES = 12  # parts, baselines, milestones, indicators, results, sectors, clusters, lineage (2), retired (3)


@pytest.fixture
def secretariat(db):
    return factories.user("sec-preview", groups=(Role.SECRETARIAT,))


@pytest.fixture
def framework(db):
    return Framework.objects.get(code="CAREC2030")


def _results(preview: dict) -> dict:
    return {r["code"]: r for c in preview["clusters"] for s in c["sectors"] for r in s["results"]}


def _indicators(preview: dict) -> dict:
    return {i["code"]: i for r in _results(preview).values() for i in r["indicators"]}


def _parts(preview: dict, indicator: str) -> dict:
    return {p["code"]: p for p in _indicators(preview)[indicator]["parts"]}


def _keys(item: dict) -> list[str]:
    return [mark["key"] for mark in item["marks"]]


def _state() -> dict:
    """What a preview must leave as it found: every row count it could touch and the texts and
    baseline the draft changes."""
    fuel = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_WORLD")
    outcome = Result.objects.get(code="TRP OC 1")
    return {
        **{
            model.__name__: model.objects.count()
            for model in (IndicatorPart, Indicator, Result, Baseline, Milestone, PartLineage, Retirement, AuditEntry)
        },
        "outcome": (outcome.statement_en, outcome.statement_ru, outcome.statement_zh_hans),
        "fuel baseline": list(fuel.baselines.values_list("pk", "value_number", "is_current", "in_force_until")),
        "parts in force 2027": list(IndicatorPart.objects.in_force(2027).values_list("pk", flat=True)),
        "ROAD_SWD until": IndicatorPart.objects.get(indicator__code="TRP OC 1", code="ROAD_SWD").in_force_until,
    }


def test_the_preview_shows_the_draft_as_it_would_read(secretariat, framework):
    version = _draft(secretariat, framework)
    fuel = IndicatorPart.objects.get(indicator__code="TRD OC 1", code="FUEL_WORLD")
    old_baseline = fuel.baselines.current().get().value_number

    with translation.override("en"):
        preview = version_preview(user=secretariat, version=version)

    assert (preview["version"], preview["year"], preview["applied"]) == ("2027", 2027, True)
    outcome = _results(preview)["TRP OC 1"]
    assert outcome["text"] == NEW_OUTCOME["en"] and "reworded" in _keys(outcome)
    road = _parts(preview, "TRP OC 1")
    assert "ROAD_SWD" not in road
    for code in ("ROAD_SWD_EW", "ROAD_SWD_NS"):
        (mark,) = [m for m in road[code]["marks"] if m["key"] == "continues"]
        assert mark["sources"] == ["TRP OC 1 · ROAD_SWD"]
        assert mark["label"] == "continues TRP OC 1 · ROAD_SWD"
    # a part the draft leaves alone carries no mark
    assert all(not p["marks"] for code, p in road.items() if not code.startswith("ROAD_SWD_"))
    rebased = _parts(preview, "TRD OC 1")["FUEL_WORLD"]
    assert _keys(rebased) == ["re-set"]
    assert rebased["baseline"]["value"] == str((old_baseline * Decimal("1.1")).normalize())
    added = _indicators(preview)["TRP OC 1.9"]
    assert _keys(added) == ["new"]
    assert _keys(added["parts"][0]) == ["new"] and added["parts"][0]["code"] == "SECTIONS_MONITORED"
    assert "TRD OC 1.1" not in _indicators(preview)
    (retired,) = [item for item in preview["retired"] if item["code"] == "TRD OC 1.1"]
    assert retired["what"] == "indicator" and retired["fate"] == "discontinued" and retired["went_to"] == []
    (split,) = [item for item in preview["retired"] if item["what"] == "part"]
    assert split["code"] == "TRP OC 1 · ROAD_SWD"
    assert split["went_to"] == ["TRP OC 1 · ROAD_SWD_EW", "TRP OC 1 · ROAD_SWD_NS"]


def test_the_preview_speaks_the_active_language(secretariat, framework):
    version = _draft(secretariat, framework)
    with translation.override("ru"):
        preview = version_preview(user=secretariat, version=version)
    outcome = _results(preview)["TRP OC 1"]
    assert outcome["text"] == NEW_OUTCOME["ru"] and not outcome["untranslated"]
    assert [m["label"] for m in outcome["marks"]] == ["переформулировано"]
    assert [m["label"] for m in _indicators(preview)["TRP OC 1.9"]["marks"]] == ["показатель добавлен"]
    assert _parts(preview, "TRP OC 1")["ROAD_SWD_EW"]["text"].startswith("Автомобильный транспорт, коридоры восток")


def test_nothing_of_the_preview_is_left_in_the_database(secretariat, framework):
    version = _draft(secretariat, framework)
    before = _state()
    version_preview(user=secretariat, version=version)
    assert _state() == before
    assert FrameworkVersion.objects.get(pk=version.pk).status == FrameworkVersion.Status.DRAFT
    # and the draft still endorses as previewed
    _endorse(secretariat, version)
    assert not IndicatorPart.objects.in_force(2027).filter(indicator__code="TRP OC 1", code="ROAD_SWD").exists()


def test_an_endorsed_version_is_read_as_it_stands(secretariat, framework):
    version = _endorse(secretariat, _draft(secretariat, framework))
    before = _state()
    preview = version_preview(user=secretariat, version=version)
    assert _state() == before
    assert preview["applied"] is False
    assert _results(preview)["TRP OC 1"]["text"] == NEW_OUTCOME["en"]
    assert "continues" in _keys(_parts(preview, "TRP OC 1")["ROAD_SWD_EW"])
    assert any(item["code"] == "TRD OC 1.1" for item in preview["retired"])


def test_a_withdrawn_version_is_not_previewed(secretariat, framework):
    version = services.version_withdraw(user=secretariat, version=_draft(secretariat, framework))
    with pytest.raises(ValidationError) as refused:
        version_preview(user=secretariat, version=version)
    assert refused.value.code == "bad_status"


def test_only_the_secretariat_may_preview(secretariat, framework):
    version = _draft(secretariat, framework)
    with pytest.raises(PermissionDenied):
        version_preview(user=factories.focal_point("trp-fp-preview", "TRP"), version=version)


def _read_queries(monkeypatch) -> list[int]:
    """The queries of each reading of the framework (the part after the changes are applied)."""
    counts, read = [], preview_module.framework_read

    def counted(version, changes):
        with CaptureQueriesContext(connection) as queries:
            data = read(version, changes)
        counts.append(len(queries))
        return data

    monkeypatch.setattr(preview_module, "framework_read", counted)
    return counts


def test_reading_takes_a_fixed_number_of_queries_whatever_the_draft_and_the_framework_size(
    secretariat, framework, monkeypatch, django_assert_max_num_queries
):
    counts = _read_queries(monkeypatch)
    first = version_initial_ensure(framework=framework)
    version_preview(user=secretariat, version=first)  # the framework as shipped, nothing applied
    one = services.version_draft_create(user=secretariat, framework=framework, label="2026", applies_from=2026)
    services.change_add(
        user=secretariat,
        version=one,
        kind="retire_indicator",
        payload={"indicator": "TRD OC 1.1"},
        reason=REASONS["retire"],
    )
    version_preview(user=secretariat, version=one)
    services.version_withdraw(user=secretariat, version=one)
    five = _draft(secretariat, framework)
    version_preview(user=secretariat, version=five)
    # one more indicator with two more parts: more to read, no more queries
    bigger = copy.deepcopy(NEW_INDICATOR)
    bigger["code"] = "TRP OC 1.10"
    bigger["parts"].append({**copy.deepcopy(bigger["parts"][0]), "code": "SECTIONS_PLANNED"})
    services.change_add(
        user=secretariat,
        version=five,
        kind="add_indicator",
        payload={"result": "TRP OC 1", "indicator": bigger},
        reason=REASONS["add"],
    )
    preview = version_preview(user=secretariat, version=five)
    assert len(_indicators(preview)["TRP OC 1.10"]["parts"]) == 2
    # a relation with no rows is not fetched (the shipped framework has no lineage or retirement)
    assert all(count <= READ_QUERIES for count in counts) and counts[2] == counts[3]
    assert IndicatorPart.objects.in_force(2027).count() > 50  # far more parts than queries
    with django_assert_max_num_queries(READ_QUERIES):
        preview_module.framework_read(first, [])


# --- the page ------------------------------------------------------------------------------------


def test_the_revision_page_links_to_the_preview(client, secretariat, framework):
    version = _draft(secretariat, framework)
    client.force_login(secretariat)
    page = client.get(f"/en/framework/revisions/{version.label}/").content.decode()
    assert 'href="/en/framework/revisions/2027/preview/"' in page
    assert "Preview the framework as revised" in page


@pytest.mark.parametrize("lang", ["en", "ru", "zh-hans"])
def test_the_page_shows_the_revised_framework_in_each_language(client, secretariat, framework, lang):
    version = _draft(secretariat, framework)
    client.force_login(secretariat)
    before = _state()
    response = client.get(PAGE.format(lang=lang, label=version.label))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert NEW_OUTCOME[lang] in page
    assert "ROAD_SWD_EW" in page and "ROAD_SWD_NS" in page and "<code>ROAD_SWD</code>" not in page
    assert 'class="mark mark-continues"' in page and 'class="mark mark-re-set"' in page
    assert 'class="mark mark-new"' in page and 'class="mark mark-reworded"' in page
    assert "TRD OC 1.1" in page.split('id="retired"')[1].split("</section>")[0]
    assert "<table" not in page  # nested lists stack on a phone
    assert _state() == before


def test_a_stale_change_shows_its_refusal_in_the_readers_language(client, secretariat, framework):
    version = _draft(secretariat, framework)
    Result.objects.filter(code="TRP OC 1").update(statement_en="Edited outside the revision")
    client.force_login(secretariat)
    response = client.get(PAGE.format(lang="ru", label=version.label))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "Изменение 3" in page
    assert "ROAD_SWD_EW" not in page
    assert Change.objects.filter(version=version).count() == 5


def test_the_preview_page_is_for_the_secretariat_only(client, secretariat, framework):
    version = _draft(secretariat, framework)
    url = PAGE.format(lang="en", label=version.label)
    assert client.get(url).status_code == 302
    assert "/login/" in client.get(url)["Location"]
    client.force_login(factories.focal_point("trp-fp-preview-page", "TRP"))
    assert client.get(url).status_code == 403
    client.force_login(secretariat)
    assert client.get(PAGE.format(lang="en", label="1999")).status_code == 404


def test_the_sectors_the_draft_touches_are_open_and_the_others_folded(client, secretariat, framework):
    """A revision of five changes is read without scrolling the whole framework: a sector the
    draft touches opens with the number of items it changes, the others fold."""
    version = _draft(secretariat, framework)
    client.force_login(secretariat)
    page = client.get(PAGE.format(lang="en", label=version.label)).content.decode()
    # TRP: the split road part (two new parts), the reworded outcome, the new indicator and its part
    assert '<details class="sector" id="sector-TRP" open>' in page
    trp = page.split('id="sector-TRP"')[1].split("</summary>")[0]
    assert "items changed" in trp
    assert '<details class="sector" id="sector-EFS">' in page  # untouched: folded
