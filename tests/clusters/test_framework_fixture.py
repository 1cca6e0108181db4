"""The shipped fixtures hold the whole PRF of seed 003 and the seeds' progress values, in three
languages; spot values are checked against the printed seeds."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings

from clusters.models import Cluster, Country, Framework, Result, Sector
from indicators.models import Baseline, Indicator, IndicatorPart, Milestone, Observation

pytestmark = pytest.mark.django_db

SEED_003_RESULTS = [
    "EFS",
    "EFS OP 1",
    "EFS OP 2",
    "TRD OC 1",
    "TRD OP 1",
    "TRD OP 2",
    "TSM OC 1",
    "TSM OP 1",
    "TSM OP 2",
    "ECD OC 1",
    "ECD OP 1",
    "ECD OP 2",
    "TRP OC 1",
    "TRP OP 1",
    "TRP OP 2",
    "ENG OC 1",
    "ENG OP 1",
    "ENG OP 2",
    "AGR OC 1",
    "AGR OP 1",
    "AGR OP 2",
    "AGR OP 3",
    "WTR OC 1",
    "WTR OP 1",
    "WTR OP 2",
    "EDC OC 1",
    "EDC OP 1",
    "EDC OP 2",
    "HLT OC 1",
    "HLT OP 1",
    "HLT OP 2",
]


def part(indicator: str, code: str) -> IndicatorPart:
    return IndicatorPart.objects.get(indicator__code=indicator, code=code)


def current_baseline(indicator: str, code: str) -> Baseline:
    return part(indicator, code).baselines.get(is_current=True)


def test_the_structure_of_the_prf():
    framework = Framework.objects.get(code="CAREC2030")
    assert framework.endorsed_on.isoformat() == "2020-12-07"
    assert Cluster.objects.filter(framework=framework).count() == 5
    assert sorted(Sector.objects.values_list("code", flat=True)) == sorted(
        ["EFS", "TRD", "TSM", "ECD", "TRP", "ENG", "AGR", "WTR", "EDC", "HLT"]
    )
    assert set(Sector.objects.filter(cluster__number=2).values_list("code", flat=True)) == {"TRD", "TSM", "ECD"}
    assert Result.objects.filter(level="impact").count() == 1
    assert Country.objects.count() == 11


def test_no_outcome_or_output_of_seed_003_is_missing():
    prf = set(Indicator.objects.filter(level="prf").values_list("code", flat=True))
    assert set(SEED_003_RESULTS) <= prf
    results = set(Result.objects.values_list("code", flat=True))
    assert set(SEED_003_RESULTS) <= results


def test_every_output_serves_an_outcome_of_its_own_sector():
    for output in Result.objects.filter(level="output").select_related("parent"):
        assert output.parent.level == "outcome"
        assert output.parent.sector_id == output.sector_id, output.code


def test_every_part_has_a_current_baseline_and_the_four_milestone_years():
    for p in IndicatorPart.objects.prefetch_related("baselines", "milestones"):
        assert sum(b.is_current for b in p.baselines.all()) == 1, p
        years = sorted(m.year for m in p.milestones.all() if m.is_current)
        assert {2020, 2023, 2026, 2029} <= set(years), p


def test_trade_baselines_as_printed_in_2016_with_the_2017_revision_current():
    fuel_world = part("TRD OC 1", "FUEL_WORLD")
    printed = fuel_world.baselines.get(is_current=False)
    assert (printed.year, printed.value_number) == (2016, Decimal("9.59"))
    current = fuel_world.baselines.get(is_current=True)
    assert (current.year, current.value_number) == (2017, Decimal("31.52"))
    assert current.source.code == "TRD_SOM_2022"
    assert current.reason_en and current.reason_zh_hans and current.reason_ru
    assert part("TRD OC 1", "FUEL_CAREC").baselines.get(year=2016).value_number == Decimal("0.43")
    assert part("TRD OC 1", "NONFUEL_WORLD").baselines.get(year=2016).value_number == Decimal("24.03")


def test_baseline_years_differ_per_indicator():
    assert current_baseline("TRD OP 2", "RESPONDENTS_IMPROVED").year == 2018
    assert current_baseline("TRD OP 2", "RESPONDENTS_IMPROVED").value_number == Decimal("93.0")
    assert {b.year for b in Baseline.objects.filter(part__indicator__code="EFS OP 1")} == {2018}
    assert current_baseline("TRP OC 1", "ROAD_SWD").year == 2017


def test_censored_renewable_share_keeps_its_qualifier():
    renewable = Baseline.objects.get(part__indicator__code="ENG OC 1", is_current=True)
    assert (renewable.qualifier, renewable.value_number) == ("<", Decimal("1"))


def test_transport_speeds_and_border_times_as_printed():
    assert current_baseline("TRP OC 1", "ROAD_SWD").value_number == Decimal("22.2")
    assert current_baseline("TRP OC 1", "RAIL_SWOD").value_number == Decimal("37.6")
    assert current_baseline("TRP OP 1", "ROAD_BCP_TIME").value_number == Decimal("16.9")
    assert current_baseline("TRP OP 1", "RAIL_BCP_TIME").value_number == Decimal("26.2")
    assert part("TRP OP 1", "ROAD_BCP_TIME").direction == IndicatorPart.Direction.DECREASE
    assert current_baseline("TRP OP 2", "C1_SWOD").value_number == Decimal("50.4")
    assert current_baseline("TRP OP 2", "C2_SWD").availability == "not_applicable"


def test_not_applicable_baselines_are_not_missing_and_not_zero():
    not_applicable = Baseline.objects.filter(availability="not_applicable", is_current=True)
    codes = set(not_applicable.values_list("part__indicator__code", flat=True))
    assert {"TSM OP 1", "EDC OP 1", "HLT OC 1"} <= codes
    assert not not_applicable.exclude(value_number=None).exists()


def test_ordinal_and_yes_no_parts_of_agr_oc_1():
    parts = {p.value_type: p for p in IndicatorPart.objects.filter(indicator__code="AGR OC 1")}
    ordinal = parts["ordinal"]
    baseline = ordinal.baselines.get(is_current=True)
    assert baseline.value_text in set(ordinal.scale.values_list("code", flat=True))
    assert "limited" in baseline.value_text
    assert "boolean" in parts


def test_milestones_hash_is_not_set_and_at_least_is_kept():
    road = part("TRP OC 1", "ROAD_SWD")
    assert {m.kind for m in road.milestones.filter(is_current=True)} == {"not_set"}
    assert not road.milestones.exclude(value_number=None).exists()
    assert Milestone.objects.filter(kind="at_least", value_number=None).exists()  # "at least #"


def test_trade_2023_targets_are_milestones_set_after_the_prf():
    target = part("TRD OC 1", "FUEL_WORLD").milestones.get(year=2023, is_current=True)
    assert (target.kind, target.value_number) == ("exact", Decimal("14.87"))
    assert target.set_on.isoformat() == "2022-06-28"
    assert part("TRD OC 1", "FUEL_WORLD").milestones.filter(year=2023).count() == 2  # the PRF's "#" kept


def test_trade_table_1_progress_values():
    obs = Observation.objects.approved().regional()
    assert obs.get(part=part("TRD OC 1", "NONFUEL_WORLD"), year=2020).value_number == Decimal("29.50")
    assert obs.get(part=part("TRD OC 1", "FUEL_CAREC"), year=2019).value_number == Decimal("0.71")
    assert obs.get(part=part("TRD OP 1", "TOP5_EXPORT_SHARE"), year=2020).value_number == Decimal("60.39")
    assert obs.get(part=part("TRD OP 3", "BODIES_FUNCTIONING"), year=2022).value_boolean is True
    assert obs.get(part=part("TRD OP 4", "REGIONAL_EVENTS"), year=2022).value_number == 16


def test_economic_corridor_countries_are_sets():
    ecd = part("ECD OC 1", "COUNTRIES_ECD_CONCEPT")
    printed = ecd.baselines.get(is_current=False)
    assert printed.value_number == 1 and not printed.countries.exists()
    revised = ecd.baselines.get(is_current=True)
    assert sorted(revised.countries.values_list("code", flat=True)) == ["CHN", "KAZ", "KGZ", "PAK"]
    latest = Observation.objects.get(part=ecd, year=2021, status="approved")
    assert latest.value_number == 7
    assert sorted(latest.countries.values_list("code", flat=True)) == ["CHN", "KAZ", "KGZ", "MNG", "PAK", "TJK", "UZB"]


def test_border_crossing_time_of_paragraph_9():
    road = part("TRP OP 1", "ROAD_BCP_TIME")
    values = dict(Observation.objects.approved().regional().filter(part=road).values_list("year", "value_number"))
    assert values[2020] == Decimal("15.1")
    assert values[2021] == Decimal("13.6")


def test_per_country_tables():
    export = part("TRD OC 1.1", "EXPORT_GROWTH")
    kaz_2021 = Observation.objects.get(part=export, country__code="KAZ", year=2021)
    assert (kaz_2021.value_number, kaz_2021.kind) == (Decimal("27.2"), "forecast")
    assert Observation.objects.get(part=export, country__code="UZB", year=2019).kind == "actual"
    tkm = Observation.objects.get(part=export, country__code="TKM", year=2020)
    assert (tkm.availability, tkm.value_number) == ("not_available", None)
    assert not Observation.objects.filter(part=export, country__code="AFG").exists()
    goods = part("TRD OC 1.2", "GOODS_TRADE")
    assert Observation.objects.get(part=goods, country__code="CHN", year=2020).value_number == 4658486
    assert Observation.objects.get(part=goods, country=None, year=2020).value_number == 4920258
    assert part("TRD OC 1.2", "GOODS_TRADE_CAREC_SHARE").weight_part == goods
    gdp = part("TRD OC 1.4", "GDP_GROWTH")
    assert Observation.objects.get(part=gdp, country__code="GEO", year=2021).value_number == Decimal("10.6")
    services = part("TRD OP 1.1", "SERVICES_EXPORTS")
    assert Observation.objects.get(part=services, country__code="PAK", year=2018).value_number == 4695


def test_afghanistan_membership_has_an_end_date():
    afg = Country.objects.get(code="AFG")
    assert afg.member_until.isoformat() == "2021-08-15"
    assert "AFG" not in Country.objects.members_in(2022).values_list("code", flat=True)
    assert Country.objects.members_in(2021).count() == 11


def _translated_fields():
    from modeltranslation.translator import translator

    for model in translator.get_registered_models():
        if model._meta.abstract or model._meta.app_label not in {"clusters", "indicators"}:
            continue
        yield model, translator.get_options_for_model(model).fields


def test_no_chinese_or_russian_text_is_empty_or_a_copy_of_the_english():
    problems = []
    languages = [code.replace("-", "_") for code, _ in settings.LANGUAGES if code != "en"]
    for model, fields in _translated_fields():
        for row in model.objects.all():
            for field in fields:
                english = getattr(row, f"{field}_en")
                if not english:
                    continue
                for lang in languages:
                    other = getattr(row, f"{field}_{lang}")
                    if not other:
                        problems.append(f"{model.__name__} {row.pk} {field}: no {lang}")
                    elif other == english and not _is_code_like(english):
                        problems.append(f"{model.__name__} {row.pk} {field}: {lang} copies the English")
    assert problems == []


def _is_code_like(text: str) -> bool:
    """Symbols such as "%" or "km/h" legitimately read the same in every language."""
    return len(text) <= 6 and not any(ch.isalpha() and ch.islower() for ch in text[1:])


def test_loading_twice_changes_nothing():
    from django.core.management import call_command

    models = [
        apps.get_model(label)
        for label in (
            "clusters.Result",
            "indicators.Indicator",
            "indicators.IndicatorPart",
            "indicators.Baseline",
            "indicators.Milestone",
            "indicators.Observation",
        )
    ]
    before = {m.__name__: m.objects.count() for m in models}
    current_before = set(Baseline.objects.filter(is_current=True).values_list("id", flat=True))
    call_command("load_framework", verbosity=0)
    assert {m.__name__: m.objects.count() for m in models} == before
    assert set(Baseline.objects.filter(is_current=True).values_list("id", flat=True)) == current_before
